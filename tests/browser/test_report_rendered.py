"""The data-quality report as a browser renders it: figures, a chart, a child page reached by links, phone width."""

from __future__ import annotations

from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver.common.by import By

from dastandard.htmlreport import ReportSummary, write_report
from tests.browser.conftest import url

ROOT = Path(__file__).resolve().parents[2]
INPUTS = [ROOT / "examples" / "fhir", ROOT / "examples" / "cin-census" / "da-factors.expected.ndjson"]


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, ReportSummary]:
    index = tmp_path_factory.mktemp("report") / "report.html"
    return index, write_report(INPUTS, index)


def _figure(browser: webdriver.Chrome, name: str) -> int:
    return int(browser.find_element(By.CSS_SELECTOR, f"#fig-{name} .n").text.replace(",", ""))


def test_headline_figures_are_rendered(browser: webdriver.Chrome, report: tuple[Path, ReportSummary]) -> None:
    index, summary = report
    browser.set_window_size(1280, 1000)
    browser.get(url(index))
    assert browser.title == "Data-quality report"
    assert _figure(browser, "records") == summary.records == 14  # twelve example cases, two census records
    assert _figure(browser, "children") == summary.children
    assert _figure(browser, "adults") == summary.adults
    assert _figure(browser, "findings") == summary.findings > 0
    assert summary.children > 0 and summary.adults > 0
    # the stylesheet is allowed by its hash: if the CSP had blocked it, the figures would have no background
    background = browser.find_element(By.ID, "fig-records").value_of_css_property("background-color")
    assert background == "rgba(243, 242, 241, 1)"


def test_completeness_chart_draws_the_counts(browser: webdriver.Chrome, report: tuple[Path, ReportSummary]) -> None:
    index, summary = report
    browser.get(url(index))
    rows = browser.find_elements(By.CSS_SELECTOR, "svg.completeness g.row")
    assert len(rows) == 2 * 9  # children and adults, nine characteristics each
    checked = 0
    for row in rows[:9]:  # the children's chart
        recorded, absent, silent = (int(row.get_attribute(f"data-{k}") or 0) for k in ("recorded", "absent", "silent"))
        assert recorded + absent + silent == summary.children
        bars = row.find_elements(By.TAG_NAME, "rect")
        widths = [bar.rect["width"] for bar in bars]
        full = sum(widths)
        assert full > 100  # drawn, at a readable size
        for width, count in zip(widths, (recorded, absent, silent), strict=True):
            assert width == pytest.approx(full * count / summary.children, abs=1.5)
        checked += 1
    assert checked == 9
    ethnicity = browser.find_element(By.CSS_SELECTOR, "svg.completeness g.row[data-field='ethnicity']")
    share = 100 * int(ethnicity.get_attribute("data-recorded") or 0) / summary.children
    assert ethnicity.find_elements(By.TAG_NAME, "text")[-1].text == f"{share:.1f}%"


def test_a_child_page_is_reached_by_its_links(browser: webdriver.Chrome, report: tuple[Path, ReportSummary]) -> None:
    index, _ = report
    browser.get(url(index))
    browser.find_element(By.CSS_SELECTOR, "#children ~ ul.letters a[href$='index-L.html']").click()
    assert browser.current_url.endswith("index-L.html")
    # the index page lists children by their source ids, so find-in-page finds an LAchildID
    row = browser.find_element(By.XPATH, "//table[@id='children']//tr[td[contains(., 'LAchildID EX0001')]]")
    link = row.find_element(By.TAG_NAME, "a")
    name = link.text
    link.click()
    anchor = browser.current_url.rsplit("#", 1)[1]
    section = browser.find_element(By.ID, anchor)
    assert section.find_element(By.TAG_NAME, "h1").text == name
    facts = section.find_element(By.CSS_SELECTOR, "dl.facts").text
    assert "LAchildID" in facts and "EX0001" in facts
    statuses = [td.text for td in section.find_elements(By.CSS_SELECTOR, "table.fields td[data-label='Status']")]
    assert len(statuses) == 12
    assert all(s in ("recorded", "silent") or s.startswith("stated absent: ") for s in statuses)
    # the child's section is on screen (the browser scrolled to the anchor)
    assert browser.execute_script("return arguments[0].getBoundingClientRect().top", section) < 50


def test_every_letter_link_leads_to_children(browser: webdriver.Chrome, report: tuple[Path, ReportSummary]) -> None:
    index, summary = report
    browser.get(url(index))
    hrefs = [a.get_attribute("href") for a in browser.find_elements(By.CSS_SELECTOR, "#children ~ ul.letters a")]
    total = 0
    for href in hrefs:
        assert href
        browser.get(href)
        total += len(browser.find_elements(By.CSS_SELECTOR, "#children tbody tr"))
    assert total == summary.children


def test_phone_width_has_no_sideways_scrolling(browser: webdriver.Chrome, report: tuple[Path, ReportSummary]) -> None:
    index, _ = report
    try:
        browser.set_window_size(390, 844)
        browser.get(url(index))
        width = browser.execute_script("return window.innerWidth")
        assert width <= 400
        assert browser.execute_script("return document.documentElement.scrollWidth") <= width
        # on a narrow screen the tables stack: header cells are moved out of view, each cell carries its label
        header = browser.find_element(By.CSS_SELECTOR, "table.rules thead")
        assert header.rect["x"] < 0
    finally:
        browser.set_window_size(1280, 1000)
