"""Plain functions behind the quality checks of the assets: run a suite, keep its outcome, render its pages.

- ``check_source``: the WARN suite of an extracted table, partition by
  partition (bounded memory: one year and only the suite's columns at a time).
- ``check_open``: the blocking suite of an open dataset, on the candidate
  file itself (the bytes that would be published), against the run's
  expectations (years in the sources, version online).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from anonymisation.evolution import policy_change
from anonymisation.kinds.registry import kind_of
from anonymisation.policy import Policy
from quality.engine import QualityError, publish_docs, validate
from quality.ledger import day_folder, record_outcome
from quality.open_suites import Expectations, open_suite, year_column
from quality.source_suites import source_rules, source_suite
from quality.suite import Finding, Outcome, Suite
from resources.publishing.candidate_folders import NothingStagedError
from resources.sourcing.contracts import TableContract
from resources.sourcing.staging_folders import MANIFEST, StagingFolders


@contextmanager
def reading(target: str, what: str, rule: str) -> Iterator[None]:
    """Arrow's and pandas' errors while reading a file to check, as ours: their text may quote a value."""
    try:
        yield
    except (pa.ArrowException, OSError, UnicodeError, ValueError, TypeError) as exc:
        raise QualityError(f"{target}: reading {what} failed ({type(exc).__name__}) (rule: suite {rule})") from None


def has_source_suite(table: TableContract) -> bool:
    """A table has a source suite if its YAML lists rules or its contract names a key (checked not null)."""
    return bool(source_rules(table.system).get(table.name)) or bool(table.key)


def _reference_reader(staging: StagingFolders):
    def read(target: str, key: str) -> list:
        system, table = target.split(".")
        path = staging.latest(system, table)
        if path is None:
            raise NothingStagedError(f"{target}: nothing staged yet (rule: extract the reference before checking against it)")
        with reading(target, f"its key {key}", "references"):
            return pq.read_table(path, columns=[key]).column(key).to_pylist()

    return read


def source_suite_for(table: TableContract, staging: StagingFolders) -> Suite:
    return source_suite(table, source_rules(table.system).get(table.name, ()), _reference_reader(staging))


def check_source(table: TableContract, staging: StagingFolders, partitions: list[str] | None, run_id: str,
                 reports: Path, day: dt.date) -> Outcome:
    """Validate the staged partitions of this run against the table's source suite."""
    suite = source_suite_for(table, staging)
    columns = suite.columns()
    folder = day_folder(reports, day)
    total: Outcome | None = None
    for partition in partitions or [None]:
        path = staging.latest(table.system, table.name, partition)
        if path is None:
            continue
        batch = partition or "reference"
        with reading(suite.target, f"the staged partition {batch}", suite.name):
            frame = for_validation(pq.read_table(path, columns=columns))
        outcome, result = validate(frame, suite, batch)
        outcome.docs = [publish_docs(folder, suite, result, run_id[:8], batch)]
        if total is None:
            total = outcome
        else:
            total.merge(outcome)
    total = total or Outcome(suite.name, suite.target, suite.severity, 0)
    record_outcome(reports, day, total, run_id)
    return total


def for_validation(table: pa.Table) -> pd.DataFrame:
    """A staged table as the source suites read it: amounts as floats and dates as datetime64.

    Decimals and dates as Python objects make every expectation run in Python,
    about seven times slower; a source suite only compares them (not negative,
    end after start, within the year), which floats and datetimes do exactly
    enough.
    """
    for index, field in enumerate(table.schema):
        if pa.types.is_decimal(field.type):
            table = table.set_column(index, field.name, pc.cast(table.column(index), pa.float64()))
    return table.to_pandas(date_as_object=False)


def staged_years(staging: StagingFolders, policy: Policy) -> tuple[int, ...]:
    """Years for which the input that gives the dataset its year holds rows (its latest staged run of each year).

    The year column's source table decides (budget lines for the budget): another input read alongside
    (the HR situations that tell how many agents a structure had) says nothing of the years the file covers.
    All the inputs decide when the year column is not read from one of them.
    """
    year = year_column(policy)
    source = policy.column(year).source if year else None
    table = source.partition(".")[0] if source else None
    inputs = tuple(i for i in policy.inputs if i.split(".")[1] == table) or policy.inputs
    years: set[int] = set()
    for item in inputs:
        system, table = item.split(".")
        for year, run in staging.latest_by_year(system, table).items():
            if json.loads((run / MANIFEST).read_text(encoding="utf-8")).get("rows", 0) > 0:
                years.add(year)
    return tuple(sorted(years))


def published_shape(policy: Policy, published: Path | None) -> tuple[int | None, tuple[tuple[int, int], ...]]:
    """Rows of the version online, in all and per year (when the dataset has a year column).

    Nothing when the version online was made with another policy (other
    columns, or another reviewed hash): its volume says nothing of the new
    shape's (a dimension added multiplies the cells), so the drift rule is not
    run that night; the change is reviewed (the policy's hash) and recorded in
    the new version's README and ``datapackage.json``. With the same policy
    the drift rule runs as always. Nothing either for a dataset whose rows follow
    the catalogue (the register of documents: a new dataset adds its rows).
    """
    if published is None or not published.is_file() or kind_of(policy.kind).reads_catalogue:
        return None, ()
    package = published.parent / "datapackage.json"
    if package.is_file():
        with reading(policy.dataset, "the metadata of the version online", f"open.{policy.dataset}"):
            online = json.loads(package.read_text(encoding="utf-8"))
        if policy_change(policy, online) is not None:
            return None, ()
    year = year_column(policy)
    if year is None:
        return pq.ParquetFile(published).metadata.num_rows, ()
    with reading(policy.dataset, "the version online", f"open.{policy.dataset}"):
        counts = pd.read_parquet(published, columns=[year])[year].value_counts()
    return int(counts.sum()), tuple(sorted((int(y), int(n)) for y, n in counts.items()))


def check_open(policy: Policy, candidate: Path, expect: Expectations, run_id: str, reports: Path, day: dt.date,
               extra: tuple[Finding, ...] = ()) -> Outcome:
    """Validate a candidate file against its dataset's blocking suite (plus findings made elsewhere, e.g. schemas)."""
    suite = open_suite(policy, expect)
    with reading(policy.dataset, "the candidate file", suite.name):
        frame = pd.read_parquet(candidate)
    outcome, result = validate(frame, suite, policy.dataset)
    outcome.findings += list(extra)
    outcome.docs = [publish_docs(day_folder(reports, day), suite, result, run_id[:8], policy.dataset)]
    record_outcome(reports, day, outcome, run_id)
    return outcome
