"""What a dataset kind provides, as one record of plain functions (``Kind``), with the defaults of a plain list.

A kind module defines its functions and ends with ``KIND = Kind(...)``;
``anonymisation.kinds.registry`` lists the kinds. Nothing here imports
Dagster or Great Expectations: a kind describes its open-suite rules as
``SuiteRule`` records, and ``quality/open_suites.py`` makes them
expectations.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

import pandas as pd

from anonymisation.context import ApplyContext
from anonymisation.policy_model import Policy, PolicyError
from anonymisation.report import AnonymisationReport
from anonymisation.sdc import PublishedTable

# Every kind's section may declare renamed columns (anonymisation/evolution.py).
COMMON_SETTINGS = frozenset({"renamed"})


class SuiteRule(NamedTuple):
    """One rule of a dataset's open suite: the expectation's name, its arguments, a sentence for the steward."""

    expectation: str
    kwargs: dict
    description: str


@dataclass(frozen=True)
class Built:
    """What the build step of a kind receives.

    ``out``: the policy's columns, treated, one row per source row;
    ``frame``: the builder's frame they come from (after oppositions), for
    measures read from their source (sums, contributors).
    """

    out: pd.DataFrame
    frame: pd.DataFrame
    policy: Policy
    context: ApplyContext
    report: AnonymisationReport


def no_shape_rule(policy: Policy) -> None:
    """A kind without shape rules accepts any set of columns."""


def as_rows(built: Built) -> pd.DataFrame:
    """A kind that publishes its rows as treated."""
    return built.out


def no_suite_rule(policy: Policy) -> list[SuiteRule]:
    return []


def not_audited(policy: Policy, frame: pd.DataFrame) -> PublishedTable | None:
    """A kind whose file the run-wide audit reads only through the relations its policy declares."""
    return None


def never(policy: Policy) -> bool:
    return False


def no_group(policy: Policy) -> int | None:
    """A kind that guarantees no minimum number of persons behind each figure it computes."""
    return None


@dataclass(frozen=True)
class Kind:
    """One kind of published dataset.

    - ``name``: the word a policy writes in ``kind:``, and the name of its section;
    - ``settings``: the keys its section accepts (``renamed`` is always accepted);
    - ``sources``: those of its keys that name a source column (``table.column``)
      its build step reads, extracted for it like the columns' sources;
    - ``check_shape``: raises ``PolicyError`` when the policy's columns do not
      make a dataset of this kind (run by the loader, after the legal rules);
    - ``build``: the dataset from the treated columns (protection included);
    - ``suite_rules``: what the open-data suite adds for this kind;
    - ``audit_view``: the table the run-wide disclosure audit reads from a
      candidate of this kind, if any;
    - ``protects_cells``: its published cells are protected by statistical
      secrecy, so a sensitive source may be one of its generalised dimensions
      (CRPA L311-6);
    - ``audited``: every dataset of this kind gets the blocking
      ``secret_statistique`` check;
    - ``splits_by_year``: whether a dataset of this kind may be built one
      staged year at a time and give the same file (``assets/anonymising.py``);
    - ``publishes_in_full``: whether the policy publishes its cells without a
      small-cell rule, which the loader allows only along public dimensions
      (``anonymisation/rules.py``);
    - ``computes``: the kind writes columns of its own (treatment
      ``computed``: an indicator, a score, why it is empty); the loader refuses
      such a column in a policy of a kind that does not;
    - ``min_group``: the fewest persons any figure it computes is computed over,
      as the policy sets it (None: no such guarantee). A kind that does not
      protect cells may publish a value drawn from a sensitive source, under a
      declared ``sensitive_use``, only with a guarantee of at least
      ``rules.SENSITIVE_MIN_GROUP`` persons;
    - ``reads_catalogue``: the dataset is built from the catalogue (the
      policies) and the output store, not from staged sources: its anonymised
      asset runs after every other dataset's publication, and its row count
      follows the catalogue, so no drift rule compares it with the version
      online (the register of documents, CRPA L322-6).
    """

    name: str
    summary: str
    build: Callable[[Built], pd.DataFrame] = as_rows
    settings: frozenset[str] = frozenset()
    sources: frozenset[str] = frozenset()
    check_shape: Callable[[Policy], None] = no_shape_rule
    suite_rules: Callable[[Policy], list[SuiteRule]] = no_suite_rule
    audit_view: Callable[[Policy, pd.DataFrame], PublishedTable | None] = not_audited
    protects_cells: bool = False
    audited: bool = False
    splits_by_year: Callable[[Policy], bool] = never
    publishes_in_full: Callable[[Policy], bool] = never
    computes: bool = False
    min_group: Callable[[Policy], int | None] = no_group
    reads_catalogue: bool = False

    def section_sources(self, policy: Policy) -> list[str]:
        """The source columns (``table.column``) the policy's section names, such as the amounts' contributor."""
        return [str(policy.settings[key]) for key in sorted(self.sources) if policy.settings.get(key)]

    def check_settings(self, policy: Policy) -> None:
        """Refuse a key of the kind's section that the kind does not read (a typo would silently do nothing)."""
        unknown = sorted(set(policy.settings) - self.settings - COMMON_SETTINGS)
        if unknown:
            raise PolicyError(f"{policy.dataset}.-: the '{self.name}' section has no setting '{unknown[0]}'; "
                              f"it reads {', '.join(sorted(self.settings | COMMON_SETTINGS))} (rule: policy format)")
