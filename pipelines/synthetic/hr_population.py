"""The staff of the synthetic university over the years: who was hired when, and their careers.

Hirings follow a steady state: each corps keeps about its share of the
staff in post, contracts end after their usual length, civil servants leave
at retirement (62-67) or on mobility. Careers move up one echelon every 1.5
to 3.5 years, with one or two grade promotions for many.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from pipelines.synthetic.context import Context, defect_rows, year_start
from pipelines.synthetic.draws import weighted
from pipelines.synthetic.identifiers import digits
from pipelines.synthetic.ref_academic import DISCIPLINES
from pipelines.synthetic.ref_hr import BAP_SHARES, CORPS, ENS, Corps
from pipelines.synthetic.ref_structures import COMPONENTS, LABS, OPEN, SERVICES, UNKNOWN_STRUCTURE

DAY = np.timedelta64(1, "D")
YEAR_DAYS = 365.25
MAX_STEPS = 28
NO_STEP = 10**6


@dataclass
class Population:
    """One entry per agent who worked during the years covered (arrays aligned on agents)."""

    matricule: np.ndarray
    corps: np.ndarray
    female: np.ndarray
    birth: np.ndarray
    entry: np.ndarray
    exit: np.ndarray
    structure: np.ndarray
    section: np.ndarray
    bap: np.ndarray  # BAP letter of an ITRF agent, None for others


def _component_weights() -> list[float]:
    share = {c.code: 0.0 for c in COMPONENTS}
    for d in DISCIPLINES:
        share[d.component] = share.get(d.component, 0.0) + d.weight
    return [max(share[c.code], 2.0) for c in COMPONENTS]


def _home(rng: np.random.Generator, corps: np.ndarray) -> np.ndarray:
    """Home structure (index into OPEN) by staff type: teachers in components, doctoral students in labs."""
    index = {s.code: i for i, s in enumerate(OPEN)}
    comp = np.array([index[s.code] for s in COMPONENTS])
    labs = np.array([index[s.code] for s in LABS])
    services = np.array([index[s.code] for s in SERVICES])
    is_ens = np.array([CORPS[c].staff == ENS for c in corps])
    is_doc = np.array([CORPS[c].code == "DOC" for c in corps])
    n = len(corps)
    out = comp[weighted(rng, _component_weights(), n)]
    out[is_doc] = labs[rng.integers(0, len(labs), int(is_doc.sum()))]
    biatss = ~is_ens
    where = rng.random(n)
    out[biatss & (where < 0.55)] = services[rng.integers(0, len(services), int((biatss & (where < 0.55)).sum()))]
    in_lab = biatss & (where >= 0.85)
    out[in_lab] = labs[rng.integers(0, len(labs), int(in_lab.sum()))]
    return out


def population(ctx: Context) -> Population:
    """Draw every agent in post at some time between 1 January of the first year and ``as_of``."""
    rng = ctx.rng("hr", "population")
    start, today = year_start(ctx.hr_years[0]), ctx.today
    shares = np.array([c.share for c in CORPS])
    shares = shares / shares.sum()
    parts = []
    for k, corps in enumerate(CORPS):
        stock = ctx.scale.agents * shares[k]
        sample = _tenures(rng, corps, 4000)[0]
        rate = stock / sample.mean()
        span = 48.0
        n = rng.poisson(rate * span)
        entry = today - (rng.random(n) * span * YEAR_DAYS).astype(np.int64) * DAY
        tenure, entry_age = _tenures(rng, corps, n)
        leave = entry + (tenure * YEAR_DAYS).astype(np.int64) * DAY
        keep = leave > start
        birth = entry[keep] - (entry_age[keep] * YEAR_DAYS).astype(np.int64) * DAY
        parts.append(pd.DataFrame({"corps": k, "entry": entry[keep], "exit": leave[keep], "birth": birth}))
    frame = pd.concat(parts, ignore_index=True).sort_values(["entry", "corps"], kind="stable")
    n = len(frame)
    corps = frame["corps"].to_numpy()
    entry = frame["entry"].to_numpy().astype("datetime64[D]")
    leave = frame["exit"].to_numpy().astype("datetime64[D]")
    leave = np.where(leave > today, np.datetime64("NaT"), leave).astype("datetime64[D]")
    women = np.array([0.45 if CORPS[c].staff == ENS else 0.63 for c in corps])
    home = _home(rng, corps)
    section = np.full(n, None, dtype=object)
    for i in np.flatnonzero([CORPS[c].cnu for c in corps]):
        options = OPEN[home[i]].sections or ("27",)
        section[i] = options[rng.integers(0, len(options))]
    # Matricules are given in order of hiring, as HR systems do.
    matricule = digits(np.arange(n) * 7 + 1_004_213, 8).astype(object)
    return Population(matricule, corps, rng.random(n) < women, frame["birth"].to_numpy().astype("datetime64[D]"),
                      entry, leave, home, section, _branches(ctx, corps))


def _branches(ctx: Context, corps: np.ndarray) -> np.ndarray:
    """Each ITRF agent's BAP, drawn once for the whole career from the shares of the corps (own stream)."""
    rng = ctx.rng("hr", "bap")
    out = np.full(len(corps), None, dtype=object)
    for code, shares in BAP_SHARES.items():
        mine = np.flatnonzero([CORPS[c].code == code for c in corps])
        letters = np.array(list(shares), dtype=object)
        out[mine] = letters[weighted(rng, list(shares.values()), len(mine))]
    return out


def _tenures(rng: np.random.Generator, corps: Corps, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Years in post and age at hiring: contracts last their usual length, others until retirement or mobility."""
    entry_age = rng.uniform(corps.entry_age[0], corps.entry_age[1] + 1, n)
    if corps.tenure is not None:
        return rng.uniform(corps.tenure[0], corps.tenure[1] + 0.99, n), entry_age
    retire = rng.uniform(62, 67.9, n) - entry_age
    mobility = rng.exponential(28.0, n)
    return np.maximum(np.minimum(retire, mobility), 1.0), entry_age


@dataclass
class Careers:
    """Career situations (one row per period) and the grade promotions they contain."""

    situations: pd.DataFrame
    promotions: pd.DataFrame


def careers(ctx: Context, pop: Population) -> Careers:
    """Cut each agent's time in post into situations: echelon steps, promotions, part time, moves."""
    rng = ctx.rng("hr", "situations")
    n = len(pop.matricule)
    titular = np.array([CORPS[c].status == "titulaire" for c in pop.corps])
    contract = ~titular
    low = np.where(contract, 1.0, 1.5)[:, None]
    high = np.where(contract, 3.0, 3.5)[:, None]
    years = rng.uniform(low, high, (n, MAX_STEPS))
    years[titular, 0] = 1.0  # one probation year (stagiaire) for civil servants
    offsets = np.cumsum(np.c_[np.zeros(n), years[:, :-1]], axis=1)
    begin = pop.entry[:, None] + (offsets * YEAR_DAYS).astype(np.int64) * DAY
    end_bound = np.where(np.isnat(pop.exit), ctx.today + DAY, pop.exit)
    valid = begin < end_bound[:, None]
    valid &= begin <= ctx.today
    nxt = np.c_[begin[:, 1:], np.full((n, 1), np.datetime64("NaT", "D"))]
    nxt_valid = np.c_[valid[:, 1:], np.zeros((n, 1), bool)]
    finish = np.where(nxt_valid, nxt - DAY, pop.exit[:, None])
    window = year_start(ctx.hr_years[0])
    valid &= np.isnat(finish) | (finish >= window)
    agent, step = np.nonzero(valid)

    # Grade promotions: after 3-9 steps, a second one 4-9 steps later; a third of the agents never move up.
    p1 = np.where(rng.random(n) < 0.3, NO_STEP, rng.integers(3, 10, n))
    p2 = p1 + rng.integers(4, 10, n)
    n_grades = np.array([len(CORPS[c].grades) for c in pop.corps])
    g = np.minimum((step >= p1[agent]).astype(int) + (step >= p2[agent]), n_grades[agent] - 1)
    start_ech = rng.integers(1, 3, n)
    since = np.where(g == 0, step + start_ech[agent] - 1, np.where(g == 1, step - p1[agent], step - p2[agent]))
    corps = pop.corps[agent]
    grade = np.array([CORPS[c].grades[k].code for c, k in zip(corps, g, strict=True)], dtype=object)
    max_ech = np.array([CORPS[c].grades[k].echelons for c, k in zip(corps, g, strict=True)])
    echelon = np.minimum(since + 1, max_ech).astype(float)
    echelon[contract[agent]] = np.nan
    status = np.where(contract[agent], "contractuel", np.where((step == 0) & (np.array(
        [CORPS[c].code != "PR" for c in corps])), "stagiaire", "titulaire"))
    quotite = _working_time(rng, corps, len(agent))
    structure = _structures(rng, pop, agent, step)
    begin_v, finish_v = begin[agent, step], finish[agent, step]
    structure[(structure == "UFR-BIO") & (finish_v < np.datetime64("2012-01-01"))] = "UFR-SVT"
    frame = pd.DataFrame({
        "matricule": pop.matricule[agent], "date_debut": begin_v, "date_fin": finish_v,
        "type_personnel": [CORPS[c].staff for c in corps], "statut": status,
        "corps": [CORPS[c].code for c in corps], "grade": grade, "echelon": echelon,
        "categorie": [CORPS[c].category for c in corps], "section_cnu": pop.section[agent], "bap": pop.bap[agent],
        "quotite": quotite, "code_structure": structure, "_agent": agent, "_grade_index": g,
    })
    promoted = (step > 0) & (g > np.minimum((step - 1 >= p1[agent]).astype(int) + (step - 1 >= p2[agent]),
                                             n_grades[agent] - 1))
    promotions = frame.loc[promoted, ["matricule", "corps", "grade", "date_debut"]].reset_index(drop=True)
    return Careers(_with_defects(rng, frame), promotions)


def _working_time(rng: np.random.Generator, corps: np.ndarray, n: int) -> np.ndarray:
    """Full time for most; part time (80, 90, 50 %) for some civil servants; half-time for some ATER."""
    quotite = np.array([100.0, 80.0, 90.0, 50.0, 70.0])[weighted(rng, [91, 5, 2, 1.5, 0.5], n)]
    codes = np.array([CORPS[c].code for c in corps])
    quotite[codes == "DOC"] = 100.0
    ater = codes == "ATER"
    quotite[ater] = np.where(rng.random(int(ater.sum())) < 0.15, 50.0, 100.0)
    return quotite


def _structures(rng: np.random.Generator, pop: Population, agent: np.ndarray, step: np.ndarray) -> np.ndarray:
    """Home structure, and for some agents an internal move to another structure after a few steps."""
    n = len(pop.matricule)
    move_at = np.where(rng.random(n) < 0.15, rng.integers(1, 8, n), NO_STEP)
    other = _home(rng, pop.corps)
    codes = np.array([s.code for s in OPEN], dtype=object)
    return np.where(step >= move_at[agent], codes[other[agent]], codes[pop.structure[agent]])


def _with_defects(rng: np.random.Generator, frame: pd.DataFrame) -> pd.DataFrame:
    """Deliberate quality defects, rare and documented in docs/sources.md."""
    frame = frame.sort_values(["matricule", "date_debut"], kind="stable").reset_index(drop=True)
    # A teacher-researcher whose CNU section was never entered.
    researchers = np.flatnonzero(frame["corps"].isin(["PR", "MCF"]).to_numpy())
    frame.loc[defect_rows(rng, researchers, 0.005), "section_cnu"] = None
    # An end date typed before the start date.
    closed = np.flatnonzero(frame["date_fin"].notna().to_numpy())
    bad = defect_rows(rng, closed, 0.001)
    frame.loc[bad, "date_fin"] = frame.loc[bad, "date_debut"] - pd.to_timedelta(rng.integers(1, 40, len(bad)), "D")
    # A structure code the referential does not know.
    frame.loc[defect_rows(rng, len(frame), 0.001), "code_structure"] = UNKNOWN_STRUCTURE
    frame.insert(0, "id_situation", np.arange(1, len(frame) + 1, dtype=np.int64))
    # The same situation entered twice under two identifiers (a duplicate business key).
    dup = frame.loc[defect_rows(rng, len(frame), 0.003)].copy()
    dup["id_situation"] = np.arange(len(frame) + 1, len(frame) + 1 + len(dup), dtype=np.int64)
    return pd.concat([frame, dup], ignore_index=True)
