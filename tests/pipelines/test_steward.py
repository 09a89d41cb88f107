"""The steward page is built once per run, in one place (``pipelines.steward``).

The sensor is evaluated on a temporary instance with runs added by hand (their
statuses and tags are what it reads); the page builder is counted, not run.
The demo is run in process, once, to count its builds and read its runs.
"""

from __future__ import annotations

import ast
import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import dagster as dg
import pytest
from rich.console import Console

from pipelines.demo import run_demo
from pipelines.jobs import INSTITUTION_TAG, PUBLICATION_JOB, RUN_RETRY_ON_STEP_FAILURE_TAG
from pipelines.run_records import COMMAND_TAG
import pipelines.steward as steward
from quality.ledger import outcomes
from resources.common.institution import SYSTEMS, project_root

EXTRACTION_JOBS = {"academic_year_extraction_job", "calendar_year_extraction_job"}


@pytest.fixture
def builds(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Each page build, by its reports folder (the page itself is not written)."""
    built: list[Path] = []

    def build(reports: Path, day: dt.date, catalogue: dict) -> Path:
        built.append(reports)
        return reports / day.isoformat() / "index.html"

    monkeypatch.setattr(steward, "build_index", build)
    return built


@pytest.fixture
def instance() -> Iterator[dg.DagsterInstance]:
    with dg.instance_for_test() as instance:
        yield instance


def _run(instance: dg.DagsterInstance, job: str, status: dg.DagsterRunStatus, **tags: str) -> None:
    instance.add_run(dg.DagsterRun(job_name=job, status=status, tags={INSTITUTION_TAG: "demo", **tags}))


def _tick(sensor: dg.SensorDefinition, instance: dg.DagsterInstance, cursor: str | None) -> dg.SensorExecutionData:
    return sensor.evaluate_tick(dg.build_sensor_context(instance=instance, cursor=cursor))


def test_the_sensor_builds_the_page_once_after_runs_end(tmp_path: Path, instance, builds) -> None:
    sensor = steward.steward_page_sensor(tmp_path / "reports", {}, "demo")
    assert not _tick(sensor, instance, None).run_requests and builds == []  # no run yet: nothing built

    _run(instance, "calendar_year_extraction_job", dg.DagsterRunStatus.SUCCESS)
    _run(instance, "academic_year_extraction_job", dg.DagsterRunStatus.FAILURE)  # a failed run's outcomes count too
    _run(instance, PUBLICATION_JOB, dg.DagsterRunStatus.STARTED)  # not over: waits for its end
    _run(instance, PUBLICATION_JOB, dg.DagsterRunStatus.SUCCESS, **{INSTITUTION_TAG: "demo-bis"})  # another member's
    first = _tick(sensor, instance, None)
    assert builds == [tmp_path / "reports"]  # two runs ended: one build
    assert not first.run_requests and "after 2 run(s)" in first.skip_message
    assert _tick(sensor, instance, first.cursor).cursor == first.cursor and len(builds) == 1  # never twice

    # The opendata commands build the page themselves, once, after their last run.
    _run(instance, PUBLICATION_JOB, dg.DagsterRunStatus.SUCCESS, **{COMMAND_TAG: "opendata demo"})
    command = _tick(sensor, instance, first.cursor)
    assert len(builds) == 1 and "opendata commands" in command.skip_message
    _run(instance, PUBLICATION_JOB, dg.DagsterRunStatus.CANCELED)
    assert "after 1 run(s)" in _tick(sensor, instance, command.cursor).skip_message and len(builds) == 2


def test_only_the_steward_module_builds_the_page() -> None:
    """Assets, checks and commands link to the page (``index_path``) and never build it themselves."""
    callers = set()
    for path in sorted(project_root().glob("[a-z]*/**/*.py")):
        if ".venv" in path.parts or "tests" in path.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        if any(isinstance(node, ast.Name) and node.id == "build_index" for node in ast.walk(tree)):
            callers.add(path.relative_to(project_root()).as_posix())
    assert callers == {"pipelines/steward.py"}


def test_the_demo_launches_the_nights_jobs_and_builds_the_page_once(tmp_path: Path, monkeypatch, builds) -> None:
    monkeypatch.setenv("OPENDATA_HOME", str(tmp_path))
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / ".dagster"))  # restored after the test (run_demo sets it)
    monkeypatch.delenv("OPENDATA_INSTITUTION", raising=False)
    for system in SYSTEMS:
        monkeypatch.delenv(f"OPENDATA_{system.upper()}_URL", raising=False)
    result = run_demo(None, 1, False, Console(quiet=True))
    assert builds == [tmp_path / "demo" / "reports"] and result.report is not None
    assert result.summary.published and not result.summary.held_back

    instance = dg.DagsterInstance.from_config(str(tmp_path / ".dagster"))
    runs = instance.get_runs()
    # The jobs the schedule and the publication sensor launch, by name: no ad-hoc asset job.
    assert sorted(run.job_name for run in runs) == sorted([*EXTRACTION_JOBS, PUBLICATION_JOB])
    assert sorted(result.summary.run_ids) == sorted(run.run_id for run in runs)
    assert all(run.status == dg.DagsterRunStatus.SUCCESS for run in runs)
    assert all(run.tags[INSTITUTION_TAG] == "demo" and run.tags[COMMAND_TAG] == "opendata demo" for run in runs)
    extraction = [run for run in runs if run.job_name in EXTRACTION_JOBS]
    assert all(run.tags[RUN_RETRY_ON_STEP_FAILURE_TAG] == "false" for run in extraction)  # the jobs' own tags
    assert all(run.tags["dagster/asset_partition_range_start"] == run.tags["dagster/asset_partition_range_end"]
               for run in extraction)  # --years 1: one partition each
    # A reference table extracted in a yearly job's run has no year of its own: its source suite checks it whole.
    found = outcomes(tmp_path / "demo" / "reports", dt.date.today())
    assert found["source.hr.structures"].rows == result.summary.rows["hr/extracted/structures"] > 0


def test_the_page_shows_what_reusers_keep_of_each_protected_table(tmp_path: Path) -> None:
    """The utility column: cells and persons (euros) published, totals exact, from the day's anonymisation reports."""
    from anonymisation.policy_model import Column, Policy
    from anonymisation.report import AnonymisationReport
    from anonymisation.utility import EUROS, PERSONS, measure

    def policy(name: str, kind: str) -> Policy:
        return Policy(dataset=name, domain="students", title=name, description="", legal_basis="", frequency="annual",
                      builder=name, inputs=(), kind=kind, exception=None,
                      columns=(Column("n", "keep", "string", "n", "t.n"),))

    reports = tmp_path / "reports"
    folder = reports / dt.date.today().isoformat() / "anonymisation"
    kept = {"effectifs": measure([987, 13], [False, True], unit=PERSONS, totals_exact=True),
            "budget": measure([60.0, -40.0], [False, True], unit=EUROS, totals_exact=False)}
    for name, utility in [*kept.items(), ("annuaire", None)]:
        AnonymisationReport(dataset=name, title=name, run_id="r", created_at="c", policy_hash="h", reviewer="DPO",
                            reviewed_on="d", code_version="v", legal_basis="l", kind="aggregate",
                            utility=utility.as_dict() if utility else None).write(folder)
    catalogue = {n: policy(n, k) for n, k in (("effectifs", "aggregate"), ("budget", "amounts"), ("annuaire", "rows"))}
    page = steward.build_steward_page(reports, catalogue).read_text(encoding="utf-8")
    assert "<th>Utilité (publié)</th>" in page
    row = {name: page[page.index(f"<tr id='{name}'>"):].split("</tr>")[0] for name in catalogue}
    assert ("50,0 % des cellules<br>98,7 % des personnes<br>totaux exacts: <span class='ok'>oui</span>"
            in row["effectifs"])
    assert "50,0 % des cellules<br>60,0 % des euros<br>totaux exacts: <span class='warn'>non</span>" in row["budget"]
    assert "des cellules" not in row["annuaire"]
