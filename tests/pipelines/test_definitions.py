"""The Dagster definitions load, with one extraction asset per contract table, grouped by domain."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import dagster as dg
import pytest

from pipelines.definitions import build_definitions
from resources.common.institution import SYSTEMS, load_institution, project_root
from resources.sourcing.contracts import load_contract


@pytest.fixture
def institution(monkeypatch, tmp_path: Path):
    monkeypatch.setenv("OPENDATA_HOME", str(tmp_path))
    return load_institution("demo")


def test_every_contract_table_is_an_asset_of_its_domain(institution) -> None:
    defs = build_definitions(institution)
    graph = defs.resolve_asset_graph()
    contracts = {system: load_contract(institution.contracts_dir, system) for system in SYSTEMS}
    expected = {
        dg.AssetKey([system, "extracted", name])
        for system, contract in contracts.items()
        for name, table in contract.tables.items()
        if table.extracted_columns
    }
    never_read = {
        dg.AssetKey([system, "extracted", name])
        for system, contract in contracts.items()
        for name, table in contract.tables.items()
        if not table.extracted_columns
    }
    assert expected <= set(graph.get_all_asset_keys())
    assert never_read.isdisjoint(graph.get_all_asset_keys())
    for key in expected:
        node = graph.get(key)
        assert node.group_name == key.path[0]
        assert node.description
    assert {"hr_db", "finance_db", "students_db", "staging"} <= set(defs.resources)


def test_partitions_follow_the_contract(institution) -> None:
    graph = build_definitions(institution).resolve_asset_graph()
    for system in SYSTEMS:
        for name, table in load_contract(institution.contracts_dir, system).tables.items():
            if not table.extracted_columns:
                continue
            partitions = graph.get(dg.AssetKey([system, "extracted", name])).partitions_def
            if table.partition is None:
                assert partitions is None
                continue
            keys = partitions.get_partition_keys()
            assert keys[0] == str(institution.first_year)
            start = partitions.time_window_for_partition_key(keys[-1]).start
            assert (start.month, start.day) == ((9, 1) if table.partition.kind == "academic_year" else (1, 1))


def test_env_url_reaches_dagster_as_a_variable_name_not_its_value(institution, monkeypatch) -> None:
    monkeypatch.setenv("OPENDATA_HR_URL", "postgresql+psycopg://reader:pw-XYZ@db.example/siham")
    defs = build_definitions(load_institution("demo"))
    shown = defs.resources["hr_db"].get_resource_definition().config_schema.as_field().default_value
    assert shown["url"] == {"env": "OPENDATA_HR_URL"}  # what the UI and run storage see
    assert "pw-XYZ" not in repr(shown)


def test_workspace_loads_with_the_dagster_cli(tmp_path: Path) -> None:
    env = {**os.environ, "OPENDATA_HOME": str(tmp_path), "DAGSTER_HOME": str(tmp_path / "dagster")}
    (tmp_path / "dagster").mkdir()
    dagster = Path(sys.executable).parent / "dagster"
    done = subprocess.run(
        [str(dagster), "definitions", "validate", "-w", "workspace.yaml"],
        cwd=project_root(), env=env, capture_output=True, text=True, timeout=300,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]


def test_checks_sit_on_their_assets_with_the_severity_chosen_on_purpose(institution) -> None:
    from anonymisation.policy import load_catalogue
    from assets.candidate_checks import OPEN_CHECK, SECRECY_CHECK, needs_secrecy_check
    from assets.extracted import SOURCE_CHECK
    from quality.suite_runs import has_source_suite

    defs = build_definitions(institution)
    graph = defs.resolve_asset_graph()
    specs = {spec.key: spec for item in [*defs.assets, *defs.asset_checks] for spec in item.check_specs}
    for system in SYSTEMS:
        for name, table in load_contract(institution.contracts_dir, system).tables.items():
            if table.extracted_columns and has_source_suite(table):
                spec = specs[dg.AssetCheckKey(dg.AssetKey([system, "extracted", name]), SOURCE_CHECK)]
                assert not spec.blocking  # source findings inform, they never block
    catalogue = load_catalogue()
    for policy in catalogue.values():
        candidate = dg.AssetKey([policy.domain, "anonymised", policy.dataset])
        assert specs[dg.AssetCheckKey(candidate, OPEN_CHECK)].blocking
        assert specs[dg.AssetCheckKey(candidate, "leak_guard")].blocking
        assert (dg.AssetCheckKey(candidate, SECRECY_CHECK) in specs) == needs_secrecy_check(policy, catalogue)
        published = dg.AssetKey([policy.domain, "open", policy.dataset])
        assert candidate in graph.get(published).parent_keys
    assert "store" in defs.resources
