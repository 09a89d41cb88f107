"""Apply a policy to a builder's frame: ``apply(frame, policy, context) -> (frame, report)``.

The allow-list is enforced here: only the policy's columns are built, every
other column of the frame is dropped. Then each column gets its treatment
(a ``constant`` column holds the policy's reviewed value in every row),
nominative datasets honour their opposition list, free text is scanned, the
dataset's kind builds it (``anonymisation.kinds``: an aggregate's cells are
counted and protected, a list reports its k-anonymity...), and the output
is cast to the policy's types.
"""

from __future__ import annotations

import datetime as dt
import logging

import pandas as pd

from anonymisation.context import ApplyContext
from anonymisation.kinds.base import Built
from anonymisation.kinds.registry import kind_of
from anonymisation.policy_model import Column, Policy
from anonymisation.report import AnonymisationReport
from anonymisation.treatments import BIRTH_DATE_RULES, SIMPLE

_LOG = logging.getLogger(__name__)


class AnonymisationError(ValueError):
    """A treatment failed; the message names dataset, column and rule, never a value."""


def _treat(frame: pd.DataFrame, column: Column, policy: Policy, ctx: ApplyContext, report: AnonymisationReport) -> pd.Series:
    values = frame[column.source]
    if column.treatment in ("keep", "label"):
        return values
    if column.treatment == "generalise":
        if column.rule in BIRTH_DATE_RULES:
            reference = [c for c in frame.columns if c.endswith("._date_reference")]
            return BIRTH_DATE_RULES[column.rule](values, frame[reference[0]] if reference else ctx.as_of)
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
    out = kind_of(policy.kind).build(Built(out, frame, policy, ctx, report))
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
