"""Building blocks shared by the agency formats (police, MARAC, Operation Encompass, chronology).

- CSV input: ``read_csv_rows`` streams rows from bytes, detecting UTF-8 (with or without BOM) and falling back to
  Windows-1252; the encoding used is recorded in the report, never guessed silently.
- CSV output: ``escape_cell`` makes every cell safe from formula injection; ``unescape_cell`` is its exact inverse,
  so a file written by this toolkit reads back to the same values.
- Declarative specifications: ``load_columns`` reads a ``columns.json`` from ``converters/``; ``code_map`` reads a
  ConceptMap shipped in ``profiles/ConceptMap/``.
- FHIR fragments: codings of the standard's CodeSystems, data-absent-reason, meta, security labels.

Nothing here raises on bad input data: parse helpers return ``None`` and callers turn that into a report entry.
Shipped artifacts (specifications, ConceptMaps) are trusted; a malformed one raises ``ValueError``.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from typing import IO, Any
from zoneinfo import ZoneInfo

from dastandard._resources import read_json
from dastandard.convert.base import ConversionReport, Loss, ReportEntry
from dastandard.model.fragments import absent, own_extension
from dastandard.model.ids import profile_url, reference, stable_id
from dastandard.model.urls import (
    NHS_NUMBER_SYSTEM,
    PATIENT_DISABILITY,
    PATIENT_RELIGION,
    V3_ACT_CODE,
    V3_CONFIDENTIALITY,
)
from dastandard.standard import standard
from dastandard.textsafety import neutralise_bidi

# ---------------------------------------------------------------------------------------------------- CSV cells

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def escape_cell(value: str) -> str:
    """Prefix a single quote to a cell a spreadsheet would read as a formula.

    A value that already starts with quotes followed by a trigger also gains one quote, so that
    ``unescape_cell(escape_cell(v)) == v`` for every string ``v``.
    """
    if value.startswith(FORMULA_TRIGGERS) or (value.startswith("'") and value.lstrip("'").startswith(FORMULA_TRIGGERS)):
        return "'" + value
    return value


def unescape_cell(value: str) -> str:
    """Undo ``escape_cell``: drop one leading quote when the rest (after any further quotes) starts with a trigger."""
    if value.startswith("'") and value.lstrip("'").startswith(FORMULA_TRIGGERS):
        return value[1:]
    return value


def write_csv(
    target: IO[bytes], header: Sequence[str], rows: Iterable[Sequence[str]], report: ConversionReport | None = None
) -> int:
    """Write UTF-8 CSV (CRLF line ends, minimal quoting) with every cell escaped; return the number of data rows.

    Every cell is safe from formula injection (``escape_cell``) and shows any bidirectional control character as a
    visible marker (``dastandard.textsafety``); each cell so altered is an ``ALTERED`` entry in ``report``.
    """
    text = io.TextIOWrapper(target, encoding="utf-8", newline="", write_through=True)
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerow([escape_cell(neutralise_bidi(h)) for h in header])
    count = 0
    for row in rows:
        cells = [neutralise_bidi(c) for c in row]
        if report is not None and cells != list(row):
            for column, (before, after) in enumerate(zip(row, cells, strict=True)):
                if before != after:
                    where = f"row {count + 2}, column {header[column] if column < len(header) else column + 1!r}"
                    report.add(ReportEntry(Loss.ALTERED, "(text)", where, "bidirectional control shown as a marker"))
        writer.writerow([escape_cell(c) for c in cells])
        count += 1
    text.flush()
    text.detach()
    return count


# ---------------------------------------------------------------------------------------------------- CSV input


_INVALID_BYTES = re.compile("[\udc80-\udcff]")  # how surrogateescape decoding marks a byte that is not UTF-8


@dataclass
class _Decoder:
    """Decode a byte stream line by line as UTF-8 (a BOM is dropped); a byte that is not UTF-8 is kept as a
    surrogate escape (U+DC80..U+DCFF) for ``read_csv_rows`` to locate and report, never replaced silently."""

    report: ConversionReport
    name: str
    encoding: str = "utf-8"
    invalid_lines: int = 0
    line_no: int = 0

    def lines(self, source: IO[bytes]) -> Iterator[str]:
        for raw in source:
            self.line_no += 1
            if self.line_no == 1 and raw.startswith(b"\xef\xbb\xbf"):
                raw = raw[3:]
                self.encoding = "utf-8-sig"
            try:
                yield raw.decode("utf-8")
            except UnicodeDecodeError:
                self.invalid_lines += 1
                yield raw.decode("utf-8", errors="surrogateescape")


def _not_utf8(cell: str, where: str, field_name: str, report: ConversionReport) -> str:
    """A cell holding bytes that are not UTF-8: reported as invalid input where it is, and read as Windows-1252
    (the usual encoding of such exports) so that the report can say what was assumed."""
    raw = cell.encode("utf-8", errors="surrogateescape")
    first = _INVALID_BYTES.search(cell)
    offset = first.start() + 1 if first else 1
    report.add(
        ReportEntry(
            Loss.INVALID_INPUT,
            field_name,
            where,
            f"not valid UTF-8 (byte 0x{ord(first.group(0)) - 0xDC00 if first else 0:02x} at character {offset}); "
            "read as Windows-1252",
        )
    )
    return raw.decode("cp1252", errors="replace")


def read_csv_rows(source: IO[bytes], name: str, report: ConversionReport) -> Iterator[tuple[int, list[str]]]:
    """Yield ``(row_number, cells)`` for every CSV record; row 1 is the header. Cells are unescaped.

    Text is UTF-8. A cell holding bytes that are not UTF-8 is an INVALID_INPUT entry at its ``row N, column
    "name"`` (so ``--strict`` refuses the file) and is read as Windows-1252; the encoding actually used is recorded
    as a MAPPED report entry (``(encoding)``) when the stream ends. A file that cannot be parsed as CSV at all ends
    the stream with an INVALID_INPUT entry.
    """
    decoder = _Decoder(report, name)
    reader = csv.reader(decoder.lines(source), strict=False)
    row_no = 0
    header: list[str] = []
    try:
        for cells in reader:
            row_no += 1
            if decoder.invalid_lines and any(_INVALID_BYTES.search(c) for c in cells):
                cells = [
                    _not_utf8(c, f"row {row_no}, column {_column_name(header, i)!r}", _column_name(header, i), report)
                    if _INVALID_BYTES.search(c)
                    else c
                    for i, c in enumerate(cells)
                ]
            if row_no == 1:
                header = cells
            yield row_no, [unescape_cell(c) for c in cells]
    except csv.Error as exc:
        report.add(ReportEntry(Loss.INVALID_INPUT, "(csv)", f"row {row_no + 1}", f"not readable as CSV: {exc}"))
    encoding = "cp1252" if decoder.invalid_lines else decoder.encoding
    report.add(ReportEntry(Loss.MAPPED, "(encoding)", name or "(input)", f"decoded as {encoding}", code=encoding))


def _column_name(header: Sequence[str], index: int) -> str:
    return header[index] if index < len(header) else f"#{index + 1}"


# ---------------------------------------------------------------------------------------------------- specifications


@dataclass(frozen=True)
class Column:
    """One column of a declarative CSV specification (``converters/<format>/columns.json``)."""

    name: str
    type: str
    required: bool
    scope: str
    description: str
    target: str
    codes: str = ""  # ConceptMap id for coded columns
    separator: str = ""  # multi-valued cells: the separator between values


@cache
def load_columns(folder: str) -> tuple[Column, ...]:
    """The ordered columns of ``converters/<folder>/columns.json``."""
    spec = read_json("converters", f"{folder}/columns.json")
    columns = []
    for raw in spec["columns"]:
        columns.append(
            Column(
                name=raw["name"],
                type=raw["type"],
                required=bool(raw.get("required", False)),
                scope=raw.get("scope", ""),
                description=raw["description"],
                target=raw["target"],
                codes=raw.get("codes", ""),
                separator=raw.get("separator", ""),
            )
        )
    names = [c.name for c in columns]
    if len(set(names)) != len(names):
        raise ValueError(f"converters/{folder}/columns.json repeats a column name")
    return tuple(columns)


# ---------------------------------------------------------------------------------------------------- code maps

EXACT = frozenset({"equal", "equivalent"})
LOSSY = frozenset({"wider", "subsumes", "narrower", "specializes", "inexact", "relatedto"})


@dataclass(frozen=True)
class Mapped:
    """One target of a source code in a ConceptMap."""

    source: str
    system: str
    code: str
    display: str
    equivalence: str
    depends: tuple[tuple[str, str], ...] = ()

    @property
    def lossy(self) -> bool:
        return self.equivalence not in EXACT

    def coding(self) -> dict[str, str]:
        out = {"system": self.system, "code": self.code}
        if self.display:
            out["display"] = self.display
        return out


@dataclass
class CodeMap:
    """A ConceptMap read for conversion: source code -> targets, and target -> the source code to write back."""

    id: str
    forward: dict[str, list[Mapped]] = field(default_factory=dict)
    reverse: dict[tuple[str, str], Mapped] = field(default_factory=dict)

    def lookup(self, code: str, depends: Mapping[str, str] | None = None) -> Mapped | None:
        """The target of ``code`` (exact match first, then case-insensitive); None if the map has none."""
        targets = self.forward.get(code)
        if targets is None:
            folded = {k.casefold(): v for k, v in self.forward.items()}
            targets = folded.get(code.casefold())
        if not targets:
            return None
        for target in targets:
            if all((depends or {}).get(k, "").casefold() == v.casefold() for k, v in target.depends):
                return target
        return None

    def source_for(self, system: str, code: str) -> Mapped | None:
        """The source code that writes back a target code (an exact mapping is preferred to a lossy one)."""
        return self.reverse.get((system, code))

    @property
    def source_codes(self) -> list[str]:
        return list(self.forward)


@cache
def code_map(map_id: str) -> CodeMap:
    """Load ``{canonical}/ConceptMap/<map_id>`` from the shipped profiles. Raises ValueError if it is missing."""
    artifact = standard().get(standard().url("ConceptMap", map_id))
    if artifact is None:
        raise ValueError(f"ConceptMap {map_id} is not shipped in profiles/")
    result = CodeMap(map_id)
    for group in artifact.resource.get("group", []):
        system = group["target"]
        for element in group.get("element", []):
            source = element["code"]
            for tgt in element.get("target", []):
                if tgt.get("equivalence") in ("unmatched", "disjoint") or "code" not in tgt:
                    continue
                depends = tuple((d["property"], d["value"]) for d in tgt.get("dependsOn", []))
                mapped = Mapped(source, system, tgt["code"], tgt.get("display", ""), tgt["equivalence"], depends)
                result.forward.setdefault(source, []).append(mapped)
                key = (system, tgt["code"])
                current = result.reverse.get(key)
                if current is None or (current.lossy and not mapped.lossy):
                    result.reverse[key] = mapped
    return result


# ---------------------------------------------------------------------------------------------------- values

_LONDON = ZoneInfo("Europe/London")
_DATE_UK = re.compile(r"^(\d{2})/(\d{2})/(\d{4})$")
_DATETIME_LOCAL = re.compile(r"^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2}))?$")
_DATETIME_UK = re.compile(r"^(\d{2})/(\d{2})/(\d{4}) (\d{2}):(\d{2})(?::(\d{2}))?$")


def parse_date(text: str) -> str | None:
    """``YYYY-MM-DD`` or ``DD/MM/YYYY`` to a FHIR date; None if not a real calendar date."""
    text = text.strip()
    try:
        m = _DATE_UK.match(text)
        if m:
            return date(int(m[3]), int(m[2]), int(m[1])).isoformat()
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            return date.fromisoformat(text).isoformat()
    except ValueError:
        return None
    return None


def parse_local_datetime(text: str) -> str | None:
    """A UK local date and time (``YYYY-MM-DDTHH:MM[:SS]`` or ``DD/MM/YYYY HH:MM``) to a FHIR dateTime.

    The offset is Europe/London's at that moment. None for a malformed value or a time that does not exist
    locally (the hour skipped when the clocks go forward).
    """
    text = text.strip()
    m = _DATETIME_LOCAL.match(text)
    parts: tuple[int, ...]
    if m:
        parts = (int(m[1]), int(m[2]), int(m[3]), int(m[4]), int(m[5]), int(m[6] or 0))
    else:
        m = _DATETIME_UK.match(text)
        if not m:
            return None
        parts = (int(m[3]), int(m[2]), int(m[1]), int(m[4]), int(m[5]), int(m[6] or 0))
    try:
        local = datetime(*parts, tzinfo=_LONDON)
    except ValueError:
        return None
    round_trip = local.astimezone(ZoneInfo("UTC")).astimezone(_LONDON)
    if round_trip.replace(tzinfo=None) != local.replace(tzinfo=None):
        return None
    return local.isoformat()


def format_local_datetime(value: str) -> str:
    """A FHIR dateTime back to UK local ``YYYY-MM-DDTHH:MM`` (``:SS`` only when not zero); other text unchanged."""
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return value
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(_LONDON)
    return parsed.strftime("%Y-%m-%dT%H:%M:%S" if parsed.second else "%Y-%m-%dT%H:%M")


def sort_key(value: str) -> tuple[datetime, str]:
    """A sort key for FHIR date/dateTime text: aware times in UTC, dates at local midnight, bad text last."""
    try:
        if len(value) == 4:
            parsed = datetime(int(value), 1, 1)
        elif len(value) == 7:
            parsed = datetime(int(value[:4]), int(value[5:7]), 1)
        else:
            parsed = datetime.fromisoformat(value)
    except ValueError:
        return datetime.max, value
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(ZoneInfo("UTC")).replace(tzinfo=None)
    return parsed, value


def instant(fhir_datetime: str) -> str:
    """A FHIR instant (seconds and offset) for a dateTime or date; dates become local midnight."""
    try:
        parsed = datetime.fromisoformat(fhir_datetime)
    except ValueError:
        parsed = datetime(1970, 1, 1)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=_LONDON)
    return parsed.replace(microsecond=0).isoformat(timespec="seconds")


def age_on(birth_date: str, on: str) -> int | None:
    """Whole years between a birth date and another date (None if either is not a date)."""
    try:
        born = date.fromisoformat(birth_date[:10])
        then = date.fromisoformat(on[:10])
    except ValueError:
        return None
    years = then.year - born.year - ((then.month, then.day) < (born.month, born.day))
    return years if then >= born else None


# ---------------------------------------------------------------------------------------------------- FHIR fragments

NHS_NUMBER = NHS_NUMBER_SYSTEM


def meta(profile_id: str) -> dict[str, Any]:
    """``meta`` claiming one of the standard's profiles."""
    return {"profile": [profile_url(profile_id)]}


def bundle_security(very_restricted: bool = False) -> list[dict[str, str]]:
    """The security labels every DACaseBundle carries: confidentiality R (or V) and SDV."""
    return [
        {"system": V3_CONFIDENTIALITY, "code": "V" if very_restricted else "R"},
        {"system": V3_ACT_CODE, "code": "SDV"},
    ]


def relationship(person_a: str, person_b: str, relationship_coding: dict[str, Any], code: str) -> dict[str, Any]:
    """A DARelationship saying what ``person_b`` is to ``person_a`` (both resource ids), with a deterministic id."""
    return {
        "resourceType": "RelatedPerson",
        "id": stable_id("relationship", person_a, person_b, code),
        "meta": meta("DARelationship"),
        "patient": reference(person_a),
        "relationship": [{"coding": [relationship_coding]}],
        "extension": [own_extension("related-person", valueReference=reference(person_b))],
    }


def unasked_characteristics() -> dict[str, Any]:
    """Patient elements for protected characteristics the source does not record, each stated as ``not-asked``."""
    not_asked = {"extension": absent("not-asked")["extension"]}
    return {
        "maritalStatus": not_asked,
        "extension": [
            own_extension("gender-identity", valueCodeableConcept=not_asked),
            own_extension("sexual-orientation", valueCodeableConcept=not_asked),
            {"url": PATIENT_RELIGION, "valueCodeableConcept": not_asked},
            {"url": PATIENT_DISABILITY, "valueCodeableConcept": not_asked},
            own_extension("pregnancy-status", extension=[{"url": "status", "valueCodeableConcept": not_asked}]),
        ],
    }


def find_extensions(element: Mapping[str, Any], url: str) -> list[dict[str, Any]]:
    """Every extension of ``element`` with ``url`` (absolute, or a sub-extension name)."""
    return [e for e in element.get("extension", []) if e.get("url") == url]


def sub_value(extension: Mapping[str, Any], name: str) -> Any:
    """The ``value[x]`` of the first sub-extension ``name`` (None if absent)."""
    for item in find_extensions(extension, name):
        for key, value in item.items():
            if key.startswith("value"):
                return value
    return None


def first_code(concept: Any, system: str | None = None) -> str:
    """The code of the first coding (of ``system`` when given) of a CodeableConcept; "" if none."""
    if not isinstance(concept, Mapping):
        return ""
    for c in concept.get("coding", []):
        if system is None or c.get("system") == system:
            return str(c.get("code", ""))
    return ""


def ref_id(ref: Any) -> str:
    """The resource id inside a ``urn:uuid:`` reference (or the reference text itself)."""
    if not isinstance(ref, Mapping):
        return ""
    text = str(ref.get("reference", ""))
    return text.removeprefix("urn:uuid:")


def resources(bundle: Mapping[str, Any]) -> Iterator[dict[str, Any]]:
    """Every resource of a Bundle, in entry order."""
    for item in bundle.get("entry", []):
        res = item.get("resource")
        if isinstance(res, dict):
            yield res


def has_profile(resource: Mapping[str, Any], profile_id: str) -> bool:
    """Whether ``meta.profile`` claims one of the standard's profiles."""
    return profile_url(profile_id) in resource.get("meta", {}).get("profile", [])
