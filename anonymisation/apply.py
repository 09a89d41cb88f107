"""Apply a policy to a builder's frame: ``apply(frame, policy, context) -> (frame, report)``.

The allow-list is enforced here: only the policy's columns are built, every
other column of the frame is dropped. Then each column gets its treatment
(a ``constant`` column holds the policy's reviewed value in every row),
aggregates are protected (small cells, homogeneity, secondary suppression,
dominance), nominative datasets honour their opposition list, free text is
scanned, and the output is cast to the policy's types.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Collection
from dataclasses import dataclass, field

import pandas as pd

from anonymisation.dictionary import Dictionary
from anonymisation.evolution import comparable
from anonymisation.freetext import FreeTextScanner
from anonymisation.policy import Column, Policy
from anonymisation.report import AnonymisationReport
from anonymisation.rules import source_class
from anonymisation.sdc import k_anonymity, protect_amounts, protect_counts
from anonymisation.treatments import SIMPLE, age_band

_LOG = logging.getLogger(__name__)


class AnonymisationError(ValueError):
    """A treatment failed; the message names dataset, column and rule, never a value."""


@dataclass
class ApplyContext:
    """What a run provides: the day, the scanner, oppositions and the previous published version."""

    as_of: dt.date
    run_id: str
    code_version: str
    dictionary: Dictionary
    scanner: FreeTextScanner | None = None
    oppositions: dict[str, Collection] = field(default_factory=dict)  # "system.table" -> person keys
    previous: pd.DataFrame | None = None


def _treat(frame: pd.DataFrame, column: Column, policy: Policy, ctx: ApplyContext, report: AnonymisationReport) -> pd.Series:
    values = frame[column.source]
    if column.treatment in ("keep", "label"):
        return values
    if column.treatment == "generalise":
        if column.rule == "age_band":
            reference = [c for c in frame.columns if c.endswith("._date_reference")]
            return age_band(values, frame[reference[0]] if reference else ctx.as_of)
        return SIMPLE[column.rule](values)
    if column.treatment == "scan":
        return _scan(values, column, ctx, report)
    raise AnonymisationError(f"{policy.dataset}.{column.name}: treatment {column.treatment} has no source (rule: policy format)")


def _scan(values: pd.Series, column: Column, ctx: ApplyContext, report: AnonymisationReport) -> pd.Series:
    if ctx.scanner is None:
        raise AnonymisationError(f"{report.dataset}.{column.name}: free text needs the scanner (rule: free-text scan)")
    texts = [None if pd.isna(v) else str(v) for v in values]
    result = ctx.scanner.scan(texts)
    for entity, count in result.counts().items():
        report.redactions[entity] = report.redactions.get(entity, 0) + count
    withheld = result.stats.get("withheld", 0)
    if withheld:
        # Too long for the NER, or the NER failed on it: withheld whole, never published unscanned.
        message = (f"{report.dataset}.{column.name}: {withheld} text(s) withheld, the NER could not read them "
                   "(rule: free-text scan)")
        report.notes.append(message)
        _LOG.warning(message)
    for finding in result.findings:
        if finding.kept_public_name:
            report.public_names_kept += 1
        elif finding.source == "ner":
            report.ner_review.append({"column": column.name, "row": finding.row, "entity": finding.entity})
    return pd.Series(result.texts, index=values.index, dtype="str")


def _oppositions(frame: pd.DataFrame, policy: Policy, ctx: ApplyContext, report: AnonymisationReport) -> pd.DataFrame:
    """GDPR art. 21: a person who objected is left out of a nominative dataset."""
    exception = policy.exception
    if exception is None:
        return frame
    opposed = set(ctx.oppositions.get(exception.opposition, ()))
    keys = frame[exception.person_key]
    out = keys.astype("str").isin({str(k) for k in opposed})
    report.opposition_removed = int(out.sum())
    return frame[~out]


def apply(frame: pd.DataFrame, policy: Policy, ctx: ApplyContext) -> tuple[pd.DataFrame, AnonymisationReport]:
    """Build the dataset the policy describes from ``frame``, and its report."""
    report = _new_report(policy, ctx, frame)
    frame = _oppositions(frame, policy, ctx, report)
    built = {c.name: _treat(frame, c, policy, ctx, report) for c in policy.columns if c.source and c.treatment != "sum"}
    out = pd.DataFrame(built, index=frame.index)
    for column in policy.columns:  # before aggregating: a constant may be a dimension or a label
        if column.treatment == "constant":
            out[column.name] = _constant(column, policy)
    if policy.kind == "aggregate":
        out = _aggregate(out, policy, ctx, report)
    elif policy.kind == "amounts":
        out = _amounts(out, frame, policy, report)
    else:
        qis = [c.name for c in policy.columns if source_class(policy, c, ctx.dictionary) == "quasi_identifier"]
        report.quasi_identifiers = qis
        report.k_anonymity = int(k_anonymity(out, qis)) if len(out) else None
    for column in policy.columns:  # an aggregate keeps only its dimensions and labels: constants come back
        if column.treatment == "constant" and column.name not in out.columns:
            out[column.name] = _constant(column, policy)
    out = _cast(out[[c.name for c in policy.columns]], policy).reset_index(drop=True)
    report.rows_out = len(out)
    return out, report


def _constant(column: Column, policy: Policy) -> object:
    """The reviewed value of a ``constant`` column; the loader refuses one without it, this guards direct use."""
    if column.value is None or column.source:
        raise AnonymisationError(f"{policy.dataset}.{column.name}: treatment constant needs a value and no source "
                                 "(rule: policy format)")
    return column.value


def _new_report(policy: Policy, ctx: ApplyContext, frame: pd.DataFrame) -> AnonymisationReport:
    used = {c.source for c in policy.columns if c.source}
    inputs = {i.split(".")[1]: i.split(".")[0] for i in policy.inputs}
    dropped = sorted(
        f"{e.table}.{e.column}" for e in ctx.dictionary.entries.values()
        if inputs.get(e.table) == e.system and f"{e.table}.{e.column}" not in used
    )
    return AnonymisationReport(
        dataset=policy.dataset, title=policy.title, run_id=ctx.run_id,
        created_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), policy_hash=policy.hash,
        reviewer=policy.reviewer, reviewed_on=policy.reviewed_on, code_version=ctx.code_version,
        legal_basis=policy.legal_basis, kind=policy.kind,
        exception=policy.exception.article if policy.exception else None, nominative=policy.nominative,
        noindex=policy.nominative,
        rows_in=len(frame), left_out={k: v for k, v in frame.attrs.items() if isinstance(v, int)},
        columns_published=[{"name": c.name, "source": c.source, "treatment": c.treatment, "rule": c.rule} for c in policy.columns],
        columns_dropped=dropped,
    )


def _dims(out: pd.DataFrame, policy: Policy) -> list[str]:
    dims = [c.name for c in policy.by_role("dimension")]
    for name in dims:  # an empty code is a real category (no CNU section for BIATSS staff)
        if out[name].dtype == "str" or out[name].dtype == object:
            out[name] = out[name].fillna("")
    return dims


def _labels(out: pd.DataFrame, policy: Policy, dims: list[str]) -> pd.DataFrame:
    labels = [c.name for c in policy.by_role("label")]
    return out.groupby(dims, dropna=False)[labels].first().reset_index() if labels else out[dims].drop_duplicates()


def _aggregate(out: pd.DataFrame, policy: Policy, ctx: ApplyContext, report: AnonymisationReport) -> pd.DataFrame:
    dims = _dims(out, policy)
    count = next(c.name for c in policy.columns if c.treatment == "count")
    status = next(c.name for c in policy.columns if c.treatment == "status")
    cells = out.groupby(dims, dropna=False).size().rename(count).reset_index()
    homogeneous = pd.Series(False, index=cells.index)
    for sensitive in policy.settings.get("homogeneity") or ():
        # WP29 inference test: if every member of a group shares the sensitive value, the cell tells it.
        others = [d for d in dims if d != sensitive]
        values = cells.groupby(others, dropna=False)[sensitive].transform("nunique") if others else cells[sensitive].nunique()
        homogeneous |= pd.Series(values == 1, index=cells.index)
    published, sdc = protect_counts(
        cells, dims, count_col=count, status_col=status, threshold=int(policy.settings.get("threshold", 5)),
        homogeneous=homogeneous, margins=[tuple(m) for m in policy.settings.get("margins") or ()],
        previous=comparable(ctx.previous, policy),  # the version online, its renamed columns under today's names
    )
    report.withheld = _withheld(sdc)
    report.notes += list(sdc.notes)
    return published.merge(_labels(out, policy, dims), on=dims, how="left")


def _amounts(out: pd.DataFrame, frame: pd.DataFrame, policy: Policy, report: AnonymisationReport) -> pd.DataFrame:
    dims = _dims(out, policy)
    sums = [c for c in policy.columns if c.treatment == "sum"]
    status = next(c.name for c in policy.columns if c.treatment == "status")
    rows = out[dims].copy()
    rows["_contributor"] = frame[policy.settings["contributor"]].astype("str")
    for column in sums:
        rows[column.name] = pd.to_numeric(frame[column.source], errors="coerce").astype("float64")
    first = sums[0].name
    published, sdc = protect_amounts(
        rows[dims + ["_contributor", first]], dims, contributor_col="_contributor", amount_col=first,
        min_contributors=int(policy.settings.get("min_contributors", 3)),
        dominance=float(policy.settings.get("dominance", 0.85)), status_col=status,
        margins=[tuple(m) for m in policy.settings.get("margins") or ()],
    )
    withheld = published[status] != "publie"
    for column in sums[1:]:  # the other sums follow the first one's protection, cell by cell
        totals = rows.groupby(dims, dropna=False)[column.name].sum().reset_index()
        published = published.merge(totals, on=dims, how="left")
        published.loc[withheld.to_numpy(), column.name] = pd.NA
    report.withheld = _withheld(sdc)
    report.notes += list(sdc.notes)
    return published.merge(_labels(out, policy, dims), on=dims, how="left")


def _withheld(sdc) -> dict[str, int]:
    return {
        "effectif_faible": sdc.withheld_small, "homogeneite": sdc.withheld_homogeneity,
        "suppression_secondaire": sdc.withheld_secondary, "dominance_ou_contributeurs": sdc.withheld_dominance,
        "reconduit_de_la_version_precedente": sdc.withheld_carried, "cellules": sdc.cells,
    }


_PANDAS_TYPES = {"integer": "Int64", "year": "Int64", "number": "Float64", "boolean": "boolean", "string": "str"}


def _cast(out: pd.DataFrame, policy: Policy) -> pd.DataFrame:
    """Cast to the policy's types; a failure names the column, never the value (Arrow/pandas quote it)."""
    for column in policy.columns:
        try:
            if column.type == "date":
                out[column.name] = pd.to_datetime(out[column.name]).dt.date
            elif column.type == "number":
                out[column.name] = pd.to_numeric(out[column.name]).astype("Float64")
            else:
                out[column.name] = out[column.name].astype(_PANDAS_TYPES[column.type])
        except (ValueError, TypeError):
            raise AnonymisationError(f"{policy.dataset}.{column.name}: values do not fit type {column.type} (rule: policy type)") from None
    return out
