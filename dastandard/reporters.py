"""Report formats for ``dastandard validate``: text, JSON, FHIR OperationOutcome, SARIF, JUnit XML, GitHub.

Every reporter has the same three calls: ``start()``, then ``finding(f)`` once per finding in the order the engine
produced them, then ``finish(summary)``. Line-oriented reporters (text, github) write each finding as it arrives;
document formats (json, operationoutcome, sarif, junit) keep the findings until ``finish`` because their
top-level object needs the summary. Reporters only write to the text stream they are given; they never raise on
odd finding content (control characters, missing positions, rule ids missing from the catalog).

``REPORTER_BY_NAME`` is the registry behind ``--output-format``: adding an entry adds a CLI choice.
"""

from __future__ import annotations

import hashlib
import re
import uuid
import xml.etree.ElementTree as ET
from abc import ABC, abstractmethod
from collections.abc import Iterable, Mapping
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
    ``unreadable`` lists inputs that could not be read at all; ``counts`` holds findings per severity.
    """

    files: tuple[str, ...] = ()
    counts: Mapping[Severity, int] = field(default_factory=dict)
    fail_on: Severity = Severity.ERROR
    unreadable: tuple[str, ...] = ()

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


def summarize(
    findings: Iterable[Finding],
    files: Iterable[str],
    fail_on: Severity = Severity.ERROR,
    unreadable: Iterable[str] = (),
) -> Summary:
    """Count ``findings`` by severity into a Summary."""
    counts: dict[Severity, int] = {}
    for f in findings:
        counts[f.severity] = counts.get(f.severity, 0) + 1
    return Summary(tuple(files), counts, fail_on, tuple(unreadable))


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


# C0 and C1 control characters and the Unicode line separators: anything a reader might take as a line break.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def _one_line(text: str) -> str:
    """Make ``text`` safe for one line of output: control characters become ``\\n``-style escapes."""
    return _CONTROL.sub(lambda m: repr(m.group())[1:-1], text)


def _with_path(f: Finding) -> str:
    return f"{f.message} [{f.path}]" if f.path else f.message


class Reporter(ABC):
    """Writes findings to ``stream`` in one format.

    ``rules`` is the catalog used for rule names and descriptions (the shipped catalog by default);
    ``root`` is the directory that repository-relative paths are computed from (SARIF); ``verbosity`` is
    0 by default, negative for ``-q`` and positive for ``-v`` (only the text reporter uses it).
    """

    description: ClassVar[str] = ""

    def __init__(
        self,
        stream: TextIO,
        *,
        verbosity: int = 0,
        rules: Mapping[str, Rule] | None = None,
        root: Path | None = None,
    ) -> None:
        self.stream = stream
        self.verbosity = verbosity
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


class TextReporter(Reporter):
    """``file:line:col: severity RULE-ID message [path]`` per finding, then (when there were findings) a pointer
    to ``dastandard explain``, then a summary line (always the last line).

    ``-q`` prints the summary line only, ``-qq`` nothing; ``-v`` adds the rule name and lists clean files.
    """

    description = "for people: one line per finding and a summary"

    def start(self) -> None:
        self._with_findings: set[str] = set()
        self._first_rule: str | None = None

    def finding(self, finding: Finding) -> None:
        self._with_findings.add(finding.file)
        if self._first_rule is None:
            self._first_rule = finding.rule_id
        if self.verbosity < 0:
            return
        where = _one_line(finding.file or EXPORT_LABEL)
        if finding.line is not None:
            where += f":{finding.line}"
            if finding.column is not None:
                where += f":{finding.column}"
        rule_id = finding.rule_id
        if self.verbosity > 0 and finding.rule_id in self.rules:
            rule_id += f"({self.rules[finding.rule_id].name})"
        line = f"{where}: {finding.severity.value} {rule_id} {_one_line(_with_path(finding))}"
        if self.verbosity > 0 and finding.resource:
            line += f" in {_one_line(finding.resource)}"
        self.stream.write(line + "\n")

    def finish(self, summary: Summary) -> None:
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
        issue["diagnostics"] = _with_path(f) if f.resource == "" else f"{_with_path(f)} ({f.resource})"
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


def _fingerprint(uri: str, f: Finding) -> str:
    """A hash of what identifies a finding apart from its line number, so an alert survives edits elsewhere."""
    key = "\x1f".join((f.rule_id, uri, f.path, f.resource, str(f.record or "")))
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:32]


class SarifReporter(_Buffering):
    """A SARIF 2.1.0 log with one run, as GitHub code scanning accepts it.

    ``tool.driver.rules`` lists the whole catalog (so ``ruleIndex`` is stable) plus any rule id reported that the
    catalog lacks. Each result has a repository-relative ``artifactLocation.uri``, a region (line and column 1 when
    unknown) and ``partialFingerprints.primaryLocationLineHash`` (``<hash>:<n>``, ``n`` counting identical keys).
    A finding about the whole export (no file) is placed on the first input file, since code scanning needs a file.
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
        for f in self.findings:
            uri = artifact_uri(f.file or export_file, self.root)
            key = _fingerprint(uri, f)
            seen[key] = seen.get(key, 0) + 1
            physical: dict[str, Any] = {
                "artifactLocation": {"uri": uri},
                "region": {"startLine": max(f.line or 1, 1), "startColumn": max(f.column or 1, 1)},
            }
            location: dict[str, Any] = {"physicalLocation": physical}
            if f.path:
                location["logicalLocations"] = [{"fullyQualifiedName": f.path, "kind": "element"}]
            result: dict[str, Any] = {
                "ruleId": f.rule_id,
                "ruleIndex": index[f.rule_id],
                "level": _SARIF_LEVEL[f.severity],
                "message": {"text": _with_path(f) or f.rule_id},
                "locations": [location],
                "partialFingerprints": {"primaryLocationLineHash": f"{key}:{seen[key]}"},
            }
            results.append(result)
        notifications = [
            {"level": "error", "message": {"text": f"input could not be read: {name}"}} for name in summary.unreadable
        ]
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
                base = f"{f.rule_id} {f.path}".strip()
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
        for label, value in (("path", f.path), ("resource", f.resource), ("line", f.line), ("column", f.column)):
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


class GithubReporter(Reporter):
    """GitHub Actions workflow commands: ``::error file=F,line=L,col=C,title=RULE-ID::message [path]``.

    Error and fatal findings are ``error``, warnings ``warning``, info ``notice``. The summary line follows.
    """

    description = "GitHub Actions annotations (workflow commands)"

    def finding(self, finding: Finding) -> None:
        props = []
        if finding.file and finding.file != "-":
            props.append(f"file={escape_property(finding.file)}")
            if finding.line is not None:
                props.append(f"line={finding.line}")
                if finding.column is not None:
                    props.append(f"col={finding.column}")
        props.append(f"title={escape_property(finding.rule_id)}")
        level = _GH_LEVEL[finding.severity]
        self.stream.write(f"::{level} {','.join(props)}::{escape_data(_with_path(finding))}\n")

    def finish(self, summary: Summary) -> None:
        for name in summary.unreadable:
            self.stream.write(f"::error title=unreadable input::{escape_data('input could not be read: ' + name)}\n")
        self.stream.write(summary.line() + "\n")


REPORTER_BY_NAME: dict[str, type[Reporter]] = {
    "text": TextReporter,
    "json": JsonReporter,
    "operationoutcome": OperationOutcomeReporter,
    "sarif": SarifReporter,
    "junit": JUnitReporter,
    "github": GithubReporter,
}
