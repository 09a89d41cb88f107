"""Headless Chromium from Debian for the tests that open a page as its readers do (Selenium, offline)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service

CHROMIUM, CHROMEDRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"


def _unavailable(reason: str) -> None:
    """Skip without Chromium, unless ``OPENDATA_REQUIRE_SERVERS=1`` (CI), where it fails."""
    if os.environ.get("OPENDATA_REQUIRE_SERVERS") == "1":
        pytest.fail(f"{reason} (OPENDATA_REQUIRE_SERVERS=1)")
    pytest.skip(reason)


@pytest.fixture
def driver(monkeypatch: pytest.MonkeyPatch) -> Iterator[webdriver.Chrome]:
    """Headless Chromium from Debian; Selenium Manager is never asked, every host name fails to resolve."""
    missing = [p for p in (CHROMIUM, CHROMEDRIVER) if not shutil.which(p)]
    if missing:
        _unavailable(f"{', '.join(missing)} missing; install with `apt-get install -y chromium chromium-driver`")
    monkeypatch.setenv("SE_OFFLINE", "true")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                 "--window-size=1400,2000", "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"):
        options.add_argument(flag)
    browser = webdriver.Chrome(options=options, service=Service(executable_path=CHROMEDRIVER))
    browser.set_page_load_timeout(60)
    try:
        yield browser
    finally:
        browser.quit()
