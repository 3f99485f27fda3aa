"""One input-format detector: ``validate`` and ``convert`` read every input the same way.

``dastandard.fhir.detect.detect_shape`` decides JSON, NDJSON or XML; validation uses it directly and the FHIR
formats of the conversion registry sniff through it. These tests pin the rules and, for each kind of input on
which the two commands once disagreed, check that both now take it the same way, end to end.
"""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

import dastandard
from dastandard.config import DEFAULT_SETTINGS
from dastandard.convert.registry import detect_candidates, detect_format
from dastandard.fhir.detect import HEAD_BYTES, detect_shape
from dastandard.validation.inputs import iter_units
from dastandard.validation.units import Unit

ROOT = Path(__file__).resolve().parents[1]
BUNDLE = ROOT / "examples" / "fhir-formats" / "separation-and-contact.bundle.json"
XML = ROOT / "examples" / "fhir-formats" / "separation-and-contact.bundle.xml"
LOGICAL = ROOT / "examples" / "logical" / "separation-and-contact.logical.json"
POLICE = ROOT / "examples" / "police-csv" / "notification.csv"
CIN = ROOT / "examples" / "cin-census" / "da-factors.xml"


def compact(path: Path) -> bytes:
    return orjson.dumps(orjson.loads(path.read_bytes()))


def small_resource() -> bytes:
    """One resource of the example Bundle, compact: a line well under the detector's head."""
    line = orjson.dumps(orjson.loads(BUNDLE.read_bytes())["entry"][1]["resource"])
    assert len(line) < HEAD_BYTES // 4
    return line


@pytest.mark.parametrize(
    ("head", "name", "shape"),
    [
        (b'{"resourceType":"Patient"}\n{"resourceType":"Patient"}\n', "two.json", "ndjson"),
        (b'{"resourceType":"Patient"}\n{"resourceType":"Patient"}\n', None, "ndjson"),
        (b'{"resourceType":"Patient"}\n', "one.ndjson", "ndjson"),
        (b"anything at all", "x.jsonl", "ndjson"),
        (b'{\n  "resourceType": "Patient"\n}\n', "pretty.json", "json"),
        (b'{"resourceType":"Patient"}', None, "json"),
        (b'{"resourceType":"Patient"}\n\n', None, "json"),
        (b'\xef\xbb\xbf  {"resourceType":"Patient"}', None, "json"),
        (b'{"resourceType":"Bundle","entry":[{"resource":', None, "ndjson"),  # cut short in a long first line
        (b'{"resourceType":"Bundle","entry":[{"resource":', "big.json", "json"),  # ... unless named .json
        (b'\xff\xfe{\x00"\x00', None, "json"),  # UTF-16: reported as an encoding problem
        (b"[1, 2]", None, "json"),
        (b'<?xml version="1.0"?><Patient xmlns="http://hl7.org/fhir"/>', None, "xml"),
        (b"  <Message/>", "return.xml", "xml"),
        (b"incident_ref,party_id,role\n", "export.csv", None),
        (b"", None, None),
    ],
)
def test_shape_rules(head: bytes, name: str | None, shape: str | None) -> None:
    assert detect_shape(head, Path(name) if name else None) == shape


def _validate_formats(path: Path) -> list[str]:
    """How validation reads ``path``: the unit format of each record (``json`` becomes FHIR JSON or logical)."""
    units = [u for u in iter_units([path], DEFAULT_SETTINGS, None) if isinstance(u, Unit)]
    return [u.fmt for u in units]


def _convert_format(path: Path) -> str | None:
    return detect_format(path.read_bytes()[:HEAD_BYTES], path)


def test_two_line_ndjson_named_json_is_ndjson_for_both(tmp_path: Path) -> None:
    """Once: validate read two records, convert read one broken FHIR JSON document, converted nothing, exit 0."""
    source = tmp_path / "cases.json"
    source.write_bytes(small_resource() + b"\n" + small_resource() + b"\n")
    assert _validate_formats(source) == ["ndjson-line", "ndjson-line"]
    assert _convert_format(source) == "ndjson"
    result = dastandard.convert(source, tmp_path / "out.ndjson", to="ndjson", jobs=1)
    assert result.ok and result.reports[0].records_out == 2
    assert len((tmp_path / "out.ndjson").read_bytes().splitlines()) == 2


def test_one_compact_document_without_a_newline_is_json_for_both(tmp_path: Path) -> None:
    source = tmp_path / "case"
    source.write_bytes(small_resource())
    assert _validate_formats(source) == ["json"]
    assert _convert_format(source) == "fhir-json"


def test_a_first_line_longer_than_the_head_is_ndjson_for_both(tmp_path: Path) -> None:
    big = orjson.loads(BUNDLE.read_bytes())
    big["entry"] = big["entry"] * (HEAD_BYTES // len(compact(BUNDLE)) + 2)  # long whatever the example's size
    line = orjson.dumps(big)
    assert len(line) > HEAD_BYTES
    source = tmp_path / "export"
    source.write_bytes(line + b"\n" + line + b"\n")
    assert _validate_formats(source) == ["ndjson-line", "ndjson-line"]
    assert _convert_format(source) == "ndjson"


def test_pretty_printed_json_is_json_for_both() -> None:
    assert _validate_formats(BUNDLE) == ["json"]
    assert _convert_format(BUNDLE) == "fhir-json"


def test_fhir_xml_is_xml_for_both() -> None:
    assert _validate_formats(XML) == ["fhir-xml"]
    assert _convert_format(XML) == "fhir-xml"


def test_a_logical_record_is_json_then_logical_for_both() -> None:
    assert _validate_formats(LOGICAL) == ["json"]  # decided once parsed: recordType
    assert not [f for f in dastandard.validate([LOGICAL]).findings if f.rule_id.startswith("DA00")]
    assert _convert_format(LOGICAL) == "logical"


def test_a_police_export_is_police_csv_for_both() -> None:
    """Validation converts it with the police reader, one case Bundle per incident, each at its first row."""
    assert _validate_formats(POLICE) == ["bundle", "bundle"]
    assert [u.line for u in iter_units([POLICE], DEFAULT_SETTINGS, None) if isinstance(u, Unit)] == [2, 6]
    assert not [f for f in dastandard.validate([POLICE]).findings if f.rule_id.startswith("DA00")]
    assert detect_candidates(POLICE.read_bytes()[:HEAD_BYTES], POLICE) == ["police-csv"]


def test_a_census_return_is_cin_census_for_both() -> None:
    """Validation knows the census by its content as conversion does: one Bundle per Child, never FHIR XML."""
    assert _validate_formats(CIN) == ["bundle", "bundle"]
    assert _convert_format(CIN) == "cin-census"
    assert not [f for f in dastandard.validate([CIN]).findings if f.rule_id in ("DA0032", "DA0006")]
