"""Publication assets ``[domain, open, dataset]``: a checked candidate becomes the dated version online.

Downstream of the anonymised asset, so Dagster skips it when one of that
dataset's blocking checks fails in the run, and the other datasets still
publish. It also refuses, on its own, a candidate whose blocking checks did
not all pass on these exact bytes (materialising it alone in the UI cannot
publish an unchecked file). On refusal or failure the version online stays
exactly as it was.
"""

# No `from __future__ import annotations`: Dagster reads the context annotation at definition time.
import datetime as dt
from pathlib import Path

import dagster as dg
import pyarrow.parquet as pq

from anonymisation.policy import Policy
from assets.checks import anonymised_key, blocking_checks, related
from quality.index_page import build_index
from quality.ledger import Publication, record_publication
from resources.store import PublicationError


def published_assets(catalogue: dict[str, Policy]) -> list[dg.AssetsDefinition]:
    return [_asset(policy, catalogue) for policy in catalogue.values()]


def _refusal(dataset: str, candidate: Path | None, verdicts: dict[str, bool], required: tuple[str, ...]) -> str | None:
    if candidate is None:
        return "no candidate has been produced yet"
    failed = [c for c in required if verdicts.get(c) is False]
    missing = [c for c in required if c not in verdicts]
    if failed:
        return f"blocking check(s) failed on this candidate: {', '.join(failed)}"
    if missing:
        return f"blocking check(s) not run on this exact candidate: {', '.join(missing)}"
    return None


def _asset(policy: Policy, catalogue: dict[str, Policy]) -> dg.AssetsDefinition:
    required = blocking_checks(policy, catalogue)
    # Related datasets (one's counts bound the other's withheld cells) publish
    # together: a blocking check failing on either holds both.
    deps = [anonymised_key(policy), *(anonymised_key(p) for p in related(policy, catalogue))]

    @dg.asset(
        key=[policy.domain, "open", policy.dataset], group_name=policy.domain, deps=deps,
        required_resource_keys={"candidates", "store"}, kinds={"parquet", "csv"},
        tags={"nominative": "yes", "noindex": "yes"} if policy.nominative else {},
        description=f"{policy.title}: the version online, published once its blocking checks "
                    f"({', '.join(required)}) passed on the candidate.",
    )
    def _publish(context: dg.AssetExecutionContext) -> dg.MaterializeResult:
        candidates, store, today = context.resources.candidates, context.resources.store, dt.date.today()
        reports = Path(candidates.reports)
        candidate = candidates.latest(policy.dataset)
        reason = _refusal(policy.dataset, candidate, candidates.verdicts(candidate) if candidate else {}, required)
        if reason:
            online = store.latest(policy.dataset)
            record_publication(reports, today, Publication(policy.dataset, False, None, reason,
                                                           online.parent.resolve().name if online else None, context.run.run_id))
            build_index(reports, today, catalogue)
            raise PublicationError(f"{policy.dataset}: not published, {reason}; the version online is unchanged "
                                   "(rule: publish only checked files)")
        version = store.publish(policy.dataset, candidate, today, nominative=policy.nominative)
        rows = pq.ParquetFile(version / f"{policy.dataset}.parquet").metadata.num_rows
        record_publication(reports, today, Publication(policy.dataset, True, rows, str(version), version.name, context.run.run_id))
        index = build_index(reports, today, catalogue)
        context.log.info(f"{policy.dataset}: {rows} rows published as version {version.name}")
        return dg.MaterializeResult(metadata={
            "dagster/row_count": dg.MetadataValue.int(rows),
            "version": dg.MetadataValue.text(version.name),
            "path": dg.MetadataValue.path(str(version)),
            "report": dg.MetadataValue.path(str(index)),
        })

    return _publish
