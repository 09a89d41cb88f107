"""National code validators: a valid and an invalid example of every kind, COG vintages, empty values."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pandas as pd
import pytest
from frformat import Millesime

import quality.codes as quality_codes
from quality.codes import CODES, UnknownCodeError, describe, millesime, reference_list, validity
from resources.common.institution import config_dir
from resources.common.uai import uai_check_letter

# A commune of frformat's 2023 COG list that is gone from its 2024 list (merged
# on 1 January 2024), and one created that day: read from frformat's shipped
# sets CODES_COMMUNES_INSEE_COG_2023 / _2024, not guessed.
MERGED_IN_2024 = "01172"
CREATED_IN_2024 = "24430"

VALID = [
    ("uai", "0751717J"),
    ("uai", "0330023" + uai_check_letter("0330023")),
    ("siret", "73282932000074"),
    ("siren", "732829320"),
    ("tva_fr", "FR40303265045"),
    ("tva_fr", "DE123456789"),  # a foreign VAT number is not this check's business
    ("nir", "295109912611193"),
    ("rna", "W751234567"),
    ("commune_insee", "75056"),
    ("commune_insee", "2A004"),
    ("departement", "2A"),
    ("departement", "976"),
    ("code_postal", "75005"),
    ("cpv", "45000000-7"),
    ("sise_diplome", "2500123"),
    ("cnu_section", "26"),
    ("cnu_section", "01"),
    ("sise_type_diplome", "XA"),
    ("sise_discipline", "08"),
    ("sise_secteur", "36"),
    ("niveau", "M1"),
    ("corps", "CONTRACTUEL"),
    ("bap", "J"),
]

INVALID = [
    ("uai", "0751717K"),  # wrong check letter
    ("uai", "0751717j"),  # lower case
    ("uai", "751717J"),  # 6 digits
    ("siret", "73282932000075"),  # Luhn key
    ("siret", "7328293200007"),
    ("siren", "732829321"),
    ("tva_fr", "FR41303265045"),
    ("nir", "295109912611194"),  # key
    ("rna", "X751234567"),
    ("rna", "W75123456"),
    ("commune_insee", "75000"),
    ("commune_insee", "20004"),  # Corsica is 2A/2B
    ("departement", "20"),
    ("departement", "2a"),
    ("code_postal", "00000"),
    ("cpv", "99000000-1"),  # no such division
    ("cpv", "45000000"),  # no check digit
    ("cpv", "4500000-7"),  # 7 digits
    ("sise_diplome", "250012"),
    ("sise_diplome", "25001234"),
    ("sise_diplome", "250012A"),
    ("cnu_section", "99"),
    ("cnu_section", "42"),  # CNU santé: out of the list on purpose
    ("cnu_section", "1"),
    ("sise_type_diplome", "xa"),  # codes are case-sensitive
    ("sise_discipline", "8"),  # two characters
    ("sise_secteur", "99"),
    ("niveau", "L4"),
    ("corps", "MAITRE"),
    ("bap", "H"),  # not a branch of RéFérens III
]


@pytest.mark.parametrize(("kind", "value"), VALID)
def test_valid_code(kind: str, value: str) -> None:
    assert validity(kind, [value]) == [True]


@pytest.mark.parametrize(("kind", "value"), INVALID)
def test_invalid_code(kind: str, value: str) -> None:
    assert validity(kind, [value]) == [False]


def test_every_kind_has_valid_and_invalid_examples() -> None:
    assert {kind for kind, _ in VALID} == set(CODES)
    assert {kind for kind, _ in INVALID} == set(CODES)


@pytest.mark.parametrize("kind", sorted(CODES))
@pytest.mark.parametrize("empty", [None, "", float("nan")])
def test_empty_values_are_not_this_checks_business(kind: str, empty: object) -> None:
    assert validity(kind, [empty]) == [True]


@pytest.mark.parametrize(
    ("code", "vintage", "valid"),
    [
        (MERGED_IN_2024, 2023, True),
        (MERGED_IN_2024, "2023", True),
        (MERGED_IN_2024, 2022, True),  # before the first shipped vintage: checked against 2023
        (MERGED_IN_2024, 2024, False),
        (MERGED_IN_2024, 2030, False),  # after the last: the latest list
        (MERGED_IN_2024, None, False),
        (MERGED_IN_2024, "latest", False),
        (CREATED_IN_2024, 2023, False),
        (CREATED_IN_2024, 2024, True),
        (CREATED_IN_2024, None, True),
    ],
)
def test_commune_is_checked_against_the_cog_of_its_year(code: str, vintage: int | str | None, valid: bool) -> None:
    assert validity("commune_insee", [code], [vintage]) == [valid]


def test_vintages_apply_row_by_row() -> None:
    values = [MERGED_IN_2024, MERGED_IN_2024, None, CREATED_IN_2024, MERGED_IN_2024]
    assert validity("commune_insee", values, [2023, 2024, 2024, 2023, 2023]) == [True, False, True, False, True]


def test_vintages_must_match_values_in_length() -> None:
    with pytest.raises(ValueError):
        validity("commune_insee", ["75056", "75056"], [2023])


@pytest.mark.parametrize(
    ("vintage", "expected"),
    [
        (2023, Millesime.M2023),
        ("2023", Millesime.M2023),
        (2024, Millesime.M2024),
        ("2024", Millesime.M2024),
        (2019, Millesime.M2023),
        (2025, Millesime.LATEST),
        (None, Millesime.LATEST),
        ("latest", Millesime.LATEST),
        ("", Millesime.LATEST),
        (float("nan"), Millesime.LATEST),
    ],
)
def test_millesime(vintage: int | str | None, expected: Millesime) -> None:
    assert millesime(vintage) is expected


@pytest.mark.parametrize("call", [lambda: validity("iban", ["FR76"]), lambda: describe("iban")])
def test_unknown_kind_is_refused_naming_it(call) -> None:
    with pytest.raises(UnknownCodeError, match="unknown code kind 'iban'.*known: .*uai"):
        call()


@pytest.mark.parametrize("kind", sorted(CODES))
def test_every_kind_is_described_for_the_steward(kind: str) -> None:
    assert describe(kind) == CODES[kind][0] and len(describe(kind)) > 10


def test_reference_lists_are_read_as_strings() -> None:
    codes = reference_list("cpv_divisions")
    assert "45" in codes and "99" not in codes
    assert all(isinstance(code, str) for code in codes)


def test_cnu_sections_come_from_the_one_nomenclature_file(tmp_path, monkeypatch) -> None:
    """The CNU list is config/nomenclatures/sections_cnu.csv: a section added there is valid here."""
    assert not (Path(quality_codes.__file__).parent / "reference" / "cnu_sections.yaml").exists()
    folder = tmp_path / "nomenclatures"
    shutil.copytree(config_dir() / "nomenclatures", folder)
    with (folder / "sections_cnu.csv").open("a", encoding="utf-8") as handle:
        handle.write("42,Morphologie et morphogenèse,SA,Santé\n")
    monkeypatch.setenv("OPENDATA_CONFIG_DIR", str(tmp_path))
    assert validity("cnu_section", ["42", "99"]) == [True, False]


def test_a_date_selects_the_cog_vintage_of_its_year() -> None:
    assert millesime(dt.date(2023, 6, 1)) == millesime(2023) == Millesime.M2023
    assert millesime(pd.Timestamp("2024-02-01")) == Millesime.M2024


def test_a_commune_merged_in_2024_is_valid_on_a_2023_date_only() -> None:
    assert validity("commune_insee", [MERGED_IN_2024, MERGED_IN_2024], [dt.date(2023, 5, 2), dt.date(2025, 5, 2)]) == [True, False]
