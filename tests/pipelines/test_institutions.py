"""Several institutions in one deployment: each runs with its own sources, staging, store and reports.

Both demo institutions (``demo``, ``demo-bis``) run `opendata demo --years 1`
in the same ``OPENDATA_HOME`` and the same Dagster instance, one after the
other; their folders must be disjoint and hold their own institution's files.
The operator's code locations (``pipelines.institutions``,
``workspace.operator.yaml``) must give each institution its resources and
its own asset keys, run in process on those keys, and validate with
`dagster definitions validate`.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import pytest

from pipelines.definitions import build_definitions
import pipelines.institutions as operator
from pipelines.institutions import attribute_name, institution_ids, key_prefix, prefixed_definitions
from pipelines.jobs import INSTITUTION_TAG
from resources.common.institution import Institution, load_institution, project_root

BIN = Path(sys.executable).parent
INSTITUTIONS = ("demo", "demo-bis")


def _environ(home: Path, **extra: str) -> dict[str, str]:
    """The environment of a user of the deployment: ``OPENDATA_HOME`` and no other setting of ours."""
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("OPENDATA_", "DAGSTER_"))}
    return {**environ, "OPENDATA_HOME": str(home), **extra}


@pytest.fixture(autouse=True)
def no_source_urls(monkeypatch: pytest.MonkeyPatch) -> None:
    """The institution files' SQLite sources, never a real database named in the environment."""
    for ident in INSTITUTIONS:
        for source in load_institution(ident).sources.values():
            monkeypatch.delenv(source.url_env, raising=False)


@dataclass(frozen=True)
class Deployment:
    home: Path
    runs: dict[str, subprocess.CompletedProcess]

    def institution(self, ident: str, monkeypatch: pytest.MonkeyPatch) -> Institution:
        monkeypatch.setenv("OPENDATA_HOME", str(self.home))
        return load_institution(ident)


@pytest.fixture(scope="module")
def deployment(tmp_path_factory: pytest.TempPathFactory) -> Deployment:
    """Both demos, one after the other, in one OPENDATA_HOME and one Dagster instance (<home>/.dagster)."""
    home = tmp_path_factory.mktemp("operator")
    runs = {ident: subprocess.run([str(BIN / "opendata"), "demo", "--institution", ident, "--years", "1"],
                                  cwd=project_root(), env=_environ(home), capture_output=True, text=True, timeout=600)
            for ident in INSTITUTIONS}
    return Deployment(home, runs)


def _folders(inst: Institution) -> dict[str, Path]:
    sources = {Path(inst.sources[s].url.split("sqlite:///", 1)[1]).parent for s in inst.sources}
    assert len(sources) == 1
    return {"sources": sources.pop(), "staging": inst.staging_dir, "candidates": inst.candidates_dir,
            "store": inst.store_dir, "reports": inst.reports_dir, "datagouv": inst.datagouv_dir,
            "alerts": inst.work_dir / "alerts"}


def _overlap(a: Path, b: Path) -> bool:
    return a == b or a in b.parents or b in a.parents


def test_both_institutions_run_in_disjoint_folders(deployment: Deployment, monkeypatch: pytest.MonkeyPatch) -> None:
    for ident, done in deployment.runs.items():
        assert done.returncode == 0, f"{ident}: {done.stderr[-2000:]}"
    institutions = {ident: deployment.institution(ident, monkeypatch) for ident in INSTITUTIONS}
    folders = {ident: _folders(inst) for ident, inst in institutions.items()}
    for ident, inst in institutions.items():
        for name, folder in folders[ident].items():
            assert folder.is_relative_to(deployment.home / ident), (ident, name, folder)
            if name != "alerts":  # written on a failed run only
                assert folder.is_dir() and any(folder.iterdir()), (ident, name, folder)
        assert f"Output store: {inst.store_dir}" in deployment.runs[ident].stdout
    for a in folders["demo"].values():
        for b in folders["demo-bis"].values():
            assert not _overlap(a, b), (a, b)


def test_each_store_publishes_its_own_institution(deployment: Deployment, monkeypatch: pytest.MonkeyPatch) -> None:
    for ident in INSTITUTIONS:
        inst = deployment.institution(ident, monkeypatch)
        packages = sorted(inst.store_dir.glob("*/latest/datapackage.json"))
        assert len(packages) >= 10, ident
        for package in packages:
            meta = json.loads(package.read_text(encoding="utf-8"))
            producer = meta["x_opendata"]["producer"]
            assert (producer["name"], producer["siret"], producer["uai"]) == (inst.name, inst.siret, inst.uai)
            assert meta["homepage"].startswith(inst.public_base_url)
        requests = (inst.datagouv_dir / "requests.jsonl").read_text(encoding="utf-8")
        bodies = [json.loads(line).get("json") or {} for line in requests.splitlines()]
        organisations = {body.get("organization") for body in bodies} - {None}
        assert organisations == {inst.datagouv_organization}
        assert (inst.reports_dir / "index.html").is_file()
    # Same generator and seed, so the sources hold the same rows: only the identity tells them apart.
    assert deployment.institution("demo", monkeypatch).siret != deployment.institution("demo-bis", monkeypatch).siret


def test_operator_gives_each_institution_its_definitions(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("OPENDATA_HOME", str(tmp_path))
    files = sorted(p.stem for p in (project_root() / "config" / "institutions").glob("*.yaml"))
    assert institution_ids() == files and set(INSTITUTIONS) <= set(files)
    single = build_definitions(load_institution("demo"))
    single_keys = set(single.resolve_asset_graph().get_all_asset_keys())
    single_repo = single.get_repository_def()
    roots = set()
    for ident in files:
        assert isinstance(getattr(operator, attribute_name(ident)), dg.Definitions)
        inst = load_institution(ident)
        defs = prefixed_definitions(inst)
        prefix = key_prefix(inst)
        graph = defs.resolve_asset_graph()
        assert set(graph.get_all_asset_keys()) == {dg.AssetKey([prefix, *k.path]) for k in single_keys}
        assert graph.asset_check_keys and all(c.asset_key.path[0] == prefix for c in graph.asset_check_keys)
        open_key = dg.AssetKey([prefix, "reference", "open", "structures"])
        assert graph.get(open_key).parent_keys == {dg.AssetKey([prefix, "reference", "anonymised", "structures"])}
        repo = defs.get_repository_def()
        for job in single_repo.get_all_jobs():
            expected = {dg.AssetKey([prefix, *k.path]) for k in job.asset_layer.executable_asset_keys}
            assert set(repo.get_job(job.name).asset_layer.executable_asset_keys) == expected, job.name
            if not job.name.startswith("__"):  # ours, not Dagster's implicit asset job
                assert repo.get_job(job.name).tags[INSTITUTION_TAG] == ident, job.name  # the sensor's filter
        assert {s.name for s in repo.schedule_defs} == {s.name for s in single_repo.schedule_defs}
        assert {s.name for s in repo.sensor_defs} == {s.name for s in single_repo.sensor_defs}
        assert defs.resources["store"].root == str(inst.store_dir)
        assert defs.resources["staging"].root == str(inst.staging_dir)
        assert defs.resources["candidates"].reports == str(inst.reports_dir)
        assert inst.sources["hr"].url and defs.resources["hr_db"].url == inst.sources["hr"].url
        roots.add(defs.resources["store"].root)
    assert len(roots) == len(files)
    with pytest.raises(AttributeError):
        getattr(operator, "no_such_institution")


def test_operator_keys_run_in_process(deployment: Deployment, monkeypatch: pytest.MonkeyPatch) -> None:
    """The renamed assets and checks run: HR structures, extracted to published, for each institution."""
    for ident in INSTITUTIONS:
        inst = deployment.institution(ident, monkeypatch)
        defs = prefixed_definitions(inst)
        prefix = key_prefix(inst)
        graph = defs.resolve_asset_graph()
        # The leak guard reads every system's persons: every unpartitioned extraction first.
        keys = [k for k in graph.get_all_asset_keys()
                if k.path[2] == "extracted" and graph.get(k).partitions_def is None]
        keys += [dg.AssetKey([prefix, "reference", layer, "structures"])
                 for layer in ("anonymised", "open", "datagouv")]
        job = dg.Definitions.merge(defs, dg.Definitions(jobs=[
            dg.define_asset_job("structures_check_job", selection=dg.AssetSelection.assets(*keys))]))
        result = job.resolve_job_def("structures_check_job").execute_in_process(instance=dg.DagsterInstance.ephemeral())
        assert result.success
        done = {e.event_specific_data.materialization.asset_key for e in result.get_asset_materialization_events()}
        assert done == set(keys)
        checks = {(c.asset_key, c.check_name): c.passed for c in result.get_asset_check_evaluations()}
        anonymised = dg.AssetKey([prefix, "reference", "anonymised", "structures"])
        assert checks[(anonymised, "leak_guard")] and checks[(anonymised, "conformite_fichier_ouvert")]
        assert all(key.path[0] == prefix for key, _ in checks)


def test_operator_workspace_validates(tmp_path: Path) -> None:
    dagster_home = tmp_path / "dagster"
    dagster_home.mkdir()
    (dagster_home / "dagster.yaml").write_text("telemetry:\n  enabled: false\n", encoding="utf-8")
    done = subprocess.run([str(BIN / "dagster"), "definitions", "validate", "-w", "workspace.operator.yaml"],
                          cwd=project_root(), env=_environ(tmp_path / "home", DAGSTER_HOME=str(dagster_home)),
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    for location in INSTITUTIONS:
        assert f"Validation successful for code location {location}." in done.stderr + done.stdout
