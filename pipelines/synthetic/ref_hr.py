"""Corps, grades and functions of university staff (SIHAM-like referential).

Teachers (enseignants) and administrative, technical, library and health staff
(BIATSS) belong to a corps; each corps has grades and each grade echelons.
Indices (indice majoré) are rounded approximations of the official grids:
enough to give plausible pay, not a payroll reference. The top grades reach
the "hors échelle" letters (PR 1re classe HEB, PR classe exceptionnelle
HED-HEE), written here as their approximate indice majoré.
"""

from __future__ import annotations

from typing import NamedTuple


class Grade(NamedTuple):
    """A grade of a corps: code, number of echelons, indice majoré at echelon 1 and per echelon."""

    code: str
    echelons: int
    base_index: int
    step_index: int


class Corps(NamedTuple):
    """A corps (or a contractual population) and how it behaves in the synthetic population.

    ``share`` is the corps' share of the staff in post; ``entry_age`` the age
    range at hiring; ``tenure`` the years a contract lasts (None: until
    retirement or mobility); ``cnu`` whether its members have a CNU section;
    ``bonus`` the usual ratio of bonuses to gross pay.
    """

    code: str
    label: str
    staff: str
    category: str
    status: str
    grades: tuple[Grade, ...]
    share: float
    entry_age: tuple[int, int]
    tenure: tuple[int, int] | None
    cnu: bool
    bonus: float


ENS, BIATSS = "enseignant", "BIATSS"

CORPS: tuple[Corps, ...] = (
    Corps("PR", "Professeur des universités", ENS, "A", "titulaire",
          (Grade("PR2C", 6, 660, 38), Grade("PR1C", 3, 890, 90), Grade("PRCE", 2, 1230, 100)),
          12.0, (38, 55), None, True, 0.18),
    Corps("MCF", "Maître de conférences", ENS, "A", "titulaire",
          (Grade("MCF", 9, 470, 30), Grade("MCFHC", 6, 710, 32)), 24.0, (28, 40), None, True, 0.10),
    Corps("PRAG", "Professeur agrégé", ENS, "A", "titulaire",
          (Grade("PRAG CN", 11, 450, 30), Grade("PRAG HC", 7, 700, 30)), 2.5, (27, 45), None, False, 0.08),
    Corps("PRCE", "Professeur certifié", ENS, "A", "titulaire",
          (Grade("CERT CN", 11, 390, 28), Grade("CERT HC", 7, 590, 28)), 1.5, (25, 45), None, False, 0.08),
    Corps("ATER", "Attaché temporaire d'enseignement et de recherche", ENS, "A", "contractuel",
          (Grade("ATER", 1, 441, 0),), 3.0, (26, 34), (1, 2), True, 0.0),
    Corps("DOC", "Doctorant contractuel", ENS, "A", "contractuel",
          (Grade("DOCTORANT", 1, 420, 0),), 8.0, (22, 29), (3, 3), False, 0.0),
    Corps("ENSCONT", "Enseignant contractuel", ENS, "A", "contractuel",
          (Grade("ENS CONTRACTUEL", 1, 440, 0),), 3.0, (26, 58), (1, 3), False, 0.03),
    Corps("IGR", "Ingénieur de recherche", BIATSS, "A", "titulaire",
          (Grade("IGR CN", 10, 500, 35), Grade("IGR HC", 7, 760, 35)), 3.0, (27, 45), None, False, 0.28),
    Corps("IGE", "Ingénieur d'études", BIATSS, "A", "titulaire",
          (Grade("IGE CN", 13, 400, 22), Grade("IGE HC", 9, 600, 25)), 7.0, (24, 45), None, False, 0.24),
    Corps("ASI", "Assistant ingénieur", BIATSS, "A", "titulaire", (Grade("ASI", 13, 370, 20),),
          5.0, (23, 45), None, False, 0.20),
    Corps("TECH", "Technicien de recherche et de formation", BIATSS, "B", "titulaire",
          (Grade("TCH CN", 13, 343, 12), Grade("TCH CS", 13, 356, 14), Grade("TCH CE", 11, 392, 16)),
          9.0, (21, 45), None, False, 0.18),
    Corps("ADJT", "Adjoint technique de recherche et de formation", BIATSS, "C", "titulaire",
          (Grade("ATRF P2", 12, 361, 8), Grade("ATRF P1", 10, 368, 10)), 7.0, (19, 50), None, False, 0.15),
    Corps("AAE", "Attaché d'administration de l'État", BIATSS, "A", "titulaire",
          (Grade("AAE", 11, 390, 25), Grade("AAE HC", 8, 630, 30)), 2.0, (25, 45), None, False, 0.30),
    Corps("SAENES", "Secrétaire administratif de l'éducation nationale et de l'enseignement supérieur", BIATSS,
          "B", "titulaire", (Grade("SAENES CN", 13, 343, 12), Grade("SAENES CS", 13, 356, 14),
                             Grade("SAENES CE", 11, 392, 16)), 3.0, (21, 45), None, False, 0.18),
    Corps("ADJAENES", "Adjoint administratif de l'éducation nationale et de l'enseignement supérieur", BIATSS,
          "C", "titulaire", (Grade("ADJAENES P2", 12, 361, 8), Grade("ADJAENES P1", 10, 368, 10)),
          4.0, (19, 50), None, False, 0.15),
    Corps("BIBAS", "Bibliothécaire assistant spécialisé", BIATSS, "B", "titulaire",
          (Grade("BIBAS CN", 13, 343, 12), Grade("BIBAS CS", 13, 356, 14)), 1.0, (22, 45), None, False, 0.16),
    Corps("MAG", "Magasinier des bibliothèques", BIATSS, "C", "titulaire",
          (Grade("MAG P2", 12, 361, 8), Grade("MAG P1", 10, 368, 10)), 1.0, (19, 50), None, False, 0.14),
    Corps("CONTRACTUEL", "Agent contractuel BIATSS de catégorie A", BIATSS, "A", "contractuel",
          (Grade("CONTRACTUEL A", 1, 420, 0),), 4.0, (23, 50), (1, 6), False, 0.12),
    Corps("CONTRACTUEL", "Agent contractuel BIATSS de catégorie B", BIATSS, "B", "contractuel",
          (Grade("CONTRACTUEL B", 1, 360, 0),), 3.0, (21, 50), (1, 4), False, 0.10),
    Corps("CONTRACTUEL", "Agent contractuel BIATSS de catégorie C", BIATSS, "C", "contractuel",
          (Grade("CONTRACTUEL C", 1, 355, 0),), 4.0, (19, 55), (1, 4), False, 0.08),
)

# Branch of professional activity (BAP, RéFérens III; labels in config/nomenclatures/bap.csv) of the ITRF
# corps, in percent of each corps: engineers mostly in research support and computing (A to E), technicians
# and adjoints more often in management (J) and logistics (G). Other corps have no BAP.
BAP_SHARES: dict[str, dict[str, float]] = {
    "IGR": {"A": 22, "B": 8, "C": 15, "D": 10, "E": 25, "F": 8, "G": 2, "J": 10},
    "IGE": {"A": 15, "B": 6, "C": 12, "D": 8, "E": 22, "F": 12, "G": 5, "J": 20},
    "ASI": {"A": 14, "B": 6, "C": 12, "D": 5, "E": 20, "F": 10, "G": 8, "J": 25},
    "TECH": {"A": 18, "B": 8, "C": 10, "D": 3, "E": 12, "F": 9, "G": 15, "J": 25},
    "ADJT": {"A": 12, "B": 5, "C": 5, "D": 1, "E": 2, "F": 10, "G": 45, "J": 20},
}

# Value of the point of the civil-service index (gross monthly, euros) from
# the date it applied: decrees of 2016, 2017, 2022 and 2023.
POINT_VALUES: tuple[tuple[str, float], ...] = (
    ("1900-01-01", 4.6303),
    ("2016-07-01", 4.6581),
    ("2017-02-01", 4.6860),
    ("2022-07-01", 4.8504),
    ("2023-07-01", 4.92278),
)

# Contract staff are paid by category, each at an index agreed in their contract: drawn once per agent
# between these bounds (indice majoré).
CONTRACT_INDEX: dict[str, tuple[int, int]] = {"A": (420, 640), "B": (360, 470), "C": (361, 400)}
CONTRACT_CORPS = ("CONTRACTUEL", "ENSCONT")

# Bonuses are where the civil service's pay gap at equal corps, grade and échelon lies (DGAFP, rapport annuel
# sur l'égalité professionnelle): women's bonuses are drawn a little lower, so the index has a gap to measure.
WOMEN_BONUS_FACTOR = 0.95
# Agents posted overseas (an antenna in an overseas department, or abroad): the share of agents, drawn once each,
# and their majoration, a quarter of the salary (loi 50-407 of 3 April 1950: the base majoration of the historic
# DOM; the rates differ by territory). Paid with the bonuses; the equality index leaves it out of pay.
OVERSEAS = (0.006, 0.25)
# Teacher-researchers' research bonus (RIPEC C3, formerly PEDR): the share receiving it and its monthly range.
RESEARCH_BONUS = (0.08, 300.0, 900.0)

# Monthly allowance of a function (RIPEC C2, NBI, emploi fonctionnel), by the start of its title, first match
# wins; an agent holding several gets the largest. Titles are those of HEAD_OF, COMPONENT_FUNCTIONS and
# UNIVERSITY_FUNCTIONS below.
FUNCTION_ALLOWANCES: tuple[tuple[tuple[str, ...], float], ...] = (
    (("Président de l'université", "Présidente de l'université"), 3700.0),
    (("Directeur général des services", "Directrice générale des services"), 2600.0),
    (("Agent comptable", "Agente comptable"), 1200.0),
    (("Vice-président", "Vice-présidente"), 800.0),
    (("Directeur de l'UFR", "Directrice de l'UFR", "Directeur de l'IUT", "Directrice de l'IUT",
      "Directeur de l'École", "Directrice de l'École", "Directeur de l'INSPE", "Directrice de l'INSPE"), 550.0),
    (("Directeur", "Directrice"), 300.0),
    (("Responsable administratif", "Responsable administrative"), 250.0),
)

SICK_LEAVE_TYPES: tuple[tuple[str, str], ...] = (
    ("CMO", "Congé de maladie ordinaire"),
    ("CLM", "Congé de longue maladie"),
    ("CLD", "Congé de longue durée"),
    ("CITIS", "Congé pour invalidité temporaire imputable au service"),
)

DISABILITY_TYPES: tuple[tuple[str, float], ...] = (
    ("RQTH", 0.75),
    ("Pension d'invalidité", 0.08),
    ("Allocation aux adultes handicapés", 0.05),
    ("Carte mobilité inclusion", 0.07),
    ("Accident du travail ou maladie professionnelle (IPP >= 10 %)", 0.05),
)


class Function(NamedTuple):
    """A public function: title (masculine, feminine), who may hold it, shown in the directory or not."""

    masculine: str
    feminine: str
    holders: str
    visible: bool


# Function titles; "{of}" is replaced by the structure's "of" form
# ("de l'UFR de chimie"). ``holders``: 'teacher' (PR/MCF), 'admin_a'
# (BIATSS category A), 'admin_bc' (BIATSS categories B and C).
HEAD_OF: dict[str, Function] = {
    "ufr": Function("Directeur {of}", "Directrice {of}", "teacher", True),
    "institut": Function("Directeur {of}", "Directrice {of}", "teacher", True),
    "ecole": Function("Directeur {of}", "Directrice {of}", "teacher", True),
    "laboratoire": Function("Directeur {of}", "Directrice {of}", "teacher", True),
    "departement": Function("Responsable {of}", "Responsable {of}", "teacher", True),
    "service": Function("Directeur {of}", "Directrice {of}", "admin_a", True),
}

COMPONENT_FUNCTIONS: tuple[Function, ...] = (
    Function("Responsable administratif {of}", "Responsable administrative {of}", "admin_a", True),
    Function("Directeur des études {of}", "Directrice des études {of}", "teacher", True),
    Function("Assistant de prévention {of}", "Assistante de prévention {of}", "admin_bc", False),
    Function("Correspondant informatique {of}", "Correspondante informatique {of}", "admin_bc", False),
)

UNIVERSITY_FUNCTIONS: tuple[Function, ...] = (
    Function("Président de l'université", "Présidente de l'université", "teacher", True),
    Function("Vice-président du conseil d'administration", "Vice-présidente du conseil d'administration",
             "teacher", True),
    Function("Vice-président de la commission de la recherche", "Vice-présidente de la commission de la recherche",
             "teacher", True),
    Function("Vice-président de la commission de la formation et de la vie universitaire",
             "Vice-présidente de la commission de la formation et de la vie universitaire", "teacher", True),
    Function("Vice-président chargé du numérique", "Vice-présidente chargée du numérique", "teacher", True),
    Function("Vice-président chargé des relations internationales",
             "Vice-présidente chargée des relations internationales", "teacher", True),
    Function("Directeur général des services", "Directrice générale des services", "admin_a", True),
    Function("Agent comptable", "Agente comptable", "admin_a", True),
    Function("Chargé de mission handicap", "Chargée de mission handicap", "teacher", True),
    Function("Délégué à la protection des données", "Déléguée à la protection des données", "admin_a", True),
    Function("Référent égalité entre les femmes et les hommes", "Référente égalité entre les femmes et les hommes",
             "teacher", True),
    Function("Conseiller de prévention", "Conseillère de prévention", "admin_a", False),
)

# A programme head (responsable de formation) for each diploma offered: a teacher of the diploma's component.
# Not shown in the directory: the programme's own pages name them.
PROGRAMME_HEAD = Function("Responsable de formation : {of}", "Responsable de formation : {of}", "teacher", False)

# The HR system's code of each function (hr.fonctions.code_fonction), by its masculine title.
FUNCTION_CODES: dict[str, str] = {
    "Directeur {of}": "DIR", "Responsable {of}": "RESP_DEPT", "Responsable administratif {of}": "RESP_ADM",
    "Directeur des études {of}": "DIR_ETU", "Assistant de prévention {of}": "ASS_PREV",
    "Correspondant informatique {of}": "CORR_INFO", "Président de l'université": "PRES",
    "Vice-président du conseil d'administration": "VP_CA", "Vice-président de la commission de la recherche": "VP_CR",
    "Vice-président de la commission de la formation et de la vie universitaire": "VP_CFVU",
    "Vice-président chargé du numérique": "VP_NUM", "Vice-président chargé des relations internationales": "VP_RI",
    "Directeur général des services": "DGS", "Agent comptable": "AC", "Chargé de mission handicap": "CM_HANDI",
    "Délégué à la protection des données": "DPD", "Référent égalité entre les femmes et les hommes": "REF_EGAL",
    "Conseiller de prévention": "CONS_PREV", PROGRAMME_HEAD.masculine: "RESP_FORM",
}
