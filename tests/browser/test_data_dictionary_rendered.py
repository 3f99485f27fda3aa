"""The data dictionary (``dastandard docs``) as a browser renders it: a profile page's element table with its
bindings and learning points, a ValueSet page with codes and displays, a lossy ConceptMap marked, and the offline
search script running under the page's Content-Security-Policy. Screenshots: docs/images/dictionary-*.png."""

from __future__ import annotations

import os
from pathlib import Path

import orjson
import pytest
from selenium import webdriver
from selenium.webdriver.common.by import By

from dastandard.datadictionary import Site, build_site
from dastandard.standard import standard
from tests.browser.conftest import url

ROOT = Path(__file__).resolve().parents[2]
IMAGES = ROOT / "docs" / "images"
PROFILE = "https://dastandard.org.uk/fhir/StructureDefinition/DAIncident"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Site]:
    out = tmp_path_factory.mktemp("site")
    return out, build_site(out)


def _shot(browser: webdriver.Chrome, name: str) -> None:
    """Refresh the committed screenshot when DASTANDARD_SCREENSHOTS is set (docs/profiles.md)."""
    if os.environ.get("DASTANDARD_SCREENSHOTS"):
        browser.save_screenshot(str(IMAGES / name))


def test_profile_page_shows_the_element_table(browser: webdriver.Chrome, site: tuple[Path, Site]) -> None:
    out, _ = site
    browser.set_window_size(1280, 1000)
    browser.get(url(out / "profiles" / "DAIncident.html"))
    assert browser.title == f"{standard().get(PROFILE).title} (profile)"
    table = browser.find_element(By.CSS_SELECTOR, "table.elements.constrained")
    assert table.is_displayed()
    rows = {
        r.find_element(By.CSS_SELECTOR, "td code").text: r for r in table.find_elements(By.CSS_SELECTOR, "tbody tr")
    }
    snapshot = orjson.loads((ROOT / "snapshots" / "StructureDefinition" / "DAIncident.json").read_bytes())
    differential = [e["id"] for e in snapshot["differential"]["element"]]
    assert list(rows) == [e["id"] for e in snapshot["snapshot"]["element"] if e["id"] in differential]
    # A bound element links to its ValueSet page with the strength, and the link leads to a page of codes.
    shipped = standard()
    bound = next(
        e
        for e in snapshot["snapshot"]["element"]
        if e["id"] in differential and shipped.get(e.get("binding", {}).get("valueSet", "")) is not None
    )
    cells = rows[bound["id"]].find_elements(By.TAG_NAME, "td")
    assert f"{cells[1].text}" == f"{bound['min']}..{bound['max']}"
    link = cells[4].find_element(By.TAG_NAME, "a")
    assert f"({bound['binding']['strength']})" in cells[4].text
    # Learning points served are listed and the element table names them.
    learning = browser.find_element(By.ID, "learning").text
    assert "L01" in learning
    assert any("L01" in r.find_elements(By.TAG_NAME, "td")[6].text for r in rows.values())
    # The stylesheet is allowed by its hash: table headers get the report's styling.
    assert browser.find_element(By.CSS_SELECTOR, "table.elements thead th").value_of_css_property("font-weight") in (
        "700",
        "bold",
    )
    browser.execute_script("document.getElementById('elements').scrollIntoView()")
    _shot(browser, "dictionary-profile.png")
    link.click()
    assert "(ValueSet)" in browser.title
    assert browser.find_elements(By.CSS_SELECTOR, "table.codes tbody tr")


def test_valueset_page_lists_codes_with_displays(browser: webdriver.Chrome, site: tuple[Path, Site]) -> None:
    out, _ = site
    browser.set_window_size(1280, 900)
    browser.get(url(out / "valuesets" / "abuse-kind.html"))
    codes = orjson.loads((ROOT / "profiles" / "generated" / "CodeSystem" / "abuse-kind.json").read_bytes())
    top = {c["code"]: c["display"] for c in codes["concept"]}
    rows = browser.find_elements(By.CSS_SELECTOR, "table.codes tbody tr")
    shown = {r.find_elements(By.TAG_NAME, "td")[0].text: r.find_elements(By.TAG_NAME, "td")[1].text for r in rows}
    for code, display in top.items():
        assert shown[code].strip() == display
    _shot(browser, "dictionary-valueset.png")


def test_lossy_concept_map_is_marked(browser: webdriver.Chrome, site: tuple[Path, Site]) -> None:
    out, _ = site
    browser.get(url(out / "conceptmaps" / "cin-ethnicity-dfe-to-nhs.html"))
    assert browser.find_element(By.CSS_SELECTOR, "p.lossy").is_displayed()
    lossy = [r.text for r in browser.find_elements(By.CSS_SELECTOR, "table.map tr.high-risk")]
    assert any(r.startswith("WIRT") for r in lossy) and any(r.startswith("WROM") for r in lossy)
    assert not any(r.startswith("WBRI") for r in lossy)


def test_search_runs_offline_and_finds_a_code(browser: webdriver.Chrome, site: tuple[Path, Site]) -> None:
    out, built = site
    browser.set_window_size(1280, 900)
    browser.get(url(out / "index.html"))
    assert len(browser.find_elements(By.CSS_SELECTOR, "#profiles li")) == len(built.pages["profile"])
    box = browser.find_element(By.ID, "search")
    box.send_keys("coercive control")
    results = browser.find_elements(By.CSS_SELECTOR, "#search-results li a")
    assert results, "the search script did not run (blocked by the Content-Security-Policy?)"
    assert any("abuse-kind" in (a.get_attribute("href") or "") for a in results)
    assert "match" in browser.find_element(By.ID, "search-count").text
    _shot(browser, "dictionary-search.png")
    box.clear()
    box.send_keys("DA0001")
    (first, *_) = browser.find_elements(By.CSS_SELECTOR, "#search-results li a")
    assert first.text.startswith("DA0001")
    first.click()
    assert browser.current_url.endswith("rules.html#DA0001")
