"""Issue 18, items 5 and 6: a library error never carries a source value; the operator is told what was left out.

A distinctive name is planted inside each failure (invalid UTF-8 around it,
a view's failed cast quoting it) and searched for in the error, the console,
the Python logs and Dagster's own storage. Real databases, real runs.
"""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

import dagster as dg
import pyarrow.parquet as pq
import pytest
import sqlalchemy as sa
import yaml

from assets.extracted import extraction_assets
from assets.partitions import YearPartitions
from pipelines.steward import build_steward_page
from quality.ledger import source_notices
from resources.candidates import CandidateArea
from resources.common.errors import InvalidTextError, SourceUnavailableError
from resources.extraction import extract_table
from resources.sources import SourceDatabase
from resources.sourcing.contracts import load_contract
from resources.staging import StagingArea
from tests.resources.source_fixture import CONTRACT, create_source, write_contract

PLANTED = "Ysoline Quenardel"
# "Ysoline" + a byte that starts no UTF-8 sequence + " Quenardel": SQLite stores it as TEXT unchecked.
BAD_TEXT = "CAST(x'59736f6c696e65ff205175656e617264656c' AS TEXT)"
NIR = "1850578006048"  # a NIR-shaped value in a column the contract does not know


def _db(url: str, batch_rows: int = 100_000) -> SourceDatabase:
    return SourceDatabase(system="students", url=url, batch_rows=batch_rows)


def _assert_clean(text: str) -> None:
    for part in (PLANTED, "Ysoline", "Quenardel", NIR):
        assert part not in text


def test_invalid_utf8_in_sqlite_text_names_column_and_row_never_the_value(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'source.sqlite'}"
    create_source(url, 10)
    with sa.create_engine(url).begin() as conn:
        conn.exec_driver_sql(f"UPDATE src_inscriptions SET note = {BAD_TEXT} WHERE id = 7")
    table = write_contract(tmp_path / "contract")
    staging = StagingArea(root=str(tmp_path / "staging"))
    # Partition 2024 holds ids 1, 3, 5, 7, 9: id 7 is its 4th row, in the second batch of two.
    with pytest.raises(InvalidTextError) as caught:
        extract_table(_db(url, batch_rows=2), staging, table, [2024], "run-1")
    message = str(caught.value)
    assert "students.inscriptions.note: row 4, partition 2024" in message
    assert "rule: contract text encoding" in message
    _assert_clean(message + repr(caught.value.args))
    assert caught.value.__cause__ is None and caught.value.__suppress_context__
    assert staging.latest("students", "inscriptions", "2024") is None  # nothing half-written
    # The year without the bad value extracts as before.
    assert extract_table(_db(url), staging, table, [2023], "run-2").rows == 5


def test_invalid_utf8_from_a_mariadb_binary_column_is_named(mariadb_url: str, tmp_path: Path) -> None:
    create_source(mariadb_url, 10)
    engine = sa.create_engine(mariadb_url)
    with engine.begin() as conn:
        # A column kept as bytes (a legacy latin1 application writing raw bytes): read as text by the contract.
        conn.exec_driver_sql("ALTER TABLE src_inscriptions MODIFY note VARBINARY(200)")
        conn.exec_driver_sql("UPDATE src_inscriptions SET note = x'59736f6c696e65ff205175656e617264656c' WHERE id = 5")
    engine.dispose()
    table = write_contract(tmp_path / "contract")
    with pytest.raises(InvalidTextError) as caught:
        extract_table(_db(mariadb_url), StagingArea(root=str(tmp_path / "st")), table, [2024], "run-1")
    assert "students.inscriptions.note: row 3, partition 2024" in str(caught.value)
    _assert_clean(str(caught.value))


def test_a_source_error_quoting_a_value_is_masked(postgres_url: str, tmp_path: Path) -> None:
    create_source(postgres_url, 10)
    engine = sa.create_engine(postgres_url)
    with engine.begin() as conn:
        conn.exec_driver_sql("UPDATE src_inscriptions SET adresse = '42'")
        conn.exec_driver_sql(f"UPDATE src_inscriptions SET adresse = '{PLANTED}' WHERE id = 3")
        # The institution's view casts a text column: PostgreSQL's error quotes the value it could not cast.
        conn.exec_driver_sql("CREATE VIEW v_inscriptions AS SELECT id, code_diplome, annee, date_insc, montant, actif, "
                             "maj, note, CAST(adresse AS integer) AS adresse, colonne_nouvelle FROM src_inscriptions")
    engine.dispose()
    raw = yaml.safe_load(yaml.safe_dump(CONTRACT))
    raw["tables"]["inscriptions"]["source"] = "v_inscriptions"
    raw["tables"]["inscriptions"]["columns"]["adresse"] = {"source": "adresse", "type": "int64", "class": "sensitive",
                                                           "use": ["policy"]}
    (tmp_path / "students.yaml").write_text(yaml.safe_dump(raw), encoding="utf-8")
    table = load_contract(tmp_path, "students").tables["inscriptions"]
    with pytest.raises(SourceUnavailableError) as caught:
        extract_table(_db(postgres_url), StagingArea(root=str(tmp_path / "st")), table, [2024], "run-1")
    assert "invalid input syntax for type integer" in str(caught.value)
    _assert_clean(str(caught.value))
    assert caught.value.__suppress_context__


def _dagster_source(tmp_path: Path) -> tuple[str, Path]:
    """The fixture's source with a bad text in 2024, a new column full of NIRs and a row dated 2090."""
    url = f"sqlite:///{tmp_path / 'source.sqlite'}"
    create_source(url, 10)
    with sa.create_engine(url).begin() as conn:
        conn.exec_driver_sql(f"UPDATE src_inscriptions SET note = {BAD_TEXT} WHERE id = 7")
        conn.exec_driver_sql("UPDATE src_inscriptions SET colonne_nouvelle = :nir", {"nir": NIR})
        conn.exec_driver_sql("ALTER TABLE src_inscriptions RENAME COLUMN colonne_nouvelle TO nir_agent")
        conn.exec_driver_sql("UPDATE src_inscriptions SET annee = 2090 WHERE id = 8")
    raw = yaml.safe_load(yaml.safe_dump(CONTRACT))
    # A second table of the same calendar, read from the same source without the bad column.
    columns = {c: raw["tables"]["inscriptions"]["columns"][c] for c in ("id", "annee")}
    raw["tables"] = {"inscriptions": raw["tables"]["inscriptions"],
                     "effectifs": {**raw["tables"]["inscriptions"], "columns": columns}}
    folder = tmp_path / "contract"
    folder.mkdir()
    (folder / "students.yaml").write_text(yaml.safe_dump(raw), encoding="utf-8")
    return url, folder


def test_a_real_run_keeps_the_value_out_of_console_logs_and_dagster_storage(tmp_path: Path, capfd, caplog) -> None:
    url, contracts = _dagster_source(tmp_path)
    contract = load_contract(contracts, "students")
    reports = tmp_path / "reports"
    assets = extraction_assets(contract, YearPartitions(2022))
    resources = {
        "students_db": _db(url),
        "staging": StagingArea(root=str(tmp_path / "staging")),
        "candidates": CandidateArea(root=str(tmp_path / "candidates"), reports=str(reports)),
    }
    home = tmp_path / "dagster-home"
    home.mkdir()
    caplog.set_level(logging.DEBUG)
    with dg.instance_for_test(temp_dir=str(home)) as instance:
        failed = dg.materialize(assets, instance=instance, resources=resources, partition_key="2024",
                                raise_on_error=False)
        passed = dg.materialize(assets, instance=instance, resources=resources, partition_key="2023",
                                raise_on_error=False)
        messages = [str(e.message or "") + str(e.dagster_event.event_specific_data if e.dagster_event else "")
                    for e in instance.all_logs(failed.run_id) + instance.all_logs(passed.run_id)]
    out, err = capfd.readouterr()

    # One table failed, with our message; the other table of the same run was extracted.
    assert not failed.success
    failure = next(e for e in failed.get_step_failure_events())
    assert "students.inscriptions.note: row 4, partition 2024" in failure.step_failure_data.error.message
    assert any(e.asset_key == dg.AssetKey(["students", "extracted", "effectifs"])
               for e in failed.get_asset_materialization_events())
    assert passed.success

    # The planted name and the NIRs are nowhere: console, Python logs, Dagster's event log and storage, reports.
    stored = b"".join(p.read_bytes() for p in home.rglob("*") if p.is_file())
    written = b"".join(p.read_bytes() for p in reports.rglob("*") if p.is_file())
    for text in (out, err, caplog.text, "\n".join(messages)):
        _assert_clean(text)
    for blob in (stored, written):
        for part in (b"Ysoline", b"Quenardel", NIR.encode()):
            assert part not in blob

    # Told the operator: the new column by name, and the row of 2090, on the console and the steward page.
    assert "students.inscriptions: 1 new source column(s), not in the contract and not read: nir_agent" in err
    assert "students.inscriptions: 1 row(s) outside the partitions 2022-" in err
    notices = source_notices(reports, dt.date.today())
    assert notices["students.inscriptions"].new_columns == ["nir_agent"]
    assert notices["students.inscriptions"].outside_range == 1
    page = build_steward_page(reports, {}).read_text(encoding="utf-8")  # built once the runs are over
    assert "nir_agent" in page and "Écarts des sources au contrat" in page
    staged = pq.read_table(resources["staging"].latest("students", "inscriptions", "2023"))
    assert "nir_agent" not in staged.column_names and staged.num_rows == 4  # id 8 moved to 2090


def test_rows_outside_the_partition_range_are_counted_per_mode(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'source.sqlite'}"
    create_source(url, 10)
    with sa.create_engine(url).begin() as conn:
        conn.exec_driver_sql("UPDATE src_inscriptions SET annee = 2090 WHERE id = 2")
        conn.exec_driver_sql("UPDATE src_inscriptions SET annee = NULL WHERE id = 4")
        conn.exec_driver_sql("INSERT INTO src_periodes (id, debut, fin) VALUES (5, '2090-01-01', NULL), "
                             "(6, '2001-01-01', '2002-01-01')")
    table = write_contract(tmp_path / "contract")
    staging = StagingArea(root=str(tmp_path / "st"))
    result = extract_table(_db(url), staging, table, [2023, 2024], "run-1", bounds=(2020, 2026))
    assert result.outside_range == 2 and result.rows == 8
    periods = load_contract(tmp_path / "contract", "students").tables["periodes"]
    # Periods overlapping 2020-2026 are inside; one opens in 2090, one closed in 2002.
    assert extract_table(_db(url), staging, periods, [2024], "run-2", bounds=(2020, 2026)).outside_range == 2
    assert extract_table(_db(url), staging, table, [2024], "run-3").outside_range is None  # no range given
