"""The disclosure audit across every aggregate of the run: ``[reference, anonymised, audit_secret_statistique]``.

One file may be safe alone and unsafe beside another: the list of graduates
(a nominative file, D312-1-3 4°) counts graduates per diploma and mention,
which is a margin of "diplomas awarded" summed over sex. The audit solves,
for every withheld cell of every candidate, the interval its true value can
take given everything published (a linear programme), and fails when a cell
is determined. It is a blocking check: publication waits for it.
"""

# No `from __future__ import annotations`: Dagster reads the context annotation at definition time.
import dagster as dg
import pandas as pd

from anonymisation.policy import Policy
from anonymisation.sdc import PublishedTable, Relation, audit
from resources.candidates import CandidateArea

AUDIT_KEY = dg.AssetKey(["reference", "anonymised", "audit_secret_statistique"])
CHECK = "aucune_cellule_recalculable"


def _counts(policy: Policy, frame: pd.DataFrame, by: tuple[str, ...]) -> PublishedTable:
    """A row-level list seen as the counts it reveals per group."""
    counts = frame.groupby(list(by), dropna=False).size().rename("effectif").reset_index()
    counts["effectif_statut"] = "publie"
    return PublishedTable(policy.dataset, counts, by)


def audit_inputs(catalogue: dict[str, Policy], candidates: CandidateArea) -> tuple[list[PublishedTable], list[Relation]]:
    """Published tables and the relations between them, from the latest candidates.

    Each table's own margins were audited when it was protected (with its true
    counts); this audit adds what one file reveals about another.
    """
    tables, relations = [], []
    for policy in catalogue.values():
        path = candidates.latest(policy.dataset)
        if path is None:
            continue
        frame = pd.read_parquet(path)
        if policy.kind == "aggregate":
            dims = tuple(c.name for c in policy.by_role("dimension"))
            count = next(c.name for c in policy.columns if c.treatment == "count")
            tables.append(PublishedTable(policy.dataset, frame, dims, count))
        for relation in policy.relations:
            by = tuple(relation["by"])
            tables.append(_counts(policy, frame, by))
            # "left <= right" is written for the audit as "right >= left".
            op = ">=" if relation.get("op") == "<=" else "=="
            relations.append(Relation(left=relation["right"], right=relation["left"], by=by, op=op))
    return tables, relations


def audit_asset(catalogue: dict[str, Policy]) -> dg.AssetsDefinition:
    audited = [p for p in catalogue.values() if p.kind == "aggregate" or p.relations]
    deps = [dg.AssetKey([p.domain, "anonymised", p.dataset]) for p in audited]
    spec = dg.AssetCheckSpec(CHECK, asset=AUDIT_KEY, blocking=True,
                             description="No withheld cell can be recomputed from the other files of the run.")

    @dg.asset(key=AUDIT_KEY, group_name="reference", deps=deps, check_specs=[spec],
              required_resource_keys={"candidates"}, kinds={"python"},
              description=__doc__)
    def _audit(context: dg.AssetExecutionContext) -> dg.MaterializeResult:
        tables, relations = audit_inputs(catalogue, context.resources.candidates)
        exposures = audit(tables, relations)
        lines = [f"- {e.table}: {e.cell} in [{e.lower:g}, {e.upper:g}]" for e in exposures[:50]]
        withheld = sum(int((t.frame.get(f"{t.count_col}_statut", pd.Series(dtype="str")) != "publie").sum()) for t in tables)
        result = dg.AssetCheckResult(
            check_name=CHECK, passed=not exposures, severity=dg.AssetCheckSeverity.ERROR,
            metadata={"exposed_cells": dg.MetadataValue.int(len(exposures)),
                      "details": dg.MetadataValue.md("\n".join(lines) or "none")},
        )
        return dg.MaterializeResult(
            metadata={"tables": dg.MetadataValue.int(len(tables)), "relations": dg.MetadataValue.int(len(relations)),
                      "withheld_cells": dg.MetadataValue.int(withheld)},
            check_results=[result],
        )

    return _audit
