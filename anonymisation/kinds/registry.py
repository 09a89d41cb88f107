"""The dataset kinds this product knows, by the name a policy writes in ``kind:``.

Adding a kind: write its module in this package (``KIND = Kind(...)``) and
add it to ``KINDS`` below, one line.
"""

from __future__ import annotations

from anonymisation.kinds import aggregate, amounts, index_egalite, rates, repertoire, rows, top_n
from anonymisation.kinds.base import Kind

KINDS: dict[str, Kind] = {kind.name: kind for kind in (
    aggregate.KIND,
    amounts.KIND,
    rates.KIND,
    repertoire.KIND,
    rows.KIND,
    top_n.KIND,
    index_egalite.KIND,
)}


def known() -> list[str]:
    """The names of the registered kinds, sorted."""
    return sorted(KINDS)


def kind_of(name: str) -> Kind:
    """The kind registered under ``name``; a ``KeyError`` naming the known kinds otherwise."""
    if name not in KINDS:
        raise KeyError(f"kind '{name}' is not registered (known: {', '.join(known())})")
    return KINDS[name]
