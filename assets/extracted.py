"""Extraction assets ``[domain, extracted, table]``: one per source table of every contract.

Each streams the contract's columns from its source system into private
staging, partition by partition, and records counts, schema and drift.
"""

# No `from __future__ import annotations` here: Dagster reads the context
# annotation at definition time and cannot resolve it as a string.
import datetime as dt
from pathlib import Path

import dagster as dg

from assets.candidate_checks import outcome_result
from assets.keys import asset_key, extracted_key
from assets.partitions import YearPartitions
from quality.corrections_ledger import record_corrections
from quality.index_page import index_path
from quality.ledger import SourceNotice, day_folder, record_outcome, record_source_notice
from quality.source_suites import source_rules
from quality.suite import Outcome
from quality.suite_runs import check_source, has_source_suite
from resources.common.errors import OpenDataError, SourceUnavailableError
from resources.common.vocabulary import EXTRACTED
from resources.extraction import ExtractionResult, extract_table
from resources.sourcing.correcting import CorrectionSettings, table_corrections
from resources.sourcing.contracts import SystemContract, TableContract

PERSONAL_TAG = "personal data"
SOURCE_CHECK = "mise_en_qualite"


def extraction_assets(contract: SystemContract, partitions: YearPartitions,
                      corrections: CorrectionSettings | None = None) -> list[dg.AssetsDefinition]:
    """Build the extraction asset of every table of a system's contract that has a column to extract.

    A table none of whose columns any stage uses (individual pay, sick leave,
    disability, staff comments...) is never read at all: data minimisation,
    GDPR art. 5(1)(c). ``corrections``: the institution's reviewed corrections
    from reusers, applied to the staged rows (``docs/corrections.md``).
    """
    return [_extraction_asset(t, partitions, corrections) for t in contract.tables.values() if t.extracted_columns]


def _description(table: TableContract) -> str:
    cut = f"partitioned by {table.partition.kind.replace('_', ' ')}" if table.partition else "reference table"
    skipped = [c.name for c in table.columns if not c.extracted]
    text = f"{table.description}\n\nSource table `{table.source}` ({cut}). Extracted into private staging."
    if skipped:
        text += f"\n\nLeft in the source (no stage uses them): {', '.join(skipped)}."
    return text


def _references(table: TableContract) -> list[dg.AssetKey]:
    """Reference tables the source suite checks codes against: extracted first."""
    targets = {r["table"] for r in source_rules(table.system).get(table.name, ()) if r.get("rule") == "references"}
    return [extracted_key(t) for t in sorted(targets)
            if t != f"{table.system}.{table.name}"]


def _extraction_asset(table: TableContract, partitions: YearPartitions,
                      corrections: CorrectionSettings | None) -> dg.AssetsDefinition:
    partitions_def = partitions.for_kind(table.partition.kind if table.partition else None)
    resource_key = f"{table.system}_db"
    key = asset_key(table.system, EXTRACTED, table.name)
    checks = [dg.AssetCheckSpec(
        SOURCE_CHECK, asset=key, blocking=False,
        description="Mise en qualité de la source (avertissement): clés, codes nationaux, dates, montants, doublons.",
    )] if has_source_suite(table) else []

    @dg.asset(
        key=key, deps=_references(table), check_specs=checks,
        group_name=table.system,
        description=_description(table),
        partitions_def=partitions_def,
        # Backfills of many years run in one process, one query per year.
        backfill_policy=dg.BackfillPolicy.single_run() if partitions_def else None,
        required_resource_keys={resource_key, "staging", "candidates"},
        kinds={"sql", "parquet"},
        metadata={"source_table": table.source, "key": ", ".join(table.key)},
    )
    def _extract(context: dg.AssetExecutionContext) -> dg.MaterializeResult:
        years = [int(key) for key in context.partition_keys] if partitions_def else None
        bounds = _bounds(partitions_def)
        db = getattr(context.resources, resource_key)
        try:
            fixes = table_corrections(corrections.folder, table) if corrections is not None else None
            result = extract_table(db, context.resources.staging, table, years, context.run.run_id, bounds, fixes)
        except SourceUnavailableError:
            raise  # a database down for the night: the job's retry policy tries again later
        except OpenDataError as exc:
            # A missing column or a value that breaks the contract will not mend by
            # itself: no retry. Our messages name table, column and rule, never a value.
            raise dg.Failure(description=str(exc), allow_retries=False) from exc
        except Exception as exc:
            # Any other library's message may quote a source value: Dagster's event log gets its type only.
            raise dg.Failure(description=f"{table.system}.{table.name}: extraction failed ({type(exc).__name__}; "
                                         "message withheld, it may quote a value) (rule: extraction)",
                             allow_retries=False) from None
        for line in result.notices():
            context.log.warning(line)
        for unreadable in fixes.unreadable if fixes is not None else []:
            context.log.warning(f"{unreadable.message}; set aside tonight, the extraction goes on")
        reports = Path(context.resources.candidates.reports)
        record_source_notice(reports, dt.date.today(), SourceNotice(
            f"{table.system}.{table.name}", result.drift, result.outside_range, list(result.range or ()), context.run.run_id))
        context.log.info(f"{table.system}.{table.name}: {result.rows} rows in {result.seconds:.1f} s")
        if corrections is not None and result.corrections is not None:  # for the changelog and the steward page
            record_corrections(reports, dt.date.today(), result.corrections, corrections.feeds.get(result.corrections.table, ()))
        # The steward page shows the notices once the run is over (pipelines.steward).
        check_results = [_source_check(context, table, partitions_def is not None)] if checks else []
        if partitions_def is None:
            return dg.MaterializeResult(metadata=extraction_metadata(result, table, result.rows), check_results=check_results)
        # A run may cover several years: each partition gets its own row count.
        for partition in context.partition_keys:
            metadata = extraction_metadata(result, table, result.rows_by_partition[partition])
            context.add_asset_metadata(metadata, partition_key=partition)
        return dg.MaterializeResult(check_results=check_results)

    return _extract


def _bounds(partitions_def: dg.PartitionsDefinition | None) -> tuple[int, int] | None:
    """First and last year of a yearly partitions definition (the year in progress included)."""
    if partitions_def is None:
        return None
    keys = partitions_def.get_partition_keys()
    return (int(keys[0]), int(keys[-1])) if keys else None


def _source_check(context: dg.AssetExecutionContext, table: TableContract, partitioned: bool) -> dg.AssetCheckResult:
    """The table's source suite on the partitions just staged: WARN findings, never a failed extraction."""
    reports, today = Path(context.resources.candidates.reports), dt.date.today()
    # A reference table extracted in a run of a yearly job sees the run's years: it has none, it is checked whole.
    partitions = list(context.partition_keys) if partitioned else None
    try:
        outcome = check_source(table, context.resources.staging, partitions, context.run.run_id, reports, today)
    except OpenDataError as exc:  # our errors name table, column and rule, never a value
        context.log.warning(str(exc))
        outcome = Outcome.not_run(f"source.{table.system}.{table.name}", f"{table.system}.{table.name}", "WARN", "suite",
                                  "La suite de la source a pu s'exécuter.", str(exc))
        record_outcome(reports, today, outcome, context.run.run_id)
    if not outcome.passed:
        context.log.warning(f"{table.system}.{table.name}: {len(outcome.failed)} source expectation(s) failed "
                            f"(see the steward report)")
    return outcome_result(SOURCE_CHECK, outcome, index_path(reports, today), day_folder(reports, today))


def extraction_metadata(result: ExtractionResult, table: TableContract, rows: int) -> dict[str, dg.MetadataValue]:
    """Counts, schema, source and drift: column names only, never values."""
    columns = [
        dg.TableColumn(
            name=c.name,
            type=str(c.type),
            description=f"source column {c.source}",
            tags={PERSONAL_TAG: ""} if c.personal else {},
        )
        for c in table.extracted_columns
    ]
    return {
        "dagster/row_count": dg.MetadataValue.int(rows),
        "dagster/column_schema": dg.MetadataValue.table_schema(dg.TableSchema(columns=columns)),
        "source": dg.MetadataValue.text(result.source),
        "duration_s": dg.MetadataValue.float(round(result.seconds, 3)),
        "rows_in_run": dg.MetadataValue.int(result.rows),
        "batches": dg.MetadataValue.int(result.batches),
        "schema_drift": dg.MetadataValue.json(result.drift),
        "rows_outside_partitions": dg.MetadataValue.int(result.outside_range or 0),
        "columns_left_in_source": dg.MetadataValue.int(len(table.columns) - len(table.extracted_columns)),
        **_correction_counts(result),
    }


def _correction_counts(result: ExtractionResult) -> dict[str, dg.MetadataValue]:
    """How many reviewed corrections were applied and found stale (ids on the steward page, no values)."""
    if result.corrections is None or not (result.corrections.applied or result.corrections.stale):
        return {}
    return {"corrections_applied": dg.MetadataValue.int(len(result.corrections.applied)),
            "corrections_stale": dg.MetadataValue.int(len(result.corrections.stale))}
