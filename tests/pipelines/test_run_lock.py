"""Dagster runs hold the home's lock: through the real executor, against a real second process.

The runs go through the definitions' own executor (multiprocess: each step in
its own process), as the daemon, a schedule or the UI would run them:
``dg.execute_job`` on a reconstructable job and ``dagster asset materialize``
as a subprocess. ``execute_in_process`` would not do: it replaces the
executor. The lock is held by another process (``fcntl.flock`` is per open
file), started as in ``test_home_lock``.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import dagster as dg
import pytest
from rich.console import Console

from pipelines.definitions import build_definitions
from pipelines.demo import ensure_demo_sources
from pipelines.executors import LOCK_WAIT_TAG, RUN_HINT
from pipelines.home_lock import HOLDER_ENV, RUN_WAIT_ENV, home_lock, lock_path, read_holder
from resources.common.institution import SYSTEMS, load_institution, project_root
from resources.staging import StagingArea
from tests.pipelines.test_home_lock import _holder, _kill

STRUCTURES = dg.AssetKey(["hr", "extracted", "structures"])  # unpartitioned: one step
DAGSTER = str(Path(sys.executable).parent / "dagster")


def hr_job() -> dg.JobDefinition:
    """The demo's ``hr_job``, built for the home in ``OPENDATA_HOME`` (module level: reconstructable)."""
    return build_definitions(load_institution("demo")).resolve_job_def("hr_job")


@pytest.fixture
def home(tmp_path: Path) -> Iterator[Path]:
    """A home with the demo's sources, set as ``OPENDATA_HOME`` for this process and the steps' processes."""
    with pytest.MonkeyPatch.context() as env:
        env.setenv("OPENDATA_HOME", str(tmp_path))
        for name in [*(f"OPENDATA_{s.upper()}_URL" for s in SYSTEMS), "OPENDATA_INSTITUTION", HOLDER_ENV,
                     RUN_WAIT_ENV, "OPENDATA_EXECUTOR"]:
            env.delenv(name, raising=False)
        ensure_demo_sources(load_institution("demo"), Console(quiet=True))
        yield tmp_path


def _run(instance: dg.DagsterInstance, wait: str) -> tuple[dg.ExecutionResult, list[str], list[str]]:
    """One run of ``hr_job`` on ``structures``: its result, its log messages and errors, and the steps it started."""
    with dg.execute_job(dg.reconstructable(hr_job), instance, tags={LOCK_WAIT_TAG: wait},
                        asset_selection=[STRUCTURES], raise_on_error=False) as result:
        records = instance.all_logs(result.run_id)
        messages = [r.user_message for r in records] + [
            r.dagster_event.event_specific_data.error.message for r in records
            if r.dagster_event is not None and getattr(r.dagster_event.event_specific_data, "error", None)]
        started = [r.step_key for r in records if r.dagster_event is not None
                   and r.dagster_event.event_type == dg.DagsterEventType.STEP_START]
        return result, messages, started


def _kill_when_waited_for(holder: subprocess.Popen, instance: dg.DagsterInstance) -> None:
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        started = instance.get_runs(filters=dg.RunsFilter(statuses=[dg.DagsterRunStatus.STARTED]))
        if any("waiting up to" in r.user_message for run in started for r in instance.all_logs(run.run_id)):
            break
        time.sleep(0.2)
    _kill(holder)


def test_a_dagster_run_refuses_naming_the_holder_then_waits_for_it(home: Path) -> None:
    work_dir = home / "demo"
    holder = _holder(work_dir)
    (home / ".dagster").mkdir()
    with dg.instance_for_test(temp_dir=str(home / ".dagster")) as instance:
        try:
            refused, messages, started = _run(instance, "1")
            assert not refused.success and started == []  # refused before any step
            who = f"`holder under test` (pid {holder.pid} on {os.uname().nodename}"
            assert any(f"is in use by {who}" in m and m.endswith(": waiting up to 1 s for it to end") for m in messages)
            [line] = [m for m in messages if m.endswith(RUN_HINT)]  # one line in the run's log
            assert line.startswith(f"{work_dir} is in use by {who}") and "; refused after waiting 1 s." in line
            assert f"pipelines.home_lock.HomeLockedError: {line}\n" in messages  # and the error the run failed with
            # The holder ends (killed, as a crash would) once the next run is seen waiting for it.
            threading.Thread(target=_kill_when_waited_for, args=[holder, instance], daemon=True).start()
            done, messages, started = _run(instance, "120")
        finally:
            if holder.poll() is None:
                _kill(holder)
        assert done.success, messages
        assert any(f"is in use by {who}" in m and m.endswith(": waiting up to 120 s for it to end") for m in messages)
        assert any(m.startswith(f"recovered the lock of {who}") for m in messages)
        assert len(started) == 1
        staged = StagingArea(root=str(work_dir / "staging")).latest("hr", "structures")
        assert staged is not None and staged.is_file()
        assert read_holder(lock_path(work_dir)) is None  # released by the run


def test_a_run_launched_under_the_holder_proceeds_any_other_is_refused(home: Path) -> None:
    dagster_home = home / ".dagster"
    dagster_home.mkdir()
    (dagster_home / "dagster.yaml").write_text("telemetry:\n  enabled: false\n", encoding="utf-8")
    command = [DAGSTER, "asset", "materialize", "-m", "pipelines.definitions", "--select", "hr/extracted/structures"]
    with home_lock(home / "demo", "opendata demo"):
        # A child of the holder, as a run an `opendata` command would start: it inherits the holder's token.
        environ = {**os.environ, "DAGSTER_HOME": str(dagster_home), RUN_WAIT_ENV: "0"}
        child = subprocess.run(command, cwd=project_root(), env=environ, capture_output=True, text=True, timeout=600)
        # The same command without the token is any other run: refused at once, naming the holder.
        environ.pop(HOLDER_ENV)
        other = subprocess.run(command, cwd=project_root(), env=environ, capture_output=True, text=True, timeout=600)
    assert child.returncode == 0, child.stderr[-3000:]
    assert "RUN_SUCCESS" in child.stderr + child.stdout
    assert other.returncode != 0
    output = other.stdout + other.stderr
    assert f"{home / 'demo'} is in use by `opendata demo` (pid {os.getpid()} on {os.uname().nodename}" in output
    assert "STEP_START" not in output
    assert HOLDER_ENV not in os.environ  # handed down to children only while held
