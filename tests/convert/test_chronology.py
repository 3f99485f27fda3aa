"""Multi-agency chronology: golden files, date order, matching across Bundles, HTML escaping, formula safety."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import lxml.html

from dastandard.convert import _csv, _values
from dastandard.convert.base import ConversionReport, Loss
from dastandard.convert.chronology import ChronologyCsvFormat, ChronologyHtmlFormat
from dastandard.convert.police import PoliceCsvFormat

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples" / "chronology"


def inputs() -> list[dict[str, Any]]:
    police_file = ROOT / "examples" / "police-csv" / "notification.expected.ndjson"
    police = [json.loads(line) for line in police_file.read_text(encoding="utf-8").splitlines()]
    case = json.loads((ROOT / "examples" / "fhir" / "case-01-post-separation-contact.json").read_text(encoding="utf-8"))
    return [*police, case]


def csv_rows(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8"), newline="")))


def html_rows(data: bytes) -> list[tuple[str, list[list[str]]]]:
    tree = lxml.html.fromstring(data)
    out = []
    for section in tree.iter("section"):
        heading = section.find("h2").text_content()
        rows = [[td.text_content() for td in tr.iter("td")] for tr in section.iter("tr")]
        out.append((heading, [r for r in rows if r]))
    return out


def write(
    fmt: ChronologyCsvFormat | ChronologyHtmlFormat, bundles: list[dict[str, Any]]
) -> tuple[bytes, ConversionReport]:
    out = io.BytesIO()
    report = ConversionReport()
    fmt.write(bundles, out, report)
    return out.getvalue(), report


def test_csv_matches_golden_rows() -> None:
    data, report = write(ChronologyCsvFormat(), inputs())
    assert csv_rows(data) == csv_rows((EXAMPLES / "chronology.expected.csv").read_bytes())
    assert [e.source_field for e in report.losses] == ["Bundle"]  # the police incident with no child


def test_html_matches_golden_table_rows() -> None:
    data, _ = write(ChronologyHtmlFormat(), inputs())
    assert html_rows(data) == html_rows((EXAMPLES / "chronology.expected.html").read_bytes())


def test_events_are_in_date_order_for_every_child() -> None:
    data, _ = write(ChronologyCsvFormat(), inputs())
    by_child: dict[str, list[str]] = {}
    for row in csv_rows(data):
        by_child.setdefault(row["child_name"], []).append(row["date"])
    assert len(by_child) >= 3
    for dates in by_child.values():
        assert dates == sorted(dates, key=_values.sort_key)
    kinds = {row["event_type"] for row in csv_rows(data)}
    assert {"Incident", "Risk assessment", "Information sharing"} <= kinds


def _police(rows: list[dict[str, str]]) -> list[dict[str, Any]]:
    header = [c.name for c in __import__("dastandard.convert.police", fromlist=["columns"]).columns()]
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(header)
    for row in rows:
        writer.writerow([row.get(h, "") for h in header])
    return list(PoliceCsvFormat().read(io.BytesIO(out.getvalue().encode()), "t.csv", ConversionReport()))


def _row(ref: str, when: str, behaviour: str, **party: str) -> dict[str, str]:
    row = {
        "incident_ref": ref,
        "incident_datetime": when,
        "notification_datetime": when,
        "force_code": "99",
        "force_name": "Exampleshire Police",
        "abuse_kinds": "PHY",
        "behaviour": behaviour,
        "consent_to_share": "Y",
        "shared_with": "Exampleshire MASH",
        "shared_with_type": "CSC",
        "party_id": "C1",
        "role": "C",
        "child_present": "Y",
        "forenames": "Ruby",
        "surname": "Sample",
        "dob": "2014-02-02",
    }
    row.update(party)
    return row


def test_the_same_child_is_matched_across_bundles_and_events_merge_in_order() -> None:
    bundles = _police([_row("INC-2", "2024-05-01T10:00", "Second."), _row("INC-1", "2023-01-01T10:00", "First.")])
    assert len(bundles) == 2
    data, _ = write(ChronologyCsvFormat(), bundles)
    rows = [r for r in csv_rows(data) if r["event_type"] == "Incident"]
    assert {r["child_name"] for r in rows} == {"Ruby Sample"}
    assert [r["summary"].split(":")[0] for r in rows] == ["Incident INC-1 (physical)", "Incident INC-2 (physical)"]


def test_html_escapes_script_in_a_summary() -> None:
    script = "<script>alert('x')</script>"
    bundles = _police([_row("INC-9", "2024-05-01T10:00", f"Said {script} & left", forenames="<b>Ruby</b>")])
    data, _ = write(ChronologyHtmlFormat(), bundles)
    assert b"<script>" not in data
    assert b"<b>Ruby" not in data
    tree = lxml.html.fromstring(data)
    assert not list(tree.iter("script"))
    assert not list(tree.iter("b"))
    cells = [td.text_content() for td in tree.iter("td")]
    assert any(script in c and "& left" in c for c in cells)
    assert tree.find(".//h2").text_content().startswith("<b>Ruby</b>")


def test_csv_cells_are_formula_safe() -> None:
    bundles = _police([_row("INC-9", "2024-05-01T10:00", "x", forenames="=HYPERLINK(1)", surname="")])
    data, _ = write(ChronologyCsvFormat(), bundles)
    for row in csv.reader(io.StringIO(data.decode("utf-8"), newline="")):
        for cell in row:
            assert not cell.startswith(_csv.FORMULA_TRIGGERS)
    assert csv_rows(data)[0]["child_name"] == "'=HYPERLINK(1)"


def test_bundle_without_children_is_reported() -> None:
    bundles = _police([_row("INC-9", "2024-05-01T10:00", "x", role="V", child_present="", dob="1980-01-01")])
    data, report = write(ChronologyCsvFormat(), bundles)
    assert csv_rows(data) == []
    assert [e.kind for e in report.entries] == [Loss.UNMAPPED_FIELD]
