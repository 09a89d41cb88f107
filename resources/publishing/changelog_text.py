"""The changelog in French: the README's "Changements" section, ``CHANGELOG.md``, and a one-line note.

Rendered from the entries of ``changelog`` (counts, keys the policy
publishes, columns, policy change, reviewed corrections): it names no value
that the entries do not hold.
"""

from __future__ import annotations

from anonymisation.utility import number
from resources.publishing.changelog import NO_YEAR
from resources.publishing.integrity import CHANGELOG

README_ENTRIES = 5  # the last versions in the README; CHANGELOG.md holds them all


def note(entry: dict) -> str:
    """One sentence: what this version changes (the catalogue's ``adms:versionNotes``)."""
    if entry.get("previous_version") is None:
        return f"Première version publiée: {_rows(entry['rows'])}."
    counts = (f"{_rows(entry.get('added', 0))} ajoutée(s), {number(entry.get('removed', 0))} retirée(s), "
              f"{number(entry.get('changed', 0))} modifiée(s)")
    extra = []
    if entry.get("columns_added") or entry.get("columns_removed"):
        extra.append(f"colonnes: {len(entry.get('columns_added') or [])} ajoutée(s), "
                     f"{len(entry.get('columns_removed') or [])} retirée(s)")
    if entry.get("policy"):
        extra.append("politique de publication modifiée")
    if entry.get("corrections"):
        extra.append(f"{len(entry['corrections'])} correction(s) de réutilisateurs appliquée(s)")
    more = f"; {'; '.join(extra)}" if extra else ""
    if entry.get("same_day"):
        return f"Par rapport à la version publiée plus tôt le même jour: {counts}{more}."
    return f"Par rapport à la version du {entry['previous_version']}: {counts}{more}."


def readme_section(entries: list[dict]) -> str:
    """The README's "Changements" section: the newest versions first."""
    shown = list(reversed(entries))[:README_ENTRIES]
    older = len(entries) - len(shown)
    rest = (f"\n\nLes {older} version(s) plus ancienne(s) sont décrites dans `{CHANGELOG}`, à côté du dossier "
            "`latest/`.") if older > 0 else ""
    return "\n## Changements\n\n" + "\n\n".join(_entry(e, level="###") for e in shown) + rest + "\n"


def changelog_file(title: str, entries: list[dict]) -> str:
    """``CHANGELOG.md``: every version of the dataset, the newest first."""
    body = "\n\n".join(_entry(e, level="##") for e in reversed(entries))
    return (f"# Journal des modifications: {title}\n\nChaque version est comparée à la précédente: lignes "
            "ajoutées, retirées et modifiées, par année, avec leurs clés quand le jeu en publie (jamais pour un "
            "jeu nominatif, qui ne donne que des nombres), colonnes, politique de publication et corrections "
            f"signalées par des réutilisateurs.\n\n{body}\n")


def _rows(n: int) -> str:
    return f"{number(n)} ligne(s)"


def _entry(entry: dict, *, level: str) -> str:
    day, previous = entry["version"], entry.get("previous_version")
    if previous is None:
        return f"{level} Version du {day}\n\n{note(entry)}"
    heading = f"{level} Version du {day}" + (" (republiée le même jour)" if entry.get("same_day") else "")
    lines = [heading, "", note(entry)]
    by_year = entry.get("by_year") or {}
    if set(by_year) - {NO_YEAR}:
        lines += ["", "| année | ajoutées | retirées | modifiées |", "|---|---|---|---|"]
        lines += [f"| {year} | {number(c['added'])} | {number(c['removed'])} | {number(c['changed'])} |"
                  for year, c in by_year.items()]
    lines.append("")
    keys = entry.get("keys")
    if keys:
        named = " · ".join(f"`{k}`" for k in keys["columns"])
        for kind, label in (("added", "ajoutées"), ("removed", "retirées"), ("changed", "modifiées")):
            if keys.get(kind):
                total = entry.get(kind, 0)
                more = f" (et {number(total - len(keys[kind]))} autre(s))" if total > len(keys[kind]) else ""
                lines.append(f"- Lignes {label} ({named}): " + ", ".join(f"`{k}`" for k in keys[kind]) + more)
    lines += [f"- Colonne ajoutée: `{c}`." for c in entry.get("columns_added") or []]
    lines += [f"- Colonne retirée: `{c}`." for c in entry.get("columns_removed") or []]
    if policy := entry.get("policy"):
        lines.append(f"- La politique de publication a changé: empreinte `{policy['previous_policy_hash']}` "
                     f"remplacée par `{policy['policy_hash']}`.")
        lines += [f"  - Colonne renommée: `{r['from']}` devient `{r['to']}`." for r in policy.get("columns_renamed") or []]
        if policy.get("columns_added") or policy.get("columns_removed") or policy.get("columns_renamed"):
            lines.append("  - Les versions précédentes restent disponibles telles quelles, dans leur forme d'alors. "
                         "Une cellule couverte par le secret statistique dans la version précédente ne peut pas être "
                         "recalculée à partir des deux versions réunies.")
    for correction in entry.get("corrections") or []:
        lines.append(f"- Correction `{correction['id']}` (signalée par un réutilisateur, relue): "
                     f"{correction['summary']} ({_rows(correction['rows'])}, colonne `{correction['column']}`).")
    return "\n".join(lines).rstrip()
