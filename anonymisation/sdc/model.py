"""Statuses, the suppression report and the error of statistical disclosure control.

A published aggregate carries, next to each count or amount, a status column:
``publie`` when the value is shown, ``secret_statistique`` when it is left
empty. Ministry files use codes such as "nd", "ns" or "fe" for the same idea
(../shared/reference/legal-and-standards.md, section 4); we keep one explicit
word so a reuser never mistakes a withheld value for a zero.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from resources.common.vocabulary import PUBLISHED, WITHHELD

__all__ = ["PUBLISHED", "WITHHELD", "DisclosureError", "SuppressionReport", "margin_label"]


class DisclosureError(RuntimeError):
    """A table cannot be published without revealing a withheld value.

    The message names the dataset, its dimensions and the rule; at most a few
    cell coordinates made of published dimension values, never a person's value.
    """


@dataclass
class SuppressionReport:
    """What the protection of one table withheld, and why, in counts only.

    The ``withheld_*`` counts do not overlap: a cell counts under the first
    reason that applies, in the order small (or, for amounts, too few
    contributors), dominance, homogeneity, carried from the previous version,
    then secondary (withheld only to protect another cell).
    ``threshold`` is the small-cell threshold for counts and the minimum number
    of contributors for amounts. ``k_anonymity`` is the smallest group behind a
    published value: the smallest published count, or the smallest number of
    contributors of a published amount (None when nothing is published).
    """

    cells: int
    withheld_small: int
    withheld_homogeneity: int
    withheld_secondary: int
    withheld_dominance: int
    withheld_carried: int
    threshold: int
    k_anonymity: int | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def withheld(self) -> int:
        """All withheld cells, whatever the reason."""
        return (self.withheld_small + self.withheld_homogeneity + self.withheld_secondary
                + self.withheld_dominance + self.withheld_carried)

    def as_dict(self) -> dict[str, Any]:
        """Plain dictionary for run metadata and steward reports (counts and notes only)."""
        return asdict(self)


def margin_label(margin: tuple[str, ...]) -> str:
    """How a margin is named in notes: its dimension names, or "(total)" for the grand total."""
    return f"({', '.join(margin)})" if margin else "(total)"
