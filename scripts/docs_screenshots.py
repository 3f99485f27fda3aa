"""Regenerate the screenshots in docs/images/ of the data-quality report, the chronology and the data dictionary.

Renders both from the shipped examples and photographs them in headless Chromium (Debian's chromium and
chromium-driver, through selenium), desktop and phone width. Run from the repository root:
``python scripts/docs_screenshots.py``.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By

from dastandard.convert.base import ConversionReport
from dastandard.convert.chronology import ChronologyHtmlFormat
from dastandard.datadictionary import build_site
from dastandard.htmlreport import write_report

ROOT = Path(__file__).resolve().parent.parent
IMAGES = ROOT / "docs" / "images"
REPORT_INPUTS = [  # relative to ROOT, as a user in a clone would name them
    "examples/fhir",
    "examples/cin-census/da-factors.expected.ndjson",
    "examples/police-csv/notification.expected.ndjson",
    "examples/marac/referral.expected.ndjson",
]
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
)


def _driver(profile: Path) -> webdriver.Chrome:
    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    for flag in (*FLAGS, f"--user-data-dir={profile}"):
        options.add_argument(flag)
    service = Service(executable_path=shutil.which("chromedriver") or "/usr/bin/chromedriver")
    return webdriver.Chrome(options=options, service=service)


def _shoot(driver: webdriver.Chrome, url: str, name: str, width: int, height: int, element_id: str = "") -> None:
    driver.set_window_size(width, height)
    driver.get(url)
    if element_id:
        driver.execute_script("arguments[0].scrollIntoView()", driver.find_element(By.ID, element_id))
    driver.save_screenshot(str(IMAGES / name))
    print(f"wrote docs/images/{name}")


def dictionary(driver: webdriver.Chrome, work: Path) -> None:
    """The data dictionary (``dastandard docs``): a profile's element table, a ValueSet, and a search."""
    site = work / "site"
    build_site(site)
    _shoot(driver, (site / "profiles" / "DAIncident.html").as_uri(), "dictionary-profile.png", 1280, 857, "elements")
    _shoot(driver, (site / "valuesets" / "abuse-kind.html").as_uri(), "dictionary-valueset.png", 1280, 757)
    driver.set_window_size(1280, 757)
    driver.get((site / "index.html").as_uri())
    driver.find_element(By.ID, "search").send_keys("coercive control")
    driver.save_screenshot(str(IMAGES / "dictionary-search.png"))
    print("wrote docs/images/dictionary-search.png")


def main() -> int:
    os.chdir(ROOT)
    IMAGES.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        write_report(REPORT_INPUTS, work / "report", title="Data-quality report: the shipped examples")
        case = json.loads((ROOT / "examples" / "fhir" / "case-06-adolescent-past-exposure.json").read_text("utf-8"))
        page = io.BytesIO()
        ChronologyHtmlFormat().write([case], page, ConversionReport())
        (work / "chronology.html").write_bytes(page.getvalue())
        driver = _driver(work / "profile")
        try:
            index = (work / "report" / "index.html").as_uri()
            _shoot(driver, index, "report-index.png", 1280, 2000)
            _shoot(driver, index, "report-phone.png", 390, 1500)
            child = (work / "report" / "pages" / "children-0001.html").as_uri()
            _shoot(driver, child, "report-child.png", 1280, 1300, "c19")
            _shoot(driver, (work / "chronology.html").as_uri(), "chronology.png", 1280, 1500)
            _shoot(driver, (work / "chronology.html").as_uri(), "chronology-phone.png", 390, 1500, "family-1")
            dictionary(driver, work)
        finally:
            driver.quit()
    return 0


if __name__ == "__main__":
    sys.exit(main())
