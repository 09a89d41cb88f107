"""An unreachable source fails with an error naming the system, never the password."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from resources.common.errors import SourceUnavailableError
from resources.extraction import extract_table
from resources.sources import SourceDatabase
from resources.staging import StagingArea
from tests.resources.source_fixture import create_source, write_contract

PASSWORD = "Tr0ub4dor-s3cret"


@pytest.mark.parametrize(
    "url",
    [
        f"postgresql+psycopg://reader:{PASSWORD}@127.0.0.1:1/siham",
        f"mysql+pymysql://reader:{PASSWORD}@127.0.0.1:1/sifac",
    ],
    ids=["postgresql", "mariadb"],
)
def test_closed_port_names_the_system_and_hides_the_password(url: str, tmp_path: Path) -> None:
    table = write_contract(tmp_path / "contract")
    db = SourceDatabase(system="hr", url=url)
    with pytest.raises(SourceUnavailableError) as caught:
        extract_table(db, StagingArea(root=str(tmp_path / "st")), table, [2024], "r1")
    message = str(caught.value)
    assert message.startswith("hr source database is unreachable at ")
    assert "127.0.0.1:1" in message
    assert PASSWORD not in message and PASSWORD not in repr(caught.value.__context__)


def test_missing_sqlite_file_says_how_to_fix_it(tmp_path: Path) -> None:
    db = SourceDatabase(system="students", url=f"sqlite:///{tmp_path / 'absent.sqlite'}")
    with pytest.raises(SourceUnavailableError, match=r"students source database is unreachable.*opendata generate"):
        db.check_reachable()
    assert not (tmp_path / "absent.sqlite").exists()  # read-only: never creates the file


def test_wrong_password_on_the_real_server(postgres_url: str, tmp_path: Path) -> None:
    """The server answers but refuses: still the system's name, never the password."""
    create_source(postgres_url, 1)
    url = postgres_url.replace("postgres@", f"no_such_role:{PASSWORD}@")
    with pytest.raises(SourceUnavailableError) as caught:
        SourceDatabase(system="finance", url=url).check_reachable()
    assert "finance source database is unreachable" in str(caught.value)
    assert PASSWORD not in str(caught.value)


@pytest.mark.oracle
@pytest.mark.skipif(not os.environ.get("OPENDATA_ORACLE_URL"), reason="OPENDATA_ORACLE_URL is not set (Oracle is untested here)")
def test_oracle_extraction_through_sqlalchemy(tmp_path: Path) -> None:
    url = os.environ["OPENDATA_ORACLE_URL"]
    create_source(url, 300)
    table = write_contract(tmp_path / "contract")
    staging = StagingArea(root=str(tmp_path / "st"))
    result = extract_table(SourceDatabase(system="students", url=url), staging, table, [2024], "r1")
    assert result.rows == 150


@pytest.mark.parametrize(
    "url",
    [f"mysql+pymysql://reader:{PASSWORD}@127.0.0.1:1/sifac", f"postgresql+psycopg://reader:{PASSWORD}@127.0.0.1:1/siham"],
    ids=["connectorx", "adbc"],
)
def test_arrow_readers_hide_the_password_too(url: str, tmp_path: Path) -> None:
    """The Arrow-native readers (connectorx, ADBC) fail with our error, not the driver's text."""
    table = write_contract(tmp_path / "contract")
    actual = {c.name: c.source for c in table.columns}
    with pytest.raises(SourceUnavailableError) as caught:
        list(SourceDatabase(system="hr", url=url).stream(table, actual, None))
    assert str(caught.value).startswith("hr source database is unreachable")
    assert PASSWORD not in str(caught.value)
