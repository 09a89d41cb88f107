"""The changelog's comparison and its French text, on small frames whose answer is counted by hand."""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest
import yaml

from anonymisation.policy import POLICY_DIR, load_policy, policy_path
from anonymisation.policy_model import PolicyError
from resources.publishing.changelog import KEPT_WITH_KEYS, changelog_keys, compare, first_entry, history
from resources.publishing.changelog_text import changelog_file, note, readme_section


def _policy(name: str):
    return load_policy(policy_path(name, POLICY_DIR))


def test_rows_are_matched_on_the_policy_keys_and_counted_by_year() -> None:
    policy = dataclasses.replace(_policy("marches_publics"), keys=("id",))
    old = pd.DataFrame({"id": ["m1", "m2", "m3"], "objet": ["a", "b", "c"], "dateNotification": ["2025-03-01"] * 3})
    new = pd.DataFrame({"id": ["m1", "m2", "m4"], "objet": ["a", "B", "d"],
                        "dateNotification": ["2025-03-01", "2025-03-01", "2026-01-02"]})
    policy = dataclasses.replace(policy, columns=tuple(c for c in policy.columns if c.name in new.columns))
    entry = compare(policy, new, old, "2026-12-05", "2026-12-04")
    assert (entry["added"], entry["removed"], entry["changed"]) == (1, 1, 1)
    assert entry["by_year"] == {"2025": {"added": 0, "removed": 1, "changed": 1},
                                "2026": {"added": 1, "removed": 0, "changed": 0}}
    assert entry["keys"] == {"columns": ["id"], "added": ["m4"], "removed": ["m3"], "changed": ["m2"]}


def test_a_missing_value_equals_a_missing_value_and_new_columns_are_named() -> None:
    policy = dataclasses.replace(_policy("structures"), keys=("code_structure",))
    old = pd.DataFrame({"code_structure": ["A", "B"], "uai": [None, "0751234A"]})
    new = pd.DataFrame({"code_structure": ["A", "B"], "uai": [None, "0751234A"], "commune": ["Paris", "Lyon"]})
    entry = compare(policy, new, old, "2026-12-05", "2026-12-04")
    assert (entry["added"], entry["removed"], entry["changed"]) == (0, 0, 0)
    assert entry["columns_added"] == ["commune"] and entry["columns_removed"] == []


def test_a_nominative_dataset_is_compared_whole_and_named_never() -> None:
    policy = _policy("annuaire")
    assert changelog_keys(policy) == ()
    old = pd.DataFrame({"nom": ["Durand", "Martin"], "prenom": ["Léa", "Paul"]})
    new = pd.DataFrame({"nom": ["Durand", "Martin", "Petit"], "prenom": ["Léa", "Paule", "Zoé"]})
    entry = compare(policy, new, old, "2026-12-05", "2026-12-04")
    assert (entry["added"], entry["removed"], entry["changed"]) == (2, 1, 0) and "keys" not in entry
    text = changelog_file(policy.title, [first_entry("2026-12-04", 2), entry]) + readme_section([entry]) + note(entry)
    assert not [v for v in ("Durand", "Martin", "Petit", "Léa", "Paul", "Zoé") if v in text]


@pytest.mark.parametrize(("dataset", "keys", "message"), [
    ("annuaire", ["nom"], r"annuaire\.nom: a nominative dataset's changelog gives counts only"),
    ("structures", ["libelle"], r"structures\.libelle: a key must be a published column kept as it is"),
])
def test_the_loader_refuses_keys_that_could_name_a_person(tmp_path, dataset: str, keys: list[str],
                                                          message: str) -> None:
    """A nominative dataset's keys, or a scanned free-text column, would put persons' words in the changelog."""
    raw = yaml.safe_load(policy_path(dataset, POLICY_DIR).read_text(encoding="utf-8"))
    raw["keys"] = keys
    path = tmp_path / f"{dataset}.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    with pytest.raises(PolicyError, match=message):
        load_policy(path, check_review=False)


def test_duplicated_keys_fall_back_to_counts() -> None:
    policy = dataclasses.replace(_policy("structures"), keys=("code_structure",))
    old = pd.DataFrame({"code_structure": ["A", "A"], "commune": ["Paris", "Lyon"]})
    new = pd.DataFrame({"code_structure": ["A", "A"], "commune": ["Paris", "Nice"]})
    entry = compare(policy, new, old, "2026-12-05", "2026-12-04")
    assert (entry["added"], entry["removed"], entry["changed"]) == (1, 1, 0) and "keys" not in entry


def test_a_same_day_rerun_replaces_its_entry_and_old_entries_keep_counts_only() -> None:
    entries = [first_entry("2026-01-01", 1)]
    for day in range(2, 10):
        entry = {"version": f"2026-01-0{day}", "previous_version": f"2026-01-0{day - 1}", "rows": 1, "added": 0,
                 "removed": 0, "changed": 1, "by_year": {}, "columns_added": [], "columns_removed": [],
                 "keys": {"columns": ["k"], "added": [], "removed": [], "changed": ["x"]}}
        entries = history(entry, entries)
    again = history({**entries[-1], "changed": 2}, entries)
    assert [e["version"] for e in again] == [e["version"] for e in entries] and again[-1]["changed"] == 2
    assert [("keys" in e) for e in again[-KEPT_WITH_KEYS:]] == [True] * KEPT_WITH_KEYS
    assert not any("keys" in e for e in again[:-KEPT_WITH_KEYS])


def test_the_text_gives_the_counts_the_years_and_the_keys() -> None:
    entry = {"version": "2026-12-05", "previous_version": "2026-12-04", "rows": 30, "added": 25, "removed": 0,
             "changed": 1, "by_year": {"2025": {"added": 25, "removed": 0, "changed": 1}},
             "columns_added": ["commune"], "columns_removed": [],
             "keys": {"columns": ["id"], "added": [f"m{i}" for i in range(20)], "removed": [], "changed": ["z"]},
             "corrections": [{"id": "2026-001", "table": "finance.comptes", "column": "libelle", "rows": 3,
                              "summary": "libellé du compte 6068 corrigé"}]}
    section = readme_section([first_entry("2026-12-04", 5), entry])
    assert section.index("### Version du 2026-12-05") < section.index("### Version du 2026-12-04")
    assert "| 2025 | 25 | 0 | 1 |" in section and "(et 5 autre(s))" in section and "`m19`" in section
    assert "Colonne ajoutée: `commune`" in section and "Correction `2026-001`" in section
    assert note(entry) == ("Par rapport à la version du 2026-12-04: 25 ligne(s) ajoutée(s), 0 retirée(s), "
                           "1 modifiée(s); colonnes: 1 ajoutée(s), 0 retirée(s); 1 correction(s) de réutilisateurs "
                           "appliquée(s).")
