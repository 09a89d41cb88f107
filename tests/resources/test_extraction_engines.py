"""The generated sources, extracted from SQLite, PostgreSQL and MariaDB, stage identically."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from assets.partitions import YearPartitions
from pipelines.synthetic.generate import generate
from resources.common.institution import SYSTEMS, config_dir
from resources.extraction import extract_table
from resources.sources import SourceDatabase
from resources.sourcing.contracts import load_contract
from resources.staging import StagingArea

AS_OF = dt.date(2026, 11, 22)
YEARS = [2024, 2025, 2026]


def _stage_all(url: str, system: str, root: Path) -> dict[str, pa.Table]:
    """Generate the small source at `url`, extract every table, return what was staged."""
    generate(url, system, "small", as_of=AS_OF, replace=True, progress=False)
    contract = load_contract(config_dir() / "contracts" / "default", system)
    staging = StagingArea(root=str(root))
    db = SourceDatabase(system=system, url=url, batch_rows=5_000)
    staged = {}
    for name, table in contract.tables.items():
        if not table.extracted_columns:
            continue
        years = YEARS if table.partition else None
        extract_table(db, staging, table, years, "engines-test")
        parts = [pq.read_table(staging.latest(system, name, str(y) if y else None)) for y in (years or [None])]
        staged[name] = pa.concat_tables(parts)
        assert staged[name].schema.equals(table.arrow_schema(), check_metadata=True), f"{system}.{name}"
    return staged


def _sorted(table: pa.Table) -> list[dict]:
    # Every column, not just the key: the sources hold deliberate duplicate keys.
    return table.sort_by([(name, "ascending") for name in table.column_names]).to_pylist()


@pytest.mark.parametrize("system", SYSTEMS)
def test_same_rows_and_schema_from_every_engine(system: str, tmp_path: Path, postgres_url: str, mariadb_url: str) -> None:
    reference = _stage_all(f"sqlite:///{tmp_path / 'src.sqlite'}", system, tmp_path / "st-sqlite")
    assert sum(t.num_rows for t in reference.values()) > 0
    for url, label in ((postgres_url, "postgresql"), (mariadb_url, "mariadb")):
        other = _stage_all(url, system, tmp_path / f"st-{label}")
        for name, table in reference.items():
            assert other[name].num_rows == table.num_rows, f"{label}: {system}.{name}"
            assert _sorted(other[name]) == _sorted(table), f"{label}: {system}.{name}"


def test_yearly_partitions_exist_for_the_generated_years() -> None:
    partitions = YearPartitions(2006)
    for year in YEARS:
        assert str(year) in partitions.academic.get_partition_keys(current_time=dt.datetime(2026, 11, 22))
