"""The HR structure referential: its structures, UAI codes, sites and addresses.

Apart from ``hr`` because the free-text planting (``freetext``) copies the
institution's own addresses from it, and ``hr`` plants free text in it: both
import this module, which imports neither.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from pipelines.synthetic.context import Context, iso_dates, year_start
from pipelines.synthetic.identifiers import uais
from pipelines.synthetic.ref_geo import SITES, UNIVERSITY_UAI
from pipelines.synthetic.ref_structures import STRUCTURES


def structures_frame(ctx: Context) -> pd.DataFrame:
    """The structure referential with UAI codes and site coordinates, before any free text is planted."""
    rng = ctx.rng("hr", "structures")
    n = len(STRUCTURES)
    # Paris establishments' UAI numbers start with the département, 075.
    numbers = 750_000 + 1_000 + np.arange(n) * 137
    uai = uais(numbers)
    uai[0] = UNIVERSITY_UAI
    sites = [SITES[s.site] for s in STRUCTURES]
    return pd.DataFrame({
        "code_structure": [s.code for s in STRUCTURES],
        "libelle": [s.label for s in STRUCTURES],
        "type_structure": [s.kind for s in STRUCTURES],
        "code_parent": [s.parent for s in STRUCTURES],
        "uai": [u if s.has_uai else None for u, s in zip(uai, STRUCTURES, strict=True)],
        "adresse": [f"{int(k)} {site.street}" for k, site in zip(rng.integers(1, 60, n), sites, strict=True)],
        "code_postal": [site.postcode for site in sites],
        "commune": [site.commune for site in sites],
        "code_commune": [site.commune_code for site in sites],
        "latitude": np.round([site.latitude for site in sites] + rng.normal(0, 0.0015, n), 6),
        "longitude": np.round([site.longitude for site in sites] + rng.normal(0, 0.0015, n), 6),
        "date_ouverture": iso_dates(year_start(np.array([s.opened for s in STRUCTURES]))),
        "date_fermeture": iso_dates(np.array([f"{s.closed}-12-31" if s.closed else "NaT" for s in STRUCTURES],
                                             dtype="datetime64[D]")),
    })


def institution_addresses(ctx: Context) -> list[str]:
    """The addresses of the institution's sites as its structures referential writes them."""
    frame = structures_frame(ctx)
    return sorted(set(frame["adresse"] + ", " + frame["code_postal"] + " " + frame["commune"]))
