"""Properties of the protections on random tables, checked with an independent attacker.

The attacker (tests/anonymisation/sdc/attacker.py) is a plain dense linear
program written apart from the library, so these tests do not trust the
library's own audit to judge the library.
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from anonymisation.sdc import (
    PUBLISHED,
    WITHHELD,
    DisclosureError,
    PublishedTable,
    Relation,
    audit,
    protect_amounts,
    protect_counts,
)
from tests.anonymisation.sdc.attacker import attacker_intervals, exposed_rows

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
Case = tuple[pd.DataFrame, tuple[str, ...], list[tuple[str, ...]], int, pd.Series]


@st.composite
def count_tables(draw: st.DrawFn) -> Case:
    """2 or 3 dimensions of 2-4 values, most cells present, counts 1..30 (a third up to 6), random margins."""
    dims = ("a", "b", "c")[:draw(st.integers(2, 3))]
    sizes = [draw(st.integers(2, 4)) for _ in dims]
    combos = list(itertools.product(*[[f"{d}{i}" for i in range(s)] for d, s in zip(dims, sizes, strict=True)]))
    present = draw(st.lists(st.sampled_from([True] * 9 + [False]), min_size=len(combos), max_size=len(combos)))
    small_or_any = st.one_of(st.integers(1, 6), st.integers(1, 30), st.integers(5, 30))
    counts = draw(st.lists(small_or_any, min_size=len(combos), max_size=len(combos)))
    rows = [(*combo, n) for combo, n, keep in zip(combos, counts, present, strict=True) if keep] or [(*combos[0], 1)]
    cells = pd.DataFrame(rows, columns=[*dims, "effectif"])
    subsets = [s for r in range(len(dims)) for s in itertools.combinations(dims, r)]
    margins = draw(st.lists(st.sampled_from(subsets), max_size=3, unique=True))
    threshold = draw(st.sampled_from([3, 5]))
    flags = draw(st.lists(st.sampled_from([False] * 6 + [True]), min_size=len(cells), max_size=len(cells)))
    return cells, dims, margins, threshold, pd.Series(flags, index=cells.index)


def all_withheld(cells: pd.DataFrame) -> pd.DataFrame:
    return cells.assign(effectif=pd.array([pd.NA] * len(cells), dtype="Int64"))


def rows_of(found: list, frame: pd.DataFrame, dims: tuple[str, ...]) -> set[int]:
    """Row positions of exposures, matched on their published dimension values."""
    keys = [tuple(row) for row in frame[list(dims)].itertuples(index=False)]
    return {keys.index(tuple(e.cell[d] for d in dims)) for e in found}


@SETTINGS
@given(case=count_tables())
def test_protected_counts_publish_no_small_cell_and_no_recoverable_one(case: Case) -> None:
    cells, dims, margins, threshold, homogeneous = case
    try:
        out, report = protect_counts(cells, dims, margins=margins, threshold=threshold, homogeneous=homogeneous)
    except DisclosureError:
        # Refusing is only allowed when even withholding every cell leaves one pinned down.
        event("refused")
        assert exposed_rows(attacker_intervals(all_withheld(cells), cells, dims, margins, threshold))
        return
    shown = out["effectif"]
    # (a) a published count is never under the threshold; withheld is EMPTY, never 0.
    assert (shown.dropna() >= threshold).all()
    assert shown.isna().eq(out["effectif_statut"] == WITHHELD).all()
    assert set(out["effectif_statut"]) <= {PUBLISHED, WITHHELD}
    assert (shown.dropna().to_numpy() == cells["effectif"].to_numpy()[shown.notna().to_numpy()]).all()
    # (c) homogeneous cells are withheld whatever their size.
    assert shown[homogeneous.to_numpy()].isna().all()
    # (b) an attacker knowing the true margins pins no withheld cell down.
    assert not exposed_rows(attacker_intervals(out, cells, dims, margins, threshold))
    event("secondary cells" if report.withheld_secondary else "no secondary cell")
    assert report.withheld == int(shown.isna().sum()) and report.cells == len(cells)
    assert report.withheld_small == int((cells["effectif"] < threshold).sum())


@SETTINGS
@given(case=count_tables(), seed=st.integers(0, 2**16))
def test_previous_version_is_carried_and_never_differenced(case: Case, seed: int) -> None:
    cells, dims, margins, threshold, _ = case
    rng = np.random.default_rng(seed)
    # Last version: some cells absent, some withheld, some published (as now, or with another count).
    state = rng.choice(["absent", "withheld", "same", "other"], size=len(cells), p=[0.2, 0.2, 0.4, 0.2])
    before = cells.assign(effectif=(cells["effectif"] + (state == "other") * 3).astype("Int64"))
    before["effectif_statut"] = np.where(state == "withheld", WITHHELD, PUBLISHED)
    before.loc[state == "withheld", "effectif"] = pd.NA
    before = before[state != "absent"]
    try:
        out, report = protect_counts(cells, dims, margins=margins, threshold=threshold, previous=before)
    except DisclosureError:
        # Only when withholding every cell not already public leaves one pinned down.
        event("refused")
        public = cells.assign(effectif=cells["effectif"].astype("Int64").where(state == "same"))
        assert exposed_rows(attacker_intervals(public, cells, dims, margins, threshold))
        return
    hidden = out["effectif"].isna().to_numpy()
    assert hidden[state == "withheld"].all()
    assert report.withheld_carried == int(((state == "withheld") & (cells["effectif"] >= threshold)).sum())
    # The attacker also reads last version's counts: those equal to today's are known exactly.
    known = (state == "same") & hidden
    attacker_view = out.assign(effectif=out["effectif"].mask(known, cells["effectif"].astype("Int64")))
    assert not exposed_rows(attacker_intervals(attacker_view, cells, dims, margins, threshold))
    event("known withheld cells" if known.any() else "no known withheld cell")


@SETTINGS
@given(case=count_tables(), seed=st.integers(0, 2**16))
def test_audit_agrees_with_the_attacker_on_any_withheld_pattern(case: Case, seed: int) -> None:
    cells, dims, margins, threshold, _ = case
    rng = np.random.default_rng(seed)
    hide = (cells["effectif"] < threshold).to_numpy() | (rng.random(len(cells)) < 0.3)
    shown = cells.assign(effectif=cells["effectif"].astype("Int64").mask(hide))
    table = PublishedTable("t", shown, dims, threshold=threshold)
    found = audit([table], margins={"t": margins}, truth={"t": cells})
    intervals = attacker_intervals(shown, cells, dims, margins, threshold)
    assert rows_of(found, shown, dims) == exposed_rows(intervals)
    event("exposed" if found else "not exposed")
    for exposure in found:
        row = rows_of([exposure], shown, dims).pop()
        assert np.allclose((exposure.lower, exposure.upper), intervals[row], atol=1e-6)


@SETTINGS
@given(case=count_tables())
@example(case=(pd.DataFrame({"a": ["a0", "a0", "a1", "a1"], "b": ["b0", "b1", "b0", "b1"],
                             "effectif": [2, 9, 7, 8]}), ("a", "b"), [], 5, pd.Series([False] * 4)))
def test_a_second_table_publishing_a_margin(case: Case) -> None:
    cells, dims, _, threshold, _ = case
    by = dims[:-1]
    totals = cells.groupby(list(by), as_index=False)["effectif"].sum()
    tables = [PublishedTable("totaux", totals, by)]
    relation = [Relation("totaux", "detail", by)]
    # Unprotected (small cells withheld, no secondary suppression): the audit finds what the attacker finds.
    raw, _ = protect_counts(cells, dims, threshold=threshold)
    detail = PublishedTable("detail", raw, dims, threshold=threshold)
    found = audit([detail, *tables], relation, truth={"detail": cells})
    assert rows_of(found, raw, dims) == exposed_rows(attacker_intervals(raw, cells, dims, [by], threshold))
    lone = raw.assign(w=raw["effectif"].isna()).groupby(list(by))["w"].agg(["sum", "size"])
    if ((lone["sum"] == 1) & (lone["size"] > 1)).any():
        assert found, "a group with one withheld cell and its total published must be exposed"
    # Protected with that margin declared: nothing is exposed across the two tables.
    try:
        safe, _ = protect_counts(cells, dims, margins=[by], threshold=threshold)
    except DisclosureError:
        event("refused")
        assert exposed_rows(attacker_intervals(all_withheld(cells), cells, dims, [by], threshold))
        return
    detail = PublishedTable("detail", safe, dims, threshold=threshold)
    assert audit([detail, *tables], relation, truth={"detail": cells}) == []
    assert audit([detail, *tables], relation) == []


@st.composite
def amount_rows(draw: st.DrawFn) -> tuple[pd.DataFrame, list[tuple[str, ...]]]:
    """Up to 3 x 3 cells, 1-5 contributors each, sometimes one large contributor."""
    rows = []
    for nature, destination in itertools.product(["n0", "n1", "n2"][:draw(st.integers(1, 3))], ["d0", "d1", "d2"]):
        for unit in range(draw(st.integers(0, 5))):
            rows.append((nature, destination, f"u{unit}", draw(st.sampled_from([10.0, 50.0, 300.0, 5000.0]))))
    if not rows:
        rows = [("n0", "d0", "u0", 10.0)]
    margins = draw(st.lists(st.sampled_from([(), ("nature",), ("destination",)]), max_size=2, unique=True))
    return pd.DataFrame(rows, columns=["nature", "destination", "siret", "montant"]), margins


@SETTINGS
@given(case=amount_rows())
def test_protected_amounts_respect_contributors_dominance_and_margins(case: tuple) -> None:
    rows, margins = case
    dims = ("nature", "destination")
    try:
        out, report = protect_amounts(rows, dims, contributor_col="siret", amount_col="montant", margins=margins)
    except DisclosureError:
        event("refused")
        return  # a margin over a single sensitive cell: nothing to check on a refused table
    per_unit = rows.groupby([*dims, "siret"])["montant"].sum()
    cells = per_unit.groupby(list(dims)).agg(["sum", "size", "max"]).reset_index()
    truth = out[list(dims)].merge(cells, on=list(dims))
    published = (out["montant_statut"] == PUBLISHED).to_numpy()
    # (c) published amounts come from 3 units at least, none above 85 %.
    assert (truth["size"][published] >= 3).all()
    assert (truth["max"][published] <= 0.85 * truth["sum"][published] + 1e-9).all()
    assert np.allclose(out["montant"][published].astype(float), truth["sum"][published])
    assert out["montant"][~published].isna().all() and out["nombre_contributeurs"][~published].isna().all()
    # A sensitive amount keeps an interval at least 15 % of its value wide, margins known.
    sensitive = ((truth["size"] < 3) | (truth["max"] > 0.85 * truth["sum"])).to_numpy()
    intervals = attacker_intervals(out, truth.rename(columns={"sum": "montant"}), dims, margins, 0,
                                   count_col="montant", lower=0.0, small_bounded=False)
    for row, (lo, hi) in intervals.items():
        if sensitive[row]:
            assert hi - lo >= 0.15 * truth["sum"][row] - 1e-6
    assert report.withheld == int((~published).sum())
