"""Yearly partitions: academic years for students, calendar years for HR and finance.

Dagster has no yearly partitions class; a time window opening each 1 September
(or 1 January) with key format ``%Y`` gives one key per year. ``end_offset=1``
includes the year in progress: the nightly run publishes the current snapshot.
"""

from __future__ import annotations

import datetime as dt

import dagster as dg

from resources.sourcing.contracts import PartitionKind

TIMEZONE = "Europe/Paris"


def academic_years(first_year: int) -> dg.TimeWindowPartitionsDefinition:
    """Key 2024 = academic year 2024-2025, from 1 September 2024."""
    return dg.TimeWindowPartitionsDefinition(
        start=dt.datetime(first_year, 9, 1), cron_schedule="0 0 1 9 *", fmt="%Y", timezone=TIMEZONE, end_offset=1
    )


def calendar_years(first_year: int) -> dg.TimeWindowPartitionsDefinition:
    """Key 2024 = fiscal or reference year 2024, from 1 January 2024."""
    return dg.TimeWindowPartitionsDefinition(
        start=dt.datetime(first_year, 1, 1), cron_schedule="0 0 1 1 *", fmt="%Y", timezone=TIMEZONE, end_offset=1
    )


class YearPartitions:
    """The two partition calendars of one institution, built once and shared by every asset."""

    def __init__(self, first_year: int) -> None:
        self.academic = academic_years(first_year)
        self.calendar = calendar_years(first_year)

    def for_kind(self, kind: PartitionKind | None) -> dg.TimeWindowPartitionsDefinition | None:
        if kind is None:
            return None
        return self.academic if kind == "academic_year" else self.calendar
