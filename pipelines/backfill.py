"""``opendata backfill``: extract a range of years again, then publish once.

The night refreshes the year in progress only. A backfill re-extracts every
year of a range with the night's own extraction jobs (academic years for
students, calendar years for HR and finance): one run per job covering the
whole range (the extraction assets have ``BackfillPolicy.single_run``), then
one ``publication_job`` run. Publication reads every staged year, so its
datasets cover all the years staged, not only the range.

Every run carries the tag ``opendata/backfill=<from>-<to>``: the runs of a
backfill are found by that tag in the Dagster UI. A backfill run again
replaces rather than duplicates: each year's staging keeps its latest run,
and the output store makes no new version when the data are unchanged
(a change on the same day replaces that day's version). Run keys would not
help here: Dagster only deduplicates the run keys of schedule and sensor
ticks, not of runs launched from code or the UI.

The runs carry no ``opendata/night`` tag, so the night's publication sensor
ignores them: the backfill's own publication run is the only one.

The runs are launched as the demo launches them (``pipelines.launch``): the
same jobs as the night, in-process, on the persistent instance. As in the
night, one failure stops one dataset: an unreachable system is left out of
the extraction runs, and the publication run selects only the datasets
whose sources were all extracted. The steward page is built once, at the end.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import dagster as dg
from sqlalchemy.engine import make_url

from pipelines.definitions import build_definitions
from pipelines.demo import dagster_instance, opening_notes, unreachable_systems
from pipelines.home_lock import home_lock
from pipelines.launch import extraction_job_defs, launch_night, silent
from pipelines.run_records import run_tags
from pipelines.steward import steward_page
from pipelines.summary import RunSummary
from resources.common.errors import ConfigurationError
from resources.common.institution import SYSTEMS, Institution, load_institution

BACKFILL_TAG = "opendata/backfill"  # "<from>-<to>", on every run of one backfill


@dataclass
class BackfillResult:
    """What a backfill ran and what its publication did."""

    institution: Institution
    tag: str
    summary: RunSummary
    report: Path | None = None
    ranges: dict[str, str] = field(default_factory=dict)  # extraction job -> "2024–2026"
    notes: list[str] = field(default_factory=list)  # lock recovered, killed runs closed, report not rebuilt

    @property
    def new_versions(self) -> dict[str, str]:
        """Dataset -> version written."""
        return self.summary.published

    @property
    def unchanged(self) -> list[str]:
        """Datasets whose version online was kept."""
        return self.summary.unchanged


def missing_sources(institution: Institution) -> list[str]:
    """SQLite source files the institution names that do not exist (connecting would create them empty)."""
    missing = []
    for system in SYSTEMS:
        url = make_url(institution.sources[system].resolved_url())
        if url.get_backend_name() == "sqlite" and url.database and not Path(url.database).exists():
            missing.append(f"{system} ({url.database})")
    return missing


def years_in(job: dg.JobDefinition, first: int, last: int) -> list[str]:
    """The job's partition keys from ``first`` to ``last``; fails naming the years the job has."""
    existing = job.partitions_def.get_partition_keys()
    keys = [key for key in existing if first <= int(key) <= last]
    if not keys:
        raise ConfigurationError(f"{job.name}: no partition between {first} and {last} "
                                 f"(its years are {existing[0]} to {existing[-1]})")
    return keys


def run_backfill(institution_name: str | None, first: int, last: int,
                 announce: Callable[[str], None] = silent, wait: float | None = None) -> BackfillResult:
    """Everything ``opendata backfill`` does; errors before any run are OpenDataError with a one-line message.

    A system that cannot be reached, or any step that fails, holds back only
    the datasets built from it: the summary says which and why.
    """
    if first > last:
        raise ConfigurationError(f"--from {first} is after --to {last}")
    institution = load_institution(institution_name)
    if first < institution.first_year:
        raise ConfigurationError(f"--from {first} is before the institution's first year, {institution.first_year} "
                                 "(history: first_year in its file)")
    missing = missing_sources(institution)
    if missing:
        raise ConfigurationError(f"source database file missing: {', '.join(missing)}; build the demo sources "
                                 "with `opendata demo`, or set the systems' URLs")
    defs = build_definitions(institution)
    jobs = extraction_job_defs(defs)
    ranges = {job.name: years_in(job, first, last) for job in jobs}  # every range checked before any run
    with home_lock(institution.work_dir, f"opendata backfill --from {first} --to {last}", wait) as previous:
        instance = dagster_instance()
        result = BackfillResult(institution, f"{first}-{last}", RunSummary())
        result.notes += opening_notes(instance, institution, previous)
        unavailable = unreachable_systems(institution)
        for reason in unavailable.values():
            announce(f"unreachable: {reason}; its datasets are held back")
        result.ranges = {name: f"{keys[0]}–{keys[-1]}" for name, keys in ranges.items()}
        tags = {**run_tags(institution.id, "opendata backfill"), BACKFILL_TAG: result.tag}
        result.summary = launch_night(defs, instance, ranges, tags, unavailable, announce)
        result.report = steward_page(institution, result.notes)
    return result
