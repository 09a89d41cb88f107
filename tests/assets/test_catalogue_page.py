"""The store's catalogue page, as a reuser opens it: served by nginx as documented, in headless Chromium.

The page must list every dataset of the store with its description, period,
last version, changes and files (size and SHA-256 as ``datapackage.json``
gives them), follow the basics of the RGAA, load nothing from outside, and
every link must lead somewhere: the store's own links answer 200 through
nginx; the outside ones are only the licence, data.gouv.fr and the contact.
Nominative datasets are listed, kept out of search snippets and not followed.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from urllib.parse import urljoin

import pytest
import requests
from rdflib import Graph
from rdflib.namespace import DCAT, RDF
from selenium import webdriver
from selenium.webdriver.common.by import By

from anonymisation.policy import load_catalogue
from pipelines.definitions import producer
from resources.common.institution import load_institution
from resources.publishing.catalogue import CatalogueOwner
from resources.publishing.catalogue_page import write_page
from tests.browser import driver  # noqa: F401 (the fixture)
from tests.nginx_store import nginx_serving
from tests.quality.conftest import DemoRun

OUTSIDE = ("https://www.etalab.gouv.fr/licence-ouverte-open-licence/", "mailto:", "https://www.data.gouv.fr/")


@pytest.fixture(scope="module")
def served(clean_demo: DemoRun, tmp_path_factory: pytest.TempPathFactory):
    store = tmp_path_factory.mktemp("page") / "store"
    shutil.copytree(clean_demo.demo / "store", store)
    with nginx_serving(store, tmp_path_factory.mktemp("nginx")) as base:
        yield store, base


@pytest.fixture
def page(driver: webdriver.Chrome, served) -> webdriver.Chrome:  # noqa: F811 (the fixture)
    _, base = served
    driver.get(base)
    return driver


def _packages(store: Path) -> dict[str, dict]:
    return {p.parent.parent.name: json.loads(p.read_text(encoding="utf-8"))
            for p in sorted(store.glob("*/latest/datapackage.json"))}


def test_every_dataset_is_listed_with_its_version_changes_and_files(page: webdriver.Chrome, served) -> None:
    store, _ = served
    packages = _packages(store)
    assert set(packages) == set(load_catalogue())
    assert page.title.startswith("Catalogue des données ouvertes : ")
    rows = page.find_elements(By.CSS_SELECTOR, "main > table tbody tr")
    assert len(rows) == len(packages)
    for name, package in packages.items():
        section = page.find_element(By.ID, name)
        text = section.text
        assert package["title"] in text and package["version"] in text
        coverage = package["x_opendata"]["temporal_coverage"]
        assert f"du {coverage['start']} au {coverage['end']}" in text
        assert "Première version publiée" in text or "Par rapport à la version du" in text
        cells = {r.find_element(By.TAG_NAME, "th").text: r.find_elements(By.TAG_NAME, "td")
                 for r in section.find_elements(By.CSS_SELECTOR, "tbody tr")}
        assert set(cells) == {r["path"] for r in package["resources"]}
        for resource in package["resources"]:
            assert cells[resource["path"]][2].text == resource["hash"].removeprefix("sha256:")
        nominative = package["x_opendata"]["nominative"]
        assert (section.get_attribute("data-nosnippet") is not None) == nominative
        rels = {a.get_attribute("rel") for a in section.find_elements(By.TAG_NAME, "a")}
        assert rels == ({"nofollow"} if nominative else {""})


def test_the_public_datasets_are_the_catalogues(page: webdriver.Chrome, served) -> None:
    store, _ = served
    graph = Graph().parse(store / "catalog.ttl")
    public = {str(d).rstrip("/").rsplit("/", 1)[1] for d in graph.subjects(RDF.type, DCAT.Dataset)}
    listed = {s.get_attribute("id") for s in page.find_elements(By.CSS_SELECTOR, "main section")}
    nominative = {s.get_attribute("id") for s in page.find_elements(By.CSS_SELECTOR, "section[data-nosnippet]")}
    assert public == listed - nominative and nominative == {"annuaire", "laureats", "tableau_avancement"}


def test_every_link_leads_somewhere(page: webdriver.Chrome, served) -> None:
    _, base = served
    links = {a.get_attribute("href") for a in page.find_elements(By.TAG_NAME, "a")}
    inside = {u for u in links if u.startswith(base)}
    assert not [u for u in links - inside if not u.startswith(OUTSIDE)], links - inside
    with requests.Session() as http:
        failed = {u: r.status_code for u in sorted(inside) if (r := http.get(u.split("#")[0], timeout=10)).status_code != 200}
    assert not failed, failed
    assert urljoin(base, "catalog.ttl") in inside and urljoin(base, "catalog.jsonld") in inside
    anchors = {u.split("#", 1)[1] for u in inside if "#" in u}
    assert all(page.find_elements(By.ID, a) for a in anchors)


def test_the_page_follows_the_rgaa_basics_and_loads_nothing(page: webdriver.Chrome, served) -> None:
    _, base = served
    assert page.find_element(By.TAG_NAME, "html").get_attribute("lang") == "fr"
    assert len(page.find_elements(By.TAG_NAME, "h1")) == 1
    skip = page.find_elements(By.TAG_NAME, "a")[0]
    assert skip.get_attribute("href").endswith("#contenu") and page.find_element(By.ID, "contenu").tag_name == "main"
    for table in page.find_elements(By.TAG_NAME, "table"):
        assert table.find_element(By.TAG_NAME, "caption").text
        assert all(th.get_attribute("scope") in ("col", "row") for th in table.find_elements(By.TAG_NAME, "th"))
    levels = [int(h.tag_name[1]) for h in page.find_elements(By.CSS_SELECTOR, "h1, h2, h3, h4")]
    assert all(b - a <= 1 for a, b in zip(levels, levels[1:], strict=False))
    assert page.execute_script("return document.scripts.length") == 0
    loaded: list[str] = page.execute_script("return performance.getEntriesByType('resource').map(r => r.name)")
    assert all(u.startswith(base) for u in loaded), loaded
    response = requests.get(base, timeout=10)
    assert response.headers["Content-Type"].startswith("text/html") and "charset=utf-8" in response.headers["Content-Type"]


def test_a_dataset_pushed_to_datagouv_links_to_its_page(served, tmp_path: Path) -> None:
    store, _ = served
    copy = tmp_path / "store"
    shutil.copytree(store, copy)
    found = producer(load_institution("demo"))
    owner = CatalogueOwner(found.name, found.siret, found.contact, found.public_base_url)
    address = "https://www.data.gouv.fr/fr/datasets/structures-de-l-universite/"
    text = write_page(copy, owner, {"structures": address}).read_text(encoding="utf-8")
    section = text.split('<section id="structures"', 1)[1].split("</section>", 1)[0]
    assert f'<a href="{address}">Ce jeu sur data.gouv.fr</a>' in section
    assert text.count("Ce jeu sur data.gouv.fr") == 1
