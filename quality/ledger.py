"""What each run found and did, on disk, for the steward report: counts and names, never values.

Layout under the reports folder (docs/layout.md):

- ``<day>/quality/<suite>.json``: the latest outcome of each suite that day;
- ``<day>/publication/<dataset>.json``: whether the dataset was published;
- ``<day>/sources/<system>.<table>.json``: new source columns (names) and
  rows outside the partition range (a count) met by the extraction;
- ``history.jsonl``: one line per suite outcome and per publication decision,
  for the trend charts (row counts and failed checks over time).

Every write is atomic (temporary file, then rename) and the history is
appended under a lock, so parallel steps never leave a torn file.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import asdict, dataclass
from pathlib import Path

from quality.engine import locked
from quality.suite import Outcome
from resources.common.files import write_text_atomic

HISTORY = "history.jsonl"


def day_folder(reports: Path, day: dt.date) -> Path:
    """``<reports>/<YYYY-MM-DD>``: the one place a day's report folder is named; every report of the day is under it."""
    return reports / day.isoformat()


@dataclass
class Publication:
    """The publication decision of one dataset in one run."""

    dataset: str
    published: bool
    rows: int | None
    reason: str  # why not, or where it went
    version: str | None = None  # the dated version online after this run
    run_id: str = ""


@dataclass
class SourceNotice:
    """What the extraction of one source table must tell the operator: names and counts, never values."""

    target: str  # "system.table"
    new_columns: list[str]  # source columns the contract does not know (never read)
    outside_range: int | None  # rows no partition covers (a year 2090, no year at all)
    range: list[int]  # [first, last] partition year, empty for a reference table
    run_id: str = ""

    @property
    def noteworthy(self) -> bool:
        return bool(self.new_columns or self.outside_range)


def _append_history(reports: Path, line: dict) -> None:
    with locked(reports):
        with open(reports / HISTORY, "a", encoding="utf-8") as handle:
            handle.write(json.dumps(line, ensure_ascii=False) + "\n")


def record_outcome(reports: Path, day: dt.date, outcome: Outcome, run_id: str) -> Path:
    """Keep a suite's outcome for the day's report and its history."""
    path = day_folder(reports, day) / "quality" / f"{outcome.suite}.json"
    write_text_atomic(path, outcome.to_json())
    _append_history(reports, {
        "day": day.isoformat(), "at": dt.datetime.now().isoformat(timespec="seconds"), "run_id": run_id,
        "kind": "suite", "suite": outcome.suite, "target": outcome.target, "severity": outcome.severity,
        "rows": outcome.rows, "failed": len(outcome.failed), "passed": outcome.passed,
    })
    return path


def record_publication(reports: Path, day: dt.date, publication: Publication) -> Path:
    """Keep a dataset's publication decision for the day's report and its history."""
    path = day_folder(reports, day) / "publication" / f"{publication.dataset}.json"
    write_text_atomic(path, json.dumps(asdict(publication), ensure_ascii=False, indent=1))
    _append_history(reports, {
        "day": day.isoformat(), "at": dt.datetime.now().isoformat(timespec="seconds"), "run_id": publication.run_id,
        "kind": "publication", "target": publication.dataset, "rows": publication.rows, "published": publication.published,
    })
    return path


def record_source_notice(reports: Path, day: dt.date, notice: SourceNotice) -> Path:
    """Keep the latest notice of a source table for the day's report (a re-run replaces it)."""
    path = day_folder(reports, day) / "sources" / f"{notice.target}.json"
    write_text_atomic(path, json.dumps(asdict(notice), ensure_ascii=False, indent=1))
    return path


def source_notices(reports: Path, day: dt.date) -> dict[str, SourceNotice]:
    """The day's source notices worth reading (new columns, rows outside the partitions), by table."""
    folder = day_folder(reports, day) / "sources"
    found = {}
    for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        notice = SourceNotice(**json.loads(path.read_text(encoding="utf-8")))
        if notice.noteworthy:
            found[notice.target] = notice
    return found


def outcomes(reports: Path, day: dt.date) -> dict[str, Outcome]:
    """The day's suite outcomes, by suite name."""
    folder = day_folder(reports, day) / "quality"
    found = {}
    for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        outcome = Outcome.from_json(path.read_text(encoding="utf-8"))
        found[outcome.suite] = outcome
    return found


def publications(reports: Path, day: dt.date) -> dict[str, Publication]:
    folder = day_folder(reports, day) / "publication"
    found = {}
    for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        publication = Publication(**json.loads(path.read_text(encoding="utf-8")))
        found[publication.dataset] = publication
    return found


def history(reports: Path) -> list[dict]:
    path = reports / HISTORY
    if not path.is_file():
        return []
    lines = []
    for text in path.read_text(encoding="utf-8").splitlines():
        try:
            lines.append(json.loads(text))
        except json.JSONDecodeError:  # a line cut by a crash: skip it, keep the rest
            continue
    return lines
