"""The FHIR formats: FHIR JSON (one Bundle or resource), FHIR XML (one) and NDJSON (one per line).

Conversion between them is lossless: each reads into the same FHIR JSON dicts and writes them back unchanged.
Readers never raise on bad input: an unreadable document or line becomes an ``INVALID_INPUT`` report entry with
its line and column (for NDJSON, the line number), and reading goes on with the next line. A JSON object with
a repeated key is invalid input (never one of the values picked silently); an NDJSON line over the record limit
(``dastandard.limits``) is reported and skipped unread. Writers of the
single-document formats (JSON, XML) refuse a second document with ``FatalError`` (exit code
``CONVERSION_FAILED``) before writing anything; NDJSON streams any number, one line each.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO, Any, ClassVar

import orjson

from dastandard.convert.base import ConversionReport, Format, Loss, ReportEntry
from dastandard.errors import CONVERSION_FAILED, fatal
from dastandard.fhir.detect import detect_shape, is_resource, strip_head
from dastandard.fhir.jsonkeys import duplicate_keys
from dastandard.fhir.ndjson import bounded_lines
from dastandard.fhir.xml import FHIR_NS, FhirXmlError, parse_fhir_xml, to_fhir_xml
from dastandard.limits import default_limits

_BOM = b"\xef\xbb\xbf"


def _invalid(report: ConversionReport, location: str, message: str) -> None:
    report.add(ReportEntry(Loss.INVALID_INPUT, "", location, message))


def parse_json_document(data: bytes, report: ConversionReport, line: int | None = None) -> Any:
    """Parse JSON; on error add an INVALID_INPUT entry (``line L, column C``) and return None.

    A repeated key in an object is an error too (one entry per repetition): the document is refused rather than
    read with one of the values chosen. ``line`` is the line number of ``data`` in its file when it is one NDJSON
    line.
    """
    text = data.removeprefix(_BOM)
    try:
        document = orjson.loads(text)
    except orjson.JSONDecodeError as exc:
        at_line = line if line is not None else exc.lineno
        _invalid(report, f"line {at_line}, column {exc.colno}", f"not valid JSON: {exc.msg}")
        return None
    repeated = duplicate_keys(text, document)
    for dup in repeated:
        at_line = line if line is not None else dup.line
        _invalid(report, f"line {at_line}, column {dup.column}", f"the key {dup.key!r} is repeated in one object")
    return None if repeated else document


def collect_one(bundles: Iterable[dict[str, Any]], format_name: str) -> dict[str, Any] | None:
    """The only document in ``bundles``; FatalError (nothing written) when there are several."""
    iterator = iter(bundles)
    first = next(iterator, None)
    if first is not None and next(iterator, None) is not None:
        fatal(f"{format_name} holds one document but several were produced; write ndjson instead", CONVERSION_FAILED)
    return first


class FhirJsonFormat(Format):
    """One FHIR resource (normally a DACaseBundle) as a JSON document."""

    name: ClassVar[str] = "fhir-json"
    description: ClassVar[str] = "FHIR R4 JSON: one Bundle or resource per file"
    extensions: ClassVar[tuple[str, ...]] = (".json",)
    can_read: ClassVar[bool] = True
    can_write: ClassVar[bool] = True

    def sniff(self, head: bytes, path: Path | None) -> bool:
        body = strip_head(head)
        return (
            detect_shape(head, path) == "json"
            and body.startswith(b"{")
            and b'"resourceType"' in body
            and b"dastandard-logical-record" not in body
        )

    def read(self, source: IO[bytes], name: str, report: ConversionReport) -> Iterator[dict[str, Any]]:
        """Yield the one resource in the file; bad JSON or a non-resource is reported, not raised."""
        report.records_in += 1
        document = parse_json_document(source.read(), report)
        if document is None:
            return
        if not is_resource(document):
            _invalid(report, "$", "not a FHIR resource (no resourceType)")
            return
        yield document

    def write(self, bundles: Iterable[dict[str, Any]], target: IO[bytes], report: ConversionReport) -> None:
        """Write the one document, indented, with a final newline."""
        document = collect_one(bundles, self.name)
        if document is None:
            return
        target.write(orjson.dumps(document, option=orjson.OPT_INDENT_2) + b"\n")
        report.records_out += 1


class NdjsonFormat(Format):
    """FHIR resources as newline-delimited JSON: one Bundle or resource per line, read and written streaming."""

    name: ClassVar[str] = "ndjson"
    description: ClassVar[str] = "FHIR R4 NDJSON: one Bundle or resource per line"
    extensions: ClassVar[tuple[str, ...]] = (".ndjson", ".jsonl")
    can_read: ClassVar[bool] = True
    can_write: ClassVar[bool] = True

    def sniff(self, head: bytes, path: Path | None) -> bool:
        return detect_shape(head, path) == "ndjson" and b'"resourceType"' in head

    def read(self, source: IO[bytes], name: str, report: ConversionReport) -> Iterator[dict[str, Any]]:
        """Yield one resource per non-blank line; a bad line is reported (``line N``) and skipped."""
        limits = getattr(source, "limits", None) or default_limits()
        for number, raw in enumerate(bounded_lines(b"", source, limits.max_record_bytes), start=1):
            if raw is None:
                report.records_in += 1
                _invalid(report, f"line {number}", f"the line is over the limit of {limits.max_record_bytes} bytes")
                continue
            line = raw.removeprefix(_BOM) if number == 1 else raw
            if not line.strip():
                continue
            report.records_in += 1
            document = parse_json_document(line, report, line=number)
            if document is None:
                continue
            if not is_resource(document):
                _invalid(report, f"line {number}", "not a FHIR resource (no resourceType)")
                continue
            yield document

    def write(self, bundles: Iterable[dict[str, Any]], target: IO[bytes], report: ConversionReport) -> None:
        """Write each document as one compact line."""
        for document in bundles:
            target.write(ndjson_line(document))
            report.records_out += 1

    def record_encoder(self) -> Callable[[dict[str, Any]], bytes]:
        return ndjson_line


def ndjson_line(document: dict[str, Any]) -> bytes:
    """One document as a compact JSON line, newline included."""
    return orjson.dumps(document, option=orjson.OPT_APPEND_NEWLINE)


class FhirXmlFormat(Format):
    """One FHIR resource (normally a DACaseBundle) as FHIR XML (``dastandard.fhir.xml``)."""

    name: ClassVar[str] = "fhir-xml"
    description: ClassVar[str] = "FHIR R4 XML: one Bundle or resource per file"
    extensions: ClassVar[tuple[str, ...]] = (".xml",)
    can_read: ClassVar[bool] = True
    can_write: ClassVar[bool] = True
    writes_well_typed_only: ClassVar[bool] = True  # XML cannot carry a control character

    def sniff(self, head: bytes, path: Path | None) -> bool:
        return detect_shape(head, path) == "xml" and f'xmlns="{FHIR_NS}"'.encode() in head

    def read(self, source: IO[bytes], name: str, report: ConversionReport) -> Iterator[dict[str, Any]]:
        """Yield the one resource; unreadable or hostile XML is reported with its line and column."""
        report.records_in += 1
        try:
            document = parse_fhir_xml(source.read())
        except FhirXmlError as exc:
            location = f"line {exc.line}, column {exc.column}" if exc.line else "document"
            _invalid(report, location, f"not valid FHIR XML: {exc.message}")
            return
        yield document

    def write(self, bundles: Iterable[dict[str, Any]], target: IO[bytes], report: ConversionReport) -> None:
        """Write the one document as FHIR XML; a document that cannot be serialised is a FatalError."""
        document = collect_one(bundles, self.name)
        if document is None:
            return
        try:
            data = to_fhir_xml(document)
        except FhirXmlError as exc:
            fatal(f"cannot write FHIR XML: {exc}", CONVERSION_FAILED)
        target.write(data)
        report.records_out += 1
