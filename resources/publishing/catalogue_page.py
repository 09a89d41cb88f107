"""The store's ``index.html``: one page, in French, listing every dataset online for the people who reuse them.

For each dataset: its description, the period covered, its last version, what
that version changed (the changelog's last entries and the whole
``CHANGELOG.md``), its files with their format, size and SHA-256 checksum, and
its page on data.gouv.fr when the API channel pushed it there.

Built from what the store holds (``<dataset>/latest/datapackage.json``), like
the DCAT catalogue, and rewritten atomically after each publication. The page
follows the basics of the RGAA (language, title, skip link, one ``h1``,
headings in order, tables with captions and header cells, visible focus,
contrast) and loads nothing: no script at all, its style inline. Nominative
datasets (décret 2018-1117) are listed, but their section is kept out of
search snippets and their links are not followed by search engines; their
folders are served with ``X-Robots-Tag: noindex`` (``docs/publication.md``).
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from resources.common.files import write_text_atomic
from resources.publishing.catalogue import (JSONLD, LATEST, METADATA, TURTLE, CatalogueOwner, is_nominative,
                                            latest_packages)
from resources.publishing.changelog_text import note
from resources.publishing.integrity import CHANGELOG, SUMS

PAGE = "index.html"
NOTES_SHOWN = 3  # the last versions' notes on the page; CHANGELOG.md holds them all
FORMAT_NAMES = {"csv": "CSV", "parquet": "Parquet", "json": "JSON (DECP)", "geojson": "GeoJSON", "md": "Markdown"}
STYLE = """
body{font-family:system-ui,sans-serif;margin:0 auto;max-width:72rem;padding:0 1rem;color:#161616;background:#fff;
line-height:1.5}
a{color:#000091}a:focus,a:hover{outline:3px solid #0a76f6;outline-offset:2px}
.evitement{position:absolute;left:-999px}.evitement:focus{position:static}
table{border-collapse:collapse;width:100%;margin:.5rem 0 1rem}caption{text-align:left;font-weight:bold}
th,td{border:1px solid #929292;padding:.3rem .5rem;text-align:left;vertical-align:top}th{background:#eee}
code{word-break:break-all;font-size:.85em}section{border-top:2px solid #000091;margin-top:2rem}
.nominatif{background:#fff4e5;padding:.5rem}
"""


def write_page(store: Path, owner: CatalogueOwner, pages: Mapping[str, str]) -> Path:
    """Write ``<store>/index.html`` atomically (readable by the web server, like every file of the store)."""
    return write_text_atomic(store / PAGE, render_page(store, owner, pages), mode=0o644)


def render_page(store: Path, owner: CatalogueOwner, pages: Mapping[str, str]) -> str:
    """The page's HTML, from the data packages of ``latest/``."""
    packages = latest_packages(store)
    title = f"Catalogue des données ouvertes : {owner.name}"
    rows = "\n".join(_summary_row(name, p) for name, p in packages.items())
    sections = "\n".join(_section(name, p, pages.get(name)) for name, p in packages.items())
    return f"""<!DOCTYPE html>
<html lang="{_e(owner.language)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{_e(title)}</title>
<link rel="icon" href="data:,">
<style>{STYLE}</style>
</head>
<body>
<a class="evitement" href="#contenu">Aller au contenu</a>
<header>
<h1>{_e(title)}</h1>
<p>Les jeux de données publiés par {_e(owner.name)} (SIRET {_e(owner.siret)}), sous
<a href="https://www.etalab.gouv.fr/licence-ouverte-open-licence/">Licence Ouverte 2.0</a>, mis à jour chaque nuit.
Chaque jeu a un dossier par version datée et un dossier <code>latest/</code> qui contient toujours la dernière.</p>
</header>
<main id="contenu">
<table>
<caption>{len(packages)} jeu(x) de données</caption>
<thead><tr><th scope="col">Jeu de données</th><th scope="col">Dernière version</th>
<th scope="col">Période couverte</th><th scope="col">Nature</th></tr></thead>
<tbody>
{rows}
</tbody>
</table>
{sections}
</main>
<footer>
<h2>Pour les machines</h2>
<ul>
<li><a href="{TURTLE}">Catalogue DCAT-AP (Turtle)</a></li>
<li><a href="{JSONLD}">Catalogue DCAT-AP (JSON-LD)</a></li>
</ul>
<p>Contact: <a href="mailto:{_e(owner.contact_email)}">{_e(owner.contact_email)}</a></p>
</footer>
</body>
</html>
"""


def _rel(package: dict[str, Any]) -> str:
    return ' rel="nofollow"' if is_nominative(package) else ""


def _period(package: dict[str, Any]) -> str:
    coverage = (package.get("x_opendata") or {}).get("temporal_coverage") or {}
    return f"du {coverage['start']} au {coverage['end']}" if coverage else "non précisée"


def _summary_row(name: str, package: dict[str, Any]) -> str:
    kind = "nominatif (non indexé)" if is_nominative(package) else "anonyme ou agrégé"
    rows = (package.get("x_opendata") or {}).get("rows")
    return (f'<tr><th scope="row"><a href="#{_e(name)}"{_rel(package)}>{_e(package["title"])}</a></th>'
            f"<td>{_e(package['version'])} ({_e(rows)} lignes)</td><td>{_e(_period(package))}</td>"
            f"<td>{kind}</td></tr>")


def _section(name: str, package: dict[str, Any], datagouv: str | None) -> str:
    extra, rel, latest = package.get("x_opendata") or {}, _rel(package), f"{name}/{LATEST}/"
    nominative = is_nominative(package)
    warning = ('<p class="nominatif">Jeu nominatif publié au titre du décret n° 2018-1117: il n\'est pas indexé '
               "par les moteurs de recherche, et seule sa dernière version est conservée.</p>") if nominative else ""
    entries = list(reversed(extra.get("changelog") or []))[:NOTES_SHOWN]
    changes = "\n".join(f"<li>Version du {_e(e['version'])}: {_e(note(e))}</li>" for e in entries)
    files = "\n".join(_file_row(latest, r, rel) for r in package.get("resources") or [])
    link = (f'<li><a href="{_e(datagouv)}"{rel}>Ce jeu sur data.gouv.fr</a></li>' if datagouv else "")
    return f"""<section id="{_e(name)}" aria-labelledby="titre-{_e(name)}"{' data-nosnippet' if nominative else ''}>
<h2 id="titre-{_e(name)}">{_e(package['title'])}</h2>
{warning}<p>{_e(package.get('description', ''))}</p>
<ul>
<li>Dernière version: {_e(package['version'])}, {_e(extra.get('rows'))} lignes</li>
<li>Période couverte: {_e(_period(package))}</li>
<li><a href="{_e(latest)}"{rel}>Dossier de la dernière version</a>, avec sa documentation
(<a href="{_e(latest)}README.md"{rel}>README.md</a>), ses métadonnées
(<a href="{_e(latest)}{METADATA}"{rel}>{METADATA}</a>) et ses sommes de contrôle
(<a href="{_e(latest)}{SUMS}"{rel}>{SUMS}</a>)</li>
{link}
</ul>
<h3>Changements</h3>
<ul>
{changes}
</ul>
<p><a href="{_e(name)}/{CHANGELOG}"{rel}>Journal complet des modifications ({CHANGELOG})</a></p>
<table>
<caption>Fichiers de la version du {_e(package['version'])}</caption>
<thead><tr><th scope="col">Fichier</th><th scope="col">Format</th><th scope="col">Taille</th>
<th scope="col">Somme de contrôle SHA-256</th></tr></thead>
<tbody>
{files}
</tbody>
</table>
</section>"""


def _file_row(latest: str, resource: dict[str, Any], rel: str) -> str:
    kind = str(resource.get("format", ""))
    digest = str(resource.get("hash", "")).removeprefix("sha256:")
    return (f'<tr><th scope="row"><a href="{_e(latest + resource["path"])}"{rel}>{_e(resource["path"])}</a></th>'
            f"<td>{_e(FORMAT_NAMES.get(kind, kind.upper()))}</td><td>{_size(int(resource.get('bytes') or 0))}</td>"
            f"<td><code>{_e(digest)}</code></td></tr>")


def _size(n: int) -> str:
    """A file size in French units (1 Ko = 1 000 octets)."""
    for unit, scale in (("Go", 10**9), ("Mo", 10**6), ("Ko", 10**3)):
        if n >= scale:
            return f"{n / scale:.1f} {unit}".replace(".", ",")
    return f"{n} octets"


def _e(value: object) -> str:
    return html.escape("" if value is None else str(value), quote=True)
