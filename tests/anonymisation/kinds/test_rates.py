"""The ``rates`` kind on tiny frames: a rate with its numerator and denominator, none under the minimum
denominator, a policy without its columns refused, and the open suite blocking a wrong rate."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from anonymisation.apply import ApplyContext, apply
from anonymisation.dictionary import load_dictionary
from anonymisation.policy import PolicyError, load_policy
from anonymisation.policy_model import Policy
from quality.engine import great_expectations, validate
from quality.open_suites import Expectations, open_suite
from resources.common.vocabulary import INSUFFICIENT_DENOMINATOR, PUBLISHED, WITHHELD
from tests.anonymisation.test_policy import _variant

SECTION = {"denominator": "inscrits", "numerator": "admis", "rate": "taux_reussite",
           "success": "resultats.resultat", "success_values": ["ADM"]}


def _as_rates(raw: dict, section: dict | None = None) -> None:
    """The students' enrolments as a pass rate per year, diploma and level."""
    raw["kind"] = "rates"
    raw.pop("aggregate")
    raw["rates"] = dict(SECTION) if section is None else section
    raw["inputs"] = ["students.inscriptions", "students.diplomes", "students.resultats"]
    kept = {"rentree", "diplome", "diplome_lib", "niveau_etape"}
    raw["columns"] = [c for c in raw["columns"] if c["name"] in kept] + [
        {"name": "inscrits", "treatment": "count", "type": "integer", "role": "measure", "description": "Inscrits."},
        {"name": "admis", "treatment": "count", "type": "integer", "role": "measure", "description": "Admis."},
        {"name": "taux_reussite", "treatment": "count", "type": "number", "role": "measure",
         "description": "Admis / inscrits."},
        {"name": "statut", "treatment": "status", "type": "string", "role": "measure", "required": True,
         "values": [PUBLISHED, WITHHELD, INSUFFICIENT_DENOMINATOR], "description": "Pourquoi un taux est vide."},
    ]


@pytest.fixture
def policy(tmp_path: Path) -> Policy:
    return load_policy(_variant(tmp_path, "effectifs_etudiants", _as_rates))


def _frame(cells: dict[str, tuple[int, int]]) -> pd.DataFrame:
    """One row per student: per level, (enrolled, passed)."""
    rows = [(level, i < passed) for level, (enrolled, passed) in cells.items() for i in range(enrolled)]
    return pd.DataFrame({
        "inscriptions.annee_universitaire": [2024] * len(rows), "inscriptions.code_diplome": ["2500123"] * len(rows),
        "diplomes.libelle": ["Licence"] * len(rows), "inscriptions.niveau": [level for level, _ in rows],
        "resultats.resultat": ["ADM" if passed else "AJ" for _, passed in rows],
    })


def _apply(policy: Policy, frame: pd.DataFrame) -> pd.DataFrame:
    context = ApplyContext(as_of=dt.date(2026, 12, 5), run_id="run", code_version="v", dictionary=load_dictionary())
    out, report = apply(frame, policy, context)
    assert report.kind == "rates"
    return out.set_index("niveau_etape")


def test_a_rate_is_published_with_its_numerator_and_denominator(policy: Policy) -> None:
    out = _apply(policy, _frame({"L1": (40, 30), "L2": (25, 25)}))
    assert out.loc["L1", ["inscrits", "admis", "taux_reussite", "statut"]].tolist() == [40, 30, 0.75, PUBLISHED]
    assert out.loc["L2", ["admis", "taux_reussite"]].tolist() == [25, 1.0]


def test_a_denominator_under_the_minimum_gives_no_rate_and_says_why(policy: Policy) -> None:
    out = _apply(policy, _frame({"L1": (40, 30), "L2": (19, 10), "L3": (20, 7)}))
    assert out.loc["L2", "inscrits"] == 19
    assert pd.isna(out.loc["L2", "admis"]) and pd.isna(out.loc["L2", "taux_reussite"])
    assert out.loc["L2", "statut"] == INSUFFICIENT_DENOMINATOR
    assert out.loc["L3", ["admis", "taux_reussite", "statut"]].tolist() == [7, 0.35, PUBLISHED]


def test_a_small_denominator_is_withheld_as_an_aggregate_count(policy: Policy) -> None:
    out = _apply(policy, _frame({"L1": (40, 30), "L2": (30, 20), "L3": (3, 3)}))
    assert out.loc["L3", "statut"] == WITHHELD
    assert out.loc["L3", ["inscrits", "admis", "taux_reussite"]].isna().all()


@pytest.mark.parametrize("missing", ["numerator", "denominator"])
def test_a_rates_policy_without_its_numerator_or_denominator_is_refused(tmp_path: Path, missing: str) -> None:
    section = {k: v for k, v in SECTION.items() if k != missing}
    path = _variant(tmp_path, "effectifs_etudiants", lambda r: _as_rates(r, section))
    with pytest.raises(PolicyError, match=rf"^effectifs_etudiants\.-: a rates policy names its '{missing}' column"):
        load_policy(path)


def test_a_rate_under_a_condition_on_a_sensitive_column_needs_a_declared_sensitive_use(tmp_path: Path) -> None:
    """A share of students "in a disability situation" publishes that health fact as surely as a column would."""
    section = {**SECTION, "success": "etudiants.situation_handicap", "success_values": ["True"]}

    def sensitive(raw: dict) -> None:
        _as_rates(raw, section)
        raw["inputs"].append("students.etudiants")

    with pytest.raises(PolicyError, match=r"^effectifs_etudiants\.etudiants\.situation_handicap: .*sensitive_use"):
        load_policy(_variant(tmp_path, "effectifs_etudiants", sensitive))


def test_the_open_suite_blocks_a_rate_above_one_and_a_rate_under_the_minimum(policy: Policy) -> None:
    great_expectations()
    suite = open_suite(policy, Expectations(2020, 2026))
    good = _apply(policy, _frame({"L1": (40, 30), "L2": (19, 10)})).reset_index()[[c.name for c in policy.columns]]
    outcome, _ = validate(good, suite, policy.dataset)
    assert outcome.passed, [(f.expectation, f.column) for f in outcome.failed]

    bad = good.copy()
    bad["taux_reussite"] = pd.array([1.2, 0.5], dtype="Float64")  # above 1; and a rate where 19 were counted
    bad["admis"] = pd.array([50, 10], dtype="Int64")  # more successes than persons counted
    outcome, _ = validate(bad, suite, policy.dataset)
    failed = {(f.expectation, f.column.split(",")[0]) for f in outcome.failed}  # the column, then its condition's
    assert {("ExpectColumnValuesToBeBetween", "taux_reussite"), ("ExpectColumnValuesToBeNull", "taux_reussite"),
            ("ExpectColumnValuesToBeNull", "admis")} <= failed
    assert ("ExpectColumnPairValuesAToBeGreaterThanB", "inscrits") in failed


def test_the_version_online_is_read_with_its_rates_not_computed(policy: Policy) -> None:
    frame = _frame({"L1": (40, 30), "L2": (19, 10), "L3": (3, 3)})
    online = _apply(policy, frame).reset_index()
    context = ApplyContext(as_of=dt.date(2026, 12, 5), run_id="run", code_version="v", dictionary=load_dictionary(),
                           previous=online)
    again, _ = apply(frame, policy, context)
    pd.testing.assert_frame_equal(again, online[again.columns])
