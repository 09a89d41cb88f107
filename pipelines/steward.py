"""The steward's page of the day, built once per run, in one place.

Assets and checks record their outcomes, notices and publications in the
day's ledger (``quality.ledger``) and link to the day's page; they never build
it. The page is built from the ledger once a run is over:

- after a run Dagster launched (schedule, sensor, UI, ``dagster job
  execute``): ``steward_page_sensor`` rebuilds it once for all the runs of the
  institution that ended since its last tick;
- after ``opendata demo`` and ``opendata backfill``: the command builds it
  once, after its last run (its runs carry the ``opendata/command`` tag, and
  the sensor leaves them to it).
"""

# No `from __future__ import annotations`: Dagster reads the context annotations at definition time.
import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

import dagster as dg

from anonymisation.policy import POLICY_DIR, Policy, load_catalogue
from pipelines.jobs import INSTITUTION_TAG
from pipelines.run_records import COMMAND_TAG
from quality.index_page import build_index
from resources.common.errors import OpenDataError
from resources.common.institution import Institution

STEWARD_SENSOR = "steward_page_sensor"
ENDED = (dg.DagsterRunStatus.SUCCESS, dg.DagsterRunStatus.FAILURE, dg.DagsterRunStatus.CANCELED)
FIRST_LOOK = dt.timedelta(hours=36)  # a sensor enabled for the first time covers the runs of the last night
OVERLAP = 1.0  # seconds: the run storage may keep an end time to the second


def build_steward_page(reports: Path, catalogue: dict[str, Policy]) -> Path:
    """Build today's page from the ledger (and the pointer to it); returns its path."""
    return build_index(reports, dt.date.today(), catalogue)


def steward_page(institution: Institution, notes: list[str]) -> Path | None:
    """The page at the end of an ``opendata`` command; a failure to write it is a note, not the end of the summary."""
    try:
        catalogue = load_catalogue(institution.policies_dir or POLICY_DIR)
        return build_steward_page(institution.reports_dir, catalogue)
    except (OpenDataError, OSError) as exc:
        notes.append(f"the steward page could not be rebuilt ({type(exc).__name__})")
        return None


def steward_page_sensor(reports: Path, catalogue: dict[str, Policy], institution_id: str) -> dg.SensorDefinition:
    """Rebuild the page once after the institution's runs that ended since the last tick (the cursor: ``Seen``)."""

    @dg.sensor(
        name=STEWARD_SENSOR,
        minimum_interval_seconds=60,
        default_status=dg.DefaultSensorStatus.RUNNING,
        description="Après chaque run terminé de l'établissement: reconstruit la page du jour de l'intendant.",
    )
    def _sensor(context: dg.SensorEvaluationContext) -> dg.SkipReason:
        seen = Seen.read(context.cursor)
        records = context.instance.get_run_records(filters=dg.RunsFilter(
            statuses=list(ENDED), tags={INSTITUTION_TAG: institution_id},
            updated_after=dt.datetime.fromtimestamp(seen.after - OVERLAP, tz=dt.timezone.utc)))
        new = [r for r in records if r.dagster_run.run_id not in seen.runs]
        if not new:
            return dg.SkipReason("no run of the institution ended since the page was last built")
        context.update_cursor(seen.after_records(records))
        ended = [r.dagster_run for r in new if COMMAND_TAG not in r.dagster_run.tags]
        if not ended:
            return dg.SkipReason("only runs of opendata commands ended: each command builds the page itself")
        page = build_steward_page(reports, catalogue)
        # The sensor requests no run: its work is the page, and the tick's message says so.
        names = ", ".join(sorted({run.job_name for run in ended}))
        return dg.SkipReason(f"steward page rebuilt after {len(ended)} run(s) of {names}: {page}")

    return _sensor


@dataclass(frozen=True)
class Seen:
    """The sensor's cursor: the last end time handled, and the runs handled within ``OVERLAP`` of it.

    The run storage may keep whole seconds: a run ending in the same second as
    the last one handled is found again by looking ``OVERLAP`` earlier, and
    told apart by its id.
    """

    after: float
    runs: frozenset[str]

    @classmethod
    def read(cls, cursor: str | None) -> "Seen":
        if not cursor:  # a sensor enabled for the first time covers the last night
            return cls((dt.datetime.now(dt.timezone.utc) - FIRST_LOOK).timestamp(), frozenset())
        raw = json.loads(cursor)
        return cls(float(raw["after"]), frozenset(raw["runs"]))

    def after_records(self, records: list[dg.RunRecord]) -> str:
        """The cursor once ``records`` (every run found by this tick) are handled."""
        ends = {r.dagster_run.run_id: _timestamp(r.update_timestamp) for r in records}
        last = max([self.after, *ends.values()])
        runs = sorted(run for run, end in ends.items() if end > last - OVERLAP)
        return json.dumps({"after": last, "runs": runs})


def _timestamp(moment: dt.datetime) -> float:
    """Seconds since the epoch; the run storage may return a naive datetime, which is UTC."""
    return (moment if moment.tzinfo else moment.replace(tzinfo=dt.timezone.utc)).timestamp()
