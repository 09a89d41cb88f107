"""Audit a protected table and withhold more until nothing is exposed.

The group-by-group secondary suppression (``secondary.py``) cannot see
margins that combine (a cell pinned by its row and its column together).
The audit (``audit.py``) can: each exposed cell gets one more complement,
the publishable cell nearest to it in the margins, smallest first, and the
audit runs again, on the part of the table the change can reach only: a
new complement only alters the component of withheld cells it joins.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components

from anonymisation.sdc.audit import PublishedTable, locate_exposures
from anonymisation.sdc.model import DisclosureError, margin_label
from anonymisation.sdc.secondary import Groups


@dataclass(frozen=True)
class Audited:
    """A table under protection: its names, true values and how to show it for a withheld mask."""

    name: str
    dims: tuple[str, ...]
    margins: tuple[tuple[str, ...], ...]
    value_col: str
    truth: pd.DataFrame
    view: Callable[[np.ndarray], pd.DataFrame]
    threshold: int | None = None
    lower: float = 1.0


def audit_and_repair(where: str, spec: Audited, groups: Groups, withheld: np.ndarray, *, known: np.ndarray,
                     eligible: np.ndarray, size: np.ndarray, rank: np.ndarray, need: np.ndarray) -> int:
    """Audit, add complements where exposed, repeat until clean; ``withheld`` is updated, the count returned.

    ``known`` withheld cells are public anyway and audited as published; ``need``
    is the width each withheld cell's interval must reach.
    """
    rows = np.arange(len(withheld))
    added = 0
    while rows.size:
        exposed = exposed_cells(spec, withheld, known=known, need=need, rows=rows)
        if not exposed.size:
            break
        picks = _repair(where, spec, groups, exposed, withheld, eligible, size, rank)
        added += len(picks)
        rows = affected_rows(groups, withheld & ~known, np.concatenate([exposed, picks]))
    return added


def exposed_cells(spec: Audited, withheld: np.ndarray, *, known: np.ndarray, need: np.ndarray,
                  rows: np.ndarray | None = None) -> np.ndarray:
    """Row positions of the withheld cells the audit finds pinned down (narrower than ``need``).

    ``rows`` restricts the audit to whole groups (see ``affected_rows``); by default, the whole table.
    """
    rows = np.arange(len(withheld)) if rows is None else rows
    frame = spec.view(withheld & ~known).iloc[rows].reset_index(drop=True)
    table = PublishedTable(spec.name, frame, spec.dims, spec.value_col, threshold=spec.threshold, lower=spec.lower)
    truth = spec.truth.iloc[rows].reset_index(drop=True)
    found = locate_exposures([table], margins={spec.name: spec.margins}, truth={spec.name: truth},
                             need={spec.name: need[rows]})
    return rows[[f.row for f in found]].astype(np.int64)


def affected_rows(groups: Groups, unknown: np.ndarray, seeds: np.ndarray) -> np.ndarray:
    """Rows of every group reachable from the seed cells through withheld cells.

    Those groups hold all the unknowns linked to the seeds, and all their
    constants: auditing them alone answers exactly for the seeds' components.
    """
    n = len(unknown)
    if not groups.codes:
        return np.empty(0, dtype=np.int64)
    offsets = np.cumsum([0, *groups.counts])
    linked = np.flatnonzero(unknown | np.isin(np.arange(n), seeds))
    cell = np.tile(linked, len(groups.codes))
    node = np.concatenate([n + offsets[k] + codes[linked] for k, codes in enumerate(groups.codes)])
    size = n + int(offsets[-1])
    graph = sp.coo_matrix((np.ones(len(cell)), (cell, node)), shape=(size, size))
    _, labels = connected_components(graph, directed=False)
    reached = np.unique(labels[seeds])
    hit = np.zeros(n, bool)
    for k, codes in enumerate(groups.codes):
        hit |= np.isin(labels[n + offsets[k] + codes], reached)
    return np.flatnonzero(hit)


def complement_for(groups: Groups, cell: int, withheld: np.ndarray, eligible: np.ndarray,
                   size: np.ndarray, rank: np.ndarray) -> int | None:
    """The publishable cell to withhold so an exposed ``cell`` gains room, or None.

    First the groups holding the cell; failing a candidate there, the groups
    of the withheld cells met so far, and so on outwards (more room for a
    neighbour is more room for the cell).
    """
    frontier = {(k, int(codes[cell])) for k, codes in enumerate(groups.codes)}
    visited: set[tuple[int, int]] = set()
    met = {cell}
    while frontier:
        members = np.unique(np.concatenate([groups.members(k, g) for k, g in sorted(frontier)]))
        cand = members[eligible[members] & ~withheld[members]]
        if cand.size:
            return int(cand[np.lexsort((rank[cand], size[cand]))[0]])
        visited |= frontier
        new = [int(c) for c in members[withheld[members]] if int(c) not in met]
        met.update(new)
        frontier = {(k, int(codes[c])) for c in new for k, codes in enumerate(groups.codes)} - visited
    return None


def _repair(where: str, spec: Audited, groups: Groups, exposed: np.ndarray, withheld: np.ndarray,
            eligible: np.ndarray, size: np.ndarray, rank: np.ndarray) -> np.ndarray:
    """Withhold one complement per exposed cell, at most one per group per round; return them.

    Raises DisclosureError when exposed cells remain and none can get a complement.
    """
    touched: set[tuple[int, int]] = set()
    stuck: list[int] = []
    picks: list[int] = []
    for cell in exposed:
        mine = {(k, int(codes[cell])) for k, codes in enumerate(groups.codes)}
        if mine & touched:
            continue  # a complement already went into one of its groups: re-audit first
        pick = complement_for(groups, int(cell), withheld, eligible, size, rank)
        if pick is None:
            stuck.append(int(cell))
            continue
        withheld[pick] = True
        touched |= {(k, int(codes[pick])) for k, codes in enumerate(groups.codes)}
        picks.append(pick)
    if stuck and not picks:
        first = spec.truth.iloc[stuck[:3]][list(spec.dims)].to_dict("records")
        raise DisclosureError(
            f"{where}: {len(stuck)} withheld cells of dims {list(spec.dims)} stay recoverable from the margins "
            f"{[margin_label(m) for m in spec.margins]} and no published cell is left to withhold "
            f"(rule: secondary suppression, legal-and-standards section 4); first cells: {first}")
    return np.array(picks, dtype=np.int64)
