"""The column registry, checked when the definitions load: contracts, classes, policies and suites agree.

A source column's class and guard role are written once, in its contract
(``resources/sourcing/contracts.py``). What a column is used for is checked against
what reads it:
- every column a reviewed policy reads (its sources, those its kind's section names, opposition
  list) is in the contract, with ``policy`` in its ``use``;
- ``check`` is in a column's ``use`` exactly when its source suite
  (``quality/suites/source/<system>.yaml``, key rules included) reads it;
- the policies' rules hold under this contract set's classes;
- an institution's own contract set never weakens the default set's classes
  or guard roles, which the catalogue was reviewed against: it may only be
  stricter.

Every institution runs these checks on its own contract set
(``config/institutions/*.yaml``, ``contracts:``) when its definitions load. A
mismatch is a ConfigurationError naming the file, the table and the column.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from anonymisation.dictionary import Dictionary, default_contracts, from_contracts
from anonymisation.kinds.registry import kind_of
from anonymisation.policy import POLICY_DIR, Policy, PolicyError, load_catalogue
from quality.source_suites import SOURCE_DIR, source_rules, source_suite
from quality.suite import SuiteError
from resources.common.errors import ConfigurationError
from resources.common.institution import SYSTEMS
from resources.sourcing.contracts import CLASSES, SystemContract, TableContract, load_contract


@dataclass(frozen=True)
class Registry:
    """One contract set, the dictionary read from it, and the catalogue checked against both."""

    contracts: list[SystemContract]
    dictionary: Dictionary
    catalogue: dict[str, Policy]


def load_registry(contracts_dir: Path, policies_dir: Path = POLICY_DIR, suites_dir: Path = SOURCE_DIR) -> Registry:
    """Load a contract set and the catalogue, and cross-check them; raise ConfigurationError on a mismatch."""
    contracts = [load_contract(contracts_dir, system) for system in SYSTEMS]
    dictionary = from_contracts(contracts)
    try:
        catalogue = load_catalogue(policies_dir, dictionary)
    except PolicyError as exc:
        raise ConfigurationError(f"{contracts_dir}: a reviewed policy breaks under this contract set's classes: "
                                 f"{exc}") from None
    by_table = {f"{c.system}.{t.name}": (c, t) for c in contracts for t in c.tables.values()}
    check_policies(catalogue, by_table)
    for contract in contracts:
        check_suites(contract, suites_dir)
    default = default_contracts()
    if contracts_dir.resolve() != default.resolve():
        check_not_weaker(contracts, [load_contract(default, system) for system in SYSTEMS])
    return Registry(contracts, dictionary, catalogue)


def _where(contract: SystemContract, table: str, column: str | None = None) -> str:
    place = f"{contract.path or contract.system + '.yaml'}: table '{table}'"
    return f"{place}, column '{column}'" if column else place


def policy_reads(policy: Policy) -> list[tuple[str, str]]:
    """``(system.table, column)`` of every source column a policy names (builder-made ``_`` columns aside).

    Its columns' sources, those its kind's section names (``anonymisation.kinds``), its opposition list's key.
    """
    systems = {i.split(".")[1]: i.split(".")[0] for i in policy.inputs}
    sources = [c.source for c in policy.columns if c.source] + kind_of(policy.kind).section_sources(policy)
    reads = []
    for source in filter(None, sources):
        table, _, column = source.partition(".")
        if not column.startswith("_") and table in systems:
            reads.append((f"{systems[table]}.{table}", column))
    exception = policy.exception
    if exception is not None and exception.opposition and exception.person_key:
        reads.append((exception.opposition, exception.person_key.partition(".")[2]))
    return reads


def check_policies(catalogue: dict[str, Policy], by_table: dict[str, tuple[SystemContract, TableContract]]) -> None:
    """Every table and column a policy reads is in the contracts and extracted for it (``use: [policy]``)."""
    for policy in catalogue.values():
        origin = f"policy {policy.dataset} (anonymisation/policies/{policy.dataset}.yaml)"
        for entry in policy.inputs:
            if entry not in by_table:
                raise ConfigurationError(f"{entry}: input of {origin} is not a table of the contract set")
        for table_key, name in policy_reads(policy):
            if table_key not in by_table:
                raise ConfigurationError(f"{table_key}: read by {origin} is not a table of the contract set")
            contract, table = by_table[table_key]
            column = table.column(name)
            if column is None:
                raise ConfigurationError(f"{_where(contract, table.name, name)}: read by {origin}, "
                                         "absent from the contract")
            if "policy" not in column.use:
                raise ConfigurationError(f"{_where(contract, table.name, name)}: read by {origin}; "
                                         "add 'policy' to its use")


def check_suites(contract: SystemContract, suites_dir: Path = SOURCE_DIR) -> None:
    """``check`` is in a column's use exactly when the system's source suite reads it."""
    rules = source_rules(contract.system, suites_dir)
    for name in rules:
        if name not in contract.tables:
            raise ConfigurationError(f"{_where(contract, name)}: has a source suite "
                                     f"({suites_dir.name}/{contract.system}.yaml) but is not in the contract")
    for table in contract.tables.values():
        if not table.extracted_columns:
            continue
        try:
            suite = source_suite(table, rules.get(table.name, ()), lambda _table, _key: [])
        except SuiteError as exc:
            raise ConfigurationError(f"{_where(contract, table.name)}: {exc}") from None
        read = set(suite.columns())
        for column in table.columns:
            if column.name in read and "check" not in column.use:
                raise ConfigurationError(f"{_where(contract, table.name, column.name)}: read by the source suite; "
                                         "add 'check' to its use")
            if column.name not in read and "check" in column.use:
                raise ConfigurationError(f"{_where(contract, table.name, column.name)}: use says 'check' but no "
                                         "rule of the source suite reads it; remove 'check'")


def check_not_weaker(contracts: list[SystemContract], defaults: list[SystemContract]) -> None:
    """A column of the default set keeps, in another set, a class at least as strict and its guard role."""
    reference = {(c.system, t.name, col.name): col for c in defaults for t in c.tables.values() for col in t.columns}
    for contract in contracts:
        for table in contract.tables.values():
            for column in table.columns:
                base = reference.get((contract.system, table.name, column.name))
                if base is None:
                    continue
                if CLASSES.index(column.cls) > CLASSES.index(base.cls):
                    raise ConfigurationError(f"{_where(contract, table.name, column.name)}: class '{column.cls}' is "
                                             f"weaker than the default set's '{base.cls}' the policies were "
                                             "reviewed against")
                if base.guard and column.guard != base.guard:
                    raise ConfigurationError(f"{_where(contract, table.name, column.name)}: drops the guard role "
                                             f"'{base.guard}' of the default set")
