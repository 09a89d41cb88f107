"""The ``README.md`` of a published version, in plain French: what it holds, how it was made, what was removed and why.

Generated from the policy and the anonymisation report's counts, so it never
drifts from what the pipeline did. It names columns and counts, never a value.
"""

from __future__ import annotations

from anonymisation.kinds.registry import kind_of
from anonymisation.policy import Policy
from anonymisation.utility import Utility, number, sentence
from resources.common.vocabulary import WITHHELD
from resources.publishing.changelog_text import readme_section
from resources.publishing.metadata import Producer, VersionInfo, coverage

# Why the builders leave rows out (the keys of the anonymisation report's ``left_out``).
LEFT_OUT = {
    "left_out_natural_persons": "subventions à des personnes physiques, jamais nommées (CRPA L312-1-2)",
    "left_out_invalid_cpv_code": "code CPV mal formé dans la source, que le format DECP 2.0.3 refuse (à corriger à la source)",
    "left_out_small_groups": "personnes d'un groupe de moins de 9 (deux fois le seuil de 5, moins un; son total est "
                             "publié dans le tableau principal), trop petit pour être croisé avec une variable sensible",
    "left_out_share_outside_scdl_range": "pourcentage de subvention absent ou hors de 0,01 à 1, que le schéma SCDL "
                                         "refuse (à corriger à la source)",
}
TOTALS_SHOWN = 40  # rows of the README's totals table; all of them are in datapackage.json
FREQUENCIES = {"daily": "chaque jour", "weekly": "chaque semaine", "monthly": "chaque mois", "annual": "chaque année",
               "irregular": "à chaque changement des données"}


def _columns(policy: Policy, schema: dict) -> str:
    described = {f["name"]: f for f in schema.get("fields", [])}
    lines = ["| colonne | type | description |", "|---|---|---|"]
    for column in policy.columns:
        spec = described.get(column.name, {})
        text = (spec.get("description") or column.description).replace("|", "/")
        lines.append(f"| `{column.name}` | {spec.get('type', column.type)} | {text} |")
    return "\n".join(lines)


def _anonymisation(policy: Policy, info: VersionInfo) -> str:
    counts = info.anonymisation
    lines = []
    if policy.nominative and policy.exception is not None:
        lines.append(f"Ce fichier nomme des personnes au titre de l'exception prévue par {policy.exception.article} "
                     "(décret n° 2018-1117): seules les colonnes nécessaires à l'information du public sont publiées, "
                     "les personnes qui s'y sont opposées en sont retirées, et le fichier ne doit pas être indexé par "
                     "les moteurs de recherche (délibération CNIL 2018-101). Seule sa dernière version est conservée.")
    elif kind_of(policy.kind).reads_catalogue:
        lines.append("Aucune donnée personnelle n'est lue: un jeu nominatif est décrit par sa nature et sa base "
                     "légale, rien de ses lignes.")
    else:
        lines.append("Aucune personne n'est nommée: les identifiants sont retirés, les autres informations "
                     "généralisées ou agrégées (CRPA L312-1-2).")
    if counts.get("columns_dropped"):
        lines.append(f"- {counts['columns_dropped']} colonne(s) des sources ne sont pas publiées: seules celles "
                     "que la politique de publication relue nomme le sont.")
    if counts.get("opposition_removed"):
        lines.append(f"- {counts['opposition_removed']} ligne(s) retirée(s) à la suite d'une opposition (RGPD, art. 21).")
    for reason, n in sorted((counts.get("left_out") or {}).items()):
        if n:
            lines.append(f"- {n} ligne(s) écartée(s): {LEFT_OUT.get(reason, reason)}.")
    withheld = {rule: n for rule, n in (counts.get("withheld") or {}).items() if rule != "cellules" and n}
    if withheld:
        lines.append(f"- {sum(withheld.values())} cellule(s) couverte(s) par le secret statistique: vides, jamais 0, "
                     f"et signalées par la valeur `{WITHHELD}` de la colonne de statut. Chaque règle, et le risque "
                     "qu'elle écarte:")
        risks = counts.get("risks") or {}
        lines += [f"  - `{rule}`: {n} cellule(s)" + (f"; risque écarté: {risks[rule]}." if risks.get(rule) else ".")
                  for rule, n in withheld.items()]
    if counts.get("utility"):
        lines.append(f"- Ce qui reste aux réutilisateurs: {sentence(Utility.from_dict(counts['utility']))}.")
    if counts.get("redactions"):
        lines.append(f"- {sum(counts['redactions'].values())} mention(s) de données personnelles remplacée(s) "
                     "par une balise dans les textes libres (ex. `[NIR]`).")
    return "\n".join(lines)


def _code(value: object) -> str:
    return "(vide)" if value is None or value == "" else str(value).replace("|", "/")


def _totals(info: VersionInfo) -> str:
    """The exact totals the file's cells add up to, withheld cells included (empty when none is published)."""
    totals = info.anonymisation.get("totals") or []
    if not totals:
        return ""
    dims = list(dict.fromkeys(d for t in totals for d in t["by"]))
    lines = ["| " + " | ".join([*(f"`{d}`" for d in dims), "mesure", "valeur"]) + " |",
             "|" + "---|" * (len(dims) + 2)]
    lines += ["| " + " | ".join([*(_code(t["by"].get(d, "ensemble")) for d in dims), f"`{t['measure']}`",
                                 number(t["value"])]) + " |" for t in totals[:TOTALS_SHOWN]]
    more = len(totals) - TOTALS_SHOWN
    rest = (f"\n\nLes {more} autres totaux sont dans `datapackage.json` "
            "(`x_opendata.anonymisation.totals`).") if more > 0 else ""
    return ("\n## Totaux\n\nCes totaux sont exacts: ils comptent aussi les cellules couvertes par le secret "
            "statistique, et diffèrent donc de la somme des cellules publiées quand une cellule est couverte."
            "\n\n" + "\n".join(lines) + rest + "\n")


# How the producer line names each identifier, in this order.
IDENTIFIER_NAMES = {"siren": "SIREN", "paysage": "Paysage", "ror": "ROR", "wikidata": "Wikidata", "eter": "ETER"}


def _identifiers(producer: Producer) -> str:
    """The establishment's identifiers, each linked to its page where it has one, to join the ministry's files."""
    ids, pages = producer.establishment_ids(), producer.establishment_pages()
    return ", ".join(f"{label} [{ids[key]}]({pages[key]})" if key in pages else f"{label} {ids[key]}"
                     for key, label in IDENTIFIER_NAMES.items() if key in ids)


def _production(policy: Policy) -> str:
    """Where the rows come from, and what is checked before they are published."""
    if kind_of(policy.kind).reads_catalogue:
        return ("Construit chaque nuit, après la publication des autres jeux, à partir du catalogue des jeux de "
                "données (leurs politiques de publication relues) et des versions datées en ligne, sans lire "
                f"aucun système source, selon une politique de publication relue (empreinte `{policy.hash}`), puis "
                "contrôlé avant publication (colonnes, types, valeurs, une ligne par document et par année).")
    return ("Extrait chaque nuit des systèmes d'information de l'établissement, il est\n"
            "anonymisé selon une politique de publication relue (empreinte\n"
            f"`{policy.hash}`), puis contrôlé avant publication (colonnes, types, valeurs,\n"
            "secret statistique, volume par rapport à la version précédente).")


def _texts(policy: Policy) -> str:
    """The policy's ``sources_texte``: each rule, the text it encodes and whether that text was read."""
    texts = policy.settings.get("sources_texte") or {}
    if not texts:
        return ""
    lines = "\n".join(f"- **{name}**: {text}" for name, text in texts.items())
    return ("\n## Textes appliqués et leur vérification\n\nPour chaque règle du calcul, le texte qu'elle transcrit "
            "et s'il a été lu dans sa source officielle (« Lu. ») ou seulement dans des publications "
            f"secondaires (« À vérifier »).\n\n{lines}\n")


def readme(policy: Policy, producer: Producer, info: VersionInfo, schema: dict, files: list[str]) -> str:
    """The dataset's README for this version."""
    period = coverage(info)
    frequency = FREQUENCIES.get(policy.frequency, policy.frequency)
    national = f"\nLe fichier suit le schéma national `{policy.national_schema}`.\n" if policy.national_schema else ""
    listing = "\n".join(f"- `{name}`" for name in files)
    return f"""# {policy.title}

{policy.description}

- Producteur: {producer.name} (SIRET {producer.siret}, UAI {producer.uai})
- Identifiants de l'établissement: {_identifiers(producer)}
- Contact: {producer.contact}
- Licence: Licence Ouverte / Open Licence version 2.0
- Version: {info.day.isoformat()} ({info.rows} lignes), mise à jour {frequency}
- Période couverte: du {period['start']} au {period['end']}
- Adresse stable de la dernière version: {producer.public_base_url}{policy.dataset}/latest/
{national}
## Fichiers

{listing}

Les sommes de contrôle SHA-256 de chaque fichier sont dans `SHA256SUMS` et
dans `datapackage.json` (Frictionless Data Package, qui décrit aussi chaque
colonne). Le CSV est en UTF-8, séparé par des virgules, les dates au format
AAAA-MM-JJ, les décimales avec un point, une valeur manquante est une cellule vide.

## Colonnes

{_columns(policy, schema)}

## Comment ce fichier est produit

{_production(policy)} Un fichier
qui échoue à un contrôle n'est pas publié: la version précédente reste en ligne.

Base légale: {policy.legal_basis}
{_texts(policy)}
## Ce qui a été retiré, et pourquoi

{_anonymisation(policy, info)}
{_totals(info)}{readme_section(list(info.changelog)) if info.changelog else ""}"""
