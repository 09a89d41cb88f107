"""Statistical disclosure control of the published aggregates.

- ``protect_counts``: small cells, homogeneous cells, cells carried from the
  previous version, then secondary suppression over the known margins
  (``suppression.py``: the exact optimum by integer programming, or the
  heuristic where it does not fit the limits), audited before the table is
  returned;
- ``publish_in_full``: a table along dimensions the national statistics
  publish unmasked, every cell published; the previous version's withheld
  cells its counts determine are counted for the DPO (``full.py``);
- ``protect_amounts``: at least 3 contributors, no dominant contributor
  (85 %), then the same secondary suppression and audit;
- ``audit``: over every table a run publishes (and the previous version),
  the withheld cells an attacker could pin down with linear programming;
- ``k_anonymity``: the smallest group over quasi-identifiers of microdata.
Rules and sources: ../shared/reference/legal-and-standards.md, sections 3-4.
Reports and errors carry counts, column names and published dimension
values, never a person's value.
"""

from anonymisation.sdc.amounts import protect_amounts
from anonymisation.sdc.audit import Exposure, PublishedTable, Relation, audit
from anonymisation.sdc.counts import protect_counts
from anonymisation.sdc.full import publish_in_full
from anonymisation.sdc.kanon import k_anonymity
from anonymisation.sdc.model import PUBLISHED, WITHHELD, DisclosureError, SuppressionReport
from anonymisation.sdc.secondary import secondary_suppression

__all__ = [
    "PUBLISHED",
    "WITHHELD",
    "DisclosureError",
    "Exposure",
    "PublishedTable",
    "Relation",
    "SuppressionReport",
    "audit",
    "k_anonymity",
    "protect_amounts",
    "protect_counts",
    "publish_in_full",
    "secondary_suppression",
]
