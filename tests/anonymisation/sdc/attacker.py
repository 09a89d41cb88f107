"""An attacker's linear program, written apart from ``anonymisation.sdc`` on purpose.

The tests check the library's audit against this one: dense matrices, one
program per withheld cell and direction, no decomposition and no shortcut.
The attacker knows every published count, the true sum of every group of
every margin, that a withheld cell holds at least 1 and, for a cell withheld
for being small, at most threshold - 1.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy.optimize import linprog


def attacker_intervals(published: pd.DataFrame, truth: pd.DataFrame, dims: Sequence[str],
                       margins: Sequence[Sequence[str]], threshold: int, *, count_col: str = "effectif",
                       lower: float = 1.0, small_bounded: bool = True) -> dict[int, tuple[float, float]]:
    """Interval [min, max] of every withheld row (by position), given the true margins."""
    merged = published[list(dims)].merge(truth[[*dims, count_col]].rename(columns={count_col: "_true"}),
                                         on=list(dims), how="left")
    true = merged["_true"].to_numpy(dtype=float)
    shown = published[count_col].to_numpy(dtype=float, na_value=np.nan)
    hidden = np.flatnonzero(np.isnan(shown))
    if not hidden.size:
        return {}
    column = {row: j for j, row in enumerate(hidden)}
    a_rows, b = [], []
    for margin in margins:
        keys = (published[list(margin)].astype(str).agg("|".join, axis=1) if margin
                else pd.Series("all", index=published.index))
        for key in keys.unique():
            members = np.flatnonzero((keys == key).to_numpy())
            row = np.zeros(len(hidden))
            for m in members:
                if m in column:
                    row[column[m]] = 1.0
            if row.any():
                a_rows.append(row)
                b.append(true[members].sum() - np.nansum(shown[members]))
    bounds = [(lower, threshold - 1 if small_bounded and true[r] < threshold else None) for r in hidden]
    a_eq = np.array(a_rows) if a_rows else None
    b_eq = np.array(b) if b else None
    out = {}
    for j, row in enumerate(hidden):
        c = np.zeros(len(hidden))
        c[j] = 1.0
        low = linprog(c, A_eq=a_eq, b_eq=b_eq, bounds=bounds, method="highs")
        high = linprog(-c, A_eq=a_eq, b_eq=b_eq, bounds=bounds, method="highs")
        assert low.status in (0, 3) and high.status in (0, 3), "the true counts must be feasible"
        out[int(row)] = (low.fun if low.status == 0 else -np.inf, -high.fun if high.status == 0 else np.inf)
    return out


def exposed_rows(intervals: dict[int, tuple[float, float]], min_width: float = 1.0) -> set[int]:
    """Rows whose interval is narrower than ``min_width``."""
    return {row for row, (lo, hi) in intervals.items() if hi - lo < min_width - 1e-6}
