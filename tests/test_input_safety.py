"""The safety building blocks: repeated JSON keys, bidirectional controls, bounded input, police CSV bytes that are
not UTF-8, and the in-process behaviour of ``convert`` on them (status, report, previous target kept)."""

from __future__ import annotations

import io
from pathlib import Path

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dastandard import errors, validate
from dastandard.conversion_report import ConversionReport, Loss
from dastandard.convert.pipeline import Options, convert, convert_stream
from dastandard.convert.police import PoliceCsvFormat
from dastandard.fhir.jsonkeys import duplicate_keys, parsed_key_count, text_key_count
from dastandard.limits import BoundedInput, InputTooLarge, Limits, default_limits
from dastandard.textsafety import BIDI_CONTROLS, find_bidi, find_bidi_bytes, neutralise_bidi

ROOT = Path(__file__).resolve().parents[1]
POLICE = ROOT / "examples" / "police-csv" / "notification.csv"
CASE = ROOT / "examples" / "fhir" / "case-01-post-separation-contact.json"

# ------------------------------------------------------------------------------------------- repeated JSON keys


def test_duplicate_keys_are_found_with_line_and_column() -> None:
    data = b'{"a": 1,\n "b": {"c": 2, "c": 3},\n "a": [ {"x": "\\"a\\": 1"} ]}'
    found = duplicate_keys(data, orjson.loads(data))
    assert [(d.key, d.line, d.column) for d in found] == [("c", 2, 16), ("a", 3, 2)]


def test_the_same_key_in_different_objects_is_no_duplicate() -> None:
    data = b'[{"a": 1}, {"a": 2}, {"b": {"a": 3}}, "\\"a\\":"]'
    assert duplicate_keys(data, orjson.loads(data)) == []


@settings(max_examples=200, deadline=None)
@given(
    st.recursive(
        st.none() | st.booleans() | st.integers(-(2**63), 2**63 - 1) | st.text(max_size=8),
        lambda c: st.lists(c, max_size=4) | st.dictionaries(st.text(max_size=6), c, max_size=4),
        max_leaves=20,
    )
)
def test_key_counts_agree_for_any_document_without_repeats(document: object) -> None:
    data = orjson.dumps(document)
    assert text_key_count(data) == parsed_key_count(document)
    assert duplicate_keys(data, document) == []


def test_validate_reports_a_repeated_meta(tmp_path: Path) -> None:
    report = validate([ROOT / "examples" / "invalid" / "DA0012.json"])
    [finding] = [f for f in report.findings if f.rule_id == "DA0012"]
    assert (finding.line, finding.column) == (6, 3) and "'meta'" in finding.message


def test_convert_refuses_a_repeated_key_in_every_json_reader(tmp_path: Path) -> None:
    cases = {
        "fhir-json": b'{"resourceType": "Bundle", "type": "collection", "type": "batch"}',
        "ndjson": b'{"resourceType": "Bundle", "type": "collection", "type": "batch"}\n',
        "logical": (ROOT / "examples" / "logical" / "separation-and-contact.logical.json")
        .read_bytes()
        .replace(b'"recordType"', b'"security": [], "recordType"', 1),
        "marac-json": (ROOT / "examples" / "marac" / "referral.marac.json")
        .read_bytes()
        .replace(b'"referral_id"', b'"referral_id": "other", "referral_id"', 1),
    }
    for fmt, data in cases.items():
        outcome = convert_stream(io.BytesIO(data), "in", None, io.BytesIO(), Options(fmt, "ndjson", False))
        assert outcome.status == errors.CONVERSION_FAILED, (fmt, outcome)
        assert any("repeated" in e.message for e in outcome.report.entries if e.kind is Loss.INVALID_INPUT), fmt


# ------------------------------------------------------------------------------------------- bidirectional controls


def test_every_bidi_control_is_found_and_neutralised_visibly() -> None:
    for char in BIDI_CONTROLS:
        text = f"Smith{char}nhoJ"
        assert find_bidi(text) == [5]
        shown = neutralise_bidi(text)
        assert char not in shown and f"[U+{ord(char):04X}]" in shown
        assert find_bidi_bytes(text.encode()) == [(5, char)]
        assert find_bidi_bytes(f'"\\u{ord(char):04x}"'.encode()) == [(1, char)]
        assert find_bidi_bytes(f"&#x{ord(char):X};".encode()) == [(0, char)]
        assert find_bidi_bytes(f"&#{ord(char)};".encode()) == [(0, char)]
    assert neutralise_bidi("Zoë Brontë") == "Zoë Brontë"


def test_validate_flags_bidi_controls_in_json_and_xml(tmp_path: Path) -> None:
    [finding] = validate([ROOT / "examples" / "invalid" / "DA0013.json"]).findings
    assert finding.rule_id == "DA0013" and (finding.line, finding.column) == (1, 72)
    xml = tmp_path / "org.xml"
    xml.write_text(
        '<Organization xmlns="http://hl7.org/fhir"><id value="a"/><name value="North&#x202E;x"/></Organization>'
    )
    assert [f.rule_id for f in validate([xml]).findings] == ["DA0013"]


def test_police_csv_writer_neutralises_and_reports_bidi(tmp_path: Path) -> None:
    bundle = orjson.loads(CASE.read_bytes())
    for entry in bundle["entry"]:
        if entry["resource"]["resourceType"] == "Patient":
            entry["resource"]["name"][0]["family"] = "Ash\u202eworth"
    source = tmp_path / "case.json"
    source.write_bytes(orjson.dumps(bundle))
    result = convert(source, tmp_path / "out.csv", to="police-csv", jobs=1)
    text = (tmp_path / "out.csv").read_text(encoding="utf-8")
    assert "\u202e" not in text and "Ash[U+202E]worth" in text
    altered = [e for e in result.reports[0].entries if e.kind is Loss.ALTERED]
    assert altered and all(e.location.startswith("row ") for e in altered)
    strict = convert(source, tmp_path / "strict.csv", to="police-csv", strict=True, jobs=1)
    assert strict.status == errors.CONVERSION_LOSSY_STRICT and not (tmp_path / "strict.csv").exists()


# ------------------------------------------------------------------------------------------- bounded input


def test_bounded_input_refuses_past_the_file_limit_and_long_lines() -> None:
    limits = Limits(max_file_bytes=100, max_record_bytes=10)
    stream = BoundedInput(io.BytesIO(b"short\n" * 10), limits)
    assert list(stream) == [b"short\n"] * 10
    with pytest.raises(InputTooLarge, match="line 2"):
        list(BoundedInput(io.BytesIO(b"ok\n" + b"x" * 50 + b"\n"), limits))
    with pytest.raises(InputTooLarge, match="100 bytes"):
        BoundedInput(io.BytesIO(b"x" * 101), limits).read()
    assert BoundedInput(io.BytesIO(b"x" * 100), limits).read() == b"x" * 100


def test_the_default_limits_are_the_catalog_parameters_of_da0005() -> None:
    from dastandard.catalog import catalog

    params = catalog()["DA0005"].params
    assert default_limits() == Limits(params["max_file_bytes"], params["max_record_bytes"])


def test_convert_takes_its_limits_from_the_configuration(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from dastandard.cli import main

    (tmp_path / ".dastandard.toml").write_text("[rules.DA0005]\nmax_file_bytes = 1000\n")
    previous = b"previous\n"
    (tmp_path / "out.ndjson").write_bytes(previous)
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as exc:
        main(["convert", str(CASE), "--to", "ndjson", "-o", "out.ndjson"])
    assert exc.value.code == errors.CONVERSION_FAILED
    assert (tmp_path / "out.ndjson").read_bytes() == previous


# ------------------------------------------------------------------------------------------- police CSV bytes


def _read_police(data: bytes) -> tuple[list[dict[str, object]], ConversionReport]:
    report = ConversionReport(source="in.csv")
    bundles = list(PoliceCsvFormat().read(io.BytesIO(data), "in.csv", report))
    return bundles, report


def test_bytes_that_are_not_utf8_are_located_never_silent() -> None:
    header, first, *rest = POLICE.read_bytes().split(b"\n")
    cells = first.split(b",")
    column = header.split(b",").index(b"surname") if b"surname" in header.split(b",") else 3
    cells[column] = cells[column] + b"\xc0\xaf"
    data = b"\n".join([header, b",".join(cells), *rest])
    _, report = _read_police(data)
    [entry] = [e for e in report.entries if e.kind is Loss.INVALID_INPUT and "UTF-8" in e.message]
    name = header.split(b",")[column].decode()
    assert entry.location == f"row 2, column {name!r}" and "0xc0" in entry.message
    assert not report.lossless
    source = io.BytesIO(data)
    outcome = convert_stream(source, "in.csv", None, io.BytesIO(), Options("police-csv", "ndjson", True))
    assert outcome.status == errors.CONVERSION_LOSSY_STRICT


def test_valid_utf8_police_csv_stays_lossless_on_encoding() -> None:
    _, report = _read_police(POLICE.read_bytes())
    assert not [e for e in report.entries if e.kind is Loss.INVALID_INPUT]


# ------------------------------------------------------------------------------------------- empty success


def test_a_reader_that_rejects_every_record_silently_still_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    from collections.abc import Iterator
    from typing import IO, Any, ClassVar

    from dastandard.convert import pipeline
    from dastandard.convert.base import Format

    class Rejecting(Format):
        name: ClassVar[str] = "rejecting"
        can_read: ClassVar[bool] = True

        def read(self, source: IO[bytes], name: str, report: ConversionReport) -> Iterator[dict[str, Any]]:
            report.records_in += 3
            yield from ()

    real = pipeline.get_format
    monkeypatch.setattr(pipeline, "get_format", lambda n: Rejecting() if n == "rejecting" else real(n))
    outcome = convert_stream(io.BytesIO(b"abc"), "in", None, io.BytesIO(), Options("rejecting", "ndjson", False))
    assert outcome.status == errors.CONVERSION_FAILED and "nothing could be converted" in outcome.message


def test_a_file_limit_below_the_detection_window_is_a_status_not_an_exception() -> None:
    opts = Options(None, "ndjson", False, limits=Limits(max_file_bytes=100, max_record_bytes=50))
    outcome = convert_stream(io.BytesIO(CASE.read_bytes()), "in", None, io.BytesIO(), opts)
    assert outcome.status == errors.CONVERSION_FAILED
    [entry] = outcome.report.entries
    assert entry.kind is Loss.INVALID_INPUT and entry.location == "(input)"
