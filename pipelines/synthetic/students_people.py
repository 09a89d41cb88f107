"""Who the students are: sex, age, nationality, birthplace, baccalauréat, scholarship, contacts.

Attributes depend on the discipline (share of women, baccalauréat series),
on the level at entry (age) and on nationality (foreign secondary diploma,
birthplace abroad). Identity columns are built chunk by chunk from
per-chunk random streams, so a chunk can be rebuilt alone.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from pipelines.synthetic.context import Context, defect_rows, iso_dates, year_start
from pipelines.synthetic.draws import weighted
from pipelines.synthetic.identifiers import ines, mobiles
from pipelines.synthetic.people import People, draw_addresses, draw_people, personal_emails
from pipelines.synthetic.ref_academic import (
    BAC_BEFORE_2021,
    BAC_DAEU,
    BAC_FOREIGN,
    BAC_FROM_2021,
    DISCIPLINES,
    SCHOLARSHIP_LEVELS,
)
from pipelines.synthetic.ref_geo import COMMUNES, FOREIGN_COUNTRIES
from pipelines.synthetic.students_flow import Cohorts

DAY = np.timedelta64(1, "D")
# Typical age (years, on 1 September) at each level: L1 .. D3.
AGE_AT_LEVEL = np.array([18.2, 19.2, 20.3, 21.8, 22.8, 24.0, 25.0, 26.0])
EU = {"IT", "ES", "PT", "DE", "BE", "RO"}


@dataclass
class Students:
    """Per-student attributes (aligned arrays), and their names drawn once for all."""

    female: np.ndarray
    birth: np.ndarray
    nationality: np.ndarray
    birth_country: np.ndarray
    birth_commune: np.ndarray
    bac_series: np.ndarray
    bac_year: np.ndarray
    bac_mention: np.ndarray
    scholarship: np.ndarray
    disability: np.ndarray
    ine: np.ndarray
    people: People


def student_attributes(ctx: Context, coh: Cohorts) -> Students:
    rng = ctx.rng("students", "attributes")
    n = len(coh.numero)
    first_row = np.unique(coh.row_student, return_index=True)[1]
    first_year, first_level = coh.row_year[first_row], coh.row_level[first_row]
    women = np.array([d.women for d in DISCIPLINES])[coh.discipline]
    female = rng.random(n) < women
    adult = rng.random(n) < 0.05
    age = AGE_AT_LEVEL[first_level] + rng.exponential(0.7, n) - 0.3
    age = np.where(adult, rng.uniform(25, 52, n), age)
    birth = year_start(first_year, 9, 1) - (age * 365.25).astype(np.int64) * DAY
    # Foreign students: about 13 %, twice as many in master and doctorate.
    foreign = rng.random(n) < np.where(coh.track >= 3, 0.26, 0.10)
    countries = np.array([c.iso2 for c in FOREIGN_COUNTRIES], dtype=object)
    nationality = np.full(n, "FR", dtype=object)
    nationality[foreign] = countries[weighted(rng, [c.weight for c in FOREIGN_COUNTRIES], int(foreign.sum()))]
    abroad = np.where(foreign, rng.random(n) < 0.92, rng.random(n) < 0.04)
    birth_country = np.where(abroad & foreign, nationality, "FR").astype(object)
    french_abroad = abroad & ~foreign
    birth_country[french_abroad] = countries[rng.integers(0, len(countries), int(french_abroad.sum()))]
    communes = np.array([c.code for c in COMMUNES], dtype=object)
    birth_commune = communes[weighted(rng, [c.weight ** 0.4 for c in COMMUNES], n)]
    birth_commune[abroad] = None
    # Baccalauréat the summer before L1 for most, a year or two earlier for some (gap year, repeats).
    delay = np.minimum(rng.geometric(0.75, n) - 1, 4)
    bac_year = np.where(adult, first_year - rng.integers(3, 20, n), first_year - first_level - delay)
    series = _bac_series(rng, coh.discipline, bac_year)
    series[foreign & abroad] = BAC_FOREIGN
    series[adult & (rng.random(n) < 0.3)] = BAC_DAEU
    mention = np.array([None, "AB", "B", "TB"], dtype=object)[weighted(rng, [35, 30, 22, 13], n)]
    mention[np.isin(series, [BAC_FOREIGN, BAC_DAEU])] = None
    eu = np.array([x == "FR" or x in EU for x in nationality])
    holder = rng.random(n) < np.where(eu, 0.36, 0.03)
    levels = np.array([s for s, _ in SCHOLARSHIP_LEVELS], dtype=object)
    scholarship = np.full(n, None, dtype=object)
    scholarship[holder] = levels[weighted(rng, [w for _, w in SCHOLARSHIP_LEVELS], int(holder.sum()))]
    ine = ines(rng, n)
    # Defects: one student registered twice with the same INE (a duplicate record),
    # INE typed in lower case, INE missing.
    doubles = defect_rows(rng, n - 1, 0.001)
    ine[doubles + 1] = ine[doubles]
    lower = defect_rows(rng, n, 0.001)
    ine[lower] = [x.lower() for x in ine[lower]]
    ine[defect_rows(rng, n, 0.001)] = None
    people = draw_people(ctx.rng("students", "names"), ctx.pools, female)
    return Students(female, birth, nationality, birth_country, birth_commune, series, bac_year.astype(np.int64),
                    mention, scholarship, rng.random(n) < 0.03, ine, people)


def _bac_series(rng: np.random.Generator, discipline: np.ndarray, bac_year: np.ndarray) -> np.ndarray:
    """Series drawn from the discipline's profile, before or after the 2021 reform."""
    out = np.empty(len(discipline), dtype=object)
    profiles = np.array([d.bac for d in DISCIPLINES], dtype=object)[discipline]
    for profile in sorted(set(profiles)):  # a set's order changes with the hash seed: the draws would too
        for table, mask_year in ((BAC_BEFORE_2021, bac_year < 2021), (BAC_FROM_2021, bac_year >= 2021)):
            mask = (profiles == profile) & mask_year
            names = np.array(list(table[profile]), dtype=object)
            out[mask] = names[weighted(rng, list(table[profile].values()), int(mask.sum()))]
    return out


def contacts(ctx: Context, st: Students, k: int, rows: slice) -> dict[str, np.ndarray]:
    """Address, e-mail and phone of the students of chunk ``k`` (its own random stream)."""
    rng = ctx.rng("students", "etudiants", str(k))
    people = People(*(getattr(st.people, f)[rows] for f in ("surname", "first", "surname_slug", "first_slug")))
    n = len(people.surname)
    home = draw_addresses(rng, ctx.pools, n)
    birth_year = st.birth[rows].astype("datetime64[Y]").astype(int) + 1970
    phone = mobiles(rng, n)
    phone[rng.random(n) < 0.04] = None
    return {"adresse": home.street, "code_postal": home.postcode, "commune": home.commune,
            "code_commune": home.commune_code, "email_perso": personal_emails(rng, people, birth_year),
            "telephone": phone}


def etudiants_chunk(ctx: Context, coh: Cohorts, st: Students, k: int, rows: slice) -> pd.DataFrame:
    """Rows ``rows`` of the etudiants table."""
    rng = ctx.rng("students", "usual_names", str(k))
    female = st.female[rows]
    usage = np.full(len(female), None, dtype=object)
    has = rng.random(len(female)) < 0.015
    usage[has] = ctx.pools.surnames[rng.integers(0, len(ctx.pools.surnames), int(has.sum()))]
    frame = pd.DataFrame({
        "numero_etudiant": coh.numero[rows].astype(np.int64), "ine": st.ine[rows],
        "nom": st.people.surname[rows], "nom_usage": usage, "prenom": st.people.first[rows],
        "sexe": np.where(female, "F", "M"), "date_naissance": iso_dates(st.birth[rows]),
        "code_commune_naissance": st.birth_commune[rows], "pays_naissance": st.birth_country[rows],
        "nationalite": st.nationality[rows],
    })
    for name, values in contacts(ctx, st, k, rows).items():
        frame[name] = values
    frame["serie_bac"] = st.bac_series[rows]
    frame["annee_bac"] = st.bac_year[rows]
    frame["mention_bac"] = st.bac_mention[rows]
    frame["echelon_bourse"] = st.scholarship[rows]
    frame["situation_handicap"] = st.disability[rows]
    return frame
