"""Amounts: sums of money per cell of the dimensions, a cell withheld when few or one contributor make it.

Policy section ``amounts:``: ``contributor`` (the ``table.column`` naming
who contributes to a sum: a third party, a budget line), ``min_contributors``
(default 3) and ``dominance`` (default 0.85: no contributor above 85 % of
the sum), INSEE practice, with ``risks.regle_dominance`` naming the risk
they remove; ``applies_to`` (a builder-made ``table._flag`` column): the rows
the rule protects, one person's pay or a payment to a natural person
(legal-and-standards section 4). A cell holding none of them is the
institution's own account, a public document (compte financier), published
as it is; without ``applies_to`` the rule applies to every cell.
``margins`` and ``totals`` as for counts. The policy publishes sums and
their status column; the other sums follow the first one's protection.
"""

from __future__ import annotations

import pandas as pd

from anonymisation.kinds.base import Built, Kind, SuiteRule
from anonymisation.kinds.cells import (count_floor, dimensions, margins, protected, record_utility, require,
                                       require_risks, require_totals, treated)
from anonymisation.policy_model import Policy
from anonymisation.sdc import protect_amounts
from resources.common.vocabulary import PUBLISHED


def check_shape(policy: Policy) -> None:
    treatments = {c.treatment for c in policy.columns}
    require(policy, "sum" in treatments and "status" in treatments, "dominance rule",
            "an amounts aggregate publishes sums and their status column")
    require(policy, bool(policy.settings.get("contributor")), "dominance rule",
            "an amounts aggregate names the column of its contributors ('contributor')")
    require_totals(policy)
    require_risks(policy, ["regle_dominance"])


def minimum(policy: Policy) -> int:
    return int(policy.settings.get("min_contributors", 3))


def build(built: Built) -> pd.DataFrame:
    """Sum each cell, then withhold cells with too few contributors or a dominant one."""
    out, frame, policy = built.out, built.frame, built.policy
    dims = dimensions(out, policy)
    sums, status = treated(policy, "sum"), treated(policy, "status")[0].name
    rows = out[dims].copy()
    rows["_contributor"] = frame[policy.settings["contributor"]].astype("str")
    for column in sums:
        rows[column.name] = pd.to_numeric(frame[column.source], errors="coerce").astype("float64")
    first = sums[0].name
    applies = policy.settings.get("applies_to")
    published, sdc = protect_amounts(
        rows[dims + ["_contributor", first]], dims, contributor_col="_contributor", amount_col=first,
        min_contributors=minimum(policy), dominance=float(policy.settings.get("dominance", 0.85)),
        status_col=status, margins=margins(policy), name=policy.dataset,
        applies=frame[applies].fillna(False).astype(bool) if applies else None,
    )
    hidden = published[status] != PUBLISHED
    truth = rows.groupby(dims, dropna=False, sort=True)[first].sum().reset_index()
    truth = published[dims].merge(truth, on=dims, how="left")
    record_utility(built, truth[dims], truth[first].to_numpy(dtype=float), hidden.to_numpy(),
                   value_col=first, unit="euros")
    for column in sums[1:]:  # the other sums follow the first one's protection, cell by cell
        totals = rows.groupby(dims, dropna=False)[column.name].sum().reset_index()
        published = published.merge(totals, on=dims, how="left")
        published.loc[hidden.to_numpy(), column.name] = pd.NA
    return protected(built, published, sdc, dims)


def suite_rules(policy: Policy) -> list[SuiteRule]:
    """No amount published with fewer contributors than the minimum (at least one where the rule applies to some
    cells only: the institution's own accounts are published whoever they paid)."""
    if policy.settings.get("applies_to"):
        return count_floor(policy, 1, "Aucun montant publié sans contributeur.")
    low = minimum(policy)
    return count_floor(policy, low, f"Aucun montant publié avec moins de {low} contributeurs (secret des affaires).")


def splits_by_year(policy: Policy) -> bool:
    """Contributors and dominance are counted within a cell, and a total within a year: a year alone is enough
    when every margin holds the year."""
    year = next((c.name for c in policy.by_role("dimension") if c.type == "year"), None)
    return all(year in margin for margin in margins(policy))


KIND = Kind(
    name="amounts", summary="protected amounts (sums)", build=build,
    settings=frozenset({"contributor", "min_contributors", "dominance", "applies_to", "margins", "totals", "risks"}),
    sources=frozenset({"contributor", "applies_to"}), check_shape=check_shape,
    suite_rules=suite_rules, protects_cells=True, splits_by_year=splits_by_year,
)
