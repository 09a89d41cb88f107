"""The three synthetic source systems, one SQLAlchemy ``MetaData`` each.

Table names are unique across the systems, so that the three can share one
database (as a single test or demo database often does).
"""

from __future__ import annotations

from typing import Literal

import sqlalchemy as sa

from pipelines.synthetic import schema_finance, schema_hr, schema_students

System = Literal["hr", "finance", "students"]
SYSTEMS: tuple[System, ...] = ("hr", "finance", "students")

METADATA: dict[str, sa.MetaData] = {
    "hr": schema_hr.metadata,
    "finance": schema_finance.metadata,
    "students": schema_students.metadata,
}


def system_metadata(system: str) -> sa.MetaData:
    """The ``MetaData`` of a system; a clear error for an unknown system name."""
    try:
        return METADATA[system]
    except KeyError:
        raise ValueError(f"unknown source system {system!r}: expected one of {', '.join(SYSTEMS)}") from None
