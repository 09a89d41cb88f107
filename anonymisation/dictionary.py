"""The data dictionary: every source column classified (``anonymisation/dictionary/<system>.yaml``).

Classes, from the strictest:
- ``direct_identifier``: names, staff or student numbers, NIR, INE, personal contacts;
- ``sensitive``: CRPA L311-6 matters (health, disability, sick leave, pay, marks,
  scholarship, home address, bank details, birth date): never at row level;
- ``free_text``: may hold anything; published only after the free-text scan;
- ``quasi_identifier``: identifies in combination (sex, nationality, dates...);
- ``non_personal``: codes and labels of the institution, legal persons.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import yaml

ColumnClass = Literal["direct_identifier", "sensitive", "free_text", "quasi_identifier", "non_personal"]
CLASSES: tuple[str, ...] = ("direct_identifier", "sensitive", "free_text", "quasi_identifier", "non_personal")
DICTIONARY_DIR = Path(__file__).resolve().parent / "dictionary"


class DictionaryError(ValueError):
    """The dictionary is missing a column or uses an unknown class."""


@dataclass(frozen=True)
class Entry:
    system: str
    table: str
    column: str
    cls: ColumnClass
    note: str | None = None


class Dictionary:
    """Lookup of a column's class by ``system.table.column``."""

    def __init__(self, entries: dict[str, Entry]) -> None:
        self.entries = entries

    def get(self, system: str, table: str, column: str) -> Entry:
        key = f"{system}.{table}.{column}"
        if key not in self.entries:
            raise DictionaryError(f"{key}: not in the data dictionary (rule: every source column is classified)")
        return self.entries[key]


def load_dictionary(folder: Path = DICTIONARY_DIR) -> Dictionary:
    entries: dict[str, Entry] = {}
    for path in sorted(folder.glob("*.yaml")):
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        system = raw["system"]
        for table, columns in (raw.get("tables") or {}).items():
            for column, spec in (columns or {}).items():
                cls = (spec or {}).get("class")
                if cls not in CLASSES:
                    raise DictionaryError(f"{path.name}: {table}.{column}: unknown class '{cls}'")
                entries[f"{system}.{table}.{column}"] = Entry(system, table, column, cls, (spec or {}).get("note"))
    return Dictionary(entries)
