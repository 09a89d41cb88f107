"""One tree's figures for bench/utility.py, run in a subprocess with that tree first on ``sys.path``.

    python bench/utility_measure.py TREE URL YEARS OUT

extracts the generated sources at URL (the yearly tables for YEARS, comma
separated) with the tree's contracts, runs the tree's anonymisation stage on
every dataset whose kind protects cells (``run_dataset``, no Dagster run), and
writes to OUT, as JSON, what ``figures`` measures. Nothing of the project is
imported before the tree is first on ``sys.path``, so each tree runs its own
code and the figures are computed by this same file for both.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ESTABLISHMENT = ("Université de Démonstration", "19759000300012")


def _key(series):  # noqa: ANN001, ANN202 (pandas is imported in the subprocess only)
    """A dimension's values as text keys, so the builder's and the published frame's cells meet."""
    import pandas as pd

    def one(value: object) -> str:
        if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
            return ""
        if isinstance(value, (int, float)) and not isinstance(value, bool) and float(value).is_integer():
            return str(int(value))
        return str(value)

    return series.astype("object").map(one)


class Truth:
    """The true cells of one dataset, from the frames its builder returns (one per staged year when split)."""

    def __init__(self, policy, treat, as_of: dt.date) -> None:  # noqa: ANN001
        self.policy, self.treat, self.as_of = policy, treat, as_of
        self.dims = [c for c in policy.columns if c.role == "dimension"]
        sums = [c for c in policy.columns if c.treatment == "sum"]
        self.amount = sums[0].source if sums else None
        self.unit = "euros" if sums else "personnes"
        self.parts: list = []

    def add(self, frame) -> None:  # noqa: ANN001
        import pandas as pd

        ctx = type("Ctx", (), {"as_of": self.as_of, "scanner": None})()
        cells = pd.DataFrame(index=frame.index)
        for column in self.dims:
            values = (pd.Series(column.value, index=frame.index) if column.treatment == "constant"
                      else self.treat(frame, column, self.policy, ctx, None))
            cells[column.name] = _key(values)
        value = (pd.to_numeric(frame[self.amount], errors="coerce").astype("float64").fillna(0.0)
                 if self.amount else pd.Series(1.0, index=frame.index))
        cells["_true"] = value.to_numpy()
        names = [c.name for c in self.dims]
        self.parts.append(cells.groupby(names, dropna=False)["_true"].sum().reset_index() if names
                          else pd.DataFrame({"_true": [float(value.sum())]}))

    def cells(self):  # noqa: ANN201
        import pandas as pd

        return pd.concat(self.parts, ignore_index=True) if self.parts else pd.DataFrame({"_true": []})


def _measure_column(policy) -> str:  # noqa: ANN001
    """The published measure: the first sum (euros), a rate's denominator, or the count (persons)."""
    sums = [c.name for c in policy.columns if c.treatment == "sum"]
    if sums:
        return sums[0]
    if policy.settings.get("denominator"):
        return str(policy.settings["denominator"])
    return next(c.name for c in policy.columns if c.treatment == "count")


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= 0.005 + 1e-9 * max(abs(a), abs(b))


def _one_key(value: object) -> str:
    import pandas as pd

    return _key(pd.Series([value])).iloc[0]


def _total_of(true, by: dict) -> float | None:  # noqa: ANN001
    """The true total of the cells that have the values ``by``; None if it names a dimension the table lacks."""
    if any(dim not in true.columns for dim in by):
        return None
    mask = true["_true"].notna()
    for dim, value in by.items():
        mask &= true[dim] == _one_key(value)
    return float(true.loc[mask, "_true"].sum())


def _years_exact(both, year: str | None, totals: list[dict]) -> dict[str, bool]:  # noqa: ANN001
    """Per year: its cells are all published (their sum is its total), or a published total gives it exactly."""
    exact = {}
    for value, cells in (both.groupby(year) if year else [("tout", both)]):
        truth = float(cells["_true"].sum())
        named = [t for t in totals if set(t["by"]) == ({year} if year else set())
                 and (not year or _one_key(t["by"][year]) == value)]
        whole = bool(cells["_shown"].notna().all()) and _close(float(cells["_shown"].sum()), truth)
        exact[str(value)] = whole or any(_close(float(t["value"]), truth) for t in named)
    return exact


def figures(policy, truth: Truth, published, report) -> dict:  # noqa: ANN001
    """The three figures from the true cells and the published frame; the report's own figures checked."""
    import pandas as pd

    names, measure = [c.name for c in truth.dims], _measure_column(policy)
    true = truth.cells()
    shown = pd.DataFrame({n: _key(published[n]) for n in names}, index=published.index)
    shown["_shown"] = pd.to_numeric(published[measure], errors="coerce").astype("float64")
    both = true.merge(shown, on=names, how="outer", indicator=True)
    extra = int((both["_merge"] == "right_only").sum())  # published rows that are no cell of the sources
    both = both[both["_merge"] != "right_only"]
    out = both["_shown"].notna()
    differs = out & ((both["_shown"] - both["_true"]).abs() > 0.005 + 1e-9 * both["_true"].abs())
    size = both["_true"].abs() if truth.unit == "euros" else both["_true"]
    totals = [t for t in (getattr(report, "totals", None) or []) if t.get("measure") == measure]
    checked = [(t, _total_of(true, t["by"])) for t in totals]
    exact = _years_exact(both, next((c.name for c in truth.dims if c.type == "year"), None), totals)
    result = {
        "kind": policy.kind, "unit": truth.unit, "measure": measure,
        "cells": len(both), "cells_published": int(out.sum()), "total": float(size.sum()),
        "published": float(size[out].sum()), "totals_exact": all(exact.values()),
        "years_exact": sum(exact.values()), "years": len(exact), "rows_not_cells": extra,
        "published_not_true": int(differs.sum()), "totals_reported": len(totals),
        "totals_wrong": sum(1 for t, value in checked if value is None or not _close(float(t["value"]), value)),
    }
    result["share_cells"] = result["cells_published"] / result["cells"] if result["cells"] else 1.0
    result["share_measure"] = result["published"] / result["total"] if result["total"] else 1.0
    result["pipeline"] = _pipeline_agrees(getattr(report, "utility", None), result)
    return result


def _pipeline_agrees(reported: dict | None, ours: dict) -> str:
    """Whether the report's own utility figures are ours: "absent", "agrees" or the fields that differ."""
    if not reported:
        return "absent"
    differ = [k for k in ("cells", "cells_published", "total", "published")
              if not _close(float(reported.get(k, math.nan)), float(ours[k]))]
    differ += [k for k in ("unit", "totals_exact") if reported.get(k) != ours[k]]
    return "agrees" if not differ else "differs: " + ", ".join(differ)


def _institution():  # noqa: ANN202
    """The institution as the tree's run_dataset takes it: an Establishment, or (name, SIRET) in older trees."""
    import anonymisation.datasets as datasets

    establishment = getattr(datasets, "Establishment", None)
    return establishment(*ESTABLISHMENT) if establishment else ESTABLISHMENT


def extract(url: str, staging, years: list[int]) -> tuple[list, float]:  # noqa: ANN001
    """Every table of the tree's contracts, the yearly ones for ``years``."""
    from resources.common.institution import SYSTEMS, config_dir
    from resources.extraction import extract_table
    from resources.sources import SourceDatabase
    from resources.sourcing.contracts import load_contract

    started, contracts = time.perf_counter(), []
    for system in SYSTEMS:
        contract = load_contract(config_dir() / "contracts" / "default", system)
        contracts.append(contract)
        db = SourceDatabase(system=system, url=url)
        for table in contract.tables.values():
            if table.extracted_columns:
                extract_table(db, staging, table, years if table.partition else None, "bench-utility")
    return contracts, time.perf_counter() - started


def measure_tree(tree: Path, url: str, years: list[int], out: Path) -> None:
    """In the tree's own subprocess: extract, anonymise every protected dataset, write the figures as JSON."""
    sys.path[0] = str(tree)  # in place of bench/, whose modules (quality.py...) must not shadow the tree's
    import anonymisation

    if not Path(anonymisation.__file__).resolve().is_relative_to(tree.resolve()):
        raise SystemExit(f"bench/utility.py: the anonymisation package came from {anonymisation.__file__}, not {tree}")
    import anonymisation.apply as apply_module
    import anonymisation.datasets as datasets
    from anonymisation.kinds.registry import kind_of
    from anonymisation.policy import load_catalogue
    from assets.anonymising import run_dataset, year_split
    from resources.candidates import CandidateArea
    from resources.sourcing.contracts import year_columns
    from resources.staging import StagingArea

    as_of = dt.date.today()
    with tempfile.TemporaryDirectory(prefix="bench-utility-") as tmp:
        staging = StagingArea(root=f"{tmp}/staging")
        contracts, seconds = extract(url, staging, years)
        print(f"  {tree.name}: extraction {seconds:.0f} s", file=sys.stderr, flush=True)
        candidates = CandidateArea(root=f"{tmp}/candidates", reports=f"{tmp}/reports")
        found = {}
        for policy in load_catalogue().values():
            if not kind_of(policy.kind).protects_cells:
                continue
            truth, builder = Truth(policy, apply_module._treat, as_of), datasets.BUILDERS[policy.builder]

            def recording(read, ctx, builder=builder, truth=truth):  # noqa: ANN001, ANN202
                frame = builder(read, ctx)
                truth.add(frame)
                return frame

            started = time.perf_counter()
            datasets.BUILDERS[policy.builder] = recording
            try:
                outcome = run_dataset(policy, staging, candidates, "bench-utility", as_of, _institution(),
                                      split=year_split(policy, year_columns(contracts)))
            finally:
                datasets.BUILDERS[policy.builder] = builder
            found[policy.dataset] = {**figures(policy, truth, outcome.frame, outcome.report),
                                     "seconds": time.perf_counter() - started}
            print(f"  {tree.name}: {policy.dataset} {found[policy.dataset]['seconds']:.0f} s", file=sys.stderr, flush=True)
    commit = subprocess.run(["git", "-C", str(tree), "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
    out.write_text(json.dumps({"commit": commit.stdout.strip(), "extraction_seconds": seconds, "datasets": found}))


if __name__ == "__main__":
    tree_arg, url_arg, years_arg, out_arg = sys.argv[1:5]
    measure_tree(Path(tree_arg), url_arg, [int(y) for y in years_arg.split(",")], Path(out_arg))
