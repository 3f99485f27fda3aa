"""The HTML data-quality report without a browser: counts, layout, paging, escaping, CSP, the command."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from pathlib import Path

import lxml.html
import pytest
from click.testing import CliRunner

from dastandard.cli import cli
from dastandard.htmlreport import report as report_module
from dastandard.htmlreport import write_report
from dastandard.htmlreport.digest import ABSENT, RECORDED, SILENT, person_fields
from dastandard.htmlreport.labels import concept_label, uk_datetime
from dastandard.htmlreport.render import content_security_policy, stylesheet
from dastandard.validation import iter_findings

ROOT = Path(__file__).resolve().parent.parent
CIN = ROOT / "examples" / "cin-census" / "da-factors.expected.ndjson"
FHIR = ROOT / "examples" / "fhir"


def test_counts_match_the_validator_and_the_records(tmp_path: Path) -> None:
    summary = write_report([FHIR, CIN], tmp_path / "r.html")
    findings = list(iter_findings([FHIR, CIN]))
    assert summary.findings == len(findings)
    assert sum(summary.by_rule.values()) == len(findings)
    assert summary.records == len(list(FHIR.glob("*.json"))) + len(CIN.read_text(encoding="utf-8").splitlines())
    assert summary.children + summary.adults > 0
    tree = lxml.html.parse(str(tmp_path / "r.html")).getroot()
    assert tree.get_element_by_id("fig-records").text_content().split()[0] == str(summary.records)
    rule_rows = {tr.get("id"): tr for tr in tree.iter("tr") if (tr.get("id") or "").startswith("rule-")}
    assert set(rule_rows) == {f"rule-{r}" for r in summary.by_rule}
    # the plain-language title and the learning point of a practice rule are shown
    practice = next(r for r in summary.by_rule if r.startswith("DA3"))
    assert "Learning point L" in rule_rows[f"rule-{practice}"].text_content()


def test_child_pages_are_written_in_chunks_and_every_child_is_indexed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(report_module, "CHILDREN_PER_PAGE", 3)
    summary = write_report([FHIR, CIN], tmp_path / "out")
    pages = tmp_path / "out" / "pages"
    chunks = sorted(pages.glob("children-*.html"))
    assert len(chunks) == -(-summary.children // 3)
    anchors = set()
    for chunk in chunks:
        sections = lxml.html.parse(str(chunk)).getroot().find_class("child")
        assert 1 <= len(sections) <= 3
        anchors |= {f"{chunk.name}#{s.get('id')}" for s in sections}
    links = set()
    for letter in pages.glob("index-*.html"):
        links |= {a.get("href") for a in lxml.html.parse(str(letter)).getroot().iter("a") if "#" in a.get("href", "")}
    assert links == anchors
    assert len(anchors) == summary.children


def test_values_are_escaped_and_nothing_can_run(tmp_path: Path) -> None:
    case = json.loads((FHIR / "case-01-post-separation-contact.json").read_text(encoding="utf-8"))
    for entry in case["entry"]:
        if entry["resource"]["resourceType"] == "Patient":
            entry["resource"]["name"] = [{"text": "<script>alert(1)</script>"}]
    source = tmp_path / "case.json"
    source.write_text(json.dumps(case), encoding="utf-8")
    write_report([source], tmp_path / "r")
    for page in (tmp_path / "r").rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert "<script" not in text
        assert "http://" not in text.replace("http://www.w3.org/2000/svg", "")
        assert "https://" not in text
    letters = list((tmp_path / "r" / "pages").glob("index-*.html"))
    assert any("&lt;script&gt;" in p.read_text(encoding="utf-8") for p in letters)


def test_the_csp_allows_exactly_the_inlined_stylesheet(tmp_path: Path) -> None:
    write_report([CIN], tmp_path / "r.html")
    page = (tmp_path / "r.html").read_text(encoding="utf-8")
    style = re.search(r"<style>(.*?)</style>", page, re.DOTALL)
    assert style is not None and style.group(1) == stylesheet()
    digest = base64.b64encode(hashlib.sha256(style.group(1).encode()).digest()).decode()
    assert f"'sha256-{digest}'" in content_security_policy()
    assert "default-src 'none'" in content_security_policy()
    assert "script-src" not in content_security_policy()


def test_parallel_run_gives_the_same_report(tmp_path: Path) -> None:
    one = write_report([FHIR, CIN], tmp_path / "one")
    two = write_report([FHIR, CIN], tmp_path / "two", jobs=2)
    assert one == two
    for page in (tmp_path / "one").rglob("*.html"):
        assert page.read_bytes() == (tmp_path / "two" / page.relative_to(tmp_path / "one")).read_bytes()


def test_characteristic_status_is_recorded_absent_or_silent() -> None:
    dar = "http://hl7.org/fhir/StructureDefinition/data-absent-reason"
    person = {
        "resourceType": "Patient",
        "birthDate": "2016-01-01",
        "maritalStatus": {"extension": [{"url": dar, "valueCode": "not-applicable"}]},
        "extension": [
            {
                "url": "https://dastandard.org.uk/fhir/StructureDefinition/pregnancy-status",
                "extension": [
                    {
                        "url": "status",
                        "valueCodeableConcept": {"extension": [{"url": dar, "valueCode": "asked-declined"}]},
                    }
                ],
            }
        ],
    }
    fields = {name: (status, reason) for name, status, reason in person_fields(person)}
    assert fields["age"] == (RECORDED, "")
    assert fields["marital-status"] == (ABSENT, "not-applicable")
    assert fields["pregnancy"] == (ABSENT, "asked-declined")
    assert fields["ethnicity"] == (SILENT, "")
    assert fields["name"] == (SILENT, "")


def test_labels_and_uk_times() -> None:
    concept = {
        "coding": [{"system": "https://dastandard.org.uk/fhir/CodeSystem/agency-type", "code": "childrens-da-service"}]
    }
    assert concept_label(concept) == "Children's domestic abuse service"
    assert uk_datetime("2024-03-02T21:40:00Z") == "2 Mar 2024, 21:40 GMT"
    assert uk_datetime("2024-07-02T21:40:00Z") == "2 Jul 2024, 22:40 BST"
    assert uk_datetime("2024-07-02") == "2 Jul 2024"


def test_report_command_writes_the_pages(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["report", str(CIN), "-o", str(tmp_path / "q.html"), "--no-progress"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "q.html").is_file()
    assert list((tmp_path / "q-pages").glob("children-*.html"))
    assert "children" in result.output


def _failing_digest(record: dict[str, object], file: str, record_no: int | None) -> object:
    raise ValueError("boom")


def test_a_digest_that_raises_is_a_located_finding_and_the_run_goes_on() -> None:
    from dastandard.config import DEFAULT_SETTINGS
    from dastandard.validation.engine import run

    seen: list[object] = []
    findings = list(run([CIN], DEFAULT_SETTINGS, None, 1, None, _failing_digest, seen.append))
    failures = [f for f in findings if f.rule_id == "DA0900" and "digesting" in f.message]
    assert len(failures) == len(CIN.read_text(encoding="utf-8").splitlines())
    assert seen == []


def test_index_rows_kept_on_disk_come_back_per_letter_in_page_order() -> None:
    from dastandard.htmlreport.report import _IndexRow, _IndexRows, _letter

    names = ["Zoë Ng", "zoe ng", "Émile", "Zoë Ng", "Ava", "ava", "Åsa", "Ava", "3rd", "Zed"]
    rows = [
        _IndexRow(name.casefold(), name, f"id {n % 3}", "", "agency", f"p#{n}", n % 2, 0, ("DA1",))
        for n, name in enumerate(names)
    ]
    kept = _IndexRows()
    try:
        for row in rows:
            kept.append(row)
        letters: dict[str, list[_IndexRow]] = {}
        for row in rows:
            letters.setdefault(_letter(row.display), []).append(row)
        assert kept.counts() == {letter: len(found) for letter, found in letters.items()}
        for letter, found in letters.items():
            assert kept.letter(letter) == sorted(found, key=lambda r: (r.key, r.ids))
        assert kept.letter("Q") == []
    finally:
        kept.close()
