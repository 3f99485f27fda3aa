"""Reading inputs into records to check: files, folders, standard input, NDJSON line by line, agency files.

Inputs are read lazily: files one at a time, NDJSON line by line (never more than one line and one read chunk in
memory), folders walked in sorted order (hidden entries skipped, and a FHIR package's own metadata: see
``walk_inputs``). The format of each input is decided once, by
``dastandard.fhir.detect.detect_shape`` (the detector conversion uses too) for FHIR and logical records, and by the
conversion registry's ``sniff`` for anything that is not FHIR (a CIN census return, a police or MARAC export), unless
the caller names it.

An agency file is converted in memory by the same reader ``dastandard convert`` uses, one case Bundle per record;
each Bundle is checked as a record of the file (``Unit.fmt`` ``"bundle"``), located at the source line of its
record (the reader names the record in the Bundle's Provenance: an XPath, CSV rows or a JSON path; see
``source_line``). What the reader could not read becomes a DA0050 finding at its source location, so nothing in the
file goes unreported.

Problems reading an input (unreadable, empty, undetectable, over a size limit) become syntax findings with a
location; nothing raises.
"""

from __future__ import annotations

import bisect
import csv
import dataclasses
import io
import os
import re
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import orjson

from dastandard.config import Settings
from dastandard.fhir.detect import HEAD_BYTES, detect_shape
from dastandard.fhir.ndjson import bounded_lines
from dastandard.findings import Finding
from dastandard.limits import Limits
from dastandard.validation.units import Emitter, Unit

if TYPE_CHECKING:
    from dastandard.conversion_report import ConversionReport, Loss

STDIN = "-"
STDIN_LABEL = "<stdin>"
# What validation calls each container shape of dastandard.fhir.detect ("json" is FHIR JSON or a logical record,
# told apart once parsed).
_FORMAT_OF_SHAPE: dict[str | None, str] = {"json": "json", "ndjson": "ndjson", "xml": "fhir-xml"}
# Formats validation reads itself; every other readable format of the conversion registry is an agency format.
OWN_FORMATS = ("fhir-json", "fhir-xml", "ndjson", "logical")
SOURCE_INVALID_RULE = "DA0050"


def agency_formats() -> list[str]:
    """Names of the readable formats of the conversion registry that validation reads through their reader."""
    from dastandard.convert.registry import all_formats

    return [f.name for f in all_formats() if f.can_read and f.name not in OWN_FORMATS]


def known_format(name: str) -> bool:
    """True for a format ``--format`` may name: one validation reads itself, or a readable agency format."""
    return name in OWN_FORMATS or name in agency_formats()


def _maybe_agency(shape: str | None, head: bytes) -> bool:
    """True when the content is not plainly FHIR or a logical record, so the agency formats' sniffers are asked.
    (Checked first so that FHIR inputs never load the conversion formats.)"""
    if shape is None:
        return True
    if shape == "xml":
        from dastandard.fhir.xml import FHIR_NS

        return FHIR_NS.encode() not in head
    if shape == "json":
        return b'"resourceType"' not in head and b'"recordType"' not in head
    return False


def _agency_candidates(head: bytes) -> list[str]:
    """Agency formats whose sniffer claims the content (a name alone, such as ``.csv``, is not enough: a CSV file
    that is no known export is reported as undetected, with the formats ``--format`` can name)."""
    from dastandard.convert.registry import detect_candidates

    own = set(OWN_FORMATS)
    return [name for name in detect_candidates(head, None) if name not in own]


def iter_units(
    inputs: Sequence[str | Path], settings: Settings, input_format: str | None, files: list[str] | None = None
) -> Iterator[Unit | list[Finding]]:
    """Yield each record to check, or a list of input-level findings, in input order.

    The label of every file opened is appended to ``files`` when it is given.
    """
    seen = files if files is not None else []
    for item in inputs:
        if str(item) == STDIN:
            seen.append(STDIN_LABEL)
            yield from _read_stream(STDIN_LABEL, sys.stdin.buffer, settings, input_format, size=None)
            continue
        path = Path(item)
        if path.is_dir():
            for file in walk_inputs(path):
                seen.append(str(file))
                yield from _read_file(file, settings, input_format)
        else:
            seen.append(str(path))
            yield from _read_file(path, settings, input_format)


PACKAGE_MANIFEST = "package.json"
"""The manifest of a FHIR NPM package (and of the standard's own ``profiles/`` folder)."""
PACKAGE_OTHER = "other"
"""The folder in which a FHIR package keeps files that are not FHIR resources."""


def walk_inputs(root: Path, *, in_package: bool = False) -> Iterator[Path]:
    """Every file below ``root`` in sorted order, hidden entries and symlinked folders skipped.

    A folder holding a ``package.json`` is laid out as a FHIR package: that manifest, and any ``other/`` folder in
    it or below it, are the package's own metadata, not resources, and are left out (``.index.json`` is hidden
    anyway). A file named on the command line is always read, whatever its name.
    """
    try:
        entries = sorted(os.scandir(root), key=lambda e: e.name)
    except OSError:
        return
    in_package = in_package or any(e.name == PACKAGE_MANIFEST and e.is_file() for e in entries)
    for entry in entries:
        if entry.name.startswith("."):
            continue
        if entry.is_dir(follow_symlinks=False):
            if not (in_package and entry.name == PACKAGE_OTHER):
                yield from walk_inputs(Path(entry.path), in_package=in_package)
        elif entry.is_file() and not (in_package and entry.name == PACKAGE_MANIFEST):
            yield Path(entry.path)


def _read_file(path: Path, settings: Settings, input_format: str | None) -> Iterator[Unit | list[Finding]]:
    label = str(path)
    try:
        size = path.stat().st_size
        handle = path.open("rb")
    except OSError as exc:
        emitter = Emitter(settings, None, label, None)
        emitter.add("DA0001", f"cannot open input: {exc.strerror or exc}")
        yield emitter.findings
        return
    with handle:
        yield from _read_stream(label, handle, settings, input_format, size=size, path=path)


def _read_stream(
    label: str,
    handle: IO[bytes],
    settings: Settings,
    input_format: str | None,
    size: int | None,
    path: Path | None = None,
) -> Iterator[Unit | list[Finding]]:
    emitter = Emitter(settings, None, label, None)
    limits = Limits.from_params(settings.param)
    max_file, max_record = limits.max_file_bytes, limits.max_record_bytes
    try:
        head = handle.read(HEAD_BYTES)
    except OSError as exc:
        emitter.add("DA0001", f"cannot read input: {exc.strerror or exc}")
        yield emitter.findings
        return
    if not head.strip():
        emitter.add("DA0002", "the input is empty", line=1, column=1)
        yield emitter.findings
        return
    fmt = input_format
    if fmt is None:
        shape = detect_shape(head, path)
        fmt = _FORMAT_OF_SHAPE.get(shape)
        if _maybe_agency(shape, head):
            candidates = _agency_candidates(head)
            if len(candidates) == 1:
                fmt = candidates[0]
            elif len(candidates) > 1:
                emitter.add(
                    "DA0006",
                    f"the input could be any of {', '.join(candidates)}; name one with --format",
                    line=1,
                    column=1,
                )
                yield emitter.findings
                return
    if fmt is None:
        emitter.add(
            "DA0006",
            "the input format could not be detected (expected FHIR JSON, FHIR XML, NDJSON, a logical record or an "
            f"agency format: {', '.join(agency_formats())}; name it with --format)",
            line=1,
            column=1,
        )
        yield emitter.findings
        return
    if fmt == "ndjson":
        yield from _ndjson_units(label, head, handle, settings, max_record)
        return
    if size is not None and size > max_file:
        emitter.add("DA0005", f"the input is {size} bytes, over the limit of {max_file} bytes", line=1, column=1)
        yield emitter.findings
        return
    try:
        rest = handle.read(max_file + 1 - len(head)) if len(head) <= max_file else b""
    except OSError as exc:
        emitter.add("DA0001", f"cannot read input: {exc.strerror or exc}")
        yield emitter.findings
        return
    data = head + rest
    if len(data) > max_file:
        emitter.add("DA0005", f"the input is over the limit of {max_file} bytes", line=1, column=1)
        yield emitter.findings
        return
    if fmt not in OWN_FORMATS and fmt != "json":
        yield from _agency_units(label, data, fmt, settings)
        return
    yield Unit(label, None, 1, data, "json" if fmt in ("fhir-json", "json") else fmt)


def _ndjson_units(
    label: str, head: bytes, handle: IO[bytes], settings: Settings, max_record: int
) -> Iterator[Unit | list[Finding]]:
    for line_no, line in enumerate(bounded_lines(head, handle, max_record), start=1):
        if line is None:
            emitter = Emitter(settings, None, label, line_no)
            emitter.add("DA0005", f"NDJSON line is over the limit of {max_record} bytes", line=line_no, column=1)
            yield emitter.findings
        elif line.strip():
            yield Unit(label, line_no, line_no, line.rstrip(b"\r"), "ndjson-line")


# ------------------------------------------------------------------------------------------------- agency files


def _agency_units(label: str, data: bytes, fmt_name: str, settings: Settings) -> Iterator[Unit | list[Finding]]:
    """Convert an agency file in memory with its format's reader: one ``bundle`` unit per case Bundle, located at
    its record's source line, and a DA0050 finding for each part the reader could not read."""
    from dastandard.conversion_report import ConversionReport, Loss
    from dastandard.convert.registry import get_format

    fmt = get_format(fmt_name)
    report = ConversionReport(source=Path(label).name, source_format=fmt.name, target_format="validation")
    lines = SourceLines(data)
    problems = _ReaderProblems(label, fmt.name, settings, report, lines, Loss.INVALID_INPUT)
    number = 0
    try:
        for bundle in fmt.read(io.BytesIO(data), Path(label).name, report):
            number += 1
            found = problems.new()
            if found:
                yield found
            where = source_record(bundle)
            yield Unit(label, number, lines.line(where) or 1, orjson.dumps(bundle), "bundle")
    except Exception as exc:  # a defect in a reader must not end the run
        emitter = Emitter(settings, None, label, None)
        emitter.add("DA0900", f"internal error reading this {fmt.name} file: {type(exc).__name__}: {exc}")
        yield emitter.findings
    found = problems.new()
    if found:
        yield found
    if number == 0 and not found:
        emitter = Emitter(settings, None, label, None)
        emitter.add(SOURCE_INVALID_RULE, f"{fmt.name}: the file holds no record to check", line=1, column=1)
        yield emitter.findings


class _ReaderProblems:
    """The DA0050 findings for what an agency reader could not read, as its conversion report gains entries.

    A class, not a function nested in ``_agency_units``: compiled (hatch_build.py), a generator and a function
    nested in it hold each other, and the file's bytes would wait for the cycle collector after the file is done.
    """

    __slots__ = ("fmt_name", "invalid", "label", "lines", "report", "reported", "settings")

    def __init__(
        self,
        label: str,
        fmt_name: str,
        settings: Settings,
        report: ConversionReport,
        lines: SourceLines,
        invalid: Loss,
    ) -> None:
        self.label, self.fmt_name, self.settings = label, fmt_name, settings
        self.report, self.lines = report, lines
        self.invalid = invalid  # the report's kind for input its reader could not read
        self.reported = 0

    def new(self) -> list[Finding]:
        """The findings for the report's entries since the last call (invalid input only)."""
        emitter = Emitter(self.settings, None, self.label, None)
        entries = self.report.entries
        for entry in entries[self.reported :]:
            if entry.kind is self.invalid:
                where = entry.location or entry.source_field
                what = entry.source_field if entry.source_field and entry.source_field not in where else ""
                message = entry.message or "not readable"
                subject, said = _subject_of(message)
                before = len(emitter.findings)
                emitter.add(
                    SOURCE_INVALID_RULE,
                    f"{self.fmt_name}: {said}" + (f" ({what})" if what else ""),
                    line=self.lines.line(where),
                )
                if len(emitter.findings) > before:  # the rule may be switched off
                    emitter.findings[-1] = dataclasses.replace(emitter.findings[-1], subject=subject, source=where)
        self.reported = len(entries)
        return emitter.findings


# The readers begin an entry about one person or record with how the source names them ("LAchildID EX0001: ...").
_SUBJECT_PREFIX = re.compile(r"^((?:LAchildID|UPN|Police person id|Incident|MARAC reference|Referral) [^:]{1,200}): ")


def _subject_of(message: str) -> tuple[str, str]:
    """The subject a reader's message begins with, and the message without it (``("", message)`` if none)."""
    match = _SUBJECT_PREFIX.match(message)
    if match is None:
        return "", message
    return match.group(1), message[match.end() :]


def source_record(bundle: Any) -> str:
    """Where in its source file a converted Bundle's record is (an XPath, ``row N``, ``rows N-M``, ``$[N]``), as
    its reader wrote it in the Provenance (``entity.what.identifier`` of the source-record system); "" if none."""
    if not isinstance(bundle, dict):
        return ""
    system = _source_record_system()
    for entry in reversed(bundle.get("entry") or ()):  # the Provenance is written last
        resource = entry.get("resource") if isinstance(entry, dict) else None
        if not isinstance(resource, dict) or resource.get("resourceType") != "Provenance":
            continue
        for entity in resource.get("entity") or ():
            what = entity.get("what") if isinstance(entity, dict) else None
            ident = what.get("identifier") if isinstance(what, dict) else None
            if isinstance(ident, dict) and ident.get("system") == system and isinstance(ident.get("value"), str):
                return str(ident["value"])
    return ""


_SOURCE_RECORD_SYSTEM: list[str] = []


def _source_record_system() -> str:
    if not _SOURCE_RECORD_SYSTEM:
        from dastandard.model.ids import identifier_system

        _SOURCE_RECORD_SYSTEM.append(identifier_system("source-record"))
    return _SOURCE_RECORD_SYSTEM[0]


_ROW = re.compile(r"rows? (\d+)")
_CHILD_XPATH = re.compile(r"^/Message/Children/Child(?:\[(\d+)\])?")
_JSON_ITEM = re.compile(r"^\$\[(\d+)\]")


class SourceLines:
    """The 1-based line in an agency file of a source locator (``row N``, ``rows N-M``, a census XPath under
    ``/Message/Children/Child[k]``, ``$[k]``). Each kind of index is built on first use, in one pass over the file."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self._newlines: list[int] | None = None
        self._rows: list[int] | None = None
        self._children: list[int] | None = None
        self._items: dict[tuple[str | int, ...], int] | None = None
        self._text = ""

    def line(self, locator: str) -> int | None:
        """The line of ``locator``, or None when it names no row, child or item of the file."""
        if not locator:
            return None
        if locator == "header":
            return 1
        row = _ROW.match(locator)
        if row:
            rows = self._row_lines()
            number = int(row.group(1))
            return rows[number - 1] if 0 < number <= len(rows) else None
        child = _CHILD_XPATH.match(locator)
        if child:
            offsets = self._child_offsets()
            k = int(child.group(1) or 1)
            return self._line_at(offsets[k - 1]) if 0 < k <= len(offsets) else None
        item = _JSON_ITEM.match(locator)
        if item or locator == "$":
            return self._json_line(int(item.group(1)) if item else None)
        return None

    def _line_at(self, offset: int) -> int:
        if self._newlines is None:
            self._newlines = [m.start() for m in re.finditer(b"\n", self.data)]
        return bisect.bisect_left(self._newlines, offset) + 1

    def _row_lines(self) -> list[int]:
        """The first line of every CSV record (a quoted cell may span lines)."""
        if self._rows is None:
            # decoded a chunk at a time: a whole-file str (and a StringIO's copy of it) would cost several times
            # the file's size
            stream = io.TextIOWrapper(io.BytesIO(self.data), encoding="utf-8", errors="replace", newline="")
            reader = csv.reader(stream, strict=False)
            starts: list[int] = []
            line = 1
            try:
                for _ in reader:
                    starts.append(line)
                    line = reader.line_num + 1
            except csv.Error:
                pass
            self._rows = starts
        return self._rows

    def _child_offsets(self) -> list[int]:
        if self._children is None:
            self._children = [m.start() for m in re.finditer(rb"<(?:[\w.-]+:)?Child[\s/>]", self.data)]
        return self._children

    def _json_line(self, index: int | None) -> int | None:
        from dastandard.fhir.positions import index_positions, line_col

        if self._items is None:
            self._text = self.data.decode("utf-8", errors="replace")
            self._items = index_positions(self._text)
        offset = self._items.get(() if index is None else (index,))
        return None if offset is None else line_col(self._text, offset)[0]
