"""Unit tests of k_anonymity."""

from __future__ import annotations

import pandas as pd
import pytest

from anonymisation.sdc import k_anonymity

ROWS = pd.DataFrame({
    "tranche_age": ["20-24", "20-24", "20-24", "25-29", "25-29", None],
    "sexe": ["F", "F", "M", "M", "M", "F"],
    "departement": ["75", "75", "75", "92", "92", "92"],
})


@pytest.mark.parametrize(("qi", "k"), [
    ((), 6),
    (("departement",), 3),
    (("sexe",), 3),
    (("tranche_age",), 1),  # the missing age is a class of its own
    (("tranche_age", "sexe"), 1),
    (("sexe", "departement"), 1),
])
def test_smallest_class(qi: tuple[str, ...], k: int) -> None:
    assert k_anonymity(ROWS, qi) == k


def test_empty_frame_is_zero() -> None:
    assert k_anonymity(ROWS.iloc[:0], ["sexe"]) == 0
    assert k_anonymity(ROWS.iloc[:0], []) == 0


def test_missing_values_share_a_class() -> None:
    rows = pd.DataFrame({"a": [None, None, "x", "x"]})
    assert k_anonymity(rows, ["a"]) == 2


def test_categorical_unused_levels_do_not_count() -> None:
    rows = pd.DataFrame({"a": pd.Categorical(["x", "x"], categories=["x", "y"])})
    assert k_anonymity(rows, ["a"]) == 2


def test_unknown_column_is_named() -> None:
    with pytest.raises(KeyError, match="nationalite"):
        k_anonymity(ROWS, ["nationalite"])
