"""data.gouv.fr's ten metadata criteria, computed the way udata 17.18 computes them.

Source: ``udata/core/dataset/models.py``, ``Dataset.compute_quality`` (the
criteria), ``Dataset.quality`` (``update_fulfilled_in_time``, time-dependent)
and ``Dataset.compute_quality_score`` (nine of them scored, ``has_resources``
gating the three resource criteria, normalised by 9); ``ResourceMixin.
closed_or_no_format`` and ``check_availability``; the vocabularies of
``udata/core/dataset/constants.py`` (``UpdateFrequency``, ``CLOSED_FORMATS``);
``QUALITY_DESCRIPTION_LENGTH = 100`` in ``udata/settings.py``.

The authority is udata itself: ``tests/assets/test_udata_harvest.py`` runs udata
17.18's own harvester and ``Dataset.quality`` on the catalogue of a demo run
(every public dataset 9 out of 9). This copy serves what udata cannot run
here: the API channel's payload before it is sent, and the steward page.

``dataset`` is a udata dataset as the API shows it (or the payload we send);
``resources`` are udata resources, or our ``ResourceFile`` as a dict
(``dataclasses.asdict``), whose ``path`` says whether the file is there.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from resources.publishing.udata import CLOSED_FORMATS, LEGACY_FREQUENCIES, UPDATE_FREQUENCIES

QUALITY_DESCRIPTION_LENGTH = 100
CRITERIA = (
    "dataset_description_quality", "has_resources", "license", "update_frequency",
    "update_fulfilled_in_time", "temporal_coverage", "spatial", "has_open_format",
    "all_resources_available", "resources_documentation",
)
_RESOURCE_CRITERIA = ("has_open_format", "all_resources_available", "resources_documentation")


def score(dataset: dict[str, Any], resources: list[dict[str, Any]], now: dt.datetime) -> dict[str, bool]:
    """The ten criteria, True when met (a criterion udata leaves out of its result counts as False).

    - description strictly longer than ``QUALITY_DESCRIPTION_LENGTH`` (``len(...) >``);
    - licence: any licence set (udata counts ``notspecified`` too), none if the access is not open;
    - update frequency: set and not ``unknown``;
    - update fulfilled in time: ``last_update + delta`` at most one day past ``now``; always
      True for a frequency without delay (punctual, irregular...); False without a frequency.
      ``last_update`` is the dataset's, else its newest resource's ``last_modified``, else
      ``now`` (what udata stores when a dataset is created);
    - temporal coverage (udata's form requires its ``start``) and spatial coverage: set;
    - with resources only (``has_resources`` gates them): one resource whose format is set
      and not closed; every resource available; a ``documentation`` resource OR at least one
      resource with a description (any one, not every one).
    """
    result = dict.fromkeys(CRITERIA, False)
    result["dataset_description_quality"] = len(dataset.get("description") or "") > QUALITY_DESCRIPTION_LENGTH
    result["license"] = bool(dataset.get("license")) and dataset.get("access_type") in (None, "open")
    result["temporal_coverage"] = bool((dataset.get("temporal_coverage") or {}).get("start"))
    result["spatial"] = bool(dataset.get("spatial"))
    frequency = _frequency(dataset.get("frequency"))
    result["update_frequency"] = frequency not in (None, "unknown")
    if result["update_frequency"]:
        delta = UPDATE_FREQUENCIES[frequency]
        if delta is None:
            result["update_fulfilled_in_time"] = True
        else:
            last = _last_update(dataset, resources) or _naive(now)
            result["update_fulfilled_in_time"] = (last + delta - _naive(now)).days >= -1
    if resources:
        result["has_resources"] = True
        result["has_open_format"] = not all(_closed_or_no_format(r) for r in resources)
        result["all_resources_available"] = all(_available(r) for r in resources)
        result["resources_documentation"] = any(
            r.get("type") == "documentation" or bool(r.get("description")) for r in resources)
    return result


def total(criteria: dict[str, bool]) -> int:
    """How many of the ten criteria are met (0..10)."""
    return sum(bool(criteria.get(name)) for name in CRITERIA)


def udata_score(criteria: dict[str, bool]) -> float:
    """The score data.gouv.fr shows: the nine scored criteria over 9 (``compute_quality_score``)."""
    return sum(bool(criteria.get(name)) for name in CRITERIA if name != "has_resources") / 9


def _frequency(value: Any) -> str | None:
    """udata's id of a frequency; a legacy id is read as its replacement (``UpdateFrequency._missing_``)."""
    if value in (None, ""):
        return None
    value = LEGACY_FREQUENCIES.get(str(value), str(value))
    return value if value in UPDATE_FREQUENCIES else None


def _closed_or_no_format(resource: dict[str, Any]) -> bool:
    fmt = resource.get("format")
    return not fmt or str(fmt).lower() in CLOSED_FORMATS


def _available(resource: dict[str, Any]) -> bool:
    """udata checks only remote files (its ``check:available`` extra, 'unknown' counting as True).

    A hosted file counts as available; before publication, ours is available when
    its local file exists, a remote one when its URL is set.
    """
    checked = (resource.get("extras") or {}).get("check:available", "unknown")
    if checked is False:
        return False
    if resource.get("path") is not None:
        return Path(resource["path"]).is_file()
    return resource.get("filetype", "file") == "file" or bool(resource.get("url"))


def _last_update(dataset: dict[str, Any], resources: list[dict[str, Any]]) -> dt.datetime | None:
    """``Dataset.compute_last_update``: the dataset's, else the newest resource change."""
    if dataset.get("last_update"):
        return _naive(dataset["last_update"])
    dates = [_naive(r["last_modified"]) for r in resources if r.get("last_modified")]
    return max(dates) if dates else None


def _naive(value: str | dt.date | dt.datetime) -> dt.datetime:
    """A naive UTC datetime, as udata compares them (MongoEngine returns naive datetimes)."""
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    if not isinstance(value, dt.datetime):
        value = dt.datetime(value.year, value.month, value.day)
    return value.astimezone(dt.UTC).replace(tzinfo=None) if value.tzinfo else value
