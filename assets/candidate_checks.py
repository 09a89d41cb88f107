"""Blocking checks on every anonymised candidate, before its publication step.

- ``conformite_fichier_ouvert``: the dataset's Great Expectations suite,
  generated from its policy (``quality.open_suites``), on the candidate file;
- ``secret_statistique``: no withheld cell of the dataset can be recomputed,
  from the file alone or with the datasets it is related to (laureats and
  diplomes_delivres count the same graduates): related datasets are audited
  together and publish together.

Each is its own step, so a failure stops that dataset's publication only.
Each notes its verdict next to the candidate (the file's SHA-256), which the
publication step requires, and records its outcome for the steward page
(built once the run is over: ``pipelines.steward``).
"""

# No `from __future__ import annotations`: Dagster reads the context annotation at definition time.
import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import dagster as dg

from anonymisation.kinds.registry import kind_of
from anonymisation.policy import Policy
from anonymisation.sdc import audit
from assets.audit import audit_inputs
from assets.keys import anonymised_key
from quality.index_page import index_path
from quality.ledger import Publication, day_folder, record_outcome, record_publication
from quality.open_suites import Expectations
from quality.suite import Finding, Outcome
from quality.suite_runs import check_open, published_shape, staged_years
from resources.common.errors import OpenDataError
from resources.publishing.version import conformance
from resources.store import OutputStore

LEAK_GUARD = "leak_guard"  # run inside the anonymised asset itself (assets.anonymised)
OPEN_CHECK = "conformite_fichier_ouvert"
SECRECY_CHECK = "secret_statistique"


@dataclass(frozen=True)
class CheckSettings:
    """What the checks need to know of the institution."""

    first_year: int
    row_drift: float


def outcome_result(check: str, outcome: Outcome, index: Path, docs_root: Path,
                   asset_key: dg.AssetKey | None = None) -> dg.AssetCheckResult:
    """A check result with counts, a table of failures and links to the reports: never a value."""
    severity = dg.AssetCheckSeverity.ERROR if outcome.severity == "ERROR" else dg.AssetCheckSeverity.WARN
    records = [dg.TableRecord({
        "expectation": f.expectation, "column": f.column,
        "unexpected_count": f.unexpected_count if f.unexpected_count is not None else -1,
        "unexpected_percent": float(f.unexpected_percent) if f.unexpected_percent is not None else -1.0,
        "detail": f.error or f.observed or "",
    }) for f in outcome.failed[:100]]
    schema = dg.TableSchema(columns=[
        dg.TableColumn("expectation", "string"), dg.TableColumn("column", "string"),
        dg.TableColumn("unexpected_count", "int", description="-1: not a row-level expectation"),
        dg.TableColumn("unexpected_percent", "float"), dg.TableColumn("detail", "string"),
    ])
    metadata = {
        "expectations": dg.MetadataValue.int(len(outcome.findings)),
        "passed": dg.MetadataValue.int(len(outcome.findings) - len(outcome.failed)),
        "failed": dg.MetadataValue.int(len(outcome.failed)),
        "rows_checked": dg.MetadataValue.int(outcome.rows),
        "failures": dg.MetadataValue.table(records, schema=schema),
        "report": dg.MetadataValue.path(str(index)),
        "duration_s": dg.MetadataValue.float(round(outcome.seconds, 3)),
    }
    if outcome.docs:
        metadata["data_docs"] = dg.MetadataValue.url((docs_root / outcome.docs[0]).as_uri())
    return dg.AssetCheckResult(check_name=check, passed=outcome.passed, severity=severity, metadata=metadata,
                               asset_key=asset_key)


def open_data_check(policy: Policy, catalogue: dict[str, Policy], settings: CheckSettings) -> dg.AssetChecksDefinition:
    @dg.asset_check(
        asset=anonymised_key(policy), name=OPEN_CHECK, blocking=True,
        required_resource_keys={"candidates", "staging", "store"},
        description=f"Le fichier ouvert {policy.dataset} respecte sa politique: colonnes et types, valeurs, "
                    "secret statistique, années couvertes, écart de volume avec la version en ligne.",
    )
    def _check(context: dg.AssetCheckExecutionContext) -> dg.AssetCheckResult:
        candidates, today = context.resources.candidates, dt.date.today()
        reports = Path(candidates.reports)
        candidate = candidates.latest(policy.dataset)
        if candidate is None:
            outcome = Outcome.not_run(f"open.{policy.dataset}", policy.dataset, "ERROR", "candidate",
                                      "Un fichier candidat existe.", "no candidate")
            record_outcome(reports, today, outcome, context.run.run_id)
        else:
            rows, by_year = published_shape(policy, context.resources.store.latest(policy.dataset))
            expect = Expectations(settings.first_year, today.year, staged_years(context.resources.staging, policy),
                                  rows, by_year, settings.row_drift)
            try:
                outcome = check_open(policy, candidate, expect, context.run.run_id, reports, today,
                                     (schema_finding(policy, candidate),))
            except OpenDataError as exc:  # our errors name dataset, suite and rule, never a value
                context.log.error(str(exc))
                outcome = Outcome.not_run(f"open.{policy.dataset}", policy.dataset, "ERROR", "suite",
                                          "La suite du fichier ouvert a pu s'exécuter.", str(exc))
                record_outcome(reports, today, outcome, context.run.run_id)
            candidates.record_verdict(candidate, OPEN_CHECK, outcome.passed)
        if not outcome.passed:
            hold([policy], OPEN_CHECK, context.resources.store, reports, today, context.run.run_id)
        return outcome_result(OPEN_CHECK, outcome, index_path(reports, today), day_folder(reports, today))

    return _check


def schema_finding(policy: Policy, candidate: Path) -> Finding:
    """Whether the files this candidate would become validate against their schemas (Table Schema, national)."""
    errors = conformance(policy, candidate)
    return Finding("schema", "(fichier)", "Les fichiers publiés respectent leur schéma (Table Schema, schéma national).",
                   not errors, unexpected_count=len(errors), observed="; ".join(errors[:3]) or None)


def hold(policies: list[Policy], check: str, store: OutputStore, reports: Path, day: dt.date, run_id: str) -> None:
    """Record for the steward that these datasets are not published today: Dagster skips their publication step."""
    for policy in policies:
        version = store.latest_version(policy.dataset)
        reason = f"contrôle bloquant {check} en échec; la version en ligne ({version or 'aucune'}) est conservée"
        record_publication(reports, day, Publication(policy.dataset, False, None, reason, version, run_id))


def declared(policy: Policy, catalogue: dict[str, Policy]) -> list[Policy]:
    """The datasets this policy declares a relation with (audited by this dataset's check)."""
    names = {r["left"] for r in policy.relations} | {r["right"] for r in policy.relations}
    return [catalogue[n] for n in sorted(names - {policy.dataset}) if n in catalogue]


def related(policy: Policy, catalogue: dict[str, Policy]) -> list[Policy]:
    """Every dataset related to this one, in either direction: they publish together."""
    names = {p.dataset for p in declared(policy, catalogue)}
    names |= {p.dataset for p in catalogue.values() if policy in declared(p, catalogue)}
    return [catalogue[n] for n in sorted(names)]


def needs_secrecy_check(policy: Policy, catalogue: dict[str, Policy]) -> bool:
    """Whether the dataset's kind is audited, or it declares a relation with another dataset."""
    return kind_of(policy.kind).audited or bool(declared(policy, catalogue))


def secrecy_check(policy: Policy, catalogue: dict[str, Policy]) -> dg.AssetChecksDefinition:
    # The relation is audited once, by the dataset that declares it (a check on
    # each side would make each wait for the other).
    group = [policy, *declared(policy, catalogue)]

    @dg.asset_check(
        asset=anonymised_key(policy), name=SECRECY_CHECK, blocking=True,
        additional_deps=[anonymised_key(p) for p in group[1:]],
        required_resource_keys={"candidates", "store"},
        description="Aucune cellule couverte par le secret statistique ne peut être recalculée, à partir de ce "
                    f"fichier seul ou avec {', '.join(p.dataset for p in group[1:]) or 'aucun autre'}.",
    )
    def _check(context: dg.AssetCheckExecutionContext) -> dg.AssetCheckResult:
        candidates, today = context.resources.candidates, dt.date.today()
        tables, relations = audit_inputs({p.dataset: p for p in group}, candidates)
        exposures = audit(tables, relations)
        # Counts and the table named: an exposed cell's interval is a range of counts, not a person.
        finding = Finding(SECRECY_CHECK, "(cellules)", "Aucune cellule masquée n'est recalculable.",
                          not exposures, element_count=sum(len(t.frame) for t in tables), unexpected_count=len(exposures),
                          observed=", ".join(sorted({e.table for e in exposures})) or None)
        outcome = Outcome(f"secret.{policy.dataset}", policy.dataset, "ERROR", len(tables[0].frame) if tables else 0, [finding])
        reports = Path(candidates.reports)
        record_outcome(reports, today, outcome, context.run.run_id)
        candidate = candidates.latest(policy.dataset)
        if candidate is not None:
            candidates.record_verdict(candidate, SECRECY_CHECK, outcome.passed)
        if not outcome.passed:
            hold(group, SECRECY_CHECK, context.resources.store, reports, today, context.run.run_id)
        return outcome_result(SECRECY_CHECK, outcome, index_path(reports, today), day_folder(reports, today))

    return _check


def blocking_checks(policy: Policy, catalogue: dict[str, Policy]) -> tuple[str, ...]:
    """The checks a candidate must have passed to be published (the leak guard runs inside its asset)."""
    checks = [LEAK_GUARD, OPEN_CHECK]
    if needs_secrecy_check(policy, catalogue):
        checks.append(SECRECY_CHECK)
    return tuple(checks)


def quality_checks(catalogue: dict[str, Policy], settings: CheckSettings) -> list[dg.AssetChecksDefinition]:
    checks = [open_data_check(p, catalogue, settings) for p in catalogue.values()]
    checks += [secrecy_check(p, catalogue) for p in catalogue.values() if needs_secrecy_check(p, catalogue)]
    return checks
