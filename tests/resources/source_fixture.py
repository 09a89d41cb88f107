"""A small source table covering every contract type, created for real on each engine."""

from __future__ import annotations

import datetime as dt
import decimal
from pathlib import Path

import sqlalchemy as sa
import yaml

from resources.sourcing.contracts import TableContract, load_contract

CONTRACT = {
    "system": "students",
    "description": "test system",
    "tables": {
        "inscriptions": {
            "source": "src_inscriptions",
            "description": "enrolments",
            "key": ["id"],
            "partition": {"kind": "academic_year", "mode": "year", "column": "annee"},
            "columns": {
                "id": {"source": "id", "type": "int64", "class": "non_personal", "use": ["check"]},
                "code": {"source": "code_diplome", "type": "string", "class": "non_personal", "use": ["policy"]},
                "annee": {"source": "annee", "type": "int32", "class": "non_personal", "use": ["policy"]},
                "date_insc": {"source": "date_insc", "type": "date32", "class": "non_personal", "use": ["check"]},
                "montant": {"source": "montant", "type": "decimal128(14,2)", "class": "non_personal", "use": ["policy"]},
                "actif": {"source": "actif", "type": "bool", "class": "non_personal", "use": ["policy"]},
                "maj": {"source": "maj", "type": "timestamp[us]", "class": "non_personal", "use": ["check"]},
                "note": {"source": "note", "type": "string", "class": "sensitive", "use": ["policy"]},
                "adresse": {"source": "adresse", "type": "string", "class": "sensitive", "use": []},
            },
        },
        "periodes": {
            "source": "src_periodes",
            "key": ["id"],
            "partition": {"kind": "reference_year", "mode": "period", "column": "debut", "end_column": "fin"},
            "columns": {
                "id": {"source": "id", "type": "int64", "class": "non_personal", "use": ["check"]},
                "debut": {"source": "debut", "type": "date32", "class": "non_personal", "use": ["policy"]},
                "fin": {"source": "fin", "type": "date32", "class": "non_personal", "use": ["policy"]},
            },
        },
    },
}

metadata = sa.MetaData()
inscriptions = sa.Table(
    "src_inscriptions",
    metadata,
    sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("code_diplome", sa.String(7)),
    sa.Column("annee", sa.Integer),
    sa.Column("date_insc", sa.Date),
    sa.Column("montant", sa.Numeric(14, 2)),
    sa.Column("actif", sa.Boolean),
    sa.Column("maj", sa.DateTime),
    sa.Column("note", sa.Text),
    sa.Column("adresse", sa.String(200)),
    sa.Column("colonne_nouvelle", sa.String(50)),  # not in the contract: drift
)
periodes = sa.Table(
    "src_periodes",
    metadata,
    sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("debut", sa.Date),
    sa.Column("fin", sa.Date, nullable=True),
)

PLANTED_ADDRESS = "12 rue des Secrets 75005 Paris"


def row(i: int) -> dict:
    year = 2023 + i % 2
    return {
        "id": i,
        "code_diplome": f"25{i % 100000:05d}",
        "annee": year,
        "date_insc": dt.date(year, 9, 1) + dt.timedelta(days=i % 60),
        "montant": decimal.Decimal(i % 1000) / 4 + decimal.Decimal("0.10"),
        "actif": i % 3 == 0,
        "maj": dt.datetime(2024, 1, 1, 8, 30) + dt.timedelta(minutes=i),
        # The first rows hold NULL: ADBC's SQLite driver must not type the column from them.
        "note": None if i < 1200 else f"remarque {i}",
        "adresse": PLANTED_ADDRESS,
        "colonne_nouvelle": "x",
    }


PERIODS = [
    {"id": 1, "debut": dt.date(2020, 3, 1), "fin": dt.date(2022, 6, 30)},
    {"id": 2, "debut": dt.date(2023, 1, 1), "fin": None},
    {"id": 3, "debut": dt.date(2024, 2, 1), "fin": dt.date(2024, 3, 1)},
    {"id": 4, "debut": dt.date(2021, 5, 1), "fin": dt.date(2023, 1, 1)},
]


def create_source(url: str, rows: int) -> None:
    engine = sa.create_engine(url)
    metadata.create_all(engine)
    with engine.begin() as conn:
        conn.execute(inscriptions.insert(), [row(i) for i in range(rows)])
        conn.execute(periodes.insert(), PERIODS)
    engine.dispose()


def write_contract(folder: Path, overrides: dict | None = None) -> TableContract:
    raw = yaml.safe_load(yaml.safe_dump(CONTRACT))
    for column, spec in (overrides or {}).items():
        raw["tables"]["inscriptions"]["columns"][column] = spec
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "students.yaml").write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return load_contract(folder, "students").tables["inscriptions"]
