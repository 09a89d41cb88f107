"""Generalisation treatments: coarser values that no longer single a person out.

WP29 opinion 05/2014: generalise (year instead of date, age band instead of
birth date, département instead of commune) so that the singling-out and
linkability tests fail. Every function maps a Series to a Series of the same
length, leaving missing values missing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pandas as pd

from resources.common.nomenclatures import table

# Age bands of the ministry's staff statistics (bilan social), closed on the right.
AGE_BANDS: tuple[tuple[int, int | None, str], ...] = (
    (0, 25, "moins de 25 ans"),
    (25, 35, "25 à 34 ans"),
    (35, 45, "35 à 44 ans"),
    (45, 55, "45 à 54 ans"),
    (55, 65, "55 à 64 ans"),
    (65, None, "65 ans et plus"),
)
AMOUNT_EDGES: tuple[float, ...] = (0, 1_000, 10_000, 40_000, 90_000, 215_000, 1_000_000)
EU = frozenset(
    "AT BE BG CY CZ DE DK EE ES FI GR HR HU IE IT LT LU LV MT NL PL PT RO SE SI SK".split()
)


def year(values: pd.Series) -> pd.Series:
    """A date becomes its calendar year."""
    return pd.to_datetime(values).dt.year.astype("Int64")


def age_band(birth_dates: pd.Series, on: dt.date | pd.Series) -> pd.Series:
    """A birth date becomes the age band reached on the reference date ``on``."""
    age = _age(birth_dates, on)
    labels = pd.Series(pd.NA, index=birth_dates.index, dtype="str")
    for low, high, label in AGE_BANDS:
        mask = (age >= low) & ((age < high) if high is not None else True) & age.notna()
        labels = labels.mask(mask, label)
    return labels


def age_class(birth_dates: pd.Series, on: dt.date | pd.Series) -> pd.Series:
    """A birth date becomes the national staff files' age class reached on ``on`` (``config/nomenclatures/classe_age.csv``)."""
    age = _age(birth_dates, on)
    labels = pd.Series(pd.NA, index=birth_dates.index, dtype="str")
    for _, row in table("classe_age").iterrows():
        high = int(row["max_age"]) if row["max_age"] else None
        mask = (age >= int(row["min_age"] or 0)) & ((age <= high) if high is not None else True) & age.notna()
        labels = labels.mask(mask, row["libelle"])
    return labels


def _age(birth_dates: pd.Series, on: dt.date | pd.Series) -> pd.Series:
    """Whole years reached on ``on`` (missing where the birth date is)."""
    born = pd.to_datetime(birth_dates)
    ref = pd.to_datetime(on) if isinstance(on, pd.Series) else pd.Timestamp(on)
    ref_year = ref.dt.year if isinstance(ref, pd.Series) else ref.year
    ref_md = (ref.dt.month * 100 + ref.dt.day) if isinstance(ref, pd.Series) else ref.month * 100 + ref.day
    return (ref_year - born.dt.year - ((born.dt.month * 100 + born.dt.day) > ref_md).astype("Int64")).astype("Int64")


def departement(commune_codes: pd.Series) -> pd.Series:
    """A COG commune code becomes its département code (2 characters; 3 overseas, 97x)."""
    codes = commune_codes.astype("str")
    overseas = codes.str.startswith("97")
    return codes.str[:2].mask(overseas, codes.str[:3]).where(commune_codes.notna())


def amount_band(amounts: pd.Series, edges: tuple[float, ...] = AMOUNT_EDGES) -> pd.Series:
    """An amount becomes a band label such as '10000-40000' (the last band is open)."""
    values = pd.to_numeric(amounts, errors="coerce").astype("float64")
    bounds = list(edges) + [float("inf")]
    labels = [f"{int(lo)}-{int(hi)}" if hi != float("inf") else f"{int(lo)} et plus" for lo, hi in zip(bounds, bounds[1:])]
    return pd.cut(values, bins=bounds, labels=labels, right=False).astype("str").where(values.notna())


def flag(values: pd.Series) -> pd.Series:
    """Presence of a value (e.g. a scholarship level) becomes 'oui' / 'non'."""
    present = values.notna() & ~values.astype("str").isin(["", "0", "False", "false"])
    return present.map({True: "oui", False: "non"}).astype("str")


def nationality_group(iso_codes: pd.Series) -> pd.Series:
    """An ISO country code becomes France / Union européenne / Hors Union européenne."""
    codes = iso_codes.astype("str").str.upper()
    group = pd.Series("Hors Union européenne", index=iso_codes.index, dtype="str")
    group = group.mask(codes.isin(EU), "Union européenne").mask(codes == "FR", "France")
    return group.mask(iso_codes.isna(), "Non renseignée")


# Baccalauréat series grouped as the ministry's files group them (bac_lib); anything else is a foreign
# title, an equivalence (DAEU) or unknown.
BAC_TYPES: dict[str, tuple[str, ...]] = {
    "Baccalauréat général": ("GENERAL", "S", "ES", "L"),
    "Baccalauréat technologique": ("STMG", "STI2D", "STL", "ST2S", "STAV", "STD2A", "STHR", "S2TMD", "STI", "STG", "SMS"),
    "Baccalauréat professionnel": ("PRO",),
}
OTHER_TITLE = "Titre étranger, équivalence ou non renseigné"


def bac_type(series: pd.Series) -> pd.Series:
    """A baccalauréat series becomes its type: general, technological, professional, or another title."""
    codes = series.astype("str").str.upper().str.strip()
    out = pd.Series(OTHER_TITLE, index=series.index, dtype="str")
    for label, members in BAC_TYPES.items():
        out = out.mask(codes.isin(members), label)
    return out


SIMPLE: dict[str, Callable[[pd.Series], pd.Series]] = {
    "year": year,
    "departement": departement,
    "amount_band": amount_band,
    "flag": flag,
    "nationality_group": nationality_group,
    "bac_type": bac_type,
}

# Generalisations of a birth date, read against each row's reference date (or the day of the run).
BIRTH_DATE_RULES: dict[str, Callable[[pd.Series, dt.date | pd.Series], pd.Series]] = {
    "age_band": age_band, "classe_age": age_class,
}
# Every rule a policy may name for ``treatment: generalise``.
GENERALISATIONS = frozenset(SIMPLE) | frozenset(BIRTH_DATE_RULES)
