"""Extraction against real SQLite, PostgreSQL and MariaDB databases (no mocks)."""

from __future__ import annotations

import stat
from pathlib import Path

import pyarrow.parquet as pq
import pytest
import sqlalchemy as sa

from resources.common.errors import ContractViolationError, SchemaDriftError
from resources.extraction import extract_table
from resources.sources import SourceDatabase
from resources.sourcing.contracts import load_contract
from resources.staging import StagingArea
from tests.resources.source_fixture import PLANTED_ADDRESS, create_source, row, write_contract

ROWS = 2500


@pytest.fixture(params=["sqlite", "postgres", "mariadb"])
def source_url(request, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'source.sqlite'}"
    return request.getfixturevalue(f"{request.param}_url")


def _db(url: str, batch_rows: int = 100_000) -> SourceDatabase:
    return SourceDatabase(system="students", url=url, batch_rows=batch_rows)


def _read(path: Path) -> list[dict]:
    return pq.read_table(path).to_pylist()


def test_staged_schema_and_content_identical_across_engines(source_url: str, tmp_path: Path) -> None:
    create_source(source_url, ROWS)
    table = write_contract(tmp_path / "contract")
    staging = StagingArea(root=str(tmp_path / "staging"))
    result = extract_table(_db(source_url), staging, table, [2023, 2024], "run-0001")

    assert result.rows_by_partition == {"2023": ROWS // 2, "2024": ROWS // 2}
    assert result.drift == ["colonne_nouvelle"]
    staged = pq.read_table(staging.latest("students", "inscriptions", "2024"))
    # Same schema, to the metadata, whatever the engine: the contract's.
    assert staged.schema.equals(table.arrow_schema(), check_metadata=True)
    assert "adresse" not in staged.column_names  # use: [] -> left in the source
    got = sorted(staged.to_pylist(), key=lambda r: r["id"])
    want = [row(i) for i in range(ROWS) if i % 2 == 1]
    for expected, actual in zip(want, got, strict=True):
        assert actual["id"] == expected["id"]
        assert actual["code"] == expected["code_diplome"]
        assert actual["date_insc"] == expected["date_insc"]
        assert actual["montant"] == expected["montant"]
        assert actual["actif"] == expected["actif"]
        assert actual["maj"] == expected["maj"]
        assert actual["note"] == expected["note"]


def test_streams_in_several_batches(source_url: str, tmp_path: Path) -> None:
    create_source(source_url, ROWS)
    table = write_contract(tmp_path / "contract")
    staging = StagingArea(root=str(tmp_path / "staging"))
    result = extract_table(_db(source_url, batch_rows=100), staging, table, [2024], "run-0001")
    assert result.rows == ROWS // 2
    assert result.batches > 1
    assert pq.ParquetFile(staging.latest("students", "inscriptions", "2024")).num_row_groups == result.batches


def test_period_partitions_overlap_their_year(source_url: str, tmp_path: Path) -> None:
    create_source(source_url, 10)
    contract = load_contract(_contract_dir(tmp_path), "students").tables["periodes"]
    staging = StagingArea(root=str(tmp_path / "staging"))
    result = extract_table(_db(source_url), staging, contract, [2021, 2022, 2023, 2024], "run-0001")
    ids = {y: sorted(r["id"] for r in _read(staging.latest("students", "periodes", y))) for y in ("2021", "2022", "2024")}
    assert ids == {"2021": [1, 4], "2022": [1, 4], "2024": [2, 3]}
    assert result.rows_by_partition["2023"] == 2  # id 4 ends on 1 January 2023, id 2 opens that day


def _contract_dir(tmp_path: Path) -> Path:
    write_contract(tmp_path / "contract")
    return tmp_path / "contract"


def test_missing_column_fails_naming_system_table_and_column(source_url: str, tmp_path: Path) -> None:
    create_source(source_url, 10)
    spec = {"source": "date_naissance", "type": "date32", "class": "sensitive", "use": ["policy"]}
    table = write_contract(tmp_path / "contract", {"naissance": spec})
    with pytest.raises(SchemaDriftError, match=r"students\.inscriptions\.naissance.*date_naissance.*contract column"):
        extract_table(_db(source_url), StagingArea(root=str(tmp_path / "st")), table, [2024], "r1")


def test_missing_table_fails(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'empty.sqlite'}"
    sa.create_engine(url).connect().close()
    table = write_contract(tmp_path / "contract")
    with pytest.raises(SchemaDriftError, match=r"src_inscriptions.*does not exist"):
        extract_table(_db(url), StagingArea(root=str(tmp_path / "st")), table, [2024], "r1")


def test_value_that_breaks_the_contract_type_is_named_without_its_value(source_url: str, tmp_path: Path) -> None:
    create_source(source_url, 10)
    # The institution's column holds free text, but the contract claims an integer.
    spec = {"source": "adresse", "type": "int64", "class": "sensitive", "use": ["policy"]}
    table = write_contract(tmp_path / "contract", {"adresse": spec})
    with pytest.raises(ContractViolationError) as caught:
        extract_table(_db(source_url), StagingArea(root=str(tmp_path / "st")), table, [2024], "r1")
    message = str(caught.value)
    assert "students.inscriptions.adresse" in message and "rule: contract type" in message
    assert "Secrets" not in message and "Secrets" not in repr(caught.value.__cause__)
    assert caught.value.__suppress_context__


def test_sessions_are_read_only(source_url: str, tmp_path: Path) -> None:
    create_source(source_url, 10)
    db = _db(source_url)
    with pytest.raises(sa.exc.DBAPIError), db.engine().connect() as conn:
        conn.execute(sa.text("UPDATE src_inscriptions SET code_diplome = 'X'"))
        conn.commit()
    check = sa.create_engine(source_url)
    with check.connect() as conn:
        assert conn.execute(sa.text("SELECT COUNT(*) FROM src_inscriptions WHERE code_diplome = 'X'")).scalar() == 0
    check.dispose()


def test_staging_is_private_atomic_and_keeps_two_runs(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'source.sqlite'}"
    create_source(url, 200)
    table = write_contract(tmp_path / "contract")
    staging = StagingArea(root=str(tmp_path / "staging"))
    for run in ("run-a", "run-b", "run-c"):
        extract_table(_db(url), staging, table, [2024], run)
    folder = staging.partition_dir("students", "inscriptions", "2024")
    runs = StagingArea.runs(folder)
    assert [p.name.split("_")[1] for p in runs] == ["run-b", "run-c"]
    for path in [tmp_path / "staging", *(p for p in (tmp_path / "staging").rglob("*"))]:
        mode = stat.S_IMODE(path.stat().st_mode)
        assert mode == (0o700 if path.is_dir() else 0o600), path

    # A run that fails midway leaves the previous runs as they were and no temporary folder.
    before = {p.name for p in folder.iterdir()}
    broken = write_contract(tmp_path / "broken", {"adresse": {"source": "adresse", "type": "int64", "class": "sensitive", "use": ["policy"]}})
    with pytest.raises(ContractViolationError):
        extract_table(_db(url), staging, broken, [2024], "run-d")
    assert {p.name for p in folder.iterdir()} == before
    assert PLANTED_ADDRESS not in "".join(p.read_bytes().decode("latin-1") for p in folder.rglob("*.json"))
