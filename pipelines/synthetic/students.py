"""Student records generator: diplomas, students, enrolments, results, staff comments, oppositions."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pandas as pd

from pipelines.synthetic.context import (
    Context,
    TableOutput,
    chunked,
    defect_rows,
    iso_dates,
    iso_datetimes,
    some_rows,
    year_start,
)
from pipelines.synthetic.freetext import COMMENT_TEMPLATES, INSCRIPTION_NOTES, fill, plant
from pipelines.synthetic.hr_population import population
from pipelines.synthetic.identifiers import cat, mobiles, nirs
from pipelines.synthetic.people import nir_places
from pipelines.synthetic.ref_hr import CORPS
from pipelines.synthetic.students_catalogue import build_catalogue
from pipelines.synthetic.students_doctorate import thesis_funding
from pipelines.synthetic.students_enrol import enrolments, results
from pipelines.synthetic.students_flow import Cohorts, cohorts
from pipelines.synthetic.students_people import Students, contacts, etudiants_chunk, student_attributes

DAY = np.timedelta64(1, "D")


def build(ctx: Context) -> Iterator[TableOutput]:
    """The student tables in load order; the large ones come as chunks."""
    catalogue = build_catalogue(ctx)
    coh = cohorts(ctx)
    st = student_attributes(ctx, coh)
    enr = enrolments(ctx, coh, catalogue)
    res = results(ctx, enr)
    size = ctx.scale.chunk_rows
    n = len(coh.numero)
    yield TableOutput("diplomes", len(catalogue.frame), iter([catalogue.frame]))
    people = (etudiants_chunk(ctx, coh, st, k, rows) for k, rows in enumerate(chunked(n, size)))
    yield TableOutput("etudiants", n, people)
    inscriptions = _inscriptions(ctx, st, enr.frame, enr.student)
    yield TableOutput("inscriptions", len(inscriptions), _chunks(inscriptions, "date_inscription", size))
    yield TableOutput("resultats", len(res), _chunks(res, "date_jury", size))
    yield TableOutput("commentaires", None, iter([comments_table(ctx, coh, st, enr.frame, enr.student)]))
    yield TableOutput("oppositions_etudiants", None, iter([oppositions_table(ctx, coh, enr.frame, res)]))


def _chunks(frame: pd.DataFrame, date_column: str, size: int) -> Iterator[pd.DataFrame]:
    """Slices of a large frame, its date column turned into ISO text slice by slice (bounded memory)."""
    for rows in chunked(len(frame), size):
        chunk = frame.iloc[rows].copy()
        chunk[date_column] = iso_dates(chunk[date_column].to_numpy())
        yield chunk


def _inscriptions(ctx: Context, st: Students, frame: pd.DataFrame, student: np.ndarray) -> pd.DataFrame:
    """The enrolment table: internal notes on a few rows, and some enrolments entered twice (a defect)."""
    rng = ctx.rng("students", "inscriptions", "notes")
    out = frame.drop(columns=["_terminal"])
    noted = np.flatnonzero(rng.random(len(out)) < 0.015)
    who = student[noted]
    persons = {"first": st.people.first[who], "last": st.people.surname[who], "phone": mobiles(rng, len(who)),
               "email": cat(st.people.first_slug[who], ".", st.people.surname_slug[who], "@gmail.com")}
    notes = np.full(len(out), None, dtype=object)
    notes[noted] = fill(rng, INSCRIPTION_NOTES, None, persons)
    out["commentaire_interne"] = plant(ctx, "students.inscriptions.commentaire_interne", notes)
    out["financement_these"] = thesis_funding(ctx, out)
    # The same enrolment entered twice under two identifiers (a duplicate business key).
    dup = out.iloc[defect_rows(rng, len(out), 0.002)].copy()
    dup["id_inscription"] = np.arange(len(out) + 1, len(out) + 1 + len(dup), dtype=np.int64)
    return pd.concat([out, dup], ignore_index=True)


def comments_table(ctx: Context, coh: Cohorts, st: Students, frame: pd.DataFrame, student: np.ndarray) -> pd.DataFrame:
    """Staff notes on about 4 % of students each year, some with their contacts or NIR in the text."""
    rng = ctx.rng("students", "commentaires")
    main = np.flatnonzero(frame["inscription_principale"].to_numpy())
    picked = main[rng.random(len(main)) < 0.04]
    picked = np.repeat(picked, np.where(rng.random(len(picked)) < 0.25, 2, 1))
    who = student[picked]
    year = frame["annee_universitaire"].to_numpy()[picked]
    start = year_start(year, 9, 1).astype("datetime64[s]")
    stop = np.minimum(year_start(year + 1, 7, 31), ctx.today).astype("datetime64[s]")
    span = np.maximum((stop - start).astype(np.int64), 3600)
    moment = start + (rng.random(len(picked)) * span).astype(np.int64) * np.timedelta64(1, "s")
    moment = moment.astype("datetime64[D]").astype("datetime64[s]") + rng.integers(8 * 3600, 18 * 3600,
                                                                                   len(picked)) * np.timedelta64(1, "s")
    keep = moment <= np.datetime64(ctx.as_of, "s") + np.timedelta64(86399, "s")
    picked, who, moment = picked[keep], who[keep], moment[keep]
    pop = population(ctx)
    staff = pop.matricule[np.array([CORPS[c].staff == "BIATSS" for c in pop.corps])]
    author = staff[rng.integers(0, len(staff), len(who))]
    author[defect_rows(rng, len(author), 0.002)] = "09999999"
    persons = _persons_of(ctx, st, who, rng)
    persons["date"] = iso_dates(moment.astype("datetime64[D]"))
    weights = np.ones(len(COMMENT_TEMPLATES))
    text = plant(ctx, "students.commentaires.texte", fill(rng, COMMENT_TEMPLATES, weights, persons))
    order = np.argsort(moment, kind="stable")
    return pd.DataFrame({
        "id_commentaire": np.arange(1, len(who) + 1, dtype=np.int64),
        "numero_etudiant": coh.numero[who][order].astype(np.int64), "date_saisie": iso_datetimes(moment[order]),
        "matricule_auteur": author[order], "texte": text[order],
    })


def _persons_of(ctx: Context, st: Students, who: np.ndarray, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Names, registered e-mail, phone and street of the given students, plus a NIR built from their birth."""
    size = ctx.scale.chunk_rows
    email = np.empty(len(who), dtype=object)
    phone = np.empty(len(who), dtype=object)
    street = np.empty(len(who), dtype=object)
    for k in np.unique(who // size):
        rows = slice(int(k) * size, min((int(k) + 1) * size, len(st.female)))
        mine = np.flatnonzero(who // size == k)
        found = contacts(ctx, st, int(k), rows)
        local = who[mine] - int(k) * size
        email[mine], phone[mine], street[mine] = found["email_perso"][local], found["telephone"][local], \
            found["adresse"][local]
    phone[np.equal(phone, None)] = mobiles(rng, int(np.equal(phone, None).sum()))
    place = nir_places(st.birth_commune[who], st.birth_country[who])
    nir = nirs(st.female[who], st.birth[who], place, rng.integers(1, 1000, len(who)))
    return {"first": st.people.first[who], "last": st.people.surname[who], "email": email, "phone": phone,
            "street": street, "nir": nir}


def oppositions_table(ctx: Context, coh: Cohorts, frame: pd.DataFrame, res: pd.DataFrame) -> pd.DataFrame:
    """About 1 % of students, half of them graduates (whose names the graduate lists would show)."""
    rng = ctx.rng("students", "oppositions")
    n = len(coh.numero)
    graduates = np.unique(res.loc[res["diplome_delivre"], "numero_etudiant"].to_numpy())
    chosen = set(coh.numero[some_rows(rng, n, 0.005)].tolist())
    chosen |= set(rng.choice(graduates, size=min(len(graduates), max(1, n // 200)), replace=False).tolist())
    numero = np.array(sorted(chosen), dtype=np.int64)
    first_year = frame.groupby("numero_etudiant")["annee_universitaire"].min()
    since = year_start(first_year.reindex(numero).fillna(ctx.academic_years[0]).to_numpy().astype(int), 9, 1)
    span = np.maximum((ctx.today - since).astype(np.int64), 1)
    day = since + (rng.random(len(numero)) * span).astype(np.int64) * DAY
    return pd.DataFrame({"numero_etudiant": numero, "date_opposition": iso_dates(day)})

