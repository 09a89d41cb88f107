"""Protection proportionate to the risk, on tiny frames: a headline table published in full with its totals,
a sensitive cross withheld rule by rule with the risk each rule removes, and budget cells protected only where
they hold a person's pay or payment; the utility left to reusers is measured each time."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from anonymisation.apply import ApplyContext, apply
from anonymisation.dictionary import load_dictionary
from anonymisation.policy import load_catalogue
from anonymisation.policy_model import Policy
from anonymisation.report import AnonymisationReport
from resources.common.vocabulary import PUBLISHED, WITHHELD

CATALOGUE = load_catalogue()


def _run(policy: Policy, frame: pd.DataFrame) -> tuple[pd.DataFrame, AnonymisationReport]:
    context = ApplyContext(as_of=dt.date(2026, 12, 5), run_id="run", code_version="v", dictionary=load_dictionary())
    return apply(frame, policy, context)


def _rows(policy: Policy, cells: list[dict], constant: dict[str, object]) -> pd.DataFrame:
    """One source row per person: ``cells`` give the values that vary and ``n``, the others are ``constant``."""
    rows = []
    for cell in cells:
        values = {**constant, **{k: v for k, v in cell.items() if k != "n"}}
        rows += [values] * cell["n"]
    frame = pd.DataFrame(rows)
    for column in policy.columns:  # every other source the policy reads: one code for all
        if column.source and column.source not in frame:
            frame[column.source] = "X"
    return frame


def test_a_headline_table_is_published_in_full_with_exact_totals() -> None:
    policy = CATALOGUE["effectifs_etudiants"]
    frame = _rows(policy, [{"inscriptions.niveau": "L1", "etudiants.sexe": "F", "n": 1},
                           {"inscriptions.niveau": "L1", "etudiants.sexe": "M", "n": 2},
                           {"inscriptions.niveau": "L2", "etudiants.sexe": "F", "n": 40}],
                  {"inscriptions.annee_universitaire": 2024})
    out, report = _run(policy, frame)
    assert sorted(out["effectif"].tolist()) == [1, 2, 40] and (out["effectif_statut"] == PUBLISHED).all()
    assert report.utility["share_cells"] == 1.0 and report.utility["share_measure"] == 1.0
    assert report.utility["totals_exact"] is True
    assert {"by": {"rentree": 2024}, "measure": "effectif", "value": 43} in report.totals


def test_a_sensitive_cross_names_the_risk_of_each_rule_that_withholds() -> None:
    policy = CATALOGUE["effectifs_etudiants_boursiers"]
    frame = _rows(policy, [{"inscriptions._cursus_lmd": "L", "etudiants.echelon_bourse": "3", "n": 2},
                           {"inscriptions._cursus_lmd": "L", "etudiants.echelon_bourse": None, "n": 60},
                           {"inscriptions._cursus_lmd": "M", "etudiants.echelon_bourse": "1", "n": 20},
                           {"inscriptions._cursus_lmd": "M", "etudiants.echelon_bourse": None, "n": 30}],
                  {"inscriptions.annee_universitaire": 2024})
    out, report = _run(policy, frame)
    by = out.set_index(["cursus_lmd", "boursier"])
    # The two scholarship holders of L are withheld; their margin (L's total) is public, so L's other cell goes too.
    assert by.loc[("L", "oui"), "effectif_statut"] == WITHHELD and pd.isna(by.loc[("L", "oui"), "effectif"])
    assert by.loc[("L", "non"), "effectif_statut"] == WITHHELD
    assert by.loc[("M", "oui"), "effectif"] == 20 and by.loc[("M", "non"), "effectif"] == 30
    assert report.withheld["effectif_faible"] == 1 and report.withheld["suppression_secondaire"] == 1
    assert "aide sociale" in report.risks["effectif_faible"] and "différence" in report.risks["suppression_secondaire"]
    assert report.utility["cells_published"] == 2 and abs(report.utility["share_measure"] - 50 / 112) < 1e-9
    assert report.utility["totals_exact"] is True  # the year's total is published beside the withheld cells
    assert {"by": {"rentree": 2024}, "measure": "effectif", "value": 112} in report.totals


def test_the_budget_is_public_except_where_a_cell_is_a_persons_pay_or_payment() -> None:
    policy = CATALOGUE["execution_budgetaire"]
    lines = pd.DataFrame({
        "lignes_budgetaires.exercice": [2024] * 6,
        "lignes_budgetaires.compte": ["6068", "6411", "6226", "6226", "6226", "6068"],
        "lignes_budgetaires.code_destination": ["0101"] * 6,
        "lignes_budgetaires.code_structure": ["UFR"] * 6,
        "lignes_budgetaires.id_tiers": ["t1", "ligne-2", "t3", "t4", "t5", "t6"],
        "lignes_budgetaires._personne": [False, True, True, False, False, False],
        "lignes_budgetaires.montant_paye": [1000.0, 3000.0, 2000.0, 100.0, 100.0, 1000.0],
        "lignes_budgetaires.montant_engage": [1000.0, 3000.0, 2000.0, 100.0, 100.0, 1000.0],
        "comptes.libelle": ["Achats", "Rémunérations", "Honoraires", "Honoraires", "Honoraires", "Achats"],
        "destinations.libelle": ["Formation"] * 6,
    })
    out, report = _run(policy, lines)
    by = out.set_index("compte")
    assert by.loc["6068", "montant_statut"] == PUBLISHED and by.loc["6068", "montant_paye"] == 2000.0  # two suppliers, no person: a public account
    assert by.loc["6411", "montant_statut"] == WITHHELD  # one line of pay
    assert by.loc["6226", "montant_statut"] == WITHHELD  # a natural person holds 91 % of the fees
    assert report.utility["unit"] == "euros" and report.risks["effectif_faible"].startswith("une cellule de rémunérations")
    assert {"by": {"exercice": 2024}, "measure": "montant_paye", "value": 7200} in report.totals
