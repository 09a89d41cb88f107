"""The utility of a protected table, on tiny tables computed by hand; its place in the anonymisation report."""

from __future__ import annotations

import pandas as pd
import pytest

from anonymisation.report import AnonymisationReport, combine as combine_reports, render_html
from anonymisation.utility import EUROS, PERSONS, Utility, combine, measure, percent, sentence


def test_shares_of_cells_and_persons() -> None:
    # Four cells of 10, 2, 3 and 85 persons; the 2 and the 3 are withheld.
    kept = measure([10, 2, 3, 85], [False, True, True, False], unit=PERSONS, totals_exact=False)
    assert (kept.cells, kept.cells_published, kept.total, kept.published) == (4, 2, 100.0, 95.0)
    assert kept.share_cells == 0.5 and kept.share_measure == pytest.approx(0.95)
    assert kept.as_dict() == {"cells": 4, "cells_published": 2, "unit": "personnes", "total": 100.0,
                              "published": 95.0, "totals_exact": False, "share_cells": 0.5,
                              "share_measure": pytest.approx(0.95)}


def test_a_withheld_count_may_be_missing_and_counts_nothing() -> None:
    kept = measure(pd.Series([6, pd.NA, 4], dtype="Int64"), pd.Series([False, True, False]), unit=PERSONS,
                   totals_exact=True)
    assert (kept.total, kept.published, kept.cells_published) == (10.0, 10.0, 2)


def test_euros_count_by_their_absolute_value() -> None:
    # A credit of -40 withheld beside a payment of 60: 60 of 100 euros are in published cells, not 60 of 20.
    kept = measure([60.0, -40.0], [False, True], unit=EUROS, totals_exact=False)
    assert (kept.total, kept.published) == (100.0, 60.0) and kept.share_measure == pytest.approx(0.6)


def test_an_empty_table_loses_nothing() -> None:
    kept = measure([], [], unit=PERSONS, totals_exact=True)
    assert (kept.cells, kept.total, kept.share_cells, kept.share_measure) == (0, 0.0, 1.0, 1.0)


def test_wrong_unit_or_lengths_are_refused() -> None:
    with pytest.raises(ValueError, match="unit"):
        measure([1], [False], unit="agents", totals_exact=True)
    with pytest.raises(ValueError, match="withheld flag"):
        measure([1, 2], [False], unit=PERSONS, totals_exact=True)


def test_combine_adds_years_and_totals_are_exact_only_if_every_year_is() -> None:
    first = measure([10, 2], [False, True], unit=PERSONS, totals_exact=True)
    second = measure([5, 5, 1], [False, False, True], unit=PERSONS, totals_exact=False)
    both = combine([first, second])
    assert (both.cells, both.cells_published, both.total, both.published) == (5, 3, 23.0, 20.0)
    assert both.totals_exact is False and combine([first, first]).totals_exact is True
    with pytest.raises(ValueError, match="units"):
        combine([first, measure([1.0], [False], unit=EUROS, totals_exact=True)])
    with pytest.raises(ValueError, match="nothing"):
        combine([])


def test_the_record_comes_back_from_a_report() -> None:
    kept = measure([10, 2], [False, True], unit=PERSONS, totals_exact=True)
    assert Utility.from_dict(kept.as_dict()) == kept


def test_figures_in_french_never_round_up_to_everything() -> None:
    assert percent(0.987) == "98,7 %" and percent(0.99999) == "99,9 %" and percent(1.0) == "100,0 %"
    kept = measure([987, 13], [False, True], unit=PERSONS, totals_exact=True)
    assert sentence(kept) == ("50,0 % des cellules publiées (1 sur 2), qui comptent 98,7 % des personnes; "
                              "totaux par année exacts")


def _report(utility: Utility | None, totals: list[dict]) -> AnonymisationReport:
    return AnonymisationReport(dataset="effectifs", title="Effectifs", run_id="r", created_at="c", policy_hash="h",
                               reviewer="DPO", reviewed_on="2026-11-22", code_version="v", legal_basis="CRPA",
                               kind="aggregate", utility=utility.as_dict() if utility else None, totals=totals)


def test_the_report_combines_the_years_utility_and_totals() -> None:
    total = {"by": {"rentree": 2024}, "measure": "effectif", "value": 12}
    parts = [(2024, _report(measure([10, 2], [False, True], unit=PERSONS, totals_exact=True), [total])),
             (2025, _report(measure([7], [False], unit=PERSONS, totals_exact=True),
                            [{**total, "by": {"rentree": 2025}, "value": 7}]))]
    out = combine_reports(parts)
    assert Utility.from_dict(out.utility) == Utility(3, 2, PERSONS, 19.0, 17.0, True)
    assert [t["by"]["rentree"] for t in out.totals] == [2024, 2025]
    assert combine_reports([(2024, _report(None, []))]).utility is None


def test_the_report_page_shows_utility_and_totals() -> None:
    page = render_html(_report(measure([987, 13], [False, True], unit=PERSONS, totals_exact=False),
                               [{"by": {"rentree": 2024}, "measure": "effectif", "value": 1000}]))
    utility = page[page.index("<h2>Utilité</h2>"):page.index("<h2>Totaux publiés</h2>")]
    assert "<td>1 / 2</td><td>50,0 %</td>" in utility and "<td>987 / 1\u00a0000</td><td>98,7 %</td>" in utility
    assert "<td>non</td>" in utility
    totals = page[page.index("<h2>Totaux publiés</h2>"):]
    assert "<th>rentree</th>" in totals and "<td>2024</td><td>effectif</td><td>1\u00a0000</td>" in totals
    assert "Sans objet" in render_html(_report(None, []))
