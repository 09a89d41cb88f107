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
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import dagster as dg
from sqlalchemy.engine import make_url

from anonymisation.policy import load_catalogue
from pipelines.definitions import build_definitions
from pipelines.demo import dagster_instance
from pipelines.jobs import PUBLICATION_JOB, is_extraction
from pipelines.runner import QUIET, RANGE_END, RANGE_START, RunFailed, RunSummary, _collect, _error_line
from quality.index_page import build_index
from resources.errors import ConfigurationError
from resources.institution import SYSTEMS, Institution, load_institution
from resources.sources import SourceDatabase

BACKFILL_TAG = "opendata/backfill"  # "<from>-<to>", on every run of one backfill


@dataclass
class BackfillResult:
    """What a backfill ran and what its publication did."""

    institution: Institution
    tag: str
    summary: RunSummary
    report: Path
    ranges: dict[str, str] = field(default_factory=dict)  # extraction job -> "2024–2026"
    new_versions: dict[str, str] = field(default_factory=dict)  # dataset -> version written
    unchanged: list[str] = field(default_factory=list)  # datasets whose version online was kept


def missing_sources(institution: Institution) -> list[str]:
    """SQLite source files the institution names that do not exist (connecting would create them empty)."""
    missing = []
    for system in SYSTEMS:
        url = make_url(institution.sources[system].resolved_url())
        if url.get_backend_name() == "sqlite" and url.database and not Path(url.database).exists():
            missing.append(f"{system} ({url.database})")
    return missing


def extraction_job_defs(defs: dg.Definitions) -> list[dg.JobDefinition]:
    """The night's extraction jobs: partitioned, and selecting extraction assets only."""
    jobs = []
    for job in defs.get_repository_def().get_all_jobs():
        keys = job.asset_layer.selected_asset_keys
        if job.partitions_def is not None and keys and all(is_extraction(key) for key in keys):
            jobs.append(job)
    return sorted(jobs, key=lambda job: job.name)


def years_in(job: dg.JobDefinition, first: int, last: int) -> list[str]:
    """The job's partition keys from ``first`` to ``last``; fails naming the years the job has."""
    existing = job.partitions_def.get_partition_keys()
    keys = [key for key in existing if first <= int(key) <= last]
    if not keys:
        raise ConfigurationError(f"{job.name}: no partition between {first} and {last} "
                                 f"(its years are {existing[0]} to {existing[-1]})")
    return keys


def _execute(job: dg.JobDefinition, instance: dg.DagsterInstance, tags: dict[str, str],
             summary: RunSummary, label: str) -> dg.ExecuteInProcessResult:
    """One run of a job, recorded in the summary; a failed step (other than a blocking check) stops the backfill."""
    result = job.execute_in_process(instance=instance, tags=tags, run_config=QUIET, raise_on_error=False)
    summary.run_ids.append(result.run_id)
    _collect(result, summary, label)
    if not result.success and (error := _error_line(result)) is not None:
        raise RunFailed(f"{job.name} (run {result.run_id}): {error}")
    return result


def _silent(message: str) -> None:
    del message


def run_backfill(institution_name: str | None, first: int, last: int,
                 announce: Callable[[str], None] = _silent) -> BackfillResult:
    """Everything ``opendata backfill`` does; errors are OpenDataError with a one-line message."""
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
    for system in SYSTEMS:  # fail in one line before any run starts
        SourceDatabase(system=system, url=institution.sources[system].resolved_url()).check_reachable()
    defs = build_definitions(institution)
    instance = dagster_instance()
    result = BackfillResult(institution, f"{first}-{last}", RunSummary(), Path())
    tags = {BACKFILL_TAG: result.tag}
    jobs = extraction_job_defs(defs)
    ranges = {job.name: years_in(job, first, last) for job in jobs}  # every range checked before any run
    for job in jobs:
        keys = ranges[job.name]
        result.ranges[job.name] = label = f"{keys[0]}–{keys[-1]}"
        announce(f"{job.name}: partitions {label}, one run")
        _execute(job, instance, {**tags, RANGE_START: keys[0], RANGE_END: keys[-1]}, result.summary, label)
    publication = defs.get_job_def(PUBLICATION_JOB)
    announce(f"{PUBLICATION_JOB}: every dataset, from every year staged")
    run = _execute(publication, instance, tags, result.summary, "no partition")
    published = set()
    for event in run.get_asset_materialization_events():
        materialization = event.event_specific_data.materialization
        published.add(materialization.asset_key)
        version, new = materialization.metadata.get("version"), materialization.metadata.get("new_version")
        if version is not None and new is not None:
            dataset = materialization.asset_key.path[-1]
            if new.value:
                result.new_versions[dataset] = version.value
            else:
                result.unchanged.append(dataset)
    selected = publication.asset_layer.selected_asset_keys
    result.summary.skipped += sorted(key.to_user_string() for key in selected if key not in published)
    result.report = build_index(institution.reports_dir, dt.date.today(), load_catalogue())
    return result
