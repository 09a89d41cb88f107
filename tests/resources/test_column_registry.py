"""The column registry: every institution's contract set agrees with the policies and suites; a mismatch names file, table and column."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from anonymisation.dictionary import load_dictionary
from pipelines.column_registry import load_registry
from resources.common.errors import ConfigurationError
from resources.common.institution import config_dir, load_institution

INSTITUTIONS = sorted((config_dir() / "institutions").glob("*.yaml"))


@pytest.mark.parametrize("path", INSTITUTIONS, ids=lambda p: p.stem)
def test_every_institution_contract_set_is_consistent(path: Path) -> None:
    registry = load_registry(load_institution(str(path)).contracts_dir)
    assert registry.catalogue and registry.dictionary.entries


def test_person_tables_and_identifiers_come_from_the_guard_roles() -> None:
    persons = {(p.system, p.table): p for p in load_dictionary().persons}
    assert set(persons) == {("hr", "agents"), ("students", "etudiants"), ("finance", "tiers")}
    assert persons[("hr", "agents")].names == ("nom", "nom_usage", "prenom")
    assert persons[("hr", "agents")].identifiers == {"NIR": "nir", "EMAIL": "email_perso", "TELEPHONE": "telephone_perso"}
    assert persons[("finance", "tiers")].natural_persons == {"type_tiers": "personne_physique"}


def _plant(tmp_path: Path, system: str, line: str, new: str) -> Path:
    """A scratch copy of the default contract set with one line of ``<system>.yaml`` changed."""
    folder = tmp_path / "contracts"
    shutil.copytree(config_dir() / "contracts" / "default", folder)
    path = folder / f"{system}.yaml"
    text = path.read_text(encoding="utf-8")
    assert len(re.findall(line, text, flags=re.M)) == 1, line
    path.write_text(re.sub(line, new, text, flags=re.M), encoding="utf-8")
    return folder


@pytest.mark.parametrize(
    ("system", "line", "new", "message"),
    [
        # a column a policy reads is not extracted for it
        ("hr", r"(      sexe: .*)use: \[policy, check\]", r"\1use: [check]",
         r"hr\.yaml: table 'agents', column 'sexe': read by policy \w+ .*add 'policy'"),
        # a column a policy reads is absent
        ("students", r"^      nationalite: .*\n", "",
         r"contracts: a reviewed policy breaks .*students\.etudiants\.nationalite: not in the data dictionary"),
        # `check` written where no suite rule reads it
        ("hr", r"(      echelon: .*)use: \[\]", r"\1use: [check]",
         r"hr\.yaml: table 'situations', column 'echelon': use says 'check' but no rule"),
        # a suite reads a column whose use lacks `check`
        ("hr", r"(      statut: .*)use: \[policy, check\]", r"\1use: [policy]",
         r"hr\.yaml: table 'situations', column 'statut': read by the source suite; add 'check'"),
        # a class weaker than the reviewed default set
        ("hr", r"(      date_naissance: .*)class: sensitive", r"\1class: quasi_identifier",
         r"hr\.yaml: table 'agents', column 'date_naissance': class 'quasi_identifier' is weaker"),
        # a guard role dropped
        ("students", r"(      ine: .*), guard: INE", r"\1",
         r"students\.yaml: table 'etudiants', column 'ine': drops the guard role 'INE'"),
        # a stricter class a reviewed policy then breaks
        ("hr", r"(      sexe: .*)class: quasi_identifier", r"\1class: direct_identifier",
         r"contracts: a reviewed policy breaks .*\.sexe: publishes a direct identifier"),
    ],
    ids=["policy-use", "policy-column", "check-unread", "check-missing", "weaker-class", "guard-dropped",
         "policy-rule"],
)
def test_a_planted_mismatch_is_refused_naming_file_table_and_column(tmp_path: Path, system: str, line: str,
                                                                    new: str, message: str) -> None:
    with pytest.raises(ConfigurationError, match=message):
        load_registry(_plant(tmp_path, system, line, new))
