"""``opendata demo``: build the embedded demo sources if absent, then run the night's jobs over the last years.

The demo launches the jobs the schedule and the publication sensor launch
(``pipelines.launch``): each extraction job once over the last ``--years``
partitions, then ``publication_job``; their runs are on the persistent
instance, so `dagster dev` shows them. The steward page is built once, at
the end (``pipelines.steward``).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import dagster as dg
from rich.console import Console
from rich.markup import escape
from sqlalchemy.engine import make_url

from pipelines.definitions import build_definitions
from pipelines.home_lock import Holder, home_lock
from pipelines.launch import launch_night, recent_years
from pipelines.run_records import fail_killed_runs, open_instance, run_tags
from pipelines.steward import steward_page
from pipelines.summary import RunSummary
from resources.common.errors import OpenDataError
from resources.common.institution import SYSTEMS, Institution, load_institution, opendata_home
from resources.sources import SourceDatabase


@dataclass
class DemoResult:
    institution: Institution
    summary: RunSummary
    generated: list[str]
    report: Path | None
    notes: list[str] = field(default_factory=list)  # lock recovered, killed runs closed, report not rebuilt


def dagster_instance() -> dg.DagsterInstance:
    """The persistent instance under ``DAGSTER_HOME`` (default ``<OPENDATA_HOME>/.dagster``), so `dagster dev` shows the demo's runs.

    A damaged run database fails here in one line naming the file (``pipelines.run_records``).
    """
    home = Path(os.environ.get("DAGSTER_HOME") or opendata_home() / ".dagster")
    home.mkdir(parents=True, exist_ok=True)
    settings = home / "dagster.yaml"
    if not settings.exists():
        settings.write_text("telemetry:\n  enabled: false\n", encoding="utf-8")
    os.environ["DAGSTER_HOME"] = str(home)
    return open_instance(home)


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


def unreachable_systems(institution: Institution) -> dict[str, str]:
    """Each system that cannot be reached, with the one-line reason (never a password)."""
    unavailable = {}
    for system in SYSTEMS:
        try:
            SourceDatabase(system=system, url=institution.sources[system].resolved_url()).check_reachable()
        except OpenDataError as exc:
            unavailable[system] = str(exc)
    return unavailable


def opening_notes(instance: dg.DagsterInstance, institution: Institution,
                  previous: Holder | None) -> list[str]:
    """Close the runs a killed holder left STARTED; say what was recovered."""
    notes = []
    if previous is not None:
        notes.append(f"recovered the lock of {previous.describe()}, which ended without releasing it")
    closed = fail_killed_runs(instance, institution.id)
    if closed:
        notes.append(f"marked failed {len(closed)} run(s) left started by a killed process: {', '.join(closed)}")
    return notes


def run_demo(institution_name: str | None, last_years: int, rebuild: bool, console: Console,
             wait: float | None = None) -> DemoResult:
    """Everything ``opendata demo`` does; errors before any run are OpenDataError with a one-line message.

    A system that cannot be reached, or any step that fails, holds back only
    the datasets built from it: the summary says which and why.
    """
    institution = load_institution(institution_name)
    with home_lock(institution.work_dir, "opendata demo", wait) as previous:
        instance = dagster_instance()
        notes = opening_notes(instance, institution, previous)
        generated = ensure_demo_sources(institution, console, rebuild)
        unavailable = unreachable_systems(institution)
        for reason in unavailable.values():
            console.print(f"[red]unreachable[/]: {escape(reason)}; its datasets are held back")
        defs = build_definitions(institution)
        with console.status("Running the pipeline"):
            summary = launch_night(defs, instance, recent_years(defs, last_years), run_tags(institution.id, "opendata demo"),
                                   unavailable, announce=console.print)
        report = steward_page(institution, notes)
    return DemoResult(institution, summary, generated, report, notes)
