"""The FHIR JSON, FHIR XML, NDJSON and logical formats: detection, lossless conversion and bad-input reports."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import orjson
import pytest

from dastandard.convert.base import ConversionReport, Format, Loss
from dastandard.convert.fhir_formats import FhirJsonFormat, FhirXmlFormat, NdjsonFormat
from dastandard.convert.logical_format import LogicalFormat
from dastandard.errors import CONVERSION_FAILED, FatalError

ROOT = Path(__file__).resolve().parent.parent
FORMATS_DIR = ROOT / "examples" / "fhir-formats"
LOGICAL_DIR = ROOT / "examples" / "logical"
CASES = ("separation-and-contact", "same-sex-couple-victim-left")
ALL: list[Format] = [FhirJsonFormat(), FhirXmlFormat(), NdjsonFormat(), LogicalFormat()]


def read(fmt: Format, data: bytes, name: str = "input") -> tuple[list[dict[str, Any]], ConversionReport]:
    report = ConversionReport()
    return list(fmt.read(io.BytesIO(data), name, report)), report


def write(fmt: Format, documents: list[dict[str, Any]]) -> bytes:
    out = io.BytesIO()
    fmt.write(documents, out, ConversionReport())
    return out.getvalue()


def bundle(name: str) -> dict[str, Any]:
    return dict(orjson.loads((FORMATS_DIR / f"{name}.bundle.json").read_bytes()))


# ------------------------------------------------------------------------------------------------ detection


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        (FORMATS_DIR / "separation-and-contact.bundle.json", "fhir-json"),
        (FORMATS_DIR / "separation-and-contact.bundle.xml", "fhir-xml"),
        (FORMATS_DIR / "cases.ndjson", "ndjson"),
        (LOGICAL_DIR / "separation-and-contact.logical.json", "logical"),
    ],
)
def test_exactly_one_format_claims_each_example(path: Path, expected: str) -> None:
    head = path.read_bytes()[:4096]
    assert [f.name for f in ALL if f.sniff(head, path)] == [expected]
    assert [f.name for f in ALL if f.sniff(head, None)] == [expected]


def test_compact_single_resource_is_json_unless_named_ndjson() -> None:
    head = b'{"resourceType":"Patient","id":"p"}\n'
    assert [f.name for f in ALL if f.sniff(head, None)] == ["fhir-json"]
    assert [f.name for f in ALL if f.sniff(head, Path("x.ndjson"))] == ["ndjson"]


def test_format_attributes() -> None:
    assert {f.name for f in ALL} == {"fhir-json", "fhir-xml", "ndjson", "logical"}
    assert all(f.can_read and f.can_write and f.description for f in ALL)


# ------------------------------------------------------------------------------------------------ lossless


@pytest.mark.parametrize("name", CASES)
def test_example_files_hold_the_same_bundle(name: str) -> None:
    expected = bundle(name)
    xml, _ = read(FhirXmlFormat(), (FORMATS_DIR / f"{name}.bundle.xml").read_bytes())
    assert xml == [expected]
    lines, _ = read(NdjsonFormat(), (FORMATS_DIR / "cases.ndjson").read_bytes())
    assert expected in lines
    logical, report = read(LogicalFormat(), (LOGICAL_DIR / f"{name}.logical.json").read_bytes(), f"{name}.logical.json")
    assert logical == [expected]
    assert [e.kind for e in report.entries] == [Loss.MAPPED] * len(report.entries)


@pytest.mark.parametrize("name", CASES)
@pytest.mark.parametrize("fmt", ALL, ids=lambda f: f.name)
def test_write_then_read_is_identity(fmt: Format, name: str) -> None:
    documents, report = read(fmt, write(fmt, [bundle(name)]), f"{name}.logical.json")
    assert documents == [bundle(name)]
    assert report.lossless


def test_ndjson_streams_many_documents_one_line_each() -> None:
    documents = [bundle(n) for n in CASES]
    data = write(NdjsonFormat(), documents)
    assert data.count(b"\n") == 2 and data.endswith(b"\n")
    assert read(NdjsonFormat(), data)[0] == documents


def test_writers_are_deterministic() -> None:
    for fmt in ALL:
        assert write(fmt, [bundle(CASES[0])]) == write(fmt, [bundle(CASES[0])])


def test_logical_writer_matches_the_logical_example() -> None:
    written = orjson.loads(write(LogicalFormat(), [bundle(CASES[0])]))
    assert written == orjson.loads((LOGICAL_DIR / f"{CASES[0]}.logical.json").read_bytes())


# ------------------------------------------------------------------------------------------------ bad input


def test_bad_json_is_reported_with_line_and_column() -> None:
    documents, report = read(FhirJsonFormat(), b'{\n  "resourceType": "Bundle",\n  "type": \n}')
    assert documents == []
    (entry,) = report.entries
    assert entry.kind is Loss.INVALID_INPUT
    assert entry.location.startswith("line 4, column")


def test_json_that_is_not_a_resource_is_reported() -> None:
    documents, report = read(FhirJsonFormat(), b'{"hello": 1}')
    assert documents == [] and report.entries[0].kind is Loss.INVALID_INPUT


def test_ndjson_bad_lines_are_reported_and_skipped() -> None:
    data = b'{"resourceType":"Patient","id":"a"}\n{broken\n\n[1]\n{"resourceType":"Patient","id":"b"}\n'
    documents, report = read(NdjsonFormat(), data)
    assert [d["id"] for d in documents] == ["a", "b"]
    assert [(e.kind, e.location.split(",")[0]) for e in report.entries] == [
        (Loss.INVALID_INPUT, "line 2"),
        (Loss.INVALID_INPUT, "line 4"),
    ]
    assert report.records_in == 4


def test_bad_xml_is_reported_with_line() -> None:
    documents, report = read(
        FhirXmlFormat(), b'<?xml version="1.0"?>\n<Bundle xmlns="http://hl7.org/fhir">\n<id value="x">\n'
    )
    assert documents == []
    assert report.entries[0].kind is Loss.INVALID_INPUT and report.entries[0].location.startswith("line ")


def test_hostile_xml_is_refused_as_input() -> None:
    data = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e "boom">]><Patient xmlns="http://hl7.org/fhir"/>'
    documents, report = read(FhirXmlFormat(), data)
    assert documents == [] and report.entries[0].kind is Loss.INVALID_INPUT


def test_invalid_logical_record_reports_every_problem_and_yields_nothing() -> None:
    doc = orjson.loads((LOGICAL_DIR / f"{CASES[0]}.logical.json").read_bytes())
    doc["persons"][0]["sex"] = "X"
    doc["incidents"][0]["agency"] = "nobody"
    documents, report = read(LogicalFormat(), orjson.dumps(doc))
    assert documents == []
    assert {e.location for e in report.entries} == {"$.persons[0].sex", "$.incidents[0].agency"}


@pytest.mark.parametrize("fmt", [FhirJsonFormat(), FhirXmlFormat(), LogicalFormat()], ids=lambda f: f.name)
def test_single_document_formats_refuse_several_before_writing(fmt: Format) -> None:
    out = io.BytesIO()
    with pytest.raises(FatalError) as caught:
        fmt.write([bundle(n) for n in CASES], out, ConversionReport())
    assert caught.value.status == CONVERSION_FAILED
    assert out.getvalue() == b""


def test_logical_writer_refuses_a_non_bundle() -> None:
    with pytest.raises(FatalError):
        write(LogicalFormat(), [{"resourceType": "Patient", "id": "p"}])
