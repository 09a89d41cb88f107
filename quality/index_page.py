"""The steward's morning page: every dataset, its checks, its anonymisation report, whether it went online.

``<reports>/<day>/index.html``, plain HTML with inline SVG charts (no script,
nothing fetched), built from the day's ledger once per run, when the run is
over (``pipelines.steward``); ``<reports>/index.html`` points to the latest
day. Assets and checks link to it (``index_path``) and never build it. It shows counts,
column names and rules, never a value.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import os
from collections.abc import Iterable
from pathlib import Path

from anonymisation.policy import Policy
from anonymisation.utility import Utility, percent
from quality.corrections_section import corrections_section
from quality.engine import docs_index, locked
from quality.incidents import incidents
from quality.ledger import Publication, SourceNotice, day_folder, history, outcomes, publications, source_notices
from quality.suite import Outcome
from resources.common.files import write_text_atomic
from resources.publishing.integrity import Incident

TREND_POINTS = 30
# Blocking checks of an open dataset: (prefix of its outcome in the ledger, what the steward reads).
BLOCKING = (("open", "conformité"), ("secret", "secret statistique"), ("leak_guard", "identifiants"))
STYLE = """
body{font-family:system-ui,sans-serif;margin:2em;color:#1b1b1b;max-width:1200px}
h1{font-size:1.5em}h2{font-size:1.2em;margin-top:2em}table{border-collapse:collapse;width:100%;margin:.5em 0}
th,td{border:1px solid #ccc;padding:.3em .5em;text-align:left;vertical-align:top;font-size:.9em}
th{background:#f0f0f0}.ok{color:#0a6b2e;font-weight:600}.warn{color:#9a5b00;font-weight:600}
.ko{color:#b3001b;font-weight:600}.muted{color:#666}details{margin:.2em 0}svg{display:block}
"""


def e(text: object) -> str:
    return html.escape(str(text))


def index_path(reports: Path, day: dt.date) -> Path:
    """Where the day's page is (built at the end of the run)."""
    return day_folder(reports, day) / "index.html"


def build_index(reports: Path, day: dt.date, catalogue: dict[str, Policy]) -> Path:
    """Write the day's index page (and the top-level pointer to it); returns its path."""
    folder = day_folder(reports, day)
    found, published, past = outcomes(reports, day), publications(reports, day), history(reports)
    sections = [_summary(catalogue, found, published), _store_incidents(incidents(reports, day)),
                _datasets(folder, catalogue, found, published, past),
                _sources(folder, found, catalogue), _source_notices(source_notices(reports, day)),
                corrections_section(reports, day)]
    gx_home = docs_index(folder)
    gx_link = (f'<p>Rapports Great Expectations détaillés: <a href="{e(os.path.relpath(gx_home, folder))}">Data Docs du jour</a>.</p>'
               if gx_home.is_file() else "")
    page = (f"<!doctype html><html lang='fr'><head><meta charset='utf-8'><title>Qualité des données ouvertes — {day}</title>"
            f"<meta name='robots' content='noindex'><style>{STYLE}</style></head><body>"
            f"<h1>Qualité et publication des données ouvertes — {day:%d/%m/%Y}</h1>{gx_link}{''.join(sections)}</body></html>")
    path = index_path(reports, day)
    with locked(folder):
        write_text_atomic(path, page)
    write_text_atomic(reports / "index.html",
            f"<!doctype html><html lang='fr'><head><meta charset='utf-8'><meta http-equiv='refresh' content='0; url={day.isoformat()}/index.html'>"
            f"<title>Rapport qualité</title></head><body><a href='{day.isoformat()}/index.html'>Rapport du {day}</a></body></html>")
    return path


def _store_incidents(found: list[Incident]) -> str:
    """Files of the store that no longer matched their checksums today, and what was done (names, never contents)."""
    if not found:
        return ""
    rows = "".join(f"<tr><td><code>{e(i.dataset)}</code></td><td><code>{e(i.folder)}/{e(i.file)}</code></td>"
                   f"<td class='ko'>{e(i.problem)}</td><td>{e(i.action)}</td></tr>" for i in found)
    head = "<tr><th>Jeu de données</th><th>Fichier</th><th>Écart constaté</th><th>Action</th></tr>"
    return (f"<h2 id='incidents'>Incidents d'intégrité du magasin</h2><p class='ko'>Des fichiers publiés ne "
            f"correspondaient plus à leurs sommes de contrôle: à examiner (accès au serveur, disque).</p>"
            f"<table>{head}{rows}</table>")


def _status(outcome: Outcome | None) -> str:
    if outcome is None:
        return "<span class='muted'>non exécuté</span>"
    if outcome.passed:
        return "<span class='ok'>conforme</span>"
    css = "ko" if outcome.severity == "ERROR" else "warn"
    return f"<span class='{css}'>{len(outcome.failed)} attente(s) en échec</span>"


def _publication(publication: Publication | None, outcome: Outcome | None) -> str:
    if publication is not None and publication.published:
        return f"<span class='ok'>publié</span> ({e(publication.version)})"
    if publication is not None:
        return f"<span class='ko'>non publié</span>: {e(publication.reason)}"
    if outcome is not None and not outcome.passed:
        return "<span class='ko'>non publié</span>: contrôle bloquant en échec, la version en ligne est conservée"
    return "<span class='muted'>en attente</span>"


def _summary(catalogue: dict[str, Policy], found: dict[str, Outcome], published: dict[str, Publication]) -> str:
    online = sum(1 for p in published.values() if p.published)
    blocked = sum(1 for name in catalogue
                  if any((o := found.get(f"{prefix}.{name}")) is not None and not o.passed for prefix, _ in BLOCKING))
    warns = sum(len(o.failed) for o in found.values() if o.severity == "WARN")
    return (f"<p>{len(catalogue)} jeux de données: <span class='ok'>{online} publiés</span>, "
            f"<span class='ko'>{blocked} bloqués</span>; {warns} constat(s) de mise en qualité dans les sources.</p>")


def _datasets(day_folder: Path, catalogue: dict[str, Policy], found: dict[str, Outcome],
              published: dict[str, Publication], past: list[dict]) -> str:
    rows = []
    for name, policy in sorted(catalogue.items()):
        blocking = [(label, found.get(f"{prefix}.{name}")) for prefix, label in BLOCKING]
        failed_blocking = next((o for _, o in blocking if o is not None and not o.passed), None)
        sources = [f"{e(i)}: {_status(found.get(f'source.{i}'))}" for i in policy.inputs]
        report = day_folder / "anonymisation" / f"{name}.html"
        anon = f"<a href='anonymisation/{e(name)}.html'>rapport</a>" if report.is_file() else "<span class='muted'>absent</span>"
        rows.append(
            f"<tr id='{e(name)}'><td><b>{e(policy.title)}</b><br><code>{e(name)}</code></td>"
            f"<td>{'<br>'.join(sources)}</td><td>{_blocking(blocking)}</td>"
            f"<td>{anon}</td><td>{_utility(report.with_suffix('.json'))}</td>"
            f"<td>{_publication(published.get(name), failed_blocking)}</td>"
            f"<td>{_trend(past, f'open.{name}')}</td></tr>")
    head = "".join(f"<th>{h}</th>" for h in ("Jeu de données", "Contrôles des sources (avertissement)",
                                             "Contrôles du fichier ouvert (bloquants)", "Anonymisation",
                                             "Utilité (publié)", "Publication",
                                             "Tendance (lignes, échecs)"))
    return f"<h2>Jeux de données ouverts</h2><table><tr>{head}</tr>{''.join(rows)}</table>"


def _utility(report: Path) -> str:
    """What reusers keep of a protected table, from its anonymisation report: cells, persons (euros), totals."""
    try:
        record = json.loads(report.read_text(encoding="utf-8")).get("utility") if report.is_file() else None
    except (OSError, ValueError):  # a report being rewritten: the next build shows it
        return "<span class='muted'>—</span>"
    if not record:
        return "<span class='muted'>—</span>"
    kept = Utility.from_dict(record)
    css = "ok" if kept.totals_exact else "warn"
    return (f"{percent(kept.share_cells)} des cellules<br>{percent(kept.share_measure)} des {e(kept.unit)}<br>"
            f"totaux exacts: <span class='{css}'>{'oui' if kept.totals_exact else 'non'}</span>")


def _sources(day_folder: Path, found: dict[str, Outcome], catalogue: dict[str, Policy]) -> str:
    rows = []
    for name, outcome in sorted(found.items()):
        if outcome.severity != "WARN":
            continue
        users = [p.dataset for p in catalogue.values() if outcome.target in p.inputs]
        rows.append(f"<tr id='{e(name)}'><td><code>{e(outcome.target)}</code></td><td>{outcome.rows:,}</td>"
                    f"<td>{_status(outcome)}{_docs_links(outcome)}{_failures(outcome)}</td><td>{e(', '.join(users) or '—')}</td></tr>")
    head = "<tr><th>Table source</th><th>Lignes contrôlées</th><th>Mise en qualité</th><th>Jeux qui l'utilisent</th></tr>"
    return f"<h2>Tables sources (mise en qualité)</h2><table>{head}{''.join(rows)}</table>"


def _source_notices(notices: dict[str, SourceNotice]) -> str:
    """New source columns (names only: never read) and rows no partition covers (a count), per source table."""
    if not notices:
        return ""
    rows = "".join(
        f"<tr id='notice-{e(n.target)}'><td><code>{e(n.target)}</code></td>"
        f"<td>{e(', '.join(n.new_columns)) or '—'}</td>"
        f"<td>{f'{n.outside_range:,} (hors {n.range[0]}–{n.range[1]} ou sans année)' if n.outside_range else '—'}</td></tr>"
        for n in notices.values())
    head = "<tr><th>Table source</th><th>Nouvelles colonnes (non lues)</th><th>Lignes hors des partitions (non extraites)</th></tr>"
    return (f"<h2>Écarts des sources au contrat</h2><p class='warn'>À examiner avec les propriétaires des sources: "
            f"une nouvelle colonne n'est pas lue tant que le contrat ne la décrit pas; une ligne hors des partitions "
            f"n'est publiée nulle part.</p><table>{head}{rows}</table>")


def _blocking(checks: list[tuple[str, Outcome | None]]) -> str:
    """Each blocking check of a dataset, its status, and the failures of those that failed."""
    lines = [f"{e(label)}: {_status(outcome)}{_docs_links(outcome)}{_failures(outcome)}"
             for label, outcome in checks if outcome is not None or label == BLOCKING[0][1]]
    return "<br>".join(lines)


def _docs_links(outcome: Outcome | None) -> str:
    if outcome is None or not outcome.docs:
        return ""
    links = [f"<a href='{e(page)}'>{e(part or 'détail')}</a>" for page, part in zip(outcome.docs, outcome.partitions, strict=False)]
    return "<br><span class='muted'>Data Docs:</span> " + " ".join(links)


def _failures(outcome: Outcome | None) -> str:
    if outcome is None or outcome.passed:
        return ""
    rows = "".join(
        f"<tr><td>{e(f.description)}</td><td><code>{e(f.column)}</code></td>"
        f"<td>{e(f.unexpected_count if f.unexpected_count is not None else (f.error or f.observed or '—'))}</td>"
        f"<td>{e(f'{f.unexpected_percent:g} %' if f.unexpected_percent is not None else '—')}</td></tr>"
        for f in outcome.failed)
    return (f"<details><summary>{len(outcome.failed)} échec(s)</summary><table><tr><th>Attente</th><th>Colonne</th>"
            f"<th>Lignes en échec</th><th>Part</th></tr>{rows}</table></details>")


def _trend(past: list[dict], suite: str) -> str:
    """An inline chart: rows (line) and failed expectations (bars), last run of each day."""
    per_day: dict[str, dict] = {}
    for line in past:
        if line.get("kind") == "suite" and line.get("suite") == suite:
            per_day[line["day"]] = line
    points = [per_day[d] for d in sorted(per_day)][-TREND_POINTS:]
    if not points:
        return "<span class='muted'>—</span>"
    width, height = 160, 40
    top = max(p["rows"] for p in points) or 1
    step = width / max(len(points) - 1, 1)
    xy = [(i * step if len(points) > 1 else width / 2, height - 4 - (height - 8) * p["rows"] / top) for i, p in enumerate(points)]
    line = " ".join(f"{x:.1f},{y:.1f}" for x, y in xy)
    # A dot per day: one day of history is a single point, which a line alone does not draw.
    dots = "".join(f"<circle cx='{x:.1f}' cy='{y:.1f}' r='2' fill='#000091'><title>{e(p['day'])}: {p['rows']:,} lignes</title></circle>"
                   for (x, y), p in zip(xy, points, strict=True))
    bars = "".join(f"<rect x='{i * step - 2:.1f}' y='{height - 2 - min(p['failed'], 10) * 3}' width='4' "
                   f"height='{min(p['failed'], 10) * 3}' fill='#b3001b'><title>{e(p['day'])}: {p['failed']} échec(s)</title></rect>"
                   for i, p in enumerate(points) if p["failed"])
    label = f"{points[-1]['rows']:,} lignes, {len(points)} jour(s)"
    return (f"<svg width='{width}' height='{height}' role='img' aria-label='{e(label)}'>"
            f"<polyline points='{line}' fill='none' stroke='#000091' stroke-width='1.5'/>{dots}{bars}</svg>"
            f"<span class='muted'>{e(label)}</span>")


def source_targets(catalogue: Iterable[Policy]) -> set[str]:
    return {i for p in catalogue for i in p.inputs}
