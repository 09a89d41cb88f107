"""The data.gouv.fr client: publish a dataset version through the udata API (v1).

Routes, field names and vocabularies follow udata 17.18 (``udata/core/dataset/
api.py``, ``api_fields.py``, ``forms.py``, ``constants.py``): ``POST /datasets/``
creates, ``PUT /datasets/{id}/`` updates (without ``resources`` the list is left
as it is, ``forms/fields.py`` NestedModelList), ``POST /datasets/{id}/upload/``
adds a hosted file, ``POST /datasets/{id}/resources/{rid}/upload/`` replaces it
(udata then renames the resource after the file), ``PUT /datasets/{id}/
resources/{rid}/`` sets its title, description, type and schema. udata computes
url, checksum (sha1), filesize, mime and format of a hosted file itself and
ignores them in a PUT (``HOSTED_RESOURCE_PROTECTED_FIELDS``).

Ids live in ``<state_dir>/state.json``: a second run updates and never
duplicates; a file whose SHA-256 did not change is not uploaded again. The dry
run (default) sends nothing and appends every request it would send to
``<state_dir>/requests.jsonl``. The API key is read from the environment when a
real publication starts; it goes into one request header and nowhere else.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
import json
import logging
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import dagster as dg
import requests
from pydantic import Field

from resources.common.errors import ConfigurationError, OpenDataError
from resources.common.files import write_text_atomic
from resources.publishing.udata import CHECKSUM_TYPE, RESOURCE_TYPES, STATE, ResourceFile, push_state, udata_payload

log = logging.getLogger(__name__)
__all__ = ["DatagouvError", "DatagouvPublisher", "PublishResult", "ResourceFile", "udata_payload"]

_FORM_FIELDS = {"title", "description", "license", "frequency", "tags", "temporal_coverage", "spatial",
                "organization", "private", "type", "filetype", "schema", "file", "url", "Content-Type"}


class DatagouvError(OpenDataError):
    """A publication on data.gouv.fr failed; the message names the dataset, the step and the HTTP status."""


@dataclass(frozen=True)
class PublishResult:
    """What a publication did: ``dataset`` and each resource are created, updated, replaced or skipped."""

    name: str
    dry_run: bool
    dataset_id: str | None
    dataset: str
    resources: dict[str, str] = field(default_factory=dict)
    requests: int = 0

    def by_action(self, action: str) -> list[str]:
        return sorted(key for key, done in self.resources.items() if done == action)


class DatagouvPublisher(dg.ConfigurableResource):
    """Publishes dataset versions on data.gouv.fr (udata API v1); a dry run by default."""

    api_url: str = Field(description="udata API base, e.g. https://www.data.gouv.fr/api/1")
    api_key_env: str = Field(description="Name of the environment variable holding the API key")
    dry_run: bool = Field(default=True, description="Write the requests to requests.jsonl instead of sending")
    state_dir: str = Field(description="Folder (beside the output store) for state.json and requests.jsonl")
    retries: int = Field(default=3, description="Retries of a request after a 5xx, 408, 429 or a network error")
    backoff_s: float = Field(default=1.0, description="First wait between retries, doubled each time")
    timeout_s: float = Field(default=300.0, description="Timeout of one HTTP request")

    def publish(self, name: str, dataset: dict[str, Any], resources: list[ResourceFile]) -> PublishResult:
        """Create or update the dataset ``name``, then upload the files that changed and set their metadata."""
        sums = {r.key: _verified_digests(name, r) for r in resources}
        if len({r.key for r in resources}) != len(resources):
            raise DatagouvError(f"dataset {name!r}: two resources share a file name")
        transport = _DryRun(self, name) if self.dry_run else _Http(self, name, self._api_key())
        try:
            return self._publish(name, dataset, resources, sums, transport)
        finally:
            transport.close()

    def _publish(self, name: str, dataset: dict[str, Any], resources: list[ResourceFile],
                 sums: dict[str, str], transport: _Transport) -> PublishResult:
        entry = self._load().get(name, {})
        known = entry.get("resources", {})
        ds_id = entry.get("dataset_id")
        if ds_id:
            updated = transport.send("PUT", f"/datasets/{ds_id}/", "update dataset", body=dataset)
            action = "updated"
            if not self.dry_run and updated.get("page") and updated.get("page") != entry.get("page"):
                self._save(name, {"page": updated["page"]})
        else:
            created = transport.send("POST", "/datasets/", "create dataset", body=dataset)
            ds_id, action = created.get("id"), "created"
            if not self.dry_run:
                if not ds_id:
                    raise DatagouvError(f"dataset {name!r}: data.gouv.fr created it but returned no id")
                # udata's own address of the dataset's page, which the store's index.html links to
                self._save(name, {"dataset_id": ds_id, "slug": created.get("slug"), "page": created.get("page"),
                                  "resources": {}})
        path_id = ds_id or "{dataset_id}"
        done: dict[str, str] = {}
        failures: list[str] = []
        for res in resources:
            try:
                done[res.key] = self._resource(name, path_id, res, sums[res.key], known.get(res.key), transport)
            except DatagouvError as exc:
                failures.append(str(exc))
        if failures:
            raise DatagouvError("; ".join(failures))
        return PublishResult(name, self.dry_run, ds_id, action, done, transport.count)

    def _resource(self, name: str, ds_id: str, res: ResourceFile, sha1: str, known: dict[str, Any] | None,
                  transport: _Transport) -> str:
        meta = res.metadata()
        meta_hash = hashlib.sha256(json.dumps(meta, sort_keys=True).encode()).hexdigest()
        known = known or {}
        rid = known.get("id")
        if rid and known.get("sha256") == res.checksum and known.get("metadata") == meta_hash:
            return "skipped"
        action = "updated"
        if res.remote and not rid:
            body = transport.send("POST", f"/datasets/{ds_id}/resources/", f"link {res.key}", body=meta)
            if not self.dry_run:
                self._save_resource(name, res.key, {"id": body.get("id"), "sha256": res.checksum, "metadata": meta_hash,
                                                    "published_at": _now()})
            return "created"
        if known.get("sha256") != res.checksum and not res.remote:
            step = f"upload {res.key}"
            body: dict[str, Any] | None = None
            if rid:
                try:
                    body = transport.send("POST", f"/datasets/{ds_id}/resources/{rid}/upload/", step, upload=res)
                    action = "replaced"
                except _Gone:
                    log.warning("data.gouv.fr: resource %s of %s is gone; uploading it anew", res.key, name)
            if body is None:
                body = transport.send("POST", f"/datasets/{ds_id}/upload/", step, upload=res)
                rid, action = body.get("id"), "created"
            if not self.dry_run:
                # The file is online but not yet described: keep its id (no duplicate next time), not its checksum.
                self._save_resource(name, res.key, {"id": rid, "sha256": None, "metadata": None})
                received = body.get("checksum") or {}
                if received.get("type") == "sha1" and received.get("value") != sha1:
                    raise DatagouvError(f"dataset {name!r}: step {step!r}: the file udata stored does not "
                                        "match ours (sha1); it is not marked as published")
        try:
            transport.send("PUT", f"/datasets/{ds_id}/resources/{rid or '{resource_id}'}/", f"describe {res.key}",
                           body=meta)
        except _Gone:
            if not known:
                raise
            # Deleted on data.gouv.fr since the last run: publish it anew rather than fail every night.
            log.warning("data.gouv.fr: resource %s of %s is gone; publishing it anew", res.key, name)
            return self._resource(name, ds_id, res, sha1, None, transport)
        if not self.dry_run:
            self._save_resource(name, res.key, {"id": rid, "sha256": res.checksum, "metadata": meta_hash,
                                                "published_at": _now()})
        return action

    def _api_key(self) -> str:
        key = os.environ.get(self.api_key_env, "").strip()
        if not key:
            raise ConfigurationError(f"the environment variable {self.api_key_env} (data.gouv.fr API key) is "
                                     "not set; it is required when dry_run is false")
        return key

    # --- state.json, shared by every dataset: read-modify-write under a lock, replaced atomically.
    @contextmanager
    def _locked(self) -> Iterator[Path]:
        folder = Path(self.state_dir)
        folder.mkdir(parents=True, exist_ok=True)
        with open(folder / ".lock", "w") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield folder
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def _load(self) -> dict[str, Any]:
        return push_state(Path(self.state_dir))

    def _save(self, name: str, entry: dict[str, Any]) -> None:
        with self._locked() as folder:
            datasets = self._load()
            datasets[name] = {**datasets.get(name, {}), **entry, "updated_at": _now()}
            write_text_atomic(folder / STATE, json.dumps({"datasets": datasets}, ensure_ascii=False, indent=1) + "\n")

    def _save_resource(self, name: str, key: str, entry: dict[str, Any]) -> None:
        resources = dict(self._load().get(name, {}).get("resources", {}))
        resources[key] = entry
        self._save(name, {"resources": resources})


class _Gone(DatagouvError):
    """The resource the state names no longer exists on data.gouv.fr (HTTP 404)."""


class _Transport:
    def __init__(self, publisher: DatagouvPublisher, name: str) -> None:
        self.publisher, self.name, self.count = publisher, name, 0

    def send(self, method: str, path: str, step: str, *, body: dict[str, Any] | None = None,
             upload: ResourceFile | None = None) -> dict[str, Any]:
        raise NotImplementedError

    def close(self) -> None:
        """Nothing held by default."""


class _DryRun(_Transport):
    """Appends each request it would send to requests.jsonl (never a header, so never the key)."""

    def send(self, method: str, path: str, step: str, *, body: dict[str, Any] | None = None,
             upload: ResourceFile | None = None) -> dict[str, Any]:
        record: dict[str, Any] = {"at": _now(), "dataset": self.name, "step": step, "method": method, "path": path}
        if upload is not None:
            record["file"] = {"name": upload.path.name, "size": upload.filesize,
                              "checksum": {"type": CHECKSUM_TYPE, "value": upload.checksum}}
        else:
            record["json"] = body
        with self.publisher._locked() as folder, open(folder / "requests.jsonl", "a", encoding="utf-8") as out:
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
        self.count += 1
        return {}


class _Http(_Transport):
    """Sends requests with the key in the X-API-KEY header; retries what may pass on a second try."""

    def __init__(self, publisher: DatagouvPublisher, name: str, key: str) -> None:
        super().__init__(publisher, name)
        self.session = requests.Session()
        self.session.headers.update({"X-API-KEY": key, "User-Agent": "opendata-sup"})

    def close(self) -> None:
        self.session.close()

    def send(self, method: str, path: str, step: str, *, body: dict[str, Any] | None = None,
             upload: ResourceFile | None = None) -> dict[str, Any]:
        cfg = self.publisher
        url = cfg.api_url.rstrip("/") + path
        for attempt in range(cfg.retries + 1):
            self.count += 1
            detail, retry = "", True
            try:
                if upload is not None:
                    with open(upload.path, "rb") as handle:
                        response = self.session.post(url, files={"file": (upload.path.name, handle, upload.mime)},
                                                     timeout=cfg.timeout_s)
                else:
                    response = self.session.request(method, url, json=body, timeout=cfg.timeout_s)
            except requests.RequestException as exc:  # its text may hold the URL: keep the type only
                failure = type(exc).__name__
                retry = isinstance(exc, (requests.ConnectionError, requests.Timeout,
                                         requests.exceptions.ChunkedEncodingError))
            else:
                log.info("data.gouv.fr %s: %s %s -> HTTP %d", self.name, method, path, response.status_code)
                if response.status_code < 400:
                    return _json(response, self.name, step)
                failure = f"HTTP {response.status_code}"
                retry = response.status_code >= 500 or response.status_code in (408, 429)
                detail = _rejected(response) if response.status_code == 400 else ""
                if response.status_code == 404 and "/resources/" in path:
                    raise _Gone(f"dataset {self.name!r}: step {step!r}: HTTP 404")
            if not retry or attempt == cfg.retries:
                raise DatagouvError(f"publication of dataset {self.name!r} on data.gouv.fr failed at step "
                                    f"{step!r}: {failure} after {attempt + 1} attempt(s){detail}")
            log.warning("data.gouv.fr %s: %s at step %r, retry %d of %d", self.name, failure, step,
                        attempt + 1, cfg.retries)
            time.sleep(cfg.backoff_s * 2 ** attempt)
        raise AssertionError("unreachable")


def _json(response: requests.Response, name: str, step: str) -> dict[str, Any]:
    if not response.content:
        return {}
    try:
        return response.json()
    except ValueError:
        raise DatagouvError(f"dataset {name!r}: step {step!r}: the answer is not JSON") from None


def _rejected(response: requests.Response) -> str:
    """The udata form fields a 400 names (only names we know: nothing of the body is echoed)."""
    try:
        errors = response.json().get("errors") or {}
    except (ValueError, AttributeError):
        return ""
    names = sorted(k for k in errors if k in _FORM_FIELDS) if isinstance(errors, dict) else []
    return f" (fields refused: {', '.join(names)})" if names else ""


def _verified_digests(name: str, res: ResourceFile) -> str:
    """The file's sha1 (what udata reports after an upload), once its SHA-256 matches the declared one."""
    if res.type not in RESOURCE_TYPES:
        raise DatagouvError(f"dataset {name!r}: {res.key} has type {res.type!r}, not one of {RESOURCE_TYPES}")
    if not res.path.is_file():
        raise DatagouvError(f"dataset {name!r}: {res.key} is missing; nothing was sent")
    sha1, sha256 = hashlib.sha1(), hashlib.sha256()
    with open(res.path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            sha1.update(block)
            sha256.update(block)
    if sha256.hexdigest() != res.checksum:
        raise DatagouvError(f"dataset {name!r}: {res.key} does not match its declared SHA-256; nothing was sent")
    return sha1.hexdigest()


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
