"""The chronology of every shipped example as a browser renders it: key facts, highlighting, words not codes,
UK local times, one row per event."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
from selenium import webdriver
from selenium.webdriver.common.by import By

from dastandard.convert.base import ConversionReport
from dastandard.convert.chronology import ChronologyHtmlFormat
from dastandard.standard import standard
from tests.browser.conftest import url

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = [
    *sorted((ROOT / "examples" / "fhir").glob("*.json")),
    ROOT / "examples" / "police-csv" / "notification.expected.ndjson",
    ROOT / "examples" / "cin-census" / "da-factors.expected.ndjson",
    ROOT / "examples" / "marac" / "referral.expected.ndjson",
]
WHEN = re.compile(
    r"^(\d{1,2} [A-Z][a-z]{2} \d{4}(, \d{2}:\d{2} (GMT|BST))?|[A-Z][a-z]{2} \d{4}|\d{4}|date not recorded)$"
)
RAW_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d|\d{2}:\d{2}(:\d{2})?(Z|[+-]\d{2}:\d{2})")


def _bundles(path: Path) -> list[dict[str, Any]]:
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".ndjson":
        return [json.loads(line) for line in text.splitlines() if line.strip()]
    return [json.loads(text)]


def _raw_codes() -> set[str]:
    """Codes of the standard's own CodeSystems that read as codes, not words (``childrens-da-service``)."""
    codes = set()
    for artifact in standard().of_type("CodeSystem"):
        stack = list(artifact.resource.get("concept", []))
        while stack:
            concept = stack.pop()
            stack.extend(concept.get("concept", []))
            code, display = str(concept.get("code", "")), str(concept.get("display", ""))
            words = display.lower()
            if "-" in code and code.lower() not in (words, words.replace(" ", "-")) and code.lower() not in words:
                codes.add(code)
    return codes


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("chronology")
    out = {}
    for path in EXAMPLES:
        target = folder / f"{path.stem}.html"
        data = io.BytesIO()
        ChronologyHtmlFormat().write(_bundles(path), data, ConversionReport())
        target.write_bytes(data.getvalue())
        out[path.name] = target
    return out


@pytest.mark.parametrize("example", [p.name for p in EXAMPLES])
def test_chronology_reads_as_a_practitioner_writes(
    browser: webdriver.Chrome, pages: dict[str, Path], example: str
) -> None:
    browser.set_window_size(1280, 1000)
    browser.get(url(pages[example]))
    families = browser.find_elements(By.CSS_SELECTOR, "section.family")
    assert families
    for family in families:
        terms = [dt.text for dt in family.find_elements(By.CSS_SELECTOR, ".key-facts dt")]
        assert {"Children", "Adults", "Current plans", "Latest risk level", "MARAC"} <= set(terms)
        rows = family.find_elements(By.CSS_SELECTOR, "table.events tbody tr")
        seen = set()
        for row in rows:
            cells = {td.get_attribute("data-label"): td.text for td in row.find_elements(By.TAG_NAME, "td")}
            assert WHEN.match(cells["When"]), cells["When"]
            assert cells["Children"] not in ("", "–")
            key = (cells["When"], cells["Event"], cells["What happened"])
            assert key not in seen  # one row per event, not one per sibling
            seen.add(key)
    text = browser.find_element(By.TAG_NAME, "main").text
    assert "(name not recorded)" not in text
    assert not RAW_TIME.search(text)
    found = [code for code in _raw_codes() if re.search(rf"(?<![\w-]){re.escape(code)}(?![\w-])", text)]
    assert found == []
    # the index links every child to their family
    for link in browser.find_elements(By.CSS_SELECTOR, "table.index a"):
        target = (link.get_attribute("href") or "").rsplit("#", 1)[1]
        assert browser.find_element(By.ID, target).get_attribute("class") == "family"


def test_strangulation_threat_to_kill_and_high_risk_are_highlighted(
    browser: webdriver.Chrome, pages: dict[str, Path]
) -> None:
    browser.get(url(pages["case-06-adolescent-past-exposure.json"]))
    flagged = browser.find_elements(By.CSS_SELECTOR, "tr.high-risk")
    flags = {f.text for row in flagged for f in row.find_elements(By.CSS_SELECTOR, ".flag")}
    assert {
        "Strangulation or choking (in the narrative)",
        "Threat to kill (in the narrative)",
        "High risk",
        "MARAC",
    } <= flags
    cell = flagged[0].find_element(By.TAG_NAME, "td")
    assert cell.value_of_css_property("background-color") == "rgba(253, 232, 230, 1)"
    assert cell.value_of_css_property("border-left-width") == "6px"
    assert browser.find_element(By.CSS_SELECTOR, ".key-facts dd.marac").text.startswith("Referred 22 Jan 2018")
    assert "high risk" in browser.find_element(By.CSS_SELECTOR, ".key-facts dd.latest-risk").text


def test_a_medium_risk_family_is_not_highlighted(browser: webdriver.Chrome, pages: dict[str, Path]) -> None:
    browser.get(url(pages["notification.expected.ndjson"]))
    assert browser.find_elements(By.CSS_SELECTOR, "table.events tbody tr")
    assert browser.find_elements(By.CSS_SELECTOR, "tr.high-risk") == []
    assert "medium risk" in browser.find_element(By.CSS_SELECTOR, ".key-facts dd.latest-risk").text
    times = [t.text for t in browser.find_elements(By.CSS_SELECTOR, "table.events time")]
    assert "2 Mar 2024, 21:40 GMT" in times


def test_summer_times_are_british_summer_time(browser: webdriver.Chrome, pages: dict[str, Path]) -> None:
    browser.get(url(pages["case-01-post-separation-contact.json"]))
    times = [t.text for t in browser.find_elements(By.CSS_SELECTOR, "table.events time")]
    assert "25 May 2024, 22:40 BST" in times  # recorded as 21:40Z
