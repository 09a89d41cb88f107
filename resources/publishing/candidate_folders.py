"""Reading staged tables back, and the candidates area where anonymised files wait for their checks.

Candidates are private like staging (0700): a nominative candidate is not
public until the publication step moves it, and a candidate that failed a
blocking check is never moved. Layout (docs/layout.md):
``<candidates>/<dataset>/<run>/<dataset>.parquet``, last two runs kept.

Plain Python; the Dagster resource ``resources.candidates.CandidateArea`` is
``CandidateFolders`` with its configured folders.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from resources.common.errors import OpenDataError
from resources.common.files import file_sha256, write_text_atomic
from resources.common.vocabulary import PARTITION
from resources.sourcing.staging_folders import (DATA_FILE, KEEP_RUNS, StagingFolders, atomic_run_dir, make_private_dir,
                                                prune_runs)

VERDICTS = ".checks"


class NothingStagedError(OpenDataError):
    """A dataset needs a table that has not been extracted yet."""


def staged_reader(staging: StagingFolders, only: dict[str, int] | None = None) -> Callable[[str, str], pd.DataFrame]:
    """A reader of every staged partition of a table (latest run of each), with its year in ``_partition``.

    ``only`` restricts some yearly tables (``"system.table"``) to one year.
    """
    only = only or {}

    def read(system: str, table: str) -> pd.DataFrame:
        base = Path(staging.root) / system / table
        runs = StagingFolders.runs(base)
        if runs:  # a reference table: runs sit right under the table folder
            return pq.read_table(runs[-1] / DATA_FILE).to_pandas()
        frames = []
        for year, run in staging.latest_by_year(system, table).items():
            if only.get(f"{system}.{table}", year) == year:
                frames.append(pq.read_table(run / DATA_FILE).to_pandas().assign(**{PARTITION: year}))
        if not frames:
            raise NothingStagedError(f"{system}.{table}: nothing staged yet (rule: extract before anonymising)")
        return pd.concat(frames, ignore_index=True)

    return read


class CandidateFolders:
    """Anonymised datasets waiting for their blocking checks, and the reports of each run.

    A mixin: the class that uses it sets ``root`` and ``reports`` (the Dagster
    resource ``CandidateArea`` sets them from its configuration).
    """

    root: str  # the candidates folder (never inside the output store)
    reports: str  # the reports folder for data stewards and the DPO

    def write(self, dataset: str, run_id: str, frame: pd.DataFrame, *, nominative: bool = False) -> Path:
        """Write a candidate atomically (hidden temporary folder, then rename).

        The last two runs are kept; a nominative dataset keeps only its latest,
        so a person who objected disappears from every copy at the next run.
        """
        parent = Path(self.root) / dataset
        with atomic_run_dir(parent, Path(self.root), run_id) as run:
            pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), run.tmp / f"{dataset}.parquet", compression="zstd")
            os.chmod(run.tmp / f"{dataset}.parquet", 0o600)
        prune_runs(parent, self.runs(dataset), 1 if nominative else KEEP_RUNS)
        return run.final / f"{dataset}.parquet"

    def runs(self, dataset: str) -> list[Path]:
        parent = Path(self.root) / dataset
        if not parent.is_dir():
            return []
        return sorted(p for p in parent.iterdir() if p.is_dir() and not p.name.startswith(".") and any(p.glob("*.parquet")))

    def latest(self, dataset: str) -> Path | None:
        runs = self.runs(dataset)
        return runs[-1] / f"{dataset}.parquet" if runs else None

    def report_dir(self, kind: str, day: dt.date) -> Path:
        """``<reports>/<YYYY-MM-DD>/<kind>/``, private to the pipeline's user."""
        folder = Path(self.reports) / day.isoformat() / kind
        make_private_dir(folder, Path(self.reports))
        return folder

    def record_verdict(self, candidate: Path, check: str, passed: bool) -> None:
        """Note that a check ran on this exact file (its SHA-256) and whether it passed.

        The publication step reads these: a file is published only if every
        blocking check passed on these very bytes, even when a user
        materialises the publication alone, outside the run that checked it.
        """
        folder = candidate.parent / VERDICTS
        folder.mkdir(mode=0o700, exist_ok=True)
        write_text_atomic(folder / f"{check}.json",
                          json.dumps({"check": check, "passed": passed, "sha256": file_sha256(candidate)}))

    def verdicts(self, candidate: Path) -> dict[str, bool]:
        """The checks that ran on this file as it is now, and whether they passed (stale verdicts are ignored)."""
        folder = candidate.parent / VERDICTS
        if not folder.is_dir():
            return {}
        digest = file_sha256(candidate)
        found = {}
        for path in folder.glob("*.json"):
            verdict = json.loads(path.read_text(encoding="utf-8"))
            if verdict.get("sha256") == digest:
                found[verdict["check"]] = bool(verdict["passed"])
        return found

