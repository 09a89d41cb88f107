"""The persons of the sources, for the free-text deny-list and the leak guard.

Names and direct identifiers of agents, students and natural-person third
parties are read from staging. They never leave this process in clear: the
guard holds them as keyed hashes, the scanner as normalised tokens.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import pandas as pd

from anonymisation.policy import Policy

Reader = Callable[[str, str], pd.DataFrame]

# (system, table, name columns (last, usage, first), identifier columns by kind, filter)
_SOURCES: tuple[tuple[str, str, tuple[str, str | None, str], dict[str, str]], ...] = (
    ("hr", "agents", ("nom", "nom_usage", "prenom"), {"NIR": "nir", "EMAIL": "email_perso", "TELEPHONE": "telephone_perso"}),
    ("students", "etudiants", ("nom", "nom_usage", "prenom"), {"INE": "ine", "EMAIL": "email_perso", "TELEPHONE": "telephone"}),
    ("finance", "tiers", ("nom", None, "prenom"), {"IBAN": "iban", "EMAIL": "email", "TELEPHONE": "telephone"}),
)


@dataclass
class Persons:
    """Every natural person's (first name, last name), and their direct identifiers by kind."""

    names: list[tuple[str, str]] = field(default_factory=list)
    identifiers: dict[str, list[str]] = field(default_factory=dict)

    def add_names(self, first: pd.Series, last: pd.Series) -> None:
        pairs = pd.DataFrame({"f": first, "l": last}).dropna().drop_duplicates()
        self.names += list(zip(pairs["f"].astype("str"), pairs["l"].astype("str")))


def collect_persons(read: Reader) -> Persons:
    """Read the persons of the three systems from staging."""
    persons = Persons()
    for system, table, (last, usage, first), identifiers in _SOURCES:
        frame = read(system, table)
        if table == "tiers":  # legal persons are named on purpose (décret 2017-779, DECP)
            frame = frame[frame["type_tiers"] == "personne_physique"]
        persons.add_names(frame[first], frame[last])
        if usage:
            persons.add_names(frame[first], frame[usage])
        for kind, column in identifiers.items():
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
