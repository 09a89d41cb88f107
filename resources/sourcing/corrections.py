"""Corrections reported by reusers: one small YAML file each, reviewed before the night applies it.

A reuser tells the institution that a published value is wrong (a label, a
missing code, a contract holder's SIRET, a site's coordinates). Until the
source system itself is fixed, the steward writes the correction down in the
institution's ``corrections/`` folder (``docs/corrections.md``): which source
table and column, which row (its key in the source), the value the source
holds today, the proposed one, where the report came from, and who reviewed
it. Only a reviewed correction (status ``validée``) is applied, by the
extraction (``resources.sourcing.correcting``).

A correction never touches personal data. The source contract is the column
registry: a correction may only change a ``non_personal`` column that is not
a key, of a reference table (no yearly partition) whose rows are not persons,
or of a table that names legal persons on purpose (``natural_persons``), on a
legal person's row. The same rules are checked when a correction is written,
when it is reviewed, and every night before it is applied.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import yaml

from resources.common.errors import OpenDataError
from resources.common.files import write_text_atomic
from resources.sourcing.contracts import TableContract

PROPOSED, VALIDATED = "proposée", "validée"
STATUSES = (PROPOSED, VALIDATED)
# Classes whose presence in a table makes its rows persons' records (free text alone does not: a contract's object).
PERSON_CLASSES = frozenset({"direct_identifier", "sensitive", "quasi_identifier"})
_ID = re.compile(r"^[a-z0-9][a-z0-9-]{2,80}$")
# The report's source is a link or a reference (a discussion URL, a ticket): never the reporter's address.
_EMAIL = re.compile(r"[^\s@<>]+@[^\s@<>]+\.[a-z]{2,}", re.IGNORECASE)
FIELDS = ("id", "table", "column", "key", "expected", "proposed", "source", "reported_on", "status",
          "reviewer", "reviewed_on")


class CorrectionError(OpenDataError):
    """A correction file is malformed, or would change what no correction may change."""


@dataclass(frozen=True)
class Correction:
    """One reported error and the value that replaces it until the source is fixed."""

    id: str
    table: str  # "system.table", as the source contracts name it
    column: str
    key: dict[str, str]  # the row's key in the source: every key column of the table, and its value
    expected: str | None  # what the source holds today (None: no value, a missing code)
    proposed: str
    source: str  # where the report came from: a data.gouv.fr discussion URL, a ticket or message reference
    reported_on: dt.date
    status: str = PROPOSED
    reviewer: str | None = None
    reviewed_on: dt.date | None = None
    path: Path | None = field(default=None, compare=False)

    @property
    def system(self) -> str:
        return self.table.partition(".")[0]

    @property
    def table_name(self) -> str:
        return self.table.partition(".")[2]

    @property
    def validated(self) -> bool:
        return self.status == VALIDATED

    @property
    def where(self) -> str:
        """How errors name it: table, column and id, never a value."""
        return f"{self.table}.{self.column}: correction '{self.id}'"

    def as_yaml(self) -> str:
        raw = {name: getattr(self, name) for name in FIELDS}
        for name in ("reported_on", "reviewed_on"):
            raw[name] = raw[name].isoformat() if raw[name] else None
        return yaml.safe_dump(raw, allow_unicode=True, sort_keys=False)


def refused(correction: Correction, rule: str, why: str) -> CorrectionError:
    return CorrectionError(f"{correction.where} refused: {why} (rule: correction {rule})")


def check_allowed(correction: Correction, table: TableContract | None) -> None:
    """Refuse a correction the source contract does not allow: a personal column, a key, a person's row.

    The error names table, column and rule, never a value. Whether the row is
    a natural person's is known only when the row is read: ``natural_person``.
    """
    if table is None:
        raise refused(correction, "known table", "the table is not in the institution's source contracts")
    spec = table.column(correction.column)
    if spec is None:
        raise refused(correction, "known column", "the column is not in the table's source contract")
    if not spec.extracted:
        raise refused(correction, "extracted column", "the column is never extracted (no stage uses it)")
    if spec.personal:
        raise refused(correction, "non-personal column", f"the column is personal data (class {spec.cls} in the "
                      "source contract); correct it in the source system")
    if correction.column in table.key:
        raise refused(correction, "not a key", "the column is the row's key; a wrong key is fixed in the source")
    if set(correction.key) != set(table.key):
        raise refused(correction, "whole key", f"the row must be named by its key columns ({', '.join(table.key)})")
    if any(not (c := table.column(name)) or not c.extracted for name in table.key):
        raise refused(correction, "whole key", "a key column is never extracted")
    if table.partition is not None:
        raise refused(correction, "reference table", "the table is cut into yearly partitions; corrections apply "
                      "to reference tables only")
    persons = sorted(c.name for c in table.columns if c.cls in PERSON_CLASSES or c.guard)
    if persons and not table.natural_persons:
        raise refused(correction, "no natural person", "the table's rows are persons' records (personal columns: "
                      f"{', '.join(persons)})")
    typed_values(correction, table)


@dataclass(frozen=True)
class TypedCorrection:
    """A correction's values in the types of their columns, ready to compare with staged rows."""

    correction: Correction
    key: dict[str, pa.Scalar]
    expected: pa.Scalar
    proposed: pa.Scalar


def typed_values(correction: Correction, table: TableContract) -> TypedCorrection:
    """Cast key, expected and proposed values to the contract's types; a value that does not fit is refused."""
    def cast(column: str, value: str | None, what: str) -> pa.Scalar:
        dtype = table.column(column).type
        try:
            return pa.array([value], pa.string()).cast(dtype)[0]
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            # Arrow's message quotes the value: the column and its type only.
            raise refused(correction, "column type", f"the {what} value does not fit the column {column}'s "
                          f"type {dtype}") from None

    key = {name: cast(name, value, "key") for name, value in correction.key.items()}
    return TypedCorrection(correction, key, cast(correction.column, correction.expected, "expected"),
                           cast(correction.column, correction.proposed, "proposed"))


def natural_person(table: TableContract, row: dict[str, object]) -> bool:
    """Whether a staged row is a natural person's, by the contract's ``natural_persons`` filter."""
    filters = table.natural_persons or {}
    return bool(filters) and all(str(row.get(column)) == value for column, value in filters.items())


def load_correction(path: Path) -> Correction:
    """Read one correction file; a missing or malformed field is named, its value never quoted."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise CorrectionError(f"{path.name}: unreadable correction file ({type(exc).__name__}) "
                              "(rule: correction file)") from None
    if not isinstance(raw, dict):
        raise CorrectionError(f"{path.name}: a correction file is a mapping of {', '.join(FIELDS)} (rule: correction file)")

    def text(name: str, required: bool = True) -> str | None:
        value = raw.get(name)
        if value is None or str(value).strip() == "":
            if required:
                raise CorrectionError(f"{path.name}: '{name}' is required (rule: correction file)")
            return None
        return str(value)

    def day(name: str, required: bool) -> dt.date | None:
        value = raw.get(name)
        if isinstance(value, dt.date):
            return value
        if value in (None, ""):
            if required:
                raise CorrectionError(f"{path.name}: '{name}' is required (rule: correction file)")
            return None
        try:
            return dt.date.fromisoformat(str(value))
        except ValueError:
            raise CorrectionError(f"{path.name}: '{name}' must be a date YYYY-MM-DD (rule: correction file)") from None

    unknown = sorted(set(raw) - set(FIELDS))
    if unknown:
        raise CorrectionError(f"{path.name}: unknown field(s) {', '.join(map(str, unknown))} (rule: correction file)")
    key = raw.get("key")
    if not isinstance(key, dict) or not key or any(v is None for v in key.values()):
        raise CorrectionError(f"{path.name}: 'key' maps every key column of the row to its value (rule: correction file)")
    correction = Correction(
        id=text("id"), table=text("table"), column=text("column"), key={str(k): str(v) for k, v in key.items()},
        expected=text("expected", required=False), proposed=text("proposed"), source=text("source"),
        reported_on=day("reported_on", True), status=text("status"), reviewer=text("reviewer", required=False),
        reviewed_on=day("reviewed_on", False), path=path)
    check_fields(correction, path.name)
    return correction


def check_fields(correction: Correction, where: str) -> None:
    """What a correction file must hold, whatever its table: id, table, status, a source that names no one."""
    if not _ID.match(correction.id):
        raise CorrectionError(f"{where}: id must be lower-case letters, digits and dashes (rule: correction file)")
    if correction.path is not None and correction.path.stem != correction.id:
        raise CorrectionError(f"{where}: the file is named after its id (rule: correction file)")
    if correction.table.count(".") != 1:
        raise CorrectionError(f"{where}: table is 'system.table', e.g. hr.structures (rule: correction file)")
    if correction.status not in STATUSES:
        raise CorrectionError(f"{where}: status must be one of {', '.join(STATUSES)} (rule: correction file)")
    if correction.validated and not (correction.reviewer and correction.reviewed_on):
        raise CorrectionError(f"{where}: a validated correction names its reviewer and review date "
                              "(rule: correction review)")
    if _EMAIL.search(correction.source):
        raise CorrectionError(f"{where}: source holds an e-mail address; give a link or a ticket reference, "
                              "never the reporter's address (rule: correction source)")


@dataclass(frozen=True)
class Unreadable:
    """A correction file the night cannot read: its name, the table it names if that much reads, and why."""

    file: str
    table: str | None
    message: str


def read_corrections(folder: Path) -> tuple[list[Correction], list[Unreadable]]:
    """The folder's corrections, by id, and apart the files that cannot be read; an absent folder holds none.

    At night a malformed file is set aside and reported rather than stopping
    every table's extraction: a correction only ever fixes a non-personal
    value, so the night without it publishes what the source holds.
    """
    if not folder.is_dir():
        return [], []
    read, unreadable = [], []
    for path in sorted(folder.glob("*.yaml")):
        try:
            read.append(load_correction(path))
        except CorrectionError as exc:
            unreadable.append(Unreadable(path.name, _named_table(path), str(exc)))
    return read, unreadable


def _named_table(path: Path) -> str | None:
    """The 'system.table' a malformed file names, when its YAML reads that far."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError):
        return None
    table = raw.get("table") if isinstance(raw, dict) else None
    return table if isinstance(table, str) and table.count(".") == 1 else None


def save_correction(folder: Path, correction: Correction) -> Path:
    """Write the correction's file (``<folder>/<id>.yaml``) atomically."""
    check_fields(correction, f"{correction.id}.yaml")
    return write_text_atomic(folder / f"{correction.id}.yaml", correction.as_yaml())
