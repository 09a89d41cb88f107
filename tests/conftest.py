"""Shared fixtures: a fresh, empty database on the machine's PostgreSQL and MariaDB servers.

Each test using ``postgres_url`` or ``mariadb_url`` gets its own database
(``opendata_test_<8 hex>``), created through a server connection and dropped
afterwards. Without a server the test is skipped with the reason, unless
``OPENDATA_REQUIRE_SERVERS=1`` (CI), where it fails.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from tests.quality.conftest import DemoRun, run_opendata

POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432"
MARIADB = "mysql+pymysql://root@127.0.0.1:3306"


def _unavailable(server: str, exc: Exception) -> None:
    reason = f"the {server} server is unreachable ({type(exc).__name__}); start it or run where it runs"
    if os.environ.get("OPENDATA_REQUIRE_SERVERS") == "1":
        pytest.fail(f"{reason} (OPENDATA_REQUIRE_SERVERS=1)")
    pytest.skip(reason)


def _fresh_database(label: str, base: str, admin_db: str, create: str, drop: str) -> Iterator[str]:
    """Create a uniquely named database through an admin connection, yield its URL, drop it."""
    name = f"opendata_test_{uuid.uuid4().hex[:8]}"
    server = sa.create_engine(f"{base}/{admin_db}", isolation_level="AUTOCOMMIT",
                              connect_args={"connect_timeout": 5})
    try:
        with server.connect() as conn:
            # DDL takes no bind parameters; the name is ours (hex digits), never outside input.
            conn.exec_driver_sql(create.format(name=name))
    except (sa.exc.OperationalError, sa.exc.InterfaceError) as exc:
        server.dispose()
        _unavailable(f"{label} ({base.split('://')[1]})", exc)
    try:
        yield f"{base}/{name}"
    finally:
        with server.connect() as conn:
            conn.exec_driver_sql(drop.format(name=name))
        server.dispose()


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """URL of a new, empty PostgreSQL database, dropped (even with open sessions) after the test."""
    yield from _fresh_database("PostgreSQL", POSTGRES, "postgres", 'CREATE DATABASE "{name}"',
                               'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def mariadb_url() -> Iterator[str]:
    """URL of a new, empty MariaDB database (utf8mb4), dropped after the test."""
    yield from _fresh_database("MariaDB", MARIADB, "", "CREATE DATABASE `{name}` CHARACTER SET utf8mb4 "
                               "COLLATE utf8mb4_unicode_ci", "DROP DATABASE IF EXISTS `{name}`")


@pytest.fixture(scope="session")
def clean_demo(tmp_path_factory) -> DemoRun:
    """One clean demo run (last 2 years) for the whole session; tests must not modify it (copy it first)."""
    home = tmp_path_factory.mktemp("demo-home")
    return DemoRun(home, run_opendata(["demo", "--years", "2"], home, COLUMNS="400"))
