"""The organisation chart of the synthetic university, shared by the three systems.

HR assigns agents to these structures, finance books expenses on them and the
student system names its components (UFR, institutes, schools) with the same
codes, as the three systems of a real university share one structure
referential.
"""

from __future__ import annotations

from typing import NamedTuple


class Structure(NamedTuple):
    """One structure: code, label, kind, parent, site, CNU sections of its teachers, LOLF destinations.

    ``of`` is the label as it follows a function title ("Directrice" + "de
    l'UFR de chimie", "Directeur" + "des ressources humaines"); ``has_uai`` says whether the structure is registered in
    the national directory of establishments (RNE).
    """

    code: str
    label: str
    kind: str
    parent: str | None
    site: str
    of: str
    has_uai: bool
    sections: tuple[str, ...]
    destinations: tuple[str, ...]
    opened: int
    closed: int | None = None


_TEACHING = ("101", "102", "103")

STRUCTURES: tuple[Structure, ...] = (
    Structure("UNIV", "Université de Démonstration", "universite", None, "curie", "de l'université", True, (),
              ("115",), 1971),
    # Components (composantes): where students enrol and teachers teach.
    Structure("UFR-DSP", "UFR de droit et science politique", "ufr", "UNIV", "medecine",
              "de l'UFR de droit et science politique", True, ("01", "02", "04"), _TEACHING, 1971),
    Structure("UFR-SEG", "UFR de sciences économiques et de gestion", "ufr", "UNIV", "france",
              "de l'UFR de sciences économiques et de gestion", True, ("05", "06"), _TEACHING, 1971),
    Structure("UFR-LLA", "UFR de lettres, langues et arts", "ufr", "UNIV", "france",
              "de l'UFR de lettres, langues et arts", True, ("07", "09", "11", "14", "18"), _TEACHING, 1971),
    Structure("UFR-SHS", "UFR de sciences humaines et sociales", "ufr", "UNIV", "france",
              "de l'UFR de sciences humaines et sociales", True, ("16", "19", "21", "22", "23", "72"), _TEACHING,
              1971),
    Structure("UFR-MI", "UFR de mathématiques et d'informatique", "ufr", "UNIV", "curie",
              "de l'UFR de mathématiques et d'informatique", True, ("25", "26", "27"), _TEACHING, 1985),
    Structure("UFR-PHY", "UFR de physique", "ufr", "UNIV", "curie", "de l'UFR de physique", True,
              ("28", "29", "30"), _TEACHING, 1971),
    Structure("UFR-CHI", "UFR de chimie", "ufr", "UNIV", "curie", "de l'UFR de chimie", True,
              ("31", "32", "33"), _TEACHING, 1971),
    Structure("UFR-BIO", "UFR des sciences du vivant", "ufr", "UNIV", "curie", "de l'UFR des sciences du vivant",
              True, ("64", "65", "66", "67", "68", "69"), _TEACHING, 2012),
    # Deliberate defect: the STAPS component lacks its UAI (a missing code).
    Structure("UFR-STAPS", "UFR des sciences et techniques des activités physiques et sportives", "ufr", "UNIV",
              "denis", "de l'UFR STAPS", False, ("74",), _TEACHING, 1990),
    Structure("UFR-PHA", "UFR de pharmacie", "ufr", "UNIV", "medecine", "de l'UFR de pharmacie", True,
              ("85", "86", "87"), _TEACHING, 1971),
    Structure("IUT", "Institut universitaire de technologie Lucie Aubrac", "institut", "UNIV", "denis",
              "de l'IUT Lucie Aubrac", True, ("06", "27", "61", "63", "71"), ("101",), 1968),
    Structure("POLYTECH", "École polytechnique universitaire Ada Lovelace", "ecole", "UNIV", "curie",
              "de l'École polytechnique universitaire Ada Lovelace", True, ("27", "60", "61", "62", "63"),
              ("101", "102"), 1995),
    Structure("INSPE", "Institut national supérieur du professorat et de l'éducation", "institut", "UNIV",
              "france", "de l'INSPE", True, ("70", "72"), ("101", "102"), 1991),
    # A component merged into UFR-BIO in 2012: still named by the career situations that ended before.
    Structure("UFR-SVT", "UFR de sciences de la vie et de la Terre", "ufr", "UNIV", "curie",
              "de l'UFR de sciences de la vie et de la Terre", True, ("64", "65", "67"), _TEACHING, 1971, 2011),
    # Laboratories: eponymous names are public names, not persons.
    Structure("LAB-PERRIN", "Laboratoire Jean Perrin", "laboratoire", "UFR-PHY", "curie",
              "du laboratoire Jean Perrin", False, ("28", "30"), ("108",), 1998),
    Structure("LAB-JORDAN", "Institut de mathématiques Camille Jordan", "laboratoire", "UFR-MI", "curie",
              "de l'Institut de mathématiques Camille Jordan", False, ("25", "26"), ("107",), 1998),
    Structure("LAB-LOVELACE", "Laboratoire d'informatique Ada Lovelace", "laboratoire", "UFR-MI", "curie",
              "du laboratoire d'informatique Ada Lovelace", False, ("27",), ("107",), 1998),
    Structure("LAB-JOLIOT", "Laboratoire de chimie Irène Joliot-Curie", "laboratoire", "UFR-CHI", "curie",
              "du laboratoire de chimie Irène Joliot-Curie", False, ("31", "32", "33"), ("108",), 1998),
    Structure("LAB-MONOD", "Institut de biologie Jacques Monod", "laboratoire", "UFR-BIO", "curie",
              "de l'Institut de biologie Jacques Monod", False, ("64", "65", "66"), ("106",), 1998),
    Structure("LAB-CURIEN", "Laboratoire d'optique Hubert Curien", "laboratoire", "UFR-PHY", "curie",
              "du laboratoire d'optique Hubert Curien", False, ("30", "63"), ("108",), 1998),
    Structure("LAB-GOUGES", "Centre de recherche juridique Olympe de Gouges", "laboratoire", "UFR-DSP",
              "medecine", "du centre de recherche juridique Olympe de Gouges", False, ("01", "02"), ("111",), 1998),
    Structure("LAB-TILLION", "Laboratoire d'histoire Germaine Tillion", "laboratoire", "UFR-SHS", "france",
              "du laboratoire d'histoire Germaine Tillion", False, ("21", "22"), ("111",), 1998),
    Structure("LAB-ECO", "Laboratoire d'économie et de gestion", "laboratoire", "UFR-SEG", "france",
              "du laboratoire d'économie et de gestion", False, ("05", "06"), ("111",), 1998),
    Structure("LAB-PSY", "Laboratoire de psychologie cognitive", "laboratoire", "UFR-SHS", "france",
              "du laboratoire de psychologie cognitive", False, ("16",), ("111",), 1998),
    Structure("LAB-MOTRIC", "Laboratoire de biologie de la motricité", "laboratoire", "UFR-STAPS", "denis",
              "du laboratoire de biologie de la motricité", False, ("74", "66"), ("106",), 1998),
    Structure("LAB-ZOLA", "Centre d'études Émile Zola", "laboratoire", "UFR-LLA", "france",
              "du centre d'études Émile Zola", False, ("09", "07"), ("111",), 1998),
    # Departments of teaching.
    Structure("DEP-MATH", "Département de mathématiques", "departement", "UFR-MI", "curie",
              "du département de mathématiques", False, ("25", "26"), ("101",), 1985),
    Structure("DEP-INFO", "Département d'informatique", "departement", "UFR-MI", "curie",
              "du département d'informatique", False, ("27",), ("101",), 1985),
    Structure("DEP-LEA", "Département de langues étrangères appliquées", "departement", "UFR-LLA", "france",
              "du département de langues étrangères appliquées", False, ("11", "14"), ("101",), 1990),
    Structure("DEP-PSY", "Département de psychologie", "departement", "UFR-SHS", "france",
              "du département de psychologie", False, ("16",), ("101",), 1980),
    Structure("DEP-GEA", "Département gestion des entreprises et des administrations", "departement", "IUT",
              "denis", "du département GEA", False, ("06",), ("101",), 1970),
    Structure("DEP-MMI", "Département métiers du multimédia et de l'internet", "departement", "IUT", "denis",
              "du département MMI", False, ("71", "27"), ("101",), 1998),
    # Central and common services.
    Structure("PRES", "Présidence", "service", "UNIV", "curie", "de la présidence", False, (), ("115",), 1971),
    Structure("DGS", "Direction générale des services", "service", "UNIV", "curie",
              "général des services", False, (), ("115",), 1971),
    Structure("DRH", "Direction des ressources humaines", "service", "DGS", "curie",
              "des ressources humaines", False, (), ("115",), 1971),
    Structure("DAF", "Direction des affaires financières", "service", "DGS", "curie",
              "des affaires financières", False, (), ("115",), 1971),
    Structure("AC", "Agence comptable", "service", "DGS", "curie", "de l'agence comptable", False, (), ("115",),
              1971),
    Structure("DSI", "Direction du système d'information", "service", "DGS", "france",
              "du système d'information", False, (), ("115",), 1995),
    Structure("DPI", "Direction du patrimoine immobilier", "service", "DGS", "curie",
              "du patrimoine immobilier", False, (), ("114",), 1990),
    Structure("DFVE", "Direction de la formation et de la vie étudiante", "service", "DGS", "france",
              "de la formation et de la vie étudiante", False, (), ("101", "203"), 1971),
    Structure("DRV", "Direction de la recherche et de la valorisation", "service", "DGS", "curie",
              "de la recherche et de la valorisation", False, (), ("112",), 1995),
    Structure("DRI", "Direction des relations internationales", "service", "DGS", "france",
              "des relations internationales", False, (), ("115",), 1998),
    Structure("SCD", "Bibliothèque universitaire Marie Curie", "service", "UNIV", "curie",
              "de la bibliothèque universitaire Marie Curie", True, (), ("105",), 1971),
    Structure("SSE", "Service de santé étudiante", "service", "DFVE", "france", "du service de santé étudiante",
              False, (), ("203",), 1971),
    Structure("SUAPS", "Service universitaire des activités physiques et sportives", "service", "DFVE", "denis",
              "du SUAPS", False, (), ("203",), 1975),
    Structure("MDE", "Maison de l'étudiant Joséphine Baker", "service", "DFVE", "france",
              "de la maison de l'étudiant Joséphine Baker", False, (), ("203",), 2004),
)

BY_CODE: dict[str, Structure] = {s.code: s for s in STRUCTURES}

# Structures still open: where agents are assigned and budgets booked today.
OPEN: tuple[Structure, ...] = tuple(s for s in STRUCTURES if s.closed is None)
COMPONENTS: tuple[Structure, ...] = tuple(s for s in OPEN if s.kind in ("ufr", "institut", "ecole"))
LABS: tuple[Structure, ...] = tuple(s for s in OPEN if s.kind == "laboratoire")
SERVICES: tuple[Structure, ...] = tuple(s for s in OPEN if s.kind in ("service", "universite"))
DEPARTMENTS: tuple[Structure, ...] = tuple(s for s in OPEN if s.kind == "departement")

# Deliberate defect: a structure code that some old records carry but the
# referential never had (a typo kept in the HR system).
UNKNOWN_STRUCTURE = "UFR-GEO"
