"""Benchmark: what the Great Expectations quality checks cost, on the large sources.

Prints: (1) GX's one-off cost in fresh processes (`python -c`: import, ephemeral context, one suite)
and the same calls repeated (cached once per process: ~0); (2) source-suite throughput on staged
tables, partition by partition as the assets run it: GX `validate` alone, Parquet read + `validate`,
`check_source` (adds Data Docs and the ledger), each against the extraction of the same table timed
in this process; (3) one whole-table validation per GX result format; (4) the open-dataset suites on
candidates built by the anonymisation code path (`run_dataset`, then `check_open`); (5) peak RSS.

    .venv/bin/python bench/quality.py [--scale small|large] [--tables students.inscriptions finance.lignes_budgetaires]

Large (default): the PostgreSQL database of bench/anonymise.py, `opendata_bench`, generated once
(about 1.5 min); a run then takes about 2 min. Small: `opendata_bench_small`, about 35 s in all.
Every table of every system is extracted first (suites read references; candidates need persons).
Counts and timings only: no value is printed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import sqlalchemy as sa
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.anonymise import MARKER  # noqa: E402
from anonymisation.datasets import Establishment  # noqa: E402
from bench.extract import DEFAULT_URL, ensure_database  # noqa: E402
from quality.suite_runs import for_validation  # noqa: E402
from quality.engine import RESULT_FORMAT  # noqa: E402  (GX itself is imported on first use)
from resources.common.institution import SYSTEMS, config_dir  # noqa: E402
from resources.extraction import ExtractionResult, extract_table  # noqa: E402
from resources.sources import SourceDatabase  # noqa: E402
from resources.sourcing.contracts import TableContract, load_contract  # noqa: E402
from resources.staging import StagingArea  # noqa: E402

OPEN_DATASETS = ("laureats", "effectifs_etudiants")
FORMATS = {  # label -> GX result_format
    "BASIC, no samples (ours)": RESULT_FORMAT,
    "BASIC, 20 samples (GX default)": {"result_format": "BASIC"},
    "SUMMARY": {"result_format": "SUMMARY"},
    "COMPLETE": {"result_format": "COMPLETE"},
}
# A fresh interpreter: import, context, one suite (students.etudiants: no reference to read), then all again.
FRESH = """
import json, resource, sys, time
sys.path.insert(0, {root!r})
clock = [time.perf_counter()]
def lap(): clock.append(time.perf_counter()); return clock[-1] - clock[-2]
from quality import engine
from quality.source_suites import source_rules, source_suite
from resources.common.institution import config_dir
from resources.sourcing.contracts import load_contract
table = load_contract(config_dir() / "contracts" / "default", "students").tables["etudiants"]
suite = source_suite(table, source_rules("students")["etudiants"])
out = {{"before": lap()}}
for call in ("first", "second"):
    engine.great_expectations(); out[call + "_import"] = lap()
    engine._context(); out[call + "_context"] = lap()
    engine.gx_suite(suite); out[call + "_suite"] = lap()
out["rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps(out))
"""
_PEAKS: list[float] = []  # VmHWM before each reset (getrusage's ru_maxrss reads that same counter)


def _status(key: str) -> float:
    status = dict(line.split(":", 1) for line in Path("/proc/self/status").read_text().splitlines())
    return int(status[key].split()[0]) / 1024


def reset_peak() -> float:
    """Linux: set this process's peak RSS (VmHWM) back to its current RSS, to see each stage's own peak."""
    _PEAKS.append(_status("VmHWM"))
    Path("/proc/self/clear_refs").write_text("5")
    return _status("VmRSS")


def stage_peak(start: float) -> str:
    return f"RSS {start:,.0f} MB at the start of this stage, its peak {_status('VmHWM'):,.0f} MB"


def fresh_process(runs: int) -> None:
    """GX's one-off cost, in new interpreters; the first run may also pay a cold file cache."""
    print(f"1. GX in a fresh process ({runs} runs of `python -c`)")
    print(f"   {'wall':>6}{'imports':>9}{'GX import':>11}{'context':>9}{'suite':>8}{'again':>8}{'RSS':>9}")
    for _ in range(runs):
        started = time.perf_counter()
        out = subprocess.run([sys.executable, "-c", FRESH.format(root=str(ROOT))], capture_output=True, text=True,
                             check=True, cwd=ROOT)
        wall = time.perf_counter() - started
        t = json.loads(out.stdout.strip().splitlines()[-1])
        again = t["second_import"] + t["second_context"] + t["second_suite"]
        print(f"   {wall:>5.2f}s{t['before']:>8.2f}s{t['first_import']:>10.2f}s{t['first_context']:>8.2f}s"
              f"{t['first_suite'] * 1e3:>6.1f}ms{again * 1e6:>6.0f}us{t['rss_mb']:>6.0f} MB")
    print("   (imports: pandas, our suite code and contract; again: the three calls a second time, cached)")


def ensure_sources(url: str, scale: str) -> None:
    from pipelines.synthetic.generate import generate

    engine = ensure_database(url)
    for system in SYSTEMS:
        if not sa.inspect(engine).has_table(MARKER[system]):
            print(f"generating the {scale} {system} source ...", flush=True)
            generate(url, system, scale, replace=True, progress=sys.stderr.isatty())
    engine.dispose()


def extract_all(url: str, staging: StagingArea) -> tuple[dict[str, TableContract], dict[str, ExtractionResult]]:
    """Every table of every system, every year, as bench/anonymise.py does; each table's own time kept."""
    years = list(range(dt.date.today().year - 20, dt.date.today().year + 1))
    contracts, results, start = {}, {}, reset_peak()
    for system in SYSTEMS:
        db = SourceDatabase(system=system, url=url)
        for table in load_contract(config_dir() / "contracts" / "default", system).tables.values():
            if table.extracted_columns:
                key = f"{system}.{table.name}"
                contracts[key] = table
                results[key] = extract_table(db, staging, table, years if table.partition else None, "bench")
    rows, seconds = sum(r.rows for r in results.values()), sum(r.seconds for r in results.values())
    print(f"extraction of every table and year: {rows:,} rows in {seconds:.1f} s; {stage_peak(start)}")
    return contracts, results


def partitions(result: ExtractionResult) -> list[str] | None:
    keys = [k for k, n in result.rows_by_partition.items() if n and k != "all"]
    return keys or None


def read(staging: StagingArea, table: TableContract, partition: str | None, columns: list[str]) -> pd.DataFrame:
    return for_validation(pq.read_table(staging.latest(table.system, table.name, partition), columns=columns))


def source_checks(key: str, table: TableContract, extracted: ExtractionResult, staging: StagingArea, reports: Path) -> None:
    """validate alone, read + validate, check_source: the same partitions, one after the other."""
    from quality.engine import validate
    from quality.suite_runs import check_source, source_suite_for

    parts = partitions(extracted)
    suite = source_suite_for(table, staging)
    columns = suite.columns()
    first = read(staging, table, (parts or [None])[0], columns)
    start = reset_peak()
    started = time.perf_counter()
    validate(first, suite, "warm-up")
    warm_up = time.perf_counter() - started
    tiny, _ = validate(first.head(100), suite, "tiny")
    read_s = validate_s = 0.0
    for partition in parts or [None]:
        started = time.perf_counter()
        frame = read(staging, table, partition, columns)
        read_s += time.perf_counter() - started
        outcome, _ = validate(frame, suite, partition or "reference")
        validate_s += outcome.seconds
    del frame
    started = time.perf_counter()
    total = check_source(table, staging, parts, "bench-quality", reports, dt.date.today())
    check_s = time.perf_counter() - started
    # check_source's own GX time is in its outcome; its reads take about what they took above.
    rows, ext, docs_s = extracted.rows, extracted.seconds, check_s - total.seconds - read_s
    print(f"2. {key}: {rows:,} rows, {len(parts or [None])} partition(s), {len(suite.rules)} expectations on "
          f"{len(columns)} columns; {len(total.failed)} failing (WARN)")
    print(f"   {'step':<46}{'seconds':>8}{'rows/s':>12}{'/ extraction':>14}")
    for label, n, seconds in (("extraction (ADBC -> Parquet), this process", rows, ext),
                              (f"first validate of the table ({len(first):,} rows)", len(first), warm_up),
                              ("one validate of 100 rows (fixed cost per call)", 100, tiny.seconds),
                              ("GX validate alone", rows, validate_s),
                              ("Parquet read + validate", rows, read_s + validate_s),
                              ("check_source (+ Data Docs pages, ledger)", rows, check_s)):
        print(f"   {label:<46}{seconds:>8.2f}{n / seconds:>12,.0f}{seconds / ext:>14.2f}")
    print(f"   Data Docs and ledger: {docs_s:.2f} s, {docs_s / len(total.docs):.2f} s per page ({len(total.docs)} pages)")
    print(f"   {stage_peak(start)}")


def result_formats(table: TableContract, staging: StagingArea, parts: list[str] | None, repeat: int) -> None:
    """One GX validation of the whole table per result format (engine internals: its batch and suite)."""
    from quality.engine import _batch_definition, gx_suite, scrub
    from quality.suite_runs import source_suite_for

    suite = source_suite_for(table, staging)
    columns = suite.columns()
    frame = for_validation(pa.concat_tables([pq.read_table(staging.latest(table.system, table.name, p), columns=columns)
                                             for p in parts or [None]]))
    start = reset_peak()
    batch = _batch_definition(suite.target).get_batch(batch_parameters={"dataframe": frame})
    print(f"3. result formats, {table.system}.{table.name} as one frame ({len(frame):,} rows x "
          f"{len(suite.rules)} expectations; best of {repeat})")
    best = dict.fromkeys(FORMATS, float("inf"))
    for _ in range(repeat):  # round robin: a slower moment of the machine hits every format alike
        for label, result_format in FORMATS.items():
            started = time.perf_counter()
            result = batch.validate(gx_suite(suite), result_format=result_format)
            best[label] = min(best[label], time.perf_counter() - started)
            unexpected = sum((r.result or {}).get("unexpected_count") or 0 for r in result.results)
            scrub(result)  # COMPLETE holds values: drop them at once
    print(f"   {unexpected:,} unexpected values in all (COMPLETE's lists grow with them)")
    print(f"   {'format':<34}{'seconds':>8}{'rows/s':>12}{'ratio':>7}")
    base = best[next(iter(FORMATS))]
    for label, seconds in best.items():
        print(f"   {label:<34}{seconds:>8.2f}{len(frame) / seconds:>12,.0f}{seconds / base:>7.2f}")
    print(f"   {stage_peak(start)}")


def open_checks(staging: StagingArea, work: Path) -> None:
    """Candidates built as the pipeline builds them, then their blocking suite (second-run drift rule included)."""
    from anonymisation.policy import load_catalogue
    from assets.anonymising import run_dataset
    from quality.open_suites import Expectations
    from quality.suite_runs import check_open, published_shape, staged_years
    from resources.candidates import CandidateArea

    catalogue = load_catalogue()
    candidates = CandidateArea(root=str(work / "candidates"), reports=str(work / "reports"))
    today = dt.date.today()
    print("4. open-dataset suites on candidates")
    print(f"   {'dataset':<22}{'rows':>9}{'rules':>6}{'anonymise':>10}{'validate':>9}{'check_open':>11}"
          f"{'rows/s':>10}{'failing':>8}")
    start = reset_peak()
    for name in OPEN_DATASETS:
        policy = catalogue[name]
        started = time.perf_counter()
        outcome = run_dataset(policy, staging, candidates, "bench-quality", today, Establishment("Université", "19759000300012"))
        anonymise_s = time.perf_counter() - started
        years = staged_years(staging, policy)
        rows, by_year = published_shape(policy, outcome.candidate)  # as if this file were the version online
        expect = Expectations(min(years), today.year, years, rows, by_year)
        started = time.perf_counter()
        final = check_open(policy, outcome.candidate, expect, "bench-quality", Path(candidates.reports), today)
        check_s = time.perf_counter() - started
        print(f"   {name:<22}{final.rows:>9,}{len(final.findings):>6}{anonymise_s:>9.1f}s{final.seconds:>8.2f}s"
              f"{check_s:>10.2f}s{final.rows / check_s:>10,.0f}{len(final.failed):>8}")
    print("   (anonymise: run_dataset, the first one pays the persons index; validate: GX's part of check_open)")
    print(f"   {stage_peak(start)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", choices=("small", "large"), default="large")
    parser.add_argument("--url", help=f"default: {DEFAULT_URL} (large), the same with _small (small)")
    parser.add_argument("--tables", nargs="+", default=["students.inscriptions", "finance.lignes_budgetaires"])
    parser.add_argument("--repeat", type=int, default=2, help="validations per result format (best kept)")
    args = parser.parse_args()
    url = args.url or (DEFAULT_URL if args.scale == "large" else DEFAULT_URL + "_small")
    print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
    fresh_process(3)
    ensure_sources(url, args.scale)
    print(f"{args.scale} sources at {make_url(url).render_as_string(hide_password=True)}")
    with tempfile.TemporaryDirectory() as tmp:
        staging = StagingArea(root=f"{tmp}/staging")
        contracts, extracted = extract_all(url, staging)
        for position, key in enumerate(args.tables):
            source_checks(key, contracts[key], extracted[key], staging, Path(tmp) / "reports")
            if position == 0:
                result_formats(contracts[key], staging, partitions(extracted[key]), args.repeat)
        open_checks(staging, Path(tmp))
    print(f"peak RSS of the benchmark process: {max([*_PEAKS, _status('VmHWM')]):,.0f} MB; load average {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
