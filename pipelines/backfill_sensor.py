"""After a backfill launched from the Dagster UI: one publication covering every year staged.

A backfill of the extraction assets or jobs from the UI (asset backfill or
job backfill) runs under Dagster's backfill daemon; its runs carry
``dagster/backfill=<id>`` and no night, so the night's sensor ignores them.
``publication_after_backfill_sensor`` waits until such a backfill has ended:

- ended successfully: it requests one ``publication_job`` run (run key
  ``publication_job:backfill:<id>``) for every dataset one of whose sources
  the backfill extracted. Anonymisation reads every staged year, so the
  files cover the backfilled years and the others;
- ended with a failed run, cancelled or failed: nothing is published and the
  versions online are kept, as with ``opendata backfill``; the tick says so;
- a backfill that extracted none of this institution's tables (another
  member's, in an operator's deployment, whose keys are prefixed) is not its.

Backfills created more than a week ago are not looked at, so enabling the
sensor on an old instance does not publish its history again. The cursor
keeps the backfills already handled. ``opendata backfill`` (the CLI) tags its
runs ``opendata/backfill`` and publishes by itself: this sensor ignores it.

Dagster 1.13 exports no type for a backfill (its classes live in private
modules): the sensor reads the instance's backfills and compares their
status by value, importing nothing private.
"""

# No `from __future__ import annotations`: Dagster reads the context annotations at definition time.
import datetime as dt
import json
from collections.abc import Mapping
from typing import TYPE_CHECKING

import dagster as dg

from pipelines.nightly import materialised

if TYPE_CHECKING:
    from pipelines.jobs import AssetJob

BACKFILL_SENSOR = "publication_after_backfill_sensor"
BACKFILL_TAG = "dagster/backfill"  # set by Dagster on every run of a backfill
AFTER_BACKFILL_TAG = "opendata/after_backfill"  # on the publication run: the backfill it follows
# A backfill's status as Dagster 1.13 stores it (its enum lives in a private module: compared by value).
ENDED = frozenset({"COMPLETED", "COMPLETED_SUCCESS", "COMPLETED_FAILED", "FAILED", "CANCELED"})
PUBLISHABLE = frozenset({"COMPLETED_SUCCESS", "COMPLETED"})  # COMPLETED: Dagster's older, deprecated word for success
PAGE = 100  # backfills read at a time, newest first
LOOKBACK = dt.timedelta(days=7)
REMEMBERED = 500  # backfill ids kept in the cursor, more than a week of them


def recent_backfills(instance: dg.DagsterInstance, since: dt.datetime) -> list:  # of Dagster's PartitionBackfill
    """The backfills created since ``since``, read page by page from the newest.

    What ``BulkActionsFilter(created_after=...)`` selects, without importing
    that private class: ``get_backfills`` returns the newest first.
    """
    found: list = []
    cursor = None
    while True:
        page = instance.get_backfills(cursor=cursor, limit=PAGE)
        found += [b for b in page if b.backfill_timestamp >= since.timestamp()]
        if len(page) < PAGE or page[-1].backfill_timestamp < since.timestamp():
            return found
        cursor = page[-1].backfill_id


def backfill_publication_sensor(publication: "AssetJob",
                                needs: Mapping[dg.AssetKey, frozenset[dg.AssetKey]]) -> dg.SensorDefinition:
    """Request one publication per ended, successful UI backfill of this institution's extractions."""
    ours = frozenset().union(*needs.values())

    @dg.sensor(
        name=BACKFILL_SENSOR,
        job=publication,
        minimum_interval_seconds=120,
        default_status=dg.DefaultSensorStatus.RUNNING,
        description="Après un backfill lancé depuis l'interface: publie une fois les jeux dont il a extrait une source.",
    )
    def _sensor(context: dg.SensorEvaluationContext) -> list[dg.RunRequest] | dg.SkipReason:
        handled: list[str] = json.loads(context.cursor) if context.cursor else []
        since = dt.datetime.now(dt.timezone.utc) - LOOKBACK
        backfills = recent_backfills(context.instance, since)
        requests: list[dg.RunRequest] = []
        notes: list[str] = []
        for backfill in sorted(backfills, key=lambda b: b.backfill_timestamp):
            ident = backfill.backfill_id
            if ident in handled:
                continue
            if backfill.status.value not in ENDED:
                notes.append(f"backfill {ident}: waiting for it to end ({backfill.status.value})")
                continue
            handled.append(ident)
            runs = context.instance.get_run_records(filters=dg.RunsFilter(tags={BACKFILL_TAG: ident}))
            extracted = materialised(context.instance, list(runs)) & ours
            if not extracted:
                continue
            if backfill.status.value not in PUBLISHABLE:
                notes.append(f"backfill {ident} ended {backfill.status.value}: not published, versions online kept")
                continue
            selection = sorted((key for key, sources in needs.items() if sources & extracted),
                               key=lambda key: key.to_user_string())
            context.log.info(f"backfill {ident}: publishing {len(selection)} of {len(needs)} asset(s)")
            requests.append(dg.RunRequest(run_key=f"{publication.name}:backfill:{ident}",
                                          asset_selection=selection, tags={AFTER_BACKFILL_TAG: ident}))
        context.update_cursor(json.dumps(handled[-REMEMBERED:]))
        return requests or dg.SkipReason("; ".join(notes) or "no ended backfill of our extractions to publish")

    return _sensor
