"""The named write points of the output store, and the crash hook that tests use to kill a publication at each.

Every write the store makes (a file written, a folder created, renamed,
exchanged or removed, files flushed to disk) first calls ``write_point(name)``.
In production the call only reads two environment variables. A test sets:

- ``OPENDATA_CRASH_AT=<point>[:<n>]``: the process dies (``os._exit(137)``, no
  cleanup, like a SIGKILL or a power cut) just before the n-th write at that
  point (the first by default);
- ``OPENDATA_CRASH_TRACE=<file>``: the name of every point reached is appended
  to the file, so a test learns the sequence of writes of a run and kills it
  at each in turn.

``WRITE_POINTS`` lists them all; an unlisted name is a programming error.
"""

from __future__ import annotations

import os
from collections import Counter

CRASH_ENV = "OPENDATA_CRASH_AT"
TRACE_ENV = "OPENDATA_CRASH_TRACE"
CRASH_EXIT = 137  # what a shell reports for a process killed by SIGKILL

WRITE_POINTS: dict[str, str] = {
    "store.mkdir": "the hidden folder of a new version is created",
    "version.file": "one file of a new version is written into its hidden folder",
    "store.sums": "SHA256SUMS is written into a hidden folder, from the bytes this run wrote",
    "store.fsync": "the files of a complete hidden folder are flushed to disk",
    "store.rename": "a complete folder is renamed to a name that does not exist yet",
    "store.copy": "one file is copied into the hidden new copy of latest/ (or of a dated version)",
    "store.exchange": "a complete folder and the one online swap names in one atomic rename",
    "store.set-aside": "where the system cannot exchange: the folder online is renamed aside",
    "store.swap-in": "where the system cannot exchange: the complete folder is renamed into place",
    "store.remove": "a folder is removed (the one set aside, a crashed run's leftover, a pruned version)",
    "store.repair": "a rename that finishes a swap a crash interrupted",
}

_reached: Counter[str] = Counter()


def write_point(name: str) -> None:
    """Mark a write of the store about to happen; die here if a test asked to."""
    if name not in WRITE_POINTS:
        raise ValueError(f"unknown write point {name!r} (resources.publishing.crashpoints.WRITE_POINTS)")
    trace = os.environ.get(TRACE_ENV)
    if trace:
        with open(trace, "a", encoding="utf-8") as out:
            out.write(name + "\n")
    target = os.environ.get(CRASH_ENV)
    if not target:
        return
    point, _, nth = target.partition(":")
    if point != name:
        return
    _reached[name] += 1
    if _reached[name] == int(nth or 1):
        os._exit(CRASH_EXIT)
