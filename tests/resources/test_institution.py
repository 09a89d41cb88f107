"""Institution files: identity checks, secrets kept out of files, layout rules."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from resources.common.errors import ConfigurationError
from resources.common.identifiers import is_valid_ror
from resources.common.institution import config_dir, load_institution
from resources.common.uai import is_valid_uai, uai_check_letter


def _variant(tmp_path: Path, **changes) -> Path:
    raw = yaml.safe_load((config_dir() / "institutions" / "demo.yaml").read_text(encoding="utf-8"))
    for dotted, value in changes.items():
        target = raw
        *parents, leaf = dotted.split("__")
        for part in parents:
            target = target.setdefault(part, {})
        target[leaf] = value
    path = tmp_path / "variant.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return path


@pytest.mark.parametrize(("code", "valid"), [("0751717J", True), ("0751717K", False), ("0330023A", False), ("075171J", False)])
def test_uai_check_letter(code: str, valid: bool) -> None:
    assert is_valid_uai(code) is valid


def test_uai_letter_of_a_known_university() -> None:
    assert uai_check_letter("0751717") == "J"  # Université Paris 1 Panthéon-Sorbonne


def test_demo_and_second_institution_load_separately(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setenv("OPENDATA_HOME", str(tmp_path))
    demo, bis = load_institution("demo"), load_institution("demo-bis")
    assert (demo.id, bis.id) == ("demo", "demo-bis")
    assert demo.siret != bis.siret and demo.uai != bis.uai
    assert demo.staging_dir == tmp_path / "demo" / "staging"
    assert demo.store_dir != bis.store_dir and demo.staging_dir != bis.staging_dir
    assert demo.sources["hr"].resolved_url() == f"sqlite:///{tmp_path}/demo/sources/hr.sqlite"


def test_environment_variable_overrides_the_file(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setenv("OPENDATA_HOME", str(tmp_path))
    monkeypatch.setenv("OPENDATA_STUDENTS_URL", "postgresql+psycopg://reader:pw@db.example/apogee")
    monkeypatch.setenv("DEMO_BIS_STUDENTS_URL", "mysql+pymysql://reader@db.example/pegase")
    assert load_institution("demo").sources["students"].resolved_url().endswith("/apogee")
    assert load_institution("demo-bis").sources["students"].resolved_url().endswith("/pegase")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"siret": "19759000300013"}, "siret fails its check key"),
        ({"uai": "0759000B"}, "uai fails its check letter"),
        ({"sources__hr__url": "postgresql+psycopg://siham:s3cret@db/siham"}, "sources.hr.url holds a password"),
        ({"contact": "nobody"}, "contact must be"),
        ({"store__path": "{home}/demo/staging/store"}, "overlaps the output store"),
        ({"id": "Bad Id"}, "must be lower-case"),
        ({"public_base_url": "ftp://x"}, "public_base_url"),
        ({"identifiers__ror": "0xd3m0065"}, r"variant\.yaml: identifiers\.ror is not well formed \(rule: ROR.*mod 97-10"),
        ({"identifiers__ror": "0xd3m0i64"}, r"identifiers\.ror is not well formed"),  # i is not base 32
        ({"identifiers__paysage": "dEm0"}, r"identifiers\.paysage is not well formed \(rule: Paysage id"),
        ({"identifiers__wikidata": "999999901"}, r"identifiers\.wikidata is not well formed \(rule: Wikidata"),
        ({"identifiers__eter": "F9901"}, r"identifiers\.eter is not well formed"),
        ({"identifiers__siren": "197590004"}, r"identifiers\.siren differs from the SIRET's first 9 digits"),
        ({"identifiers__siren": "19759000"}, r"identifiers\.siren is not well formed"),
        ({"identifiers__idref": "027361802"}, r"identifiers\.idref is not an identifier this product knows"),
        ({"identifiers": ["0xd3m0064"]}, r"identifiers must be a mapping"),
    ],
)
def test_invalid_settings_are_refused_with_a_clear_message(monkeypatch, tmp_path: Path, change: dict, message: str) -> None:
    monkeypatch.setenv("OPENDATA_HOME", str(tmp_path))
    with pytest.raises(ConfigurationError, match=message) as caught:
        load_institution(str(_variant(tmp_path, **change)))
    assert "s3cret" not in str(caught.value)


def test_missing_institution_file_names_the_variable(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="OPENDATA_INSTITUTION"):
        load_institution(str(tmp_path / "nowhere.yaml"))


def test_identifiers_are_exposed_with_uai_siret_and_siren(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setenv("OPENDATA_HOME", str(tmp_path))
    demo = load_institution("demo")
    assert demo.identifiers == {"uai": "0759000A", "siret": "19759000300012", "siren": "197590003",
                                "paysage": "dEm0A", "ror": "0xd3m0064", "wikidata": "Q999999901", "eter": "FR9901"}
    assert load_institution("demo-bis").identifiers["ror"] == "0xd3m0161"


def test_without_identifiers_block_the_registers_ids_remain(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setenv("OPENDATA_HOME", str(tmp_path))
    assert load_institution(str(_variant(tmp_path, identifiers=None))).identifiers == {
        "uai": "0759000A", "siret": "19759000300012", "siren": "197590003"}


@pytest.mark.parametrize("ror", ["02feahw73", "05f82e368", "013cjyk83", "04t0gwh46", "03xjwb503"])
def test_real_ror_ids_pass_the_check_digits(ror: str) -> None:
    """Published ROR ids (CNRS, Université Paris Cité and others): the algorithm is ror.org's, not a guess."""
    assert is_valid_ror(ror) and not is_valid_ror(ror[:7] + f"{(int(ror[7:]) + 1) % 100:02d}")
