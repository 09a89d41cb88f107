"""Materialise every asset of the definitions in-process, in dependency order.

A Dagster run carries one partitions definition, so assets are run in waves:
each wave takes the assets whose upstreams are done, one run per partitions
definition (academic years, calendar years, unpartitioned), each covering a
range of years in a single run (``BackfillPolicy.single_run``).
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

    @property
    def failed_checks(self) -> list[str]:
        return sorted(name for name, passed in self.checks.items() if not passed)


def _waves(assets: list[dg.AssetsDefinition]) -> list[list[dg.AssetsDefinition]]:
    done: set[dg.AssetKey] = set()
    pending = list(assets)
    own = {key for asset in assets for key in asset.keys}
    waves = []
    while pending:
        ready = [a for a in pending if all(d in done or d not in own for d in a.dependency_keys)]
        if not ready:
            raise RunFailed("the asset graph has a cycle")
        waves.append(ready)
        done |= {key for asset in ready for key in asset.keys}
        pending = [a for a in pending if a not in ready]
    return waves


def _error_line(result: dg.ExecuteInProcessResult) -> str:
    for event in result.get_step_failure_events():
        error = event.step_failure_data.error
        while error is not None and error.cause is not None:
            error = error.cause
        message = error.message if error is not None else "unknown error"
        return f"{event.step_key}: {message.strip().splitlines()[0]}"
    return "the run failed"


def materialize_all(
    defs: dg.Definitions,
    instance: dg.DagsterInstance,
    last_years: int,
    on_run: Callable[[str, int], None] | None = None,
) -> RunSummary:
    """Run every asset, the partitioned ones over their last ``last_years`` keys."""
    assets = [a for a in defs.assets if isinstance(a, dg.AssetsDefinition)]
    summary = RunSummary()
    for wave in _waves(assets):
        groups: dict[int, list[dg.AssetsDefinition]] = {}
        for asset in wave:
            groups.setdefault(id(asset.partitions_def), []).append(asset)
        for group in groups.values():
            tags, label = _range_tags(group[0].partitions_def, last_years)
            if on_run:
                on_run(label, len(group))
            result = dg.materialize(
                assets,
                instance=instance,
                resources=defs.resources,
                selection=[key for asset in group for key in asset.keys],
                tags=tags,
                run_config=QUIET,
                raise_on_error=False,
            )
            summary.run_ids.append(result.run_id)
            if not result.success:
                raise RunFailed(_error_line(result))
            for evaluation in result.get_asset_check_evaluations():
                name = f"{evaluation.asset_key.to_user_string()}:{evaluation.check_name}"
                summary.checks[name] = evaluation.passed
            for event in result.get_asset_materialization_events():
                mat = event.event_specific_data.materialization
                key = mat.asset_key.to_user_string()
                row_count = mat.metadata.get("dagster/row_count")
                summary.rows[key] = summary.rows.get(key, 0) + (row_count.value if row_count else 0)
                summary.partitions[key] = label
    return summary


def _range_tags(partitions_def: dg.PartitionsDefinition | None, last_years: int) -> tuple[dict[str, str], str]:
    if partitions_def is None:
        return {}, "no partition"
    keys = partitions_def.get_partition_keys()[-last_years:]
    return {RANGE_START: keys[0], RANGE_END: keys[-1]}, f"{keys[0]}–{keys[-1]}"
