"""L612-1's figures on a tiny hand-computed fixture: twelve students over two rentrées (2024, 2025), four agents.

Every expected figure below was counted by hand from the fixture's table
(see each student's line); the builders and the reviewed policies must give
exactly these, through ``apply`` as the night runs them.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from anonymisation.apply import ApplyContext, apply
from anonymisation.datasets import BUILDERS
from anonymisation.datasets.base import BuildContext, Establishment
from anonymisation.dictionary import load_dictionary
from anonymisation.policy import POLICY_DIR, load_policy
from anonymisation.policy_model import Policy
from anonymisation.report import AnonymisationReport
from anonymisation.treatments import SIMPLE
from resources.common.nomenclatures import codes, table
from resources.common.vocabulary import INSUFFICIENT_DENOMINATOR, PUBLISHED, WITHHELD
from tests.anonymisation.test_policy import _variant

AS_OF = dt.date(2026, 12, 5)
LICENCE, MASTER, DOCTORAT = "1000101", "2300101", "4200101"
DIPLOMAS = pd.DataFrame({
    "code_diplome": [LICENCE, MASTER, DOCTORAT], "libelle": ["Licence Droit", "Master Finance", "Doctorat Chimie"],
    "type_diplome": ["licence", "master", "doctorat"], "type_diplome_sise": ["XA", "XB", "YB"],
    "niveau_sortie": ["bac+3", "bac+5", "bac+8"], "code_discipline": ["01", "02", "08"],
    "secteur_disciplinaire": ["01", "04", "29"], "code_composante": ["UFR-DSP", "UFR-SEG", "UFR-CHI"],
    "annee_ouverture": [2000, 2000, 2000], "annee_fermeture": [None, None, None],
})
# numero: sex, scholarship level (None: not a scholarship holder).
STUDENTS = {1: ("F", "1"), 2: ("M", None), 3: ("F", "0bis"), 4: ("F", None), 5: ("M", None), 6: ("F", "4"),
            7: ("M", None), 8: ("F", None), 9: ("M", None), 10: ("F", "2"), 11: ("M", None), 12: ("F", None)}
# (numero, rentrée, diploma, level, enrolment date, principal, thesis funding, result or None, diploma awarded)
ENROLMENTS = [
    (1, 2024, LICENCE, "L1", "2024-07-10", True, None, "admis", False),   # -> 2025 L2: next level
    (2, 2024, LICENCE, "L1", "2024-07-11", True, None, "ajourné", False),  # -> 2025 L1 again: stays, not next
    (3, 2024, LICENCE, "L1", "2024-07-12", True, None, "ajourné", False),  # leaves
    (4, 2024, LICENCE, "L2", "2024-07-13", True, None, "admis", False),   # -> 2025 L3
    (5, 2024, LICENCE, "L3", "2024-07-14", True, None, "admis", True),    # licence awarded; -> 2025 M1
    (6, 2024, MASTER, "M1", "2024-07-15", True, None, "admis", False),    # -> 2025 M2
    (7, 2024, MASTER, "M2", "2024-07-16", True, None, "admis", True),     # master awarded; leaves
    (8, 2024, DOCTORAT, "D1", "2024-10-01", True, "contrat_doctoral", "admis", False),  # -> 2025 D2
    (9, 2024, DOCTORAT, "D3", "2024-10-02", True, "cifre", "admis", True),  # thesis defended; leaves
    (10, 2024, LICENCE, "L1", "2025-01-20", True, None, None, False),     # enrolled after the census: not counted
    (11, 2024, MASTER, "M1", "2024-07-17", True, None, None, False),      # no result: not passed; -> 2025 M2
    (11, 2024, LICENCE, "L2", "2024-07-17", False, None, "admis", False),  # a second enrolment: never counted
    (1, 2025, LICENCE, "L2", "2025-07-10", True, None, "admis", False),
    (2, 2025, LICENCE, "L1", "2025-07-11", True, None, "admis", False),
    (4, 2025, LICENCE, "L3", "2025-07-13", True, None, "ajourné", False),
    (5, 2025, MASTER, "M1", "2025-07-14", True, None, "admis", False),
    (6, 2025, MASTER, "M2", "2025-07-15", True, None, "admis", True),
    (8, 2025, DOCTORAT, "D2", "2025-10-01", True, "contrat_doctoral", "admis", False),
    (10, 2025, LICENCE, "L1", "2025-09-05", True, None, "ajourné", False),
    (11, 2025, MASTER, "M2", "2025-07-17", True, None, "admis", True),
    (12, 2025, DOCTORAT, "D1", "2025-10-03", True, None, "admis", False),
]
# matricule: sex; mandates (code, start, end).
AGENTS = {"A1": "F", "A2": "M", "A3": "M", "A4": "F", "A5": "F", "A6": "F", "A7": "M"}
FUNCTIONS = [
    ("A1", "RESP_FORM", "2023-09-01", None), ("A1", "RESP_FORM", "2024-09-01", None),  # two programmes: once
    ("A2", "RESP_FORM", "2020-01-01", "2025-06-30"), ("A3", "RESP_FORM", "2025-07-01", None),
    ("A4", "DIR", "2020-01-01", None),  # a director, not a programme head
    ("A5", "RESP_FORM", "2025-02-01", "2026-01-10"),  # left before the census of 15 January 2026
    ("A6", "RESP_FORM", "2025-09-01", None), ("A7", "RESP_FORM", "2026-03-01", None),
]


def _tables() -> dict[tuple[str, str], pd.DataFrame]:
    rows = pd.DataFrame(ENROLMENTS, columns=["numero_etudiant", "annee_universitaire", "code_diplome", "niveau",
                                             "date_inscription", "inscription_principale", "financement_these",
                                             "resultat", "diplome_delivre"])
    rows["id_inscription"] = range(1, len(rows) + 1)
    discipline = DIPLOMAS.set_index("code_diplome")
    inscriptions = rows.assign(code_discipline=rows["code_diplome"].map(discipline["code_discipline"]),
                               secteur_disciplinaire=rows["code_diplome"].map(discipline["secteur_disciplinaire"]),
                               _partition=rows["annee_universitaire"].astype("str"))
    judged = rows[rows["resultat"].notna()]
    resultats = pd.DataFrame({
        "id_resultat": range(1, len(judged) + 1), "id_inscription": judged["id_inscription"].to_numpy(),
        "numero_etudiant": judged["numero_etudiant"].to_numpy(),
        "annee_universitaire": judged["annee_universitaire"].to_numpy(),
        "code_diplome": judged["code_diplome"].to_numpy(),
        "resultat": judged["resultat"].to_numpy(), "mention": None,
        "diplome_delivre": judged["diplome_delivre"].to_numpy(),
        "_partition": judged["annee_universitaire"].astype("str"),
    })
    etudiants = pd.DataFrame([{"numero_etudiant": n, "sexe": s, "echelon_bourse": b, "serie_bac": "GENERAL",
                               "nationalite": "FR", "nom": f"N{n}", "prenom": f"P{n}", "nom_usage": None}
                              for n, (s, b) in STUDENTS.items()])
    functions = pd.DataFrame(FUNCTIONS, columns=["matricule", "code_fonction", "date_debut", "date_fin"])
    functions["id_fonction"] = range(1, len(functions) + 1)
    # Staged by reference year in mode period: a mandate is in every year it covers (both years here).
    fonctions = pd.concat([functions.assign(_partition=year) for year in ("2025", "2026")], ignore_index=True)
    agents = pd.DataFrame({"matricule": list(AGENTS), "sexe": list(AGENTS.values())})
    return {("students", "inscriptions"): inscriptions, ("students", "resultats"): resultats,
            ("students", "etudiants"): etudiants, ("students", "diplomes"): DIPLOMAS,
            ("hr", "fonctions"): fonctions, ("hr", "agents"): agents}


def _frame(policy: Policy, as_of: dt.date = AS_OF) -> pd.DataFrame:
    """The builder's frame, from the fixture's tables."""
    tables = _tables()
    context = BuildContext(Establishment("Université de Test", "19000000000000", {"uai": "0000000A"}), as_of)
    return BUILDERS[policy.builder](lambda system, name: tables[(system, name)].copy(), context)


def _apply(policy: Policy, as_of: dt.date = AS_OF) -> tuple[pd.DataFrame, AnonymisationReport]:
    context = ApplyContext(as_of=as_of, run_id="r", code_version="v", dictionary=load_dictionary())
    return apply(_frame(policy, as_of), policy, context)


def _build(policy: Policy) -> pd.DataFrame:
    return _apply(policy)[0]


def _policy(name: str) -> Policy:
    return load_policy(POLICY_DIR / f"{name}.yaml")


def _cells(out: pd.DataFrame, dims: list[str], measures: list[str]) -> dict[tuple, list]:
    return {tuple(row[dims]): [None if pd.isna(v) else v for v in row[measures]] for _, row in out.iterrows()}


# (indicateur, rentree, niveau_etape) -> (inscrits, effectif_indicateur): counted by hand from ENROLMENTS.
RATES = {
    ("reussite", 2024, "L1"): (3, 1), ("reussite", 2024, "L2"): (1, 1), ("reussite", 2024, "L3"): (1, 1),
    ("reussite", 2024, "M1"): (2, 1), ("reussite", 2024, "M2"): (1, 1), ("reussite", 2024, "D1"): (1, 1),
    ("reussite", 2024, "D3"): (1, 1),
    ("reussite", 2025, "L1"): (2, 1), ("reussite", 2025, "L2"): (1, 1), ("reussite", 2025, "L3"): (1, 0),
    ("reussite", 2025, "M1"): (1, 1), ("reussite", 2025, "M2"): (2, 2), ("reussite", 2025, "D1"): (1, 1),
    ("reussite", 2025, "D2"): (1, 1),
    ("poursuite_etablissement", 2024, "L1"): (3, 2), ("poursuite_etablissement", 2024, "L2"): (1, 1),
    ("poursuite_etablissement", 2024, "L3"): (1, 1), ("poursuite_etablissement", 2024, "M1"): (2, 2),
    ("poursuite_etablissement", 2024, "M2"): (1, 0), ("poursuite_etablissement", 2024, "D1"): (1, 1),
    ("poursuite_etablissement", 2024, "D3"): (1, 0),
    ("poursuite_niveau_suivant", 2024, "L1"): (3, 1), ("poursuite_niveau_suivant", 2024, "L2"): (1, 1),
    ("poursuite_niveau_suivant", 2024, "M1"): (2, 2), ("poursuite_niveau_suivant", 2024, "D1"): (1, 1),
}
DIMS = ["indicateur", "rentree", "niveau_etape"]


def test_rates_match_the_hand_count_exactly(tmp_path: Path) -> None:
    """Every numerator and denominator is the hand-computed one (the builder's outcomes, counted); through a
    variant of the reviewed policy whose minimum denominator is 3, the rates of the cells of 3 are published
    exactly and the cells of 1 or 2 are withheld (their count is in effectifs_etudiants). No continuation for
    2025, whose next rentrée is not in the sources."""
    policy = load_policy(_variant(tmp_path, "reussite_parcours", lambda raw: raw["rates"].update(min_denominator=3)))
    frame = _frame(policy)
    keys = ["parcours._indicateur", "inscriptions.annee_universitaire", "inscriptions.niveau"]
    counted = frame.groupby(keys)["parcours._issue"].agg(["size", lambda x: int((x == "oui").sum())])
    assert {k: tuple(v) for k, v in zip(counted.index, counted.to_numpy().tolist(), strict=True)} == RATES
    out = _build(policy)
    got = _cells(out, DIMS, ["inscrits", "effectif_indicateur", "taux", "statut"])
    assert got == {key: ([n, k, round(k / n, 3), PUBLISHED] if n >= 3 else [None, None, None, WITHHELD])
                   for key, (n, k) in RATES.items()}
    assert got[("reussite", 2024, "L1")] == [3, 1, 0.333, PUBLISHED]
    licence = out[(out["diplome"] == LICENCE)]
    assert set(licence["typ_diplome"]) == {"XA"} and set(licence["cursus_lmd"]) == {"L"}
    assert set(out.loc[out["niveau_etape"] == "D1", "niveau"]) == {"XX"}


def test_the_reviewed_policy_computes_no_rate_under_20_and_says_why() -> None:
    out = _build(_policy("reussite_parcours"))
    assert _cells(out, DIMS, ["inscrits", "effectif_indicateur", "taux", "statut"]) == {
        key: ([n, None, None, INSUFFICIENT_DENOMINATOR] if n >= 3 else [None, None, None, WITHHELD])
        for key, (n, _) in RATES.items()}


def test_a_pass_rate_waits_for_final_results_and_a_continuation_for_the_next_rentree(tmp_path: Path) -> None:
    policy = load_policy(_variant(tmp_path, "reussite_parcours", lambda raw: raw["rates"].update(min_denominator=3)))
    out, _ = _apply(policy, dt.date(2025, 11, 20))
    # On 20 November 2025: the results of 2024 are final, those of 2025 are not; 2025's enrolments not closed yet.
    assert set(zip(out["indicateur"], out["rentree"], strict=True)) == {("reussite", 2024)}


# (indicateur, rentree, diplome or doctoral group, sexe) -> effectif
INDICATORS = {
    ("inscrits", 2024, LICENCE, "F"): 3, ("inscrits", 2024, LICENCE, "M"): 2,
    ("inscrits", 2024, MASTER, "F"): 1, ("inscrits", 2024, MASTER, "M"): 2,
    ("inscrits", 2024, DOCTORAT, "F"): 1, ("inscrits", 2024, DOCTORAT, "M"): 1,
    ("inscrits", 2025, LICENCE, "F"): 3, ("inscrits", 2025, LICENCE, "M"): 1,
    ("inscrits", 2025, MASTER, "F"): 1, ("inscrits", 2025, MASTER, "M"): 2, ("inscrits", 2025, DOCTORAT, "F"): 2,
    ("diplomes", 2024, LICENCE, "M"): 1, ("diplomes", 2024, MASTER, "M"): 1, ("diplomes", 2024, DOCTORAT, "M"): 1,
    ("diplomes", 2025, MASTER, "F"): 1, ("diplomes", 2025, MASTER, "M"): 1,
    ("doctorants_premiere_annee", 2024, "SEA", "F"): 1, ("doctorants_premiere_annee", 2025, "SEA", "F"): 1,
    ("soutenances_these", 2024, "SEA", "M"): 1,
}


def test_equal_opportunity_counts_by_sex_match_the_hand_count_exactly() -> None:
    out = _build(_policy("indicateurs_egalite_chances"))
    where = out["diplome"].where(out["diplome"] != "", out["groupe_disciplinaire"])
    got = {(i, r, w, s): e for i, r, w, s, e in zip(out["indicateur"], out["rentree"], where, out["sexe"],
                                                      out["effectif"], strict=True)}
    assert got == INDICATORS
    assert set(out["effectif_statut"]) == {PUBLISHED}
    awarded = out[out["indicateur"] == "diplomes"].set_index("diplome")["niveau_diplome"].to_dict()
    assert awarded == {LICENCE: "bac+3", MASTER: "bac+5", DOCTORAT: "bac+8"}
    doctoral = out[out["indicateur"].isin(["doctorants_premiere_annee", "soutenances_these"])]
    assert set(doctoral["diplome"]) == {""} and set(doctoral["groupe_disciplinaire_lib"]) == {
        "Sciences exactes et applications"}


def _true_cells(policy: Policy, dims: list[str]) -> dict[tuple, int]:
    """The policy's cells counted on the builder's frame, its generalisations applied, before any protection."""
    frame = _frame(policy)
    treated = pd.DataFrame({c.name: SIMPLE[c.rule](frame[c.source]) if c.treatment == "generalise"
                            else frame[c.source] for c in policy.columns if c.name in dims})
    return {k: int(v) for k, v in treated.groupby(dims).size().items()}


def test_scholarship_holders_by_programme_speciality_and_sex_are_counted_exactly_and_protected() -> None:
    policy = _policy("indicateurs_egalite_chances_boursiers")
    # The speciality is the diploma's discipline group: law (01) and finance (02) are group 01, chemistry group 03.
    assert _true_cells(policy, ["rentree", "typ_diplome", "gd_disciscipline", "sexe", "boursier"]) == {
        (2024, "XA", "01", "F", "oui"): 2, (2024, "XA", "01", "F", "non"): 1, (2024, "XA", "01", "M", "non"): 2,
        (2024, "XB", "01", "F", "oui"): 1, (2024, "XB", "01", "M", "non"): 2,
        (2024, "YB", "03", "F", "non"): 1, (2024, "YB", "03", "M", "non"): 1,
        (2025, "XA", "01", "F", "oui"): 2, (2025, "XA", "01", "F", "non"): 1, (2025, "XA", "01", "M", "non"): 1,
        (2025, "XB", "01", "F", "oui"): 1, (2025, "XB", "01", "M", "non"): 2, (2025, "YB", "03", "F", "non"): 2,
    }
    # No filière and speciality counts 5 students of a sex: none is crossed with the scholarship, its 10 + 9
    # students left out.
    out, report = _apply(policy)
    assert out.empty and report.left_out == {"left_out_small_groups": 19}


def test_funded_first_year_doctoral_students_are_counted_exactly_and_protected() -> None:
    policy = _policy("indicateurs_egalite_chances_doctorants_finances")
    assert _true_cells(policy, ["rentree", "sexe", "these_financee"]) == {(2024, "F", "oui"): 1, (2025, "F", "non"): 1}
    out, report = _apply(policy)
    assert out.empty and report.left_out == {"left_out_small_groups": 2}


def test_programme_heads_are_counted_once_each_on_15_january() -> None:
    out = _build(_policy("indicateurs_egalite_chances_responsables"))
    # Rentrée 2025, on 15 January 2026: A1 (F, two programmes), A6 (F), A3 (M); A2 and A5 have left.
    # Rentrée 2026, in progress: on the day of the run, 5 December 2026, A7 (M) too.
    assert _cells(out, ["rentree", "sexe"], ["effectif"]) == {(2025, "F"): [2], (2025, "M"): [1],
                                                              (2026, "F"): [2], (2026, "M"): [2]}
    assert set(out["rentree_lib"]) == {"2025-26", "2026-27"}


def test_every_sise_discipline_has_a_doctoral_group() -> None:
    assert set(table("discipline_sise")["groupe_doctorat"]) <= codes("groupe_doctorat") == {"SEA", "SDV", "SHS"}


@pytest.mark.parametrize("name", ["indicateurs_egalite_chances_boursiers",
                                  "indicateurs_egalite_chances_doctorants_finances"])
def test_a_sensitive_cross_cannot_be_published_in_full(tmp_path: Path, name: str) -> None:
    def in_full(raw: dict) -> None:
        raw["aggregate"] = {"protection": "publication_integrale",
                            "justification": "une tentative de publier ce croisement sans protection"}
    from anonymisation.policy import PolicyError
    with pytest.raises(PolicyError, match=rf"^{name}\.(indicateur|boursier|these_financee): .*published in full"):
        load_policy(_variant(tmp_path, name, in_full))


def test_withheld_is_a_word_of_the_statuses() -> None:
    """The rates' statuses are those of the vocabulary (a typo in a policy would pass the suite unnoticed)."""
    statuses = _policy("reussite_parcours").column("statut").values
    assert set(statuses) == {PUBLISHED, WITHHELD, INSUFFICIENT_DENOMINATOR}
