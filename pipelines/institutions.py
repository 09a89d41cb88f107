"""One Dagster code location per institution, for a shared-services operator (``workspace.operator.yaml``).

Each file ``config/institutions/<id>.yaml`` becomes a module attribute named
after its id, dashes turned into underscores (``demo-bis`` -> ``demo_bis``),
holding that institution's ``dg.Definitions``: its own sources, staging,
candidates, store, reports, alerts and data.gouv.fr state, all under its
``work_dir`` (``resources/common/institution.py``). A workspace entry loads one of
them with ``attribute:``; each code location is a separate process, so it
builds only the institution it names.

Every asset key is prefixed with the institution (``[demo_bis, hr, extracted,
agents]``; checks, dependencies, jobs, schedules and sensors follow). Dagster
1.13 keys an asset's history by its key alone, across code locations: with
the same ``[domain, layer, table]`` keys in two locations its workspace asset
graph keeps one location's assets (a warning, "Only one MATERIALIZATION node
is allowed per asset key"), so the catalogue hid the other institutions and
their materialisations would have been mixed. The single-institution
deployment (``workspace.yaml``, ``pipelines.definitions``) keeps its keys
unprefixed. See ``docs/operations.md``, "Several institutions".
"""

from __future__ import annotations

from functools import cache

import dagster as dg
from dagster_shared.record import copy

from pipelines.backfill_sensor import BACKFILL_SENSOR, backfill_publication_sensor
from pipelines.definitions import build_definitions
from pipelines.jobs import PUBLICATION_JOB, ExtractionJob, extraction_needs
from pipelines.nightly import PUBLICATION_SENSOR, night_schedule, publication_sensor
from resources.common.institution import Institution, config_dir, load_institution


def institution_ids() -> list[str]:
    """Every institution of the deployment: one file each in ``config/institutions/``."""
    return sorted(path.stem for path in (config_dir() / "institutions").glob("*.yaml"))


def attribute_name(institution_id: str) -> str:
    """The module attribute of an institution: a Python name (``demo-bis`` -> ``demo_bis``)."""
    return institution_id.replace("-", "_")


def key_prefix(institution: Institution) -> str:
    """The first part of every asset key of an institution in the operator deployment."""
    return attribute_name(institution.id)


@cache
def institution_definitions(institution_id: str) -> dg.Definitions:
    """The definitions of one institution, keys prefixed with it, built once per process."""
    return prefixed_definitions(load_institution(institution_id))


def prefixed_definitions(institution: Institution) -> dg.Definitions:
    """``build_definitions`` of the institution, every asset and check key under ``key_prefix``.

    Asset and check definitions are renamed with Dagster's
    ``with_attributes(asset_key_replacements=...)`` (dependencies follow). The
    jobs select assets by key, so each is rebuilt on the renamed keys it
    selected; the schedules and the two publication sensors are rebuilt on those
    jobs. Group names, job, schedule and sensor names stay as they are: they
    are already scoped by the code location.
    """
    defs = build_definitions(institution)
    graph = defs.resolve_asset_graph()
    prefix = key_prefix(institution)
    renamed = {key: dg.AssetKey([prefix, *key.path]) for key in graph.get_all_asset_keys()}
    assets = [asset.with_attributes(asset_key_replacements=renamed) for asset in defs.assets or []]
    checks = [check.with_attributes(asset_key_replacements=renamed) for check in defs.asset_checks or []]
    selected = {job.name: job.selection.resolve(graph) for job in defs.jobs or []}
    jobs = {job.name: copy(job, selection=dg.AssetSelection.assets(*(renamed[k] for k in sorted(selected[job.name]))))
            for job in defs.jobs or []}
    # The scheduled jobs are the night's extractions, one yearly calendar each.
    extraction = [ExtractionJob(jobs[schedule.job_name], graph.get(min(selected[schedule.job_name])).partitions_def)
                  for schedule in defs.schedules or []]
    needs = {renamed[key]: frozenset(renamed[k] for k in sources)
             for key, sources in extraction_needs(list(defs.assets or [])).items()}
    kept_sensors = [sensor for sensor in defs.sensors or [] if sensor.name not in (PUBLICATION_SENSOR, BACKFILL_SENSOR)]
    return dg.Definitions(
        assets=assets, asset_checks=checks, resources=defs.resources, executor=defs.executor, jobs=list(jobs.values()),
        schedules=[night_schedule(e) for e in extraction],
        sensors=[publication_sensor(extraction, jobs[PUBLICATION_JOB], needs),
                 backfill_publication_sensor(jobs[PUBLICATION_JOB], needs), *kept_sensors],
    )


def __getattr__(name: str) -> dg.Definitions:
    """``pipelines.institutions.demo_bis``: the definitions of ``config/institutions/demo-bis.yaml``."""
    by_attribute = {attribute_name(ident): ident for ident in institution_ids()}
    if name not in by_attribute:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r} "
                             f"(no institution file for it in {config_dir() / 'institutions'})")
    return institution_definitions(by_attribute[name])


def __dir__() -> list[str]:
    return sorted([*globals(), *(attribute_name(ident) for ident in institution_ids())])
