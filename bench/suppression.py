"""Benchmark: secondary suppression, today's heuristic against the exact optimum, on realistic tables.

Tables shaped like a university's protected crosses, from a seeded generator
of this file (independent of pipelines/synthetic):
- enrolments: year x cursus (L, M, D) x discipline group x a sensitive
  variable of 2 to 4 values, at 2,000 and 60,000 students a year, 1 and 20
  years; margins per year and per (year, cursus) (y, y.c) as the brief
  asks, then also the year's totals of the sensitive variable (y.s), then
  also the year's totals per discipline group (y.d), where margins combine;
- amounts: year x account x destination x structure (a few hundred to a few
  thousand cells per year), the rule applying to pay and to natural persons
  only; margins per year (y), then also per (year, account) and (year,
  destination) (y.a, y.d) as a compte financier shows them;
and the same crosses built from a generated small-scale source (SQLite, the
project's own generator). For each: cells, primary cells, complements and
what they hide for each method, the ratio optimum / heuristic, the time of
each, and how many blocks the optimum proved.

    .venv/bin/python bench/suppression.py [--quick] [--seconds 600]
"""

from __future__ import annotations

import argparse
import itertools
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from anonymisation.sdc import DisclosureError, protect_amounts, protect_counts  # noqa: E402
from anonymisation.sdc.optimal import Limits  # noqa: E402

SEED = 20240901
CURSUS = {"L": 0.62, "M": 0.31, "D": 0.07}
SENSITIVE = {  # share of each value, per cursus (L, M, D)
    2: {"boursier": (0.40, 0.28, 0.05), "non_boursier": (0.60, 0.72, 0.95)},
    3: {"france": (0.88, 0.80, 0.55), "ue": (0.03, 0.05, 0.10), "hors_ue": (0.09, 0.15, 0.35)},
    4: {"general": (0.72, 0.70, 0.60), "techno": (0.14, 0.12, 0.08), "pro": (0.06, 0.03, 0.01),
        "autre": (0.08, 0.15, 0.31)},
}


@dataclass(frozen=True)
class Case:
    """One table to protect: its cells (or rows, for amounts), dimensions and margins."""

    name: str
    frame: pd.DataFrame
    dims: tuple[str, ...]
    margins: tuple[tuple[str, ...], ...]
    kind: str  # "counts" or "amounts"


def enrolments(rng: np.random.Generator, per_year: int, years: int, disciplines: int, values: int) -> pd.DataFrame:
    """One row per non-empty cell (annee, cursus, discipline, sensible) with its count."""
    shares = rng.dirichlet(np.full(disciplines, 1.5), size=len(CURSUS))  # disciplines' weight per cursus
    sensitive = SENSITIVE[values]
    rows = []
    for year in range(2024 - years + 1, 2025):
        total = int(per_year * rng.normal(1.0, 0.03))
        for c, (cursus, share) in enumerate(CURSUS.items()):
            drift = rng.dirichlet(shares[c] * 400)  # a few percent from year to year
            per_discipline = rng.multinomial(int(total * share), drift)
            probs = np.array([p[c] for p in sensitive.values()])
            for d, n in enumerate(per_discipline):
                for value, count in zip(sensitive, rng.multinomial(n, probs / probs.sum()), strict=True):
                    if count:
                        rows.append((year, cursus, f"g{d:02d}", value, int(count)))
    return pd.DataFrame(rows, columns=["annee", "cursus", "discipline", "sensible", "effectif"])


def budget(rng: np.random.Generator, years: int, accounts: int, destinations: int, structures: int) -> pd.DataFrame:
    """One row per payment line: (annee, compte, destination, structure, contributor, amount, protected)."""
    pay = accounts // 6  # personnel accounts: every line is one agent's pay
    rows = []
    for year in range(2024 - years + 1, 2025):
        for s in range(structures):
            size = rng.lognormal(0, 0.8)
            used_accounts = rng.choice(accounts, size=min(accounts, 4 + rng.poisson(6)), replace=False)
            used_dest = rng.choice(destinations, size=min(destinations, 1 + rng.poisson(2)), replace=False)
            for a, d in itertools.product(used_accounts, used_dest):
                if a >= pay and rng.random() < 0.5:
                    continue
                lines = 1 + rng.poisson(max(0.3, 8 * size) if a < pay else 5)
                for k in range(lines):
                    natural = a >= pay and rng.random() < 0.04
                    who = f"agent{year}{s}{a}{d}{k}" if a < pay else f"t{rng.integers(400 if not natural else 60)}"
                    who = f"pp{who}" if natural else who
                    amount = round(float(rng.lognormal(8.0 if a < pay else 7.0, 1.3)), 2)
                    rows.append((year, f"6{a:03d}", f"d{d:02d}", f"s{s:02d}", who, amount, a < pay or natural))
    return pd.DataFrame(rows, columns=["annee", "compte", "destination", "structure", "tiers", "montant",
                                       "protege"])


def synthetic_cases(quick: bool) -> list[Case]:
    rng = np.random.default_rng(SEED)
    dims = ("annee", "cursus", "discipline", "sensible")
    brief = (("annee",), ("annee", "cursus"))
    sensitive = (*brief, ("annee", "sensible"))  # the year's scholarship holders (say) published elsewhere
    discipline = (*sensitive, ("annee", "discipline"))  # and the year's enrolments per discipline group
    cases = []
    for per_year, years, disciplines, values in [(2_000, 1, 10, 2), (2_000, 1, 10, 4), (2_000, 20, 10, 4),
                                                 (60_000, 1, 10, 4), (60_000, 20, 10, 4), (2_000, 20, 5, 2)]:
        if quick and years > 1:
            continue
        cells = enrolments(rng, per_year, years, disciplines, values)
        for label, margins in (("y, y.c", brief), ("y, y.c, y.s", sensitive), ("y, y.c, y.s, y.d", discipline)):
            cases.append(Case(f"students {per_year:,}/y {years}y {disciplines}d x{values} {label}", cells, dims,
                              margins, "counts"))
    dims = ("annee", "compte", "destination", "structure")
    for years, accounts, destinations, structures in [(1, 30, 10, 20), (1, 40, 12, 60), (5, 40, 12, 60),
                                                      (1, 60, 12, 150)]:
        if quick and years > 1:
            continue
        rows = budget(rng, years, accounts, destinations, structures)
        for label, margins in (("y", (("annee",),)), ("y, y.a, y.d", (("annee",), ("annee", "compte"),
                                                                         ("annee", "destination")))):
            cases.append(Case(f"budget {years}y {accounts}a {destinations}d {structures}s {label}", rows, dims,
                              margins, "amounts"))
    return cases


def source_cases(folder: Path) -> list[Case]:
    """The same crosses from the project's generated small-scale source (students and finance, SQLite)."""
    import sqlalchemy as sa

    from pipelines.synthetic.generate import generate

    engines = {}
    for system in ("students", "finance"):
        url = f"sqlite:///{folder / system}.db"
        generate(url, system, "small", replace=True, progress=False)
        engines[system] = sa.create_engine(url)
    enrol = pd.read_sql("SELECT i.annee_universitaire AS annee, substr(i.niveau, 1, 1) AS cursus, "
                        "i.code_discipline AS discipline, e.echelon_bourse, e.serie_bac FROM inscriptions i "
                        "JOIN etudiants e ON e.numero_etudiant = i.numero_etudiant WHERE i.inscription_principale",
                        engines["students"])
    enrol["boursier"] = np.where(enrol["echelon_bourse"].notna(), "oui", "non")
    bac = {"GENERAL": "general", "S": "general", "ES": "general", "L": "general", "PRO": "pro"}
    enrol["bac"] = enrol["serie_bac"].map(bac).fillna(enrol["serie_bac"].map(
        lambda s: "autre" if s in ("ETRANGER", "DAEU") else "techno"))
    cases = []
    for sensitive in ("boursier", "bac"):
        cells = enrol.groupby(["annee", "cursus", "discipline", sensitive]).size().rename("effectif").reset_index()
        cells = cells.rename(columns={sensitive: "sensible"})
        for label, margins in (("y, y.c", (("annee",), ("annee", "cursus"))),
                               ("y, y.c, y.s", (("annee",), ("annee", "cursus"), ("annee", "sensible")))):
            cases.append(Case(f"source small: students x {sensitive} {label}", cells,
                              ("annee", "cursus", "discipline", "sensible"), margins, "counts"))
    lines = pd.read_sql("SELECT l.exercice AS annee, l.compte, l.code_destination AS destination, "
                        "l.code_structure AS structure, coalesce(CAST(l.id_tiers AS TEXT), 'ligne-' || l.id_ligne) "
                        "AS tiers, l.montant_paye AS montant, (t.type_tiers = 'personne_physique' OR "
                        "c.enveloppe = 'personnel') AS protege FROM lignes_budgetaires l "
                        "LEFT JOIN tiers t ON t.id_tiers = l.id_tiers LEFT JOIN comptes c ON c.compte = l.compte",
                        engines["finance"])
    lines = lines.dropna(subset=["compte", "destination"]).assign(protege=lambda f: f["protege"].fillna(0).astype(bool))
    for label, margins in (("y", (("annee",),)), ("y, y.a, y.d", (("annee",), ("annee", "compte"),
                                                                     ("annee", "destination")))):
        cases.append(Case(f"source small: budget {label}", lines, ("annee", "compte", "destination", "structure"),
                          margins, "amounts"))
    return cases


def protect(case: Case, margins: Sequence[Sequence[str]], method: str, limits: Limits) -> tuple[pd.DataFrame, list]:
    if case.kind == "counts":
        out, report = protect_counts(case.frame, case.dims, margins=margins, method=method, limits=limits)
        return out.assign(_value=case.frame["effectif"].to_numpy(), _hidden=out["effectif"].isna()), report.notes
    out, report = protect_amounts(case.frame, case.dims, contributor_col="tiers", amount_col="montant",
                                  margins=margins, applies=case.frame["protege"], method=method, limits=limits)
    totals = case.frame.groupby(list(case.dims), sort=True)["montant"].sum().abs().to_numpy()
    return out.assign(_value=totals, _hidden=out["montant"].isna()), report.notes


def measure(case: Case, limits: Limits) -> dict[str, object]:
    primary, _ = protect(case, (), "heuristique", limits)  # without margins, only the primary cells are withheld
    first = primary["_hidden"].to_numpy()
    row: dict[str, object] = {"case": case.name, "cells": len(primary), "primary": int(first.sum())}
    for method in ("heuristique", "optimal"):
        started = time.perf_counter()
        try:
            out, notes = protect(case, case.margins, method, limits)
        except DisclosureError as error:
            row["refused"] = str(error).split(":")[1].strip()
            return row
        seconds = time.perf_counter() - started
        complements = out["_hidden"].to_numpy() & ~first
        row[f"{method}_cells"] = int(complements.sum())
        row[f"{method}_hidden"] = float(out["_value"].to_numpy()[complements].sum())
        row[f"{method}_s"] = seconds
        if method == "optimal":
            row["notes"] = [n for n in notes if n.startswith("secondary suppression")]
    row["ratio"] = row["optimal_hidden"] / row["heuristique_hidden"] if row["heuristique_hidden"] else 1.0
    return row


def show(rows: list[dict[str, object]]) -> None:
    print(f"{'case':<52} {'cells':>6} {'prim.':>5} | {'heuristic: compl.':>17} {'hidden':>11} {'s':>6} | "
          f"{'optimum: compl.':>15} {'hidden':>11} {'s':>6} | {'opt/heur':>8}")
    for r in rows:
        if "refused" in r:
            print(f"{r['case']:<52} {r['cells']:>6} {r['primary']:>5} | refused: {r['refused']}")
            continue
        print(f"{r['case']:<52} {r['cells']:>6} {r['primary']:>5} | {r['heuristique_cells']:>17} "
              f"{r['heuristique_hidden']:>11,.0f} {r['heuristique_s']:>6.2f} | {r['optimal_cells']:>15} "
              f"{r['optimal_hidden']:>11,.0f} {r['optimal_s']:>6.2f} | {r['ratio']:>8.3f}")
        for note in r["notes"]:
            print(f"    {note}")


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one-year tables only")
    parser.add_argument("--seconds", type=float, default=600.0, help="the optimum's time limit per table")
    parser.add_argument("--max-cells", type=int, default=1_000_000, help="the optimum's block size limit")
    parser.add_argument("--no-source", action="store_true", help="skip the generated small-scale source")
    args = parser.parse_args(argv)
    limits = Limits(max_cells=args.max_cells, seconds=args.seconds)
    cases = synthetic_cases(args.quick)
    with tempfile.TemporaryDirectory() as folder:
        if not args.no_source:
            cases += source_cases(Path(folder))
        rows = [measure(case, limits) for case in cases]
    show(rows)


if __name__ == "__main__":
    main()
