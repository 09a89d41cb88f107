"""The data dictionary: every source column's class, read from the source contracts (the column registry).

Each contract column (``config/contracts/<set>/<system>.yaml``) carries its
``class``, from the strictest:
- ``direct_identifier``: names, staff or student numbers, NIR, INE, personal contacts;
- ``sensitive``: CRPA L311-6 matters (health, disability, sick leave, pay, marks,
  scholarship, home address, bank details, birth date): never at row level;
- ``free_text``: may hold anything; published only after the free-text scan;
- ``quasi_identifier``: identifies in combination (sex, nationality, dates...);
- ``non_personal``: codes and labels of the institution, legal persons.

The class is written once, in the contract; this module only reads it. A
class never makes a column public: only a reviewed policy does, and the
policy rules (``anonymisation/rules.py``) refuse what the class forbids.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from resources.common.institution import SYSTEMS, config_dir
from resources.sourcing.contracts import CLASSES, NAME_ROLES, ColumnClass, SystemContract, TableContract, load_contract

__all__ = ["CLASSES", "ColumnClass", "Dictionary", "DictionaryError", "Entry", "PersonSource", "load_dictionary"]


class DictionaryError(ValueError):
    """The dictionary is missing a column."""


@dataclass(frozen=True)
class Entry:
    system: str
    table: str
    column: str
    cls: ColumnClass
    note: str | None = None
    guard: str | None = None


@dataclass(frozen=True)
class PersonSource:
    """A person table the leak guard and the free-text deny-list read, derived from the guard roles.

    ``names``: the (last, usage or None, first) name columns, if the table has
    them; ``identifiers``: identifier kind -> column; ``natural_persons``: the
    ``{column: value}`` filter keeping natural persons only.
    """

    system: str
    table: str
    names: tuple[str, str | None, str] | None
    identifiers: dict[str, str]
    natural_persons: dict[str, str] | None


class Dictionary:
    """Lookup of a column's class by ``system.table.column``, and the person tables."""

    def __init__(self, entries: dict[str, Entry], persons: tuple[PersonSource, ...] = ()) -> None:
        self.entries = entries
        self.persons = persons

    def get(self, system: str, table: str, column: str) -> Entry:
        key = f"{system}.{table}.{column}"
        if key not in self.entries:
            raise DictionaryError(f"{key}: not in the data dictionary (rule: every source column is classified)")
        return self.entries[key]


def from_contracts(contracts: Iterable[SystemContract]) -> Dictionary:
    """The dictionary of one contract set: the class of every column, and its person tables."""
    entries: dict[str, Entry] = {}
    persons: list[PersonSource] = []
    for contract in contracts:
        for table in contract.tables.values():
            for c in table.columns:
                entries[f"{contract.system}.{table.name}.{c.name}"] = Entry(
                    contract.system, table.name, c.name, c.cls, c.note, c.guard)
            if table.person_table:
                persons.append(_person_source(contract.system, table))
    return Dictionary(entries, tuple(persons))


def _person_source(system: str, table: TableContract) -> PersonSource:
    roles = {c.guard: c.name for c in table.columns if c.guard}
    names = None
    if "last_name" in roles:
        names = (roles["last_name"], roles.get("usage_name"), roles["first_name"])
    identifiers = {role: column for role, column in roles.items() if role not in NAME_ROLES}
    return PersonSource(system, table.name, names, identifiers, table.natural_persons)


def default_contracts() -> Path:
    """The contract set the catalogue's policies were reviewed against."""
    return config_dir() / "contracts" / "default"


def load_dictionary(contracts_dir: Path | None = None) -> Dictionary:
    """The dictionary of a contract set (the default set unless an institution names its own)."""
    folder = contracts_dir or default_contracts()
    return from_contracts(load_contract(folder, system) for system in SYSTEMS)
