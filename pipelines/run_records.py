"""The Dagster instance of the ``opendata`` commands: opened safely, tagged runs, killed runs closed.

- A run database that is overwritten or corrupted (``<DAGSTER_HOME>/**/*.db``)
  fails in one line naming the file and what to do, not with SQLite's
  traceback: only the runs history is in it, the output store is intact.
- Every run the commands start carries the institution, the command, the
  host and the pid of the process that runs it in-process.
- A run left STARTED by a process that no longer exists (killed: nothing
  could record its end) is reported failed by the next command on the same
  home, through the instance's public ``report_run_failed``.
"""

from __future__ import annotations

import os
import socket
import sqlite3
from pathlib import Path

import dagster as dg

from pipelines.jobs import INSTITUTION_TAG
from resources.common.errors import OpenDataError

COMMAND_TAG = "opendata/command"
HOST_TAG = "opendata/host"
PID_TAG = "opendata/pid"
UNFINISHED = (dg.DagsterRunStatus.STARTED, dg.DagsterRunStatus.STARTING)


class RunDatabaseError(OpenDataError):
    """The Dagster run database of the home cannot be read."""


def run_tags(institution_id: str, command: str) -> dict[str, str]:
    """Tags of every run a command starts in this process."""
    return {INSTITUTION_TAG: institution_id, COMMAND_TAG: command, HOST_TAG: socket.gethostname(),
            PID_TAG: str(os.getpid())}


def open_instance(home: Path) -> dg.DagsterInstance:
    """The instance under ``home`` (``DAGSTER_HOME``), read once to prove its databases are sound."""
    try:
        instance = dg.DagsterInstance.get()
        instance.get_runs(limit=1)
        return instance
    except Exception as exc:  # SQLite or SQLAlchemy, whatever form the damage takes
        broken = broken_databases(home)
        if not broken:
            raise RunDatabaseError(f"the Dagster instance in {home} cannot be opened ({type(exc).__name__}); "
                                   "check its dagster.yaml") from None
        raise RunDatabaseError(damaged_message(broken)) from None


def damaged_message(broken: list[Path]) -> str:
    names = ", ".join(str(p) for p in broken)
    return (f"the Dagster run database {names} is damaged (not a readable SQLite database): move it aside "
            "(e.g. add .broken to its name) and run again; Dagster starts a new one. Only the runs history "
            "is lost; the output store, staging and published versions are intact")


def broken_databases(home: Path) -> list[Path]:
    """SQLite files of the instance that SQLite cannot read."""
    broken = []
    for path in sorted(home.rglob("*.db")):
        try:
            with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
                conn.execute("PRAGMA quick_check").fetchall()
        except sqlite3.DatabaseError:
            broken.append(path)
    return broken


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    return True


def fail_killed_runs(instance: dg.DagsterInstance, institution_id: str) -> list[str]:
    """Report failed the institution's runs left unfinished by a process of this host that is gone; their ids."""
    host = socket.gethostname()
    runs = instance.get_runs(filters=dg.RunsFilter(statuses=list(UNFINISHED), tags={INSTITUTION_TAG: institution_id}))
    closed = []
    for run in runs:
        pid = run.tags.get(PID_TAG, "")
        if run.tags.get(HOST_TAG) != host or not pid.isdigit() or _alive(int(pid)):
            continue  # a run of the daemon or of another machine: Dagster's run monitoring owns it
        instance.report_run_failed(run, message=f"the process that ran it ({run.tags.get(COMMAND_TAG, 'opendata')}, "
                                                f"pid {pid} on {host}) ended without recording its end (killed); "
                                                "marked failed by the next run on this home")
        closed.append(run.run_id)
    return closed
