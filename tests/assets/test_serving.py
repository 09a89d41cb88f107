"""The store served as docs/publication.md prescribes (Debian's nginx, the block read from the page)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import requests

from tests.nginx_store import nginx_serving
from tests.quality.conftest import DemoRun

pytestmark = pytest.mark.skipif(shutil.which("nginx") is None and not Path("/usr/sbin/nginx").exists(),
                                reason="nginx is not installed (apt-get install nginx-light; .ci/run does)")

TYPES = {
    "catalog.ttl": "text/turtle; charset=utf-8",
    "catalog.jsonld": "application/ld+json; charset=utf-8",
    "structures/latest/structures.csv": "text/csv; charset=utf-8",
    "structures/latest/README.md": "text/markdown; charset=utf-8",
    "structures/latest/datapackage.json": "application/json; charset=utf-8",
    "structures/latest/SHA256SUMS": "text/plain; charset=utf-8",
    "structures/latest/structures.parquet": "application/vnd.apache.parquet",
}


def test_each_file_is_served_with_its_type_and_utf8(clean_demo: DemoRun, tmp_path: Path) -> None:
    store = clean_demo.demo / "store"
    with nginx_serving(store, tmp_path / "nginx") as base:
        for path, expected in TYPES.items():
            response = requests.get(base + path, timeout=10)
            assert response.status_code == 200, path
            assert response.headers["Content-Type"] == expected, path
            assert response.content == (store / path).read_bytes(), path


def test_the_catalogue_allows_cross_origin_reads_and_nominative_folders_are_not_indexed(
        clean_demo: DemoRun, tmp_path: Path) -> None:
    store = clean_demo.demo / "store"
    with nginx_serving(store, tmp_path / "nginx") as base:
        for name in ("catalog.ttl", "catalog.jsonld"):
            assert requests.get(base + name, timeout=10).headers["Access-Control-Allow-Origin"] == "*"
        assert "Access-Control-Allow-Origin" not in requests.get(base + "structures/latest/README.md",
                                                                 timeout=10).headers
        for dataset in ("annuaire", "tableau_avancement", "laureats"):
            response = requests.get(f"{base}{dataset}/latest/README.md", timeout=10)
            assert response.status_code == 200 and "noindex" in response.headers["X-Robots-Tag"], dataset
        assert "X-Robots-Tag" not in requests.get(base + "structures/latest/README.md", timeout=10).headers
