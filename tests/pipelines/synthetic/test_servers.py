"""The same small systems loaded into PostgreSQL (COPY) and MariaDB (multi-row inserts) hold the same data."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from pipelines.synthetic.generate import generate
from pipelines.synthetic.schema import METADATA, SYSTEMS
from tests.pipelines.synthetic.conftest import AS_OF, SEED, Generated, dump


def _same_as_sqlite(url: str, system: str, sources: dict[str, Generated]) -> None:
    counts = generate(url, system, "small", seed=SEED, as_of=AS_OF, progress=False)
    assert counts == sources[system].counts
    assert dump(url) == dump(sources[system].url)
    # Partition columns are indexed (extraction filters on them).
    engine = sa.create_engine(url)
    try:
        inspector = sa.inspect(engine)
        for table in METADATA[system].tables.values():
            expected = {i.name for i in table.indexes}
            assert expected <= {i["name"] for i in inspector.get_indexes(table.name)}, table.name
    finally:
        engine.dispose()


@pytest.mark.postgres
@pytest.mark.parametrize("system", SYSTEMS)
def test_postgres_holds_the_same_data(system: str, postgres_url: str, sources: dict[str, Generated]) -> None:
    _same_as_sqlite(postgres_url, system, sources)


@pytest.mark.mariadb
@pytest.mark.parametrize("system", SYSTEMS)
def test_mariadb_holds_the_same_data(system: str, mariadb_url: str, sources: dict[str, Generated]) -> None:
    _same_as_sqlite(mariadb_url, system, sources)


@pytest.mark.postgres
def test_replace_on_postgres(postgres_url: str) -> None:
    generate(postgres_url, "hr", "small", as_of=AS_OF, progress=False)
    counts = generate(postgres_url, "hr", "small", as_of=AS_OF, replace=True, progress=False)
    engine = sa.create_engine(postgres_url)
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT COUNT(*) FROM agents").scalar() == counts["agents"]
    engine.dispose()
