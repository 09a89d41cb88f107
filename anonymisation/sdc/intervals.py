"""Which withheld values an attacker can pin down: exposures, found by linear programming.

The attacker's knowledge is a linear system (``system.py``); the interval of
a withheld value is [min, max] of it over that system. To answer for a
whole run in seconds:
- the system splits into connected components (values linked by a
  constraint), which never interact;
- bounds propagated constraint by constraint give every value an outer
  interval: exact when a single constraint links it, and already narrow
  enough to prove most exposures (one withheld cell in a known total);
- the rest goes to ``certify.py``, which proves values free with feasible
  points and solves exact programs only for what is left.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components

from anonymisation.sdc.certify import solve_components
from anonymisation.sdc.system import TOL, InfeasibleSystem, LinearSystem, propagate


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
    work = ~simple & (need > 0) & ~pinned
    if work.any():
        found += [Interval(v, a, b) for v, a, b in
                  solve_components(system, var_label, con_label, np.where(work, need, 0.0), sure, points)]
    return sorted(found, key=lambda i: i.variable)


def _check(variables: np.ndarray, lo: np.ndarray, hi: np.ndarray, need: np.ndarray) -> list[Interval]:
    if (lo > hi + TOL).any():
        raise InfeasibleSystem(variables[lo > hi + TOL])
    narrow = (need[variables] > 0) & (hi - lo < need[variables] - TOL)
    return [Interval(int(v), float(a), float(b)) for v, a, b in
            zip(variables[narrow], lo[narrow], hi[narrow], strict=True)]
