"""Where a run's steps execute, chosen by ``OPENDATA_EXECUTOR`` when the definitions load.

- ``multiprocess`` (default): one process per step on the run's machine.
- ``k8s``: one Kubernetes Job per step (``dagster_k8s.k8s_job_executor``),
  configured by ``config/kubernetes/k8s_job_executor.yaml`` or the file named
  by ``OPENDATA_K8S_EXECUTOR_CONFIG``. Needs the ``k8s`` extra and a Dagster
  instance whose run launcher is the ``K8sRunLauncher`` (the Helm chart's
  values in ``config/kubernetes/values.yaml``). Not run on this project's
  machines: docs/operations.md, "Kubernetes".

The configuration is fixed when the definitions load, so the schedule's and
the sensor's runs, which carry no run config, get it too; Dagster checks it
against the executor's schema at that moment.

Either executor runs inside the institution's home lock
(``pipelines.home_lock``) for the whole run, however the run was launched
(daemon, schedule, sensor, UI, ``dagster job execute``): the executor is the
one piece of a run that lasts from its first step to its last, in the run's
own process. A run waits for a run in progress up to its ``opendata/lock_wait``
tag, else ``OPENDATA_RUN_LOCK_WAIT``, else 6 hours, then fails in one line
naming the holder. The ``opendata`` commands take the lock themselves and run
Dagster in-process (``execute_in_process`` replaces the executor): their
runs never reach this one.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

import dagster as dg
import yaml

from pipelines.home_lock import (RUN_WAIT_DEFAULT, RUN_WAIT_ENV, Holder, HomeLockedError, default_wait, home_lock,
                                 seconds)
from resources.common.errors import ConfigurationError
from resources.common.institution import config_dir

if TYPE_CHECKING:  # the types of the public Executor interface; Dagster 1.13 does not export them at the top level
    from dagster._core.execution.context.system import PlanOrchestrationContext
    from dagster._core.execution.plan.plan import ExecutionPlan
    from dagster._core.execution.retries import RetryMode
    from dagster._core.execution.step_dependency_config import StepDependencyConfig

EXECUTOR_ENV = "OPENDATA_EXECUTOR"
K8S_CONFIG_ENV = "OPENDATA_K8S_EXECUTOR_CONFIG"
EXECUTORS = ("multiprocess", "k8s")
LOCK_WAIT_TAG = "opendata/lock_wait"  # seconds this run waits for the home's lock (overrides RUN_WAIT_ENV)
RUN_HINT = f"set the run's tag {LOCK_WAIT_TAG} (or {RUN_WAIT_ENV}) to a longer wait in seconds"


def k8s_executor_config_path() -> Path:
    """The ``k8s_job_executor`` settings: ``OPENDATA_K8S_EXECUTOR_CONFIG`` or the shipped template."""
    return Path(os.environ.get(K8S_CONFIG_ENV) or config_dir() / "kubernetes" / "k8s_job_executor.yaml")


def load_k8s_executor_config(path: Path) -> dict:
    """The ``execution: config:`` mapping of a ``k8s_job_executor`` run-config file."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    config = (raw.get("execution") or {}).get("config")
    if not isinstance(config, dict):
        raise ConfigurationError(f"{path}: no 'execution: config:' mapping (rule: k8s_job_executor run config)")
    return config


def run_wait(tags: Mapping[str, str]) -> float:
    """How long a run waits for the home's lock: its tag, else ``OPENDATA_RUN_LOCK_WAIT``, else 6 hours."""
    raw = tags.get(LOCK_WAIT_TAG)
    return seconds(raw, LOCK_WAIT_TAG) if raw else default_wait(RUN_WAIT_ENV, RUN_WAIT_DEFAULT)


class HomeLockedExecutor(dg.Executor):
    """An executor that orchestrates the whole run inside the home's lock."""

    def __init__(self, inner: dg.Executor, work_dir: Path) -> None:
        self._inner = inner
        self._work_dir = work_dir

    @property
    def retries(self) -> RetryMode:
        return self._inner.retries

    @property
    def step_dependency_config(self) -> StepDependencyConfig:
        return self._inner.step_dependency_config

    def execute(self, plan_context: PlanOrchestrationContext,
                execution_plan: ExecutionPlan) -> Iterator[dg.DagsterEvent]:
        run = plan_context.dagster_run
        wait = run_wait(run.tags)

        def waiting(holder: Holder | None) -> None:
            who = holder.describe() if holder else "another run"
            plan_context.log.info(f"{self._work_dir} is in use by {who}: waiting up to {wait:g} s for it to end")

        with contextlib.ExitStack() as held:
            try:
                previous = held.enter_context(home_lock(self._work_dir, f"Dagster run of {run.job_name}", wait,
                                                        run_id=run.run_id, hint=RUN_HINT, on_wait=waiting))
            except HomeLockedError as refused:
                plan_context.log.error(str(refused))  # one line in the run's log; the run then fails with it
                raise
            if previous is not None:
                plan_context.log.warning(f"recovered the lock of {previous.describe()}, "
                                         "which ended without releasing it")
            yield from self._inner.execute(plan_context, execution_plan)


def home_locked(inner: dg.ExecutorDefinition, work_dir: Path) -> dg.ExecutorDefinition:
    """``inner``, same name and settings, each of its runs holding the lock of the home ``work_dir``."""

    def create(init_context: dg.InitExecutorContext) -> dg.Executor:
        return HomeLockedExecutor(inner.executor_creation_fn(init_context), work_dir)

    return dg.ExecutorDefinition(name=inner.name, config_schema=inner.config_schema,
                                 requirements=inner.get_requirements, executor_creation_fn=create,
                                 description=inner.description)


def executor(work_dir: Path) -> dg.ExecutorDefinition:
    """The executor of every job of the home ``work_dir``: Dagster's default (multiprocess) or k8s, in the home's lock."""
    name = os.environ.get(EXECUTOR_ENV) or "multiprocess"
    if name not in EXECUTORS:
        raise ConfigurationError(f"{EXECUTOR_ENV}={name!r} is not one of {', '.join(EXECUTORS)}")
    if name == "multiprocess":
        return home_locked(dg.multi_or_in_process_executor, work_dir)
    try:
        from dagster_k8s import k8s_job_executor
    except ImportError:
        raise ConfigurationError(f"{EXECUTOR_ENV}=k8s needs the 'k8s' extra: pip install '.[k8s]'") from None
    config = load_k8s_executor_config(k8s_executor_config_path())
    return home_locked(k8s_job_executor.configured(config, name="k8s_job_executor"), work_dir)
