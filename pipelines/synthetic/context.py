"""What one generation run shares: seed, scale, the years covered, random streams and helpers.

Every table draws from its own random stream, derived from the run seed and
the table's name: the same (seed, scale, as_of) gives the same rows, and
changing how one table is generated leaves the others untouched.
"""

from __future__ import annotations

import datetime as dt
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import Literal

import numpy as np
import pandas as pd

from pipelines.synthetic.people import NamePools

Scale = Literal["small", "large"]


@dataclass(frozen=True)
class ScaleSpec:
    """Sizes of the synthetic university at one scale."""

    agents: int
    hr_years: int
    students_per_year: int
    academic_years: int
    budget_lines_per_year: int
    fiscal_years: int
    tiers: int
    contracts_per_year: int
    subsidies_per_year: int
    chunk_rows: int = 100_000


SCALES: dict[str, ScaleSpec] = {
    # Seconds to SQLite: for tests and the demo.
    "small": ScaleSpec(agents=300, hr_years=5, students_per_year=2_000, academic_years=4,
                       budget_lines_per_year=5_000, fiscal_years=3, tiers=400, contracts_per_year=60,
                       subsidies_per_year=50),
    # A large university: minutes to PostgreSQL.
    "large": ScaleSpec(agents=10_000, hr_years=20, students_per_year=60_000, academic_years=20,
                       budget_lines_per_year=1_000_000, fiscal_years=5, tiers=20_000, contracts_per_year=500,
                       subsidies_per_year=300),
}


@dataclass
class TableOutput:
    """A table to load: its name, the expected row count (for the progress bar) and its chunks."""

    name: str
    total: int | None
    chunks: Iterator[pd.DataFrame]


@dataclass
class Context:
    """Seed, scale and date of a run, with the random streams and name pools derived from them."""

    seed: int
    scale_name: str
    as_of: dt.date
    scale: ScaleSpec = field(init=False)

    def __post_init__(self) -> None:
        if self.scale_name not in SCALES:
            raise ValueError(f"unknown scale {self.scale_name!r}: expected one of {', '.join(SCALES)}")
        self.scale = SCALES[self.scale_name]

    def rng(self, *labels: str) -> np.random.Generator:
        """An independent random stream for one purpose, e.g. ``ctx.rng('students', 'inscriptions')``."""
        return np.random.default_rng([self.seed, zlib.crc32("/".join(labels).encode())])

    @cached_property
    def pools(self) -> NamePools:
        """Name, street and company pools built once with a seeded Faker."""
        return NamePools.build(self.seed)

    @property
    def academic_year_now(self) -> int:
        """Start year of the academic year containing ``as_of`` (years start on 1 September)."""
        return self.as_of.year if self.as_of.month >= 9 else self.as_of.year - 1

    @property
    def academic_years(self) -> list[int]:
        end = self.academic_year_now
        return list(range(end - self.scale.academic_years + 1, end + 1))

    @property
    def fiscal_years(self) -> list[int]:
        return list(range(self.as_of.year - self.scale.fiscal_years + 1, self.as_of.year + 1))

    @property
    def hr_years(self) -> list[int]:
        return list(range(self.as_of.year - self.scale.hr_years + 1, self.as_of.year + 1))

    @property
    def today(self) -> np.datetime64:
        return np.datetime64(self.as_of, "D")


def some_rows(rng: np.random.Generator, candidates: np.ndarray | int, share: float) -> np.ndarray:
    """About ``share`` of the candidate rows, at least one, sorted.

    ``candidates`` is a row count or an array of eligible row indices.
    """
    pool = np.arange(candidates) if isinstance(candidates, (int, np.integer)) else np.asarray(candidates)
    if len(pool) == 0:
        return pool
    n = min(len(pool), max(1, int(round(share * len(pool)))))
    return np.sort(rng.choice(pool, size=n, replace=False))


def defect_rows(rng: np.random.Generator, candidates: np.ndarray | int, rate: float) -> np.ndarray:
    """Rows chosen to carry a deliberate defect: about ``rate`` of them, and at least one.

    Every deliberate defect of the synthetic data goes through here, so that
    even the small scale shows each of them (docs/sources.md lists them).
    """
    return some_rows(rng, candidates, rate)


def iso_dates(days: np.ndarray) -> np.ndarray:
    """ISO 8601 strings (``YYYY-MM-DD``) of a datetime64 array, None for NaT: what every engine accepts."""
    days = np.asarray(days).astype("datetime64[D]")
    text = np.datetime_as_string(days, unit="D").astype(object)
    text[np.isnat(days)] = None
    return text


def iso_datetimes(moments: np.ndarray) -> np.ndarray:
    """``YYYY-MM-DD HH:MM:SS`` strings of a datetime64 array (space separator: SQLite's own format)."""
    moments = np.asarray(moments).astype("datetime64[s]")
    text = np.strings.replace(np.datetime_as_string(moments, unit="s"), "T", " ").astype(object)
    text[np.isnat(moments)] = None
    return text


def year_start(year: int | np.ndarray, month: int = 1, day: int = 1) -> np.ndarray:
    """datetime64[D] of a given month and day in each year."""
    years = np.asarray(year, dtype=np.int64)
    base = (years - 1970).astype("datetime64[Y]").astype("datetime64[M]") + np.timedelta64(month - 1, "M")
    return base.astype("datetime64[D]") + np.timedelta64(day - 1, "D")


def years_of(days: np.ndarray) -> np.ndarray:
    """Calendar year of each datetime64 value."""
    return np.asarray(days).astype("datetime64[Y]").astype(np.int64) + 1970


def nullable_int(values: np.ndarray, mask: np.ndarray | None = None) -> pd.arrays.IntegerArray:
    """An integer column where ``mask`` marks the missing values."""
    values = np.asarray(values, dtype=np.int64)
    return pd.arrays.IntegerArray(values, np.zeros(len(values), bool) if mask is None else np.asarray(mask, bool))


def money(values: np.ndarray) -> np.ndarray:
    """Amounts rounded to the cent, as the Numeric(p,2) columns store them."""
    return np.round(np.asarray(values, dtype=float), 2)


def chunked(frame_len: int, size: int) -> Iterator[slice]:
    """Slices cutting ``frame_len`` rows into chunks of at most ``size``."""
    for start in range(0, frame_len, size):
        yield slice(start, min(start + size, frame_len))
