"""Small-cell suppression of count tables (enrolments, graduates, staff).

Rules, from ../shared/reference/legal-and-standards.md:
- section 4: a cell counting fewer persons than the threshold (5 on
  enrolment data) keeps its row but its count is withheld, left EMPTY,
  never 0 (section 5: empty cell for missing); empty cells are absent rows;
- section 3 (WP29 05/2014, inference test): a cell whose members all share
  a sensitive value is withheld however large (l-diversity);
- section 4: a withheld cell must not be recomputable from totals known
  elsewhere (secondary suppression), nor from the previous published
  version: a cell withheld there stays withheld, and a cell published there
  with the count it has now is public, so it cannot serve as a complement.
  When the previous version has other cells (the policy changed the
  dimensions), the two are audited together instead (``versions.py``).
The result is audited (``repair.audit_and_repair``) before it is returned.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from anonymisation.sdc.model import PUBLISHED, WITHHELD, SuppressionReport
from anonymisation.sdc.optimal import LIMITS, Limits, Problem
from anonymisation.sdc.preconditions import require_columns, require_margins, require_mask, require_one_row_per_cell
from anonymisation.sdc.repair import Audited
from anonymisation.sdc.secondary import Groups, dimension_rank, refuse_lone_cells
from anonymisation.sdc.suppression import OPTIMAL, require_method, suppress
from anonymisation.sdc.versions import (comparable_previous, known_across, protect_across_versions, same_cells,
                                         shared_dims)


def protect_counts(
    cells: pd.DataFrame,
    dims: Sequence[str],
    *,
    count_col: str = "effectif",
    status_col: str = "effectif_statut",
    threshold: int = 5,
    homogeneous: pd.Series | None = None,
    margins: Sequence[Sequence[str]] = (),
    previous: pd.DataFrame | None = None,
    name: str = "table",
    min_width: float = 1.0,
    method: str = OPTIMAL,
    limits: Limits = LIMITS,
) -> tuple[pd.DataFrame, SuppressionReport]:
    """Return the published table (dims, count as nullable Int64 with <NA> for withheld, status) and the report.

    ``cells`` holds one row per non-empty cell with its true count (>= 1).
    ``homogeneous`` flags cells whose members all share a sensitive value.
    ``margins`` lists groups of dimensions whose sums are known elsewhere;
    ``previous`` is the previous published version of this table (dims,
    count, status), of the same cells or not. ``name`` is the dataset named in errors and notes.
    ``method`` chooses the secondary suppression (``suppression.py``): ``optimal``
    (fewest persons hidden, within ``limits``) or ``heuristique``.
    Rows come back in the input's order, with a fresh index.
    Raises DisclosureError if no choice of complements protects every cell.
    """
    where = f"protect_counts({name})"
    require_method(where, method)
    require_margins(where, dims, margins)
    dims, margins = tuple(dims), tuple(tuple(m) for m in margins)
    require_columns(where, cells, [*dims, count_col])
    require_one_row_per_cell(where, cells, dims)
    if threshold < 3:
        raise ValueError(f"{where}: threshold {threshold} is below 3: a withheld cell would be known to hold 1 "
                         "(rule: small cells, legal-and-standards section 4)")
    counts = _true_counts(where, cells, count_col)
    homog = require_mask(where, cells, homogeneous, "homogeneous").to_numpy()
    if previous is not None:
        require_columns(f"{where} (previous version)", previous, [count_col, status_col])
    same = previous is None or same_cells(previous, dims)
    carried, known = _previous(where, cells, dims, previous if same else None, count_col, status_col, counts)
    if not same:
        shared = shared_dims(previous, dims)
        older = comparable_previous(previous, cells[[*dims, count_col]], shared, count_col, status_col)
        known = known_across(older, cells, shared, count_col)
    small = counts < threshold
    primary = small | homog | carried
    groups, rank = Groups.of(cells, margins), dimension_rank(cells, dims)
    refuse_lone_cells(where, groups, primary & ~known, cells, dims)
    values = counts.astype(float)
    eligible = ~known  # withholding a cell already public adds no protection
    upper = np.where(small, threshold - 1.0, np.inf)
    spec = Audited(name, dims, margins, count_col, truth=cells[[*dims, count_col]].reset_index(drop=True),
                   view=lambda mask: _frame(cells, dims, counts, mask, count_col, status_col), threshold=threshold)
    problem = Problem(groups, values, primary, known=known, eligible=eligible, lower=np.ones(len(cells)),
                      upper=upper, need=np.full(len(cells), float(min_width)), size=values, rank=rank)
    withheld, notes = suppress(where, spec, problem, unit="persons", method=method, limits=limits)
    across = np.zeros(len(cells), bool)  # withheld so that nothing is recoverable with the previous version
    if not same:
        before = withheld.copy()
        protect_across_versions(where, spec, Groups.of(cells, [*margins, shared]), withheld, previous=older,
                                shared=shared, known=known, eligible=eligible, size=values, rank=rank,
                                need=np.full(len(cells), float(min_width)))
        across = withheld & ~before
    if (known & withheld).any():
        notes.append(f"{int((known & withheld).sum())} withheld cells were published with the same count in "
                     "the previous version: they stay public there")
    if not same:
        notes.append(f"previous version of other dimensions, audited with this one over {list(shared)}: "
                     f"{int(across.sum())} further cells withheld so that no cell withheld in either is recoverable")
    notes.append(f"audit: no withheld cell recoverable from the margins ({int(withheld.sum())} withheld)")
    out = _frame(cells, dims, counts, withheld, count_col, status_col)
    report = SuppressionReport(
        cells=len(cells), withheld_small=int(small.sum()), withheld_homogeneity=int((homog & ~small).sum()),
        withheld_secondary=int((withheld & ~primary & ~across).sum()), withheld_dominance=0,
        withheld_carried=int(((carried | across) & ~small & ~homog).sum()), threshold=threshold,
        k_anonymity=int(counts[~withheld].min()) if (~withheld).any() else None, notes=notes)
    return out, report


def _true_counts(where: str, cells: pd.DataFrame, count_col: str) -> np.ndarray:
    """The true counts, whole and at least 1 (an empty cell is an absent row, not a 0)."""
    column = cells[count_col]
    if column.isna().any():
        raise ValueError(f"{where}: column '{count_col}' has {int(column.isna().sum())} missing counts "
                         "(rule: true counts in, withholding is ours)")
    values = pd.to_numeric(column).to_numpy(dtype=float)
    if (values != np.floor(values)).any():
        raise ValueError(f"{where}: column '{count_col}' holds non-whole counts (rule: counts of persons)")
    if (values < 1).any():
        raise ValueError(f"{where}: column '{count_col}' has {int((values < 1).sum())} counts below 1 "
                         "(rule: empty cells are left out, never published as 0)")
    return values.astype(np.int64)


def _previous(where: str, cells: pd.DataFrame, dims: tuple[str, ...], previous: pd.DataFrame | None,
              count_col: str, status_col: str, counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Cells withheld in the previous version (carried), and cells it published with today's count (known)."""
    n = len(cells)
    if previous is None:
        return np.zeros(n, bool), np.zeros(n, bool)
    require_columns(f"{where} (previous version)", previous, [*dims, count_col, status_col])
    require_one_row_per_cell(f"{where} (previous version)", previous, dims)
    before = cells[list(dims)].reset_index(drop=True).merge(
        previous[[*dims, count_col, status_col]], on=list(dims), how="left")
    status = before[status_col].astype("str").to_numpy()
    old = pd.to_numeric(before[count_col]).to_numpy(dtype=float, na_value=np.nan)
    carried = status == WITHHELD
    known = (status == PUBLISHED) & (old == counts)
    return carried, known


def _frame(cells: pd.DataFrame, dims: tuple[str, ...], counts: np.ndarray, withheld: np.ndarray,
           count_col: str, status_col: str) -> pd.DataFrame:
    """The table as published: withheld counts EMPTY (never 0) and flagged in the status column."""
    out = cells[list(dims)].reset_index(drop=True)
    out[count_col] = pd.array(np.where(withheld, 0, counts), dtype="Int64")
    out.loc[withheld, count_col] = pd.NA
    out[status_col] = pd.Series(np.where(withheld, WITHHELD, PUBLISHED), dtype="str")
    return out
