"""A count table published in full: every cell, with the previous version's secrets it determines counted.

A table published in full (``protection: publication_integrale``) runs along
dimensions the national statistics publish unmasked for each establishment
(legal-and-standards section 4: the ministry's SISE file holds thousands of
cells of 1 or 2). Its counts are public whatever this pipeline does, so
withholding one of them protects nothing, as a cell the previous version
already published cannot serve as a complement (``counts.py``).

A previous version online, published under a stricter policy (the same
cells, or finer ones crossed with a sensitive dimension), may have withheld
counts these public figures determine: in a group of the dimensions both
share, the sum of yesterday's cells is today's count, and yesterday's
withheld cells are each at least 1. Withholding today's counts would not
protect them (the national file shows them), so the table is published in
full and the number of those cells is reported, in counts only, for the DPO
to review the previous version (its protection did not hold against the
national figures). Found by the same audit as every other table
(``audit.py``), with yesterday's small cells unbounded above, as the
attacker sees them.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from anonymisation.sdc.audit import PublishedTable, Relation, locate_exposures
from anonymisation.sdc.model import PUBLISHED, WITHHELD, SuppressionReport
from anonymisation.sdc.preconditions import require_columns, require_one_row_per_cell
from anonymisation.sdc.versions import PREVIOUS, comparable_previous, shared_dims


def publish_in_full(cells: pd.DataFrame, dims: Sequence[str], *, count_col: str = "effectif",
                    status_col: str = "effectif_statut", previous: pd.DataFrame | None = None,
                    name: str = "table") -> tuple[pd.DataFrame, SuppressionReport]:
    """Return every cell published (dims, count as nullable Int64, status) and the report.

    ``cells`` holds one row per non-empty cell with its true count (>= 1);
    ``previous`` is the version online (dims, count, status), of the same
    cells or not, its renamed columns already under today's names.
    """
    where = f"publish_in_full({name})"
    dims = tuple(dims)
    require_columns(where, cells, [*dims, count_col])
    require_one_row_per_cell(where, cells, dims)
    counts = pd.to_numeric(cells[count_col]).to_numpy(dtype=float)
    if np.isnan(counts).any() or (counts < 1).any() or (counts != np.floor(counts)).any():
        raise ValueError(f"{where}: column '{count_col}' holds a missing, non-whole or zero count "
                         "(rule: true counts in, empty cells are left out)")
    out = cells[list(dims)].reset_index(drop=True)
    out[count_col] = pd.array(counts.astype(np.int64), dtype="Int64")
    out[status_col] = pd.Series(PUBLISHED, index=out.index, dtype="str")
    notes = [f"published in full: {len(out)} cells, none withheld (dimensions the national statistics "
             "publish unmasked)"]
    if previous is not None:
        require_columns(f"{where} (previous version)", previous, [count_col, status_col])
        determined = determined_secrets(out[[*dims, count_col]], previous, dims, count_col, status_col)
        if determined:
            notes.append(f"previous version: {determined} of its withheld cells are determined by these counts, "
                         "which the national statistics publish; withholding them here would protect nothing: "
                         "the DPO reviews whether the previous version stays online")
    report = SuppressionReport(cells=len(out), withheld_small=0, withheld_homogeneity=0, withheld_secondary=0,
                               withheld_dominance=0, withheld_carried=0, threshold=0,
                               k_anonymity=int(counts.min()) if len(counts) else None, notes=notes)
    return out, report


def determined_secrets(today: pd.DataFrame, previous: pd.DataFrame, dims: tuple[str, ...], count_col: str,
                       status_col: str) -> int:
    """How many of the previous version's withheld counts today's counts pin down (over the shared dimensions)."""
    if not (previous[status_col].astype("str") == WITHHELD).any():
        return 0
    shared = shared_dims(previous, dims)
    older = comparable_previous(previous, today, shared, count_col, status_col)
    if older.empty:
        return 0
    tables = [PublishedTable(name, frame, names, count_col, lower=1.0)
              for name, frame, names in ((PREVIOUS, older, shared), ("aujourdhui", today, dims))]
    found = locate_exposures(tables, [Relation(PREVIOUS, "aujourdhui", shared, "==")])
    return sum(1 for exposure in found if exposure.table == 0)
