"""`opendata backfill` as a user runs it: the last three years of the demo sources, twice.

The demo sources are built in process (no pipeline run); the backfill runs
as a subprocess on its own `OPENDATA_HOME` and persistent Dagster instance.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import dagster as dg
import pytest
from rich.console import Console

from assets.partitions import YearPartitions
from pipelines.backfill import BACKFILL_TAG
from pipelines.definitions import build_definitions
from pipelines.demo import ensure_demo_sources
from pipelines.jobs import PUBLICATION_JOB
from pipelines.nightly import PUBLICATION_SENSOR
from resources.common.institution import SYSTEMS, config_dir, load_institution, project_root
from resources.sourcing.contracts import load_contract
from tests.pipelines.test_cli import HR_DATASETS, held_back

OPENDATA = str(Path(sys.executable).parent / "opendata")
YEAR = dt.date.today().year
FIRST, LAST = YEAR - 2, YEAR
TAG = f"{FIRST}-{LAST}"


def _run(args: list[str], home: Path, **env: str) -> subprocess.CompletedProcess:
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("OPENDATA_", "DAGSTER_"))}
    environ.update({"OPENDATA_HOME": str(home), **env})
    return subprocess.run([OPENDATA, *args], cwd=project_root(), env=environ, capture_output=True, text=True,
                          timeout=600)


def _years(partitions_def: dg.PartitionsDefinition) -> set[int]:
    """The range's keys on one calendar (academic year YEAR exists only from 1 September)."""
    return {int(key) for key in partitions_def.get_partition_keys() if FIRST <= int(key) <= LAST}


def _versions(store: Path) -> dict[str, tuple[list[str], str]]:
    """Each dataset's dated versions, and the checksums of its version online."""
    return {folder.name: (sorted(p.name for p in folder.iterdir() if p.name != "latest" and p.is_dir()),
                          (folder / "latest" / "SHA256SUMS").read_text(encoding="utf-8"))
            for folder in sorted(store.iterdir()) if (folder / "latest").is_dir()}


@pytest.fixture(scope="module")
def backfilled(tmp_path_factory) -> tuple[Path, subprocess.CompletedProcess, subprocess.CompletedProcess]:
    home = tmp_path_factory.mktemp("home")
    with pytest.MonkeyPatch.context() as env:
        env.setenv("OPENDATA_HOME", str(home))
        for system in SYSTEMS:
            env.delenv(f"OPENDATA_{system.upper()}_URL", raising=False)
        ensure_demo_sources(load_institution("demo"), Console(quiet=True))
    first = _run(["backfill", "--from", str(FIRST), "--to", str(LAST)], home)
    assert first.returncode == 0, first.stderr[-3000:]
    before = _versions(home / "demo" / "store")
    again = _run(["backfill", "--from", str(FIRST), "--to", str(LAST)], home)
    assert before == _versions(home / "demo" / "store")  # the same data: no new version, same files online
    return home, first, again


def test_backfill_stages_every_year_of_both_calendars(backfilled) -> None:
    home, first, _ = backfilled
    partitions = YearPartitions(load_institution("demo").first_year)
    assert _years(partitions.calendar) == {FIRST, FIRST + 1, LAST}
    for system in SYSTEMS:
        for name, table in load_contract(config_dir() / "contracts" / "default", system).tables.items():
            if table.partition is None or not table.extracted_columns:
                continue
            staged = {int(p.name) for p in (home / "demo" / "staging" / system / name).iterdir() if p.name.isdigit()}
            assert staged == _years(partitions.for_kind(table.partition.kind)), f"{system}.{name}"
    assert "Blocking checks: " in first.stdout and " 0 failed" in first.stdout


def test_backfill_publishes_once_covering_every_year(backfilled) -> None:
    home, first, _ = backfilled
    store = home / "demo" / "store"
    today = dt.date.today().isoformat()
    versions = _versions(store)
    assert versions and all(dated == [today] for dated, _ in versions.values())
    with (store / "effectifs_etudiants" / "latest" / "effectifs_etudiants.csv").open(encoding="utf-8") as f:
        years = {int(row["rentree"]) for row in csv.DictReader(f)}
    assert years == _years(YearPartitions(load_institution("demo").first_year).academic)
    package = json.loads((store / "execution_budgetaire" / "latest" / "datapackage.json").read_text(encoding="utf-8"))
    # The year under way is covered up to the version's day (docs/publication.md, "Metadata").
    assert package["x_opendata"]["temporal_coverage"] == {"start": f"{FIRST}-01-01", "end": min(f"{LAST}-12-31", today)}
    assert f"Published: {len(versions)} new version(s) {today}" in first.stdout.replace("\n", " ")


def test_backfill_again_replaces_and_runs_are_found_by_tag(backfilled, monkeypatch) -> None:
    home, _, again = backfilled
    assert again.returncode == 0, again.stderr[-3000:]
    assert "Published: 0 new version(s)" in again.stdout
    instance = dg.DagsterInstance.from_config(str(home / ".dagster"))
    runs = instance.get_runs(filters=dg.RunsFilter(tags={BACKFILL_TAG: TAG}))
    jobs = sorted(run.job_name for run in runs)
    # Each backfill: one run per calendar, one publication.
    assert jobs == sorted(2 * ["academic_year_extraction_job", "calendar_year_extraction_job", PUBLICATION_JOB])
    assert all(run.status == dg.DagsterRunStatus.SUCCESS for run in runs)
    # The night's publication sensor does not publish these runs a second time: they belong to no night.
    monkeypatch.setenv("OPENDATA_HOME", str(home))
    sensor = build_definitions(load_institution("demo")).get_sensor_def(PUBLICATION_SENSOR)
    tick = sensor.evaluate_tick(dg.build_sensor_context(instance=instance))
    assert not tick.run_requests


def test_backfill_with_hr_down_publishes_the_others_and_holds_back_hr(backfilled) -> None:
    home, _, _ = backfilled
    online = {p.name for p in (home / "demo" / "store").iterdir() if (p / "latest").is_dir()}
    done = _run(["backfill", "--from", str(LAST), "--to", str(LAST)], home, COLUMNS="400",
                OPENDATA_HR_URL="postgresql+psycopg://reader:Zx9-secret@127.0.0.1:1/siham")
    assert done.returncode == 1
    assert "Traceback" not in done.stderr and "Zx9-secret" not in done.stdout + done.stderr
    assert done.stderr.strip().splitlines() == [
        f"error: {len(HR_DATASETS)} dataset(s) held back (see 'held back' above); the others were published"]
    reasons = held_back(done.stdout)
    assert set(reasons) == HR_DATASETS, done.stdout[-3000:]
    assert all("hr source database is unreachable" in reason for reason in reasons.values())
    others = online - HR_DATASETS
    assert {"effectifs_etudiants", "marches_publics", "subventions"} <= others
    assert f"Published: 0 new version(s), {len(others)} unchanged (version online kept)" in done.stdout
    # The publication run selected only the datasets whose sources were all extracted: it succeeded.
    instance = dg.DagsterInstance.from_config(str(home / ".dagster"))
    [publication] = instance.get_runs(filters=dg.RunsFilter(job_name=PUBLICATION_JOB,
                                                            tags={BACKFILL_TAG: f"{LAST}-{LAST}"}))
    assert publication.status == dg.DagsterRunStatus.SUCCESS


def test_backfill_without_sources_says_so_in_one_line(tmp_path: Path) -> None:
    done = _run(["backfill", "--from", str(FIRST)], tmp_path)
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: source database file missing: hr "), done.stderr
    assert "opendata demo" in lines[0]
    assert not (tmp_path / "demo" / "sources").exists()  # nothing generated, no empty file created
