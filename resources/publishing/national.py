"""The national schemas our published files follow, by the name a policy gives in ``national_schema``.

Where a national schema exists its field names, order and formats win over
our general CSV conventions (legal-and-standards.md, section 5;
schema.data.gouv.fr). The project keeps its own run-time copy of each schema
in ``config/schemas/``, so publication never depends on the network.

- ``scdl-subventions-2.1.1``: Table Schema of the SCDL "subventions" format
  (données essentielles des conventions de subvention, décret 2017-779);
  the ``subventions`` CSV is written and validated against it.
- ``decp-2.0.3``: JSON Schema of the DECP format (données essentielles de la
  commande publique, arrêté du 22 décembre 2022); public contracts are
  published as JSON (``resources.publishing.decp``), not as a Table Schema CSV.
"""

from __future__ import annotations

import json
from pathlib import Path

from resources.common.institution import config_dir
from resources.common.vocabulary import NATIONAL_SCHEMAS

# Policy ``national_schema`` value -> the schema (its file under ``config/schemas/``, its URL...).
SCHEMAS = NATIONAL_SCHEMAS


def schema_path(name: str) -> Path:
    """Path of the run-time copy of national schema ``name``; an unknown name is refused, naming it."""
    if name not in SCHEMAS:
        # A typo in a policy must fail loudly: silently falling back to our own
        # conventions would publish a file the national consolidation rejects.
        raise KeyError(f"national schema '{name}' is unknown; known: {', '.join(sorted(SCHEMAS))}")
    return config_dir() / "schemas" / SCHEMAS[name].file


def load_schema(name: str) -> dict:
    """The national schema ``name`` as a dict, read afresh (callers may modify it)."""
    return json.loads(schema_path(name).read_text(encoding="utf-8"))


def national_table_schema(name: str) -> dict | None:
    """The Table Schema (frictionless) of national schema ``name``, or None when that format is not a table.

    ``name`` is the policy's ``national_schema`` value, e.g.
    ``scdl-subventions-2.1.1`` for ``subventions``. DECP is a JSON Schema of
    nested documents: None, the contracts' CSV view follows our own
    conventions and the regulatory file is the DECP JSON.
    """
    schema = load_schema(name)
    return schema if "fields" in schema else None
