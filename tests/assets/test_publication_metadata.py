"""Temporal coverage in the published metadata: academic years run from September to August."""

from __future__ import annotations

import datetime as dt

import pytest

from anonymisation.policy import load_catalogue
from resources.publishing.metadata import VersionInfo, coverage
from resources.publishing.version import is_academic

DAY = dt.date(2026, 11, 30)


def _info(years: tuple[int, ...], academic: bool) -> VersionInfo:
    return VersionInfo(day=DAY, created=dt.datetime(2026, 11, 30, 3, 30, tzinfo=dt.UTC), rows=1, years=years,
                       academic=academic)


def test_academic_years_cover_september_to_august() -> None:
    assert coverage(_info((2024, 2025), academic=True)) == {"start": "2024-09-01", "end": "2026-08-31"}


def test_calendar_and_fiscal_years_cover_january_to_december() -> None:
    assert coverage(_info((2024, 2025), academic=False)) == {"start": "2024-01-01", "end": "2025-12-31"}


def test_a_snapshot_covers_its_day() -> None:
    assert coverage(_info((), academic=False)) == {"start": "2026-11-30", "end": "2026-11-30"}


@pytest.mark.parametrize(("dataset", "academic"), [
    ("effectifs_etudiants", True), ("diplomes_delivres", True), ("laureats", True),
    ("effectifs_personnels", False), ("execution_budgetaire", False), ("tableau_avancement", False),
    ("structures", False),
])
def test_the_policy_says_which_years_are_academic(dataset: str, academic: bool) -> None:
    assert is_academic(load_catalogue()[dataset]) is academic


def test_the_year_under_way_is_covered_up_to_the_day_of_the_version() -> None:
    # Academic year 2026-2027 and calendar year 2026 are under way on 30 November 2026.
    assert coverage(_info((2025, 2026), academic=True)) == {"start": "2025-09-01", "end": "2026-11-30"}
    assert coverage(_info((2025, 2026), academic=False)) == {"start": "2025-01-01", "end": "2026-11-30"}
