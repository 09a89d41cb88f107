"""The night: extraction of the year in progress at 03:30 (Paris time), then publication.

At 03:30 each extraction job's schedule requests one run: the partition of
the year in progress on that date (academic year from 1 September, calendar
year from 1 January), tagged with the night. 03:30 is outside the hour that
daylight-saving time skips (last Sunday of March, 02:00-03:00) or repeats
(last Sunday of October, 02:00-03:00): the schedule fires exactly once
every night, at 03:30 local time.

``publication_after_extraction_sensor`` then waits until every extraction run
of the night is over (retries included), and requests one publication run
for the datasets whose every source table was extracted that night: a source
that could not be reached holds back its own datasets, never the others, and
their version online stays as it was. It counts only the runs of its own
institution (the jobs' ``opendata/institution`` tag): in an operator's
deployment, one member's slow night never holds back another's publication.

Run keys are ``<job>:<night>``: a schedule tick evaluated twice (daemon
restart) or a sensor seeing the same night again never starts a second run.
"""

# No `from __future__ import annotations`: Dagster reads the context annotations at definition time.
import datetime as dt
import time
from collections.abc import Mapping
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import dagster as dg

from assets.partitions import TIMEZONE
from pipelines.jobs import INSTITUTION_TAG, ExtractionJob

if TYPE_CHECKING:
    from pipelines.jobs import AssetJob

NIGHTLY_CRON = "30 3 * * *"
NIGHT_TAG = "opendata/night"  # the night's date in Paris, YYYY-MM-DD
PUBLICATION_SENSOR = "publication_after_extraction_sensor"
# A night's extraction jobs are scheduled together; if one has no run at all
# (its schedule stopped), the others' datasets are published this long after
# the last run ended.
GRACE = dt.timedelta(hours=2)
LOOKBACK = dt.timedelta(hours=36)
WILL_RETRY_TAG = "dagster/will_retry"  # set by Dagster on a failed run the daemon will retry
RETRIED_BY_TAG = "dagster/auto_retry_run_id"  # set on that run once its retry exists


def night_of(scheduled: dt.datetime) -> str:
    """The night a tick belongs to: its date in Paris."""
    return scheduled.astimezone(ZoneInfo(TIMEZONE)).date().isoformat()


def current_partition(partitions_def: dg.TimeWindowPartitionsDefinition, when: dt.datetime) -> str | None:
    """The key of the year in progress at ``when``, or None before the first year."""
    if when < partitions_def.start:
        return None
    return partitions_def.get_partition_key_for_timestamp(when.timestamp())


def night_schedule(extraction: ExtractionJob) -> dg.ScheduleDefinition:
    """``<job>_schedule``: the extraction of the year in progress, every night at 03:30 Paris time."""
    job = extraction.job

    @dg.schedule(
        name=f"{job.name}_schedule",
        cron_schedule=NIGHTLY_CRON,
        execution_timezone=TIMEZONE,
        job=job,
        default_status=dg.DefaultScheduleStatus.RUNNING,
        description="Chaque nuit à 03:30 (heure de Paris): extraction de l'année en cours.",
    )
    def _schedule(context: dg.ScheduleEvaluationContext) -> dg.RunRequest | dg.SkipReason:
        scheduled = context.scheduled_execution_time
        night = night_of(scheduled)
        key = current_partition(extraction.partitions_def, scheduled)
        if key is None:
            return dg.SkipReason(f"{night} is before the first year of {job.name}")
        return dg.RunRequest(run_key=f"{job.name}:{night}", partition_key=key, tags={NIGHT_TAG: night})

    return _schedule


def publication_sensor(
    extraction: list[ExtractionJob],
    publication: "AssetJob",
    needs: Mapping[dg.AssetKey, frozenset[dg.AssetKey]],
) -> dg.SensorDefinition:
    """Request the night's publication once its extraction runs are over; the cursor is the last night handled."""
    extraction_names = {e.job.name for e in extraction}
    institution = (publication.tags or {}).get(INSTITUTION_TAG)

    @dg.sensor(
        name=PUBLICATION_SENSOR,
        job=publication,
        minimum_interval_seconds=120,
        default_status=dg.DefaultSensorStatus.RUNNING,
        description="Après les extractions de la nuit: publie les jeux dont toutes les sources ont été extraites.",
    )
    def _sensor(context: dg.SensorEvaluationContext) -> list[dg.RunRequest] | dg.SkipReason:
        nights = _extraction_runs(context.instance, extraction_names, institution)
        requests: list[dg.RunRequest] = []
        notes: list[str] = []
        for night in sorted(n for n in nights if n > (context.cursor or "")):
            waiting = _still_running(nights[night], extraction_names)
            if waiting:
                notes.append(f"night {night}: waiting for {waiting}")
                break  # nights are published in order
            extracted = materialised(context.instance, nights[night])
            selection = sorted((key for key, sources in needs.items() if sources <= extracted),
                               key=lambda key: key.to_user_string())
            context.update_cursor(night)
            if not selection:
                notes.append(f"night {night}: no dataset has all its sources extracted")
                continue
            context.log.info(f"night {night}: publishing {len(selection)} of {len(needs)} asset(s)")
            requests.append(dg.RunRequest(run_key=f"{publication.name}:{night}", asset_selection=selection,
                                          tags={NIGHT_TAG: night}))
        # Dagster takes run requests or one skip reason, never both.
        return requests or dg.SkipReason("; ".join(notes) or "no night with extraction runs to publish")

    return _sensor


def _extraction_runs(instance: dg.DagsterInstance, names: set[str],
                     institution: str | None) -> dict[str, list[dg.RunRecord]]:
    """The recent runs of the institution's extraction jobs that belong to a night, by night."""
    since = dt.datetime.now(dt.timezone.utc) - LOOKBACK
    tags = {INSTITUTION_TAG: institution} if institution else None
    nights: dict[str, list[dg.RunRecord]] = {}
    for record in instance.get_run_records(filters=dg.RunsFilter(created_after=since, tags=tags)):
        run = record.dagster_run
        if run.job_name in names and NIGHT_TAG in run.tags:
            nights.setdefault(run.tags[NIGHT_TAG], []).append(record)
    return nights


def _still_running(records: list[dg.RunRecord], names: set[str]) -> str | None:
    """What the night still waits for (a run in progress, a retry to come, a job not run yet), or None."""
    for record in records:
        run = record.dagster_run
        if not run.is_finished:
            return f"run {run.run_id} of {run.job_name}"
        if run.status == dg.DagsterRunStatus.FAILURE and run.tags.get(WILL_RETRY_TAG) == "true" \
                and RETRIED_BY_TAG not in run.tags:
            return f"the retry of run {run.run_id} of {run.job_name}"
    missing = names - {record.dagster_run.job_name for record in records}
    last_end = max((record.end_time or 0.0) for record in records)
    if missing and time.time() < last_end + GRACE.total_seconds():
        return f"a run of {', '.join(sorted(missing))}"
    return None


def materialised(instance: dg.DagsterInstance, records: list[dg.RunRecord]) -> set[dg.AssetKey]:
    """Every asset materialised by these runs."""
    keys: set[dg.AssetKey] = set()
    for record in records:
        events = instance.get_records_for_run(record.dagster_run.run_id,
                                              of_type=dg.DagsterEventType.ASSET_MATERIALIZATION)
        keys |= {r.event_log_entry.dagster_event.asset_key for r in events.records
                 if r.event_log_entry.dagster_event is not None}
    return keys
