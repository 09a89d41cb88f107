"""Secondary suppression at the least loss: the exact optimum, by integer programming.

Withholding a complementary cell costs reusers what it holds (persons for
counts, euros for amounts). Among all the sets of complements that leave
every withheld cell its room, this module finds one hiding the least
(legal-and-standards section 4: "chosen to lose as little as possible";
the "optimal" method of tau-ARGUS, Hundepool et al., Statistical Disclosure
Control, Wiley 2012, section 4.3), with scipy's ``milp`` (HiGHS).

How:
- the table splits into blocks of cells linked by the margins (with margins
  that all hold the year, one block per year at most): no choice in one
  block changes anything in another, so each is solved on its own;
- in each block, the program of ``program.py`` asks, group by group, the
  room the audit asks (exactly, when one margin constrains a cell);
- where margins meet, the audit can see more than each group alone: the
  optimum is audited (the same audit as ``repair.py``), each cell still
  exposed gets its exact condition (a witness, ``program.py``; cuts,
  ``cuts.py``, should the solver's tolerance let it through again) and the
  block is solved again, until the audit finds nothing. No condition added
  rules out the optimum, so the first choice the audit accepts is it.
A block above ``Limits.max_cells`` cells, or whose optimum is not proven
within the table's ``Limits.seconds``, is left to the heuristic (the caller
runs it and says so).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components

from anonymisation.sdc.cuts import Table, cuts_for
from anonymisation.sdc.program import Problem, Program

_OPTIMAL, _TIME_LIMIT, _INFEASIBLE = 0, 1, 2

__all__ = ["LIMITS", "Limits", "Optimum", "Problem", "optimal_suppression"]


@dataclass(frozen=True)
class Limits:
    """When the exact optimum is sought: blocks of at most ``max_cells`` cells, a table proven within ``seconds``.

    From bench/suppression.py (bench/README.md): every realistic table was
    proven, the slowest in under 10 s (5 years of budget by account,
    destination and structure, 5,224 cells), blocks of 21,184 cells in 2 s.
    30 s per table leaves three times that; above 20,000 cells a block was
    not measured, and the heuristic keeps the night's length bounded.
    """

    max_cells: int = 20_000
    seconds: float = 30.0


LIMITS = Limits()


@dataclass
class Optimum:
    """The outcome: the mask, optimal on the blocks proven, and the cells of the blocks left to the heuristic."""

    withheld: np.ndarray
    unproven: np.ndarray
    blocks: int = 0
    proven_blocks: int = 0
    solves: int = 0
    exposed: int = 0
    seconds: float = 0.0
    reasons: list[str] = field(default_factory=list)


Audit = Callable[[np.ndarray, np.ndarray], np.ndarray]  # (mask, rows) -> exposed row positions among rows


def optimal_suppression(problem: Problem, audit: Audit, limits: Limits = LIMITS) -> Optimum:
    """The withheld mask hiding the least beyond the primary cells, block by block, audited clean.

    ``audit(mask, rows)`` gives the withheld cells among ``rows`` (whole
    groups) that the audit pins down. A block that does not fit the limits,
    or where no choice of complements satisfies the program, is marked in
    ``unproven`` (its cells keep the primary mask) with the reason.
    """
    start = time.perf_counter()
    out = Optimum(problem.primary.copy(), np.zeros(len(problem.values), bool))
    for rows in _blocks(problem):
        out.blocks += 1
        if len(rows) > limits.max_cells:
            out.unproven[rows] = True
            out.reasons.append(f"block of {len(rows)} cells, above the {limits.max_cells} cells limit")
            continue
        deadline = start + limits.seconds
        mask, solves, exposed, why = _solve_block(problem.restrict(rows), rows, problem.primary, audit, deadline,
                                               limits.seconds)
        out.solves += solves
        out.exposed += exposed
        if mask is None:
            out.unproven[rows] = True
            out.reasons.append(why)
        else:
            out.withheld[rows] = mask
            out.proven_blocks += 1
    out.seconds = time.perf_counter() - start
    return out


def _blocks(problem: Problem) -> list[np.ndarray]:
    """Cells linked through shared groups, in blocks holding a cell to protect (the others need nothing)."""
    n = len(problem.values)
    groups = problem.groups
    if not groups.codes:
        return [np.arange(n)] if (problem.primary & ~problem.known).any() else []
    offsets = np.cumsum([0, *groups.counts])
    cell = np.tile(np.arange(n), len(groups.codes))
    node = np.concatenate([n + offsets[k] + codes for k, codes in enumerate(groups.codes)])
    size = n + int(offsets[-1])
    graph = sp.coo_matrix((np.ones(len(cell)), (cell, node)), shape=(size, size))
    _, labels = connected_components(graph, directed=False)
    labels = labels[:n]
    wanted = np.unique(labels[problem.primary & ~problem.known])
    order = np.argsort(labels, kind="stable")
    starts = np.searchsorted(labels[order], wanted)
    ends = np.searchsorted(labels[order], wanted, side="right")
    return [order[a:b] for a, b in zip(starts, ends, strict=True)]


def _solve_block(block: Problem, rows: np.ndarray, primary: np.ndarray, audit: Audit, deadline: float,
                 seconds: float) -> tuple[np.ndarray | None, int, int, str]:
    """Solve, audit, re-model the exposed cells, until the audit accepts; (mask or None, solves, exposed, why)."""
    program = Program(block)
    table = Table(block.groups, block.values, block.lower, block.upper, block.need,
                  block.eligible & ~block.known & ~block.primary)
    solves = exposed = 0
    late = f"optimum not proven within {seconds:g} s"
    while True:
        remaining = deadline - time.perf_counter()
        if remaining <= 0:
            return None, solves, exposed, late
        result = program.solve(remaining)
        solves += 1
        if result.status == _TIME_LIMIT:
            return None, solves, exposed, late
        if result.status != _OPTIMAL:
            why = "no choice of complements protects every cell" if result.status == _INFEASIBLE else result.message
            return None, solves, exposed, why
        mask = (result.x[:len(rows)] > 0.5) | block.primary
        whole = primary.copy()
        whole[rows] = mask
        found = np.searchsorted(rows, audit(whole, rows))  # rows ascend: a block's cells in table order
        if not found.size:
            return mask, solves, exposed, ""
        exposed += len(found)
        for cell in (int(c) for c in found):
            if cell not in program.witnessed:
                program.witness(cell)
                continue
            # Witnessed and still exposed: the solver's tolerance; the cuts forbid this very choice.
            for cut in cuts_for(table, mask, block.known, cell):
                program.cut(cut)
        if solves > 4 * len(rows) + 10:
            return None, solves, exposed, "the audit and the program disagree (numerical tolerance)"
