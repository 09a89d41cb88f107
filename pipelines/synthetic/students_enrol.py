"""Yearly enrolments and their results, from the cohorts' paths and the diploma catalogue.

Enrolments are dated from July to October for most, a few late ones after
the 15 January census (second-semester enrolments, absent from the official
headcount). Results come from the juries of June and July; the diploma is
awarded when the last year of the course is passed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from pipelines.synthetic.context import Context, defect_rows, some_rows, year_start
from pipelines.synthetic.draws import weighted
from pipelines.synthetic.ref_academic import DISCIPLINES, LEVELS, MENTIONS, REGIMES
from pipelines.synthetic.students_catalogue import Catalogue
from pipelines.synthetic.students_flow import TRACKS, Cohorts

DAY = np.timedelta64(1, "D")
UNKNOWN_DIPLOMA = "2599999"
LAST_LEVEL = {"licence": 2, "BUT": 2, "licence professionnelle": 2, "master": 4, "doctorat": 7}


@dataclass
class Enrolments:
    """All enrolment rows (principal and secondary), sorted by year and student, with their results."""

    frame: pd.DataFrame
    passed: np.ndarray
    student: np.ndarray


def _slot_choices(rng: np.random.Generator, coh: Cohorts, cat: Catalogue) -> np.ndarray:
    """For each student and each kind of diploma (TRACKS order), the slot they take in their discipline (-1: none)."""
    out = np.full((len(coh.numero), len(TRACKS)), -1, dtype=np.int64)
    for d in range(len(DISCIPLINES)):
        mine = np.flatnonzero(coh.discipline == d)
        for k, kind in enumerate(TRACKS):
            slots = cat.slots(d, kind)
            if len(slots):
                out[mine, k] = slots[rng.integers(0, len(slots), len(mine))]
    return out


def enrolments(ctx: Context, coh: Cohorts, cat: Catalogue) -> Enrolments:
    rng = ctx.rng("students", "inscriptions")
    choice = _slot_choices(rng, coh, cat)
    student, level = coh.row_student, coh.row_level
    # Kind of diploma of each enrolment (index into TRACKS): doctorate from D1, master from M1,
    # the track's bachelor-level diploma before (a licence for master/doctorate entrants seen in L).
    track = coh.track[student]
    kind = np.where(level >= 5, 4, np.where(level >= 3, 3, np.where(track >= 3, 0, track)))
    slot = choice[student, kind]
    # Paths reaching a level the discipline does not offer stop there.
    keep = slot >= 0
    principal = pd.DataFrame({"student": student[keep], "year": coh.row_year[keep], "level": level[keep],
                              "passed": coh.row_passed[keep], "step": coh.row_step[keep], "slot": slot[keep],
                              "principal": True})
    # About 2 % also take a second licence (double degree): a secondary enrolment.
    licence = np.flatnonzero((principal["level"] <= 2).to_numpy())
    second = principal.iloc[some_rows(rng, licence, 0.02)].copy()
    licence_slots = np.flatnonzero(cat.slot_type == "licence")
    second["slot"] = licence_slots[rng.integers(0, len(licence_slots), len(second))]
    second["principal"] = False
    second["passed"] = rng.random(len(second)) < 0.5
    rows = pd.concat([principal, second], ignore_index=True)
    rows = rows.sort_values(["year", "student", "principal"], ascending=[True, True, False], kind="stable")
    rows = rows.reset_index(drop=True)
    rows["date"] = _enrolment_dates(rng, rows)
    rows = rows[rows["date"] <= ctx.today].reset_index(drop=True)
    return Enrolments(_frame(rng, coh, cat, rows), rows["passed"].to_numpy(), rows["student"].to_numpy())


def _enrolment_dates(rng: np.random.Generator, rows: pd.DataFrame) -> np.ndarray:
    """Re-enrolments in July, new students July to September, doctoral students in autumn, a few late."""
    n = len(rows)
    year = rows["year"].to_numpy()
    new = rows["step"].to_numpy() == 0
    offset = np.where(new, rng.gamma(4.0, 12.0, n), rng.gamma(2.0, 10.0, n)).astype(np.int64)
    offset = np.where(rows["level"].to_numpy() >= 5, 75 + rng.integers(0, 90, n), offset)
    late = rng.random(n) < 0.025
    offset = np.where(late, 199 + rng.integers(0, 60, n), np.minimum(offset, 120))
    # Day 0 is 1 July; day 199 is 16 January, the day after the census.
    return year_start(year, 7, 1) + offset * DAY


def _codes(values: np.ndarray, categories: list[str]) -> pd.Categorical:
    """A categorical column from integer codes (-1: missing): a million rows cost a million small integers."""
    return pd.Categorical.from_codes(values, categories=categories)


def _frame(rng: np.random.Generator, coh: Cohorts, cat: Catalogue, rows: pd.DataFrame) -> pd.DataFrame:
    n = len(rows)
    row = cat.rows_for(rows["slot"].to_numpy(), rows["year"].to_numpy())
    level = rows["level"].to_numpy()
    principal = rows["principal"].to_numpy()
    diploma = cat.frame
    kind = diploma["type_diplome"].to_numpy()[row]
    terminal = level == diploma["type_diplome"].map(LAST_LEVEL).to_numpy()[row]
    # The sector of a principal enrolment is one of its discipline's; a secondary one takes its diploma's.
    sectors = sorted({x for d in DISCIPLINES for x in d.sectors})
    sector_of = {x: i for i, x in enumerate(sectors)}
    table = np.array([[sector_of[d.sectors[j % len(d.sectors)]] for j in range(6)] for d in DISCIPLINES])
    sector = table[coh.discipline[rows["student"].to_numpy()], rng.integers(0, 6, n)]
    own = np.array([sector_of[x] for x in diploma["secteur_disciplinaire"]])[row]
    sector = np.where(principal, sector, own)
    apprentice = np.select([kind == "licence professionnelle", (kind == "master") & (level == 4), kind == "BUT"],
                           [0.4, 0.2, 0.15], 0.03)
    regime = np.where(rng.random(n) < apprentice, 2, np.where(rng.random(n) < 0.04, 1, 0))
    # Defects: a sector left empty; a diploma code missing from the catalogue.
    sector[defect_rows(rng, n, 0.002)] = -1
    code = row.copy()
    code[defect_rows(rng, n, 0.0005)] = len(diploma)
    disciplines = sorted(set(diploma["code_discipline"]))
    components = sorted(set(diploma["code_composante"]))
    return pd.DataFrame({
        "id_inscription": np.arange(1, n + 1, dtype=np.int64),
        "numero_etudiant": coh.numero[rows["student"].to_numpy()].astype(np.int64),
        "annee_universitaire": rows["year"].to_numpy().astype(np.int64), "date_inscription": rows["date"].to_numpy(),
        "code_diplome": _codes(code, list(diploma["code_diplome"]) + [UNKNOWN_DIPLOMA]),
        "niveau": _codes(level, list(LEVELS)),
        "code_discipline": _codes(diploma["code_discipline"].map(disciplines.index).to_numpy()[row], disciplines),
        "secteur_disciplinaire": _codes(sector, sectors),
        "code_composante": _codes(diploma["code_composante"].map(components.index).to_numpy()[row], components),
        "regime": _codes(regime, list(REGIMES)), "inscription_principale": principal, "_terminal": terminal,
    })


def results(ctx: Context, enr: Enrolments) -> pd.DataFrame:
    """One final result per enrolment whose jury has met by ``as_of``."""
    rng = ctx.rng("students", "resultats")
    f = enr.frame
    n = len(f)
    year = f["annee_universitaire"].to_numpy()
    doctorate = f["niveau"].cat.codes.to_numpy() >= LEVELS.index("D1")
    jury = year_start(year + 1, 6, 5) + rng.integers(0, 36, n) * DAY
    defence = year_start(year, 10, 1) + rng.integers(0, 280, n) * DAY
    jury = np.where(doctorate & enr.passed & f["_terminal"].to_numpy(), defence, jury)
    held = jury <= ctx.today
    passed = enr.passed[held]
    k = int(held.sum())
    mention_index = weighted(rng, [w for _, w in MENTIONS], k)
    low = np.array([10.0, 12.0, 14.0, 16.0])[mention_index]
    mark = np.where(passed, low + rng.random(k) * np.where(mention_index == 3, 3.5, 1.999),
                    3 + rng.random(k) * 6.999)
    no_mention = doctorate[held]
    mention = np.where(passed & ~no_mention, np.array([m for m, _ in MENTIONS], dtype=object)[mention_index], None)
    awarded = passed & f["_terminal"].to_numpy()[held]
    out = pd.DataFrame({
        "id_resultat": np.arange(1, k + 1, dtype=np.int64),
        "id_inscription": f["id_inscription"].to_numpy()[held],
        "numero_etudiant": f["numero_etudiant"].to_numpy()[held],
        "annee_universitaire": year[held], "code_diplome": f["code_diplome"][held].reset_index(drop=True),
        "date_jury": jury[held], "resultat": _codes(np.where(passed, 0, 1), ["admis", "ajourné"]), "mention": mention,
        "moyenne_generale": np.where(no_mention, np.nan, np.round(mark, 3)), "diplome_delivre": awarded,
    })
    # Defects: a jury dated outside its academic year; a diploma awarded to a failed student;
    # a result whose enrolment does not exist.
    bad = defect_rows(rng, k, 0.003)
    out.loc[bad, "date_jury"] = out.loc[bad, "date_jury"] + pd.to_timedelta(400, "D")
    failed = np.flatnonzero(~passed)
    out.loc[defect_rows(rng, failed, 0.001), "diplome_delivre"] = True
    orphan = defect_rows(rng, k, 0.0001)
    out.loc[orphan, "id_inscription"] = n + 1_000_000 + orphan
    return out
