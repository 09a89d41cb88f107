"""Public functions held by agents (the directory) and the yearly promotion tables."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pandas as pd

from pipelines.synthetic.context import Context, defect_rows, iso_dates, year_start
from pipelines.synthetic.freetext import plant
from pipelines.synthetic.hr_population import Population
from pipelines.synthetic.ref_hr import (COMPONENT_FUNCTIONS, CORPS, FUNCTION_CODES, HEAD_OF, PROGRAMME_HEAD,
                                        UNIVERSITY_FUNCTIONS, Function)
from pipelines.synthetic.ref_structures import COMPONENTS, OPEN
from pipelines.synthetic.students_catalogue import build_catalogue

DAY = np.timedelta64(1, "D")
COLUMNS = ["matricule", "libelle_fonction", "code_structure", "date_debut", "date_fin", "visible_annuaire",
           "code_fonction"]

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
        for holder, begins, stop in _mandates(rng, pop, start, today, None, (4, 6), near, eligible, 0.8, exit_or_far):
            title = (function.feminine if female[pop.matricule[holder]] else function.masculine).format(of=of)
            rows.append((pop.matricule[holder], title.strip(), code, begins,
                         stop - DAY if stop <= today else np.datetime64("NaT"), function.visible,
                         FUNCTION_CODES[function.masculine]))
    frame = pd.DataFrame(rows, columns=COLUMNS)
    # A few directory entries hidden at the holder's request or for internal roles.
    hidden = rng.random(len(frame)) < 0.02
    frame.loc[hidden, "visible_annuaire"] = False
    frame = _with_defects(rng, frame)
    frame["libelle_fonction"] = plant(ctx, "hr.fonctions.libelle_fonction", frame["libelle_fonction"].to_numpy())
    heads = programme_heads(ctx, pop, agents)
    heads.insert(0, "id_fonction", np.arange(len(frame) + 1, len(frame) + 1 + len(heads), dtype=np.int64))
    return pd.concat([frame, heads], ignore_index=True)


def programme_heads(ctx: Context, pop: Population, agents: pd.DataFrame) -> pd.DataFrame:
    """Successive programme heads of each diploma of the catalogue, from its opening to its closing.

    Drawn from their own stream, after the other functions: those stay as they were.
    """
    rng = ctx.rng("hr", "fonctions", "formations")
    female = dict(zip(agents["matricule"], agents["sexe"] == "F", strict=True))
    index = {s.code: i for i, s in enumerate(OPEN)}
    eligible = _eligible(pop, PROGRAMME_HEAD.holders)
    exit_or_far = np.where(np.isnat(pop.exit), np.datetime64("2999-12-31"), pop.exit)
    first_day, today = year_start(ctx.hr_years[0]), ctx.today
    rows = []
    for diploma in build_catalogue(ctx).frame.itertuples():
        near = eligible & (pop.structure == index.get(diploma.code_composante, -1))
        start = max(year_start(diploma.annee_ouverture, 9, 1), first_day - int(rng.integers(0, 4 * 365)) * DAY)
        closes = year_start(int(diploma.annee_fermeture) + 1, 9, 1) if pd.notna(diploma.annee_fermeture) else None
        for holder, begins, stop in _mandates(rng, pop, start, today, closes, (3, 6), near, eligible, 0.9, exit_or_far):
            title = PROGRAMME_HEAD.feminine if female[pop.matricule[holder]] else PROGRAMME_HEAD.masculine
            rows.append((pop.matricule[holder], title.format(of=diploma.libelle), diploma.code_composante, begins,
                         stop - DAY if stop <= today else np.datetime64("NaT"), PROGRAMME_HEAD.visible,
                         FUNCTION_CODES[PROGRAMME_HEAD.masculine]))
    frame = pd.DataFrame(rows, columns=COLUMNS)
    frame["date_debut"] = iso_dates(frame["date_debut"].to_numpy())
    frame["date_fin"] = iso_dates(frame["date_fin"].to_numpy())
    return frame


def _mandates(rng: np.random.Generator, pop: Population, start: np.datetime64, today: np.datetime64,
              closes: np.datetime64 | None, years: tuple[int, int], near: np.ndarray, eligible: np.ndarray,
              near_share: float, exit_or_far: np.ndarray) -> Iterator[tuple[int, np.datetime64, np.datetime64]]:
    """Successive mandates of ``years`` (drawn in [low, high) years) from ``start`` until today (or ``closes``).

    Each goes to an agent in post a year on, of the structure (``near``) ``near_share`` of the time, else any
    ``eligible`` one; a mandate ends early when its holder leaves. Yields (holder's row, start, stop); a
    mandate nobody fits is skipped.
    """
    while start <= today and (closes is None or start < closes):
        stop = start + int(rng.integers(*years)) * 365 * DAY
        stop = stop if closes is None else min(stop, closes)
        pool = near if rng.random() < near_share and near.any() else eligible
        fits = np.flatnonzero(pool & (pop.entry <= start) & (exit_or_far > start + 365 * DAY))
        if len(fits) == 0:
            start = stop
            continue
        holder = fits[rng.integers(0, len(fits))]
        stop = min(stop, exit_or_far[holder])
        yield holder, start, stop
        start = stop


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
