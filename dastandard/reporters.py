"""Report formats for ``dastandard validate``: text, JSON, FHIR OperationOutcome, SARIF, JUnit XML, GitHub.

Every reporter has the same three calls: ``start()``, then ``finding(f)`` once per finding in the order the engine
produced them, then ``finish(summary)``. Line-oriented reporters (text, github) write each finding as it arrives;
document formats (json, operationoutcome, sarif, junit) keep the findings until ``finish`` because their
top-level object needs the summary. Reporters only write to the text stream they are given; they never raise on
odd finding content (control characters, missing positions, rule ids missing from the catalog).

``REPORTER_BY_NAME`` is the registry behind ``--output-format``: adding an entry adds a CLI choice.
"""

from __future__ import annotations

import re
import uuid
from abc import ABC, abstractmethod
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, ClassVar, TextIO
from urllib.parse import quote

import orjson

from dastandard import __version__
from dastandard.catalog import Rule, catalog
from dastandard.findings import Finding, Severity
from dastandard.model.urls import FHIR_CORE_EXTENSION_BASE, SARIF_SCHEMA
from dastandard.standard import standard

_ORDERED_SEVERITIES = (Severity.FATAL, Severity.ERROR, Severity.WARNING, Severity.INFO)

HL7_EXT = FHIR_CORE_EXTENSION_BASE
EXT_ISSUE_LINE = HL7_EXT + "operationoutcome-issue-line"
EXT_ISSUE_COL = HL7_EXT + "operationoutcome-issue-col"
EXT_MESSAGE_ID = HL7_EXT + "operationoutcome-message-id"
EXT_FILE = HL7_EXT + "operationoutcome-file"
SARIF_SCHEMA_URI = SARIF_SCHEMA
# How a finding about the whole export (return-level, no file) is labelled in text and JUnit output.
EXPORT_LABEL = "(export)"


@dataclass(frozen=True)
class Summary:
    """What a run covered and how it ended.

    ``files`` lists every input file that was checked, in order (files without findings included);
    ``unreadable`` lists inputs that could not be read at all; ``counts`` holds findings per severity, ``by_rule``,
    ``by_layer`` and ``by_agency`` per rule id, layer and agency (the organisation a record names first; findings
    about the whole export under ``EXPORT_LABEL``). ``people`` counts ``records``, ``children``, ``adults``,
    ``children_with_error`` and ``adults_with_error`` (a person with at least one error or fatal finding about
    them); ``completeness`` gives, for ``children`` and ``adults``, one row per protected characteristic and key
    field (``Completeness.rows``: recorded, stated absent with the reasons, silent, of total). The last three are
    filled when the run digested its records (``SummaryTally``).
    """

    files: tuple[str, ...] = ()
    counts: Mapping[Severity, int] = field(default_factory=dict)
    fail_on: Severity = Severity.ERROR
    unreadable: tuple[str, ...] = ()
    by_rule: Mapping[str, int] = field(default_factory=dict)
    by_layer: Mapping[str, int] = field(default_factory=dict)
    by_agency: Mapping[str, int] = field(default_factory=dict)
    people: Mapping[str, int] = field(default_factory=dict)
    completeness: Mapping[str, Sequence[Mapping[str, Any]]] = field(default_factory=dict)

    @property
    def failed(self) -> bool:
        """True when at least one finding reaches ``fail_on``."""
        return any(n > 0 and sev.rank >= self.fail_on.rank for sev, n in self.counts.items())

    @property
    def status(self) -> str:
        """``"fail"`` when the run failed or an input was unreadable, else ``"ok"``."""
        return "fail" if self.failed or self.unreadable else "ok"

    def count(self, severity: Severity) -> int:
        return self.counts.get(severity, 0)

    def to_dict(self) -> dict[str, Any]:
        return {
            "files": len(self.files),
            "fatal": self.count(Severity.FATAL),
            "errors": self.count(Severity.ERROR),
            "warnings": self.count(Severity.WARNING),
            "info": self.count(Severity.INFO),
            "fail_on": self.fail_on.value,
            "unreadable": list(self.unreadable),
            "by_rule": dict(self.by_rule),
            "by_layer": dict(self.by_layer),
            "by_agency": dict(self.by_agency),
            "people": dict(self.people),
            "completeness": {
                group: [
                    {
                        "field": row["name"],
                        "label": row["label"],
                        "total": row["total"],
                        "recorded": row["recorded"],
                        "stated_absent": row["absent"],
                        "absent_reasons": dict(row["reasons"]),
                        "silent": row["silent"],
                    }
                    for row in rows
                ]
                for group, rows in self.completeness.items()
            },
        }

    def line(self) -> str:
        """``N errors, N warnings, N info in N files`` (fatal and unreadable counts are added when non-zero)."""
        parts = []
        if self.count(Severity.FATAL):
            parts.append(f"{self.count(Severity.FATAL)} fatal")
        parts.append(_plural(self.count(Severity.ERROR), "error"))
        parts.append(_plural(self.count(Severity.WARNING), "warning"))
        parts.append(f"{self.count(Severity.INFO)} info")
        text = f"{', '.join(parts)} in {_plural(len(self.files), 'file')}"
        if self.unreadable:
            text += f"; {_plural(len(self.unreadable), 'input')} could not be read"
        return text

    def block(self, rules: Mapping[str, Rule]) -> list[str]:
        """The summary for people, before ``line()``: counts by layer, rule and agency, the people with an error,
        and how completely each protected characteristic and key field is recorded."""
        out = ["Summary"]
        if self.by_layer:
            layers = sorted(self.by_layer.items(), key=lambda item: (-item[1], item[0]))
            out.append("  by layer:  " + ", ".join(f"{layer} {n}" for layer, n in layers))
        if self.by_agency:
            agencies = sorted(self.by_agency.items(), key=lambda item: (-item[1], item[0]))
            out.append("  by agency: " + ", ".join(f"{_one_line(name)} {n}" for name, n in agencies))
        if self.by_rule:
            out.append("  by rule:")
            for rule_id, n in sorted(self.by_rule.items(), key=lambda item: (-item[1], item[0])):
                rule = rules.get(rule_id)
                severity = rule.severity.value if rule else ""
                out.append(f"    {rule_id:<8} {severity:<8} {n:>7}  {rule.name if rule else ''}".rstrip())
        people = self.people
        if people:
            children = people.get("children", 0)
            out.append(
                f"  people:    {children} {'child' if children == 1 else 'children'} "
                f"({people.get('children_with_error', 0)} with an error), "
                f"{_plural(people.get('adults', 0), 'adult')} ({people.get('adults_with_error', 0)} with an error), "
                f"in {_plural(people.get('records', 0), 'record')}"
            )
        for group, rows in self.completeness.items():
            if not rows or not rows[0]["total"]:
                continue
            out.append(f"  completeness, {group} ({rows[0]['total']}):")
            for row in rows:
                reasons = ", ".join(f"{reason} {n}" for reason, n in row["reasons"])
                absent = f"{row['absent']} ({reasons})" if reasons else str(row["absent"])
                out.append(
                    f"    {_one_line(str(row['short'])):<45} {_percent(row['recorded'], row['total']):>4}  "
                    f"recorded {row['recorded']}, stated absent {absent}, silent {row['silent']}"
                )
        return out if len(out) > 1 else []


def _percent(n: int, total: int) -> str:
    return f"{round(100 * n / total)}%" if total else "-"


def summarize(
    findings: Iterable[Finding],
    files: Iterable[str],
    fail_on: Severity = Severity.ERROR,
    unreadable: Iterable[str] = (),
) -> Summary:
    """Count ``findings`` by severity, rule and layer into a Summary (see ``SummaryTally`` for the rest)."""
    tally = SummaryTally()
    for f in findings:
        tally.count(f)
    return tally.summary(files, fail_on, unreadable)


class SummaryTally:
    """Builds a ``Summary`` from a stream of findings and record digests, keeping counters only.

    ``on_digest`` takes the ``RecordDigest`` of each record (``dastandard.htmlreport.digest``) before that record's
    findings, as the engine gives it; ``count`` takes each finding.
    """

    def __init__(self) -> None:
        from dastandard.htmlreport.digest import Completeness

        self.counts: dict[Severity, int] = {}
        self.by_rule: dict[str, int] = {}
        self.by_layer: dict[str, int] = {}
        self.by_agency: dict[str, int] = {}
        self.people = dict.fromkeys(("records", "children", "adults", "children_with_error", "adults_with_error"), 0)
        self.completeness = {"children": Completeness(), "adults": Completeness()}
        self._current: Any = None
        self._agency = ""
        self._persons: dict[str, bool] = {}  # resource label -> child?, of the current record
        self._with_error: set[str] = set()
        # Subjects of errors a reader found in an agency file ("LAchildID EX0001"): they come just before the
        # record of the person they name, and count for that person when its digest arrives.
        self._source_errors: set[str] = set()

    def on_digest(self, digest: Any) -> None:
        self._close()
        persons = getattr(digest, "persons", None)
        if persons is None:
            self._current = None
            return
        self._current = digest
        self._agency = digest.agency or "(agency not recorded)"
        self.people["records"] += 1
        self._persons = {}
        for person in persons:
            group = "children" if person.child else "adults"
            self.people[group] += 1
            self.completeness[group].add(person)
            self._persons[person.resource] = person.child
            if self._source_errors and any(f"{label} {value}" in self._source_errors for label, value in person.ids):
                self._with_error.add(person.resource)  # a fault of the source file about this person
        self._source_errors = set()

    def _close(self) -> None:
        for resource in self._with_error:
            self.people["children_with_error" if self._persons.get(resource) else "adults_with_error"] += 1
        self._with_error = set()

    def count(self, finding: Finding) -> None:
        severity = finding.severity
        self.counts[severity] = self.counts.get(severity, 0) + 1
        self.by_rule[finding.rule_id] = self.by_rule.get(finding.rule_id, 0) + 1
        layer = finding.layer.value
        self.by_layer[layer] = self.by_layer.get(layer, 0) + 1
        current = self._current
        if layer == "return":
            agency = EXPORT_LABEL
        elif current is not None and finding.file == current.file and finding.record == current.record:
            agency = self._agency
            if severity.rank >= Severity.ERROR.rank and finding.resource in self._persons:
                self._with_error.add(finding.resource)
        else:
            agency = "(the file itself)"
            if finding.subject and severity.rank >= Severity.ERROR.rank:
                self._source_errors.add(finding.subject.split(", ")[0])
        self.by_agency[agency] = self.by_agency.get(agency, 0) + 1

    def summary(
        self, files: Iterable[str], fail_on: Severity = Severity.ERROR, unreadable: Iterable[str] = ()
    ) -> Summary:
        from dastandard.htmlreport.digest import CHARACTERISTICS, KEY_FIELDS

        self._close()
        digested = self.people["records"] > 0
        return Summary(
            tuple(files),
            dict(self.counts),
            fail_on,
            tuple(unreadable),
            dict(self.by_rule),
            dict(self.by_layer),
            dict(self.by_agency) if digested else {},
            dict(self.people) if digested else {},
            {group: c.rows(CHARACTERISTICS + KEY_FIELDS) for group, c in self.completeness.items()} if digested else {},
        )


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


# C0 and C1 control characters and the Unicode line separators: anything a reader might take as a line break.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def _one_line(text: str) -> str:
    """Make ``text`` safe for one line of output: control characters become ``\\n``-style escapes."""
    return _CONTROL.sub(lambda m: repr(m.group())[1:-1], text)


def _with_path(f: Finding) -> str:
    """The message, then where inside the record: ``[rows 2-5; Bundle.entry[3].resource]``."""
    where = f"{f.source}; {f.path}" if f.source and f.path else f.source or f.path
    return f"{f.message} [{where}]" if where else f.message


def _about(f: Finding) -> str:
    """``subject: message [where]``, the subject first so a reader sees whose record it is."""
    text = _with_path(f)
    return f"{f.subject}: {text}" if f.subject else text


class Reporter(ABC):
    """Writes findings to ``stream`` in one format.

    ``rules`` is the catalog used for rule names and descriptions (the shipped catalog by default);
    ``root`` is the directory that repository-relative paths are computed from (SARIF); ``verbosity`` is
    0 by default, negative for ``-q`` and positive for ``-v`` (only the text reporter uses it); ``group_by`` is
    the text reporter's grouping (``GROUP_BY``); ``max_findings`` caps the results of the CI formats (SARIF and
    GitHub annotations), beyond which findings are grouped per rule and file.
    """

    description: ClassVar[str] = ""

    def __init__(
        self,
        stream: TextIO,
        *,
        verbosity: int = 0,
        rules: Mapping[str, Rule] | None = None,
        root: Path | None = None,
        group_by: str | None = None,
        max_findings: int | None = None,
    ) -> None:
        self.stream = stream
        self.verbosity = verbosity
        self.group_by = group_by
        self.max_findings = max_findings
        self.rules = catalog() if rules is None else rules
        self.root = root if root is not None else Path.cwd()

    def start(self) -> None:  # noqa: B027  (optional hook: most formats need no preamble)
        """Called once before the first finding."""

    @abstractmethod
    def finding(self, finding: Finding) -> None:
        """Called once per finding."""

    @abstractmethod
    def finish(self, summary: Summary) -> None:
        """Called once after the last finding."""

    def report(self, findings: Iterable[Finding], summary: Summary) -> None:
        """Convenience: start, every finding, finish."""
        self.start()
        for f in findings:
            self.finding(f)
        self.finish(summary)


class _Buffering(Reporter):
    """A reporter whose document needs every finding before it can be written."""

    def start(self) -> None:
        self.findings: list[Finding] = []

    def finding(self, finding: Finding) -> None:
        self.findings.append(finding)


# --------------------------------------------------------------------------------------------------------- text


GROUP_BY = ("child", "rule", "file")


class TextReporter(Reporter):
    """``file:line:col: severity RULE-ID subject: message [source; path]`` per finding, then (when there were
    findings) a pointer to ``dastandard explain``, the summary block (counts by layer, rule and agency, people with
    an error, completeness) and a summary line (always the last line).

    ``-q`` prints the summary block and line only, ``-qq`` nothing; ``-v`` adds the rule name and lists clean
    files. ``group_by`` (``child``, ``rule`` or ``file``) prints the findings under one heading per subject (the
    person or record as the source names them), rule or file, the largest group first, once the run is over.
    """

    description = "for people: one line per finding and a summary"

    def start(self) -> None:
        self._with_findings: set[str] = set()
        self._first_rule: str | None = None
        self._groups: dict[str, list[str]] = {}

    def _line(self, finding: Finding) -> str:
        where = _one_line(finding.file or EXPORT_LABEL)
        if finding.line is not None:
            where += f":{finding.line}"
            if finding.column is not None:
                where += f":{finding.column}"
        rule_id = finding.rule_id
        if self.verbosity > 0 and finding.rule_id in self.rules:
            rule_id += f"({self.rules[finding.rule_id].name})"
        line = f"{where}: {finding.severity.value} {rule_id} {_one_line(_about(finding))}"
        if self.verbosity > 0 and finding.resource:
            line += f" in {_one_line(finding.resource)}"
        return line

    def finding(self, finding: Finding) -> None:
        self._with_findings.add(finding.file)
        if self._first_rule is None:
            self._first_rule = finding.rule_id
        if self.verbosity < 0:
            return
        if self.group_by is None:
            self.stream.write(self._line(finding) + "\n")
            return
        self._groups.setdefault(self._group_key(finding), []).append(self._line(finding))

    def _group_key(self, finding: Finding) -> str:
        if self.group_by == "rule":
            rule = self.rules.get(finding.rule_id)
            return f"{finding.rule_id} {rule.name}" if rule else finding.rule_id
        if self.group_by == "file":
            return finding.file or EXPORT_LABEL
        if finding.subject:
            return finding.subject
        return f"(no person or record named) {finding.file or EXPORT_LABEL}"

    def finish(self, summary: Summary) -> None:
        if self._groups:
            for key, lines in sorted(self._groups.items(), key=lambda item: (-len(item[1]), item[0])):
                self.stream.write(f"== {_one_line(key)} ({_plural(len(lines), 'finding')})\n")
                for line in lines:
                    self.stream.write(f"  {line}\n")
        if self.verbosity > 0:
            for name in summary.files:
                if name not in self._with_findings:
                    self.stream.write(f"{_one_line(name)}: ok\n")
        if self.verbosity >= 0 and self._first_rule is not None:  # before the summary, which stays the last line
            self.stream.write(
                f"Run `dastandard explain {self._first_rule}` (or any rule id above) for what the rule checks, why, "
                "and how to fix the record.\n"
            )
        if self.verbosity >= -1:
            for line in summary.block(self.rules):
                self.stream.write(line + "\n")
            self.stream.write(summary.line() + "\n")


# --------------------------------------------------------------------------------------------------------- json


def _dumps(payload: Any) -> str:
    """Indented JSON; values orjson cannot encode (odd ``details`` from an engine) are written as strings."""
    return orjson.dumps(payload, option=orjson.OPT_INDENT_2 | orjson.OPT_NON_STR_KEYS, default=str).decode() + "\n"


class JsonReporter(_Buffering):
    """``{"status": "ok"|"fail", "findings": [...], "summary": {...}}``; findings as ``Finding.to_dict``."""

    description = "machine-readable JSON: status, findings, summary"

    def finish(self, summary: Summary) -> None:
        findings = [f.to_dict() for f in self.findings]
        self.stream.write(_dumps({"status": summary.status, "findings": findings, "summary": summary.to_dict()}))


# ---------------------------------------------------------------------------------------------- OperationOutcome

_OO_SEVERITY = {
    Severity.FATAL: "fatal",
    Severity.ERROR: "error",
    Severity.WARNING: "warning",
    Severity.INFO: "information",
}
# FHIR R4 IssueType per layer (http://hl7.org/fhir/issue-type); a finding may override it with the detail
# ``issue_code``.
_OO_CODE_BY_LAYER = {
    "syntax": "structure",
    "structure": "structure",
    "profile": "invariant",
    "practice": "business-rule",
    "return": "business-rule",
    "conversion": "processing",
}


def message_id_system() -> str:
    """The coding system for rule ids in ``OperationOutcome.issue.details``, under the standard's canonical."""
    return standard().url("CodeSystem", "validation-rule")


def _group_by_file(findings: Iterable[Finding], files: Iterable[str]) -> dict[str, list[Finding]]:
    """Findings per file: the summary's files first (in order, even with no findings), then any others."""
    groups: dict[str, list[Finding]] = {name: [] for name in files}
    for f in findings:
        groups.setdefault(f.file, []).append(f)
    return groups


class OperationOutcomeReporter(_Buffering):
    """A FHIR R4 OperationOutcome per input file; a ``collection`` Bundle of them when there are several.

    Each issue carries the rule id as ``details.coding`` (system ``message_id_system()``) and in the HL7
    ``operationoutcome-message-id`` extension, the position in ``operationoutcome-issue-line`` / ``-col``, the
    FHIRPath in ``expression`` (and ``location``), and the message in ``diagnostics``. A file without findings
    gets one ``information`` issue, since an OperationOutcome needs at least one issue.
    """

    description = "FHIR R4 OperationOutcome JSON (a Bundle of them for several files)"

    def _issue(self, f: Finding, system: str) -> dict[str, Any]:
        issue: dict[str, Any] = {}
        extensions: list[dict[str, Any]] = []
        if f.line is not None:
            extensions.append({"url": EXT_ISSUE_LINE, "valueInteger": f.line})
        if f.column is not None:
            extensions.append({"url": EXT_ISSUE_COL, "valueInteger": f.column})
        extensions.append({"url": EXT_MESSAGE_ID, "valueString": f.rule_id})
        issue["extension"] = extensions
        issue["severity"] = _OO_SEVERITY[f.severity]
        detail_code = dict(f.details).get("issue_code")
        issue["code"] = str(detail_code) if detail_code else _OO_CODE_BY_LAYER.get(f.layer.value, "processing")
        coding: dict[str, Any] = {"system": system, "code": f.rule_id}
        rule = self.rules.get(f.rule_id)
        if rule is not None:
            coding["display"] = rule.name
        issue["details"] = {"coding": [coding], "text": f.message}
        issue["diagnostics"] = _about(f) if f.resource == "" else f"{_about(f)} ({f.resource})"
        if f.path:
            locations = [f.path]
            if f.line is not None:
                locations.append(f"Line[{f.line}] Col[{f.column or 1}]")
            issue["location"] = locations
            issue["expression"] = [f.path]
        return issue

    def _outcome(self, name: str, findings: list[Finding], system: str) -> dict[str, Any]:
        outcome: dict[str, Any] = {"resourceType": "OperationOutcome"}
        if name:
            outcome["extension"] = [{"url": EXT_FILE, "valueString": name}]
        if findings:
            outcome["issue"] = [self._issue(f, system) for f in findings]
        else:
            outcome["issue"] = [{"severity": "information", "code": "informational", "diagnostics": "No issues found"}]
        return outcome

    def finish(self, summary: Summary) -> None:
        system = message_id_system()
        groups = _group_by_file(self.findings, summary.files)
        outcomes = [self._outcome(name, items, system) for name, items in groups.items()]
        if not outcomes:
            outcomes = [self._outcome("", [], system)]
        if len(outcomes) == 1:
            self.stream.write(_dumps(outcomes[0]))
            return
        namespace = uuid.uuid5(uuid.NAMESPACE_URL, standard().canonical)
        entries = [
            {"fullUrl": f"urn:uuid:{uuid.uuid5(namespace, 'validation-outcome/' + name)}", "resource": outcome}
            for name, outcome in zip(groups, outcomes, strict=True)
        ]
        self.stream.write(_dumps({"resourceType": "Bundle", "type": "collection", "entry": entries}))


# --------------------------------------------------------------------------------------------------------- SARIF

_SARIF_LEVEL = {Severity.FATAL: "error", Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def artifact_uri(name: str, root: Path) -> str:
    """A repository-relative URI for ``name``: relative to ``root`` when inside it, percent-encoded, ``/``-separated.

    Standard input (``-``) becomes ``stdin``; a path outside ``root`` keeps its absolute form.
    """
    if name in ("", "-", "<stdin>"):
        return "stdin"
    path = Path(name)
    if path.is_absolute():
        try:
            path = path.resolve().relative_to(root.resolve())
        except (ValueError, OSError):
            return "file://" + quote(path.as_posix())
    posix = PurePosixPath(path.as_posix())
    parts = [p for p in posix.parts if p != "."]
    return quote("/".join(parts), safe="/") or "stdin"


def _rule_descriptor(rule_id: str, rule: Rule | None) -> dict[str, Any]:
    """A SARIF reportingDescriptor with every field GitHub code scanning requires."""
    if rule is None:
        text = f"Rule {rule_id} (not in this version's rule catalog)"
        return {
            "id": rule_id,
            "name": rule_id,
            "shortDescription": {"text": text},
            "fullDescription": {"text": text},
            "help": {"text": text, "markdown": text},
            "defaultConfiguration": {"level": "warning"},
            "properties": {"tags": ["dastandard"]},
        }
    help_text = f"{rule.summary}\n\nWhy it matters: {rule.rationale}"
    help_markdown = f"**{rule.id} {rule.name}**\n\n{rule.summary}\n\n## Why it matters\n\n{rule.rationale}"
    if rule.learning_points:
        help_markdown += "\n\nLearning points: " + ", ".join(rule.learning_points)
    if rule.references:
        help_markdown += "\n\n## References\n\n" + "\n".join(f"- {r}" for r in rule.references)
    return {
        "id": rule.id,
        "name": rule.name,
        "shortDescription": {"text": rule.summary[:1024]},
        "fullDescription": {"text": rule.rationale[:1024] or rule.summary[:1024]},
        "help": {"text": help_text, "markdown": help_markdown},
        "defaultConfiguration": {"level": _SARIF_LEVEL[rule.severity]},
        "properties": {"tags": ["dastandard", rule.layer.value, rule.status]},
    }


def _rule_only(f: Finding) -> Finding:
    """What identifies a group of findings of one rule in one file (its fingerprint ignores the first's place)."""
    return Finding(f.rule_id, f.severity, f.layer, "")


def _fingerprint(uri: str, f: Finding) -> str:
    """A hash of what identifies a finding apart from its line number, so an alert survives edits elsewhere."""
    import hashlib  # SARIF only

    key = "\x1f".join((f.rule_id, uri, f.path, f.resource, str(f.record or "")))
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:32]


SARIF_MAX_RESULTS = 25_000  # GitHub code scanning rejects a run with more results (5,000 are displayed)


@dataclass(frozen=True, slots=True)
class FindingGroup:
    """Findings of one rule in one file, reported as one result or annotation when there are too many to list:
    ``first`` locates it, ``count`` says how many it stands for."""

    first: Finding
    count: int
    severity: Severity  # the most severe of the group


def group_findings(findings: Iterable[Finding], limit: int) -> tuple[list[FindingGroup], int]:
    """Every finding on its own when there are at most ``limit``; else one group per rule and file (a group of one
    stays a finding). Groups are ordered by severity, then size, then first appearance, and cut at ``limit``.
    Returns the groups kept and the number of findings left out of them."""
    items = list(findings)
    if len(items) <= limit:
        return [FindingGroup(f, 1, f.severity) for f in items], 0
    groups: dict[tuple[str, str], list[Any]] = {}
    for f in items:
        key = (f.rule_id, f.file)
        group = groups.get(key)
        if group is None:
            groups[key] = [f, 1, f.severity]
        else:
            group[1] += 1
            if f.severity.rank > group[2].rank:
                group[2] = f.severity
    ordered = sorted(
        (FindingGroup(first, count, severity) for first, count, severity in groups.values()),
        key=lambda g: (-g.severity.rank, -g.count),
    )
    kept = ordered[: max(limit, 0)]
    return kept, sum(g.count for g in ordered[len(kept) :])


def _group_text(group: FindingGroup) -> str:
    if group.count == 1:
        return _about(group.first)
    return f"{group.count} findings of {group.first.rule_id} in this file; the first: {_about(group.first)}"


class SarifReporter(_Buffering):
    """A SARIF 2.1.0 log with one run, as GitHub code scanning accepts it.

    ``tool.driver.rules`` lists the whole catalog (so ``ruleIndex`` is stable) plus any rule id reported that the
    catalog lacks. Each result has a repository-relative ``artifactLocation.uri``, a region (line and column 1 when
    unknown), the subject first in its message and in ``properties`` with the source location, and
    ``partialFingerprints.primaryLocationLineHash`` (``<hash>:<n>``, ``n`` counting identical keys). A finding about
    the whole export (no file) is placed on the first input file, since code scanning needs a file.

    At most ``max_findings`` results (default ``SARIF_MAX_RESULTS``, GitHub's limit per run): beyond it, findings
    are grouped into one result per rule and file (``properties.count``), the most severe first, and what still
    does not fit is counted in a notification. The run's ``properties.summary`` is the summary.
    """

    description = "SARIF 2.1.0 for GitHub code scanning"

    def finish(self, summary: Summary) -> None:
        ids = list(self.rules)
        for f in self.findings:
            if f.rule_id not in self.rules and f.rule_id not in ids:
                ids.append(f.rule_id)
        index = {rule_id: i for i, rule_id in enumerate(ids)}
        seen: dict[str, int] = {}
        results = []
        export_file = summary.files[0] if summary.files else ""
        limit = self.max_findings if self.max_findings is not None else SARIF_MAX_RESULTS
        groups, left_out = group_findings(self.findings, limit)
        for group in groups:
            f = group.first
            uri = artifact_uri(f.file or export_file, self.root)
            key = _fingerprint(uri, f if group.count == 1 else _rule_only(f))
            seen[key] = seen.get(key, 0) + 1
            physical: dict[str, Any] = {
                "artifactLocation": {"uri": uri},
                "region": {"startLine": max(f.line or 1, 1), "startColumn": max(f.column or 1, 1)},
            }
            location: dict[str, Any] = {"physicalLocation": physical}
            logical = [{"fullyQualifiedName": name, "kind": "element"} for name in (f.source, f.path) if name]
            if logical:
                location["logicalLocations"] = logical
            result: dict[str, Any] = {
                "ruleId": f.rule_id,
                "ruleIndex": index[f.rule_id],
                "level": _SARIF_LEVEL[group.severity],
                "message": {"text": _group_text(group) or f.rule_id},
                "locations": [location],
                "partialFingerprints": {"primaryLocationLineHash": f"{key}:{seen[key]}"},
            }
            properties: dict[str, Any] = {
                name: value for name, value in (("subject", f.subject), ("source", f.source)) if value
            }
            if group.count > 1:
                properties["count"] = group.count
            if properties:
                result["properties"] = properties
            results.append(result)
        notifications = [
            {"level": "error", "message": {"text": f"input could not be read: {name}"}} for name in summary.unreadable
        ]
        if len(groups) < len(self.findings):
            text = (
                f"{len(self.findings)} findings are reported as {len(groups)} results (at most {limit}: one per rule "
                "and file where there are more)"
            )
            if left_out:
                text += f"; {left_out} findings of the least severe rules are left out"
            notifications.append({"level": "note", "message": {"text": text + f". {summary.line()}"}})
        invocation: dict[str, Any] = {"executionSuccessful": not summary.unreadable}
        if notifications:
            invocation["toolExecutionNotifications"] = notifications
        log = {
            "$schema": SARIF_SCHEMA_URI,
            "version": "2.1.0",
            "runs": [
                {
                    "tool": {
                        "driver": {
                            "name": "dastandard",
                            "semanticVersion": __version__,
                            "informationUri": standard().canonical,
                            "rules": [_rule_descriptor(i, self.rules.get(i)) for i in ids],
                        }
                    },
                    "invocations": [invocation],
                    "results": results,
                    "properties": {"summary": summary.to_dict()},
                }
            ],
        }
        self.stream.write(_dumps(log))


# --------------------------------------------------------------------------------------------------------- JUnit

# Characters XML 1.0 does not allow at all; they are written as Python-style escapes instead.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _xml_text(text: str) -> str:
    return _XML_INVALID.sub(lambda m: repr(m.group())[1:-1], text)


class JUnitReporter(_Buffering):
    """JUnit XML: one ``<testsuite>`` per input file, one ``<testcase>`` per finding named ``RULE-ID path``.

    Errors become ``<failure>``, fatal findings ``<error>``; warnings and info are written to ``<system-out>`` so
    they do not fail the build. Names are made unique within a suite (GitLab keeps only the first of duplicates).
    A file without findings gets one passing test case, so every input is visible.
    """

    description = "JUnit XML (GitLab, Jenkins, Azure DevOps test reports)"

    def finish(self, summary: Summary) -> None:
        import xml.etree.ElementTree as ET  # JUnit only

        groups = _group_by_file(self.findings, summary.files)
        for name in summary.unreadable:
            groups.setdefault(name, [])
        root = ET.Element("testsuites", name="dastandard")
        total_tests = total_failures = total_errors = 0
        for name, items in groups.items():
            display = _xml_text(name or EXPORT_LABEL)
            suite = ET.SubElement(root, "testsuite", name=display, file=display)
            tests = failures = errors = 0
            used: set[str] = set()
            if name in summary.unreadable and not items:
                case = ET.SubElement(suite, "testcase", name="input readable", classname=display)
                ET.SubElement(case, "error", message="input could not be read", type="unreadable")
                tests, errors = 1, 1
            elif not items:
                ET.SubElement(suite, "testcase", name="no findings", classname=display)
                tests = 1
            for f in items:
                base = " ".join(part for part in (f.rule_id, f.subject, f.source, f.path) if part)
                case_name, n = base, 1
                while case_name in used:
                    n += 1
                    case_name = f"{base} ({n})"
                used.add(case_name)
                attrs = {"name": _xml_text(case_name), "classname": display, "file": display}
                if f.line is not None:
                    attrs["line"] = str(f.line)
                case = ET.SubElement(suite, "testcase", attrs)
                tests += 1
                text = _xml_text(self._body(f))
                if f.severity is Severity.FATAL:
                    ET.SubElement(case, "error", message=_xml_text(f.message), type=f.rule_id).text = text
                    errors += 1
                elif f.severity is Severity.ERROR:
                    ET.SubElement(case, "failure", message=_xml_text(f.message), type=f.rule_id).text = text
                    failures += 1
                else:
                    ET.SubElement(case, "system-out").text = f"{f.severity.value}: {text}"
            suite.set("tests", str(tests))
            suite.set("failures", str(failures))
            suite.set("errors", str(errors))
            suite.set("skipped", "0")
            total_tests += tests
            total_failures += failures
            total_errors += errors
        root.set("tests", str(total_tests))
        root.set("failures", str(total_failures))
        root.set("errors", str(total_errors))
        ET.indent(root)
        self.stream.write('<?xml version="1.0" encoding="UTF-8"?>\n')
        self.stream.write(ET.tostring(root, encoding="unicode") + "\n")

    def _body(self, f: Finding) -> str:
        lines = [f"{f.severity.value} {f.rule_id}: {f.message}"]
        rule = self.rules.get(f.rule_id)
        if rule is not None:
            lines.append(f"rule: {rule.name} ({rule.layer.value})")
        for label, value in (
            ("subject", f.subject),
            ("source", f.source),
            ("path", f.path),
            ("resource", f.resource),
            ("line", f.line),
            ("column", f.column),
        ):
            if value not in ("", None):
                lines.append(f"{label}: {value}")
        return "\n".join(lines)


# -------------------------------------------------------------------------------------------------------- GitHub

_GH_LEVEL = {Severity.FATAL: "error", Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def escape_data(text: str) -> str:
    """Escape a workflow-command message: ``%``, CR and LF."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """Escape a workflow-command property value: as ``escape_data`` plus ``:`` and ``,``."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


GITHUB_PER_LEVEL = 10  # annotations GitHub shows per step for each of error, warning and notice
GITHUB_MAX_ANNOTATIONS = 29  # plus the summary notice: 30, within the 50 a job may show


class GithubReporter(_Buffering):
    """GitHub Actions workflow commands: ``::error file=F,line=L,col=C,title=RULE-ID::subject: message [path]``.

    Error and fatal findings are ``error``, warnings ``warning``, info ``notice``. GitHub shows 10 annotations of
    each kind per step and 50 per job, so when there are more findings than fit (or than ``max_findings``,
    default ``GITHUB_MAX_ANNOTATIONS``) they are grouped into one annotation per rule and file (``RULE-ID (N
    findings)``), the most severe first, and every finding is still written to the log as a plain line inside a
    collapsed group. A ``dastandard summary`` notice (counts, the commonest rules, what was grouped or left out)
    and the summary line close the output.
    """

    description = "GitHub Actions annotations (workflow commands)"

    def _annotation(self, group: FindingGroup) -> str:
        finding = group.first
        props = []
        if finding.file and finding.file != "-":
            props.append(f"file={escape_property(finding.file)}")
            if finding.line is not None:
                props.append(f"line={finding.line}")
                if finding.column is not None:
                    props.append(f"col={finding.column}")
        title = finding.rule_id if group.count == 1 else f"{finding.rule_id} ({group.count} findings)"
        props.append(f"title={escape_property(title)}")
        return f"::{_GH_LEVEL[group.severity]} {','.join(props)}::{escape_data(_group_text(group))}"

    def finish(self, summary: Summary) -> None:
        limit = self.max_findings if self.max_findings is not None else GITHUB_MAX_ANNOTATIONS
        groups, _ = group_findings(self.findings, limit)
        per_level: dict[str, int] = {}
        shown: list[FindingGroup] = []
        for group in groups:
            level = _GH_LEVEL[group.severity]
            if per_level.get(level, 0) < GITHUB_PER_LEVEL:
                per_level[level] = per_level.get(level, 0) + 1
                shown.append(group)
        represented = sum(g.count for g in shown)
        if represented < len(self.findings) or len(shown) < len(self.findings):
            self.stream.write(f"::group::dastandard: all {_plural(len(self.findings), 'finding')}\n")
            for f in self.findings:
                where = f.file or EXPORT_LABEL
                if f.line is not None:
                    where += f":{f.line}"
                self.stream.write(f"{_one_line(where)}: {f.severity.value} {f.rule_id} {_one_line(_about(f))}\n")
            self.stream.write("::endgroup::\n")
        for group in shown:
            self.stream.write(self._annotation(group) + "\n")
        for name in summary.unreadable:
            self.stream.write(f"::error title=unreadable input::{escape_data('input could not be read: ' + name)}\n")
        self.stream.write(f"::notice title=dastandard summary::{escape_data(self._summary_text(summary, shown))}\n")
        self.stream.write(summary.line() + "\n")

    def _summary_text(self, summary: Summary, shown: list[FindingGroup]) -> str:
        text = summary.line()
        top = sorted(summary.by_rule.items(), key=lambda item: (-item[1], item[0]))[:5]
        if top:
            text += "; commonest rules: " + ", ".join(f"{rule_id} {n}" for rule_id, n in top)
        people = summary.people
        if people.get("children"):
            text += f"; {people.get('children_with_error', 0)} of {people['children']} children with an error"
        represented = sum(g.count for g in shown)
        if len(shown) < len(self.findings):
            text += f"; {len(self.findings)} findings shown as {len(shown)} annotations"
            if represented < len(self.findings):
                text += f" ({len(self.findings) - represented} only in the log)"
        return text


REPORTER_BY_NAME: dict[str, type[Reporter]] = {
    "text": TextReporter,
    "json": JsonReporter,
    "operationoutcome": OperationOutcomeReporter,
    "sarif": SarifReporter,
    "junit": JUnitReporter,
    "github": GithubReporter,
}
