"""Render ``docs/sources.md`` from the source contracts and the schema, so the page never drifts.

Run ``python -m pipelines.synthetic.docs`` after changing a contract or the
schema; a test fails while the page differs from what this renders.
"""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
import yaml

from pipelines.synthetic.freetext import PLANTED
from pipelines.synthetic.schema import METADATA, SYSTEMS
from pipelines.synthetic.schema_common import sql_type_name

ROOT = Path(__file__).resolve().parents[2]
CONTRACTS = ROOT / "config" / "contracts" / "default"
PAGE = ROOT / "docs" / "sources.md"

INTRO = """# Source systems and their contracts

The three source systems of a university as the pipeline expects them, in
the shape of the synthetic sources (`pipelines/synthetic`, `opendata
generate`) and of the default source contracts (`config/contracts/default/`).
This page is generated from those contracts and the schema by
`python -m pipelines.synthetic.docs`: edit them, not this page.

How to read the column tables:

- **SQL type**: the portable SQLAlchemy type of the synthetic source (same on
  SQLite, PostgreSQL, MariaDB); **Arrow type**: the type the extraction casts
  the column to.
- **personal**: the column holds personal data, directly or indirectly
  identifying (names, identifiers, contacts, birth date, exact dates of
  personal events) or sensitive (health, pay, marks, scholarship, free text).
- **use**: the later stages that need the column. `policy`: an open dataset
  derives from it; `check`: a quality check (keys, codes, dates); `guard`: a
  direct identifier the leak guard looks for in every output. A column with
  no use stays in the source: it is never extracted (data minimisation, GDPR
  art. 5(1)(c)); a table whose columns all have no use is not read at all.

Partitions: `academic_year` starts on 1 September (2024 = 2024-2025),
`fiscal_year` and `reference_year` on 1 January. Mode `year`: the column
holds the year; `date`: a date inside the year; `period`: the
`[column, end_column]` interval overlaps the year (an empty end runs on).

Every synthetic value is fictitious. Identifiers carry valid keys (NIR,
SIRET, IBAN with RIB key, UAI, CPV) except the planted defects listed per
table; commune codes are real COG codes. Names of buildings, rooms, streets
and laboratories honour famous persons ("amphithéâtre Marie Curie"): they are
public names, listed for stewards in `config/public_names.yaml`.

How the synthetic sources store each type, engine by engine (what an
extraction must expect):

- SQLite: dates are ISO text (`2024-09-01`), timestamps text with a space
  (`2024-09-01 14:05:00`), booleans integers 0/1, decimals REAL (binary
  floating point: `0.1` comes back as `0.1`, not as an exact decimal).
  Read as text and cast to the Arrow type.
- MariaDB: booleans are TINYINT(1) (0/1 through the driver), decimals
  DECIMAL(p,s) (Python `Decimal`), dates DATE, timestamps DATETIME (no time
  zone).
- PostgreSQL: native boolean, numeric(p,s), date and timestamp without
  time zone.
- Timestamps are local times of the institution (Europe/Paris), without
  time zone. Text is UTF-8 (MariaDB databases must be utf8mb4).
"""

SYSTEM_TITLES = {"hr": "HR (`hr`)", "finance": "Finance (`finance`)", "students": "Students (`students`)"}

NOTES: dict[str, list[str]] = {
    "structures": ["Defect: the STAPS component (UFR-STAPS) has no UAI.",
                   "The former UFR-SVT (closed in 2011, merged into UFR-BIO) is named by the career situations "
                   "that ended before 2012; longer ones carry UFR-BIO, as a reorganisation leaves them.",
                   "Labels name laboratories and buildings after famous persons (public names)."],
    "agents": ["Defects: about 0.3 % of NIRs have a wrong key; about 5 % of agents born abroad have no NIR yet.",
               "About a third of women have a usual name (nom d'usage); professional e-mails use it."],
    "situations": ["Defects: about 0.3 % of situations are entered twice under two identifiers (duplicate "
                   "business key); about 0.5 % of PR/MCF situations lack their CNU section; about 0.1 % end "
                   "before they start; about 0.1 % name the unknown structure UFR-GEO.",
                   "PRAG, PRCE, doctoral and contract teachers have no CNU section (not a defect).",
                   "`corps` and `bap` hold the codes of `config/nomenclatures/` (corps.csv, bap.csv); only ITRF "
                   "agents (IGR, IGE, ASI, TECH, ADJT) have a BAP, drawn once per agent from their corps' shares."],
    "fonctions": ["Defects: a few mandates entered twice; a few end before they start.",
                  "Internal roles (assistants de prévention, correspondants informatiques) and about 2 % of "
                  "others are not shown in the directory (`visible_annuaire` false).",
                  "Each diploma of the catalogue has a programme head (`code_fonction` RESP_FORM, a PR or MCF "
                  "of its component, mandates of 3 to 5 years), not shown in the directory."],
    "tableaux_avancement": ["Consistent with the grade changes of `situations`."],
    "paie": ["Defect: a few negative bonus lines (recoveries typed as negative amounts).",
             "Salary = index x point value of the day (4.92278 euros since July 2023) x working time; index by corps, "
             "grade and échelon (`pipelines/synthetic/ref_hr.py`), contract staff at an index drawn by category; "
             "bonuses by corps, women's a little lower, plus the allowances of functions (president, DGS...)."],
    "remunerations": ["Exactly the sums of `paie` per agent and completed year (the year of `as_of` is still "
                      "being paid: it has no statement); the situation is that of the last month paid.",
                      "The highest gross pay of a year is about 80,000 to 105,000 euros (the president with the "
                      "allowance of the function, PR classe exceptionnelle with their bonuses)."],
    "conges_maladie": ["Defect: a few leaves end before they start."],
    "oppositions_agents": ["Drawn from real agents, including holders of public functions and promoted agents."],
    "tiers": ["Defects: about 0.5 % of company SIRETs have a wrong key; about 0.5 % of companies are entered "
              "twice (same SIRET, name in capitals).",
              "Natural persons are named, with their IBAN, e-mail and mobile; association phones are often "
              "their president's mobile."],
    "lignes_budgetaires": ["Defects: about 0.05 % negative amounts (cancellations), about 0.1 % missing "
                           "destinations, a few lines on the unknown account 6099.",
                           "Amounts scale so that a year adds up to about 80,000 euros per agent, 70 % payroll."],
    "marches": ["Defects: a CPV code whose leading zero was lost in a spreadsheet (`9310000-5`); about 0.5 % "
                "of contracts published before their notification.",
                "About 2 % of subjects end with a technical contact's name and phone (planted personal data); "
                "many name buildings after famous persons (public names)."],
    "marches_titulaires": ["HORS-UE identifiers are internal references (no national register)."],
    "subventions": ["Defects: about 1 % of staged payments end before they start; about 0.5 % have a share "
                    "of 0 (below the SCDL minimum of 0.01).",
                    "Individual aids name the natural person in about 30 % of subjects and 20 % of payment "
                    "conditions; a few association conditions give the treasurer's phone."],
    "frais_deplacement": ["Defects: about 0.5 % return before departure, 0.2 % negative claims, 0.2 % name the "
                          "unknown agent 09999998."],
    "etudiants": ["Defects: about 0.1 % of students share their INE with another student number (duplicate "
                  "record), 0.1 % have an INE in lower case, 0.1 % have no INE.",
                  "Students known to the system may have no enrolment in the years covered (e.g. an enrolment "
                  "after `as_of`)."],
    "diplomes": ["Codes change at some five-yearly accreditation renewals (2016, 2021, 2026...); the catalogue "
                 "also holds a diploma closed before the years covered and one opening next year.",
                 "Codes have the N_DIPLOME_SISE shape (7 characters: 1 licences, licences professionnelles and "
                 "BUT, 2 masters, 42 doctorates); `type_diplome_sise`, `code_discipline` and "
                 "`secteur_disciplinaire` hold BCN codes (`config/nomenclatures/`), the sector always within "
                 "the discipline."],
    "inscriptions": ["Defects: about 0.2 % of enrolments entered twice (duplicate business key), 0.2 % without "
                     "sector, 0.05 % on the unknown diploma 2599999.",
                     "About 2.5 % enrol after the 15 January census date (excluded from official headcounts).",
                     "`commentaire_interne` (about 1.5 % of rows) holds names, phones and e-mails.",
                     "`financement_these`: drawn once per doctoral student (about 85 % funded in the sciences, "
                     "40 % in the humanities); empty below the doctorate and for unfunded theses."],
    "resultats": ["Defects: about 0.3 % of jury dates fall outside their academic year, 0.1 % award the "
                  "diploma to a failed student, a few results point to an enrolment that does not exist.",
                  "Results exist only once the jury has met (June-July; doctoral defences all year: the "
                  "`date_jury` of an awarded doctorate is its thesis defence)."],
    "commentaires": ["Planted personal data: the student's name, phone numbers in four spellings ("
                     "`06 12 34 56 78`, `+33 6 12 34 56 78`, `0612345678`, `06.12.34.56.78`), e-mails, street "
                     "addresses, a NIR typed with spaces; health and value judgements (CRPA L311-6).",
                     "Rooms named after famous persons (public names).",
                     "Defect: about 0.2 % name the unknown author 09999999."],
    "oppositions_etudiants": ["Drawn from real students, half of them graduates."],
}

DECP_FIELDS = (
    ("id", "id_marche"), ("acheteur.id", "id_acheteur"), ("nature", "nature"), ("objet", "objet"),
    ("codeCPV", "code_cpv"), ("techniques.technique", "techniques"),
    ("modalitesExecution.modaliteExecution", "modalites_execution"), ("idAccordCadre", "id_accord_cadre"),
    ("marcheInnovant", "marche_innovant"), ("ccag", "ccag"), ("offresRecues", "offres_recues"),
    ("attributionAvance", "attribution_avance"), ("tauxAvance", "taux_avance"),
    ("typeGroupementOperateurs", "type_groupement_operateurs"), ("sousTraitanceDeclaree", "sous_traitance_declaree"),
    ("procedure", "procedure_passation"), ("lieuExecution.code", "lieu_execution_code"),
    ("lieuExecution.typeCode", "lieu_execution_type_code"), ("dureeMois", "duree_mois"),
    ("dateNotification", "date_notification"), ("datePublicationDonnees", "date_publication_donnees"),
    ("montant", "montant"), ("formePrix", "forme_prix"), ("typesPrix.typePrix", "types_prix"),
    ("considerationsSociales.considerationSociale", "considerations_sociales"),
    ("considerationsEnvironnementales.considerationEnvironnementale", "considerations_environnementales"),
    ("origineUE", "origine_ue"), ("origineFrance", "origine_france"),
    ("titulaires[].titulaire.typeIdentifiant", "marches_titulaires.type_identifiant"),
    ("titulaires[].titulaire.id", "marches_titulaires.id_titulaire"),
)

SCDL_FIELDS = (
    ("nomAttribuant", "nom_attribuant"), ("idAttribuant", "id_attribuant"), ("dateConvention", "date_convention"),
    ("referenceDecision", "reference_decision"), ("nomBeneficiaire", "`tiers.raison_sociale` through `id_tiers` (never for a natural person)"),
    ("idBeneficiaire", "`tiers.siret` through `id_tiers`"), ("rnaBeneficiaire", "`tiers.rna` through `id_tiers`"),
    ("objet", "objet"), ("montant", "montant"), ("nature", "nature"), ("conditionsVersement", "conditions_versement"),
    ("datesPeriodeVersement", "`date_debut_versement`, `date_fin_versement` (written `start` or `start/end`)"),
    ("idRAE", "id_rae"), ("notificationUE", "notification_ue"), ("pourcentageSubvention", "pourcentage_subvention"),
    ("dispositifAide", "dispositif_aide"),
)


def _contract(system: str) -> dict:
    return yaml.safe_load((CONTRACTS / f"{system}.yaml").read_text(encoding="utf-8"))


def _table_section(name: str, spec: dict, table: sa.Table) -> list[str]:
    lines = [f"### `{name}`", "", f"{spec.get('description', '')} Source table `{spec['source']}`.", ""]
    lines.append(f"- Key: {', '.join(f'`{k}`' for k in spec.get('key', []))}")
    part = spec.get("partition")
    if part:
        cols = f"`{part['column']}`" + (f" to `{part['end_column']}`" if part.get("end_column") else "")
        lines.append(f"- Partition: {part['kind']}, mode {part.get('mode', 'year')}, on {cols}")
    else:
        lines.append("- Partition: none (reference table, read whole)")
    lines += ["", "| column | description | SQL type | Arrow type | class | use |", "|---|---|---|---|---|---|"]
    for column, col in spec["columns"].items():
        sql = table.columns.get(col["source"])
        lines.append(
            f"| `{column}` | {sql.comment if sql is not None else ''} | "
            f"{sql_type_name(sql.type) if sql is not None else '?'} | `{col['type']}` | "
            f"{col['class']} | {', '.join([*(col.get('use') or []), *(['guard'] if col.get('guard') else [])]) or '(not extracted)'} |")
    notes = NOTES.get(name, []) + _planted_notes(name)
    if notes:
        lines += [""] + [f"- {note}" for note in notes]
    return lines + [""]


def _planted_notes(name: str) -> list[str]:
    """What the generator plants in the table's free-text columns for the scanner (``freetext.PLANTED``)."""
    notes = []
    for key, planting in PLANTED.items():
        _, table, column = key.split(".")
        if table != name:
            continue
        if all("{civil}" in t and "{person}" not in t for t in planting.templates):
            example = planting.templates[0].strip(" -(").replace("{civil}", "Mme Garnier")
            notes.append(f"Very rarely (about {planting.share:.0%} of rows) `{column}` names a person unknown to "
                         f"the sources by civility and surname, as real labels do (\"... {example}\").")
        else:
            notes.append(f"About {planting.share:.1%} of `{column}` values also name persons unknown to the "
                         "sources (parents, contractors' contacts, external jury members, landlords) in every "
                         "written form, or hold e-mails, phones, NIR, INE, IBAN, RIB, personal addresses and dates "
                         "of birth in every written form, beside look-alikes to keep (eponyms, prizes, companies, "
                         "functional contacts, site addresses): planted for the free-text scanner "
                         "(`pipelines/synthetic/freetext_persons.py`).")
    return notes


def _mapping(title: str, pairs: tuple[tuple[str, str], ...], head: str) -> list[str]:
    lines = [f"#### {title}", "", f"| {head} field | source column |", "|---|---|"]
    cells = [(field, column if "`" in column else f"`{column}`") for field, column in pairs]
    return lines + [f"| `{field}` | {column} |" for field, column in cells] + [""]


def render_sources_md() -> str:
    """The whole page, from the default contracts and the schema."""
    lines = [INTRO]
    for system in SYSTEMS:
        contract = _contract(system)
        lines += [f"## {SYSTEM_TITLES[system]}: {contract.get('description', '')}", ""]
        for name, spec in contract["tables"].items():
            lines += _table_section(name, spec, METADATA[system].tables[spec["source"]])
        if system == "finance":
            lines += _mapping("DECP 2.0.3 fields of `marches` (multi-valued fields are ';'-separated)",
                              DECP_FIELDS, "DECP")
            lines += _mapping("SCDL subventions 2.1.1 fields of `subventions`", SCDL_FIELDS, "SCDL")
    return "\n".join(lines).rstrip() + "\n"


def main() -> None:
    PAGE.write_text(render_sources_md(), encoding="utf-8")
    print(f"wrote {PAGE}")


if __name__ == "__main__":
    main()
