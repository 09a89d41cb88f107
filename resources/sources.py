"""The three source systems (``hr_db``, ``finance_db``, ``students_db``) as Dagster resources.

Read-only by construction: PostgreSQL sessions start with
``default_transaction_read_only``, MariaDB sessions with ``SET SESSION
TRANSACTION READ ONLY``, SQLite files are opened with ``mode=ro``, Oracle
transactions with ``SET TRANSACTION READ ONLY``.
"""

from __future__ import annotations

import re
import sqlite3
from urllib.parse import quote
from collections.abc import Iterator
from pathlib import Path

import dagster as dg
import pyarrow as pa
import sqlalchemy as sa
from pydantic import Field, PrivateAttr
from sqlalchemy.engine import URL, make_url

from resources.common.errors import SchemaDriftError, SourceUnavailableError
from resources.sourcing.contracts import TableContract
from resources.sourcing.streaming import (
    YearWindow,
    build_select,
    compile_literal,
    conform,
    read_adbc_postgres,
    read_adbc_sqlite,
    read_connectorx_mysql,
    read_sqlalchemy,
)

_PG_READ_ONLY = "-c default_transaction_read_only=on"
_QUOTED = re.compile(r'"[^"]*"|\'[^\']*\'')
# ADBC sizes PostgreSQL batches in bytes: about 40 bytes per configured row
# (100,000 rows -> 4 MB batches, measured faster than 16-20 MB ones).
_PG_BYTES_PER_ROW = 40


class SourceDatabase(dg.ConfigurableResource):
    """One institutional source system, read through a SQLAlchemy URL (never written to)."""

    system: str = Field(description="hr, finance or students")
    url: str = Field(description="SQLAlchemy URL naming its driver (postgresql+psycopg://, mysql+pymysql://, sqlite:///)")
    batch_rows: int = Field(default=100_000, description="Rows per streamed batch (bounds memory)")

    _engine: sa.Engine | None = PrivateAttr(default=None)

    @property
    def safe_url(self) -> str:
        """The URL with its password masked, fit for logs and metadata."""
        return make_url(self.url).render_as_string(hide_password=True)

    @property
    def dialect(self) -> str:
        return make_url(self.url).get_backend_name()

    def engine(self) -> sa.Engine:
        """A SQLAlchemy engine whose every session is read-only."""
        if self._engine is None:
            self._engine = _read_only_engine(make_url(self.url), self.system)
        return self._engine

    def check_reachable(self) -> None:
        """Open one connection, or fail with an error naming the system (and no password)."""
        try:
            with self.engine().connect() as conn:
                conn.execute(sa.text("SELECT 1"))
        except sa.exc.DBAPIError as exc:
            raise SourceUnavailableError(self._unreachable(exc)) from None

    def _unreachable(self, exc: BaseException) -> str:
        reason = str(getattr(exc, "orig", exc) or exc.__class__.__name__).strip().splitlines()[0]
        password = make_url(self.url).password
        if password:
            reason = reason.replace(str(password), "***")
        # Drivers quote the offending value ("invalid input syntax for type integer: "<value>""): masked.
        reason = _QUOTED.sub(lambda m: m.group(0)[0] * 2, reason)
        return f"{self.system} source database is unreachable at {self.safe_url}: {reason}"

    def source_columns(self, table: TableContract) -> dict[str, str]:
        """Map the source's lower-cased column names to their real spelling; fails if the table is missing."""
        schema, name = _split(table.source)
        try:
            columns = sa.inspect(self.engine()).get_columns(name, schema=schema)
        except sa.exc.NoSuchTableError:
            raise SchemaDriftError(
                f"{self.system}.{table.name}: source table '{table.source}' does not exist (rule: contract table)"
            ) from None
        except sa.exc.DBAPIError as exc:
            raise SourceUnavailableError(self._unreachable(exc)) from None
        return {str(col["name"]).lower(): str(col["name"]) for col in columns}

    def resolve_columns(self, table: TableContract) -> tuple[dict[str, str], list[str]]:
        """Check the source against the contract: (canonical -> real column name, drifted column names).

        A column the contract expects and the source lacks fails, naming
        system, table and column. A column the source has and the contract
        does not know is returned as drift: it is reported, never extracted.
        """
        present = self.source_columns(table)
        actual: dict[str, str] = {}
        for spec in table.columns:
            real = present.get(spec.source.lower())
            if real is None:
                raise SchemaDriftError(
                    f"{self.system}.{table.name}.{spec.name}: the source table '{table.source}' has no "
                    f"column '{spec.source}' (rule: contract column)"
                )
            actual[spec.name] = real
        known = {spec.source.lower() for spec in table.columns}
        drift = sorted(real for low, real in present.items() if low not in known)
        return actual, drift

    def stream(self, table: TableContract, actual: dict[str, str], window: YearWindow | None) -> Iterator[pa.RecordBatch]:
        """Stream the extracted columns of one partition as batches already cast to the contract's types."""
        schema, _ = _split(table.source)
        try:
            for batch in self._raw_batches(table, actual, schema, window):
                yield conform(batch, table)
        except sa.exc.DBAPIError as exc:
            raise SourceUnavailableError(self._unreachable(exc)) from None

    def _raw_batches(self, table, actual, schema, window) -> Iterator[pa.RecordBatch]:
        dialect, url = self.dialect, make_url(self.url)
        query = build_select(table, actual, schema, window, sqlite_typed=dialect == "sqlite")
        if dialect not in ("postgresql", "sqlite", "mysql", "mariadb"):
            yield from read_sqlalchemy(self.engine(), query, self.batch_rows)
            return
        sql = compile_literal(query, self.engine().dialect)
        if dialect == "postgresql":
            yield from _adbc_errors(self, read_adbc_postgres(_libpq_uri(url), sql, self.batch_rows * _PG_BYTES_PER_ROW))
        elif dialect == "sqlite":
            yield from _adbc_errors(self, read_adbc_sqlite(_sqlite_path(url), sql, self.batch_rows))
        else:
            uri = url.set(drivername="mysql", query={}).render_as_string(hide_password=False)
            yield from _connectorx_errors(self, read_connectorx_mysql(uri, sql, self.batch_rows))


def _adbc_errors(db: SourceDatabase, batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
    """Turn driver errors into our own (a driver message may quote the query, never a row value)."""
    import adbc_driver_manager

    try:
        yield from batches
    except adbc_driver_manager.OperationalError as exc:
        raise SourceUnavailableError(db._unreachable(exc)) from None
    except adbc_driver_manager.Error as exc:
        raise SourceUnavailableError(f"{db.system} source database refused the extraction query: {type(exc).__name__}") from None
    except (OSError, pa.ArrowException) as exc:  # an error met while streaming (libpq's, through Arrow)
        raise SourceUnavailableError(db._unreachable(exc)) from None


def _connectorx_errors(db: SourceDatabase, batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
    """connectorx raises plain RuntimeErrors whose text may hold the URL: keep only a safe reason."""
    try:
        yield from batches
    except (RuntimeError, OSError) as exc:
        raise SourceUnavailableError(db._unreachable(exc)) from None


def _split(source: str) -> tuple[str | None, str]:
    schema, _, name = source.rpartition(".")
    return (schema or None), name


def _sqlite_path(url: URL) -> str:
    path = url.database or ""
    if not path or path == ":memory:":
        raise SourceUnavailableError("a SQLite source needs a file path")
    return str(Path(path).resolve())


def _libpq_uri(url: URL) -> str:
    """The URL as libpq reads it (no SQLAlchemy driver suffix), with read-only sessions."""
    query = dict(url.query)
    options = " ".join(filter(None, [str(query.pop("options", "")), _PG_READ_ONLY]))
    plain = url.set(drivername="postgresql", query=query).render_as_string(hide_password=False)
    # libpq decodes %20 but not '+' as a space, so the options are quoted here.
    return f"{plain}{'&' if '?' in plain else '?'}options={quote(options, safe='')}"


def _read_only_engine(url: URL, system: str) -> sa.Engine:
    backend = url.get_backend_name()
    if backend == "sqlite":
        path = _sqlite_path(url)
        if not Path(path).is_file():
            raise SourceUnavailableError(
                f"{system} source database is unreachable: SQLite file {path} does not exist "
                f"(run `opendata generate` or set its URL)"
            )
        return sa.create_engine("sqlite://", creator=lambda: sqlite3.connect(f"file:{path}?mode=ro", uri=True))
    if backend == "postgresql":
        return sa.create_engine(url, connect_args={"options": _PG_READ_ONLY}, pool_pre_ping=True)
    engine = sa.create_engine(url, pool_pre_ping=True)
    if backend in ("mysql", "mariadb"):
        sa.event.listen(engine, "connect", _mysql_read_only)
    elif backend == "oracle":
        sa.event.listen(engine, "begin", lambda conn: conn.exec_driver_sql("SET TRANSACTION READ ONLY"))
    return engine


def _mysql_read_only(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("SET SESSION TRANSACTION READ ONLY")
    cursor.close()
