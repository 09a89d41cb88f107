"""The Kubernetes template (``config/kubernetes/``), checked against the schemas this machine has.

No cluster runs here, and the Helm chart's own ``values.schema.json`` is not in
a package registry this machine reaches. So each part is checked against the
schema of the code that reads it:

- ``k8s_job_executor.yaml``: Dagster loads the definitions with it and checks it
  against dagster-k8s's executor schema; the Kubernetes Job of a step is then
  built from it by dagster-k8s and read back through the Kubernetes API models;
- ``values.yaml``: every Kubernetes object in it against the Kubernetes API
  models (strict: an unknown key fails); the run launcher and instance the
  chart renders from it against dagster-k8s's ``K8sRunLauncher`` schema and
  Dagster's instance schema; the settings against ``config/dagster/dagster.yaml``.
"""

from __future__ import annotations

import importlib
from pathlib import Path

import dagster as dg
import kubernetes.client as k8s
import pytest
import yaml
from dagster._config import process_config
from dagster._core.instance.config import dagster_instance_config
from dagster_k8s import K8sRunLauncher
from dagster_k8s.container_context import K8sContainerContext
from dagster_k8s.job import UserDefinedDagsterK8sConfig, construct_dagster_k8s_job
from dagster_k8s.models import k8s_model_from_dict, k8s_snake_case_dict

from pipelines.definitions import build_definitions
from pipelines.executors import EXECUTOR_ENV, K8S_CONFIG_ENV, load_k8s_executor_config
from resources.common.errors import ConfigurationError
from resources.common.institution import config_dir, load_institution

FOLDER = config_dir() / "kubernetes"
VALUES = yaml.safe_load((FOLDER / "values.yaml").read_text(encoding="utf-8"))
PRODUCTION = yaml.safe_load((config_dir() / "dagster" / "dagster.yaml").read_text(encoding="utf-8"))
IMAGE = "registry.example.fr/opendata/pipeline:0.1.0"
# The top-level keys of the chart's values (DagsterHelmValues, chart 1.13).
CHART_KEYS = {
    "dagsterWebserver", "dagster-user-deployments", "postgresql", "generatePostgresqlPasswordSecret",
    "generateCeleryConfigSecret", "rabbitmq", "redis", "flower", "ingress", "imagePullSecrets",
    "computeLogManager", "scheduler", "runLauncher", "pythonLogs", "dagsterDaemon", "busybox", "migrate",
    "telemetry", "serviceAccount", "global", "retention", "concurrency", "additionalInstanceConfig",
}


def _model(model: type, value: dict):
    """A Kubernetes API object from its manifest form (camelCase); an unknown key or a wrong type raises."""
    return k8s_model_from_dict(model, k8s_snake_case_dict(model, value))


@pytest.fixture
def k8s_env(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("OPENDATA_HOME", str(tmp_path / "home"))
    monkeypatch.setenv(EXECUTOR_ENV, "k8s")


def test_definitions_load_on_the_k8s_job_executor(k8s_env) -> None:
    defs = build_definitions(load_institution("demo"))
    for name in ("calendar_year_extraction_job", "academic_year_extraction_job", "publication_job", "hr_job"):
        job = defs.resolve_job_def(name)
        assert job.executor_def.name == "k8s_job_executor"
        # The settings are fixed in the executor and checked with the run config: a scheduled run has none.
        assert dg.validate_run_config(job, {})


@pytest.mark.parametrize("broken", [{"max_concurrent": "two"}, {"no_such_setting": 1}, {"retries": "often"}])
def test_a_wrong_executor_setting_is_refused_when_the_definitions_load(k8s_env, tmp_path, monkeypatch, broken) -> None:
    config = load_k8s_executor_config(FOLDER / "k8s_job_executor.yaml")
    path = tmp_path / "k8s_job_executor.yaml"
    path.write_text(yaml.safe_dump({"execution": {"config": {**config, **broken}}}), encoding="utf-8")
    monkeypatch.setenv(K8S_CONFIG_ENV, str(path))
    job = build_definitions(load_institution("demo")).resolve_job_def("publication_job")
    with pytest.raises(dg.DagsterInvalidConfigError):
        dg.validate_run_config(job, {})


def test_an_unknown_executor_is_refused(monkeypatch) -> None:
    monkeypatch.setenv(EXECUTOR_ENV, "kubernetes")
    with pytest.raises(ConfigurationError, match="OPENDATA_EXECUTOR"):
        build_definitions(load_institution("demo"))


def test_a_step_job_built_from_the_executor_config_is_a_valid_kubernetes_job(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("OPENDATA_INSTITUTION", "demo")  # passed on from the run pod, as the code server's env
    config = load_k8s_executor_config(FOLDER / "k8s_job_executor.yaml")
    # As k8s_job_executor builds its container context from its config (dagster_k8s/executor.py).
    context = K8sContainerContext(
        env_vars=config.get("env_vars"), env_secrets=config.get("env_secrets"), volumes=config.get("volumes"),
        volume_mounts=config.get("volume_mounts"),
        run_k8s_config=UserDefinedDagsterK8sConfig.from_dict(config.get("step_k8s_config", {})),
    )
    job_config = context.get_k8s_job_config(IMAGE, _run_launcher(tmp_path, monkeypatch))
    job = construct_dagster_k8s_job(job_config, ["dagster", "api", "execute_step"], "dagster-step-test",
                                    user_defined_k8s_config=context.run_k8s_config)
    manifest = k8s.ApiClient().sanitize_for_serialization(job)
    again = _model(k8s.V1Job, manifest)
    [container] = again.spec.template.spec.containers
    assert container.image == IMAGE
    assert container.resources.limits["memory"] == "4Gi" and container.resources.requests["cpu"] == "1"
    assert container.security_context.allow_privilege_escalation is False
    assert [m.mount_path for m in container.volume_mounts] == ["/var/lib/opendata"]
    assert [e.secret_ref.name for e in container.env_from if e.secret_ref] == ["opendata-demo-sources"]
    assert {e.name: e.value for e in container.env}["OPENDATA_HOME"] == "/var/lib/opendata"
    assert again.spec.backoff_limit == 0  # Dagster's retry policy retries a step, not Kubernetes
    assert again.spec.template.spec.security_context.run_as_user == 10001
    with pytest.raises(Exception, match="Unexpected keys"):
        _model(k8s.V1Container, {"name": "x", "resource": {}})


def test_values_use_only_keys_of_the_chart_and_valid_kubernetes_objects() -> None:
    assert set(VALUES) <= CHART_KEYS
    [deployment] = VALUES["dagster-user-deployments"]["deployments"]
    objects = {
        "env": (k8s.V1EnvVar, deployment["env"]), "envSecrets": (k8s.V1SecretEnvSource, deployment["envSecrets"]),
        "volumes": (k8s.V1Volume, deployment["volumes"]), "volumeMounts": (k8s.V1VolumeMount, deployment["volumeMounts"]),
    }
    for model, items in objects.values():
        for item in items:
            _model(model, item)
    _model(k8s.V1ResourceRequirements, deployment["resources"])
    _model(k8s.V1PodSecurityContext, deployment["podSecurityContext"])
    _model(k8s.V1SecurityContext, deployment["securityContext"])
    launcher = VALUES["runLauncher"]["config"]["k8sRunLauncher"]
    for volume in launcher["volumes"]:
        _model(k8s.V1Volume, volume)
    for mount in launcher["volumeMounts"]:
        _model(k8s.V1VolumeMount, mount)
    _model(k8s.V1ResourceRequirements, launcher["resources"])


def test_the_code_server_loads_our_definitions_for_the_institution(monkeypatch, tmp_path) -> None:
    [deployment] = VALUES["dagster-user-deployments"]["deployments"]
    args = deployment["dagsterApiGrpcArgs"]
    module, attribute = args[args.index("--module-name") + 1], args[args.index("--attribute") + 1]
    env = {item["name"]: item["value"] for item in deployment["env"]}
    assert env[EXECUTOR_ENV] == "k8s"
    load_institution(env["OPENDATA_INSTITUTION"])
    monkeypatch.setenv("OPENDATA_HOME", str(tmp_path))
    assert isinstance(getattr(importlib.import_module(module), attribute), dg.Definitions)


def _rendered_instance() -> dict:
    """The instance the chart renders from our values (its dagster.yaml), for the parts we set."""
    launcher = VALUES["runLauncher"]["config"]["k8sRunLauncher"]
    database = VALUES["postgresql"]
    daemon = VALUES["dagsterDaemon"]
    return {
        "storage": {"postgres": {"postgres_db": {
            "scheme": database["postgresqlScheme"], "username": database["postgresqlUsername"],
            "password": {"env": "DAGSTER_PG_PASSWORD"}, "hostname": database["postgresqlHost"],
            "db_name": database["postgresqlDatabase"], "port": database["service"]["port"],
            "params": database["postgresqlParams"]}}},
        "run_launcher": {"module": "dagster_k8s", "class": "K8sRunLauncher", "config": {
            "load_incluster_config": launcher["loadInclusterConfig"], "job_namespace": "opendata",
            "image_pull_policy": launcher["imagePullPolicy"], "service_account_name": "opendata-dagster",
            "dagster_home": {"env": "DAGSTER_HOME"}, "instance_config_map": {"env": "DAGSTER_K8S_INSTANCE_CONFIG_MAP"},
            "postgres_password_secret": {"env": "DAGSTER_K8S_PG_PASSWORD_SECRET"},
            "env_config_maps": [{"env": "DAGSTER_K8S_PIPELINE_RUN_ENV_CONFIGMAP"}],
            "env_secrets": [s["name"] for s in launcher["envSecrets"]], "env_vars": launcher["envVars"],
            "volume_mounts": launcher["volumeMounts"], "volumes": launcher["volumes"],
            "fail_pod_on_run_failure": launcher["failPodOnRunFailure"], "resources": launcher["resources"]}},
        "run_coordinator": {"module": "dagster.core.run_coordinator", "class": "QueuedRunCoordinator",
                            "config": {"max_concurrent_runs": daemon["runCoordinator"]["config"]["queuedRunCoordinator"]
                                       ["maxConcurrentRuns"]}},
        "run_retries": {"enabled": daemon["runRetries"]["enabled"], "max_retries": daemon["runRetries"]["maxRetries"]},
        "telemetry": {"enabled": VALUES["telemetry"]["enabled"]},
    }


CHART_ENV = ("DAGSTER_PG_PASSWORD", "DAGSTER_HOME", "DAGSTER_K8S_INSTANCE_CONFIG_MAP",
             "DAGSTER_K8S_PG_PASSWORD_SECRET", "DAGSTER_K8S_PIPELINE_RUN_ENV_CONFIGMAP")
KUBECONFIG = {  # a cluster that is never contacted: the launcher only reads its configuration
    "apiVersion": "v1", "kind": "Config", "current-context": "test",
    "clusters": [{"name": "test", "cluster": {"server": "https://127.0.0.1:6443"}}],
    "users": [{"name": "test", "user": {"token": "test"}}],
    "contexts": [{"name": "test", "context": {"cluster": "test", "user": "test"}}],
}


def _run_launcher(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> K8sRunLauncher:
    """The K8sRunLauncher the rendered instance would create, its config processed by its own schema."""
    for name in CHART_ENV:
        monkeypatch.setenv(name, "set-by-the-chart")
    processed = process_config(K8sRunLauncher.config_type(), _rendered_instance()["run_launcher"]["config"])
    assert processed.success, processed.errors
    kubeconfig = tmp_path / "kubeconfig"
    kubeconfig.write_text(yaml.safe_dump(KUBECONFIG), encoding="utf-8")
    return K8sRunLauncher(**{**processed.value, "load_incluster_config": False, "kubeconfig_file": str(kubeconfig)})


def test_the_rendered_instance_passes_dagster_and_k8s_run_launcher_schemas(tmp_path, monkeypatch) -> None:
    launcher = _run_launcher(tmp_path, monkeypatch)
    assert launcher.env_secrets == ["opendata-demo-sources"] and launcher.fail_pod_on_run_failure
    instance = _rendered_instance()
    (tmp_path / "dagster.yaml").write_text(yaml.safe_dump(instance), encoding="utf-8")
    dagster_instance_config(str(tmp_path))  # raises on any key or type Dagster's instance schema refuses
    (tmp_path / "dagster.yaml").write_text(yaml.safe_dump({**instance, "run_retries": {"max_retry": 2}}), encoding="utf-8")
    with pytest.raises(dg.DagsterInvalidConfigError):
        dagster_instance_config(str(tmp_path))
    broken = {**instance["run_launcher"]["config"], "volume_mount": []}
    assert not process_config(K8sRunLauncher.config_type(), broken).success


def test_values_match_the_production_instance() -> None:
    """The Helm deployment runs like config/dagster/dagster.yaml: same storage driver, queue and retries."""
    instance = _rendered_instance()
    assert instance["storage"]["postgres"]["postgres_db"]["scheme"] == PRODUCTION["storage"]["postgres"]["postgres_db"]["scheme"]
    assert instance["run_coordinator"]["config"]["max_concurrent_runs"] == PRODUCTION["concurrency"]["runs"]["max_concurrent_runs"]
    assert instance["run_retries"] == PRODUCTION["run_retries"]
    assert instance["telemetry"] == PRODUCTION["telemetry"]
    assert VALUES["postgresql"]["enabled"] is False and "postgresqlPassword" not in VALUES["postgresql"]


def test_the_template_is_documented() -> None:
    text = (Path(config_dir()).parent / "docs" / "operations.md").read_text(encoding="utf-8")
    assert "## Kubernetes" in text and "config/kubernetes/values.yaml" in text
