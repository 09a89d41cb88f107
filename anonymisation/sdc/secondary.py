"""Secondary suppression: withhold complementary cells so no withheld value can be recomputed.

Masking one cell of a table whose totals are known lets anyone recompute it
(../shared/reference/legal-and-standards.md, section 4). The classic remedy,
used here: in every group of a margin (cells sharing the margin's dimension
values, whose sum is known), the withheld cells must leave each other room.
With one constraint the room is exact (see ``single_constraint_bounds``):
a group with a single withheld cell has none, and several small cells can
still pin each other down (two withheld cells known to sum to 2 are both 1).
Such a group gets a publishable cell withheld too: preferably one whose
groups in the other margins already hold a withheld cell (it then leaves no
new lone cell there), then the smallest (fewest persons hidden), ties going
to the first cell in dimension order so a run is reproducible. All margins
are revisited until none changes, since a cell belongs to one group per
margin. Combinations across margins are left
to the audit, which asks for more complements (``repair.py``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from anonymisation.sdc.model import DisclosureError, margin_label
from anonymisation.sdc.system import TOL, single_constraint_bounds


@dataclass(frozen=True)
class Groups:
    """Which group of each margin every cell belongs to."""

    margins: tuple[tuple[str, ...], ...]
    codes: tuple[np.ndarray, ...]
    counts: tuple[int, ...]
    _order: tuple[np.ndarray, ...]
    _starts: tuple[np.ndarray, ...]

    @classmethod
    def of(cls, cells: pd.DataFrame, margins: Sequence[Sequence[str]]) -> Groups:
        """Number the groups of each margin; the empty margin is the grand total."""
        codes = [cells.groupby(list(margin), dropna=False, sort=False).ngroup().to_numpy() if margin
                 else np.zeros(len(cells), dtype=np.int64) for margin in margins]
        return cls.from_codes(tuple(tuple(m) for m in margins), codes)

    @classmethod
    def from_codes(cls, margins: tuple[tuple[str, ...], ...], codes: Sequence[np.ndarray]) -> Groups:
        """Groups given each margin's group number per cell (numbers 0.. without gaps)."""
        counts = [int(code.max()) + 1 if len(code) else 0 for code in codes]
        orders = [np.argsort(code, kind="stable") for code in codes]
        starts = [np.searchsorted(code[order], np.arange(count + 1))
                  for code, order, count in zip(codes, orders, counts, strict=True)]
        return cls(margins, tuple(codes), tuple(counts), tuple(orders), tuple(starts))

    def restrict(self, rows: np.ndarray) -> Groups:
        """The groups of some cells only (whole groups, typically), renumbered."""
        return Groups.from_codes(self.margins, [np.unique(code[rows], return_inverse=True)[1].reshape(-1)
                                                for code in self.codes])

    def members(self, margin: int, group: int) -> np.ndarray:
        """Row positions of the cells of one group."""
        return self._order[margin][self._starts[margin][group]:self._starts[margin][group + 1]]


def dimension_rank(cells: pd.DataFrame, dims: Sequence[str]) -> np.ndarray:
    """Rank of each row in dimension order: the deterministic tie-break between equal cells."""
    order = cells.reset_index(drop=True).sort_values(list(dims), kind="stable").index.to_numpy()
    rank = np.empty(len(cells), dtype=np.int64)
    rank[order] = np.arange(len(cells))
    return rank


def suppress_in_groups(groups: Groups, values: np.ndarray, withheld: np.ndarray, *, known: np.ndarray,
                       eligible: np.ndarray, lower: np.ndarray, upper: np.ndarray, need: np.ndarray,
                       size: np.ndarray, rank: np.ndarray) -> tuple[np.ndarray, list[int]]:
    """Withhold complements until, in every group of every margin, each withheld cell has room.

    ``values`` are the true values; ``known`` withheld cells are public anyway
    (published identically before) and count as published; only ``eligible``
    cells may become complements (see the module docstring for the order).
    Returns the new mask and the number of complements per margin.
    """
    withheld = withheld.copy()
    added = [0] * len(groups.margins)
    changed = True
    while changed:
        changed = False
        for k, (codes, count) in enumerate(zip(groups.codes, groups.counts, strict=True)):
            idx = np.flatnonzero(withheld & ~known)
            if not idx.size:
                continue
            row = codes[idx]
            lo, hi = single_constraint_bounds(row, np.arange(len(idx)), np.ones(len(idx)),
                                              np.bincount(row, values[idx], count), np.ones(count, bool),
                                              lower[idx], upper[idx])
            narrow = (need[idx] > 0) & (hi - lo < need[idx] - TOL)
            if not narrow.any():
                continue
            bad = np.zeros(count, bool)
            bad[row[narrow]] = True
            cand = np.flatnonzero(eligible & ~withheld & bad[codes])
            if not cand.size:
                continue
            # A complement alone in a group of another margin would need a complement
            # there too: prefer cells whose other groups already hold a withheld cell.
            lonely = np.zeros(len(cand), np.int64)
            for j, (other, other_count) in enumerate(zip(groups.codes, groups.counts, strict=True)):
                if j != k:
                    held = np.bincount(other[idx], minlength=other_count)
                    lonely += held[other[cand]] == 0
            cand = cand[np.lexsort((rank[cand], size[cand], lonely, codes[cand]))]
            pick = cand[np.unique(codes[cand], return_index=True)[1]]
            withheld[pick] = True
            added[k] += len(pick)
            changed = True
    return withheld, added


def refuse_lone_cells(where: str, groups: Groups, withheld: np.ndarray, cells: pd.DataFrame,
                      dims: tuple[str, ...]) -> None:
    """Fail early when a margin known elsewhere is, for some group, a single withheld cell.

    That margin publishes the cell itself: no complement can help, the margin
    (or the cell's dimensions) must change.
    """
    for margin, codes, count in zip(groups.margins, groups.codes, groups.counts, strict=True):
        alone = (np.bincount(codes, minlength=count) == 1)[codes] & withheld
        if alone.any():
            first = cells.iloc[np.flatnonzero(alone)[:3]][list(dims)].to_dict("records")
            raise DisclosureError(
                f"{where}: margin {margin_label(margin)} holds {int(alone.sum())} groups of a single withheld "
                f"cell of dims {list(dims)}: that margin, known elsewhere, is the cell itself "
                f"(rule: secondary suppression, legal-and-standards section 4); first cells: {first}")


def secondary_suppression(cells: pd.DataFrame, dims: Sequence[str], margins: Sequence[Sequence[str]],
                          withheld: pd.Series, *, count_col: str = "effectif", threshold: int = 5,
                          eligible: pd.Series | None = None, known: pd.Series | None = None,
                          min_width: float = 1.0) -> tuple[pd.Series, list[int]]:
    """Withheld mask after complementary suppression of a count table, group by group.

    ``withheld`` is the primary mask (bool, aligned on ``cells``); a withheld
    cell below ``threshold`` may hold 1 .. threshold - 1, any other at least 1.
    Returns the mask with complements added and their number per margin. The
    caller still audits the result: margins can combine (see module docstring).
    """
    values = pd.to_numeric(cells[count_col]).to_numpy(dtype=float)
    n = len(cells)
    mask = withheld.to_numpy(dtype=bool)
    known_arr = np.zeros(n, bool) if known is None else known.to_numpy(dtype=bool)
    eligible_arr = np.ones(n, bool) if eligible is None else eligible.to_numpy(dtype=bool)
    upper = np.where(values < threshold, threshold - 1.0, np.inf)
    out, added = suppress_in_groups(Groups.of(cells, margins), values, mask, known=known_arr,
                                    eligible=eligible_arr & ~known_arr, lower=np.ones(n), upper=upper,
                                    need=np.full(n, float(min_width)), size=values,
                                    rank=dimension_rank(cells, dims))
    return pd.Series(out, index=cells.index, name="withheld"), added
