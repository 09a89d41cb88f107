"""The leak guard is a blocking check: a leaking candidate stops its own publication, and says where, not what."""

from __future__ import annotations

import dataclasses
import datetime as dt
import sqlite3
from pathlib import Path

import dagster as dg
import pytest

from anonymisation.datasets import Establishment
from anonymisation.policy import load_catalogue
from assets.anonymised import LEAK_GUARD, anonymised_assets
from pipelines.definitions import build_definitions
from pipelines.launch import extraction_job_defs, recent_years
from pipelines.summary import RANGE_END, RANGE_START
from pipelines.synthetic.generate import generate
from resources.common.institution import SYSTEMS, load_institution


@pytest.fixture
def leaking_run(monkeypatch, tmp_path: Path):
    monkeypatch.setenv("OPENDATA_HOME", str(tmp_path))
    sources = tmp_path / "demo" / "sources"
    sources.mkdir(parents=True)
    for system in SYSTEMS:
        generate(f"sqlite:///{sources / system}.sqlite", system, "small", replace=True, progress=False)
    with sqlite3.connect(sources / "students.sqlite") as conn:
        email = conn.execute("SELECT email_perso FROM etudiants WHERE email_perso IS NOT NULL LIMIT 1").fetchone()[0]
    with sqlite3.connect(sources / "finance.sqlite") as conn:
        conn.execute("UPDATE marches SET objet = objet || ? WHERE date_notification >= ?",
                     (f" (contact {email})", f"{dt.date.today().year - 1}-01-01"))
    institution = load_institution("demo")
    defs = build_definitions(institution)
    extraction = [a for a in defs.assets if "extracted" in a.key.path]
    instance = dg.DagsterInstance.ephemeral()
    years = recent_years(defs, 2)
    for job in extraction_job_defs(defs):  # the night's extraction jobs, over the last two years
        keys = years[job.name]
        assert job.execute_in_process(instance=instance, tags={RANGE_START: keys[0], RANGE_END: keys[-1]}).success

    # A policy bug that bypasses the loader: the contract subject published as is, unscanned.
    policy = load_catalogue()["marches_publics"]
    raw_subject = dataclasses.replace(policy.column("objet"), treatment="keep")
    broken = dataclasses.replace(policy, columns=tuple(raw_subject if c.name == "objet" else c for c in policy.columns))
    [guarded] = anonymised_assets({"marches_publics": broken}, Establishment(institution.name, institution.siret), {})

    @dg.asset(deps=[guarded.key], key=["finance", "open", "marches_publics"])
    def publish() -> None:
        raise AssertionError("must never run after a failed leak guard")

    result = dg.materialize([*extraction, guarded, publish], resources=defs.resources, raise_on_error=False,
                            selection=[guarded.key, publish.key])
    return result, email


def test_a_leak_fails_the_blocking_check_and_stops_publication(leaking_run) -> None:
    result, email = leaking_run
    [evaluation] = [e for e in result.get_asset_check_evaluations() if e.check_name == LEAK_GUARD]
    assert not evaluation.passed
    assert evaluation.severity == dg.AssetCheckSeverity.ERROR
    details = evaluation.metadata["details"].value
    assert "dataset marches_publics, column objet" in details and "rule" in details
    assert email not in details and email not in str(evaluation)
    materialized = {e.asset_key for e in result.get_asset_materialization_events()}
    assert dg.AssetKey(["finance", "open", "marches_publics"]) not in materialized
