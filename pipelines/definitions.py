"""The single entry point Dagster loads (``workspace.yaml``): assets, resources, jobs.

Everything is built for one institution, chosen by ``OPENDATA_INSTITUTION``
(default ``demo``): its file under ``config/institutions/`` gives the sources,
the staging and the store. Cross-cutting policy lives here, not in assets:
the retry policy of the night's extraction, the jobs, schedules and sensors
(the steward page built once per run among them: ``pipelines.steward``),
and the executor, which holds the home's lock for every run
(``pipelines.executors``, ``docs/operations.md``).
"""

from __future__ import annotations

import os

import dagster as dg

from anonymisation.datasets import Establishment
from anonymisation.policy import POLICY_DIR, Policy
from assets.anonymised import anonymised_assets
from assets.candidate_checks import CheckSettings, quality_checks
from assets.datagouv import datagouv_assets
from assets.extracted import extraction_assets
from assets.partitions import YearPartitions
from assets.published import published_assets
from pipelines.alerts import run_failure_alert_sensor
from pipelines.backfill_sensor import backfill_publication_sensor
from pipelines.column_registry import load_registry
from pipelines.executors import executor
from pipelines.jobs import INSTITUTION_TAG, domain_jobs, extraction_jobs, extraction_needs, publication_job
from pipelines.nightly import night_schedule, publication_sensor
from pipelines.steward import steward_page_sensor
from resources.candidates import CandidateArea
from resources.common.institution import SYSTEMS, Institution, load_institution
from resources.datagouv import DatagouvPublisher
from resources.publishing.metadata import Producer
from resources.sources import SourceDatabase
from resources.sourcing.correcting import CorrectionSettings
from resources.sourcing.contracts import year_columns
from resources.staging import StagingArea
from resources.store import OutputStore

# A source database restarting or briefly unreachable at night: three more
# attempts of the failed extraction step, after about 30 s, 90 s and 210 s
# (exponential backoff; jitter so that a run's many steps do not all knock at
# the same instant). Only the extraction jobs carry it: anonymisation and
# publication failures are not the kind a retry cures.
EXTRACTION_RETRY_POLICY = dg.RetryPolicy(max_retries=3, delay=30, backoff=dg.Backoff.EXPONENTIAL,
                                         jitter=dg.Jitter.PLUS_MINUS)


def source_resource(institution: Institution, system: str) -> SourceDatabase:
    """The system's database: its environment variable when set (kept secret in the UI), else the file's URL."""
    source = institution.sources[system]
    url = dg.EnvVar(source.url_env) if source.env_url() else source.resolved_url()
    batch_rows = int(os.environ.get("OPENDATA_BATCH_ROWS") or 100_000)
    return SourceDatabase(system=system, url=url, batch_rows=batch_rows)


def producer(institution: Institution) -> Producer:
    """The institution as the published metadata name it."""
    return Producer(institution.name, institution.siret, institution.uai, institution.contact_email,
                    institution.datagouv_organization, institution.public_base_url, institution.spatial_zones,
                    institution.spatial_granularity, institution.identifiers)


def dataset_feeds(catalogue: dict[str, Policy]) -> dict[str, tuple[str, ...]]:
    """The published datasets each source table feeds (``system.table`` -> datasets), from the policies' inputs."""
    tables = {i for p in catalogue.values() for i in p.inputs}
    return {t: tuple(sorted(p.dataset for p in catalogue.values() if t in p.inputs)) for t in sorted(tables)}


def build_definitions(institution: Institution,
                      extraction_retry: dg.RetryPolicy = EXTRACTION_RETRY_POLICY) -> dg.Definitions:
    """Assets, checks, resources, jobs, schedules and sensors of one institution."""
    partitions = YearPartitions(institution.first_year)
    policies = institution.policies_dir or POLICY_DIR
    registry = load_registry(institution.contracts_dir, policies)  # contracts, classes, policies and suites cross-checked
    catalogue, contracts = registry.catalogue, registry.contracts
    assets: list[dg.AssetsDefinition] = []
    corrections = CorrectionSettings(institution.corrections_dir, dataset_feeds(catalogue))
    for contract in contracts:
        assets += extraction_assets(contract, partitions, corrections)
    identity = Establishment(institution.name, institution.siret, institution.identifiers)
    assets += anonymised_assets(catalogue, identity, year_columns(contracts))
    assets += published_assets(catalogue, producer(institution), institution.datagouv_dir)
    assets += datagouv_assets(catalogue, institution.datagouv, producer(institution), institution.datagouv_dir)
    checks = quality_checks(catalogue, CheckSettings(institution.first_year, institution.row_drift))
    resources = {f"{system}_db": source_resource(institution, system) for system in SYSTEMS}
    resources["staging"] = StagingArea(root=str(institution.staging_dir))
    resources["candidates"] = CandidateArea(root=str(institution.candidates_dir), reports=str(institution.reports_dir))
    resources["store"] = OutputStore(root=str(institution.store_dir), retention=institution.store_retention,
                                     alerts=str(institution.work_dir / "alerts" / "alerts.jsonl"))
    if institution.datagouv is not None and institution.datagouv.channel == "api":
        settings = institution.datagouv
        resources["datagouv"] = DatagouvPublisher(api_url=settings.api_url, api_key_env=settings.api_key_env,
                                                  dry_run=settings.dry_run, state_dir=str(institution.datagouv_dir))
    tags = {INSTITUTION_TAG: institution.id}
    extraction = extraction_jobs(assets, partitions, extraction_retry, tags)
    publication = publication_job(assets, tags)
    needs = extraction_needs(assets)
    return dg.Definitions(
        assets=assets, asset_checks=checks, resources=resources, executor=executor(institution.work_dir),
        jobs=[*domain_jobs(assets, tags), *(e.job for e in extraction), publication],
        schedules=[night_schedule(e) for e in extraction],
        sensors=[publication_sensor(extraction, publication, needs), backfill_publication_sensor(publication, needs),
                 run_failure_alert_sensor(institution.work_dir / "alerts" / "alerts.jsonl"),
                 steward_page_sensor(institution.reports_dir, catalogue, institution.id)],
    )


defs = build_definitions(load_institution())
