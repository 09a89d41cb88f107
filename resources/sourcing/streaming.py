"""Streaming readers: a source table to Arrow record batches, in bounded memory.

Three paths, chosen by engine:
- Arrow-native (ADBC) for PostgreSQL and SQLite: batches come straight from
  the driver (for PostgreSQL, libpq's binary COPY), about 35x faster than
  pandas over SQLAlchemy (measured, ../shared/reference/stack-notes.md).
- connectorx's Arrow stream for MariaDB/MySQL, which has no ADBC driver:
  measured 10x faster than pymysql streaming (bench/extract_mariadb.py).
- SQLAlchemy ``stream_results`` for the other engines (Oracle...).
Every batch is then cast to the contract's Arrow types (``conform``), so the
staged schema is the same whatever the engine.
"""

from __future__ import annotations

import datetime as dt
import queue
import threading
from collections.abc import Iterator
from dataclasses import dataclass

import pyarrow as pa
import pyarrow.compute as pc
import sqlalchemy as sa

from resources.common.errors import ContractViolationError, InvalidTextError
from resources.sourcing.contracts import PartitionSpec, TableContract


@dataclass(frozen=True)
class YearWindow:
    """One partition: a year number and the half-open date window it covers."""

    year: int
    start: dt.date
    end: dt.date


def year_window(kind: str, year: int) -> YearWindow:
    """Academic years start on 1 September (year 2024 = 2024-2025); fiscal and reference years on 1 January."""
    if kind == "academic_year":
        return YearWindow(year, dt.date(year, 9, 1), dt.date(year + 1, 9, 1))
    return YearWindow(year, dt.date(year, 1, 1), dt.date(year + 1, 1, 1))


def _partition_filter(spec: PartitionSpec, cols: dict[str, sa.ColumnClause], window: YearWindow) -> sa.ColumnElement:
    column = cols[spec.column]
    if spec.mode == "year":
        return column == sa.literal(window.year, sa.Integer)
    start, end = sa.literal(window.start, sa.Date), sa.literal(window.end, sa.Date)
    if spec.mode == "date":
        return sa.and_(column >= start, column < end)
    # period: a situation counts in every year its [start, end] overlaps; an open end runs on.
    end_column = cols[spec.end_column]
    return sa.and_(column < end, sa.or_(end_column.is_(None), end_column >= start))


def outside_range_filter(spec: PartitionSpec, cols: dict[str, sa.ColumnClause], first: int, last: int) -> sa.ColumnElement:
    """Rows that no partition from ``first`` to ``last`` selects (``_partition_filter`` of every year is false)."""
    column = cols[spec.column]
    if spec.mode == "year":
        return sa.or_(column.is_(None), column < sa.literal(first, sa.Integer), column > sa.literal(last, sa.Integer))
    start = sa.literal(year_window(spec.kind, first).start, sa.Date)
    end = sa.literal(year_window(spec.kind, last).end, sa.Date)
    if spec.mode == "date":
        return sa.or_(column.is_(None), column < start, column >= end)
    end_column = cols[spec.end_column]
    return sa.or_(column.is_(None), column >= end, sa.and_(end_column.is_not(None), end_column < start))


# ADBC's SQLite driver infers each column's type from its first rows, and
# SQLite lets one column mix storage classes. Every column is therefore read as
# TEXT (lossless, unlike SQLite's CAST to INTEGER, which turns '12 rue...' into
# 12) and parsed by Arrow into the contract type, which fails loudly instead.
def build_select(
    table: TableContract,
    actual: dict[str, str],
    schema: str | None,
    window: YearWindow | None,
    *,
    sqlite_typed: bool = False,
) -> sa.Select | sa.CompoundSelect:
    """SELECT of the extracted columns (labelled with canonical names), filtered on the partition.

    ``actual`` maps each canonical column to the source's real column name.
    With ``sqlite_typed``, columns are read as TEXT and a text first row is
    prepended (the reader drops it), so that a column whose first rows are
    NULL is not mistyped by the driver.
    """
    cols = {name: sa.column(source) for name, source in actual.items()}
    source = sa.table(table.source.split(".")[-1], *cols.values(), schema=schema)
    selected, first_row = [], []
    for spec in table.extracted_columns:
        expr: sa.ColumnElement = cols[spec.name]
        if sqlite_typed:
            expr = sa.cast(expr, sa.Text)
            first_row.append(sa.literal("", sa.Text).label(spec.name))
        selected.append(expr.label(spec.name))
    query = sa.select(*selected).select_from(source)
    if table.partition is not None and window is not None:
        query = query.where(_partition_filter(table.partition, cols, window))
    if sqlite_typed:
        return sa.union_all(sa.select(*first_row), query)
    return query


def compile_literal(query: sa.Select | sa.CompoundSelect, dialect: sa.Dialect) -> str:
    """Render a query for a driver that takes plain SQL (ADBC).

    The only literals are the partition's year and dates, made by our code
    from the partition key: identifiers are quoted by the dialect.
    """
    return str(query.compile(dialect=dialect, compile_kwargs={"literal_binds": True}))


def read_adbc_postgres(uri: str, sql: str, batch_bytes: int) -> Iterator[pa.RecordBatch]:
    """Stream a query from PostgreSQL with ADBC (binary COPY), in batches of about ``batch_bytes``."""
    import adbc_driver_postgresql.dbapi as adbc_pg

    with adbc_pg.connect(uri) as conn, conn.cursor() as cursor:
        cursor.adbc_statement.set_options(**{"adbc.postgresql.batch_size_hint_bytes": str(batch_bytes)})
        cursor.execute(sql)
        yield from cursor.fetch_record_batch()


def read_adbc_sqlite(path: str, sql: str, batch_rows: int) -> Iterator[pa.RecordBatch]:
    """Stream a query from a SQLite file opened read-only, dropping the typed first row."""
    import adbc_driver_sqlite.dbapi as adbc_sqlite

    with adbc_sqlite.connect(f"file:{path}?mode=ro") as conn, conn.cursor() as cursor:
        cursor.adbc_statement.set_options(**{"adbc.sqlite.query.batch_rows": str(batch_rows)})
        cursor.execute(sql)
        first = True
        for batch in cursor.fetch_record_batch():
            if first:
                batch, first = batch.slice(1), False
            if batch.num_rows:
                yield batch


def read_connectorx_mysql(uri: str, sql: str, batch_rows: int) -> Iterator[pa.RecordBatch]:
    """Stream a query from MariaDB/MySQL with connectorx, in a read-only session."""
    import connectorx

    reader = connectorx.read_sql(
        uri,
        sql,
        return_type="arrow_stream",
        batch_size=batch_rows,
        pre_execution_query=["SET SESSION TRANSACTION READ ONLY"],
    )
    yield from reader


def read_sqlalchemy(engine: sa.Engine, query: sa.Select, batch_rows: int) -> Iterator[pa.RecordBatch]:
    """Stream a query with a server-side cursor (``stream_results``), ``batch_rows`` rows at a time."""
    with engine.connect() as conn:
        result = conn.execution_options(stream_results=True, yield_per=batch_rows).execute(query)
        names = list(result.keys())
        for rows in result.partitions(batch_rows):
            columns = list(zip(*rows)) if rows else [[] for _ in names]
            arrays = [_infer(values) for values in columns]
            yield pa.RecordBatch.from_arrays(arrays, names=names)


def _infer(values: list | tuple) -> pa.Array:
    # Inference may fail on a column mixing kinds; conform() then names the column.
    try:
        return pa.array(values)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return pa.array([None if v is None else str(v) for v in values], type=pa.string())


def conform(batch: pa.RecordBatch, table: TableContract) -> pa.RecordBatch:
    """Cast every column of a batch to its contract type.

    A value that does not fit raises ContractViolationError naming system,
    table, column and rule, never the value (Arrow's own message quotes it).
    """
    schema = table.arrow_schema()
    arrays = []
    for field in schema:
        column = batch.column(field.name)
        if isinstance(column.type, pa.BaseExtensionType):
            column = column.storage  # e.g. PostgreSQL NUMERIC arrives as an opaque string
        if pa.types.is_string(field.type):
            bad = first_invalid_utf8(column)
            if bad is not None:
                raise InvalidTextError(table.system, table.name, field.name, bad)
        try:
            arrays.append(_cast(column, field.type))
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError, pa.ArrowTypeError):
            raise ContractViolationError(
                f"{table.system}.{table.name}.{field.name}: values of source type {column.type} "
                f"do not fit the contract type {field.type} (rule: contract type)"
            ) from None
    return pa.RecordBatch.from_arrays(arrays, schema=schema)


# Drivers hand text over as bytes without checking them: SQLite stores any
# bytes in a TEXT column, MariaDB's binary columns arrive as binary. Invalid
# UTF-8 staged as text would break every later reader, whose error quotes the
# value: it is stopped here, where its row can still be named.
def first_invalid_utf8(column: pa.Array) -> int | None:
    """Index of the first value of a text or binary column that is not valid UTF-8, or None."""
    if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
        try:
            column.validate(full=True)  # Arrow's own UTF-8 check, vectorised
            return None
        except pa.ArrowInvalid:
            raw = column.view(pa.large_binary() if pa.types.is_large_string(column.type) else pa.binary())
    elif pa.types.is_binary(column.type) or pa.types.is_large_binary(column.type):
        try:
            pc.cast(column, pa.large_string() if pa.types.is_large_binary(column.type) else pa.string())
            return None
        except pa.ArrowInvalid:
            raw = column
    else:
        return None
    # Only on failure, once: find the row, never keep or show the bytes.
    for index, value in enumerate(raw.to_pylist()):
        if value is not None:
            try:
                value.decode("utf-8")
            except UnicodeDecodeError:
                return index
    return None


def _cast(column: pa.Array, target: pa.DataType) -> pa.Array:
    if column.type == target:
        return column
    if pa.types.is_null(column.type):
        return pa.nulls(len(column), target)
    if pa.types.is_decimal(target) and pa.types.is_string(column.type):
        try:
            return pc.cast(column, target)  # exact: PostgreSQL NUMERIC text
        except pa.ArrowInvalid:
            # SQLite keeps decimals as binary floats: '1234.5600000000001' rounds to the scale.
            column = pc.cast(column, pa.float64())
    if pa.types.is_decimal(target) and pa.types.is_floating(column.type):
        # A binary float is never exactly a decimal: round to the contract's scale first.
        return pc.cast(pc.round(column, target.scale), target)
    if pa.types.is_boolean(target) and pa.types.is_string(column.type):
        column = pc.cast(column, pa.int64())
    if pa.types.is_boolean(target) and pa.types.is_integer(column.type):
        return pc.not_equal(column, 0)
    return pc.cast(column, target)


_DONE = object()


def prefetch(batches: Iterator[pa.RecordBatch], depth: int = 2) -> Iterator[pa.RecordBatch]:
    """Read the next batches in a background thread while the caller writes the current one.

    The driver (ADBC, libpq) and the Parquet writer both release the GIL, so
    on two cores reading and writing overlap. At most ``depth`` batches wait
    in the queue: memory stays bounded. An error in the reader is re-raised
    in the caller; a caller that stops early stops the reader.
    """
    slots: queue.Queue = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def produce() -> None:
        try:
            for batch in batches:
                while not stop.is_set():
                    try:
                        slots.put(batch, timeout=0.1)
                        break
                    except queue.Full:
                        continue
                if stop.is_set():
                    return
            slots.put(_DONE)
        except BaseException as exc:  # handed to the consumer, which re-raises it
            slots.put(exc)
        finally:
            close = getattr(batches, "close", None)
            if stop.is_set() and close:
                close()

    reader = threading.Thread(target=produce, name="extract-prefetch", daemon=True)
    reader.start()
    try:
        while True:
            item = slots.get()
            if item is _DONE:
                return
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        while reader.is_alive():
            try:
                slots.get_nowait()
            except queue.Empty:
                reader.join(timeout=0.1)
