"""The asset keys ``[domain, layer, table]``: built here, from the layers of the vocabulary, and nowhere else.

``students/extracted/inscriptions`` -> ``students/anonymised/effectifs_etudiants``
-> ``students/open/effectifs_etudiants`` -> ``students/datagouv/effectifs_etudiants``.
"""

import dagster as dg

from anonymisation.policy import Policy
from resources.common.vocabulary import ANONYMISED, DATAGOUV, OPEN, key_path, source_key_path


def asset_key(domain: str, layer: str, table: str) -> dg.AssetKey:
    """The key of an asset of ``layer`` (one of ``vocabulary.LAYERS``)."""
    return dg.AssetKey(key_path(domain, layer, table))


def extracted_key(qualified: str) -> dg.AssetKey:
    """The extraction asset of a source table named ``system.table``."""
    return dg.AssetKey(source_key_path(qualified))


def anonymised_key(policy: Policy) -> dg.AssetKey:
    return asset_key(policy.domain, ANONYMISED, policy.dataset)


def open_key(policy: Policy) -> dg.AssetKey:
    return asset_key(policy.domain, OPEN, policy.dataset)


def datagouv_key(policy: Policy) -> dg.AssetKey:
    return asset_key(policy.domain, DATAGOUV, policy.dataset)
