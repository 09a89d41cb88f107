"""The regulatory JSON of public contracts: données essentielles de la commande publique (DECP) 2.0.3.

Code de la commande publique, articles L2196-2 and R2196-1, and the arrêté
of 22 December 2022 on the essential data of public contracts: the buyer
publishes each contract as ``{"marches": {"marche": [...]}}`` following the
JSON Schema of the Ministry of Economy's ``format-commande-publique``
(version 2.0.3). The ``marches_publics`` candidate is flat, one row per
contract: nested objects are spelled with dots (``acheteur.id``,
``lieuExecution.code``) and lists are joined with ``;`` (``techniques``,
``titulaires.id``); this module nests them back.

Holders are economic operators published by their identifier only
(``typeIdentifiant`` and ``id``), never a name. A missing optional value is
left out, never written as null, 0 or an empty list. A missing required
value is left out too, not invented, so the validation names it. The
candidate holds no modification: ``modifications`` (optional) is absent.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import numbers
from pathlib import Path

import numpy as np
import pandas as pd
from jsonschema import Draft7Validator, ValidationError

from resources.common.files import write_text_atomic
from resources.common.vocabulary import DECP
from resources.publishing.national import load_schema

SCHEMA = DECP
HOLDER_IDS, HOLDER_TYPES = "titulaires.id", "titulaires.typeIdentifiant"
# Flat column -> JSON type of the DECP property of the same name.
SCALARS: dict[str, str] = {
    "id": "string", "nature": "string", "objet": "string", "codeCPV": "string", "idAccordCadre": "string",
    "marcheInnovant": "boolean", "ccag": "string", "offresRecues": "integer", "attributionAvance": "boolean",
    "tauxAvance": "number", "typeGroupementOperateurs": "string", "sousTraitanceDeclaree": "boolean",
    "procedure": "string", "dureeMois": "integer", "dateNotification": "date", "datePublicationDonnees": "date",
    "montant": "number", "formePrix": "string", "origineUE": "number", "origineFrance": "number",
}
# Flat ";"-joined column -> key of its list inside the object of the same name, as DECP 2.0 nests lists.
LISTS: dict[str, str] = {
    "techniques": "technique", "modalitesExecution": "modaliteExecution", "typesPrix": "typePrix",
    "considerationsSociales": "considerationSociale",
    "considerationsEnvironnementales": "considerationEnvironnementale",
}
# Flat dotted column -> (object, key).
OBJECTS: dict[str, tuple[str, str]] = {
    "acheteur.id": ("acheteur", "id"),
    "lieuExecution.code": ("lieuExecution", "code"),
    "lieuExecution.typeCode": ("lieuExecution", "typeCode"),
}


class DecpError(ValueError):
    """The candidate cannot be turned into DECP; the message names the contract (public) and the rule."""


def decp_document(frame: pd.DataFrame) -> dict:
    """The DECP 2.0.3 document of the contracts in ``frame`` (one row per contract), in the frame's order."""
    columns = {name: _values(frame[name]) for name in (*SCALARS, *LISTS, *OBJECTS, HOLDER_IDS, HOLDER_TYPES)
               if name in frame.columns}
    # Keys in the schema's own property order, whatever the candidate's column order.
    order = tuple(load_schema(SCHEMA)["definitions"]["marche"]["properties"])
    rows = [{name: values[i] for name, values in columns.items()} for i in range(len(frame))]
    return {"marches": {"marche": [_contract(row, order) for row in rows]}}


def write_decp(frame: pd.DataFrame, path: Path) -> None:
    """Write the DECP JSON of ``frame`` to ``path`` (UTF-8); an unchanged candidate gives identical bytes."""
    text = json.dumps(decp_document(frame), ensure_ascii=False, indent=1, allow_nan=False) + "\n"
    write_text_atomic(path, text)


def validate_decp(path: Path) -> list[str]:
    """Validate the DECP file at ``path`` against the DECP 2.0.3 JSON Schema; [] when it conforms.

    Each message names the file, the JSON path of the faulty element and the
    rule of the schema it breaks (``required``, ``enum``, ``type``...), kept short.
    """
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        return [f"{path.name}: not UTF-8 JSON ({type(exc).__name__})"]
    validator = Draft7Validator(load_schema(SCHEMA))
    errors = sorted(validator.iter_errors(document), key=lambda e: (e.json_path, e.validator))
    return [_message(path, error) for error in errors]


def _message(path: Path, error: ValidationError) -> str:
    message = f"{path.name}: {error.json_path}: {error.validator}"
    if error.validator == "required" and isinstance(error.instance, dict):
        missing = [k for k in error.validator_value if k not in error.instance]
        message += f" ({', '.join(missing)})"
    return message


def _contract(row: dict, order: tuple[str, ...]) -> dict:
    contract: dict = {}
    for flat in SCALARS:
        if row.get(flat) is not None:
            contract[flat] = row[flat]
    for flat, (key, inner) in OBJECTS.items():
        if row.get(flat) is not None:
            contract.setdefault(key, {})[inner] = row[flat]
    for flat, inner in LISTS.items():
        items = _split(row.get(flat))
        if items:
            contract[flat] = {inner: items}
    holders = _holders(row)
    if holders:
        contract["titulaires"] = holders
    return {key: contract[key] for key in order if key in contract}


def _holders(row: dict) -> list[dict]:
    """Holders by identifier only: ``titulaires.id`` and ``titulaires.typeIdentifiant`` are read in pairs."""
    ids, types = _split(row.get(HOLDER_IDS)), _split(row.get(HOLDER_TYPES))
    if len(ids) != len(types):
        raise DecpError(f"contract {row.get('id')}: {len(ids)} holder identifier(s) but {len(types)} identifier "
                        "type(s) (rule: DECP holders come in pairs of typeIdentifiant and id)")
    return [{"titulaire": {"typeIdentifiant": kind, "id": ident}} for kind, ident in zip(types, ids)]


def _split(value: str | None) -> list[str]:
    return [part.strip() for part in value.split(";") if part.strip()] if value else []


def _values(series: pd.Series) -> list:
    """A column as JSON-ready Python values: None for missing, dates as ``YYYY-MM-DD``, numbers as numbers.

    One Python value per contract: a DECP file holds a buyer's contracts, thousands at most.
    """
    convert = {"integer": _integer, "number": _number, "boolean": _boolean, "date": _date}.get(
        SCALARS.get(str(series.name), "string"), str)
    return [None if _missing(v) else convert(v) for v in series.astype(object).tolist()]


def _missing(value: object) -> bool:
    return value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and math.isnan(value))


def _boolean(value: object) -> bool:
    if not isinstance(value, (bool, np.bool_)):
        raise DecpError(f"a boolean field holds a {type(value).__name__} (rule: DECP boolean fields)")
    return bool(value)


def _integer(value: object) -> int:
    if isinstance(value, numbers.Integral):
        return int(value)
    number = float(value)  # type: ignore[arg-type]
    if not number.is_integer():
        raise DecpError("an integer field holds a fractional value (rule: DECP integer fields)")
    return int(number)


def _number(value: object) -> int | float:
    if isinstance(value, numbers.Integral):
        return int(value)
    number = float(value)  # type: ignore[arg-type]
    # A whole amount is written without ".0" (575000, as in the DECP example); JSON has one number type.
    return int(number) if number.is_integer() and abs(number) < 2**53 else number


def _date(value: object) -> str:
    if isinstance(value, (dt.datetime, pd.Timestamp)):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)[:10]
