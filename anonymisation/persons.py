"""The persons of the sources, for the free-text deny-list and the leak guard.

Names and direct identifiers of agents, students and natural-person third
parties are read from staging. They never leave this process in clear: the
guard holds them as keyed hashes, the scanner as normalised tokens.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import pandas as pd

from anonymisation.dictionary import Dictionary
from anonymisation.policy import Policy

Reader = Callable[[str, str], pd.DataFrame]


@dataclass
class Persons:
    """Every natural person's (first name, last name), and their direct identifiers by kind."""

    names: list[tuple[str, str]] = field(default_factory=list)
    identifiers: dict[str, list[str]] = field(default_factory=dict)

    def add_names(self, first: pd.Series, last: pd.Series) -> None:
        pairs = pd.DataFrame({"f": first, "l": last}).dropna().drop_duplicates()
        self.names += list(zip(pairs["f"].astype("str"), pairs["l"].astype("str")))


def collect_persons(read: Reader, dictionary: Dictionary) -> Persons:
    """Read the persons of every person table of the registry (columns with a guard role) from staging."""
    persons = Persons()
    for source in dictionary.persons:
        frame = read(source.system, source.table)
        for column, value in (source.natural_persons or {}).items():
            frame = frame[frame[column] == value]
        if source.names:
            last, usage, first = source.names
            persons.add_names(frame[first], frame[last])
            if usage:
                persons.add_names(frame[first], frame[usage])
        for kind, column in source.identifiers.items():
            values = frame[column].dropna().astype("str")
            persons.identifiers.setdefault(kind, []).extend(values.tolist())
    return persons


def oppositions(policies: Iterable[Policy], read: Reader) -> dict[str, set[str]]:
    """Person keys of every opposition list the catalogue's exceptions name (GDPR art. 21)."""
    found: dict[str, set[str]] = {}
    for policy in policies:
        exception = policy.exception
        if exception is None or exception.opposition in found:
            continue
        system, _, table = exception.opposition.partition(".")
        key = exception.person_key.partition(".")[2]
        found[exception.opposition] = set(read(system, table)[key].dropna().astype("str"))
    return found


def institution_places(read: Reader) -> tuple[list[str], list[str]]:
    """The institution's own structure labels and site addresses ("621 avenue Centrale, 38400 Saint-Martin-d'Hères").

    Both are public: the labels' eponyms and the sites' addresses stay in free text.
    """
    frame = read("hr", "structures")
    labels = frame["libelle"].dropna().astype("str").drop_duplicates().tolist()
    sites = frame[["adresse", "code_postal", "commune"]].dropna(subset=["adresse"]).drop_duplicates()
    addresses = [f"{row.adresse}, {row.code_postal or ''} {row.commune or ''}".strip(" ,")
                 for row in sites.itertuples(index=False)]
    return labels, addresses
