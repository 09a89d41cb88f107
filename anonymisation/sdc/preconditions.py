"""Input checks shared by the protections; errors name dataset, column and rule, never a value."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd


def require_columns(where: str, frame: pd.DataFrame, columns: Sequence[str]) -> None:
    """Fail when the frame lacks one of the columns the protection reads."""
    absent = [c for c in columns if c not in frame.columns]
    if absent:
        raise KeyError(f"{where}: columns absent from the input: {absent}")


def require_margins(where: str, dims: Sequence[str], margins: Sequence[Sequence[str]]) -> None:
    """A margin is a group of the table's own dimensions."""
    for margin in margins:
        if isinstance(margin, str):
            raise TypeError(f"{where}: a margin is a sequence of dimension names, got the string '{margin}'")
        outside = [d for d in margin if d not in dims]
        if outside:
            raise ValueError(f"{where}: margin {tuple(margin)} names columns that are not dimensions: {outside}")


def require_one_row_per_cell(where: str, frame: pd.DataFrame, dims: Sequence[str]) -> None:
    """Two rows for the same cell would each look small while their sum is what is counted."""
    if not dims:
        raise ValueError(f"{where}: at least one dimension is needed")
    duplicated = int(frame.duplicated(list(dims)).sum())
    if duplicated:
        raise ValueError(f"{where}: {duplicated} rows repeat a cell of dims {list(dims)} "
                         "(rule: one row per cell; aggregate first)")


def require_mask(where: str, frame: pd.DataFrame, mask: pd.Series | None, what: str) -> pd.Series:
    """A boolean flag per row, aligned on the frame's index; absent means all False."""
    if mask is None:
        return pd.Series(False, index=frame.index)
    if not mask.index.equals(frame.index):
        raise ValueError(f"{where}: the {what} flags are not aligned on the cells' index")
    if mask.isna().any():
        raise ValueError(f"{where}: {int(mask.isna().sum())} {what} flags are missing (rule: a flag per cell)")
    return mask.astype(bool)
