"""Police CSV and MARAC through the one writer and the one reader: no hand-written FHIR, round trips, bad FHIR.

The readers build the case record (the logical record's domain terms) and get their Bundles from
``logical_to_bundle``; the police CSV writer reads Bundles with ``bundle_to_logical``. A Bundle written to police
CSV gives rows the police reader accepts, and wrong FHIR becomes a located report entry, never an exception.
"""

from __future__ import annotations

import copy
import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dastandard.convert import encompass, marac, police
from dastandard.convert.base import ConversionReport, Loss
from dastandard.convert.marac import MaracCsvFormat, MaracJsonFormat
from dastandard.convert.police import PoliceCsvFormat
from dastandard.generate import case_bundle
from dastandard.logical import bundle_to_logical, logical_to_bundle

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
GOLDEN = [
    json.loads(line) for line in (EXAMPLES / "police-csv" / "notification.expected.ndjson").read_text().splitlines()
]


def write(bundles: list[Any]) -> tuple[bytes, ConversionReport]:
    report = ConversionReport()
    out = io.BytesIO()
    PoliceCsvFormat().write(bundles, out, report)
    return out.getvalue(), report


def read(data: bytes, name: str = "notification.csv") -> tuple[list[dict[str, Any]], ConversionReport]:
    report = ConversionReport()
    return list(PoliceCsvFormat().read(io.BytesIO(data), name, report)), report


# ------------------------------------------------------------------------------------------------ one writer


@pytest.mark.parametrize("module", [police, marac])
def test_readers_write_no_fhir_by_hand(module: Any) -> None:
    source = Path(module.__file__).read_text(encoding="utf-8")
    assert '"resourceType"' not in source
    assert "dastandard.model.fragments" not in source
    assert not re.search(r"\"(valueCodeableConcept|valueReference|coding|extension)\"", source)


def test_readers_get_every_bundle_from_the_one_writer(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[dict[str, Any]] = []
    for module in (police, marac):
        real = logical_to_bundle

        def spy(doc: Any, real: Any = real, **options: Any) -> dict[str, Any]:
            calls.append(doc)
            result: dict[str, Any] = real(doc, **options)
            return result

        monkeypatch.setattr(module, "logical_to_bundle", spy)
    bundles, _ = read((EXAMPLES / "police-csv" / "notification.csv").read_bytes())
    report = ConversionReport()
    bundles += MaracJsonFormat().read(
        io.BytesIO((EXAMPLES / "marac" / "referral.marac.json").read_bytes()), "r", report
    )
    bundles += MaracCsvFormat().read(io.BytesIO((EXAMPLES / "marac" / "referral.marac.csv").read_bytes()), "r", report)
    assert len(calls) == len(bundles) == 4
    assert all(doc["recordType"] == "dastandard-logical-record" for doc in calls)


def test_the_police_writer_reads_with_the_one_reader(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[Any] = []
    real = bundle_to_logical

    def spy(bundle: Any, report: Any = None) -> dict[str, Any]:
        seen.append(bundle)
        result: dict[str, Any] = real(bundle, report)
        return result

    monkeypatch.setattr(police, "bundle_to_logical", spy)
    write(GOLDEN)
    assert seen == GOLDEN


# ------------------------------------------------------------------------------------------------ round trips


def test_golden_bundles_round_trip_through_police_csv() -> None:
    written, report = write(GOLDEN)
    assert report.lossless, report.losses
    again, read_report = read(written)
    assert read_report.lossless, read_report.losses
    assert again == GOLDEN


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, 2**16), st.integers(0, 500))
def test_generated_cases_give_rows_the_police_reader_accepts(seed: int, index: int) -> None:
    written, _ = write([case_bundle(seed, index)])
    bundles, report = read(written)
    refused = [(e.kind, e.location, e.message) for e in report.entries if e.kind is not Loss.MAPPED]
    assert refused == []
    assert len(bundles) == written.count(b"\r\n") - 1 - _extra_rows(written)
    again, _ = write(bundles)
    assert again == written  # Bundle -> CSV -> Bundle -> CSV is a fixpoint


def _extra_rows(written: bytes) -> int:
    """Rows beyond the first of each incident (one Bundle per incident)."""
    rows = written.decode().splitlines()[1:]
    refs = [r.split(",", 1)[0] for r in rows]
    return len(refs) - len(set(refs))


# ------------------------------------------------------------------------------------------------ wrong FHIR


def _mutations() -> list[tuple[str, Any]]:
    return [
        ("performer", 5),
        ("extension", 7),
        ("component", "x"),
        ("identifier", [3]),
        ("effectiveDateTime", 2024),
        ("subject", ["not", "a", "reference"]),
        ("valueString", {"text": 1}),
    ]


@pytest.mark.parametrize(("element", "junk"), _mutations())
def test_wrong_fhir_on_an_incident_is_a_located_invalid_input(element: str, junk: Any) -> None:
    bundle = copy.deepcopy(GOLDEN[0])
    incident = next(e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Observation")
    incident[element] = junk
    _, report = write([bundle])
    invalid = [e for e in report.entries if e.kind in (Loss.INVALID_INPUT, Loss.UNMAPPED_FIELD)]
    assert invalid
    assert all(e.location.startswith(("Bundle", "row")) for e in invalid)
    assert any(e.kind is Loss.INVALID_INPUT and element in e.location for e in invalid), invalid


def test_a_bundle_that_is_not_an_object_is_reported() -> None:
    _, report = write([3, GOLDEN[0]])
    assert (Loss.INVALID_INPUT, "Bundle") in {(e.kind, e.location) for e in report.entries}


def _junk() -> st.SearchStrategy[Any]:
    return st.one_of(st.integers(), st.text(max_size=3), st.just([1]), st.just({"x": 1}), st.none(), st.booleans())


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_any_wrong_value_anywhere_never_raises(data: st.DataObject) -> None:
    bundle = copy.deepcopy(GOLDEN[data.draw(st.integers(0, len(GOLDEN) - 1))])
    node: Any = bundle
    for _ in range(data.draw(st.integers(1, 6))):
        if isinstance(node, dict) and node:
            key = data.draw(st.sampled_from(sorted(node)))
            if not isinstance(node[key], dict | list) or data.draw(st.booleans()):
                node[key] = data.draw(_junk())
                break
            node = node[key]
        elif isinstance(node, list) and node:
            index = data.draw(st.integers(0, len(node) - 1))
            if not isinstance(node[index], dict | list) or data.draw(st.booleans()):
                node[index] = data.draw(_junk())
                break
            node = node[index]
        else:
            break
    write([bundle])  # must not raise


def test_the_encompass_writer_reads_with_the_one_reader_and_never_raises(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[Any] = []
    real = bundle_to_logical

    def spy(bundle: Any, report: Any = None) -> dict[str, Any]:
        seen.append(bundle)
        result: dict[str, Any] = real(bundle, report)
        return result

    monkeypatch.setattr(encompass, "bundle_to_logical", spy)
    broken = copy.deepcopy(GOLDEN[0])
    next(e["resource"] for e in broken["entry"] if e["resource"]["resourceType"] == "Observation")["performer"] = 5
    report = ConversionReport()
    encompass.EncompassFormat().write([*GOLDEN, broken, 7], io.BytesIO(), report)  # type: ignore[list-item]
    assert seen == [*GOLDEN, broken]
    assert any(e.kind is Loss.INVALID_INPUT and "performer" in e.location for e in report.entries)


def test_the_readers_case_records_are_valid_logical_records(monkeypatch: pytest.MonkeyPatch) -> None:
    from dastandard.logical import validate_logical

    records: list[dict[str, Any]] = []
    monkeypatch.setattr(police._Reader, "_bundle", lambda self, incident: records.append(self._record(incident)))
    monkeypatch.setattr(marac._Mapper, "bundle", lambda self: records.append(self.record_of()))
    report = ConversionReport()
    list(PoliceCsvFormat().read(io.BytesIO((EXAMPLES / "police-csv" / "notification.csv").read_bytes()), "n", report))
    list(MaracJsonFormat().read(io.BytesIO((EXAMPLES / "marac" / "referral.marac.json").read_bytes()), "r", report))
    assert len(records) == 3
    for record in records:
        assert list(validate_logical(record)) == []


def test_unreadable_dates_are_stated_absent_through_the_writer() -> None:
    source = (EXAMPLES / "police-csv" / "notification.csv").read_text(encoding="utf-8")
    source = source.replace("2024-04-19T23:05", "2024-13-19T23:05").replace("2024-04-20T09:00", "soon")
    bundles, report = read(source.encode())
    resources = {e["resource"]["resourceType"]: e["resource"] for e in bundles[1]["entry"]}
    unknown = {
        "extension": [{"url": "http://hl7.org/fhir/StructureDefinition/data-absent-reason", "valueCode": "unknown"}]
    }
    assert resources["Observation"]["_effectiveDateTime"] == unknown
    assert resources["Communication"]["_sent"] == unknown
    assert "effectiveDateTime" not in resources["Observation"]
    assert 'row 6, column "incident_datetime"' in {e.location for e in report.entries if e.kind is Loss.INVALID_INPUT}
