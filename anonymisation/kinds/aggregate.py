"""Aggregate counts: how many persons per cell of the dimensions, published in full or with small cells withheld.

Policy section ``aggregate:``:
- ``protection``: ``secret_statistique`` (the default) or
  ``publication_integrale``. In full, for the dimensions the national
  statistics publish unmasked (year, diploma, level, discipline, sex, corps:
  legal-and-standards section 4, the ministry's SISE file holds thousands of
  cells of 1 or 2): no small-cell rule, and ``justification`` says why. The
  loader refuses a full table with a generalised or sensitive dimension
  (``anonymisation/rules.py``). Its counts are public whatever we do, so a
  previous version's withheld cells they determine are reported, not
  protected by withholding here (``anonymisation/sdc/full.py``);
- ``threshold`` (default 5: a count under it is withheld, CRPA L312-1-2),
  ``homogeneity`` (sensitive dimensions whose single value in a group would
  tell every member's, WP29 opinion 05/2014), and ``risks``: for ``seuil``
  and, with homogeneity, ``homogeneite``, the risk each removes;
- ``margins`` (totals known elsewhere, e.g. from the headline table) and
  ``totals`` (totals this dataset publishes exactly, in its README and
  report); both are protected by secondary suppression.
The policy publishes exactly one count and its status column. Its cells are
audited with every file of the run.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from anonymisation.evolution import comparable
from anonymisation.kinds.base import Built, Kind, SuiteRule
from anonymisation.kinds.cells import (count_floor, dimensions, margins, protected, record_utility, require,
                                       require_risks, require_totals, treated)
from anonymisation.policy_model import Policy
from anonymisation.sdc import PublishedTable, protect_counts, publish_in_full
from resources.common.vocabulary import PUBLISHED

SECRECY, FULL = "secret_statistique", "publication_integrale"


def in_full(policy: Policy) -> bool:
    """Whether the table is published without a small-cell rule."""
    return policy.settings.get("protection", SECRECY) == FULL


def check_shape(policy: Policy) -> None:
    treatments = [c.treatment for c in policy.columns]
    require(policy, treatments.count("count") == 1 and treatments.count("status") == 1, "small-cell rule",
            "an aggregate publishes exactly one count and its status column")
    protection = policy.settings.get("protection", SECRECY)
    require(policy, protection in (SECRECY, FULL), "policy format",
            f"'protection' is {SECRECY} or {FULL}")
    require_totals(policy)
    if protection == FULL:
        require(policy, len(str(policy.settings.get("justification") or "").split()) >= 5, "publication in full",
                "a table published in full says why no person is exposed ('justification')")
        require(policy, not policy.settings.get("threshold") and not policy.settings.get("homogeneity"),
                "publication in full", "a table published in full has no 'threshold' nor 'homogeneity'")
        require_risks(policy, [])
        return
    require_risks(policy, ["seuil"] + (["homogeneite"] if policy.settings.get("homogeneity") else []))


def threshold(policy: Policy) -> int | None:
    return None if in_full(policy) else int(policy.settings.get("threshold", 5))


def build(built: Built) -> pd.DataFrame:
    """Count the rows of each cell, then withhold small, homogeneous and recomputable cells."""
    out, policy = built.out, built.policy
    dims = dimensions(out, policy)
    count, status = treated(policy, "count")[0].name, treated(policy, "status")[0].name
    cells = out.groupby(dims, dropna=False).size().rename(count).reset_index()
    homogeneous = pd.Series(False, index=cells.index)
    for sensitive in () if in_full(policy) else policy.settings.get("homogeneity") or ():
        # WP29 inference test: if every member of a group shares the sensitive value, the cell tells it.
        others = [d for d in dims if d != sensitive]
        values = cells.groupby(others, dropna=False)[sensitive].transform("nunique") if others else cells[sensitive].nunique()
        homogeneous |= pd.Series(values == 1, index=cells.index)
    small = small_groups(cells, policy, count)
    if small.any():  # decided on totals public elsewhere: leaving them out reveals nothing of the sensitive value
        built.report.left_out["left_out_small_groups"] = int(cells.loc[small, count].sum())
    kept = ~small.to_numpy()
    previous = comparable(built.context.previous, policy)  # the version online, its renamed columns under today's names
    if in_full(policy):
        published, sdc = publish_in_full(cells, dims, count_col=count, status_col=status, previous=previous,
                                         name=policy.dataset)
    else:
        published, sdc = protect_counts(
            cells[kept].reset_index(drop=True), dims, count_col=count, status_col=status, threshold=threshold(policy),
            homogeneous=homogeneous[kept].reset_index(drop=True), margins=margins(policy), name=policy.dataset,
            previous=previous)
    withheld = np.ones(len(cells), bool)
    withheld[kept] = (published[status] != PUBLISHED).to_numpy()
    record_utility(built, cells[dims], cells[count].to_numpy(dtype=float), withheld, value_col=count, unit="personnes")
    return protected(built, published, sdc, dims)


def small_groups(cells: pd.DataFrame, policy: Policy, count: str) -> pd.Series:
    """Cells of a group, in a total published elsewhere (``margins``), too small to be crossed with a sensitive value.

    Under 2 x threshold - 1 persons, all of a group's cells may be small, and two small cells beside the
    total published elsewhere pin each other down (4 and 4 of a group of 8, with a threshold of 5). From
    2 x threshold - 1 on, a split in two holds a cell of the threshold or more to serve as a complement.
    Its persons are counted in the headline table; here they are left out, which tells nothing, as the
    decision reads the group's size only, which is public.
    """
    low = threshold(policy)
    small = pd.Series(False, index=cells.index)
    if low is None:
        return small
    for margin in policy.settings.get("margins") or ():
        totals = cells.groupby(list(margin), dropna=False)[count].transform("sum") if margin else \
            pd.Series(cells[count].sum(), index=cells.index)
        small |= totals < 2 * low - 1
    return small


def suite_rules(policy: Policy) -> list[SuiteRule]:
    """No count published under the threshold (at least 1 in a table published in full: an empty cell is absent)."""
    low = threshold(policy)
    if low is None:
        return count_floor(policy, 1, "Aucun effectif publié à 0: une cellule vide est absente du fichier.")
    return count_floor(policy, low, f"Aucun effectif publié sous le seuil de {low} (secret statistique).")


def audit_view(policy: Policy, frame: pd.DataFrame) -> PublishedTable:
    """The candidate as the audit reads it: its dimensions and its count."""
    dims = tuple(c.name for c in policy.by_role("dimension"))
    return PublishedTable(policy.dataset, frame, dims, treated(policy, "count")[0].name)


KIND = Kind(
    name="aggregate", summary="protected aggregate (counts)", build=build,
    settings=frozenset({"protection", "justification", "threshold", "homogeneity", "margins", "totals", "risks"}),
    check_shape=check_shape, suite_rules=suite_rules, audit_view=audit_view, protects_cells=True, audited=True,
    publishes_in_full=in_full,
)
