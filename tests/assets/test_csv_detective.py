"""data.gouv.fr's CSV analysis (csv-detective, in its own virtualenv) on every public CSV of a demo run.

What it detects, column by column, is the table of docs/publication.md ("What data.gouv.fr's CSV analysis
detects"): a change in our files or in csv-detective shows here, and the page is updated with it.
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest

from tests.quality.conftest import DemoRun
from tests.side_venvs import ROOT, side_venvs

DOCS = ROOT / "docs" / "publication.md"


def _documented() -> dict[str, dict[str, str]]:
    section = DOCS.read_text(encoding="utf-8").split("### What data.gouv.fr's CSV analysis detects", 1)[1]
    table = {}
    for name, columns in re.findall(r"^\| `([a-z_]+\.csv)` \| (.+) \|$", section, flags=re.M):
        table[name] = dict(pair.split(": ", 1) for pair in columns.split(", "))
    return table


@pytest.fixture(scope="module")
def detected(clean_demo: DemoRun) -> dict[str, dict[str, str]]:
    store: Path = clean_demo.demo / "store"
    public = [p for p in sorted(store.glob("*/latest/*.csv"))
              if not json.loads((p.parent / "datapackage.json").read_text(encoding="utf-8"))["x_opendata"]["nominative"]]
    done = subprocess.run([str(side_venvs().csvdetective_python), str(ROOT / "tests" / "csv_detective_run.py"),
                           *map(str, public)], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout)


def test_the_documented_table_is_what_csv_detective_detects(detected: dict[str, dict[str, str]]) -> None:
    assert _documented() == detected


def test_our_own_headers_are_typed_as_what_they_are(detected: dict[str, dict[str, str]]) -> None:
    structures = detected["structures.csv"]
    assert (structures["uai"], structures["code_commune"], structures["code_postal"]) == (
        "uai", "code_commune", "code_postal")
    assert (structures["latitude"], structures["longitude"]) == (
        "latitude_wgs_fr_metropole", "longitude_wgs_fr_metropole")
    assert detected["marches_publics.csv"]["dateNotification"] == "date"
    assert detected["effectifs_etudiants.csv"]["rentree"] == "year"
