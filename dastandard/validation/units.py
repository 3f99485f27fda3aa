"""One record to check (``Unit``) and the ``Emitter`` that makes its findings.

The emitter applies the settings (enabled rules, severities, suppressions) and works out a finding's line and
column only when the finding is reported: for compact JSON (an NDJSON line as ``orjson`` writes it) from the parsed
value, by the encoded lengths of the members before each step (``CompactPositions``, no scan of the text, so a
record with findings costs little more than a clean one); for other JSON by indexing the record's text once
(``dastandard.fhir.positions``); for XML from the element lines the one XML parse recorded (``xml_lines``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal

from dastandard.catalog import catalog
from dastandard.config import Settings
from dastandard.fhir.positions import CompactPositions, index_positions, line_col, parse_path, position_in
from dastandard.findings import Finding, Layer
from dastandard.validation.structure import Issue

_LAYER_OF = {"0": Layer.SYNTAX, "1": Layer.STRUCTURE, "2": Layer.PROFILE, "3": Layer.PRACTICE, "4": Layer.RETURN}


@dataclass(frozen=True, slots=True)
class Unit:
    """One record to check: the raw bytes of a file (or of one NDJSON line) and how to read them."""

    file: str
    record: int | None
    line: int  # 1-based line of the record's first byte within the file
    data: bytes
    fmt: str  # fhir-json, fhir-xml, ndjson-line, json (fhir-json or logical, decided after parsing), logical,
    # bundle (a Bundle converted from an agency file; ``line`` is its record's line in that file)


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
        # Source line of every element of an XML record, keyed by JSON path, recorded by the one parse (``_parse``).
        self.xml_lines: dict[tuple[Any, ...], int] | None = None
        self._xml_index: dict[tuple[Any, ...], int] | None = None
        self.json_root: tuple[Any, ...] = ()  # JSON segments of the current record inside the text
        self._compact: CompactPositions | Literal[False] | None = None
        # The parse of the unit's JSON text and that parse written back by ``orjson.dumps``, when the engine has
        # them (for the positions of findings; neither is made again).
        self.document: Any = None
        self.written_back: bytes | None = None

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
        line, column = finding.line, finding.column
        if line is None and finding.path:
            line, column = self.position(parse_path(finding.path))
        file = finding.file or self.file
        record = self.record if finding.record is None else finding.record
        if (line, column, file, record) != (finding.line, finding.column, finding.file, finding.record):
            finding = replace(finding, line=line, column=column, file=file, record=record)  # one copy for all four
        self.findings.append(finding)

    def position(self, segments: tuple[Any, ...]) -> tuple[int | None, int | None]:
        unit = self.unit
        if unit is None:
            return None, None
        if unit.fmt == "fhir-xml":
            return self._xml_position(segments)
        if unit.fmt == "bundle":  # the converted Bundle's text is not the file's: the record's source line
            return unit.line, None
        if self._compact is None:
            self._compact = CompactPositions.build(unit.data, self.document, self.written_back) or False
        if self._compact:  # compact JSON (an NDJSON line): worked out from the parsed value, no scan of the text
            return unit.line, self._compact.column((*self.json_root, *segments))
        if self._text is None:
            self._text = unit.data.decode("utf-8", errors="replace")
            self._index = index_positions(self._text)
        line, column = line_col(self._text, position_in(self._index, (*self.json_root, *segments)))
        return line + unit.line - 1, column

    def _xml_position(self, segments: tuple[Any, ...]) -> tuple[int | None, int | None]:
        """The line of the deepest element on ``segments`` that the XML parse recorded (no second parse)."""
        if self._xml_index is None:
            index: dict[tuple[Any, ...], int] = {}
            for path, source_line in (self.xml_lines or {}).items():
                index.setdefault(path[1:], source_line)  # keys without the root resource type, first element wins
            self._xml_index = index
        key = tuple(segments)
        while key:
            found = self._xml_index.get(key)
            if found is not None:
                return found, None
            key = key[:-1]
        return (1, None) if self._xml_index else (None, None)


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
