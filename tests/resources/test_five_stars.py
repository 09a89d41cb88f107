"""Five stars (issue 17): every code column says which national reference it comes from, and links to it.

- every code-like column of every policy is classified: a national reference
  of ``config/nomenclatures/references.yaml``, or ``local`` on purpose;
- every reference is well formed: its class, page and the URI of its example
  code are absolute http(s) URIs (RFC 3986), and an unverified form says why;
- the Table Schemas of a real run carry ``rdfType`` and the URI of the codes;
- the catalogue's JSON-LD links the institution to its national identifiers.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
import yaml
from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS as DCT
from rdflib.namespace import FOAF, OWL, RDF
from rfc3986 import exceptions, uri_reference, validators

from anonymisation.policy import POLICY_DIR, load_catalogue, load_policy
from anonymisation.policy_model import Column, PolicyError
from resources.common.institution import load_institution
from resources.common.references import LOCAL, PLACEHOLDER, ReferencesError, references
from resources.publishing.catalogue import DCAT
from resources.publishing.metadata import table_schema
from tests.quality.conftest import DemoRun

pytestmark = pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")

CATALOGUE = load_catalogue()
REFERENCES = references()
# Words that make a column name a code: the generic ones, and the national files' code columns.
CODE_WORDS = frozenset(
    "code id identifiant reference uai siren siret rna rae cpv cnu bap corps diplome discipline disciscipline "
    "disciplinaire cursus niveau compte destination composante structure parent indicateur filiere".split())
URI = (validators.Validator().require_presence_of("scheme", "host").allow_schemes("http", "https")
       .check_validity_of("scheme", "userinfo", "host", "port", "path", "query", "fragment"))


def _words(name: str) -> set[str]:
    """``codeCPV`` -> {code, cpv}; ``etablissement_id_uai`` -> {etablissement, id, uai}."""
    return {w.lower() for w in re.split(r"[_.]|(?<=[a-z])(?=[A-Z])", name) if w}


def code_like(column: Column) -> bool:
    """A column whose name says it holds codes, unless it is the label beside one."""
    label = (column.name.endswith("_lib") or column.name.startswith("libelle")
             or column.description.startswith("Libellé"))
    return column.type == "string" and not label and bool(_words(column.name) & CODE_WORDS)


def _valid(uri: str) -> bool:
    if any(c.isspace() for c in uri) or "{" in uri or "}" in uri:
        return False
    try:
        URI.validate(uri_reference(uri))
    except (exceptions.ValidationError, ValueError):
        return False
    return True


@pytest.mark.parametrize("dataset", sorted(CATALOGUE))
def test_every_code_column_is_classified(dataset: str) -> None:
    unclassified = [c.name for c in CATALOGUE[dataset].columns if code_like(c) and c.reference is None]
    assert not unclassified, f"{dataset}: give each a reference (or {LOCAL}): {unclassified}"


def test_the_census_of_code_columns() -> None:
    """What the catalogue publishes, so that a change of classification shows in review."""
    columns = [c for p in CATALOGUE.values() for c in p.columns if c.reference]
    national = [c for c in columns if c.reference != LOCAL]
    assert len(columns) == 92 and len(national) == 68
    used = {c.reference for c in national}
    assert {"uai", "siren", "siret", "cog_commune", "sise_diplome", "section_cnu", "cpv", "corps", "bap"} <= used
    assert used <= set(REFERENCES)


@pytest.mark.parametrize("ref_id", sorted(REFERENCES))
def test_every_reference_expands_to_well_formed_uris(ref_id: str) -> None:
    ref = REFERENCES[ref_id]
    assert _valid(ref.rdf_type) and _valid(ref.page), ref_id
    if ref.uri_template is not None:
        assert ref.uri_template.count(PLACEHOLDER) == 1
        uri = ref.uri(ref.example)
        assert uri is not None and _valid(uri), uri
    if not ref.verified or ref.uri_template is None:
        assert ref.note, f"{ref_id}: say why the form is not verified, or why there is no URI per code"


def test_the_references_of_the_establishment_and_the_registers_have_a_uri_per_code() -> None:
    for ref_id in ("uai", "siren", "siret", "paysage", "ror", "wikidata", "cog_commune", "cpv"):
        assert REFERENCES[ref_id].uri_template, ref_id
    assert [r for r, ref in REFERENCES.items() if ref.same_as] == ["ror", "wikidata", "paysage"]


@pytest.mark.parametrize(("column", "reference", "message"), [
    ("uai", "uia", r"structures\.uai: reference 'uia' is unknown.*rule: linked code"),
    ("latitude", "cog_commune", r"structures\.latitude: .*type string.*rule: linked code"),
])
def test_the_loader_refuses_an_unknown_reference_or_one_on_a_column_that_is_not_text(
        tmp_path: Path, column: str, reference: str, message: str) -> None:
    raw = yaml.safe_load((POLICY_DIR / "structures.yaml").read_text(encoding="utf-8"))
    next(c for c in raw["columns"] if c["name"] == column)["reference"] = reference
    path = tmp_path / "structures.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    with pytest.raises(PolicyError, match=message):
        load_policy(path, check_review=False)


@pytest.mark.parametrize("dataset", sorted(CATALOGUE))
def test_the_table_schema_carries_the_reference(dataset: str) -> None:
    policy = CATALOGUE[dataset]
    fields = {f["name"]: f for f in table_schema(policy)["fields"]}
    for column in policy.columns:
        field = fields[column.name]
        if column.reference in (None, LOCAL):
            assert "rdfType" not in field, column.name
            continue
        ref = REFERENCES[column.reference]
        assert field["rdfType"] == ref.rdf_type
        assert ref.label in field["description"] and "\n" not in field["description"]
        assert (f"URI : {ref.uri_template}" if ref.uri_template else ref.page) in field["description"]


# -- a real run -------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def store(clean_demo: DemoRun) -> Path:
    assert clean_demo.done.returncode == 0, clean_demo.done.stdout[-3000:] + clean_demo.done.stderr[-3000:]
    return clean_demo.demo / "store"


def test_the_published_table_schemas_carry_rdf_types(store: Path) -> None:
    checked = set()
    for path in sorted(store.glob("*/latest/datapackage.json")):
        dataset = path.parent.parent.name
        if dataset not in CATALOGUE:
            continue
        package = json.loads(path.read_text(encoding="utf-8"))
        schema = next(r["schema"] for r in package["resources"] if r.get("type") == "table")
        fields = {f["name"]: f for f in schema["fields"]}
        for column in CATALOGUE[dataset].columns:
            if column.reference not in (None, LOCAL):
                assert fields[column.name]["rdfType"] == REFERENCES[column.reference].rdf_type, (dataset, column.name)
        checked.add(dataset)
    assert {"effectifs_etudiants", "effectifs_personnels", "structures", "subventions", "marches_publics",
            "hautes_remunerations"} <= checked


def test_the_catalogue_links_the_institution_to_its_national_identifiers(store: Path) -> None:
    graph = Graph().parse(store / "catalog.jsonld", format="json-ld")
    publisher = graph.value(graph.value(predicate=RDF.type, object=DCAT.Catalog), DCT.publisher)
    institution = load_institution("demo")
    ids = {"uai": institution.uai, "siret": institution.siret, **institution.identifiers}
    same_as, pages = set(graph.objects(publisher, OWL.sameAs)), set(graph.objects(publisher, FOAF.page))
    for kind in ("ror", "wikidata", "paysage"):
        assert URIRef(REFERENCES[kind].uri(ids[kind])) in same_as, kind
    for kind in ("siren", "siret", "uai"):
        assert URIRef(REFERENCES[kind].uri(ids[kind])) in pages, kind
    assert all(_valid(str(u)) for u in same_as | pages)
    assert "eter" in ids and not any(ids["eter"] in str(u) for u in same_as | pages)  # no address: none invented


def test_without_the_references_file_the_loader_says_where_it_looked(tmp_path: Path, monkeypatch) -> None:
    shutil.copytree(Path(POLICY_DIR).parents[1] / "config" / "institutions", tmp_path / "institutions")
    monkeypatch.setenv("OPENDATA_CONFIG_DIR", str(tmp_path))
    with pytest.raises(ReferencesError, match="references.yaml does not exist"):
        references()
