"""The steward page's "Corrections" section: reusers' corrections applied tonight, and those gone stale.

Written for the owners of the source systems: each applied correction is a
value their system still gets wrong (fix it there, and the correction goes
stale); each stale one is a file the steward can retire or must look at
again. Read from the day's record (``quality.corrections_ledger``).
"""

from __future__ import annotations

import datetime as dt
import html
from pathlib import Path

from quality.corrections_ledger import by_correction, day_records


def _e(text: object) -> str:
    return html.escape(str(text))


def corrections_section(reports: Path, day: dt.date) -> str:
    """The section's HTML, or nothing when no correction was met today."""
    found = by_correction(day_records(reports, day))
    if not found:
        return ""
    applied = [c for c in found.values() if c["state"] == "applied"]
    stale = [c for c in found.values() if c["state"] == "stale"]

    def where(c: dict) -> str:
        return (f"<td><code>{_e(c['id'])}</code></td><td><code>{_e(c['table'])}.{_e(c['column'])}</code></td>"
                f"<td>{_e(', '.join(c['datasets']))}</td>")

    head = "<tr><th>Correction</th><th>Table.colonne source</th><th>Jeux de données</th>"
    parts = [f"<h2 id='corrections'>Corrections</h2><p>{len(applied)} correction(s) appliquée(s) à l'extraction, "
             f"{len(stale)} périmée(s). Pour les propriétaires des systèmes sources: une correction appliquée est une "
             "valeur que la source porte encore à tort; corrigée dans la source, elle devient périmée et son fichier "
             "peut être retiré (<code>docs/corrections.md</code>).</p>"]
    if applied:
        rows = "".join(f"<tr>{where(c)}<td>{c['rows']:,}</td><td>{_e(c['summary'])}</td></tr>" for c in applied)
        parts.append(f"<h3>Appliquées</h3><table>{head}<th>Lignes</th><th>Résumé</th></tr>{rows}</table>")
    if stale:
        rows = "".join(f"<tr>{where(c)}<td class='warn'>{_e(c['reason'])}</td></tr>" for c in stale)
        parts.append(f"<h3>Périmées (non appliquées)</h3><table>{head}<th>Motif</th></tr>{rows}</table>")
    return "".join(parts)
