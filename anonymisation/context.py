"""What a run hands to the anonymisation of one dataset: the day, the scanner, oppositions, the version online.

It lives apart from ``anonymisation.apply`` so that the dataset kinds
(``anonymisation.kinds``), which ``apply`` calls, can read it without
importing ``apply`` back.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass, field

import pandas as pd

from anonymisation.dictionary import Dictionary
from anonymisation.freetext import FreeTextScanner


@dataclass
class ApplyContext:
    """What a run provides: the day, the scanner, oppositions and the previous published version."""

    as_of: dt.date
    run_id: str
    code_version: str
    dictionary: Dictionary
    scanner: FreeTextScanner | None = None
    oppositions: dict[str, Collection] = field(default_factory=dict)  # "system.table" -> person keys
    previous: pd.DataFrame | None = None
