"""The night's own jobs, launched in-process by ``opendata demo`` and ``opendata backfill``.

There is one way to run the night: its jobs (``pipelines.jobs``). The
schedule launches each extraction job for the year in progress, and the
publication sensor then launches ``publication_job`` (``pipelines.nightly``).
The commands launch the same jobs, in the same order, in their own process
and on the persistent instance (so `dagster dev` shows their runs, under the
jobs' names):

1. each extraction job once, over a range of years (one run: the extraction
   assets have ``BackfillPolicy.single_run``), with its retry policy and tags;
2. ``publication_job`` once, over every dataset whose sources were all
   extracted: the selection the night's sensor makes, so a source that could
   not be reached holds back its own datasets and never the others.

The command holds the home's lock for all its runs (``pipelines.home_lock``)
and builds the steward page once, at its end (``pipelines.steward``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import dagster as dg

from pipelines.jobs import PUBLICATION_JOB, is_extraction
from pipelines.summary import (NO_PARTITION, QUIET, RANGE_END, RANGE_START, RunSummary, block_systems,
                               dependencies, plan, record)

Deps = Mapping[dg.AssetKey, frozenset[dg.AssetKey]]


def extraction_job_defs(defs: dg.Definitions) -> list[dg.JobDefinition]:
    """The night's extraction jobs: partitioned, and selecting extraction assets only."""
    jobs = []
    for job in defs.get_repository_def().get_all_jobs():
        keys = job.asset_layer.selected_asset_keys
        if job.partitions_def is not None and keys and all(is_extraction(key) for key in keys):
            jobs.append(job)
    return sorted(jobs, key=lambda job: job.name)


def recent_years(defs: dg.Definitions, count: int) -> dict[str, list[str]]:
    """Each extraction job's ``count`` most recent partition keys (the year in progress included)."""
    return {job.name: job.partitions_def.get_partition_keys()[-count:] for job in extraction_job_defs(defs)}


def silent(message: str) -> None:
    """An announcer that says nothing."""
    del message


def launch_night(defs: dg.Definitions, instance: dg.DagsterInstance, years: Mapping[str, list[str]],
                 tags: Mapping[str, str], unavailable: Mapping[str, str] | None = None,
                 announce: Callable[[str], None] = silent) -> RunSummary:
    """Run each extraction job over its ``years``, then the publication job; never stops at a failure.

    ``unavailable`` maps a system found unreachable to the reason: its
    extraction is not attempted, and what is built from it is held back.
    """
    assets = [a for a in defs.assets if isinstance(a, dg.AssetsDefinition)]
    deps = dependencies(assets)
    summary = RunSummary()
    block_systems(assets, unavailable or {}, summary)
    for job in extraction_job_defs(defs):
        keys = years[job.name]
        label = f"{keys[0]}–{keys[-1]}"
        _execute(job, instance, {**tags, RANGE_START: keys[0], RANGE_END: keys[-1]}, summary, label, deps, announce)
    _execute(defs.resolve_job_def(PUBLICATION_JOB), instance, dict(tags), summary, NO_PARTITION, deps, announce)
    return summary


def _execute(job: dg.JobDefinition, instance: dg.DagsterInstance, tags: dict[str, str], summary: RunSummary,
             label: str, deps: Deps, announce: Callable[[str], None]) -> None:
    """One run of ``job`` over the assets whose upstreams were materialised; a failure holds back only its own.

    For ``publication_job`` this is the sensor's selection: every asset all of
    whose extraction sources were materialised (``plan`` walks the graph from
    what the extraction runs did).
    """
    selected = plan(job.asset_layer.selected_asset_keys, deps, summary)
    if not selected:
        announce(f"{job.name}: nothing to run (see 'held back' below)")
        return
    announce(f"{job.name}: {len(selected)} asset(s), partitions {label}")
    result = job.execute_in_process(instance=instance, tags=tags, run_config=QUIET, raise_on_error=False,
                                    asset_selection=selected)
    record(result, selected, deps, summary, label)
