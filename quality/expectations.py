"""Our own Great Expectations (1.x) expectations, for what the built-in ones cannot say.

- ``ExpectColumnValuesToBeValidFrenchCode``: a code valid against its national
  reference (``quality.codes``), optionally by COG vintage read in a year column.
- ``ExpectColumnToHavePolicyType``: the column holds the policy's type
  (string, integer, number, date, boolean, year). GX's own type expectations
  do not recognise pandas 3's ``str`` dtype nor dates read from Parquet.
- ``ExpectColumnPairValuesToBeInAcademicYear``: a date falls within the
  academic (or fiscal) year named in another column.

All three are row-level (map) expectations or report a type name only: they
never surface a value. Importing this module registers them with GX; it is
imported by ``quality.engine`` right after GX itself.
"""

from __future__ import annotations

from typing import ClassVar

import pandas as pd
from great_expectations.execution_engine import PandasExecutionEngine
from great_expectations.expectations.expectation import (
    ColumnAggregateExpectation,
    ColumnMapExpectation,
    ColumnPairMapExpectation,
)
from great_expectations.expectations.metrics import (
    ColumnAggregateMetricProvider,
    ColumnMapMetricProvider,
    column_aggregate_value,
    column_condition_partial,
)
from great_expectations.expectations.metrics.map_metric_provider import (
    ColumnPairMapMetricProvider,
    column_pair_condition_partial,
)

from quality.codes import validity


def type_family(column: pd.Series) -> str:
    """The policy type a pandas column holds: string, integer, number, date, boolean or other."""
    dtype = column.dtype
    if pd.api.types.is_bool_dtype(dtype):
        return "boolean"
    if pd.api.types.is_integer_dtype(dtype):
        return "integer"
    if pd.api.types.is_float_dtype(dtype) or str(dtype).startswith("decimal"):
        return "number"
    if pd.api.types.is_datetime64_any_dtype(dtype):
        return "date"
    if pd.api.types.is_string_dtype(dtype) and dtype != object:
        return "string"
    values = column.dropna()
    if values.empty:
        return "empty"
    first = values.iloc[0]
    kinds = {"date": "date", "str": "string", "Decimal": "number", "bool": "boolean", "int": "integer", "float": "number"}
    kind = kinds.get(type(first).__name__, "other")
    return kind if values.map(lambda v: type(v) is type(first)).all() else "mixed"


# A policy type accepts these families: a year is an integer; a number column
# whose values all happen to be whole may be read back as integers.
ACCEPTED = {
    "string": {"string", "empty"},
    "integer": {"integer", "empty"},
    "year": {"integer", "empty"},
    "number": {"number", "integer", "empty"},
    "date": {"date", "empty"},
    "boolean": {"boolean", "empty"},
}


class ColumnValuesValidFrenchCode(ColumnMapMetricProvider):
    condition_metric_name = "column_values.opendata_french_code"
    condition_value_keys = ("code", "vintage")

    @column_condition_partial(engine=PandasExecutionEngine)
    def _pandas(cls, column: pd.Series, code: str, vintage: str = "latest", **kwargs) -> pd.Series:
        return pd.Series(validity(code, column.tolist(), [vintage] * len(column)), index=column.index)


class ExpectColumnValuesToBeValidFrenchCode(ColumnMapExpectation):
    """Values are valid codes of a French national reference (check key, COG list of a vintage, reviewed list)."""

    code: str
    vintage: str = "latest"
    map_metric: ClassVar[str] = "column_values.opendata_french_code"
    success_keys: ClassVar[tuple[str, ...]] = ("code", "vintage", "mostly")


class ColumnPairValidFrenchCodeOfYear(ColumnPairMapMetricProvider):
    condition_metric_name = "column_pair_values.opendata_french_code_of_year"
    condition_domain_keys = ("column_A", "column_B", "ignore_row_if")
    condition_value_keys = ("code",)

    @column_pair_condition_partial(engine=PandasExecutionEngine)
    def _pandas(cls, column_A: pd.Series, column_B: pd.Series, code: str, **kwargs) -> pd.Series:
        return pd.Series(validity(code, column_A.tolist(), column_B.tolist()), index=column_A.index)


class ExpectColumnPairValuesToBeValidFrenchCodeOfYear(ColumnPairMapExpectation):
    """column_A is a valid code in the COG vintage of the year in column_B (communes merge and split)."""

    code: str
    ignore_row_if: str = "either_value_is_missing"
    map_metric: ClassVar[str] = "column_pair_values.opendata_french_code_of_year"
    success_keys: ClassVar[tuple[str, ...]] = ("code", "mostly", "ignore_row_if")


class ColumnPolicyType(ColumnAggregateMetricProvider):
    metric_name = "column.opendata_type_family"

    @column_aggregate_value(engine=PandasExecutionEngine)
    def _pandas(cls, column: pd.Series, **kwargs) -> str:
        return type_family(column)


class ExpectColumnToHavePolicyType(ColumnAggregateExpectation):
    """The column holds values of the policy's type (the observed value is a type name, never a value)."""

    policy_type: str
    metric_dependencies: ClassVar[tuple[str, ...]] = ("column.opendata_type_family",)
    success_keys: ClassVar[tuple[str, ...]] = ("policy_type",)

    def _validate(self, metrics: dict, runtime_configuration: dict | None = None, execution_engine=None) -> dict:
        observed = metrics["column.opendata_type_family"]
        return {"success": observed in ACCEPTED.get(self.policy_type, set()), "result": {"observed_value": observed}}


class ColumnPairInAcademicYear(ColumnPairMapMetricProvider):
    condition_metric_name = "column_pair_values.opendata_in_academic_year"
    condition_domain_keys = ("column_A", "column_B", "ignore_row_if")
    condition_value_keys = ("start_month",)

    @column_pair_condition_partial(engine=PandasExecutionEngine)
    def _pandas(cls, column_A: pd.Series, column_B: pd.Series, start_month: int = 9, **kwargs) -> pd.Series:
        dates = pd.to_datetime(column_A, errors="coerce")
        years = pd.to_numeric(column_B, errors="coerce")
        start = pd.to_datetime({"year": years, "month": start_month, "day": 1}, errors="coerce")
        end = pd.to_datetime({"year": years + 1, "month": start_month, "day": 1}, errors="coerce")
        return ((dates >= start) & (dates < end)).fillna(False).astype(bool)


class ExpectColumnPairValuesToBeInAcademicYear(ColumnPairMapExpectation):
    """column_A (a date) falls in the year that starts on the 1st of ``start_month`` of column_B (a year)."""

    start_month: int = 9
    ignore_row_if: str = "either_value_is_missing"
    map_metric: ClassVar[str] = "column_pair_values.opendata_in_academic_year"
    success_keys: ClassVar[tuple[str, ...]] = ("start_month", "mostly", "ignore_row_if")


class ColumnRowsInYears(ColumnAggregateMetricProvider):
    metric_name = "column.opendata_rows_in_years"
    value_keys = ("years",)

    @column_aggregate_value(engine=PandasExecutionEngine, filter_column_isnull=False)
    def _pandas(cls, column: pd.Series, years: list[int] | None = None, **kwargs) -> int:
        values = pd.to_numeric(column, errors="coerce")
        return int(values.isin(years or []).sum())


class ExpectRowCountInYearsToBeBetween(ColumnAggregateExpectation):
    """The number of rows about the given years (in ``column``) lies within bounds: the drift of a dataset
    against its previous version, compared on the years both cover, so a backfill adding years is no drift."""

    years: list[int]
    min_value: int
    max_value: int
    metric_dependencies: ClassVar[tuple[str, ...]] = ("column.opendata_rows_in_years",)
    success_keys: ClassVar[tuple[str, ...]] = ("years", "min_value", "max_value")

    def _validate(self, metrics: dict, runtime_configuration: dict | None = None, execution_engine=None) -> dict:
        observed = metrics["column.opendata_rows_in_years"]
        return {"success": self.min_value <= observed <= self.max_value, "result": {"observed_value": observed}}
