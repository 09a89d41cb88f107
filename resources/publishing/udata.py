"""udata's vocabularies and the mapping of our ``datapackage.json`` to a udata dataset and its resources.

From udata 17.18's own code (``udata/core/dataset/constants.py``, ``forms.py``,
``udata/core/spatial/constants.py``, ``udata/settings.py``), read, not guessed:
frequency ids, resource types, checksum types, the formats it hosts, the base
spatial granularities. Used by the client (``resources.datagouv``) and by the
metadata score (``quality.metadata_score``).
"""

from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from resources.common.errors import ConfigurationError
from resources.common.vocabulary import NATIONAL_SCHEMAS

STATE = "state.json"  # the API channel's record of what it pushed, in its state folder


def push_state(state_dir: Path) -> dict[str, Any]:
    """What the API channel recorded of each dataset it pushed (ids, resources, page), by dataset; empty if none."""
    path = state_dir / STATE
    return json.loads(path.read_text(encoding="utf-8")).get("datasets", {}) if path.is_file() else {}


def datagouv_pages(state_dir: Path) -> dict[str, str]:
    """Each pushed dataset's page on data.gouv.fr, from udata's ``page`` field as recorded; empty otherwise."""
    return {name: entry["page"] for name, entry in push_state(state_dir).items() if entry.get("page")}


# udata/core/dataset/constants.py (UpdateFrequency): id -> expected delay between updates.
_DAY, _WEEK, _MONTH, _YEAR = dt.timedelta(days=1), dt.timedelta(weeks=1), dt.timedelta(days=31), dt.timedelta(days=365)
UPDATE_FREQUENCIES: dict[str, dt.timedelta | None] = {
    "continuous": None, "oneMinute": dt.timedelta(minutes=1), "fiveMinutes": dt.timedelta(minutes=5),
    "tenMinutes": dt.timedelta(minutes=10), "fifteenMinutes": dt.timedelta(minutes=15),
    "thirtyMinutes": dt.timedelta(minutes=30), "hourly": dt.timedelta(hours=1),
    "bihourly": dt.timedelta(hours=2), "trihourly": dt.timedelta(hours=3),
    "twelveHours": dt.timedelta(hours=12), "severalTimesADay": _DAY, "threeTimesADay": _DAY,
    "semidaily": _DAY, "daily": _DAY, "fiveTimesAWeek": _WEEK, "threeTimesAWeek": _WEEK,
    "semiweekly": _WEEK, "weekly": _WEEK, "biweekly": 2 * _WEEK, "threeTimesAMonth": _MONTH,
    "semimonthly": _MONTH, "monthly": _MONTH, "bimonthly": 2 * _MONTH, "quarterly": 3 * _MONTH,
    "threeTimesAYear": _YEAR, "semiannual": _YEAR, "annual": _YEAR, "biennial": 2 * _YEAR,
    "triennial": 3 * _YEAR, "quadrennial": 4 * _YEAR, "quinquennial": 5 * _YEAR,
    "decennial": 10 * _YEAR, "bidecennial": 20 * _YEAR, "tridecennial": 30 * _YEAR,
    "punctual": None, "irregular": None, "never": None, "notPlanned": None, "other": None, "unknown": None,
}
# UpdateFrequency._LEGACY_FREQUENCIES: read by the model, refused by the API form.
LEGACY_FREQUENCIES = {"realtime": "continuous", "fourTimesADay": "severalTimesADay",
                      "fourTimesAWeek": "other", "fortnighly": "biweekly", "biannual": "semiannual"}
RESOURCE_TYPES = ("main", "documentation", "update", "api", "code", "other")
CHECKSUM_TYPES = ("sha1", "sha2", "sha256", "md5", "crc")
CLOSED_FORMATS = ("pdf", "doc", "docx", "word", "xls", "excel", "xlsx")
# The formats we publish that udata's default ALLOWED_RESOURCES_EXTENSIONS (udata/settings.py) lets us upload.
HOSTED_EXTENSIONS = frozenset({"csv", "json", "txt", "xml", "zip"})
# udata/core/spatial/constants.py; the other granularities are the instance's GeoLevels
# (GET /api/1/spatial/granularities/), e.g. country, fr:region, fr:departement, fr:commune.
BASE_GRANULARITIES = ("poi", "other")
# Licence ids are rows of the instance's License collection (GET /api/1/datasets/licenses/).
LICENCES = {"etalab-2.0": "lov2", "lov2": "lov2", "odc-odbl": "odc-odbl", "odbl-1.0": "odc-odbl"}
CHECKSUM_TYPE = "sha256"

@dataclass(frozen=True)
class ResourceFile:
    """One file of a dataset version, as a udata resource (``type`` is one of ``RESOURCE_TYPES``)."""

    title: str
    description: str
    path: Path
    format: str
    mime: str
    type: str = "main"
    checksum: str = ""  # SHA-256, hex
    filesize: int = 0
    schema: dict[str, str] | None = None
    url: str | None = None  # its public URL in our store (udata serves its own copy)
    remote: bool = False  # a link to our store instead of an upload (a format udata does not host)

    @property
    def key(self) -> str:
        return self.path.name

    def metadata(self) -> dict[str, Any]:
        """The body of ``PUT /datasets/{id}/resources/{rid}/`` (what udata lets a client set on a hosted file)."""
        body: dict[str, Any] = {"title": self.title, "description": self.description, "type": self.type,
                                "filetype": "file"}
        if self.remote:
            # A link: udata keeps what we say of it (url, checksum, size), it does not compute them.
            body.update(filetype="remote", url=self.url, format=self.format, mime=self.mime, filesize=self.filesize,
                        checksum={"type": CHECKSUM_TYPE, "value": self.checksum})
        if self.schema:
            body["schema"] = dict(self.schema)
        return body



def _tag(keyword: str) -> str:
    """udata's tag slug (lower case ASCII words joined by hyphens, udata/tags.py)."""
    ascii_ = unicodedata.normalize("NFKD", keyword).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_.lower()).strip("-")


def udata_payload(datapackage: dict[str, Any], organization: str, base_url: str, *,
                  folder: Path | None = None) -> tuple[dict[str, Any], list[ResourceFile]]:
    """Our datapackage.json as a udata dataset payload and its files (paths resolved against ``folder``).

    ``organization`` is the organisation's id: udata's form resolves an ObjectId
    (24 hex digits), never a slug (``udata/forms/fields.py`` ``clean_oid``).
    """
    name, extra = datapackage["name"], datapackage.get("x_opendata", {})
    if not datapackage.get("title") or not datapackage.get("description"):
        raise ConfigurationError(f"dataset {name!r}: udata requires a title and a description")
    if not re.fullmatch(r"[0-9a-f]{24}", organization or ""):
        raise ConfigurationError(f"dataset {name!r}: the data.gouv.fr organization must be its id (24 hex "
                                 "digits); udata refuses a slug")
    licence = str((datapackage.get("licenses") or [{}])[0].get("name", "")).lower()
    if licence not in LICENCES:
        raise ConfigurationError(f"dataset {name!r}: licence {licence!r} has no udata id (known: {sorted(LICENCES)})")
    frequency = LEGACY_FREQUENCIES.get(extra.get("frequency"), extra.get("frequency"))
    if frequency not in UPDATE_FREQUENCIES:
        raise ConfigurationError(f"dataset {name!r}: frequency {extra.get('frequency')!r} is not a udata "
                                 "frequency id (udata/core/dataset/constants.py)")
    spatial = extra.get("spatial") or {}
    granularity = spatial.get("granularity")
    if not spatial.get("zones") or not granularity or not (
            granularity in BASE_GRANULARITIES or re.fullmatch(r"[a-z][a-z-]*(:[a-z][a-z-]*)?", granularity)):
        raise ConfigurationError(f"dataset {name!r}: the spatial coverage needs zones and a udata granularity")
    coverage = extra.get("temporal_coverage") or {}
    if not coverage.get("start"):
        raise ConfigurationError(f"dataset {name!r}: the temporal coverage has no start")
    root = base_url.rstrip("/") + f"/{name}/latest/"
    tags = list(dict.fromkeys(t[:96] for t in map(_tag, datapackage.get("keywords", [])) if len(t) >= 3))
    dataset = {
        "title": datapackage["title"],
        "description": f"{datapackage['description'].rstrip()}\n\nFichiers, schémas et versions précédentes : {root}",
        "license": LICENCES[licence], "tags": tags, "frequency": frequency,
        "temporal_coverage": {k: v for k, v in coverage.items() if k in ("start", "end") and v},
        "spatial": {"zones": list(spatial["zones"]), "granularity": granularity},
        "private": False, "organization": organization,
    }
    national = NATIONAL_SCHEMAS.get(extra.get("national_schema") or "")
    # udata names a schema of schema.data.gouv.fr's catalogue by its name and version.
    schema = {"name": national.udata_name, "version": national.udata_version} if national else None
    schema_format = national.format if national else None
    files = []
    for res in datapackage.get("resources", []):
        algorithm, _, digest = str(res.get("hash", "")).partition(":")
        if algorithm != CHECKSUM_TYPE or not digest:
            raise ConfigurationError(f"dataset {name!r}: {res.get('path')} has no sha256 hash")
        kind = res.get("x_type") if res.get("x_type") in RESOURCE_TYPES else "main"
        files.append(ResourceFile(
            title=res.get("title") or res["path"], description=res.get("description", ""),
            path=(folder / res["path"]) if folder else Path(res["path"]), format=res.get("format", ""),
            mime=res.get("mediatype", "application/octet-stream"), type=kind, checksum=digest,
            filesize=int(res.get("bytes", 0)), url=root + res["path"],
            # udata hosts only the extensions of its ALLOWED_RESOURCES_EXTENSIONS (udata/settings.py): the
            # others (Parquet, Markdown) are published as links to our store, with their checksum.
            remote=str(res.get("format", "")).lower() not in HOSTED_EXTENSIONS,
            schema=dict(schema) if schema and kind == "main" and res.get("format") == schema_format else None))
    return dataset, files
