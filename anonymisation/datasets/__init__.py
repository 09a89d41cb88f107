"""Dataset builders: from staged source tables to the frame a policy selects from.

A builder joins and filters the staged tables (census dates, principal
enrolments, active functions...) and names every column ``table.column`` as
the policies reference them. It decides nothing about publication: the
policy's allow-list does.
"""

from __future__ import annotations

from anonymisation.datasets import finance, hr, hr_pay, students, students_obligations
from anonymisation.datasets.base import Builder, BuildContext, Establishment, Reader

# Each domain module lists its own builders: adding a dataset's builder touches its domain module only.
BUILDERS: dict[str, Builder] = {**hr.BUILDERS, **hr_pay.BUILDERS, **finance.BUILDERS, **students.BUILDERS,
                               **students_obligations.BUILDERS}

__all__ = ["BUILDERS", "BuildContext", "Builder", "Establishment", "Reader"]
