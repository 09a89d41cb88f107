"""The integer program of secondary suppression: one yes/no per cell, the room every withheld cell needs.

Columns: x_i (1 = cell i withheld) for every cell, then for each group g of
a margin its room y_g (how far its withheld cells can move together, down
and up), then for each guarded cell i (one whose interval must be
``need_i`` wide) and each margin, its rise r and fall f. Rows, with a
withheld cell's room capped at the largest need of its group (more is never
needed) and everything scaled to about 1 so HiGHS's tolerances fit euros
as well as persons:
- y_g = sum over cells j of g of room_j x_j (once downwards, once upwards);
- r <= the others' room downwards, y_g - room_i x_i, and r <= i's own room
  upwards (a bound); f likewise the other way;
- r + f >= x_i: a withheld cell's interval, given its group's sum, is
  min(own room up, others' room down) + min(own room down, others' room up)
  wide, exactly what the audit computes when one group constrains it.
The cost is what each complement hides, plus a tie-break of under half a
unit in all, preferring cells early in dimension order.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from scipy.optimize import Bounds, LinearConstraint, milp

from anonymisation.sdc.cuts import Cut
from anonymisation.sdc.secondary import Groups

MIP_GAP = 1e-6  # below half a person on any table under 500,000 persons hidden: exact for counts


@dataclass(frozen=True)
class Problem:
    """One table's secondary suppression, cell by cell (row positions).

    ``primary`` cells must be withheld; ``known`` cells are public anyway
    (they count as published and are never complements); only ``eligible``
    cells may become complements. A withheld cell lies in [lower, upper]
    for the attacker and its interval must be ``need`` wide (0: unchecked);
    ``size`` is what withholding it loses, ``rank`` its place in dimension order.
    """

    groups: Groups
    values: np.ndarray
    primary: np.ndarray
    known: np.ndarray
    eligible: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    need: np.ndarray
    size: np.ndarray
    rank: np.ndarray

    def restrict(self, rows: np.ndarray) -> Problem:
        """The same problem on some cells only (whole groups: a block of cells linked by the margins)."""
        rank = np.argsort(np.argsort(self.rank[rows], kind="stable"), kind="stable")  # 0.. within the block
        return Problem(self.groups.restrict(rows), *(getattr(self, f)[rows] for f in (
            "values", "primary", "known", "eligible", "lower", "upper", "need", "size")), rank)


@dataclass(frozen=True)
class Program:
    """The program's fixed part: columns x (cells), then per-group room, then per cell and margin its room."""

    cost: np.ndarray
    integrality: np.ndarray
    bounds: Bounds
    matrix: sp.csr_matrix
    row_lower: np.ndarray
    row_upper: np.ndarray
    cells: int

    @classmethod
    def build(cls, p: Problem) -> Program:
        n = len(p.values)
        on = p.primary & ~p.known
        active = on | (p.eligible & ~p.known)
        down = np.clip(p.values - p.lower, 0.0, np.inf)  # how far a withheld cell can move down
        up = np.clip(p.upper - p.values, 0.0, np.inf)
        guarded = active & (p.need > 0)
        lows, highs = [on.astype(float)], [active.astype(float)]
        cost = [np.where(active & ~on, p.size + _tie_break(p.rank, n), 0.0)]
        rows, cols, vals, row_lo, row_hi = [], [], [], [], []
        count = n  # columns so far
        nrows = 0

        def column(lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
            nonlocal count
            ids = np.arange(count, count + len(lo))
            lows.append(lo)
            highs.append(hi)
            cost.append(np.zeros(len(lo)))
            count += len(lo)
            return ids

        def constraint(entries: list[tuple[np.ndarray, np.ndarray, np.ndarray]], lo: np.ndarray,
                       hi: np.ndarray) -> None:
            """Rows nrows.. of len(lo): entries are (row offset, column, coefficient)."""
            nonlocal nrows
            for r, c, v in entries:
                rows.append(nrows + r)
                cols.append(c)
                vals.append(v)
            row_lo.append(lo)
            row_hi.append(hi)
            nrows += len(lo)

        for codes, groups in zip(p.groups.codes, p.groups.counts, strict=True):
            cap = np.zeros(groups)
            np.maximum.at(cap, codes[guarded], p.need[guarded])  # nobody needs more room than this in the group
            used = cap > 0
            if not used.any():
                continue
            # Group room, scaled by cap: y_g = sum of min(room_j, cap_g) / cap_g over the withheld cells j.
            gid = np.flatnonzero(used)
            where = np.full(groups, -1)
            where[gid] = np.arange(len(gid))
            y_down, y_up = column(np.zeros(len(gid)), np.full(len(gid), np.inf)), column(
                np.zeros(len(gid)), np.full(len(gid), np.inf))
            members = np.flatnonzero(active & used[codes])
            g = where[codes[members]]
            share_down = np.minimum(down[members], cap[codes[members]]) / cap[codes[members]]
            share_up = np.minimum(up[members], cap[codes[members]]) / cap[codes[members]]
            k = len(gid)
            constraint([(np.arange(k), y_down, np.ones(k)), (g, members, -share_down)], np.zeros(k), np.zeros(k))
            constraint([(np.arange(k), y_up, np.ones(k)), (g, members, -share_up)], np.zeros(k), np.zeros(k))
            # Each guarded cell i, in its group, scaled by need_i: rise (others fall) + fall (others rise) >= 1.
            cells = np.flatnonzero(guarded)
            m = len(cells)
            gi = where[codes[cells]]
            ratio = p.need[cells] / cap[codes[cells]]
            rise = column(np.zeros(m), np.minimum(up[cells], p.need[cells]) / p.need[cells])
            fall = column(np.zeros(m), np.minimum(down[cells], p.need[cells]) / p.need[cells])
            idx = np.arange(m)
            own_down = np.minimum(down[cells], cap[codes[cells]]) / cap[codes[cells]]
            own_up = np.minimum(up[cells], cap[codes[cells]]) / cap[codes[cells]]
            constraint([(idx, rise, ratio), (idx, y_down[gi], -np.ones(m)), (idx, cells, own_down)],
                       np.full(m, -np.inf), np.zeros(m))
            constraint([(idx, fall, ratio), (idx, y_up[gi], -np.ones(m)), (idx, cells, own_up)],
                       np.full(m, -np.inf), np.zeros(m))
            constraint([(idx, rise, np.ones(m)), (idx, fall, np.ones(m)), (idx, cells, -np.ones(m))],
                       np.zeros(m), np.full(m, np.inf))
        matrix = sp.coo_matrix((np.concatenate(vals) if vals else np.empty(0),
                                (np.concatenate(rows) if rows else np.empty(0, np.int64),
                                 np.concatenate(cols) if cols else np.empty(0, np.int64))),
                               shape=(nrows, count)).tocsr()
        integrality = np.zeros(count)
        integrality[:n] = 1
        return cls(np.concatenate(cost), integrality, Bounds(np.concatenate(lows), np.concatenate(highs)), matrix,
                   np.concatenate(row_lo) if row_lo else np.empty(0),
                   np.concatenate(row_hi) if row_hi else np.empty(0), n)

    def solve(self, cuts: set[Cut], seconds: float):  # noqa: ANN201 (scipy's OptimizeResult)
        """Solve with the cuts so far (each: sum of coefficient * x >= 0)."""
        constraints = []
        if self.matrix.shape[0]:
            constraints.append(LinearConstraint(self.matrix, self.row_lower, self.row_upper))
        if cuts:
            rows, cols, vals = [], [], []
            for r, (columns, coefficients) in enumerate(sorted(cuts)):
                rows += [r] * len(columns)
                cols += columns
                vals += coefficients
            cut_matrix = sp.csr_matrix((vals, (rows, cols)), shape=(len(cuts), len(self.cost)))
            constraints.append(LinearConstraint(cut_matrix, np.zeros(len(cuts)), np.full(len(cuts), np.inf)))
        return milp(self.cost, integrality=self.integrality, bounds=self.bounds, constraints=constraints,
                    options={"time_limit": max(seconds, 0.01), "mip_rel_gap": MIP_GAP, "presolve": True})


def _tie_break(rank: np.ndarray, n: int) -> np.ndarray:
    """Below 0.4 over all cells together, so it never outweighs a person (or a euro): earlier cells first."""
    return 0.4 * (rank + 1.0) / (float(n) * (n + 1.0))
