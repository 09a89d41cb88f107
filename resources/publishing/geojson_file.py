"""The sites on a map: a GeoJSON file (RFC 7946) beside a dataset whose policy names its coordinates.

One ``Feature`` per row that has both coordinates, its geometry a ``Point``
``[longitude, latitude]`` in WGS 84 (RFC 7946 has no other system, and no
``crs`` member), its properties every other published column of the row
(codes, address). A row without coordinates (a service with no site of its
own) is left out and counted. The file is checked against RFC 7946's rules
before the store may publish it.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pandas as pd

from anonymisation.policy_model import SiteMap


def write_geojson(frame: pd.DataFrame, path: Path, site: SiteMap, title: str) -> tuple[int, int]:
    """Write the file; returns (points written, rows left out for want of coordinates)."""
    features = []
    properties = [c for c in frame.columns if c not in (site.latitude, site.longitude)]
    for row in frame.to_dict(orient="records"):
        lat, lon = _number(row[site.latitude]), _number(row[site.longitude])
        if lat is None or lon is None:
            continue
        features.append({"type": "Feature", "geometry": {"type": "Point", "coordinates": [lon, lat]},
                         "properties": {c: _plain(row[c]) for c in properties}})
    document = {"type": "FeatureCollection", "name": title, "features": features}
    path.write_text(json.dumps(document, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return len(features), len(frame) - len(features)


def validate_geojson(path: Path) -> list[str]:
    """RFC 7946's rules for a collection of points: the feature and rule at fault, never a value."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except ValueError:
        return [f"{path.name}: not JSON (RFC 7946 §1)"]
    if document.get("type") != "FeatureCollection" or not isinstance(document.get("features"), list):
        return [f"{path.name}: not a FeatureCollection with a features array (RFC 7946 §3.3)"]
    errors = [f"{path.name}: a 'crs' member is not allowed (RFC 7946 §4)"] if "crs" in document else []
    for i, feature in enumerate(document["features"]):
        errors += [f"{path.name}: feature {i}: {e}" for e in _feature_errors(feature)]
    return errors


def _feature_errors(feature: object) -> list[str]:
    if not isinstance(feature, dict) or feature.get("type") != "Feature":
        return ["not a Feature (RFC 7946 §3.2)"]
    errors = []
    if not isinstance(feature.get("properties"), dict):
        errors.append("properties is not an object (RFC 7946 §3.2)")
    geometry = feature.get("geometry")
    if not isinstance(geometry, dict) or geometry.get("type") != "Point":
        return [*errors, "geometry is not a Point (RFC 7946 §3.1.2)"]
    position = geometry.get("coordinates")
    if not isinstance(position, list) or len(position) not in (2, 3) or \
            not all(isinstance(x, int | float) and math.isfinite(x) for x in position):
        return [*errors, "a position is two or three finite numbers (RFC 7946 §3.1.1)"]
    if not (-180 <= position[0] <= 180 and -90 <= position[1] <= 90):
        errors.append("longitude then latitude, in WGS 84 degrees (RFC 7946 §3.1.1, §4)")
    return errors


def _number(value: object) -> float | None:
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _plain(value: object) -> object:
    """A cell as JSON holds it: a missing value is null, numpy scalars are plain numbers."""
    if pd.isna(value):
        return None
    return value.item() if hasattr(value, "item") else value
