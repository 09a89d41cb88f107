"""Publication assets ``[domain, open, dataset]``: a checked candidate becomes the dated version online.

Downstream of the anonymised asset, so Dagster skips it when one of that
dataset's blocking checks fails in the run, and the other datasets still
publish. It also refuses, on its own, a candidate whose blocking checks did
not all pass on these exact bytes (materialising it alone in the UI cannot
publish an unchecked file). It first verifies the bytes of the version online
(``OutputStore.check``): a file that no longer matches its checksums is
restored and reported as an incident (steward page, alerts). Unchanged data
write nothing. Otherwise the version is written with its metadata into a
hidden folder of the store, validated against its schema, checksummed, and
only then renamed; the DCAT catalogue and the store's ``index.html`` are
rebuilt from what the store holds.
On refusal or failure the version online stays exactly as it was.
"""

# No `from __future__ import annotations`: Dagster reads the context annotation at definition time.
import datetime as dt
import fcntl
import json
import logging
import os
from pathlib import Path

import dagster as dg

from anonymisation.evolution import policy_change
from anonymisation.policy import Policy
from assets.candidate_checks import blocking_checks, related
from assets.keys import anonymised_key, open_key
from quality.corrections_ledger import corrections_folder, read_record
from quality.incidents import record_incidents
from quality.index_page import index_path
from quality.ledger import Publication, record_publication
from resources.publishing.alerts import deliver, integrity_alert
from resources.publishing.catalogue import CatalogueOwner, build_catalogue, write_catalogue
from resources.publishing.catalogue_page import write_page
from resources.publishing.metadata import Producer
from resources.publishing.store_folders import Commit, PublicationError
from resources.publishing.udata import datagouv_pages
from resources.publishing.version import Before, content_digest, write_version
from resources.store import OutputStore

# Counts of the anonymisation report that the metadata carry (never a value).
# The utility figures and the exact totals reach the README and datapackage.json the same way.
SUMMARY = ("rows_in", "rows_out", "opposition_removed", "left_out", "withheld", "k_anonymity", "redactions",
           "utility", "totals", "risks")


def published_assets(catalogue: dict[str, Policy], producer: Producer,
                     datagouv_state: Path) -> list[dg.AssetsDefinition]:
    """One publication asset per dataset; ``datagouv_state`` is where the API channel records its pages."""
    return [_asset(policy, catalogue, producer, datagouv_state) for policy in catalogue.values()]


def _refusal(candidate: Path | None, verdicts: dict[str, bool], required: tuple[str, ...]) -> str | None:
    if candidate is None:
        return "no candidate has been produced yet"
    failed = [c for c in required if verdicts.get(c) is False]
    missing = [c for c in required if c not in verdicts]
    if failed:
        return f"blocking check(s) failed on this candidate: {', '.join(failed)}"
    if missing:
        return f"blocking check(s) not run on this exact candidate: {', '.join(missing)}"
    return None


def anonymisation_summary(reports: Path, dataset: str) -> dict:
    """The counts of the newest anonymisation report of the dataset."""
    found = sorted(reports.glob(f"*/anonymisation/{dataset}.json"))
    if not found:
        return {}
    report = json.loads(found[-1].read_text(encoding="utf-8"))
    summary = {k: report[k] for k in SUMMARY if report.get(k) not in (None, {}, [])}
    summary["columns_dropped"] = len(report.get("columns_dropped") or [])
    return summary


def publish(policy: Policy, candidate: Path, store: OutputStore, producer: Producer, reports: Path,
            day: dt.date, *, republish: bool = False) -> Commit:
    """Write, verify and commit one version, unless the verified version online holds this exact content.

    Unchanged data are recognised from the candidate's content digest before
    anything is written, so they need no free space in the store.
    ``republish`` (a file bad in both copies online) writes the version anyway.
    """
    if not republish:
        same = store.unchanged(policy.dataset, content_digest(policy, candidate))
        if same is not None:
            return same
    previous = previous_folder(store, policy.dataset, day)
    previous_package = _package(previous)
    # The rows are compared with the version a reuser could download last: the one this run replaces if the
    # day already has one, else the day before's; the policy change is always the day before's.
    replaced = store.dataset_dir(policy.dataset) / day.isoformat()
    replaced_package = _package(replaced)
    compared, compared_package = (replaced, replaced_package) if replaced_package else (previous, previous_package)
    before = Before(compared if compared_package else None, compared_package,
                    policy_change(policy, previous_package), applied_corrections(reports, day, policy.dataset))
    with store.prepare(policy.dataset) as folder:
        write_version(policy, candidate, folder, producer, day, store.versions(policy.dataset),
                      anonymisation_summary(reports, policy.dataset), before)
        commit = store.commit(policy.dataset, folder, day, nominative=policy.nominative)
    store.write_changelog(policy.dataset)
    return commit


def previous_folder(store: OutputStore, dataset: str, day: dt.date) -> Path | None:
    """The folder of the newest version before ``day``, to say what this day's version changes.

    Not ``latest/``: a second run on the same day replaces that day's version,
    which must still record the change from the day before.
    """
    store.recover(dataset)
    before = [v for v in store.versions(dataset) if v < day.isoformat()]
    return store.dataset_dir(dataset) / before[-1] if before else None


def _package(folder: Path | None) -> dict | None:
    path = folder / "datapackage.json" if folder is not None else None
    return json.loads(path.read_text(encoding="utf-8")) if path is not None and path.is_file() else None


def applied_corrections(reports: Path, day: dt.date, dataset: str) -> tuple[dict, ...]:
    """The reviewed corrections applied to the dataset's sources this day (their record, counts and codes only)."""
    record = read_record(corrections_folder(reports, day) / f"{dataset}.json")
    if record is None:
        return ()
    return tuple({k: c[k] for k in ("id", "table", "column", "rows", "summary")} for c in record.get("applied") or [])


def verify_online(policy: Policy, store: OutputStore, reports: Path, day: dt.date, job: str, run_id: str,
                  log: logging.Logger) -> bool:
    """Hash the version online, restore what no longer matches and report it; True if it must be republished."""
    check = store.check(policy.dataset)
    if check.incidents:
        record_incidents(reports, day, policy.dataset, check.incidents)
        for incident in check.incidents:
            log.error(f"integrity incident: {incident.message()}")
        if store.alerts:
            deliver(integrity_alert(policy.dataset, check.incidents, job, run_id), Path(store.alerts), log)
    return check.republish


def refresh_catalogue(store: Path, producer: Producer, datagouv_state: Path) -> tuple[Path, Path]:
    """Rebuild the DCAT catalogue and the catalogue page from what the store holds now.

    One writer at a time: a lock on the store's folder.
    """
    owner = CatalogueOwner(producer.name, producer.siret, producer.contact, producer.public_base_url,
                           identifiers=producer.establishment_ids())
    handle = os.open(store, os.O_RDONLY)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX)
        written = write_catalogue(build_catalogue(store, owner), store)
        write_page(store, owner, datagouv_pages(datagouv_state))
        return written
    finally:
        os.close(handle)


def _asset(policy: Policy, catalogue: dict[str, Policy], producer: Producer,
           datagouv_state: Path) -> dg.AssetsDefinition:
    required = blocking_checks(policy, catalogue)
    # Related datasets (one's counts bound the other's withheld cells) publish
    # together: a blocking check failing on either holds both.
    deps = [anonymised_key(policy), *(anonymised_key(p) for p in related(policy, catalogue))]

    @dg.asset(
        key=open_key(policy), group_name=policy.domain, deps=deps,
        required_resource_keys={"candidates", "store"}, kinds={"csv", "parquet"},
        tags={"nominative": "yes", "noindex": "yes"} if policy.nominative else {},
        description=f"{policy.title}: the version online, published once its blocking checks "
                    f"({', '.join(required)}) passed on the candidate.",
    )
    def _publish(context: dg.AssetExecutionContext) -> dg.MaterializeResult:
        candidates, store, today = context.resources.candidates, context.resources.store, dt.date.today()
        reports = Path(candidates.reports)
        candidate = candidates.latest(policy.dataset)
        republish = verify_online(policy, store, reports, today, context.run.job_name, context.run.run_id, context.log)
        reason = _refusal(candidate, candidates.verdicts(candidate) if candidate else {}, required)
        if reason:
            record_publication(reports, today, Publication(policy.dataset, False, None, reason,
                                                           store.latest_version(policy.dataset), context.run.run_id))
            raise PublicationError(f"{policy.dataset}: not published, {reason}; the version online is unchanged "
                                   "(rule: publish only checked files)")
        commit = publish(policy, candidate, store, producer, reports, today, republish=republish)
        refresh_catalogue(Path(store.root), producer, datagouv_state)
        package = json.loads((commit.path / "datapackage.json").read_text(encoding="utf-8"))
        rows = int(package["x_opendata"]["rows"])
        record_publication(reports, today, Publication(policy.dataset, True, rows, str(commit.path), commit.version,
                                                       context.run.run_id))
        state = "new version" if commit.changed else "unchanged, verified"
        context.log.info(f"{policy.dataset}: {rows} rows, version {commit.version} ({state})")
        return dg.MaterializeResult(metadata={
            "dagster/row_count": dg.MetadataValue.int(rows),
            "version": dg.MetadataValue.text(commit.version),
            "new_version": dg.MetadataValue.bool(commit.changed),
            "path": dg.MetadataValue.path(str(commit.path)),
            "files": dg.MetadataValue.md("\n".join(f"- `{r['path']}` ({r['bytes']:,} bytes, {r['hash']})"
                                                  for r in package["resources"])),
            "report": dg.MetadataValue.path(str(index_path(reports, today))),
        })

    return _publish
