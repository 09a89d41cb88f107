"""Policies that change: the next night publishes the new shape, records it, and keeps the old versions intact.

Night 1 publishes, dated yesterday, the shapes before issue 14
(``tests/assets/policies_before_issue14/``: enrolments with the
baccalauréat, scholarship and nationality in one protected cube, staff with
age band and component), without the datasets issue 14 added. Night 2 is
`opendata demo` again, today, with the repository's policies: headline
tables published in full, the sensitive crosses apart, columns renamed
(declared under ``renamed``). Both nights read the same sources.
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
from tests.quality.conftest import run_opendata

TODAY = dt.date.today()
YESTERDAY = TODAY - dt.timedelta(days=1)
STUDENTS, STAFF = "effectifs_etudiants", "effectifs_personnels"
BEFORE = Path(__file__).parent / "policies_before_issue14"
# The datasets published before issue 14; night 1 publishes these only (the later ones relate to today's shapes).
BEFORE_ISSUE14 = {"annuaire", "catalogue_formations", "diplomes_delivres", "effectifs_etudiants", "effectifs_personnels",
                  "execution_budgetaire", "laureats", "marches_publics", "structures", "subventions",
                  "tableau_avancement"}
ADDED = {path.stem for path in POLICY_DIR.glob("*.yaml")} - BEFORE_ISSUE14


def _hashes(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _config(root: Path, policies: Path) -> Path:
    """A copy of the configuration whose demo institution reads ``policies``."""
    config = root / "config"
    shutil.copytree(config_dir(), config)
    shutil.copytree(policies, config / "policies")
    demo = config / "institutions" / "demo.yaml"
    demo.write_text(demo.read_text(encoding="utf-8") + "\npolicies: policies\n", encoding="utf-8")
    return config


def _policies_before(folder: Path) -> Path:
    """Today's policies, less the datasets added since, with the two shapes before issue 14, reviewed."""
    shutil.copytree(POLICY_DIR, folder)
    for name in ADDED:
        (folder / f"{name}.yaml").unlink()
    for path in BEFORE.glob("*.yaml"):
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        raw["review"] = {"reviewer": "DPO (test)", "date": YESTERDAY.isoformat(), "hash": content_hash(raw)}
        (folder / path.name).write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def next_night(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, dict, object]:
    root = tmp_path_factory.mktemp("policy-change")
    home = root / "home"
    before = _config(root / "before", _policies_before(root / "policies-before"))
    first = run_opendata(["demo", "--years", "2"], home, OPENDATA_CONFIG_DIR=str(before), COLUMNS="400")
    assert first.returncode == 0, first.stdout[-3000:] + first.stderr[-3000:]
    institution = load_institution("demo")
    store_root = home / "demo" / "store"
    shutil.rmtree(store_root)  # night 1 again, dated yesterday, from its checked candidates
    store, candidates = OutputStore(root=str(store_root)), CandidateArea(root=str(home / "demo" / "candidates"),
                                                                          reports=str(home / "demo" / "reports"))
    for policy in load_catalogue(before / "policies").values():
        publish(policy, candidates.latest(policy.dataset), store, producer(institution),
                Path(candidates.reports), YESTERDAY)
    kept = {name: _hashes(store_root / name / YESTERDAY.isoformat()) for name in (STUDENTS, STAFF, "structures")}
    after = _config(root / "after", POLICY_DIR)
    done = run_opendata(["demo", "--years", "2"], home, OPENDATA_CONFIG_DIR=str(after), COLUMNS="400")
    return store_root, after, kept, done, before


def _package(store: Path, dataset: str, day: dt.date) -> dict:
    return json.loads((store / dataset / day.isoformat() / "datapackage.json").read_text(encoding="utf-8"))


def test_the_next_night_publishes_the_new_shapes_and_holds_nothing_back(next_night) -> None:
    store, _, _, done, _ = next_night
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert re.search(r"Blocking checks: \d+ passed, 0 failed", done.stdout), done.stdout[-2000:]
    assert "Held back: 0 dataset(s)" in done.stdout
    students = pd.read_csv(store / STUDENTS / "latest" / f"{STUDENTS}.csv", dtype="str", keep_default_na=False)
    assert {"diplome", "niveau_etape", "typ_diplome", "sect_disciplinaire"} <= set(students.columns)
    assert not {"serie_bac", "boursier", "groupe_nationalite", "code_diplome"} & set(students.columns)
    assert (students["effectif_statut"] == "publie").all()  # in full: the migration withholds nothing either
    staff = pd.read_csv(store / STAFF / "latest" / f"{STAFF}.csv", dtype="str")
    assert "tranche_age" not in staff.columns and "code_corps" in staff.columns
    versions = OutputStore(root=str(store)).versions
    for dataset in (STUDENTS, STAFF):
        assert versions(dataset) == [YESTERDAY.isoformat(), TODAY.isoformat()]
    for dataset in ADDED:
        assert versions(dataset) == [TODAY.isoformat()], dataset
    assert versions("structures") == [YESTERDAY.isoformat()]  # unchanged: no version


def test_the_change_is_recorded_in_the_readme_and_the_data_package(next_night) -> None:
    store, config, _, _, _ = next_night
    new_hash = load_catalogue(config / "policies")[STUDENTS].hash
    change = _package(store, STUDENTS, TODAY)["x_opendata"]["policy_change"]
    assert change["previous_version"] == YESTERDAY.isoformat() and change["policy_hash"] == new_hash
    assert change["previous_policy_hash"] == _package(store, STUDENTS, YESTERDAY)["x_opendata"]["anonymisation"]["policy_hash"]
    assert {"serie_bac", "boursier", "groupe_nationalite"} <= set(change["columns_removed"])
    assert {"typ_diplome", "cursus_lmd", "sect_disciplinaire"} <= set(change["columns_added"])
    assert {"from": "code_diplome", "to": "diplome"} in change["columns_renamed"]
    assert {"from": "niveau", "to": "niveau_etape"} in change["columns_renamed"]
    staff = _package(store, STAFF, TODAY)["x_opendata"]["policy_change"]
    assert "tranche_age" in staff["columns_removed"] and {"from": "corps", "to": "code_corps"} in staff["columns_renamed"]
    readme = (store / STUDENTS / TODAY.isoformat() / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Changements", 1)[1]
    assert "`serie_bac`" in section and new_hash in section and "`code_diplome` devient `diplome`" in section
    assert "policy_change" not in _package(store, STUDENTS, YESTERDAY)["x_opendata"]
    assert verify(store / STUDENTS / TODAY.isoformat()) == [] and verify(store / STUDENTS / "latest") == []


def test_yesterdays_versions_are_kept_byte_for_byte(next_night) -> None:
    store, _, before, _, _ = next_night
    for dataset, hashes in before.items():
        assert _hashes(store / dataset / YESTERDAY.isoformat()) == hashes, dataset


@pytest.mark.parametrize(("dataset", "renamed", "shared"), [
    (STUDENTS, {"code_diplome": "diplome", "niveau": "niveau_etape", "code_discipline": "discipline"},
     ("rentree", "diplome", "niveau_etape", "discipline", "sexe")),
    (STAFF, {"corps": "code_corps", "section_cnu": "code_section_cnu"},
     ("annee", "type_personnel", "categorie", "code_corps", "code_section_cnu", "sexe")),
])
def test_yesterdays_secrets_the_public_counts_determine_are_reported_to_the_dpo(next_night, dataset: str,
                                                                                renamed: dict, shared: tuple) -> None:
    """The attacker holds both versions and the national file, which shows today's counts whatever we publish:
    withholding them would protect nothing. The table stays whole, and the report tells the DPO how many of
    yesterday's withheld cells those counts give back: as many as an audit of the two files finds."""
    store, config, _, _, before = next_night
    old = pd.read_parquet(store / dataset / YESTERDAY.isoformat() / f"{dataset}.parquet").rename(columns=renamed)
    new = pd.read_parquet(store / dataset / TODAY.isoformat() / f"{dataset}.parquet")
    assert (old["effectif_statut"] == WITHHELD).any() and (new["effectif_statut"] == "publie").all()
    old_dims = tuple(renamed.get(c.name, c.name) for c in load_catalogue(before / "policies")[dataset].by_role("dimension"))
    new_dims = tuple(c.name for c in load_catalogue(config / "policies")[dataset].by_role("dimension"))
    tables = [PublishedTable("hier", old, old_dims, lower=1.0), PublishedTable("aujourdhui", new, new_dims)]
    exposed = [e for e in audit(tables, [Relation("hier", "aujourdhui", shared)]) if e.table == "hier"]
    report = json.loads((store.parent / "reports" / TODAY.isoformat() / "anonymisation" / f"{dataset}.json")
                        .read_text(encoding="utf-8"))
    told = [n for n in report["notes"] if n.startswith("previous version:")]
    assert exposed and told == [told[0]] and told[0].startswith(f"previous version: {len(exposed)} of its withheld")


def test_the_drift_rule_skips_a_version_of_another_policy_and_runs_on_the_same(next_night) -> None:
    store, config, _, _, before = next_night
    changed = load_catalogue(config / "policies")
    yesterday = store / STUDENTS / YESTERDAY.isoformat() / f"{STUDENTS}.parquet"
    assert published_shape(changed[STUDENTS], yesterday) == (None, ())
    rows, by_year = published_shape(load_catalogue(before / "policies")[STUDENTS], yesterday)
    assert rows == len(pd.read_parquet(yesterday)) and by_year
    structures = store / "structures" / "latest" / "structures.parquet"
    assert policy_change(changed["structures"], _package(store, "structures", YESTERDAY)) is None
    assert published_shape(changed["structures"], structures)[0] == len(pd.read_parquet(structures))
