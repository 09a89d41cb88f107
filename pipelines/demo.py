"""``opendata demo``: build the embedded demo sources if absent, then run every asset."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
from rich.console import Console
from sqlalchemy.engine import make_url

from anonymisation.policy import load_catalogue
from pipelines.definitions import build_definitions
from pipelines.runner import RunSummary, materialize_all
from quality.index_page import build_index
from resources.institution import SYSTEMS, Institution, load_institution, opendata_home
from resources.sources import SourceDatabase


@dataclass
class DemoResult:
    institution: Institution
    summary: RunSummary
    generated: list[str]
    report: Path


def dagster_instance() -> dg.DagsterInstance:
    """The persistent instance under ``DAGSTER_HOME`` (default ``<OPENDATA_HOME>/.dagster``), so `dagster dev` shows the demo's runs."""
    home = Path(os.environ.get("DAGSTER_HOME") or opendata_home() / ".dagster")
    home.mkdir(parents=True, exist_ok=True)
    settings = home / "dagster.yaml"
    if not settings.exists():
        settings.write_text("telemetry:\n  enabled: false\n", encoding="utf-8")
    os.environ["DAGSTER_HOME"] = str(home)
    return dg.DagsterInstance.get()


def ensure_demo_sources(institution: Institution, console: Console, rebuild: bool = False) -> list[str]:
    """Generate the small synthetic SQLite source of each system that has no file yet.

    A system whose URL comes from its environment variable is a real database:
    it is never generated.
    """
    from pipelines.synthetic.generate import generate

    generated = []
    for system in SYSTEMS:
        source = institution.sources[system]
        if source.env_url() or not source.url:
            continue
        url = make_url(source.url)
        if url.get_backend_name() != "sqlite" or not url.database:
            continue
        path = Path(url.database)
        if path.exists() and not rebuild:
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        console.print(f"Generating the synthetic [bold]{system}[/] source into {path}")
        generate(source.url, system, "small", replace=True, progress=console.is_terminal)
        generated.append(system)
    return generated


def run_demo(institution_name: str | None, last_years: int, rebuild: bool, console: Console) -> DemoResult:
    """Everything ``opendata demo`` does; errors are OpenDataError with a one-line message."""
    institution = load_institution(institution_name)
    generated = ensure_demo_sources(institution, console, rebuild)
    for system in SYSTEMS:  # fail in one line before any run starts
        SourceDatabase(system=system, url=institution.sources[system].resolved_url()).check_reachable()
    defs = build_definitions(institution)
    instance = dagster_instance()

    def announce(label: str, count: int) -> None:
        console.print(f"Materialising {count} asset(s), partitions {label}")

    with console.status("Running the pipeline"):
        summary = materialize_all(defs, instance, last_years, on_run=announce)
    report = build_index(institution.reports_dir, dt.date.today(), load_catalogue())
    return DemoResult(institution, summary, generated, report)
