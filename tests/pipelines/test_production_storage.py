"""The production instance (``config/dagster/dagster.yaml``) keeps runs, events and schedules in PostgreSQL.

The file is loaded as the server loads it (``DAGSTER_HOME`` holding a copy,
connection settings from ``DAGSTER_PG_*``), on a fresh database of the
machine's server; real HR extraction assets of the demo then run on it.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import dagster as dg
import pytest
import sqlalchemy as sa
import yaml
from dagster_postgres import PostgresEventLogStorage, PostgresRunStorage, PostgresScheduleStorage

from pipelines.definitions import build_definitions
from pipelines.synthetic.generate import generate
from resources.common.institution import load_institution, project_root

PRODUCTION_YAML = project_root() / "config" / "dagster" / "dagster.yaml"
HR = ["hr", "extracted"]


@pytest.fixture
def instance(postgres_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[dg.DagsterInstance]:
    """The production instance on a new database, as the webserver and the daemon would load it."""
    home = tmp_path / "dagster"
    home.mkdir()
    shutil.copy(PRODUCTION_YAML, home / "dagster.yaml")
    url = sa.make_url(postgres_url)
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    monkeypatch.setenv("DAGSTER_PG_USERNAME", url.username or "")
    monkeypatch.setenv("DAGSTER_PG_PASSWORD", url.password or "")  # trust auth here: empty is allowed
    monkeypatch.setenv("DAGSTER_PG_HOST", url.host or "")
    monkeypatch.setenv("DAGSTER_PG_DB", url.database or "")
    monkeypatch.setenv("DAGSTER_PG_PORT", str(url.port or 5432))
    with dg.DagsterInstance.get() as loaded:
        yield loaded


def test_the_file_names_variables_never_credentials() -> None:
    settings = yaml.safe_load(PRODUCTION_YAML.read_text(encoding="utf-8"))
    db = settings["storage"]["postgres"]["postgres_db"]
    assert db.pop("scheme") == "postgresql+psycopg2"  # dagster-postgres 0.29 needs psycopg2 (stack notes)
    assert db == {field: {"env": f"DAGSTER_PG_{name}"} for field, name in
                  [("username", "USERNAME"), ("password", "PASSWORD"), ("hostname", "HOST"),
                   ("db_name", "DB"), ("port", "PORT")]}


@pytest.mark.postgres
def test_every_storage_is_postgres_through_psycopg2(instance: dg.DagsterInstance) -> None:
    storages = {PostgresRunStorage: instance.run_storage, PostgresEventLogStorage: instance.event_log_storage,
                PostgresScheduleStorage: instance.schedule_storage}
    for kind, storage in storages.items():
        assert isinstance(storage, kind)
        assert storage._engine.dialect.driver == "psycopg2"  # noqa: SLF001 - the driver is the point
    assert isinstance(instance.run_coordinator, dg.QueuedRunCoordinator)
    assert instance.get_concurrency_config().run_queue_config.max_concurrent_runs == 1
    assert (instance.run_retries_enabled, instance.run_retries_max_retries) == (True, 2)
    assert not instance.telemetry_enabled


@pytest.mark.postgres
def test_real_runs_and_their_materialisations_land_in_postgres(
    instance: dg.DagsterInstance, postgres_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("OPENDATA_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("OPENDATA_HR_URL", raising=False)
    institution = load_institution("demo")
    generate(institution.sources["hr"].resolved_url(), "hr", "small", replace=True, progress=False)
    defs = build_definitions(institution)
    assets = {key: asset for asset in defs.assets for key in asset.keys if key.path[:2] == HR}
    structures, situations = dg.AssetKey([*HR, "structures"]), dg.AssetKey([*HR, "situations"])
    year = assets[situations].partitions_def.get_partition_keys()[-2]  # the last complete academic year

    whole = dg.materialize([assets[structures]], resources=defs.resources, instance=instance)
    one_year = dg.materialize([assets[structures], assets[situations]], selection=[situations], partition_key=year,
                              resources=defs.resources, instance=instance)

    assert whole.success and one_year.success
    runs = {run.run_id: run for run in instance.get_runs()}
    assert set(runs) == {whole.run_id, one_year.run_id}
    assert {run.status for run in runs.values()} == {dg.DagsterRunStatus.SUCCESS}
    assert instance.get_latest_materialization_event(structures).run_id == whole.run_id
    latest = instance.get_latest_materialization_event(situations)
    assert (latest.run_id, latest.asset_materialization.partition) == (one_year.run_id, year)
    assert instance.get_materialized_partitions(situations) == {year}

    # Straight from the database, with our own driver: the rows are there, not in a local SQLite file.
    engine = sa.create_engine(postgres_url)
    try:
        with engine.connect() as conn:
            stored_runs = set(conn.execute(sa.text("SELECT run_id FROM runs")).scalars())
            materialised = conn.execute(sa.text(
                "SELECT run_id, asset_key FROM event_logs WHERE dagster_event_type = :kind"),
                {"kind": "ASSET_MATERIALIZATION"}).all()
            tables = set(sa.inspect(conn).get_table_names())
    finally:
        engine.dispose()
    assert stored_runs == set(runs)
    assert {(run_id, dg.AssetKey.from_db_string(key)) for run_id, key in materialised} == \
        {(whole.run_id, structures), (one_year.run_id, situations)}
    assert {"runs", "event_logs", "jobs", "job_ticks", "instigators"} <= tables  # schedule storage too
    assert not list((Path(instance.root_directory) / "history").glob("*.db"))
