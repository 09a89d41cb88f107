"""Cuts for the exact optimum: what a choice of complements the audit rejected teaches about every other.

When the audit pins a withheld cell p down under a choice W, two linear
facts hold for every safe choice x (1 = withheld), and are added to the
program (``optimal.py``):
- combinatorial: the published cells of the groups p's withheld neighbours
  reach (its part of the attacker's system) cannot all stay published; with
  none of them withheld, p's part of the system is the same or smaller, and
  p stays pinned down: sum of their x >= x_p;
- by duality (Benders; Fischetti and Salazar-González, "Models and
  algorithms for optimizing cell suppression in tabular data with linear
  constraints", JASA 2000): the attacker's two programs (max and min of p)
  have duals that stay feasible whatever is withheld, so they bound how far
  p can move under any choice by a sum over cells, each cell weighing the
  room it would bring: sum of c_j x_j >= need_p x_p. A cell's weight is
  capped at need_p, which changes nothing for a choice reaching the need.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from scipy.optimize import linprog

from anonymisation.sdc.repair import affected_rows
from anonymisation.sdc.secondary import Groups

Cut = tuple[tuple[int, ...], tuple[float, ...]]  # columns and coefficients of sum(coef * x) >= 0


@dataclass(frozen=True)
class Table:
    """What the cuts read of a table: groups, values, the attacker's bounds, the need, which cells may move."""

    groups: Groups
    values: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    need: np.ndarray
    free: np.ndarray  # cells a choice may withhold or not (neither known nor fixed)


def cuts_for(table: Table, mask: np.ndarray, known: np.ndarray, cell: int) -> list[Cut]:
    """Both cuts for an exposed ``cell`` under the withheld ``mask`` (known cells count as published)."""
    reach = affected_rows(table.groups, mask & ~known, np.array([cell]))
    published = reach[table.free[reach] & ~mask[reach]]
    cuts: list[Cut] = [((*map(int, published), cell), (*([1.0] * len(published)), -1.0))]
    dual = _dual_cut(table, reach, mask & ~known, cell)
    if dual is not None:
        cuts.append(dual)
    return cuts


def _dual_cut(table: Table, reach: np.ndarray, unknown: np.ndarray, cell: int) -> Cut | None:
    """Benders cut from the attacker's max and min of ``cell`` over the groups ``reach`` covers."""
    local = np.full(len(table.values), -1)
    local[reach] = np.arange(len(reach))
    rows, cols, rhs = [], [], []
    offset = 0
    inner = reach[unknown[reach]]  # the withheld cells of the component
    for codes, count in zip(table.groups.codes, table.groups.counts, strict=True):
        hit = np.zeros(count, bool)
        hit[codes[inner]] = True  # the groups of this margin holding one of them: their sums are known
        keep = np.flatnonzero(hit[codes[reach]])
        number = np.cumsum(hit) - 1 + offset
        offset += int(hit.sum())
        rows.append(number[codes[reach[keep]]])
        cols.append(keep)
        rhs.append(np.bincount(codes[reach], table.values[reach], count)[hit])
    rhs = np.concatenate(rhs)
    if not rhs.size:
        return None
    rows, cols = np.concatenate(rows), np.concatenate(cols)
    a_eq = sp.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(rhs), len(reach)))
    v = table.values[reach]
    lo = np.where(unknown[reach], table.lower[reach], v)
    hi = np.where(unknown[reach], table.upper[reach], v)
    need = float(table.need[cell])
    weight = np.zeros(len(reach))
    room_down = np.clip(v - table.lower[reach], 0.0, np.inf)  # what withholding j lets the attacker move it
    room_up = np.clip(table.upper[reach] - v, 0.0, np.inf)
    for sign in (-1.0, 1.0):  # max of the cell, then min
        c = np.zeros(len(reach))
        c[local[cell]] = sign
        res = linprog(c, A_eq=a_eq, b_eq=rhs, bounds=np.column_stack([lo, hi]), method="highs")
        if res.status != 0:
            return None
        at_lower, at_upper = np.abs(res.lower.marginals), np.abs(res.upper.marginals)
        with np.errstate(invalid="ignore"):  # 0 * inf where a bound is not binding: not counted
            weight += (np.where(at_lower > 0, at_lower * room_down, 0.0)
                       + np.where(at_upper > 0, at_upper * room_up, 0.0))
    weight = np.minimum(weight / need + 1e-7, 1.0)  # rounded up: a dual slightly off never cuts a safe choice
    weight[local[cell]] -= 1.0
    used = np.flatnonzero(np.abs(weight) > 1e-9)
    return tuple(int(reach[i]) for i in used), tuple(float(weight[i]) for i in used)
