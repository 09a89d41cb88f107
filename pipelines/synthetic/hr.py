"""HR system generator: structures, agents, career situations, functions, promotions, pay (monthly and yearly),
sensitive records."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pandas as pd

from pipelines.synthetic.context import Context, TableOutput, defect_rows, iso_dates, some_rows, year_start
from pipelines.synthetic.draws import weighted
from pipelines.synthetic.freetext import plant
from pipelines.synthetic.hr_functions import functions_table, promotion_table
from pipelines.synthetic.hr_population import Careers, Population, careers, population
from pipelines.synthetic.hr_pay import pay_chunks, pay_rows_estimate, yearly_table
from pipelines.synthetic.hr_private import disability_table, sick_leave_table
from pipelines.synthetic.hr_structures import structures_frame
from pipelines.synthetic.identifiers import landlines, nirs
from pipelines.synthetic.people import (
    People,
    draw_addresses,
    draw_people,
    personal_emails,
    phones,
    slug,
    unique_work_emails,
    usual_names,
)
from pipelines.synthetic.ref_geo import COMMUNES, FOREIGN_COUNTRIES, MAIL_DOMAIN
from pipelines.synthetic.ref_structures import STRUCTURES


def build(ctx: Context) -> Iterator[TableOutput]:
    """The HR tables in load order; large ones come as chunks."""
    pop = population(ctx)
    car = careers(ctx, pop)
    agents = agents_table(ctx, pop)
    functions = functions_table(ctx, pop, agents)
    promotions = promotion_table(ctx, car.promotions)
    yield _one("structures", structures_table(ctx))
    yield _one("agents", agents)
    yield _one("situations", _situations(car))
    yield _one("fonctions", functions)
    yield _one("tableaux_avancement", promotions)
    yield TableOutput("paie", pay_rows_estimate(ctx), pay_chunks(ctx, pop, car, functions))
    yield _one("remunerations", yearly_table(ctx, pop, car, functions))
    yield _one("conges_maladie", sick_leave_table(ctx, car))
    yield _one("handicap", disability_table(ctx, pop))
    yield _one("oppositions_agents", oppositions_table(ctx, pop, functions, promotions))


def _one(name: str, frame: pd.DataFrame) -> TableOutput:
    return TableOutput(name, len(frame), iter([frame]))


def structures_table(ctx: Context) -> pd.DataFrame:
    """The structure referential with UAI codes and site coordinates."""
    frame = structures_frame(ctx)
    # Very rarely a service or department label names its secretary, as real referentials do.
    offices = np.flatnonzero([s.kind in ("service", "departement") for s in STRUCTURES])
    frame["libelle"] = plant(ctx, "hr.structures.libelle", frame["libelle"].to_numpy(), offices)
    return frame


def birth_places(rng: np.random.Generator, n: int, abroad: float) -> np.ndarray:
    """Places of birth as the NIR writes them: a commune code, or 99 + the INSEE country code."""
    communes = np.array([c.code for c in COMMUNES], dtype=object)
    # Birthplaces spread over France more evenly than homes do.
    place = communes[weighted(rng, [c.weight ** 0.4 for c in COMMUNES], n)]
    foreign = rng.random(n) < abroad
    countries = np.array([c.insee for c in FOREIGN_COUNTRIES], dtype=object)
    place[foreign] = countries[weighted(rng, [c.weight for c in FOREIGN_COUNTRIES], int(foreign.sum()))]
    return place


def agents_table(ctx: Context, pop: Population) -> pd.DataFrame:
    """One row per agent: identity, NIR, home address and contacts."""
    rng = ctx.rng("hr", "agents")
    n = len(pop.matricule)
    people = draw_people(rng, ctx.pools, pop.female)
    usage = usual_names(rng, ctx.pools, pop.female, 0.35, 0.01)
    place = birth_places(rng, n, 0.07)
    nir = nirs(pop.female, pop.birth, place, rng.integers(1, 1000, n))
    # Defects: a NIR whose key was mistyped; a NIR still missing for a few newcomers born abroad.
    bad = defect_rows(rng, n, 0.003)
    nir[bad] = [x[:13] + f"{(int(x[13:]) + 1) % 97:02d}" for x in nir[bad]]
    foreign = np.flatnonzero(np.char.startswith(place.astype(str), "99"))
    nir[defect_rows(rng, foreign, 0.05)] = None
    home = draw_addresses(rng, ctx.pools, n)
    birth_year = pop.birth.astype("datetime64[Y]").astype(int) + 1970
    # Professional addresses use the usual name when there is one.
    married = np.array([u is not None for u in usage])
    work_names = People(np.where(married, usage, people.surname), people.first,
                        np.where(married, [slug(u) if u else "" for u in usage], people.surname_slug),
                        people.first_slug)
    office = landlines(rng, n)
    office[rng.random(n) < 0.15] = None
    return pd.DataFrame({
        "matricule": pop.matricule, "nom": people.surname, "nom_usage": usage, "prenom": people.first,
        "sexe": np.where(pop.female, "F", "M"), "date_naissance": iso_dates(pop.birth), "nir": nir,
        "adresse_perso": home.street, "code_postal_perso": home.postcode, "commune_perso": home.commune,
        "code_commune_perso": home.commune_code, "email_perso": personal_emails(rng, people, birth_year),
        "telephone_perso": phones(rng, n), "email_pro": unique_work_emails(work_names, MAIL_DOMAIN),
        "telephone_pro": office,
    })


def _situations(car: Careers) -> pd.DataFrame:
    frame = car.situations.drop(columns=["_agent", "_grade_index"])
    frame["date_debut"] = iso_dates(frame["date_debut"].to_numpy())
    frame["date_fin"] = iso_dates(frame["date_fin"].to_numpy())
    frame["echelon"] = frame["echelon"].astype("Int64")
    return frame


def oppositions_table(ctx: Context, pop: Population, functions: pd.DataFrame,
                      promotions: pd.DataFrame) -> pd.DataFrame:
    """About 1 % of agents, including some who hold a public function or appear on a promotion table."""
    rng = ctx.rng("hr", "oppositions")
    n = len(pop.matricule)
    chosen = set(pop.matricule[some_rows(rng, n, 0.012)])
    for frame in (functions[functions["visible_annuaire"]], promotions):
        names = frame["matricule"].unique()
        chosen |= set(rng.choice(names, size=min(2, len(names)), replace=False))
    matricule = np.array(sorted(chosen), dtype=object)
    index = {m: i for i, m in enumerate(pop.matricule)}
    entry = pop.entry[[index[m] for m in matricule]]
    since = np.maximum(entry, year_start(ctx.hr_years[0]))
    span = np.maximum((ctx.today - since).astype(np.int64), 1)
    day = since + (rng.random(len(matricule)) * span).astype(np.int64) * np.timedelta64(1, "D")
    return pd.DataFrame({"matricule": matricule, "date_opposition": iso_dates(day)})

