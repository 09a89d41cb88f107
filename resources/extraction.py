"""Extraction of one source table into staging: a plain function the assets call."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field

import sqlalchemy as sa

from resources.common.errors import InvalidTextError, SourceUnavailableError
from resources.sources import SourceDatabase
from resources.sourcing.contracts import TableContract
from resources.sourcing.correcting import CorrectionOutcome, TableCorrections
from resources.sourcing.staging_folders import StagingFolders
from resources.sourcing.streaming import outside_range_filter, prefetch, year_window

# The operator's console (stderr) and the run's compute log: names and counts only.
log = logging.getLogger("opendata.extraction")


@dataclass
class ExtractionResult:
    """What one extraction did: counts and names only, never values."""

    system: str
    table: str
    source: str
    rows_by_partition: dict[str, int] = field(default_factory=dict)
    batches: int = 0
    drift: list[str] = field(default_factory=list)
    outside_range: int | None = None  # rows no partition of the range covers (None: not counted)
    range: tuple[int, int] | None = None
    seconds: float = 0.0
    corrections: CorrectionOutcome | None = None  # the reviewed corrections of the table: applied or stale

    @property
    def rows(self) -> int:
        return sum(self.rows_by_partition.values())

    def notices(self) -> list[str]:
        """One console line per thing the operator must know: new source columns, rows left out of every partition."""
        lines = []
        if self.drift:
            lines.append(f"{self.system}.{self.table}: {len(self.drift)} new source column(s), not in the contract "
                         f"and not read: {', '.join(self.drift)}")
        if self.outside_range and self.range:
            lines.append(f"{self.system}.{self.table}: {self.outside_range:,} row(s) outside the partitions "
                         f"{self.range[0]}-{self.range[1]} (or with no partition value): counted, not extracted")
        if self.corrections is not None and self.corrections.stale:
            lines.append(f"{self.system}.{self.table}: {len(self.corrections.stale)} stale correction(s), not applied "
                         "(see the steward page)")
        return lines


def extract_table(
    db: SourceDatabase,
    staging: StagingFolders,
    table: TableContract,
    years: list[int] | None,
    run_id: str,
    bounds: tuple[int, int] | None = None,
    corrections: TableCorrections | None = None,
) -> ExtractionResult:
    """Stream the contract's extracted columns of ``table`` into staging, one partition per year.

    ``years`` is None for a reference table (no partition). The source is
    checked against the contract first: a missing column fails, an unknown
    one is reported as drift and left in the source (its values are never
    read). ``bounds`` is the first and last year of the whole partition
    range: the rows of a partitioned table that fall outside it (a year
    2090, a missing year) are counted and reported, since no partition
    would ever stage them. ``corrections`` (the table's reviewed corrections
    from reusers) are applied to each batch before it is staged, so every
    later stage reads the corrected value; what they did is in the result.
    """
    started = time.perf_counter()
    actual, drift = db.resolve_columns(table)
    result = ExtractionResult(db.system, table.name, f"{db.safe_url} {table.source}", drift=drift)
    schema = table.arrow_schema()
    for year in years if years is not None else [None]:
        window = year_window(table.partition.kind, year) if (year is not None and table.partition) else None
        partition = str(year) if year is not None else None
        with staging.write_run(db.system, table.name, partition, run_id, schema) as writer:
            try:
                for batch in prefetch(db.stream(table, actual, window)):
                    writer.write(corrections.apply(batch) if corrections is not None else batch)
            except InvalidTextError as exc:
                # The batches before the bad one are written: its row counts from the partition's start.
                raise exc.located(writer.rows, partition) from None
        result.rows_by_partition[partition or "all"] = writer.rows
        result.batches += writer.batches
    if table.partition is not None and bounds is not None:
        result.range = bounds
        result.outside_range = count_outside(db, table, actual, bounds)
    if corrections is not None:
        result.corrections = corrections.outcome()
    for line in result.notices():
        log.warning(line)
    result.seconds = time.perf_counter() - started
    return result


def count_outside(db: SourceDatabase, table: TableContract, actual: dict[str, str], bounds: tuple[int, int]) -> int:
    """Rows of a partitioned source table that no partition from ``bounds[0]`` to ``bounds[1]`` covers."""
    schema, _, name = table.source.rpartition(".")
    cols = {canonical: sa.column(real) for canonical, real in actual.items()}
    source = sa.table(name, *cols.values(), schema=schema or None)
    query = sa.select(sa.func.count()).select_from(source).where(outside_range_filter(table.partition, cols, *bounds))
    try:
        with db.engine().connect() as conn:
            return int(conn.execute(query).scalar_one())
    except sa.exc.DBAPIError as exc:
        # A driver's message may quote a value (a view's failed cast): its type only.
        raise SourceUnavailableError(f"{db.system}.{table.name}: counting the rows outside the partitions failed "
                                     f"({type(getattr(exc, 'orig', exc)).__name__})") from None
