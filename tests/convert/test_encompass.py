"""Operation Encompass: the minimal school projection, golden file, and no leak of anything else."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

from dastandard.convert.base import ConversionReport, Loss
from dastandard.convert.encompass import EncompassFormat

ROOT = Path(__file__).resolve().parents[2]
BUNDLES = ROOT / "examples" / "police-csv" / "notification.expected.ndjson"
GOLDEN = ROOT / "examples" / "encompass" / "notifications.expected.json"


def project(bundles: list[dict[str, Any]]) -> tuple[bytes, ConversionReport]:
    out = io.BytesIO()
    report = ConversionReport()
    EncompassFormat().write(bundles, out, report)
    return out.getvalue(), report


def police_bundles() -> list[dict[str, Any]]:
    return [json.loads(line) for line in BUNDLES.read_text(encoding="utf-8").splitlines()]


def test_matches_golden_notifications() -> None:
    data, report = project(police_bundles())
    assert json.loads(data) == json.loads(GOLDEN.read_text(encoding="utf-8"))
    assert report.records_out == 2


def test_only_the_minimal_fields_are_written() -> None:
    data, _ = project(police_bundles())
    document = json.loads(data)
    assert set(document) == {"notificationType", "version", "notifications"}
    for notification in document["notifications"]:
        assert set(notification) == {"school", "child", "incident", "contact"}
        assert set(notification["child"]) == {"name", "birthDate"}
        assert set(notification["incident"]) == {"dateTime", "childPresent", "policeReference"}
        assert set(notification["school"]) <= {"name", "urn"}
        assert set(notification["contact"]) <= {"name", "telecom"}


@pytest.mark.parametrize(
    "secret",
    [
        "pushed the victim",  # behaviour text
        "Testperson",  # person causing harm's surname
        "Daniel",  # person causing harm's forename
        "Alice",  # adult victim
        "1990-05-14",  # adult victim's date of birth
        "CR-2024-5501",  # crime reference
        "IC1",  # officer-perceived ethnicity
        "P101",  # police person id
        "police-dash-2009",
        "controlling-or-coercive",
        "EXA-2024-000117",  # an incident with no child at a school
    ],
)
def test_nothing_else_leaks_into_the_output_bytes(secret: str) -> None:
    data, _ = project(police_bundles())
    assert secret.encode() not in data


def test_everything_else_is_reported_as_deliberately_not_projected() -> None:
    _, report = project(police_bundles())
    fields = {e.source_field for e in report.entries if e.message.startswith("deliberately not projected")}
    assert {
        "Observation.valueString",
        "Observation.component",
        "RiskAssessment",
        "RelatedPerson",
        "Communication",
        "Provenance",
    } <= fields
    assert "incident-party (person-causing-harm)" in fields
    not_projected = [e for e in report.entries if e.message.startswith("deliberately not projected")]
    assert all(e.kind is Loss.NOT_PROJECTED for e in not_projected)
    assert report.lossless  # a deliberate omission is listed but is not a loss, so --strict accepts it


def test_child_without_a_school_is_reported_not_dropped_silently() -> None:
    bundles = police_bundles()
    for bundle in bundles:
        for entry in bundle["entry"]:
            for party in entry["resource"].get("extension", []):
                party["extension"] = [e for e in party.get("extension", []) if e.get("url") != "school"]
    data, report = project(bundles)
    assert json.loads(data)["notifications"] == []
    assert sum("no school recorded" in e.message for e in report.entries) == 2


@pytest.mark.parametrize("case", sorted(p.name for p in (ROOT / "examples" / "fhir").glob("case-*.json")))
def test_standard_examples_never_leak_behaviour_text(case: str) -> None:
    bundle = json.loads((ROOT / "examples" / "fhir" / case).read_text(encoding="utf-8"))
    data, _ = project([bundle])
    for item in bundle["entry"]:
        text = item["resource"].get("valueString")
        if isinstance(text, str) and len(text) > 12:
            assert text.encode() not in data
