"""How far an attacker can narrow down withheld values, as linear programs.

An attacker knows the published values, the totals published elsewhere and
the bounds the publication rule reveals. Each withheld value x_i is then an
unknown in a linear system ``lower <= x <= upper``, ``A x = b`` (totals,
equal tables) and ``A x >= b`` (one table bounding another). The interval of
x_i the attacker can infer is [min x_i, max x_i] over that system: the
"audit" of tau-ARGUS (Hundepool et al., Statistical Disclosure Control,
Wiley 2012, section 4.3), solved here with HiGHS through scipy.

Solving two programs per withheld value over a whole run would be slow, so:
- the system splits into connected components (values linked by a
  constraint); each is solved alone;
- bounds propagated constraint by constraint give every value an outer
  interval: exact when a single constraint links it, and already narrow
  enough to prove most exposures (one withheld cell in a known total);
- in larger components, any feasible point (the true values, or a vertex
  of a random objective) proves that a value can move; only the values not
  proved free that way get their exact min and max.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from scipy.optimize import linprog
from scipy.sparse.csgraph import connected_components

TOL = 1e-6
_ROUNDS = 8  # random vertices tried per component before exact programs
_SOLVED, _INFEASIBLE, _UNBOUNDED = 0, 2, 3


class InfeasibleSystem(ValueError):
    """The published values contradict the declared totals or relations."""

    def __init__(self, variables: np.ndarray) -> None:
        super().__init__("no values satisfy the published cells, totals and relations together")
        self.variables = variables


@dataclass(frozen=True)
class LinearSystem:
    """Withheld values as unknowns: bounds, and rows of ``matrix @ x`` (== or >=) ``rhs``."""

    lower: np.ndarray
    upper: np.ndarray
    matrix: sp.csr_matrix
    rhs: np.ndarray
    equality: np.ndarray

    @classmethod
    def build(cls, lower: np.ndarray, upper: np.ndarray, rows: np.ndarray, cols: np.ndarray,
              coefs: np.ndarray, rhs: np.ndarray, equality: np.ndarray) -> LinearSystem:
        """Assemble from coordinates; a constraint left with no unknown must already hold."""
        shape = (len(rhs), len(lower))
        matrix = sp.coo_matrix((coefs, (np.asarray(rows, np.int64), np.asarray(cols, np.int64))), shape=shape).tocsr()
        matrix.sum_duplicates()
        matrix.eliminate_zeros()
        empty = np.diff(matrix.indptr) == 0
        broken = empty & np.where(equality, np.abs(rhs) > TOL, rhs > TOL)
        if broken.any():
            raise InfeasibleSystem(np.empty(0, dtype=np.int64))
        keep = ~empty
        return cls(np.asarray(lower, float), np.asarray(upper, float), matrix[keep],
                   np.asarray(rhs, float)[keep], np.asarray(equality, bool)[keep])


@dataclass(frozen=True)
class Interval:
    """The feasible interval of one unknown."""

    variable: int
    lower: float
    upper: float


def narrow_intervals(system: LinearSystem, need: np.ndarray,
                     points: Sequence[np.ndarray] = ()) -> list[Interval]:
    """Unknowns whose feasible interval is narrower than their ``need`` (0: not checked).

    ``points`` are candidate feasible points (NaN where unknown), typically the
    true values; one that turns out infeasible is ignored, never trusted.
    """
    n = len(system.lower)
    if n == 0:
        return []
    coo = system.matrix.tocoo()
    m = system.matrix.shape[0]
    graph = sp.coo_matrix((np.ones(coo.nnz), (coo.col, n + coo.row)), shape=(n + m, n + m))
    _, labels = connected_components(graph, directed=False)
    var_label, con_label = labels[:n], labels[n:]
    per_comp = np.bincount(con_label, minlength=labels.max() + 1)
    lo, hi = propagate(system)
    # Alone or under a single constraint, propagated bounds are exact.
    simple = per_comp[var_label] <= 1
    found = _check(np.flatnonzero(simple), lo[simple], hi[simple], need)
    # Elsewhere they are outer bounds: narrower than needed is exposed for sure.
    sure = ~simple & (need > 0) & (hi - lo < need - TOL)
    pinned = sure & (hi - lo <= TOL)
    found += [Interval(int(v), float(lo[v]), float(hi[v])) for v in np.flatnonzero(pinned)]
    large = np.flatnonzero(per_comp > 1)
    rng = np.random.default_rng(514)  # fixed seed: the same tables always audit the same way
    order = np.argsort(var_label, kind="stable")
    starts = np.searchsorted(var_label[order], large)
    ends = np.searchsorted(var_label[order], large, side="right")
    con_order = np.argsort(con_label, kind="stable")
    con_starts = np.searchsorted(con_label[con_order], large)
    con_ends = np.searchsorted(con_label[con_order], large, side="right")
    for k in range(len(large)):
        variables = order[starts[k]:ends[k]]
        check = (need[variables] > 0) & ~pinned[variables]
        if not check.any():
            continue
        constraints = con_order[con_starts[k]:con_ends[k]]
        found += _component(system, variables, constraints, np.where(check, need[variables], 0.0),
                            sure[variables], points, rng)
    return sorted(found, key=lambda i: i.variable)


def _check(variables: np.ndarray, lo: np.ndarray, hi: np.ndarray, need: np.ndarray) -> list[Interval]:
    if (lo > hi + TOL).any():
        raise InfeasibleSystem(variables[lo > hi + TOL])
    narrow = (need[variables] > 0) & (hi - lo < need[variables] - TOL)
    return [Interval(int(v), float(a), float(b)) for v, a, b in
            zip(variables[narrow], lo[narrow], hi[narrow], strict=True)]


def propagate(system: LinearSystem, rounds: int = 50) -> tuple[np.ndarray, np.ndarray]:
    """Bounds of every unknown implied by each constraint in turn, repeated until stable.

    Sound (every feasible point stays inside) and exact for an unknown whose
    component has a single constraint; elsewhere an outer bound.
    """
    coo = system.matrix.tocoo()
    lo, hi = system.lower.copy(), system.upper.copy()
    for _ in range(rounds):
        entry_lo, entry_hi = single_constraint_bounds(coo.row, coo.col, coo.data, system.rhs,
                                                      system.equality, lo, hi)
        new_lo, new_hi = lo.copy(), hi.copy()
        np.maximum.at(new_lo, coo.col, entry_lo)
        np.minimum.at(new_hi, coo.col, entry_hi)
        if (new_lo > new_hi + TOL).any():
            raise InfeasibleSystem(np.flatnonzero(new_lo > new_hi + TOL))
        moved = (new_lo > lo + TOL).any() or (new_hi < hi - TOL).any()
        lo, hi = new_lo, new_hi
        if not moved:
            break
    return lo, hi


def single_constraint_bounds(row: np.ndarray, var: np.ndarray, a: np.ndarray, rhs: np.ndarray,
                             equality: np.ndarray, lower: np.ndarray,
                             upper: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Interval of each entry's unknown when its row, sum a_j x_j (= or >=) b, is its only constraint.

    The other unknowns' weighted sum sweeps a whole interval [o_lo, o_hi], so
    a_i x_i lies in [b - o_hi, b - o_lo] (or above b - o_hi for >=), within
    its bounds. Entries are (row, var, a); an unknown in several rows gets one
    interval per entry, each valid.
    """
    lo_b, hi_b = lower[var], upper[var]
    with np.errstate(invalid="ignore"):
        low_term, high_term = np.minimum(a * lo_b, a * hi_b), np.maximum(a * lo_b, a * hi_b)
    k = len(rhs)
    neg, pos = np.isneginf(low_term), np.isposinf(high_term)
    low_fin, high_fin = np.where(neg, 0.0, low_term), np.where(pos, 0.0, high_term)
    n_neg = np.bincount(row, weights=neg, minlength=k)[row] - neg
    n_pos = np.bincount(row, weights=pos, minlength=k)[row] - pos
    others_lo = np.where(n_neg > 0, -np.inf, np.bincount(row, weights=low_fin, minlength=k)[row] - low_fin)
    others_hi = np.where(n_pos > 0, np.inf, np.bincount(row, weights=high_fin, minlength=k)[row] - high_fin)
    b = rhs[row]
    ax_lo = b - others_hi
    ax_hi = np.where(equality[row], b - others_lo, np.inf)
    x_lo = np.where(a > 0, ax_lo / a, ax_hi / a)
    x_hi = np.where(a > 0, ax_hi / a, ax_lo / a)
    return np.maximum(x_lo, lo_b), np.minimum(x_hi, hi_b)


def _component(system: LinearSystem, variables: np.ndarray, constraints: np.ndarray, wanted: np.ndarray,
               sure: np.ndarray, points: Sequence[np.ndarray], rng: np.random.Generator) -> list[Interval]:
    """Exposed unknowns of one component with several constraints (see the module docstring).

    ``wanted`` is the width each unknown needs (0: not checked); ``sure``
    marks those already known to be exposed, which only need their exact interval.
    """
    a = system.matrix[constraints][:, variables]
    b, eq = system.rhs[constraints], system.equality[constraints]
    lo, hi = system.lower[variables], system.upper[variables]
    programme = {"A_eq": a[eq] if eq.any() else None, "b_eq": b[eq] if eq.any() else None,
                 "A_ub": -a[~eq] if (~eq).any() else None, "b_ub": -b[~eq] if (~eq).any() else None}
    seen_lo, seen_hi = np.full(len(variables), np.inf), np.full(len(variables), -np.inf)

    def see(x: np.ndarray) -> None:
        np.minimum(seen_lo, x, out=seen_lo)
        np.maximum(seen_hi, x, out=seen_hi)

    def pending() -> np.ndarray:
        return (wanted > 0) & ~sure & (seen_hi - seen_lo < wanted - TOL)

    def solve(c: np.ndarray, bounds: np.ndarray, *, exact: bool = True) -> tuple[int, np.ndarray, float]:
        res = linprog(c, bounds=bounds, method="highs", **programme)
        if res.status == _INFEASIBLE and exact:
            raise InfeasibleSystem(variables)
        if res.status == _INFEASIBLE:
            return res.status, np.empty(0), np.nan
        if res.status not in (_SOLVED, _UNBOUNDED):
            raise RuntimeError(f"disclosure audit: the LP solver stopped without an answer ({res.message})")
        return res.status, res.x, float(res.fun) if res.status == _SOLVED else -np.inf

    for point in points:
        p = point[variables]
        if not np.isnan(p).any() and _feasible(p, a, b, eq, lo, hi):
            see(p)
    # Random vertices are searched in a finite box inside the true one: any point
    # found there is feasible for the true system, so it proves what it shows.
    reach = 10.0 + 2.0 * float(np.abs(b).max(initial=0.0))
    box_lo = np.where(np.isinf(lo), np.minimum(hi, 0.0) - reach, lo)
    box = np.column_stack([box_lo, np.where(np.isinf(hi), box_lo + 2.0 * reach, hi)])
    todo = pending()
    signs = rng.choice([-1.0, 1.0], size=len(variables))
    for turn in range(_ROUNDS):
        if not todo.any():
            break
        # Odd turns push the still-pending values the other way; even turns draw anew.
        signs = -signs if turn % 2 else rng.choice([-1.0, 1.0], size=len(variables))
        c = np.where(todo, signs, 0.0)
        status, x, _ = solve(c, box, exact=False)
        if status != _SOLVED:
            break
        see(x)
        now = pending()
        if now.sum() == todo.sum():
            break
        todo = now
    bounds = np.column_stack([lo, hi])
    found = []
    for i in np.flatnonzero(pending() | (sure & (wanted > 0))):
        if seen_hi[i] - seen_lo[i] >= wanted[i] - TOL:
            continue  # proved free by a point found for an earlier unknown
        unit = np.zeros(len(variables))
        unit[i] = 1.0
        status, x, low = solve(unit, bounds)
        if status == _UNBOUNDED:
            continue
        see(x)
        if seen_hi[i] - seen_lo[i] >= wanted[i] - TOL:
            continue
        status, x, high = solve(-unit, bounds)
        if status == _UNBOUNDED:
            continue
        see(x)
        if -high - low < wanted[i] - TOL:
            found.append(Interval(int(variables[i]), low, -high))
    return found


def _feasible(p: np.ndarray, a: sp.csr_matrix, b: np.ndarray, eq: np.ndarray,
              lo: np.ndarray, hi: np.ndarray) -> bool:
    slack = TOL * (1.0 + np.abs(b))
    ax = a @ p
    return bool((p >= lo - TOL).all() and (p <= hi + TOL).all()
                and (np.abs(ax - b)[eq] <= slack[eq]).all() and (ax - b >= -slack)[~eq].all())
