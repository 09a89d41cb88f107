"""Disciplines, diplomas and baccalauréat series of the synthetic student system.

A discipline of the synthetic university writes the codes Apogée and Pégase
carry, those of the BCN nomenclatures kept in ``config/nomenclatures/``: its
SISE discipline (N_DISCIPLINE_SISE) and the SISE sectors of its diplomas
(N_SECTEUR_DISCIPLINAIRE_SISE), all sectors of that one discipline, as the
national files derive the discipline from the sector. Diploma codes have the
shape of N_DIPLOME_SISE: seven characters, the first one semi-significant
(1 licences, licences professionnelles and BUT; 2 masters; 42 the generic
doctorate codes), without claiming to be the ministry's actual codes. Shares
of women per discipline follow the orders of magnitude published by the
ministry (few women in computing and engineering, many in psychology and
languages).
"""

from __future__ import annotations

from typing import NamedTuple


class Discipline(NamedTuple):
    """A discipline: SISE discipline code, label, component, SISE sectors, share of women, share of students, bac profile.

    ``licences`` (or BUT for the IUT), ``masters`` and ``doctorate`` are the
    diploma titles (mentions) offered in the discipline; ``lp`` the
    professional bachelor's degrees.
    """

    code: str
    label: str
    component: str
    sectors: tuple[str, ...]
    women: float
    weight: float
    bac: str
    licences: tuple[str, ...]
    masters: tuple[str, ...]
    doctorate: str | None
    but: tuple[str, ...] = ()
    lp: tuple[str, ...] = ()


DISCIPLINES: tuple[Discipline, ...] = (
    Discipline("01", "Droit, sciences politiques", "UFR-DSP", ("01", "02", "03"), 0.66, 13.0, "eco",
               ("Droit", "Science politique"),
               ("Droit des affaires", "Droit public", "Droit pénal et sciences criminelles", "Science politique"),
               "Droit"),
    Discipline("02", "Sciences économiques, gestion", "UFR-SEG", ("04", "05", "06"), 0.52, 10.0, "eco",
               ("Économie et gestion", "Administration économique et sociale"),
               ("Économie appliquée", "Finance", "Management et administration des entreprises",
                "Contrôle de gestion et audit organisationnel"), "Sciences économiques"),
    Discipline("02", "Gestion (IUT)", "IUT", ("05",), 0.60, 4.0, "eco", (), (), None,
               ("Gestion des entreprises et des administrations",), ("Métiers de la gestion et de la comptabilité",)),
    Discipline("05", "Langues et littératures", "UFR-LLA", ("14", "15", "13"), 0.74, 9.0, "lit",
               ("Lettres", "Langues étrangères appliquées", "Langues, littératures et civilisations étrangères"),
               ("Lettres", "Langues étrangères appliquées", "Traduction et interprétation"),
               "Langues et littératures"),
    Discipline("04", "Arts", "UFR-LLA", ("12",), 0.65, 3.0, "lit", ("Arts plastiques", "Musicologie"), ("Arts",),
               "Arts"),
    Discipline("06", "Psychologie", "UFR-SHS", ("23",), 0.80, 7.0, "lit", ("Psychologie",),
               ("Psychologie clinique, psychopathologie et psychologie de la santé",
                "Psychologie sociale, du travail et des organisations"), "Psychologie"),
    Discipline("06", "Histoire, géographie", "UFR-SHS", ("18", "19", "20"), 0.45, 5.0, "lit",
               ("Histoire", "Géographie et aménagement"),
               ("Histoire, civilisations, patrimoine", "Géographie, aménagement, environnement et développement"),
               "Histoire"),
    Discipline("06", "Sciences de l'éducation", "INSPE", ("25",), 0.78, 4.0, "lit", ("Sciences de l'éducation",),
               ("Métiers de l'enseignement, de l'éducation et de la formation (MEEF) premier degré",
                "Métiers de l'enseignement, de l'éducation et de la formation (MEEF) second degré"),
               "Sciences de l'éducation"),
    Discipline("08", "Mathématiques", "UFR-MI", ("27", "30"), 0.36, 3.0, "sci", ("Mathématiques",),
               ("Mathématiques et applications", "Mathématiques appliquées, statistique"), "Mathématiques"),
    Discipline("08", "Informatique", "UFR-MI", ("36",), 0.17, 5.0, "sci", ("Informatique",),
               ("Informatique", "Méthodes informatiques appliquées à la gestion des entreprises (MIAGE)"),
               "Informatique"),
    Discipline("08", "Informatique (IUT)", "IUT", ("36",), 0.12, 4.0, "tech", (), (), None, ("Informatique",),
               ("Métiers de l'informatique : applications web",)),
    Discipline("08", "Physique", "UFR-PHY", ("28", "32"), 0.28, 2.5, "sci", ("Physique",),
               ("Physique fondamentale et applications", "Physique appliquée et ingénierie physique"), "Physique"),
    Discipline("08", "Chimie", "UFR-CHI", ("29", "32"), 0.50, 2.5, "sci", ("Chimie",),
               ("Chimie", "Chimie analytique"), "Chimie"),
    Discipline("09", "Sciences de la vie", "UFR-BIO", ("39", "41", "40"), 0.62, 9.0, "health",
               ("Sciences de la vie", "Sciences de la vie et de la Terre"),
               ("Biologie moléculaire et cellulaire", "Biologie intégrative et physiologie", "Bio-informatique"),
               "Sciences de la vie"),
    Discipline("08", "Sciences de l'ingénieur", "POLYTECH", ("33", "37", "35", "34"), 0.22, 4.0, "tech",
               ("Sciences pour l'ingénieur",), ("Génie mécanique", "Électronique, énergie électrique, automatique"),
               "Sciences de l'ingénieur"),
    Discipline("08", "Génie électrique (IUT)", "IUT", ("37",), 0.10, 2.0, "tech", (), (), None,
               ("Génie électrique et informatique industrielle",), ("Métiers de l'électricité et de l'énergie",)),
    Discipline("06", "Information et communication (IUT)", "IUT", ("26",), 0.70, 3.0, "eco", (), (), None,
               ("Métiers du multimédia et de l'internet",), ("Métiers de la communication : chargé de communication",)),
    Discipline("11", "STAPS", "UFR-STAPS", ("42",), 0.32, 5.0, "sport",
               ("Sciences et techniques des activités physiques et sportives",),
               ("STAPS : activité physique adaptée et santé", "STAPS : management du sport"), "STAPS"),
    Discipline("14", "Pharmacie", "UFR-PHA", ("45",), 0.66, 4.0, "health", ("Sciences pour la santé",),
               ("Sciences du médicament et des produits de santé",), "Pharmacie"),
)

class DiplomaType(NamedTuple):
    """A type of diploma: the prefix of its N_DIPLOME_SISE-shaped codes, its exit level, label, SISE type."""

    prefix: str
    level: str
    label: str
    sise: str  # N_TYPE_DIPLOME_SISE (config/nomenclatures/type_diplome_sise.csv)


# The source's own word for a type (type_diplome) -> how its diplomas are coded.
DIPLOMA_TYPES: dict[str, DiplomaType] = {
    "licence": DiplomaType("10", "bac+3", "Licence", "XA"),
    "BUT": DiplomaType("15", "bac+3", "BUT", "BU"),
    "licence professionnelle": DiplomaType("16", "bac+3", "Licence professionnelle", "DP"),
    "master": DiplomaType("23", "bac+5", "Master", "XB"),
    "doctorat": DiplomaType("42", "bac+8", "Doctorat", "YB"),
}

LEVELS: tuple[str, ...] = ("L1", "L2", "L3", "M1", "M2", "D1", "D2", "D3")

# Baccalauréat series: the 2021 reform replaced S, ES and L by one general
# baccalauréat; the technological and professional series remain.
BAC_BEFORE_2021: dict[str, dict[str, float]] = {
    "sci": {"S": 72, "ES": 8, "L": 1, "STL": 5, "STI2D": 7, "STMG": 3, "ST2S": 1, "PRO": 3},
    "eco": {"S": 25, "ES": 48, "L": 6, "STMG": 15, "PRO": 6},
    "lit": {"S": 10, "ES": 25, "L": 50, "STMG": 8, "ST2S": 2, "PRO": 5},
    "tech": {"S": 30, "ES": 5, "STI2D": 35, "STMG": 15, "STL": 5, "PRO": 10},
    "health": {"S": 62, "ES": 8, "L": 3, "ST2S": 15, "STL": 10, "STAV": 2},
    "sport": {"S": 35, "ES": 30, "L": 5, "STMG": 10, "ST2S": 10, "PRO": 10},
}
BAC_FROM_2021: dict[str, dict[str, float]] = {
    "sci": {"GENERAL": 82, "STL": 5, "STI2D": 7, "STMG": 3, "PRO": 3},
    "eco": {"GENERAL": 75, "STMG": 18, "PRO": 7},
    "lit": {"GENERAL": 82, "STMG": 10, "ST2S": 3, "PRO": 5},
    "tech": {"GENERAL": 45, "STI2D": 30, "STMG": 15, "STL": 5, "PRO": 5},
    "health": {"GENERAL": 75, "ST2S": 13, "STL": 10, "STAV": 2},
    "sport": {"GENERAL": 70, "STMG": 10, "ST2S": 10, "PRO": 10},
}
# Other access routes: foreign secondary diploma, DAEU (access diploma for adults).
BAC_FOREIGN, BAC_DAEU = "ETRANGER", "DAEU"

MENTIONS: tuple[tuple[str, float], ...] = (("P", 0.45), ("AB", 0.32), ("B", 0.17), ("TB", 0.06))

# Scholarship levels of the CROUS (0bis to 7) and their shares among scholarship holders.
SCHOLARSHIP_LEVELS: tuple[tuple[str, float], ...] = (
    ("0bis", 0.34), ("1", 0.12), ("2", 0.08), ("3", 0.08), ("4", 0.09), ("5", 0.10), ("6", 0.12), ("7", 0.07),
)

REGIMES: tuple[str, ...] = ("formation initiale", "formation continue", "apprentissage")
