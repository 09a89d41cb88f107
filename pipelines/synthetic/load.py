"""Bulk loading of generated chunks: COPY for PostgreSQL, multi-row batches for MariaDB and SQLite.

Chunks arrive as DataFrames whose dates are already ISO strings, so that the
same values load unchanged on every engine. Identifiers are quoted by the
dialect; values always travel as data (COPY stream or bound parameters),
never inside the SQL text.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.schema import CreateTable

Advance = Callable[[int], None]

# pymysql sends an executemany as multi-row INSERTs of about 1 MB each.
_BATCH_ROWS = 20_000


def existing_tables(engine: sa.Engine, metadata: sa.MetaData) -> list[str]:
    """The system's tables already present in the database."""
    present = set(sa.inspect(engine).get_table_names())
    return [name for name in metadata.tables if name in present]


def create_tables(engine: sa.Engine, metadata: sa.MetaData) -> None:
    """CREATE TABLE only: indexes come after the load, which is faster than maintaining them row by row."""
    with engine.begin() as conn:
        for table in metadata.sorted_tables:
            conn.execute(CreateTable(table))


def create_indexes(engine: sa.Engine, table: sa.Table) -> None:
    with engine.begin() as conn:
        for index in table.indexes:
            index.create(conn)


def load_table(engine: sa.Engine, table: sa.Table, chunks: Iterable[pd.DataFrame], advance: Advance) -> int:
    """Write every chunk into ``table`` in one transaction; return the number of rows written."""
    columns = [c.name for c in table.columns]
    writer = _copy_postgres if engine.dialect.name == "postgresql" else _executemany
    rows = 0
    with engine.begin() as conn:
        for chunk in chunks:
            missing = set(columns) ^ set(chunk.columns)
            if missing:
                raise ValueError(f"{table.name}: generated columns differ from the schema: {sorted(missing)}")
            chunk = chunk[columns]
            writer(conn, table, chunk)
            rows += len(chunk)
            advance(len(chunk))
    return rows


def _quoted(conn: sa.Connection, table: sa.Table) -> tuple[str, str]:
    preparer = conn.dialect.identifier_preparer
    return preparer.format_table(table), ", ".join(preparer.quote(c.name) for c in table.columns)


def _copy_postgres(conn: sa.Connection, table: sa.Table, chunk: pd.DataFrame) -> None:
    """COPY ... FROM STDIN in CSV: unquoted empty fields are NULL (no empty strings are generated)."""
    name, cols = _quoted(conn, table)
    buffer = io.StringIO()
    chunk.to_csv(buffer, header=False, index=False, na_rep="")
    raw = conn.connection.driver_connection
    with raw.cursor() as cursor, cursor.copy(f"COPY {name} ({cols}) FROM STDIN WITH (FORMAT csv)") as copy:
        copy.write(buffer.getvalue())


def _executemany(conn: sa.Connection, table: sa.Table, chunk: pd.DataFrame) -> None:
    """Parameterised INSERT of Python values (None for missing) in batches, on the driver's own cursor.

    pymysql turns an executemany into multi-row INSERT statements; sqlite3
    runs it inside the table's single transaction.
    """
    name, cols = _quoted(conn, table)
    marker = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    sql = f"INSERT INTO {name} ({cols}) VALUES ({', '.join([marker] * len(table.columns))})"
    values = [chunk[c].to_numpy(dtype=object, na_value=None) for c in chunk.columns]
    rows = list(zip(*values, strict=True))
    cursor = conn.connection.driver_connection.cursor()
    try:
        for start in range(0, len(rows), _BATCH_ROWS):
            cursor.executemany(sql, rows[start:start + _BATCH_ROWS])
    finally:
        cursor.close()
