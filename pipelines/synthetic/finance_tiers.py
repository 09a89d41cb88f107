"""Third parties of the finance system: companies, associations, public bodies, natural persons, foreign firms.

Companies and associations carry valid SIRET numbers (Luhn key),
associations an RNA number, natural persons a French IBAN with valid keys.
A few duplicates and broken SIRET keys are planted, as in any real supplier
file.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from pipelines.synthetic.context import Context, defect_rows, iso_dates, year_start
from pipelines.synthetic.draws import weighted
from pipelines.synthetic.identifiers import (
    cat,
    digits,
    ibans_fr,
    landlines,
    luhn_digit,
    mobiles,
    permuted_ids,
    rnas,
    sirens,
    sirets,
    vat_fr,
)
from pipelines.synthetic.people import draw_addresses, draw_people, personal_emails, slug
from pipelines.synthetic.ref_academic import DISCIPLINES
from pipelines.synthetic.ref_finance import ASSOCIATION_NAMES, FOREIGN_VAT_FORMATS, PUBLIC_BODIES
from pipelines.synthetic.ref_geo import BANK_CODES
from pipelines.synthetic.ref_structures import COMPONENTS

KINDS = ("entreprise", "association", "personne_physique", "etablissement_public", "etranger")
SHARES = (0.60, 0.15, 0.15, 0.04, 0.06)
FOREIGN_CITIES = {"DE": "Berlin", "BE": "Bruxelles", "IT": "Milan", "ES": "Madrid", "NL": "Amsterdam",
                  "GB": "Londres", "US": "Boston", "CH": "Genève"}
FOREIGN_SUFFIX = {"DE": "GmbH", "BE": "SRL", "IT": "S.p.A.", "ES": "S.L.", "NL": "B.V.", "GB": "Ltd",
                  "US": "Inc.", "CH": "SA"}


@dataclass
class Tiers:
    """The tiers table and, per kind of third party, the identifiers to draw from."""

    frame: pd.DataFrame
    ids_by_kind: dict[str, np.ndarray]

    def draw(self, rng: np.random.Generator, kinds: np.ndarray) -> pd.arrays.IntegerArray:
        """A third party of the requested kind for each row (missing where the kind is None)."""
        out = np.zeros(len(kinds), dtype=np.int64)
        missing = np.ones(len(kinds), dtype=bool)
        for kind, ids in self.ids_by_kind.items():
            mask = kinds == kind
            out[mask] = ids[rng.integers(0, len(ids), int(mask.sum()))]
            missing &= ~mask
        return pd.arrays.IntegerArray(out, missing)


def tiers_table(ctx: Context) -> Tiers:
    rng = ctx.rng("finance", "tiers")
    n = ctx.scale.tiers
    kind = np.sort(weighted(rng, SHARES, n))
    kinds = np.asarray(KINDS, dtype=object)[kind]
    frame = pd.DataFrame({"id_tiers": 100_001 + np.arange(n), "type_tiers": kinds})
    for column in ("raison_sociale", "nom", "prenom", "siret", "rna", "numero_tva", "iban", "adresse",
                   "code_postal", "commune", "code_commune", "email", "telephone"):
        frame[column] = None
    frame["pays"] = "FR"
    home = draw_addresses(rng, ctx.pools, n)
    frame["adresse"], frame["code_postal"], frame["commune"], frame["code_commune"] = (
        home.street, home.postcode, home.commune, home.commune_code)
    siren = sirens(rng, n)
    public = kinds == "etablissement_public"
    # Public bodies have SIRENs starting with 1 (State) like the university's own.
    siren[public] = _luhn_siren(19_000_000 + permuted_ids(rng, int(public.sum()), 1_000_000))
    siret = sirets(siren, rng.integers(1, 60, n))
    frame["iban"] = ibans_fr(rng, n, BANK_CODES)
    _companies(rng, ctx, frame, kinds == "entreprise", siren, siret)
    _associations(rng, frame, kinds == "association", siret)
    _persons(rng, ctx, frame, kinds == "personne_physique")
    frame.loc[public, "raison_sociale"] = [PUBLIC_BODIES[i % len(PUBLIC_BODIES)] for i in range(int(public.sum()))]
    frame.loc[public, "siret"] = siret[public]
    _foreign(rng, ctx, frame, kinds == "etranger")
    created = year_start(2004) + rng.integers(0, (ctx.today - year_start(2004)).astype(np.int64) + 1, n) * \
        np.timedelta64(1, "D")
    frame["date_creation"] = iso_dates(created)
    # Defects: a SIRET whose key was mistyped; a supplier created twice (same SIRET, name in capitals).
    with_siret = np.flatnonzero(frame["siret"].notna().to_numpy() & (kinds == "entreprise"))
    bad = defect_rows(rng, with_siret, 0.005)
    frame.loc[bad, "siret"] = [s[:-1] + str((int(s[-1]) + 1) % 10) for s in frame.loc[bad, "siret"]]
    dup = frame.loc[defect_rows(rng, with_siret, 0.005)].copy()
    dup["raison_sociale"] = dup["raison_sociale"].str.upper()
    dup["id_tiers"] = 100_001 + n + np.arange(len(dup))
    frame = pd.concat([frame, dup], ignore_index=True)
    ids = {k: frame.loc[frame["type_tiers"] == k, "id_tiers"].to_numpy() for k in KINDS}
    return Tiers(frame, ids)


def _vat(rng: np.random.Generator, prefix: str, width: int, suffix: str) -> str:
    return f"{prefix}{int(rng.integers(0, 10**width)):0{width}d}{suffix}"


def _luhn_siren(base: np.ndarray) -> np.ndarray:
    return base * 10 + luhn_digit(base, 8)


def _companies(rng: np.random.Generator, ctx: Context, frame: pd.DataFrame, mask: np.ndarray, siren: np.ndarray,
               siret: np.ndarray) -> None:
    k = int(mask.sum())
    names = ctx.pools.companies[rng.integers(0, len(ctx.pools.companies), k)]
    # Several companies share a Faker name: a département suffix tells them apart, as trade names do.
    frame.loc[mask, "raison_sociale"] = cat(names, np.where(rng.random(k) < 0.5, "", " Île-de-France"))
    frame.loc[mask, "siret"] = siret[mask]
    vat = vat_fr(siren[mask])
    vat[rng.random(k) < 0.4] = None
    frame.loc[mask, "numero_tva"] = vat
    frame.loc[mask, "email"] = [f"contact@{slug(x).replace('.', '')[:20]}.fr" for x in names]
    frame.loc[mask, "telephone"] = landlines(rng, k, "01 4" + str(int(rng.integers(0, 10))))


def _associations(rng: np.random.Generator, frame: pd.DataFrame, mask: np.ndarray, siret: np.ndarray) -> None:
    k = int(mask.sum())
    components = [c.label.replace("UFR de ", "l'UFR de ").replace("UFR des ", "l'UFR des ") for c in COMPONENTS]
    names = []
    for i in range(k):
        template = ASSOCIATION_NAMES[i % len(ASSOCIATION_NAMES)]
        names.append(template.format(component=components[int(rng.integers(0, len(components)))],
                                     discipline=DISCIPLINES[int(rng.integers(0, len(DISCIPLINES)))].label.lower()))
    frame.loc[mask, "raison_sociale"] = names
    frame.loc[mask, "rna"] = rnas(rng, k, ("751", "752", "753", "754", "755", "931", "921", "941"))
    frame.loc[mask, "siret"] = np.where(rng.random(k) < 0.5, siret[mask], None)
    frame.loc[mask, "email"] = [f"{slug(x)[:18]}@{'gmail.com' if i % 3 else 'asso.fr'}" for i, x in
                                enumerate(names)]
    # The association's phone is often its president's mobile.
    frame.loc[mask, "telephone"] = mobiles(rng, k)


def _persons(rng: np.random.Generator, ctx: Context, frame: pd.DataFrame, mask: np.ndarray) -> None:
    k = int(mask.sum())
    people = draw_people(rng, ctx.pools, rng.random(k) < 0.55)
    frame.loc[mask, "nom"], frame.loc[mask, "prenom"] = people.surname, people.first
    frame.loc[mask, "email"] = personal_emails(rng, people, rng.integers(1960, 2004, k))
    frame.loc[mask, "telephone"] = mobiles(rng, k)


def _foreign(rng: np.random.Generator, ctx: Context, frame: pd.DataFrame, mask: np.ndarray) -> None:
    k = int(mask.sum())
    country = np.array(list(FOREIGN_CITIES), dtype=object)[rng.integers(0, len(FOREIGN_CITIES), k)]
    names = ctx.pools.companies[rng.integers(0, len(ctx.pools.companies), k)]
    frame.loc[mask, "raison_sociale"] = [f"{str(n).split(' ')[0]} {FOREIGN_SUFFIX[c]}"
                                         for n, c in zip(names, country, strict=True)]
    frame.loc[mask, "pays"] = country
    formats = {c: (prefix, width, suffix) for c, prefix, width, suffix in FOREIGN_VAT_FORMATS}
    frame.loc[mask, "numero_tva"] = [_vat(rng, *formats[c]) if c in formats else None for c in country]
    frame.loc[mask, "commune"] = [FOREIGN_CITIES[c] for c in country]
    frame.loc[mask, "code_postal"] = digits(rng.integers(1000, 99999, k), 5)
    frame.loc[mask, ["adresse", "code_commune", "iban"]] = None
    frame.loc[mask, "email"] = [f"sales@{slug(str(n).split(' ')[0])}.com" for n in names]
