"""A reuser's correction end to end, as a steward runs it: `opendata correction add` and `review`, then `opendata demo`.

The demo's HR source is generated first (the demo keeps a source it finds),
so the test knows a structure's coordinates before the night runs. A
reviewed correction of a site's latitude (a wrong coordinate) reaches the
published `structures` file; the day's record and the steward page list it;
a second reviewed correction, on a structure that is not in the source, is
reported stale and applies nowhere; a malformed file (hand-edited, its key
gone) is set aside and reported, and the night goes on.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest

from tests.quality.conftest import DemoRun, run_opendata

TODAY = dt.date.today()


def _a_site(source: Path) -> tuple[str, str]:
    """A structure with coordinates in the generated source: its code and its latitude as the source holds it."""
    with sqlite3.connect(source) as conn:
        code, latitude = conn.execute("SELECT code_structure, latitude FROM structures WHERE latitude IS NOT NULL "
                                      "ORDER BY code_structure LIMIT 1").fetchone()
    return str(code), f"{Decimal(str(latitude)):.6f}"


def _add_and_review(home: Path, ident: str, *args: str) -> None:
    added = run_opendata(["correction", "add", "--id", ident, *args], home)
    assert added.returncode == 0, added.stderr
    reviewed = run_opendata(["correction", "review", ident, "--reviewer", "Intendante des données"], home)
    assert reviewed.returncode == 0, reviewed.stderr


@pytest.fixture(scope="module")
def corrected_demo(tmp_path_factory) -> tuple[DemoRun, str, str]:
    home = tmp_path_factory.mktemp("corrections-home")
    source = home / "demo" / "sources" / "hr.sqlite"
    source.parent.mkdir(parents=True)
    generated = run_opendata(["generate", "--system", "hr", "--url", f"sqlite:///{source}"], home)
    assert generated.returncode == 0, generated.stderr
    code, latitude = _a_site(source)
    proposed = f"{Decimal(latitude) + Decimal('0.012345'):.6f}"
    _add_and_review(home, "coordonnee-site", "--table", "hr.structures", "--column", "latitude",
                    "--key", f"code_structure={code}", "--expected", latitude, "--proposed", proposed,
                    "--source", "https://www.data.gouv.fr/fr/datasets/structures/#/discussions/1234")
    _add_and_review(home, "structure-disparue", "--table", "hr.structures", "--column", "commune",
                    "--key", "code_structure=ZZ-DISPARUE", "--expected", "Paris", "--proposed", "Lyon",
                    "--source", "ticket SUPPORT-42")
    [folder] = {p.parent for p in home.rglob("coordonnee-site.yaml")}
    (folder / "cle-perdue.yaml").write_text("id: cle-perdue\ntable: hr.structures\ncolumn: commune\n"
                                            "proposed: Lyon\nstatus: validée\n", encoding="utf-8")
    run = DemoRun(home, run_opendata(["demo", "--years", "1"], home, COLUMNS="400"))
    assert run.done.returncode == 0, run.done.stdout[-3000:] + run.done.stderr[-3000:]
    return run, code, proposed


def test_the_published_file_carries_the_corrected_value(corrected_demo: tuple[DemoRun, str, str]) -> None:
    run, code, proposed = corrected_demo
    published = pd.read_csv(run.demo / "store" / "structures" / "latest" / "structures.csv", dtype=str)
    row = published.set_index("code_structure").loc[code]
    assert Decimal(row["latitude"]) == Decimal(proposed)


def test_the_day_record_lists_the_applied_and_the_stale_correction_in_its_exact_shape(
        corrected_demo: tuple[DemoRun, str, str]) -> None:
    run, code, _ = corrected_demo
    path = run.demo / "reports" / TODAY.isoformat() / "corrections" / "structures.json"
    record = json.loads(path.read_text(encoding="utf-8"))
    assert set(record) == {"dataset", "applied", "stale"} and record["dataset"] == "structures"
    [applied] = record["applied"]
    assert set(applied) == {"id", "table", "column", "rows", "summary"}
    assert (applied["id"], applied["table"], applied["column"], applied["rows"]) == (
        "coordonnee-site", "hr.structures", "latitude", 1)
    assert code in applied["summary"] and "corrigé" in applied["summary"]
    malformed, stale = record["stale"]  # by id
    assert set(stale) == {"id", "table", "column", "reason"}
    assert (stale["id"], stale["table"], stale["column"]) == ("structure-disparue", "hr.structures", "commune")
    assert "n'est plus dans la source" in stale["reason"]
    assert (malformed["id"], malformed["table"], malformed["column"]) == ("cle-perdue", "hr.structures", "")
    assert malformed["reason"].startswith("fichier de correction mal formé, laissé de côté cette nuit")
    assert "cle-perdue.yaml: 'key' maps every key column" in malformed["reason"]


def test_the_steward_page_and_the_list_show_both(corrected_demo: tuple[DemoRun, str, str]) -> None:
    run, _, _ = corrected_demo
    page = run.report.read_text(encoding="utf-8")
    section = page[page.index("<h2 id='corrections'>"):]
    assert "coordonnee-site" in section and "structure-disparue" in section and "cle-perdue" in section
    assert "Appliquées" in section and "Périmées" in section
    listed = run_opendata(["correction", "list"], run.home)
    # The malformed file is named on standard error, after the readable ones, and the command says it failed.
    assert listed.returncode == 1 and "cle-perdue.yaml  malformed, set aside at night" in listed.stderr
    lines = {line.split()[0]: line for line in listed.stdout.splitlines()}
    assert "applied to 1 row(s)" in lines["coordonnee-site"]
    assert "stale" in lines["structure-disparue"]
