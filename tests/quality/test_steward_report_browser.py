"""The steward report page, opened as a steward opens it: in a browser (headless Chromium), offline.

It must render (title, one row and a publication state per catalogue dataset,
visible trend charts), every link must lead to a file that exists and renders,
the top-level ``reports/index.html`` must lead to the day page, and nothing may
be fetched from the network. A screenshot is left in the test's temporary folder.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from anonymisation.kinds.registry import kind_of
from anonymisation.policy import load_catalogue
from tests.browser import driver  # noqa: F401 (the fixture)
from tests.quality.conftest import DemoRun

PUBLICATION_STATES = ("publié", "non publié", "en attente")
DATASETS_TABLE = "//h2[.='Jeux de données ouverts']/following-sibling::table[1]"



@pytest.fixture
def page(driver: webdriver.Chrome, clean_demo: DemoRun) -> webdriver.Chrome:
    """The browser, showing the day's steward page of the clean demo."""
    assert clean_demo.done.returncode == 0, clean_demo.done.stderr[-3000:]
    assert clean_demo.report.is_file()
    driver.get(clean_demo.report.as_uri())
    return driver


def _local_file(url: str) -> Path:
    """The file a link points to; every link must be a local file."""
    parts = urlsplit(url)
    assert parts.scheme == "file", f"not a local file, the page must work offline: {url}"
    return Path(unquote(parts.path))


def _assert_renders(driver: webdriver.Chrome, url: str) -> None:
    """Open ``url``: it must show text, not Chromium's error page."""
    driver.get(url)
    text = driver.execute_script("return document.body ? document.body.innerText : ''")
    assert not driver.find_elements(By.ID, "main-frame-error"), f"Chromium error page for {url}"
    assert "ERR_" not in driver.title and len(text.strip()) > 50, f"{url} renders empty: {text[:200]!r}"


def test_page_renders_every_dataset_with_state_and_trend(page: webdriver.Chrome, tmp_path: Path) -> None:
    assert "Qualité" in page.title
    rows, catalogue = page.find_elements(By.XPATH, f"{DATASETS_TABLE}/tbody/tr[@id]"), load_catalogue()
    assert sorted(r.get_attribute("id") for r in rows) == sorted(catalogue)
    for row in rows:
        cells = row.find_elements(By.XPATH, "./td")
        assert len(cells) == 7, row.get_attribute("id")
        assert cells[5].text.startswith(PUBLICATION_STATES), (row.get_attribute("id"), cells[5].text)
        # A protected table shows what reusers keep of it; a list of rows has nothing to measure.
        protected = kind_of(catalogue[row.get_attribute("id")].kind).protects_cells
        assert ("des cellules" in cells[4].text) is protected, (row.get_attribute("id"), cells[4].text)
    charts = page.find_elements(By.XPATH, f"{DATASETS_TABLE}//*[local-name()='svg']")
    assert charts and all(c.size["width"] > 0 and c.size["height"] > 0 for c in charts)
    assert all("lignes" in c.get_attribute("aria-label") for c in charts)
    # Every chart draws something: one dot per day of history, even with a single day.
    dots = [c.find_elements(By.XPATH, ".//*[local-name()='circle']") for c in charts]
    assert all(d and all(x.size["width"] > 0 for x in d) for d in dots)
    shot = tmp_path / "steward_report.png"
    assert page.save_screenshot(str(shot))
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 10_000


def test_every_link_resolves_and_samples_render(page: webdriver.Chrome, clean_demo: DemoRun) -> None:
    links: list[str] = page.execute_script("return [...document.querySelectorAll('a[href]')].map(a => a.href)")
    assert links
    missing = [url for url in links if not _local_file(url).is_file()]
    assert not missing, f"{len(missing)} link(s) to missing files, e.g. {missing[:3]}"
    day = clean_demo.report.parent
    anonymisation = [u for u in links if _local_file(u).parent == day / "anonymisation"]
    docs = [u for u in links if (day / "gx") in _local_file(u).parents]
    home = [u for u in docs if _local_file(u).name == "index.html"]
    validations = [u for u in docs if "/validations/" in u]
    assert anonymisation and home and validations
    for url in (anonymisation[0], validations[0], home[0]):
        _assert_renders(page, url)


def test_top_level_index_redirects_to_the_day_page(driver: webdriver.Chrome, clean_demo: DemoRun) -> None:
    top = clean_demo.report.parent.parent / "index.html"
    driver.get(top.as_uri())
    WebDriverWait(driver, 10).until(lambda d: d.current_url == clean_demo.report.as_uri())
    assert "Qualité" in driver.title


def test_page_fetches_nothing_from_the_network(page: webdriver.Chrome) -> None:
    assert page.execute_script("return document.scripts.length") == 0
    sources: list[str] = page.execute_script(
        "return [...document.querySelectorAll('[src], [href]:not(a)')]"
        ".map(x => x.getAttribute('src') || x.getAttribute('href'))")
    styles = " ".join(s.get_attribute("textContent") for s in page.find_elements(By.TAG_NAME, "style"))
    assert not [s for s in sources if s.lower().startswith(("http:", "https:", "//"))], sources
    assert "url(" not in styles and "@import" not in styles
    loaded: list[str] = page.execute_script("return performance.getEntriesByType('resource').map(r => r.name)")
    assert all(u.startswith("file:") for u in loaded), loaded
