"""``opendata policy``: check the catalogue, and record a policy's review (reviewer, date, content hash)."""

from __future__ import annotations

import datetime as dt
import re
import sys
from pathlib import Path

import click
import yaml

from anonymisation.policy import POLICY_DIR, PolicyError, content_hash, load_policy

_REVIEW_BLOCK = re.compile(r"\n?review:\n(?:[ \t]+.*\n?)*\Z")


@click.group(help="Publication policies of the open-data catalogue (anonymisation/policies/).")
def policy() -> None:
    """Group of policy commands."""


@policy.command(help="Load every policy: review hash and legal rules. Exits 1 on the first broken one.")
@click.option("--folder", type=click.Path(exists=True, file_okay=False, path_type=Path), default=POLICY_DIR)
def check(folder: Path) -> None:
    failed = False
    for path in sorted(folder.glob("*.yaml")):
        try:
            loaded = load_policy(path)
            click.echo(f"ok      {loaded.dataset} ({loaded.kind}, reviewed by {loaded.reviewer} on {loaded.reviewed_on})")
        except PolicyError as exc:
            click.echo(f"refused {exc}", err=True)
            failed = True
    sys.exit(1 if failed else 0)


@policy.command(help="Record that FILE was reviewed: checks its rules, then writes reviewer, date and content hash.")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--reviewer", required=True, help="Who reviewed it (the DPO or a delegate).")
@click.option("--date", "day", default=None, help="Review date YYYY-MM-DD (default: today).")
def review(file: Path, reviewer: str, day: str | None) -> None:
    try:
        load_policy(file, check_review=False)
    except PolicyError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
    text = file.read_text(encoding="utf-8")
    raw = yaml.safe_load(text)
    stamp = {"reviewer": reviewer, "date": day or dt.date.today().isoformat(), "hash": content_hash(raw)}
    body = _REVIEW_BLOCK.sub("", text).rstrip("\n")
    file.write_text(body + "\n" + yaml.safe_dump({"review": stamp}, allow_unicode=True, sort_keys=False), encoding="utf-8")
    click.echo(f"{raw.get('dataset')}: reviewed by {reviewer}, {stamp['hash']}")
