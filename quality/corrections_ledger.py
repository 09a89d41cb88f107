"""The day's record of reusers' corrections, one file per published dataset the corrected tables feed.

``<reports>/<YYYY-MM-DD>/corrections/<dataset>.json``, read by the version's
changelog and the steward page, has exactly this shape::

    {"dataset": str,
     "applied": [{"id": str, "table": str, "column": str, "rows": int, "summary": str}],
     "stale": [{"id": str, "table": str, "column": str, "reason": str}]}

Each table's extraction replaces its own entries (a dataset may be fed by
several tables, extracted by parallel steps: under the day's lock). Only
allowed columns are ever corrected, so a summary names a code, a label or a
legal person's identifier; a reason never quotes a source value.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import asdict
from pathlib import Path

from quality.engine import locked
from quality.ledger import day_folder
from resources.common.files import write_text_atomic
from resources.sourcing.correcting import CorrectionOutcome

FOLDER = "corrections"


def corrections_folder(reports: Path, day: dt.date) -> Path:
    return day_folder(reports, day) / FOLDER


def record_corrections(reports: Path, day: dt.date, outcome: CorrectionOutcome, datasets: Iterable[str]) -> list[Path]:
    """Put one table's applied and stale corrections in the record of every dataset it feeds.

    A dataset's file is written when it has something to say, or had
    something earlier that day (a correction removed since is dropped from it).
    """
    folder, written = corrections_folder(reports, day), []
    with locked(day_folder(reports, day)):
        for dataset in datasets:
            path = folder / f"{dataset}.json"
            record = read_record(path) or {"dataset": dataset, "applied": [], "stale": []}
            kept = {part: [e for e in record[part] if e["table"] != outcome.table] for part in ("applied", "stale")}
            new = {"applied": [asdict(a) for a in outcome.applied], "stale": [asdict(s) for s in outcome.stale]}
            merged = {"dataset": dataset, **{part: sorted(kept[part] + new[part], key=lambda e: e["id"])
                                             for part in ("applied", "stale")}}
            if merged["applied"] or merged["stale"] or path.is_file():
                write_text_atomic(path, json.dumps(merged, ensure_ascii=False, indent=1))
                written.append(path)
    return written


def read_record(path: Path) -> dict | None:
    if not path.is_file():
        return None
    return json.loads(path.read_text(encoding="utf-8"))


def day_records(reports: Path, day: dt.date) -> dict[str, dict]:
    """The day's records, by dataset."""
    folder = corrections_folder(reports, day)
    return {path.stem: read_record(path) for path in sorted(folder.glob("*.json"))} if folder.is_dir() else {}


def by_correction(records: dict[str, dict]) -> dict[str, dict]:
    """Each correction once, with the datasets it reached: ``{id: {..entry.., "datasets": [...], "state": ...}}``."""
    found: dict[str, dict] = {}
    for dataset, record in sorted(records.items()):
        for state in ("applied", "stale"):
            for entry in record[state]:
                seen = found.setdefault(entry["id"], {**entry, "state": state, "datasets": []})
                seen["datasets"].append(dataset)
    return found


def last_run(reports: Path) -> tuple[dt.date, dict[str, dict]] | None:
    """The latest day with a corrections record, and its corrections (``by_correction``)."""
    days = sorted(p.parent.name for p in reports.glob(f"*/{FOLDER}") if p.is_dir()) if reports.is_dir() else []
    for name in reversed(days):
        try:
            day = dt.date.fromisoformat(name)
        except ValueError:
            continue
        return day, by_correction(day_records(reports, day))
    return None
