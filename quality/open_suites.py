"""Open-dataset suites, generated from each dataset's reviewed policy: severity ERROR, they block publication.

What a published file must be, read from its policy (the single source of
truth): exactly the policy's columns in its order and types; required
columns filled; declared value sets; years within the institution's history;
withheld cells marked and empty (CRPA L312-1-2, statistical secrecy), and
the rules the dataset's kind adds (counts under the small-cell threshold
never published...: ``anonymisation.kinds``); row count within a tolerated
drift of the previous published version; every expected year present.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from anonymisation.kinds.registry import kind_of
from anonymisation.policy import Policy
from quality.suite import Rule, Suite
from resources.common.vocabulary import PUBLISHED
from resources.common.vocabulary import WITHHELD as SECRET
PLANNED_YEARS = 3  # how far ahead a catalogue may announce an opening or closing year


@dataclass(frozen=True)
class Expectations:
    """What a run expects of a dataset beyond its policy: years, and its previous size."""

    first_year: int
    last_year: int
    expected_years: tuple[int, ...] = ()  # years the dataset's sources hold rows for
    previous_rows: int | None = None  # rows of the version online now, if any
    previous_by_year: tuple[tuple[int, int], ...] = ()  # its rows per year, when it has a year column
    drift: float = 0.2  # tolerated relative change of the row count


def suite_name(policy: Policy) -> str:
    return f"open.{policy.dataset}"


def year_column(policy: Policy) -> str | None:
    """The column that says which year a row is about (required, of type year), if the dataset has one."""
    return next((c.name for c in policy.columns if c.type == "year" and c.required), None)


def open_suite(policy: Policy, expect: Expectations) -> Suite:
    """The blocking suite of one open dataset."""
    names = [c.name for c in policy.columns]
    rules = [Rule("ExpectTableColumnsToMatchOrderedList", {"column_list": names},
                  "Exactement les colonnes de la politique de publication, dans cet ordre.")]
    for column in policy.columns:
        rules.append(Rule("ExpectColumnToHavePolicyType", {"column": column.name, "policy_type": column.type},
                          f"{column.name} est de type {column.type}."))
        if column.required:
            rules.append(Rule("ExpectColumnValuesToNotBeNull", {"column": column.name}, f"{column.name} est renseigné."))
        if column.values:
            rules.append(Rule("ExpectColumnValuesToBeInSet", {"column": column.name, "value_set": list(column.values)},
                              f"{column.name} prend une valeur déclarée ({', '.join(column.values)})."))
        if column.type == "year":
            # The dataset's own year lies in the institution's history; other
            # years only need to be plausible: a catalogue announces a diploma
            # that opens at a coming academic year.
            own = column.name == year_column(policy)
            low, high = (expect.first_year, expect.last_year) if own else (1900, expect.last_year + PLANNED_YEARS)
            rules.append(Rule("ExpectColumnValuesToBeBetween",
                              {"column": column.name, "min_value": low, "max_value": high},
                              f"{column.name} entre {low} et {high}."))
    rules += _secrecy_rules(policy)
    rules += [Rule(*rule) for rule in kind_of(policy.kind).suite_rules(policy)]  # thresholds...
    year = year_column(policy)
    rules += _drift_rules(year, expect)
    if year and expect.expected_years:
        years = sorted(expect.expected_years)
        rules.append(Rule("ExpectColumnDistinctValuesToContainSet", {"column": year, "value_set": years},
                          f"Chaque année présente dans les sources est publiée ({years[0]}–{years[-1]})."))
    suite = Suite(suite_name(policy), policy.dataset, "ERROR", tuple(rules))
    suite.check_privacy(set(policy.exception.columns) if policy.exception else set())
    return suite


def _drift_rules(year: str | None, expect: Expectations) -> list[Rule]:
    """Row count within the tolerated drift of the version online, on the years both cover.

    Compared year by year range, a backfill that adds years is not a drift,
    while a year that lost a fifth of its rows is.
    """
    def bounds(rows: int) -> dict[str, int]:
        # Rounded first: in floats 100 * 1.1 is 110.00000000000001, whose ceiling would tolerate 111 rows.
        low, high = round(rows * (1 - expect.drift), 6), round(rows * (1 + expect.drift), 6)
        return {"min_value": math.floor(low), "max_value": math.ceil(high)}

    label = f"±{expect.drift:.0%} de la version en ligne"
    if year and expect.previous_by_year:
        common = {y: n for y, n in expect.previous_by_year if not expect.expected_years or y in expect.expected_years}
        if not common:
            return []
        rows = sum(common.values())
        return [Rule("ExpectRowCountInYearsToBeBetween", {"column": year, "years": sorted(common), **bounds(rows)},
                     f"Lignes des années {min(common)}–{max(common)} à {label} ({rows}).")]
    if expect.previous_rows:
        return [Rule("ExpectTableRowCountToBeBetween", bounds(expect.previous_rows),
                     f"Nombre de lignes à {label} ({expect.previous_rows}).")]
    return []


def _secrecy_rules(policy: Policy) -> list[Rule]:
    """Withheld cells are marked and empty, and published cells are filled."""
    status = next((c.name for c in policy.columns if c.treatment == "status"), None)
    if status is None:
        return []
    rules = []
    measures = [c for c in policy.columns if c.treatment in ("count", "sum")]
    for measure in measures:
        secret = {"row_condition": f'`{status}` == "{SECRET}"', "condition_parser": "pandas"}
        shown = {"row_condition": f'`{status}` == "{PUBLISHED}"', "condition_parser": "pandas"}
        rules.append(Rule("ExpectColumnValuesToBeNull", {"column": measure.name, **secret},
                          f"{measure.name} est vide quand {status} vaut {SECRET} (jamais 0)."))
        rules.append(Rule("ExpectColumnValuesToNotBeNull", {"column": measure.name, **shown},
                          f"{measure.name} est publié quand {status} vaut {PUBLISHED}."))
    return rules
