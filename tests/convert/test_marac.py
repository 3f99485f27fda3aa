"""MARAC referral readers: golden Bundle, JSON and CSV agree, bad input reported with locations."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

from dastandard.convert.base import ConversionReport, Loss
from dastandard.convert.chronology import ChronologyCsvFormat
from dastandard.convert.marac import MaracCsvFormat, MaracJsonFormat, fields, pattern_of

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "marac"


def read_json(data: bytes) -> tuple[list[dict[str, Any]], ConversionReport]:
    report = ConversionReport()
    return list(MaracJsonFormat().read(io.BytesIO(data), "referral.marac.json", report)), report


def read_csv(data: bytes) -> tuple[list[dict[str, Any]], ConversionReport]:
    report = ConversionReport()
    return list(MaracCsvFormat().read(io.BytesIO(data), "referral.marac.csv", report)), report


def without_provenance(bundle: dict[str, Any]) -> list[dict[str, Any]]:
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] != "Provenance"]


def test_json_matches_golden_bundle() -> None:
    bundles, report = read_json((EXAMPLES / "referral.marac.json").read_bytes())
    expected = (EXAMPLES / "referral.expected.ndjson").read_text(encoding="utf-8").splitlines()
    assert bundles == [json.loads(line) for line in expected]
    assert report.lossless, report.losses
    kinds = [e["resource"]["resourceType"] for e in bundles[0]["entry"]]
    assert kinds.count("Patient") == 4
    assert {"ServiceRequest", "RiskAssessment", "RelatedPerson", "Provenance"} <= set(kinds)


def test_csv_gives_the_same_standard_content_as_json() -> None:
    from_json, _ = read_json((EXAMPLES / "referral.marac.json").read_bytes())
    from_csv, report = read_csv((EXAMPLES / "referral.marac.csv").read_bytes())
    assert report.lossless, report.losses
    assert without_provenance(from_csv[0]) == without_provenance(from_json[0])


def test_referral_carries_criteria_children_and_sharing_basis() -> None:
    bundles, _ = read_json((EXAMPLES / "referral.marac.json").read_bytes())
    request = next(e["resource"] for e in bundles[0]["entry"] if e["resource"]["resourceType"] == "ServiceRequest")
    assert [c["coding"][0]["code"] for c in request["reasonCode"]] == ["visible-high-risk"]
    urls = [x["url"].rsplit("/", 1)[1] for x in request["extension"]]
    assert urls.count("marac-child") == 2
    basis = request["extension"][-1]["valueCodeableConcept"]["coding"][0]["code"]
    assert basis == "without-consent-risk-of-harm"
    risk = next(e["resource"] for e in bundles[0]["entry"] if e["resource"]["resourceType"] == "RiskAssessment")
    items = [x for x in risk["extension"] if x["url"].endswith("/risk-item")]
    assert len(items) == 24


def test_bad_input_is_reported_with_locations() -> None:
    referral = json.loads((EXAMPLES / "referral.marac.json").read_bytes())
    referral["victim"]["dob"] = "2024-13-40"
    referral["children"][1]["sex"] = "BOY"
    referral["favourite_colour"] = "blue"
    referral["criteria"] = ["VHR", "NOPE"]
    del referral["referral_date"]
    bundles, report = read_json(json.dumps([referral]).encode())
    assert len(bundles) == 1
    entries = {(e.kind, e.location) for e in report.entries}
    assert (Loss.INVALID_INPUT, "$[0].victim.dob") in entries
    assert (Loss.UNMAPPED_CODE, "$[0].children.2.sex") in entries
    assert (Loss.UNMAPPED_FIELD, "$[0].favourite_colour") in entries
    assert (Loss.UNMAPPED_CODE, "$[0].criteria") in entries
    assert (Loss.INVALID_INPUT, "$[0].referral_date") in entries


def test_malformed_json_and_csv_rows_never_raise() -> None:
    bundles, report = read_json(b'{"referral_id": ')
    assert bundles == []
    assert report.entries[0].kind is Loss.INVALID_INPUT
    bundles, report = read_csv(b"referral_id,victim.surname\r\nA,B,C\r\n")
    assert bundles == []
    assert "row 2" in {e.location for e in report.entries}


def test_without_consent_needs_a_lawful_basis() -> None:
    referral = json.loads((EXAMPLES / "referral.marac.json").read_bytes())
    del referral["consent"]["basis_without_consent"]
    _, report = read_json(json.dumps(referral).encode())
    assert (Loss.INVALID_INPUT, "$[0].consent.basis_without_consent") in {(e.kind, e.location) for e in report.entries}


def test_every_csv_column_of_the_example_is_a_specified_field() -> None:
    header = (EXAMPLES / "referral.marac.csv").read_text(encoding="utf-8").splitlines()[0].split(",")
    assert all(pattern_of(h) in fields() for h in header)


def test_marac_referral_appears_in_the_child_chronology() -> None:
    bundles, _ = read_json((EXAMPLES / "referral.marac.json").read_bytes())
    out = io.BytesIO()
    ChronologyCsvFormat().write(bundles, out, ConversionReport())
    text = out.getvalue().decode()
    assert "MARAC referral" in text
    assert "Mia Sample" in text
