"""Dataset kinds: every policy's kind is registered, an unknown one is refused, and a new kind is one module.

The fake kind below is registered by the test alone (as its module and its
line in ``anonymisation/kinds/registry.py`` would register it); the loader,
``apply``, the open suite, the disclosure audit and the checks then use it
without any other module changing.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
import yaml

from anonymisation.apply import ApplyContext, apply
from anonymisation.dictionary import load_dictionary
from anonymisation.kinds.base import Built, Kind, SuiteRule
from anonymisation.kinds.cells import require
from anonymisation.kinds.registry import KINDS, kind_of
from anonymisation.policy import POLICY_DIR, PolicyError, load_policy
from anonymisation.policy_model import Policy
from anonymisation.sdc import PublishedTable
from assets.audit import audit_inputs
from assets.candidate_checks import needs_secrecy_check
from quality.open_suites import Expectations, open_suite
from tests.anonymisation.test_policy import _variant

FAKE = "liste_plafonnee"


def _capped(policy: Policy) -> int:
    return int(policy.settings["plafond"])


def _check_shape(policy: Policy) -> None:
    require(policy, "plafond" in policy.settings, "policy format", "a capped list says its 'plafond'")


def _build(built: Built) -> pd.DataFrame:
    return built.out.head(_capped(built.policy))


def _suite_rules(policy: Policy) -> list[SuiteRule]:
    return [SuiteRule("ExpectTableRowCountToBeBetween", {"max_value": _capped(policy)}, "Au plus le plafond.")]


def _audit_view(policy: Policy, frame: pd.DataFrame) -> PublishedTable:
    counts = frame.groupby("type_structure").size().rename("effectif").reset_index()
    return PublishedTable(policy.dataset, counts, ("type_structure",))


FAKE_KIND = Kind(name=FAKE, summary="liste plafonnée (test)", build=_build, settings=frozenset({"plafond"}),
                 check_shape=_check_shape, suite_rules=_suite_rules, audit_view=_audit_view, audited=True)


@pytest.fixture
def fake_kind(monkeypatch: pytest.MonkeyPatch) -> Kind:
    monkeypatch.setitem(KINDS, FAKE, FAKE_KIND)
    return FAKE_KIND


def _as_fake(raw: dict, section: dict | None = None) -> None:
    """The reference list of structures, as a capped list, without its free-text columns."""
    raw["kind"] = FAKE
    raw[FAKE] = {"plafond": 2} if section is None else section
    raw["columns"] = [c for c in raw["columns"] if c["treatment"] != "scan"]


def test_every_kind_a_policy_uses_is_registered() -> None:
    for path in sorted(POLICY_DIR.glob("*.yaml")):
        kind = yaml.safe_load(path.read_text(encoding="utf-8"))["kind"]
        assert kind in KINDS, f"{path.name}: kind {kind} is not registered"
        assert kind_of(kind).name == kind


def test_an_unknown_kind_is_refused_naming_file_and_kind(tmp_path: Path) -> None:
    path = _variant(tmp_path, "structures", lambda r: r.update(kind="top_inconnu"))
    with pytest.raises(PolicyError, match=r"structures: .*structures\.yaml declares kind 'top_inconnu'.*not registered"):
        load_policy(path)


def test_a_kind_refuses_a_setting_it_does_not_read(tmp_path: Path) -> None:
    path = _variant(tmp_path, "effectifs_etudiants", lambda r: r["aggregate"].update(seuil=3))
    with pytest.raises(PolicyError, match=r"the 'aggregate' section has no setting 'seuil'"):
        load_policy(path)


def test_a_registered_kind_is_read_by_the_loader_with_its_shape_rules(tmp_path: Path, fake_kind: Kind) -> None:
    policy = load_policy(_variant(tmp_path, "structures", _as_fake))
    assert policy.kind == FAKE and policy.settings == {"plafond": 2}
    with pytest.raises(PolicyError, match=r"structures\.-: a capped list says its 'plafond'"):
        load_policy(_variant(tmp_path, "structures", lambda r: _as_fake(r, {})))


def _frame() -> pd.DataFrame:
    codes = ["S1", "S2", "S3"]
    return pd.DataFrame({
        "structures.code_structure": codes, "structures.type_structure": ["ufr", "ufr", "service"],
        "structures.code_parent": ["U", "U", "U"], "structures.uai": [None, None, None],
        "structures.code_postal": ["00000"] * 3, "structures.commune": ["Ville"] * 3,
        "structures.code_commune": ["00000"] * 3, "structures.latitude": [0.0] * 3, "structures.longitude": [0.0] * 3,
    })


def test_a_registered_kind_builds_checks_and_is_audited(tmp_path: Path, fake_kind: Kind) -> None:
    policy = load_policy(_variant(tmp_path, "structures", _as_fake))
    context = ApplyContext(as_of=dt.date(2026, 12, 5), run_id="run", code_version="v", dictionary=load_dictionary())
    out, report = apply(_frame(), policy, context)
    assert list(out["code_structure"]) == ["S1", "S2"] and report.kind == FAKE

    suite = open_suite(policy, Expectations(first_year=2000, last_year=2026))
    assert ("ExpectTableRowCountToBeBetween", {"max_value": 2}) in [(r.expectation, r.kwargs) for r in suite.rules]

    candidate = tmp_path / "structures.parquet"
    out.to_parquet(candidate)

    class Candidates:
        def latest(self, dataset: str) -> Path | None:
            return candidate if dataset == "structures" else None

    tables, relations = audit_inputs({"structures": policy}, Candidates())  # type: ignore[arg-type]
    assert [(t.name, t.dims) for t in tables] == [("structures", ("type_structure",))] and not relations
    assert needs_secrecy_check(policy, {"structures": policy})


def _sensitive_measure(raw: dict, use: dict | None) -> None:
    """The age band of the staff counts as a label, which only a declared sensitive use allows."""
    next(c for c in raw["columns"] if c["name"] == "classe_age").update(role="label")
    if use is not None:
        raw["sensitive_use"] = use


def test_a_legal_basis_for_a_sensitive_value_is_accepted_with_its_article(tmp_path: Path) -> None:
    use = {"article": "CGFP L132-9-3", "columns": ["classe_age"]}
    policy = load_policy(_variant(tmp_path, "effectifs_personnels_age", lambda r: _sensitive_measure(r, use)))
    assert policy.sensitive_use is not None and policy.sensitive_use.article == "CGFP L132-9-3"
    assert not policy.nominative and policy.exception is None


@pytest.mark.parametrize(("use", "message"), [
    (None, r"effectifs_personnels_age\.classe_age: a sensitive column .*sensitive_use.*CRPA L311-6"),
    ({"columns": ["classe_age"]}, r"effectifs_personnels_age\.-: 'sensitive_use' cites the article"),
    ({"article": "CRPA D312-1-3 1°", "columns": ["classe_age"]}, r"not a basis this product knows"),
    ({"article": "CGFP L132-9-3", "columns": ["salaire"]}, r"effectifs_personnels_age\.salaire: .*lists the published columns"),
    ({"article": "CGFP L132-9-3", "columns": ["sexe"]}, r"effectifs_personnels_age\.classe_age: a sensitive column"),
])
def test_a_sensitive_value_without_its_declared_basis_is_refused(tmp_path: Path, use: dict | None, message: str) -> None:
    with pytest.raises(PolicyError, match=message):
        load_policy(_variant(tmp_path, "effectifs_personnels_age", lambda r: _sensitive_measure(r, use)))
