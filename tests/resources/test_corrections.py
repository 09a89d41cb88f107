"""Corrections from reusers: the file, the refusals the source contract imposes, their application, the record."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pytest

from quality.corrections_ledger import by_correction, day_records, record_corrections
from resources.common.institution import config_dir
from resources.sourcing.contracts import ColumnSpec, TableContract, load_contract
from resources.sourcing.correcting import CHANGED, FIXED, GONE, UNREADABLE, TableCorrections, table_corrections
from resources.sourcing.corrections import (
    VALIDATED,
    Correction,
    CorrectionError,
    check_allowed,
    load_correction,
    read_corrections,
    save_correction,
)

DEFAULT = config_dir() / "contracts" / "default"
DAY = dt.date(2026, 5, 12)
SIRET_LEGAL, SIRET_RIGHT, SIRET_PERSON = "35600000000048", "73282932000074", "44306184100047"


def _contract(table: str) -> TableContract | None:
    system, _, name = table.partition(".")
    return load_contract(DEFAULT, system).tables.get(name)


def _fix(table: str, column: str, key: dict[str, str], expected: str | None, proposed: str,
         ident: str = "c-0001", status: str = VALIDATED) -> Correction:
    return Correction(ident, table, column, key, expected, proposed, "https://www.data.gouv.fr/discussions/1", DAY,
                      status, "Intendante", DAY)


@pytest.mark.parametrize(("table", "column", "key", "rule"), [
    ("hr.inconnue", "libelle", {"code": "X"}, "known table"),
    ("hr.structures", "sigle", {"code_structure": "X"}, "known column"),
    ("finance.tiers", "date_creation", {"id_tiers": "1"}, "extracted column"),
    ("finance.tiers", "iban", {"id_tiers": "1"}, "non-personal column"),
    ("hr.structures", "libelle", {"code_structure": "X"}, "non-personal column"),  # free text may name a person
    ("hr.agents", "email_pro", {"matricule": "X"}, "non-personal column"),
    ("students.etudiants", "sexe", {"numero_etudiant": "1"}, "non-personal column"),
    ("hr.structures", "code_structure", {"code_structure": "X"}, "not a key"),
    ("finance.marches_titulaires", "id_titulaire", {"id_marche": "M1"}, "whole key"),
    ("finance.lignes_budgetaires", "compte", {"id_ligne": "1"}, "reference table"),
])
def test_a_correction_the_contract_forbids_is_refused_naming_table_column_and_rule(
        table: str, column: str, key: dict[str, str], rule: str) -> None:
    with pytest.raises(CorrectionError) as refused:
        check_allowed(_fix(table, column, key, "avant", "après"), _contract(table))
    message = str(refused.value)
    assert message.startswith(f"{table}.{column}: correction 'c-0001' refused") and f"(rule: correction {rule})" in message
    assert "avant" not in message and "après" not in message


def test_a_table_of_persons_records_is_refused_even_on_a_non_personal_column() -> None:
    table = TableContract("hr", "affectations", "affectations", "", ("id",), None, (
        ColumnSpec("id", "id", pa.string(), "non_personal", frozenset({"policy"})),
        ColumnSpec("matricule", "matricule", pa.string(), "direct_identifier", frozenset({"policy"})),
        ColumnSpec("code_structure", "code_structure", pa.string(), "non_personal", frozenset({"policy"}))))
    with pytest.raises(CorrectionError, match=r"matricule\) \(rule: correction no natural person\)"):
        check_allowed(_fix("hr.affectations", "code_structure", {"id": "1"}, "A", "B"), table)


@pytest.mark.parametrize(("table", "column", "key"), [
    ("hr.structures", "uai", {"code_structure": "C1"}),
    ("hr.structures", "latitude", {"code_structure": "C1"}),
    ("students.diplomes", "libelle", {"code_diplome": "D1"}),
    ("finance.comptes", "libelle", {"compte": "6061"}),
    ("finance.marches_titulaires", "id_titulaire", {"id_marche": "M1", "rang": "1"}),
    ("finance.tiers", "siret", {"id_tiers": "7"}),  # legal persons' rows only: checked on the row
])
def test_reference_columns_and_legal_persons_identifiers_are_allowed(table: str, column: str, key: dict) -> None:
    check_allowed(_fix(table, column, key, "1.5", "2.5"), _contract(table))


def test_a_value_that_does_not_fit_the_column_type_is_refused_without_quoting_it() -> None:
    with pytest.raises(CorrectionError, match=r"latitude's type decimal128\(9, 6\) \(rule: correction column type\)") as e:
        check_allowed(_fix("hr.structures", "latitude", {"code_structure": "C1"}, "48.5", "quarante-huit"),
                      _contract("hr.structures"))
    assert "quarante-huit" not in str(e.value)


def _tiers_batch() -> pa.RecordBatch:
    schema = _contract("finance.tiers").arrow_schema()
    rows = {"id_tiers": [7, 8, 9], "type_tiers": ["entreprise", "personne_physique", "association"],
            "siret": [SIRET_LEGAL, SIRET_PERSON, None]}
    return pa.RecordBatch.from_pylist([{n: rows.get(n, [None] * 3)[i] for n in schema.names} for i in range(3)],
                                      schema=schema)


def test_a_legal_persons_siret_is_corrected_and_nothing_else_changes() -> None:
    fixes = TableCorrections(_contract("finance.tiers"), [
        _fix("finance.tiers", "siret", {"id_tiers": "7"}, SIRET_LEGAL, SIRET_RIGHT),
        _fix("finance.tiers", "siret", {"id_tiers": "9"}, None, SIRET_RIGHT, ident="c-0002")])  # a missing code
    before = _tiers_batch()
    after = fixes.apply(before)
    assert after.column("siret").to_pylist() == [SIRET_RIGHT, SIRET_PERSON, SIRET_RIGHT]
    assert after.drop_columns(["siret"]).equals(before.drop_columns(["siret"])) and after.schema == before.schema
    outcome = fixes.outcome()
    assert [(a.id, a.rows) for a in outcome.applied] == [("c-0001", 1), ("c-0002", 1)] and not outcome.stale
    assert SIRET_RIGHT in outcome.applied[0].summary and "id_tiers 7" in outcome.applied[0].summary


def test_a_natural_persons_row_is_refused_when_the_correction_is_applied() -> None:
    fixes = TableCorrections(_contract("finance.tiers"),
                             [_fix("finance.tiers", "siret", {"id_tiers": "8"}, SIRET_PERSON, SIRET_RIGHT)])
    with pytest.raises(CorrectionError, match=r"^finance\.tiers\.siret: correction 'c-0001' refused: the row is a "
                                              r"natural person's .*\(rule: correction no natural person\)$") as e:
        fixes.apply(_tiers_batch())
    assert SIRET_PERSON not in str(e.value) and SIRET_RIGHT not in str(e.value)


@pytest.mark.parametrize(("key", "expected", "reason"), [
    ("99", SIRET_LEGAL, GONE),  # the row is gone
    ("7", "35600000000099", FIXED),  # the source holds the proposed value now: fixed at the source
    ("7", "12345678900011", CHANGED),  # neither the expected nor the proposed value
])
def test_a_correction_that_no_longer_applies_is_reported_stale_and_changes_nothing(
        key: str, expected: str, reason: str) -> None:
    proposed = SIRET_LEGAL if reason == FIXED else SIRET_RIGHT
    fixes = TableCorrections(_contract("finance.tiers"),
                             [_fix("finance.tiers", "siret", {"id_tiers": key}, expected, proposed)])
    before = _tiers_batch()
    assert fixes.apply(before).equals(before)
    outcome = fixes.outcome()
    assert not outcome.applied and [(s.id, s.column, s.reason) for s in outcome.stale] == [("c-0001", "siret", reason)]


def test_a_coordinate_is_compared_and_replaced_as_a_decimal() -> None:
    table = _contract("hr.structures")
    schema = table.arrow_schema()
    batch = pa.RecordBatch.from_pylist([{**{n: None for n in schema.names}, "code_structure": "C1",
                                         "latitude": Decimal("45.190000")}], schema=schema)
    fixes = TableCorrections(table, [_fix("hr.structures", "latitude", {"code_structure": "C1"}, "45.19", "45.1885")])
    assert fixes.apply(batch).column("latitude").to_pylist() == [Decimal("45.188500")]


def test_the_file_round_trips_and_only_validated_corrections_of_the_table_are_applied(tmp_path: Path) -> None:
    done = _fix("hr.structures", "uai", {"code_structure": "C1"}, None, "0759000A", ident="uai-c1")
    proposed = dataclasses.replace(_fix("hr.structures", "commune", {"code_structure": "C1"}, "A", "B", ident="commune"),
                                   status="proposée", reviewer=None, reviewed_on=None)
    other = _fix("students.diplomes", "libelle", {"code_diplome": "D1"}, "A", "B", ident="diplome")
    for correction in (done, proposed, other):
        save_correction(tmp_path, correction)
    assert load_correction(tmp_path / "uai-c1.yaml") == done
    assert [c.id for c in read_corrections(tmp_path)[0]] == ["commune", "diplome", "uai-c1"]
    fixes = table_corrections(tmp_path, _contract("hr.structures"))
    assert [t.typed.correction.id for t in fixes.tallies] == ["uai-c1"]


@pytest.mark.parametrize(("edit", "rule"), [
    ({"source": "courriel de jeanne.martin@example.org"}, "correction source"),
    ({"reviewer": None}, "correction review"),
    ({"status": "acceptée"}, "correction file"),
])
def test_a_malformed_file_is_refused_naming_the_field(tmp_path: Path, edit: dict, rule: str) -> None:
    path = save_correction(tmp_path, _fix("hr.structures", "uai", {"code_structure": "C1"}, None, "0759000A"))
    import yaml

    raw = {**yaml.safe_load(path.read_text(encoding="utf-8")), **edit}
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    with pytest.raises(CorrectionError, match=rf"\(rule: {rule}\)") as e:
        load_correction(path)
    assert "jeanne.martin" not in str(e.value)


def test_a_malformed_file_is_set_aside_and_reported_while_the_others_apply(tmp_path: Path) -> None:
    """One bad file no longer stops the night: the table's valid corrections apply, the bad ones are reported with
    the table they name (every table's when none reads), and no value of theirs is quoted."""
    save_correction(tmp_path, _fix("hr.structures", "uai", {"code_structure": "C1"}, None, "0759000A", ident="uai-c1"))
    (tmp_path / "sans-cle.yaml").write_text("id: sans-cle\ntable: hr.structures\ncolumn: commune\n"
                                            "proposed: Jeanne Martin\n", encoding="utf-8")
    (tmp_path / "illisible.yaml").write_text("id: [illisible\nproposed: Jeanne Martin\n", encoding="utf-8")
    (tmp_path / "autre-table.yaml").write_text("id: autre-table\ntable: students.diplomes\n", encoding="utf-8")
    fixes = table_corrections(tmp_path, _contract("hr.structures"))
    assert [t.typed.correction.id for t in fixes.tallies] == ["uai-c1"]
    stale = {s.id: s for s in fixes.outcome().stale if s.id != "uai-c1"}  # uai-c1 met no batch here: gone
    assert sorted(stale) == ["illisible", "sans-cle"]
    assert {s.table for s in stale.values()} == {"hr.structures"}
    assert stale["sans-cle"].reason == f"{UNREADABLE} (sans-cle.yaml: 'key' maps every key column of the row to its " \
                                       "value (rule: correction file))"
    assert stale["illisible"].reason.startswith(f"{UNREADABLE} (illisible.yaml: unreadable correction file")
    assert not any("Jeanne" in s.reason for s in stale.values())
    _, unreadable = read_corrections(tmp_path)  # the other table's bad file is read apart too, named
    assert [(u.file, u.table) for u in unreadable] == [
        ("autre-table.yaml", "students.diplomes"), ("illisible.yaml", None), ("sans-cle.yaml", "hr.structures")]
    assert unreadable[0].message.startswith("autre-table.yaml: 'key' maps")


def test_the_record_has_one_file_per_dataset_fed_in_the_changelogs_shape(tmp_path: Path) -> None:
    fixes = TableCorrections(_contract("finance.tiers"), [
        _fix("finance.tiers", "siret", {"id_tiers": "7"}, SIRET_LEGAL, SIRET_RIGHT),
        _fix("finance.tiers", "siret", {"id_tiers": "99"}, SIRET_LEGAL, SIRET_RIGHT, ident="c-0002")])
    fixes.apply(_tiers_batch())
    paths = record_corrections(tmp_path, DAY, fixes.outcome(), ["marches_publics", "subventions"])
    assert [p.relative_to(tmp_path).as_posix() for p in paths] == [
        "2026-05-12/corrections/marches_publics.json", "2026-05-12/corrections/subventions.json"]
    record = json.loads(paths[0].read_text(encoding="utf-8"))
    assert record == {"dataset": "marches_publics",
                      "applied": [{"id": "c-0001", "table": "finance.tiers", "column": "siret", "rows": 1,
                                   "summary": record["applied"][0]["summary"]}],
                      "stale": [{"id": "c-0002", "table": "finance.tiers", "column": "siret", "reason": GONE}]}
    # Another table feeding the same dataset keeps its own entries; a re-run of the first replaces its own.
    empty = TableCorrections(_contract("finance.tiers"), []).outcome()
    record_corrections(tmp_path, DAY, empty, ["marches_publics"])
    assert day_records(tmp_path, DAY)["marches_publics"] == {"dataset": "marches_publics", "applied": [], "stale": []}
    assert set(by_correction(day_records(tmp_path, DAY))) == {"c-0001", "c-0002"}  # still in subventions
