"""data.gouv.fr assets ``[domain, datagouv, dataset]``: push the version online with the udata API.

Built only when the institution chose the API channel (``datagouv.channel:
api``); with the harvest channel data.gouv.fr reads ``catalog.ttl`` instead,
so a dataset never appears twice. Downstream of the publication asset: a
dataset blocked by its checks is not pushed, the others are. Nominative
datasets (décret 2018-1117) are pushed only if the institution opts in.
"""

# No `from __future__ import annotations`: Dagster reads the context annotation at definition time.
import json
from pathlib import Path

import dagster as dg

from anonymisation.policy import Policy
from assets.keys import datagouv_key, open_key
from assets.published import refresh_catalogue
from resources.common.institution import DatagouvSettings
from resources.datagouv import udata_payload
from resources.publishing.metadata import Producer


def datagouv_assets(catalogue: dict[str, Policy], settings: DatagouvSettings | None, producer: Producer,
                    state: Path) -> list[dg.AssetsDefinition]:
    """One push per dataset when the institution chose the API channel; ``state`` is the publisher's state folder."""
    if settings is None or settings.channel != "api":
        return []
    return [_asset(p, settings, producer, state) for p in catalogue.values()
            if settings.push_nominative or not p.nominative]


def _asset(policy: Policy, settings: DatagouvSettings, producer: Producer, state: Path) -> dg.AssetsDefinition:
    @dg.asset(
        key=datagouv_key(policy), group_name=policy.domain, deps=[open_key(policy)],
        required_resource_keys={"store", "datagouv"}, kinds={"api"},
        description=f"{policy.title} on data.gouv.fr: dataset created or updated, files uploaded or replaced "
                    "(udata API; a dry run writes the requests instead).",
    )
    def _push(context: dg.AssetExecutionContext) -> dg.MaterializeResult:
        folder = context.resources.store.latest_dir(policy.dataset)
        package = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
        dataset, files = udata_payload(package, settings.organization, producer.public_base_url, folder=folder)
        result = context.resources.datagouv.publish(policy.dataset, dataset, files)
        if not result.dry_run:  # the catalogue page links each dataset to its page on data.gouv.fr
            refresh_catalogue(Path(context.resources.store.root), producer, state)
        context.log.info(f"{policy.dataset}: dataset {result.dataset}, {len(result.resources)} file(s), "
                         f"{result.requests} request(s){' (dry run)' if result.dry_run else ''}")
        return dg.MaterializeResult(metadata={
            "dry_run": dg.MetadataValue.bool(result.dry_run),
            "dataset": dg.MetadataValue.text(result.dataset),
            "dataset_id": dg.MetadataValue.text(result.dataset_id or ""),
            "files": dg.MetadataValue.json(result.resources),
            "requests": dg.MetadataValue.int(result.requests),
            "version": dg.MetadataValue.text(str(package.get("version"))),
        })

    return _push
