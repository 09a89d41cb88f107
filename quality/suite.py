"""Suites as plain data, and what a validation found: no Great Expectations import here.

A ``Suite`` is a list of ``Rule`` (a GX expectation name and its arguments)
with a severity: WARN for the source suites ("mise en qualité": they inform),
ERROR for the open-dataset suites (they block publication). An ``Outcome``
is what a steward reads: per expectation, the column, whether it passed, and
how many rows failed. It carries counts and type names, never a value.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from typing import Literal

Severity = Literal["WARN", "ERROR"]

# Expectations that only say, row by row, pass or fail (with
# partial_unexpected_count 0 they report counts alone), or a type name: the
# only ones allowed on a column that may hold personal data.
ROW_LEVEL = {
    "ExpectColumnValuesToNotBeNull",
    "ExpectColumnValuesToBeNull",
    "ExpectColumnValuesToBeUnique",
    "ExpectCompoundColumnsToBeUnique",
    "ExpectColumnValuesToBeInSet",
    "ExpectColumnValuesToMatchRegex",
    "ExpectColumnValuesToBeBetween",
    "ExpectColumnPairValuesAToBeGreaterThanB",
    "ExpectColumnPairValuesToBeInAcademicYear",
    "ExpectColumnValuesToBeValidFrenchCode",
    "ExpectColumnPairValuesToBeValidFrenchCodeOfYear",
    "ExpectColumnToHavePolicyType",
}


class SuiteError(ValueError):
    """A suite is malformed or unsafe; the message names the suite, column and rule."""


@dataclass(frozen=True)
class Rule:
    """One expectation: its GX class name, its arguments, and a sentence for the steward."""

    expectation: str
    kwargs: dict
    description: str

    @property
    def columns(self) -> list[str]:
        """The columns the rule reads, including those of its row condition."""
        keys = ("column", "column_A", "column_B")
        found = [self.kwargs[k] for k in keys if self.kwargs.get(k)]
        return found + list(self.kwargs.get("column_list") or []) + condition_columns(self.kwargs.get("row_condition"))


_QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"")
_NAME = re.compile(r"`([^`]+)`|\b([A-Za-z_][A-Za-z0-9_]*)\b")
_WORDS = {"in", "not", "and", "or", "is", "True", "False", "None"}


def condition_columns(condition: str | None) -> list[str]:
    """Column names in a pandas row condition (quoted literals left out)."""
    if not condition:
        return []
    bare = _QUOTED.sub(" ", condition)
    names = [quoted or plain for quoted, plain in _NAME.findall(bare)]
    return [n for n in dict.fromkeys(names) if n not in _WORDS]


@dataclass(frozen=True)
class Suite:
    """The expectations one table or dataset must meet."""

    name: str
    target: str  # "system.table" or the dataset name
    severity: Severity
    rules: tuple[Rule, ...]

    def check_privacy(self, personal: set[str]) -> None:
        """Refuse an expectation that could report values of a personal column (min, max, samples, distinct values)."""
        for rule in self.rules:
            touched = personal.intersection(c for c in rule.columns if rule.expectation != "ExpectTableColumnsToMatchOrderedList")
            if touched and rule.expectation not in ROW_LEVEL:
                raise SuiteError(
                    f"{self.name}: {rule.expectation} on personal column {sorted(touched)[0]} could report its values "
                    "(rule: only row-level expectations on personal data)"
                )

    def columns(self) -> list[str]:
        """Every column the suite reads, in first-use order (extraction reads only these)."""
        seen: dict[str, None] = {}
        for rule in self.rules:
            for column in rule.columns:
                seen.setdefault(column, None)
        return list(seen)


@dataclass
class Finding:
    """The result of one expectation, in counts."""

    expectation: str
    column: str
    description: str
    success: bool
    element_count: int | None = None
    unexpected_count: int | None = None
    unexpected_percent: float | None = None
    missing_count: int | None = None  # empty cells, which GX leaves out of unexpected_percent
    observed: str | None = None  # a type name, a row count or a list of years; never a personal value
    error: str | None = None  # the exception class when the expectation could not run


@dataclass
class Outcome:
    """What one suite found on one target, summed over the partitions validated."""

    suite: str
    target: str
    severity: Severity
    rows: int
    findings: list[Finding] = field(default_factory=list)
    partitions: list[str] = field(default_factory=list)
    docs: list[str] = field(default_factory=list)  # Data Docs pages, relative to the day's report folder
    seconds: float = 0.0

    @classmethod
    def not_run(cls, suite: str, target: str, severity: Severity, expectation: str, description: str,
                error: str) -> Outcome:
        """A suite that could not run: one failed finding that says why (our message: never a value)."""
        return cls(suite, target, severity, 0, [Finding(expectation, "(table)", description, False, error=error)])

    @property
    def passed(self) -> bool:
        return all(f.success for f in self.findings)

    @property
    def failed(self) -> list[Finding]:
        return [f for f in self.findings if not f.success]

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, indent=1)

    @classmethod
    def from_json(cls, text: str) -> Outcome:
        raw = json.loads(text)
        raw["findings"] = [Finding(**f) for f in raw["findings"]]
        return cls(**raw)

    def merge(self, other: Outcome) -> None:
        """Add another partition's result: counts add up, an expectation fails if it failed anywhere."""
        self.rows += other.rows
        self.partitions += other.partitions
        self.docs += other.docs
        self.seconds += other.seconds
        if not self.findings:
            self.findings = other.findings
            return
        for mine, theirs in zip(self.findings, other.findings, strict=True):
            mine.success = mine.success and theirs.success
            mine.error = mine.error or theirs.error
            if theirs.element_count is not None:
                mine.element_count = (mine.element_count or 0) + theirs.element_count
                mine.missing_count = (mine.missing_count or 0) + (theirs.missing_count or 0)
                mine.unexpected_count = (mine.unexpected_count or 0) + (theirs.unexpected_count or 0)
                # Same base as GX: the filled cells.
                filled = mine.element_count - mine.missing_count
                mine.unexpected_percent = round(100 * mine.unexpected_count / filled, 4) if filled else 0.0
            if theirs.observed is not None and mine.observed != theirs.observed:
                mine.observed = "; ".join(x for x in (mine.observed, theirs.observed) if x)
