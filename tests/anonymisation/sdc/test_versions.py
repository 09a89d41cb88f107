"""A previous version of other dimensions: nothing withheld in either can be recomputed from both files.

The attacker here is the audit itself, given both published files and the
fact that they count the same persons over the dimensions they share.
"""

from __future__ import annotations

import pandas as pd
import pytest

from anonymisation.sdc import PublishedTable, Relation, audit, protect_counts
from anonymisation.sdc.model import PUBLISHED, WITHHELD


def _table(rows: list[tuple], dims: list[str]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=[*dims, "effectif"])


def _published(frame: pd.DataFrame, withheld: list[bool]) -> pd.DataFrame:
    out = frame.copy()
    out["effectif"] = pd.array([None if w else v for v, w in zip(frame["effectif"], withheld)], dtype="Int64")
    out["effectif_statut"] = [WITHHELD if w else PUBLISHED for w in withheld]
    return out


def _exposed(before: pd.DataFrame, before_dims: list[str], after: pd.DataFrame, after_dims: list[str],
             shared: list[str]) -> list:
    tables = [PublishedTable("avant", before, tuple(before_dims)), PublishedTable("apres", after, tuple(after_dims))]
    return audit(tables, [Relation("avant", "apres", tuple(shared))])


def test_a_dimension_added_never_reveals_a_cell_withheld_before_nor_a_small_cell_inside_a_published_one() -> None:
    # Yesterday: by diploma and sex; L1-F (3) withheld, L1-M its complement (8), L2 published.
    before = _published(_table([("L1", "F", 3), ("L1", "M", 8), ("L2", "F", 12), ("L2", "M", 9)],
                               ["diplome", "sexe"]), [True, True, False, False])
    # Today the same persons by regime too: L1-F is one regime only, L2-F splits 10 + 2.
    cells = _table([("L1", "F", "FI", 3), ("L1", "M", "FI", 5), ("L1", "M", "FC", 3), ("L2", "F", "FI", 10),
                    ("L2", "F", "FC", 2), ("L2", "M", "FI", 9)], ["diplome", "sexe", "regime"])
    dims = ["diplome", "sexe", "regime"]
    out, report = protect_counts(cells, dims, previous=before)
    assert not _exposed(before, ["diplome", "sexe"], out, dims, ["diplome", "sexe"])
    withheld = out.set_index(dims)["effectif_statut"] == WITHHELD
    assert withheld[("L1", "F", "FI")]  # yesterday's withheld cell, whole today: still withheld
    assert withheld[("L2", "F", "FC")] and withheld[("L2", "F", "FI")]  # 12 - 10 would give the 2
    assert report.withheld_carried >= 1
    assert any("previous version of other dimensions" in n for n in report.notes)


def test_without_the_previous_version_the_same_table_would_be_differenced() -> None:
    """The test above can fail: protected alone, today's table lets yesterday's subtract a cell out."""
    before = _published(_table([("L2", "F", 12), ("L2", "M", 9)], ["diplome", "sexe"]), [False, False])
    cells = _table([("L2", "F", "FI", 10), ("L2", "F", "FC", 2), ("L2", "M", "FI", 9)], ["diplome", "sexe", "regime"])
    dims = ["diplome", "sexe", "regime"]
    alone, _ = protect_counts(cells, dims)
    assert _exposed(before, ["diplome", "sexe"], alone, dims, ["diplome", "sexe"])
    together, _ = protect_counts(cells, dims, previous=before)
    assert not _exposed(before, ["diplome", "sexe"], together, dims, ["diplome", "sexe"])


def test_a_dimension_removed_does_not_let_a_withheld_cell_be_subtracted_out() -> None:
    # Yesterday by diploma and sex, L1-F (2) withheld with L2-F; today by diploma only.
    before = _published(_table([("L1", "F", 2), ("L1", "M", 20), ("L2", "F", 7), ("L2", "M", 6)],
                               ["diplome", "sexe"]), [True, False, True, False])
    cells = _table([("L1", 22), ("L2", 13), ("L3", 30)], ["diplome"])
    out, _ = protect_counts(cells, ["diplome"], previous=before)
    assert not _exposed(before, ["diplome", "sexe"], out, ["diplome"], ["diplome"])
    assert (out.set_index("diplome")["effectif_statut"] == WITHHELD)[["L1", "L2"]].all()
    assert out.set_index("diplome").loc["L3", "effectif_statut"] == PUBLISHED  # nothing to protect there


def test_a_group_whose_data_changed_is_not_related_and_publishes() -> None:
    """The year under way changed: yesterday published more than today counts, no difference can be taken."""
    before = _published(_table([(2025, "F", 2), (2025, "M", 40)], ["annee", "sexe"]), [True, False])
    cells = _table([(2025, "FI", 30), (2025, "FC", 6)], ["annee", "regime"])
    out, _ = protect_counts(cells, ["annee", "regime"], previous=before)
    assert (out["effectif_statut"] == PUBLISHED).all()


def test_the_same_cells_keep_the_cell_by_cell_carry_over() -> None:
    before = _published(_table([("L1", "F", 3), ("L1", "M", 9)], ["diplome", "sexe"]), [True, True])
    cells = _table([("L1", "F", 6), ("L1", "M", 9)], ["diplome", "sexe"])
    out, report = protect_counts(cells, ["diplome", "sexe"], previous=before)
    assert (out["effectif_statut"] == WITHHELD).all() and report.withheld_carried == 2
    assert not any("previous version of other dimensions" in n for n in report.notes)


def test_a_previous_version_without_its_status_column_is_refused_by_name() -> None:
    before = _table([("L1", 3)], ["diplome"])
    with pytest.raises(KeyError, match="previous version.*effectif_statut"):
        protect_counts(_table([("L1", 6)], ["diplome"]), ["diplome"], previous=before)


def test_a_cell_published_whole_yesterday_and_withheld_today_is_public_not_a_dead_end() -> None:
    """Finer groups made it homogeneous today; yesterday showed its count: no complement can hide it, none is sought."""
    before = _published(_table([("L1", "F", 6), ("L2", "F", 9)], ["diplome", "sexe"]), [False, False])
    cells = _table([("L1", "F", "FI", 6), ("L2", "F", "FI", 7), ("L2", "F", "FC", 2)], ["diplome", "sexe", "regime"])
    homogeneous = pd.Series([True, False, False], index=cells.index)
    out, report = protect_counts(cells, ["diplome", "sexe", "regime"], homogeneous=homogeneous, previous=before)
    assert out["effectif_statut"].tolist() == [WITHHELD, WITHHELD, WITHHELD]  # L2: 9 - 7 would give the 2
    assert any("published with the same count in the previous version" in n for n in report.notes)
