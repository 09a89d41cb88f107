"""Exact intervals where several constraints meet, with as few linear programs as possible.

The interval of a withheld value x_i is [min x_i, max x_i] over the linear
system of what an attacker knows: the "audit" of tau-ARGUS (Hundepool et
al., Statistical Disclosure Control, Wiley 2012, section 4.3), solved with
HiGHS through scipy. Two programs per value would be slow over a run, so:
- any feasible point proves how far values can move: the true values
  first, then vertices of random objectives. Components do not share
  unknowns, so one program over all of them yields a vertex of each: a
  handful of programs clears most values of every component at once;
- only the values still unproven get their exact min and max, each over
  its own component.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp
from scipy.optimize import OptimizeResult, linprog

from anonymisation.sdc.system import TOL, InfeasibleSystem, LinearSystem

_ROUNDS = 8  # random vertices tried before exact programs
_SOLVED, _INFEASIBLE, _UNBOUNDED = 0, 2, 3


def solve_components(system: LinearSystem, var_label: np.ndarray, con_label: np.ndarray, wanted: np.ndarray,
                     sure: np.ndarray, points: Sequence[np.ndarray]) -> list[tuple[int, float, float]]:
    """(unknown, min, max) of every unknown with ``wanted`` > 0 whose interval is narrower than that.

    ``sure`` marks unknowns already known to be exposed: they only need their
    exact interval. ``var_label`` and ``con_label`` give each unknown and
    constraint its connected component.
    """
    labels = np.unique(var_label[wanted > 0])
    scope = np.flatnonzero(np.isin(var_label, labels))
    rows = np.flatnonzero(np.isin(con_label, labels))
    a = system.matrix[rows][:, scope].tocsr()
    b, eq = system.rhs[rows], system.equality[rows]
    lo, hi = system.lower[scope], system.upper[scope]
    w, s, lab, clab = wanted[scope], sure[scope], var_label[scope], con_label[rows]
    seen = _Seen(len(scope))

    def pending() -> np.ndarray:
        return (w > 0) & ~s & (seen.spread() < w - TOL)

    for point in points:
        p = point[scope]
        seen.see(p, _trusted(p, a, b, eq, lo, hi, lab, clab))
    # Random vertices are searched in a finite box inside the true one (wide
    # enough for the points met): a point found there is feasible for the true
    # system, so it proves what it shows.
    met = np.abs(np.concatenate([seen.lo, seen.hi]))
    reach = 10.0 + 2.0 * max(float(np.abs(b).max(initial=0.0)), float(met[np.isfinite(met)].max(initial=0.0)))
    box_lo = np.where(np.isinf(lo), np.minimum(hi, 0.0) - reach, lo)
    box = np.column_stack([box_lo, np.where(np.isinf(hi), box_lo + 2.0 * reach, hi)])
    rng = np.random.default_rng(514)  # fixed seed: the same tables always audit the same way
    signs = rng.choice([-1.0, 1.0], size=len(scope))
    todo = pending()
    for turn in range(_ROUNDS):
        if not todo.any():
            break
        # Odd turns push the still-pending values the other way; even turns draw anew.
        signs = -signs if turn % 2 else rng.choice([-1.0, 1.0], size=len(scope))
        res = _solve(np.where(todo, signs, 0.0), a, b, eq, box)
        if res.status != _SOLVED:
            break  # e.g. the box is too small for some component: exact programs will do
        seen.see(res.x)
        now = pending()
        if now.sum() == todo.sum():
            break
        todo = now
    return _exact(a, b, eq, lo, hi, lab, clab, w, s, scope, seen)


class _Seen:
    """Smallest and largest value met for each unknown in feasible points."""

    def __init__(self, n: int) -> None:
        self.lo, self.hi = np.full(n, np.inf), np.full(n, -np.inf)

    def see(self, x: np.ndarray, where: np.ndarray | slice = slice(None)) -> None:
        self.lo[where] = np.minimum(self.lo[where], x[where])
        self.hi[where] = np.maximum(self.hi[where], x[where])

    def spread(self) -> np.ndarray:
        return self.hi - self.lo


def _exact(a: sp.csr_matrix, b: np.ndarray, eq: np.ndarray, lo: np.ndarray, hi: np.ndarray, lab: np.ndarray,
           clab: np.ndarray, w: np.ndarray, s: np.ndarray, scope: np.ndarray,
           seen: _Seen) -> list[tuple[int, float, float]]:
    """Exact min and max, over its own component, of each value not proven free."""
    order, corder = np.argsort(lab, kind="stable"), np.argsort(clab, kind="stable")
    found = []
    cache: dict[int, tuple[np.ndarray, sp.csr_matrix, np.ndarray, np.ndarray, np.ndarray]] = {}
    for i in np.flatnonzero((w > 0) & (s | (seen.spread() < w - TOL))):
        if seen.hi[i] - seen.lo[i] >= w[i] - TOL:
            continue  # proven free by a point found for an earlier value
        label = int(lab[i])
        if label not in cache:
            local = order[np.searchsorted(lab[order], label):np.searchsorted(lab[order], label, side="right")]
            crows = corder[np.searchsorted(clab[corder], label):np.searchsorted(clab[corder], label, side="right")]
            cache[label] = (local, a[crows][:, local].tocsr(), b[crows], eq[crows],
                            np.column_stack([lo[local], hi[local]]))
        local, ca, cb, ceq, bounds = cache[label]
        unit = (local == i).astype(float)
        full = np.full(len(lab), np.nan)
        low = _solve(unit, ca, cb, ceq, bounds)
        if low.status == _INFEASIBLE:
            raise InfeasibleSystem(scope[local])
        if low.status == _UNBOUNDED:
            continue
        full[local] = low.x
        seen.see(full, local)
        if seen.hi[i] - seen.lo[i] >= w[i] - TOL:
            continue
        high = _solve(-unit, ca, cb, ceq, bounds)
        if high.status == _UNBOUNDED:
            continue
        full[local] = high.x
        seen.see(full, local)
        if -high.fun - low.fun < w[i] - TOL:
            found.append((int(scope[i]), float(low.fun), float(-high.fun)))
    return found


def _solve(c: np.ndarray, a: sp.csr_matrix, b: np.ndarray, eq: np.ndarray, bounds: np.ndarray) -> OptimizeResult:
    """min c.x over the system (status solved, infeasible or unbounded; anything else is an error)."""
    res = linprog(c, A_eq=a[eq] if eq.any() else None, b_eq=b[eq] if eq.any() else None,
                  A_ub=-a[~eq] if (~eq).any() else None, b_ub=-b[~eq] if (~eq).any() else None,
                  bounds=bounds, method="highs")
    if res.status not in (_SOLVED, _UNBOUNDED, _INFEASIBLE):
        raise RuntimeError(f"disclosure audit: the LP solver stopped without an answer ({res.message})")
    return res


def _trusted(p: np.ndarray, a: sp.csr_matrix, b: np.ndarray, eq: np.ndarray, lo: np.ndarray, hi: np.ndarray,
             lab: np.ndarray, clab: np.ndarray) -> np.ndarray:
    """Unknowns of the components where the candidate point is feasible: only there does it prove anything."""
    bad_var = np.isnan(p) | (p < lo - TOL) | (p > hi + TOL)
    slack = TOL * (1.0 + np.abs(b))
    gap = a @ np.nan_to_num(p) - b
    bad_con = np.where(eq, np.abs(gap) > slack, gap < -slack)
    return ~np.isin(lab, np.union1d(lab[bad_var], clab[bad_con]))
