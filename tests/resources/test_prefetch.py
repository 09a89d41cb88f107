"""The prefetch thread: bounded, re-raises the reader's error, stops when the caller stops."""

from __future__ import annotations

import threading
import time

import pyarrow as pa
import pytest

from resources.sourcing.streaming import prefetch


def _batches(count: int, produced: list[int], fail_at: int | None = None):
    for i in range(count):
        if i == fail_at:
            raise RuntimeError("reader failed")
        produced.append(i)
        yield pa.record_batch({"i": [i]})


def test_yields_every_batch_in_order() -> None:
    produced: list[int] = []
    assert [b.column(0)[0].as_py() for b in prefetch(_batches(50, produced))] == list(range(50))


def test_reader_error_reaches_the_caller() -> None:
    with pytest.raises(RuntimeError, match="reader failed"):
        list(prefetch(_batches(10, [], fail_at=3)))


def test_reader_runs_at_most_depth_batches_ahead_and_stops_with_the_caller() -> None:
    produced: list[int] = []
    stream = prefetch(_batches(1000, produced), depth=2)
    next(stream)
    time.sleep(0.3)
    assert len(produced) <= 4  # one consumed, two queued, one in the reader's hand
    stream.close()
    time.sleep(0.3)
    assert len(produced) <= 4
    assert not any(t.name == "extract-prefetch" and t.is_alive() for t in threading.enumerate())
