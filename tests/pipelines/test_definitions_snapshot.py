"""Every asset, asset check, job, schedule and sensor of the definitions, in one readable snapshot.

``snapshots/definitions.txt`` lists them for the single-institution
deployment (``pipelines.definitions``, the demo) and for each institution of
the operator deployment (``pipelines.institutions``, keys prefixed). Adding a
dataset, a check or a job changes this one file, not counts spread over the
tests. After an intended change, regenerate it and review its diff:

    OPENDATA_UPDATE_SNAPSHOT=1 .venv/bin/python -m pytest -q tests/pipelines/test_definitions_snapshot.py
"""

from __future__ import annotations

import os
from pathlib import Path

import dagster as dg

from pipelines.definitions import build_definitions
from pipelines.institutions import institution_ids, prefixed_definitions
from resources.common.institution import load_institution

SNAPSHOT = Path(__file__).parent / "snapshots" / "definitions.txt"
UPDATE_ENV = "OPENDATA_UPDATE_SNAPSHOT"


def describe(title: str, defs: dg.Definitions) -> list[str]:
    """One line per definition, sorted within each kind: names, keys and schedules only."""
    repo = defs.get_repository_def()
    graph = repo.asset_graph
    lines = [f"## {title}"]
    for key in sorted(graph.get_all_asset_keys(), key=lambda k: k.to_user_string()):
        partitions = graph.get(key).partitions_def
        calendar = f" partitioned:{partitions.cron_schedule}" if isinstance(partitions, dg.TimeWindowPartitionsDefinition) else ""
        lines.append(f"asset {key.to_user_string()}{calendar}")
    specs = {spec.key: spec for d in [*(defs.assets or []), *(defs.asset_checks or [])] for spec in d.check_specs}
    for check in sorted(specs, key=lambda c: (c.asset_key.to_user_string(), c.name)):
        blocking = " blocking" if specs[check].blocking else ""
        lines.append(f"check {check.asset_key.to_user_string()}:{check.name}{blocking}")
    lines += sorted(f"job {job.name}" for job in repo.get_all_jobs() if not job.name.startswith("__"))
    lines += sorted(f"schedule {s.name} {s.cron_schedule} -> {s.job_name}" for s in repo.schedule_defs)
    lines += sorted(f"sensor {s.name}" for s in repo.sensor_defs)
    return lines


def snapshot() -> str:
    lines = describe("pipelines.definitions (demo)", build_definitions(load_institution("demo")))
    for ident in institution_ids():
        lines += ["", *describe(f"pipelines.institutions ({ident})", prefixed_definitions(load_institution(ident)))]
    return "\n".join(lines) + "\n"


def test_the_definitions_are_the_snapshot(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("OPENDATA_HOME", str(tmp_path))
    current = snapshot()
    if os.environ.get(UPDATE_ENV):
        SNAPSHOT.write_text(current, encoding="utf-8")
    assert SNAPSHOT.exists(), f"no snapshot yet: run with {UPDATE_ENV}=1 and commit {SNAPSHOT.name}"
    recorded = SNAPSHOT.read_text(encoding="utf-8")
    added = sorted(set(current.splitlines()) - set(recorded.splitlines()))
    removed = sorted(set(recorded.splitlines()) - set(current.splitlines()))
    assert current == recorded, (f"definitions differ from {SNAPSHOT.name} (rerun with {UPDATE_ENV}=1 if intended):\n"
                                 + "\n".join([*(f"+ {line}" for line in added), *(f"- {line}" for line in removed)]))
