"""What the kinds that publish protected cells share: dimensions, labels, the status column, the withheld counts."""

from __future__ import annotations

import pandas as pd

from anonymisation.kinds.base import Built, SuiteRule
from anonymisation.policy_model import Column, Policy, PolicyError
from anonymisation.sdc import SuppressionReport


def treated(policy: Policy, treatment: str) -> list[Column]:
    """The policy's columns with this treatment, in the policy's order."""
    return [c for c in policy.columns if c.treatment == treatment]


def require(policy: Policy, ok: bool, rule: str, detail: str) -> None:
    """Refuse a policy whose shape breaks ``rule``."""
    if not ok:
        raise PolicyError(f"{policy.dataset}.-: {detail} (rule: {rule})")


def dimensions(out: pd.DataFrame, policy: Policy) -> list[str]:
    """The dimension columns, an empty code kept as a category of its own."""
    dims = [c.name for c in policy.by_role("dimension")]
    for name in dims:  # an empty code is a real category (no CNU section for BIATSS staff)
        if out[name].dtype == "str" or out[name].dtype == object:
            out[name] = out[name].fillna("")
    return dims


def with_labels(published: pd.DataFrame, out: pd.DataFrame, policy: Policy, dims: list[str]) -> pd.DataFrame:
    """The published cells with the label of each of their codes."""
    labels = [c.name for c in policy.by_role("label")]
    table = out.groupby(dims, dropna=False)[labels].first().reset_index() if labels else out[dims].drop_duplicates()
    return published.merge(table, on=dims, how="left")


def protected(built: Built, published: pd.DataFrame, sdc: SuppressionReport, dims: list[str]) -> pd.DataFrame:
    """The protected cells with their labels; the report records what was withheld, and why."""
    built.report.withheld = withheld(sdc)
    built.report.notes += list(sdc.notes)
    return with_labels(published, built.out, built.policy, dims)


def count_floor(policy: Policy, low: int, sentence: str) -> list[SuiteRule]:
    """The open-suite rule that no published count is under ``low``."""
    return [SuiteRule("ExpectColumnValuesToBeBetween", {"column": c.name, "min_value": low}, sentence)
            for c in treated(policy, "count")]


def withheld(sdc: SuppressionReport) -> dict[str, int]:
    """The report's count of withheld cells, by rule."""
    return {
        "effectif_faible": sdc.withheld_small, "homogeneite": sdc.withheld_homogeneity,
        "suppression_secondaire": sdc.withheld_secondary, "dominance_ou_contributeurs": sdc.withheld_dominance,
        "reconduit_de_la_version_precedente": sdc.withheld_carried, "cellules": sdc.cells,
    }


def margins(policy: Policy) -> list[tuple[str, ...]]:
    """The margins the policy declares (totals a reuser can compute), for the secondary suppression."""
    return [tuple(m) for m in policy.settings.get("margins") or ()]
