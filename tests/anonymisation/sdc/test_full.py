"""Unit tests of publish_in_full: every cell published; a previous version's secrets it determines are counted."""

from __future__ import annotations

import pandas as pd
import pytest

from anonymisation.sdc import PUBLISHED, WITHHELD, publish_in_full
from tests.anonymisation.sdc.attacker import attacker_intervals, exposed_rows


def table(rows: list[tuple[str, str, int]]) -> pd.DataFrame:
    """A 2-D count table (diplome x sexe)."""
    return pd.DataFrame(rows, columns=["diplome", "sexe", "effectif"])


def previous(rows: list[tuple[str, str, str, int | None]]) -> pd.DataFrame:
    """Yesterday's finer table (diplome x sexe x boursier), None where withheld."""
    frame = pd.DataFrame(rows, columns=["diplome", "sexe", "boursier", "effectif"])
    frame["effectif"] = frame["effectif"].astype("Int64")
    frame["effectif_statut"] = [WITHHELD if pd.isna(v) else PUBLISHED for v in frame["effectif"]]
    return frame


def test_small_cells_are_published_as_they_are() -> None:
    """Dimensions the national statistics publish unmasked: counts of 1 and 2 stay, nothing is withheld."""
    out, report = publish_in_full(table([("L1", "F", 1), ("L1", "M", 2), ("M1", "F", 40)]), ["diplome", "sexe"])
    assert (out["effectif_statut"] == PUBLISHED).all() and out["effectif"].tolist() == [1, 2, 40]
    assert out["effectif"].dtype == "Int64" and report.withheld == 0 and report.k_anonymity == 1


def test_a_previous_secret_the_counts_determine_is_counted_not_hidden() -> None:
    """Yesterday withheld the 1 scholarship holder of L1 F beside 8 others: today's public 9 gives it back.

    Withholding today's 9 would not help (the national file shows it): the table stays whole and the report
    counts the one cell for the DPO, as an attacker holding both files would find it.
    """
    old = previous([("L1", "F", "oui", None), ("L1", "F", "non", 8), ("L1", "M", "oui", None),
                    ("L1", "M", "non", None)])
    truth = previous([("L1", "F", "oui", 1), ("L1", "F", "non", 8), ("L1", "M", "oui", 2), ("L1", "M", "non", 10)])
    today = table([("L1", "F", 9), ("L1", "M", 12)])
    out, report = publish_in_full(today, ["diplome", "sexe"], previous=old)
    assert (out["effectif_statut"] == PUBLISHED).all()
    notes = [n for n in report.notes if n.startswith("previous version:")]
    assert notes and notes[0].startswith("previous version: 1 of its withheld cells")
    # The independent attacker (its own LP), today's counts as yesterday's margin: L1 F oui is pinned, the two
    # cells of L1 M are not (1 + 11, 2 + 10, ...); yesterday's small cells unbounded above, as it sees them.
    found = attacker_intervals(old, truth, ["diplome", "sexe", "boursier"], [("diplome", "sexe")], 5,
                               small_bounded=False)
    assert exposed_rows(found) == {0}


def test_no_note_when_the_previous_version_withheld_nothing_or_is_the_same_table() -> None:
    today = table([("L1", "F", 3), ("L1", "M", 12)])
    same = today.assign(effectif=today["effectif"].astype("Int64"), effectif_statut=PUBLISHED)
    _, report = publish_in_full(today, ["diplome", "sexe"], previous=same)
    assert not [n for n in report.notes if n.startswith("previous version:")]


def test_a_zero_or_missing_count_is_refused_naming_the_rule() -> None:
    with pytest.raises(ValueError, match=r"publish_in_full\(t\): column 'effectif'.*rule"):
        publish_in_full(table([("L1", "F", 0)]), ["diplome", "sexe"], name="t")
