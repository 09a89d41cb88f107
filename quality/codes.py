"""Validators of the national codes the source suites check, by name.

Each validator answers "is this value a valid code?" for one reference:
check keys from python-stdnum, versioned national lists from frformat (the
validators behind data.gouv.fr's csv-detective and Validata, shipped with
their lists, offline), and the few lists no package ships: the national
nomenclatures (SISE diploma types, disciplines and sectors, levels, corps,
BAP, CNU sections) read from ``config/nomenclatures/`` by
``resources.common.nomenclatures``, the one place their codes are written,
and the CPV divisions under ``quality/reference/``.

Validation runs on the distinct values of a column, so a million rows with a
few hundred codes cost a few hundred calls.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from functools import cache
from pathlib import Path

import pandas as pd
import yaml
from frformat import CodeCommuneInsee, CodeDepartement, CodePostal, CodeRNA, Millesime
from stdnum.fr import nir, siren, siret, tva

from resources.common.nomenclatures import codes
from resources.common.uai import is_valid_uai

REFERENCE_DIR = Path(__file__).resolve().parent / "reference"
# COG vintages frformat 0.5 ships data for (2023, 2024 and the latest). A later
# year is checked against the latest list; an earlier one against 2023, so a
# commune merged away before 2023 shows as a finding (a WARN, to review).
VINTAGES = {2023: Millesime.M2023, 2024: Millesime.M2024}
SISE_DIPLOMA = re.compile(r"^\d{7}$")
CPV = re.compile(r"^(\d{2})\d{6}-\d$")


class UnknownCodeError(ValueError):
    """A suite names a code kind this module does not know."""


@cache
def reference_list(name: str) -> frozenset[str]:
    """The codes of a reviewed reference file (``quality/reference/<name>.yaml``)."""
    raw = yaml.safe_load((REFERENCE_DIR / f"{name}.yaml").read_text(encoding="utf-8"))
    return frozenset(str(code) for code in raw["codes"])


def millesime(vintage: int | str | None) -> Millesime:
    """The COG vintage for a year: that year's list, the nearest one shipped, or the latest."""
    if isinstance(vintage, (dt.date, pd.Timestamp)):  # a date column: the COG of its year
        vintage = vintage.year
    try:
        year = int(vintage)  # type: ignore[arg-type]
    except (TypeError, ValueError):  # None, "latest", a missing year
        return Millesime.LATEST
    if year > max(VINTAGES):
        return Millesime.LATEST
    return VINTAGES[max(year, min(VINTAGES))]


_COMMUNES: dict[str, CodeCommuneInsee] = {}
_DEPARTEMENTS: dict[str, CodeDepartement] = {}


def _commune(vintage: Millesime) -> CodeCommuneInsee:
    if vintage.value not in _COMMUNES:
        _COMMUNES[vintage.value] = CodeCommuneInsee(vintage)
    return _COMMUNES[vintage.value]


def _departement(vintage: Millesime) -> CodeDepartement:
    if vintage.value not in _DEPARTEMENTS:
        _DEPARTEMENTS[vintage.value] = CodeDepartement(vintage)
    return _DEPARTEMENTS[vintage.value]


@cache
def _postal() -> CodePostal:
    return CodePostal()


@cache
def _rna() -> CodeRNA:
    return CodeRNA()


def _cpv(value: str) -> bool:
    match = CPV.match(value)
    return bool(match) and match.group(1) in reference_list("cpv_divisions")


# name -> (what a steward reads in the report, validator of one value given the COG vintage)
CODES: dict[str, tuple[str, Callable[[str, Millesime], bool]]] = {
    "uai": ("UAI (RNE) with its check letter", lambda v, _: is_valid_uai(v)),
    "siret": ("SIRET with its Luhn key (python-stdnum)", lambda v, _: siret.is_valid(v)),
    "siren": ("SIREN with its Luhn key (python-stdnum)", lambda v, _: siren.is_valid(v)),
    "tva_fr": ("French VAT number with its key (python-stdnum)", lambda v, _: not v.startswith("FR") or tva.is_valid(v)),
    "nir": ("NIR with its key (python-stdnum)", lambda v, _: nir.is_valid(v)),
    "rna": ("RNA association number (frformat)", lambda v, _: _rna().is_valid(v)),
    "commune_insee": ("INSEE commune code of the COG vintage (frformat)", lambda v, m: _commune(m).is_valid(v)),
    "departement": ("Département code of the COG vintage (frformat)", lambda v, m: _departement(m).is_valid(v)),
    "code_postal": ("Postal code of the La Poste base (frformat)", lambda v, _: _postal().is_valid(v)),
    "cpv": ("CPV 2008 code: 8 digits, hyphen, check digit, known division", lambda v, _: _cpv(v)),
    "sise_diplome": ("SISE diploma code: 7 digits", lambda v, _: bool(SISE_DIPLOMA.match(v))),
    "cnu_section": ("CNU section (arrêté du 2 mai 1995, config/nomenclatures/sections_cnu.csv)",
                    lambda v, _: v in codes("sections_cnu")),
    "sise_type_diplome": ("SISE type of diploma (BCN N_TYPE_DIPLOME_SISE, config/nomenclatures)",
                          lambda v, _: v in codes("type_diplome_sise")),
    "sise_discipline": ("SISE discipline (BCN N_DISCIPLINE_SISE, config/nomenclatures)",
                        lambda v, _: v in codes("discipline_sise")),
    "sise_secteur": ("SISE disciplinary sector (BCN N_SECTEUR_DISCIPLINAIRE_SISE, config/nomenclatures)",
                     lambda v, _: v in codes("secteur_disciplinaire_sise")),
    "niveau": ("Year of study known to config/nomenclatures/niveau.csv (L1 to D3)", lambda v, _: v in codes("niveau")),
    "corps": ("Corps known to config/nomenclatures/corps.csv", lambda v, _: v in codes("corps")),
    "bap": ("BAP of RéFérens III (config/nomenclatures/bap.csv)", lambda v, _: v in codes("bap")),
}


def describe(kind: str) -> str:
    return _entry(kind)[0]


def _entry(kind: str) -> tuple[str, Callable[[str, Millesime], bool]]:
    if kind not in CODES:
        raise UnknownCodeError(f"unknown code kind '{kind}' (known: {', '.join(sorted(CODES))})")
    return CODES[kind]


def validity(kind: str, values: list[str], vintages: list[int | str | None] | None = None) -> list[bool]:
    """Validity of each value (empty values are not this check's business: True).

    ``vintages`` gives, row by row, the year whose COG applies; distinct
    (value, vintage) pairs are checked once.
    """
    check = _entry(kind)[1]
    vintages = vintages if vintages is not None else [None] * len(values)
    seen: dict[tuple[str, str], bool] = {}  # Millesime is not hashable: keyed by its value
    out = []
    for value, vintage in zip(values, vintages, strict=True):
        if value is None or value is pd.NA or value != value or value == "":
            out.append(True)
            continue
        vintage_ = millesime(vintage)
        pair = (str(value), vintage_.value)
        if pair not in seen:
            seen[pair] = bool(check(str(value), vintage_))
        out.append(seen[pair])
    return out
