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
"""

from __future__ import annotations

import os
from pathlib import Path

import dagster as dg
import yaml

from resources.errors import ConfigurationError
from resources.institution import config_dir

EXECUTOR_ENV = "OPENDATA_EXECUTOR"
K8S_CONFIG_ENV = "OPENDATA_K8S_EXECUTOR_CONFIG"
EXECUTORS = ("multiprocess", "k8s")


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


def executor() -> dg.ExecutorDefinition | None:
    """The executor of every job, or None for Dagster's default (multiprocess)."""
    name = os.environ.get(EXECUTOR_ENV) or "multiprocess"
    if name not in EXECUTORS:
        raise ConfigurationError(f"{EXECUTOR_ENV}={name!r} is not one of {', '.join(EXECUTORS)}")
    if name == "multiprocess":
        return None
    try:
        from dagster_k8s import k8s_job_executor
    except ImportError:
        raise ConfigurationError(f"{EXECUTOR_ENV}=k8s needs the 'k8s' extra: pip install '.[k8s]'") from None
    return k8s_job_executor.configured(load_k8s_executor_config(k8s_executor_config_path()), name="k8s_job_executor")
