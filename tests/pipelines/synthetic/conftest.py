"""The three synthetic systems generated once (small scale, fixed date) into one SQLite file per system."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

import pandas as pd
import pytest
import sqlalchemy as sa

from pipelines.synthetic.generate import generate

AS_OF = dt.date(2025, 3, 14)
SEED = 20161007


@dataclass
class Generated:
    """A generated system: its URL, the counts returned, and an engine to query it."""

    url: str
    counts: dict[str, int]
    engine: sa.Engine

    def frame(self, table: str) -> pd.DataFrame:
        with self.engine.connect() as conn:
            return pd.read_sql_table(table, conn)

    def scalar(self, sql: str) -> object:
        with self.engine.connect() as conn:
            return conn.exec_driver_sql(sql).scalar()


@pytest.fixture(scope="session")
def sources(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Generated]]:
    folder = tmp_path_factory.mktemp("synthetic")
    out = {}
    for system in ("hr", "finance", "students"):
        url = f"sqlite:///{folder / system}.sqlite"
        counts = generate(url, system, "small", seed=SEED, as_of=AS_OF, progress=False)
        out[system] = Generated(url, counts, sa.create_engine(url))
    yield out
    for generated in out.values():
        generated.engine.dispose()


def dump(url: str) -> dict[str, list[tuple[str, ...]]]:
    """Every table of a database, rows sorted, values as text: comparable across runs and engines."""
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            out = {}
            for name in sa.inspect(conn).get_table_names():
                query = sa.select(sa.literal_column("*")).select_from(sa.table(name))
                out[name] = sorted(tuple(_text(v) for v in row) for row in conn.execute(query))
            return out
    finally:
        engine.dispose()


def _text(value: object) -> str:
    """Engine-neutral text of a value: SQLite returns dates as text, booleans as 0/1, decimals as floats."""
    if value is None:
        return "\0"
    if isinstance(value, bool):
        return str(int(value))
    if isinstance(value, (int, float, Decimal)):
        return format(Decimal(str(value)).normalize(), "f")
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)
