"""The Dagster UI as the data team uses it: `dagster-webserver` and `dagster-daemon`, opened in headless Chromium.

The demo sources are built in a temporary ``OPENDATA_HOME`` (the pipeline is
not run), the two processes start from the project root on a fresh SQLite
instance (``DAGSTER_HOME``, telemetry off) and listen on loopback only. The
catalogue must list every domain, layer and asset the server knows, each
anonymised asset its checks, the Automation page its schedules; a click on
"Materialize" must start a run that succeeds and shows on the asset's page;
a backfill of two years launched from the "Materialize…" dialog must end in
one publication, requested by our sensor.
The default instance queues runs (``QueuedRunCoordinator``): the daemon's run
queue launches them, so the run also proves the daemon works. Nothing may be
fetched beyond loopback. Screenshots are left in each test's temporary folder.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import dagster as dg
import pytest
from rich.console import Console
from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException, TimeoutException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from pipelines.backfill_sensor import AFTER_BACKFILL_TAG
from pipelines.definitions import build_definitions
from pipelines.demo import ensure_demo_sources
from resources.common.institution import load_institution, project_root

CHROMIUM, CHROMEDRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"
BIN = Path(sys.executable).parent
DOMAINS, LAYERS = {"hr", "finance", "students", "reference"}, {"extracted", "anonymised", "open"}
REQUIRED_CHECKS = {"conformite_fichier_ouvert", "leak_guard"}
QUICK_ASSET = ("hr", "extracted", "structures")  # unpartitioned, a few dozen rows of the demo's HR source
ASSETS = "{ assetNodes { assetKey { path } isPartitioned } }"
CHECKS = """query($path: [String!]!) { assetNodeOrError(assetKey: {path: $path}) {
  ... on AssetNode { assetChecksOrError { ... on AssetChecks { checks { name } } } } } }"""
SCHEDULES = "{ repositoriesOrError { ... on RepositoryConnection { nodes { schedules { name } } } } }"
RUNS = "{ runsOrError(limit: 20) { ... on Runs { results { runId status assetSelection { path } } } } }"
LOCATIONS = """{ workspaceOrError { ... on Workspace { locationEntries { name loadStatus
  locationOrLoadError { __typename ... on PythonError { message } } } } } }"""


def _unavailable(reason: str) -> None:
    """Skip without Chromium, unless ``OPENDATA_REQUIRE_SERVERS=1`` (CI), where it fails."""
    if os.environ.get("OPENDATA_REQUIRE_SERVERS") == "1":
        pytest.fail(f"{reason} (OPENDATA_REQUIRE_SERVERS=1)")
    pytest.skip(reason)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Dagster:
    """The running webserver: its URL, its GraphQL API, and the folders the runs write to."""

    base: str
    home: Path
    instance: Path
    logs: list[Path]
    # Loopback needs no proxy; one set in the environment must not see these requests.
    opener: urllib.request.OpenerDirector = field(
        default_factory=lambda: urllib.request.build_opener(urllib.request.ProxyHandler({})))

    def graphql(self, query: str, **variables: Any) -> dict[str, Any]:
        request = urllib.request.Request(f"{self.base}/graphql", headers={"Content-Type": "application/json"},
                                         data=json.dumps({"query": query, "variables": variables}).encode())
        with self.opener.open(request, timeout=30) as response:
            body = json.load(response)
        assert not body.get("errors"), body["errors"]
        return body["data"]

    def log_tails(self) -> str:
        return "\n".join(f"--- {log.name}\n{log.read_text(errors='replace')[-2000:]}" for log in self.logs)


def _until(what: str, condition: Callable[[], Any], timeout: float, every: float = 0.5) -> Any:
    """Poll ``condition`` until it returns something true; fail naming ``what`` after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not (result := condition()):
        if time.monotonic() > deadline:
            pytest.fail(f"{what}: not within {timeout:.0f} s")
        time.sleep(every)
    return result


def _stop(process: subprocess.Popen) -> None:
    """End the process and its children (code servers, run workers): they share its process group."""
    for sig, wait in ((signal.SIGTERM, 30), (signal.SIGKILL, 10)):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            break
        try:
            process.wait(wait)
            break
        except subprocess.TimeoutExpired:
            continue


@pytest.fixture(scope="module")
def dagster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Dagster]:
    """The demo sources, then `dagster-webserver` and `dagster-daemon` on a fresh instance, stopped afterwards."""
    root = tmp_path_factory.mktemp("dagster-ui")
    home, instance = root / "home", root / "dagster"
    instance.mkdir()
    (instance / "dagster.yaml").write_text("telemetry:\n  enabled: false\n", encoding="utf-8")
    with pytest.MonkeyPatch.context() as patch:
        for name in [n for n in os.environ if n.startswith(("OPENDATA_", "DAGSTER_"))]:
            patch.delenv(name)
        patch.setenv("OPENDATA_HOME", str(home))
        assert ensure_demo_sources(load_institution("demo"), Console(quiet=True)) == ["hr", "finance", "students"]
        # Create the SQLite storage once, as `dagster dev` does: the webserver and the daemon starting
        # together on a fresh folder would both stamp its schema ("more than one head").
        patch.setenv("DAGSTER_HOME", str(instance))
        with dg.DagsterInstance.get() as created:
            assert not created.telemetry_enabled
            assert isinstance(created.run_coordinator, dg.QueuedRunCoordinator)  # runs wait for the daemon
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("OPENDATA_", "DAGSTER_"))}
    environ.update(OPENDATA_HOME=str(home), DAGSTER_HOME=str(instance))
    port = _free_port()
    commands = {"webserver": [str(BIN / "dagster-webserver"), "-w", "workspace.yaml", "-h", "127.0.0.1",
                              "-p", str(port)],
                "daemon": [str(BIN / "dagster-daemon"), "run", "-w", "workspace.yaml"]}
    processes, logs = [], []
    try:
        for name, command in commands.items():
            logs.append(root / f"{name}.log")
            with logs[-1].open("wb") as log:
                processes.append(subprocess.Popen(command, cwd=project_root(), env=environ, stdout=log,
                                                  stderr=subprocess.STDOUT, start_new_session=True))
        server = Dagster(f"http://127.0.0.1:{port}", home, instance, logs)

        def answers() -> bool:
            assert all(p.poll() is None for p in processes), f"a process exited:\n{server.log_tails()}"
            try:
                with server.opener.open(f"{server.base}/server_info", timeout=5) as response:
                    return response.status == 200
            except (urllib.error.URLError, OSError):
                return False

        _until("the webserver answering /server_info", answers, 120)

        def loaded() -> list[dict[str, Any]]:
            entries = server.graphql(LOCATIONS)["workspaceOrError"]["locationEntries"]
            return entries if entries and all(e["loadStatus"] == "LOADED" for e in entries) else []

        failed = [e for e in _until("the code locations loaded", loaded, 120)
                  if e["locationOrLoadError"]["__typename"] != "RepositoryLocation"]
        assert not failed, failed
        # A fresh instance greets a loopback visitor with a "Join the Dagster community" dialog covering
        # the page; recording it as seen (as its "Skip" button does) keeps the pages clickable.
        assert server.graphql("mutation { setNuxSeen }")["setNuxSeen"]
        yield server
    finally:
        for process in processes:
            _stop(process)


@dataclass
class Browser:
    """Headless Chromium on the UI; remembers every URL a page asked for."""

    driver: webdriver.Chrome
    base: str
    shots: Path  # where a page is photographed when a wait fails
    requested: set[str] = field(default_factory=set)

    def open(self, path: str) -> None:
        self.drain()
        self.driver.get(self.base + path)

    def drain(self) -> None:
        for entry in self.driver.get_log("performance"):
            message = json.loads(entry["message"])["message"]
            if message["method"] == "Network.requestWillBeSent":
                self.requested.add(message["params"]["request"]["url"])
            elif message["method"] == "Network.webSocketCreated":
                self.requested.add(message["params"]["url"])

    def wait(self, what: str, condition: Callable[[webdriver.Chrome], Any], timeout: float = 60) -> Any:
        """Explicit wait on the page; a re-rendered (stale) element is simply looked up again."""
        try:
            return WebDriverWait(self.driver, timeout, poll_frequency=0.2,
                                 ignored_exceptions=(StaleElementReferenceException,)).until(condition)
        except TimeoutException:
            shot = self.shots / f"failed-{len(list(self.shots.iterdir()))}.png"
            self.driver.save_screenshot(str(shot))
            pytest.fail(f"{what}: not within {timeout:.0f} s on {self.driver.current_url} (screenshot {shot})")

    def screenshot(self, path: Path) -> None:
        assert self.driver.save_screenshot(str(path))
        png = path.read_bytes()
        assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 30_000, f"{path} looks blank ({len(png)} bytes)"
        assert int.from_bytes(png[16:20], "big") == 1600  # IHDR width: the whole window was drawn


@pytest.fixture(scope="module")
def chromium() -> None:
    """Chromium and its driver from Debian, looked for before any server starts."""
    missing = [p for p in (CHROMIUM, CHROMEDRIVER) if not shutil.which(p)]
    if missing:
        _unavailable(f"{', '.join(missing)} missing; install with `apt-get install -y chromium chromium-driver`")


@pytest.fixture(scope="module")
def ui(chromium: None, dagster: Dagster, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Browser]:
    """Headless Chromium; Selenium Manager is never asked, every host but loopback fails to resolve, no proxy."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SE_OFFLINE", "true")
        options = webdriver.ChromeOptions()
        options.binary_location = CHROMIUM
        for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                     "--window-size=1600,1200", "--no-proxy-server",
                     "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1"):
            options.add_argument(flag)
        options.set_capability("goog:loggingPrefs", {"performance": "ALL"})
        driver = webdriver.Chrome(options=options, service=Service(executable_path=CHROMEDRIVER))
    driver.set_page_load_timeout(60)
    try:
        yield Browser(driver, dagster.base, tmp_path_factory.mktemp("dagster-ui-failures"))
    finally:
        driver.quit()


def _children(driver: webdriver.Chrome, prefix: tuple[str, ...]) -> set[str]:
    """Names listed one level below ``prefix`` in the catalogue's folder view (folders and assets alike)."""
    hrefs: list[str] = driver.execute_script(
        "return [...document.querySelectorAll('a[href^=\"/assets/\"]')].map(a => a.getAttribute('href'))")
    stem = "/assets/" + "".join(f"{part}/" for part in prefix)
    below = [h[len(stem):].split("?")[0] for h in hrefs if h.startswith(stem)]
    return {name for name in below if "/" not in name}


def _texts(driver: webdriver.Chrome, names: set[str]) -> set[str]:
    """Which of ``names`` appear as an element's own text on the page."""
    return {n for n in names if driver.find_elements(By.XPATH, f"//*[normalize-space(text())='{n}']")}


def test_the_catalogue_lists_every_domain_layer_and_asset(ui: Browser, dagster: Dagster, tmp_path: Path) -> None:
    keys = {tuple(node["assetKey"]["path"]) for node in dagster.graphql(ASSETS)["assetNodes"]}
    assert {k[0] for k in keys} >= DOMAINS
    for domain in DOMAINS:
        layers = {k[1] for k in keys if k[0] == domain}
        assert layers >= (LAYERS - {"extracted"} if domain == "reference" else LAYERS), (domain, layers)
    ui.open("/assets")
    ui.wait("the flat asset list", lambda d: _texts(d, {"Never materialized"}))
    ui.screenshot(tmp_path / "asset_list.png")
    ui.wait("the folder view button", lambda d: _click(d, "", icon="folder"))
    for prefix in sorted({()} | {k[:1] for k in keys} | {k[:2] for k in keys}):
        expected = {k[len(prefix)] for k in keys if k[:len(prefix)] == prefix}
        if prefix:
            ui.open("/assets" + "".join(f"/{part}" for part in prefix) + "?view=folder")
        ui.wait(f"the catalogue under {'/'.join(prefix) or 'its root'} listing {sorted(expected)}",
                lambda d, p=prefix, e=expected: _children(d, p) == e)


def test_every_anonymised_asset_lists_its_checks(ui: Browser, dagster: Dagster) -> None:
    keys = [node["assetKey"]["path"] for node in dagster.graphql(ASSETS)["assetNodes"]]
    anonymised = [key for key in keys if key[1] == "anonymised"]
    assert {key[0] for key in anonymised} == DOMAINS
    for key in anonymised:
        node = dagster.graphql(CHECKS, path=key)["assetNodeOrError"]
        names = {check["name"] for check in node["assetChecksOrError"]["checks"]}
        assert names >= REQUIRED_CHECKS, (key, names)
        ui.open(f"/assets/{'/'.join(key)}?view=checks")
        ui.wait(f"the checks of {'/'.join(key)}: {sorted(names)}", lambda d, n=names: _texts(d, n) == n)


def test_the_automation_page_lists_schedules_and_the_daemon_runs(ui: Browser, dagster: Dagster) -> None:
    nodes = dagster.graphql(SCHEDULES)["repositoriesOrError"]["nodes"]
    schedules = {schedule["name"] for node in nodes for schedule in node["schedules"]}
    ui.open("/overview/schedules")  # the schedules page moved to /automation; old links still lead there
    ui.wait("the redirect to /automation", lambda d: urllib.parse.urlsplit(d.current_url).path == "/automation")
    if schedules:
        ui.wait(f"one of the schedules {sorted(schedules)} listed", lambda d: _texts(d, schedules))
    else:
        ui.wait("the empty Automation page", lambda d: _texts(d, {"No automations"}))
    ui.open("/deployment/daemons")
    for daemon in ("Scheduler", "Run queue"):
        ui.wait(f"the {daemon} daemon running", lambda d, x=daemon: d.find_elements(
            By.XPATH, f"//tr[td[normalize-space(.)='{x}']]/td[normalize-space(.)='Running']"))


def _launched_run(driver: webdriver.Chrome) -> str | None:
    """The run id prefix the "Launched run" toast shows; confirms a launch dialog if one is open."""
    for toast in driver.find_elements(By.XPATH, "//*[contains(text(), 'Launched run')]"):
        if match := re.search(r"Launched run ([0-9a-f]{8})", toast.text):
            return match.group(1)
    for button in driver.find_elements(By.XPATH, "//*[@role='dialog']//button[starts-with(normalize-space(.), "
                                                 "'Launch') or normalize-space(.)='Materialize']"):
        if button.is_displayed() and button.is_enabled():
            button.click()
    return None


def _click(driver: webdriver.Chrome, text: str, icon: str | None = None) -> bool:
    """Click the enabled button showing ``text`` (and the icon named ``icon``); false while there is none."""
    drawn = f" and .//*[@aria-label='{icon}']" if icon else ""
    for button in driver.find_elements(By.XPATH, f"//button[normalize-space(.)='{text}'{drawn}]"):
        if button.is_displayed() and button.is_enabled():
            button.click()
            return True
    return False


def test_materialize_from_the_ui(ui: Browser, dagster: Dagster, tmp_path: Path) -> None:
    nodes = {tuple(n["assetKey"]["path"]): n for n in dagster.graphql(ASSETS)["assetNodes"]}
    assert not nodes[QUICK_ASSET]["isPartitioned"]  # one click, no partition to choose
    page = "/assets/" + "/".join(QUICK_ASSET)
    ui.open(page)
    ui.wait("the asset page, never materialised", lambda d: _texts(d, {"Never materialized"}))
    ui.wait("the Materialize button", lambda d: _click(d, "Materialize"))
    run = ui.wait("the 'Launched run' toast", _launched_run, 60)

    def finished() -> dict[str, Any] | None:
        runs = dagster.graphql(RUNS)["runsOrError"]["results"]
        mine = [r for r in runs if r["runId"].startswith(run)]
        return mine[0] if mine and mine[0]["status"] in {"SUCCESS", "FAILURE", "CANCELED"} else None

    result = _until(f"run {run} finishing (queued, launched by the daemon)", finished, 180, every=1)
    assert result["status"] == "SUCCESS", dagster.log_tails()
    assert [tuple(k["path"]) for k in result["assetSelection"]] == [QUICK_ASSET]
    assert list((dagster.home / "demo").rglob("*.parquet")), "the run wrote no staging under OPENDATA_HOME"

    with sqlite3.connect(dagster.home / "demo" / "sources" / "hr.sqlite") as source:
        rows = source.execute("SELECT count(*) FROM structures").fetchone()[0]
    ui.open(page)
    ui.wait("the latest materialisation and its row count", lambda d: not _texts(d, {"Never materialized"})
            and re.search(rf"Row count\s+{rows:,}\b", d.find_element(By.TAG_NAME, "body").text))
    ui.screenshot(tmp_path / "materialised_asset.png")
    ui.open(page + "?view=events")
    ui.wait(f"'Materialized in run {run}' in the events", lambda d: re.search(
        rf"Materialized in run\s+{run}", d.find_element(By.TAG_NAME, "body").text))


BACKFILLS = "{ partitionBackfillsOrError(limit: 10) { ... on PartitionBackfills { results { id } } } }"
BACKFILL = """query($id: String!) { partitionBackfillOrError(backfillId: $id) {
  __typename ... on PartitionBackfill { status partitionNames assetSelection { path } } } }"""
TAGGED_RUNS = """query($key: String!, $value: String!) { runsOrError(filter: {tags: [{key: $key, value: $value}]}) {
  ... on Runs { results { runId status } } } }"""
PARTITION_FIELD = "//*[@role='dialog']//input[starts-with(@placeholder, 'ex:')]"


def _launch_dialog(driver: webdriver.Chrome) -> Any:
    """The launch dialog's partition field; confirms the "upstream not materialised" warning if it comes first."""
    fields = [f for f in driver.find_elements(By.XPATH, PARTITION_FIELD) if f.is_displayed()]
    if fields:
        return fields[0]
    _click(driver, "Confirm")
    return None


# Its own waits (600 s for the backfill, 900 s for the publication) exceed the default 600 s per test.
@pytest.mark.timeout(1500)
def test_a_backfill_from_the_ui_ends_in_one_publication(ui: Browser, dagster: Dagster, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """Two academic years of enrolments backfilled from the asset page's "Materialize…" dialog.

    The daemon's backfill loop runs the backfill, and its sensor loop
    requests the one publication that follows.
    """
    year = dt.date.today().year
    # An earlier night staged the current year of every source (publication reads the persons of all three).
    monkeypatch.setenv("OPENDATA_HOME", str(dagster.home))
    monkeypatch.setenv("DAGSTER_HOME", str(dagster.instance))
    defs = build_definitions(load_institution("demo"))
    with dg.DagsterInstance.get() as instance:
        for job in ("calendar_year_extraction_job", "academic_year_extraction_job"):
            assert defs.resolve_job_def(job).execute_in_process(partition_key=str(year), instance=instance).success
    before = {b["id"] for b in dagster.graphql(BACKFILLS)["partitionBackfillsOrError"]["results"]}
    years = [str(year - 2), str(year - 1)]
    ui.open("/assets/students/extracted/inscriptions")
    ui.wait("the Materialize… button", lambda d: _click(d, "Materialize\u2026"))
    field = ui.wait("the launch dialog's partition field", _launch_dialog)
    field.send_keys(f"[{years[0]}...{years[1]}]", Keys.TAB)
    ui.wait("2 partitions selected", lambda d: _texts(d, {"2 partitions"}))
    ui.screenshot(tmp_path / "launch_backfill.png")
    ui.wait("the Launch backfill button", lambda d: _click(d, "Launch backfill"))

    def created() -> str | None:
        ids = {b["id"] for b in dagster.graphql(BACKFILLS)["partitionBackfillsOrError"]["results"]} - before
        return ids.pop() if ids else None

    backfill = _until("the backfill the dialog launched", created, 60)
    launched = dagster.graphql(BACKFILL, id=backfill)["partitionBackfillOrError"]
    assert sorted(launched["partitionNames"]) == years
    assert [k["path"] for k in launched["assetSelection"]] == [["students", "extracted", "inscriptions"]]

    def ended() -> str | None:
        status = dagster.graphql(BACKFILL, id=backfill)["partitionBackfillOrError"]["status"]
        return status if status in {"COMPLETED_SUCCESS", "COMPLETED_FAILED", "FAILED", "CANCELED"} else None

    assert _until(f"backfill {backfill} ending (the daemon's backfill loop)", ended, 600, every=2) \
        == "COMPLETED_SUCCESS", dagster.log_tails()

    def published() -> list[dict[str, Any]] | None:
        runs = dagster.graphql(TAGGED_RUNS, key=AFTER_BACKFILL_TAG, value=backfill)["runsOrError"]["results"]
        return runs if runs and all(r["status"] in {"SUCCESS", "FAILURE", "CANCELED"} for r in runs) else None

    [run] = _until("the publication run the backfill sensor requests, finished", published, 900, every=2)
    assert run["status"] == "SUCCESS", dagster.log_tails()
    latest = dagster.home / "demo" / "store" / "effectifs_etudiants" / "latest" / "effectifs_etudiants.csv"
    with latest.open(encoding="utf-8") as published_file:
        covered = {row["rentree"] for row in csv.DictReader(published_file)}
    assert set(years) | {str(year)} <= covered  # the backfilled years and the one staged before
    ui.open(f"/runs/b/{backfill}")
    ui.wait("the backfill page: status Succeeded", lambda d: _texts(d, {"Succeeded"})
            and "students / extracted / inscriptions" in d.find_element(By.TAG_NAME, "body").text)
    ui.screenshot(tmp_path / "backfill.png")
    time.sleep(5)  # a second sensor tick must not publish again
    assert len(dagster.graphql(TAGGED_RUNS, key=AFTER_BACKFILL_TAG, value=backfill)["runsOrError"]["results"]) == 1


def test_the_ui_fetches_nothing_beyond_loopback(ui: Browser) -> None:
    ui.open("/runs")
    ui.wait("the runs page", lambda d: _texts(d, {"Runs"}))
    ui.drain()
    local = (ui.base, ui.base.replace("http:", "ws:", 1), f"blob:{ui.base}", "data:")
    assert ui.requested, "no request recorded"
    assert not [u[:100] for u in ui.requested if not u.startswith(local)]
