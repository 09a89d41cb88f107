"""k-anonymity of a set of rows over its quasi-identifiers.

WP29 opinion 05/2014 lists k-anonymity among the techniques that answer the
singling-out test: every combination of quasi-identifier values is shared by
at least k rows. pycanon and anjana do not run on pandas 3, hence this
small implementation.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd


def k_anonymity(rows: pd.DataFrame, quasi_identifiers: Sequence[str]) -> int:
    """Size of the smallest group of rows sharing the same quasi-identifier values.

    A missing value is a value like any other: rows missing the same
    quasi-identifier fall in one group (an attacker sees the blank too).
    With no quasi-identifier every row looks alike, so k is the number of
    rows; an empty frame has k = 0.
    """
    missing = [c for c in quasi_identifiers if c not in rows.columns]
    if missing:
        raise KeyError(f"k_anonymity: quasi-identifier columns absent from the rows: {missing}")
    if rows.empty:
        return 0
    if not quasi_identifiers:
        return len(rows)
    sizes = rows.groupby(list(quasi_identifiers), dropna=False, observed=True, sort=False).size()
    return int(sizes.min())
