"""The register of documents end to end, on a demo run as a user runs it (`opendata demo --years 2`).

After every other dataset's publication, the register lists each of them and the DCAT catalogue, once for the
year of the run: its rows agree with the store (first and last version, formats, address online) and with the
catalogue's own words; it is published like every dataset (checks, README, datapackage.json, SHA256SUMS,
catalogue entry). The unchanged re-run of `test_publication_e2e` covers it too: no new version of it either.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import dagster as dg
import pandas as pd
import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import DCAT, DCTERMS, RDF

from anonymisation.kinds.registry import kind_of
from anonymisation.policy import load_catalogue
from anonymisation.utility import number
from pipelines.definitions import build_definitions
from resources.common.institution import load_institution
from resources.publishing.integrity import verify
from tests.quality.conftest import DemoRun

REGISTER = "repertoire_documents"
TODAY = dt.date.today()


def _register(run: DemoRun) -> pd.DataFrame:
    path = run.demo / "store" / REGISTER / "latest" / f"{REGISTER}.csv"
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def test_the_register_lists_every_other_dataset_and_the_catalogue_once_this_year(clean_demo: DemoRun) -> None:
    assert clean_demo.done.returncode == 0, clean_demo.done.stderr[-3000:]
    rows = _register(clean_demo)
    documents = {p.dataset: p for p in load_catalogue().values() if not kind_of(p.kind).reads_catalogue}
    assert sorted(rows["identifiant"]) == sorted([*documents, "catalogue"])
    assert set(rows["annee"]) == {str(TODAY.year)}
    by_name = rows.set_index("identifiant")
    for name, policy in documents.items():
        row = by_name.loc[name]
        assert (row["titre"], row["objet"], row["base_legale"]) == (policy.title, policy.description,
                                                                    policy.legal_basis)
        assert row["nature"] == ("jeu_de_donnees_nominatif" if policy.nominative else "jeu_de_donnees")
        assert row["date_creation"] == row["date_mise_a_jour"] == TODAY.isoformat()
        assert row["nombre_versions"] == "1" and row["en_ligne"] == "true"
        # R322-7's object of the update: the first version's entry of the dataset's changelog, with its row count.
        package = json.loads((clean_demo.demo / "store" / name / "latest" / "datapackage.json").read_text("utf-8"))
        rows_published = package["x_opendata"]["changelog"][-1]["rows"]
        assert row["objet_mises_a_jour"] == (f"{TODAY.isoformat()}: Première version publiée: "
                                             f"{number(rows_published)} ligne(s)."), name


def test_every_address_of_the_register_is_a_folder_of_the_store_and_its_formats_are_there(
        clean_demo: DemoRun) -> None:
    store, base = clean_demo.demo / "store", load_institution("demo").public_base_url
    for row in _register(clean_demo).to_dict("records"):
        assert row["url"].startswith(base), row["identifiant"]
        target = store / row["url"][len(base):]
        if row["identifiant"] == "catalogue":
            assert target == store / "catalog.ttl" and target.is_file()
            continue
        package = json.loads((target / "datapackage.json").read_text(encoding="utf-8"))
        formats = {r["format"].upper() for r in package["resources"] if r["format"] != "md"}
        assert set(row["formats"].upper().split(", ")) == formats, row["identifiant"]


def test_the_catalogue_row_says_what_the_catalogue_says_and_the_catalogue_lists_the_register(
        clean_demo: DemoRun) -> None:
    store = clean_demo.demo / "store"
    graph = Graph().parse(store / "catalog.ttl", format="turtle")
    (catalog,) = graph.subjects(RDF.type, DCAT.Catalog)
    row = _register(clean_demo).set_index("identifiant").loc["catalogue"]
    assert row["titre"] == str(graph.value(catalog, DCTERMS.title))
    assert row["objet"] == str(graph.value(catalog, DCTERMS.description))
    base = load_institution("demo").public_base_url
    assert (catalog, DCAT.dataset, URIRef(f"{base}{REGISTER}/")) in graph


def test_the_register_is_published_like_every_dataset(clean_demo: DemoRun) -> None:
    folder = clean_demo.demo / "store" / REGISTER / "latest"
    assert verify(folder) == []
    package = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    assert package["x_opendata"]["legal_basis"].startswith("Répertoire des principaux documents")
    assert package["x_opendata"]["temporal_coverage"] == {"start": f"{TODAY.year}-01-01", "end": TODAY.isoformat()}
    readme = (folder / "README.md").read_text(encoding="utf-8")
    assert "sans lire aucun système source" in readme and "Extrait chaque nuit" not in readme
    assert "Aucune donnée personnelle n'est lue" in readme and "les identifiants sont retirés" not in readme
    decision = json.loads((clean_demo.demo / "reports" / TODAY.isoformat() / "publication" / f"{REGISTER}.json")
                          .read_text(encoding="utf-8"))
    assert decision["published"] is True and decision["rows"] == len(_register(clean_demo))
    checks = {p.stem for p in Path(clean_demo.demo / "candidates" / REGISTER).glob("*/.checks/*.json")}
    assert {"leak_guard", "conformite_fichier_ouvert"} <= checks


def test_the_register_run_again_on_the_same_store_makes_no_new_version(
        clean_demo: DemoRun, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Only days reach the register, and it never lists itself: the same store gives the same bytes."""
    home = tmp_path / "home"
    shutil.copytree(clean_demo.home, home, symlinks=True)
    monkeypatch.setenv("OPENDATA_HOME", str(home))
    defs = build_definitions(load_institution("demo"))
    keys = [dg.AssetKey(["reference", layer, REGISTER]) for layer in ("anonymised", "open")]
    folder = home / "demo" / "store" / REGISTER / "latest"
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    result = defs.resolve_job_def("publication_job").execute_in_process(
        asset_selection=keys, instance=dg.DagsterInstance.ephemeral(), raise_on_error=False)
    assert result.success
    published = [e for e in result.all_events if e.event_type_value == "ASSET_MATERIALIZATION"
                 and e.asset_key == keys[1]]
    assert [e.event_specific_data.materialization.metadata["new_version"].value for e in published] == [False]
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before
