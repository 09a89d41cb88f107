"""Rates: per cell of the dimensions, how many were counted, how many met a condition, and the rate between them.

Success and continuation rates (Code de l'éducation L612-1): per diploma,
level and year, the students counted (the denominator), those who passed or
went on (the numerator) and the rate, numerator / denominator, a share
between 0 and 1 rounded to ``decimals``. Every published rate comes with its
numerator and denominator, so a reuser can check it and add cells up.

Policy section ``rates:``:
- ``denominator``, ``numerator``, ``rate``: the names of the published
  columns (``treatment: count``, the rate of ``type: number``);
- ``success`` (a source column, ``table.column``) and ``success_values``
  (its values that count as success): the condition of the numerator;
- ``min_denominator`` (default 20, the education ministry's practice): under
  it, no rate is computed and the status says ``denominateur_insuffisant``;
- ``threshold`` (default 5) and ``margins``: the small-cell protection of
  the denominators, as an aggregate's counts;
- ``decimals`` (default 3: a tenth of a percentage point).

Statistical secrecy, cell by cell:
- the denominator counts persons: it is protected as an aggregate's count
  (CRPA L312-1-2; small cells, secondary suppression over the margins, the
  version online), and where it is withheld so are the numerator and rate
  (status ``secret_statistique``);
- under ``min_denominator``, the denominator is published but neither the
  rate nor the numerator: the numerator beside its denominator would give
  the rate back;
- from ``min_denominator`` on, numerator and rate are published as they
  are. The ministry protects a rate by its denominator alone: over 20
  persons or more it tells a group's share, not a person's result. The
  condition must not be a sensitive value (CRPA L311-6): this kind has no
  homogeneity rule for a cell where everyone passed or everyone failed.
"""

from __future__ import annotations

from typing import NamedTuple

import pandas as pd

from anonymisation.evolution import comparable
from anonymisation.kinds.base import Built, Kind, SuiteRule
from anonymisation.kinds.cells import dimensions, margins, protected, record_utility, require, treated
from anonymisation.policy_model import Policy
from anonymisation.sdc import PublishedTable, protect_counts
from resources.common.vocabulary import INSUFFICIENT_DENOMINATOR, PUBLISHED, WITHHELD

STATUSES = (PUBLISHED, WITHHELD, INSUFFICIENT_DENOMINATOR)
# The section's settings that name a published column, and what each holds (for the loader's messages).
COLUMNS = {"denominator": "rows of the cell", "numerator": "rows meeting the condition", "rate": "the rate"}


class Settings(NamedTuple):
    """The ``rates:`` section, read with its defaults."""

    denominator: str
    numerator: str
    rate: str
    success: str
    success_values: tuple[str, ...]
    min_denominator: int
    threshold: int
    decimals: int


def settings(policy: Policy) -> Settings:
    s = policy.settings
    return Settings(
        denominator=str(s.get("denominator") or ""), numerator=str(s.get("numerator") or ""),
        rate=str(s.get("rate") or ""), success=str(s.get("success") or ""),
        success_values=tuple(str(v) for v in s.get("success_values") or ()),
        # The education ministry computes no rate over fewer than 20 persons.
        min_denominator=int(s.get("min_denominator", 20)),
        # The denominators are counts of persons: the aggregates' threshold (legal-and-standards section 4).
        threshold=int(s.get("threshold", 5)), decimals=int(s.get("decimals", 3)),
    )


def check_shape(policy: Policy) -> None:
    s = settings(policy)
    counts = {c.name: c for c in treated(policy, "count")}
    for key, what in COLUMNS.items():
        require(policy, bool(getattr(s, key)), "policy format",
                f"a rates policy names its '{key}' column ({what}) in its 'rates' section")
        require(policy, getattr(s, key) in counts, "policy format",
                f"the rates setting '{key}' names '{getattr(s, key)}', which is not a column of treatment count")
    require(policy, len(counts) == len(COLUMNS) and len({s.denominator, s.numerator, s.rate}) == len(COLUMNS),
            "policy format", "a rates policy publishes exactly its denominator, numerator and rate as counts")
    require(policy, len(treated(policy, "status")) == 1, "small-cell rule",
            "a rates policy publishes one status column (why a rate is empty)")
    require(policy, counts[s.rate].type == "number", "policy format", "the rate column is of type number")
    require(policy, bool(s.success) and bool(s.success_values), "policy format",
            "a rates policy names its condition: 'success' (table.column) and 'success_values'")
    require(policy, s.min_denominator >= s.threshold, "small-cell rule",
            f"'min_denominator' ({s.min_denominator}) is not under the small-cell 'threshold' ({s.threshold})")


def build(built: Built) -> pd.DataFrame:
    """Count each cell and its successes, protect the denominators, then compute the rates over enough persons."""
    out, frame, policy = built.out, built.frame, built.policy
    s, dims = settings(policy), dimensions(out, policy)
    status = treated(policy, "status")[0].name
    rows = out[dims].copy()
    rows["_success"] = frame[s.success].astype("str").isin(s.success_values).to_numpy()
    cells = rows.groupby(dims, dropna=False)["_success"].agg(["size", "sum"]).reset_index()
    cells = cells.rename(columns={"size": s.denominator, "sum": "_successes"})
    published, sdc = protect_counts(
        cells[[*dims, s.denominator]], dims, count_col=s.denominator, status_col=status, threshold=s.threshold,
        margins=margins(policy), previous=_previous_denominators(built, status), name=policy.dataset,
    )
    shown = published[status] == PUBLISHED
    record_utility(built, cells[dims], cells[s.denominator].to_numpy(dtype=float), ~shown.to_numpy(dtype=bool),
                   value_col=s.denominator, unit="personnes")
    enough = (shown & (published[s.denominator] >= s.min_denominator)).fillna(False).to_numpy(dtype=bool)
    successes = pd.Series(cells["_successes"].to_numpy(), dtype="Int64")  # protect_counts keeps the input's order
    published[s.numerator] = successes.where(enough, pd.NA)
    rate = (successes.astype("Float64") / published[s.denominator].astype("Float64")).round(s.decimals)
    published[s.rate] = rate.where(enough, pd.NA)
    short = shown.to_numpy(dtype=bool) & ~enough
    published.loc[short, status] = INSUFFICIENT_DENOMINATOR
    table = protected(built, published, sdc, dims)
    built.report.withheld[INSUFFICIENT_DENOMINATOR] = int(short.sum())
    built.report.notes.append(f"{int(short.sum())} rates not computed: denominator under {s.min_denominator}")
    return table


def _previous_denominators(built: Built, status: str) -> pd.DataFrame | None:
    """The version online as the denominators' protection reads it: a denominator shown under the minimum was published."""
    previous = comparable(built.context.previous, built.policy)
    if previous is None:
        return None
    previous = previous.copy()
    previous[status] = previous[status].replace(INSUFFICIENT_DENOMINATOR, PUBLISHED)
    return previous


def suite_rules(policy: Policy) -> list[SuiteRule]:
    """Rates between 0 and 1, never more successes than persons counted, no rate under the minimum denominator."""
    s = settings(policy)
    status = treated(policy, "status")[0].name
    under = {"row_condition": f"`{s.denominator}` < {s.min_denominator}", "condition_parser": "pandas"}
    return [
        SuiteRule("ExpectColumnValuesToBeBetween", {"column": s.rate, "min_value": 0, "max_value": 1},
                  f"{s.rate} est une part, entre 0 et 1."),
        SuiteRule("ExpectColumnPairValuesAToBeGreaterThanB",
                  {"column_A": s.denominator, "column_B": s.numerator, "or_equal": True,
                   "ignore_row_if": "either_value_is_missing"},
                  f"{s.numerator} ne dépasse jamais {s.denominator}."),
        SuiteRule("ExpectColumnValuesToBeNull", {"column": s.rate, **under},
                  f"Aucun taux publié quand {s.denominator} est inférieur à {s.min_denominator}."),
        SuiteRule("ExpectColumnValuesToBeNull", {"column": s.numerator, **under},
                  f"Aucun {s.numerator} publié quand {s.denominator} est inférieur à {s.min_denominator}."),
        SuiteRule("ExpectColumnValuesToBeBetween", {"column": s.denominator, "min_value": s.threshold},
                  f"Aucun {s.denominator} publié sous le seuil de {s.threshold} (secret statistique)."),
        SuiteRule("ExpectColumnValuesToBeInSet", {"column": status, "value_set": list(STATUSES)},
                  f"{status} vaut {', '.join(STATUSES)}."),
    ]


def audit_view(policy: Policy, frame: pd.DataFrame) -> PublishedTable:
    """The candidate as the audit reads it: its dimensions and its denominator, the count of persons it protects."""
    dims = tuple(c.name for c in policy.by_role("dimension"))
    return PublishedTable(policy.dataset, frame, dims, settings(policy).denominator)


KIND = Kind(
    name="rates", summary="rates with their numerator and denominator (minimum denominator)", build=build,
    settings=frozenset({"denominator", "numerator", "rate", "success", "success_values", "min_denominator",
                        "threshold", "decimals", "margins"}),
    sources=frozenset({"success"}), check_shape=check_shape,
    suite_rules=suite_rules, audit_view=audit_view, protects_cells=True, audited=True,
)
