"""Extraction of one source table into staging: a plain function the assets call."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from resources.contracts import TableContract
from resources.sources import SourceDatabase
from resources.staging import StagingArea
from resources.streaming import prefetch, year_window


@dataclass
class ExtractionResult:
    """What one extraction did: counts and names only, never values."""

    system: str
    table: str
    source: str
    rows_by_partition: dict[str, int] = field(default_factory=dict)
    batches: int = 0
    drift: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def rows(self) -> int:
        return sum(self.rows_by_partition.values())


def extract_table(
    db: SourceDatabase,
    staging: StagingArea,
    table: TableContract,
    years: list[int] | None,
    run_id: str,
) -> ExtractionResult:
    """Stream the contract's extracted columns of ``table`` into staging, one partition per year.

    ``years`` is None for a reference table (no partition). The source is
    checked against the contract first: a missing column fails, an unknown
    one is reported as drift and left in the source.
    """
    started = time.perf_counter()
    actual, drift = db.resolve_columns(table)
    result = ExtractionResult(db.system, table.name, f"{db.safe_url} {table.source}", drift=drift)
    schema = table.arrow_schema()
    for year in years if years is not None else [None]:
        window = year_window(table.partition.kind, year) if (year is not None and table.partition) else None
        partition = str(year) if year is not None else None
        with staging.write_run(db.system, table.name, partition, run_id, schema) as writer:
            for batch in prefetch(db.stream(table, actual, window)):
                writer.write(batch)
        result.rows_by_partition[partition or "all"] = writer.rows
        result.batches += writer.batches
    result.seconds = time.perf_counter() - started
    return result
