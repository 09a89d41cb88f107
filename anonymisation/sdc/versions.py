"""A previous version of another shape: what it withheld stays secret, what it published counts as known.

When a policy changes the dimensions of an aggregate (one added, removed or
renamed), yesterday's cells are no longer today's cells, and the carry-over
cell by cell of ``counts.py`` cannot apply. Whoever holds both files still
knows one linear fact: in every group of the dimensions both versions share,
yesterday's cells and today's cells count the same persons (as long as the
data did not change). The audit (``audit.py``) plays that fact as a relation
between two tables, the previous version (its published counts fixed, its
withheld counts unknown, at least 1) and today's table (its withheld counts
unknown), with sum(previous) == sum(today) in every shared group.

The rule: today's table is published only when, given both files, no count
withheld in either can be pinned down. An exposed count gets a complement (a
published cell of today's table: in the same shared group first, then the
nearest in the margins) and the audit runs again, until nothing is exposed.
It is safe whatever the change, because it checks the very thing to prevent
(legal-and-standards section 4: a withheld cell must not be recomputable):
- a dimension added: a cell withheld yesterday is the sum of today's cells
  inside it; were they all published, it would be exposed, so some stay
  withheld. A count published yesterday bounds today's cells inside it like
  a margin: a lone small cell there gets a complement;
- a dimension removed: today's cell is the sum of yesterday's cells; when
  publishing it would let a withheld one be subtracted out, it is withheld
  (or another cell is, when that is enough);
- a column renamed: the caller renames yesterday's column first (the policy
  declares ``renamed``), so the renamed dimension is shared. An undeclared
  rename would make the shared groups coarser than the attacker's: that is
  why a rename must be declared.
A shared group whose counts cannot be equal (the data changed there: a year
under way) is left out of the relation: no exact difference can be taken
across a change, and the attacker does not get a false equation either.
Yesterday's small cells are not bounded above (the withheld statuses do not
say which were small), which is the attacker's weaker position, so the audit
of yesterday's cells is the one the attacker can run, not a stricter one.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from anonymisation.sdc.audit import PublishedTable, Relation, locate_exposures
from anonymisation.sdc.model import WITHHELD, DisclosureError
from anonymisation.sdc.repair import Audited, complement_for
from anonymisation.sdc.secondary import Groups

PREVIOUS = "version_precedente"


def same_cells(previous: pd.DataFrame, dims: Sequence[str]) -> bool:
    """Whether yesterday's rows are today's cells: every dimension present, one row per cell.

    A dimension yesterday had and today has not, but constant within each of
    today's cells, leaves the cells as they were: they still compare one by one.
    """
    return all(d in previous.columns for d in dims) and not previous.duplicated(list(dims)).any()


def shared_dims(previous: pd.DataFrame, dims: Sequence[str]) -> tuple[str, ...]:
    """Today's dimensions that yesterday's version also has."""
    return tuple(d for d in dims if d in previous.columns)


def comparable_previous(previous: pd.DataFrame, truth: pd.DataFrame, shared: tuple[str, ...], count_col: str,
                        status_col: str) -> pd.DataFrame:
    """Yesterday's cells (shared dims, count empty when withheld) in the groups whose sums can be equal today."""
    old = previous[[*shared, count_col]].copy()
    old[count_col] = pd.to_numeric(old[count_col]).astype("Float64")
    old.loc[previous[status_col].astype("str").to_numpy() == WITHHELD, count_col] = pd.NA
    codes = _codes(old, truth, shared)
    keys = pd.Series(codes[0], index=old.index), pd.Series(codes[1], index=truth.index)
    published = old[count_col].fillna(0).groupby(keys[0]).sum()
    withheld = old[count_col].isna().groupby(keys[0]).sum()
    today = pd.to_numeric(truth[count_col]).groupby(keys[1]).sum()
    frame = pd.DataFrame({"published": published, "withheld": withheld}).join(today.rename("today"), how="inner")
    rest = frame["today"] - frame["published"]
    # Yesterday's withheld counts are each at least 1; none withheld means the published sum is the whole group.
    equal = np.where(frame["withheld"] > 0, rest >= frame["withheld"], rest == 0)
    return old[keys[0].isin(frame.index[equal]).to_numpy()].reset_index(drop=True)


def known_across(previous: pd.DataFrame, truth: pd.DataFrame, shared: tuple[str, ...], count_col: str) -> np.ndarray:
    """Today's cells yesterday already published: alone in their shared group, which it published whole, same count.

    Withholding such a cell protects nothing (the previous version shows it),
    so it is audited as published and never taken as a complement, as the
    carry-over cell by cell does for a cell published with today's count.
    """
    if previous.empty:
        return np.zeros(len(truth), bool)
    old, new = _codes(previous, truth, shared)
    counts = pd.to_numeric(truth[count_col]).to_numpy(dtype=float)
    size = np.bincount(new, minlength=int(max(old.max(initial=0), new.max(initial=0)) + 1))
    values = pd.to_numeric(previous[count_col]).to_numpy(dtype=float, na_value=np.nan)
    whole = pd.Series(values).groupby(old).agg(lambda v: v.sum() if v.notna().all() else np.nan)
    before = whole.reindex(new).to_numpy(dtype=float)
    return (size[new] == 1) & (before == counts)


def _codes(previous: pd.DataFrame, truth: pd.DataFrame, shared: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray]:
    """Shared-group numbers of yesterday's rows and today's cells, in one numbering."""
    if not shared:
        return np.zeros(len(previous), np.int64), np.zeros(len(truth), np.int64)
    together = pd.concat([previous[list(shared)], truth[list(shared)]], ignore_index=True)
    codes = together.groupby(list(shared), dropna=False, sort=False).ngroup().to_numpy()
    return codes[:len(previous)], codes[len(previous):]


def protect_across_versions(where: str, spec: Audited, groups: Groups, withheld: np.ndarray, *,
                            previous: pd.DataFrame, shared: tuple[str, ...], known: np.ndarray, eligible: np.ndarray,
                            size: np.ndarray, rank: np.ndarray, need: np.ndarray) -> int:
    """Audit today's table with yesterday's, add complements until neither's withheld counts are exposed.

    ``previous`` comes from :func:`comparable_previous`, ``known`` from
    :func:`known_across`; ``groups`` must hold the shared dimensions as their
    last margin (where complements are sought first). ``withheld`` is
    updated; the number of complements is returned.
    """
    old = PublishedTable(PREVIOUS, previous, shared, spec.value_col, lower=1.0)
    relation = Relation(PREVIOUS, spec.name, shared, "==")
    home = groups.codes[-1]
    old_home = _home_of(previous, spec.truth, shared)
    added = 0
    while True:
        today = PublishedTable(spec.name, spec.view(withheld & ~known), spec.dims, spec.value_col,
                               threshold=spec.threshold)
        found = locate_exposures([today, old], [relation], margins={spec.name: spec.margins},
                                 truth={spec.name: spec.truth}, need={spec.name: need})
        if not found:
            return added
        picks: set[int] = set()
        for exposure in found:
            if exposure.table == 0:
                pick = complement_for(groups, exposure.row, withheld, eligible, size, rank)
            else:
                pick = _in_group(np.flatnonzero(home == old_home[exposure.row]), groups, withheld, eligible, size,
                                 rank)
            if pick is not None:
                picks.add(pick)
        if not picks:
            raise DisclosureError(
                f"{where}: {len(found)} withheld cells stay recoverable from this version together with the "
                f"previous one (shared dims {list(shared)}) and no published cell is left to withhold "
                "(rule: carry-over of withheld cells, legal-and-standards section 4)")
        withheld[sorted(picks)] = True
        added += len(picks)


def _home_of(previous: pd.DataFrame, truth: pd.DataFrame, shared: tuple[str, ...]) -> np.ndarray:
    """For each of yesterday's rows, the code today's cells of its shared group have in the last margin."""
    if not shared:
        return np.zeros(len(previous), np.int64)
    codes = truth[list(shared)].reset_index(drop=True).groupby(list(shared), dropna=False, sort=False).ngroup()
    lookup = truth[list(shared)].reset_index(drop=True).assign(_code=codes.to_numpy()).drop_duplicates(list(shared))
    merged = previous[list(shared)].merge(lookup, on=list(shared), how="left")
    return merged["_code"].fillna(-1).to_numpy(dtype=np.int64)


def _in_group(members: np.ndarray, groups: Groups, withheld: np.ndarray, eligible: np.ndarray, size: np.ndarray,
              rank: np.ndarray) -> int | None:
    """A published cell of the shared group to withhold (smallest first), else the nearest through the margins."""
    candidates = members[eligible[members] & ~withheld[members]]
    if candidates.size:
        return int(candidates[np.lexsort((rank[candidates], size[candidates]))[0]])
    for cell in members:
        pick = complement_for(groups, int(cell), withheld, eligible, size, rank)
        if pick is not None:
            return pick
    return None
