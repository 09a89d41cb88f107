"""What a protected table still tells: the utility of a dataset, measured on each run.

"Ouvrir autant que possible, fermer autant que nécessaire": every withheld
cell costs reusers something, so the cost is measured, not assumed
(legal-and-standards section 4, last point). For each protected dataset and
run:

- the share of the table's cells that are published;
- the share of the persons counted (or of the euros, for amounts) that lie in
  published cells;
- whether every year's total is published exactly.

The anonymisation report records these figures (``Utility.as_dict``); the
README, the report's page and the steward page show them, worded here once.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass, fields

import numpy as np
import pandas as pd

PERSONS = "personnes"
EUROS = "euros"
UNITS = (PERSONS, EUROS)


@dataclass(frozen=True)
class Utility:
    """The utility of one protected table.

    ``total`` and ``published`` add the cells' true values, all cells and the
    published ones. For euros each cell counts by its absolute value: a
    credit must not offset a debit, and a share stays between 0 and 1.
    """

    cells: int  # cells of the table (rows of the aggregate)
    cells_published: int
    unit: str  # PERSONS or EUROS
    total: float  # the measure over all cells (true values)
    published: float  # the measure over the published cells
    totals_exact: bool  # every year's total is published exactly

    @property
    def share_cells(self) -> float:
        """Published cells over all cells; an empty table loses nothing (1.0)."""
        return self.cells_published / self.cells if self.cells else 1.0

    @property
    def share_measure(self) -> float:
        """Persons (euros) in published cells over all of them; nothing to count loses nothing (1.0)."""
        return self.published / self.total if self.total else 1.0

    def as_dict(self) -> dict:
        """The report's record: the six fields and the two shares."""
        return {**asdict(self), "share_cells": self.share_cells, "share_measure": self.share_measure}

    @classmethod
    def from_dict(cls, record: dict) -> Utility:
        """Back from a report's record (the shares are recomputed, not read)."""
        return cls(**{f.name: record[f.name] for f in fields(cls)})


def measure(values: Sequence[float] | np.ndarray | pd.Series, withheld: Sequence[bool] | np.ndarray | pd.Series, *,
            unit: str, totals_exact: bool) -> Utility:
    """The utility of a table from each cell's true value and whether it is withheld.

    ``values``: the true value of every cell, withheld ones included (a
    missing value counts 0); ``withheld``: True where the cell is not
    published.
    """
    if unit not in UNITS:
        raise ValueError(f"utility: unit must be one of {', '.join(UNITS)}, not {unit!r}")
    cells = pd.to_numeric(pd.Series(values, dtype="object"), errors="coerce").astype("float64").fillna(0.0).to_numpy()
    hidden = np.asarray(withheld, dtype=bool)
    if cells.shape != hidden.shape:
        raise ValueError(f"utility: {len(cells)} cell value(s) but {len(hidden)} withheld flag(s)")
    if unit == EUROS:
        cells = np.abs(cells)
    return Utility(cells=len(cells), cells_published=int((~hidden).sum()), unit=unit, total=float(cells.sum()),
                   published=float(cells[~hidden].sum()), totals_exact=bool(totals_exact))


def combine(parts: list[Utility]) -> Utility:
    """One utility for a dataset built one year at a time: cells and measures added, totals exact if all are."""
    if not parts:
        raise ValueError("utility: nothing to combine")
    units = {p.unit for p in parts}
    if len(units) > 1:
        raise ValueError(f"utility: parts measured in different units ({', '.join(sorted(units))})")
    return Utility(cells=sum(p.cells for p in parts), cells_published=sum(p.cells_published for p in parts),
                   unit=parts[0].unit, total=sum(p.total for p in parts), published=sum(p.published for p in parts),
                   totals_exact=all(p.totals_exact for p in parts))


def percent(share: float) -> str:
    """A share in French, rounded down to a tenth: "100,0 %" only when nothing is lost."""
    tenths = math.floor(share * 1000 + 1e-9) / 10
    return f"{tenths:.1f}".replace(".", ",") + " %"


def number(value: float) -> str:
    """A count or an amount in French: spaces between thousands, a decimal comma, cents only when there are some."""
    text = f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"
    return text.replace(",", "\u00a0").replace(".", ",")


def totals_words(utility: Utility) -> str:
    return "totaux par année exacts" if utility.totals_exact else "totaux par année non publiés exactement"


def sentence(utility: Utility) -> str:
    """The figures in one sentence: "98,7 % des cellules publiées, qui comptent 99,9 % des personnes; totaux ..."."""
    return (f"{percent(utility.share_cells)} des cellules publiées ({number(utility.cells_published)} sur "
            f"{number(utility.cells)}), qui comptent {percent(utility.share_measure)} des {utility.unit}; "
            f"{totals_words(utility)}")
