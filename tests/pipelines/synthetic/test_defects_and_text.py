"""The documented quality defects exist and stay rare; personal data and public names are planted in free text."""

from __future__ import annotations

import re

import pandas as pd
from stdnum.fr import nir

from pipelines.synthetic.ref_geo import PUBLIC_NAMES
from tests.pipelines.synthetic.conftest import Generated

PHONE = re.compile(r"(?:\+33 [67](?: \d\d){4}|0[67](?: \d\d){4}|0[67](?:\.\d\d){4}|0[67]\d{8})")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+")
SPACED_NIR = re.compile(r"\b[12] \d\d \d\d [0-9AB]{2} \d{3} \d{3} \d\d\b")


def _rare(count: int, total: int, share: float = 0.02) -> bool:
    return 1 <= count <= max(1, share * total)


def test_hr_defects(sources: dict[str, Generated]) -> None:
    hr = sources["hr"]
    situations = hr.frame("situations")
    researchers = situations[situations["corps"].isin(["PR", "MCF"])]
    assert _rare(researchers["section_cnu"].isna().sum(), len(researchers))
    teachers = situations[situations["type_personnel"] == "enseignant"]
    assert teachers.loc[teachers["corps"] == "MCF", "section_cnu"].notna().mean() > 0.95
    assert situations.loc[situations["type_personnel"] == "BIATSS", "section_cnu"].isna().all()
    closed = situations.dropna(subset=["date_fin"])
    assert _rare((pd.to_datetime(closed["date_fin"]) < pd.to_datetime(closed["date_debut"])).sum(), len(closed))
    functions = hr.frame("fonctions").dropna(subset=["date_fin"])
    assert _rare((pd.to_datetime(functions["date_fin"]) < pd.to_datetime(functions["date_debut"])).sum(),
                 len(functions), 0.05)
    pay = hr.frame("paie")
    assert _rare((pay["primes"] < 0).sum(), len(pay)) and (pay["brut"] > 0).all()


def test_finance_defects(sources: dict[str, Generated]) -> None:
    finance = sources["finance"]
    lines = finance.frame("lignes_budgetaires")
    assert _rare((lines["montant_engage"] < 0).sum(), len(lines))
    assert _rare(lines["code_destination"].isna().sum(), len(lines))
    paid = lines[lines["montant_engage"] > 0]
    assert (paid["montant_paye"] <= paid["montant_engage"] + 0.005).all()
    tiers = finance.frame("tiers")
    companies = tiers[tiers["type_tiers"] == "entreprise"]
    assert _rare(companies["siret"].duplicated().sum(), len(companies))
    marches = finance.frame("marches")
    early = pd.to_datetime(marches["date_publication_donnees"]) < pd.to_datetime(marches["date_notification"])
    assert _rare(early.sum(), len(marches), 0.05)
    travel = finance.frame("frais_deplacement")
    assert _rare((pd.to_datetime(travel["date_retour"]) < pd.to_datetime(travel["date_depart"])).sum(), len(travel))
    assert _rare((travel["montant"] < 0).sum(), len(travel))
    grants = finance.frame("subventions").dropna(subset=["date_fin_versement"])
    assert _rare((pd.to_datetime(grants["date_fin_versement"]) < pd.to_datetime(grants["date_debut_versement"]))
                 .sum(), len(grants), 0.05)


def test_student_defects(sources: dict[str, Generated]) -> None:
    students = sources["students"]
    people = students.frame("etudiants")
    ine = people["ine"]
    assert _rare(ine.isna().sum(), len(people))
    assert _rare(ine.dropna().duplicated().sum(), len(people))
    assert _rare((~ine.dropna().str.fullmatch(r"\d{10}[A-Z]|\d{9}[A-Z]{2}")).sum(), len(people))
    enrolments = students.frame("inscriptions")
    key = ["numero_etudiant", "annee_universitaire", "code_diplome", "inscription_principale"]
    assert _rare(enrolments.duplicated(key).sum(), len(enrolments))
    assert _rare(enrolments["secteur_disciplinaire"].isna().sum(), len(enrolments))
    results = students.frame("resultats")
    jury = pd.to_datetime(results["date_jury"])
    start = pd.to_datetime(results["annee_universitaire"].astype(str) + "-09-01")
    outside = (jury < start) | (jury >= start + pd.DateOffset(years=1))
    assert _rare(outside.sum(), len(results))
    assert _rare((results["diplome_delivre"].astype(bool) & (results["resultat"] == "ajourné")).sum(), len(results))
    # Late enrolments, after the 15 January census, exist and are few.
    late = pd.to_datetime(enrolments["date_inscription"]) > pd.to_datetime(
        (enrolments["annee_universitaire"] + 1).astype(str) + "-01-15")
    assert 0.005 < late.mean() < 0.06


def test_comments_hold_planted_personal_data(sources: dict[str, Generated]) -> None:
    students = sources["students"]
    comments = students.frame("commentaires")
    text = comments["texte"]
    assert text.str.contains(PHONE).sum() >= 5
    spellings = {m.group(0)[:3] for t in text for m in PHONE.finditer(t)}
    assert {"+33", "06 ", "06."} & spellings and len(spellings) >= 3
    assert text.str.contains(EMAIL).sum() >= 5
    nirs = [m.group(0) for t in text for m in SPACED_NIR.finditer(t)]
    assert nirs and all(nir.is_valid(n.replace(" ", "")) for n in nirs)
    # Some comments name the very student they are about.
    people = students.frame("etudiants").set_index("numero_etudiant")
    named = sum(f"{people.at[n, 'prenom']} {people.at[n, 'nom']}" in t
                for n, t in zip(comments["numero_etudiant"], text, strict=True))
    assert named >= 5
    assert any(name in t for t in text for name in PUBLIC_NAMES)
    notes = students.frame("inscriptions")["commentaire_interne"].dropna()
    assert notes.str.contains(PHONE).sum() >= 1 and notes.str.contains(EMAIL).sum() >= 1


def test_public_names_in_labels_and_subjects(sources: dict[str, Generated]) -> None:
    labels = sources["hr"].frame("structures")["libelle"]
    assert sum(any(name in label for name in PUBLIC_NAMES) for label in labels) >= 5
    subjects = sources["finance"].frame("marches")["objet"]
    assert sum(any(name in s for name in PUBLIC_NAMES) for s in subjects) >= 5


def test_contract_and_grant_texts_name_some_persons(sources: dict[str, Generated]) -> None:
    finance = sources["finance"]
    subjects = finance.frame("marches")["objet"]
    assert subjects.str.contains("contact technique").sum() >= 1
    assert subjects.str.contains(PHONE).sum() >= 1
    grants = finance.frame("subventions")
    tiers = finance.frame("tiers").set_index("id_tiers")
    persons = grants[tiers.loc[grants["id_tiers"], "type_tiers"].to_numpy() == "personne_physique"]
    texts = persons["objet"] + " " + persons["conditions_versement"]
    names = [f"{tiers.at[i, 'prenom']} {tiers.at[i, 'nom']}" for i in persons["id_tiers"]]
    assert sum(name in text for name, text in zip(names, texts, strict=True)) >= 1


def test_persons_are_never_named_after_eponyms(sources: dict[str, Generated]) -> None:
    for system, table in (("hr", "agents"), ("students", "etudiants")):
        people = sources[system].frame(table)
        full = set(people["prenom"] + " " + people["nom"])
        assert not full & set(PUBLIC_NAMES)


def test_names_look_french(sources: dict[str, Generated]) -> None:
    people = pd.concat([sources["hr"].frame("agents"), sources["students"].frame("etudiants")])
    assert people["nom"].str.contains("[éèêëàçôîïü]", regex=True).any()
    assert people["prenom"].str.contains("-").any() and people["nom"].str.contains("-").any()
    assert people["nom_usage"].notna().any()
