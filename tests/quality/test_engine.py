"""The engine on real Great Expectations: right counts, no value anywhere in what it keeps or renders,
our own expectations, and outcomes summed over partitions."""

from __future__ import annotations

import datetime as dt
import gc
import json
import os
import weakref
from pathlib import Path

import pandas as pd
import pytest

from anonymisation.policy import load_catalogue
from quality.engine import (
    RESULT_FORMAT,
    WITHHELD,
    QualityError,
    docs_index,
    great_expectations,
    gx_suite,
    publish_docs,
    scrub,
    validate,
)
from quality.open_suites import Expectations, open_suite
from quality.suite import Finding, Outcome, Rule, Suite

# Personal-looking values planted in the frame: none may come out of the engine.
DUPLICATED_INE = "123456789AB"
MALFORMED_INE = "98765432ZZZ"
BAD_NIR = "295109912611194"
GOOD_NIR = "295109912611193"
ODD_SEXE = "Q-Planted"
PLANTED = [DUPLICATED_INE, MALFORMED_INE, BAD_NIR, GOOD_NIR, ODD_SEXE]

PLANTED_SUITE = Suite("source.students.planted", "students.planted", "WARN", (
    Rule("ExpectColumnValuesToBeUnique", {"column": "ine"}, "ine est unique."),
    Rule("ExpectColumnValuesToMatchRegex", {"column": "ine", "regex": r"^[0-9]{9}[A-Z0-9]{2}$"}, "ine a le bon format."),
    Rule("ExpectColumnValuesToBeInSet", {"column": "sexe", "value_set": ["F", "M"]}, "sexe vaut F ou M."),
    Rule("ExpectColumnValuesToBeValidFrenchCode", {"column": "nir", "code": "nir", "vintage": "latest"}, "clé du NIR."),
    Rule("ExpectColumnValuesToNotBeNull", {"column": "nir"}, "nir est renseigné."),
    Rule("ExpectColumnValuesToNotBeNull", {"column": "ine"}, "ine est renseigné."),
    # Three that cannot run: the first one's pandas error quotes a value of the frame.
    Rule("ExpectColumnValuesToNotBeNull",
         {"column": "sexe", "row_condition": "ine.astype('int64') > 0", "condition_parser": "pandas"}, "quotes"),
    Rule("ExpectColumnValuesToNotBeNull",
         {"column": "sexe", "row_condition": "absente == 1", "condition_parser": "pandas"}, "missing column"),
    Rule("ExpectColumnValuesToBeBetween", {"column": "ine", "min_value": 0}, "type error"),
))


def planted_frame() -> pd.DataFrame:
    return pd.DataFrame({
        "ine": [DUPLICATED_INE, DUPLICATED_INE, "234567890CD", MALFORMED_INE],
        "nir": [BAD_NIR, GOOD_NIR, None, GOOD_NIR],
        "sexe": ["F", "M", "F", ODD_SEXE],
    })


@pytest.fixture(scope="module")
def gx():
    return great_expectations()


@pytest.fixture(scope="module")
def planted(gx) -> tuple[Outcome, object]:
    return validate(planted_frame(), PLANTED_SUITE, "2024")


def _dump(result) -> str:
    return json.dumps(result.to_json_dict(), ensure_ascii=False)


def test_great_expectations_is_imported_once_analytics_off(gx) -> None:
    assert great_expectations() is gx
    assert gx.__name__ == "great_expectations"
    assert os.environ["GX_ANALYTICS_ENABLED"] == "false"


# -- counts, and nothing but counts -----------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("index", "success", "unexpected", "percent"),
    [
        (0, False, 2, 50.0),  # both rows of the duplicated INE
        (1, False, 1, 25.0),
        (2, False, 1, 25.0),
        (3, False, 1, 33.3333),  # of the 3 filled NIR
        (4, False, 1, 25.0),
        (5, True, 0, 0.0),
    ],
)
def test_counts_of_each_expectation(planted, index: int, success: bool, unexpected: int, percent: float) -> None:
    finding = planted[0].findings[index]
    assert finding.expectation == PLANTED_SUITE.rules[index].expectation
    assert (finding.success, finding.element_count, finding.unexpected_count, finding.unexpected_percent) == (
        success, 4, unexpected, percent)
    assert finding.error is None


def test_outcome_of_the_planted_frame(planted) -> None:
    outcome, result = planted
    assert (outcome.suite, outcome.target, outcome.severity, outcome.rows) == (
        "source.students.planted", "students.planted", "WARN", 4)
    assert outcome.partitions == ["2024"]
    assert not outcome.passed and not result.success
    assert len(outcome.failed) == 8
    assert [f.column for f in outcome.findings][:3] == ["ine", "ine", "sexe"]
    assert Outcome.from_json(outcome.to_json()) == outcome


@pytest.mark.parametrize("index", [6, 7, 8])
def test_an_expectation_that_raises_is_failed_and_its_text_withheld(planted, index: int) -> None:
    outcome, result = planted
    finding = outcome.findings[index]
    assert (finding.success, finding.error) == (False, "could not run")
    assert finding.element_count is None and finding.unexpected_count is None
    item = next(r for r in result.results if r.expectation_config.meta["rule"] == index)
    assert item.exception_info == {"raised_exception": True, "exception_traceback": WITHHELD,
                                   "exception_message": WITHHELD}


@pytest.mark.parametrize("value", PLANTED)
def test_no_planted_value_in_the_outcome_nor_the_result(planted, value: str) -> None:
    outcome, result = planted
    assert value not in outcome.to_json()
    assert value not in _dump(result)


def test_results_keep_counts_only(planted) -> None:
    outcome, result = planted
    text = _dump(result)
    assert "Traceback" not in text and "partial_unexpected" not in text and "unexpected_index" not in text
    for item in result.results:
        assert set(item.result) <= {"element_count", "unexpected_count", "unexpected_percent", "missing_count",
                                    "missing_percent", "unexpected_percent_total", "unexpected_percent_nonmissing",
                                    "observed_value"}


def test_scrub_removes_a_value_gx_quoted_in_an_exception(gx) -> None:
    """Unscrubbed, GX keeps the pandas message quoting the INE; scrubbed, it is gone."""
    context = gx.get_context(mode="ephemeral")
    batch = (context.data_sources.add_pandas("raw").add_dataframe_asset("raw")
             .add_batch_definition_whole_dataframe("whole").get_batch(batch_parameters={"dataframe": planted_frame()}))
    raw = batch.validate(gx_suite(PLANTED_SUITE), result_format=RESULT_FORMAT)
    assert DUPLICATED_INE in _dump(raw)
    scrub(raw)
    assert DUPLICATED_INE not in _dump(raw)


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        (Rule("ExpectColumnValuesToBeUniqe", {"column": "ine"}, ""), "unknown expectation ExpectColumnValuesToBeUniqe"),
        (Rule("ExpectColumnValuesToBeInSet", {"column": "ine", "value_set": DUPLICATED_INE}, ""),
         "column ine: ExpectColumnValuesToBeInSet is malformed (ValidationError)"),
        (Rule("ExpectColumnToHavePolicyType", {"column": "ine"}, ""),
         "column ine: ExpectColumnToHavePolicyType is malformed (ValidationError)"),
    ],
)
def test_a_malformed_rule_is_named_without_its_arguments(gx, rule: Rule, message: str) -> None:
    suite = Suite("source.students.malformed", "students.malformed", "WARN", (rule,))
    with pytest.raises(QualityError) as caught:
        validate(planted_frame(), suite, "2024")
    assert message in str(caught.value) and "suite source.students.malformed" in str(caught.value)
    assert DUPLICATED_INE not in str(caught.value)
    # no chained pydantic error, whose text would quote the arguments
    assert caught.value.__cause__ is None and (caught.value.__suppress_context__ or caught.value.__context__ is None)


# -- Data Docs ----------------------------------------------------------------------------------------------------

def test_publish_docs_renders_a_page_without_any_value(planted, tmp_path: Path) -> None:
    outcome, result = planted
    page = publish_docs(tmp_path, PLANTED_SUITE, result, "run12345", "2024")
    html = tmp_path / page
    assert html.suffix == ".html" and html.is_file()
    assert not Path(page).is_absolute() and page.startswith("gx/")
    text = html.read_text(encoding="utf-8")
    assert "ine est unique." in text and "message withheld" in text
    assert docs_index(tmp_path).is_file()
    written = [p for p in tmp_path.rglob("*") if p.is_file() and p.suffix in (".html", ".json")]
    assert len(written) >= 3
    for path in written:
        content = path.read_text(encoding="utf-8", errors="replace")
        assert not [v for v in PLANTED if v in content], path.relative_to(tmp_path)


# -- our expectations ---------------------------------------------------------------------------------------------

def _parquet_frame(tmp_path: Path) -> pd.DataFrame:
    """Columns as anonymisation writes them, read back from Parquet as the open checks read a candidate."""
    frame = pd.DataFrame({
        "date": pd.Series([dt.date(2024, 1, 2), None], dtype=object),
        "int": pd.Series([3, None], dtype="Int64"),
        "str": pd.Series(["a", None], dtype="str"),
    })
    path = tmp_path / "candidate.parquet"
    frame.to_parquet(path)
    return pd.read_parquet(path)


TYPE_COLUMNS = {
    "str": pd.Series(["a", "b"], dtype="str"),
    "object_str": pd.Series(["a", "b"], dtype=object),
    "int64": pd.Series([1, 2], dtype="int64"),
    "nullable_int": pd.Series([1, None], dtype="Int64"),
    "float": pd.Series([1.5, None], dtype="float64"),
    "nullable_float": pd.Series([1.5, None], dtype="Float64"),
    "bool": pd.Series([True, False]),
    "nullable_bool": pd.Series([True, None], dtype="boolean"),
    "datetime": pd.Series(pd.to_datetime(["2024-01-02", None])),
    "mixed": pd.Series(["a", 1], dtype=object),
    "empty": pd.Series([None, None], dtype=object),
}

TYPE_CASES = [
    ("str", "string", True, "string"),
    ("str", "integer", False, "string"),
    ("object_str", "string", True, "string"),
    ("int64", "integer", True, "integer"),
    ("int64", "year", True, "integer"),
    ("int64", "number", True, "integer"),
    ("nullable_int", "integer", True, "integer"),
    ("nullable_int", "year", True, "integer"),
    ("nullable_int", "string", False, "integer"),
    ("float", "number", True, "number"),
    ("float", "integer", False, "number"),
    ("nullable_float", "number", True, "number"),
    ("bool", "boolean", True, "boolean"),
    ("nullable_bool", "boolean", True, "boolean"),
    ("datetime", "date", True, "date"),
    ("datetime", "string", False, "date"),
    ("parquet_date", "date", True, "date"),
    ("parquet_int", "integer", True, "integer"),
    ("parquet_str", "string", True, "string"),
    ("mixed", "string", False, "mixed"),
    ("mixed", "integer", False, "mixed"),
    ("empty", "string", True, "empty"),
    ("empty", "date", True, "empty"),
    ("str", "unknown", False, "string"),
]


@pytest.fixture(scope="module")
def typed(gx, tmp_path_factory) -> Outcome:
    parquet = _parquet_frame(tmp_path_factory.mktemp("parquet"))
    frame = pd.DataFrame({**TYPE_COLUMNS, **{f"parquet_{c}": parquet[c] for c in parquet}})
    rules = tuple(Rule("ExpectColumnToHavePolicyType", {"column": c, "policy_type": t}, f"{c} {t}")
                  for c, t, _, _ in TYPE_CASES)
    return validate(frame, Suite("open.types", "types", "ERROR", rules), "types")[0]


@pytest.mark.parametrize(("index", "case"), list(enumerate(TYPE_CASES)), ids=[f"{c}-{t}" for c, t, _, _ in TYPE_CASES])
def test_column_has_policy_type(typed, index: int, case: tuple) -> None:
    column, policy_type, success, observed = case
    finding = typed.findings[index]
    assert finding.column == column
    assert (finding.success, finding.observed, finding.error) == (success, observed, None)


def test_dates_read_from_parquet_are_date_objects(tmp_path: Path) -> None:
    """The case the custom type expectation exists for: GX's own type checks see them as object."""
    frame = _parquet_frame(tmp_path)
    assert frame["date"].dtype == object and frame["int"].dtype == "Int64"


ACADEMIC = [
    # (date, year, start month, in its year)
    (dt.date(2023, 9, 1), 2023, 9, True),
    (dt.date(2024, 8, 31), 2023, 9, True),
    (dt.date(2023, 8, 31), 2023, 9, False),
    (dt.date(2024, 9, 1), 2023, 9, False),
    (dt.date(2023, 7, 1), 2023, 7, True),
    (dt.date(2023, 6, 30), 2023, 7, False),
    (dt.date(2023, 1, 1), 2023, 1, True),
    (dt.date(2023, 12, 31), 2023, 1, True),
    (dt.date(2024, 1, 1), 2023, 1, False),
]


@pytest.mark.parametrize(("date", "year", "month", "inside"), ACADEMIC)
@pytest.mark.parametrize("as_read", ["datetime64", "parquet"])
def test_date_in_academic_year(gx, date: dt.date, year: int, month: int, inside: bool, as_read: str) -> None:
    dates = [date, None, date]
    years = [year, year, None]
    if as_read == "datetime64":
        frame = pd.DataFrame({"d": pd.to_datetime(dates), "y": pd.Series(years, dtype="Int64")})
    else:  # date objects, the year as text
        frame = pd.DataFrame({"d": pd.Series(dates, dtype=object), "y": pd.Series([str(year), str(year), None])})
    rule = Rule("ExpectColumnPairValuesToBeInAcademicYear", {"column_A": "d", "column_B": "y", "start_month": month}, "")
    outcome, _ = validate(frame, Suite(f"ay{month}", "academic", "WARN", (rule,)), "b")
    (finding,) = outcome.findings
    # rows missing a date or a year are not counted against the rule
    assert (finding.success, finding.unexpected_count) == (inside, 0 if inside else 1)
    assert finding.unexpected_percent == (0.0 if inside else 100.0)


@pytest.mark.parametrize(
    ("years", "low", "high", "success", "observed"),
    [
        ([2022], 2, 2, True, "2"),
        ([2022, 2023], 2, 2, False, "3"),
        ([2022, 2023], 3, 4, True, "3"),
        ([2025], 0, 0, True, "0"),
        ([2024], 2, 5, False, "1"),
    ],
)
@pytest.mark.parametrize("dtype", ["Int64", "str"])
def test_row_count_in_years(gx, years: list[int], low: int, high: int, success: bool, observed: str,
                            dtype: str) -> None:
    column = pd.Series([2022, 2022, 2023, 2024, None]).astype(dtype)
    rule = Rule("ExpectRowCountInYearsToBeBetween", {"column": "annee", "years": years, "min_value": low,
                                                      "max_value": high}, "")
    outcome, _ = validate(pd.DataFrame({"annee": column}), Suite("rows", "rows", "ERROR", (rule,)), "b")
    (finding,) = outcome.findings
    assert (finding.success, finding.observed, finding.error) == (success, observed, None)


def test_french_codes_by_value_and_by_year(gx) -> None:
    frame = pd.DataFrame({
        "uai": ["0751717J", "0751717K", None, "0751717J"],
        "commune": ["01172", "01172", "24430", "24430"],  # merged, and created, on 1 January 2024
        "annee": pd.Series([2023, 2024, 2023, None], dtype="Int64"),
    })
    suite = Suite("codes", "codes", "WARN", (
        Rule("ExpectColumnValuesToBeValidFrenchCode", {"column": "uai", "code": "uai"}, ""),
        Rule("ExpectColumnPairValuesToBeValidFrenchCodeOfYear",
             {"column_A": "commune", "column_B": "annee", "code": "commune_insee"}, ""),
    ))
    outcome, result = validate(frame, suite, "b")
    uai, commune = outcome.findings
    assert (uai.success, uai.unexpected_count, uai.unexpected_percent) == (False, 1, 33.3333)
    assert (commune.success, commune.unexpected_count, commune.unexpected_percent) == (False, 2, 66.6667)
    assert "0751717K" not in outcome.to_json() + _dump(result)


def test_the_generated_open_suite_passes_a_good_candidate_and_blocks_a_bad_one(gx, tmp_path: Path) -> None:
    policy = load_catalogue()["effectifs_etudiants_boursiers"]  # a protected cross: small cells withheld
    suite = open_suite(policy, Expectations(2020, 2024, (2022, 2023), previous_by_year=((2022, 2), (2023, 2))))
    good = pd.DataFrame({
        "rentree": pd.Series([2022, 2022, 2023, 2023], dtype="Int64"),
        "rentree_lib": ["2022-23", "2022-23", "2023-24", "2023-24"], "etablissement_id_uai": ["0759000A"] * 4,
        "cursus_lmd": ["L"] * 4, "cursus_lmd_lib": ["Licence"] * 4, "boursier": ["oui", "non", "oui", "non"],
        "effectif": pd.Series([12, None, 7, None], dtype="Int64"),
        "effectif_statut": ["publie", "secret_statistique", "publie", "secret_statistique"],
    }).astype({c: "str" for c in ("rentree_lib", "etablissement_id_uai", "cursus_lmd", "cursus_lmd_lib", "boursier",
                                  "effectif_statut")})
    good.to_parquet(tmp_path / "good.parquet")
    outcome, _ = validate(pd.read_parquet(tmp_path / "good.parquet"), suite, policy.dataset)
    assert outcome.passed, [f for f in outcome.failed]
    assert outcome.findings[0].column == "(table)"

    bad = good[good["rentree"] == 2022].copy()  # 2023 missing: the drift and the expected years fail
    bad["effectif"] = pd.Series([3, 0], dtype="Int64", index=bad.index)  # a small cell, a secret shown as 0
    outcome, result = validate(bad, suite, policy.dataset)
    assert {f.expectation for f in outcome.failed} == {
        "ExpectColumnValuesToBeBetween", "ExpectColumnValuesToBeNull", "ExpectRowCountInYearsToBeBetween",
        "ExpectColumnDistinctValuesToContainSet"}
    by_expectation = {f.expectation: f for f in outcome.failed}
    small_cells = by_expectation["ExpectColumnValuesToBeBetween"]  # the 3, and the 0 shown for a secret cell
    assert (small_cells.column, small_cells.unexpected_count, small_cells.element_count) == ("effectif", 2, 2)
    assert by_expectation["ExpectRowCountInYearsToBeBetween"].observed == "2"
    (years,) = [r for r in result.results if r.expectation_config.type == "expect_column_distinct_values_to_contain_set"]
    assert years.result["missing_count"] == 1  # the year 2023


# -- outcomes over partitions -------------------------------------------------------------------------------------

def _outcome(rows: int, partition: str, *findings: Finding) -> Outcome:
    return Outcome("s", "t", "WARN", rows, list(findings), [partition], [f"gx/{partition}.html"], 1.5)


def test_merge_adds_counts_and_fails_if_any_partition_failed() -> None:
    total = _outcome(10, "2023", Finding("U", "a", "", True, 10, 0, 0.0),
                     Finding("T", "b", "", True, observed="integer"))
    total.merge(_outcome(30, "2024", Finding("U", "a", "", False, 30, 3, 10.0),
                         Finding("T", "b", "", False, observed="number")))
    assert (total.rows, total.partitions, total.docs, total.seconds) == (
        40, ["2023", "2024"], ["gx/2023.html", "gx/2024.html"], 3.0)
    unique, typed = total.findings
    assert (unique.success, unique.element_count, unique.unexpected_count, unique.unexpected_percent) == (
        False, 40, 3, 7.5)
    assert (typed.success, typed.observed, typed.element_count) == (False, "integer; number", None)
    assert not total.passed and total.failed == [unique, typed]


def test_merge_keeps_an_error_and_an_unchanged_observation() -> None:
    total = _outcome(5, "2023", Finding("T", "a", "", True, observed="integer"), Finding("N", "b", "", True, 5, 0, 0.0))
    total.merge(_outcome(5, "2024", Finding("T", "a", "", True, observed="integer"),
                         Finding("N", "b", "", False, error="could not run")))
    assert total.findings[0].observed == "integer" and total.findings[0].success
    assert (total.findings[1].success, total.findings[1].error, total.findings[1].element_count) == (
        False, "could not run", 5)


def test_merge_into_an_empty_outcome_takes_the_findings() -> None:
    total = Outcome("s", "t", "WARN", 0)
    total.merge(_outcome(4, "2024", Finding("U", "a", "", False, 4, 1, 25.0)))
    assert total.rows == 4 and total.findings == [Finding("U", "a", "", False, 4, 1, 25.0)]


def test_merge_keeps_gx_base_for_the_percent_the_filled_cells() -> None:
    # 1 bad NIR among 3 filled of 5 rows is 33.33 % for GX; two such partitions stay 33.33 %, not 20 %.
    total = _outcome(5, "2023", Finding("C", "nir", "", False, 5, 1, 33.3333, missing_count=2))
    total.merge(_outcome(5, "2024", Finding("C", "nir", "", False, 5, 1, 33.3333, missing_count=2)))
    (finding,) = total.findings
    assert (finding.element_count, finding.missing_count, finding.unexpected_count) == (10, 4, 2)
    assert finding.unexpected_percent == 33.3333


def test_gx_keeps_no_frame_once_validated() -> None:
    """A nightly run checks dozens of tables in one process: each frame must be freed after its validation."""
    suite = Suite("source.t.kept", "t.kept", "WARN", (Rule("ExpectColumnValuesToNotBeNull", {"column": "a"}, "a"),))
    frame = pd.DataFrame({"a": range(1000)})
    alive = weakref.ref(frame)
    validate(frame, suite, "2024")
    del frame
    gc.collect()
    assert alive() is None
