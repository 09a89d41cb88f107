"""Aggregate counts: how many persons per cell of the dimensions, small cells withheld.

Policy section ``aggregate:``: ``threshold`` (default 5: a count under it is
withheld, CRPA L312-1-2 and statistical secrecy), ``homogeneity`` (sensitive
dimensions whose single value in a group would tell every member's,
WP29 opinion 05/2014), ``margins`` (totals a reuser can compute, for the
secondary suppression). The policy publishes exactly one count and its
status column. Its cells are audited with every file of the run.
"""

from __future__ import annotations

import pandas as pd

from anonymisation.evolution import comparable
from anonymisation.kinds.base import Built, Kind, SuiteRule
from anonymisation.kinds.cells import count_floor, dimensions, margins, protected, require, treated
from anonymisation.policy_model import Policy
from anonymisation.sdc import PublishedTable, protect_counts


def check_shape(policy: Policy) -> None:
    treatments = [c.treatment for c in policy.columns]
    require(policy, treatments.count("count") == 1 and treatments.count("status") == 1, "small-cell rule",
            "an aggregate publishes exactly one count and its status column")


def threshold(policy: Policy) -> int:
    return int(policy.settings.get("threshold", 5))


def build(built: Built) -> pd.DataFrame:
    """Count the rows of each cell, then withhold small, homogeneous and recomputable cells."""
    out, policy = built.out, built.policy
    dims = dimensions(out, policy)
    count, status = treated(policy, "count")[0].name, treated(policy, "status")[0].name
    cells = out.groupby(dims, dropna=False).size().rename(count).reset_index()
    homogeneous = pd.Series(False, index=cells.index)
    for sensitive in policy.settings.get("homogeneity") or ():
        # WP29 inference test: if every member of a group shares the sensitive value, the cell tells it.
        others = [d for d in dims if d != sensitive]
        values = cells.groupby(others, dropna=False)[sensitive].transform("nunique") if others else cells[sensitive].nunique()
        homogeneous |= pd.Series(values == 1, index=cells.index)
    published, sdc = protect_counts(
        cells, dims, count_col=count, status_col=status, threshold=threshold(policy),
        homogeneous=homogeneous, margins=margins(policy),
        previous=comparable(built.context.previous, policy),  # the version online, its renamed columns under today's names
    )
    return protected(built, published, sdc, dims)


def suite_rules(policy: Policy) -> list[SuiteRule]:
    """No count published under the threshold."""
    low = threshold(policy)
    return count_floor(policy, low, f"Aucun effectif publié sous le seuil de {low} (secret statistique).")


def audit_view(policy: Policy, frame: pd.DataFrame) -> PublishedTable:
    """The candidate as the audit reads it: its dimensions and its count."""
    dims = tuple(c.name for c in policy.by_role("dimension"))
    return PublishedTable(policy.dataset, frame, dims, treated(policy, "count")[0].name)


KIND = Kind(
    name="aggregate", summary="protected aggregate (counts)", build=build,
    settings=frozenset({"threshold", "homogeneity", "margins"}), check_shape=check_shape,
    suite_rules=suite_rules, audit_view=audit_view, protects_cells=True, audited=True,
)
