"""Audit of published tables: can anyone recompute a withheld count?

Masking a cell of a table whose totals are known elsewhere lets anyone
recompute it (../shared/reference/legal-and-standards.md, section 4). The
audit plays the attacker over everything a run publishes: each withheld
count is an unknown, the published counts are fixed, and the attacker also
knows
- that a withheld cell is not empty (>= 1; zero cells are absent rows), and
  at most threshold - 1 when it was withheld for being small. Only the
  auditor knows which cells those are (a complement is withheld too, and
  large), so that bound applies when the table's threshold and true counts
  are given; granting it to the attacker is the cautious choice;
- the declared margins of a table (sums over groups of dimensions that are
  published elsewhere), whose values come from the true counts;
- relations between tables: for each group of shared dimensions present in
  both tables, sum(left) ==, >= or <= sum(right). The previous published
  version of a table is one more table, restricted to the closed years,
  with an ``==`` relation on all dimensions.
A withheld cell is EXPOSED when max - min of its value over all that is
below ``min_width``: with integer counts, at most one value remains.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from anonymisation.sdc.intervals import narrow_intervals
from anonymisation.sdc.system import InfeasibleSystem, LinearSystem

_OPS = ("==", ">=", "<=")


@dataclass(frozen=True, eq=False)
class PublishedTable:
    """One published table: its dimensions, its count (empty when withheld) and status.

    ``threshold`` (with the table's true counts given to the audit) bounds the
    cells withheld for being small by threshold - 1. ``lower`` is the smallest
    value a withheld cell can hold: 1 for counts, 0 for non-negative amounts.
    """

    name: str
    frame: pd.DataFrame
    dims: tuple[str, ...]
    count_col: str = "effectif"
    threshold: int | None = None
    lower: float = 1.0


@dataclass(frozen=True)
class Relation:
    """A linear fact linking tables: for each group of ``by`` dims, sum(left) (op) sum(right).

    ``op`` is ``==`` or ``>=``. Example: a nominative list of graduates,
    minus the persons who objected, counts no more than the diplomas-awarded
    table summed over sex: Relation("diplomes_delivres", "laureats",
    ("annee", "code_diplome", "mention"), ">=").
    Only groups present in both tables are constrained, so a table restricted
    to some years (a previous version's closed years) relates on those only.
    ``<=`` is accepted as the mirror of ``>=``.
    """

    left: str
    right: str
    by: tuple[str, ...]
    op: str = "=="


@dataclass(frozen=True)
class Exposure:
    """A withheld cell whose true value is confined to [lower, upper], narrower than allowed."""

    table: str
    cell: dict[str, object]
    lower: float
    upper: float


@dataclass(frozen=True)
class Located:
    """An exposure by position: index of the table in the audit, row position in its frame."""

    table: int
    row: int
    lower: float
    upper: float


def audit(tables: Sequence[PublishedTable], relations: Sequence[Relation] = (), *,
          margins: Mapping[str, Sequence[Sequence[str]]] = {},
          min_width: float = 1.0, truth: Mapping[str, pd.DataFrame] = {}) -> list[Exposure]:
    """Withheld cells of the published tables that an attacker can pin down.

    ``truth`` maps a table name to its true counts (dims + count column): it
    is needed for a table with declared margins (the attacker knows their
    values, so must the audit) and sharpens the bounds of small cells. An
    empty list means nothing is exposed. Cells are given by their published
    dimension values only.
    """
    found = locate_exposures(tables, relations, margins=margins, truth=truth, min_width=min_width)
    return [Exposure(tables[f.table].name, _cell(tables[f.table], f.row), f.lower, f.upper) for f in found]


def locate_exposures(tables: Sequence[PublishedTable], relations: Sequence[Relation] = (), *,
                     margins: Mapping[str, Sequence[Sequence[str]]] = {},
                     truth: Mapping[str, pd.DataFrame] = {}, min_width: float = 1.0,
                     need: Mapping[str, np.ndarray] = {}) -> list[Located]:
    """Same audit, by position; ``need`` may give, per table, a required width for each row."""
    names = [t.name for t in tables]
    if len(set(names)) != len(names):
        raise ValueError(f"audit: table names must be unique, got {names}")
    index = {name: i for i, name in enumerate(names)}
    parts = [_Part.of(t, truth.get(t.name)) for t in tables]
    offsets = np.cumsum([0] + [int((p.ids >= 0).sum()) for p in parts])
    for part, offset in zip(parts, offsets, strict=False):
        part.ids[part.ids >= 0] += offset
    rows: list[np.ndarray] = []
    cols: list[np.ndarray] = []
    coefs: list[np.ndarray] = []
    rhs: list[np.ndarray] = []
    equality: list[np.ndarray] = []

    def add(codes: np.ndarray, sign: float, part: _Part) -> None:
        """Enter the unknowns of a table in the next block of constraints (code -1: left out)."""
        w = (part.ids >= 0) & (codes >= 0)
        rows.append(codes[w] + sum(len(r) for r in rhs))
        cols.append(part.ids[w])
        coefs.append(np.full(int(w.sum()), sign))

    for name, groups in margins.items():
        if name not in index:
            raise ValueError(f"audit: margins declared for unknown table '{name}'")
        part = parts[index[name]]
        if part.true is None:
            raise ValueError(f"audit: table '{name}' declares margins but its true counts are not given "
                             "(pass truth, or publish the margin as a table linked by a Relation)")
        for margin in groups:
            codes, count = _codes(part.table, tuple(margin))
            add(codes, 1.0, part)
            # The group's withheld values sum to its total less its published values: summed directly,
            # without the difference of two large sums whose rounding would break an empty group's 0.
            rhs.append(np.bincount(codes, np.where(part.ids >= 0, part.true, 0.0), count))
            equality.append(np.ones(count, bool))
    for rel in relations:
        if rel.op not in _OPS or rel.left not in index or rel.right not in index:
            raise ValueError(f"audit: relation {rel.left} {rel.op} {rel.right} names an unknown table or "
                             f"operator (operators: {_OPS})")
        left, right = parts[index[rel.left]], parts[index[rel.right]]
        codes_l, codes_r, count = _joint_codes(left.table, right.table, tuple(rel.by))
        both = (np.bincount(codes_l, minlength=count) > 0) & (np.bincount(codes_r, minlength=count) > 0)
        codes_l = np.where(both[codes_l], codes_l, -1)  # a group on one side only is not constrained
        codes_r = np.where(both[codes_r], codes_r, -1)
        sign = -1.0 if rel.op == "<=" else 1.0  # a <= b is kept as -a >= -b
        add(codes_l, sign, left)
        add(codes_r, -sign, right)
        gap = (np.bincount(codes_r[codes_r >= 0], right.published[codes_r >= 0], count)
               - np.bincount(codes_l[codes_l >= 0], left.published[codes_l >= 0], count))
        rhs.append(sign * gap)
        equality.append(np.full(count, rel.op == "=="))
    wanted = np.concatenate([need.get(p.table.name, np.full(len(p.ids), min_width))[p.ids >= 0]
                             for p in parts])
    point = np.concatenate([p.point for p in parts])
    table_of = np.concatenate([np.full(int((p.ids >= 0).sum()), i) for i, p in enumerate(parts)])
    row_of = np.concatenate([np.flatnonzero(p.ids >= 0) for p in parts])
    rhs_all = np.concatenate(rhs) if rhs else np.empty(0)
    scale = _scale(point, rhs_all)
    try:
        system = LinearSystem.build(
            np.concatenate([p.lower for p in parts]) / scale, np.concatenate([p.upper for p in parts]) / scale,
            *(np.concatenate(x) if x else np.empty(0) for x in (rows, cols, coefs)), rhs_all / scale,
            np.concatenate(equality) if equality else np.empty(0, bool))
        found = narrow_intervals(system, wanted / scale, [point / scale])
    except InfeasibleSystem as exc:
        involved = sorted({names[i] for i in table_of[exc.variables]}) or names
        raise ValueError(f"audit: the published values of {involved} contradict their declared margins or "
                         "relations (rule: consistency of published aggregates)") from None
    return [Located(int(table_of[f.variable]), int(row_of[f.variable]), f.lower * scale, f.upper * scale)
            for f in found]


def _scale(point: np.ndarray, rhs: np.ndarray) -> float:
    """Unit of the system: 1 up to a million, larger for larger amounts.

    The solver's tolerances are absolute (``system.TOL``); a sum of amounts
    in the hundreds of millions carries rounding above them, which would
    read as a contradiction. Counts and ordinary amounts keep their unit.
    """
    finite = np.abs(np.concatenate([point[np.isfinite(point)], rhs]))
    return max(1.0, float(finite.max(initial=0.0)) / 1e6)


@dataclass
class _Part:
    """A table seen as constants (published) and unknowns (withheld, numbered by ``ids``)."""

    table: PublishedTable
    ids: np.ndarray
    published: np.ndarray
    true: np.ndarray | None
    lower: np.ndarray
    upper: np.ndarray
    point: np.ndarray

    @classmethod
    def of(cls, table: PublishedTable, truth: pd.DataFrame | None) -> _Part:
        absent = [c for c in (*table.dims, table.count_col) if c not in table.frame.columns]
        if absent:
            raise ValueError(f"audit: table '{table.name}' lacks the columns {absent}")
        values = pd.to_numeric(table.frame[table.count_col]).to_numpy(dtype=float, na_value=np.nan)
        withheld = np.isnan(values)
        ids = np.where(withheld, np.cumsum(withheld) - 1, -1)
        true = None if truth is None else _align(table, truth)
        if true is not None and not np.allclose(true[~withheld], values[~withheld]):
            raise ValueError(f"audit: table '{table.name}': published values differ from the true counts given")
        upper = np.full(int(withheld.sum()), np.inf)
        if true is not None and table.threshold is not None:
            upper[true[withheld] < table.threshold] = table.threshold - 1
        point = true[withheld] if true is not None else np.full(int(withheld.sum()), np.nan)
        return cls(table, ids, np.where(withheld, 0.0, values), true,
                   np.full(int(withheld.sum()), float(table.lower)), upper, point)


def _align(table: PublishedTable, truth: pd.DataFrame) -> np.ndarray:
    """True counts in the order of the published rows; both must hold the same cells."""
    dims = list(table.dims)
    left = table.frame[dims].reset_index(drop=True)
    right = truth[dims].reset_index(drop=True)
    if left.equals(right):
        return pd.to_numeric(truth[table.count_col]).to_numpy(dtype=float)
    merged = left.merge(truth[[*dims, table.count_col]], on=dims, how="left", validate="one_to_one")
    true = pd.to_numeric(merged[table.count_col]).to_numpy(dtype=float, na_value=np.nan)
    if len(truth) != len(left) or np.isnan(true).any():
        raise ValueError(f"audit: table '{table.name}': the true counts do not hold the same cells as the "
                         "published table")
    return true


def _codes(table: PublishedTable, margin: tuple[str, ...]) -> tuple[np.ndarray, int]:
    """Group number of every row for a margin (the empty margin is the grand total)."""
    unknown = [d for d in margin if d not in table.dims]
    if unknown:
        raise ValueError(f"audit: margin {margin} of table '{table.name}' names non-dimensions {unknown}")
    if not margin:
        return np.zeros(len(table.frame), dtype=np.int64), 1
    codes = table.frame.groupby(list(margin), dropna=False, sort=False).ngroup().to_numpy()
    return codes, int(codes.max()) + 1 if len(codes) else 0


def _joint_codes(left: PublishedTable, right: PublishedTable,
                 by: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray, int]:
    """Group numbers shared by two tables for the dimensions ``by``."""
    for table in (left, right):
        if any(d not in table.frame.columns for d in by):
            raise ValueError(f"audit: relation dimensions {by} missing from table '{table.name}'")
    if not by:
        return np.zeros(len(left.frame), np.int64), np.zeros(len(right.frame), np.int64), 1
    keys = pd.concat([left.frame[list(by)], right.frame[list(by)]], ignore_index=True)
    codes = keys.groupby(list(by), dropna=False, sort=False).ngroup().to_numpy()
    count = int(codes.max()) + 1 if len(codes) else 0
    return codes[:len(left.frame)], codes[len(left.frame):], count


def _cell(table: PublishedTable, row: int) -> dict[str, object]:
    """Coordinates of a cell: its published dimension values, as plain Python values."""
    out: dict[str, object] = {}
    for dim in table.dims:
        value = table.frame[dim].iat[row]
        out[dim] = value.item() if isinstance(value, np.generic) else value
    return out
