"""What the night's runs did, read from their results: the summary ``opendata demo`` and ``backfill`` print.

The commands launch the night's own jobs (``pipelines.launch``); this module
says which assets a run may select and records what each run did. One
failure stops one dataset, as in the night (``pipelines.nightly``): a failed
step (an unreachable system, a renamed column, a bad value, a full disk)
holds back the assets built from it, and only those; every run after it
selects only the assets whose upstreams were all materialised. Each asset
not materialised is recorded with why: the step that failed first upstream
(its error class, and its message only when the error is one of ours, whose
messages never quote a value) or the blocking check that failed.
"""

from __future__ import annotations

import graphlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import dagster as dg

from resources.common.errors import OpenDataError
from resources.common.vocabulary import EXTRACTED, OPEN

RANGE_START = "dagster/asset_partition_range_start"
RANGE_END = "dagster/asset_partition_range_end"
NO_PARTITION = "no partition"
QUIET = {"loggers": {"console": {"config": {"log_level": "CRITICAL"}}}}
CHECK_FAILED = "DagsterAssetCheckFailedError"


@dataclass
class RunSummary:
    """What the runs did: rows per asset, checks, datasets published, unchanged and held back."""

    rows: dict[str, int] = field(default_factory=dict)
    partitions: dict[str, str] = field(default_factory=dict)
    run_ids: list[str] = field(default_factory=list)
    checks: dict[str, bool] = field(default_factory=dict)  # "asset:check" -> passed
    severities: dict[str, str] = field(default_factory=dict)  # "asset:check" -> ERROR | WARN
    done: set[str] = field(default_factory=set)  # assets materialised
    blocked: dict[str, str] = field(default_factory=dict)  # asset not materialised -> why
    published: dict[str, str] = field(default_factory=dict)  # dataset -> new version written
    unchanged: list[str] = field(default_factory=list)  # datasets whose version online was kept

    @property
    def failed_checks(self) -> list[str]:
        """Blocking (ERROR) checks that failed."""
        return sorted(n for n, passed in self.checks.items() if not passed and self.severities.get(n) == "ERROR")

    @property
    def warnings(self) -> list[str]:
        """Informative (WARN) checks with findings."""
        return sorted(n for n, passed in self.checks.items() if not passed and self.severities.get(n) == "WARN")

    @property
    def held_back(self) -> dict[str, str]:
        """Datasets not published, and why (the version online, if any, stays as it was)."""
        return {key.split("/")[-1]: why for key, why in sorted(self.blocked.items())
                if len(key.split("/")) == 3 and key.split("/")[1] == OPEN}

    @property
    def skipped(self) -> list[str]:
        """Assets not materialised."""
        return sorted(self.blocked)


def dependencies(assets: Iterable[dg.AssetsDefinition]) -> dict[dg.AssetKey, frozenset[dg.AssetKey]]:
    """Each asset's upstream assets within the graph."""
    specs = [spec for asset in assets for spec in asset.specs]
    own = {spec.key for spec in specs}
    return {spec.key: frozenset(d.asset_key for d in spec.deps if d.asset_key in own) for spec in specs}


def ordered(keys: Iterable[dg.AssetKey], deps: Mapping[dg.AssetKey, frozenset[dg.AssetKey]]) -> list[dg.AssetKey]:
    """``keys`` in an order where every asset comes after its upstreams among them (by name within a layer)."""
    own = set(keys)
    sorter = graphlib.TopologicalSorter({key: deps.get(key, frozenset()) & own for key in own})
    sorter.prepare()  # Dagster refuses a cyclic graph when the definitions load: never raised here
    out: list[dg.AssetKey] = []
    while sorter.is_active():
        ready = sorted(sorter.get_ready(), key=lambda k: k.to_user_string())
        out += ready
        sorter.done(*ready)
    return out


def plan(keys: Iterable[dg.AssetKey], deps: Mapping[dg.AssetKey, frozenset[dg.AssetKey]],
         summary: RunSummary) -> list[dg.AssetKey]:
    """The keys a run may select: those whose upstreams are materialised or selected with them.

    The others are recorded in ``summary.blocked`` with their upstream's reason.
    """
    chosen: list[dg.AssetKey] = []
    for key in ordered(keys, deps):
        name = key.to_user_string()
        if name in summary.blocked:
            continue
        for dep in sorted(deps.get(key, ()), key=lambda k: k.to_user_string()):
            upstream = dep.to_user_string()
            if upstream in summary.blocked:
                summary.blocked[name] = summary.blocked[upstream]
                break
            if upstream not in summary.done and dep not in chosen:
                summary.blocked[name] = f"{upstream}: not materialised"
                break
        else:
            chosen.append(key)
    return chosen


def _ours() -> set[str]:
    """Class names of our errors (their messages never quote a value) and of Dagster's failure carrying one."""
    names, todo = {"Failure"}, [OpenDataError]
    while todo:
        cls = todo.pop()
        names.add(cls.__name__)
        todo += cls.__subclasses__()
    return names


def _step_errors(result: dg.ExecuteInProcessResult) -> dict[str, str]:
    """Each failed step's error, as one safe line: the class, and the message of our errors only."""
    ours, errors = _ours(), {}
    for event in result.get_step_failure_events():
        error = event.step_failure_data.error
        if error is not None and error.cls_name == CHECK_FAILED:
            continue  # a failed blocking check is reported as such, not as an error
        chain = []
        while error is not None:
            chain.append(error)
            error = error.cause
        known = next((e for e in chain if e.cls_name in ours), None)
        if known is not None:
            line = (known.message.strip().splitlines() or [""])[0]
            head, _, rest = line.partition(": ")
            if head.endswith(known.cls_name):  # Dagster prefixes the class path: keep the message only
                line = rest
            errors[event.step_key] = f"{known.cls_name}: {line}"
        else:  # a library error may quote a value: its class only, its message stays in the run's logs
            errors[event.step_key] = f"{chain[-1].cls_name if chain else 'unknown error'} (see run {result.run_id})"
    return errors


def record(result: dg.ExecuteInProcessResult, selected: list[dg.AssetKey],
           deps: Mapping[dg.AssetKey, frozenset[dg.AssetKey]], summary: RunSummary, label: str) -> None:
    """Record a run: rows, checks, published datasets, and why each selected asset was not materialised."""
    summary.run_ids.append(result.run_id)
    _collect(result, summary, label)
    errors = _step_errors(result)
    failed_checks = {}
    for evaluation in result.get_asset_check_evaluations():
        if not evaluation.passed and evaluation.severity == dg.AssetCheckSeverity.ERROR:
            failed_checks.setdefault(evaluation.asset_key, f"{evaluation.asset_key.to_user_string()}:"
                                                           f"{evaluation.check_name}")
    materialised = {e.event_specific_data.materialization.asset_key for e in result.get_asset_materialization_events()}
    for key in ordered(selected, deps):
        name = key.to_user_string()
        if key in materialised:
            summary.done.add(name)
            continue
        step = key.to_python_identifier()
        if step in errors:
            summary.blocked[name] = f"step {name} failed: {errors[step]}"
            continue
        for dep in sorted(deps.get(key, ()), key=lambda k: k.to_user_string()):
            if dep.to_user_string() in summary.blocked:
                summary.blocked[name] = summary.blocked[dep.to_user_string()]
                break
            if dep in failed_checks:
                summary.blocked[name] = f"blocking check failed: {failed_checks[dep]}"
                break
        else:
            other = next(iter(errors.items()), None)
            summary.blocked[name] = (f"step {other[0]} failed: {other[1]}" if other
                                     else f"not materialised (see run {result.run_id})")


def block_systems(assets: Iterable[dg.AssetsDefinition], unavailable: Mapping[str, str], summary: RunSummary) -> None:
    """Hold back the extraction of every system that cannot be reached, with the reason found before any run."""
    for asset in assets:
        for key in asset.keys:
            if len(key.path) == 3 and key.path[1] == EXTRACTED and key.path[0] in unavailable:
                summary.blocked[key.to_user_string()] = unavailable[key.path[0]]


def _collect(result: dg.ExecuteInProcessResult, summary: RunSummary, label: str) -> None:
    for evaluation in result.get_asset_check_evaluations():
        name = f"{evaluation.asset_key.to_user_string()}:{evaluation.check_name}"
        summary.checks[name] = evaluation.passed
        summary.severities[name] = evaluation.severity.value
    for event in result.get_asset_materialization_events():
        mat = event.event_specific_data.materialization
        key = mat.asset_key.to_user_string()
        version, new = mat.metadata.get("version"), mat.metadata.get("new_version")
        if mat.asset_key.path[1:2] == [OPEN] and version is not None and new is not None:
            if new.value:
                summary.published[mat.asset_key.path[-1]] = version.value
            else:
                summary.unchanged.append(mat.asset_key.path[-1])
        row_count = mat.metadata.get("dagster/row_count")
        if row_count is None:  # a push to data.gouv.fr: no table of its own
            continue
        summary.rows[key] = summary.rows.get(key, 0) + row_count.value
        # A run of an extraction job covers its reference tables too: they have no partition of their own.
        summary.partitions[key] = label if mat.partition is not None else NO_PARTITION
