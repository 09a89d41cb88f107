"""Source contracts: what the pipeline expects of each institution's tables.

A contract (``config/contracts/<set>/<system>.yaml``) maps each canonical
table to the institution's own table or view, and each canonical column to
the institution's column with its Arrow type. An institution adapts the
pipeline to its Apogée, SIHAM or SIFAC by editing these files, not code.

The contract is also the column registry: each column's ``class`` (what it
reveals of a person) is written here once, and the data dictionary, the
policy rules and the leak guard read it. A column's ``guard`` role (a name
part or an identifier kind) makes it one the leak guard looks for; its
table is then a person table. The class never makes anything public: only
a reviewed policy does.

Only columns some later stage uses are extracted: data minimisation, GDPR
art. 5(1)(c). ``use`` names the stages written by hand (``policy``: a
policy or its builder reads it; ``check``: a source suite reads it, checked
against the suites when the definitions load); ``guard`` is added from the
column's guard role.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import pyarrow as pa
import yaml

from resources.common.errors import ConfigurationError

PartitionKind = Literal["academic_year", "fiscal_year", "reference_year"]
PartitionMode = Literal["year", "date", "period"]
USES = frozenset({"policy", "check", "guard"})
WRITTEN_USES = frozenset({"policy", "check"})  # ``guard`` follows from the column's guard role

ColumnClass = Literal["direct_identifier", "sensitive", "free_text", "quasi_identifier", "non_personal"]
# From the strictest; a reviewed policy's rules depend on them (anonymisation/rules.py).
CLASSES: tuple[str, ...] = ("direct_identifier", "sensitive", "free_text", "quasi_identifier", "non_personal")
# Every class but non_personal may hold a person's value: no suite may report it (rule: Suite.check_privacy).
PERSONAL_CLASSES = frozenset({"direct_identifier", "sensitive", "free_text", "quasi_identifier"})
# What the leak guard looks for in a column: the parts of a person's name, or an identifier kind.
NAME_ROLES = ("last_name", "usage_name", "first_name")
GUARD_ROLES = frozenset({*NAME_ROLES, "NIR", "INE", "IBAN", "EMAIL", "TELEPHONE"})

_SIMPLE_TYPES: dict[str, pa.DataType] = {
    "string": pa.string(),
    "int16": pa.int16(),
    "int32": pa.int32(),
    "int64": pa.int64(),
    "float64": pa.float64(),
    "bool": pa.bool_(),
    "date32": pa.date32(),
    "timestamp[us]": pa.timestamp("us"),
}
_DECIMAL = re.compile(r"^decimal128\((\d+),\s*(\d+)\)$")


def arrow_type(name: str) -> pa.DataType:
    """Parse a contract type name (``int64``, ``decimal128(14,2)``...) into an Arrow type."""
    if name in _SIMPLE_TYPES:
        return _SIMPLE_TYPES[name]
    match = _DECIMAL.match(name)
    if match:
        return pa.decimal128(int(match.group(1)), int(match.group(2)))
    raise ValueError(name)


@dataclass(frozen=True)
class ColumnSpec:
    """One canonical column: its name at the institution, type, class, uses, and what the guard looks for in it."""

    name: str
    source: str
    type: pa.DataType
    cls: ColumnClass
    use: frozenset[str]
    note: str | None = None
    guard: str | None = None

    @property
    def personal(self) -> bool:
        return self.cls in PERSONAL_CLASSES

    @property
    def extracted(self) -> bool:
        """Only a column some later stage uses leaves the source (data minimisation)."""
        return bool(self.use)


@dataclass(frozen=True)
class PartitionSpec:
    """How a table is cut into yearly partitions."""

    kind: PartitionKind
    mode: PartitionMode
    column: str
    end_column: str | None = None


@dataclass(frozen=True)
class TableContract:
    """What one canonical table must look like, and where it lives at the institution."""

    system: str
    name: str
    source: str
    description: str
    key: tuple[str, ...]
    partition: PartitionSpec | None
    columns: tuple[ColumnSpec, ...]
    natural_persons: dict[str, str] | None = None

    @property
    def person_table(self) -> bool:
        """A table the leak guard reads persons from: one of its columns has a guard role."""
        return any(c.guard for c in self.columns)

    def column(self, name: str) -> ColumnSpec | None:
        return next((c for c in self.columns if c.name == name), None)

    @property
    def extracted_columns(self) -> tuple[ColumnSpec, ...]:
        return tuple(c for c in self.columns if c.extracted)

    def arrow_schema(self) -> pa.Schema:
        """The staged schema: identical whatever the source engine."""
        return pa.schema([pa.field(c.name, c.type) for c in self.extracted_columns])


@dataclass(frozen=True)
class SystemContract:
    """All the tables expected from one source system."""

    system: str
    description: str
    tables: dict[str, TableContract]
    path: Path | None = None


def year_columns(contracts: list[SystemContract]) -> dict[str, str]:
    """``system.table`` -> ``table.column`` for every table whose partition year is a column's value (mode ``year``)."""
    return {f"{c.system}.{t.name}": f"{t.name}.{t.partition.column}" for c in contracts
            for t in c.tables.values() if t.partition is not None and t.partition.mode == "year"}


def load_contract(contracts_dir: Path, system: str) -> SystemContract:
    """Read and validate ``<contracts_dir>/<system>.yaml``; errors name file, table and column."""
    path = contracts_dir / f"{system}.yaml"
    if not path.is_file():
        raise ConfigurationError(f"source contract {path} does not exist")
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if raw.get("system") != system:
        raise ConfigurationError(f"{path.name}: 'system' must be '{system}'")
    tables = {name: _table(system, name, spec or {}, path) for name, spec in (raw.get("tables") or {}).items()}
    if not tables:
        raise ConfigurationError(f"{path.name}: no tables")
    return SystemContract(system, str(raw.get("description") or system), tables, path)


def _table(system: str, name: str, raw: dict, path: Path) -> TableContract:
    where = f"{path.name}: table '{name}'"
    if not raw.get("source"):
        raise ConfigurationError(f"{where}: 'source' (the institution's table) is required")
    columns = tuple(_column(where, col, spec or {}) for col, spec in (raw.get("columns") or {}).items())
    names = {c.name for c in columns}
    if not columns:
        raise ConfigurationError(f"{where}: no columns")
    key = tuple(raw.get("key") or ())
    for col in key:
        if col not in names:
            raise ConfigurationError(f"{where}: key column '{col}' is not a contract column")
    partition = _partition(where, raw.get("partition"), {c.name: c for c in columns})
    natural = _natural_persons(where, raw.get("natural_persons"), {c.name: c for c in columns})
    return TableContract(system, name, str(raw["source"]), str(raw.get("description") or ""), key, partition,
                         columns, natural)


def _natural_persons(where: str, raw: dict | None, columns: dict[str, ColumnSpec]) -> dict[str, str] | None:
    """``{column: value}``: only these rows are natural persons (legal persons are named on purpose)."""
    roles = {c.guard for c in columns.values() if c.guard}
    names = roles & set(NAME_ROLES)
    if names and not {"last_name", "first_name"} <= names:
        raise ConfigurationError(f"{where}: guard roles last_name and first_name go together")
    if not raw:
        return None
    if not roles:
        raise ConfigurationError(f"{where}: natural_persons on a table without guard roles")
    for col in raw:
        if col not in columns or not columns[col].extracted:
            raise ConfigurationError(f"{where}: natural_persons column '{col}' is not an extracted contract column")
    return {str(k): str(v) for k, v in raw.items()}


def _column(where: str, name: str, raw: dict) -> ColumnSpec:
    try:
        dtype = arrow_type(str(raw.get("type")))
    except ValueError:
        raise ConfigurationError(f"{where}, column '{name}': unknown type '{raw.get('type')}'") from None
    use = frozenset(raw.get("use") or ())
    if not use <= WRITTEN_USES:
        raise ConfigurationError(f"{where}, column '{name}': use must be among {sorted(WRITTEN_USES)} "
                                 "(guard follows from the column's guard role)")
    if "personal" in raw:
        raise ConfigurationError(f"{where}, column '{name}': 'personal' is replaced by 'class' (one of {', '.join(CLASSES)})")
    cls = raw.get("class")
    if cls not in CLASSES:
        raise ConfigurationError(f"{where}, column '{name}': 'class' must be one of {', '.join(CLASSES)}")
    guard = raw.get("guard")
    if guard is not None and guard not in GUARD_ROLES:
        raise ConfigurationError(f"{where}, column '{name}': guard role must be one of {', '.join(sorted(GUARD_ROLES))}")
    if guard is not None and cls not in ("direct_identifier", "sensitive"):
        raise ConfigurationError(f"{where}, column '{name}': a guard role is for a direct_identifier or sensitive column")
    note = str(raw["note"]) if raw.get("note") else None
    return ColumnSpec(name, str(raw.get("source") or name), dtype, cls, use | ({"guard"} if guard else set()), note, guard)


def _partition(where: str, raw: dict | None, columns: dict[str, ColumnSpec]) -> PartitionSpec | None:
    if not raw:
        return None
    spec = PartitionSpec(raw.get("kind"), raw.get("mode", "year"), raw.get("column"), raw.get("end_column"))
    if spec.kind not in ("academic_year", "fiscal_year", "reference_year"):
        raise ConfigurationError(f"{where}: partition kind '{spec.kind}' is unknown")
    if spec.mode not in ("year", "date", "period"):
        raise ConfigurationError(f"{where}: partition mode '{spec.mode}' is unknown")
    needed = [spec.column] + ([spec.end_column] if spec.mode == "period" else [])
    for col in needed:
        if col not in columns:
            raise ConfigurationError(f"{where}: partition column '{col}' is not a contract column")
    return spec
