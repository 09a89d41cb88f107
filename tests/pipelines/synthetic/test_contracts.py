"""The default contracts, the schema, the docs page and the public names stay in step."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
import yaml

from anonymisation.policy import load_catalogue
from pipelines.synthetic.docs import render_sources_md
from pipelines.synthetic.ref_geo import PUBLIC_NAMES
from pipelines.synthetic.schema import METADATA, SYSTEMS
from pipelines.synthetic.schema_common import arrow_type_of
from resources.sourcing.contracts import CLASSES
from tests.pipelines.synthetic.conftest import Generated

ROOT = Path(__file__).resolve().parents[3]
CONTRACTS = ROOT / "config" / "contracts" / "default"


def _contract(system: str) -> dict:
    return yaml.safe_load((CONTRACTS / f"{system}.yaml").read_text(encoding="utf-8"))


@pytest.mark.parametrize("system", SYSTEMS)
def test_contract_lists_exactly_the_generated_columns(system: str, sources: dict[str, Generated]) -> None:
    contract = _contract(system)
    assert contract["system"] == system
    inspector = sa.inspect(sources[system].engine)
    assert set(contract["tables"]) == set(inspector.get_table_names())
    for name, spec in contract["tables"].items():
        actual = [c["name"] for c in inspector.get_columns(spec["source"])]
        assert list(spec["columns"]) == actual, name
        assert all(col["source"] == column for column, col in spec["columns"].items()), name
        assert spec["key"] == inspector.get_pk_constraint(spec["source"])["constrained_columns"], name


@pytest.mark.parametrize("system", SYSTEMS)
def test_contract_types_partitions_and_uses(system: str) -> None:
    for name, spec in _contract(system)["tables"].items():
        table = METADATA[system].tables[spec["source"]]
        for column, col in spec["columns"].items():
            assert col["type"] == arrow_type_of(table.columns[column].type), (name, column)
            assert col["class"] in CLASSES, (name, column)
            assert set(col["use"]) <= {"policy", "check"}, (name, column)
            if col.get("guard"):
                assert col["class"] in ("direct_identifier", "sensitive"), (name, column)
        assert spec["description"] and spec["source"] == name
        part = spec.get("partition")
        if part:
            column = table.columns[part["column"]]
            if part["mode"] == "year":
                assert isinstance(column.type, sa.Integer), name
            else:
                assert isinstance(column.type, (sa.Date, sa.DateTime)), name
            if part["mode"] == "period":
                assert isinstance(table.columns[part["end_column"]].type, sa.Date), name


def test_sensitive_tables_never_leave_the_source() -> None:
    """Health, pay, travel and staff comments feed no open dataset: nothing of them is extracted.

    Unless a reviewed policy reads the table under a declared legal basis for
    using a sensitive value (``sensitive_use``, with its article): the ten
    highest salaries read the pay.
    """
    declared = {entry for policy in load_catalogue().values() if policy.sensitive_use for entry in policy.inputs}
    for system, table in (("hr", "paie"), ("hr", "conges_maladie"), ("hr", "handicap"),
                          ("finance", "frais_deplacement"), ("students", "commentaires")):
        columns = _contract(system)["tables"][table]["columns"]
        assert f"{system}.{table}" in declared or all(col["use"] == [] for col in columns.values()), table


def test_direct_identifiers_are_guarded() -> None:
    guarded = {(s, t, c) for s in SYSTEMS for t, spec in _contract(s)["tables"].items()
               for c, col in spec["columns"].items() if col.get("guard")}
    for expected in (("hr", "agents", "nir"), ("hr", "agents", "nom"), ("students", "etudiants", "ine"),
                     ("students", "etudiants", "email_perso"), ("finance", "tiers", "iban")):
        assert expected in guarded


def test_docs_page_is_rendered_from_the_contracts() -> None:
    page = (ROOT / "docs" / "sources.md").read_text(encoding="utf-8")
    assert page == render_sources_md(), "run: python -m pipelines.synthetic.docs"
    for system in SYSTEMS:
        for name, spec in _contract(system)["tables"].items():
            assert f"### `{name}`" in page
            for column in spec["columns"]:
                assert f"| `{column}` |" in page, (name, column)


def test_public_names_file_matches_the_generator() -> None:
    listed = yaml.safe_load((ROOT / "config" / "public_names.yaml").read_text(encoding="utf-8"))
    assert listed == list(PUBLIC_NAMES)
