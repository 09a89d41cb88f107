"""Unit tests of protect_amounts: minimum contributors, dominance, secondary suppression."""

from __future__ import annotations

import pandas as pd
import pytest

from anonymisation.sdc import PUBLISHED, WITHHELD, protect_amounts


def lines(cell: str, amounts: list[float], first_id: int = 0) -> list[tuple[str, str, float]]:
    """One line per contributor of a cell."""
    return [(cell, f"u{first_id + i}", a) for i, a in enumerate(amounts)]


def protect(rows: list[tuple[str, str, float]], **kwargs: object) -> tuple[pd.DataFrame, object]:
    frame = pd.DataFrame(rows, columns=["nature", "siret", "montant"])
    return protect_amounts(frame, ["nature"], contributor_col="siret", amount_col="montant", **kwargs)


def status(out: pd.DataFrame, cell: str) -> str:
    return out.loc[out.nature == cell, "montant_statut"].item()


@pytest.mark.parametrize(("shares", "withheld"), [
    ([86, 7, 7], True),
    ([84, 8, 8], False),
    ([85, 10, 5], False),  # "no more than 85 %": exactly 85 % passes
    ([40, 30, 30], False),
])
def test_dominance(shares: list[float], withheld: bool) -> None:
    out, report = protect(lines("A", shares))
    assert status(out, "A") == (WITHHELD if withheld else PUBLISHED)
    assert report.withheld_dominance == int(withheld)
    assert out["montant"].isna().item() == withheld


@pytest.mark.parametrize(("contributors", "minimum", "withheld"), [(1, 3, True), (2, 3, True), (3, 3, False),
                                                                   (10, 11, True), (11, 11, False)])
def test_minimum_number_of_contributors(contributors: int, minimum: int, withheld: bool) -> None:
    out, report = protect(lines("A", [10.0] * contributors), min_contributors=minimum)
    assert status(out, "A") == (WITHHELD if withheld else PUBLISHED)
    assert report.withheld_small == int(withheld) and report.threshold == minimum
    assert out["nombre_contributeurs"].isna().item() == withheld


def test_lines_of_one_contributor_are_summed_before_the_rules() -> None:
    # u0 has two lines (50 + 40 of 100): 90 % for one unit, withheld although no line passes 85 %.
    out, _ = protect([("A", "u0", 50.0), ("A", "u0", 40.0), ("A", "u1", 5.0), ("A", "u2", 5.0)])
    assert status(out, "A") == WITHHELD


def test_a_cancellation_does_not_hide_a_dominant_unit() -> None:
    out, _ = protect(lines("A", [100.0, -90.0, 5.0, 5.0]))  # |100| is 50 % of 200: published
    assert status(out, "A") == PUBLISHED
    out, _ = protect(lines("A", [1000.0, -90.0, 5.0, 5.0]))
    assert status(out, "A") == WITHHELD


def test_published_cells_show_sum_and_contributor_count() -> None:
    out, report = protect(lines("A", [10.0, 20.0, 30.0]) + lines("B", [100.0, 1.0], 10))
    published = out[out.montant_statut == PUBLISHED]
    assert published["montant"].tolist() == [60.0] and published["nombre_contributeurs"].tolist() == [3]
    assert out["montant"].dtype == "Float64" and report.k_anonymity == 3


def test_integer_amounts_stay_integers() -> None:
    frame = pd.DataFrame({"nature": ["A"] * 3, "siret": ["u1", "u2", "u3"], "montant": [1, 2, 3]})
    out, _ = protect_amounts(frame, ["nature"], contributor_col="siret", amount_col="montant")
    assert out["montant"].dtype == "Int64" and out["montant"].tolist() == [6]


def test_secondary_suppression_over_a_margin() -> None:
    rows = lines("A", [90.0, 5.0, 5.0]) + lines("B", [10.0, 10.0, 10.0], 10) + lines("C", [50.0] * 4, 20)
    out, report = protect(rows, margins=[()])
    # The grand total is known: A alone would be total - B - C. B, the smallest, goes too.
    assert status(out, "A") == WITHHELD and status(out, "B") == WITHHELD and status(out, "C") == PUBLISHED
    assert (report.withheld_dominance, report.withheld_secondary) == (1, 1)


def test_missing_contributor_is_refused() -> None:
    frame = pd.DataFrame({"nature": ["A"], "siret": [None], "montant": [1.0]})
    with pytest.raises(ValueError, match="'siret'"):
        protect_amounts(frame, ["nature"], contributor_col="siret", amount_col="montant")


def test_the_rule_applies_only_to_the_rows_it_protects() -> None:
    """An account of the institution with one supplier is public; a cell holding a person's pay is protected."""
    rows = lines("achats", [1000.0]) + lines("paie", [3000.0], 10) + lines("autres", [10.0, 10.0, 10.0], 20)
    frame = pd.DataFrame(rows, columns=["nature", "siret", "montant"])
    applies = frame["nature"].eq("paie")
    out, report = protect_amounts(frame, ["nature"], contributor_col="siret", amount_col="montant", applies=applies)
    assert status(out, "achats") == PUBLISHED and status(out, "paie") == WITHHELD
    assert report.withheld_small == 1


def test_a_misaligned_applies_mask_is_refused() -> None:
    frame = pd.DataFrame(lines("A", [1.0, 2.0, 3.0]), columns=["nature", "siret", "montant"])
    with pytest.raises(ValueError, match="applies"):
        protect_amounts(frame, ["nature"], contributor_col="siret", amount_col="montant",
                        applies=pd.Series([True], index=[99]))
