"""Jobs: one per domain for runs by hand, and the three jobs of the night.

A Dagster run carries a single partitions definition, and our assets have
three: academic years (students' yearly tables), calendar years (HR and
finance yearly tables) and none (reference tables, anonymised, open and
data.gouv.fr assets). Dagster 1.13 refuses a job over both yearly
calendars ("Selected assets must have the same partitions definitions"), so
there is no single job for the whole night. The night is three jobs instead:

- ``academic_year_extraction_job`` and ``calendar_year_extraction_job``: the
  extraction of the domains on that calendar, yearly tables for one year and
  the domain's reference tables with them (the yearly extractions read them);
- ``publication_job``: everything that is not an extraction (anonymised,
  checks, open files, data.gouv.fr), unpartitioned, launched by
  ``pipelines.nightly`` once the night's extractions are over.

Only the extraction jobs retry (a source database restarting at night); the
policy is chosen in ``pipelines.definitions``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

import dagster as dg

from assets.partitions import YearPartitions
from resources.common.vocabulary import EXTRACTED

if TYPE_CHECKING:  # what `dg.define_asset_job` returns: Dagster 1.13 exports no name for it (a type, never imported)
    from dagster._core.definitions.unresolved_asset_job_definition import UnresolvedAssetJobDefinition as AssetJob

PUBLICATION_JOB = "publication_job"
# Every run of an institution's jobs carries its id, however it was launched
# (schedule, sensor, UI, CLI): in an operator's deployment several
# institutions share one Dagster instance and the same job names.
INSTITUTION_TAG = "opendata/institution"
# Dagster's per-run switch over the instance's `run_retries`: a run whose step
# already exhausted its own retries is not re-run by the daemon as well.
RUN_RETRY_ON_STEP_FAILURE_TAG = "dagster/retry_on_asset_or_op_failure"


@dataclass(frozen=True)
class ExtractionJob:
    """A job of the night that extracts every domain of one yearly calendar."""

    job: AssetJob
    partitions_def: dg.TimeWindowPartitionsDefinition


def is_extraction(key: dg.AssetKey) -> bool:
    return len(key.path) == 3 and key.path[1] == EXTRACTED


def _keys(assets: list[dg.AssetsDefinition]) -> list[dg.AssetKey]:
    return [key for asset in assets for key in asset.keys]


def domain_jobs(assets: list[dg.AssetsDefinition], tags: Mapping[str, str]) -> list[AssetJob]:
    """``<domain>_job``: a domain's whole flow for one year (extraction to publication), for runs by hand.

    Each domain has one yearly calendar (or none, for ``reference``), so each
    job has one partitions definition. These jobs do not retry: a person
    launched the run and sees its failure.
    """
    domains = sorted({group for asset in assets for group in asset.group_names_by_key.values()})
    return [
        dg.define_asset_job(
            f"{domain}_job",
            selection=dg.AssetSelection.groups(domain),
            description=f"Domaine {domain}: extraction, anonymisation, contrôles et publication, pour une année.",
            tags=dict(tags),
        )
        for domain in domains
    ]


def extraction_jobs(
    assets: list[dg.AssetsDefinition], partitions: YearPartitions, retry_policy: dg.RetryPolicy,
    tags: Mapping[str, str],
) -> list[ExtractionJob]:
    """One extraction job per yearly calendar, covering the domains partitioned on it.

    A domain whose yearly tables followed both calendars would make its job
    unresolvable: the definitions would fail to load, naming the assets.
    """
    jobs = []
    for label, partitions_def in (("academic_year", partitions.academic), ("calendar_year", partitions.calendar)):
        domains = sorted({key.path[0] for asset in assets if asset.partitions_def is partitions_def
                          for key in asset.keys})
        if not domains:
            continue
        selection = dg.AssetSelection.key_prefixes(*([domain, EXTRACTED] for domain in domains))
        job = dg.define_asset_job(
            f"{label}_extraction_job",
            selection=selection,
            description=f"Extraction de nuit ({', '.join(domains)}): une année et les tables de référence.",
            op_retry_policy=retry_policy,
            tags={**tags, RUN_RETRY_ON_STEP_FAILURE_TAG: "false"},
        )
        jobs.append(ExtractionJob(job, partitions_def))
    return jobs


def publication_job(assets: list[dg.AssetsDefinition], tags: Mapping[str, str]) -> AssetJob:
    """Everything downstream of extraction, with its checks: unpartitioned, never retried."""
    keys = [key for key in _keys(assets) if not is_extraction(key)]
    return dg.define_asset_job(
        PUBLICATION_JOB,
        selection=dg.AssetSelection.assets(*keys),
        description="Anonymisation, contrôles bloquants, publication et data.gouv.fr, depuis la zone de staging.",
        tags=dict(tags),
    )


def extraction_needs(assets: list[dg.AssetsDefinition]) -> dict[dg.AssetKey, frozenset[dg.AssetKey]]:
    """For each asset after extraction, every extraction asset it is built from, directly or not."""
    parents = {spec.key: {dep.asset_key for dep in spec.deps} for asset in assets for spec in asset.specs}
    memo: dict[dg.AssetKey, frozenset[dg.AssetKey]] = {}

    def ancestors(key: dg.AssetKey) -> frozenset[dg.AssetKey]:
        if key not in memo:
            found: set[dg.AssetKey] = set()
            for parent in parents.get(key, ()):
                found |= {parent} | ancestors(parent)
            memo[key] = frozenset(found)
        return memo[key]

    return {key: frozenset(k for k in ancestors(key) if is_extraction(k)) for key in parents if not is_extraction(key)}
