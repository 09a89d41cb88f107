"""Scale-out: a real HR extraction job runs through Dagster's Celery executor, on the machine's RabbitMQ.

The test starts its own worker (``dagster-celery worker start``, as
``docs/operations.md`` tells operators to) on a queue no other worker
listens to, then runs the demo's unpartitioned HR extractions with
``celery_executor`` on a persistent instance the worker shares. Each step
must have run in that worker, and the staged Parquet files must be there.
The worker is stopped and its queue deleted afterwards, whatever happened.
Without RabbitMQ the test is skipped, or fails under
``OPENDATA_REQUIRE_SERVERS=1``.
"""

from __future__ import annotations

import dataclasses
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import dagster as dg
import pyarrow.parquet as pq
import pytest
import yaml
from dagster_celery import celery_executor
from kombu import Connection
from kombu.exceptions import OperationalError

from pipelines.definitions import build_definitions
from pipelines.synthetic.generate import generate
from resources.common.institution import load_institution, project_root
from resources.staging import StagingArea
from tests.conftest import _unavailable

BROKER = "pyamqp://guest@127.0.0.1//"
JOB = "hr_reference_celery_job"
TABLES = ("structures", "agents")  # unpartitioned HR extractions: one step each
DAGSTER_CELERY = str(Path(sys.executable).parent / "dagster-celery")
WORKER_READY_SECONDS = 60
STOP_SECONDS = 15
REPLY_QUEUE_SECONDS = 60


def hr_reference_celery_job() -> dg.JobDefinition:
    """The demo's unpartitioned HR extractions on the Celery executor.

    Module level, so that ``dg.reconstructable`` can point at it: each Celery
    task rebuilds the job in the worker by importing this module. The
    institution is read from the environment (``OPENDATA_HOME``), in the test
    and in the worker alike.
    """
    defs = build_definitions(load_institution())
    keys = [dg.AssetKey(["hr", "extracted", table]) for table in TABLES]
    job = dg.define_asset_job(JOB, selection=dg.AssetSelection.assets(*keys), executor_def=celery_executor)
    return dg.Definitions.merge(defs, dg.Definitions(jobs=[job])).resolve_job_def(JOB)


def executor_config(queue: str) -> dict[str, object]:
    """The ``celery_executor`` settings of the run and of the worker: every step goes to ``queue``.

    The run's ``rpc://`` reply queue outlives it on the broker for
    ``result_expires`` seconds (a day by default): one minute is plenty here.
    """
    return {"broker": BROKER, "backend": "rpc://",
            "config_source": {"task_default_queue": queue, "result_expires": REPLY_QUEUE_SECONDS}}


@dataclasses.dataclass(frozen=True)
class Worker:
    """A Celery worker started by the test: its node name, the queue it alone consumes, its log, its process group."""

    name: str
    queue: str
    log: Path
    group: int


@pytest.fixture
def rabbitmq() -> str:
    """The machine's broker URL, once it answers; unreachable: skip, or fail under ``OPENDATA_REQUIRE_SERVERS=1``."""
    try:
        with Connection(BROKER, connect_timeout=5) as conn:
            conn.ensure_connection(max_retries=1)
    except OperationalError as exc:  # refused or timed out; a refused login is a real error and raises
        _unavailable("RabbitMQ (127.0.0.1:5672)", exc)
    return BROKER


def _delete_queue(queue: str) -> None:
    """Remove the test's queue (durable) and its exchange from the broker, so no run leaves them behind."""
    with Connection(BROKER, connect_timeout=5) as conn:
        channel = conn.default_channel
        channel.queue_delete(queue)
        channel.exchange_delete(queue)


def _wait_ready(process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + WORKER_READY_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the Celery worker exited with {process.returncode}:\n{log.read_text(errors='replace')}")
        if " ready." in log.read_text(errors="replace"):
            return
        time.sleep(0.2)
    pytest.fail(f"the Celery worker was not ready after {WORKER_READY_SECONDS} s:\n{log.read_text(errors='replace')}")


def _stop(process: subprocess.Popen[bytes]) -> None:
    """Stop the worker's process group (the CLI, celery and its pool), warm first, then for good."""
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(STOP_SECONDS)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(STOP_SECONDS)


@pytest.fixture
def demo_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """``OPENDATA_HOME`` and ``DAGSTER_HOME`` in tmp, with the small synthetic HR source of the demo."""
    home = tmp_path / "home"
    dagster_home = tmp_path / "dagster"
    dagster_home.mkdir()
    (dagster_home / "dagster.yaml").write_text("telemetry:\n  enabled: false\n", encoding="utf-8")
    monkeypatch.setenv("OPENDATA_HOME", str(home))
    monkeypatch.setenv("DAGSTER_HOME", str(dagster_home))
    monkeypatch.setenv("OPENDATA_INSTITUTION", "demo")
    monkeypatch.delenv("OPENDATA_HR_URL", raising=False)
    generate(load_institution().sources["hr"].resolved_url(), "hr", "small", replace=True, progress=False)
    return home


@pytest.fixture
def worker(rabbitmq: str, demo_home: Path, tmp_path: Path) -> Iterator[Worker]:
    """A worker of our own on a unique queue, started as operators start one; stopped in the finaliser."""
    tag = uuid.uuid4().hex[:8]
    name, queue, log = f"opendata-test-{tag}", f"dagster-test-{tag}", tmp_path / "worker.log"
    config = tmp_path / "celery.yaml"
    config.write_text(yaml.safe_dump({"execution": {"config": executor_config(queue)}}), encoding="utf-8")
    # The CLI runs `celery` from PATH, and the worker imports this module: the venv and the checkout first.
    env = {**os.environ, **{variable: os.pathsep.join(filter(None, [first, os.environ.get(variable)]))
                            for variable, first in [("PATH", str(Path(sys.executable).parent)),
                                                    ("PYTHONPATH", str(project_root()))]}}
    command = [DAGSTER_CELERY, "worker", "start", "-A", "dagster_celery.app", "-y", str(config),
               "-q", queue, "-n", name, "--loglevel", "INFO",
               # one pool process; no chatter with (or waiting for) other workers on the broker
               "--", "--concurrency=1", "--without-gossip", "--without-mingle", "--without-heartbeat"]
    with log.open("wb") as out:
        process = subprocess.Popen(command, cwd=project_root(), env=env, stdout=out, stderr=subprocess.STDOUT,
                                   start_new_session=True)  # its own process group, ended by its id below
    try:
        _wait_ready(process, log)
        yield Worker(name, queue, log, group=process.pid)
    finally:
        _stop(process)
        _delete_queue(queue)


@pytest.mark.timeout(180)
# dagster-celery registers its task again on every submission; Celery 5.7 warns, the first registration serves.
@pytest.mark.filterwarnings("ignore:Task name 'execute_plan' is already registered")
def test_hr_extractions_run_in_a_celery_worker(worker: Worker, demo_home: Path) -> None:
    with dg.DagsterInstance.get() as instance:
        assert not instance.is_ephemeral  # the worker opens the same instance from its reference
        result = dg.execute_job(dg.reconstructable(hr_reference_celery_job), instance=instance,
                                run_config={"execution": {"config": executor_config(worker.queue)}})
        assert result.success, worker.log.read_text(errors="replace")
        step_events = [event for event in result.all_events if event.step_key is not None]

    steps = {f"hr__extracted__{table}" for table in TABLES}
    assert {event.step_key for event in step_events if event.is_step_success} == steps
    # Each step ran in a process of the worker's group (its pool), never in the test's own process.
    pids = {event.pid for event in step_events if event.is_step_event}
    assert None not in pids and os.getpid() not in pids
    assert {os.getpgid(pid) for pid in pids} == {worker.group}
    # Celery names the node that took each step: ours, on its own queue.
    taken = {event.step_key: event.engine_event_data.metadata["Celery worker"].value for event in step_events
             if event.is_engine_event and "Celery worker" in event.engine_event_data.metadata}
    assert set(taken) == steps
    assert {node.split("@")[0] for node in taken.values()} == {worker.name}
    assert worker.log.read_text(errors="replace").count("Task execute_plan[") >= 2 * len(steps)  # received, succeeded

    staging = StagingArea(root=str(load_institution().staging_dir))
    for table in TABLES:
        staged = staging.latest("hr", table)
        assert staged is not None and staged.is_file()
        assert pq.read_metadata(staged).num_rows > 0
