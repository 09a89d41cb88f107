"""Benchmark: extraction of the large students enrolment table from PostgreSQL.

Prints, from one run:
- rows/s of our extraction to Parquet (ADBC stream -> contract cast -> zstd Parquet);
- rows/s of the floor, `psql -c "COPY (SELECT ...) TO STDOUT" > /dev/null` on the same rows;
- their ratio (target: at least 0.5), steady state and cold;
- our peak memory (RSS) at two table sizes, to show it does not grow with the table.

    python bench/extract.py [--url postgresql+psycopg://postgres@127.0.0.1:5432/opendata_bench]

The database is created and filled with `generate(..., "students", "large")`
if it does not hold the table yet (a few minutes), then reused.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from resources.common.institution import config_dir  # noqa: E402
from resources.sourcing.contracts import TableContract, load_contract  # noqa: E402

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/opendata_bench"
TABLE = "inscriptions"
SMALL_TABLE = "bench_inscriptions_quarter"


def contract(source: str) -> TableContract:
    """The enrolment contract, unpartitioned, reading `source`: one query streams the whole table."""
    table = load_contract(config_dir() / "contracts" / "default", "students").tables[TABLE]
    return dataclasses.replace(table, source=source, partition=None)


def ensure_database(url: str) -> sa.Engine:
    """Create the bench database on the PostgreSQL server if it does not exist; return an engine on it."""
    target = make_url(url)
    server = sa.create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with server.connect() as conn:
        if not conn.execute(sa.text("SELECT 1 FROM pg_database WHERE datname = :d"), {"d": target.database}).scalar():
            conn.execute(sa.text(f'CREATE DATABASE "{target.database}"'))
    server.dispose()
    return sa.create_engine(target)


def ensure_data(url: str) -> int:
    """Create the bench database and its large students tables if needed; return the table's rows."""
    target = make_url(url)
    engine = ensure_database(url)
    if not sa.inspect(engine).has_table(TABLE):
        from pipelines.synthetic.generate import generate

        print(f"generating the large students source into {target.render_as_string(hide_password=True)} ...")
        generate(url, "students", "large", replace=True, progress=sys.stderr.isatty())
    with engine.begin() as conn:
        rows = conn.execute(sa.text(f"SELECT COUNT(*) FROM {TABLE}")).scalar()
        if not sa.inspect(conn).has_table(SMALL_TABLE):
            conn.execute(sa.text(f"CREATE TABLE {SMALL_TABLE} AS SELECT * FROM {TABLE} LIMIT {rows // 4}"))
    engine.dispose()
    return int(rows)


def floor(url: str, source: str) -> dict:
    """The wire floor: psql's COPY of the same columns to /dev/null."""
    table = contract(source)
    columns = ", ".join(c.source for c in table.extracted_columns)
    target = make_url(url)
    command = ["psql", "-h", target.host or "127.0.0.1", "-p", str(target.port or 5432), "-U", target.username or "postgres",
               "-d", target.database, "-q", "-c", f"COPY (SELECT {columns} FROM {source}) TO STDOUT"]
    started = time.perf_counter()
    with open("/dev/null", "wb") as sink:
        subprocess.run(command, stdout=sink, check=True)
    return {"seconds": time.perf_counter() - started}


def ours(url: str, source: str) -> dict:
    """Our extraction, in a fresh process so its peak RSS is its own."""
    out = subprocess.run([sys.executable, __file__, "--child", source, "--url", url], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def child(url: str, source: str) -> None:
    from resources.extraction import extract_table
    from resources.sources import SourceDatabase
    from resources.staging import StagingArea

    # Twice in one process: the first pays one-off costs (ADBC driver load
    # ~0.4 s, catalogue inspection ~0.1 s) that a nightly run pays once for
    # all its tables; the second is the steady state.
    seconds, yearly_rows = [], 0
    with tempfile.TemporaryDirectory() as tmp:
        db = SourceDatabase(system="students", url=url)
        for attempt in ("cold", "warm"):
            started = time.perf_counter()
            result = extract_table(db, StagingArea(root=tmp), contract(source), None, f"bench-{attempt}")
            seconds.append(time.perf_counter() - started)
        if source == TABLE:  # as the asset runs it: one query per academic year
            table = load_contract(config_dir() / "contracts" / "default", "students").tables[TABLE]
            years = list(range(2007, 2027))
            started = time.perf_counter()
            yearly = extract_table(db, StagingArea(root=tmp), table, years, "bench-yearly")
            seconds.append(time.perf_counter() - started)
            yearly_rows = yearly.rows
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"rows": result.rows, "cold": seconds[0], "warm": seconds[1], "yearly": seconds[2:], "yearly_rows": yearly_rows, "batches": result.batches, "peak_rss_mb": peak_mb}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default=DEFAULT_URL)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.url, args.child)
        return
    rows = ensure_data(args.url)
    print(f"table {TABLE}: {rows:,} rows; columns extracted: {len(contract(TABLE).extracted_columns)}")
    base = floor(args.url, TABLE)
    full = ours(args.url, TABLE)
    quarter = ours(args.url, SMALL_TABLE)
    floor_rate = rows / base["seconds"]
    cold, warm = full["rows"] / full["cold"], full["rows"] / full["warm"]
    print(f"{'measure':<52}{'value':>16}")
    print(f"{'floor: psql COPY TO STDOUT > /dev/null':<52}{floor_rate:>12,.0f} r/s")
    print(f"{'ours, warm: ADBC -> contract types -> Parquet':<52}{warm:>12,.0f} r/s")
    print(f"{'ours, cold: first table of a fresh process':<52}{cold:>12,.0f} r/s")
    if full["yearly"]:
        print(f"{'ours, 20 academic-year partitions (20 queries)':<52}{full['yearly_rows'] / full['yearly'][0]:>12,.0f} r/s")
    print(f"{'ratio warm / floor (target >= 0.5)':<52}{warm / floor_rate:>16.2f}")
    print(f"{'ratio cold / floor':<52}{cold / floor_rate:>16.2f}")
    print(f"{'peak RSS, ' + format(quarter['rows'], ',') + ' rows':<52}{quarter['peak_rss_mb']:>13,.0f} MB")
    print(f"{'peak RSS, ' + format(full['rows'], ',') + ' rows':<52}{full['peak_rss_mb']:>13,.0f} MB")
    print(f"{'batches streamed (full table)':<52}{full['batches']:>16}")


if __name__ == "__main__":
    main()
