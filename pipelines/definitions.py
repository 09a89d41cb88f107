"""The single entry point Dagster loads (``workspace.yaml``): assets, resources, jobs.

Everything is built for one institution, chosen by ``OPENDATA_INSTITUTION``
(default ``demo``): its file under ``config/institutions/`` gives the sources,
the staging and the store. Cross-cutting policy lives here, not in assets.
"""

from __future__ import annotations

import os

import dagster as dg

from anonymisation.policy import load_catalogue
from assets.anonymised import anonymised_assets
from assets.audit import audit_asset
from assets.extracted import extraction_assets
from assets.partitions import YearPartitions
from resources.candidates import CandidateArea
from resources.contracts import load_contract
from resources.institution import SYSTEMS, Institution, load_institution
from resources.sources import SourceDatabase
from resources.staging import StagingArea


def source_resource(institution: Institution, system: str) -> SourceDatabase:
    """The system's database: its environment variable when set (kept secret in the UI), else the file's URL."""
    source = institution.sources[system]
    url = dg.EnvVar(source.url_env) if source.env_url() else source.resolved_url()
    batch_rows = int(os.environ.get("OPENDATA_BATCH_ROWS") or 100_000)
    return SourceDatabase(system=system, url=url, batch_rows=batch_rows)


def build_definitions(institution: Institution) -> dg.Definitions:
    """Assets and resources of one institution."""
    partitions = YearPartitions(institution.first_year)
    assets: list[dg.AssetsDefinition] = []
    for system in SYSTEMS:
        assets += extraction_assets(load_contract(institution.contracts_dir, system), partitions)
    identity = (institution.name, institution.siret)
    catalogue = load_catalogue()
    assets += anonymised_assets(catalogue, identity, str(institution.store_dir))
    assets.append(audit_asset(catalogue))
    resources = {f"{system}_db": source_resource(institution, system) for system in SYSTEMS}
    resources["staging"] = StagingArea(root=str(institution.staging_dir))
    resources["candidates"] = CandidateArea(root=str(institution.candidates_dir), reports=str(institution.reports_dir))
    return dg.Definitions(assets=assets, resources=resources)


defs = build_definitions(load_institution())
