"""Benchmark: which MariaDB read path to use (pymysql streaming vs connectorx).

MariaDB has no ADBC driver. Copies 300,000 enrolment rows from the
`bench/extract.py` PostgreSQL database into MariaDB, then prints rows/s of:
- the floor: the `mariadb` client in batch mode writing the rows to /dev/null;
- our path: connectorx's Arrow stream -> contract types -> Parquet;
- the alternative: SQLAlchemy `stream_results` over pymysql -> contract types;
- connectorx reading the whole result at once (no streaming), for reference.

    python bench/extract.py            # once, to build the PostgreSQL source
    python bench/extract_mariadb.py
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.extract import DEFAULT_URL as PG_URL  # noqa: E402
from bench.extract import TABLE, contract  # noqa: E402
from pipelines.synthetic.schema import system_metadata  # noqa: E402

MARIADB_SERVER = "mysql+pymysql://root@127.0.0.1:3306"
DATABASE = "opendata_bench"
ROWS = 300_000


def load() -> str:
    """Create the MariaDB copy once; return its URL."""
    server = sa.create_engine(f"{MARIADB_SERVER}/", isolation_level="AUTOCOMMIT")
    with server.connect() as conn:
        conn.exec_driver_sql(f"CREATE DATABASE IF NOT EXISTS `{DATABASE}` CHARACTER SET utf8mb4")
    url = f"{MARIADB_SERVER}/{DATABASE}"
    target = sa.create_engine(url)
    table = system_metadata("students").tables[TABLE]
    if sa.inspect(target).has_table(TABLE):
        return url
    table.create(target)
    source = sa.create_engine(PG_URL)
    with source.connect() as src, target.begin() as dst:
        rows = src.execute(sa.select(table).limit(ROWS)).mappings().all()
        for start in range(0, len(rows), 10_000):
            dst.execute(table.insert(), [dict(r) for r in rows[start:start + 10_000]])
    return url


def columns() -> str:
    return ", ".join(c.source for c in contract(TABLE).extracted_columns)


def floor() -> float:
    started = time.perf_counter()
    with open("/dev/null", "wb") as sink:
        subprocess.run(["mariadb", "-h", "127.0.0.1", "-u", "root", "--batch", "--quick", DATABASE,
                        "-e", f"SELECT {columns()} FROM {TABLE}"], stdout=sink, check=True)
    return ROWS / (time.perf_counter() - started)


def ours(url: str) -> float:
    from resources.extraction import extract_table
    from resources.sources import SourceDatabase
    from resources.staging import StagingArea

    db = SourceDatabase(system="students", url=url)
    with tempfile.TemporaryDirectory() as tmp:
        extract_table(db, StagingArea(root=tmp), contract(TABLE), None, "warm-up")
        started = time.perf_counter()
        result = extract_table(db, StagingArea(root=tmp), contract(TABLE), None, "bench")
    return result.rows / (time.perf_counter() - started)


def pymysql_rate(url: str) -> float:
    from resources.sources import SourceDatabase
    from resources.sourcing.streaming import build_select, conform, read_sqlalchemy

    table = contract(TABLE)
    db = SourceDatabase(system="students", url=url)
    actual, _ = db.resolve_columns(table)
    started = time.perf_counter()
    rows = sum(conform(b, table).num_rows for b in read_sqlalchemy(db.engine(), build_select(table, actual, None, None), 100_000))
    return rows / (time.perf_counter() - started)


def connectorx_rate() -> float:
    import connectorx

    started = time.perf_counter()
    table = connectorx.read_sql(f"mysql://root@127.0.0.1:3306/{DATABASE}", f"SELECT {columns()} FROM {TABLE}",
                                return_type="arrow")
    return table.num_rows / (time.perf_counter() - started)


def main() -> None:
    url = load()
    base = floor()
    mine, slow, whole = ours(url), pymysql_rate(url), connectorx_rate()
    print(f"{'MariaDB, ' + format(ROWS, ',') + ' rows':<60}{'rows/s':>12}")
    print(f"{'floor: mariadb --batch --quick > /dev/null':<60}{base:>12,.0f}")
    print(f"{'ours: connectorx arrow_stream -> contract types -> Parquet':<60}{mine:>12,.0f}   ratio {mine / base:.2f}")
    print(f"{'pymysql stream_results -> contract types (no write)':<60}{slow:>12,.0f}   ratio {slow / base:.2f}")
    print(f"{'connectorx whole result in memory (reference)':<60}{whole:>12,.0f}   ratio {whole / base:.2f}")


if __name__ == "__main__":
    main()
