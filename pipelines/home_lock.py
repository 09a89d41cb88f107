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

A Dagster run launched by the holder itself must not wait for it: the
``opendata`` commands run Dagster in-process (the same process: ``_HELD``),
and a run started in a child process (``dagster asset materialize`` under a
holder, say) finds the holder's token in ``OPENDATA_LOCK_HOLDER``, which the
holder sets for its own process tree only, and proceeds under its lock. A run
tag would not do: re-executing a run from the UI copies its tags.

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
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path

from resources.common.errors import OpenDataError

LOCK_NAME = ".opendata.lock"
WAIT_ENV = "OPENDATA_LOCK_WAIT"  # seconds a command waits for the lock before refusing (default 0: refuse at once)
# A Dagster run started by the daemon, a schedule or the UI has nobody to run
# it again: it waits, by default up to 6 hours (the night's two extraction
# jobs start together at 03:30 and so run one after the other).
RUN_WAIT_ENV = "OPENDATA_RUN_LOCK_WAIT"
RUN_WAIT_DEFAULT = 6 * 3600.0
HOLDER_ENV = "OPENDATA_LOCK_HOLDER"  # tokens of the locks held by this process's ancestors, space-separated
CLI_HINT = f"give --wait SECONDS (or {WAIT_ENV}) to wait for it"
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
    token: str | None = None  # given to the holder's own process tree (HOLDER_ENV), whose runs proceed

    def describe(self) -> str:
        run = f", run {self.run_id}" if self.run_id else ""
        return f"`{self.command}` (pid {self.pid} on {self.host}{run}, started {self.started})"


def lock_path(work_dir: Path) -> Path:
    return Path(work_dir) / LOCK_NAME


def seconds(raw: str, where: str) -> float:
    """A wait in seconds, read from ``where`` (a variable or a tag named in the error)."""
    try:
        value = float(raw)
    except ValueError:
        raise OpenDataError(f"{where}={raw!r} is not a number of seconds") from None
    if value < 0:
        raise OpenDataError(f"{where}={raw!r} is negative")
    return value


def default_wait(env: str = WAIT_ENV, default: float = 0.0) -> float:
    """The wait in seconds set by ``env`` (``OPENDATA_LOCK_WAIT``), or ``default``."""
    raw = os.environ.get(env)
    return seconds(raw, env) if raw else default


def read_holder(path: Path) -> Holder | None:
    """The holder record in the lock file, or None if there is none (or it is being written)."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8") or "null")
        return Holder(**raw) if isinstance(raw, dict) else None
    except (OSError, ValueError, TypeError):
        return None


@contextmanager
def home_lock(work_dir: Path, command: str, wait: float | None = None, run_id: str | None = None,
              hint: str = CLI_HINT, on_wait: Callable[[Holder | None], None] | None = None,
              ) -> Iterator[Holder | None]:
    """Hold the home's lock for the ``with`` block; yields the holder this run recovered from, if any.

    Waits up to ``wait`` seconds (default ``OPENDATA_LOCK_WAIT``) for a run in
    progress, calling ``on_wait`` with its holder once if it has to wait, then
    raises ``HomeLockedError`` naming it and ending with ``hint``. Proceeds
    at once, under the holder's lock, when the holder is this process or one
    of its ancestors (``OPENDATA_LOCK_HOLDER``).
    """
    path = lock_path(work_dir).resolve()
    if path in _HELD:  # this process already holds it (a CLI command's in-process run)
        yield None
        return
    wait = default_wait() if wait is None else wait
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = path.open("a+", encoding="utf-8")
    try:
        if not _acquire(handle.fileno(), path, wait, hint, on_wait):
            yield None  # the lock of the command that launched this run, held for it
            return
        previous = read_holder(path)  # left by a holder that ended without releasing: killed
        me = Holder(command, os.getpid(), socket.gethostname(),
                    dt.datetime.now().astimezone().isoformat(timespec="seconds"), run_id, uuid.uuid4().hex)
        handle.seek(0)
        handle.truncate()
        handle.write(json.dumps(asdict(me)))
        handle.flush()
        _HELD[path] = me
        inherited = os.environ.get(HOLDER_ENV)
        os.environ[HOLDER_ENV] = f"{inherited} {me.token}" if inherited else me.token
        try:
            yield previous
        finally:
            del _HELD[path]
            _restore(HOLDER_ENV, inherited)
            handle.seek(0)
            handle.truncate()
            handle.flush()
    finally:
        handle.close()  # closing the descriptor releases the flock


def _restore(name: str, value: str | None) -> None:
    if value is None:
        os.environ.pop(name, None)
    else:
        os.environ[name] = value


def _held_for_us(holder: Holder | None) -> bool:
    """Whether the holder is an ancestor of this process (its token was handed down to us)."""
    return holder is not None and holder.token is not None and holder.token in os.environ.get(HOLDER_ENV, "").split()


def _acquire(fd: int, path: Path, wait: float, hint: str, on_wait: Callable[[Holder | None], None] | None) -> bool:
    """Take the lock (True), or find it held by an ancestor (False); refuse after ``wait`` seconds."""
    deadline = time.monotonic() + wait
    told = False
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            holder = read_holder(path)
            if _held_for_us(holder):
                return False
            if time.monotonic() >= deadline:
                break
            if on_wait is not None and not told:
                on_wait(holder)
                told = True
            time.sleep(min(POLL_SECONDS, max(deadline - time.monotonic(), 0.01)))
    holder = read_holder(path)
    who = holder.describe() if holder else "another run (its record is being written)"
    waited = f" after waiting {wait:g} s" if wait else ""
    raise HomeLockedError(f"{path.parent} is in use by {who}; refused{waited}. Wait for it to end, or {hint}") from None
