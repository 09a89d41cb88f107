"""Integrity incidents of the output store, kept for the steward page: dataset, folder, file, what, what was done.

``<reports>/<day>/incidents/<dataset>.json`` holds every incident of the day
for a dataset (a re-run adds to it: a file restored by the first run of the
day stays reported). Names only: never what a file contains.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import asdict
from pathlib import Path

from quality.engine import locked
from quality.ledger import day_folder
from resources.common.files import write_text_atomic
from resources.publishing.integrity import Incident


def record_incidents(reports: Path, day: dt.date, dataset: str, found: list[Incident]) -> Path | None:
    """Add a run's incidents of one dataset to the day's list."""
    if not found:
        return None
    folder = day_folder(reports, day) / "incidents"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{dataset}.json"
    with locked(folder):
        known = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else []
        write_text_atomic(path, json.dumps(known + [asdict(i) for i in found], ensure_ascii=False, indent=1))
    return path


def incidents(reports: Path, day: dt.date) -> list[Incident]:
    """Every incident of the day, dataset by dataset."""
    folder = day_folder(reports, day) / "incidents"
    found: list[Incident] = []
    for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        found += [Incident(**raw) for raw in json.loads(path.read_text(encoding="utf-8"))]
    return found
