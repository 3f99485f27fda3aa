"""Property tests: every reader, and the validator, given arbitrary or mutated bytes.

Whatever the bytes, a conversion ends with a documented status and a report whose problems are located
``invalid-input`` entries, never an exception and never the pipeline's "conversion failed: <exception>" defect
marker; validation ends with findings, never an exception. The run is bounded (a few thousand cases in all) so that
it fits in CI; ``scripts/fuzz.py`` runs the same idea for any number of cases.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dastandard import errors
from dastandard.config import DEFAULT_SETTINGS
from dastandard.conversion_report import Loss
from dastandard.convert.pipeline import Options, convert_stream
from dastandard.limits import Limits
from dastandard.validation.engine import check_unit
from dastandard.validation.units import Unit

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
SEEDS: dict[str, bytes] = {
    "police-csv": (EXAMPLES / "police-csv" / "notification.csv").read_bytes(),
    "marac-csv": (EXAMPLES / "marac" / "referral.marac.csv").read_bytes(),
    "marac-json": (EXAMPLES / "marac" / "referral.marac.json").read_bytes(),
    "cin-census": (EXAMPLES / "cin-census" / "da-factors.xml").read_bytes(),
    "fhir-json": (EXAMPLES / "fhir" / "case-03-same-sex-couple.json").read_bytes(),
    "fhir-xml": (EXAMPLES / "fhir-formats" / "separation-and-contact.bundle.xml").read_bytes(),
    "ndjson": b"\n".join((EXAMPLES / "fhir-formats" / "cases.ndjson").read_bytes().splitlines()[:2]) + b"\n",
    "logical": (EXAMPLES / "logical" / "separation-and-contact.logical.json").read_bytes(),
}
STATUSES = {errors.OK, errors.CONVERSION_LOSSY_STRICT, errors.CONVERSION_FAILED, errors.UNKNOWN_FORMAT}
LIMITS = Limits(max_file_bytes=4 * 1024 * 1024, max_record_bytes=1024 * 1024)
HOSTILE_PIECES = [
    b"\x00",
    b"\xff\xfe",
    b"\xef\xbb\xbf",
    b"\xc0\xaf",
    b"\xed\xa0\x80",
    b"\xe2\x80\xae",
    b'"meta": {},',
    b'"resourceType": 1,',
    b"[]",
    b"{}",
    b"null",
    b"<!DOCTYPE x [<!ENTITY a 'b'>]>",
    b"&a;",
    b"\r\n",
    b'"',
    b",",
    b"=cmd|'/c calc'!A1",
    b"9" * 400,
    b"[" * 300,
]


@st.composite
def mutated(draw: st.DrawFn, seed: bytes) -> bytes:
    """``seed`` after a few byte- and structure-level edits (flip, delete, insert, duplicate, swap, truncate)."""
    data = bytearray(seed)
    for _ in range(draw(st.integers(1, 4))):
        if not data:
            break
        at = draw(st.integers(0, len(data) - 1))
        size = draw(st.integers(1, min(64, len(data) - at)))
        operation = draw(st.sampled_from(["flip", "delete", "insert", "duplicate", "swap", "truncate", "piece"]))
        if operation == "flip":
            data[at] = draw(st.integers(0, 255))
        elif operation == "delete":
            del data[at : at + size]
        elif operation == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=16))
        elif operation == "duplicate":
            data[at:at] = data[at : at + size]
        elif operation == "swap":
            other = draw(st.integers(0, len(data) - 1))
            data[at], data[other] = data[other], data[at]
        elif operation == "truncate":
            del data[at:]
        else:
            data[at:at] = draw(st.sampled_from(HOSTILE_PIECES))
    return bytes(data)


def _convert(source_format: str, data: bytes, target_format: str = "ndjson", strict: bool = False) -> None:
    opts = Options(source_format, target_format, strict, limits=LIMITS)
    outcome = convert_stream(io.BytesIO(data), "input", None, io.BytesIO(), opts)
    assert outcome.status in STATUSES, outcome
    assert "conversion failed:" not in outcome.message, outcome.message
    for entry in outcome.report.entries:
        if entry.kind is Loss.INVALID_INPUT:
            assert entry.location or entry.source_field, entry
    if outcome.status != errors.OK:
        assert outcome.message


def _validate(fmt: str, data: bytes) -> None:
    unit = Unit("input", None, 1, data, fmt)
    result = check_unit(unit, DEFAULT_SETTINGS, want_summary=False)
    for finding in result.findings:
        assert finding.rule_id.startswith("DA")


FAST = settings(max_examples=120, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)


@pytest.mark.parametrize("source_format", sorted(SEEDS))
def test_mutated_inputs_give_located_entries_never_exceptions(source_format: str) -> None:
    @FAST
    @given(mutated(SEEDS[source_format]))
    def check(data: bytes) -> None:
        _convert(source_format, data)

    check()


@pytest.mark.parametrize("source_format", sorted(SEEDS))
def test_arbitrary_bytes_give_located_entries_never_exceptions(source_format: str) -> None:
    @settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
    @given(st.binary(max_size=512))
    def check(data: bytes) -> None:
        _convert(source_format, data)

    check()


def test_detection_of_mutated_inputs_never_raises() -> None:
    @FAST
    @given(st.sampled_from(sorted(SEEDS)).flatmap(lambda name: mutated(SEEDS[name])))
    def check(data: bytes) -> None:
        _convert(None, data)  # type: ignore[arg-type]  # None: detect the format

    check()


@pytest.mark.parametrize(
    ("source_format", "unit_format"), [("fhir-json", "json"), ("fhir-xml", "fhir-xml"), ("logical", "json")]
)
def test_the_validator_gives_findings_never_exceptions(source_format: str, unit_format: str) -> None:
    @FAST
    @given(mutated(SEEDS[source_format]))
    def check(data: bytes) -> None:
        _validate(unit_format, data)

    check()


def test_validator_on_ndjson_lines() -> None:
    @settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
    @given(mutated(SEEDS["ndjson"].splitlines()[0]))
    def check(data: bytes) -> None:
        _validate("ndjson-line", data)

    check()
