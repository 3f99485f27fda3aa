"""A conformance check any format can run, built-in or plugin: ``check_format`` and ``assert_conformant``.

The checks, each a ``Problem`` with its ``check`` name when it fails:

- ``read``: reading a sample never raises; the report counts the records it read (``records_in``) and the Bundles it
  gave (``records_out`` equals the number of Bundles yielded); at least one Bundle comes out of a good sample.
- ``validates``: every Bundle read passes the standard's conformance layers (syntax, structure, profiles) with no
  error (``dastandard.validation.validate``).
- ``fields``: every field of the sample is named by a report entry (mapped, or reported as a loss). The sample's
  fields are its JSON leaf paths (objects and JSON lines), its CSV header, or its XML leaf element paths, unless the
  caller gives ``input_fields``.
- ``write``: writing the Bundles never raises and writes something.
- ``received`` (formats that only write): every field the writer received (``section.field`` of the logical record
  of each Bundle) is named by an entry of the write report, by ``section.field``, its section, or the section's
  profile or FHIR resource type: mapped, not projected, or a loss.
- ``round-trip`` (formats that read and write): a Bundle written and read back gives the same logical record
  except for fields the write or read report names as lost (any entry other than ``mapped``, naming the field as
  above). A writer that drops a field it received and calls itself lossless fails here. The Provenance items are
  left out of the comparison: reading the written file names that file as the source.

Ids (``id``, ``resourceId``) are compared by nothing: a format may mint its own. See docs/plugins.md.
"""

from __future__ import annotations

import csv
import io
import json
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lxml import etree

from dastandard.convert.base import ConversionReport, Format, Loss
from dastandard.findings import Layer, Severity
from dastandard.logical import SECTION_BY_KEY, bundle_to_logical

__all__ = ["ConformanceResult", "Problem", "assert_conformant", "check_format", "sample_fields"]

_CONFORMANCE_LAYERS = (Layer.SYNTAX, Layer.STRUCTURE, Layer.PROFILE)
_IGNORED_KEYS = frozenset({"id", "resourceId"})
_RECORD_KEYS = frozenset({"recordType", "version", "caseId", "caseIdSystem", "bundleId", "extractedAt"})


@dataclass(frozen=True, slots=True)
class Problem:
    """One failed check: which check, about what (a sample name or a Bundle number), and why."""

    check: str
    subject: str
    message: str

    def __str__(self) -> str:
        return f"[{self.check}] {self.subject}: {self.message}"


@dataclass
class ConformanceResult:
    """The outcome of ``check_format``: every problem found, and the reports of every read and write."""

    format_name: str
    problems: list[Problem] = field(default_factory=list)
    read_reports: list[ConversionReport] = field(default_factory=list)
    write_reports: list[ConversionReport] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        head = f"format {self.format_name!r}: {'conformant' if self.ok else f'{len(self.problems)} problem(s)'}"
        return "\n".join([head, *(f"  {p}" for p in self.problems)])


# ------------------------------------------------------------------------------------------------ sample fields


def _json_leaves(value: Any, prefix: str) -> Iterator[str]:
    if isinstance(value, dict):
        for key, inner in value.items():
            yield from _json_leaves(inner, f"{prefix}.{key}" if prefix else str(key))
    elif isinstance(value, list):
        for inner in value:
            yield from _json_leaves(inner, prefix)
    elif prefix:
        yield prefix


def sample_fields(data: bytes) -> list[str]:
    """The fields of one sample input, as dotted paths without list indexes: JSON (one document or one per line),
    XML leaf elements, or a CSV header. Empty when the shape is none of these."""
    text = data.decode("utf-8-sig", "replace")
    stripped = text.lstrip()
    found: dict[str, None] = {}
    if stripped.startswith(("{", "[")):
        try:
            documents: list[Any] = [json.loads(text)]
        except ValueError:
            documents = [json.loads(line) for line in text.splitlines() if line.strip()]
        for document in documents:
            found.update(dict.fromkeys(_json_leaves(document, "")))
    elif stripped.startswith("<"):
        parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
        root = etree.fromstring(data, parser)
        for element in root.iter():
            if isinstance(element.tag, str) and len(element) == 0:
                path = [etree.QName(a).localname for a in (*reversed(list(element.iterancestors())), element)]
                found[".".join(path[1:])] = None
    else:
        header = next(csv.reader(io.StringIO(text)), [])
        found.update(dict.fromkeys(h.strip() for h in header if h.strip()))
    return list(found)


def _names(path: str, entry_field: str) -> bool:
    """Does a report entry's field name this sample field: the field itself or an enclosing object, given by the
    whole path or by its last steps (``child.dob`` names ``Children.child.dob``)?"""
    if not entry_field:
        return False
    steps, named = path.split("."), entry_field.split(".")
    width = len(named)
    return any(steps[i : i + width] == named for i in range(len(steps) - width + 1))


# ------------------------------------------------------------------------------------------ logical comparisons


def _record_fields(bundle: dict[str, Any]) -> dict[str, list[Any]]:
    """``section.field`` -> the values of that field in each item (ids left out), from the Bundle's record."""
    record = bundle_to_logical(bundle, ConversionReport())
    fields: dict[str, list[Any]] = {}
    for section, items in record.items():
        if section in _RECORD_KEYS or not isinstance(items, list):
            continue
        for item in items:
            if not isinstance(item, dict):
                continue
            for key, value in item.items():
                if key not in _IGNORED_KEYS:
                    fields.setdefault(f"{section}.{key}", []).append(value)
    return fields


def _canonical(values: list[Any]) -> list[str]:
    return sorted(json.dumps(v, sort_keys=True) for v in values)


def _named(report: ConversionReport, name: str, kinds: Callable[[Loss], bool]) -> bool:
    """Does an entry of one of ``kinds`` name ``section.field``: by itself, its section, or the section's profile
    or FHIR resource type (as writers that work on Bundles name what they drop)?"""
    section_key = name.split(".", 1)[0]
    section = SECTION_BY_KEY.get(section_key)
    names = {name, section_key} | ({section.profile, section.resource_type} if section else set())
    return any(kinds(e.kind) and e.source_field in names for e in report.entries)


# ----------------------------------------------------------------------------------------------------- checks


def _validation_errors(bundles: Sequence[dict[str, Any]]) -> list[str]:
    from dastandard.validation import validate

    with tempfile.TemporaryDirectory(prefix="dastandard-conformance-") as folder:
        out = Path(folder) / "bundles.ndjson"
        out.write_text("".join(json.dumps(b, ensure_ascii=False) + "\n" for b in bundles), encoding="utf-8")
        findings = validate([out]).findings
    return [
        f"{f.rule_id} {f.message} [{f.path}]"
        for f in findings
        if f.layer in _CONFORMANCE_LAYERS and f.severity.rank >= Severity.ERROR.rank
    ]


def _read(fmt: Format, data: bytes, name: str, result: ConformanceResult) -> list[dict[str, Any]] | None:
    report = ConversionReport(source=name, source_format=fmt.name)
    result.read_reports.append(report)
    try:
        bundles = list(fmt.read(io.BytesIO(data), name, report))
    except Exception as exc:  # a reader must report bad input, never raise
        result.problems.append(Problem("read", name, f"reading raised {type(exc).__name__}: {exc}"))
        return None
    if report.records_in < 1:
        result.problems.append(Problem("read", name, "the report counts no record read (records_in is 0)"))
    if report.records_out != len(bundles):
        result.problems.append(
            Problem("read", name, f"records_out is {report.records_out} but {len(bundles)} Bundle(s) were yielded")
        )
    return bundles


def _write(
    fmt: Format, bundles: Sequence[dict[str, Any]], subject: str, result: ConformanceResult
) -> tuple[bytes, ConversionReport] | None:
    report = ConversionReport(source=subject, target_format=fmt.name)
    result.write_reports.append(report)
    target = io.BytesIO()
    try:
        fmt.write(iter(bundles), target, report)
    except Exception as exc:
        result.problems.append(Problem("write", subject, f"writing raised {type(exc).__name__}: {exc}"))
        return None
    if not target.getvalue():
        result.problems.append(Problem("write", subject, "the writer wrote nothing"))
    return target.getvalue(), report


def _check_received(bundle: dict[str, Any], report: ConversionReport, subject: str, result: ConformanceResult) -> None:
    for name in _record_fields(bundle):
        if not _named(report, name, lambda kind: True):
            result.problems.append(
                Problem("received", subject, f"{name} was given to the writer and is neither mapped nor reported")
            )


def _check_round_trip(fmt: Format, bundle: dict[str, Any], subject: str, result: ConformanceResult) -> None:
    written = _write(fmt, [bundle], subject, result)
    if written is None:
        return
    data, write_report = written
    back = _read(fmt, data, f"{subject} written", result)
    if back is None:
        return
    if len(back) != 1:
        result.problems.append(Problem("round-trip", subject, f"one Bundle written, {len(back)} read back"))
        return
    before, after = _record_fields(bundle), _record_fields(back[0])
    read_report = result.read_reports[-1]
    for name in sorted(set(before) | set(after)):
        if name.startswith("provenance."):  # names the file read, which is now the written one
            continue
        if _canonical(before.get(name, [])) == _canonical(after.get(name, [])):
            continue
        lost = lambda kind: kind is not Loss.MAPPED  # noqa: E731
        if not (_named(write_report, name, lost) or _named(read_report, name, lost)):
            result.problems.append(
                Problem("round-trip", subject, f"{name} differs after writing and reading back, and no loss names it")
            )


def check_format(
    fmt: Format,
    samples: Iterable[Path],
    *,
    bundles: Iterable[dict[str, Any]] = (),
    input_fields: Callable[[bytes], Iterable[str]] = sample_fields,
    validate_output: bool = True,
) -> ConformanceResult:
    """Run every check that applies to ``fmt``: reading each sample (a readable format), and writing the Bundles
    read plus ``bundles`` (a writable format; round trip when it reads too). Never raises for a faulty format."""
    result = ConformanceResult(fmt.name)
    to_write = list(bundles)
    for path in samples:
        data = path.read_bytes()
        if not fmt.can_read:
            continue
        read = _read(fmt, data, path.name, result)
        if read is None:
            continue
        if not read:
            result.problems.append(Problem("read", path.name, "no Bundle came out of the sample"))
        if validate_output and read:
            for error in _validation_errors(read):
                result.problems.append(Problem("validates", path.name, error))
        entries = result.read_reports[-1].entries
        for name in input_fields(data):
            if not any(_names(name, e.source_field) for e in entries):
                result.problems.append(Problem("fields", path.name, f"input field {name} is not in the report"))
        to_write.extend(read)
    if fmt.can_write:
        for number, bundle in enumerate(to_write, 1):
            subject = f"Bundle {number}"
            written = _write(fmt, [bundle], subject, result)
            if written is not None and not fmt.can_read:
                _check_received(bundle, written[1], subject, result)
            if fmt.can_read:
                _check_round_trip(fmt, bundle, subject, result)
    return result


def assert_conformant(fmt: Format, samples: Iterable[Path], **options: Any) -> ConformanceResult:
    """``check_format`` for a test: raises AssertionError listing every problem."""
    result = check_format(fmt, samples, **options)
    if not result.ok:
        raise AssertionError(result.summary())
    return result
