"""Jobs, the night's schedules, retries and alerts, on the real definitions and real runs.

Runs go to a temporary Dagster instance; sources are the demo's SQLite files,
or a PostgreSQL URL on port 1 of the machine, where nothing listens (a
refused connection, at once). The webhook and the SMTP relay are real local
servers.
"""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import json
import socketserver
import sqlite3
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from zoneinfo import ZoneInfo

import dagster as dg
import pytest
from dagster._utils.schedules import cron_string_iterator
from rich.console import Console

from pipelines.alerts import ALERT_SENSOR, run_failure_alert_sensor
from pipelines.backfill_sensor import BACKFILL_SENSOR
from pipelines.definitions import EXTRACTION_RETRY_POLICY, build_definitions
from pipelines.demo import ensure_demo_sources
from pipelines.jobs import INSTITUTION_TAG, is_extraction
from pipelines.nightly import NIGHT_TAG, PUBLICATION_SENSOR, WILL_RETRY_TAG
from pipelines.steward import STEWARD_SENSOR
from pipelines.synthetic.generate import generate
from resources.common.institution import load_institution

PARIS = ZoneInfo("Europe/Paris")
UNREACHABLE = "postgresql+psycopg://opendata@127.0.0.1:1/source"
FAST_RETRY = dg.RetryPolicy(max_retries=3, delay=0.05, backoff=dg.Backoff.EXPONENTIAL)
EXTRACTION_JOBS = {"academic_year_extraction_job", "calendar_year_extraction_job"}
PLANTED = "Jeanne Planté, NIR 2 85 07 75 123 456 78"


@pytest.fixture(scope="module")
def defs(tmp_path_factory) -> dg.Definitions:
    with pytest.MonkeyPatch.context() as env:
        env.setenv("OPENDATA_HOME", str(tmp_path_factory.mktemp("home")))
        return build_definitions(load_institution("demo"))


@pytest.fixture
def instance() -> Iterator[dg.DagsterInstance]:
    with dg.instance_for_test() as instance:
        yield instance


def _events(result: dg.ExecuteInProcessResult, kind: dg.DagsterEventType) -> list[dg.DagsterEvent]:
    return [event for event in result.all_events if event.event_type == kind]


def test_definitions_hold_every_job_schedule_and_sensor(defs: dg.Definitions) -> None:
    repo = defs.get_repository_def()
    jobs = {job.name: job for job in repo.get_all_jobs() if not job.name.startswith("__")}
    assert set(jobs) == {"hr_job", "finance_job", "students_job", "reference_job", "publication_job", *EXTRACTION_JOBS}
    assert {s.name for s in repo.schedule_defs} == {f"{name}_schedule" for name in EXTRACTION_JOBS}
    assert {s.name for s in repo.sensor_defs} == {PUBLICATION_SENSOR, BACKFILL_SENSOR, ALERT_SENSOR, STEWARD_SENSOR}
    calendar = {name: job.partitions_def.cron_schedule if job.partitions_def else None for name, job in jobs.items()}
    assert calendar == {"hr_job": "0 0 1 1 *", "finance_job": "0 0 1 1 *", "calendar_year_extraction_job": "0 0 1 1 *",
                        "students_job": "0 0 1 9 *", "academic_year_extraction_job": "0 0 1 9 *",
                        "reference_job": None, "publication_job": None}
    # The night's three jobs hold every asset exactly once; only extraction retries.
    selected = {name: set(job.asset_layer.selected_asset_keys) for name, job in jobs.items()}
    every = set(defs.resolve_asset_graph().get_all_asset_keys())
    night = [selected[name] for name in (*EXTRACTION_JOBS, "publication_job")]
    assert set().union(*night) == every and sum(map(len, night)) == len(every)
    assert all(is_extraction(key) for name in EXTRACTION_JOBS for key in selected[name])
    assert {name for name, job in jobs.items() if job.op_retry_policy} == EXTRACTION_JOBS
    assert jobs["calendar_year_extraction_job"].op_retry_policy == EXTRACTION_RETRY_POLICY
    assert EXTRACTION_RETRY_POLICY.backoff == dg.Backoff.EXPONENTIAL and EXTRACTION_RETRY_POLICY.max_retries == 3
    # Publication runs every check of the anonymised candidates with them.
    check_ops = {check.node_def.name for check in defs.asset_checks}
    assert check_ops <= set(jobs["publication_job"].graph.node_dict)
    for domain in ("hr", "finance", "students", "reference"):
        assert {key.path[0] for key in selected[f"{domain}_job"]} == {domain}


@pytest.mark.parametrize(("day", "academic", "calendar"), [
    (dt.date(2026, 6, 16), "2025", "2026"),   # an ordinary Tuesday
    (dt.date(2026, 3, 29), "2025", "2026"),   # clocks go forward at 02:00
    (dt.date(2026, 10, 25), "2026", "2026"),  # clocks go back at 03:00
    (dt.date(2026, 9, 1), "2026", "2026"),    # the academic year 2026-2027 begins
    (dt.date(2026, 1, 1), "2025", "2026"),    # the calendar year 2026 begins
])
def test_the_night_requests_the_year_in_progress(defs, instance, day, academic, calendar) -> None:
    repo = defs.get_repository_def()
    scheduled = dt.datetime.combine(day, dt.time(3, 30), tzinfo=PARIS)
    expected = {"academic_year_extraction_job": academic, "calendar_year_extraction_job": calendar}
    for job, partition in expected.items():
        schedule = repo.get_schedule_def(f"{job}_schedule")
        context = dg.build_schedule_context(instance=instance, scheduled_execution_time=scheduled, repository_def=repo)
        [request] = schedule.evaluate_tick(context).run_requests
        assert request.partition_key == partition
        assert request.run_key == f"{job}:{day.isoformat()}"
        assert request.tags[NIGHT_TAG] == day.isoformat()
        assert request.tags["dagster/partition"] == partition
        assert request.tags["dagster/schedule_name"] == f"{job}_schedule"


@pytest.mark.parametrize(("first", "last", "hours_apart"), [
    (dt.date(2026, 3, 27), dt.date(2026, 3, 31), [24, 23, 24, 24]),   # 29 March is 23 hours long
    (dt.date(2026, 10, 23), dt.date(2026, 10, 27), [24, 25, 24, 24]),  # 25 October is 25 hours long
])
def test_0330_in_paris_ticks_once_a_day_across_daylight_saving(defs, first, last, hours_apart) -> None:
    for schedule in defs.get_repository_def().schedule_defs:
        assert (schedule.cron_schedule, schedule.execution_timezone) == ("30 3 * * *", "Europe/Paris")
        start = dt.datetime.combine(first, dt.time(0, 0), tzinfo=PARIS).timestamp()
        ticks = []
        for tick in cron_string_iterator(start, schedule.cron_schedule, schedule.execution_timezone):
            if tick.astimezone(PARIS).date() > last:
                break
            ticks.append(tick.astimezone(PARIS))
        days = [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]
        assert [t.date() for t in ticks] == days  # exactly one tick per day
        assert {(t.hour, t.minute) for t in ticks} == {(3, 30)}
        gaps = [(b.timestamp() - a.timestamp()) / 3600 for a, b in zip(ticks, ticks[1:])]  # real elapsed time
        assert gaps == hours_apart


def test_an_unreachable_source_is_retried_with_backoff_then_fails_and_alerts(tmp_path, monkeypatch, instance) -> None:
    monkeypatch.setenv("OPENDATA_HOME", str(tmp_path))
    monkeypatch.setenv("OPENDATA_HR_URL", UNREACHABLE)
    result = _extract_structures(instance)
    assert not result.success
    waits = [e.event_specific_data.seconds_to_wait for e in _events(result, dg.DagsterEventType.STEP_UP_FOR_RETRY)]
    assert waits == pytest.approx([0.05, 0.15, 0.35])  # 3 retries, exponential backoff
    assert len(_events(result, dg.DagsterEventType.STEP_RESTARTED)) == 3
    [failure] = result.get_step_failure_events()
    error = failure.step_failure_data.error
    while error.cause is not None:
        error = error.cause
    assert error.cls_name == "SourceUnavailableError" and "hr source database is unreachable" in error.message

    alerts = tmp_path / "alerts.jsonl"
    _alert(run_failure_alert_sensor(alerts), instance, result)
    [alert] = [json.loads(line) for line in alerts.read_text(encoding="utf-8").splitlines()]
    assert alert["job"] == "calendar_year_extraction_job" and alert["run_id"] == result.run_id
    assert alert["failed_steps"] == ["hr__extracted__structures"]
    assert alert["error_class"] == "SourceUnavailableError"
    assert alert["tags"]["partition"] == "2026"
    assert "127.0.0.1" not in alerts.read_text(encoding="utf-8")  # the message (with the URL) stays in the run logs


def test_step_retries_do_not_stack_on_the_instance_run_retries(tmp_path, monkeypatch) -> None:
    """The production instance re-runs failed runs; an extraction run already retried its steps, so not it."""
    monkeypatch.setenv("OPENDATA_HOME", str(tmp_path))
    monkeypatch.setenv("OPENDATA_HR_URL", UNREACHABLE)
    with dg.instance_for_test(overrides={"run_retries": {"enabled": True, "max_retries": 2}}) as retrying:
        extraction = _extract_structures(retrying)
        by_hand = build_definitions(load_institution("demo")).resolve_job_def("hr_job").execute_in_process(
            partition_key="2026", asset_selection=[dg.AssetKey(["hr", "extracted", "structures"])],
            instance=retrying, raise_on_error=False)
        assert not extraction.success and not by_hand.success
        assert retrying.get_run_by_id(extraction.run_id).tags[WILL_RETRY_TAG] == "false"
        assert retrying.get_run_by_id(by_hand.run_id).tags[WILL_RETRY_TAG] == "true"  # no step retries of its own


def test_a_failure_after_extraction_is_not_retried(tmp_path, monkeypatch, instance) -> None:
    monkeypatch.setenv("OPENDATA_HOME", str(tmp_path))
    defs = build_definitions(load_institution("demo"), extraction_retry=FAST_RETRY)
    job = defs.resolve_job_def("publication_job")
    candidate = dg.AssetKey(["reference", "anonymised", "structures"])  # nothing was extracted: it fails
    result = job.execute_in_process(asset_selection=[candidate], instance=instance, raise_on_error=False)
    assert not result.success
    assert not _events(result, dg.DagsterEventType.STEP_UP_FOR_RETRY)


def test_a_contract_violation_at_extraction_is_not_retried(tmp_path, monkeypatch, instance) -> None:
    monkeypatch.setenv("OPENDATA_HOME", str(tmp_path))
    monkeypatch.delenv("OPENDATA_HR_URL", raising=False)
    source = tmp_path / "demo" / "sources" / "hr.sqlite"
    source.parent.mkdir(parents=True)
    generate(f"sqlite:///{source}", "hr", "small", replace=True, progress=False)
    with sqlite3.connect(source) as conn:
        conn.execute("ALTER TABLE structures DROP COLUMN uai")  # a column the contract extracts
    result = _extract_structures(instance)
    assert not result.success
    assert not _events(result, dg.DagsterEventType.STEP_UP_FOR_RETRY)
    [failure] = result.get_step_failure_events()
    assert "uai" in failure.step_failure_data.error.message


def _extract_structures(instance: dg.DagsterInstance) -> dg.ExecuteInProcessResult:
    """The night's calendar-year extraction of hr.structures, with the test's fast retry policy."""
    defs = build_definitions(load_institution("demo"), extraction_retry=FAST_RETRY)
    job = defs.resolve_job_def("calendar_year_extraction_job")
    return job.execute_in_process(partition_key="2026", asset_selection=[dg.AssetKey(["hr", "extracted", "structures"])],
                                  instance=instance, raise_on_error=False)


def _alert(sensor: dg.RunFailureSensorDefinition, instance: dg.DagsterInstance, result) -> None:
    """Evaluate the failure sensor on a finished, failed run, as the daemon would."""
    context = dg.build_run_status_sensor_context(
        sensor_name=sensor.name, dagster_instance=instance, dagster_run=result.dagster_run,
        dagster_event=result.get_run_failure_event(),
    ).for_run_failure()
    sensor(context)


class _Webhook(BaseHTTPRequestHandler):
    def do_POST(self) -> None:  # noqa: N802 - http.server's naming
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.server.received.append((self.headers["Content-Type"], body))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args) -> None:
        pass


class _Smtp(socketserver.StreamRequestHandler):
    """Just enough of an SMTP relay (RFC 5321, no TLS) to receive one message."""

    def handle(self) -> None:
        self.wfile.write(b"220 test relay\r\n")
        lines: list[str] | None = None
        for raw in self.rfile:
            line = raw.decode("utf-8").rstrip("\r\n")
            if lines is not None:
                if line == ".":
                    self.server.received.append("\r\n".join(lines))
                    lines = None
                    self.wfile.write(b"250 queued\r\n")
                else:
                    lines.append(line[1:] if line.startswith("..") else line)
                continue
            verb = line[:4].upper()
            if verb == "DATA":
                lines = []
                self.wfile.write(b"354 go on\r\n")
            elif verb == "QUIT":
                self.wfile.write(b"221 bye\r\n")
                return
            else:
                self.wfile.write(b"250 ok\r\n")


def _serve(server: socketserver.BaseServer) -> socketserver.BaseServer:
    server.received = []
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def test_failure_alert_names_the_error_class_never_its_message(tmp_path, monkeypatch, instance) -> None:
    @dg.asset(key=["hr", "anonymised", "leaky"])
    def leaky() -> None:
        raise ValueError(f"agent {PLANTED} has no structure")

    result = dg.materialize([leaky], instance=instance, raise_on_error=False)
    webhook = _serve(HTTPServer(("127.0.0.1", 0), _Webhook))
    relay = _serve(socketserver.ThreadingTCPServer(("127.0.0.1", 0), _Smtp))
    monkeypatch.setenv("OPENDATA_ALERT_WEBHOOK_URL", f"http://127.0.0.1:{webhook.server_address[1]}/hook")
    monkeypatch.setenv("OPENDATA_ALERT_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("OPENDATA_ALERT_SMTP_PORT", str(relay.server_address[1]))
    monkeypatch.setenv("OPENDATA_ALERT_SMTP_SECURITY", "none")
    monkeypatch.setenv("OPENDATA_ALERT_SMTP_FROM", "opendata@univ.example")
    monkeypatch.setenv("OPENDATA_ALERT_SMTP_TO", "dpo@univ.example, exploitation@univ.example")
    try:
        alerts = tmp_path / "alerts" / "alerts.jsonl"
        _alert(run_failure_alert_sensor(alerts), instance, result)
    finally:
        webhook.shutdown()
        relay.shutdown()

    written = alerts.read_text(encoding="utf-8")
    [alert] = [json.loads(line) for line in written.splitlines()]
    assert alert["run_id"] == result.run_id and alert["job"] == result.dagster_run.job_name
    assert alert["failed_steps"] == ["hr__anonymised__leaky"]
    assert alert["error_class"] == "ValueError" and alert["step_errors"] == {"hr__anonymised__leaky": "ValueError"}
    assert dt.datetime.fromisoformat(alert["time"]).tzinfo is not None
    assert alert["channels"] == {"webhook": "sent", "email": "sent"}
    [(content_type, body)] = webhook.received
    assert content_type.startswith("application/json") and json.loads(body)["error_class"] == "ValueError"
    [raw] = relay.received
    mail = email.message_from_string(raw, policy=email.policy.default)
    assert "ValueError" in mail["Subject"] and "hr__anonymised__leaky" in mail.get_content()
    for text in (written, body.decode("utf-8"), raw, mail.get_content()):
        for planted in ("Planté", "Jeanne", "123 456 78", "no structure"):
            assert planted not in text


def test_a_failing_channel_is_recorded_and_the_alert_kept(tmp_path, monkeypatch, instance) -> None:
    @dg.asset
    def broken() -> None:
        raise RuntimeError(PLANTED)

    result = dg.materialize([broken], instance=instance, raise_on_error=False)
    monkeypatch.setenv("OPENDATA_ALERT_WEBHOOK_URL", "http://127.0.0.1:1/hook")  # nothing listens
    monkeypatch.setenv("OPENDATA_ALERT_SMTP_HOST", "127.0.0.1")  # and no sender configured
    alerts = tmp_path / "alerts.jsonl"
    _alert(run_failure_alert_sensor(alerts), instance, result)
    [alert] = [json.loads(line) for line in alerts.read_text(encoding="utf-8").splitlines()]
    assert alert["channels"] == {"webhook": "failed: URLError", "email": "failed: ConfigurationError"}
    assert alert["error_class"] == "RuntimeError"
    assert "Planté" not in alerts.read_text(encoding="utf-8")


def test_publication_waits_for_the_night_then_publishes_what_was_extracted(tmp_path, monkeypatch, instance) -> None:
    monkeypatch.setenv("OPENDATA_HOME", str(tmp_path))
    institution = load_institution("demo")
    ensure_demo_sources(institution, Console(quiet=True))
    # An earlier day: every source extracted once (anonymisation scans for the persons of all three systems).
    earlier = build_definitions(institution)
    assert earlier.resolve_job_def("academic_year_extraction_job").execute_in_process(
        partition_key="2025", instance=instance).success
    monkeypatch.setenv("OPENDATA_STUDENTS_URL", UNREACHABLE)  # tonight, the students' source is down
    defs = build_definitions(load_institution("demo"), extraction_retry=FAST_RETRY)
    repo = defs.get_repository_def()
    sensor = repo.get_sensor_def(PUBLICATION_SENSOR)
    night = {NIGHT_TAG: "2026-06-16"}

    def tick(cursor: str | None = None) -> dg.SensorExecutionData:
        return sensor.evaluate_tick(dg.build_sensor_context(instance=instance, cursor=cursor, repository_def=repo))

    assert not tick().run_requests  # no night yet: a run by hand carries no night
    calendar = defs.resolve_job_def("calendar_year_extraction_job")
    assert calendar.execute_in_process(partition_key="2026", tags=night, instance=instance).success
    waiting = tick()
    assert not waiting.run_requests and "academic_year_extraction_job" in waiting.skip_message

    # Another member of the operator's deployment, same instance and job names, is still extracting tonight.
    instance.add_run(dg.DagsterRun(job_name="academic_year_extraction_job", status=dg.DagsterRunStatus.STARTED,
                                   tags={**night, INSTITUTION_TAG: "demo-bis"}))
    academic = defs.resolve_job_def("academic_year_extraction_job")
    failed = academic.execute_in_process(partition_key="2025", tags=night, instance=instance, raise_on_error=False)
    assert not failed.success and failed.dagster_run.tags[INSTITUTION_TAG] == "demo"
    done = tick()
    [request] = done.run_requests
    assert request.run_key == "publication_job:2026-06-16" and request.tags[NIGHT_TAG] == "2026-06-16"
    publication = defs.resolve_job_def("publication_job")
    published = set(publication.asset_layer.selected_asset_keys)
    # The register of documents waits for every dataset: with the students' left out, it waits too.
    assert set(request.asset_selection) == {key for key in published
                                            if key.path[0] != "students" and key.path[-1] != "repertoire_documents"}
    assert done.cursor == "2026-06-16"
    assert not tick(done.cursor).run_requests  # the same night is never published twice

    # The run Dagster would launch: HR, finance and reference datasets published, students' left as they were.
    result = publication.execute_in_process(asset_selection=request.asset_selection, tags=request.tags,
                                            instance=instance)
    assert result.success
    materialised = {e.event_specific_data.materialization.asset_key for e in result.get_asset_materialization_events()}
    assert materialised == set(request.asset_selection)
