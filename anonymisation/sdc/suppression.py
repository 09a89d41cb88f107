"""Secondary suppression of one table, by the exact optimum or the heuristic, always audited.

Two methods, chosen by the caller (``method``):
- ``optimal`` (the default): the complements hiding the least, by integer
  programming (``optimal.py``), block by block (cells linked by the
  margins), on blocks of at most ``Limits.max_cells`` cells and when the
  optimum is proven within ``Limits.seconds`` for the table; the blocks
  left over go to the heuristic, and the notes say how many and why;
- ``heuristique``: the smallest complement group by group
  (``secondary.py``), then one more complement per cell the audit still
  finds exposed (``repair.py``).
Either way every block of the mask returned has passed the same audit: no
withheld cell is recoverable from the margins. The notes count cells, never
what they hold (a sum of complements would be one more equation for an
attacker).
"""

from __future__ import annotations

import numpy as np

from anonymisation.sdc.model import margin_label
from anonymisation.sdc.optimal import LIMITS, Limits, Problem, optimal_suppression
from anonymisation.sdc.repair import Audited, audit_and_repair, exposed_cells
from anonymisation.sdc.secondary import suppress_in_groups

OPTIMAL, HEURISTIC = "optimal", "heuristique"
METHODS = (OPTIMAL, HEURISTIC)


def require_method(where: str, method: str) -> None:
    """Refuse an unknown method before any work."""
    if method not in METHODS:
        raise ValueError(f"{where}: method '{method}' is not one of {list(METHODS)} (rule: secondary suppression)")


def suppress(where: str, spec: Audited, problem: Problem, *, unit: str, method: str = OPTIMAL,
             limits: Limits = LIMITS) -> tuple[np.ndarray, list[str]]:
    """The withheld mask (primary cells and their complements), audited clean, and the notes saying how.

    ``unit`` names what a cell holds in the notes ("persons", "euros").
    Raises DisclosureError (from the heuristic) when no choice of complements
    protects every cell.
    """
    require_method(where, method)
    margins = problem.groups.margins
    if method == HEURISTIC:
        withheld, added, notes = _heuristic(where, spec, problem, problem.primary)
        return withheld, _margin_notes(margins, added) + notes + [
            "secondary suppression: heuristic (smallest complement group by group, then the audit's repairs)"]
    outcome = optimal_suppression(
        problem, lambda mask, rows: exposed_cells(spec, mask, known=problem.known, need=problem.need, rows=rows),
        limits)
    withheld = outcome.withheld
    beside = _beside_primary(problem, withheld & ~outcome.unproven)
    complements = int((withheld & ~problem.primary & ~outcome.unproven).sum())
    done = (f"exact optimum (integer programming, HiGHS) proven on {outcome.proven_blocks} of {outcome.blocks} "
            f"blocks of cells linked by the margins: {complements} complementary cells, the fewest {unit} hidden; "
            f"{outcome.solves} solves, {outcome.exposed} cells re-modelled where margins combine")
    if not outcome.unproven.any():
        return withheld, _margin_notes(margins, beside) + [f"secondary suppression: {done}"]
    left = outcome.blocks - outcome.proven_blocks
    fallback, added, notes = _heuristic(where, spec, problem, problem.primary & outcome.unproven)
    withheld = np.where(outcome.unproven, fallback, withheld)
    total = [a + b for a, b in zip(added, beside, strict=True)]
    return withheld, _margin_notes(margins, total) + notes + [
        f"secondary suppression: {done}; the heuristic ran instead on the other {left} "
        f"({'; '.join(sorted(set(outcome.reasons)))})"]


def _heuristic(where: str, spec: Audited, problem: Problem,
               primary: np.ndarray) -> tuple[np.ndarray, list[int], list[str]]:
    """Today's heuristic and the audit's repairs, from the given primary cells."""
    withheld, added = suppress_in_groups(
        problem.groups, problem.values, primary, known=problem.known, eligible=problem.eligible,
        lower=problem.lower, upper=problem.upper, need=problem.need, size=problem.size, rank=problem.rank)
    repaired = audit_and_repair(where, spec, problem.groups, withheld, known=problem.known,
                                eligible=problem.eligible, size=problem.size, rank=problem.rank, need=problem.need)
    return withheld, added, [f"audit: {repaired} further complementary cells where margins combine"] if repaired else []


def _margin_notes(margins: tuple[tuple[str, ...], ...], added: list[int]) -> list[str]:
    return [f"margin {margin_label(m)} protected with {k} complementary cells"
            for m, k in zip(margins, added, strict=True) if k]


def _beside_primary(problem: Problem, mask: np.ndarray) -> list[int]:
    """Per margin, the complements lying in a group that holds a primary cell."""
    primary = problem.primary & ~problem.known
    complements = mask & ~problem.primary
    out = []
    for codes, count in zip(problem.groups.codes, problem.groups.counts, strict=True):
        holds = np.bincount(codes[primary], minlength=count) > 0
        out.append(int((complements & holds[codes]).sum()))
    return out
