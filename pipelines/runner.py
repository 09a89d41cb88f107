"""Materialise every asset of the definitions in-process, in dependency order.

A Dagster run carries one partitions definition, so assets are run in steps:
each step is one run of one partitions definition (academic years, calendar
years, unpartitioned) holding every asset of that definition whose upstreams
are done or in the same run, covering a range of years in a single run
(``BackfillPolicy.single_run``). Anonymisation, its checks and publication
share one run, so a failed blocking check skips that dataset's publication
there and then, and the other datasets still publish.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import dagster as dg

from resources.errors import OpenDataError

RANGE_START = "dagster/asset_partition_range_start"
RANGE_END = "dagster/asset_partition_range_end"
QUIET = {"loggers": {"console": {"config": {"log_level": "CRITICAL"}}}}


class RunFailed(OpenDataError):
    """A step of an in-process run failed; the message is the step's own (safe) error line."""


@dataclass
class RunSummary:
    """Rows materialised per asset, and the Dagster run ids."""

    rows: dict[str, int] = field(default_factory=dict)
    partitions: dict[str, str] = field(default_factory=dict)
    run_ids: list[str] = field(default_factory=list)
    checks: dict[str, bool] = field(default_factory=dict)  # "asset:check" -> passed
    severities: dict[str, str] = field(default_factory=dict)  # "asset:check" -> ERROR | WARN
    skipped: list[str] = field(default_factory=list)  # assets not materialised because a blocking check failed

    @property
    def failed_checks(self) -> list[str]:
        """Blocking (ERROR) checks that failed."""
        return sorted(n for n, passed in self.checks.items() if not passed and self.severities.get(n) == "ERROR")

    @property
    def warnings(self) -> list[str]:
        """Informative (WARN) checks with findings."""
        return sorted(n for n, passed in self.checks.items() if not passed and self.severities.get(n) == "WARN")


def _runs(assets: list[dg.AssetsDefinition]) -> list[list[dg.AssetsDefinition]]:
    """Groups of assets of one partitions definition, in an order that respects every dependency."""
    done: set[dg.AssetKey] = set()
    pending = list(assets)
    own = {key for asset in assets for key in asset.keys}
    runs = []
    while pending:
        progressed = False
        for partitions_def in _distinct(a.partitions_def for a in pending):
            group: list[dg.AssetsDefinition] = []
            keys: set[dg.AssetKey] = set()
            changed = True
            while changed:
                changed = False
                for asset in pending:
                    if asset in group or asset.partitions_def is not partitions_def:
                        continue
                    if all(d in done or d in keys or d not in own for d in asset.dependency_keys):
                        group.append(asset)
                        keys |= set(asset.keys)
                        changed = True
            if group:
                runs.append(group)
                done |= keys
                pending = [a for a in pending if a not in group]
                progressed = True
        if not progressed:
            raise RunFailed("the asset graph has a cycle")
    return runs


def _distinct(items) -> list:
    seen: list = []
    for item in items:
        if not any(item is s for s in seen):
            seen.append(item)
    return seen


CHECK_FAILED = "DagsterAssetCheckFailedError"


def _error_line(result: dg.ExecuteInProcessResult) -> str | None:
    """The first step failure that is not a failed blocking check (those are reported, not raised)."""
    for event in result.get_step_failure_events():
        error = event.step_failure_data.error
        if error is not None and error.cls_name == CHECK_FAILED:
            continue
        while error is not None and error.cause is not None:
            error = error.cause
        message = error.message if error is not None else "unknown error"
        return f"{event.step_key}: {message.strip().splitlines()[0]}"
    return None


def materialize_all(
    defs: dg.Definitions,
    instance: dg.DagsterInstance,
    last_years: int,
    on_run: Callable[[str, int], None] | None = None,
) -> RunSummary:
    """Run every asset, the partitioned ones over their last ``last_years`` keys."""
    assets = [a for a in defs.assets if isinstance(a, dg.AssetsDefinition)]
    checks = list(defs.asset_checks or [])
    summary = RunSummary()
    for group in _runs(assets):
        tags, label = _range_tags(group[0].partitions_def, last_years)
        if on_run:
            on_run(label, len(group))
        selected = [key for asset in group for key in asset.keys]
        result = dg.materialize(
            [*assets, *checks],
            instance=instance,
            resources=defs.resources,
            selection=dg.AssetSelection.assets(*selected),
            tags=tags,
            run_config=QUIET,
            raise_on_error=False,
        )
        summary.run_ids.append(result.run_id)
        _collect(result, summary, label)
        if not result.success:
            error = _error_line(result)
            if error is not None:
                raise RunFailed(error)
        done = {e.event_specific_data.materialization.asset_key.to_user_string()
                for e in result.get_asset_materialization_events()}
        summary.skipped += sorted(k.to_user_string() for k in selected if k.to_user_string() not in done)
    return summary


def _collect(result: dg.ExecuteInProcessResult, summary: RunSummary, label: str) -> None:
    for evaluation in result.get_asset_check_evaluations():
        name = f"{evaluation.asset_key.to_user_string()}:{evaluation.check_name}"
        summary.checks[name] = evaluation.passed
        summary.severities[name] = evaluation.severity.value
    for event in result.get_asset_materialization_events():
        mat = event.event_specific_data.materialization
        key = mat.asset_key.to_user_string()
        row_count = mat.metadata.get("dagster/row_count")
        if row_count is None:  # a push to data.gouv.fr: no table of its own
            continue
        summary.rows[key] = summary.rows.get(key, 0) + row_count.value
        summary.partitions[key] = label


def _range_tags(partitions_def: dg.PartitionsDefinition | None, last_years: int) -> tuple[dict[str, str], str]:
    if partitions_def is None:
        return {}, "no partition"
    keys = partitions_def.get_partition_keys()[-last_years:]
    return {RANGE_START: keys[0], RANGE_END: keys[-1]}, f"{keys[0]}–{keys[-1]}"
