"""The DPO's private review page: the texts the leak guard flagged, with what to write to accept one.

The page shows the flagged values themselves (the DPO must read them to
decide), so it lives only in the private work folder beside the staging
area (mode 0700 folder, 0600 file): never in the store, the logs, Dagster
metadata or the steward page. Accepting a finding is writing its entry into
``config/accepted_findings.yaml``, reviewed like code; the dataset then
publishes on the next run.
"""

from __future__ import annotations

import datetime as dt
import html
import os
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from anonymisation.guard import LeakFinding, value_key
from anonymisation.guard_index import IdentifierIndex

REVIEW_FOLDER = "private-review"


def review_dir(staging_root: str | Path, day: dt.date) -> Path:
    """Where a day's review pages go: inside the private staging area."""
    return Path(staging_root) / REVIEW_FOLDER / day.isoformat()


def write_review_page(folder: Path, dataset: str, frame: pd.DataFrame, leaks: Sequence[LeakFinding],
                      index: IdentifierIndex) -> Path | None:
    """Write (or remove, when nothing is flagged) the dataset's review page; returns its path."""
    page = folder / f"{dataset}.html"
    if not leaks:
        page.unlink(missing_ok=True)
        return None
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(folder.parent, 0o700)
    os.chmod(folder, 0o700)
    rows = []
    for leak in leaks:
        value = _value_of(frame, leak, index)
        entry = (f"- {{dataset: {dataset}, column: {leak.column}, rule: '{leak.rule}', value_hash: {leak.value_hash}, "
                 f"reviewer: NOM, date: {dt.date.today().isoformat()}, reason: MOTIF}}")
        rows.append(f"<tr><td>{html.escape(leak.column)}</td><td>{html.escape(leak.row_key)}</td>"
                    f"<td>{html.escape(leak.rule)}</td><td>{html.escape(value)}</td>"
                    f"<td><code>{html.escape(entry)}</code></td></tr>")
    body = ("<!doctype html><html lang='fr'><meta charset='utf-8'><meta name='robots' content='noindex'>"
            f"<title>Revue DPO : {html.escape(dataset)}</title><h1>Revue DPO : {html.escape(dataset)}</h1>"
            "<p>Textes bloqués par le contrôle de fuite. Page privée : ne pas diffuser. Pour accepter un texte, "
            "copier sa ligne dans <code>config/accepted_findings.yaml</code> (liste <code>accepted</code>) en "
            "indiquant le relecteur et le motif.</p><table><tr><th>colonne</th><th>ligne</th><th>règle</th>"
            f"<th>texte</th><th>entrée à copier</th></tr>{''.join(rows)}</table></html>")
    tmp = page.with_name(f".{page.name}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(body)
    os.replace(tmp, page)
    return page


def _value_of(frame: pd.DataFrame, leak: LeakFinding, index: IdentifierIndex) -> str:
    """The flagged cell's text, found again by the finding's hash (shape rules hash the whole cell)."""
    column = frame[leak.column].dropna().astype("str")
    if leak.row_key.isdigit() and int(leak.row_key) < len(frame):
        cell = frame[leak.column].iloc[int(leak.row_key)]
        if isinstance(cell, str):
            return cell
    for value in column.unique().tolist():
        if index.digest(value_key(value)).hex() == leak.value_hash:
            return value
    return "(valeur non retrouvée : identifiant des sources)"
