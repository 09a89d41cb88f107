"""``opendata correction``: write down a reuser's correction, record its review, list them (docs/corrections.md).

Every command checks the correction against the institution's source
contracts: a personal column, a key, a person's record are refused, the
error naming table, column and rule.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import sys
from pathlib import Path

import click

from resources.common.errors import OpenDataError
from resources.common.institution import SYSTEMS, Institution, load_institution
from resources.sourcing.contracts import TableContract, load_contract
from resources.sourcing.corrections import (
    PROPOSED,
    VALIDATED,
    Correction,
    check_allowed,
    check_fields,
    load_correction,
    read_corrections,
    save_correction,
)

INSTITUTION_HELP = "Institution id or YAML path (default: $OPENDATA_INSTITUTION or demo)."


def _fail(message: str) -> None:
    click.echo(f"error: {message}", err=True)
    sys.exit(1)


def contract_table(institution: Institution, table: str) -> TableContract | None:
    """The contract of ``system.table`` in the institution's contract set, if there is one."""
    system, _, name = table.partition(".")
    if system not in SYSTEMS:
        return None
    return load_contract(institution.contracts_dir, system).tables.get(name)


def _day(value: str | None, option: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value) if value else dt.date.today()
    except ValueError:
        _fail(f"{option} must be a date YYYY-MM-DD")
        raise


def _new_id(folder: Path, day: dt.date, table: str, column: str) -> str:
    base = f"{day:%Y%m%d}-{table.partition('.')[2]}-{column}".replace("_", "-").lower()
    taken = {p.stem for p in folder.glob("*.yaml")} if folder.is_dir() else set()
    return next(name for n in range(1, 1000) if (name := base if n == 1 else f"{base}-{n}") not in taken)


@click.group(help="Corrections reported by reusers, applied at extraction once reviewed (docs/corrections.md).")
def correction() -> None:
    """Group of correction commands."""


@correction.command(help="Write a proposed correction (status proposée) in the institution's corrections folder. "
                    "Refused on a personal column, a key, or a table of persons' records.")
@click.option("--institution", default=None, help=INSTITUTION_HELP)
@click.option("--table", required=True, help="Source table, system.table (e.g. hr.structures).")
@click.option("--column", required=True, help="Column to correct (its canonical name in the source contract).")
@click.option("--key", "keys", multiple=True, required=True, metavar="COLUMN=VALUE",
              help="The row's key in the source, once per key column.")
@click.option("--expected", default=None, help="The value the source holds today.")
@click.option("--expected-empty", is_flag=True, help="The source holds no value today (a missing code).")
@click.option("--proposed", required=True, help="The correct value.")
@click.option("--source", "report_source", required=True,
              help="Where the report came from: a data.gouv.fr discussion URL, a ticket reference (no e-mail address).")
@click.option("--reported-on", default=None, help="Date of the report, YYYY-MM-DD (default: today).")
@click.option("--id", "ident", default=None, help="File name (default: <date>-<table>-<column>).")
def add(institution: str | None, table: str, column: str, keys: tuple[str, ...], expected: str | None,
        expected_empty: bool, proposed: str, report_source: str, reported_on: str | None, ident: str | None) -> None:
    if (expected is None) == (not expected_empty):
        _fail("give the value the source holds today with --expected, or --expected-empty if it holds none")
    if any("=" not in k for k in keys):
        _fail("--key is COLUMN=VALUE")
    try:
        inst = load_institution(institution)
        day = _day(reported_on, "--reported-on")
        folder = inst.corrections_dir
        new = Correction(id=ident or _new_id(folder, day, table, column), table=table, column=column,
                         key=dict(k.split("=", 1) for k in keys), expected=expected, proposed=proposed,
                         source=report_source, reported_on=day, status=PROPOSED)
        if (folder / f"{new.id}.yaml").exists():
            _fail(f"a correction '{new.id}' already exists in {folder}")
        check_fields(new, f"{new.id}.yaml")
        check_allowed(new, contract_table(inst, table))
        path = save_correction(folder, new)
    except OpenDataError as exc:
        _fail(str(exc))
    click.echo(f"{new.id}: proposed ({table}.{column}), written to {path}; "
               f"review it with `opendata correction review {new.id} --reviewer NAME`")


@correction.command(help="Record that correction ID was reviewed: checks it again, then marks it validée "
                    "with the reviewer and the date. From the next extraction on, it is applied.")
@click.argument("ident", metavar="ID")
@click.option("--reviewer", required=True, help="Who reviewed it (the data steward or the source's owner).")
@click.option("--date", "day", default=None, help="Review date YYYY-MM-DD (default: today).")
@click.option("--institution", default=None, help=INSTITUTION_HELP)
def review(ident: str, reviewer: str, day: str | None, institution: str | None) -> None:
    try:
        inst = load_institution(institution)
        path = inst.corrections_dir / f"{ident}.yaml"
        if not path.is_file():
            _fail(f"no correction '{ident}' in {inst.corrections_dir}")
        found = load_correction(path)
        check_allowed(found, contract_table(inst, found.table))
        reviewed = dataclasses.replace(found, status=VALIDATED, reviewer=reviewer, reviewed_on=_day(day, "--date"))
        save_correction(inst.corrections_dir, reviewed)
    except OpenDataError as exc:
        _fail(str(exc))
    click.echo(f"{ident}: validated by {reviewer} ({found.table}.{found.column}); applied from the next extraction on")


@correction.command(name="list", help="List the corrections, their status, and what the last run did with them.")
@click.option("--institution", default=None, help=INSTITUTION_HELP)
def list_corrections(institution: str | None) -> None:
    from quality.corrections_ledger import last_run

    try:
        inst = load_institution(institution)
        found, unreadable = read_corrections(inst.corrections_dir)
    except OpenDataError as exc:
        _fail(str(exc))
    if not found and not unreadable:
        click.echo(f"no correction in {inst.corrections_dir}")
        return
    last = last_run(inst.reports_dir)
    for c in found:
        review = f"reviewed by {c.reviewer} on {c.reviewed_on}" if c.validated else "awaiting review"
        click.echo(f"{c.id}  {c.status}  {c.table}.{c.column}  reported {c.reported_on}, {review}; {_last(c, last)}")
    for bad in unreadable:
        click.echo(f"{bad.file}  malformed, set aside at night: {bad.message}", err=True)
    if unreadable:
        sys.exit(1)


def _last(c: Correction, last: tuple[dt.date, dict[str, dict]] | None) -> str:
    """What the last run that met corrections did with this one."""
    if last is None or c.id not in last[1]:
        return "last run: not met" if c.validated else "last run: not applied (not reviewed)"
    day, seen = last[0], last[1][c.id]
    if seen["state"] == "applied":
        return f"last run ({day}): applied to {seen['rows']} row(s)"
    return f"last run ({day}): stale, {seen['reason']}"
