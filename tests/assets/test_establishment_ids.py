"""A demo run: every published file's datapackage, README and the DCAT catalogue name the demo establishment by
the identifiers of its institution file (UAI, SIRET, SIREN, Paysage, ROR, Wikidata, ETER)."""

from __future__ import annotations

import json

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS as DCT
from rdflib.namespace import OWL, RDF, SKOS

from resources.common.institution import load_institution
from resources.publishing.catalogue import ADMS, DCAT
from tests.quality.conftest import DemoRun

# rdflib 7.6's own JSON-LD parser still builds a ConjunctiveGraph internally.
pytestmark = pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")


@pytest.fixture(scope="module")
def identifiers() -> dict[str, str]:
    ids = load_institution("demo").identifiers
    assert {"paysage", "ror", "wikidata", "siren"} <= set(ids)
    return ids


def test_every_datapackage_carries_the_identifiers(clean_demo: DemoRun, identifiers: dict[str, str]) -> None:
    packages = list((clean_demo.demo / "store").glob("*/latest/datapackage.json"))
    assert packages
    for path in packages:
        producer = json.loads(path.read_text(encoding="utf-8"))["x_opendata"]["producer"]
        assert producer["identifiers"] == identifiers, path.parent.parent.name
        assert producer["pages"]["ror"] == f"https://ror.org/{identifiers['ror']}"


def test_every_readme_gives_the_identifiers_at_the_top(clean_demo: DemoRun, identifiers: dict[str, str]) -> None:
    readmes = list((clean_demo.demo / "store").glob("*/latest/README.md"))
    assert readmes
    for path in readmes:
        head = path.read_text(encoding="utf-8").split("## ")[0]
        assert all(identifiers[k] in head for k in ("uai", "siret", "siren", "paysage", "ror", "wikidata")), path


@pytest.mark.parametrize(("name", "fmt"), [("catalog.ttl", "turtle"), ("catalog.jsonld", "json-ld")])
def test_the_catalogue_publisher_carries_the_identifiers(clean_demo: DemoRun, identifiers: dict[str, str],
                                                         name: str, fmt: str) -> None:
    graph = Graph().parse(clean_demo.demo / "store" / name, format=fmt)
    publisher = graph.value(graph.value(predicate=RDF.type, object=DCAT.Catalog), DCT.publisher)
    notations = {str(graph.value(i, SKOS.notation)) for i in graph.objects(publisher, ADMS.identifier)}
    assert set(identifiers.values()) <= notations
    assert URIRef(f"https://ror.org/{identifiers['ror']}") in set(graph.objects(publisher, OWL.sameAs))
    assert URIRef(f"https://www.wikidata.org/entity/{identifiers['wikidata']}") in set(
        graph.objects(publisher, OWL.sameAs))
