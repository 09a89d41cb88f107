"""The integer program of secondary suppression: one yes/no per cell, the room every withheld cell needs.

Columns: x_i (1 = cell i withheld) for every cell of a block, then
continuous helpers. Rows, everything scaled to about 1 so that HiGHS's
tolerances fit euros as well as persons:
- room, group by group (for every cell whose interval must be ``need_i``
  wide, and every margin): y_g sums the room of g's withheld cells, each
  capped at the largest need of the group (more is never needed); a rise r
  is at most the others' room downwards (y_g - own room) and its own room
  upwards, a fall f the other way, and r + f >= x_i. A withheld cell's
  interval, given its group's sum, is min(own room up, others' room down)
  + min(own room down, others' room up) wide: exactly what the audit
  computes where one group constrains it;
- no complement its group pins down (for amounts, whose complements need no
  width of their own): such a complement hides nothing the margins do not
  show, so an optimum never needs one (publishing it protects as much and
  loses less); each has, in every group, another withheld cell that can
  move the other way;
- witnesses, added for a cell the audit found exposed (``witness``): two
  alternative tables, each satisfying every margin of the block, moving
  only withheld cells within their room, in which the cell rises and falls
  by ``need_i`` between them. That is the audit's own condition for that
  cell, whatever the margins; a cell gets one the first time it is exposed.
The cost is what each complement hides, plus a tie-break of under half a
unit in all, preferring cells early in dimension order.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from scipy.optimize import Bounds, LinearConstraint, OptimizeResult, milp

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


class Program:
    """The program of one block, built once, then grown by witnesses and cuts between solves."""

    def __init__(self, p: Problem) -> None:
        self.p = p
        n = len(p.values)
        self.on = p.primary & ~p.known
        self.active = self.on | (p.eligible & ~p.known)
        self.down = np.clip(p.values - p.lower, 0.0, np.inf)  # how far a withheld cell can move down
        self.up = np.clip(p.upper - p.values, 0.0, np.inf)
        self.witnessed: set[int] = set()
        self._lo: list[np.ndarray] = []
        self._hi: list[np.ndarray] = []
        self._cost: list[np.ndarray] = []
        self._entries: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
        self._row_lo: list[np.ndarray] = []
        self._row_hi: list[np.ndarray] = []
        self._ncols = self._nrows = 0
        self._column(self.on.astype(float), self.active.astype(float),
                     np.where(self.active & ~self.on, p.size + _tie_break(p.rank, n), 0.0))
        self._room_in_groups()
        self._no_pinned_complement()

    def _column(self, lo: np.ndarray, hi: np.ndarray, cost: np.ndarray | None = None) -> np.ndarray:
        ids = np.arange(self._ncols, self._ncols + len(lo))
        self._lo.append(np.asarray(lo, float))
        self._hi.append(np.asarray(hi, float))
        self._cost.append(np.zeros(len(lo)) if cost is None else cost)
        self._ncols += len(lo)
        return ids

    def _rows(self, entries: list[tuple[np.ndarray, np.ndarray, np.ndarray | float]], lo: float, hi: float,
              count: int) -> None:
        """``count`` rows lo <= sum <= hi; entries are (row offset, column, coefficient)."""
        for r, c, v in entries:
            self._entries.append((self._nrows + np.asarray(r), np.asarray(c), np.broadcast_to(v, np.shape(r))))
        self._row_lo.append(np.full(count, lo))
        self._row_hi.append(np.full(count, hi))
        self._nrows += count

    def _room_in_groups(self) -> None:
        p, down, up = self.p, self.down, self.up
        guarded = self.active & (p.need > 0)
        cells = np.flatnonzero(guarded)
        m = len(cells)
        idx = np.arange(m)
        for codes, groups in zip(p.groups.codes, p.groups.counts, strict=True):
            cap = np.zeros(groups)
            np.maximum.at(cap, codes[guarded], p.need[guarded])  # nobody needs more room than this in the group
            used = cap > 0
            if not used.any():
                continue
            gid = np.flatnonzero(used)
            where = np.full(groups, -1)
            where[gid] = np.arange(len(gid))
            k = len(gid)
            members = np.flatnonzero(self.active & used[codes])
            scale = cap[codes[members]]
            y_down, y_up = self._column(np.zeros(k), np.full(k, np.inf)), self._column(np.zeros(k), np.full(k, np.inf))
            for y, room in ((y_down, down), (y_up, up)):  # y_g = sum of min(room_j, cap_g) / cap_g, withheld j
                self._rows([(np.arange(k), y, 1.0), (where[codes[members]], members,
                                                      -np.minimum(room[members], scale) / scale)], 0.0, 0.0, k)
            need, own_cap = p.need[cells], cap[codes[cells]]
            rise = self._column(np.zeros(m), np.minimum(up[cells], need) / need)
            fall = self._column(np.zeros(m), np.minimum(down[cells], need) / need)
            gi = where[codes[cells]]
            self._rows([(idx, rise, need / own_cap), (idx, y_down[gi], -1.0),
                        (idx, cells, np.minimum(down[cells], own_cap) / own_cap)], -np.inf, 0.0, m)
            self._rows([(idx, fall, need / own_cap), (idx, y_up[gi], -1.0),
                        (idx, cells, np.minimum(up[cells], own_cap) / own_cap)], -np.inf, 0.0, m)
            self._rows([(idx, rise, 1.0), (idx, fall, 1.0), (idx, cells, -1.0)], 0.0, np.inf, m)

    def _no_pinned_complement(self) -> None:
        p, down, up = self.p, self.down, self.up
        loose = self.active & ~self.on & (p.need <= 0)
        kinds = (down > 0, up > 0, (down > 0) | (up > 0))  # j can fall, rise, either
        which = np.where((up > 0) & (down > 0), 2, np.where(up > 0, 0, 1))  # rising needs one that falls...
        self._hi[0] = np.where(loose & (up <= 0) & (down <= 0), 0.0, self._hi[0])  # no room: never a complement
        cells = np.flatnonzero(loose & ((up > 0) | (down > 0)))
        for codes, groups in zip(p.groups.codes, p.groups.counts, strict=True):
            used = np.bincount(codes[cells], minlength=groups) > 0
            if not used.any():
                continue
            gid = np.flatnonzero(used)
            where = np.full(groups, -1)
            where[gid] = np.arange(len(gid))
            members = np.flatnonzero(self.active & used[codes])
            k = len(gid)
            counted = []
            for can in kinds:  # z_g = how many withheld cells of g can move that way
                z = self._column(np.zeros(k), np.full(k, np.inf))
                chosen = members[can[members]]
                self._rows([(np.arange(k), z, 1.0), (where[codes[chosen]], chosen, -1.0)], 0.0, 0.0, k)
                counted.append(z)
            z_of = np.stack(counted)[which[cells], where[codes[cells]]]
            own = np.stack(kinds)[which[cells], cells].astype(float)
            self._rows([(np.arange(len(cells)), z_of, 1.0), (np.arange(len(cells)), cells, -1.0 - own)],
                       0.0, np.inf, len(cells))

    def witness(self, cell: int) -> None:
        """Two alternative tables in which ``cell`` rises and falls by its need between them (scaled by it)."""
        self.witnessed.add(cell)
        p = self.p
        need = float(p.need[cell])
        cells = np.flatnonzero(self.active)
        m = len(cells)
        idx = np.arange(m)
        span = _span(p)[cells]  # no alternative value moves further than its smallest group's total
        up, down = np.minimum(self.up[cells], span) / need, np.minimum(self.down[cells], span) / need
        moves = []
        for _ in range(2):
            move = self._column(-down, up)
            self._rows([(idx, move, 1.0), (idx, cells, -up)], -np.inf, 0.0, m)  # only withheld cells move
            self._rows([(idx, move, 1.0), (idx, cells, down)], 0.0, np.inf, m)
            for codes, groups in zip(p.groups.codes, p.groups.counts, strict=True):
                number = np.unique(codes[cells], return_inverse=True)[1].reshape(-1)
                self._rows([(number, move, 1.0)], 0.0, 0.0, int(number.max()) + 1)  # every margin holds
            moves.append(move)
        at = int(np.searchsorted(cells, cell))
        self._rows([([0], [moves[0][at]], 1.0), ([0], [moves[1][at]], -1.0), ([0], [cell], -1.0)], 0.0, np.inf, 1)

    def cut(self, cut: Cut) -> None:
        """sum of coefficient * x >= 0 (``cuts.py``)."""
        columns, coefficients = cut
        self._rows([(np.zeros(len(columns), np.int64), np.array(columns), np.array(coefficients))], 0.0, np.inf, 1)

    def solve(self, seconds: float) -> OptimizeResult:
        integrality = np.zeros(self._ncols)
        integrality[:len(self.p.values)] = 1
        constraints = []
        if self._nrows:
            rows, cols, vals = (np.concatenate([e[i] for e in self._entries]) for i in range(3))
            matrix = sp.csr_matrix((vals.astype(float), (rows, cols)), shape=(self._nrows, self._ncols))
            constraints.append(LinearConstraint(matrix, np.concatenate(self._row_lo), np.concatenate(self._row_hi)))
        return milp(np.concatenate(self._cost), integrality=integrality,
                    bounds=Bounds(np.concatenate(self._lo), np.concatenate(self._hi)), constraints=constraints,
                    options={"time_limit": max(seconds, 0.01), "mip_rel_gap": MIP_GAP, "presolve": True})


def _span(p: Problem) -> np.ndarray:
    """Per cell, the smallest total of absolute values over its groups: how far a witness may move it.

    With values of one sign (counts, most amounts) no feasible value lies
    further from the true one. With amounts of both signs it is a bound
    large enough in practice, not a proof: the audit still judges the result.
    """
    span = np.full(len(p.values), np.abs(p.values).sum())
    for codes, groups in zip(p.groups.codes, p.groups.counts, strict=True):
        span = np.minimum(span, np.bincount(codes, np.abs(p.values), groups)[codes])
    return np.maximum(span, 1e-9)


def _tie_break(rank: np.ndarray, n: int) -> np.ndarray:
    """Below 0.4 over all cells together, so it never outweighs a person (or a euro): earlier cells first."""
    return 0.4 * (rank + 1.0) / (float(n) * (n + 1.0))
