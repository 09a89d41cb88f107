"""Unit tests of protect_counts, one rule at a time, on tiny frames."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest

from anonymisation.sdc import PUBLISHED, WITHHELD, DisclosureError, protect_counts, secondary_suppression
from tests.anonymisation.sdc.attacker import attacker_intervals, exposed_rows


def table(rows: list[tuple[str, str, int]]) -> pd.DataFrame:
    """A 2-D count table (diplome x sexe)."""
    return pd.DataFrame(rows, columns=["diplome", "sexe", "effectif"])


def status_of(out: pd.DataFrame, diplome: str, sexe: str) -> str:
    return out.loc[(out.diplome == diplome) & (out.sexe == sexe), "effectif_statut"].item()


@pytest.mark.parametrize(("count", "threshold", "withheld"), [
    (1, 5, True), (4, 5, True), (5, 5, False), (30, 5, False), (10, 11, True), (11, 11, False), (2, 3, True),
])
def test_small_cell_is_withheld_empty_never_zero(count: int, threshold: int, withheld: bool) -> None:
    out, report = protect_counts(table([("L1", "F", count)]), ["diplome", "sexe"], threshold=threshold)
    assert out["effectif"].dtype == "Int64"
    assert out["effectif_statut"].dtype == "str"
    if withheld:
        assert out["effectif"].isna().all()
        assert (out["effectif_statut"] == WITHHELD).all()
        assert report.withheld_small == 1
    else:
        assert out["effectif"].tolist() == [count]
        assert (out["effectif_statut"] == PUBLISHED).all()
    assert (out["effectif"].fillna(-1) != 0).all()


def test_absent_cells_stay_absent_and_rows_keep_their_order() -> None:
    cells = table([("M1", "M", 12), ("L1", "F", 2), ("L1", "M", 9)])
    out, _ = protect_counts(cells, ["diplome", "sexe"])
    assert out[["diplome", "sexe"]].values.tolist() == [["M1", "M"], ["L1", "F"], ["L1", "M"]]
    assert list(out.columns) == ["diplome", "sexe", "effectif", "effectif_statut"]


@pytest.mark.parametrize("count", [3, 40])
def test_homogeneous_cell_is_withheld_whatever_its_size(count: int) -> None:
    cells = table([("L1", "F", count), ("L1", "M", 20)])
    flags = pd.Series([True, False], index=cells.index)
    out, report = protect_counts(cells, ["diplome", "sexe"], homogeneous=flags)
    assert status_of(out, "L1", "F") == WITHHELD
    assert status_of(out, "L1", "M") == PUBLISHED
    assert (report.withheld_small, report.withheld_homogeneity) == ((1, 0) if count < 5 else (0, 1))


def test_secondary_suppression_on_row_and_column_margins() -> None:
    cells = table([("L1", "F", 2), ("L1", "M", 10), ("L2", "F", 7), ("L2", "M", 8), ("L3", "F", 30),
                   ("L3", "M", 6)])
    margins = [("diplome",), ("sexe",)]
    out, report = protect_counts(cells, ["diplome", "sexe"], margins=margins)
    assert status_of(out, "L1", "F") == WITHHELD
    # Row L1 and column F each need a complement: the smallest cells, then the rectangle closes.
    assert status_of(out, "L1", "M") == WITHHELD
    assert status_of(out, "L3", "M") == WITHHELD or status_of(out, "L2", "F") == WITHHELD
    assert report.withheld_small == 1 and report.withheld_secondary >= 2
    assert not exposed_rows(attacker_intervals(out, cells, ["diplome", "sexe"], margins, 5))
    assert any("margin (diplome)" in note for note in report.notes)


def test_two_small_cells_that_pin_each_other_get_a_complement() -> None:
    cells = table([("L1", "F", 1), ("L1", "M", 1), ("L1", "X", 9), ("L1", "Y", 12)])
    out, report = protect_counts(cells, ["diplome", "sexe"], margins=[("diplome",)])
    # Two cells known to sum to 2 are both 1: the smallest other cell is withheld too.
    assert status_of(out, "L1", "X") == WITHHELD and status_of(out, "L1", "Y") == PUBLISHED
    assert report.withheld_secondary == 1


def test_ties_between_complements_are_broken_in_dimension_order() -> None:
    cells = table([("L1", "Z", 8), ("L1", "A", 8), ("L1", "F", 2)])
    out, _ = protect_counts(cells, ["diplome", "sexe"], margins=[("diplome",)])
    assert status_of(out, "L1", "A") == WITHHELD and status_of(out, "L1", "Z") == PUBLISHED
    again, _ = protect_counts(cells.iloc[::-1], ["diplome", "sexe"], margins=[("diplome",)])
    assert status_of(again, "L1", "A") == WITHHELD


def test_grand_total_margin() -> None:
    cells = table([("L1", "F", 3), ("L1", "M", 6), ("L2", "F", 9)])
    out, _ = protect_counts(cells, ["diplome", "sexe"], margins=[()])
    assert status_of(out, "L1", "M") == WITHHELD and status_of(out, "L2", "F") == PUBLISHED


def test_carried_suppression_from_previous_version() -> None:
    cells = table([("L1", "F", 20), ("L1", "M", 9)])
    previous = pd.DataFrame({"diplome": ["L1", "L1"], "sexe": ["F", "M"],
                             "effectif": pd.array([None, 9], dtype="Int64"),
                             "effectif_statut": [WITHHELD, PUBLISHED]})
    out, report = protect_counts(cells, ["diplome", "sexe"], previous=previous)
    assert status_of(out, "L1", "F") == WITHHELD and status_of(out, "L1", "M") == PUBLISHED
    assert report.withheld_carried == 1


def test_a_cell_already_published_with_the_same_count_is_no_complement() -> None:
    cells = table([("L1", "F", 2), ("L1", "M", 10), ("L1", "X", 12)])
    previous = pd.DataFrame({"diplome": ["L1"], "sexe": ["M"], "effectif": pd.array([10], dtype="Int64"),
                             "effectif_statut": [PUBLISHED]})
    out, _ = protect_counts(cells, ["diplome", "sexe"], margins=[("diplome",)], previous=previous)
    # Withholding M would hide nothing: last version shows its 10, so F = total - 10 - X.
    assert status_of(out, "L1", "M") == PUBLISHED and status_of(out, "L1", "X") == WITHHELD


def test_report_counts_and_dict() -> None:
    cells = table([("L1", "F", 2), ("L1", "M", 10), ("L2", "F", 50), ("L2", "M", 60), ("L3", "F", 7)])
    flags = pd.Series([False, False, True, False, False], index=cells.index)
    out, report = protect_counts(cells, ["diplome", "sexe"], homogeneous=flags, margins=[("diplome",)])
    assert (report.cells, report.withheld_small, report.withheld_homogeneity) == (5, 1, 1)
    assert report.withheld_secondary == 2  # L1/M for L1/F, L2/M for L2/F
    assert report.withheld_dominance == report.withheld_carried == 0
    assert report.withheld == int(out["effectif"].isna().sum()) == 4
    assert report.k_anonymity == 7 and report.threshold == 5
    assert set(report.as_dict()) >= {"cells", "withheld_small", "notes", "k_anonymity", "threshold"}


def test_margin_that_is_a_single_withheld_cell_cannot_be_protected() -> None:
    cells = table([("L1", "F", 3), ("L2", "F", 37), ("L2", "M", 41)])
    with pytest.raises(DisclosureError) as err:
        protect_counts(cells, ["diplome", "sexe"], margins=[("diplome",)], name="effectifs")
    message = str(err.value)
    assert "effectifs" in message and "(diplome)" in message
    assert "37" not in message and "41" not in message and " 3 " not in message


def test_impossible_protection_raises_disclosure_error() -> None:
    # A 2x2 table of ones with both margins known: every arrangement is pinned.
    cells = table([("L1", "F", 1), ("L1", "M", 1), ("L2", "F", 1), ("L2", "M", 1)])
    with pytest.raises(DisclosureError, match="protect_counts\\(t\\)"):
        protect_counts(cells, ["diplome", "sexe"], margins=[("diplome",), ("sexe",)], name="t")


@pytest.mark.parametrize(("rows", "kwargs", "error"), [
    ([("L1", "F", 0)], {}, "below 1"),
    ([("L1", "F", 2), ("L1", "F", 3)], {}, "one row per cell"),
    ([("L1", "F", 2)], {"threshold": 2}, "below 3"),
    ([("L1", "F", 2)], {"margins": [("annee",)]}, "not dimensions"),
    ([("L1", "F", 2)], {"margins": ["diplome"]}, "sequence of dimension names"),
])
def test_invalid_input_is_refused_by_rule(rows: list[tuple[str, str, int]], kwargs: dict, error: str) -> None:
    with pytest.raises((ValueError, TypeError), match=error):
        protect_counts(table(rows), ["diplome", "sexe"], **kwargs)


def test_secondary_suppression_alone_returns_a_mask_and_counts_per_margin() -> None:
    cells = table([("L1", "F", 2), ("L1", "M", 10), ("L2", "F", 7), ("L2", "M", 8)])
    primary = cells["effectif"] < 5
    mask, added = secondary_suppression(cells, ["diplome", "sexe"], [("diplome",)], primary)
    assert mask.tolist() == [True, True, False, False] and added == [1]


@pytest.mark.parametrize("method", ["optimal", "heuristique"])
@pytest.mark.parametrize("seed", [0, 3, 7])
def test_medium_table_with_combining_margins_leaves_nothing_recoverable(seed: int, method: str) -> None:
    # 3 x 6 x 5 cells, two margins meeting on every cell: the heuristic's audit adds complements the
    # group-by-group pass cannot see (seed 3), and re-audits only what they reach; the optimum's
    # audit re-models the exposed cells exactly instead.
    rng = np.random.default_rng(seed)
    combos = list(itertools.product(["a0", "a1", "a2"], [f"b{i}" for i in range(6)], [f"c{i}" for i in range(5)]))
    cells = pd.DataFrame(combos, columns=["a", "b", "c"]).assign(effectif=rng.geometric(0.15, len(combos)))
    margins = [("a", "b"), ("a", "c")]
    out, report = protect_counts(cells, ["a", "b", "c"], margins=margins, method=method)
    assert not exposed_rows(attacker_intervals(out, cells, ["a", "b", "c"], margins, 5))
    assert report.withheld == int(out["effectif"].isna().sum())
    if seed == 3 and method == "heuristique":
        assert any(note.startswith("audit: 2 further") for note in report.notes)
    if method == "optimal":
        assert any("exact optimum" in note and "proven" in note for note in report.notes)
