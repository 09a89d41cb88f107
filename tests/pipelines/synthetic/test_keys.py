"""Keys are consistent across tables and systems, except the few deliberate orphans."""

from __future__ import annotations

import pandas as pd

from tests.pipelines.synthetic.conftest import Generated


def _missing(child: pd.Series, parent: pd.Series) -> set:
    return set(child.dropna()) - set(parent)


def test_hr_references(sources: dict[str, Generated]) -> None:
    hr = sources["hr"]
    agents = hr.frame("agents")["matricule"]
    structures = hr.frame("structures")["code_structure"]
    for table in ("situations", "fonctions", "tableaux_avancement", "paie", "conges_maladie", "handicap",
                  "oppositions_agents"):
        assert not _missing(hr.frame(table)["matricule"], agents), table
    assert _missing(hr.frame("situations")["code_structure"], structures) == {"UFR-GEO"}
    assert not _missing(hr.frame("fonctions")["code_structure"], structures)
    assert not _missing(hr.frame("structures")["code_parent"], structures)


def test_hr_duplicate_situations_are_rare(sources: dict[str, Generated]) -> None:
    situations = sources["hr"].frame("situations")
    duplicated = situations.duplicated(["matricule", "date_debut", "corps", "grade"]).sum()
    assert 1 <= duplicated <= 0.01 * len(situations)


def test_finance_references(sources: dict[str, Generated]) -> None:
    finance = sources["finance"]
    tiers = finance.frame("tiers")["id_tiers"]
    lines = finance.frame("lignes_budgetaires")
    assert not _missing(lines["id_tiers"], tiers)
    assert _missing(lines["compte"], finance.frame("comptes")["compte"]) == {"6099"}
    assert not _missing(lines["code_destination"], finance.frame("destinations")["code_destination"])
    assert not _missing(lines["code_structure"], sources["hr"].frame("structures")["code_structure"])
    marches = finance.frame("marches")
    holders = finance.frame("marches_titulaires")
    assert set(holders["id_marche"]) == set(marches["id_marche"])
    assert not _missing(holders["id_tiers"], tiers)
    assert not _missing(marches["id_accord_cadre"], marches["id_marche"])
    assert not _missing(finance.frame("subventions")["id_tiers"], tiers)
    travellers = finance.frame("frais_deplacement")["matricule"]
    assert _missing(travellers, sources["hr"].frame("agents")["matricule"]) == {"09999998"}


def test_student_references(sources: dict[str, Generated]) -> None:
    students = sources["students"]
    numbers = students.frame("etudiants")["numero_etudiant"]
    inscriptions = students.frame("inscriptions")
    results = students.frame("resultats")
    assert not _missing(inscriptions["numero_etudiant"], numbers)
    assert _missing(inscriptions["code_diplome"], students.frame("diplomes")["code_diplome"]) == {"2599999"}
    orphans = _missing(results["id_inscription"], inscriptions["id_inscription"])
    assert 1 <= len(orphans) <= 3
    assert not _missing(students.frame("commentaires")["numero_etudiant"], numbers)
    assert not _missing(students.frame("oppositions_etudiants")["numero_etudiant"], numbers)
    components = set(inscriptions["code_composante"]) | set(students.frame("diplomes")["code_composante"])
    assert components <= set(sources["hr"].frame("structures")["code_structure"])
    authors = students.frame("commentaires")["matricule_auteur"]
    assert _missing(authors, sources["hr"].frame("agents")["matricule"]) == {"09999999"}


def test_each_enrolment_has_at_most_one_result(sources: dict[str, Generated]) -> None:
    results = sources["students"].frame("resultats")
    assert not results["id_inscription"].duplicated().any()


def test_oppositions_touch_published_persons(sources: dict[str, Generated]) -> None:
    hr = sources["hr"]
    opposed = set(hr.frame("oppositions_agents")["matricule"])
    functions = hr.frame("fonctions")
    assert opposed & set(functions.loc[functions["visible_annuaire"] == 1, "matricule"])
    assert opposed & set(hr.frame("tableaux_avancement")["matricule"])
    students = sources["students"]
    results = students.frame("resultats")
    graduates = set(results.loc[results["diplome_delivre"] == 1, "numero_etudiant"])
    assert set(students.frame("oppositions_etudiants")["numero_etudiant"]) & graduates
