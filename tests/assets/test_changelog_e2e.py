"""The changelog of a new version, end to end: two nights of the demo with changed sources in between.

Night 1 is the demo's first publication, dated yesterday (republished from its
checked candidates). Between the nights, the finance system renames one
account and the HR system moves one structure's site. Night 2 is `opendata
demo` again, today, with a reuser's correction of another account's label
reviewed in between. The expected counts are recomputed from the published
files themselves, not from the code under test.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import sqlite3
from pathlib import Path

import pandas as pd
import pytest
from rdflib import Graph, Literal, Namespace, URIRef

from anonymisation.policy import load_catalogue
from assets.published import publish
from pipelines.definitions import producer
from resources.candidates import CandidateArea
from resources.common.institution import load_institution
from resources.publishing.integrity import verify
from resources.store import OutputStore
from tests.quality.conftest import DemoRun, run_opendata

TODAY = dt.date.today()
YESTERDAY = TODAY - dt.timedelta(days=1)
BUDGET, SITES, STUDENTS, DIRECTORY = "execution_budgetaire", "structures", "effectifs_etudiants", "annuaire"
ADMS = Namespace("http://www.w3.org/ns/adms#")
CORRECTION = "libelle-compte-signale"


@pytest.fixture(scope="module")
def two_nights(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, str, object]:
    home = tmp_path_factory.mktemp("changelog") / "home"
    first = run_opendata(["demo", "--years", "2"], home, COLUMNS="400")
    assert first.returncode == 0, first.stdout[-3000:] + first.stderr[-3000:]
    store_root = home / "demo" / "store"
    shutil.rmtree(store_root)  # night 1 again, dated yesterday, from its checked candidates
    store = OutputStore(root=str(store_root))
    candidates = CandidateArea(root=str(home / "demo" / "candidates"), reports=str(home / "demo" / "reports"))
    for policy in load_catalogue().values():
        publish(policy, candidates.latest(policy.dataset), store, producer(load_institution("demo")),
                Path(candidates.reports), YESTERDAY)
    budget = pd.read_csv(store_root / BUDGET / "latest" / f"{BUDGET}.csv", dtype=str)
    account, corrected = budget["compte"].value_counts().index[:2]  # the two accounts on most rows
    sites = pd.read_csv(store_root / SITES / "latest" / f"{SITES}.csv", dtype=str).dropna(subset=["latitude"])
    site = sites["code_structure"].iloc[0]
    sources = home / "demo" / "sources"
    with sqlite3.connect(sources / "finance.sqlite") as finance:
        finance.execute("UPDATE comptes SET libelle = 'Libellé rectifié par le plan comptable' WHERE compte = ?",
                        (account,))
    with sqlite3.connect(sources / "hr.sqlite") as hr:
        hr.execute("UPDATE structures SET latitude = latitude + 0.01 WHERE code_structure = ?", (site,))
    with sqlite3.connect(sources / "finance.sqlite") as finance:
        [label] = finance.execute("SELECT libelle FROM comptes WHERE compte = ?", (corrected,)).fetchone()
    for command in (["correction", "add", "--id", CORRECTION, "--table", "finance.comptes", "--column", "libelle",
                     "--key", f"compte={corrected}", "--expected", label, "--proposed", "Libellé signalé par un lecteur",
                     "--source", "https://www.data.gouv.fr/fr/datasets/execution-budgetaire/#/discussions/42"],
                    ["correction", "review", CORRECTION, "--reviewer", "Intendante des données (test)"]):
        done = run_opendata(command, home)
        assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    second = run_opendata(["demo", "--years", "2"], home, COLUMNS="400")
    return store_root, (account, corrected), site, second


def _entry(store: Path, dataset: str) -> dict:
    package = json.loads((store / dataset / "latest" / "datapackage.json").read_text(encoding="utf-8"))
    return package["x_opendata"]["changelog"][-1]


def test_the_renamed_and_the_corrected_account_change_exactly_their_rows_year_by_year(two_nights) -> None:
    store, (account, corrected), _, second = two_nights
    assert second.returncode == 0, second.stdout[-3000:] + second.stderr[-3000:]
    budget = pd.read_csv(store / BUDGET / "latest" / f"{BUDGET}.csv", dtype=str)
    assert (budget[budget["compte"] == account]["libelle_compte"] == "Libellé rectifié par le plan comptable").all()
    assert (budget[budget["compte"] == corrected]["libelle_compte"] == "Libellé signalé par un lecteur").all()
    renamed = budget[budget["compte"].isin([account, corrected])]
    entry = _entry(store, BUDGET)
    assert entry["version"] == TODAY.isoformat() and entry["previous_version"] == YESTERDAY.isoformat()
    assert (entry["added"], entry["removed"], entry["changed"]) == (0, 0, len(renamed)) and len(renamed) > 0
    expected = renamed["exercice"].value_counts().to_dict()
    assert {y: c["changed"] for y, c in entry["by_year"].items()} == expected
    assert entry["keys"]["columns"] == ["exercice", "compte", "destination", "structure"]
    assert all(f" · {account} · " in key or f" · {corrected} · " in key for key in entry["keys"]["changed"])
    [correction] = entry["corrections"]
    assert (correction["id"], correction["table"], correction["column"]) == (CORRECTION, "finance.comptes", "libelle")


def test_the_readme_the_history_and_the_package_tell_the_same_change(two_nights) -> None:
    store, (account, _), _, _ = two_nights
    latest = store / BUDGET / "latest"
    readme = (latest / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Changements", 1)[1]
    assert f"### Version du {TODAY.isoformat()}" in section and f"### Version du {YESTERDAY.isoformat()}" in section
    assert f"Par rapport à la version du {YESTERDAY.isoformat()}" in section and "Première version publiée" in section
    beside = store / BUDGET / "CHANGELOG.md"
    assert beside.read_bytes() == (latest / "CHANGELOG.md").read_bytes()
    history = beside.read_text(encoding="utf-8")
    assert history.index(f"## Version du {TODAY.isoformat()}") < history.index(f"## Version du {YESTERDAY.isoformat()}")
    assert f" · {account} · " in history and f"Correction `{CORRECTION}`" in history
    assert f"Correction `{CORRECTION}`" in section
    package = json.loads((latest / "datapackage.json").read_text(encoding="utf-8"))
    assert [e["version"] for e in package["x_opendata"]["changelog"]] == [YESTERDAY.isoformat(), TODAY.isoformat()]
    assert "CHANGELOG.md" in {r["path"] for r in package["resources"]}
    assert verify(latest) == [] and verify(store / BUDGET / TODAY.isoformat()) == []


def test_a_moved_site_is_named_by_its_code_and_unchanged_data_make_no_version(two_nights) -> None:
    store, _, site, _ = two_nights
    entry = _entry(store, SITES)
    assert (entry["added"], entry["removed"], entry["changed"]) == (0, 0, 1)
    assert entry["keys"] == {"columns": ["code_structure"], "added": [], "removed": [], "changed": [site]}
    assert _entry(store, STUDENTS)["version"] == YESTERDAY.isoformat()  # same data: no new version, no entry
    assert not (store / STUDENTS / TODAY.isoformat()).exists()


def test_a_nominative_dataset_gives_counts_only(two_nights) -> None:
    store, _, _, _ = two_nights
    entry = _entry(store, DIRECTORY)
    assert "keys" not in entry
    published = pd.read_csv(store / DIRECTORY / "latest" / f"{DIRECTORY}.csv", dtype=str, keep_default_na=False)
    history = (store / DIRECTORY / "CHANGELOG.md").read_text(encoding="utf-8")
    readme = (store / DIRECTORY / "latest" / "README.md").read_text(encoding="utf-8").split("## Changements", 1)[1]
    values = {v for column in ("nom", "prenom", "email_professionnel") for v in published[column] if v}
    assert values and not [v for v in values if v in history or v in readme]


def test_the_catalogue_carries_the_version_notes(two_nights) -> None:
    store, _, _, _ = two_nights
    graph = Graph().parse(store / "catalog.ttl")
    notes = {str(n) for n in graph.objects(URIRef(f"{_base(store)}{BUDGET}/"), ADMS.versionNotes)}
    assert len(notes) == 1 and notes.pop().startswith(f"Par rapport à la version du {YESTERDAY.isoformat()}: 0 ")
    version = URIRef(f"{_base(store)}{BUDGET}/{YESTERDAY.isoformat()}/")
    assert (version, ADMS.versionNotes, Literal(next(graph.objects(version, ADMS.versionNotes)))) in graph
    assert "Première version publiée" in str(next(graph.objects(version, ADMS.versionNotes)))


def _base(store: Path) -> str:
    package = json.loads((store / BUDGET / "latest" / "datapackage.json").read_text(encoding="utf-8"))
    return package["homepage"].removesuffix(f"{BUDGET}/latest/")


def test_a_second_publication_the_same_day_is_compared_with_the_one_it_replaces(clean_demo: DemoRun,
                                                                              tmp_path: Path) -> None:
    policy = load_catalogue()[SITES]
    candidates = CandidateArea(root=str(clean_demo.demo / "candidates"), reports=str(clean_demo.demo / "reports"))
    store = OutputStore(root=str(tmp_path / "store"))
    found, reports = producer(load_institution("demo")), tmp_path / "reports"
    publish(policy, candidates.latest(SITES), store, found, reports, TODAY)
    moved = pd.read_parquet(candidates.latest(SITES))
    row = moved["latitude"].first_valid_index()
    moved.loc[row, "latitude"] += 0.01
    moved.to_parquet(tmp_path / "moved.parquet", index=False)
    publish(policy, tmp_path / "moved.parquet", store, found, reports, TODAY)
    entries = json.loads((tmp_path / "store" / SITES / "latest" / "datapackage.json").read_text(
        encoding="utf-8"))["x_opendata"]["changelog"]
    assert [(e["version"], e.get("previous_version"), e.get("same_day")) for e in entries] == [
        (TODAY.isoformat(), None, None), (TODAY.isoformat(), TODAY.isoformat(), True)]
    assert entries[-1]["keys"]["changed"] == [moved.loc[row, "code_structure"]]
    history = (tmp_path / "store" / SITES / "CHANGELOG.md").read_text(encoding="utf-8")
    assert "(republiée le même jour)" in history and "Première version publiée" in history
