"""The national data flows: the DfE children's social care API payload (read and write) and the SafeLives MARAC
national dataset return (write). Golden files, honest loss reports and the dastandard.testing conformance check."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import orjson
import pytest

from dastandard.convert.base import ConversionReport, Loss
from dastandard.convert.registry import builtin_formats, get_format
from dastandard.logical import bundle_to_logical
from dastandard.testing import assert_conformant

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
PAYLOAD = EXAMPLES / "dfe-csc-api" / "child.dfe-csc.json"


def _read(fmt: str, path: Path) -> tuple[list[dict[str, Any]], ConversionReport]:
    report = ConversionReport()
    return list(get_format(fmt).read(io.BytesIO(path.read_bytes()), path.name, report)), report


def _ndjson(path: Path) -> list[dict[str, Any]]:
    return [orjson.loads(line) for line in path.read_bytes().splitlines() if line.strip()]


def _write(fmt: str, bundles: list[dict[str, Any]]) -> tuple[bytes, ConversionReport]:
    report = ConversionReport()
    out = io.BytesIO()
    get_format(fmt).write(bundles, out, report)
    return out.getvalue(), report


def test_both_are_built_in_formats() -> None:
    names = {cls.name for cls in builtin_formats()}
    assert {"dfe-csc-api", "safelives-marac-return"} <= names
    assert get_format("dfe-csc-api").can_read and get_format("dfe-csc-api").can_write
    assert get_format("safelives-marac-return").can_write and not get_format("safelives-marac-return").can_read


# ------------------------------------------------------------------------------------------------- DfE payload


def test_payload_reads_to_the_golden_bundle() -> None:
    bundles, report = _read("dfe-csc-api", PAYLOAD)
    assert bundles == _ndjson(EXAMPLES / "dfe-csc-api" / "child.expected.ndjson")
    assert (report.records_in, report.records_out) == (1, 1)
    record = bundle_to_logical(bundles[0])
    child = next(p for p in record["persons"] if p.get("birthDate") == "2014-05-17")
    assert child["name"] == {"family": "Example", "given": ["Robin"]}
    # Factor 3B (domestic abuse, parent or carer) is an incident; 2B stays a risk factor.
    assert record["incidents"] and record["riskFactors"]


def test_payload_loss_report_is_the_committed_one_and_names_every_dropped_field() -> None:
    _, report = _read("dfe-csc-api", PAYLOAD)
    committed = orjson.loads((EXAMPLES / "dfe-csc-api" / "child.expected-report.json").read_bytes())
    assert report.to_dict()["entries"] == committed["entries"]
    # Made by `dastandard convert ... --to ndjson --report json`: one child in, one Bundle out, counted once.
    assert (committed["records_in"], committed["records_out"]) == (1, 1)
    lost = {e.source_field for e in report.losses}
    for fld in (
        "mis_child_id",
        "health_and_wellbeing",
        "child_details.postcode",
        "social_care_episodes.care_worker_details",
        "social_care_episodes.section_47_assessments.end_date",
    ):
        assert fld in lost, fld
    postcode = next(e for e in report.losses if e.source_field == "child_details.postcode")
    assert postcode.location == "$.Children.child_details.postcode" and "ZZ99" not in postcode.message
    assert not report.lossless


def test_census_bundles_written_as_payloads_match_the_golden_file() -> None:
    bundles = _ndjson(EXAMPLES / "cin-census" / "da-factors.expected.ndjson")
    data, report = _write("dfe-csc-api", bundles)
    assert data == (EXAMPLES / "dfe-csc-api" / "da-factors.expected.dfe-csc.jsonl").read_bytes()
    payloads = [json.loads(line) for line in data.splitlines()]
    assert [p["Children"]["la_child_id"] for p in payloads] == ["EX0001", "EX0002"]
    factors = payloads[0]["Children"]["social_care_episodes"][0]["child_and_family_assessments"][0]["factors"]
    assert factors[:2] == ["3A", "3B"]
    assert report.records_out == 2
    # Census fields with no payload key are reported, by the record's section, never dropped in silence.
    assert any(e.source_field == "serviceEpisodes" and "PrimaryNeedCode" in e.message for e in report.losses)


def test_payload_in_a_list_and_in_lines_and_bad_input_located() -> None:
    payload = json.loads(PAYLOAD.read_text(encoding="utf-8"))
    as_list = json.dumps([payload, payload]).encode()
    report = ConversionReport()
    assert len(list(get_format("dfe-csc-api").read(io.BytesIO(as_list), "x.json", report))) == 2
    lines = (json.dumps(payload) + "\nnot json\n").encode()
    report = ConversionReport()
    assert len(list(get_format("dfe-csc-api").read(io.BytesIO(lines), "x.jsonl", report))) == 1
    assert any(e.kind is Loss.INVALID_INPUT and e.location == "line 2" for e in report.entries)
    payload["Children"]["child_details"]["date_of_birth"] = "17/05/2014"
    report = ConversionReport()
    list(get_format("dfe-csc-api").read(io.BytesIO(json.dumps(payload).encode()), "x.json", report))
    bad = [e for e in report.entries if e.kind is Loss.INVALID_INPUT]
    assert {(e.source_field, e.location) for e in bad} == {
        ("child_details.date_of_birth", "$.Children.child_details.date_of_birth")
    }
    assert "date_of_birth is not a date" in bad[0].message  # in the payload's names, not the census's


def test_payload_format_passes_the_conformance_check() -> None:
    bundles = _ndjson(EXAMPLES / "cin-census" / "da-factors.expected.ndjson")
    assert_conformant(get_format("dfe-csc-api"), [PAYLOAD], bundles=bundles)


# ----------------------------------------------------------------------------------------------- MARAC return


def _cases() -> list[dict[str, Any]]:
    bundles = _ndjson(EXAMPLES / "marac" / "referral.expected.ndjson")
    return bundles + [orjson.loads(p.read_bytes()) for p in sorted((EXAMPLES / "fhir").glob("*.json"))]


def _with_marac_referral(cases: list[dict[str, Any]]) -> int:
    """How many of ``cases`` hold a MARAC referral, read through the one reader of the standard."""
    return sum(bool(bundle_to_logical(case).get("maracReferrals")) for case in cases)


def test_marac_return_matches_the_golden_file() -> None:
    data, report = _write("safelives-marac-return", _cases())
    assert data == (EXAMPLES / "marac" / "return.expected.marac-return.csv").read_bytes()
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8"))))
    first = next(r for r in rows if r["marac"] == "Exampletown MARAC")
    # The referral MR-2024-0042: one case in 2024 Q1, two children, referred by an Idva service.
    assert (first["quarter"], first["period_start"], first["period_end"]) == ("2024-Q1", "2024-01-01", "2024-03-31")
    assert (first["cases_heard"], first["cases_with_children"], first["children_in_households"]) == ("1", "1", "2")
    assert first["referrals_from_idva-service"] == "1"
    assert sum(int(r["cases_heard"]) for r in rows) == _with_marac_referral(_cases()) == 5
    assert report.records_out == len(rows)


def test_marac_return_reports_cases_it_cannot_count() -> None:
    cases = _cases()
    _, report = _write("safelives-marac-return", cases)
    not_counted = [e for e in report.losses if e.source_field == "maracReferrals"]
    assert len(not_counted) == len(cases) - _with_marac_referral(cases) > 0  # the cases with no MARAC referral
    committed = orjson.loads((EXAMPLES / "marac" / "return.expected-report.json").read_bytes())
    assert committed["lossless"] is True  # individual data of a counted case is not projected, not lost
    undated = json.loads(json.dumps(cases[0]))
    for entry in undated["entry"]:
        if entry["resource"]["resourceType"] == "ServiceRequest":
            del entry["resource"]["authoredOn"]
    _, report = _write("safelives-marac-return", [undated])
    assert any(e.kind is Loss.INVALID_INPUT and e.source_field == "maracReferrals.authoredOn" for e in report.losses)


@pytest.mark.parametrize("count", [1, 3])
def test_marac_return_passes_the_conformance_check(count: int) -> None:
    assert_conformant(get_format("safelives-marac-return"), [], bundles=_cases()[:count])
