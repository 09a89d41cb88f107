"""Synthetic pay: the yearly statements are the sums of the monthly lines, and their levels are plausible."""

from __future__ import annotations

import pandas as pd

from tests.pipelines.synthetic.conftest import AS_OF, Generated


def test_yearly_statements_are_the_sums_of_the_months(sources: dict[str, Generated]) -> None:
    hr = sources["hr"]
    pay, year = hr.frame("paie"), hr.frame("remunerations")
    assert set(year["annee"]) == set(range(AS_OF.year - 4, AS_OF.year)), "completed years only"
    months = pay[pay["annee"] < AS_OF.year].groupby(["matricule", "annee"]).agg(
        mois=("mois", "size"), brut=("brut", "sum"), primes=("primes", "sum"),
        hors_index=("primes_hors_index", "sum")).reset_index()
    both = year.merge(months, on=["matricule", "annee"], how="outer", indicator=True)
    assert (both["_merge"] == "both").all()
    assert (both["mois_payes"] == both["mois"]).all()
    assert (both["traitement_brut"] - both["brut"]).abs().max() < 0.01
    assert (both["primes_x"] - both["primes_y"]).abs().max() < 0.01
    assert (both["primes_hors_index"] - both["hors_index"]).abs().max() < 0.01
    assert (year["brut_annuel"] - year["traitement_brut"] - year["primes"]).abs().max() < 0.011
    assert not year.duplicated(["matricule", "annee"]).any()


def test_pay_levels_are_plausible(sources: dict[str, Generated]) -> None:
    year = sources["hr"].frame("remunerations")
    full = year[(year["mois_payes"] == 12) & (year["quotite"] == 100)]
    highest = year.groupby("annee")["brut_annuel"].max()
    assert highest.between(75_000, 130_000).all(), highest.to_dict()
    assert 20_000 < full.loc[full["corps"] == "ADJAENES", "brut_annuel"].median() < 32_000
    assert 45_000 < full.loc[full["corps"] == "PR", "brut_annuel"].median() < 80_000
    contract = full[full["corps"] == "CONTRACTUEL"].groupby("categorie")["brut_annuel"].median()
    assert contract["A"] > contract["B"] > contract["C"] > 18_000
    assert {50.0, 80.0, 90.0} <= set(year["quotite"])
    assert year["echelon"].isna().eq(year["statut"] == "contractuel").all()
    point = year["traitement_brut"] / (year["indice_majore"] * year["quotite"] / 100 * year["mois_payes"])
    # Most agents kept their index all year: their salary is index x 4.92278 euros (since July 2023) x working time.
    assert (point[year["annee"] == 2024].round(3) == 4.923).mean() > 0.7


def test_a_few_agents_are_posted_overseas_with_a_quarter_of_their_salary_as_majoration(
        sources: dict[str, Generated]) -> None:
    pay = sources["hr"].frame("paie")
    overseas = pay[pay["primes_hors_index"] > 0]
    assert 0 < overseas["matricule"].nunique() < 0.03 * pay["matricule"].nunique()
    assert ((overseas["primes_hors_index"] - overseas["brut"] * 0.25).abs() < 0.011).all()
    assert (pay["primes_hors_index"] <= pay["primes"].clip(lower=0) + 0.01).all()


def test_function_holders_are_among_the_highest_paid(sources: dict[str, Generated]) -> None:
    hr = sources["hr"]
    year, functions = hr.frame("remunerations"), hr.frame("fonctions")
    presidents = set(functions.loc[functions["libelle_fonction"].str.startswith("Présid"), "matricule"])
    top = year[year["annee"] == AS_OF.year - 1].nlargest(10, "brut_annuel")
    assert presidents & set(top["matricule"])
    assert pd.api.types.is_numeric_dtype(top["brut_annuel"])
