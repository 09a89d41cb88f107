"""The rows of the register of documents (CRPA L322-6, R322-7), built from the catalogue and the output store.

The builder of the ``repertoire`` kind (``anonymisation/kinds/repertoire.py``):
it reads no source system. Per year and per document:

- from the **catalogue of datasets** (their reviewed policies): title,
  object (the description), legal basis, frequency, domain, and whether the
  dataset names persons (its nature; nothing of its rows is read);
- from the **store**: each dataset's publication days (``x_opendata.versions``
  of ``latest/datapackage.json`` and the dated folders), its formats and
  the address of ``latest/``; the DCAT catalogue's title and description
  (``catalog.ttl``), which is a document of the register too;
- from each dataset's **changelog** (``x_opendata.changelog``, issue 17): the
  object of each update of the year (R322-7), in the words of
  ``CHANGELOG.md``; counts and public keys only, never a row of a person.

Choices, and why:

- **A year's rows are frozen once the year is over.** They are read back from
  the register's previous version (L322-6: a version published each year; a
  title changed in 2027 does not rewrite the 2026 edition), and the creation
  date of a document is the earliest the register ever recorded: the store
  keeps only the latest version of a nominative dataset, and ``store.retention``
  may prune the others, so the store alone would forget a first publication.
- **The register does not list itself**, and the catalogue's dates are those
  of the datasets it describes, this register excepted: the register's own
  version would otherwise change its rows, which would make a new version,
  every night.
- **A dataset of the catalogue never published yet** is listed in the year
  under way, not online, without dates: its policy is reviewed, the
  information is held.
- Only days are written, never times: the same store gives the same rows,
  and the unchanged register makes no new version.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import pandas as pd
from rdflib import Graph
from rdflib.namespace import DCTERMS as DCT
from rdflib.namespace import RDF

from anonymisation.kinds import repertoire as register
from anonymisation.kinds.registry import kind_of
from anonymisation.policy import Policy
from anonymisation.utility import number
from resources.common.errors import OpenDataError
from resources.publishing.catalogue import DCAT, JSONLD, LATEST, METADATA, TURTLE
from resources.publishing.changelog_text import note
from resources.publishing.integrity import CHANGELOG
from resources.publishing.metadata import LICENCE
from resources.publishing.readme import FREQUENCIES

DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# How the register names each domain of the catalogue.
DOMAINS = {"hr": "personnels", "finance": "finances", "students": "étudiants et formations",
           "reference": "référentiel", register.CATALOGUE: "catalogue"}
FORMATS = {"csv": "CSV", "parquet": "Parquet", "json": "JSON", "geojson": "GeoJSON"}
# The catalogue is not a policy's dataset: what the register says of it.
CATALOGUE_FORMATS = "Turtle, JSON-LD"
CATALOGUE_BASIS = ("Catalogue DCAT-AP des jeux de données publiés (CRPA L312-1-1 et L322-6), moissonné par "
                   "data.gouv.fr; les jeux nominatifs n'y figurent pas (délibération CNIL 2018-101).")
CATALOGUE_FREQUENCY = "à chaque publication d'un jeu de données"
CATALOGUE_UPDATES = ("Chaque mise à jour ajoute ou remplace la description d'un jeu publié: son objet est celui de la "
                     "ligne de ce jeu.")
UPDATES_LISTED = 12  # versions of a year described one by one; beyond, the year's sums and CHANGELOG.md


class RegisterError(OpenDataError):
    """The register cannot be built; the message names the dataset, the file or setting, and the rule."""


@dataclass(frozen=True)
class Online:
    """What the store holds of one dataset: its publication days, oldest first, and its latest package."""

    days: tuple[str, ...]
    package: dict[str, Any] | None  # None: not online

    def first(self) -> str | None:
        return self.days[0] if self.days else None

    def by(self, year: int) -> list[str]:
        """The days published on or before 31 December of ``year``."""
        return [d for d in self.days if int(d[:4]) <= year]


def register_frame(policy: Policy, catalogue: Mapping[str, Policy], store: Path, today: dt.date,
                   previous: pd.DataFrame | None = None) -> pd.DataFrame:
    """The builder's frame: one row per document (every other dataset of ``catalogue``, the DCAT catalogue) and year.

    ``previous`` is the register's version online (published column names):
    its rows of the years before ``today``'s are kept as they are.
    """
    documents = [p for p in sorted(catalogue.values(), key=lambda p: p.dataset)
                 if not kind_of(p.kind).reads_catalogue]
    online = {p.dataset: _online(store, p.dataset) for p in documents}
    kept = _kept(policy, previous, today.year)
    created = _created(kept)
    frozen = {int(year) for year in kept.get("annee", [])}
    services = policy.settings["services"]
    catalogue_online = _catalogue_online(store, [online[p.dataset] for p in documents if not p.nominative])
    firsts = [int(d[:4]) for o in online.values() for d in o.days[:1]]
    years = [y for y in range(min([*firsts, today.year]), today.year + 1) if y not in frozen]
    rows: list[dict[str, Any]] = []
    for year in years:
        for document in documents:
            rows += _dataset_rows(policy, document, online[document.dataset], year, today, services, created)
        rows += _catalogue_rows(catalogue_online, year, services, created)
    computed = pd.DataFrame(rows, columns=list(register.FIELDS))
    frame = pd.concat([kept, computed], ignore_index=True) if len(kept) else computed
    frame = frame.sort_values(["annee", "identifiant"], kind="stable").reset_index(drop=True)
    return frame.rename(columns={f: register.source(f) for f in register.FIELDS})


def _online(store: Path, dataset: str) -> Online:
    folder = store / dataset
    if not folder.is_dir():
        return Online((), None)
    path = folder / LATEST / METADATA
    package = _json(dataset, path) if path.is_file() else None
    days = {p.name for p in folder.iterdir() if p.is_dir() and DAY.match(p.name) and (p / METADATA).is_file()}
    if package is not None:
        days |= {*((package.get("x_opendata") or {}).get("versions") or []), package["version"]}
    return Online(tuple(sorted(days)), package)


def _json(dataset: str, path: Path) -> dict[str, Any]:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise RegisterError(f"{dataset}: unreadable {path.parent.name}/{path.name} ({type(exc).__name__}); rule: "
                            "every version folder carries its data package") from None


def _kept(policy: Policy, previous: pd.DataFrame | None, year: int) -> pd.DataFrame:
    """The previous version's rows of the closed years, by field (a field it did not publish stays empty)."""
    names = register.published(policy)
    if previous is None or names["annee"] not in previous.columns:
        return pd.DataFrame(columns=list(register.FIELDS))
    closed = previous[previous[names["annee"]].astype(int) < year]
    return pd.DataFrame({f: closed[names[f]] if names.get(f) in closed.columns else None
                         for f in register.FIELDS}).reset_index(drop=True)


def _created(kept: pd.DataFrame) -> dict[str, str]:
    """The earliest creation day the register recorded for each document."""
    known = kept.dropna(subset=["date_creation"])
    return {str(k): str(v) for k, v in known.groupby("identifiant")["date_creation"].min().items()}


def _day(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


def _service(policy: Policy, services: Mapping[str, str], domain: str, document: str) -> str:
    if domain not in services:
        raise RegisterError(f"{policy.dataset}: dataset {document} is of domain '{domain}', which has no service in "
                            f"the policy's 'repertoire.services' section (rule: the register names the service "
                            "holding each document)")
    return services[domain]


def _dataset_rows(policy: Policy, document: Policy, online: Online, year: int, today: dt.date,
                  services: Mapping[str, str], created: Mapping[str, str]) -> list[dict[str, Any]]:
    """The document's row of ``year``: none before its first publication (a policy never published: this year's)."""
    days = online.by(year)
    if not days and not (year == today.year and not online.days):
        return []
    package = online.package or {}
    of_year = [d for d in days if int(d[:4]) == year]
    first = min(filter(None, (online.first(), created.get(document.dataset))), default=None)
    resources = [r for r in package.get("resources") or [] if r.get("format") in FORMATS]
    licences = package.get("licenses") or [LICENCE]
    return [{
        "annee": year, "identifiant": document.dataset, "titre": document.title, "objet": document.description,
        "nature": register.NOMINATIVE if document.nominative else register.DATASET,
        "domaine": DOMAINS.get(document.domain, document.domain),
        "service_detenteur": _service(policy, services, document.domain, document.dataset),
        "base_legale": document.legal_basis, "conditions_reutilisation": licences[0]["title"],
        "date_creation": _day(first), "date_mise_a_jour": _day(max(days, default=None)),
        "nombre_versions": len(of_year), "objet_mises_a_jour": updates(package, of_year),
        "frequence_mise_a_jour": FREQUENCIES.get(document.frequency, document.frequency),
        "formats": ", ".join(dict.fromkeys(FORMATS[r["format"]] for r in resources)) or None,
        "url": package.get("homepage"), "en_ligne": online.package is not None,
    }]


def updates(package: Mapping[str, Any], days: list[str]) -> str | None:
    """The object of the year's updates (R322-7): what each of its versions changed, from the changelog.

    ``days`` are the year's publication days. A version published before the
    changelog existed (or whose entry the store no longer holds) is said to
    have replaced the whole dataset, which is all that is known of it. Past
    ``UPDATES_LISTED`` versions, the year's sums stand for them, and
    ``CHANGELOG.md`` beside ``latest/`` gives each.
    """
    if not days:
        return None
    entries = [e for e in (package.get("x_opendata") or {}).get("changelog") or [] if e.get("version") in days]
    unknown = len(set(days) - {e["version"] for e in entries})
    older = (f"{unknown} version(s) antérieure(s) au journal des modifications, chacune remplaçant le jeu entier"
             if unknown else "")
    if len(entries) <= UPDATES_LISTED:
        described = [f"{e['version']}: {note(e)}" for e in entries]
        return " | ".join(filter(None, [older, *described]))
    sums = ", ".join(f"{number(sum(_count(e, kind) for e in entries))} ligne(s) {label}"
                     for kind, label in (("added", "ajoutée(s)"), ("removed", "retirée(s)"),
                                         ("changed", "modifiée(s)")))
    return " | ".join(filter(None, [older, f"{len(entries)} versions du {entries[0]['version']} au "
                                           f"{entries[-1]['version']}: {sums} au total; chaque version est "
                                           f"décrite dans {CHANGELOG}, à côté du dossier latest/"]))


def _count(entry: Mapping[str, Any], kind: str) -> int:
    """Rows of ``kind`` in an entry; a first version adds all its rows."""
    if entry.get("previous_version") is None:
        return int(entry.get("rows", 0)) if kind == "added" else 0
    return int(entry.get(kind, 0))


@dataclass(frozen=True)
class CatalogueOnline:
    """The DCAT catalogue as the store holds it: its title, description and address, and the days of its datasets."""

    title: str
    description: str
    url: str
    days: Online


def _catalogue_online(store: Path, described: list[Online]) -> CatalogueOnline | None:
    """The catalogue's own words, read from ``catalog.ttl``; None when it is not online."""
    path = store / TURTLE
    if not path.is_file() or not (store / JSONLD).is_file():
        return None
    graph = Graph()
    try:
        graph.parse(path, format="turtle")
    except Exception as exc:  # rdflib raises many types; the file, not a value, is named
        raise RegisterError(f"catalogue: unreadable {TURTLE} ({type(exc).__name__}); rule: the catalogue "
                            "describes the store") from None
    node = next(graph.subjects(RDF.type, DCAT.Catalog), None)
    if node is None:
        raise RegisterError(f"catalogue: {TURTLE} holds no dcat:Catalog; rule: the catalogue describes the store")
    days = tuple(sorted({d for o in described for d in o.days}))
    return CatalogueOnline(str(graph.value(node, DCT.title)), str(graph.value(node, DCT.description)),
                           urljoin(str(node), TURTLE), Online(days, None))


def _catalogue_rows(catalogue: CatalogueOnline | None, year: int, services: Mapping[str, str],
                    created: Mapping[str, str]) -> list[dict[str, Any]]:
    """The catalogue's row of ``year``, from the first publication of a dataset it describes."""
    if catalogue is None or not catalogue.days.by(year):
        return []
    days = catalogue.days.by(year)
    first = min(filter(None, (catalogue.days.first(), created.get(register.CATALOGUE))))
    return [{
        "annee": year, "identifiant": register.CATALOGUE, "titre": catalogue.title, "objet": catalogue.description,
        "nature": register.CATALOGUE, "domaine": DOMAINS[register.CATALOGUE],
        "service_detenteur": services[register.CATALOGUE], "base_legale": CATALOGUE_BASIS,
        "conditions_reutilisation": LICENCE["title"], "date_creation": _day(first), "date_mise_a_jour": _day(max(days)),
        "nombre_versions": sum(1 for d in days if int(d[:4]) == year), "objet_mises_a_jour": CATALOGUE_UPDATES,
        "frequence_mise_a_jour": CATALOGUE_FREQUENCY,
        "formats": CATALOGUE_FORMATS, "url": catalogue.url, "en_ligne": True,
    }]
