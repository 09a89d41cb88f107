"""Withheld values as the unknowns of a linear system, and what each constraint implies.

An attacker knows the published values, the totals published elsewhere and
the bounds the publication rule reveals. Each withheld value x_i is then an
unknown in ``lower <= x <= upper``, ``A x = b`` (totals, equal tables) and
``A x >= b`` (one table bounding another). Bound propagation (each
constraint in turn bounds each of its unknowns by the others' bounds) gives
every unknown an interval that holds all its feasible values.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

TOL = 1e-6


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
        coords = (np.asarray(rows, np.int64), np.asarray(cols, np.int64))
        matrix = sp.coo_matrix((coefs, coords), shape=shape).tocsr()
        matrix.sum_duplicates()
        matrix.eliminate_zeros()
        empty = np.diff(matrix.indptr) == 0
        broken = empty & np.where(equality, np.abs(rhs) > TOL, rhs > TOL)
        if broken.any():
            raise InfeasibleSystem(np.empty(0, dtype=np.int64))
        keep = ~empty
        return cls(np.asarray(lower, float), np.asarray(upper, float), matrix[keep],
                   np.asarray(rhs, float)[keep], np.asarray(equality, bool)[keep])


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
