"""The anonymisation report of one dataset and run: JSON for machines, HTML for the DPO.

It says what was published and how, what was dropped and why, what was
withheld by which rule, the k reached, the exception applied with its legal
basis and opposition count, the free-text redactions by entity type, and the
policy hash, reviewer and code version. Counts and names only: never a value.
"""

from __future__ import annotations

import html
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from anonymisation import utility as utility_


@dataclass
class AnonymisationReport:
    dataset: str
    title: str
    run_id: str
    created_at: str
    policy_hash: str
    reviewer: str
    reviewed_on: str
    code_version: str
    legal_basis: str
    kind: str
    exception: str | None = None
    nominative: bool = False
    noindex: bool = False  # CNIL délibération 2018-101: nominative files are not indexed by search engines
    rows_in: int = 0
    rows_out: int = 0
    opposition_removed: int = 0
    left_out: dict[str, int] = field(default_factory=dict)
    columns_published: list[dict] = field(default_factory=list)
    columns_dropped: list[str] = field(default_factory=list)
    withheld: dict[str, int] = field(default_factory=dict)
    k_anonymity: int | None = None
    quasi_identifiers: list[str] = field(default_factory=list)
    redactions: dict[str, int] = field(default_factory=dict)
    public_names_kept: int = 0
    ner_review: list[dict] = field(default_factory=list)  # column, row, entity: where NER alone redacted
    notes: list[str] = field(default_factory=list)
    utility: dict | None = None  # a protected table's utility (anonymisation.utility.Utility.as_dict)
    totals: list[dict] = field(default_factory=list)  # exact totals published: {"by": {dimension: value}, "measure", "value"}
    risks: dict[str, str] = field(default_factory=dict)  # per withholding rule (keys of ``withheld``), the risk it removes

    def as_dict(self) -> dict:
        return asdict(self)

    def write(self, folder: Path) -> tuple[Path, Path]:
        """Write ``<dataset>.json`` and ``<dataset>.html`` into ``folder``."""
        folder.mkdir(parents=True, exist_ok=True)
        json_path, html_path = folder / f"{self.dataset}.json", folder / f"{self.dataset}.html"
        json_path.write_text(json.dumps(self.as_dict(), ensure_ascii=False, indent=2, default=str), encoding="utf-8")
        html_path.write_text(render_html(self), encoding="utf-8")
        return json_path, html_path


def combine(parts: list[tuple[int, AnonymisationReport]]) -> AnonymisationReport:
    """One report for a dataset built one year at a time: counts summed, notes named by year."""
    first = parts[0][1]
    out = AnonymisationReport(**{**first.as_dict(), "rows_in": 0, "rows_out": 0, "opposition_removed": 0,
                                 "left_out": {}, "withheld": {}, "redactions": {}, "public_names_kept": 0,
                                 "ner_review": [], "notes": [], "utility": None, "totals": []})
    ks = [r.k_anonymity for _, r in parts if r.k_anonymity is not None]
    out.k_anonymity = min(ks) if ks else None
    for year, report in parts:
        out.rows_in += report.rows_in
        out.rows_out += report.rows_out
        out.opposition_removed += report.opposition_removed
        out.public_names_kept += report.public_names_kept
        for total, counts in ((out.left_out, report.left_out), (out.withheld, report.withheld),
                              (out.redactions, report.redactions)):
            for key, value in counts.items():
                total[key] = total.get(key, 0) + value
        out.ner_review += report.ner_review
        out.notes += [f"{year}: {note}" for note in report.notes]
        out.totals += report.totals
    measured = [utility_.Utility.from_dict(r.utility) for _, r in parts if r.utility is not None]
    out.utility = utility_.combine(measured).as_dict() if measured else None
    return out


def _rows(pairs: list[tuple[str, object]]) -> str:
    return "".join(f"<tr><th>{html.escape(str(k))}</th><td>{html.escape(str(v))}</td></tr>" for k, v in pairs)


def _table(headers: list[str], rows: list[list[object]]) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body or '<tr><td>aucun</td></tr>'}</tbody></table>"


def _utility(record: dict | None) -> str:
    """What reusers keep: cells published, persons (euros) in them, totals exact."""
    if record is None:
        return "<p>Sans objet: ce jeu ne publie pas de cellules protégées.</p>"
    kept = utility_.Utility.from_dict(record)
    return _table(["mesure", "publié / total", "part"], [
        ["cellules publiées", f"{utility_.number(kept.cells_published)} / {utility_.number(kept.cells)}",
         utility_.percent(kept.share_cells)],
        [f"{kept.unit} dans les cellules publiées", f"{utility_.number(kept.published)} / {utility_.number(kept.total)}",
         utility_.percent(kept.share_measure)],
        ["totaux de chaque année publiés exactement", "oui" if kept.totals_exact else "non", ""],
    ])


def _totals(totals: list[dict]) -> str:
    """The exact totals the dataset publishes, one row per total, a column per dimension it is taken over."""
    dims = list(dict.fromkeys(d for t in totals for d in t["by"]))
    return _table([*dims, "mesure", "valeur"],
                  [[t["by"].get(d, "ensemble") for d in dims] + [t["measure"], utility_.number(t["value"])] for t in totals])


def render_html(report: AnonymisationReport) -> str:
    summary = _rows([
        ("Jeu de données", f"{report.title} ({report.dataset})"),
        ("Base légale", report.legal_basis),
        ("Exception (nominatif)", report.exception or "aucune: données anonymisées"),
        ("Indexation par les moteurs", "interdite (X-Robots-Tag: noindex)" if report.noindex else "autorisée"),
        ("Lignes lues / publiées", f"{report.rows_in} / {report.rows_out}"),
        ("Oppositions appliquées", report.opposition_removed),
        ("k-anonymat", report.k_anonymity if report.k_anonymity is not None else "sans objet (agrégat)"),
        ("Politique (empreinte)", report.policy_hash),
        ("Relue par", f"{report.reviewer} le {report.reviewed_on}"),
        ("Version du code", report.code_version),
        ("Exécution", f"{report.run_id} ({report.created_at})"),
    ])
    published = _table(["colonne", "source", "traitement", "règle"],
                       [[c["name"], c.get("source") or "", c["treatment"], c.get("rule") or ""] for c in report.columns_published])
    withheld = _table(["règle", "cellules", "risque écarté"],
                      [[k, v, report.risks.get(k, "")] for k, v in report.withheld.items()])
    redactions = _table(["entité", "remplacements"], [[k, v] for k, v in sorted(report.redactions.items())])
    review = _table(["colonne", "ligne", "entité"], [[r["column"], r["row"], r["entity"]] for r in report.ner_review])
    left_out = _table(["motif", "lignes"], [[k, v] for k, v in report.left_out.items()])
    dropped = ", ".join(html.escape(c) for c in report.columns_dropped) or "aucune"
    notes = "".join(f"<li>{html.escape(n)}</li>" for n in report.notes)
    return f"""<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><title>Rapport d'anonymisation: {html.escape(report.dataset)}</title>
<style>body{{font-family:sans-serif;max-width:60em;margin:2em auto}}table{{border-collapse:collapse;margin:1em 0}}
th,td{{border:1px solid #ccc;padding:.3em .6em;text-align:left}}</style></head><body>
<h1>Rapport d'anonymisation: {html.escape(report.title)}</h1>
<table>{summary}</table>
<h2>Colonnes publiées</h2>{published}
<h2>Colonnes écartées (jamais publiées)</h2><p>{dropped}</p>
<h2>Cellules non publiées (secret statistique)</h2>{withheld}
<h2>Utilité</h2>{_utility(report.utility)}
<h2>Totaux publiés</h2>{_totals(report.totals)}
<h2>Lignes écartées</h2>{left_out}
<h2>Texte libre: remplacements par type</h2>{redactions}
<p>Noms publics conservés (bâtiments, rues, laboratoires): {report.public_names_kept}</p>
<h2>À relire: personnes détectées par la seule reconnaissance d'entités</h2>{review}
<ul>{notes}</ul>
</body></html>
"""
