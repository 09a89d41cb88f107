"""The DCAT-AP catalogue of the output store, for data.gouv.fr's DCAT harvester and any European portal.

``build_catalogue`` reads ``<store>/<dataset>/latest/datapackage.json`` and the
dated ``<store>/<dataset>/<YYYY-MM-DD>/datapackage.json``; ``write_catalogue``
writes ``<store>/catalog.ttl`` and ``<store>/catalog.jsonld``.

Choices, and why:

- **Versions.** DCAT 3 / DCAT-AP 3 describe a version as a resource of its own,
  with ``dcat:version``, ``dct:issued``, ``dct:isVersionOf``,
  ``dcat:previousVersion`` and its own distributions (its dated folder). But
  udata's harvester makes a data.gouv.fr dataset of *every* node typed
  ``dcat:Dataset`` (``udata/harvest/backends/dcat.py``): typed so, each
  version would become a duplicate dataset. A version is therefore typed
  ``dcat:Resource`` and linked by ``dct:hasVersion`` only: DCAT-AP 3's shapes
  require the target of ``dcat:hasVersion`` to be a ``dcat:Dataset``, which
  udata would harvest (``docs/publication.md``, "DCAT-AP and udata").
  The dataset's own distributions are the files of ``latest/``, so
  data.gouv.fr lists the current files, not an ever-growing list.
- **Nominative datasets** (CRPA D312-1-3: directory, promotion tables,
  laureates) are left out unless ``include_nominative``: the CNIL asked that
  nominative files not be indexed by external search engines, and this
  catalogue is an index, harvested by data.gouv.fr and on by data.europa.eu.
  Their files stay online at their address.
- **What udata reads back** (``udata/core/dataset/rdf.py``, ``udata/rdf.py``):
  EU frequency and file-type URIs, IANA media types under
  ``https://www.iana.org/assignments/media-types/``, the licence by its URL
  (no ``rdfs:label`` on it: udata would read the label instead), national
  schemas by their schema.data.gouv.fr URL (``dct:conformsTo`` on the dataset
  and on the file that follows the schema). The period of time is a blank
  node: udata dereferences a temporal coverage given as a URI. Checksums are
  plain literals: an ``xsd:hexBinary`` value reaches udata as raw bytes and
  fails its validation, so every dataset would be refused (the one triple
  where udata and DCAT-AP's shapes disagree, and udata wins). The spatial
  coverage is a ``dct:Location`` with a WKT ``dcat:bbox``, the rectangle
  around the institution's sites (``structures``, latitude and longitude):
  udata reads a geometry, never a zone identifier alone; the data.gouv.fr
  zone stays beside it as a second ``dct:spatial``. Vocabulary terms carry
  the class DCAT-AP's SHACL shapes check (``dct:RightsStatement``,
  ``skos:Concept``, ``spdx:ChecksumAlgorithm``, ``foaf:Document``...). The
  README is declared TXT (plain text, in the EU file-type table), its media
  type ``text/markdown``.
- **The publisher is the establishment of the ministry's files.** Beside its
  SIRET (``dct:identifier``), each of its identifiers (UAI, SIREN, Paysage,
  ROR, Wikidata, ETER) is an ``adms:Identifier`` whose ``skos:notation`` is
  the code and ``adms:schemaAgency`` the register; the ROR, Wikidata and
  Paysage addresses are ``owl:sameAs`` links, and the registers' pages about
  the institution (SIRENE's record of its SIREN and SIRET, its UAI in the
  ministry's file) are ``foaf:page`` links: a reuser or a linked-data client
  joins our files to the national ones through them. Every address comes
  from ``config/nomenclatures/references.yaml``, the one list of the
  national references (an identifier without an address there gets none).
- **What changed.** Each dataset and each version carries ``adms:versionNotes``,
  one sentence on what it changed against the version before; the whole
  history is ``CHANGELOG.md``, a distribution of its own (udata's harvester
  reads no version notes, but lists that file beside the data).
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS as DCT
from rdflib.namespace import FOAF, OWL, RDF, SKOS, XSD
from rdflib.term import Node

from resources.common.errors import OpenDataError
from resources.common.files import write_text_atomic
from resources.common.references import references
from resources.common.vocabulary import NATIONAL_SCHEMAS, NationalSchema
from resources.publishing.changelog_text import note

# Plain namespaces: rdflib's closed DCAT namespace predates DCAT 3's version terms.
DCAT = Namespace("http://www.w3.org/ns/dcat#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
ADMS = Namespace("http://www.w3.org/ns/adms#")
EU = "http://publications.europa.eu/resource/authority/"
FREQUENCY, FILE_TYPE = Namespace(f"{EU}frequency/"), Namespace(f"{EU}file-type/")
LANGUAGE, ACCESS_RIGHT = Namespace(f"{EU}language/"), Namespace(f"{EU}access-right/")
IANA = "https://www.iana.org/assignments/media-types/"
LICENCE = URIRef("https://www.etalab.gouv.fr/licence-ouverte-open-licence/")
UNIVERSITY = URIRef("http://purl.org/adms/publishertype/Academia-ScientificOrganisation")
ZONE_API = "https://www.data.gouv.fr/api/1/spatial/zone/"
GEOSPARQL = Namespace("http://www.opengis.net/ont/geosparql#")
PREFIXES = {"dcat": DCAT, "dct": DCT, "foaf": FOAF, "owl": OWL, "spdx": SPDX, "vcard": VCARD, "xsd": XSD,
            "skos": SKOS, "geo": GEOSPARQL, "adms": ADMS}
# The register that issues each identifier of the publisher (adms:schemaAgency).
AGENCIES = {"uai": "Ministère de l'Éducation nationale (RAMSESE, UAI)", "siret": "INSEE (SIRENE, SIRET)",
            "siren": "INSEE (SIRENE, SIREN)", "paysage": "Ministère de l'Enseignement supérieur (Paysage)",
            "ror": "Research Organization Registry (ROR)", "wikidata": "Wikidata",
            "eter": "European Tertiary Education Register (ETER)"}
# The institution's sites: the referential dataset, its coordinate columns (WGS 84 decimal degrees).
SITES, LATITUDE, LONGITUDE = "structures", "latitude", "longitude"
# Half a kilometre around the outermost sites, so that one site alone still makes a rectangle, not a point.
MARGIN = 0.005
TURTLE, JSONLD = "catalog.ttl", "catalog.jsonld"
METADATA, LATEST = "datapackage.json", "latest"
DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")

# udata frequency ids (udata.core.dataset.constants.UpdateFrequency) -> EU frequency codes.
_SAME = ("hourly bihourly trihourly daily weekly biweekly monthly bimonthly quarterly annual biennial triennial "
         "quadrennial quinquennial decennial bidecennial tridecennial never other unknown")
FREQUENCIES: dict[str, str] = {
    **{f: f.upper() for f in _SAME.split()},
    "continuous": "UPDATE_CONT", "oneMinute": "1MIN", "fiveMinutes": "5MIN", "tenMinutes": "10MIN",
    "fifteenMinutes": "15MIN", "thirtyMinutes": "30MIN", "twelveHours": "12HRS", "severalTimesADay": "CONT",
    "threeTimesADay": "DAILY_3", "semidaily": "DAILY_2", "fiveTimesAWeek": "WEEKLY_5",
    "threeTimesAWeek": "WEEKLY_3", "semiweekly": "WEEKLY_2", "threeTimesAMonth": "MONTHLY_3",
    "semimonthly": "MONTHLY_2", "threeTimesAYear": "ANNUAL_3", "semiannual": "ANNUAL_2",
    "punctual": "AS_NEEDED", "irregular": "IRREG", "notPlanned": "NOT_PLANNED",
}
FORMATS = {"csv": "CSV", "parquet": "PARQUET", "json": "JSON", "geojson": "GEOJSON", "md": "TXT"}
LANGUAGES = {"fr": "FRA", "en": "ENG"}
# A Frictionless hash without a prefix is MD5 (Data Package specification).
CHECKSUMS = {"sha256": "checksumAlgorithm_sha256", "sha1": "checksumAlgorithm_sha1", "md5": "checksumAlgorithm_md5"}


class CatalogueError(OpenDataError):
    """A datapackage.json cannot be described in DCAT-AP; the message names the dataset and the rule."""


@dataclass(frozen=True)
class CatalogueOwner:
    """The institution that publishes the catalogue (from its configuration file)."""

    name: str
    siret: str
    contact_email: str
    public_base_url: str  # ends with "/": every URL of the store is this plus a relative path
    homepage: str | None = None
    language: str = "fr"
    identifiers: Mapping[str, str] = field(default_factory=dict, hash=False)  # uai, siren, paysage, ror, wikidata...

    def __post_init__(self) -> None:
        if not self.public_base_url.endswith("/"):
            raise CatalogueError(f"public_base_url must end with '/' (got {self.public_base_url!r})")
        if self.language not in LANGUAGES:
            raise CatalogueError(f"language must be one of {', '.join(LANGUAGES)} (got {self.language!r})")


def build_catalogue(store: Path, institution: CatalogueOwner, *, include_nominative: bool = False) -> Graph:
    """The catalogue graph of every dataset online in ``store`` (nominative ones only on request)."""
    if not store.is_dir():
        raise CatalogueError(f"output store {store} is not a folder; rule: the catalogue describes the store")
    graph = Graph(bind_namespaces="core")
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace)
    owner, base, lang = institution, institution.public_base_url, institution.language
    catalogue = URIRef(f"{base}catalog")
    publisher = _publisher(graph, owner)
    description = (f"Catalogue des jeux de données publiés en données ouvertes par {owner.name} "
                   f"(SIRET {owner.siret}), sous Licence Ouverte 2.0 : fichiers CSV et Parquet, "
                   "documentation et versions datées.")
    _add(graph, catalogue, [
        (RDF.type, DCAT.Catalog), (DCT.title, Literal(f"Catalogue des données ouvertes : {owner.name}", lang=lang)),
        (DCT.description, Literal(description, lang=lang)), (DCT.publisher, publisher),
        (DCT.language, _typed(graph, LANGUAGE[LANGUAGES[lang]], DCT.LinguisticSystem)),
        (DCT.license, _licence(graph)),
        (FOAF.homepage, _typed(graph, URIRef(owner.homepage or base), FOAF.Document)),
    ])
    sites = _sites(graph, store, owner)
    modified: list[dt.datetime] = []
    for name, package in latest_packages(store).items():
        if is_nominative(package) and not include_nominative:
            continue
        node, changed = _dataset(graph, store / name, package, owner, publisher, sites)
        graph.add((catalogue, DCAT.dataset, node))
        modified.append(changed)
    if modified:
        graph.add((catalogue, DCT.modified, Literal(max(modified))))
    return graph


def write_catalogue(graph: Graph, store: Path) -> tuple[Path, Path]:
    """Write ``catalog.ttl`` and ``catalog.jsonld`` into ``store``, each atomically; returns their paths."""
    context = {prefix: str(namespace) for prefix, namespace in PREFIXES.items()}
    # A harvester fetching during the nightly run gets the old file or the new one, never half of one;
    # both are served over HTTP: readable by the web server, like every file of the store.
    turtle = write_text_atomic(store / TURTLE, graph.serialize(format="turtle"), mode=0o644)
    jsonld = write_text_atomic(store / JSONLD, graph.serialize(format="json-ld", context=context, indent=1), mode=0o644)
    return turtle, jsonld


def _read(path: Path) -> dict[str, Any]:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise CatalogueError(f"{path.parent.parent.name}: unreadable {path.parent.name}/{METADATA} "
                             f"({type(exc).__name__}); rule: every version folder carries its data package") from None


def latest_packages(store: Path) -> dict[str, dict[str, Any]]:
    """The data package of each dataset's ``latest/`` in ``store``, by dataset name, in name order."""
    return {folder.name: _read(folder / LATEST / METADATA)
            for folder in sorted(p for p in store.iterdir() if p.is_dir() and not p.name.startswith("."))
            if (folder / LATEST / METADATA).is_file()}


def is_nominative(package: dict[str, Any]) -> bool:
    """A dataset that names persons (published under an exception): kept out of search engines and the catalogue."""
    extra = package.get("x_opendata") or {}
    return bool(extra.get("nominative") or extra.get("noindex"))


def _moment(package: dict[str, Any]) -> dt.datetime:
    """When a version was published: its ``created`` time, else midnight UTC of its day."""
    created = package.get("created")
    moment = dt.datetime.fromisoformat(created) if created else dt.datetime.fromisoformat(package["version"])
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def _versions(folder: Path) -> dict[str, dict[str, Any]]:
    """The dated versions online, oldest first: day -> data package."""
    days = sorted(p.name for p in folder.iterdir() if p.is_dir() and DAY.match(p.name) and (p / METADATA).is_file())
    return {day: _read(folder / day / METADATA) for day in days}


def _add(graph: Graph, node: URIRef | BNode, pairs: list[tuple[URIRef, Node]]) -> None:
    for predicate, value in pairs:
        graph.add((node, predicate, value))


def _typed(graph: Graph, node: URIRef, cls: URIRef) -> URIRef:
    """A vocabulary term with its DCAT-AP class, which SHACL range checks look for."""
    graph.add((node, RDF.type, cls))
    return node


def _dataset(graph: Graph, folder: Path, package: dict[str, Any], owner: CatalogueOwner,
             publisher: URIRef, sites: URIRef | None) -> tuple[URIRef, dt.datetime]:
    """One dataset as it is today (the files of ``latest/``), with its dated versions; returns it and its date."""
    name, base, lang, extra = folder.name, owner.public_base_url, owner.language, package.get("x_opendata") or {}
    node, latest = URIRef(f"{base}{name}/"), f"{base}{name}/{LATEST}/"
    versions = _versions(folder)
    modified = _moment(package)
    # The first version ever published, even if retention has since removed its folder.
    first = min({*(extra.get("versions") or []), *versions, package["version"]})
    _add(graph, node, [
        (RDF.type, DCAT.Dataset),
        (DCT.identifier, Literal(str(node))),  # udata's key for the harvested dataset: stable across runs
        (DCT.title, Literal(package["title"], lang=lang)),
        (DCT.description, Literal(package["description"], lang=lang)),
        (DCT.publisher, publisher), (DCAT.contactPoint, _contact(graph, name, package, owner)),
        *((DCAT.keyword, Literal(k, lang=lang)) for k in package.get("keywords") or []),
        (DCAT.landingPage, _typed(graph, URIRef(package.get("homepage") or latest), FOAF.Document)),
        (DCT.license, _licence(graph)), (DCT.accessRights, _typed(graph, ACCESS_RIGHT.PUBLIC, DCT.RightsStatement)),
        (DCT.language, LANGUAGE[LANGUAGES[lang]]),
        (DCT.issued, Literal(_moment(versions.get(first) or {"version": first}))),
        (DCT.modified, Literal(modified)),
        (DCAT.version, Literal(package["version"])), (OWL.versionInfo, Literal(package["version"])),
        (DCT.accrualPeriodicity, _frequency(graph, name, extra.get("frequency") or "unknown")),
    ])
    _version_notes(graph, node, package, lang)
    if coverage := extra.get("temporal_coverage"):
        period = BNode()
        _add(graph, period, [(RDF.type, DCT.PeriodOfTime),
                             (DCAT.startDate, Literal(dt.date.fromisoformat(coverage["start"]))),
                             (DCAT.endDate, Literal(dt.date.fromisoformat(coverage["end"])))])
        graph.add((node, DCT.temporal, period))
    for zone in (extra.get("spatial") or {}).get("zones") or []:
        location = URIRef(f"{ZONE_API}{zone}/")  # data.gouv.fr's own zone ids, and its GeoJSON at that address
        _add(graph, location, [(RDF.type, DCT.Location), (DCT.identifier, Literal(zone))])
        graph.add((node, DCT.spatial, location))
    if sites is not None:
        graph.add((node, DCT.spatial, sites))
    schema = _national(graph, name, extra.get("national_schema"))
    if schema is not None:
        graph.add((node, DCT.conformsTo, URIRef(schema.url)))
    for resource in package.get("resources") or []:
        graph.add((node, DCAT.distribution, _distribution(graph, name, latest, resource, modified, lang, schema)))
        if resource.get("x_type") == "documentation":
            # DCAT-AP "documentation"
            graph.add((node, FOAF.page, _typed(graph, URIRef(latest + resource["path"]), FOAF.Document)))
    previous: URIRef | None = None
    for day, version_package in versions.items():
        version = _version(graph, node, name, day, version_package, owner, schema)
        graph.add((node, DCT.hasVersion, version))
        if previous is not None:
            graph.add((version, DCAT.previousVersion, previous))
        if day == package["version"]:
            graph.add((node, DCAT.hasCurrentVersion, version))
        previous = version
    return node, modified


def _version(graph: Graph, dataset: URIRef, name: str, day: str, package: dict[str, Any], owner: CatalogueOwner,
             schema: NationalSchema | None) -> URIRef:
    """One dated version: typed ``dcat:Resource`` so that udata does not harvest it as a dataset of its own."""
    url = f"{owner.public_base_url}{name}/{day}/"
    node, moment, lang = URIRef(url), _moment(package), owner.language
    _add(graph, node, [
        (RDF.type, DCAT.Resource), (DCT.isVersionOf, dataset),
        (DCT.title, Literal(f"{package['title']} (version du {day})", lang=lang)),
        (DCAT.version, Literal(day)), (OWL.versionInfo, Literal(day)), (DCT.issued, Literal(moment)),
        (DCAT.landingPage, node), (DCT.license, _licence(graph)),
        *((DCAT.distribution, _distribution(graph, name, url, r, moment, lang, schema))
          for r in package.get("resources") or []),
    ])
    _version_notes(graph, node, package, lang)
    return node


def _version_notes(graph: Graph, node: URIRef, package: dict[str, Any], lang: str) -> None:
    """What the version changed against the one before (``adms:versionNotes``; the whole history is CHANGELOG.md)."""
    entries = (package.get("x_opendata") or {}).get("changelog") or []
    if entries:
        graph.add((node, ADMS.versionNotes, Literal(note(entries[-1]), lang=lang)))


def _distribution(graph: Graph, dataset: str, folder_url: str, resource: dict[str, Any], modified: dt.datetime,
                  lang: str, schema: NationalSchema | None) -> URIRef:
    """One file of a version folder: where to get it, what it is, and its checksum."""
    kind = resource.get("format", "")
    if kind not in FORMATS:
        raise CatalogueError(f"{dataset}: file {resource.get('path')} has format {kind!r}, which has no EU "
                             f"file-type here (known: {', '.join(FORMATS)}); rule: every distribution has a dct:format")
    node, url = URIRef(f"{folder_url}#{resource['name']}"), URIRef(folder_url + resource["path"])
    _add(graph, node, [
        (RDF.type, DCAT.Distribution), (DCAT.accessURL, url), (DCAT.downloadURL, url),
        (DCT.title, Literal(resource.get("title") or resource["path"], lang=lang)),
        (DCT.format, _typed(graph, FILE_TYPE[FORMATS[kind]], DCT.MediaTypeOrExtent)),
        (DCT.license, _licence(graph)), (DCT.modified, Literal(modified)),
    ])
    if resource.get("description"):
        graph.add((node, DCT.description, Literal(resource["description"], lang=lang)))
    if resource.get("mediatype"):
        graph.add((node, DCAT.mediaType, _typed(graph, URIRef(IANA + resource["mediatype"]), DCT.MediaType)))
    if resource.get("bytes") is not None:
        graph.add((node, DCAT.byteSize, Literal(int(resource["bytes"]), datatype=XSD.nonNegativeInteger)))
    if resource.get("hash"):
        graph.add((node, SPDX.checksum, _checksum(graph, dataset, resource)))
    if schema is not None and schema.format == kind:
        graph.add((node, DCT.conformsTo, URIRef(schema.url)))
    return node


def _checksum(graph: Graph, dataset: str, resource: dict[str, Any]) -> BNode:
    algorithm, _, value = resource["hash"].rpartition(":")
    algorithm = algorithm or "md5"
    if algorithm not in CHECKSUMS:
        raise CatalogueError(f"{dataset}: file {resource['path']} has a hash in an algorithm SPDX does not name")
    node = BNode()
    # A plain literal, not xsd:hexBinary: rdflib, hence udata, would read a hexBinary value as raw bytes.
    _add(graph, node, [(RDF.type, SPDX.Checksum),
                       (SPDX.algorithm, _typed(graph, SPDX[CHECKSUMS[algorithm]], SPDX.ChecksumAlgorithm)),
                       (SPDX.checksumValue, Literal(value))])
    return node


def _publisher(graph: Graph, owner: CatalogueOwner) -> URIRef:
    node = URIRef(f"{owner.public_base_url}#publisher")
    graph.add((node, RDF.type, FOAF.Agent))
    graph.add((node, FOAF.name, Literal(owner.name)))
    graph.add((node, DCT.identifier, Literal(owner.siret)))  # SIRET: the national register's id of the institution
    graph.add((node, DCT.type, _typed(graph, UNIVERSITY, SKOS.Concept)))
    # ADMS publisher-type vocabulary's own label: a skos:Concept needs one for DCAT-AP's shapes.
    graph.add((UNIVERSITY, SKOS.prefLabel, Literal("Academia/Scientific organisation", lang="en")))
    ids = {"siret": owner.siret, **{k: v for k, v in owner.identifiers.items() if v}}
    for kind, value in ids.items():
        identifier = URIRef(f"{owner.public_base_url}#publisher-{kind}")
        _add(graph, identifier, [(RDF.type, ADMS.Identifier), (SKOS.notation, Literal(value)),
                                 (ADMS.schemaAgency, Literal(AGENCIES.get(kind, kind)))])
        graph.add((node, ADMS.identifier, identifier))
    known = references()
    for kind, value in ids.items():
        ref = known.get(kind)
        address = ref.uri(value) if ref is not None else None
        if address is None:
            continue  # a register without an address per code: its identifier alone, nothing invented
        if ref.same_as:
            graph.add((node, OWL.sameAs, URIRef(address)))
        else:
            # A page about the institution (its SIRENE record, its UAI in the national file), not the institution.
            graph.add((node, FOAF.page, _typed(graph, URIRef(address), FOAF.Document)))
    return node


def _sites(graph: Graph, store: Path, owner: CatalogueOwner) -> URIRef | None:
    """The rectangle around the institution's sites, from the referential online, as udata and DCAT read it.

    None when the referential is not online or gives no coordinates: the zone alone is then the coverage.
    """
    path = store / SITES / LATEST / f"{SITES}.csv"
    if not path.is_file():
        return None
    points: list[tuple[float, float]] = []
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            try:
                points.append((float(row[LONGITUDE]), float(row[LATITUDE])))
            except (KeyError, TypeError, ValueError):
                continue  # a structure without a site of its own (a department, a service) has no coordinates
    if not points:
        return None
    west, east = min(p[0] for p in points) - MARGIN, max(p[0] for p in points) + MARGIN
    south, north = min(p[1] for p in points) - MARGIN, max(p[1] for p in points) + MARGIN
    ring = ", ".join(f"{x:.6f} {y:.6f}" for x, y in
                     ((west, south), (east, south), (east, north), (west, north), (west, south)))
    node = URIRef(f"{owner.public_base_url}{SITES}/#sites")
    _add(graph, node, [
        (RDF.type, DCT.Location),
        (DCT.title, Literal(f"Sites de {owner.name}", lang=owner.language)),
        (DCAT.bbox, Literal(f"POLYGON(({ring}))", datatype=GEOSPARQL.wktLiteral)),
    ])
    return node


def _contact(graph: Graph, dataset: str, package: dict[str, Any], owner: CatalogueOwner) -> URIRef:
    publisher = next((c for c in package.get("contributors") or [] if c.get("role") == "publisher"), {})
    email = publisher.get("email") or owner.contact_email
    node = URIRef(f"{owner.public_base_url}{dataset}/#contact")
    graph.add((node, RDF.type, VCARD.Kind))
    graph.add((node, VCARD.fn, Literal(publisher.get("title") or owner.name)))
    graph.add((node, VCARD.hasEmail, URIRef(f"mailto:{email}")))
    return node


def _licence(graph: Graph) -> URIRef:
    graph.add((LICENCE, RDF.type, DCT.LicenseDocument))
    graph.add((LICENCE, DCT.title, Literal("Licence Ouverte / Open Licence version 2.0", lang="fr")))
    return LICENCE


def _frequency(graph: Graph, dataset: str, frequency: str) -> URIRef:
    if frequency not in FREQUENCIES:
        raise CatalogueError(f"{dataset}: frequency {frequency!r} is not a udata frequency id; "
                             "rule: dct:accrualPeriodicity comes from the EU frequency table")
    return _typed(graph, FREQUENCY[FREQUENCIES[frequency]], DCT.Frequency)


def _national(graph: Graph, dataset: str, name: str | None) -> NationalSchema | None:
    if not name:
        return None
    if name not in NATIONAL_SCHEMAS:
        raise CatalogueError(f"{dataset}: national schema {name!r} has no schema.data.gouv.fr URL here "
                             f"(known: {', '.join(NATIONAL_SCHEMAS)})")
    schema = NATIONAL_SCHEMAS[name]
    graph.add((URIRef(schema.url), RDF.type, DCT.Standard))
    graph.add((URIRef(schema.url), DCT.title, Literal(schema.title, lang="fr")))
    return schema
