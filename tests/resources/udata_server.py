"""A local stand-in for the udata 17.18 API v1, for the data.gouv.fr publisher's tests.

It honours the routes the publisher uses, with udata's answers and checks
(``udata/core/dataset/api.py``, ``forms.py``, ``udata/core/storages/``):

- ``POST /api/1/datasets/`` (201), ``GET``/``PUT /api/1/datasets/{id}/``;
- ``POST /api/1/datasets/{id}/upload/`` (multipart ``file``; 201, the new resource);
- ``POST /api/1/datasets/{id}/resources/`` (a remote resource: a link; 201);
- ``POST /api/1/datasets/{id}/resources/{rid}/upload/`` (200; title = file name again);
- ``PUT /api/1/datasets/{id}/resources/{rid}/`` (200; url, checksum, filesize, mime and
  format of a hosted file are the server's, ``HOSTED_RESOURCE_PROTECTED_FIELDS``).

Writes need ``X-API-KEY`` (401 otherwise); forms are validated as udata's are
(400 with ``errors``); an upload is stored, its sha1 computed, its extension
checked against ``ALLOWED_RESOURCES_EXTENSIONS``. Every request is recorded
(method, path, status, a summary of the body); ``fail_next_uploads`` and
``fail_next_describes`` make the next uploads or resource PUTs answer 500.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import mimetypes
import re
import secrets
import threading
import unicodedata
import uuid
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

# udata/core/dataset/constants.py, copied here on purpose: the server is an oracle
# independent of the client's own lists.
FREQUENCIES = {
    "continuous", "oneMinute", "fiveMinutes", "tenMinutes", "fifteenMinutes", "thirtyMinutes", "hourly",
    "bihourly", "trihourly", "twelveHours", "severalTimesADay", "threeTimesADay", "semidaily", "daily",
    "fiveTimesAWeek", "threeTimesAWeek", "semiweekly", "weekly", "biweekly", "threeTimesAMonth",
    "semimonthly", "monthly", "bimonthly", "quarterly", "threeTimesAYear", "semiannual", "annual",
    "biennial", "triennial", "quadrennial", "quinquennial", "decennial", "bidecennial", "tridecennial",
    "punctual", "irregular", "never", "notPlanned", "other", "unknown",
}
RESOURCE_TYPES = {"main", "documentation", "update", "api", "code", "other"}
# udata/settings.py defaults; an instance may allow more (parquet, md...).
ALLOWED_EXTENSIONS = {
    "tar", "gz", "tgz", "rar", "zip", "7z", "xz", "bz2", "csv", "txt", "json", "pdf", "xml", "rtf", "xsd",
    "ods", "odt", "odp", "odg", "xls", "xlsx", "doc", "docx", "pps", "ppt", "jpeg", "jpg", "jpe", "gif",
    "png", "dwg", "svg", "tiff", "ecw", "svgz", "jp2", "webp", "shp", "kml", "kmz", "gpx", "shx", "ovr",
    "geojson", "gpkg", "grib2", "rdf", "ttl", "n3", "dbf", "prj", "sql", "sqlite", "db", "epub", "sbn",
    "sbx", "cpg", "lyr", "owl", "dxf", "ics", "ssim", "other",
}
LICENCES = {"notspecified", "lov2", "fr-lo", "odc-odbl", "odc-by", "odc-pddl", "cc-by", "cc-by-sa", "cc-zero"}
GRANULARITIES = {"poi", "other", "country", "fr:region", "fr:departement", "fr:epci", "fr:commune"}
# Schemas of schema.data.gouv.fr's catalogue that our datasets declare (udata reads the same catalogue).
SCHEMAS = {"scdl/subventions": {"2.1.1", "latest"}, "139bercy/format-commande-publique": {"2.0.3", "latest"},
           "etalab/schema-hautes-remunerations": {"0.1.0", "latest"}}
PROTECTED = ("filetype", "url", "checksum", "filesize", "mime", "format")


class UdataServer:
    """The fake API on 127.0.0.1 (a free port), served from a thread; use as a context manager."""

    def __init__(self, api_key: str, organization: str, *, extra_extensions: tuple[str, ...] = ()) -> None:
        self.api_key, self.organization = api_key, organization
        self.allowed_extensions = ALLOWED_EXTENSIONS | set(extra_extensions)
        self.datasets: dict[str, dict[str, Any]] = {}
        self.files: dict[str, bytes] = {}  # resource id -> bytes of its current file
        self.requests: list[dict[str, Any]] = []
        self._failures = {"upload": 0, "describe": 0}
        self._lock = threading.Lock()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05},
                                        daemon=True)

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self._httpd.server_address[1]}/api/1"

    def fail_next_uploads(self, count: int) -> None:
        """The next ``count`` uploads (either upload route) answer HTTP 500."""
        self._failures["upload"] = count

    def fail_next_describes(self, count: int) -> None:
        """The next ``count`` ``PUT /datasets/{id}/resources/{rid}/`` answer HTTP 500."""
        self._failures["describe"] = count

    def calls(self, method: str | None = None, pattern: str = "") -> list[dict[str, Any]]:
        """Recorded requests, filtered by method and a regular expression on the path."""
        return [r for r in self.requests if (method is None or r["method"] == method)
                and re.search(pattern, r["path"])]

    def __enter__(self) -> UdataServer:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)

    # --- routes: (status, json body)
    def handle(self, method: str, path: str, headers: Any, body: bytes) -> tuple[int, Any]:
        record: dict[str, Any] = {"method": method, "path": path, "has_key": "X-API-KEY" in headers}
        with self._lock:
            self.requests.append(record)
            status, answer = self._route(method, path, headers, body, record)
            record["status"] = status
            return status, answer

    def _route(self, method: str, path: str, headers: Any, body: bytes, record: dict[str, Any]) -> tuple[int, Any]:
        m = re.fullmatch(r"/api/1/datasets/(?:([0-9a-f]{24})/(?:(upload/)|(resources/)(?:([0-9a-f-]{36})/(upload/)?)?)?)?",
                         path)
        if not m:
            return 404, {"message": "Not found"}
        ds_id, new_upload, resources, rid, reupload = m.groups()
        dataset = self.datasets.get(ds_id) if ds_id else None
        if ds_id and dataset is None:
            return 404, {"message": "Dataset not found"}
        if method == "GET" and dataset is not None and rid is None and not new_upload:
            return 200, dataset
        if method not in ("POST", "PUT"):
            return 405, {"message": "Method not allowed"}
        if headers.get("X-API-KEY") != self.api_key:
            return 401, {"message": "Invalid API token"}
        if new_upload or reupload:
            return self._upload(dataset, rid, headers, body, record)
        if headers.get("Content-Type", "").split(";")[0] != "application/json":
            return 400, {"errors": {"Content-Type": "expecting application/json"}}
        payload = json.loads(body or b"null")
        record["json"] = payload
        if not isinstance(payload, dict):
            return 400, {"errors": {"request": "expecting a JSON object"}}
        if rid and method == "PUT":
            return self._describe(dataset, rid, payload)
        if resources and rid is None and method == "POST":
            return self._link(dataset, payload)
        if ds_id is None and method == "POST":
            return self._save_dataset(None, payload)
        if dataset is not None and rid is None and method == "PUT":
            return self._save_dataset(dataset, payload)
        return 405, {"message": "Method not allowed"}

    def _save_dataset(self, dataset: dict[str, Any] | None, payload: dict[str, Any]) -> tuple[int, Any]:
        merged = {**(dataset or {}), **{k: v for k, v in payload.items() if k != "resources"}}
        errors = _dataset_errors(merged, self.organization)
        if errors:
            return 400, {"errors": errors, "message": "Validation error"}
        merged["tags"] = sorted({_slug(t) for t in merged.get("tags", [])})
        now = _now()
        if dataset is None:
            ds_id = secrets.token_hex(12)
            merged.update(id=ds_id, slug=_slug(merged["title"]), resources=[], created_at=now)
            self.datasets[ds_id] = merged
            status = 201
        else:
            dataset.clear()
            dataset.update(merged)
            status = 200
        merged.update(last_modified=now, last_update=now)
        return status, merged

    def _upload(self, dataset: dict[str, Any], rid: str | None, headers: Any, body: bytes,
                record: dict[str, Any]) -> tuple[int, Any]:
        resource = next((r for r in dataset["resources"] if r["id"] == rid), None) if rid else None
        if rid and resource is None:
            return 404, {"message": "Resource does not exist"}
        filename, content = _multipart_file(headers.get("Content-Type", ""), body)
        if filename is None:
            return 400, {"success": False, "error": "Missing file parameter"}
        sha1 = hashlib.sha1(content).hexdigest()
        record["file"] = {"name": filename, "size": len(content), "sha1": sha1}
        if self._failures["upload"] > 0:
            self._failures["upload"] -= 1
            return 500, {"message": "Internal server error"}
        name = re.sub(r"[^a-z0-9.]+", "-", filename.lower()).strip("-")
        extension = name.rsplit(".", 1)[-1] if "." in name else ""
        if extension not in self.allowed_extensions:
            return 400, {"message": "This file type is not allowed."}
        mime = mimetypes.guess_type(name)[0] or "application/octet-stream"
        if "html" in mime:
            return 415, {"message": "Incorrect file content type: HTML"}
        now = _now()
        infos = {"title": name, "url": f"{self.api_url[:-6]}/s/resources/{dataset['slug']}/{name}",
                 "checksum": {"type": "sha1", "value": sha1}, "filesize": len(content), "mime": mime,
                 "format": extension, "last_modified": now}
        if resource is None:
            resource = {"id": str(uuid.uuid4()), "filetype": "file", "type": "main", "description": None,
                        "schema": None, "extras": {}, "created_at": now, **infos}
            dataset["resources"].insert(0, resource)  # udata prepends (Dataset.add_resource)
            status = 201
        else:
            resource.update(infos)
            status = 200
        self.files[resource["id"]] = content
        dataset["last_update"] = now
        return status, {**resource, "success": True}

    def _link(self, dataset: dict[str, Any], payload: dict[str, Any]) -> tuple[int, Any]:
        """ResourcesAPI.post: a remote resource (a link), never a hosted file."""
        if payload.get("filetype") != "remote":
            return 400, {"message": "This endpoint only supports remote resources"}
        if not str(payload.get("url", "")).startswith(("http://", "https://")):
            return 400, {"errors": {"url": ["This field is required."]}, "message": "Validation error"}
        resource = {"id": str(uuid.uuid4()), "type": "main", "description": None, "schema": None, "extras": {},
                    "created_at": _now(), "last_modified": _now(), **payload}
        errors = _resource_errors(resource)
        if errors:
            return 400, {"errors": errors, "message": "Validation error"}
        dataset["resources"].insert(0, resource)
        return 201, resource

    def _describe(self, dataset: dict[str, Any], rid: str, payload: dict[str, Any]) -> tuple[int, Any]:
        resource = next((r for r in dataset["resources"] if r["id"] == rid), None)
        if resource is None:
            return 404, {"message": "Resource does not exist"}
        if self._failures["describe"] > 0:
            self._failures["describe"] -= 1
            return 500, {"message": "Internal server error"}
        if payload.get("filetype") and payload["filetype"] != resource["filetype"]:
            return 400, {"message": "Cannot modify filetype after creation"}
        changes = {k: v for k, v in payload.items() if not (resource["filetype"] == "file" and k in PROTECTED)}
        merged = {**resource, **changes}
        errors = _resource_errors(merged)
        if errors:
            return 400, {"errors": errors, "message": "Validation error"}
        resource.update(changes, last_modified=_now())
        return 200, resource


def _dataset_errors(data: dict[str, Any], organization: str) -> dict[str, list[str]]:
    """DatasetForm's checks (udata/core/dataset/forms.py, udata/forms/fields.py)."""
    errors: dict[str, list[str]] = {}
    if not data.get("title") or len(data["title"]) > 350:
        errors["title"] = ["This field is required (350 characters at most)."]
    if not data.get("description") or len(data["description"]) > 100000:
        errors["description"] = ["This field is required (100000 characters at most)."]
    if data.get("license") and data["license"] not in LICENCES:
        errors["license"] = ["Not a valid choice."]
    if data.get("frequency") is not None and data["frequency"] not in FREQUENCIES:
        errors["frequency"] = ["Not a valid choice."]
    coverage = data.get("temporal_coverage")
    if coverage is not None and not (isinstance(coverage, dict) and _is_date(coverage.get("start"))
                                     and (not coverage.get("end") or _is_date(coverage["end"]))):
        errors["temporal_coverage"] = ["Unable to parse date range"]
    spatial = data.get("spatial")
    if spatial is not None and (not isinstance(spatial, dict)
                                or spatial.get("granularity", "other") not in GRANULARITIES
                                or any(":" not in str(z) for z in spatial.get("zones", []))):
        errors["spatial"] = ["Unknown geoid or granularity."]
    if any(not 3 <= len(_slug(t)) <= 96 for t in data.get("tags", [])):
        errors["tags"] = ["Tag must be between 3 and 96 characters long."]
    if data.get("organization") not in (None, organization):
        errors["organization"] = ["Organization does not exists"]
    if "private" in data and not isinstance(data["private"], bool):
        errors["private"] = ["Not a valid boolean."]
    return errors


def _resource_errors(data: dict[str, Any]) -> dict[str, list[str]]:
    """BaseResourceForm's checks, and SchemaForm's against the schema catalogue."""
    errors: dict[str, list[str]] = {}
    if not data.get("title") or len(data["title"]) > 350:
        errors["title"] = ["This field is required."]
    if data.get("type") not in RESOURCE_TYPES:
        errors["type"] = ["Not a valid choice."]
    schema = data.get("schema")
    if schema and schema.get("name") and (schema["name"] not in SCHEMAS or
                                          schema.get("version") not in (None, *SCHEMAS[schema["name"]])):
        errors["schema"] = ["Schema name or version is not an allowed value."]
    return errors


def _multipart_file(content_type: str, body: bytes) -> tuple[str | None, bytes]:
    """The ``file`` part of a multipart/form-data body: its file name and bytes."""
    if not content_type.startswith("multipart/form-data"):
        return None, b""
    message = BytesParser(policy=HTTP).parsebytes(f"Content-Type: {content_type}\r\n\r\n".encode() + body)
    for part in message.iter_parts():
        if part.get_param("name", header="content-disposition") == "file" and part.get_filename():
            return part.get_filename(), part.get_payload(decode=True) or b""
    return None, b""


def _handler(server: UdataServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def _serve(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            status, answer = server.handle(self.command, self.path, self.headers, self.rfile.read(length))
            data = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = do_PUT = do_DELETE = _serve

        def log_message(self, *_: Any) -> None:  # quiet: the tests read server.requests
            return

    return Handler


def _slug(value: str) -> str:
    ascii_ = unicodedata.normalize("NFKD", str(value)).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_.lower()).strip("-")


def _is_date(value: Any) -> bool:
    try:
        dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return False
    return isinstance(value, str)


def _now() -> str:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None).isoformat(timespec="seconds")
