"""Disciplines, diplomas and baccalauréat series of the synthetic student system.

Discipline codes and diploma codes follow the shape of the SISE nomenclatures
(2-character discipline, 7-character diploma code) without claiming to be the
ministry's actual codes. Shares of women per discipline follow the orders of
magnitude published by the ministry (few women in computing and engineering,
many in psychology and languages).
"""

from __future__ import annotations

from typing import NamedTuple


class Discipline(NamedTuple):
    """A discipline: code, label, component, CNU-like sectors, share of women, share of students, bac profile.

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
    Discipline("01", "Droit, sciences politiques", "UFR-DSP", ("01", "02", "04"), 0.66, 13.0, "eco",
               ("Droit", "Science politique"),
               ("Droit des affaires", "Droit public", "Droit pénal et sciences criminelles", "Science politique"),
               "Droit"),
    Discipline("04", "Sciences économiques, gestion", "UFR-SEG", ("05", "06"), 0.52, 10.0, "eco",
               ("Économie et gestion", "Administration économique et sociale"),
               ("Économie appliquée", "Finance", "Management et administration des entreprises",
                "Contrôle de gestion et audit organisationnel"), "Sciences économiques"),
    Discipline("05", "Gestion (IUT)", "IUT", ("06",), 0.60, 4.0, "eco", (), (), None,
               ("Gestion des entreprises et des administrations",), ("Métiers de la gestion et de la comptabilité",)),
    Discipline("07", "Langues et littératures", "UFR-LLA", ("07", "09", "11", "14"), 0.74, 9.0, "lit",
               ("Lettres", "Langues étrangères appliquées", "Langues, littératures et civilisations étrangères"),
               ("Lettres", "Langues étrangères appliquées", "Traduction et interprétation"),
               "Langues et littératures"),
    Discipline("08", "Arts", "UFR-LLA", ("18",), 0.65, 3.0, "lit", ("Arts plastiques", "Musicologie"), ("Arts",),
               "Arts"),
    Discipline("10", "Psychologie", "UFR-SHS", ("16",), 0.80, 7.0, "lit", ("Psychologie",),
               ("Psychologie clinique, psychopathologie et psychologie de la santé",
                "Psychologie sociale, du travail et des organisations"), "Psychologie"),
    Discipline("11", "Histoire, géographie", "UFR-SHS", ("21", "22", "23"), 0.45, 5.0, "lit",
               ("Histoire", "Géographie et aménagement"),
               ("Histoire, civilisations, patrimoine", "Géographie, aménagement, environnement et développement"),
               "Histoire"),
    Discipline("13", "Sciences de l'éducation", "INSPE", ("70",), 0.78, 4.0, "lit", ("Sciences de l'éducation",),
               ("Métiers de l'enseignement, de l'éducation et de la formation (MEEF) premier degré",
                "Métiers de l'enseignement, de l'éducation et de la formation (MEEF) second degré"),
               "Sciences de l'éducation"),
    Discipline("20", "Mathématiques", "UFR-MI", ("25", "26"), 0.36, 3.0, "sci", ("Mathématiques",),
               ("Mathématiques et applications", "Mathématiques appliquées, statistique"), "Mathématiques"),
    Discipline("23", "Informatique", "UFR-MI", ("27",), 0.17, 5.0, "sci", ("Informatique",),
               ("Informatique", "Méthodes informatiques appliquées à la gestion des entreprises (MIAGE)"),
               "Informatique"),
    Discipline("24", "Informatique (IUT)", "IUT", ("27",), 0.12, 4.0, "tech", (), (), None, ("Informatique",),
               ("Métiers de l'informatique : applications web",)),
    Discipline("21", "Physique", "UFR-PHY", ("28", "29", "30"), 0.28, 2.5, "sci", ("Physique",),
               ("Physique fondamentale et applications", "Physique appliquée et ingénierie physique"), "Physique"),
    Discipline("22", "Chimie", "UFR-CHI", ("31", "32", "33"), 0.50, 2.5, "sci", ("Chimie",),
               ("Chimie", "Chimie analytique"), "Chimie"),
    Discipline("25", "Sciences de la vie", "UFR-BIO", ("64", "65", "66", "67", "68", "69"), 0.62, 9.0, "health",
               ("Sciences de la vie", "Sciences de la vie et de la Terre"),
               ("Biologie moléculaire et cellulaire", "Biologie intégrative et physiologie", "Bio-informatique"),
               "Sciences de la vie"),
    Discipline("26", "Sciences de l'ingénieur", "POLYTECH", ("60", "61", "62", "63"), 0.22, 4.0, "tech",
               ("Sciences pour l'ingénieur",), ("Génie mécanique", "Électronique, énergie électrique, automatique"),
               "Sciences de l'ingénieur"),
    Discipline("27", "Génie électrique (IUT)", "IUT", ("63",), 0.10, 2.0, "tech", (), (), None,
               ("Génie électrique et informatique industrielle",), ("Métiers de l'électricité et de l'énergie",)),
    Discipline("17", "Information et communication (IUT)", "IUT", ("71",), 0.70, 3.0, "eco", (), (), None,
               ("Métiers du multimédia et de l'internet",), ("Métiers de la communication : chargé de communication",)),
    Discipline("30", "STAPS", "UFR-STAPS", ("74",), 0.32, 5.0, "sport",
               ("Sciences et techniques des activités physiques et sportives",),
               ("STAPS : activité physique adaptée et santé", "STAPS : management du sport"), "STAPS"),
    Discipline("35", "Pharmacie", "UFR-PHA", ("85", "86", "87"), 0.66, 4.0, "health", ("Sciences pour la santé",),
               ("Sciences du médicament et des produits de santé",), "Pharmacie"),
)

# SISE-style prefixes of diploma codes by type of diploma.
DIPLOMA_TYPES: dict[str, tuple[str, str, str]] = {
    # type: (code prefix, exit level, label prefix)
    "licence": ("25", "bac+3", "Licence"),
    "BUT": ("22", "bac+3", "BUT"),
    "licence professionnelle": ("24", "bac+3", "Licence professionnelle"),
    "master": ("45", "bac+5", "Master"),
    "doctorat": ("60", "bac+8", "Doctorat"),
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
