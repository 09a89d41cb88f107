"""The diploma catalogue: each diploma slot of each discipline and the codes it had over the years.

Universities renew their accreditation every five years; at a renewal some
diplomas get a new code (a renamed or restructured mention), so enrolments
of the same course can carry two codes across the years covered.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from pipelines.synthetic.context import Context
from pipelines.synthetic.ref_academic import DIPLOMA_TYPES, DISCIPLINES, Discipline

ACCREDITATION_BASE = 2016


@dataclass
class Catalogue:
    """Diploma rows and, for each slot (discipline x type x title), its code row for every year."""

    frame: pd.DataFrame
    slot_discipline: np.ndarray
    slot_type: np.ndarray
    lookup: np.ndarray
    first_year: int

    def rows_for(self, slot: np.ndarray, year: np.ndarray) -> np.ndarray:
        """Catalogue row of the diploma a slot had in each academic year."""
        return self.lookup[slot, year - self.first_year]

    def slots(self, discipline: int, kind: str) -> np.ndarray:
        return np.flatnonzero((self.slot_discipline == discipline) & (self.slot_type == kind))


def build_catalogue(ctx: Context) -> Catalogue:
    rng = ctx.rng("students", "diplomes")
    years = ctx.academic_years
    first, last = years[0], years[-1]
    renewals = [y for y in range(first + 1, last + 1) if (y - ACCREDITATION_BASE) % 5 == 0]
    rows: list[dict] = []
    slot_discipline, slot_type, lookup = [], [], []
    for d_index, d in enumerate(DISCIPLINES):
        offers = [("licence", t) for t in d.licences] + [("BUT", t) for t in d.but] + \
                 [("licence professionnelle", t) for t in d.lp] + [("master", t) for t in d.masters] + \
                 ([("doctorat", d.doctorate)] if d.doctorate else [])
        for number, (kind, title) in enumerate(offers, start=1):
            kind_spec = DIPLOMA_TYPES[kind]
            changes = [r for r in renewals if rng.random() < 0.3]
            opened = int(min(first, 1990 + rng.integers(0, 20)))
            starts = [opened] + changes
            codes_by_year = np.empty(len(years), dtype=np.int64)
            for generation, start in enumerate(starts):
                end = starts[generation + 1] - 1 if generation + 1 < len(starts) else None
                # N_DIPLOME_SISE shape: the type's prefix, then the discipline slot, generation and number.
                code = f"{kind_spec.prefix}{d_index:02d}{generation}{number:02d}"
                codes_by_year[[i for i, y in enumerate(years) if y >= start and (end is None or y <= end)]] = \
                    len(rows)
                rows.append(_row(code, f"{kind_spec.label} {title}", kind, d, start, end))
            slot_discipline.append(d_index)
            slot_type.append(kind)
            lookup.append(codes_by_year)
    # A professional degree closed before the years covered, and a master opening next year:
    # the catalogue knows diplomas that have no enrolment in the window.
    old, new = 3, 9
    rows.append(_row(f"{DIPLOMA_TYPES['licence professionnelle'].prefix}{old:02d}099",
                     "Licence professionnelle Métiers du livre : édition", "licence professionnelle",
                     DISCIPLINES[old], first - 8, first - 2))
    rows.append(_row(f"{DIPLOMA_TYPES['master'].prefix}{new:02d}099", "Master Intelligence artificielle", "master",
                     DISCIPLINES[new], last + 1, None))
    frame = pd.DataFrame(rows)
    frame["annee_fermeture"] = frame["annee_fermeture"].astype("Int64")
    return Catalogue(frame, np.array(slot_discipline), np.array(slot_type, dtype=object), np.array(lookup), first)


def _row(code: str, label: str, kind: str, d: Discipline, opened: int, closed: int | None) -> dict:
    return {"code_diplome": code, "libelle": label, "type_diplome": kind,
            "type_diplome_sise": DIPLOMA_TYPES[kind].sise, "niveau_sortie": DIPLOMA_TYPES[kind].level,
            "code_discipline": d.code, "secteur_disciplinaire": d.sectors[0], "code_composante": d.component,
            "annee_ouverture": opened, "annee_fermeture": closed}
