"""A policy that changes: constant columns, declared renames, and what differs from the version online."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest
import yaml

from anonymisation.evolution import comparable, policy_change, renames
from anonymisation.policy import POLICY_DIR, PolicyError, content_hash, load_catalogue, load_policy

PAYS = {"name": "pays", "treatment": "constant", "type": "string", "description": "Pays de l'établissement."}


def _variant(tmp_path: Path, dataset: str, mutate) -> Path:
    raw = yaml.safe_load((POLICY_DIR / f"{dataset}.yaml").read_text(encoding="utf-8"))
    mutate(raw)
    raw["review"]["hash"] = content_hash(raw)
    path = tmp_path / f"{dataset}.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return path


@pytest.mark.parametrize("column", [PAYS, {**PAYS, "value": "FR", "source": "structures.commune"},
                                    {**PAYS, "type": "integer", "value": "FR"}])
def test_a_constant_without_a_value_of_its_type_or_with_a_source_is_refused_at_load(tmp_path: Path, column: dict) -> None:
    path = _variant(tmp_path, "structures", lambda r: r["columns"].append(column))
    with pytest.raises(PolicyError, match=r"structures\.pays: treatment 'constant' needs a value .*\(rule: policy format\)"):
        load_policy(path)


def test_a_constant_with_its_value_loads(tmp_path: Path) -> None:
    policy = load_policy(_variant(tmp_path, "structures", lambda r: r["columns"].append({**PAYS, "value": "FR"})))
    assert policy.column("pays").value == "FR"


def _package(policy, columns: list[str] | None = None, digest: str | None = None) -> dict:
    fields = [{"name": c} for c in (columns or [c.name for c in policy.columns])]
    return {"version": "2026-01-01", "x_opendata": {"anonymisation": {"policy_hash": digest or policy.hash}},
            "resources": [{"path": "x.csv", "type": "table", "schema": {"fields": fields}}]}


def test_the_same_policy_is_no_change_and_an_edited_one_is() -> None:
    policy = load_catalogue()["effectifs_etudiants"]
    assert policy_change(policy, _package(policy)) is None and policy_change(policy, None) is None
    change = policy_change(policy, _package(policy, digest="sha256:old"))
    assert change is not None and not change.shape_changed and change.previous_hash == "sha256:old"


def test_added_removed_and_declared_renamed_columns() -> None:
    policy = load_catalogue()["effectifs_etudiants_nationalite"]
    names = [c.name for c in policy.columns]
    renamed = replace(policy, settings={**policy.settings, "renamed": {"groupe_nationalite": "nationalite_avant"}})
    old = [n if n != "groupe_nationalite" else "nationalite_avant" for n in names if n != "rentree_lib"] + ["regime"]
    change = policy_change(renamed, _package(policy, old))
    assert change.added == ("rentree_lib",) and change.removed == ("regime",)
    assert change.renamed == (("nationalite_avant", "groupe_nationalite"),)
    assert change.as_metadata()["columns_renamed"] == [{"from": "nationalite_avant", "to": "groupe_nationalite"}]
    undeclared = policy_change(policy, _package(policy, old))
    assert set(undeclared.removed) == {"nationalite_avant", "regime"} and "groupe_nationalite" in undeclared.added


def test_the_old_version_is_read_under_todays_names_and_a_bad_rename_is_refused() -> None:
    policy = load_catalogue()["effectifs_etudiants_nationalite"]
    renamed = replace(policy, settings={**policy.settings, "renamed": {"groupe_nationalite": "nationalite_avant"}})
    old = pd.DataFrame({"nationalite_avant": ["France"], "effectif": [5]})
    assert list(comparable(old, renamed).columns) == ["groupe_nationalite", "effectif"]
    wrong = replace(policy, settings={**policy.settings, "renamed": {"inconnue": "x"}})
    with pytest.raises(PolicyError, match=r"effectifs_etudiants_nationalite\.inconnue: .*\(rule: declared rename\)"):
        renames(wrong)


def test_an_old_name_taken_again_by_another_column_reads_as_added() -> None:
    """Yesterday's ``niveau`` (L1...) is today's ``niveau_etape``; today's ``niveau`` is the national code."""
    policy = load_catalogue()["effectifs_etudiants"]
    names = [c.name for c in policy.columns]
    old = ["niveau" if n == "niveau_etape" else n for n in names if n != "niveau"]
    change = policy_change(policy, _package(policy, old))
    assert ("niveau", "niveau_etape") in change.renamed and "niveau" in change.added and "niveau" not in change.removed
    yesterday = pd.DataFrame({"niveau": ["L1"], "effectif": [5]})
    assert list(comparable(yesterday, policy).columns) == ["niveau_etape", "effectif"]
