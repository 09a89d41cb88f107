"""A policy that changed since the version online: what the next version records, and how it reads the old one.

A policy may change what a dataset publishes: a dimension added to an
aggregate, a column removed, a column renamed, or any reviewed edit (its
hash changes). The next night publishes the new shape as a new dated
version; the versions before it stay as they were. This module says what
changed, from the policy and the ``datapackage.json`` of the version online:

- columns added and removed, by name; a rename is declared in the policy,
  in its kind's section (``aggregate:``, ``amounts:`` or ``rows:``), as
  ``renamed: {new_name: old_name}``. A rename is not guessed: an undeclared
  one reads as a column removed and another added, and the carry-over of
  withheld cells would then compare coarser groups than a reuser can
  (``anonymisation/sdc/versions.py``);
- the policy's hash before and after.

The version's README and ``datapackage.json`` record it
(``x_opendata.policy_change``); the drift check does not compare the volume
with a version of another policy (``quality/suite_runs.py``); the anonymisation
reads the version online under today's names (:func:`comparable`).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from anonymisation.policy_model import Policy, PolicyError


@dataclass(frozen=True)
class PolicyChange:
    """What differs between the version online and the policy of the next one (names and hashes, no value)."""

    previous_version: str
    previous_hash: str
    hash: str
    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    renamed: tuple[tuple[str, str], ...] = ()  # (old name, new name)

    @property
    def shape_changed(self) -> bool:
        return bool(self.added or self.removed or self.renamed)

    def as_metadata(self) -> dict:
        """``x_opendata.policy_change`` of the new version's ``datapackage.json``."""
        return {"previous_version": self.previous_version, "previous_policy_hash": self.previous_hash,
                "policy_hash": self.hash, "columns_added": list(self.added), "columns_removed": list(self.removed),
                "columns_renamed": [{"from": old, "to": new} for old, new in self.renamed]}


def renames(policy: Policy) -> dict[str, str]:
    """The renames the policy declares: new name -> old name."""
    declared = policy.settings.get("renamed") or {}
    names = {c.name for c in policy.columns}
    if not isinstance(declared, dict):
        raise PolicyError(f"{policy.dataset}.-: 'renamed' maps a new column name to its old name "
                          "(rule: declared rename)")
    for new, old in declared.items():
        # The old name may be taken again by another column today (``niveau`` now the national level code,
        # yesterday's ``niveau`` renamed ``niveau_etape``): that column reads as added, never as the old one.
        if new not in names or old == new:
            raise PolicyError(f"{policy.dataset}.{new}: a rename names a published column and another, old name "
                              f"('{old}') (rule: declared rename)")
    return {str(new): str(old) for new, old in declared.items()}


def comparable(previous: pd.DataFrame | None, policy: Policy) -> pd.DataFrame | None:
    """The version online with its renamed columns under today's names (for the carry-over of withheld cells)."""
    if previous is None:
        return None
    mapping = {old: new for new, old in renames(policy).items() if old in previous.columns and new not in previous.columns}
    return previous.rename(columns=mapping) if mapping else previous


def online_columns(package: dict) -> tuple[str, ...]:
    """Column names of the version online, from the Table Schema of its CSV."""
    table = next((r for r in package.get("resources") or () if r.get("type") == "table" or "schema" in r), None)
    fields = ((table or {}).get("schema") or {}).get("fields") or ()
    return tuple(str(f["name"]) for f in fields)


def policy_change(policy: Policy, package: dict | None) -> PolicyChange | None:
    """How the policy differs from the one the version online was made with; None when it does not."""
    if not package:
        return None
    before = online_columns(package)
    previous_hash = str(((package.get("x_opendata") or {}).get("anonymisation") or {}).get("policy_hash") or "")
    now = tuple(c.name for c in policy.columns)
    if before == now and previous_hash == policy.hash:
        return None
    renamed = tuple((old, new) for new, old in renames(policy).items() if old in before and new not in before)
    old_names, new_names = {old for old, _ in renamed}, {new for _, new in renamed}
    return PolicyChange(
        previous_version=str(package.get("version") or ""), previous_hash=previous_hash, hash=policy.hash,
        added=tuple(c for c in now if (c not in before or c in old_names) and c not in new_names),
        removed=tuple(c for c in before if c not in now and c not in old_names), renamed=renamed)
