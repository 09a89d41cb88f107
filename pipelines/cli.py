"""The ``opendata`` command: run the demo, backfill a range of years, generate synthetic sources.

Every failure exits non-zero with one line naming what to fix; personal
values never appear (only systems, tables, columns and rules).
"""

from __future__ import annotations

import datetime as dt
import sys
import warnings
from pathlib import Path
from typing import TYPE_CHECKING

import click
from rich.console import Console
from rich.table import Table

from pipelines.correction_cli import correction as correction_group
from pipelines.policy_cli import policy as policy_group
from resources.common.errors import OpenDataError

if TYPE_CHECKING:  # dagster is imported only by the commands that run it
    from pipelines.summary import RunSummary
    from resources.common.institution import Institution

console = Console(stderr=False)


def _fail(message: str) -> None:
    click.echo(f"error: {message}", err=True)
    sys.exit(1)


@click.group(help="Open-data pipeline for French higher education: extract, anonymise, check, publish.")
def main() -> None:
    warnings.filterwarnings("ignore", module="dagster")


WAIT_HELP = ("Seconds to wait for another run on the same home to end before refusing "
             "(default: $OPENDATA_LOCK_WAIT or 0, refuse at once).")


@main.command(help="Build the demo sources if absent (SQLite, synthetic) and materialise every asset. "
              "OPENDATA_HR_URL, OPENDATA_FINANCE_URL and OPENDATA_STUDENTS_URL point it at real databases. "
              "Publishes every dataset whose sources and checks succeeded; exits 1 if any was held back.")
@click.option("--institution", default=None, help="Institution id or YAML path (default: $OPENDATA_INSTITUTION or demo).")
@click.option("--years", default=4, show_default=True, type=click.IntRange(1, 40), help="Most recent yearly partitions to run.")
@click.option("--rebuild-sources", is_flag=True, help="Regenerate the demo SQLite sources even if they exist.")
@click.option("--wait", default=None, type=click.FloatRange(min=0), help=WAIT_HELP)
def demo(institution: str | None, years: int, rebuild_sources: bool, wait: float | None) -> None:
    from pipelines.demo import run_demo

    try:
        result = run_demo(institution, years, rebuild_sources, console, wait=wait)
    except OpenDataError as exc:
        _fail(str(exc))
    held_back = _print_summary(result.institution, result.summary, result.report, result.notes)
    if held_back:
        _fail(f"{held_back} dataset(s) held back (see 'held back' above); the others were published")


def _print_summary(institution: Institution, summary: RunSummary, report: Path | None, notes: list[str]) -> int:
    """Rows per asset, checks, datasets published, unchanged and held back (and why), where everything is.

    Returns how many datasets were held back. Reasons name the failing step or
    check, never a value.
    """
    table = Table(title=f"{institution.name}: assets materialised")
    for column in ("asset", "partitions", "rows"):
        table.add_column(column, justify="right" if column == "rows" else "left")
    for key, rows in sorted(summary.rows.items()):
        table.add_row(key, summary.partitions[key], f"{rows:,}")
    console.print(table)
    for note in notes:
        console.print(f"Note: {note}", soft_wrap=True, markup=False, highlight=False)
    blocking = [n for n, s in summary.severities.items() if s == "ERROR"]
    failed = summary.failed_checks
    console.print(f"Blocking checks: {len(blocking) - len(failed)} passed, {len(failed)} failed")
    for name in failed:
        console.print(f"  [red]failed[/]: {name} (its dataset is not published; the version online is kept)")
    console.print(f"Source checks (warnings): {len(summary.severities) - len(blocking) - len(summary.warnings)} clean, "
                  f"{len(summary.warnings)} with findings")
    console.print(f"Staging (private, extracted tables): {institution.staging_dir}")
    console.print(f"Candidates (anonymised, awaiting publication): {institution.candidates_dir}")
    console.print(f"Steward report: {report if report is not None else 'not rebuilt'}")
    console.print(f"Output store: {institution.store_dir}")
    console.print(f"DCAT catalogue: {institution.store_dir / 'catalog.ttl'}")
    console.print(f"Catalogue page (for reusers): {institution.store_dir / 'index.html'}")
    settings = institution.datagouv
    if settings is not None and settings.channel == "api":
        where = (f"dry run, requests written to {institution.datagouv_dir / 'requests.jsonl'}"
                 if settings.dry_run else f"pushed to {settings.api_url}")
        console.print(f"data.gouv.fr (API channel): {where}")
    elif settings is not None:
        console.print("data.gouv.fr (harvest channel): it harvests the DCAT catalogue at "
                      f"{institution.public_base_url}catalog.ttl")
    console.print(f"Dagster runs: {len(summary.run_ids)} (see them with `dagster dev`)")
    versions = sorted(set(summary.published.values()))
    console.print(f"Published: {len(summary.published)} new version(s) {', '.join(versions)}".rstrip()
                  + f", {len(summary.unchanged)} unchanged (version online kept)")
    held_back = summary.held_back
    console.print(f"Held back: {len(held_back)} dataset(s)" + (" (the version online, if any, is kept)"
                                                                  if held_back else ""), soft_wrap=True)
    for dataset, why in held_back.items():
        # soft_wrap: one line per dataset, whatever the terminal's width, so it can be grepped
        console.print(f"  held back: {dataset}: {why}", soft_wrap=True, markup=False, highlight=False)
    return len(held_back)


@main.command(help="Extract a range of years again (academic and calendar years, one run per calendar), then "
              "publish once from every year staged. Uses the sources the institution names; never generates them. "
              "Publishes every dataset whose sources and checks succeeded; exits 1 if any was held back.")
@click.option("--from", "first", required=True, type=int, help="First year of the range (a partition key, e.g. 2022).")
@click.option("--to", "last", default=None, type=int, help="Last year of the range (default: the current year).")
@click.option("--institution", default=None, help="Institution id or YAML path (default: $OPENDATA_INSTITUTION or demo).")
@click.option("--wait", default=None, type=click.FloatRange(min=0), help=WAIT_HELP)
def backfill(first: int, last: int | None, institution: str | None, wait: float | None) -> None:
    from pipelines.backfill import BACKFILL_TAG, run_backfill

    last = dt.date.today().year if last is None else last
    try:
        with console.status("Running the backfill"):
            result = run_backfill(institution, first, last, announce=console.print, wait=wait)
    except OpenDataError as exc:
        _fail(str(exc))
    ranges = ", ".join(f"{job} {label}" for job, label in result.ranges.items())
    console.print(f"Backfill {result.tag}: {ranges}; one publication run (runs tagged {BACKFILL_TAG}={result.tag})")
    held_back = _print_summary(result.institution, result.summary, result.report, result.notes)
    if held_back:
        _fail(f"{held_back} dataset(s) held back (see 'held back' above); the others were published")


@main.command(help="Fill a system's synthetic source tables into any SQLAlchemy URL (seeded, deterministic).")
@click.option("--scale", type=click.Choice(["small", "large"]), default="small", show_default=True,
              help="small: seconds, for tests; large: a large university (60,000 students a year, 20 years).")
@click.option("--url", required=True, help="SQLAlchemy URL naming its driver, e.g. postgresql+psycopg://user@host/db.")
@click.option("--system", type=click.Choice(["hr", "finance", "students"]), required=True, help="Source system to generate.")
@click.option("--seed", default=20161007, show_default=True, help="Random seed (same seed, same data).")
@click.option("--as-of", "as_of", default=None, help="Date the data end at, YYYY-MM-DD (default: today).")
@click.option("--replace", is_flag=True, help="Drop and recreate the system's tables if they exist.")
def generate(scale: str, url: str, system: str, seed: int, as_of: str | None, replace: bool) -> None:
    from pipelines.synthetic.generate import generate as run_generate

    try:
        day = dt.date.fromisoformat(as_of) if as_of else None
    except ValueError:
        _fail(f"--as-of must be a date YYYY-MM-DD, not {as_of!r}")
    try:
        counts = run_generate(url, system, scale, seed=seed, as_of=day, replace=replace, progress=True)
    except (OpenDataError, FileExistsError) as exc:
        _fail(str(exc))
    except Exception as exc:  # a driver error: say which database, never the password
        from sqlalchemy.engine import make_url

        safe = make_url(url).render_as_string(hide_password=True)
        _fail(f"{system}: cannot write to {safe}: {type(exc).__name__} (is the server running, does the database exist?)")
    for table, rows in counts.items():
        console.print(f"{system}.{table}: {rows:,} rows")


main.add_command(policy_group)
main.add_command(correction_group)


if __name__ == "__main__":
    main()
