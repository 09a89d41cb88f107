"""What a publication policy says, once read: its columns, its legal exception, its kind and settings.

``kind`` names one of the dataset kinds of ``anonymisation.kinds.registry``;
``settings`` is that kind's section of the policy.

The loader (``anonymisation.policy``) builds these from the reviewed YAML
files and hands them to the legal rules (``anonymisation.rules``); both
import them from here, so neither imports the other back.
"""

from __future__ import annotations

from dataclasses import dataclass, field


class PolicyError(ValueError):
    """A policy breaks a rule; the message names dataset, column and rule."""


@dataclass(frozen=True)
class Column:
    """One published column."""

    name: str
    treatment: str
    type: str
    description: str
    source: str | None = None  # "table.column" in the builder's frame
    rule: str | None = None  # generalisation rule
    role: str = "attribute"  # dimension | measure | label | attribute
    values: tuple[str, ...] = ()
    required: bool = False
    value: str | None = None  # for treatment "constant"
    # The national reference of a code column (an id of config/nomenclatures/references.yaml),
    # "local" for the institution's own codes, None for a column that is not a code.
    reference: str | None = None


@dataclass(frozen=True)
class Exception_:
    """A declared legal basis for naming persons, publishing only ``columns``."""

    article: str
    columns: tuple[str, ...]
    opposition: str | None  # "system.table" of the opposition list
    person_key: str | None  # "table.column" identifying the person in the builder's frame


@dataclass(frozen=True)
class SensitiveUse:
    """A declared legal basis for publishing ``columns`` drawn from sensitive sources (CRPA L311-6).

    It names no one: it is not a nominative exception, and a dataset with it
    is not nominative. The columns keep the shape rules of their kind.
    """

    article: str
    columns: tuple[str, ...]


@dataclass(frozen=True)
class SiteMap:
    """The dataset is also published as GeoJSON: one point per row that has both coordinates (WGS 84)."""

    latitude: str
    longitude: str


@dataclass(frozen=True)
class Policy:
    dataset: str
    domain: str
    title: str
    description: str
    legal_basis: str
    frequency: str
    builder: str
    inputs: tuple[str, ...]
    kind: str
    columns: tuple[Column, ...]
    exception: Exception_ | None
    settings: dict = field(default_factory=dict)  # the kind's section
    sensitive_use: SensitiveUse | None = None
    relations: tuple[dict, ...] = ()
    national_schema: str | None = None
    # The columns naming one row, shown in the changelog ("keys concerned"); empty: the dimensions, or counts only.
    keys: tuple[str, ...] = ()
    geojson: SiteMap | None = None
    reviewer: str = ""
    reviewed_on: str = ""
    hash: str = ""

    @property
    def nominative(self) -> bool:
        """Publishes persons' names under an exception: latest version only, not indexed."""
        return self.exception is not None

    def by_role(self, role: str) -> list[Column]:
        return [c for c in self.columns if c.role == role]

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)
