"""The DCAT-AP catalogue: mandatory properties, every dated version, no nominative dataset unless asked."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS as DCT
from rdflib.namespace import FOAF, OWL, RDF, SKOS

from anonymisation.policy import load_catalogue
from resources.publishing.catalogue import FREQUENCIES as UDATA_FREQUENCIES
from resources.publishing.catalogue import (
    ADMS,
    DCAT,
    SPDX,
    VCARD,
    CatalogueError,
    CatalogueOwner,
    build_catalogue,
    write_catalogue,
)
from resources.publishing.readme import FREQUENCIES as README_WORDS

BASE = "https://opendata.univ-exemple.fr/"
OWNER = CatalogueOwner(name="Université Exemple", siret="19751234500014", contact_email="opendata@univ-exemple.fr",
                       public_base_url=BASE)
LO2 = URIRef("https://www.etalab.gouv.fr/licence-ouverte-open-licence/")
# rdflib 7.6's own JSON-LD parser still builds a ConjunctiveGraph internally.
pytestmark = pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")


def _file(folder: Path, file: str, content: bytes, **entry: object) -> dict:
    (folder / file).write_bytes(content)
    return {"path": file, "bytes": len(content), "hash": f"sha256:{hashlib.sha256(content).hexdigest()}",
            "encoding": "utf-8", **entry}


def _version(store: Path, dataset: str, day: str, versions: list[str], *, nominative: bool = False,
             national_schema: str | None = None, folder: str | None = None) -> dict:
    """Write one version folder as the publication step does: data files, README, datapackage.json."""
    path = store / dataset / (folder or day)
    path.mkdir(parents=True)
    resources = [
        _file(path, f"{dataset}.csv", f"annee,effectif\n{day[:4]},12\n".encode(), name=dataset, format="csv",
              mediatype="text/csv", title=f"{dataset} (CSV)", description="Le jeu au format CSV.",
              schema={"fields": []}),
        _file(path, f"{dataset}.parquet", b"PAR1" + day.encode() + b"PAR1", name=f"{dataset}-parquet",
              format="parquet", mediatype="application/vnd.apache.parquet", title=f"{dataset} (Parquet)",
              description="Le même contenu, typé."),
    ]
    if national_schema == "decp-2.0.3":
        resources.append(_file(path, f"{dataset}.json", b'{"marches": {"marche": []}}', name=f"{dataset}-json",
                               format="json", mediatype="application/json", title="DECP JSON",
                               description="Format réglementaire."))
    resources.append(_file(path, "README.md", f"# {dataset}\n".encode(), name="readme", format="md",
                           mediatype="text/markdown", x_type="documentation", title="Documentation",
                           description="Ce que contient le jeu."))
    package = {
        "profile": "tabular-data-package", "name": dataset, "id": f"{BASE}{dataset}/latest/datapackage.json",
        "title": f"Jeu {dataset}", "description": f"Description du jeu {dataset}, " + "assez longue. " * 10,
        "version": day, "created": f"{day}T02:30:00+00:00", "homepage": f"{BASE}{dataset}/latest/",
        "keywords": ["enseignement supérieur", "université"],
        "licenses": [{"name": "etalab-2.0", "path": str(LO2), "title": "Licence Ouverte / Open Licence version 2.0"}],
        "sources": [{"title": "système d'information"}],
        "contributors": [{"title": OWNER.name, "role": "publisher", "email": OWNER.contact_email}],
        "x_opendata": {
            "producer": {"name": OWNER.name, "siret": OWNER.siret, "uai": "0751234A", "contact": OWNER.contact_email,
                         "datagouv_organization": "univ-exemple"},
            "frequency": "daily" if nominative else "annual",
            "temporal_coverage": {"start": "2020-01-01", "end": "2024-12-31"},
            "spatial": {"zones": ["fr:departement:75"], "granularity": "poi"},
            "legal_basis": "CRPA L312-1-1", "anonymisation": {"policy_hash": "abc"}, "nominative": nominative,
            "last_checked": day, "national_schema": national_schema, "versions": versions,
        },
        "resources": resources,
    }
    (path / "datapackage.json").write_text(json.dumps(package, ensure_ascii=False), encoding="utf-8")
    return package


@pytest.fixture
def store(tmp_path: Path) -> Path:
    """Three datasets: one with two dated versions, one DECP with a national schema, one nominative."""
    root = tmp_path / "store"
    _version(root, "effectifs", "2024-06-01", ["2024-06-01"])
    _version(root, "effectifs", "2025-06-01", ["2024-06-01", "2025-06-01"])
    _version(root, "effectifs", "2025-06-01", ["2024-06-01", "2025-06-01"], folder="latest")
    for folder in ("2025-06-02", "latest"):
        _version(root, "marches", "2025-06-02", ["2025-06-02"], national_schema="decp-2.0.3", folder=folder)
        _version(root, "annuaire", "2025-06-02", ["2025-06-02"], nominative=True, folder=folder)
    (root / ".tmp-effectifs-0001").mkdir()  # a publication in progress is not online
    return root


def _datasets(graph: Graph) -> set[URIRef]:
    catalogue = graph.value(predicate=RDF.type, object=DCAT.Catalog)
    return set(graph.objects(catalogue, DCAT.dataset))


def test_written_files_parse_back_to_the_same_graph_and_leave_no_temporary_file(store: Path) -> None:
    graph = build_catalogue(store, OWNER)
    turtle, jsonld = write_catalogue(graph, store)
    assert (turtle, jsonld) == (store / "catalog.ttl", store / "catalog.jsonld")
    assert isomorphic(Graph().parse(turtle, format="turtle"), graph)
    assert isomorphic(Graph().parse(jsonld, format="json-ld"), graph)
    write_catalogue(graph, store)  # a rewrite replaces, atomically, again
    assert sorted(p.name for p in store.iterdir() if p.is_file()) == ["catalog.jsonld", "catalog.ttl"]
    assert not [p for p in store.iterdir() if p.name.startswith(".") and p.is_file()]


def test_catalogue_has_title_description_and_a_named_publisher(store: Path) -> None:
    graph = build_catalogue(store, OWNER)
    catalogue = graph.value(predicate=RDF.type, object=DCAT.Catalog)
    assert graph.value(catalogue, DCT.title) and graph.value(catalogue, DCT.description)
    publisher = graph.value(catalogue, DCT.publisher)
    assert graph.value(publisher, FOAF.name) == Literal(OWNER.name)
    assert graph.value(publisher, DCT.identifier) == Literal(OWNER.siret)
    assert graph.value(catalogue, FOAF.homepage) == URIRef(BASE)
    assert str(graph.value(catalogue, DCT.modified)).startswith("2025-06-02T02:30:00")


def test_the_publisher_carries_its_identifiers_and_links_to_their_pages(store: Path) -> None:
    ids = {"uai": "0751234A", "siren": "197512345", "paysage": "aB3dE", "ror": "0xd3m0064", "wikidata": "Q999999901"}
    graph = build_catalogue(store, CatalogueOwner(name=OWNER.name, siret=OWNER.siret, contact_email=OWNER.contact_email,
                                                  public_base_url=BASE, identifiers=ids))
    publisher = graph.value(graph.value(predicate=RDF.type, object=DCAT.Catalog), DCT.publisher)
    notations = {str(graph.value(i, SKOS.notation)): str(graph.value(i, ADMS.schemaAgency))
                 for i in graph.objects(publisher, ADMS.identifier) if (i, RDF.type, ADMS.Identifier) in graph}
    assert set(notations) == {*ids.values(), OWNER.siret}
    assert "ROR" in notations["0xd3m0064"] and "Paysage" in notations["aB3dE"]
    assert set(graph.objects(publisher, OWL.sameAs)) == {
        URIRef("https://ror.org/0xd3m0064"), URIRef("https://www.wikidata.org/entity/Q999999901"),
        URIRef("https://paysage.enseignementsup-recherche.gouv.fr/structures/aB3dE")}
    assert not set(build_catalogue(store, OWNER).objects(publisher, OWL.sameAs))  # none given, none invented


def test_every_dataset_has_the_mandatory_and_recommended_properties(store: Path) -> None:
    graph = build_catalogue(store, OWNER)
    datasets = _datasets(graph)
    assert datasets == {URIRef(f"{BASE}effectifs/"), URIRef(f"{BASE}marches/")}
    for dataset in datasets:
        for prop in (DCT.title, DCT.description, DCT.identifier, DCT.issued, DCT.modified, DCAT.landingPage,
                     DCT.accrualPeriodicity, DCT.temporal, DCT.spatial, DCAT.keyword):
            assert graph.value(dataset, prop) is not None, (dataset, prop)
        assert graph.value(graph.value(dataset, DCT.publisher), FOAF.name) == Literal(OWNER.name)
        contact = graph.value(dataset, DCAT.contactPoint)
        assert (contact, RDF.type, VCARD.Kind) in graph
        assert graph.value(contact, VCARD.fn) and graph.value(contact, VCARD.hasEmail) == URIRef(
            f"mailto:{OWNER.contact_email}")
        assert graph.value(dataset, DCT.license) == LO2
        period = graph.value(dataset, DCT.temporal)
        assert str(graph.value(period, DCAT.startDate)) == "2020-01-01"
    effectifs = URIRef(f"{BASE}effectifs/")
    assert str(graph.value(effectifs, DCT.issued)).startswith("2024-06-01")
    assert str(graph.value(effectifs, DCT.modified)).startswith("2025-06-01")
    assert str(graph.value(effectifs, DCAT.version)) == "2025-06-01"
    assert graph.value(effectifs, DCT.accrualPeriodicity) == URIRef(
        "http://publications.europa.eu/resource/authority/frequency/ANNUAL")
    marches = URIRef(f"{BASE}marches/")
    schema = URIRef("https://schema.data.gouv.fr/schemas/139bercy/format-commande-publique/2.0.3/marches.json")
    assert graph.value(marches, DCT.conformsTo) == schema
    assert [d for d in graph.objects(marches, DCAT.distribution) if (d, DCT.conformsTo, schema) in graph] == [
        URIRef(f"{BASE}marches/latest/#marches-json")]


def test_every_distribution_points_at_latest_with_its_checksum_format_and_licence(store: Path) -> None:
    graph = build_catalogue(store, OWNER)
    for dataset in _datasets(graph):
        name = str(dataset).removeprefix(BASE).strip("/")
        package = json.loads((store / name / "latest" / "datapackage.json").read_text(encoding="utf-8"))
        expected = {f"{BASE}{name}/latest/{r['path']}": r["hash"].removeprefix("sha256:") for r in package["resources"]}
        seen = {}
        for distribution in graph.objects(dataset, DCAT.distribution):
            url = graph.value(distribution, DCAT.accessURL)
            assert url == graph.value(distribution, DCAT.downloadURL)
            assert str(url).startswith(f"{BASE}{name}/latest/")
            checksum = graph.value(distribution, SPDX.checksum)
            assert graph.value(checksum, SPDX.algorithm) == SPDX.checksumAlgorithm_sha256
            seen[str(url)] = str(graph.value(checksum, SPDX.checksumValue))
            assert str(graph.value(distribution, DCT.format)).startswith(
                "http://publications.europa.eu/resource/authority/file-type/")
            assert graph.value(distribution, DCT.license) == LO2
            assert graph.value(distribution, DCAT.mediaType) is not None
            assert graph.value(distribution, DCAT.byteSize).toPython() > 0
        assert seen == expected


def test_each_dated_version_is_listed_with_its_own_files(store: Path) -> None:
    graph = build_catalogue(store, OWNER)
    effectifs = URIRef(f"{BASE}effectifs/")
    # dct:hasVersion only: DCAT-AP requires a dcat:hasVersion target to be a dcat:Dataset (docs/publication.md).
    versions = {str(graph.value(v, DCAT.version)): v for v in graph.objects(effectifs, DCT.hasVersion)}
    assert sorted(versions) == ["2024-06-01", "2025-06-01"]
    assert not list(graph.objects(effectifs, DCAT.hasVersion))
    assert graph.value(effectifs, DCAT.hasCurrentVersion) == versions["2025-06-01"]
    assert graph.value(versions["2025-06-01"], DCAT.previousVersion) == versions["2024-06-01"]
    for day, version in versions.items():
        assert graph.value(version, DCT.isVersionOf) == effectifs
        # Not a dcat:Dataset, or udata would harvest each version as a dataset of its own.
        assert (version, RDF.type, DCAT.Dataset) not in graph
        urls = {str(graph.value(d, DCAT.downloadURL)) for d in graph.objects(version, DCAT.distribution)}
        assert urls == {f"{BASE}effectifs/{day}/{f}" for f in ("effectifs.csv", "effectifs.parquet", "README.md")}
    assert set(graph.subjects(RDF.type, DCAT.Dataset)) == _datasets(graph)


def test_nominative_dataset_is_listed_only_on_request(store: Path) -> None:
    annuaire = URIRef(f"{BASE}annuaire/")
    assert annuaire not in _datasets(build_catalogue(store, OWNER))
    assert not any(str(s).startswith(str(annuaire)) for s in build_catalogue(store, OWNER).subjects())
    graph = build_catalogue(store, OWNER, include_nominative=True)
    assert annuaire in _datasets(graph)
    assert graph.value(annuaire, DCT.accrualPeriodicity) == URIRef(
        "http://publications.europa.eu/resource/authority/frequency/DAILY")


def test_sparql_counts_the_datasets(store: Path) -> None:
    query = """PREFIX dcat: <http://www.w3.org/ns/dcat#>
               SELECT (COUNT(DISTINCT ?d) AS ?n) WHERE { ?c a dcat:Catalog ; dcat:dataset ?d . ?d a dcat:Dataset }"""
    for include, expected in ((False, 2), (True, 3)):
        graph = Graph().parse(write_catalogue(build_catalogue(store, OWNER, include_nominative=include), store)[0])
        assert [int(row[0]) for row in graph.query(query)] == [expected]


def test_unknown_frequency_is_refused_naming_the_dataset(store: Path) -> None:
    path = store / "effectifs" / "latest" / "datapackage.json"
    package = json.loads(path.read_text(encoding="utf-8"))
    package["x_opendata"]["frequency"] = "sometimes"
    path.write_text(json.dumps(package), encoding="utf-8")
    with pytest.raises(CatalogueError, match="effectifs: frequency 'sometimes'"):
        build_catalogue(store, OWNER)


def test_base_url_must_end_with_a_slash() -> None:
    with pytest.raises(CatalogueError, match="must end with '/'"):
        CatalogueOwner(name="U", siret="1", contact_email="a@b.fr", public_base_url="https://x.fr")


def test_every_reviewed_policy_declares_a_frequency_udata_and_the_readme_know() -> None:
    """The catalogue refuses an unknown frequency at publication; this catches it at review, with its French words."""
    frequencies = {name: policy.frequency for name, policy in load_catalogue().items()}
    assert {n: f for n, f in frequencies.items() if f not in UDATA_FREQUENCIES or f not in README_WORDS} == {}
    # Contracts are notified, and functions change hands, on no fixed day; a version is written only on change,
    # so "daily" would make udata count these datasets late after two quiet days.
    assert frequencies["marches_publics"] == frequencies["annuaire"] == "irregular"
