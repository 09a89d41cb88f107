"""The HR tables that are personal by nature: sick leaves, disability (pay: ``hr_pay``).

None of them feeds an open dataset (CRPA L311-6: health and personal
situation are never published); they exist so that the pipeline proves it
leaves them in the source.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from pipelines.synthetic.context import Context, defect_rows, iso_dates, nullable_int, year_start
from pipelines.synthetic.draws import weighted
from pipelines.synthetic.hr_population import Careers, Population
from pipelines.synthetic.ref_hr import DISABILITY_TYPES

DAY = np.timedelta64(1, "D")


def clean_situations(car: Careers) -> pd.DataFrame:
    """Situations without the deliberate duplicates and inverted dates: pay follows the real career."""
    s = car.situations
    s = s[~s.duplicated(["matricule", "date_debut"])]
    s = s[s["date_fin"].isna() | (s["date_fin"] >= s["date_debut"])]
    return s


def sick_leave_table(ctx: Context, car: Careers) -> pd.DataFrame:
    """Sick leaves: frequent short ordinary leaves, rare long ones (CLM, CLD) and work accidents (CITIS)."""
    rng = ctx.rng("hr", "conges_maladie")
    s = clean_situations(car)
    begin = s["date_debut"].to_numpy().astype("datetime64[D]")
    finish = s["date_fin"].to_numpy().astype("datetime64[D]")
    finish = np.where(np.isnat(finish), np.datetime64("2999-12-31"), finish)
    parts = []
    for year in ctx.hr_years:
        mid = year_start(year, 6, 30)
        agents = np.unique(s["matricule"].to_numpy()[(begin <= mid) & (finish >= mid)])
        counts = rng.poisson(0.35, len(agents))
        kinds = weighted(rng, [0.985, 0.004, 0.001, 0.01], int(counts.sum()))
        who = np.repeat(agents, counts)
        lengths = np.select(
            [kinds == 0, kinds == 1, kinds == 2],
            [np.minimum(rng.geometric(0.22, len(kinds)), 90), rng.integers(90, 366, len(kinds)),
             rng.integers(180, 366, len(kinds))],
            rng.integers(5, 121, len(kinds)),
        )
        start = year_start(year) + rng.integers(0, 365, len(kinds)) * DAY
        keep = start <= ctx.today
        parts.append(pd.DataFrame({"matricule": who[keep], "type_conge": np.array(["CMO", "CLM", "CLD", "CITIS"])[
            kinds[keep]], "date_debut": start[keep], "nb_jours": lengths[keep]}))
    frame = pd.concat(parts, ignore_index=True).sort_values(["date_debut", "matricule"], kind="stable")
    frame = frame.reset_index(drop=True)
    start = frame["date_debut"].to_numpy().astype("datetime64[D]")
    end = start + (frame["nb_jours"].to_numpy() - 1) * DAY
    # Defect: an end date typed before the start date.
    end[defect_rows(rng, len(frame), 0.0005)] -= 400 * DAY
    return pd.DataFrame({
        "id_conge": np.arange(1, len(frame) + 1, dtype=np.int64), "matricule": frame["matricule"],
        "type_conge": frame["type_conge"], "date_debut": iso_dates(start), "date_fin": iso_dates(end),
        "nb_jours": frame["nb_jours"].astype(np.int64),
    })


def disability_table(ctx: Context, pop: Population) -> pd.DataFrame:
    """Disability recognitions of about 4.5 % of agents (the legal employment target is 6 %)."""
    rng = ctx.rng("hr", "handicap")
    n = len(pop.matricule)
    who = np.flatnonzero(rng.random(n) < 0.045)
    k = len(who)
    kinds = weighted(rng, [w for _, w in DISABILITY_TYPES], k)
    earliest = pop.entry[who] - 3 * 365 * DAY
    span = np.maximum((ctx.today - earliest).astype(np.int64), 1)
    recognised = earliest + (rng.random(k) * span).astype(np.int64) * DAY
    permanent = rng.random(k) < 0.3
    until = np.where(permanent, np.datetime64("NaT"), recognised + 5 * 365 * DAY).astype("datetime64[D]")
    rate_known = kinds > 0
    rate = np.where(rate_known, rng.integers(10, 81, k), 0)
    return pd.DataFrame({
        "id_handicap": np.arange(1, k + 1, dtype=np.int64), "matricule": pop.matricule[who],
        "type_reconnaissance": np.array([t for t, _ in DISABILITY_TYPES], dtype=object)[kinds],
        "date_reconnaissance": iso_dates(recognised), "date_fin_validite": iso_dates(until),
        "taux_incapacite": nullable_int(rate, ~rate_known), "amenagement_poste": rng.random(k) < 0.4,
    })
