"""The validation engine: records -> layered checks -> ordered findings.

Inputs are read by ``dastandard.validation.inputs`` into records (``Unit``). Each record is decoded and parsed
(problems are syntax findings, DA0xxx), then goes through the structure layer, the profile layer, the practice
rules and any rule layer of another package (``dastandard.rule_layers`` entry points); an exception inside a
check becomes one DA0900 finding. With ``jobs > 1`` records are checked in a process pool in chunks; results are
yielded in input order, identical to ``jobs=1``.
"""

from __future__ import annotations

import codecs
import contextlib
import os
import sys
import unicodedata
import warnings
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from concurrent.futures import Future

import orjson

from dastandard._parallel import collector_eased, ease_collector
from dastandard.config import Settings
from dastandard.fhir.invariants import save_parsed
from dastandard.fhir.jsonkeys import duplicate_keys
from dastandard.fhir.positions import line_col, parse_path
from dastandard.findings import Finding, Layer, Severity
from dastandard.textsafety import find_bidi_bytes
from dastandard.validation._record_index import shared_index
from dastandard.validation.inputs import OWN_FORMATS, iter_units, known_format
from dastandard.validation.structure import Issue, ResourceFacts, resource_label, structure_checker
from dastandard.validation.units import Emitter, Unit

FORMATS = OWN_FORMATS  # and any readable agency format of the conversion registry (``inputs.known_format``)
RULE_LAYER_GROUP = "dastandard.rule_layers"
LOGICAL_RECORD_TYPE = "dastandard-logical-record"
# Records go to the workers in batches of at most this many units or bytes: small enough that the workers finish
# together (a 200-record file makes about a dozen batches), large enough that each costs one round trip.
_BATCH_UNITS = 64
_BATCH_BYTES = 1024 * 1024


@dataclass(frozen=True, slots=True)
class UnitResult:
    findings: tuple[Finding, ...]
    summary: Any  # a returns.RecordSummary, or None
    digest: Any = None  # what a ``RecordDigest`` function made of the record, or None


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


_MAX_BIDI_FINDINGS = 20  # per input; the rest are counted in the last message


def _bidi_controls(unit: Unit, data: bytes, emitter: Emitter) -> None:
    """DA0013 for each bidirectional control character in the text (raw, JSON-escaped or an XML reference)."""
    found = find_bidi_bytes(data)
    for offset, char in found[:_MAX_BIDI_FINDINGS]:
        line, column = _byte_position(data, offset)
        name = unicodedata.name(char, "control")
        more = len(found) - _MAX_BIDI_FINDINGS
        tail = f" ({more} more in this input)" if more > 0 and (offset, char) == found[_MAX_BIDI_FINDINGS - 1] else ""
        emitter.add(
            "DA0013",
            f"U+{ord(char):04X} {name} in the text can make it display as something else{tail}",
            line=line + unit.line - 1,
            column=column,
        )


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
            _bidi_controls(unit, data, emitter)
            record = _parse(unit, emitter)
            if record is not None:
                summary = _check_record(record, unit, emitter, settings, want_summary, digest, digested)
    except Exception as exc:  # a fault in the engine itself must not end the run
        emitter.add("DA0900", f"internal error while checking this input: {type(exc).__name__}: {exc}")
    return UnitResult(tuple(emitter.findings), summary, digested[0] if digested else None)


def _parse(unit: Unit, emitter: Emitter) -> dict[str, Any] | None:
    if unit.fmt == "fhir-xml":
        from dastandard.fhir.xml import FhirXmlError, parse_fhir_xml

        lines: dict[tuple[Any, ...], int] = {}
        try:
            record = parse_fhir_xml(unit.data, lines=lines)
        except FhirXmlError as exc:
            rule = "DA0031" if exc.hostile else ("DA0030" if exc.message.startswith("malformed") else "DA0032")
            emitter.add(rule, exc.message, line=exc.line, column=exc.column)
            return None
        emitter.xml_lines = lines
        return record
    try:
        doc = orjson.loads(unit.data)
    except orjson.JSONDecodeError as exc:
        text = unit.data.decode("utf-8", errors="replace")
        line, column = line_col(text, min(exc.pos, len(text)))
        message = exc.msg if hasattr(exc, "msg") else str(exc)
        emitter.add("DA0010", f"malformed JSON: {message}", line=line + unit.line - 1, column=column)
        return None
    try:
        written_back: bytes | None = orjson.dumps(doc)  # once, for the repeated keys and the positions of findings
    except (TypeError, orjson.JSONEncodeError):
        written_back = None
    for dup in duplicate_keys(unit.data, doc, written_back):
        emitter.add(
            "DA0012",
            f"the key {dup.key!r} is repeated in one object; the last value is the one checked",
            line=dup.line + unit.line - 1,
            column=dup.column,
        )
    if not isinstance(doc, dict):
        emitter.add("DA0011", "the input must be a JSON object (one resource or Bundle)", line=unit.line, column=1)
        return None
    emitter.document, emitter.written_back = doc, written_back
    if unit.fmt == "logical" or doc.get("recordType") == LOGICAL_RECORD_TYPE:
        return _logical(doc, unit, emitter)
    return doc


def _logical(doc: dict[str, Any], unit: Unit, emitter: Emitter) -> dict[str, Any] | None:
    from dastandard import logical

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
    invariants = settings.enabled("DA1010") or settings.enabled("DA1011")
    best_practice = settings.enabled("DA1012") and settings.param("DA1012", "report") is True
    structure_checker().check(record, root, issues, facts, invariants, best_practice)
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
    from dastandard.validation import returns

    try:
        return returns.summarize(record, file=unit.file, record_no=unit.record)
    except Exception as exc:
        emitter.add(
            "DA0900",
            f"internal error in the return summary: {type(exc).__name__}: {exc}",
            resource=resource_label(record),
        )
        return None


RecordCheck = Callable[..., Iterable[Finding]]


def entry_points(group: str) -> Any:
    """The installed entry points of ``group`` (``importlib.metadata.entry_points``).

    Loading ``importlib.metadata`` costs more than checking a small file, so it is loaded only when some installed
    distribution may declare the group: a quick look at the ``*.dist-info`` / ``*.egg-info`` folders of each
    folder on ``sys.path`` for the group's name in their ``entry_points.txt``. Anything else on ``sys.path`` (a zip
    file, an egg) is left to ``importlib.metadata``.
    """
    if not _may_declare(group):
        return ()
    from importlib.metadata import entry_points as installed

    return installed(group=group)


def _may_declare(group: str) -> bool:
    name = group.encode()
    for entry in sys.path:
        try:
            with os.scandir(entry or ".") as listing:
                items = [item.path for item in listing]
        except NotADirectoryError:
            return True  # a zip file or an egg: importlib.metadata knows how to read it
        except OSError:
            continue
        for item in items:
            if item.endswith(".egg"):
                return True
            if item.endswith((".dist-info", ".egg-info")):
                try:
                    if name in (Path(item) / "entry_points.txt").read_bytes():
                        return True
                except OSError:
                    continue
    return False


@cache
def plugin_rule_layers() -> tuple[tuple[str, RecordCheck], ...]:
    """Rule layers of other packages, from the ``dastandard.rule_layers`` entry points, by entry-point name.

    Each entry point names a callable ``check(record, *, settings, file, record_no) -> Iterable[Finding]`` (the
    signature of ``dastandard.validation.practice.check_record``); it runs after the practice rules on every record.
    One that cannot be loaded, or is not callable, is a ``RuntimeWarning`` and is left out.
    """
    layers: list[tuple[str, RecordCheck]] = []
    for ep in sorted(entry_points(group=RULE_LAYER_GROUP), key=lambda e: e.name):
        try:
            check = ep.load()
        except Exception as exc:  # plugins must never crash the tool
            warnings.warn(
                f"rule layer plugin {ep.name!r} ({ep.value}) could not be loaded: {exc}", RuntimeWarning, stacklevel=2
            )
            continue
        if not callable(check):
            warnings.warn(f"rule layer plugin {ep.name!r} ({ep.value}) is not callable", RuntimeWarning, stacklevel=2)
            continue
        layers.append((ep.name, check))
    return tuple(layers)


def _run_practice(record: dict[str, Any], unit: Unit, emitter: Emitter, settings: Settings) -> None:
    """The practice rules, then every plugin rule layer; a failure in one is a DA0900 finding, the rest still run."""
    from dastandard.validation import practice

    layers: list[tuple[str, RecordCheck]] = [("practice", practice.check_record), *plugin_rule_layers()]
    for name, check in layers:
        try:
            for finding in check(record, settings=settings, file=unit.file, record_no=unit.record):
                emitter.external(finding)
        except Exception as exc:
            what = "a practice check" if name == "practice" else f"rule layer {name!r}"
            emitter.add(
                "DA0900",
                f"internal error in {what}: {type(exc).__name__}: {exc}",
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
        f.subject,
        f.source,
    )


def _unpack_finding(t: _PackedFinding) -> Finding:
    return Finding(t[0], Severity(t[1]), Layer(t[2]), *t[3:])


def _warm_up() -> None:
    """Load the plans and compile the profiles before the first record (worker initializer, and serial runs)."""
    with contextlib.suppress(Exception):
        from dastandard.validation import practice, returns  # noqa: F401  (loaded now, not at the first record)
        from dastandard.validation.profile import profile_checker

        structure_checker()
        profile_checker()
        plugin_rule_layers()
    save_parsed()


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
    save_parsed()
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
    if input_format is not None and not known_format(input_format):
        emitter = Emitter(settings, None, "", None)
        emitter.add("DA0006", f"unknown input format {input_format!r}; expected a format validation reads (see --help)")
        yield from emitter.findings
        return
    from dastandard.validation import returns

    checks = None
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
        # Passed on one at a time: a large return can have more return-level findings than fit in memory.
        emitter = Emitter(settings, None, "", None)
        try:
            for finding in checks.finish():
                emitter.external(finding)
                if emitter.findings:
                    yield from emitter.findings
                    emitter.findings.clear()
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
    save_parsed()  # what the structure layer compiled for the types it met


def _parallel(
    items: Iterator[Unit | list[Finding]],
    settings: Settings,
    want_summary: bool,
    jobs: int,
    digest: RecordDigest | None = None,
) -> Iterator[UnitResult]:
    pending: deque[Future[list[_PackedResult]] | list[UnitResult]] = deque()
    limit = jobs * 3
    from concurrent.futures import ProcessPoolExecutor  # loaded only for a run in several processes

    with ProcessPoolExecutor(max_workers=jobs, initializer=_worker_start) as pool:
        # No nested function here: compiled (hatch_build.py), it and this generator would hold each other.
        batch: list[_PackedUnit] = []
        size = 0
        for item in items:
            findings: list[Finding] | None = None
            if isinstance(item, Unit):
                batch.append((item.file, item.record, item.line, item.data, item.fmt))
                size += len(item.data)
            else:
                findings = item
            if batch and (findings is not None or len(batch) >= _BATCH_UNITS or size >= _BATCH_BYTES):
                pending.append(pool.submit(_check_batch, batch, settings, want_summary, digest))
                batch, size = [], 0
            if findings is not None:
                pending.append([UnitResult(tuple(findings), None)])
            while len(pending) > limit:
                yield from _resolve(pending.popleft())
            while pending and _ready(pending[0]):  # stream what is done, in order, without waiting for more
                yield from _resolve(pending.popleft())
        if batch:
            pending.append(pool.submit(_check_batch, batch, settings, want_summary, digest))
        while pending:
            yield from _resolve(pending.popleft())


def _ready(entry: Future[list[_PackedResult]] | list[UnitResult]) -> bool:
    return isinstance(entry, list) or entry.done()


def _resolve(entry: Future[list[_PackedResult]] | list[UnitResult]) -> list[UnitResult]:
    return entry if isinstance(entry, list) else _unpack_batch(entry.result())


def severity_rank(severity: Severity) -> int:
    return severity.rank
