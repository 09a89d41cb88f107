"""Benchmark: what the protected tables still publish, before and after, measured against the sources.

For every dataset whose kind protects cells (aggregates, amounts, rates...),
discovered from each tree's own policies, at the demo's scale (small, about
2,000 students) and at the large scale (60,000 students a year), it prints:

- the share of the table's cells that are published;
- the share of the persons (euros, for amounts) that lie in published cells;
- whether every year's total is published exactly.

BEFORE is the code and policies at a commit (``--before``, default 6c5b0be),
checked out in a temporary ``git worktree``; AFTER is the working tree. Each
tree runs in a subprocess with that tree first on ``sys.path``: it extracts
the same generated sources with its own contracts, then runs its own
anonymisation stage (``assets.anonymising.run_dataset``, no Dagster run).
The figures are computed by ``bench/utility_measure.py``, the same code for
both trees, from the published frame and from the builder's frame (the
sources), not read from the pipeline's own utility fields: a cell's true
value is the number of rows the builder gives it, or the sum of its amounts.
A year's total is exact when its published cells add up to it, or when the
report's published totals give it. Where a tree's report carries its own
utility figures and totals, the bench checks them against its own.

    .venv/bin/python bench/utility.py                       # both scales, the 4 most recent years (as the demo)
    .venv/bin/python bench/utility.py --scale small --years all
    .venv/bin/python bench/utility.py --scale large --years 2 --json /tmp/utility.json

Sources go to PostgreSQL (``opendata_bench_utility_<scale>``); they are
generated again when the generator's code or the day changes. Counts only:
no value of the sources is printed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import math
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BEFORE = "6c5b0be"
SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432"
FIRST_YEAR = 1990  # --years all: every year the generator may have written


def generator_stamp(as_of: dt.date) -> str:
    """Changes with the generator's code (the working tree's) and the day: the sources are then generated again."""
    digest = hashlib.sha256(as_of.isoformat().encode())
    files = [*(ROOT / "pipelines" / "synthetic").rglob("*"), *(ROOT / "config" / "nomenclatures").rglob("*")]
    for path in sorted(files):
        if path.is_file() and path.suffix in {".py", ".csv", ".yaml", ".json"}:
            digest.update(path.relative_to(ROOT).as_posix().encode() + path.read_bytes())
    return digest.hexdigest()[:16]


def ensure_sources(url: str, scale: str, regenerate: bool) -> None:
    """Generate the three systems' sources at ``url``, unless they are there from this generator and day."""
    import sqlalchemy as sa

    sys.path.insert(0, str(ROOT))
    from bench.extract import ensure_database
    from pipelines.synthetic.generate import generate
    from resources.common.institution import SYSTEMS

    engine, stamp = ensure_database(url), generator_stamp(dt.date.today())
    with engine.begin() as conn:
        conn.execute(sa.text("CREATE TABLE IF NOT EXISTS bench_utility_stamp (stamp text)"))
        current = conn.execute(sa.text("SELECT stamp FROM bench_utility_stamp")).scalar()
    if current != stamp or regenerate:
        for system in SYSTEMS:
            print(f"generating the {scale} {system} source ...", file=sys.stderr, flush=True)
            generate(url, system, scale, replace=True, progress=sys.stderr.isatty())
        with engine.begin() as conn:
            conn.execute(sa.text("DELETE FROM bench_utility_stamp"))
            conn.execute(sa.text("INSERT INTO bench_utility_stamp VALUES (:s)"), {"s": stamp})
    engine.dispose()


def run_tree(tree: Path, url: str, years: list[int]) -> dict:
    """One tree's figures, from its own subprocess (that tree first on ``sys.path``)."""
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        command = [sys.executable, str(Path(__file__).with_name("utility_measure.py").resolve()), str(tree), url,
                   ",".join(map(str, years)), out.name]
        subprocess.run(command, cwd=tree, check=True)
        return json.loads(Path(out.name).read_text())


def _percent(share: float | None) -> str:
    return "—" if share is None else f"{math.floor(share * 1000 + 1e-9) / 10:.1f} %"


def _exact(got: dict | None) -> str:
    if not got:
        return "—"
    return "yes" if got["totals_exact"] else f"no ({got['years_exact']}/{got['years']})"


def report_table(scale: str, years: list[int], results: dict[str, dict]) -> str:
    """The figures of both trees, one line per dataset, in the order of the trees' catalogues."""
    names = list(dict.fromkeys(n for r in results.values() for n in r["datasets"]))
    labels = " → ".join(f"{label} ({r['commit']})" for label, r in results.items())
    lines = [f"\n{scale} scale, years {years[0]}-{years[-1]}: {labels}",
             f"{'dataset':<34}{'kind':<11}{'unit':<11}{'cells published':>22}{'persons/euros published':>26}"
             f"{'totals exact':>26}   pipeline's own figures (after)"]
    for name in names:
        got = [r["datasets"].get(name) for r in results.values()]
        first = next(g for g in got if g)
        cells = " → ".join(_percent(g["share_cells"] if g else None) for g in got)
        measure = " → ".join(_percent(g["share_measure"] if g else None) for g in got)
        exact = " → ".join(_exact(g) for g in got)
        last = got[-1] or {}
        checks = [last.get("pipeline", "—")]
        if last.get("totals_reported"):
            checks.append(f"{last['totals_reported'] - last['totals_wrong']}/{last['totals_reported']} totals right")
        if last.get("rows_not_cells") or last.get("published_not_true"):
            checks.append(f"{last['rows_not_cells']} rows not cells, {last['published_not_true']} values not true")
        lines.append(f"{name:<34}{first['kind']:<11}{first['unit']:<11}{cells:>22}{measure:>26}{exact:>26}   "
                     + "; ".join(checks))
    for label, r in results.items():
        for name, g in r["datasets"].items():
            lines.append(f"  {label} {name}: {g['cells_published']:,} of {g['cells']:,} cells, "
                         f"{g['published']:,.0f} of {g['total']:,.0f} {g['unit']}, {g['seconds']:.0f} s")
    return "\n".join(lines)


def recent_years(count: str) -> list[int]:
    """The ``count`` most recent years, the year in progress included (as ``opendata demo --years``), or all."""
    today = dt.date.today().year
    first = FIRST_YEAR if count == "all" else today - int(count) + 1
    return list(range(first, today + 1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", choices=("small", "large", "both"), default="both")
    parser.add_argument("--years", default="4", help="most recent years extracted (default 4, as the demo), or 'all'")
    parser.add_argument("--before", default=BEFORE, help=f"the commit measured as BEFORE (default {BEFORE})")
    parser.add_argument("--after", help="a commit measured as AFTER instead of the working tree")
    parser.add_argument("--json", type=Path, help="also write every figure as JSON")
    parser.add_argument("--regenerate", action="store_true", help="generate the sources again")
    args = parser.parse_args()
    years = recent_years(args.years)
    scales = ("small", "large") if args.scale == "both" else (args.scale,)
    everything: dict = {}
    with tempfile.TemporaryDirectory(prefix="bench-utility-") as tmp:
        trees = {"before": Path(tmp) / "before", "after": Path(tmp) / "after" if args.after else ROOT}
        for label, commit in (("before", args.before), ("after", args.after)):
            if commit:
                subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", "-q", str(trees[label]), commit],
                               check=True)
        try:
            for scale in scales:
                url = f"{SERVER}/opendata_bench_utility_{scale}"
                started = time.perf_counter()
                ensure_sources(url, scale, args.regenerate)
                results = {label: run_tree(tree, url, years) for label, tree in trees.items()}
                print(report_table(scale, years, results), flush=True)
                print(f"({scale}: {time.perf_counter() - started:.0f} s in all)", flush=True)
                everything[scale] = {"years": years, **results}
        finally:
            for tree in trees.values():
                if tree != ROOT:
                    subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(tree)], check=False)
    if args.json:
        args.json.write_text(json.dumps(everything, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
