"""Issue 18, items 5 and 6 on the quality side: NULL keys are findings, a staged file that cannot be read
fails as ours without its value, and a re-run the same day replaces that day's Data Docs."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest
import yaml

from quality.engine import QualityError, docs_index, publish_docs, validate
from quality.source_suites import source_rules, source_suite
from quality.suite import Rule, Suite
from quality.suite_runs import check_source, has_source_suite
from resources.sourcing.contracts import load_contract
from resources.staging import StagingArea

PLANTED = "Ysoline Quenardel"
CONTRACTS = Path(__file__).resolve().parents[2] / "config" / "contracts" / "default"
DAY = dt.date(2026, 3, 2)


def _contract(folder: Path):
    """A students table with a key and no rule in the source suites' YAML."""
    raw = {"system": "students", "tables": {"essais": {
        "source": "src_essais", "key": ["id", "code"],
        "partition": {"kind": "academic_year", "mode": "year", "column": "annee"},
        "columns": {
            "id": {"type": "int64", "class": "non_personal", "use": ["check"]},
            "annee": {"type": "int32", "class": "non_personal", "use": ["policy"]},
            "code": {"type": "string", "class": "non_personal", "use": ["check"]},
        }}}}
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "students.yaml").write_text(yaml.safe_dump(raw), encoding="utf-8")
    return load_contract(folder, "students").tables["essais"]


def _stage(staging: StagingArea, table, batch: pa.RecordBatch) -> None:
    with staging.write_run("students", table.name, "2024", "run-0001", batch.schema) as writer:
        writer.write(batch)


@pytest.mark.parametrize("system", ["hr", "finance", "students"])
def test_every_key_column_of_the_contracts_is_checked_not_null(system: str) -> None:
    contract = load_contract(CONTRACTS, system)
    for table in contract.tables.values():
        if not table.extracted_columns:
            continue
        assert has_source_suite(table), table.name
        rules = source_rules(system).get(table.name, ())
        suite = source_suite(table, rules, references=lambda target, key: ["X"])
        checked = {r.kwargs["column"] for r in suite.rules
                   if r.expectation == "ExpectColumnValuesToNotBeNull" and not r.kwargs.get("row_condition")}
        assert set(table.key) <= checked, f"{system}.{table.name}"


def test_a_null_key_fails_the_source_check(tmp_path: Path) -> None:
    table = _contract(tmp_path / "contract")
    staging = StagingArea(root=str(tmp_path / "staging"))
    _stage(staging, table, pa.record_batch({"id": pa.array([1, None, 3], pa.int64()),
                                            "annee": pa.array([2024] * 3, pa.int32()),
                                            "code": pa.array(["a", "b", "c"])}))
    outcome = check_source(table, staging, ["2024"], "run-0001", tmp_path / "reports", DAY)
    assert not outcome.passed
    (finding,) = outcome.failed
    assert finding.column == "id" and finding.unexpected_count == 1
    assert "clé" in finding.description


def test_a_staged_file_that_cannot_be_read_fails_as_ours(tmp_path: Path) -> None:
    table = _contract(tmp_path / "contract")
    staging = StagingArea(root=str(tmp_path / "staging"))
    # A staged text holding invalid UTF-8 (staged before extraction checked it): reading it back quotes the bytes.
    raw = pa.array([b"ok", b"Ysoline\xff Quenardel"], pa.binary()).view(pa.string())
    _stage(staging, table, pa.record_batch({"id": pa.array([1, 2], pa.int64()),
                                            "annee": pa.array([2024, 2024], pa.int32()), "code": raw}))
    with pytest.raises(QualityError) as caught:
        check_source(table, staging, ["2024"], "run-0001", tmp_path / "reports", DAY)
    message = str(caught.value)
    # pandas reads Arrow text lazily: the bytes fail when the suite reads them, as ours either way.
    assert message.startswith("students.essais: ") and "(rule: suite source.students.essais)" in message
    assert "Ysoline" not in message and "Quenardel" not in message
    assert caught.value.__suppress_context__


def test_a_rerun_the_same_day_replaces_its_data_docs(tmp_path: Path) -> None:
    suite = Suite("source.students.replaced", "students.replaced", "WARN",
                  (Rule("ExpectColumnValuesToNotBeNull", {"column": "a"}, "a est renseigné."),))
    other = Suite("source.students.other", "students.other", "WARN", suite.rules)
    day = tmp_path / DAY.isoformat()
    frame = pd.DataFrame({"a": [1, None]})
    _, first = validate(frame, other, "2024")
    publish_docs(day, other, first, "run00000", "2024")  # another suite's page: kept
    counts = []
    for run in ("run00001", "run00002", "run00003"):
        for batch in ("2023", "2024"):
            _, result = validate(frame, suite, batch)
            page = publish_docs(day, suite, result, run, batch)
        counts.append(sum(1 for p in day.rglob("*") if p.is_file()))
    assert counts[0] == counts[1] == counts[2]  # no pile-up
    pages = sorted(p.relative_to(day).as_posix() for p in day.rglob("validations/source/students/replaced/**/*.html"))
    assert len(pages) == 2 and all("/run00003/" in p for p in pages)
    results = list(day.rglob("uncommitted/validations/source/students/replaced/**/*.json"))
    assert len(results) == 2 and all(p.parts[-3] == "run00003" for p in results)
    assert (day / page).is_file()
    assert len(list(day.rglob("validations/source/students/other/**/*.html"))) == 1
    index = docs_index(day).read_text(encoding="utf-8")
    assert "run00003" in index and "run00001" not in index
