"""Unit tests of the audit: margins, relations between tables, previous version, errors."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest

from anonymisation.sdc import PUBLISHED, WITHHELD, PublishedTable, Relation, audit, protect_counts

DIMS = ("annee", "diplome", "sexe")


def published(rows: list[tuple[int, str, str, int | None]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=[*DIMS, "effectif"])
    frame["effectif"] = frame["effectif"].astype("Int64")
    frame["effectif_statut"] = frame["effectif"].isna().map({True: WITHHELD, False: PUBLISHED})
    return frame


DIPLOMES = published([(2023, "L", "F", None), (2023, "L", "M", 10), (2023, "M", "F", 12), (2023, "M", "M", 9)])
TRUE = published([(2023, "L", "F", 3), (2023, "L", "M", 10), (2023, "M", "F", 12), (2023, "M", "M", 9)])


def laureats(count: int) -> PublishedTable:
    """A nominative list, counted per (annee, diplome): persons who objected are not on it."""
    frame = pd.DataFrame({"annee": [2023], "diplome": ["L"], "effectif": pd.array([count], dtype="Int64")})
    return PublishedTable("laureats", frame, ("annee", "diplome"))


def test_nothing_known_nothing_exposed() -> None:
    assert audit([PublishedTable("diplomes", DIPLOMES, DIMS)]) == []


def test_a_margin_known_elsewhere_exposes_a_lone_withheld_cell() -> None:
    table = PublishedTable("diplomes", DIPLOMES, DIMS, threshold=5)
    found = audit([table], margins={"diplomes": [("annee", "diplome")]}, truth={"diplomes": TRUE})
    assert len(found) == 1
    assert found[0].table == "diplomes" and found[0].cell == {"annee": 2023, "diplome": "L", "sexe": "F"}
    assert found[0].lower == pytest.approx(3) and found[0].upper == pytest.approx(3)


def test_margins_need_the_true_counts() -> None:
    with pytest.raises(ValueError, match="true counts"):
        audit([PublishedTable("diplomes", DIPLOMES, DIMS)], margins={"diplomes": [("annee",)]})


@pytest.mark.parametrize(("listed", "exposed"), [(13, False), (14, True), (11, False)])
def test_a_nominative_list_bounds_the_withheld_cell_from_below(listed: int, exposed: bool) -> None:
    # Diplomas awarded >= persons listed: F >= listed - 10, and F <= 4 as a small cell.
    tables = [PublishedTable("diplomes", DIPLOMES, DIMS, threshold=5), laureats(listed)]
    relation = Relation("diplomes", "laureats", ("annee", "diplome"), ">=")
    found = audit(tables, [relation], truth={"diplomes": TRUE})
    assert bool(found) == exposed
    if exposed:
        assert (found[0].lower, found[0].upper) == pytest.approx((4, 4))


def test_less_or_equal_mirrors_greater_or_equal() -> None:
    tables = [PublishedTable("diplomes", DIPLOMES, DIMS, threshold=5), laureats(14)]
    relation = Relation("laureats", "diplomes", ("annee", "diplome"), "<=")
    assert len(audit(tables, [relation], truth={"diplomes": TRUE})) == 1


def test_without_the_true_counts_a_withheld_cell_is_only_known_to_be_at_least_one() -> None:
    tables = [PublishedTable("diplomes", DIPLOMES, DIMS, threshold=5), laureats(14)]
    assert audit(tables, [Relation("diplomes", "laureats", ("annee", "diplome"), ">=")]) == []


def test_a_table_publishing_the_sum_over_sex_exposes_the_lone_cell() -> None:
    totals = pd.DataFrame({"annee": [2023, 2023], "diplome": ["L", "M"], "effectif": [13, 21]})
    tables = [PublishedTable("diplomes", DIPLOMES, DIMS), PublishedTable("totaux", totals, ("annee", "diplome"))]
    found = audit(tables, [Relation("totaux", "diplomes", ("annee", "diplome"))])
    assert [(e.cell["diplome"], e.cell["sexe"], e.lower, e.upper) for e in found] == [("L", "F", 3, 3)]


def test_previous_version_of_closed_years_exposes_a_complement_published_before() -> None:
    cells = pd.DataFrame({"annee": [2022] * 3, "diplome": ["L"] * 3, "sexe": ["F", "M", "X"],
                          "effectif": [2, 10, 12]})
    current, _ = protect_counts(cells, DIMS, margins=[("annee", "diplome")])
    withheld = current.loc[current.effectif.isna() & (current.sexe != "F"), "sexe"].item()
    # Last year's file published that complement with the same count (a closed year does not move).
    before = cells[cells.sexe == withheld].assign(effectif_statut=PUBLISHED)
    tables = [PublishedTable("t", current, DIMS), PublishedTable("t_previous", before, DIMS)]
    margin = pd.DataFrame({"annee": [2022], "diplome": ["L"], "effectif": [24]})
    tables.append(PublishedTable("t_totals", margin, ("annee", "diplome")))
    relations = [Relation("t", "t_previous", DIMS), Relation("t_totals", "t", ("annee", "diplome"))]
    found = audit(tables, relations)
    assert {e.cell["sexe"] for e in found} == {"F", withheld}
    # protect_counts, given that previous version, picks the other complement instead.
    safe, _ = protect_counts(cells, DIMS, margins=[("annee", "diplome")], previous=before)
    assert safe.loc[safe.sexe == withheld, "effectif_statut"].item() == PUBLISHED
    tables[0] = PublishedTable("t", safe, DIMS)
    assert audit(tables, relations) == []


def test_a_relation_only_constrains_groups_present_in_both_tables() -> None:
    closed = pd.DataFrame({"annee": [2022], "diplome": ["L"], "effectif": [50]})
    tables = [PublishedTable("diplomes", DIPLOMES, DIMS), PublishedTable("ancien", closed, ("annee", "diplome"))]
    assert audit(tables, [Relation("diplomes", "ancien", ("annee", "diplome"))]) == []


@pytest.mark.parametrize(("relation", "error"), [
    (Relation("diplomes", "inconnue", ("annee",)), "unknown table"),
    (Relation("diplomes", "totaux", ("annee",), "<"), "operator"),
    (Relation("diplomes", "totaux", ("region",)), "missing from table"),
])
def test_malformed_relations_are_refused(relation: Relation, error: str) -> None:
    totals = pd.DataFrame({"annee": [2023], "effectif": [34]})
    tables = [PublishedTable("diplomes", DIPLOMES, DIMS), PublishedTable("totaux", totals, ("annee",))]
    with pytest.raises(ValueError, match=error):
        audit(tables, [relation])


def test_contradictory_publications_are_refused_without_values() -> None:
    totals = pd.DataFrame({"annee": [2023], "diplome": ["M"], "effectif": [77]})  # 12 + 9 were published
    tables = [PublishedTable("diplomes", DIPLOMES, DIMS), PublishedTable("totaux", totals, ("annee", "diplome"))]
    with pytest.raises(ValueError, match="contradict") as err:
        audit(tables, [Relation("totaux", "diplomes", ("annee", "diplome"))])
    assert "77" not in str(err.value) and "12" not in str(err.value)


def test_duplicate_table_names_are_refused() -> None:
    table = PublishedTable("diplomes", DIPLOMES, DIMS)
    with pytest.raises(ValueError, match="unique"):
        audit([table, table])


def test_min_width_is_the_exposure_threshold() -> None:
    table = PublishedTable("diplomes", DIPLOMES, DIMS, threshold=5)
    tables = [table, laureats(13)]  # F in [3, 4]: width 1
    relation = [Relation("diplomes", "laureats", ("annee", "diplome"), ">=")]
    assert audit(tables, relation, truth={"diplomes": TRUE}) == []
    assert len(audit(tables, relation, truth={"diplomes": TRUE}, min_width=2)) == 1


def test_large_amounts_are_not_read_as_a_contradiction() -> None:
    """Sums up to a thousand billion euros, with cents: rounding is no contradiction, the unit changes nothing."""
    rng = np.random.default_rng(3)
    combos = list(itertools.product(range(4), range(5)))
    cells = pd.DataFrame(combos, columns=["a", "b"]).assign(m=np.round(rng.lognormal(18, 3, len(combos)), 2))
    hide = rng.random(len(cells)) < 0.4
    margins = {"t": [("a",), ("b",)]}

    def exposed(unit: float) -> set[tuple[int, int]]:
        truth = cells.assign(m=cells["m"] / unit)
        table = PublishedTable("t", truth.assign(m=truth["m"].mask(hide)), ("a", "b"), "m", lower=0.0)
        return {(e.cell["a"], e.cell["b"]) for e in audit([table], margins=margins, truth={"t": truth},
                                                           min_width=1000.0 / unit)}

    found = exposed(1.0)
    assert found and found == exposed(1e6)
