"""What the kinds that publish protected cells share: dimensions, labels, the status column, the withheld counts,
the risks each protection rule removes, the totals published, and the utility left to reusers.

"Ouvrir autant que possible, fermer autant que nécessaire": a policy says,
for each rule that withholds, the risk it removes (``risks:`` in its kind's
section), and the report measures what the rules cost reusers
(``anonymisation/utility.py``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from anonymisation import utility
from anonymisation.kinds.base import Built, SuiteRule
from anonymisation.policy_model import Column, Policy, PolicyError
from anonymisation.sdc import SuppressionReport

# The risks of the rules every protected table inherits: they follow from the primary rules, so they
# are written once here rather than in each policy.
INHERITED_RISKS = {
    "suppression_secondaire": "recalcul d'une cellule non publiée par différence avec les totaux publiés ou "
                              "connus (dans ce fichier ou dans un autre fichier publié)",
    "reconduit_de_la_version_precedente": "recalcul d'une cellule non publiée d'une version précédente, toujours "
                                          "en ligne, en la comparant à celle-ci",
}


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
    """The totals a reuser knows, for the secondary suppression: those known elsewhere (``margins``) and those
    this dataset publishes (``totals``)."""
    known = [tuple(m) for m in policy.settings.get("margins") or ()]
    return known + [t for t in totals(policy) if t not in known]


def totals(policy: Policy) -> list[tuple[str, ...]]:
    """The groups of dimensions whose exact totals the dataset publishes: those its policy declares
    (``totals``, e.g. ``[[rentree, cursus_lmd]]``) and, always, the total of each year (the grand total
    without a year dimension). A reuser reads how many persons (euros) a year counts, and the share of
    them in published cells, shown in the README, tells nothing the yearly totals do not.
    """
    declared = [tuple(t) for t in policy.settings.get("totals") or ()]
    year = next((c.name for c in policy.by_role("dimension") if c.type == "year"), None)
    coarsest = (year,) if year else ()
    return declared if coarsest in declared else [coarsest, *declared]


def require_totals(policy: Policy) -> None:
    """Each published total groups some of the table's dimensions."""
    dims = {c.name for c in policy.by_role("dimension")}
    for group in totals(policy):
        outside = [d for d in group if d not in dims]
        require(policy, not outside, "published totals",
                f"the total over {list(group)} names columns that are not dimensions: {outside}")


def require_risks(policy: Policy, rules: Iterable[str]) -> None:
    """Every protection rule the section applies names, in ``risks:``, the risk it removes; no other key is read."""
    declared = policy.settings.get("risks") or {}
    require(policy, isinstance(declared, dict), "named risks", "'risks' maps each protection rule to the risk it removes")
    rules = list(rules)
    for rule in rules:
        sentence = declared.get(rule)
        require(policy, isinstance(sentence, str) and len(sentence.split()) >= 3, "named risks",
                f"the protection rule '{rule}' withholds figures: 'risks.{rule}' says, in a sentence, which risk it removes")
    unknown = sorted(set(declared) - set(rules))
    require(policy, not unknown, "named risks",
            f"'risks' names '{unknown[0] if unknown else ''}', a rule this policy does not apply (it applies: {', '.join(rules) or 'none'})")


# The policy's rule behind each count of the report's ``withheld`` (see ``withheld``): for amounts, too few
# contributors and dominance are one rule.
RULE_OF = {"effectif_faible": ("seuil", "regle_dominance"), "homogeneite": ("homogeneite",),
           "dominance_ou_contributeurs": ("regle_dominance",)}


def risks(policy: Policy) -> dict[str, str]:
    """The risk removed by each rule of the report's ``withheld`` counts, the inherited rules' included."""
    declared = policy.settings.get("risks") or {}
    named = {key: next((declared[r] for r in rules if declared.get(r)), "") for key, rules in RULE_OF.items()}
    return {**{k: v for k, v in named.items() if v}, **INHERITED_RISKS}


def record_utility(built: Built, cells: pd.DataFrame, values: Sequence[float] | np.ndarray, withheld: np.ndarray,
                   *, value_col: str, unit: str) -> None:
    """Put in the report what reusers keep (shares of cells and of persons or euros published) and the exact totals.

    ``cells`` are the table's cells (its dimensions), ``values`` their true counts or sums; the totals
    (``totals``) are computed from them, withheld cells included.
    """
    values = np.asarray(values, dtype=float)
    groups = totals(built.policy)  # the yearly total always among them: totals are exact
    built.report.utility = utility.measure(values, withheld, unit=unit, totals_exact=True).as_dict()
    frame = cells.reset_index(drop=True).assign(_value=values)
    published = []
    for group in groups:
        sums = frame.groupby(list(group), dropna=False, sort=True)["_value"].sum().reset_index()
        published += [{"by": {d: _plain(row[d]) for d in group}, "measure": value_col, "value": _plain(row["_value"])}
                      for _, row in sums.iterrows()]
    built.report.totals = published
    built.report.risks = risks(built.policy)


def _plain(value: object) -> object:
    """A JSON-friendly scalar: whole numbers as int, numpy scalars as Python ones."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value
