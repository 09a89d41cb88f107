"""Student flows: cohorts entering each year and their path from level to level until they leave.

Each cohort enters at L1 (most), L2-L3 (transfers, professional degrees), M1
or D1. Each year a student passes (next level), repeats, or drops out, with
pass rates of the order published by the ministry (under half in L1, most in
master); students leave after their last diploma. Students staying 1 to 5
years result, and the number enrolled each year is about the scale's target.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from pipelines.synthetic.context import Context
from pipelines.synthetic.draws import weighted
from pipelines.synthetic.ref_academic import DISCIPLINES

# Levels 0..7 = L1 L2 L3 M1 M2 D1 D2 D3.
PASS_RATE = np.array([0.45, 0.65, 0.75, 0.78, 0.85, 0.95, 0.93, 0.45])
REPEAT_RATE = 0.55
MAX_YEARS = 8
TRACKS = ("licence", "BUT", "licence professionnelle", "master", "doctorat")
IUT = np.array([not d.licences and bool(d.but) for d in DISCIPLINES])
HAS_MASTER = np.array([bool(d.masters) for d in DISCIPLINES])


@dataclass
class Cohorts:
    """Students (one entry each) and their yearly enrolments (one row each), as aligned arrays."""

    entry_year: np.ndarray
    discipline: np.ndarray
    track: np.ndarray
    numero: np.ndarray
    row_student: np.ndarray
    row_year: np.ndarray
    row_level: np.ndarray
    row_passed: np.ndarray
    row_step: np.ndarray


def _draw_students(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Discipline, track, entry level and highest level aimed at, for ``n`` new students."""
    discipline = weighted(rng, [d.weight for d in DISCIPLINES], n)
    u = rng.random(n)
    track = np.select([u < 0.72, u < 0.78, u < 0.96], [0, 0, 3], 4)
    entry = np.select([u < 0.72, u < 0.78, u < 0.96], [0, rng.integers(1, 3, n), 3], 5)
    iut = IUT[discipline]
    lp = iut & (rng.random(n) < 0.15)
    track = np.where(iut, np.where(lp, 2, 1), track)
    entry = np.where(iut, np.where(lp, 2, 0), entry)
    no_master = ~HAS_MASTER[discipline] & ~iut
    track[no_master & (track > 2)] = 0
    entry[no_master & (entry > 2)] = 0
    goal = np.where(track == 4, 7, np.where(track == 3, np.where(rng.random(n) < 0.08, 7, 4), 2))
    v = rng.random(n)
    goal = np.where(track == 0, np.select([v < 0.55, v < 0.96], [2, 4], 7), goal)
    goal = np.where(no_master | iut, 2, goal)
    return discipline, track, entry, goal


def _paths(rng: np.random.Generator, entry: np.ndarray, goal: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Level (or -1 once gone) and pass flag for each student and each year since entry."""
    n = len(entry)
    level = np.full((n, MAX_YEARS), -1, dtype=np.int64)
    passed = np.zeros((n, MAX_YEARS), dtype=bool)
    current = entry.copy()
    active = np.ones(n, dtype=bool)
    for k in range(MAX_YEARS):
        level[active, k] = current[active]
        ok = rng.random(n) < PASS_RATE[np.clip(current, 0, 7)]
        passed[:, k] = ok & active
        graduate = ok & (current >= goal)
        reorient = ok & (rng.random(n) < 0.05)
        drop = ~ok & (rng.random(n) > REPEAT_RATE)
        current = np.where(ok, np.minimum(current + 1, 7), current)
        active &= ~(graduate | reorient | drop)
    return level, passed


def mean_years_enrolled(rng: np.random.Generator) -> float:
    """Average number of years a new student stays enrolled (calibrates cohort sizes)."""
    _, _, entry, goal = _draw_students(rng, 20_000)
    level, _ = _paths(rng, entry, goal)
    return float((level >= 0).sum(axis=1).mean())


def cohorts(ctx: Context) -> Cohorts:
    """Cohorts from a few years before the first year covered, kept where they fall in the window."""
    rng = ctx.rng("students", "cohorts")
    years = ctx.academic_years
    first, last = years[0], years[-1]
    # Cohorts from before the window are partly outside it: 4 % more keeps the yearly count near target.
    size = 1.04 * ctx.scale.students_per_year / mean_years_enrolled(rng)
    parts = []
    for entry_year in range(first - MAX_YEARS + 1, last + 1):
        # Intakes grow slowly (about 0.4 % a year), with some noise.
        n = int(rng.poisson(size * (1 + 0.004 * (entry_year - last))))
        discipline, track, entry, goal = _draw_students(rng, n)
        level, passed = _paths(rng, entry, goal)
        student, step = np.nonzero(level >= 0)
        year = entry_year + step
        keep = (year >= first) & (year <= last)
        parts.append((entry_year, discipline, track, student[keep], year[keep], level[student[keep], step[keep]],
                      passed[student[keep], step[keep]], step[keep]))
    return _assemble(parts)


def _assemble(parts: list) -> Cohorts:
    """Keep students with at least one enrolment in the window and number them per cohort."""
    entry_years, disciplines, tracks, numeros = [], [], [], []
    rows = {name: [] for name in ("student", "year", "level", "passed", "step")}
    offset = 0
    for entry_year, discipline, track, student, year, level, passed, step in parts:
        kept, new_index = np.unique(student, return_inverse=True)
        entry_years.append(np.full(len(kept), entry_year))
        disciplines.append(discipline[kept])
        tracks.append(track[kept])
        # Student numbers: two digits of the entry year, then a sequence (Apogée numbers look like this).
        numeros.append((entry_year % 100) * 1_000_000 + 10_000 + np.arange(len(kept)))
        for name, values in zip(rows, (new_index + offset, year, level, passed, step), strict=True):
            rows[name].append(values)
        offset += len(kept)
    cat = np.concatenate
    return Cohorts(cat(entry_years), cat(disciplines), cat(tracks), cat(numeros),
                   *(cat(rows[name]) for name in ("student", "year", "level", "passed", "step")))
