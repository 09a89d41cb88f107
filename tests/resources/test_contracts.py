"""Source contract loader: every malformed contract is refused, naming file, table and column."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pytest
import yaml

from resources.common.errors import ConfigurationError
from resources.sourcing.contracts import arrow_type, load_contract
from tests.resources.source_fixture import CONTRACT


@pytest.mark.parametrize(
    ("name", "expected"),
    [("string", pa.string()), ("int32", pa.int32()), ("decimal128(14,2)", pa.decimal128(14, 2)),
     ("timestamp[us]", pa.timestamp("us")), ("date32", pa.date32()), ("bool", pa.bool_())],
)
def test_arrow_type_names(name: str, expected: pa.DataType) -> None:
    assert arrow_type(name) == expected


def _write(tmp_path: Path, mutate) -> Path:
    raw = yaml.safe_load(yaml.safe_dump(CONTRACT))
    mutate(raw["tables"]["inscriptions"])
    (tmp_path / "students.yaml").write_text(yaml.safe_dump(raw), encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda t: t["columns"]["code"].update(type="varchar"), r"column 'code': unknown type 'varchar'"),
        (lambda t: t["columns"]["code"].update(use=["publish"]), r"column 'code': use must be among"),
        (lambda t: t["columns"]["code"].pop("class"), r"column 'code': 'class' must be one of"),
        (lambda t: t["columns"]["code"].update(personal=False), r"column 'code': 'personal' is replaced by 'class'"),
        (lambda t: t["columns"]["code"].update(use=["guard"]), r"column 'code': use must be among .*guard role"),
        (lambda t: t["columns"]["code"].update(guard="NIR"), r"column 'code': a guard role is for a direct_identifier"),
        (lambda t: t["columns"]["note"].update(guard="SIREN"), r"column 'note': guard role must be one of"),
        (lambda t: t["columns"]["note"].update(guard="last_name"), r"guard roles last_name and first_name go together"),
        (lambda t: t.update(natural_persons={"code": "x"}), r"natural_persons on a table without guard roles"),
        (lambda t: t.update(key=["nope"]), r"key column 'nope'"),
        (lambda t: t["partition"].update(column="nope"), r"partition column 'nope'"),
        (lambda t: t["partition"].update(kind="weekly"), r"partition kind 'weekly'"),
        (lambda t: t.pop("source"), r"table 'inscriptions': 'source'"),
    ],
)
def test_malformed_contracts_are_refused(tmp_path: Path, mutate, message: str) -> None:
    with pytest.raises(ConfigurationError, match=message):
        load_contract(_write(tmp_path, mutate), "students")


def test_only_used_columns_are_extracted(tmp_path: Path) -> None:
    table = load_contract(_write(tmp_path, lambda t: None), "students").tables["inscriptions"]
    assert "adresse" not in table.arrow_schema().names
    assert [c.name for c in table.columns if not c.extracted] == ["adresse"]
