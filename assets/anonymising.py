"""Plain functions behind the anonymised assets: build, apply the policy, write the candidate, guard it.

Heavy engines (the spaCy model, the persons of the sources, the keyed-hash
index) are built once per process and reused by every dataset of the run.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import pandas as pd
import yaml

from anonymisation.apply import ApplyContext, apply
from anonymisation.datasets import BUILDERS, BuildContext, Establishment
from anonymisation.dictionary import Dictionary, load_dictionary
from anonymisation.freetext import FreeTextScanner, engine
from anonymisation.freetext.addresses import PublicAddresses
from anonymisation.freetext.names import PublicNames
from anonymisation.freetext.person_rules import eponyms
from anonymisation.guard import IdentifierIndex, LeakFinding, hmac_key, load_accepted, scan_frame
from anonymisation.guard_shapes import PersonShapes
from anonymisation.kinds.registry import kind_of
from anonymisation.persons import Persons, collect_persons, institution_places, oppositions
from anonymisation.policy import Policy
from anonymisation.report import AnonymisationReport, combine
from anonymisation.review_page import review_dir, write_review_page
from resources.common.code_version import code_version
from resources.common.errors import OpenDataError
from resources.common.institution import config_dir
from resources.publishing.candidate_folders import CandidateFolders, NothingStagedError, staged_reader
from resources.sourcing.staging_folders import StagingFolders
from resources.staging import StagingArea


@dataclass
class DatasetOutcome:
    """What anonymising one dataset produced: counts, paths and leak findings (never values)."""

    policy: Policy
    candidate: Path
    report: AnonymisationReport
    report_paths: tuple[Path, Path]
    leaks: list[LeakFinding] = field(default_factory=list)
    frame: pd.DataFrame | None = None


def public_names() -> list[str]:
    """The steward's list of public names (eponymous buildings, streets, labs)."""
    path = config_dir() / "public_names.yaml"
    return [str(n) for n in yaml.safe_load(path.read_text(encoding="utf-8")) or []]


def accepted_findings_path() -> Path:
    return config_dir() / "accepted_findings.yaml"


@cache
def _dictionary() -> Dictionary:
    return load_dictionary()


@cache
def _persons(staging_root: str, stamp: str) -> Persons:
    return collect_persons(staged_reader(StagingArea(root=staging_root)), _dictionary())


@cache
def _institution_names(staging_root: str, stamp: str) -> tuple[list[str], list[str]]:
    """Public names (the steward's and the eponyms of the institution's own labels) and site addresses."""
    labels, addresses = institution_places(staged_reader(StagingArea(root=staging_root)))
    return public_names() + eponyms(labels, engine.lexicon()), addresses


@cache
def _institution_public(staging_root: str, stamp: str) -> tuple[PublicNames, PublicAddresses]:
    names, addresses = _institution_names(staging_root, stamp)
    return PublicNames(names), PublicAddresses(addresses)


@cache
def _scanner(staging_root: str, stamp: str) -> FreeTextScanner:
    """The scanner of this run: the sources' persons denied; public names and the institution's sites kept."""
    persons = _persons(staging_root, stamp)
    names, addresses = _institution_names(staging_root, stamp)
    return FreeTextScanner(deny_names=persons.names, public_names=names, public_addresses=addresses)


@cache
def _index(staging_root: str, stamp: str) -> IdentifierIndex:
    persons = _persons(staging_root, stamp)
    index = IdentifierIndex(hmac_key(Path(staging_root) / ".guard-key"))
    for kind, values in persons.identifiers.items():
        index.add(kind, values)
    index.add_names(persons.names)
    return index


def _stamp(staging: StagingFolders) -> str:
    """Changes whenever a person table (or the structures, for the institution's places) is re-extracted.

    The caches then follow the sources. The person tables are the registry's
    (the contract tables with a guard role).
    """
    parts = []
    tables = [("hr", "structures"), *((p.system, p.table) for p in _dictionary().persons)]
    for system, table in tables:
        latest = staging.latest(system, table)
        parts.append(str(latest.parent.name) if latest else "-")
    return "|".join(parts)


def year_split(policy: Policy, year_columns: dict[str, str]) -> str | None:
    """The yearly input (``system.table``) this dataset is built from one year at a time, if any.

    Building year by year gives exactly the file built at once when no
    published cell spans two years: a dataset whose kind says so (amounts with
    no margins: each cell's contributors and dominance are counted within the
    cell; ``anonymisation.kinds``), whose
    dimensions include the column its first input is partitioned by
    (``year_columns``: ``system.table`` -> ``table.column``, contracts in mode
    ``year``), and no free text (the steward's review list numbers rows).
    Memory then holds one year of budget lines, not twenty.
    """
    if not kind_of(policy.kind).splits_by_year(policy) or not policy.inputs:
        return None
    if any(c.treatment == "scan" for c in policy.columns):
        return None
    first = policy.inputs[0]
    dimensions = {c.source for c in policy.by_role("dimension")}
    return first if first in year_columns and year_columns[first] in dimensions else None


def run_dataset(policy: Policy, staging: StagingFolders, candidates: CandidateFolders, run_id: str,
                as_of: dt.date, institution: Establishment, previous: pd.DataFrame | None = None,
                split: str | None = None, frame: pd.DataFrame | None = None) -> DatasetOutcome:
    """Anonymise one dataset from staging into a candidate, with its report and its leak-guard findings.

    ``split`` (from :func:`year_split`) builds it one staged year of that input at a time.
    ``frame`` is the builder's frame of a dataset that reads no staged source
    (the register of documents, made from the catalogue and the store).
    """
    if frame is None and kind_of(policy.kind).reads_catalogue:
        raise OpenDataError(f"{policy.dataset}: built from the catalogue and the store, never from staging: pass its "
                            "frame (resources/publishing/register.py) (rule: a register reads no source)")
    read = staged_reader(staging)
    stamp = _stamp(staging)
    needs_scan = any(c.treatment == "scan" for c in policy.columns)
    context = ApplyContext(
        as_of=as_of, run_id=run_id, code_version=code_version(), dictionary=_dictionary(),
        scanner=_scanner(staging.root, stamp) if needs_scan else None,
        oppositions=oppositions([policy], read), previous=previous,
    )
    identity = BuildContext(institution, as_of)
    if frame is not None:
        out, report = apply(frame, policy, context)
    elif split is None:
        out, report = apply(BUILDERS[policy.builder](read, identity), policy, context)
    else:
        builder = BUILDERS[policy.builder]
        system, table = split.split(".")
        years = list(staging.latest_by_year(system, table))
        if not years:
            raise NothingStagedError(f"{split}: nothing staged yet (rule: extract before anonymising)")
        parts = [(year, apply(builder(staged_reader(staging, {split: year}), identity), policy, context))
                 for year in years]
        out = pd.concat([frame for _, (frame, _) in parts], ignore_index=True)
        report = combine([(year, report) for year, (_, report) in parts])
    candidate = candidates.write(policy.dataset, run_id, out, nominative=policy.nominative)
    paths = report.write(candidates.report_dir("anonymisation", as_of))
    leaks = _guard(out, policy, staging, stamp, as_of)
    return DatasetOutcome(policy, candidate, report, paths, leaks, out)


def _guard(out: pd.DataFrame, policy: Policy, staging: StagingFolders, stamp: str, as_of: dt.date) -> list[LeakFinding]:
    """The leak guard on the candidate; what it flags is shown to the DPO on a page of the private work folder."""
    accepted = load_accepted(accepted_findings_path()) if accepted_findings_path().is_file() else []
    skip = policy.exception.columns if policy.exception else ()
    names, addresses = _institution_public(staging.root, stamp)
    index = _index(staging.root, stamp)
    leaks = scan_frame(out, policy.dataset, index, key_columns=_keys(policy), accepted=accepted,
                       skip_columns=skip, public_names=names,
                       shapes=PersonShapes(names, addresses, engine.lexicon()))
    write_review_page(review_dir(staging.root, as_of), policy.dataset, out, leaks, index)
    return leaks


def _keys(policy: Policy) -> list[str]:
    """Columns that name a row in a leak message: the dimensions of an aggregate, never a row-level column.

    A row-level dataset's rows are named by their position: its first column
    may be a person's name (``annuaire.nom``).
    """
    return [c.name for c in policy.by_role("dimension")]
