"""The staging area as the Dagster resource ``staging``: its configured root, and the folders it manages.

What staging does (atomic runs, the last two kept, private modes) is plain
Python in ``resources.sourcing.staging_folders``.
"""

import dagster as dg
from pydantic import Field

from resources.sourcing.staging_folders import StagingFolders


class StagingArea(StagingFolders, dg.ConfigurableResource):
    """Folder of extracted Parquet files, private to the pipeline's user."""

    root: str = Field(description="Staging folder (never inside the output store)")
