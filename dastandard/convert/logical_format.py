"""The ``logical`` format: the logical record JSON (``validators/logical-record.schema.json``).

Reading validates the record and converts it to one DACaseBundle (``dastandard.logical.logical_to_bundle``); an
invalid record is reported entry by entry, every problem at once (``INVALID_INPUT`` with its JSON path as the
location, its line and column in the message) and yields nothing. Writing
converts one DACaseBundle back (``bundle_to_logical``), reporting whatever the record cannot hold; a second
document, or a resource that is not a Bundle, is a ``FatalError`` (``CONVERSION_FAILED``) before anything is
written.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any, ClassVar

import orjson

from dastandard.convert.base import ConversionReport, Format, Loss, ReportEntry
from dastandard.convert.fhir_formats import collect_one, parse_json_document
from dastandard.errors import CONVERSION_FAILED, fatal
from dastandard.fhir.detect import detect_shape, strip_head
from dastandard.logical import RECORD_TYPE, SECTIONS, bundle_to_logical, logical_problems, logical_to_bundle


class LogicalFormat(Format):
    """A dastandard logical record: plain JSON for agencies without FHIR, lossless with a DACaseBundle."""

    name: ClassVar[str] = "logical"
    description: ClassVar[str] = "dastandard logical record (plain JSON, same content as a DACaseBundle)"
    extensions: ClassVar[tuple[str, ...]] = (".logical.json",)
    can_read: ClassVar[bool] = True
    can_write: ClassVar[bool] = True

    def sniff(self, head: bytes, path: Path | None) -> bool:
        body = strip_head(head)
        return (
            detect_shape(head, path) == "json"
            and body.startswith(b"{")
            and b'"recordType"' in body
            and RECORD_TYPE.encode() in body
        )

    def read(self, source: IO[bytes], name: str, report: ConversionReport) -> Iterator[dict[str, Any]]:
        """Yield the record as one DACaseBundle, or report every problem (JSON path) and yield nothing."""
        report.records_in += 1
        data = source.read()
        document = parse_json_document(data, report)
        if document is None:
            return
        problems = logical_problems(document, data.decode("utf-8", "replace"))
        for problem in problems:
            message = f"line {problem.line}, column {problem.column}: {problem.message}"
            report.add(ReportEntry(Loss.INVALID_INPUT, problem.path.rsplit(".", 1)[-1], problem.path, message))
        if problems:
            return
        for section in SECTIONS:
            count = len(document.get(section.key, []))
            if count:
                report.add(
                    ReportEntry(
                        Loss.MAPPED, section.key, f"$.{section.key}", f"{count} item(s)", target=section.profile
                    )
                )
        yield logical_to_bundle(document, source=Path(name).name if name else "")

    def write(self, bundles: Iterable[dict[str, Any]], target: IO[bytes], report: ConversionReport) -> None:
        """Write the one DACaseBundle as a logical record, indented, with a final newline."""
        document = collect_one(bundles, self.name)
        if document is None:
            return
        if document.get("resourceType") != "Bundle":
            fatal(f"a logical record holds a DACaseBundle, not a {document.get('resourceType')}", CONVERSION_FAILED)
        record = bundle_to_logical(document, report)
        target.write(orjson.dumps(record, option=orjson.OPT_INDENT_2) + b"\n")
