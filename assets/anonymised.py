"""Anonymised assets ``[domain, anonymised, dataset]``: one per policy of the open-data catalogue.

Each builds its dataset from staging, applies its reviewed policy, writes a
candidate (outside the output store) and its anonymisation report, and runs
the leak guard as a blocking check: a hit stops that dataset, never the others.
The register of documents is built from the catalogue and the store instead
(``resources/publishing/register.py``), after every other publication.
"""

# No `from __future__ import annotations`: Dagster reads the context annotation at definition time.
import datetime as dt
from pathlib import Path

import dagster as dg
import pandas as pd

from anonymisation.datasets import Establishment
from anonymisation.kinds.registry import kind_of
from anonymisation.policy import Policy
from assets.anonymising import DatasetOutcome, run_dataset, year_split
from assets.candidate_checks import LEAK_GUARD, hold
from assets.keys import anonymised_key, extracted_key, open_key
from quality.ledger import record_outcome
from quality.suite import Finding, Outcome
from resources.publishing.register import register_frame
from resources.store import OutputStore


def anonymised_assets(catalogue: dict[str, Policy], institution: Establishment,
                      year_columns: dict[str, str]) -> list[dg.AssetsDefinition]:
    """Build the anonymised asset of every policy of the catalogue.

    ``year_columns`` names the column each yearly input is partitioned by, so a
    dataset whose cells never span two years is built one year at a time.
    """
    return [_asset(policy, institution, year_split(policy, year_columns), catalogue) for policy in catalogue.values()]


def upstream(policy: Policy, catalogue: dict[str, Policy]) -> list[dg.AssetKey]:
    """What a dataset is built from: its staged sources, or every other dataset's publication.

    The register of documents (a kind that ``reads_catalogue``) describes what
    the store holds, so it runs once the others are published. A night where
    one of them fails holds it back too: the register online stays as it was,
    which still describes every version online (theirs did not change).
    """
    if kind_of(policy.kind).reads_catalogue:
        return [open_key(p) for p in catalogue.values() if not kind_of(p.kind).reads_catalogue]
    return [extracted_key(i) for i in policy.inputs]


def _description(policy: Policy) -> str:
    basis = f"Exception: {policy.exception.article}." if policy.exception else "Anonymised: no person is named."
    return f"{policy.description}\n\nLegal basis: {policy.legal_basis}\n\n{basis}"


def _previous(store: OutputStore, dataset: str) -> pd.DataFrame | None:
    """The previous published version, for carried suppression and differencing checks.

    Read through the store, which first finishes a swap a crash interrupted:
    reading ``latest/`` directly could find nothing and carry no withheld cell over.
    """
    path = store.previous(dataset)
    return pd.read_parquet(path) if path is not None else None


def _asset(policy: Policy, institution: Establishment, split: str | None,
           catalogue: dict[str, Policy]) -> dg.AssetsDefinition:
    key = anonymised_key(policy)
    deps = upstream(policy, catalogue)
    reads_catalogue = kind_of(policy.kind).reads_catalogue
    guard = dg.AssetCheckSpec(
        LEAK_GUARD, asset=key, blocking=True,
        description="No direct identifier of the sources (NIR, INE, personal e-mail or phone, IBAN, "
                    "name of a person not covered by an exception) in any published value.",
    )

    @dg.asset(
        key=key, group_name=policy.domain, deps=deps, check_specs=[guard], description=_description(policy),
        required_resource_keys={"staging", "candidates", "store"}, kinds={"pandas", "parquet"},
        tags={"nominative": "yes", "noindex": "yes"} if policy.nominative else {},
        metadata={"policy_hash": policy.hash, "legal_basis": policy.legal_basis},
    )
    def _anonymise(context: dg.AssetExecutionContext) -> dg.MaterializeResult:
        store, today = context.resources.store, dt.date.today()
        previous = _previous(store, policy.dataset)
        frame = register_frame(policy, catalogue, Path(store.root), today, previous) if reads_catalogue else None
        outcome = run_dataset(policy, context.resources.staging, context.resources.candidates, context.run.run_id,
                              today, institution, previous, split, frame)
        for leak in outcome.leaks:
            context.log.error(leak.message())
        candidates = context.resources.candidates
        candidates.record_verdict(outcome.candidate, LEAK_GUARD, not outcome.leaks)
        record_outcome(Path(candidates.reports), dt.date.today(), _guard_outcome(outcome), context.run.run_id)
        if outcome.leaks:
            hold([policy], LEAK_GUARD, context.resources.store, Path(candidates.reports), dt.date.today(),
                 context.run.run_id)
        return dg.MaterializeResult(metadata=_metadata(outcome), check_results=[_guard_result(outcome)])

    return _anonymise


def _guard_outcome(outcome: DatasetOutcome) -> Outcome:
    """The leak guard's verdict for the steward report: how many findings, never what they are."""
    finding = Finding(LEAK_GUARD, "(toutes)", "Aucun identifiant direct des sources dans une valeur publiée.",
                      not outcome.leaks, element_count=outcome.report.rows_out, unexpected_count=len(outcome.leaks))
    return Outcome(f"leak_guard.{outcome.policy.dataset}", outcome.policy.dataset, "ERROR", outcome.report.rows_out, [finding])


def _guard_result(outcome: DatasetOutcome) -> dg.AssetCheckResult:
    messages = [leak.message() for leak in outcome.leaks]
    return dg.AssetCheckResult(
        check_name=LEAK_GUARD, passed=not messages, severity=dg.AssetCheckSeverity.ERROR,
        metadata={"findings": dg.MetadataValue.int(len(messages)),
                  "details": dg.MetadataValue.md("\n".join(f"- {m}" for m in messages[:50]) or "none")},
    )


def _metadata(outcome: DatasetOutcome) -> dict[str, dg.MetadataValue]:
    report = outcome.report
    withheld = {k: v for k, v in report.withheld.items() if k != "cellules"}
    return {
        "dagster/row_count": dg.MetadataValue.int(report.rows_out),
        "dagster/column_schema": dg.MetadataValue.table_schema(dg.TableSchema(columns=[
            dg.TableColumn(c["name"], description=f"{c['treatment']} {c.get('rule') or ''}".strip())
            for c in report.columns_published])),
        "candidate": dg.MetadataValue.path(str(outcome.candidate)),
        "report": dg.MetadataValue.path(str(outcome.report_paths[1])),
        "policy_hash": dg.MetadataValue.text(report.policy_hash),
        "reviewer": dg.MetadataValue.text(f"{report.reviewer} ({report.reviewed_on})"),
        "exception": dg.MetadataValue.text(report.exception or "none"),
        "noindex": dg.MetadataValue.bool(report.noindex),
        "opposition_removed": dg.MetadataValue.int(report.opposition_removed),
        "columns_dropped": dg.MetadataValue.int(len(report.columns_dropped)),
        "cells_withheld": dg.MetadataValue.json(withheld),
        "k_anonymity": dg.MetadataValue.int(report.k_anonymity) if report.k_anonymity is not None else dg.MetadataValue.text("aggregate"),
        "redactions": dg.MetadataValue.json(report.redactions),
        "public_names_kept": dg.MetadataValue.int(report.public_names_kept),
    }
