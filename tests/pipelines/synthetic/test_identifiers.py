"""National identifiers carry valid keys (checked with python-stdnum), except the planted defects."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest
from stdnum import iban
from stdnum.fr import nir, siren, siret, tva

from pipelines.synthetic import identifiers as ids
from pipelines.synthetic.ref_finance import CPV_CODES
from pipelines.synthetic.ref_geo import BANK_CODES, UNIVERSITY_SIRET
from tests.pipelines.synthetic.conftest import Generated

UAI_LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ"
SCHEMAS = Path(__file__).resolve().parents[4] / "shared" / "schemas"


def _schema(relative: str) -> dict:
    path = SCHEMAS / relative
    if not path.is_file():
        pytest.skip(f"national schema {relative} not found beside the repository (../shared/schemas)")
    return json.loads(path.read_text(encoding="utf-8"))


def rib_key_ok(value: str) -> bool:
    """The French RIB key inside the IBAN: 97 - (89 bank + 15 branch + 3 account) mod 97."""
    bank, branch, account, key = int(value[4:9]), int(value[9:14]), int(value[14:25]), int(value[25:27])
    return key == 97 - (89 * bank + 15 * branch + 3 * account) % 97


def uai_ok(value: str) -> bool:
    return bool(re.fullmatch(r"\d{7}[A-Z]", value)) and UAI_LETTERS[int(value[:7]) % 23] == value[7]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_identifier_functions_compute_valid_keys(seed: int) -> None:
    rng = np.random.default_rng(seed)
    sirens = ids.sirens(rng, 500)
    assert all(siren.is_valid(str(x)) for x in sirens)
    assert all(siret.is_valid(x) for x in ids.sirets(sirens, rng.integers(1, 9999, 500)))
    numbers = ids.ibans_fr(rng, 500, BANK_CODES)
    assert all(iban.is_valid(x) and rib_key_ok(x) for x in numbers)
    births = np.datetime64("1950-01-01") + rng.integers(0, 20000, 500) * np.timedelta64(1, "D")
    places = rng.choice(np.array(["75056", "2A004", "2B033", "99350", "97411"]), 500)
    built = ids.nirs(rng.random(500) < 0.5, births, places, rng.integers(1, 1000, 500))
    assert all(nir.is_valid(x) for x in built)
    assert all(uai_ok(x) for x in ids.uais(rng.integers(0, 10**7, 500)))
    ines = ids.ines(rng, 500)
    assert len(set(ines)) == 500
    assert all(re.fullmatch(r"\d{10}[A-Z]|\d{9}[A-Z]{2}", x) for x in ines)
    assert all(tva.is_valid(x) for x in ids.vat_fr(sirens))


def test_university_siret_is_valid() -> None:
    assert siret.is_valid(UNIVERSITY_SIRET)


def test_hr_nir_and_uai(sources: dict[str, Generated]) -> None:
    agents = sources["hr"].frame("agents")
    values = agents["nir"].dropna()
    invalid = values[~values.map(nir.is_valid)]
    assert 1 <= len(invalid) <= 0.01 * len(values)
    assert agents["nir"].isna().sum() >= 1
    # The sex digit agrees with the sex column.
    valid = agents.loc[agents["nir"].notna()]
    assert ((valid["nir"].str[0] == "2") == (valid["sexe"] == "F")).all()
    structures = sources["hr"].frame("structures")
    assert structures["uai"].dropna().map(uai_ok).all()
    assert structures.loc[structures["code_structure"] == "UFR-STAPS", "uai"].isna().all()


def test_finance_siret_iban_rna_vat(sources: dict[str, Generated]) -> None:
    tiers = sources["finance"].frame("tiers")
    sirets = tiers["siret"].dropna()
    broken = sirets[~sirets.map(siret.is_valid)]
    assert 1 <= len(broken) <= 0.02 * len(sirets)
    ibans = tiers["iban"].dropna()
    assert ibans.map(lambda x: iban.is_valid(x) and rib_key_ok(x)).all()
    persons = tiers[tiers["type_tiers"] == "personne_physique"]
    assert persons["iban"].notna().all() and persons["raison_sociale"].isna().all()
    associations = tiers[tiers["type_tiers"] == "association"]
    assert associations["rna"].str.fullmatch(r"W\d{9}").all()
    vat = tiers.loc[tiers["pays"] == "FR", "numero_tva"].dropna()
    assert vat.str.fullmatch(r"FR\d{11}").all()


def test_decp_fields_follow_the_schema(sources: dict[str, Generated]) -> None:
    schema = _schema("decp/schema_decp_v2.0.3.json")
    marche = schema["definitions"]["marche"]
    props, defs = marche["properties"], marche["definitions"]
    marches = sources["finance"].frame("marches")
    assert marches["id_marche"].str.len().between(1, 16).all()
    assert (marches["id_acheteur"] == UNIVERSITY_SIRET).all()
    cpv = marches["code_cpv"]
    known = {c.code for c in CPV_CODES}
    lost_zero = cpv[~cpv.isin(known)]
    assert len(lost_zero) >= 1 and lost_zero.str.fullmatch(r"\d{7}-\d").all()
    assert cpv[cpv.isin(known)].str.fullmatch(defs["CodeCPV"]["pattern"].strip("^$")).all()
    for column, prop in (("nature", "nature"), ("ccag", "ccag"), ("procedure_passation", "procedure"),
                         ("forme_prix", "formePrix"), ("type_groupement_operateurs", "typeGroupementOperateurs")):
        assert set(marches[column]) <= set(props[prop]["enum"]), column
    arrays = (("techniques", "techniqueArray"), ("modalites_execution", "modaliteExecutionArray"),
              ("types_prix", "typePrixArray"), ("considerations_sociales", "considerationSocialeArray"),
              ("considerations_environnementales", "considerationEnvironnementaleArray"))
    for column, definition in arrays:
        allowed = set(defs[definition]["items"]["enum"])
        assert all(set(v.split(";")) <= allowed for v in marches[column]), column
    lieu = props["lieuExecution"]["properties"]["typeCode"]["enum"]
    assert set(marches["lieu_execution_type_code"]) <= set(lieu)
    assert (marches["offres_recues"] >= 1).all() and (marches["duree_mois"] >= 1).all()
    assert (marches["montant"] >= 1).all()
    assert marches["taux_avance"].dropna().between(0, 1).all()
    origin = marches.dropna(subset=["origine_ue"])
    assert len(origin) >= 1 and (origin["origine_france"] <= origin["origine_ue"]).all()
    holders = sources["finance"].frame("marches_titulaires")
    assert set(holders["type_identifiant"]) <= set(defs["Titulaire"]["properties"]["typeIdentifiant"]["enum"])
    sirets = holders.loc[holders["type_identifiant"] == "SIRET", "id_titulaire"]
    assert sirets.str.fullmatch(r"\d{14}").all()


def test_scdl_fields_follow_the_schema(sources: dict[str, Generated]) -> None:
    schema = _schema("scdl-subventions/schema-2.1.1.json")
    fields = {f["name"]: f for f in schema["fields"]}
    grants = sources["finance"].frame("subventions")
    assert grants["id_attribuant"].str.fullmatch(r"\d{14}").all()
    assert set(grants["nature"]) <= set(fields["nature"]["constraints"]["enum"])
    assert (grants["objet"].str.len() <= 256).all() and (grants["conditions_versement"].str.len() <= 256).all()
    assert (grants["id_rae"].dropna().str.len() <= 5).all()
    share = grants["pourcentage_subvention"]
    below = share[share < 0.01]
    assert 1 <= len(below) <= 0.02 * len(share) and (share <= 1).all()
    tiers = sources["finance"].frame("tiers").set_index("id_tiers")
    kinds = tiers.loc[grants["id_tiers"], "type_tiers"]
    assert {"association", "personne_physique", "entreprise"} <= set(kinds)
