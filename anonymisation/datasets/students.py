"""Student datasets: enrolments at the census date, diplomas awarded, graduates (D312-1-3 4°),
the diplomas catalogue; and the shared reference list of structures."""

from __future__ import annotations

import pandas as pd

from anonymisation.datasets.base import PARTITION, Builder, BuildContext, Reader, prefixed
from anonymisation.datasets.national import academic_year_label, with_establishment, with_sise

# Enrolments are counted on 15 January of the academic year (SISE census date),
# not as a moving daily count.
CENSUS_MONTH_DAY = (1, 15)


def _students(read: Reader) -> pd.DataFrame:
    return read("students", "etudiants").drop_duplicates("numero_etudiant")


def _diplomas(read: Reader) -> pd.DataFrame:
    return prefixed(read("students", "diplomes")[["code_diplome", "libelle", "type_diplome_sise", "code_discipline",
                                                  "secteur_disciplinaire"]], "diplomes")


def effectifs_etudiants(read: Reader, ctx: BuildContext) -> pd.DataFrame:
    """Principal enrolments registered by the census date of their academic year, with their national codes.

    One builder serves the headline table and the protected crosses (scholarship, nationality,
    baccalauréat): each policy picks its columns.
    """
    enrolments = read("students", "inscriptions").drop(columns=[PARTITION], errors="ignore")
    census = pd.to_datetime((enrolments["annee_universitaire"] + 1).astype("str") + "-01-15")
    counted = enrolments["inscription_principale"].fillna(False).astype(bool) & (pd.to_datetime(enrolments["date_inscription"]) <= census)
    frame = prefixed(enrolments[counted].drop_duplicates(["numero_etudiant", "annee_universitaire"]), "inscriptions")
    people = prefixed(_students(read)[["numero_etudiant", "sexe", "serie_bac", "echelon_bourse", "nationalite"]], "etudiants")
    frame = frame.merge(people, left_on="inscriptions.numero_etudiant", right_on="etudiants.numero_etudiant", how="left")
    frame = frame.merge(_diplomas(read), left_on="inscriptions.code_diplome", right_on="diplomes.code_diplome", how="left")
    frame["inscriptions._rentree_lib"] = academic_year_label(frame["inscriptions.annee_universitaire"])
    frame = with_sise(frame, "inscriptions", diploma_type="diplomes.type_diplome_sise",
                      discipline="inscriptions.code_discipline", sector="inscriptions.secteur_disciplinaire",
                      level="inscriptions.niveau")
    return with_establishment(frame, "inscriptions", ctx.institution)


def _awarded(read: Reader) -> pd.DataFrame:
    results = read("students", "resultats").drop(columns=[PARTITION], errors="ignore").drop_duplicates("id_resultat")
    awarded = results[results["diplome_delivre"].fillna(False).astype(bool)].copy()
    awarded["mention"] = awarded["mention"].fillna("sans mention")
    return prefixed(awarded, "resultats")


def diplomes_delivres(read: Reader, ctx: BuildContext) -> pd.DataFrame:
    """Diplomas awarded, one row per graduate and diploma, with the diploma's national codes."""
    people = prefixed(_students(read)[["numero_etudiant", "sexe"]], "etudiants")
    frame = _awarded(read).merge(people, left_on="resultats.numero_etudiant", right_on="etudiants.numero_etudiant", how="left")
    frame = frame.merge(_diplomas(read), left_on="resultats.code_diplome", right_on="diplomes.code_diplome", how="left")
    frame = with_sise(frame, "resultats", diploma_type="diplomes.type_diplome_sise",
                      discipline="diplomes.code_discipline", sector="diplomes.secteur_disciplinaire")
    return with_establishment(frame, "resultats", ctx.institution)


def laureats(read: Reader, ctx: BuildContext) -> pd.DataFrame:
    """Graduates by name, diploma, year and mention."""
    people = _students(read)
    people = prefixed(people.assign(nom=people["nom_usage"].fillna(people["nom"]))[["numero_etudiant", "nom", "prenom"]], "etudiants")
    diplomas = prefixed(read("students", "diplomes")[["code_diplome", "libelle"]], "diplomes")
    frame = _awarded(read).merge(people, left_on="resultats.numero_etudiant", right_on="etudiants.numero_etudiant", how="inner")
    return frame.merge(diplomas, left_on="resultats.code_diplome", right_on="diplomes.code_diplome", how="left")


def catalogue_formations(read: Reader, ctx: BuildContext) -> pd.DataFrame:
    """The diplomas offered, one row each."""
    return prefixed(read("students", "diplomes").drop_duplicates("code_diplome"), "diplomes")


def structures(read: Reader, ctx: BuildContext) -> pd.DataFrame:
    """The institution's structures with their UAI codes and site coordinates."""
    return prefixed(read("hr", "structures").drop_duplicates("code_structure"), "structures")


# The builders of this domain, by the name a policy writes in ``builder:``.
BUILDERS: dict[str, Builder] = {
    "effectifs_etudiants": effectifs_etudiants,
    "diplomes_delivres": diplomes_delivres,
    "laureats": laureats,
    "catalogue_formations": catalogue_formations,
    "structures": structures,
}
