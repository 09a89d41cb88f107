"""Finance system generator: accounts, destinations, third parties, budget lines, travel claims."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pandas as pd

from pipelines.synthetic.context import Context, TableOutput, chunked, defect_rows, iso_dates, money, year_start
from pipelines.synthetic.finance_contracts import contracts_tables, subsidies_table
from pipelines.synthetic.finance_tiers import Tiers, tiers_table
from pipelines.synthetic.freetext import TRAVEL_PURPOSES, plant
from pipelines.synthetic.hr_population import population
from pipelines.synthetic.ref_finance import ACCOUNTS, DESTINATIONS
from pipelines.synthetic.ref_geo import COMMUNES
from pipelines.synthetic.ref_hr import CORPS, ENS
from pipelines.synthetic.ref_structures import OPEN

DAY = np.timedelta64(1, "D")
KIND_WEIGHT = {"ufr": 3.0, "institut": 3.0, "ecole": 2.5, "laboratoire": 2.0, "departement": 1.0, "service": 1.5,
               "universite": 1.0}
ABROAD = ("Montréal (Canada)", "Berlin (Allemagne)", "Barcelone (Espagne)", "Bruxelles (Belgique)",
          "Genève (Suisse)", "Rome (Italie)", "Boston (États-Unis)", "Tokyo (Japon)", "Dakar (Sénégal)",
          "Londres (Royaume-Uni)", "Lisbonne (Portugal)", "Québec (Canada)")


def build(ctx: Context) -> Iterator[TableOutput]:
    """The finance tables in load order; budget lines come as chunks, one fiscal year at a time."""
    tiers = tiers_table(ctx)
    marches, holders = contracts_tables(ctx, tiers)
    yield TableOutput("comptes", len(ACCOUNTS), iter([pd.DataFrame({
        "compte": [a.code for a in ACCOUNTS], "libelle": [a.label for a in ACCOUNTS],
        "enveloppe": [a.envelope for a in ACCOUNTS]})]))
    yield TableOutput("destinations", len(DESTINATIONS), iter([pd.DataFrame(
        DESTINATIONS, columns=["code_destination", "libelle", "programme"])]))
    yield TableOutput("tiers", len(tiers.frame), iter([tiers.frame]))
    yield TableOutput("lignes_budgetaires", _lines_estimate(ctx), budget_lines(ctx, tiers))
    yield TableOutput("marches", len(marches), iter([marches]))
    yield TableOutput("marches_titulaires", len(holders), iter([holders]))
    subsidies = subsidies_table(ctx, tiers)
    yield TableOutput("subventions", len(subsidies), iter([subsidies]))
    travel = travel_table(ctx)
    yield TableOutput("frais_deplacement", len(travel), iter([travel]))


def _year_share(ctx: Context, year: int) -> float:
    """Share of a fiscal year elapsed at ``as_of`` (1 for past years): the current year is partial."""
    if year < ctx.as_of.year:
        return 1.0
    return max(ctx.as_of.timetuple().tm_yday / 365.0, 0.02)


def _lines_estimate(ctx: Context) -> int:
    return int(sum(ctx.scale.budget_lines_per_year * _year_share(ctx, y) for y in ctx.fiscal_years))


def _medians(ctx: Context) -> tuple[np.ndarray, np.ndarray]:
    """Median amount of a line per account, and the spread of amounts around it.

    The yearly budget is about 80,000 euros per agent, 70 % of it payroll
    (orders of magnitude of French universities); line amounts are scaled so
    that the lines of a year add up to it whatever their number.
    """
    weights = np.array([a.weight for a in ACCOUNTS]) / sum(a.weight for a in ACCOUNTS)
    medians = np.array([a.median for a in ACCOUNTS], dtype=float)
    payroll = np.array([a.envelope == "personnel" for a in ACCOUNTS])
    sigma = np.where(payroll, 0.35, 1.1)
    mean = medians * np.exp(sigma**2 / 2)
    budget = 80_000.0 * ctx.scale.agents
    lines = ctx.scale.budget_lines_per_year
    for part, share in ((payroll, 0.7), (~payroll, 0.3)):
        expected = lines * (weights[part] * mean[part]).sum()
        medians[part] *= share * budget / expected
    return medians, sigma


def budget_lines(ctx: Context, tiers: Tiers) -> Iterator[pd.DataFrame]:
    """Expense lines of each fiscal year, generated and loaded chunk by chunk."""
    accounts = np.array([a.code for a in ACCOUNTS], dtype=object)
    labels = np.array([a.label for a in ACCOUNTS], dtype=object)
    medians, spread = _medians(ctx)
    payroll = np.array([a.envelope == "personnel" for a in ACCOUNTS])
    party = np.array([a.party for a in ACCOUNTS], dtype=object)
    structures = np.array([s.code for s in OPEN], dtype=object)
    # Each structure books on its own destinations (a teaching component on 101-103, a lab on research).
    destinations = np.array([[s.destinations[j % len(s.destinations)] for j in range(12)] for s in OPEN],
                            dtype=object)
    kind_weight = np.array([KIND_WEIGHT[s.kind] for s in OPEN])
    # Payroll is booked where agents are assigned (components, labs, services), never on a department.
    employs = np.flatnonzero([s.kind != "departement" for s in OPEN])
    next_id = 1
    for year in ctx.fiscal_years:
        rng = ctx.rng("finance", "lignes_budgetaires", str(year))
        total = int(ctx.scale.budget_lines_per_year * _year_share(ctx, year))
        first, last = year_start(year), min(year_start(year, 12, 31), ctx.today)
        days = int((last - first).astype(np.int64)) + 1
        for rows in chunked(total, ctx.scale.chunk_rows):
            n = rows.stop - rows.start
            a = rng.choice(len(ACCOUNTS), size=n, p=_normalised([x.weight for x in ACCOUNTS]))
            s = rng.choice(len(OPEN), size=n, p=kind_weight / kind_weight.sum())
            moved = payroll[a] & ~np.isin(s, employs)
            s[moved] = rng.choice(employs, size=int(moved.sum()), p=_normalised(kind_weight[employs]))
            destination = destinations[s, rng.integers(0, 12, n)]
            destination[accounts[a] == "2313"] = "114"
            date = first + rng.integers(0, days, n) * DAY
            engaged = money(medians[a] * rng.lognormal(0, spread[a], n))
            age = (ctx.today - date).astype(np.int64)
            u = rng.random(n)
            ratio = np.where(age > 60, np.select([u < 0.92, u < 0.97], [1.0, rng.uniform(0.3, 0.95, n)], 0.0),
                             np.where(u < 0.5, 0.0, 1.0))
            ratio[payroll[a]] = 1.0
            third = tiers.draw(rng, party[a])
            frame = pd.DataFrame({
                "exercice": year, "date_operation": iso_dates(date), "compte": accounts[a],
                "code_destination": destination, "code_structure": structures[s], "id_tiers": third,
                "libelle": plant(ctx, "finance.lignes_budgetaires.libelle", labels[a], stream=f"{year}/{rows.start}"),
                "montant_engage": engaged, "montant_paye": money(engaged * ratio),
            })
            _line_defects(rng, frame)
            frame.insert(0, "id_ligne", np.arange(next_id, next_id + n, dtype=np.int64))
            next_id += n
            yield frame


def _normalised(weights: list[float]) -> np.ndarray:
    w = np.asarray(weights, dtype=float)
    return w / w.sum()


def _line_defects(rng: np.random.Generator, frame: pd.DataFrame) -> None:
    """A cancelled commitment booked as a negative amount; a missing destination; an unknown account."""
    negative = defect_rows(rng, len(frame), 0.0005)
    frame.loc[negative, ["montant_engage", "montant_paye"]] *= -1
    frame.loc[defect_rows(rng, len(frame), 0.001), "code_destination"] = None
    frame.loc[defect_rows(rng, len(frame), 0.0002), "compte"] = "6099"


def travel_table(ctx: Context) -> pd.DataFrame:
    """Travel claims: agents in post go to conferences, juries and meetings, in France and abroad."""
    rng = ctx.rng("finance", "frais_deplacement")
    pop = population(ctx)
    teacher = np.array([CORPS[c].staff == ENS for c in pop.corps])
    exit_or_far = np.where(np.isnat(pop.exit), np.datetime64("2999-12-31"), pop.exit)
    cities = np.array([c.name for c in COMMUNES if c.code != "75056"] + list(ABROAD), dtype=object)
    abroad = np.array([False] * (len(cities) - len(ABROAD)) + [True] * len(ABROAD))
    parts = []
    for year in ctx.fiscal_years:
        first, last = year_start(year), min(year_start(year, 12, 31), ctx.today)
        in_post = np.flatnonzero((pop.entry <= last) & (exit_or_far >= first))
        weight = np.where(teacher[in_post], 4.0, 1.0)
        n = int(len(in_post) * 1.2 * _year_share(ctx, year))
        who = in_post[rng.choice(len(in_post), size=n, p=weight / weight.sum())]
        depart = first + rng.integers(0, int((last - first).astype(np.int64)) + 1, n) * DAY
        city = rng.integers(0, len(cities), n)
        far = abroad[city]
        length = np.where(far, rng.integers(2, 8, n), rng.integers(0, 3, n))
        amount = np.where(far, rng.uniform(450, 2600, n), rng.uniform(60, 650, n))
        parts.append(pd.DataFrame({"matricule": pop.matricule[who], "date_depart": depart,
                                   "date_retour": depart + length * DAY, "destination": cities[city],
                                   "motif": [f"{TRAVEL_PURPOSES[i]} à {c.split(' (')[0]}" for i, c in
                                             zip(rng.integers(0, len(TRAVEL_PURPOSES), n), cities[city], strict=True)],
                                   "montant": money(amount),
                                   "code_structure": [OPEN[i].code for i in pop.structure[who]]}))
    frame = pd.concat(parts, ignore_index=True).sort_values("date_depart", kind="stable").reset_index(drop=True)
    # Defects: return before departure, a negative claim (a recovery), an unknown agent number.
    bad = defect_rows(rng, len(frame), 0.005)
    frame.loc[bad, "date_retour"] = frame.loc[bad, "date_depart"] - pd.to_timedelta(3, "D")
    frame.loc[defect_rows(rng, len(frame), 0.002), "montant"] *= -1
    frame.loc[defect_rows(rng, len(frame), 0.002), "matricule"] = "09999998"
    frame["date_depart"] = iso_dates(frame["date_depart"].to_numpy())
    frame["date_retour"] = iso_dates(frame["date_retour"].to_numpy())
    frame.insert(0, "id_frais", np.arange(1, len(frame) + 1, dtype=np.int64))
    frame["motif"] = plant(ctx, "finance.frais_deplacement.motif", frame["motif"].to_numpy())
    return frame
