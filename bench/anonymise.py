"""Benchmark: the whole anonymisation stage on the large scale, per domain.

Loads the large HR, finance and students sources into PostgreSQL (once, then
reused), extracts every table for every year into a temporary staging, then
times each dataset of the catalogue (builder + policy + protection + free-text
scan + candidate + report + leak guard) and prints rows/s per domain (rows
read by the builders / seconds). The free-text scanner's ratio against a naive
Presidio scan is `bench/anonymise_freetext.py`, run at the end.

    .venv/bin/python bench/anonymise.py [--url postgresql+psycopg://postgres@127.0.0.1:5432/opendata_bench]
"""

from __future__ import annotations

import argparse
import datetime as dt
import resource
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from anonymisation.datasets import Establishment  # noqa: E402
from bench.extract import DEFAULT_URL, ensure_database  # noqa: E402
from resources.common.institution import SYSTEMS, config_dir  # noqa: E402

MARKER = {"hr": "agents", "finance": "lignes_budgetaires", "students": "inscriptions"}


def ensure_sources(url: str) -> None:
    from pipelines.synthetic.generate import generate

    engine = ensure_database(url)
    for system in SYSTEMS:
        if not sa.inspect(engine).has_table(MARKER[system]):
            print(f"generating the large {system} source ...", flush=True)
            generate(url, system, "large", replace=True, progress=sys.stderr.isatty())
    engine.dispose()


def extract_all(url: str, staging_root: str) -> float:
    from resources.extraction import extract_table
    from resources.sources import SourceDatabase
    from resources.sourcing.contracts import load_contract
    from resources.staging import StagingArea

    staging, started, rows = StagingArea(root=staging_root), time.perf_counter(), 0
    years = list(range(dt.date.today().year - 20, dt.date.today().year + 1))
    for system in SYSTEMS:
        db = SourceDatabase(system=system, url=url)
        for table in load_contract(config_dir() / "contracts" / "default", system).tables.values():
            if table.extracted_columns:
                rows += extract_table(db, staging, table, years if table.partition else None, "bench").rows
    seconds = time.perf_counter() - started
    print(f"extraction of every table and year: {rows:,} rows in {seconds:.1f} s ({rows / seconds:,.0f} rows/s)")
    return seconds


def anonymise_all(staging_root: str, work: Path) -> None:
    from anonymisation.kinds.registry import kind_of
    from anonymisation.policy import load_catalogue
    from assets.anonymising import run_dataset
    from resources.candidates import CandidateArea
    from resources.staging import StagingArea

    staging = StagingArea(root=staging_root)
    candidates = CandidateArea(root=str(work / "candidates"), reports=str(work / "reports"))
    per_domain: dict[str, list[float]] = defaultdict(lambda: [0, 0.0])
    print(f"{'dataset':<24}{'rows in':>12}{'rows out':>10}{'seconds':>9}{'rows/s':>12}")
    for policy in load_catalogue().values():
        if kind_of(policy.kind).reads_catalogue:
            continue  # the register of documents is built from the store, not from staging
        started = time.perf_counter()
        outcome = run_dataset(policy, staging, candidates, "bench-anonymise", dt.date.today(), Establishment("Université", "19759000300012"))
        seconds = time.perf_counter() - started
        rows = outcome.report.rows_in
        per_domain[policy.domain][0] += rows
        per_domain[policy.domain][1] += seconds
        print(f"{policy.dataset:<24}{rows:>12,}{outcome.report.rows_out:>10,}{seconds:>9.1f}{rows / seconds:>12,.0f}"
              f"{'   LEAK' if outcome.leaks else ''}", flush=True)
    print(f"\n{'domain':<24}{'rows in':>12}{'seconds':>19}{'rows/s':>12}")
    for domain, (rows, seconds) in sorted(per_domain.items()):
        print(f"{domain:<24}{rows:>12,}{seconds:>19.1f}{rows / seconds:>12,.0f}")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS of the stage (this process): {peak:,.0f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default=DEFAULT_URL)
    parser.add_argument("--skip-freetext", action="store_true", help="do not run bench/anonymise_freetext.py")
    args = parser.parse_args()
    ensure_sources(args.url)
    with tempfile.TemporaryDirectory() as tmp:
        extract_all(args.url, f"{tmp}/staging")
        anonymise_all(f"{tmp}/staging", Path(tmp))
    if not args.skip_freetext:
        subprocess.run([sys.executable, str(Path(__file__).with_name("anonymise_freetext.py"))], check=True)


if __name__ == "__main__":
    main()
