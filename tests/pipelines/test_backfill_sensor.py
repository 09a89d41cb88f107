"""A backfill launched from the Dagster UI ends in one publication, requested by a sensor once it has ended.

The backfill is recorded in a real instance as the webserver records it
(``PartitionBackfill.from_asset_partitions``), and its run is the one the
daemon launches for it: the students' yearly extractions over the range in
one run (``BackfillPolicy.single_run``), tagged with the backfill.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Iterator

import dagster as dg
import pytest
from dagster._core.execution.backfill import BulkActionStatus, PartitionBackfill
from rich.console import Console

import pipelines.backfill_sensor as backfill_sensor
from pipelines.backfill_sensor import AFTER_BACKFILL_TAG, BACKFILL_SENSOR, BACKFILL_TAG, LOOKBACK, recent_backfills
from pipelines.definitions import build_definitions
from pipelines.demo import ensure_demo_sources
from pipelines.jobs import is_extraction
from resources.common.institution import load_institution

RANGE = ("2024", "2025")


@pytest.fixture
def setting(tmp_path, monkeypatch) -> Iterator[tuple[dg.Definitions, dg.DagsterInstance]]:
    monkeypatch.setenv("OPENDATA_HOME", str(tmp_path))
    institution = load_institution("demo")
    ensure_demo_sources(institution, Console(quiet=True))
    with dg.instance_for_test() as instance:
        yield build_definitions(institution), instance


def _backfill(defs: dg.Definitions, instance: dg.DagsterInstance, ident: str, keys: list[dg.AssetKey]) -> PartitionBackfill:
    backfill = PartitionBackfill.from_asset_partitions(
        backfill_id=ident, asset_graph=defs.resolve_asset_graph(), partition_names=list(RANGE),
        asset_selection=keys, backfill_timestamp=time.time(), tags={}, dynamic_partitions_store=instance,
        all_partitions=False, title=None, description=None, run_config=None)
    instance.add_backfill(backfill)
    return backfill


def _students_yearly(defs: dg.Definitions) -> list[dg.AssetKey]:
    graph = defs.resolve_asset_graph()
    return sorted((k for k in graph.get_all_asset_keys()
                   if k.path[0] == "students" and is_extraction(k) and graph.get(k).partitions_def is not None),
                  key=lambda k: k.to_user_string())


def _daemon_run(defs: dg.Definitions, instance: dg.DagsterInstance, ident: str, keys: list[dg.AssetKey]) -> bool:
    """The run the backfill daemon launches: the selected yearly assets over the whole range, in one run."""
    job = defs.resolve_job_def("academic_year_extraction_job")
    tags = {BACKFILL_TAG: ident, "dagster/asset_partition_range_start": RANGE[0],
            "dagster/asset_partition_range_end": RANGE[1]}
    return job.execute_in_process(asset_selection=keys, tags=tags, instance=instance, raise_on_error=False).success


def test_a_ui_backfill_is_published_once_after_it_has_ended(setting) -> None:
    defs, instance = setting
    repo = defs.get_repository_def()
    sensor = repo.get_sensor_def(BACKFILL_SENSOR)

    def tick(cursor: str | None = None) -> dg.SensorExecutionData:
        return sensor.evaluate_tick(dg.build_sensor_context(instance=instance, cursor=cursor, repository_def=repo))

    keys = _students_yearly(defs)
    backfill = _backfill(defs, instance, "uibackfill", keys)
    assert _daemon_run(defs, instance, "uibackfill", keys)
    waiting = tick()
    assert not waiting.run_requests and "waiting" in waiting.skip_message  # still REQUESTED: not over yet

    instance.update_backfill(backfill.with_status(BulkActionStatus.COMPLETED_SUCCESS))
    done = tick(waiting.cursor)
    [request] = done.run_requests
    assert request.run_key == "publication_job:backfill:uibackfill" and request.tags[AFTER_BACKFILL_TAG] == "uibackfill"
    selection = set(request.asset_selection)
    assert dg.AssetKey(["students", "open", "effectifs_etudiants"]) in selection
    assert dg.AssetKey(["students", "anonymised", "diplomes_delivres"]) in selection
    assert not {k for k in selection if k.path[0] in ("hr", "finance")}  # their sources were not backfilled
    assert not any(is_extraction(k) for k in selection)
    assert not tick(done.cursor).run_requests  # published once


def test_a_failed_or_foreign_backfill_is_not_published(setting) -> None:
    defs, instance = setting
    repo = defs.get_repository_def()
    sensor = repo.get_sensor_def(BACKFILL_SENSOR)
    keys = _students_yearly(defs)
    failed = _backfill(defs, instance, "failedbackfill", keys)
    assert _daemon_run(defs, instance, "failedbackfill", keys)
    instance.update_backfill(failed.with_status(BulkActionStatus.COMPLETED_FAILED))
    # Another member's backfill, in an operator's deployment: none of our assets materialised under it.
    foreign = _backfill(defs, instance, "foreignbackfill", keys)
    instance.update_backfill(foreign.with_status(BulkActionStatus.COMPLETED_SUCCESS))
    result = sensor.evaluate_tick(dg.build_sensor_context(instance=instance, repository_def=repo))
    assert not result.run_requests
    assert "failedbackfill ended COMPLETED_FAILED: not published" in result.skip_message
    assert "foreignbackfill" not in result.skip_message
    assert {"failedbackfill", "foreignbackfill"} <= set(json.loads(result.cursor))


def test_backfills_are_read_page_by_page_back_to_the_week_looked_at(setting, monkeypatch) -> None:
    defs, instance = setting
    keys = _students_yearly(defs)
    for ident in ("first", "second", "third"):
        _backfill(defs, instance, ident, keys)
    monkeypatch.setattr(backfill_sensor, "PAGE", 1)  # one backfill a page: three pages and an empty one
    now = dt.datetime.now(dt.timezone.utc)
    assert sorted(b.backfill_id for b in recent_backfills(instance, now - LOOKBACK)) == ["first", "second", "third"]
    assert recent_backfills(instance, now + dt.timedelta(minutes=1)) == []  # all older than the week looked at
