"""What Code de l'éducation L612-1 asks a university to publish: success and continuation of studies, and the
equal-opportunity indicators by sex (loi 2021-1774, décret 2023-1400).

The builders start from the same enrolments as the headline table (principal
enrolments counted on 15 January, ``students.effectifs_etudiants``) and the
same diplomas awarded, so every figure adds up to a published headcount.
Every column they add is builder-made (``<table>._name``): a year, a code
from a nomenclature, an indicator's name or a yes/no outcome, never a
person's value; the policies publish persons' values only through their
source columns (sex, the funding of a thesis, the scholarship).
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from anonymisation.datasets.base import PARTITION, Builder, BuildContext, Reader, active_on, prefixed
from anonymisation.datasets.national import academic_year_label, with_establishment
from anonymisation.datasets.students import diplomes_delivres, effectifs_etudiants
from resources.common.nomenclatures import table

# A year's results are final once its juries, second sessions and thesis defences are past: 1 October of the
# following calendar year.
RESULTS_FINAL = (10, 1)
# The next rentrée's enrolments are closed (doctoral ones end in November): from 1 December a continuation
# rate is known, up to the late enrolments the census of 15 January may still add.
CONTINUATION_KNOWN = (12, 1)
# Year of study -> the next one in the same kind of diploma (the last year of a diploma has none).
NEXT_LEVEL = {"L1": "L2", "L2": "L3", "M1": "M2", "D1": "D2", "D2": "D3"}
# The indicators, as published (column ``indicateur``), and their outcome counted as a success.
PASSED, NEXT, STAYED = "reussite", "poursuite_niveau_suivant", "poursuite_etablissement"
SUCCESS = "oui"
# The HR system's code of a programme head (hr.fonctions.code_fonction).
PROGRAMME_HEAD = "RESP_FORM"
CENSUS = (1, 15)


def _on(year: pd.Series, month_day: tuple[int, int]) -> pd.Series:
    """The day ``month_day`` of the calendar year after each academic year's start (2024 -> 2025-mm-dd)."""
    return pd.to_datetime((year + 1).astype("str") + f"-{month_day[0]:02d}-{month_day[1]:02d}")


def _outcome(values: pd.Series) -> pd.Series:
    return values.map({True: SUCCESS, False: "non"}).astype("str")


def reussite_parcours(read: Reader, ctx: BuildContext) -> pd.DataFrame:
    """Each counted enrolment once per indicator it enters, with its outcome (``parcours._issue``: oui or non).

    - reussite: the enrolments of a year whose results are final; success when the year's result is "admis"
      (an enrolment without a result counts as not passed, as the ministry counts its enrolled students);
    - poursuite_niveau_suivant: the enrolments of a year with a next year of study (L1, L2, M1, D1, D2);
      success when the student is counted the next rentrée at that next year in a diploma of the same type;
    - poursuite_etablissement: every enrolment of a year; success when the student is counted the next
      rentrée, in any diploma and year of study of the university (repeating a year included).
    A continuation needs the next rentrée's enrolments, known from 1 December.
    """
    frame = effectifs_etudiants(read, ctx)
    year = frame["inscriptions.annee_universitaire"].astype("int64")
    today = pd.Timestamp(ctx.as_of)
    results = read("students", "resultats").drop(columns=[PARTITION], errors="ignore")
    results = results.drop_duplicates("id_resultat").drop_duplicates("id_inscription").set_index("id_inscription")
    admitted = frame["inscriptions.id_inscription"].map(results["resultat"]).astype("str").eq("admis")
    final = (_on(year, RESULTS_FINAL) <= today).to_numpy()
    # The outcome is taken on the same rows: assigned whole onto no row, it would bring every row back.
    passed = frame[final].assign(**{"parcours._indicateur": PASSED, "parcours._issue": _outcome(admitted[final])})
    following = frame[["inscriptions.numero_etudiant", "inscriptions.annee_universitaire",
                       "diplomes.type_diplome_sise", "inscriptions.niveau"]].copy()
    following["inscriptions.annee_universitaire"] = following["inscriptions.annee_universitaire"] - 1
    following = following.rename(columns={"diplomes.type_diplome_sise": "_type_next",
                                          "inscriptions.niveau": "_level_next"})
    known = frame[((_on(year, CONTINUATION_KNOWN) <= today) & year.add(1).isin(set(year))).to_numpy()]
    known = known.merge(following, on=["inscriptions.numero_etudiant", "inscriptions.annee_universitaire"], how="left")
    stayed = known.assign(**{"parcours._indicateur": STAYED, "parcours._issue": _outcome(known["_level_next"].notna())})
    ahead = known[known["inscriptions.niveau"].astype("str").isin(list(NEXT_LEVEL))]
    moved_on = (ahead["_level_next"].astype("str") == ahead["inscriptions.niveau"].astype("str").map(NEXT_LEVEL)) & (
        ahead["_type_next"].astype("str") == ahead["diplomes.type_diplome_sise"].astype("str"))
    ahead = ahead.assign(**{"parcours._indicateur": NEXT, "parcours._issue": _outcome(moved_on)})
    out = pd.concat([passed, ahead, stayed], ignore_index=True)
    return out.drop(columns=["_type_next", "_level_next"])


def _doctoral_group(discipline: pd.Series) -> tuple[pd.Series, pd.Series]:
    """The doctoral discipline group (SEA, SDV, SHS: décret 2023-1400) of SISE disciplines, and its label."""
    disciplines = table("discipline_sise").set_index("code")["groupe_doctorat"]
    labels = table("groupe_doctorat").set_index("code")["libelle"]
    group = discipline.astype("str").map(disciplines)
    return group, group.map(labels)


def _part(frame: pd.DataFrame, indicator: str, year: str, *, doctoral: bool = False) -> pd.DataFrame:
    """One indicator's persons: its name, year, programme (or doctoral discipline group) and sex."""
    part = pd.DataFrame({
        "indicateurs._indicateur": indicator, "indicateurs._rentree": frame[year].astype("int64"),
        "etudiants.sexe": frame["etudiants.sexe"],
        "diplomes.code_diplome": frame["diplomes.code_diplome"], "diplomes.libelle": frame["diplomes.libelle"],
        "diplomes.type_diplome_sise": frame["diplomes.type_diplome_sise"],
        "diplomes.niveau_sortie": frame["diplomes.niveau_sortie"],
    }, index=frame.index)
    part["indicateurs._rentree_lib"] = academic_year_label(part["indicateurs._rentree"])
    prefix = year.split(".")[0]
    for name in ("_typ_diplome_lib", "_cursus_lmd", "_cursus_lmd_lib", "_etablissement_id_uai",
                 "_etablissement_id_paysage", "_etablissement_lib"):
        part[f"indicateurs.{name}"] = frame[f"{prefix}.{name}"]
    group, label = _doctoral_group(frame["diplomes.code_discipline"])
    part["indicateurs._groupe_doctorat"], part["indicateurs._groupe_doctorat_lib"] = group, label
    if doctoral:  # the text asks these by discipline group only
        programme = ["diplomes.code_diplome", "diplomes.libelle", "diplomes.type_diplome_sise",
                     "diplomes.niveau_sortie", "indicateurs._typ_diplome_lib"]
        part[programme] = None
    else:
        part[["indicateurs._groupe_doctorat", "indicateurs._groupe_doctorat_lib"]] = None
    return part


def indicateurs_egalite_chances(read: Reader, ctx: BuildContext) -> pd.DataFrame:
    """The persons each equal-opportunity indicator counts by sex, one row per person and indicator.

    inscrits (the headline table's enrolments) and diplomes (diplomas awarded, with their exit level) by
    programme; doctorants_premiere_annee (enrolled in the first year of a doctorate) and soutenances_these
    (doctorates awarded: the jury of an awarded doctorate is its defence) by doctoral discipline group.
    """
    exit_level = read("students", "diplomes").drop_duplicates("code_diplome").set_index("code_diplome")["niveau_sortie"]
    enrolled, awarded = effectifs_etudiants(read, ctx), diplomes_delivres(read, ctx)
    for frame in (enrolled, awarded):
        frame["diplomes.niveau_sortie"] = frame["diplomes.code_diplome"].map(exit_level)
    first_year = enrolled[enrolled["inscriptions.niveau"].astype("str") == "D1"]
    defences = awarded[awarded["resultats._cursus_lmd"].astype("str") == "D"]
    year_in, year_out = "inscriptions.annee_universitaire", "resultats.annee_universitaire"
    return pd.concat([
        _part(enrolled, "inscrits", year_in), _part(awarded, "diplomes", year_out),
        _part(first_year, "doctorants_premiere_annee", year_in, doctoral=True),
        _part(defences, "soutenances_these", year_out, doctoral=True),
    ], ignore_index=True)


def doctorants_premiere_annee(read: Reader, ctx: BuildContext) -> pd.DataFrame:
    """Doctoral students counted in their first year (D1), with their thesis funding
    (``inscriptions.financement_these``)."""
    enrolled = effectifs_etudiants(read, ctx)
    return enrolled[enrolled["inscriptions.niveau"].astype("str") == "D1"]


def responsables_formation(read: Reader, ctx: BuildContext) -> pd.DataFrame:
    """The programme heads in office during each staged year's rentrée, one row per person and rentrée.

    The rentrée N (a staged year N) is counted on 15 January N+1, the day the enrolments are counted, or on
    the day of the run if that is earlier; a person heading several programmes counts once.
    """
    functions = read("hr", "fonctions")
    years = sorted({int(y) for y in functions[PARTITION].dropna()}) if PARTITION in functions else [ctx.as_of.year]
    functions = functions.drop(columns=[PARTITION], errors="ignore").drop_duplicates("id_fonction")
    heads = functions[functions["code_fonction"].astype("str") == PROGRAMME_HEAD]
    agents = prefixed(read("hr", "agents").drop_duplicates("matricule")[["matricule", "sexe"]], "agents")
    parts = []
    for year in years:
        day = min(dt.date(year + 1, *CENSUS), ctx.as_of)
        held = heads[active_on(heads, "date_debut", "date_fin", day)].drop_duplicates("matricule")
        parts.append(prefixed(held[["matricule"]], "fonctions").assign(**{"fonctions._rentree": year}))
    frame = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=["fonctions.matricule",
                                                                                    "fonctions._rentree"])
    frame = frame.merge(agents, left_on="fonctions.matricule", right_on="agents.matricule", how="inner")
    frame["fonctions._rentree_lib"] = academic_year_label(frame["fonctions._rentree"])
    return with_establishment(frame, "fonctions", ctx.institution)


# The builders of this module, by the name a policy writes in ``builder:``.
BUILDERS: dict[str, Builder] = {
    "reussite_parcours": reussite_parcours,
    "indicateurs_egalite_chances": indicateurs_egalite_chances,
    "doctorants_premiere_annee": doctorants_premiere_annee,
    "responsables_formation": responsables_formation,
}
