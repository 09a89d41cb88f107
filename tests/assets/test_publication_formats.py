"""Publication formats on real files: the Etalab CSV, the DECP 2.0.3 JSON, the national schemas.

Tiny frames pin the exact text written; a clean demo run (``opendata demo
--years 2``) shows that every candidate the pipeline produces is written to a
file that validates: the SCDL subventions Table Schema, a schema built from
each policy, and the DECP JSON Schema.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from anonymisation.policy import Policy, load_catalogue
from resources.publishing.csv_file import validate_csv, write_csv
from resources.publishing.decp import DecpError, decp_document, validate_decp, write_decp
from resources.publishing.national import SCHEMAS, national_table_schema, schema_path
from tests.quality.conftest import run_opendata

CATALOGUE = load_catalogue()
TYPES = {"string": "string", "integer": "integer", "year": "integer", "number": "number", "date": "date",
         "boolean": "boolean"}
SCDL = "scdl-subventions-2.1.1"


def policy_schema(policy: Policy) -> dict:
    """The minimal Table Schema of a policy: names in order, types, required columns."""
    fields = [{"name": c.name, "type": TYPES[c.type], **({"constraints": {"required": True}} if c.required else {})}
              for c in policy.columns]
    return {"fields": fields, "missingValues": [""]}


@pytest.fixture(scope="session")
def demo_home(tmp_path_factory) -> Path:
    """One clean demo run (last 2 years) for this module; tests only read its candidates."""
    home = tmp_path_factory.mktemp("publication-home")
    done = run_opendata(["demo", "--years", "2"], home, COLUMNS="400")
    assert done.returncode == 0, done.stderr[-2000:]
    return home


def candidate(home: Path, dataset: str) -> pd.DataFrame:
    """The newest candidate of ``dataset`` (run folders are named by their UTC start time)."""
    runs = sorted((home / "demo" / "candidates" / dataset).iterdir(), key=lambda p: p.name)
    return pd.read_parquet(runs[-1] / f"{dataset}.parquet")


# -- CSV: exact text ---------------------------------------------------------------------------

def every_type() -> pd.DataFrame:
    return pd.DataFrame({
        "texte": pd.Series(["simple", "a, b", 'dit "oui"', None, "ligne\nsuivante", "Élodie à Besançon"], dtype="str"),
        "objet": ["x", None, np.nan, pd.NA, "", "y"],
        "entier": pd.array([1, None, -3, 0, 1_000_000, 42], dtype="Int64"),
        "entier_flottant": [1.0, np.nan, 3.0, 0.0, 5.0, 6.0],  # an integer column pandas turned into floats
        "nombre": [1.5, np.nan, 0.0, 1e20, 0.00001, 1234567.891],
        "nombre_na": pd.array([2.25, None, 0.0, 3.0, None, -1.5], dtype="Float64"),
        "montant": [Decimal("1250.50"), None, Decimal("0.00"), Decimal("-3"), Decimal("0.0000001"), Decimal("7.125")],
        "date": [dt.date(2024, 1, 5), None, dt.date(1999, 12, 31), dt.date(2024, 2, 29), None, dt.date(2025, 7, 14)],
        "horodatage": pd.to_datetime(["2024-01-05 13:45:10", None, "2024-03-01", "2024-03-01 23:59:59",
                                      "2024-12-31", "2025-01-01"], format="ISO8601"),
        "booleen": pd.array([True, False, None, True, False, True], dtype="boolean"),
        "notificationUE": pd.array([True, False, None, False, True, False], dtype="boolean"),
    })


EVERY_TYPE_SCHEMA = {"fields": [
    {"name": "entier_flottant", "type": "integer"},
    {"name": "horodatage", "type": "date", "format": "%Y-%m-%d"},
    {"name": "notificationUE", "type": "boolean", "trueValues": ["oui"], "falseValues": ["non"]},
]}

EVERY_TYPE_CSV = (
    "texte,objet,entier,entier_flottant,nombre,nombre_na,montant,date,horodatage,booleen,notificationUE\n"
    "simple,x,1,1,1.5,2.25,1250.5,2024-01-05,2024-01-05,true,oui\n"
    '"a, b",,,,,,,,,false,non\n'
    '"dit ""oui""",,-3,3,0,0,0,1999-12-31,2024-03-01,,\n'
    ",,0,0,100000000000000000000,3,-3,2024-02-29,2024-03-01,true,non\n"
    '"ligne\nsuivante",,1000000,5,0.00001,,0.0000001,,2024-12-31,false,oui\n'
    "Élodie à Besançon,y,42,6,1234567.891,-1.5,7.125,2025-07-14,2025-01-01,true,non\n"
)


def test_write_csv_exact_text(tmp_path: Path) -> None:
    path = tmp_path / "types.csv"
    write_csv(every_type(), path, EVERY_TYPE_SCHEMA)
    raw = path.read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")  # no byte-order mark
    assert b"\r\n" not in raw
    assert raw.decode("utf-8") == EVERY_TYPE_CSV
    for marker in ("nan", "NaN", "<NA>", "None", "NaT", ".0,"):
        assert marker not in raw.decode("utf-8")


def test_write_csv_datetime_field_and_empty_frame(tmp_path: Path) -> None:
    frame = pd.DataFrame({"quand": pd.to_datetime(["2024-01-05 13:45:10.75", None]),
                          "instant": pd.to_datetime(["2024-01-05 13:45:10", None]).tz_localize("Europe/Paris")})
    path = tmp_path / "instants.csv"
    write_csv(frame, path, {"fields": [{"name": "quand", "type": "datetime"}]})
    assert path.read_text(encoding="utf-8") == "quand,instant\n2024-01-05T13:45:10,2024-01-05T12:45:10Z\n,\n"
    write_csv(frame.iloc[:0], path, {"fields": []})
    assert path.read_text(encoding="utf-8") == "quand,instant\n"


def test_write_csv_refuses_a_fraction_in_an_integer_field(tmp_path: Path) -> None:
    with pytest.raises(Exception):
        write_csv(pd.DataFrame({"n": [1.5]}), tmp_path / "n.csv", {"fields": [{"name": "n", "type": "integer"}]})
    assert not list(tmp_path.iterdir())  # nothing half-written left behind


# -- CSV: validation ---------------------------------------------------------------------------

SMALL_SCHEMA = {"fields": [
    {"name": "nom", "type": "string", "constraints": {"required": True}},
    {"name": "effectif", "type": "integer"},
    {"name": "date", "type": "date"},
    {"name": "montant", "type": "number"},
    {"name": "notificationUE", "type": "boolean", "trueValues": ["oui"], "falseValues": ["non"]},
], "missingValues": [""]}


def small_frame() -> pd.DataFrame:
    return pd.DataFrame({"nom": pd.Series(["Alpha, groupe", "Bêta"], dtype="str"),
                         "effectif": pd.array([12, None], dtype="Int64"),
                         "date": [dt.date(2024, 9, 1), None],
                         "montant": [Decimal("10.50"), None],
                         "notificationUE": pd.array([True, None], dtype="boolean")})


def test_validate_csv_accepts_a_matching_file(tmp_path: Path) -> None:
    path = tmp_path / "petit.csv"
    write_csv(small_frame(), path, SMALL_SCHEMA)
    assert validate_csv(path, SMALL_SCHEMA) == []


def test_validate_csv_reports_without_the_cell_value(tmp_path: Path) -> None:
    path = tmp_path / "casse.csv"
    path.write_text("nom,effectif,date,montant,notificationUE\n"
                    "Alpha,douze-secret,2024-09-01,10.5,oui\n"
                    ",3,31/12/2024-secret,abc-secret,peut-etre-secret\n", encoding="utf-8")
    errors = validate_csv(path, SMALL_SCHEMA)
    assert errors == [
        "casse.csv: row 2, field effectif: type-error",
        "casse.csv: row 3, field nom: constraint-error (required)",
        "casse.csv: row 3, field date: type-error",
        "casse.csv: row 3, field montant: type-error",
        "casse.csv: row 3, field notificationUE: type-error",
    ]
    assert not any("secret" in e for e in errors)


def test_validate_csv_reports_a_wrong_header(tmp_path: Path) -> None:
    path = tmp_path / "entete.csv"
    path.write_text("nom,effectifs,date,montant\nAlpha,1,2024-09-01,1\n", encoding="utf-8")
    assert validate_csv(path, SMALL_SCHEMA) == ["entete.csv: header, field notificationUE: missing-label",
                                                "entete.csv: header, field effectif: incorrect-label"]


# -- national schemas -------------------------------------------------------------------------

def test_national_schemas_map_the_policies() -> None:
    assert CATALOGUE["subventions"].national_schema == SCDL
    assert CATALOGUE["marches_publics"].national_schema == "decp-2.0.3"
    assert set(SCHEMAS) >= {p.national_schema for p in CATALOGUE.values() if p.national_schema}
    scdl = national_table_schema(SCDL)
    assert scdl is not None
    assert [f["name"] for f in scdl["fields"]] == [c.name for c in CATALOGUE["subventions"].columns]
    assert national_table_schema("decp-2.0.3") is None  # a JSON Schema, not a table
    assert all(schema_path(name).is_file() for name in SCHEMAS)
    with pytest.raises(KeyError):
        national_table_schema("scdl-subventions-9.9")


# -- the demo's candidates --------------------------------------------------------------------

def test_demo_subventions_follow_scdl(demo_home: Path, tmp_path: Path) -> None:
    schema = national_table_schema(SCDL)
    assert schema is not None
    path = tmp_path / "subventions.csv"
    write_csv(candidate(demo_home, "subventions"), path, schema)
    header = path.read_text(encoding="utf-8").split("\n", 1)[0]
    assert header.split(",") == [f["name"] for f in schema["fields"]]
    assert validate_csv(path, schema) == []
    with path.open(encoding="utf-8", newline="") as file:
        assert {row["notificationUE"] for row in csv.DictReader(file)} <= {"oui", "non"}  # SCDL's own words


@pytest.mark.parametrize("dataset", sorted(set(CATALOGUE) - {"subventions"}))
def test_demo_candidates_validate_against_their_policy(demo_home: Path, tmp_path: Path, dataset: str) -> None:
    policy = CATALOGUE[dataset]
    schema = policy_schema(policy)
    path = tmp_path / f"{dataset}.csv"
    write_csv(candidate(demo_home, dataset), path, schema)
    assert path.read_text(encoding="utf-8").split("\n", 1)[0] == ",".join(c.name for c in policy.columns)
    assert validate_csv(path, schema) == []


# -- DECP ---------------------------------------------------------------------------------------

def test_demo_contracts_give_valid_decp(demo_home: Path, tmp_path: Path) -> None:
    frame = candidate(demo_home, "marches_publics")
    path = tmp_path / "marches_publics.json"
    write_decp(frame, path)
    assert validate_decp(path) == []
    first = path.read_bytes()
    write_decp(frame, path)
    assert path.read_bytes() == first  # an unchanged candidate gives identical bytes
    contracts = json.loads(first)["marches"]["marche"]
    assert len(contracts) == len(frame)
    holders = [h["titulaire"] for c in contracts for h in c["titulaires"]]
    assert holders and all(set(h) == {"typeIdentifiant", "id"} for h in holders)
    assert sum(len(c["titulaires"]) for c in contracts) == frame["titulaires.id"].str.count(";").add(1).sum()


def contract_frame() -> pd.DataFrame:
    return pd.DataFrame({
        "id": ["2025M0001"], "acheteur.id": ["19759000300012"], "nature": ["Marché"], "objet": ["Entretien"],
        "codeCPV": ["90919200-4"], "techniques": ["Accord-cadre"], "modalitesExecution": ["Bons de commande;Tranches"],
        "idAccordCadre": pd.Series([None], dtype="str"), "marcheInnovant": pd.array([False], dtype="boolean"),
        "ccag": ["Travaux"], "offresRecues": pd.array([3], dtype="Int64"),
        "attributionAvance": pd.array([True], dtype="boolean"), "tauxAvance": pd.array([0.1], dtype="Float64"),
        "typeGroupementOperateurs": ["Conjoint"], "sousTraitanceDeclaree": pd.array([False], dtype="boolean"),
        "procedure": ["Procédure adaptée"], "lieuExecution.code": ["75056"], "lieuExecution.typeCode": ["Code commune"],
        "dureeMois": pd.array([12], dtype="Int64"), "dateNotification": [dt.date(2025, 3, 1)],
        "datePublicationDonnees": [dt.date(2025, 3, 20)], "montant": pd.array([40000.0], dtype="Float64"),
        "formePrix": ["Mixte"], "typesPrix": ["Définitif ferme"], "origineUE": pd.array([None], dtype="Float64"),
        "origineFrance": pd.array([None], dtype="Float64"), "considerationsSociales": ["Clause sociale;Critère social"],
        "considerationsEnvironnementales": ["Pas de considération environnementale"],
        "titulaires.id": ["82523997300191;GB00100365"], "titulaires.typeIdentifiant": ["SIRET;HORS-UE"],
    })


def test_decp_document_nests_and_omits(tmp_path: Path) -> None:
    contract = decp_document(contract_frame())["marches"]["marche"][0]
    assert contract["acheteur"] == {"id": "19759000300012"}
    assert contract["lieuExecution"] == {"code": "75056", "typeCode": "Code commune"}
    assert contract["modalitesExecution"] == {"modaliteExecution": ["Bons de commande", "Tranches"]}
    assert contract["considerationsSociales"] == {"considerationSociale": ["Clause sociale", "Critère social"]}
    assert contract["titulaires"] == [{"titulaire": {"typeIdentifiant": "SIRET", "id": "82523997300191"}},
                                      {"titulaire": {"typeIdentifiant": "HORS-UE", "id": "GB00100365"}}]
    assert (contract["montant"], contract["offresRecues"], contract["tauxAvance"]) == (40000, 3, 0.1)
    assert contract["marcheInnovant"] is False and contract["dateNotification"] == "2025-03-01"
    assert not {"idAccordCadre", "origineUE", "origineFrance", "modifications"} & set(contract)
    path = tmp_path / "un.json"
    write_decp(contract_frame(), path)
    assert validate_decp(path) == []


def test_decp_refuses_unpaired_holders() -> None:
    frame = contract_frame()
    frame["titulaires.typeIdentifiant"] = ["SIRET"]
    with pytest.raises(DecpError, match="2025M0001"):
        decp_document(frame)


def test_validate_decp_reports_a_broken_document(tmp_path: Path) -> None:
    document = decp_document(contract_frame())
    contract = document["marches"]["marche"][0]
    del contract["objet"]
    contract["dureeMois"] = "douze"
    contract["ccag"] = "CCAG inventé"
    path = tmp_path / "casse.json"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    assert validate_decp(path) == ["casse.json: $.marches.marche[0]: required (objet)",
                                   "casse.json: $.marches.marche[0].ccag: enum",
                                   "casse.json: $.marches.marche[0].dureeMois: type"]
    path.write_text('{"marches": ', encoding="utf-8")
    assert validate_decp(path) == ["casse.json: not UTF-8 JSON (JSONDecodeError)"]
