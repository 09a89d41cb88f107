"""The GeoJSON writer and its RFC 7946 checks, against the ``geojson`` package's own validation."""

from __future__ import annotations

import json
import math

import geojson
import pandas as pd

from anonymisation.policy_model import SiteMap
from resources.publishing.geojson_file import validate_geojson, write_geojson

SITE = SiteMap(latitude="lat", longitude="lon")


def test_points_are_longitude_then_latitude_and_rows_without_coordinates_are_counted(tmp_path) -> None:
    frame = pd.DataFrame({"code": ["A", "B", "C"], "lat": [48.85, None, 45.76], "lon": [2.35, 4.0, math.nan],
                          "uai": ["0751234A", None, "0691234B"]})
    path = tmp_path / "s.geojson"
    assert write_geojson(frame, path, SITE, "Sites") == (1, 2)
    document = geojson.loads(path.read_text(encoding="utf-8"))
    assert document.is_valid and validate_geojson(path) == []
    assert document["features"][0]["geometry"]["coordinates"] == [2.35, 48.85]
    assert document["features"][0]["properties"] == {"code": "A", "uai": "0751234A"}


def test_the_checks_refuse_what_rfc_7946_refuses(tmp_path) -> None:
    cases = {
        "crs": {"type": "FeatureCollection", "crs": {}, "features": []},
        "latitude first": {"type": "FeatureCollection", "features": [
            {"type": "Feature", "properties": {}, "geometry": {"type": "Point", "coordinates": [2.3, 248.8]}}]},
        "one coordinate": {"type": "FeatureCollection", "features": [
            {"type": "Feature", "properties": {}, "geometry": {"type": "Point", "coordinates": [2.3]}}]},
        "no geometry": {"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {}}]},
        "not a collection": {"type": "Feature"},
    }
    for case, document in cases.items():
        path = tmp_path / "bad.geojson"
        path.write_text(json.dumps(document), encoding="utf-8")
        assert validate_geojson(path), case
    path.write_text(json.dumps(cases["one coordinate"]), encoding="utf-8")
    assert not geojson.loads(path.read_text(encoding="utf-8")).is_valid  # the independent validator agrees
