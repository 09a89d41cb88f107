"""The sites on a map, on a demo run: the GeoJSON of ``structures`` is valid, complete and listed everywhere.

The file is read back with the ``geojson`` package (an implementation of RFC
7946 independent of ours), and each point is checked against the row of the
published CSV it comes from.
"""

from __future__ import annotations

import json

import geojson
import pandas as pd
from rdflib import Graph, URIRef
from rdflib.namespace import DCAT, DCTERMS

from resources.publishing.geojson_file import validate_geojson
from tests.quality.conftest import DemoRun

SITES = "structures"
GEOJSON_TYPE = URIRef("http://publications.europa.eu/resource/authority/file-type/GEOJSON")


def test_one_valid_point_per_site_with_its_codes_and_address(clean_demo: DemoRun) -> None:
    latest = clean_demo.demo / "store" / SITES / "latest"
    document = geojson.loads((latest / f"{SITES}.geojson").read_text(encoding="utf-8"))
    assert document.is_valid, document.errors()
    assert validate_geojson(latest / f"{SITES}.geojson") == []
    rows = pd.read_csv(latest / f"{SITES}.csv", dtype={"code_structure": str, "code_commune": str,
                                                       "code_postal": str, "uai": str})
    located = rows.dropna(subset=["latitude", "longitude"]).set_index("code_structure")
    assert len(document["features"]) == len(located) > 0
    for feature in document["features"]:
        row = located.loc[feature["properties"]["code_structure"]]
        assert feature["geometry"]["type"] == "Point"
        assert feature["geometry"]["coordinates"] == [row["longitude"], row["latitude"]]
        for column in ("adresse", "code_postal", "commune", "code_commune", "uai"):
            expected = None if pd.isna(row[column]) else row[column]
            assert feature["properties"][column] == expected
        assert "latitude" not in feature["properties"] and "crs" not in document


def test_the_map_is_listed_in_the_package_and_the_catalogue(clean_demo: DemoRun) -> None:
    store = clean_demo.demo / "store"
    package = json.loads((store / SITES / "latest" / "datapackage.json").read_text(encoding="utf-8"))
    entry = next(r for r in package["resources"] if r["path"] == f"{SITES}.geojson")
    assert entry["mediatype"] == "application/geo+json" and entry["hash"].startswith("sha256:")
    points = package["x_opendata"]["geojson"]
    assert points["points"] + points["without_coordinates"] == package["x_opendata"]["rows"]
    graph = Graph().parse(store / "catalog.ttl")
    files = [d for d in graph.objects(None, DCAT.distribution) if str(d).endswith(f"#{SITES}-geojson")]
    assert files and all((d, DCTERMS.format, GEOJSON_TYPE) in graph for d in files)
    sums = (store / SITES / "latest" / "SHA256SUMS").read_text(encoding="utf-8")
    assert f"{SITES}.geojson" in sums
