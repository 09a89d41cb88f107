"""``run_failure_alert_sensor``: every failed run becomes an alert, with no personal value in it.

The alert is built here from the run's event classes and step keys, and
delivered by ``resources.publishing.alerts`` (log, ``alerts.jsonl``, e-mail,
webhook). The sensor never fails on a channel that fails: it would then
re-send every alert at each tick.
"""

# No `from __future__ import annotations`: Dagster reads the context annotation at definition time.
import datetime as dt
from pathlib import Path

import dagster as dg

from resources.publishing.alerts import Alert, deliver, root_class

ALERT_SENSOR = "run_failure_alert_sensor"
# Run tags worth an alert: system tags and ours, never a free value.
TAGS = {"partition": "dagster/partition", "partition_range_start": "dagster/asset_partition_range_start",
        "partition_range_end": "dagster/asset_partition_range_end", "night": "opendata/night",
        "retry_number": "dagster/retry_number", "will_retry": "dagster/will_retry",
        "failure_reason": "dagster/failure_reason", "institution": "opendata/institution"}


def alert_for(context: dg.RunFailureSensorContext) -> Alert:
    """The alert for a failed run, built from event classes and step keys only."""
    run = context.dagster_run
    step_errors = {event.step_key or "?": root_class(event.step_failure_data.error)
                   for event in context.get_step_failure_events()}
    run_error = getattr(context.failure_event.event_specific_data, "error", None)
    error_class = next(iter(step_errors.values()), None) or root_class(run_error)
    return Alert(
        time=dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        job=run.job_name,
        run_id=run.run_id,
        failed_steps=list(step_errors),
        error_class=error_class,
        step_errors=step_errors,
        tags={name: run.tags[tag] for name, tag in TAGS.items() if tag in run.tags},
    )


def run_failure_alert_sensor(alerts_file: Path) -> dg.SensorDefinition:
    """The sensor, writing to ``alerts_file`` (``<work_dir>/alerts/alerts.jsonl``)."""

    @dg.run_failure_sensor(
        name=ALERT_SENSOR,
        default_status=dg.DefaultSensorStatus.RUNNING,
        description="Chaque run en échec: journal, alerts.jsonl, et e-mail ou webhook si configurés. "
                    "Classes d'erreur et étapes seulement, jamais un message.",
    )
    def _sensor(context: dg.RunFailureSensorContext) -> None:
        deliver(alert_for(context), alerts_file, context.log)

    return _sensor
