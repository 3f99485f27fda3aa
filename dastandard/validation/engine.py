"""The validation engine: inputs -> records -> layered checks -> ordered findings.

Inputs are read lazily: files one at a time, NDJSON line by line, folders walked in sorted order (hidden entries
skipped). Problems reading or parsing an input become syntax findings (DA0xxx) with a location; nothing raises.
Each parsed record (a Bundle or a single resource) goes through the structure layer, the profile layer and the
practice rules; an exception inside a pluggable check becomes one DA0900 finding. With ``jobs > 1`` records are
checked in a process pool in chunks; results are yielded in input order, identical to ``jobs=1``.
"""

from __future__ import annotations

import codecs
import contextlib
import os
import sys
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, replace
from importlib import import_module
from pathlib import Path
from typing import IO, Any

import orjson

from dastandard._parallel import collector_eased, ease_collector
from dastandard.catalog import catalog
from dastandard.config import Settings
from dastandard.findings import Finding, Layer, Severity
from dastandard.validation._record_index import shared_index
from dastandard.validation.positions import index_positions, line_col, parse_path, position_in
from dastandard.validation.structure import Issue, ResourceFacts, resource_label, structure_checker

FORMATS = ("fhir-json", "fhir-xml", "ndjson", "logical")
LOGICAL_RECORD_TYPE = "dastandard-logical-record"
STDIN = "-"
STDIN_LABEL = "<stdin>"
_HEAD = 65536
# Records go to the workers in batches of at most this many units or bytes: small enough that the workers finish
# together (a 200-record file makes about a dozen batches), large enough that each costs one round trip.
_BATCH_UNITS = 64
_BATCH_BYTES = 1024 * 1024
_LAYER_OF = {"0": Layer.SYNTAX, "1": Layer.STRUCTURE, "2": Layer.PROFILE, "3": Layer.PRACTICE, "4": Layer.RETURN}


@dataclass(frozen=True, slots=True)
class Unit:
    """One record to check: the raw bytes of a file (or of one NDJSON line) and how to read them."""

    file: str
    record: int | None
    line: int  # 1-based line of the record's first byte within the file
    data: bytes
    fmt: str  # fhir-json, fhir-xml, ndjson-line, json (fhir-json or logical, decided after parsing), logical


@dataclass(frozen=True, slots=True)
class UnitResult:
    findings: tuple[Finding, ...]
    summary: Any  # a returns.RecordSummary, or None
    digest: Any = None  # what a ``RecordDigest`` function made of the record, or None


class Emitter:
    """Builds findings for one unit, applying settings and computing positions only for reported findings."""

    def __init__(self, settings: Settings, unit: Unit | None, file: str, record: int | None) -> None:
        self.settings = settings
        self.unit = unit
        self.file = file
        self.record = record
        self.findings: list[Finding] = []
        self._text: str | None = None
        self._index: dict[tuple[Any, ...], int] = {}
        self._xml_lines: dict[tuple[Any, ...], int] | None = None
        self.json_root: tuple[Any, ...] = ()  # JSON segments of the current record inside the text

    def add(
        self,
        rule_id: str,
        message: str,
        *,
        path: str = "",
        segments: tuple[Any, ...] | None = None,
        line: int | None = None,
        column: int | None = None,
        resource: str = "",
    ) -> None:
        settings = self.settings
        if not settings.enabled(rule_id):
            return
        if line is None and segments is not None:
            line, column = self.position(segments)
        finding = Finding(
            rule_id=rule_id,
            severity=settings.severity_of(rule_id),
            layer=_layer(rule_id),
            message=message,
            file=self.file,
            path=path,
            line=line,
            column=column,
            record=self.record,
            resource=resource,
        )
        if not settings.is_suppressed(finding):
            self.findings.append(finding)

    def issues(self, issues: Iterable[Issue]) -> None:
        for rule_id, segments, message, label in issues:
            self.add(rule_id, message, path=format_path(segments), segments=segments[1:], resource=label)

    def external(self, finding: Finding) -> None:
        """Accept a finding produced by a pluggable check; fill in file/record/position when missing."""
        settings = self.settings
        if not settings.enabled(finding.rule_id) or settings.is_suppressed(finding):
            return
        if finding.line is None and finding.path:
            line, column = self.position(parse_path(finding.path))
            finding = replace(finding, line=line, column=column)
        if not finding.file:
            finding = replace(finding, file=self.file)
        if finding.record is None and self.record is not None:
            finding = replace(finding, record=self.record)
        self.findings.append(finding)

    def position(self, segments: tuple[Any, ...]) -> tuple[int | None, int | None]:
        unit = self.unit
        if unit is None:
            return None, None
        if unit.fmt == "fhir-xml":
            return self._xml_position(segments)
        if self._text is None:
            self._text = unit.data.decode("utf-8", errors="replace")
            self._index = index_positions(self._text)
        line, column = line_col(self._text, position_in(self._index, (*self.json_root, *segments)))
        return line + unit.line - 1, column

    def _xml_position(self, segments: tuple[Any, ...]) -> tuple[int | None, int | None]:
        from dastandard.fhirxml import FhirXmlError, parse_fhir_xml

        if self._xml_lines is None:
            self._xml_lines = {}
            with contextlib.suppress(FhirXmlError):
                parse_fhir_xml(self.unit.data if self.unit else b"", lines=self._xml_lines)
        lines = self._xml_lines
        key = tuple(segments)
        while key:
            for candidate, line in lines.items():
                if candidate[1:] == key:
                    return line, None
            key = key[:-1]
        return (1, None) if lines else (None, None)


def _layer(rule_id: str) -> Layer:
    entry = catalog().get(rule_id)
    if entry is not None:
        return entry.layer
    return _LAYER_OF.get(rule_id[2:3], Layer.SYNTAX)


def format_path(segments: Sequence[Any]) -> str:
    """``("Bundle", "entry", 2, "resource")`` -> ``Bundle.entry[2].resource``."""
    out: list[str] = []
    for seg in segments:
        if isinstance(seg, int):
            out.append(f"[{seg}]")
        else:
            out.append(f".{seg}" if out else str(seg))
    return "".join(out)


# ---------------------------------------------------------------- inputs


def _param(settings: Settings, rule_id: str, name: str, default: int) -> int:
    try:
        return int(settings.param(rule_id, name))
    except (KeyError, TypeError, ValueError):
        return default


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


def walk_inputs(root: Path) -> Iterator[Path]:
    """Every file below ``root`` in sorted order, hidden entries and symlinked folders skipped."""
    try:
        entries = sorted(os.scandir(root), key=lambda e: e.name)
    except OSError:
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        if entry.is_dir(follow_symlinks=False):
            yield from walk_inputs(Path(entry.path))
        elif entry.is_file():
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
        fmt = input_format
        if fmt is None and path.suffix.lower() in (".ndjson", ".jsonl"):
            fmt = "ndjson"
        yield from _read_stream(label, handle, settings, fmt, size=size)


def _read_stream(
    label: str, handle: IO[bytes], settings: Settings, input_format: str | None, size: int | None
) -> Iterator[Unit | list[Finding]]:
    emitter = Emitter(settings, None, label, None)
    max_file = _param(settings, "DA0005", "max_file_bytes", 256 * 1024 * 1024)
    max_record = _param(settings, "DA0005", "max_record_bytes", 32 * 1024 * 1024)
    try:
        head = handle.read(_HEAD)
    except OSError as exc:
        emitter.add("DA0001", f"cannot read input: {exc.strerror or exc}")
        yield emitter.findings
        return
    if not head.strip():
        emitter.add("DA0002", "the input is empty", line=1, column=1)
        yield emitter.findings
        return
    fmt = input_format or _detect(head)
    if fmt is None:
        emitter.add(
            "DA0006",
            "the input format could not be detected (expected FHIR JSON, FHIR XML or NDJSON)",
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
    yield Unit(label, None, 1, data, "json" if fmt in ("fhir-json", "json") else fmt)


def _detect(head: bytes) -> str | None:
    text = head
    for bom in (codecs.BOM_UTF8,):
        if text.startswith(bom):
            text = text[len(bom) :]
    if text.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        return "json"  # reported as an encoding problem when parsed
    stripped = text.lstrip()
    if stripped.startswith(b"<"):
        return "fhir-xml"
    if stripped.startswith(b"{"):
        first, sep, rest = stripped.partition(b"\n")
        if sep and rest.strip():
            try:
                parsed = orjson.loads(first)
            except orjson.JSONDecodeError:
                return "json"
            return "ndjson" if isinstance(parsed, dict) else "json"
        return "json"
    if stripped.startswith(b"["):
        return "json"  # reported as not-an-object
    return None


def _lines(head: bytes, handle: IO[bytes], max_record: int) -> Iterator[bytes | None]:
    """Split a stream into lines without holding more than one line (plus a read chunk) in memory.

    An over-long line yields ``None`` and is skipped up to its newline.
    """
    buffer, start, eof = head, 0, False
    while True:
        newline = buffer.find(b"\n", start)
        while newline < 0 and not eof and len(buffer) - start <= max_record:
            chunk = handle.read(_HEAD)
            if not chunk:
                eof = True
                break
            searched = len(buffer) - start
            buffer, start = buffer[start:] + chunk, 0
            newline = buffer.find(b"\n", searched)
        if newline >= 0:
            line = buffer[start:newline]
            start = newline + 1
            yield None if len(line) > max_record else line
        elif len(buffer) - start > max_record:
            yield None
            buffer, start = b"", 0
            while not eof:
                chunk = handle.read(_HEAD)
                if not chunk:
                    eof = True
                    break
                cut = chunk.find(b"\n")
                if cut >= 0:
                    buffer = chunk[cut + 1 :]
                    break
        else:
            if start < len(buffer):
                yield buffer[start:]
            return


def _ndjson_units(
    label: str, head: bytes, handle: IO[bytes], settings: Settings, max_record: int
) -> Iterator[Unit | list[Finding]]:
    for line_no, line in enumerate(_lines(head, handle, max_record), start=1):
        if line is None:
            emitter = Emitter(settings, None, label, line_no)
            emitter.add("DA0005", f"NDJSON line is over the limit of {max_record} bytes", line=line_no, column=1)
            yield emitter.findings
        elif line.strip():
            yield Unit(label, line_no, line_no, line.rstrip(b"\r"), "ndjson-line")


# ---------------------------------------------------------------- checking one unit


def _decode(unit: Unit, emitter: Emitter) -> bytes | None:
    data = unit.data
    if unit.fmt != "ndjson-line" or unit.line == 1:
        if data.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)) or data.startswith(
            (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
        ):
            emitter.add("DA0003", "the input is UTF-16 or UTF-32 encoded; FHIR requires UTF-8", line=1, column=1)
            return None
        if data.startswith(codecs.BOM_UTF8):
            emitter.add(
                "DA0004", "the input starts with a UTF-8 byte order mark; it is ignored", line=unit.line, column=1
            )
            data = data[3:]
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, column = _byte_position(data, exc.start)
        emitter.add(
            "DA0003",
            f"the input is not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start})",
            line=line + unit.line - 1,
            column=column,
        )
        return None
    return data


def _byte_position(data: bytes, offset: int) -> tuple[int, int]:
    line = data.count(b"\n", 0, offset) + 1
    start = data.rfind(b"\n", 0, offset) + 1
    return line, len(data[start:offset].decode("utf-8", errors="replace")) + 1


# A function run on every parsed record beside the checks (in the worker, sharing the record's index); it must be
# a module-level function (it crosses to worker processes by name) and return something small and picklable.
RecordDigest = Callable[[dict[str, Any], str, int | None], Any]


def check_unit(unit: Unit, settings: Settings, want_summary: bool, digest: RecordDigest | None = None) -> UnitResult:
    """Run every layer on one unit. Never raises: a failure inside a check becomes a DA0900 finding."""
    emitter = Emitter(settings, unit, unit.file, unit.record)
    summary = None
    digested: list[Any] = []
    try:
        data = _decode(unit, emitter)
        if data is not None:
            if len(data) != len(unit.data):
                unit = replace(unit, data=data)
                emitter.unit = unit
            record = _parse(unit, emitter)
            if record is not None:
                summary = _check_record(record, unit, emitter, settings, want_summary, digest, digested)
    except Exception as exc:  # a fault in the engine itself must not end the run
        emitter.add("DA0900", f"internal error while checking this input: {type(exc).__name__}: {exc}")
    return UnitResult(tuple(emitter.findings), summary, digested[0] if digested else None)


def _parse(unit: Unit, emitter: Emitter) -> dict[str, Any] | None:
    if unit.fmt == "fhir-xml":
        from dastandard.fhirxml import FhirXmlError, parse_fhir_xml

        try:
            return parse_fhir_xml(unit.data)
        except FhirXmlError as exc:
            rule = "DA0031" if exc.hostile else ("DA0030" if exc.message.startswith("malformed") else "DA0032")
            emitter.add(rule, exc.message, line=exc.line, column=exc.column)
            return None
    try:
        doc = orjson.loads(unit.data)
    except orjson.JSONDecodeError as exc:
        text = unit.data.decode("utf-8", errors="replace")
        line, column = line_col(text, min(exc.pos, len(text)))
        message = exc.msg if hasattr(exc, "msg") else str(exc)
        emitter.add("DA0010", f"malformed JSON: {message}", line=line + unit.line - 1, column=column)
        return None
    if not isinstance(doc, dict):
        emitter.add("DA0011", "the input must be a JSON object (one resource or Bundle)", line=unit.line, column=1)
        return None
    if unit.fmt == "logical" or doc.get("recordType") == LOGICAL_RECORD_TYPE:
        return _logical(doc, unit, emitter)
    return doc


def _logical(doc: dict[str, Any], unit: Unit, emitter: Emitter) -> dict[str, Any] | None:
    try:
        logical = import_module("dastandard.logical")
    except ImportError:
        emitter.add(
            "DA0040",
            "logical records cannot be checked: the dastandard.logical module is not available",
            line=unit.line,
            column=1,
        )
        return None
    had_errors = False
    try:
        for json_path, message in logical.validate_logical(doc):
            had_errors = True
            emitter.add("DA0041", message, path=str(json_path), segments=parse_path(str(json_path)))
        if had_errors:
            return None
        bundle = logical.logical_to_bundle(doc)
    except Exception as exc:
        emitter.add("DA0900", f"internal error in the logical record check: {type(exc).__name__}: {exc}")
        return None
    emitter.unit = None  # positions in the converted Bundle do not map back to the logical record's text
    return bundle if isinstance(bundle, dict) else None


def _check_record(
    record: dict[str, Any],
    unit: Unit,
    emitter: Emitter,
    settings: Settings,
    want_summary: bool,
    digest: RecordDigest | None = None,
    digested: list[Any] | None = None,
) -> Any:
    issues: list[Issue] = []
    root = (record.get("resourceType") if isinstance(record.get("resourceType"), str) else "Resource",)
    facts: dict[int, ResourceFacts] = {}
    structure_checker().check(record, root, issues, facts)
    emitter.issues(issues)
    if not any(i[0] == "DA1001" and len(i[1]) == 1 for i in issues):
        issues = []
        from dastandard.validation.profile import profile_checker

        profile_checker().check(record, root, issues, settings, facts)
        emitter.issues(issues)
    with shared_index():  # the practice rules and the return summary index the record once between them
        summary = _practice_and_summary(record, unit, emitter, settings, want_summary)
        if digest is not None and digested is not None:
            try:
                digested.append(digest(record, unit.file, unit.record))
            except Exception as exc:
                emitter.add("DA0900", f"internal error digesting this record: {type(exc).__name__}: {exc}")
        return summary


def _practice_and_summary(
    record: dict[str, Any], unit: Unit, emitter: Emitter, settings: Settings, want_summary: bool
) -> Any:
    _run_practice(record, unit, emitter, settings)
    if not want_summary:
        return None
    returns = _plugin("returns")
    if returns is None:
        return None
    try:
        return returns.summarize(record, file=unit.file, record_no=unit.record)
    except Exception as exc:
        emitter.add(
            "DA0900",
            f"internal error in the return summary: {type(exc).__name__}: {exc}",
            resource=resource_label(record),
        )
        return None


def _plugin(name: str) -> Any:
    try:
        return import_module(f"dastandard.validation.{name}")
    except ImportError:
        return None


def _run_practice(record: dict[str, Any], unit: Unit, emitter: Emitter, settings: Settings) -> None:
    practice = _plugin("practice")
    if practice is None:
        return
    try:
        for finding in practice.check_record(record, settings=settings, file=unit.file, record_no=unit.record):
            emitter.external(finding)
    except Exception as exc:
        emitter.add(
            "DA0900",
            f"internal error in a practice check: {type(exc).__name__}: {exc}",
            resource=resource_label(record),
        )


# What crosses between processes: units as plain tuples of their fields (the raw record bytes, never parsed
# values), and findings as plain tuples (enums by value), rebuilt on the other side.
_PackedUnit = tuple[str, int | None, int, bytes, str]
_PackedFinding = tuple[Any, ...]
_PackedResult = tuple[tuple[_PackedFinding, ...], Any, Any]


def _pack_finding(f: Finding) -> _PackedFinding:
    return (
        f.rule_id,
        f.severity.value,
        f.layer.value,
        f.message,
        f.file,
        f.path,
        f.line,
        f.column,
        f.record,
        f.resource,
        f.details,
    )


def _unpack_finding(t: _PackedFinding) -> Finding:
    rule_id, severity, layer, message, file, path, line, column, record, resource, details = t
    return Finding(
        rule_id, Severity(severity), Layer(layer), message, file, path, line, column, record, resource, details
    )


def _warm_up() -> None:
    """Load the plans and compile the profiles before the first record (worker initializer, and serial runs)."""
    with contextlib.suppress(Exception):
        from dastandard.validation.profile import profile_checker

        structure_checker()
        profile_checker()
        _plugin("practice")
        _plugin("returns")


def _worker_start() -> None:
    """Worker initializer: warm up, then keep the collector off the compiled plans for the worker's life."""
    _warm_up()
    ease_collector()


def _check_batch(
    batch: list[_PackedUnit], settings: Settings, want_summary: bool, digest: RecordDigest | None = None
) -> list[_PackedResult]:
    out: list[_PackedResult] = []
    for fields in batch:
        result = check_unit(Unit(*fields), settings, want_summary, digest)
        out.append((tuple(_pack_finding(f) for f in result.findings), result.summary, result.digest))
    return out


def _unpack_batch(packed: list[_PackedResult]) -> list[UnitResult]:
    return [
        UnitResult(tuple(_unpack_finding(t) for t in findings), summary, digested)
        for findings, summary, digested in packed
    ]


# ---------------------------------------------------------------- the run


def run(
    inputs: Sequence[str | Path],
    settings: Settings,
    input_format: str | None,
    jobs: int,
    files: list[str] | None = None,
    digest: RecordDigest | None = None,
    on_digest: Callable[[Any], None] | None = None,
) -> Iterator[Finding]:
    """Every finding for ``inputs``, in input order, then the return-level findings.

    With ``digest``, every parsed record is also given to ``digest(record, file, record_no)`` beside the checks,
    and ``on_digest`` receives each result in the main process, in input order, just before that record's
    findings are yielded.
    """
    if input_format is not None and input_format not in FORMATS:
        emitter = Emitter(settings, None, "", None)
        emitter.add("DA0006", f"unknown input format {input_format!r}; expected one of {', '.join(FORMATS)}")
        yield from emitter.findings
        return
    returns = _plugin("returns")
    checks = None
    if returns is not None:
        try:
            checks = returns.ReturnChecks(settings)
        except Exception as exc:
            emitter = Emitter(settings, None, "", None)
            emitter.add("DA0900", f"internal error starting the return checks: {type(exc).__name__}: {exc}")
            yield from emitter.findings
    want_summary = checks is not None
    items = iter_units(inputs, settings, input_format, files)
    if jobs <= 1:
        _warm_up()
    with collector_eased():
        yield from _results(items, settings, want_summary, jobs, checks, digest, on_digest)


def _results(
    items: Iterator[Unit | list[Finding]],
    settings: Settings,
    want_summary: bool,
    jobs: int,
    checks: Any,
    digest: RecordDigest | None = None,
    on_digest: Callable[[Any], None] | None = None,
) -> Iterator[Finding]:
    if jobs <= 1:
        results = _serial(items, settings, want_summary, digest)
    else:
        results = _parallel(items, settings, want_summary, jobs, digest)
    for result in results:
        if on_digest is not None and result.digest is not None:
            on_digest(result.digest)
        yield from result.findings
        if checks is not None and result.summary is not None:
            try:
                checks.add(result.summary)
            except Exception as exc:
                emitter = Emitter(settings, None, "", None)
                emitter.add("DA0900", f"internal error in the return checks: {type(exc).__name__}: {exc}")
                yield from emitter.findings
    if checks is not None:
        emitter = Emitter(settings, None, "", None)
        try:
            for finding in checks.finish():
                emitter.external(finding)
        except Exception as exc:
            emitter.add("DA0900", f"internal error in the return checks: {type(exc).__name__}: {exc}")
        yield from emitter.findings


def _serial(
    items: Iterator[Unit | list[Finding]], settings: Settings, want_summary: bool, digest: RecordDigest | None = None
) -> Iterator[UnitResult]:
    for item in items:
        if isinstance(item, Unit):
            yield check_unit(item, settings, want_summary, digest)
        else:
            yield UnitResult(tuple(item), None)


def _parallel(
    items: Iterator[Unit | list[Finding]],
    settings: Settings,
    want_summary: bool,
    jobs: int,
    digest: RecordDigest | None = None,
) -> Iterator[UnitResult]:
    pending: deque[Future[list[_PackedResult]] | list[UnitResult]] = deque()
    limit = jobs * 3
    with ProcessPoolExecutor(max_workers=jobs, initializer=_worker_start) as pool:
        batch: list[_PackedUnit] = []
        size = 0

        def flush() -> None:
            nonlocal batch, size
            if batch:
                pending.append(pool.submit(_check_batch, batch, settings, want_summary, digest))
                batch, size = [], 0

        for item in items:
            if isinstance(item, Unit):
                batch.append((item.file, item.record, item.line, item.data, item.fmt))
                size += len(item.data)
                if len(batch) >= _BATCH_UNITS or size >= _BATCH_BYTES:
                    flush()
            else:
                flush()
                pending.append([UnitResult(tuple(item), None)])
            while len(pending) > limit:
                yield from _resolve(pending.popleft())
            while pending and _ready(pending[0]):  # stream what is done, in order, without waiting for more
                yield from _resolve(pending.popleft())
        flush()
        while pending:
            yield from _resolve(pending.popleft())


def _ready(entry: Future[list[_PackedResult]] | list[UnitResult]) -> bool:
    return isinstance(entry, list) or entry.done()


def _resolve(entry: Future[list[_PackedResult]] | list[UnitResult]) -> list[UnitResult]:
    return entry if isinstance(entry, list) else _unpack_batch(entry.result())


def severity_rank(severity: Severity) -> int:
    return severity.rank
