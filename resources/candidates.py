"""The candidates area as the Dagster resource ``candidates``: its configured folders, and what it manages.

What the area does (candidates written atomically, the verdicts of the
blocking checks on their exact bytes, the reports folders) is plain Python
in ``resources.publishing.candidate_folders``.
"""

import dagster as dg
from pydantic import Field

from resources.publishing.candidate_folders import CandidateFolders


class CandidateArea(CandidateFolders, dg.ConfigurableResource):
    """Anonymised datasets waiting for their blocking checks, and the reports of each run."""

    root: str = Field(description="Candidates folder (never inside the output store)")
    reports: str = Field(description="Reports folder for data stewards and the DPO")
