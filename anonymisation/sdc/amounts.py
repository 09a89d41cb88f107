"""Secrecy of amount tables (budget execution, subsidies to natural persons).

Rules, from ../shared/reference/legal-and-standards.md, section 4 (INSEE
business statistics):
- a published amount is built from ``min_contributors`` units at least
  (3 by default; DGFiP asks 11 for natural persons: the caller sets it);
- no unit contributes more than ``dominance`` (85 %) of it: a dominant
  unit's amount would be the cell, give or take the others' share.
Contributions are netted per contributor, and shares are taken on absolute
values, so a cancellation cannot hide a dominant unit.
A withheld amount must also stay vague: the interval an attacker infers from
the margins is at least ``protection`` of the amount wide and, for a
dominated cell, reaches the size at which its largest unit would no longer
dominate (the protection level of the dominance rule: Hundepool et al.,
Statistical Disclosure Control, Wiley 2012, section 4.2). Secondary
suppression and the audit do the rest, as for counts.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from anonymisation.sdc.model import PUBLISHED, WITHHELD, SuppressionReport
from anonymisation.sdc.optimal import LIMITS, Limits, Problem
from anonymisation.sdc.preconditions import require_columns, require_margins, require_mask
from anonymisation.sdc.repair import Audited
from anonymisation.sdc.secondary import Groups, dimension_rank, refuse_lone_cells
from anonymisation.sdc.suppression import OPTIMAL, require_method, suppress

CONTRIBUTORS = "nombre_contributeurs"


def protect_amounts(
    rows: pd.DataFrame,
    dims: Sequence[str],
    *,
    contributor_col: str,
    amount_col: str,
    min_contributors: int = 3,
    dominance: float = 0.85,
    status_col: str = "montant_statut",
    margins: Sequence[Sequence[str]] = (),
    protection: float = 0.15,
    name: str = "table",
    applies: pd.Series | None = None,
    method: str = OPTIMAL,
    limits: Limits = LIMITS,
) -> tuple[pd.DataFrame, SuppressionReport]:
    """Aggregate amounts per cell and withhold the cells that would reveal a contributor.

    ``rows`` has one line per contributor-level amount. The result has one row
    per cell (sorted by dims): the dims, the summed amount (EMPTY when
    withheld), ``nombre_contributeurs`` (EMPTY too when withheld: a count of
    one or two beneficiaries is itself a small cell) and the status.
    ``margins`` are groups of dims whose sums are known elsewhere.
    ``applies`` (bool, aligned on ``rows``) marks the rows the rule protects
    (a person's pay, a payment to a natural person): a cell holding none is
    the institution's own account, a public document, and is withheld only
    as a complement. None: the rule applies to every cell.
    ``method`` chooses the secondary suppression (``suppression.py``): ``optimal``
    (fewest euros hidden, within ``limits``) or ``heuristique``.
    """
    where = f"protect_amounts({name})"
    require_method(where, method)
    require_margins(where, dims, margins)
    dims, margins = tuple(dims), tuple(tuple(m) for m in margins)
    require_columns(where, rows, [*dims, contributor_col, amount_col])
    if not dims:
        raise ValueError(f"{where}: at least one dimension is needed")
    if not 0 < dominance <= 1 or min_contributors < 1:
        raise ValueError(f"{where}: dominance must lie in (0, 1] and min_contributors be >= 1")
    for column in (contributor_col, amount_col):
        if rows[column].isna().any():
            raise ValueError(f"{where}: column '{column}' has {int(rows[column].isna().sum())} missing values "
                             "(rule: every amount belongs to a known contributor)")
    if applies is not None:
        require_mask(where, rows, applies, "applies")
    net = rows.groupby([*dims, contributor_col], dropna=False, sort=True)[amount_col].sum().reset_index()
    net["_abs"] = net[amount_col].abs()
    cells = net.groupby(list(dims), dropna=False, sort=True).agg(
        total=(amount_col, "sum"), absolute=("_abs", "sum"), top=("_abs", "max"),
        contributors=(contributor_col, "size")).reset_index()
    total = cells["total"].to_numpy(dtype=float)
    absolute, top = cells["absolute"].to_numpy(dtype=float), cells["top"].to_numpy(dtype=float)
    contributors = cells["contributors"].to_numpy(dtype=np.int64)
    covered = _covered(rows, dims, applies, cells)
    few = covered & (contributors < min_contributors)
    dominated = covered & ~few & (top > dominance * absolute)  # "no unit contributes more than 85 %": 85 % passes
    primary = few | dominated
    need = np.where(primary, protection * np.abs(total), 0.0)
    need = np.where(dominated, np.maximum(need, top / dominance - absolute), need)
    lower = 0.0 if (net[amount_col] >= 0).all() else -np.inf  # what an attacker may assume of a sum
    groups, rank = Groups.of(cells, margins), dimension_rank(cells, dims)
    refuse_lone_cells(where, groups, primary, cells, dims)
    n = len(cells)
    eligible = np.ones(n, bool)
    spec = Audited(name, dims, margins, amount_col, truth=cells[list(dims)].assign(**{amount_col: total}),
                   view=lambda mask: _frame(cells, dims, total, contributors, mask, amount_col, status_col,
                                            rows[amount_col]), lower=lower)
    problem = Problem(groups, total, primary, known=np.zeros(n, bool), eligible=eligible, lower=np.full(n, lower),
                      upper=np.full(n, np.inf), need=need, size=np.abs(total), rank=rank)
    withheld, notes = suppress(where, spec, problem, unit="euros", method=method, limits=limits)
    frame = spec.view(withheld)
    notes.append(f"audit: every withheld amount keeps its protection interval ({int(withheld.sum())} withheld)")
    report = SuppressionReport(
        cells=n, withheld_small=int(few.sum()), withheld_homogeneity=0,
        withheld_secondary=int((withheld & ~primary).sum()), withheld_dominance=int(dominated.sum()),
        withheld_carried=0, threshold=min_contributors,
        k_anonymity=int(contributors[~withheld].min()) if (~withheld).any() else None, notes=notes)
    return frame, report


def _covered(rows: pd.DataFrame, dims: tuple[str, ...], applies: pd.Series | None, cells: pd.DataFrame) -> np.ndarray:
    """The cells the rule protects: those holding at least one row it applies to (all, without ``applies``)."""
    if applies is None:
        return np.ones(len(cells), bool)
    flagged = rows[list(dims)].assign(_applies=applies.to_numpy(dtype=bool))
    anyone = flagged.groupby(list(dims), dropna=False, sort=True)["_applies"].any().reset_index()
    return cells[list(dims)].merge(anyone, on=list(dims), how="left")["_applies"].fillna(False).to_numpy(dtype=bool)


def _frame(cells: pd.DataFrame, dims: tuple[str, ...], total: np.ndarray, contributors: np.ndarray,
           withheld: np.ndarray, amount_col: str, status_col: str, source: pd.Series) -> pd.DataFrame:
    """The table as published: withheld amounts and their contributor counts EMPTY, flagged by status."""
    out = cells[list(dims)].reset_index(drop=True)
    whole = pd.api.types.is_integer_dtype(source.dtype)
    out[amount_col] = pd.array(np.where(withheld, 0, total), dtype="Int64" if whole else "Float64")
    out.loc[withheld, amount_col] = pd.NA
    out[CONTRIBUTORS] = pd.array(np.where(withheld, 0, contributors), dtype="Int64")
    out.loc[withheld, CONTRIBUTORS] = pd.NA
    out[status_col] = pd.Series(np.where(withheld, WITHHELD, PUBLISHED), dtype="str")
    return out
