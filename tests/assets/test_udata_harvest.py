"""data.gouv.fr's own DCAT harvester (udata 17.18) reads our catalogue served as docs/publication.md prescribes.

udata runs in its own virtualenv (``tests/side_venvs.sh``) on an in-memory MongoDB (mongomock); the store of a
clean demo run is served by Debian's nginx with the documented configuration. For every public dataset:
harvested without error, licence resolved to data.gouv.fr's ``lov2``, udata's own quality score 9 out of 9
(every criterion), title and keywords intact in UTF-8, every file with its SHA-256 and size, the spatial
coverage read as a geometry.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest

from tests.nginx_store import nginx_serving
from tests.quality.conftest import DemoRun
from tests.side_venvs import ROOT, side_venvs

pytestmark = pytest.mark.skipif(shutil.which("nginx") is None and not Path("/usr/sbin/nginx").exists(),
                                reason="nginx is not installed (apt-get install nginx-light; .ci/run does)")
CRITERIA = ("dataset_description_quality", "has_resources", "license", "update_frequency",
            "update_fulfilled_in_time", "temporal_coverage", "spatial", "has_open_format",
            "all_resources_available", "resources_documentation")


def _public_packages(store: Path) -> dict[str, dict]:
    packages = {p.parent.parent.name: json.loads(p.read_text(encoding="utf-8"))
                for p in store.glob("*/latest/datapackage.json")}
    return {name: p for name, p in packages.items() if not p["x_opendata"]["nominative"]}


def _slug(word: str) -> str:
    """udata's tag form of a keyword (lower case, accents removed, spaces as hyphens)."""
    ascii_word = unicodedata.normalize("NFKD", word).encode("ascii", "ignore").decode()
    return "-".join(ascii_word.lower().split())


@pytest.fixture(scope="module")
def harvests(clean_demo: DemoRun, tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict]:
    """What udata's harvester made of catalog.ttl and of catalog.jsonld, each served by nginx."""
    python = side_venvs().udata_python
    store = clean_demo.demo / "store"
    results = {}
    with nginx_serving(store, tmp_path_factory.mktemp("nginx")) as base:
        for name in ("catalog.ttl", "catalog.jsonld"):
            done = subprocess.run([str(python), str(ROOT / "tests" / "udata_harvest.py"), base + name],
                                  capture_output=True, text=True, timeout=300)
            assert done.returncode == 0, done.stderr[-3000:]
            results[name] = json.loads(done.stdout)
    return results


@pytest.mark.parametrize("catalogue", ["catalog.ttl", "catalog.jsonld"])
def test_every_public_dataset_is_harvested_and_scores_nine_out_of_nine(
        harvests: dict[str, dict], clean_demo: DemoRun, catalogue: str) -> None:
    result = harvests[catalogue]
    packages = _public_packages(clean_demo.demo / "store")
    assert result["job"] == {"status": "done", "errors": []}
    assert {i["status"] for i in result["items"]} == {"done"}
    datasets = {d["remote_id"]: d for d in result["datasets"]}
    base = "https://donnees.univ-demo.example.fr/open-data/"
    assert set(datasets) == {f"{base}{name}/" for name in packages}
    for name, package in packages.items():
        dataset = datasets[f"{base}{name}/"]
        assert dataset["quality"] == dict.fromkeys(CRITERIA, True), name
        assert dataset["score"] == 1.0, name  # 9 out of 9
        assert dataset["license"] == "lov2", name
        assert dataset["frequency"] == package["x_opendata"]["frequency"], name
        assert dataset["spatial"]["geom_type"] == "MultiPolygon", name


@pytest.mark.parametrize("catalogue", ["catalog.ttl", "catalog.jsonld"])
def test_titles_tags_and_files_arrive_intact(harvests: dict[str, dict], clean_demo: DemoRun, catalogue: str) -> None:
    packages = _public_packages(clean_demo.demo / "store")
    datasets = {d["remote_id"].rstrip("/").rsplit("/", 1)[-1]: d for d in harvests[catalogue]["datasets"]}
    accented = 0
    for name, package in packages.items():
        dataset = datasets[name]
        assert dataset["title"] == package["title"], name
        accented += any(ord(c) > 127 for c in dataset["title"])
        assert sorted(dataset["tags"]) == sorted({_slug(k) for k in package["keywords"]}), name
        files = {r["url"].rsplit("/", 1)[-1]: r for r in dataset["resources"]}
        assert set(files) == {r["path"] for r in package["resources"]}, name
        for resource in package["resources"]:
            harvested = files[resource["path"]]
            assert harvested["checksum"] == {"type": "sha256", "value": resource["hash"].removeprefix("sha256:")}
            assert harvested["filesize"] == resource["bytes"]
    assert accented >= 3  # the check would be empty on plain-ASCII titles: ours have accents


def test_udata_refuses_every_dataset_whose_checksums_are_hexbinary(
        clean_demo: DemoRun, tmp_path: Path) -> None:
    """Why the catalogue departs from DCAT-AP's shapes on spdx:checksumValue (docs/publication.md)."""
    store = tmp_path / "store"
    store.mkdir()
    turtle = (clean_demo.demo / "store" / "catalog.ttl").read_text(encoding="utf-8")
    hexbinary = re.sub(r'(spdx:checksumValue "[0-9a-f]+")', r"\1^^xsd:hexBinary", turtle)
    assert hexbinary != turtle
    (store / "catalog.ttl").write_text(hexbinary, encoding="utf-8")
    with nginx_serving(store, tmp_path / "nginx") as base:
        done = subprocess.run([str(side_venvs().udata_python), str(ROOT / "tests" / "udata_harvest.py"),
                               base + "catalog.ttl"], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout)
    assert result["items"] and {i["status"] for i in result["items"]} == {"failed"}
    assert all("checksum.value" in i["errors"][0] for i in result["items"])
    assert result["datasets"] == []
