"""Source suites ("mise en qualité"): what each extracted table should look like, as data.

One YAML file per system under ``quality/suites/source/``; each table lists
rules in a small vocabulary a steward can read (unique, not_null, values,
code (optionally by the COG vintage of a year or date column), references,
after, in_year, between, regex), turned here into Great
Expectations rules. Severity WARN: the findings inform the source's owners
and never block publication (the open-dataset suites do that).

A rule may only read columns the extraction reads, and only row-level
expectations touch a personal column (``Suite.check_privacy``). Every column
of the contract's key gets a not-null rule, written in the YAML or not.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from pathlib import Path

import yaml

from quality.codes import CODES, describe
from quality.suite import Rule, Suite, SuiteError
from resources.sourcing.contracts import TableContract

SOURCE_DIR = Path(__file__).resolve().parent / "suites" / "source"
# rule name -> fields it needs, and the columns among them
_FIELDS = {
    "unique": ("columns",), "not_null": ("columns",), "values": ("column", "values"),
    "code": ("column", "code"), "references": ("column", "table", "key"), "after": ("end", "start"),
    "in_year": ("date", "year"), "between": ("column",), "regex": ("column", "regex"),
}
ReferenceReader = Callable[[str, str], list]  # ("system.table", key column) -> the key's values


@cache
def source_rules(system: str, folder: Path = SOURCE_DIR) -> dict[str, tuple[dict, ...]]:
    """The raw rules of every table of a system's suite (empty when the system has none)."""
    path = folder / f"{system}.yaml"
    if not path.is_file():
        return {}
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return {table: tuple(rules or ()) for table, rules in (raw.get("tables") or {}).items()}


def suite_name(table: TableContract) -> str:
    return f"source.{table.system}.{table.name}"


def source_suite(table: TableContract, rules: tuple[dict, ...], references: ReferenceReader | None = None) -> Suite:
    """The suite of one extracted table; ``references`` reads the keys a ``references`` rule checks against."""
    name, target = suite_name(table), f"{table.system}.{table.name}"
    built: list[Rule] = []
    for raw in rules:
        built += _rules(name, raw, references)
    built += key_rules(table, built)
    suite = Suite(name, target, "WARN", tuple(built))
    extracted = {c.name for c in table.extracted_columns}
    for column in suite.columns():
        if column not in extracted:
            raise SuiteError(f"{name}: column {column} is not extracted (rule: a suite reads only extracted columns; "
                             "add `check` to its `use` in the contract)")
    personal = {c.name for c in table.extracted_columns if c.personal}
    suite.check_privacy(personal)
    for raw in rules:
        # The referenced keys become the expectation's value set, which GX stores
        # with the suite: they must not be personal values.
        if raw.get("rule") == "references" and raw.get("column") in personal:
            raise SuiteError(f"{name}: rule references on personal column {raw['column']} would store its values "
                             "(rule: references only on non-personal codes)")
    return suite


def key_rules(table: TableContract, rules: list[Rule]) -> list[Rule]:
    """A not-null rule for each column of the contract's key that no unconditional not-null rule covers yet.

    A row without its key cannot be joined, deduplicated or withheld on
    request: it is a finding even where the suite's author forgot to say so.
    """
    covered = {r.kwargs["column"] for r in rules
               if r.expectation == "ExpectColumnValuesToNotBeNull" and not r.kwargs.get("row_condition")}
    return [Rule("ExpectColumnValuesToNotBeNull", {"column": column}, f"{column} (clé de la table) est renseigné.")
            for column in table.key if column not in covered]


def _rules(suite: str, raw: dict, references: ReferenceReader | None) -> list[Rule]:
    kind = raw.get("rule")
    if kind not in _FIELDS:
        raise SuiteError(f"{suite}: unknown rule '{kind}' (rule: suite format)")
    for needed in _FIELDS[kind]:
        if raw.get(needed) in (None, "", []):
            raise SuiteError(f"{suite}: rule {kind} needs '{needed}' (rule: suite format)")
    when = {"row_condition": raw["when"], "condition_parser": "pandas"} if raw.get("when") else {}
    why = raw.get("why")

    def rule(expectation: str, kwargs: dict, text: str) -> Rule:
        scope = f" (lignes où {raw['when']})" if raw.get("when") else ""
        return Rule(expectation, {**kwargs, **when}, (why or text) + scope)

    column = raw.get("column")
    if kind == "unique":
        columns = list(raw["columns"])
        if len(columns) == 1:
            return [rule("ExpectColumnValuesToBeUnique", {"column": columns[0]}, f"{columns[0]} est unique (pas de doublon).")]
        return [rule("ExpectCompoundColumnsToBeUnique", {"column_list": columns},
                     f"Pas de doublon sur ({', '.join(columns)}).")]
    if kind == "not_null":
        return [rule("ExpectColumnValuesToNotBeNull", {"column": c}, f"{c} est renseigné.") for c in raw["columns"]]
    if kind == "values":
        values = list(raw["values"])
        return [rule("ExpectColumnValuesToBeInSet", {"column": column, "value_set": values},
                     f"{column} prend une valeur de la liste ({', '.join(map(str, values))}).")]
    if kind == "regex":
        return [rule("ExpectColumnValuesToMatchRegex", {"column": column, "regex": raw["regex"]}, f"{column} a le bon format.")]
    if kind == "code":
        if raw["code"] not in CODES:
            raise SuiteError(f"{suite}: rule code on {column}: unknown code kind '{raw['code']}' "
                             f"(rule: known kinds are {', '.join(sorted(CODES))})")
        if raw.get("year"):  # the COG of the row's own year: communes merge and split over twenty years
            kwargs = {"column_A": column, "column_B": raw["year"], "code": raw["code"]}
            return [rule("ExpectColumnPairValuesToBeValidFrenchCodeOfYear", kwargs,
                         f"{column}: {describe(raw['code'])}, millésime de l'année de {raw['year']}.")]
        kwargs = {"column": column, "code": raw["code"], "vintage": str(raw.get("vintage", "latest"))}
        return [rule("ExpectColumnValuesToBeValidFrenchCode", kwargs, f"{column}: {describe(raw['code'])}.")]
    if kind == "references":
        if references is None:
            raise SuiteError(f"{suite}: rule references on {column} needs the staged {raw['table']} (rule: extract references first)")
        system, table = raw["table"].split(".")
        values = sorted({str(v) for v in references(raw["table"], raw["key"]) if v is not None and v == v})
        return [rule("ExpectColumnValuesToBeInSet", {"column": column, "value_set": values},
                     f"{column} existe dans {raw['table']}.{raw['key']} (référentiel de {len(values)} codes).")]
    if kind == "after":
        return [rule("ExpectColumnPairValuesAToBeGreaterThanB",
                     {"column_A": raw["end"], "column_B": raw["start"], "or_equal": True, "ignore_row_if": "either_value_is_missing"},
                     f"{raw['end']} n'est pas antérieure à {raw['start']}.")]
    if kind == "in_year":
        month = int(raw.get("start_month", 9))
        return [rule("ExpectColumnPairValuesToBeInAcademicYear",
                     {"column_A": raw["date"], "column_B": raw["year"], "start_month": month},
                     f"{raw['date']} tombe dans l'année {raw['year']} (à partir du 1er du mois {month}).")]
    bounds = {k: raw[k] for k in ("min", "max") if raw.get(k) is not None}
    if not bounds:
        raise SuiteError(f"{suite}: rule between on {column} needs min or max (rule: suite format)")
    text = " et ".join(f"{'≥' if k == 'min' else '≤'} {v}" for k, v in bounds.items())
    return [rule("ExpectColumnValuesToBeBetween",
                 {"column": column, **{f"{k}_value": v for k, v in bounds.items()}}, f"{column} {text}.")]
