"""The metadata published with every version, generated from the dataset's policy: one description, many views.

- ``table_schema``: the Frictionless Table Schema of the CSV (types, descriptions,
  constraints, missing-value markers), or the national schema where one exists
  (SCDL subventions 2.1.1: its names and formats win over ours);
- ``datapackage``: ``datapackage.json`` (Frictionless Data Package): licence
  Licence Ouverte 2.0, producer (with its national identifiers) and contact, sources, temporal and spatial
  coverage, update frequency, legal basis, anonymisation summary with the
  policy hash, what changed in the policy since the previous version (when
  it did: columns added, removed, renamed, both hashes), and every file with its size and SHA-256 (generic
  ``data-package`` profile: the CSV is the one ``table`` resource, the other
  files are ``file`` resources, so that Frictionless validates the package);
- ``readme``: ``README.md`` in plain French for the people who reuse the data.

Everything carries what data.gouv.fr's ten metadata criteria ask for
(legal-and-standards §5): a description over 100 characters, an open licence,
a frequency, temporal and spatial coverage, open formats, a documentation
resource.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from anonymisation.policy import Column, Policy
from resources.common.references import LOCAL, page, reference, same_as_kinds
from resources.common.vocabulary import WITHHELD
from resources.publishing.national import national_table_schema

LICENCE = {"name": "etalab-2.0", "path": "https://www.etalab.gouv.fr/licence-ouverte-open-licence/",
           "title": "Licence Ouverte / Open Licence version 2.0"}
# Policy types -> Table Schema types; a year is an integer (Etalab: no "year" type in CSV tools).
FIELD_TYPES = {"string": "string", "integer": "integer", "year": "integer", "number": "number", "date": "date",
               "boolean": "boolean"}
MEDIA = {"csv": "text/csv", "parquet": "application/vnd.apache.parquet", "json": "application/json",
         "geojson": "application/geo+json",
         "md": "text/markdown"}
SYSTEM_NAMES = {"hr": "système d'information des ressources humaines",
                "finance": "système d'information financier et comptable",
                "students": "système d'information de la scolarité"}


@dataclass(frozen=True)
class Producer:
    """The institution as the metadata name it (from its configuration file)."""

    name: str
    siret: str
    uai: str
    contact: str
    datagouv_organization: str
    public_base_url: str
    spatial_zones: tuple[str, ...] = ()
    spatial_granularity: str = "poi"
    # paysage, ror, wikidata, eter... as the institution file gives them (Institution.identifiers)
    identifiers: Mapping[str, str] = field(default_factory=dict, hash=False)

    def establishment_ids(self) -> dict[str, str]:
        """Every identifier of the establishment, the registers' ones (UAI, SIRET, SIREN) always."""
        return {"uai": self.uai, "siret": self.siret, "siren": self.siret[:9],
                **{k: v for k, v in self.identifiers.items() if v}}

    def establishment_pages(self) -> dict[str, str]:
        """The web page of each identifier that has one (ROR, Wikidata, Paysage)."""
        ids = self.establishment_ids()
        return {kind: page(kind, ids[kind]) for kind in same_as_kinds() if kind in ids}


@dataclass(frozen=True)
class VersionInfo:
    """What is known of the version being written."""

    day: dt.date
    created: dt.datetime
    rows: int
    years: tuple[int, ...]  # years the rows are about (empty: a snapshot of the day)
    previous_versions: tuple[str, ...] = ()
    anonymisation: dict = field(default_factory=dict)  # counts from the anonymisation report
    academic: bool = False  # the years are academic years (September to August)
    change: dict | None = None  # how the policy differs from the previous version's (evolution.PolicyChange)
    changelog: tuple[dict, ...] = ()  # every version's changelog entry, this one's last (publishing.changelog)


def _field(column: Column) -> dict:
    spec: dict = {"name": column.name, "type": FIELD_TYPES[column.type], "description": column.description}
    constraints: dict = {}
    if column.required:
        constraints["required"] = True
    if column.values:
        constraints["enum"] = list(column.values)
    if column.type == "year":
        constraints["minimum"] = 1900
    if column.treatment == "count":
        constraints["minimum"] = 0
    if column.type == "date":
        spec["format"] = "%Y-%m-%d"
    if constraints:
        spec["constraints"] = constraints
    return _linked(spec, column)


def _linked(spec: dict, column: Column) -> dict:
    """The field with its national reference: ``rdfType``, and the URI of each code in its description.

    Tim Berners-Lee's fifth star (legal-and-standards section 5): a reuser joins
    our codes to the national data through them. A reference without an
    address per code names its list instead.
    """
    if column.reference is None or column.reference == LOCAL:
        return spec
    ref = reference(column.reference)
    where = f"URI : {ref.uri_template}" if ref.uri_template else f"sans URI par code, liste : {ref.page}"
    # One line with the text before it: the README shows the description in a Markdown table cell.
    text = f"{spec.get('description', '')} Référentiel : {ref.label} ; {where}".strip()
    return {**spec, "rdfType": ref.rdf_type, "description": text}


def table_schema(policy: Policy) -> dict:
    """The Table Schema of the dataset's CSV: the national one where it exists, else generated from the policy."""
    national = national_table_schema(policy.national_schema) if policy.national_schema else None
    if national is not None and "fields" in national:
        # The national names and formats stay; our code columns only add their reference.
        columns = {c.name: c for c in policy.columns}
        national["fields"] = [_linked(f, columns[f["name"]]) if f["name"] in columns else f
                              for f in national["fields"]]
        return national
    schema: dict = {"fields": [_field(c) for c in policy.columns], "missingValues": [""]}
    status = next((c for c in policy.columns if c.treatment == "status"), None)
    if status is not None:
        # Withheld cells are empty, never 0, and their status column says why (CRPA L312-1-2).
        schema["description"] = (f"Une cellule vide d'une colonne de mesure est couverte par le secret statistique "
                                 f"lorsque {status.name} vaut {WITHHELD}.")
    return schema


def coverage(info: VersionInfo) -> dict[str, str]:
    """Temporal coverage: from the first to the last year covered, ending no later than the version's day.

    An academic year Y runs from 1 September Y to 31 August Y+1 (the "rentrée"
    convention of SISE); calendar and fiscal years from 1 January to 31 December.
    The year under way is covered up to the day of the version: the data say
    nothing yet of the months to come.
    """
    if not info.years:
        return {"start": info.day.isoformat(), "end": info.day.isoformat()}
    if info.academic:
        start, end = dt.date(min(info.years), 9, 1), dt.date(max(info.years) + 1, 8, 31)
    else:
        start, end = dt.date(min(info.years), 1, 1), dt.date(max(info.years), 12, 31)
    return {"start": start.isoformat(), "end": min(end, info.day).isoformat()}


def _sources(policy: Policy) -> list[dict]:
    return [{"title": f"{SYSTEM_NAMES.get(i.split('.')[0], i.split('.')[0])}: table {i.split('.')[1]}"}
            for i in policy.inputs]


def file_entry(path: Path, digest: str, *, name: str, title: str, description: str, schema: dict | None = None,
               documentation: bool = False) -> dict:
    """A resource of the data package: where the file is, its size and checksum."""
    kind = path.suffix.lstrip(".")
    entry = {"name": name, "path": path.name, "title": title, "description": description, "format": kind,
             "mediatype": MEDIA.get(kind, "application/octet-stream"), "bytes": path.stat().st_size,
             "hash": f"sha256:{digest}"}
    if kind in ("csv", "json", "geojson", "md"):
        entry["encoding"] = "utf-8"
    # Only the CSV is a table: Frictionless validates it against its schema, and every other file
    # (Parquet, DECP JSON, README) by its size and checksum alone (Data Package v2 "type", v1 "profile").
    entry["type"] = "file"
    if schema is not None:
        entry["type"] = "table"
        entry["profile"] = "tabular-data-resource"
        entry["schema"] = schema
    if documentation:
        entry["x_type"] = "documentation"
    return entry


def datapackage(policy: Policy, producer: Producer, info: VersionInfo, resources: list[dict]) -> dict:
    """The ``datapackage.json`` of one version."""
    base = producer.public_base_url
    versions = sorted({*info.previous_versions, info.day.isoformat()})
    return {
        # Not "tabular-data-package": that profile requires every file to be a table, ours are not.
        "profile": "data-package",
        "name": policy.dataset,
        "id": f"{base}{policy.dataset}/latest/datapackage.json",
        "title": policy.title,
        "description": policy.description,
        "version": info.day.isoformat(),
        "created": info.created.isoformat(timespec="seconds"),
        "homepage": f"{base}{policy.dataset}/latest/",
        "keywords": keywords(policy),
        "licenses": [LICENCE],
        "sources": _sources(policy),
        "contributors": [{"title": producer.name, "role": "publisher", "email": producer.contact,
                          **({"path": ror} if (ror := producer.establishment_pages().get("ror")) else {})}],
        "x_opendata": {
            "producer": {"name": producer.name, "siret": producer.siret, "uai": producer.uai, "contact": producer.contact,
                         "datagouv_organization": producer.datagouv_organization,
                         "identifiers": producer.establishment_ids(), "pages": producer.establishment_pages()},
            "frequency": policy.frequency,
            "temporal_coverage": coverage(info),
            "spatial": {"zones": list(producer.spatial_zones), "granularity": producer.spatial_granularity},
            "legal_basis": policy.legal_basis,
            "anonymisation": {"policy_hash": policy.hash, "reviewer": policy.reviewer, "reviewed_on": policy.reviewed_on,
                              **info.anonymisation},
            "nominative": policy.nominative,
            "noindex": policy.nominative,
            "rows": info.rows,
            "last_checked": info.day.isoformat(),
            "national_schema": policy.national_schema,
            "versions": versions,
            **({"policy_change": info.change} if info.change else {}),
            "changelog": list(info.changelog),
        },
        "resources": resources,
    }


def keywords(policy: Policy) -> list[str]:
    words = {"hr": ["personnels", "ressources humaines"], "finance": ["finances", "budget"],
             "students": ["étudiants", "formation"], "reference": ["référentiel", "structures"]}
    return ["enseignement supérieur", "université", *words.get(policy.domain, [])]
