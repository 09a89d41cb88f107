"""One run at a time per home: the lock, its holder's record, a killed holder, a damaged run database.

The lock is taken by a real second process (``fcntl.flock`` is per open file,
so the test's own process could not stand in for another run), and killed
with SIGKILL as an operator's crash would.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import dagster as dg
import pytest
from rich.console import Console

from pipelines.demo import ensure_demo_sources
from pipelines.home_lock import HomeLockedError, home_lock, lock_path, read_holder
from pipelines.run_records import PID_TAG
from resources.common.institution import SYSTEMS, load_institution, project_root
from tests.quality.conftest import OPENDATA, run_opendata

HOLD = """
import sys, time
from pathlib import Path
from pipelines.home_lock import home_lock
with home_lock(Path(sys.argv[1]), "holder under test"):
    print("held", flush=True)
    time.sleep(600)
"""


def _holder(work_dir: Path) -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, "-c", HOLD, str(work_dir)], cwd=project_root(), stdout=subprocess.PIPE,
                            text=True)
    assert proc.stdout.readline().strip() == "held"
    return proc


def _kill(proc: subprocess.Popen) -> None:
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)  # reaped: its pid is gone, as after a crash


def test_a_second_run_is_refused_naming_the_holder_then_waits_and_takes_over(tmp_path: Path) -> None:
    holder = _holder(tmp_path)
    try:
        with pytest.raises(HomeLockedError) as refused, home_lock(tmp_path, "second run", wait=0):
            pass
        message = str(refused.value)
        assert f"pid {holder.pid}" in message and "`holder under test`" in message and os.uname().nodename in message
        started = time.monotonic()
        with pytest.raises(HomeLockedError, match="after waiting 1.5 s"), home_lock(tmp_path, "second run", wait=1.5):
            pass
        assert time.monotonic() - started >= 1.5  # it waited, boundedly
    finally:
        _kill(holder)
    # The kernel released the killed holder's lock; its record tells who was recovered from.
    with home_lock(tmp_path, "third run", wait=0) as previous:
        assert previous is not None and previous.pid == holder.pid
        assert read_holder(lock_path(tmp_path)).command == "third run"
        with home_lock(tmp_path, "its own in-process run", wait=0) as nested:  # the same process: no deadlock
            assert nested is None
    assert read_holder(lock_path(tmp_path)) is None  # released cleanly: nothing to recover next time


def _wait_for_started_run(home: Path, pid: int, proc: subprocess.Popen) -> str:
    """The run the demo ``pid`` has STARTED, read from its runs.db read-only.

    Opening a Dagster instance here would race the demo's own first opening:
    both would create the run database's tables and stamp its schema version
    twice ("more than one head present").
    """
    runs_db = home / ".dagster" / "history" / "runs.db"
    query = ("SELECT runs.run_id FROM runs JOIN run_tags ON run_tags.run_id = runs.run_id "
             "WHERE runs.status = 'STARTED' AND run_tags.key = ? AND run_tags.value = ?")
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        assert proc.poll() is None, proc.communicate()[1][-2000:]
        if runs_db.exists():
            try:
                with contextlib.closing(sqlite3.connect(f"file:{runs_db}?mode=ro", uri=True, timeout=1)) as db:
                    row = db.execute(query, (PID_TAG, str(pid))).fetchone()
            except sqlite3.OperationalError:  # its tables are still being created
                row = None
            if row:
                return row[0]
        time.sleep(0.5)
    raise AssertionError("the first demo started no run in 240 s")


def test_two_demos_on_one_home_then_a_killed_holder_is_recovered(tmp_path: Path) -> None:
    with pytest.MonkeyPatch.context() as env:
        env.setenv("OPENDATA_HOME", str(tmp_path))
        for system in SYSTEMS:
            env.delenv(f"OPENDATA_{system.upper()}_URL", raising=False)
        ensure_demo_sources(load_institution("demo"), Console(quiet=True))
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("OPENDATA_", "DAGSTER_"))}
    first = subprocess.Popen([OPENDATA, "demo", "--years", "1"], cwd=project_root(),
                             env={**environ, "OPENDATA_HOME": str(tmp_path)}, stdout=subprocess.DEVNULL,
                             stderr=subprocess.PIPE, text=True)
    try:
        _wait_for_started_run(tmp_path, first.pid, first)  # the first demo holds the lock and runs
        second = run_opendata(["demo", "--years", "1"], tmp_path)
        assert second.returncode == 1
        [line] = second.stderr.strip().splitlines()
        assert line.startswith(f"error: {tmp_path / 'demo'} is in use by `opendata demo` (pid {first.pid} on ")
        assert "Traceback" not in second.stderr
        # The demo runs the night's jobs one after the other, and the first may be over by now: the run killed
        # is the one in progress at the moment of the kill.
        run_id = _wait_for_started_run(tmp_path, first.pid, first)
    finally:
        _kill(first)
    instance = dg.DagsterInstance.from_config(str(tmp_path / ".dagster"))
    assert instance.get_run_by_id(run_id).status == dg.DagsterRunStatus.STARTED  # nothing recorded its end

    third = run_opendata(["demo", "--years", "1"], tmp_path, COLUMNS="400")
    assert third.returncode == 0, third.stdout[-3000:] + third.stderr[-3000:]
    assert f"Note: recovered the lock of `opendata demo` (pid {first.pid} on " in third.stdout
    assert f"Note: marked failed 1 run(s) left started by a killed process: {run_id}" in third.stdout
    instance = dg.DagsterInstance.from_config(str(tmp_path / ".dagster"))
    assert instance.get_run_by_id(run_id).status == dg.DagsterRunStatus.FAILURE
    assert not instance.get_runs(filters=dg.RunsFilter(statuses=[dg.DagsterRunStatus.STARTED]))


def test_a_damaged_run_database_is_named_in_one_line(tmp_path: Path) -> None:
    runs_db = tmp_path / ".dagster" / "history" / "runs.db"
    runs_db.parent.mkdir(parents=True)
    runs_db.write_bytes(os.urandom(16384))
    for command in (["demo", "--years", "1"], ["backfill", "--from", "2024"]):
        if command[0] == "backfill":  # the backfill never generates sources: give it the demo's
            with pytest.MonkeyPatch.context() as env:
                env.setenv("OPENDATA_HOME", str(tmp_path))
                ensure_demo_sources(load_institution("demo"), Console(quiet=True))
        done = run_opendata(command, tmp_path)
        assert done.returncode == 1
        [line] = done.stderr.strip().splitlines()
        assert line.startswith(f"error: the Dagster run database {runs_db} is damaged"), line
        assert "move it aside" in line and "the output store" in line and "intact" in line
        assert "Traceback" not in done.stderr
    assert not (tmp_path / "demo" / "store").exists()  # refused before any run
