"""The private staging area where extracted tables wait as Parquet files.

Layout (docs/layout.md): ``<staging>/<system>/<table>/<partition>/<run>/data.parquet``
with ``<partition>`` the year (absent for reference tables) and ``<run>`` a
sortable stamp. A run is written into a hidden temporary folder and renamed
when complete, so a reader never sees half a file. Only the owner may read
staging (0700: it holds personal data); the last two runs are kept.

Plain Python; the Dagster resource ``resources.staging.StagingArea`` is
``StagingFolders`` with its configured root.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from resources.common.errors import StagingError

KEEP_RUNS = 2
MANIFEST = "_manifest.json"
DATA_FILE = "data.parquet"


def make_private_dir(path: Path, stop_at: Path) -> None:
    """Create ``path`` and its missing parents below ``stop_at`` with mode 0700 (umask ignored)."""
    path.mkdir(parents=True, exist_ok=True)
    current = path
    while True:
        os.chmod(current, 0o700)
        if current == stop_at or stop_at not in current.parents:
            break
        current = current.parent


@dataclass(frozen=True)
class RunDir:
    """A run being written: its hidden temporary folder, and the name it will take."""

    tmp: Path
    final: Path
    stamp: str


@contextmanager
def atomic_run_dir(parent: Path, root: Path, run_id: str) -> Iterator[RunDir]:
    """A private temporary folder under ``parent``, renamed to ``<stamp>_<run>`` when the block succeeds.

    On any error the temporary folder is deleted: a reader never sees half a
    run, and the previous runs stay as they were.
    """
    make_private_dir(parent, root)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%fZ")
    run = RunDir(parent / f".tmp-{stamp}-{run_id[:8]}", parent / f"{stamp}_{run_id[:8]}", stamp)
    make_private_dir(run.tmp, root)
    try:
        yield run
        os.rename(run.tmp, run.final)
    except BaseException:
        shutil.rmtree(run.tmp, ignore_errors=True)
        raise


def prune_runs(parent: Path, runs: list[Path], keep: int) -> None:
    """Delete all but the ``keep`` newest complete runs, and the temporary folders of crashed runs."""
    for old in runs[:-keep]:
        shutil.rmtree(old, ignore_errors=True)
    for leftover in parent.glob(".tmp-*"):
        shutil.rmtree(leftover, ignore_errors=True)


@contextmanager
def staging_errors(where: str, step: str) -> Iterator[None]:
    """Re-raise Arrow and file-system errors of ``step`` as ours, naming the table (Arrow's text may quote a value)."""
    try:
        yield
    except (pa.ArrowException, OSError, UnicodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else type(exc).__name__
        raise StagingError(f"{where}: {step} failed ({reason}) (rule: staging)") from None


class StagedWriter:
    """Appends Arrow batches to one staged Parquet file and counts them."""

    def __init__(self, path: Path, schema: pa.Schema, where: str = "staging") -> None:
        self.path = path
        self.where = where
        self.rows = 0
        self.batches = 0
        with staging_errors(where, "opening the staged file"):
            self._writer = pq.ParquetWriter(path, schema, compression="zstd")

    def write(self, batch: pa.RecordBatch) -> None:
        with staging_errors(self.where, "writing to staging"):
            self._writer.write_batch(batch)
        self.rows += batch.num_rows
        self.batches += 1

    def close(self) -> None:
        with staging_errors(self.where, "closing the staged file"):
            self._writer.close()
            os.chmod(self.path, 0o600)


class StagingFolders:
    """Folder of extracted Parquet files, private to the pipeline's user.

    A mixin: the class that uses it sets ``root`` (the Dagster resource
    ``StagingArea`` sets it from its configuration).
    """

    root: str  # the staging folder (never inside the output store)

    def partition_dir(self, system: str, table: str, partition: str | None) -> Path:
        base = Path(self.root) / system / table
        return base / partition if partition else base

    @contextmanager
    def write_run(self, system: str, table: str, partition: str | None, run_id: str, schema: pa.Schema) -> Iterator[StagedWriter]:
        """Write one run of one partition atomically; on any error nothing is left behind."""
        parent = self.partition_dir(system, table, partition)
        with atomic_run_dir(parent, Path(self.root), run_id) as run:
            where = f"{system}.{table}" + (f", partition {partition}" if partition else "")
            writer = StagedWriter(run.tmp / DATA_FILE, schema, where)
            yield writer
            writer.close()
            manifest = {"rows": writer.rows, "batches": writer.batches, "run_id": run_id, "written_at": run.stamp}
            (run.tmp / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
            os.chmod(run.tmp / MANIFEST, 0o600)
        prune_runs(parent, self.runs(parent), KEEP_RUNS)

    @staticmethod
    def runs(parent: Path) -> list[Path]:
        """Complete runs of a partition, oldest first."""
        if not parent.is_dir():
            return []
        return sorted(p for p in parent.iterdir() if p.is_dir() and (p / MANIFEST).is_file())

    def latest_by_year(self, system: str, table: str) -> dict[int, Path]:
        """The newest complete run folder of each yearly partition of a table, by year, in order."""
        base = Path(self.root) / system / table
        found = {int(p.name): self.runs(p) for p in (base.iterdir() if base.is_dir() else [])
                 if p.is_dir() and p.name.isdigit()}
        return {year: runs[-1] for year, runs in sorted(found.items()) if runs}

    def latest(self, system: str, table: str, partition: str | None = None) -> Path | None:
        """The newest complete staged file of a partition, if any."""
        runs = self.runs(self.partition_dir(system, table, partition))
        return runs[-1] / DATA_FILE if runs else None
