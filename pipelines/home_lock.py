"""One run at a time per institution home: a lock file, and the record of who holds it.

Two runs writing the same staging, candidates and store at once race each
other: one dies at a random point with whatever error the race produces.
Every run of a home (``opendata demo``, ``opendata backfill``, a Dagster job
run) takes ``<work_dir>/.opendata.lock`` first, with ``fcntl.flock``. The
kernel releases that lock when its process ends, however it ends (killed,
out of memory, power cut): a crashed holder never leaves a lock behind, so
there is no stale lock to break by hand. The file also holds a small JSON
record of the holder (command, run id, pid, host, start time), written once
the lock is taken and cleared on release. It is only there for the message
a second run prints; a record left by a holder that was killed tells the
next run which run it recovers from.

``flock`` is local to one machine: the home must be on a local filesystem
(not NFS shared by two servers), like Dagster's own SQLite storage.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path

from resources.errors import OpenDataError

LOCK_NAME = ".opendata.lock"
WAIT_ENV = "OPENDATA_LOCK_WAIT"  # seconds a run waits for the lock before refusing (default 0: refuse at once)
POLL_SECONDS = 0.5

# Locks this process holds, by path: a CLI command holding its home's lock
# runs Dagster in-process, and that run's own lock request must not wait for
# its parent (flock would refuse a second descriptor of the same process).
_HELD: dict[Path, Holder] = {}


class HomeLockedError(OpenDataError):
    """Another run holds the home's lock (the message names it: command, run, pid, host, start)."""


@dataclass(frozen=True)
class Holder:
    """Who holds a home's lock; no personal value, only process facts."""

    command: str
    pid: int
    host: str
    started: str
    run_id: str | None = None

    def describe(self) -> str:
        run = f", run {self.run_id}" if self.run_id else ""
        return f"`{self.command}` (pid {self.pid} on {self.host}{run}, started {self.started})"


def lock_path(work_dir: Path) -> Path:
    return Path(work_dir) / LOCK_NAME


def default_wait() -> float:
    """``OPENDATA_LOCK_WAIT`` in seconds, or 0."""
    raw = os.environ.get(WAIT_ENV) or "0"
    try:
        seconds = float(raw)
    except ValueError:
        raise OpenDataError(f"{WAIT_ENV}={raw!r} is not a number of seconds") from None
    if seconds < 0:
        raise OpenDataError(f"{WAIT_ENV}={raw!r} is negative")
    return seconds


def read_holder(path: Path) -> Holder | None:
    """The holder record in the lock file, or None if there is none (or it is being written)."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8") or "null")
        return Holder(**raw) if isinstance(raw, dict) else None
    except (OSError, ValueError, TypeError):
        return None


@contextmanager
def home_lock(work_dir: Path, command: str, wait: float | None = None,
              run_id: str | None = None) -> Iterator[Holder | None]:
    """Hold the home's lock for the ``with`` block; yields the holder this run recovered from, if any.

    Waits up to ``wait`` seconds (default ``OPENDATA_LOCK_WAIT``) for a run in
    progress, then raises ``HomeLockedError`` naming it.
    """
    path = lock_path(work_dir).resolve()
    if path in _HELD:  # this process already holds it (a CLI command's in-process run)
        yield None
        return
    wait = default_wait() if wait is None else wait
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = path.open("a+", encoding="utf-8")
    try:
        _acquire(handle.fileno(), path, wait)
        previous = read_holder(path)  # left by a holder that ended without releasing: killed
        me = Holder(command, os.getpid(), socket.gethostname(),
                    dt.datetime.now().astimezone().isoformat(timespec="seconds"), run_id)
        handle.seek(0)
        handle.truncate()
        handle.write(json.dumps(asdict(me)))
        handle.flush()
        _HELD[path] = me
        try:
            yield previous
        finally:
            del _HELD[path]
            handle.seek(0)
            handle.truncate()
            handle.flush()
    finally:
        handle.close()  # closing the descriptor releases the flock


def _acquire(fd: int, path: Path, wait: float) -> None:
    deadline = time.monotonic() + wait
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() >= deadline:
                break
            time.sleep(min(POLL_SECONDS, max(deadline - time.monotonic(), 0.01)))
    holder = read_holder(path)
    who = holder.describe() if holder else "another run (its record is being written)"
    waited = f" after waiting {wait:g} s" if wait else ""
    raise HomeLockedError(f"{path.parent} is in use by {who}; refused{waited}. Wait for it to end, or "
                          f"give --wait SECONDS (or {WAIT_ENV}) to wait for it") from None
