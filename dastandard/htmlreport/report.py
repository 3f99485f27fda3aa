"""The data-quality report: ``write_report(inputs, out)`` validates ``inputs`` and writes a set of static pages.

The findings are streamed from the validation engine with a ``RecordDigest`` of every record made beside the
checks, so nothing is read twice and memory stays bounded: the run keeps counters and the findings of one record at
a time; the short row per child for the index goes to a temporary database on disk and is read back one index
letter at a time. Child pages are written as the records go by, in files of ``CHILDREN_PER_PAGE`` children each;
the index pages are written at the end.

Layout: ``out`` ending in ``.html`` is the index page and the other pages go to ``<stem>-pages/`` beside it; any
other ``out`` is a folder that receives ``index.html`` and ``pages/``. Every page is self-contained (inline CSS
allowed by hash, inline SVG charts, no scripts, no network). Children are found through an index page per
initial letter of their name (or source id), searchable with the browser's find-in-page; no script is needed.

Error policy: bad input never raises (it is a finding like any other, counted and listed); an output that cannot
be written raises ``OSError`` for the command to map to its exit code.
"""

from __future__ import annotations

import json
import pickle
import sqlite3
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from markupsafe import Markup

from dastandard import __version__
from dastandard._resources import data_path
from dastandard.catalog import catalog
from dastandard.config import DEFAULT_SETTINGS, Settings
from dastandard.findings import Finding, Layer, Severity
from dastandard.htmlreport.digest import (
    CHARACTERISTICS,
    KEY_FIELDS,
    Completeness,
    PersonDigest,
    RecordDigest,
    digest_record,
)
from dastandard.htmlreport.labels import code_label, in_sentence
from dastandard.htmlreport.render import render
from dastandard.model.urls import DATA_ABSENT_REASON_SYSTEM
from dastandard.validation.engine import run

__all__ = ["CHILDREN_PER_PAGE", "ReportSummary", "write_report"]

CHILDREN_PER_PAGE = 100
_ROWS_PER_INSERT = 256
RECORD_FINDINGS_SHOWN = 50  # findings about a record as a whole listed on each of its children's pages
RETURN_FINDINGS_SHOWN = 200
WORST_SHOWN = 20
FIELD_LABELS = dict(CHARACTERISTICS + KEY_FIELDS)
_SEVERITIES = (Severity.FATAL, Severity.ERROR, Severity.WARNING, Severity.INFO)
_DAR_SYSTEM = DATA_ABSENT_REASON_SYSTEM


@cache
def _reason(code: str) -> str:
    """A data-absent-reason code in words (``asked-declined`` reads "asked but declined")."""
    return in_sentence(code_label(_DAR_SYSTEM, code))


@cache
def _learning_points() -> dict[str, str]:
    """Learning point titles by id, from ``docs/learning-points.json`` (shipped in the wheel beside the catalog)."""
    for path in (
        data_path("validators") / "learning-points.json",
        data_path("validators").parent / "docs" / "learning-points.json",
    ):
        if path.is_file():
            points = json.loads(path.read_text(encoding="utf-8")).get("points", [])
            return {str(p["id"]): str(p["title"]) for p in points if isinstance(p, dict) and "id" in p}
    return {}


@dataclass
class ReportSummary:
    """The run's counters (what the index page shows); also returned to the caller."""

    records: int = 0
    children: int = 0
    adults: int = 0
    incidents: int = 0
    children_with_error: int = 0
    adults_with_error: int = 0
    by_severity: Counter[str] = field(default_factory=Counter)
    by_rule: Counter[str] = field(default_factory=Counter)
    files: list[str] = field(default_factory=list)

    @property
    def findings(self) -> int:
        return sum(self.by_severity.values())


@dataclass(frozen=True, slots=True)
class _IndexRow:
    key: str
    display: str
    ids: str
    birth_date: str
    agency: str
    href: str
    errors: int
    warnings: int
    rules: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class _FieldView:
    """One characteristic or key field of a child as its page shows it (attributes, which templates read fastest)."""

    label: str
    status: str
    reason: str


@lru_cache(maxsize=4096)
def _field_rows(fields: tuple[tuple[str, str, str], ...]) -> Markup:
    """The rows of a child's field table as HTML; few distinct combinations occur, so each is rendered once."""
    views = [_FieldView(FIELD_LABELS.get(name, name), status, _reason(reason)) for name, status, reason in fields]
    return Markup(render("_field_rows.html.j2", fields=views))


@dataclass(frozen=True, slots=True)
class _FindingView:
    """A finding as the pages list it."""

    rule: str
    title: str
    severity: str
    message: str
    where: str


@dataclass(frozen=True, slots=True)
class _ChildView:
    """One child's section on a page of children."""

    anchor: str
    display: str
    person: PersonDigest
    agency: str
    source: str
    field_rows: Markup  # the rows of the table of characteristics and key fields, escaped
    own: list[_FindingView]
    about_record: list[_FindingView]
    about_record_more: int


def _display(person: PersonDigest) -> str:
    if person.name:
        return person.name
    if person.ids:
        return f"{person.ids[0][0]} {person.ids[0][1]}"
    return f"Unnamed child ({person.resource})"


def _letter(display: str) -> str:
    head = display[:1].upper()
    return head if "A" <= head <= "Z" else "other"


def _is_error(finding: Finding) -> bool:
    return finding.severity.rank >= Severity.ERROR.rank


class _Builder:
    """Consumes digests and findings in input order; writes child pages as it goes."""

    def __init__(self, pages: Path, pages_href: str, title: str, home: str) -> None:
        self.pages = pages
        self.home = home
        self.pages_href = pages_href
        self.title = title
        self.summary = ReportSummary()
        self.all_persons = {"children": Completeness(), "adults": Completeness()}
        self.by_agency: dict[str, Completeness] = {}
        self.rows = _IndexRows()
        self.worst: list[_IndexRow] = []
        self.return_findings: list[Finding] = []
        self.other_findings: list[Finding] = []
        self.current: RecordDigest | None = None
        self.current_findings: list[Finding] = []
        self.chunk: list[_ChildView] = []
        self.chunk_no = 1

    # --- streaming --------------------------------------------------------------------------------------------

    def on_digest(self, digest: Any) -> None:
        self.flush_record()
        if isinstance(digest, RecordDigest):
            self.current = digest

    def on_finding(self, finding: Finding) -> None:
        self.summary.by_severity[finding.severity.value] += 1
        self.summary.by_rule[finding.rule_id] += 1
        current = self.current
        if finding.layer is Layer.RETURN:  # about the return as a whole, even where it points at one record
            if len(self.return_findings) < RETURN_FINDINGS_SHOWN:
                self.return_findings.append(finding)
        elif current is not None and finding.file == current.file and finding.record == current.record:
            self.current_findings.append(finding)
        elif len(self.other_findings) < RETURN_FINDINGS_SHOWN:
            self.other_findings.append(finding)

    def flush_record(self) -> None:
        digest, findings = self.current, self.current_findings
        self.current, self.current_findings = None, []
        if digest is None:
            return
        summary = self.summary
        summary.records += 1
        summary.incidents += digest.incidents
        agency = digest.agency or "(agency not recorded)"
        by_resource: dict[str, list[Finding]] = {}
        for finding in findings:
            by_resource.setdefault(finding.resource, []).append(finding)
        persons = {p.resource for p in digest.persons}
        about_record = [f for f in findings if f.resource not in persons]
        agency_counts = self.by_agency.setdefault(agency, Completeness())
        for person in digest.persons:
            own = by_resource.get(person.resource, [])
            has_error = any(_is_error(f) for f in own)
            agency_counts.add(person)
            if not person.child:
                summary.adults += 1
                summary.adults_with_error += has_error
                self.all_persons["adults"].add(person)
                continue
            summary.children += 1
            summary.children_with_error += has_error
            self.all_persons["children"].add(person)
            self._child(digest, agency, person, own, about_record)

    def _child(
        self, digest: RecordDigest, agency: str, person: PersonDigest, own: list[Finding], about_record: list[Finding]
    ) -> None:
        number = self.summary.children
        anchor = f"c{number}"
        page = f"children-{self.chunk_no:04d}.html"
        errors = sum(1 for f in own if _is_error(f))
        warnings = sum(1 for f in own if f.severity is Severity.WARNING)
        display = _display(person)
        row = _IndexRow(
            key=display.casefold(),
            display=display,
            ids=", ".join(f"{label} {value}" for label, value in person.ids),
            birth_date=person.birth_date,
            agency=agency,
            href=f"{page}#{anchor}",
            errors=errors,
            warnings=warnings,
            rules=tuple(dict.fromkeys(f.rule_id for f in own)),
        )
        self.rows.append(row)
        if errors or warnings:
            self.worst.append(row)
            if len(self.worst) > 10 * WORST_SHOWN:
                self.worst = _worst(self.worst)
        self.chunk.append(
            _ChildView(
                anchor,
                display,
                person,
                agency,
                digest.file
                + (f", {digest.source}" if digest.source else f", record {digest.record}" if digest.record else ""),
                _field_rows(person.fields),
                [_finding_view(f) for f in own],
                [_finding_view(f) for f in about_record[:RECORD_FINDINGS_SHOWN]],
                max(0, len(about_record) - RECORD_FINDINGS_SHOWN),
            )
        )
        if len(self.chunk) >= CHILDREN_PER_PAGE:
            self.write_chunk()

    def write_chunk(self) -> None:
        if not self.chunk:
            return
        path = self.pages / f"children-{self.chunk_no:04d}.html"
        path.write_text(
            render("report_children.html.j2", title=self.title, children=self.chunk, home=self.home),
            encoding="utf-8",
        )
        self.chunk = []
        self.chunk_no += 1

    # --- the end ----------------------------------------------------------------------------------------------

    def finish(self, index: Path) -> None:
        self.flush_record()
        self.write_chunk()
        counts = self.rows.counts()
        order = [*(chr(c) for c in range(ord("A"), ord("Z") + 1)), "other"]
        letter_pages = [(letter, f"index-{letter}.html", counts.get(letter, 0)) for letter in order]
        for letter, name, count in letter_pages:
            if not count:
                continue
            rows = self.rows.letter(letter)
            (self.pages / name).write_text(
                render(
                    "report_letter.html.j2",
                    title=self.title,
                    letter=letter,
                    rows=rows,
                    letters=letter_pages,
                    home=self.home,
                ),
                encoding="utf-8",
            )
        rules = catalog()
        points = _learning_points()
        rule_rows = []
        for rule_id, count in self.summary.by_rule.most_common():
            rule = rules.get(rule_id)
            rule_rows.append(
                {
                    "id": rule_id,
                    "count": count,
                    "severity": rule.severity.value if rule else "",
                    "title": rule.summary if rule else rule_id,
                    "why": rule.rationale if rule else "",
                    "points": [(lp, points.get(lp, "")) for lp in (rule.learning_points if rule else ())],
                }
            )
        summary = self.summary
        severity_rows = [(s.value, summary.by_severity[s.value]) for s in _SEVERITIES]
        worst = _worst(self.worst)
        index.write_text(
            render(
                "report_index.html.j2",
                title=self.title,
                version=__version__,
                summary=summary,
                severity_rows=severity_rows,
                max_severity=max((n for _, n in severity_rows), default=0),
                characteristics={group: c.rows(CHARACTERISTICS) for group, c in self.all_persons.items()},
                key_fields={group: c.rows(KEY_FIELDS) for group, c in self.all_persons.items()},
                agencies=[(name, c.persons, c.rows(CHARACTERISTICS)) for name, c in sorted(self.by_agency.items())],
                rules=rule_rows,
                letters=letter_pages,
                pages=self.pages_href,
                worst=worst,
                return_findings=[_finding_view(f) for f in self.return_findings],
                other_findings=[_finding_view(f) for f in self.other_findings],
            ),
            encoding="utf-8",
        )


class _IndexRows:
    """The index rows of every child, kept in a private temporary SQLite database on disk (deleted when closed),
    not in memory: a report on a large return has one per child. Read back one index letter at a time, sorted by
    name and ids, ties in arrival order (SQLite compares text as UTF-8 bytes, which is code point order, as Python
    does)."""

    def __init__(self) -> None:
        self._db = sqlite3.connect("")
        self._db.execute("CREATE TABLE row (letter TEXT, key TEXT, ids TEXT, seq INTEGER PRIMARY KEY, data BLOB)")
        self._waiting: list[tuple[str, str, str, bytes]] = []  # inserted a few hundred at a time

    def append(self, row: _IndexRow) -> None:
        data = pickle.dumps(row, protocol=pickle.HIGHEST_PROTOCOL)
        self._waiting.append((_letter(row.display), row.key, row.ids, data))
        if len(self._waiting) >= _ROWS_PER_INSERT:
            self._insert()

    def _insert(self) -> None:
        if self._waiting:
            self._db.executemany("INSERT INTO row (letter, key, ids, data) VALUES (?, ?, ?, ?)", self._waiting)
            self._waiting = []

    def counts(self) -> dict[str, int]:
        """The number of rows per index letter."""
        self._insert()
        return {
            str(letter): int(n) for letter, n in self._db.execute("SELECT letter, count(*) FROM row GROUP BY letter")
        }

    def letter(self, letter: str) -> list[_IndexRow]:
        """The rows of one index letter, in the order its page lists them."""
        self._insert()
        found = self._db.execute("SELECT data FROM row WHERE letter = ? ORDER BY key, ids, seq", (letter,))
        return [pickle.loads(data) for (data,) in found]

    def close(self) -> None:
        self._db.close()


def _worst(rows: list[_IndexRow]) -> list[_IndexRow]:
    return sorted(rows, key=lambda r: (-r.errors, -r.warnings, r.key))[:WORST_SHOWN]


def _finding_view(finding: Finding) -> _FindingView:
    rule = catalog().get(finding.rule_id)
    where = ", ".join(
        part
        for part in (
            finding.file,
            f"record {finding.record}" if finding.record else "",
            f"line {finding.line}" if finding.line else "",
            finding.path,
        )
        if part
    )
    return _FindingView(finding.rule_id, rule.summary if rule else "", finding.severity.value, finding.message, where)


def write_report(
    inputs: Sequence[str | Path],
    out: str | Path,
    *,
    settings: Settings = DEFAULT_SETTINGS,
    input_format: str | None = None,
    jobs: int = 1,
    title: str = "Data-quality report",
    on_record: Callable[[], None] | None = None,
) -> ReportSummary:
    """Validate ``inputs`` and write the report to ``out`` (see the module docstring for the layout).

    ``on_record`` is called once per record read (for progress). Returns the run's counters.
    """
    target = Path(out)
    if target.suffix.lower() == ".html":
        index = target
        pages = target.with_name(f"{target.stem}-pages")
    else:
        index = target / "index.html"
        pages = target / "pages"
    index.parent.mkdir(parents=True, exist_ok=True)
    pages.mkdir(parents=True, exist_ok=True)
    builder = _Builder(pages, pages.name, title, f"../{index.name}")

    def on_digest(digest: Any) -> None:
        builder.on_digest(digest)
        if on_record is not None:
            on_record()

    files: list[str] = []
    try:
        for finding in run(list(inputs), settings, input_format, max(1, jobs), files, digest_record, on_digest):
            builder.on_finding(finding)
        builder.summary.files = list(dict.fromkeys(files))
        builder.finish(index)
    finally:
        builder.rows.close()
    return builder.summary
