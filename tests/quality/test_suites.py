"""Suites as data: the source suites build against their contracts, the open suites against their policies,
and the privacy rule refuses any expectation that could report a personal value."""

from __future__ import annotations

import dataclasses

import pyarrow as pa
import pytest

from anonymisation.kinds.registry import kind_of
from anonymisation.policy import POLICY_DIR, Policy, load_catalogue
from quality.open_suites import PLANNED_YEARS, PUBLISHED, SECRET, Expectations, open_suite, year_column
from quality.source_suites import source_rules, source_suite
from quality.suite import ROW_LEVEL, Rule, Suite, SuiteError, condition_columns
from resources.common.institution import SYSTEMS, config_dir
from resources.sourcing.contracts import ColumnSpec, SystemContract, TableContract, load_contract

SOURCE_TABLES = [(system, table) for system in SYSTEMS for table in source_rules(system)]
DATASETS = sorted(path.stem for path in POLICY_DIR.glob("*.yaml"))
KEYS = {"finance.comptes": ["606", "611"], "finance.destinations": ["D1"], "hr.structures": ["S1", None, "S2"],
        "students.diplomes": ["2500123"]}


def keys(target: str, key: str) -> list:
    """The staged keys a ``references`` rule checks against: a small fixed list per table."""
    return KEYS[target]


@pytest.fixture(scope="module")
def contracts() -> dict[str, SystemContract]:
    return {system: load_contract(config_dir() / "contracts" / "default", system) for system in SYSTEMS}


@pytest.fixture(scope="module")
def catalogue() -> dict[str, Policy]:
    return load_catalogue()


def _table(*columns: tuple[str, bool, bool]) -> TableContract:
    """A tiny contract: (name, personal, extracted) per column; keyless, so no automatic not-null rule
    (tests/quality/test_operator_notices.py checks those)."""
    specs = tuple(ColumnSpec(n, n, pa.string(), "sensitive" if personal else "non_personal",
                             frozenset({"check"} if extracted else ()))
                  for n, personal, extracted in columns)
    return TableContract("sys", "t", "t", "", (), None, specs)


TINY = _table(("id", False, True), ("statut", False, True), ("debut", False, True), ("fin", False, True),
              ("nom", True, True), ("montant", False, True), ("interne", False, False))


# -- source suites ---------------------------------------------------------------------------------------------

def test_every_system_has_a_source_suite() -> None:
    assert {system for system, _ in SOURCE_TABLES} == set(SYSTEMS)


@pytest.mark.parametrize(("system", "table"), SOURCE_TABLES, ids=[f"{s}.{t}" for s, t in SOURCE_TABLES])
def test_source_suite_builds_against_its_contract(contracts, system: str, table: str) -> None:
    contract = contracts[system].tables[table]
    suite = source_suite(contract, source_rules(system)[table], keys)
    assert (suite.name, suite.target, suite.severity) == (f"source.{system}.{table}", f"{system}.{table}", "WARN")
    assert len(suite.rules) >= len(source_rules(system)[table])
    assert {rule.expectation for rule in suite.rules} <= ROW_LEVEL
    assert set(suite.columns()) <= {c.name for c in contract.extracted_columns}
    assert all(rule.description for rule in suite.rules)


def test_references_rule_checks_against_the_staged_keys(contracts) -> None:
    suite = source_suite(contracts["hr"].tables["fonctions"], source_rules("hr")["fonctions"], keys)
    rule = next(r for r in suite.rules if r.kwargs.get("column") == "code_structure")
    assert rule.expectation == "ExpectColumnValuesToBeInSet"
    assert rule.kwargs["value_set"] == ["S1", "S2"]
    assert "2 codes" in rule.description


def test_references_rule_needs_a_reader() -> None:
    raw = ({"rule": "references", "column": "statut", "table": "sys.other", "key": "id"},)
    with pytest.raises(SuiteError, match=r"^source\.sys\.t: rule references on statut needs the staged sys\.other"):
        source_suite(TINY, raw)


@pytest.mark.parametrize(
    ("raw", "expectations", "kwargs"),
    [
        ({"rule": "unique", "columns": ["id"]}, ["ExpectColumnValuesToBeUnique"], {"column": "id"}),
        ({"rule": "unique", "columns": ["id", "statut"]}, ["ExpectCompoundColumnsToBeUnique"],
         {"column_list": ["id", "statut"]}),
        ({"rule": "not_null", "columns": ["id", "nom"]}, ["ExpectColumnValuesToNotBeNull"] * 2, {"column": "id"}),
        ({"rule": "values", "column": "statut", "values": ["A", "B"]}, ["ExpectColumnValuesToBeInSet"],
         {"column": "statut", "value_set": ["A", "B"]}),
        ({"rule": "regex", "column": "nom", "regex": "^[A-Z]"}, ["ExpectColumnValuesToMatchRegex"],
         {"column": "nom", "regex": "^[A-Z]"}),
        ({"rule": "code", "column": "id", "code": "uai"}, ["ExpectColumnValuesToBeValidFrenchCode"],
         {"column": "id", "code": "uai", "vintage": "latest"}),
        ({"rule": "code", "column": "id", "code": "commune_insee", "vintage": 2023},
         ["ExpectColumnValuesToBeValidFrenchCode"], {"column": "id", "code": "commune_insee", "vintage": "2023"}),
        ({"rule": "after", "end": "fin", "start": "debut"}, ["ExpectColumnPairValuesAToBeGreaterThanB"],
         {"column_A": "fin", "column_B": "debut", "or_equal": True, "ignore_row_if": "either_value_is_missing"}),
        ({"rule": "in_year", "date": "debut", "year": "statut"}, ["ExpectColumnPairValuesToBeInAcademicYear"],
         {"column_A": "debut", "column_B": "statut", "start_month": 9}),
        ({"rule": "in_year", "date": "debut", "year": "statut", "start_month": 1},
         ["ExpectColumnPairValuesToBeInAcademicYear"], {"column_A": "debut", "column_B": "statut", "start_month": 1}),
        ({"rule": "between", "column": "montant", "min": 0}, ["ExpectColumnValuesToBeBetween"],
         {"column": "montant", "min_value": 0}),
        ({"rule": "between", "column": "montant", "min": 0, "max": 1}, ["ExpectColumnValuesToBeBetween"],
         {"column": "montant", "min_value": 0, "max_value": 1}),
        ({"rule": "not_null", "columns": ["nom"], "when": 'statut == "A"'}, ["ExpectColumnValuesToNotBeNull"],
         {"column": "nom", "row_condition": 'statut == "A"', "condition_parser": "pandas"}),
    ],
)
def test_source_rule_vocabulary(raw: dict, expectations: list[str], kwargs: dict) -> None:
    suite = source_suite(TINY, (raw,))
    assert [rule.expectation for rule in suite.rules] == expectations
    assert suite.rules[0].kwargs == kwargs


def test_why_and_when_make_the_stewards_sentence() -> None:
    raw = {"rule": "unique", "columns": ["id"], "why": "Un dossier, un identifiant.", "when": 'statut == "A"'}
    assert source_suite(TINY, (raw,)).rules[0].description == 'Un dossier, un identifiant. (lignes où statut == "A")'


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"rule": "uniq", "columns": ["id"]}, "unknown rule 'uniq'"),
        ({"columns": ["id"]}, "unknown rule 'None'"),
        ({"rule": "unique"}, "rule unique needs 'columns'"),
        ({"rule": "unique", "columns": []}, "rule unique needs 'columns'"),
        ({"rule": "values", "column": "statut"}, "rule values needs 'values'"),
        ({"rule": "code", "column": "id"}, "rule code needs 'code'"),
        ({"rule": "references", "column": "id", "table": "sys.t"}, "rule references needs 'key'"),
        ({"rule": "after", "end": "fin"}, "rule after needs 'start'"),
        ({"rule": "in_year", "date": "debut"}, "rule in_year needs 'year'"),
        ({"rule": "regex", "column": "id", "regex": ""}, "rule regex needs 'regex'"),
        ({"rule": "between", "column": "montant"}, "rule between on montant needs min or max"),
        ({"rule": "unique", "columns": ["interne"]}, "column interne is not extracted"),
        ({"rule": "values", "column": "absente", "values": ["A"]}, "column absente is not extracted"),
        ({"rule": "not_null", "columns": ["id"], "when": "interne == 1"}, "column interne is not extracted"),
    ],
)
def test_malformed_rule_is_refused_naming_suite_and_rule(raw: dict, message: str) -> None:
    with pytest.raises(SuiteError) as caught:
        source_suite(TINY, ({"rule": "unique", "columns": ["id"]}, raw))
    assert str(caught.value).startswith("source.sys.t: ")
    assert message in str(caught.value)
    assert "(rule: " in str(caught.value)


def test_unknown_code_kind_is_refused_naming_suite_and_kind() -> None:
    with pytest.raises(SuiteError, match=r"^source\.sys\.t: rule code on id: unknown code kind 'iban'"):
        source_suite(TINY, ({"rule": "code", "column": "id", "code": "iban"},))


def test_references_on_a_personal_column_are_refused() -> None:
    with pytest.raises(SuiteError, match="references on personal column nom"):
        source_suite(TINY, ({"rule": "references", "column": "nom", "table": "sys.other", "key": "k"},),
                     lambda target, key: ["x"])


def test_row_level_rules_on_a_personal_column_are_allowed() -> None:
    raws = ({"rule": "unique", "columns": ["nom"]}, {"rule": "regex", "column": "nom", "regex": "^[A-Z]"},
            {"rule": "values", "column": "nom", "values": ["X"]}, {"rule": "code", "column": "nom", "code": "nir"})
    assert len(source_suite(TINY, raws).rules) == 4


def test_missing_system_has_no_rules(tmp_path) -> None:
    assert source_rules("nowhere", tmp_path) == {}


# -- the privacy rule ------------------------------------------------------------------------------------------

AGGREGATES = ["ExpectColumnMinToBeBetween", "ExpectColumnMaxToBeBetween", "ExpectColumnDistinctValuesToBeInSet",
              "ExpectColumnMostCommonValueToBeInSet", "ExpectColumnDistinctValuesToContainSet",
              "ExpectColumnValueLengthsToBeBetween"]


def refusal(rules: tuple[Rule, ...], personal: set[str]) -> str | None:
    """The privacy rule's refusal, or None when the suite is accepted."""
    try:
        Suite("s", "t", "WARN", rules).check_privacy(personal)
    except SuiteError as exc:
        return str(exc)
    return None


@pytest.mark.parametrize("expectation", AGGREGATES)
def test_aggregate_expectation_on_a_personal_column_is_refused(expectation: str) -> None:
    suite = Suite("source.hr.agents", "hr.agents", "WARN", (Rule(expectation, {"column": "nom"}, "x"),))
    with pytest.raises(SuiteError, match=f"^source.hr.agents: {expectation} on personal column nom could report"):
        suite.check_privacy({"nom", "nir"})


@pytest.mark.parametrize("expectation", AGGREGATES)
def test_aggregate_expectation_on_other_columns_is_allowed(expectation: str) -> None:
    assert refusal((Rule(expectation, {"column": "annee"}, "x"),), {"nom"}) is None


@pytest.mark.parametrize(
    "rule",
    [
        Rule("ExpectColumnMeanToBeBetween", {"column": "effectif", "row_condition": 'nom == "x"'}, "condition"),
        Rule("ExpectColumnPairValuesToBeEqual", {"column_A": "annee", "column_B": "nom"}, "pair"),
        Rule("ExpectSelectColumnValuesToBeUniqueWithinRecord", {"column_list": ["annee", "nom"]}, "list"),
    ],
)
def test_personal_column_reached_otherwise_is_refused(rule: Rule) -> None:
    assert refusal((rule,), {"nom"}) == (f"s: {rule.expectation} on personal column nom could report its values "
                                         "(rule: only row-level expectations on personal data)")


@pytest.mark.parametrize("expectation", sorted(ROW_LEVEL))
def test_row_level_expectation_on_a_personal_column_is_allowed(expectation: str) -> None:
    assert refusal((Rule(expectation, {"column": "nom", "row_condition": "nom == 'x'"}, "x"),), {"nom"}) is None


def test_column_list_of_the_table_names_personal_columns_safely() -> None:
    rule = Rule("ExpectTableColumnsToMatchOrderedList", {"column_list": ["nom", "annee"]}, "x")
    assert refusal((rule,), {"nom"}) is None


@pytest.mark.parametrize(
    ("condition", "columns"),
    [
        (None, []),
        ("", []),
        ('statut == "A"', ["statut"]),
        ('type_tiers in ["entreprise", "etablissement_public"]', ["type_tiers"]),
        ("corps in ['PR', 'MCF'] and not titulaire", ["corps", "titulaire"]),
        ('`effectif_statut` == "secret_statistique"', ["effectif_statut"]),
        ('`lieuExecution.typeCode` == "Code commune"', ["lieuExecution.typeCode"]),
        ('resultat == "ajourné" or resultat == "admis"', ["resultat"]),
        ("diplome_delivre == True and mention is None", ["diplome_delivre", "mention"]),
        ("annee >= 2020 and montant > 1e5", ["annee", "montant"]),
        ("a == b", ["a", "b"]),
    ],
)
def test_condition_columns(condition: str | None, columns: list[str]) -> None:
    assert condition_columns(condition) == columns


def test_rule_columns_include_pairs_lists_and_conditions() -> None:
    assert Rule("X", {"column": "a", "row_condition": "b == 1"}, "").columns == ["a", "b"]
    assert Rule("X", {"column_A": "a", "column_B": "b"}, "").columns == ["a", "b"]
    assert Rule("X", {"column_list": ["a", "b"], "row_condition": "`c` == 'a'"}, "").columns == ["a", "b", "c"]
    assert Rule("X", {"min_value": 1}, "").columns == []


def test_suite_columns_in_first_use_order() -> None:
    rules = (Rule("X", {"column": "b"}, ""), Rule("X", {"column_A": "a", "column_B": "b"}, ""),
             Rule("X", {"column": "c", "row_condition": "a == 1"}, ""))
    assert Suite("s", "t", "WARN", rules).columns() == ["b", "a", "c"]


# -- open suites -----------------------------------------------------------------------------------------------

EXPECT = Expectations(first_year=2018, last_year=2024)


def _rules(suite: Suite, expectation: str) -> list[Rule]:
    return [r for r in suite.rules if r.expectation == expectation]


def test_the_catalogue_has_one_policy_per_file(catalogue) -> None:
    # The catalogue's size lives in tests/pipelines/snapshots/definitions.txt, not here.
    assert DATASETS and sorted(catalogue) == DATASETS


@pytest.mark.parametrize("dataset", DATASETS)
def test_open_suite_builds_from_its_policy(catalogue, dataset: str) -> None:
    policy = catalogue[dataset]
    suite = open_suite(policy, EXPECT)
    names = [c.name for c in policy.columns]
    assert (suite.name, suite.target, suite.severity) == (f"open.{dataset}", dataset, "ERROR")
    assert suite.rules[0] == Rule("ExpectTableColumnsToMatchOrderedList", {"column_list": names}, suite.rules[0].description)
    types = {r.kwargs["column"]: r.kwargs["policy_type"] for r in _rules(suite, "ExpectColumnToHavePolicyType")}
    assert types == {c.name: c.type for c in policy.columns}
    not_null = {r.kwargs["column"] for r in _rules(suite, "ExpectColumnValuesToNotBeNull") if "row_condition" not in r.kwargs}
    assert not_null == {c.name for c in policy.columns if c.required}
    in_set = {r.kwargs["column"]: r.kwargs["value_set"] for r in _rules(suite, "ExpectColumnValuesToBeInSet")}
    assert in_set == {c.name: list(c.values) for c in policy.columns if c.values}
    assert set(suite.columns()) <= set(names)


@pytest.mark.parametrize("dataset", DATASETS)
def test_year_columns_lie_in_the_institutions_history(catalogue, dataset: str) -> None:
    policy = catalogue[dataset]
    suite = open_suite(policy, EXPECT)
    years = {c.name for c in policy.columns if c.type == "year"}
    bounds = {r.kwargs["column"]: (r.kwargs["min_value"], r.kwargs["max_value"])
              for r in _rules(suite, "ExpectColumnValuesToBeBetween") if r.kwargs["column"] in years}
    own = year_column(policy)
    expected = {name: (2018, 2024) if name == own else (1900, 2024 + PLANNED_YEARS) for name in years}
    assert bounds == expected


@pytest.mark.parametrize("dataset", DATASETS)
def test_nominative_columns_get_row_level_rules_only(catalogue, dataset: str) -> None:
    policy = catalogue[dataset]
    personal = set(policy.exception.columns) if policy.exception else set()
    for rule in open_suite(policy, EXPECT).rules:
        if personal.intersection(rule.columns) and rule.expectation != "ExpectTableColumnsToMatchOrderedList":
            assert rule.expectation in ROW_LEVEL


@pytest.mark.parametrize("dataset", DATASETS)
def test_secrecy_rules_follow_the_status_column(catalogue, dataset: str) -> None:
    policy = catalogue[dataset]
    suite = open_suite(policy, EXPECT)
    status = next((c.name for c in policy.columns if c.treatment == "status"), None)
    measures = {c.name for c in policy.columns if c.treatment in ("count", "sum")}
    conditioned = {(r.expectation, r.kwargs["column"], r.kwargs["row_condition"])
                   for r in suite.rules if "row_condition" in r.kwargs}
    # The kind's own rules may hold conditions of their own (an index's gaps computed over enough persons).
    conditioned -= {(r.expectation, r.kwargs["column"], r.kwargs["row_condition"])
                    for r in kind_of(policy.kind).suite_rules(policy) if "row_condition" in r.kwargs}
    expected = set()
    if status:
        for m in measures:
            expected.add(("ExpectColumnValuesToBeNull", m, f'`{status}` == "{SECRET}"'))
            expected.add(("ExpectColumnValuesToNotBeNull", m, f'`{status}` == "{PUBLISHED}"'))
    assert conditioned == expected
    assert bool(status) == kind_of(policy.kind).protects_cells


@pytest.mark.parametrize(
    ("kind", "settings", "minimum"),
    [("aggregate", {"threshold": 11}, 11), ("aggregate", {}, 5), ("amounts", {"min_contributors": 4}, 4),
     ("amounts", {}, 3)],
)
def test_small_cells_are_never_published(catalogue, kind: str, settings: dict, minimum: int) -> None:
    policy = next(p for p in catalogue.values() if p.kind == kind)
    suite = open_suite(dataclasses.replace(policy, settings=settings), EXPECT)
    counts = {c.name for c in policy.columns if c.treatment == "count"}
    floors = {r.kwargs["column"]: r.kwargs["min_value"]
              for r in _rules(suite, "ExpectColumnValuesToBeBetween") if "max_value" not in r.kwargs}
    assert counts and floors == {name: minimum for name in counts}


@pytest.mark.parametrize("dataset", DATASETS)
def test_the_reviewed_threshold_is_the_one_checked(catalogue, dataset: str) -> None:
    policy = catalogue[dataset]
    floors = {r.kwargs["min_value"] for r in _rules(open_suite(policy, EXPECT), "ExpectColumnValuesToBeBetween")
              if "max_value" not in r.kwargs}
    if policy.kind == "aggregate":  # published in full: no count at 0 (an empty cell is an absent row)
        full = policy.settings.get("protection") == "publication_integrale"
        assert floors == {1 if full else policy.settings.get("threshold", 5)}
    elif policy.kind == "amounts":  # applied to some cells only: the public accounts are published whoever they paid
        assert floors == {1 if policy.settings.get("applies_to") else policy.settings["min_contributors"]}
    else:  # a kind without a reviewed threshold adds only its own floors (none for a row-level list)
        assert floors == {r.kwargs["min_value"] for r in kind_of(policy.kind).suite_rules(policy)
                          if r.expectation == "ExpectColumnValuesToBeBetween" and "max_value" not in r.kwargs}


@pytest.mark.parametrize(
    ("rows", "drift", "low", "high"),
    [(1000, 0.2, 800, 1200), (7, 0.2, 5, 9), (100, 0.1, 90, 110), (200, 0.1, 180, 220), (1, 0.2, 0, 2),
     (50, 0.0, 50, 50)],
)
def test_drift_on_the_total_row_count(catalogue, rows: int, drift: float, low: int, high: int) -> None:
    policy = catalogue["structures"]  # no year column
    suite = open_suite(policy, Expectations(2018, 2024, previous_rows=rows, drift=drift))
    (rule,) = _rules(suite, "ExpectTableRowCountToBeBetween")
    assert rule.kwargs == {"min_value": low, "max_value": high}
    assert not _rules(suite, "ExpectRowCountInYearsToBeBetween")


@pytest.mark.parametrize(
    ("expected_years", "years", "low", "high"),
    [
        ((2022, 2023, 2024), [2022, 2023], 800, 1200),  # a new year is no drift
        ((), [2022, 2023], 800, 1200),
        ((2023, 2024), [2023], 480, 720),  # a year no longer in the sources is left out
    ],
)
def test_drift_per_year_on_the_years_both_versions_cover(catalogue, expected_years, years, low, high) -> None:
    policy = catalogue["effectifs_etudiants"]
    expect = Expectations(2018, 2024, expected_years, previous_rows=1000, previous_by_year=((2022, 400), (2023, 600)))
    suite = open_suite(policy, expect)
    (rule,) = _rules(suite, "ExpectRowCountInYearsToBeBetween")
    assert rule.kwargs == {"column": "rentree", "years": years, "min_value": low, "max_value": high}
    assert not _rules(suite, "ExpectTableRowCountToBeBetween")


def test_no_drift_rule_without_a_previous_version_or_common_years(catalogue) -> None:
    for policy, expect in [
        (catalogue["structures"], Expectations(2018, 2024)),
        (catalogue["effectifs_etudiants"], Expectations(2018, 2024, (2024,), previous_by_year=((2022, 400),))),
    ]:
        suite = open_suite(policy, expect)
        assert not _rules(suite, "ExpectTableRowCountToBeBetween")
        assert not _rules(suite, "ExpectRowCountInYearsToBeBetween")


def test_a_dataset_with_a_year_column_and_no_yearly_history_uses_the_total(catalogue) -> None:
    suite = open_suite(catalogue["effectifs_etudiants"], Expectations(2018, 2024, previous_rows=1000))
    (rule,) = _rules(suite, "ExpectTableRowCountToBeBetween")
    assert rule.kwargs == {"min_value": 800, "max_value": 1200}


@pytest.mark.parametrize(
    ("dataset", "expected_years", "rule"),
    [
        ("effectifs_etudiants", (2024, 2022, 2023), {"column": "rentree", "value_set": [2022, 2023, 2024]}),
        ("diplomes_delivres", (2023,), {"column": "session", "value_set": [2023]}),
        ("effectifs_etudiants", (), None),
        ("structures", (2023, 2024), None),  # no year column
    ],
)
def test_every_expected_year_is_published(catalogue, dataset: str, expected_years, rule: dict | None) -> None:
    suite = open_suite(catalogue[dataset], Expectations(2018, 2024, expected_years))
    found = [r.kwargs for r in _rules(suite, "ExpectColumnDistinctValuesToContainSet")]
    assert found == ([rule] if rule else [])


def test_a_code_rule_by_year_checks_each_row_against_its_own_cog_vintage() -> None:
    suite = source_suite(TINY, ({"rule": "code", "column": "statut", "code": "commune_insee", "year": "debut"},))
    (rule,) = suite.rules
    assert rule.expectation == "ExpectColumnPairValuesToBeValidFrenchCodeOfYear"
    assert rule.kwargs == {"column_A": "statut", "column_B": "debut", "code": "commune_insee"}
