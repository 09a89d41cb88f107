"""Public functions held by agents (the directory) and the yearly promotion tables."""

from __future__ import annotations

import numpy as np
import pandas as pd

from pipelines.synthetic.context import Context, defect_rows, iso_dates, year_start
from pipelines.synthetic.freetext import plant
from pipelines.synthetic.hr_population import Population
from pipelines.synthetic.ref_hr import COMPONENT_FUNCTIONS, CORPS, HEAD_OF, UNIVERSITY_FUNCTIONS, Function
from pipelines.synthetic.ref_structures import COMPONENTS, OPEN

DAY = np.timedelta64(1, "D")

# Which structure each university-wide function is attached to.
_UNIVERSITY_STRUCTURE = {
    "Président de l'université": "PRES", "Directeur général des services": "DGS", "Agent comptable": "AC",
}


def _eligible(pop: Population, holders: str) -> np.ndarray:
    """Agents whose corps fits the function: PR/MCF for academic roles, BIATSS A or B/C for the others."""
    corps = [CORPS[c] for c in pop.corps]
    if holders == "teacher":
        return np.array([c.code in ("PR", "MCF") for c in corps])
    if holders == "admin_a":
        return np.array([c.staff == "BIATSS" and c.category == "A" for c in corps])
    return np.array([c.staff == "BIATSS" and c.category in ("B", "C") for c in corps])


def functions_table(ctx: Context, pop: Population, agents: pd.DataFrame) -> pd.DataFrame:
    """Successive mandates for each function since before the first year covered."""
    rng = ctx.rng("hr", "fonctions")
    female = dict(zip(agents["matricule"], agents["sexe"] == "F", strict=True))
    index = {s.code: i for i, s in enumerate(OPEN)}
    slots: list[tuple[Function, str, str]] = []
    for s in OPEN:
        head = HEAD_OF.get(s.kind)
        # The president, the DGS and the accountant hold university-wide titles (below).
        if head is not None and s.code not in _UNIVERSITY_STRUCTURE.values():
            slots.append((head, s.code, s.of))
    for s in COMPONENTS:
        slots += [(f, s.code, s.of) for f in COMPONENT_FUNCTIONS]
    for f in UNIVERSITY_FUNCTIONS:
        slots.append((f, _UNIVERSITY_STRUCTURE.get(f.masculine, "UNIV"), ""))
    rows = []
    first_day, today = year_start(ctx.hr_years[0]), ctx.today
    exit_or_far = np.where(np.isnat(pop.exit), np.datetime64("2999-12-31"), pop.exit)
    for function, code, of in slots:
        eligible = _eligible(pop, function.holders)
        near = eligible & (pop.structure == index.get(code, -1))
        start = first_day - int(rng.integers(0, 4 * 365)) * DAY
        while start <= today:
            length = int(rng.integers(4, 6)) * 365 * DAY
            end = start + length
            pool = near if rng.random() < 0.8 and near.any() else eligible
            fits = np.flatnonzero(pool & (pop.entry <= start) & (exit_or_far > start + 365 * DAY))
            if len(fits) == 0:
                start = end
                continue
            holder = fits[rng.integers(0, len(fits))]
            stop = min(end, exit_or_far[holder])
            title = (function.feminine if female[pop.matricule[holder]] else function.masculine).format(of=of)
            rows.append((pop.matricule[holder], title.strip(), code, start,
                         stop - DAY if stop <= today else np.datetime64("NaT"), function.visible))
            start = stop
    frame = pd.DataFrame(rows, columns=["matricule", "libelle_fonction", "code_structure", "date_debut",
                                        "date_fin", "visible_annuaire"])
    # A few directory entries hidden at the holder's request or for internal roles.
    hidden = rng.random(len(frame)) < 0.02
    frame.loc[hidden, "visible_annuaire"] = False
    frame = _with_defects(rng, frame)
    frame["libelle_fonction"] = plant(ctx, "hr.fonctions.libelle_fonction", frame["libelle_fonction"].to_numpy())
    return frame


def _with_defects(rng: np.random.Generator, frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.sort_values(["code_structure", "date_debut"], kind="stable").reset_index(drop=True)
    closed = np.flatnonzero(frame["date_fin"].notna().to_numpy())
    bad = defect_rows(rng, closed, 0.002)
    frame.loc[bad, "date_fin"] = frame.loc[bad, "date_debut"] - pd.to_timedelta(30, "D")
    frame["date_debut"] = iso_dates(frame["date_debut"].to_numpy())
    frame["date_fin"] = iso_dates(frame["date_fin"].to_numpy())
    frame.insert(0, "id_fonction", np.arange(1, len(frame) + 1, dtype=np.int64))
    dup = frame.loc[defect_rows(rng, len(frame), 0.003)].copy()
    dup["id_fonction"] = np.arange(len(frame) + 1, len(frame) + 1 + len(dup), dtype=np.int64)
    return pd.concat([frame, dup], ignore_index=True)


def promotion_table(ctx: Context, promotions: pd.DataFrame) -> pd.DataFrame:
    """Promotion tables: the grade promotions of each year covered, ranked as the committee ranked them."""
    rng = ctx.rng("hr", "tableaux")
    frame = promotions.copy()
    frame["annee"] = frame["date_debut"].to_numpy().astype("datetime64[Y]").astype(int) + 1970
    frame = frame[frame["annee"].isin(ctx.hr_years)].copy()
    frame["_draw"] = rng.random(len(frame))
    frame = frame.sort_values(["annee", "corps", "grade", "_draw"], kind="stable").reset_index(drop=True)
    frame["rang"] = frame.groupby(["annee", "corps", "grade"]).cumcount() + 1
    return pd.DataFrame({
        "id_avancement": np.arange(1, len(frame) + 1, dtype=np.int64),
        "annee": frame["annee"].astype(np.int64), "corps": frame["corps"], "grade_acces": frame["grade"],
        "matricule": frame["matricule"], "rang": frame["rang"].astype(np.int64),
        "date_effet": iso_dates(frame["date_debut"].to_numpy()),
    })
