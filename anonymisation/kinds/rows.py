"""Row-level datasets: one published row per source row, no count or sum.

A list of public facts (contracts, subsidies, the catalogue of diplomas),
or a nominative list when the policy declares an exception (directory,
promotion tables, graduates: CRPA D312-1-3, with an opposition list). The
report gives the k-anonymity reached over the quasi-identifiers. Policy
section ``rows:``: only ``renamed``.
"""

from __future__ import annotations

import pandas as pd

from anonymisation.kinds.base import Built, Kind
from anonymisation.kinds.cells import require
from anonymisation.policy_model import Policy
from anonymisation.rules import source_class
from anonymisation.sdc import k_anonymity


def check_shape(policy: Policy) -> None:
    require(policy, not {"count", "sum"} & {c.treatment for c in policy.columns}, "policy format",
            "row-level datasets have no count or sum columns")


def build(built: Built) -> pd.DataFrame:
    """The rows as treated; the report says how small the smallest group of quasi-identifiers is."""
    policy, out = built.policy, built.out
    qis = [c.name for c in policy.columns if source_class(policy, c, built.context.dictionary) == "quasi_identifier"]
    built.report.quasi_identifiers = qis
    built.report.k_anonymity = int(k_anonymity(out, qis)) if len(out) else None
    return out


KIND = Kind(name="rows", summary="row-level list (nominative under an exception)", build=build,
            check_shape=check_shape)
