"""Individual pay: the monthly pay lines (``paie``) and each agent's yearly statement (``remunerations``).

Both come from one monthly computation, so a yearly statement is exactly the
sum of its months:

- an agent is paid for a month when one of their situations covers its 15th;
- traitement brut = indice majoré x valeur du point (of that day) x quotité.
  Civil servants' index follows the grid of their corps, grade and échelon
  (``ref_hr.CORPS``); contract staff are paid by category, at the index of
  their contract (drawn once per agent, ``ref_hr.CONTRACT_INDEX``);
- primes = traitement x the corps' usual share of bonuses (spread around it,
  women's a little lower), plus the research bonus of some
  teacher-researchers and the allowance of a function held on the 15th
  (president, DGS, directors: ``ref_hr.FUNCTION_ALLOWANCES``), plus the
  overseas majoration of the few agents posted overseas (``ref_hr.OVERSEAS``),
  also told apart as ``primes_hors_index``: the pay elements the equality
  index leaves out (sur-rémunération outre-mer, indemnité de résidence à
  l'étranger).

The yearly statement, like the annual declaration of pay (N4DS), covers the
completed years only: the year of ``as_of`` is still being paid.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import pandas as pd

from pipelines.synthetic.context import Context, defect_rows, money, year_start
from pipelines.synthetic.hr_population import Careers, Population
from pipelines.synthetic.hr_private import clean_situations
from pipelines.synthetic.ref_hr import (CONTRACT_CORPS, CONTRACT_INDEX, CORPS, FUNCTION_ALLOWANCES, OVERSEAS,
                                        POINT_VALUES, RESEARCH_BONUS, WOMEN_BONUS_FACTOR)

_GRADES = {g.code: (g.base_index, g.step_index) for c in CORPS for g in c.grades}
_BONUS = {c.code: c.bonus for c in CORPS}
FAR = np.datetime64("2999-12-31")
PAY_COLUMNS = ["matricule", "annee", "mois", "indice_majore", "brut", "primes", "primes_hors_index"]
# What the yearly statement says of the agent: their situation in the last month paid of the year.
SITUATION_COLUMNS = ["corps", "grade", "echelon", "categorie", "statut", "quotite"]


@dataclass(frozen=True)
class Basis:
    """Per career situation, what its pay is computed from (arrays aligned on the situations)."""

    situations: pd.DataFrame
    begin: np.ndarray
    finish: np.ndarray
    matricule: np.ndarray
    index: np.ndarray
    ratio: np.ndarray
    bonus: np.ndarray
    researcher: np.ndarray
    female: np.ndarray
    overseas: np.ndarray  # the majoration rate of the agent's salary (0: not posted overseas)


@dataclass(frozen=True)
class Allowances:
    """Function allowances: who, from when to when, how much a month."""

    matricule: np.ndarray
    begin: np.ndarray
    finish: np.ndarray
    amount: np.ndarray


def _contract_index(ctx: Context, pop: Population) -> np.ndarray:
    """Each contract agent's index, drawn once in the band of their category (others: 0, unused)."""
    rng = ctx.rng("hr", "contract_index")
    out = np.zeros(len(pop.corps), dtype=np.int64)
    for i, k in enumerate(pop.corps):
        if CORPS[k].code in CONTRACT_CORPS:
            low, high = CONTRACT_INDEX[CORPS[k].category]
            out[i] = rng.integers(low, high + 1)
    return out


def basis(ctx: Context, pop: Population, car: Careers) -> Basis:
    s = clean_situations(car)
    grades = s["grade"].map(_GRADES)
    base = np.array([g[0] for g in grades], dtype=float)
    step = np.array([g[1] for g in grades], dtype=float)
    echelon = s["echelon"].fillna(1).to_numpy(dtype=float)
    index = (base + step * (echelon - 1)).astype(np.int64)
    contract = s["corps"].isin(CONTRACT_CORPS).to_numpy()
    index[contract] = _contract_index(ctx, pop)[s["_agent"].to_numpy()[contract]]
    finish = s["date_fin"].to_numpy().astype("datetime64[D]")
    return Basis(
        situations=s, begin=s["date_debut"].to_numpy().astype("datetime64[D]"),
        finish=np.where(np.isnat(finish), FAR, finish), matricule=s["matricule"].to_numpy(), index=index,
        ratio=s["quotite"].to_numpy(dtype=float) / 100, bonus=s["corps"].map(_BONUS).to_numpy(dtype=float),
        researcher=s["corps"].isin(["PR", "MCF"]).to_numpy(), female=pop.female[s["_agent"].to_numpy()],
        overseas=_overseas(ctx, pop)[s["_agent"].to_numpy()],
    )


def _overseas(ctx: Context, pop: Population) -> np.ndarray:
    """Each agent's overseas majoration rate, drawn once (its own random stream: the other draws stay as they were)."""
    share, rate = OVERSEAS
    return np.where(ctx.rng("hr", "overseas").random(len(pop.corps)) < share, rate, 0.0)


def allowances(functions: pd.DataFrame) -> Allowances:
    """The allowance of each mandate, by its title (mandates typed with their end before their start pay none)."""
    titles = functions["libelle_fonction"].astype(str)
    amount = np.zeros(len(functions))
    for prefixes, monthly in reversed(FUNCTION_ALLOWANCES):  # the first match wins: apply it last
        amount = np.where(titles.str.startswith(prefixes).to_numpy(), monthly, amount)
    begin = pd.to_datetime(functions["date_debut"]).to_numpy().astype("datetime64[D]")
    finish = pd.to_datetime(functions["date_fin"]).to_numpy().astype("datetime64[D]")
    finish = np.where(np.isnat(finish), FAR, finish)
    keep = (amount > 0) & (finish >= begin)
    return Allowances(functions["matricule"].to_numpy()[keep], begin[keep], finish[keep], amount[keep])


def _allowance_on(day: np.datetime64, held: Allowances, who: np.ndarray) -> np.ndarray:
    """The largest allowance each agent of ``who`` holds on ``day``."""
    active = (held.begin <= day) & (held.finish >= day)
    best = pd.Series(held.amount[active]).groupby(held.matricule[active]).max()
    return best.reindex(who).fillna(0.0).to_numpy()


def months_of(ctx: Context, pay: Basis, held: Allowances, year: int) -> pd.DataFrame:
    """The monthly pay lines of one year, each with the situation it was paid under (own random stream)."""
    rng = ctx.rng("hr", "paie", str(year))
    points = np.array([d for d, _ in POINT_VALUES], dtype="datetime64[D]")
    values = np.array([v for _, v in POINT_VALUES])
    share, low, high = RESEARCH_BONUS
    parts = []
    for month in range(1, 13):
        day = year_start(year, month, 15)
        if day > ctx.today:
            break
        rows = np.flatnonzero((pay.begin <= day) & (pay.finish >= day))
        _, first = np.unique(pay.matricule[rows], return_index=True)
        rows = rows[first]
        point = values[np.searchsorted(points, day, side="right") - 1]
        gross = pay.index[rows] * point * pay.ratio[rows]
        spread = rng.lognormal(0, 0.15, len(rows)) * np.where(pay.female[rows], WOMEN_BONUS_FACTOR, 1.0)
        extra = gross * pay.bonus[rows] * spread
        extra += np.where(pay.researcher[rows] & (rng.random(len(rows)) < share), rng.uniform(low, high, len(rows)), 0)
        extra += _allowance_on(day, held, pay.matricule[rows])
        overseas = money(gross * pay.overseas[rows])
        extra += overseas
        frame = pay.situations.iloc[rows][SITUATION_COLUMNS].reset_index(drop=True)
        frame.insert(0, "matricule", pay.matricule[rows])
        parts.append(frame.assign(annee=year, mois=month, indice_majore=pay.index[rows], brut=money(gross),
                                  primes=money(extra), primes_hors_index=overseas))
    if not parts:
        return pd.DataFrame(columns=["matricule", *SITUATION_COLUMNS, *PAY_COLUMNS[1:]])
    lines = pd.concat(parts, ignore_index=True)
    # Defect: a negative bonus line (a recovery of overpaid bonuses typed as a negative amount).
    bad = defect_rows(rng, len(lines), 0.0005)
    lines.loc[bad, "primes"] = -money(rng.uniform(50, 800, len(bad)))
    lines.loc[bad, "primes_hors_index"] = 0.0
    return lines


def pay_rows_estimate(ctx: Context) -> int:
    months = (ctx.as_of.year - ctx.hr_years[0]) * 12 + ctx.as_of.month
    return ctx.scale.agents * months


def pay_chunks(ctx: Context, pop: Population, car: Careers, functions: pd.DataFrame) -> Iterator[pd.DataFrame]:
    """``paie``: one chunk per year, every agent in post on the 15th of a month gets a line."""
    pay, held = basis(ctx, pop, car), allowances(functions)
    next_id = 1
    for year in ctx.hr_years:
        chunk = months_of(ctx, pay, held, year)[PAY_COLUMNS]
        if chunk.empty:
            continue
        chunk.insert(0, "id_paie", np.arange(next_id, next_id + len(chunk), dtype=np.int64))
        next_id += len(chunk)
        yield chunk


def yearly_table(ctx: Context, pop: Population, car: Careers, functions: pd.DataFrame) -> pd.DataFrame:
    """``remunerations``: per agent and completed year, the months paid, the sums of the year and the last situation."""
    pay, held = basis(ctx, pop, car), allowances(functions)
    parts = []
    for year in (y for y in ctx.hr_years if y < ctx.as_of.year):
        lines = months_of(ctx, pay, held, year)
        if lines.empty:
            continue
        last = lines.sort_values(["matricule", "mois"]).drop_duplicates("matricule", keep="last").set_index("matricule")
        last = last.sort_index()
        sums = lines.groupby("matricule", sort=True).agg(mois_payes=("mois", "size"), traitement_brut=("brut", "sum"),
                                                          primes=("primes", "sum"),
                                                          primes_hors_index=("primes_hors_index", "sum"))
        parts.append(pd.DataFrame({
            "matricule": sums.index.to_numpy(), "annee": year, **{c: last[c].to_numpy() for c in SITUATION_COLUMNS},
            "indice_majore": last["indice_majore"].to_numpy(), "mois_payes": sums["mois_payes"].to_numpy(),
            "traitement_brut": money(sums["traitement_brut"]), "primes": money(sums["primes"]),
            "primes_hors_index": money(sums["primes_hors_index"]),
        }))
    frame = pd.concat(parts, ignore_index=True)
    frame["brut_annuel"] = money(frame["traitement_brut"] + frame["primes"])
    frame["echelon"] = frame["echelon"].astype("Int64")
    frame.insert(0, "id_remuneration", np.arange(1, len(frame) + 1, dtype=np.int64))
    return frame
