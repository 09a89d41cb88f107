"""Policies that change: the next night publishes the new shape, records it, and keeps the old versions intact.

Night 1 is the demo's run (`opendata demo`, SQLite sources), its checked
candidates published with yesterday's date by the publication's own
``publish`` (the run's day is the clock's: a night cannot be dated
otherwise). Then, in a copy of the configuration, the steward edits and
re-reviews three policies:
- ``effectifs_etudiants``: a dimension added (``regime``), a dimension
  renamed (``groupe_nationalite`` -> ``nationalite``, declared under
  ``aggregate.renamed``) and a constant column (``pays``);
- ``effectifs_personnels``: a dimension removed (``tranche_age``);
and night 2 is `opendata demo` again, today, with that configuration.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest
import yaml

from anonymisation.evolution import policy_change
from anonymisation.policy import POLICY_DIR, content_hash, load_catalogue
from anonymisation.sdc import PublishedTable, Relation, audit
from anonymisation.sdc.model import WITHHELD
from assets.published import publish
from pipelines.definitions import producer
from quality.suite_runs import published_shape
from resources.candidates import CandidateArea
from resources.common.institution import config_dir, load_institution
from resources.publishing.integrity import verify
from resources.store import OutputStore
from tests.quality.conftest import DemoRun, run_opendata

TODAY = dt.date.today()
YESTERDAY = TODAY - dt.timedelta(days=1)
STUDENTS, STAFF = "effectifs_etudiants", "effectifs_personnels"


def _hashes(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _edit(folder: Path, dataset: str, mutate) -> None:
    path = folder / f"{dataset}.yaml"
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    mutate(raw)
    raw["review"] = {"reviewer": "DPO (test)", "date": TODAY.isoformat(), "hash": content_hash(raw)}
    path.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8")


def _students(raw: dict) -> None:
    columns = raw["columns"]
    nationality = next(c for c in columns if c["name"] == "groupe_nationalite")
    nationality["name"] = "nationalite"
    at = columns.index(nationality) + 1
    columns.insert(at, {"name": "regime", "source": "inscriptions.regime", "treatment": "keep", "type": "string",
                        "role": "dimension", "description": "Régime d'inscription (formation initiale, continue...)."})
    columns.insert(at + 1, {"name": "pays", "treatment": "constant", "value": "FR", "type": "string",
                            "description": "Pays de l'établissement."})
    raw["aggregate"]["renamed"] = {"nationalite": "groupe_nationalite"}


def _staff(raw: dict) -> None:
    raw["columns"] = [c for c in raw["columns"] if c["name"] != "tranche_age"]
    raw["aggregate"]["homogeneity"] = []


@pytest.fixture(scope="module")
def next_night(clean_demo: DemoRun, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, dict, object]:
    assert clean_demo.done.returncode == 0, clean_demo.done.stderr[-3000:]
    root = tmp_path_factory.mktemp("policy-change")
    home = root / "home"
    shutil.copytree(clean_demo.home, home, symlinks=True)
    institution = load_institution("demo")
    store_root = home / "demo" / "store"
    shutil.rmtree(store_root)
    store, candidates = OutputStore(root=str(store_root)), CandidateArea(root=str(home / "demo" / "candidates"),
                                                                          reports=str(home / "demo" / "reports"))
    for policy in load_catalogue().values():  # night 1, dated yesterday
        publish(policy, candidates.latest(policy.dataset), store, producer(institution),
                Path(candidates.reports), YESTERDAY)
    before = {name: _hashes(store_root / name / YESTERDAY.isoformat()) for name in (STUDENTS, STAFF, "structures")}
    config = root / "config"
    shutil.copytree(config_dir(), config)
    shutil.copytree(POLICY_DIR, config / "policies")
    _edit(config / "policies", STUDENTS, _students)
    _edit(config / "policies", STAFF, _staff)
    contract = config / "contracts" / "default" / "students.yaml"  # the steward extracts regime for the policy
    text = contract.read_text(encoding="utf-8")
    contract.write_text(re.sub(r"(\n\s+regime:.*use: )\[\]", r"\1[policy]", text), encoding="utf-8")
    demo = config / "institutions" / "demo.yaml"
    demo.write_text(demo.read_text(encoding="utf-8") + "\npolicies: policies\n", encoding="utf-8")
    done = run_opendata(["demo", "--years", "2"], home, OPENDATA_CONFIG_DIR=str(config), COLUMNS="400")
    return store_root, config, before, done


def _package(store: Path, dataset: str, day: dt.date) -> dict:
    return json.loads((store / dataset / day.isoformat() / "datapackage.json").read_text(encoding="utf-8"))


def test_the_next_night_publishes_the_new_shapes_and_holds_nothing_back(next_night) -> None:
    store, _, _, done = next_night
    assert done.returncode == 0, done.stderr[-3000:]
    assert re.search(r"Blocking checks: \d+ passed, 0 failed", done.stdout), done.stdout[-2000:]
    assert "Held back: 0 dataset(s)" in done.stdout
    students = pd.read_csv(store / STUDENTS / "latest" / f"{STUDENTS}.csv", dtype="str", keep_default_na=False)
    assert {"regime", "nationalite", "pays"} <= set(students.columns) and "groupe_nationalite" not in students.columns
    assert set(students["pays"]) == {"FR"} and students["regime"].nunique() > 1
    staff = pd.read_csv(store / STAFF / "latest" / f"{STAFF}.csv", dtype="str")
    assert "tranche_age" not in staff.columns
    for dataset in (STUDENTS, STAFF):
        assert OutputStore(root=str(store)).versions(dataset) == [YESTERDAY.isoformat(), TODAY.isoformat()]
    assert OutputStore(root=str(store)).versions("structures") == [YESTERDAY.isoformat()]  # unchanged: no version


def test_the_change_is_recorded_in_the_readme_and_the_data_package(next_night) -> None:
    store, config, _, _ = next_night
    new_hash = load_catalogue(config / "policies")[STUDENTS].hash
    change = _package(store, STUDENTS, TODAY)["x_opendata"]["policy_change"]
    assert change["previous_version"] == YESTERDAY.isoformat() and change["policy_hash"] == new_hash
    assert change["previous_policy_hash"] == _package(store, STUDENTS, YESTERDAY)["x_opendata"]["anonymisation"]["policy_hash"]
    assert change["columns_added"] == ["regime", "pays"] and change["columns_removed"] == []
    assert change["columns_renamed"] == [{"from": "groupe_nationalite", "to": "nationalite"}]
    staff = _package(store, STAFF, TODAY)["x_opendata"]["policy_change"]
    assert staff["columns_removed"] == ["tranche_age"] and staff["columns_added"] == staff["columns_renamed"] == []
    readme = (store / STUDENTS / TODAY.isoformat() / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Changements depuis la version précédente", 1)[1]
    assert "`regime`" in section and "`pays`" in section and new_hash in section
    assert "`groupe_nationalite` devient `nationalite`" in section
    assert "`tranche_age`" in (store / STAFF / TODAY.isoformat() / "README.md").read_text(encoding="utf-8")
    assert "policy_change" not in _package(store, STUDENTS, YESTERDAY)["x_opendata"]
    assert verify(store / STUDENTS / TODAY.isoformat()) == [] and verify(store / STUDENTS / "latest") == []


def test_yesterdays_versions_are_kept_byte_for_byte(next_night) -> None:
    store, _, before, _ = next_night
    for dataset, hashes in before.items():
        assert _hashes(store / dataset / YESTERDAY.isoformat()) == hashes, dataset


def test_no_cell_withheld_yesterday_or_today_is_recoverable_from_both_files(next_night) -> None:
    """The attacker holds both versions and knows they count the same students over the shared dimensions."""
    store, _, _, _ = next_night
    old = pd.read_parquet(store / STUDENTS / YESTERDAY.isoformat() / f"{STUDENTS}.parquet")
    old = old.rename(columns={"groupe_nationalite": "nationalite"})
    new = pd.read_parquet(store / STUDENTS / TODAY.isoformat() / f"{STUDENTS}.parquet")
    assert (old["effectif_statut"] == WITHHELD).any() and (new["effectif_statut"] == WITHHELD).any()
    shared = ("rentree", "code_diplome", "niveau", "code_discipline", "sexe", "serie_bac", "boursier", "nationalite")
    tables = [PublishedTable("hier", old, shared), PublishedTable("aujourdhui", new, (*shared, "regime"))]
    exposed = audit(tables, [Relation("hier", "aujourdhui", shared)])
    # What the two files pin down is only what yesterday's showed already: a cell of today's, alone in its
    # yesterday's cell, withheld today (finer groups made it homogeneous) with the count published yesterday.
    published = old[old["effectif_statut"] != WITHHELD].set_index(list(shared))["effectif"]
    for exposure in exposed:
        assert exposure.table == "aujourdhui", exposure.table
        assert published.get(tuple(exposure.cell[d] for d in shared)) == exposure.lower == exposure.upper


def test_the_drift_rule_skips_a_version_of_another_policy_and_runs_on_the_same(next_night) -> None:
    store, config, _, _ = next_night
    changed = load_catalogue(config / "policies")
    yesterday = store / STUDENTS / YESTERDAY.isoformat() / f"{STUDENTS}.parquet"
    assert published_shape(changed[STUDENTS], yesterday) == (None, ())
    rows, by_year = published_shape(load_catalogue()[STUDENTS], yesterday)
    assert rows == len(pd.read_parquet(yesterday)) and by_year
    structures = store / "structures" / "latest" / "structures.parquet"
    assert policy_change(changed["structures"], _package(store, "structures", YESTERDAY)) is None
    assert published_shape(changed["structures"], structures)[0] == len(pd.read_parquet(structures))
