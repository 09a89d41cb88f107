"""What builders receive: a reader of staged tables and the run's context."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Protocol

import pandas as pd

from resources.common.vocabulary import PARTITION

__all__ = ["PARTITION", "BuildContext", "Establishment", "Reader", "active_on", "prefixed"]


class Reader(Protocol):
    def __call__(self, system: str, table: str) -> pd.DataFrame:
        """Every staged partition of a table (latest run of each), with its year in ``_partition``."""


@dataclass(frozen=True)
class Establishment:
    """The publishing institution: its name and national identifiers (uai, siret, siren, paysage, ror, wikidata)."""

    name: str
    siret: str
    identifiers: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class BuildContext:
    """Identity of the institution and the day of the run."""

    institution: Establishment
    as_of: dt.date


Builder = Callable[[Reader, BuildContext], pd.DataFrame]


def prefixed(frame: pd.DataFrame, table: str) -> pd.DataFrame:
    """Name columns ``table.column`` (the partition year stays ``_partition``)."""
    return frame.rename(columns={c: f"{table}.{c}" for c in frame.columns if c != PARTITION})


def active_on(frame: pd.DataFrame, start: str, end: str, day: pd.Series | dt.date) -> pd.Series:
    """Rows whose [start, end] period contains ``day`` (an empty end runs on)."""
    when = pd.to_datetime(day) if isinstance(day, pd.Series) else pd.Timestamp(day)
    begins = pd.to_datetime(frame[start])
    ends = pd.to_datetime(frame[end])
    return (begins <= when) & (ends.isna() | (ends >= when))
