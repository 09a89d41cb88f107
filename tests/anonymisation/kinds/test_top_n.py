"""The ``top_n`` kind and the ``hautes_remunerations`` policy on tiny hand-computed frames: the sum of the ten
highest pays, women and men among them, the months they were paid; a group under ten persons refused by the loader
and by the build; the national Table Schema (etalab "hautes-remunerations" 0.1.0) met by the file."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
from frictionless import Resource, Schema

from anonymisation.apply import ApplyContext, apply
from anonymisation.dictionary import load_dictionary
from anonymisation.policy import POLICY_DIR, PolicyError, load_policy
from anonymisation.policy_model import Policy
from anonymisation.sdc import DisclosureError
from quality.engine import great_expectations, validate
from quality.open_suites import Expectations, open_suite
from resources.publishing.csv_file import write_csv
from resources.publishing.metadata import table_schema
from tests.anonymisation.test_policy import _variant

SIREN = "197590003"


@pytest.fixture
def policy() -> Policy:
    return load_policy(POLICY_DIR / "hautes_remunerations.yaml")


def _frame(years: dict[int, int]) -> pd.DataFrame:
    """Per year, persons 1..n paid 10,000 euros times their number; even numbers are women; the highest paid
    of each year was paid for 6 months, the others for 12."""
    rows = [(year, i, "F" if i % 2 == 0 else "M", 6 if i == n else 12) for year, n in years.items()
            for i in range(1, n + 1)]
    return pd.DataFrame({
        "remunerations.annee": [r[0] for r in rows], "remunerations.brut_annuel": [10_000.0 * r[1] for r in rows],
        "agents.sexe": [r[2] for r in rows], "remunerations.mois_payes": [r[3] for r in rows],
        "remunerations._siren": SIREN, "remunerations._denomination": "Université de Démonstration",
    })


def _apply(policy: Policy, frame: pd.DataFrame) -> pd.DataFrame:
    context = ApplyContext(as_of=dt.date(2026, 12, 5), run_id="run", code_version="v", dictionary=load_dictionary())
    out, report = apply(frame, policy, context)
    assert report.kind == "top_n" and report.rows_out == len(out)
    return out


def test_the_ten_highest_are_summed_and_counted_by_sex(policy: Policy) -> None:
    out = _apply(policy, _frame({2024: 12, 2025: 10}))
    # 2024: persons 3..12 (the two lowest paid are left out): 10,000 x (3 + ... + 12) = 750,000 euros; women
    # 4, 6, 8, 10, 12; months 9 x 12 + 6. 2025: persons 1..10, 550,000 euros.
    assert out.to_dict("records") == [
        {"siren": SIREN, "denomination_employeur": "Université de Démonstration", "type_administration": "Autre",
         "annee": 2024, "somme_10_plus_hautes_remunerations_brutes": 750_000.0, "nb_femmes_beneficiaires": 5,
         "nb_hommes_beneficiaires": 5, "duree_cumulee_mois": 114.0, "commentaires": out.loc[0, "commentaires"]},
        {"siren": SIREN, "denomination_employeur": "Université de Démonstration", "type_administration": "Autre",
         "annee": 2025, "somme_10_plus_hautes_remunerations_brutes": 550_000.0, "nb_femmes_beneficiaires": 5,
         "nb_hommes_beneficiaires": 5, "duree_cumulee_mois": 114.0, "commentaires": out.loc[0, "commentaires"]},
    ]
    assert out.loc[0, "commentaires"].startswith("Rémunérations brutes annuelles")


def test_a_year_of_fewer_than_ten_persons_is_refused_naming_the_rule(policy: Policy) -> None:
    with pytest.raises(DisclosureError, match=r"^hautes_remunerations\.annee: 1 year\(s\) have fewer than 10 persons, "
                                              r"first 2025 with 9: .*\(rule: CRPA L311-6, top 10\)"):
        _apply(policy, _frame({2024: 12, 2025: 9}))


def test_a_policy_summing_fewer_than_ten_pays_is_refused(tmp_path: Path) -> None:
    path = _variant(tmp_path, "hautes_remunerations", lambda r: r["top_n"].update(n=5))
    with pytest.raises(PolicyError, match=r"^hautes_remunerations\.somme_10_plus_hautes_remunerations_brutes: "
                                          r"figures computed over groups of 5 persons .*\(rule: CRPA L311-6\)"):
        load_policy(path)


def test_pay_without_its_declared_basis_is_refused(tmp_path: Path) -> None:
    path = _variant(tmp_path, "hautes_remunerations", lambda r: r.pop("sensitive_use"))
    with pytest.raises(PolicyError, match=r"^hautes_remunerations\.somme_10_plus_hautes_remunerations_brutes: "
                                          r"a sensitive column .*\(rule: CRPA L311-6\)"):
        load_policy(path)


def test_a_declared_basis_does_not_let_a_list_publish_each_persons_pay(tmp_path: Path) -> None:
    """The basis allows a sum over ten persons, not a row per person: a row-level kind is refused."""
    def as_rows(raw: dict) -> None:
        raw["kind"] = "rows"
        raw.pop("top_n")
        raw["rows"] = {}
        raw["sensitive_use"]["columns"] = ["brut_annuel"]
        raw["columns"] = [c for c in raw["columns"] if c["name"] == "annee"] + [
            {"name": "brut_annuel", "source": "remunerations.brut_annuel", "treatment": "keep", "type": "number",
             "description": "Rémunération brute."}]

    with pytest.raises(PolicyError, match=r"^hautes_remunerations\.brut_annuel: the 'rows' kind neither protects its "
                                          r"cells nor computes .*\(rule: CRPA L311-6\)"):
        load_policy(_variant(tmp_path, "hautes_remunerations", as_rows))


def _frictionless(path: Path, schema: dict) -> list[list]:
    """The errors frictionless finds in the CSV against the Table Schema: row, field, type."""
    resource = Resource(path=path.name, basepath=str(path.parent), schema=Schema.from_descriptor(schema))
    return resource.validate().flatten(["rowNumber", "fieldName", "type"])


def test_the_file_follows_the_national_schema_and_the_open_suite(policy: Policy, tmp_path: Path) -> None:
    out = _apply(policy, _frame({2024: 12, 2025: 10}))
    schema = table_schema(policy)
    assert [f["name"] for f in schema["fields"]] == [c.name for c in policy.columns]
    path = tmp_path / "hautes_remunerations.csv"
    write_csv(out, path, schema)
    assert _frictionless(path, schema) == []
    assert path.read_text(encoding="utf-8").splitlines()[1].startswith(
        f"{SIREN},Université de Démonstration,Autre,2024,750000,5,5,114,")
    wrong = out.assign(nb_hommes_beneficiaires=pd.array([11, 5], dtype="Int64"), siren="19759000")
    write_csv(wrong, path, schema)
    assert _frictionless(path, schema) == [[2, "siren", "constraint-error"], [2, "nb_hommes_beneficiaires",
                                                                              "constraint-error"],
                                           [3, "siren", "constraint-error"]]

    great_expectations()
    suite = open_suite(policy, Expectations(2020, 2026))
    outcome, _ = validate(out, suite, policy.dataset)
    assert outcome.passed, [(f.expectation, f.column) for f in outcome.failed]
    bad = out.copy()
    bad["nb_femmes_beneficiaires"] = pd.array([7, 5], dtype="Int64")  # 7 women and 5 men among ten persons
    outcome, _ = validate(bad, suite, policy.dataset)
    assert "ExpectMulticolumnSumToEqual" in {f.expectation for f in outcome.failed}
