"""The output store as the Dagster resource ``store``: its configuration, and the store's folders it manages.

What the store does (dated versions, ``latest/``, atomic commits, nightly
integrity checks) is plain Python in ``resources.publishing.store_folders``.
"""

import dagster as dg
from pydantic import Field

from resources.publishing.store_folders import StoreFolders


class OutputStore(StoreFolders, dg.ConfigurableResource):
    """Where published files live (what the web server serves and data.gouv.fr reads)."""

    root: str = Field(description="Output store folder (public)")
    retention: int | None = Field(default=None, description="Dated versions kept per dataset; empty keeps all")
    alerts: str = Field(default="", description="alerts.jsonl file where integrity incidents are also appended")
