"""The quality gates end to end: source suites warn, open-dataset suites block, the store is never touched by a failure.

- a clean demo run passes every blocking check and publishes every dataset;
- defects injected in a source (bad SIRETs and UAIs, negative budget amounts)
  show as WARN findings in the steward report,
  and the datasets built from that source are still published;
- an open dataset broken on purpose (a column missing, a wrong type, a count
  under the small-cell threshold) is blocked: its check fails in the run,
  the report says it was not published, the other datasets of the run still
  publish, and every byte of the output store is as it was.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path

import dagster as dg
import pandas as pd
import pytest

from anonymisation.policy import load_catalogue
from assets.candidate_checks import OPEN_CHECK
from pipelines.definitions import build_definitions
from pipelines.steward import build_steward_page
from quality.ledger import outcomes, publications
from resources.common.institution import load_institution
from tests.quality.conftest import DemoRun, run_opendata

TODAY = dt.date.today()


def _store_bytes(store: Path) -> dict[str, str]:
    """Every file and symbolic link of the store, with its content hash (or link target)."""
    found = {}
    for path in sorted(store.rglob("*")):
        key = str(path.relative_to(store))
        if path.is_symlink():
            found[key] = "-> " + str(path.readlink())
        elif path.is_file():
            found[key] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


def _copy_home(run: DemoRun, target: Path) -> Path:
    shutil.copytree(run.home, target, symlinks=True)
    return target


def test_a_clean_demo_run_passes_every_blocking_check_and_publishes_everything(clean_demo: DemoRun) -> None:
    done = clean_demo.done
    assert done.returncode == 0, done.stderr[-3000:]
    assert "Blocking checks:" in done.stdout and " 0 failed" in done.stdout
    found = outcomes(clean_demo.demo / "reports", TODAY)
    catalogue = load_catalogue()
    for name in catalogue:
        assert found[f"open.{name}"].passed, f"open.{name}: {[f.description for f in found[f'open.{name}'].failed]}"
        assert (clean_demo.demo / "store" / name / "latest" / f"{name}.parquet").is_file()
    assert all(p.published for p in publications(clean_demo.demo / "reports", TODAY).values())
    assert len(publications(clean_demo.demo / "reports", TODAY)) == len(catalogue)
    sources = [o for o in found.values() if o.severity == "WARN"]
    assert len(sources) >= 15  # every extracted table with a suite was checked


def _sql(db: Path, *statements: str) -> None:
    with sqlite3.connect(db) as conn:
        for sql in statements:
            conn.execute(sql)


def _failed(outcome_file: Path) -> dict[str, int]:
    """Unexpected counts of the failed expectations of one suite, keyed by 'expectation column'."""
    raw = json.loads(outcome_file.read_text(encoding="utf-8"))
    return {f"{f['expectation']} {f['column']}": f["unexpected_count"] or 0 for f in raw["findings"] if not f["success"]}


def test_defects_injected_in_a_source_are_warnings_that_do_not_block(clean_demo: DemoRun, tmp_path: Path) -> None:
    home = _copy_home(clean_demo, tmp_path / "home")
    sources = home / "demo" / "sources"
    quality = home / "demo" / "reports" / TODAY.isoformat() / "quality"
    before = {name: _failed(quality / f"source.{name}.json")
              for name in ("finance.tiers", "hr.structures", "finance.lignes_budgetaires")}
    _sql(sources / "finance.sqlite",
         "UPDATE tiers SET siret = '12345678901234' WHERE id_tiers IN "
         "(SELECT id_tiers FROM tiers WHERE type_tiers = 'entreprise' AND siret IS NOT NULL LIMIT 3)",
         "UPDATE lignes_budgetaires SET montant_engage = -1000 WHERE id_ligne IN (SELECT id_ligne FROM lignes_budgetaires "
         f"WHERE exercice = {TODAY.year} AND montant_engage > 0 LIMIT 2)")
    _sql(sources / "hr.sqlite", "UPDATE structures SET uai = '0751717A' WHERE rowid IN (SELECT rowid FROM structures "
                                "WHERE uai IS NOT NULL LIMIT 2)")
    done = run_opendata(["demo", "--years", "2"], home, COLUMNS="400")
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert " 0 failed" in done.stdout
    after = {name: _failed(quality / f"source.{name}.json") for name in before}
    siret = "ExpectColumnValuesToBeValidFrenchCode siret"
    assert after["finance.tiers"][siret] == before["finance.tiers"].get(siret, 0) + 3
    uai = "ExpectColumnValuesToBeValidFrenchCode uai"
    assert after["hr.structures"][uai] == before["hr.structures"].get(uai, 0) + 2
    engaged = "ExpectColumnValuesToBeBetween montant_engage"
    assert after["finance.lignes_budgetaires"][engaged] == before["finance.lignes_budgetaires"].get(engaged, 0) + 2
    published = publications(home / "demo" / "reports", TODAY)
    assert all(published[name].published for name in ("execution_budgetaire", "subventions", "structures"))
    page = (home / "demo" / "reports" / TODAY.isoformat() / "index.html").read_text(encoding="utf-8")
    assert "finance.tiers" in page and "attente(s) en échec" in page


def _drop_column(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.drop(columns=["libelle_composante"])


def _wrong_type(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.assign(effectif=frame["effectif"].astype("str"))


def _small_cell(frame: pd.DataFrame) -> pd.DataFrame:
    withheld = frame.index[frame["effectif_statut"] == "secret_statistique"][0]
    frame = frame.copy()
    frame.loc[withheld, ["effectif", "effectif_statut"]] = [2, "publie"]
    return frame


def _bad_cpv(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.assign(codeCPV=frame["codeCPV"].where(frame.index != frame.index[0], "9310000-5"))


@pytest.mark.parametrize(("broken", "breakage"), [("effectifs_personnels_composantes", _drop_column),
                                                  ("effectifs_personnels_composantes", _wrong_type),
                                                  ("effectifs_etudiants_bac", _small_cell), ("marches_publics", _bad_cpv)],
                         ids=["missing_column", "wrong_type", "small_cell", "national_schema"])
def test_a_broken_open_dataset_is_blocked_and_the_store_stays_byte_identical(
    clean_demo: DemoRun, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, broken: str,
    breakage: Callable[[pd.DataFrame], pd.DataFrame],
) -> None:
    home = _copy_home(clean_demo, tmp_path / "home")
    monkeypatch.setenv("OPENDATA_HOME", str(home))
    monkeypatch.delenv("OPENDATA_INSTITUTION", raising=False)
    defs = build_definitions(load_institution())
    store = home / "demo" / "store"
    before = _store_bytes(store)
    other = "structures"
    candidate = sorted((home / "demo" / "candidates" / broken).glob("*/*.parquet"))[-1]
    breakage(pd.read_parquet(candidate)).to_parquet(candidate, index=False)
    # The other dataset's candidate is untouched: its verdicts (the leak guard's
    # among them) still hold for its bytes, and it is published again.

    catalogue = load_catalogue()
    keys = {name: dg.AssetKey([catalogue[name].domain, "anonymised", name]) for name in (broken, other)}
    published = {name: dg.AssetKey([k.path[0], "open", name]) for name, k in keys.items()}
    # The checks that run on candidates (the leak guard runs inside the anonymised asset, which is not re-run).
    checks = [k for c in defs.asset_checks for k in c.check_keys if k.asset_key in keys.values()]
    selection = dg.AssetSelection.checks(*checks) | dg.AssetSelection.assets(*published.values())
    result = dg.materialize([*defs.assets, *defs.asset_checks], resources=defs.resources, selection=selection,
                            raise_on_error=False)

    verdicts = {(e.asset_key.path[-1], e.check_name): e.passed for e in result.get_asset_check_evaluations()}
    assert verdicts[(broken, OPEN_CHECK)] is False
    assert verdicts[(other, OPEN_CHECK)] is True
    materialised = {e.asset_key for e in result.get_asset_materialization_events()}
    assert published[broken] not in materialised and published[other] in materialised

    after = _store_bytes(store)
    assert {k: v for k, v in after.items() if k.startswith(f"{broken}/")} == \
        {k: v for k, v in before.items() if k.startswith(f"{broken}/")}
    assert any(k.startswith(f"{broken}/latest/") for k in after)
    assert publications(home / "demo" / "reports", TODAY)[other].published

    reports = home / "demo" / "reports"
    outcome = outcomes(reports, TODAY)[f"open.{broken}"]
    assert not outcome.passed
    page = build_steward_page(reports, catalogue).read_text(encoding="utf-8")  # built once the run is over
    row = page.split(f"<tr id='{broken}'>")[1].split("<tr id=")[0]  # up to the next dataset's row
    assert "non publié" in row
