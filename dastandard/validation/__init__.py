"""Validation: FHIR R4 JSON/XML, NDJSON and logical records against the base specification and the standard.

``iter_findings`` streams findings in input order; ``validate`` collects them into a ``ValidationReport``. Bad
input never raises: every problem, including unreadable files, is a finding with a location.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from dastandard.config import DEFAULT_SETTINGS, Settings
from dastandard.findings import Finding, Severity
from dastandard.validation.engine import FORMATS, run

__all__ = ["FORMATS", "ValidationReport", "iter_findings", "validate"]

UNREADABLE_RULE = "DA0001"


def iter_findings(
    inputs: Sequence[str | Path],
    *,
    settings: Settings = DEFAULT_SETTINGS,
    input_format: str | None = None,
    jobs: int = 1,
    files: list[str] | None = None,
) -> Iterator[Finding]:
    """Lazily yield every finding for ``inputs`` (files, folders, or "-" for stdin), in input order.

    ``input_format`` is one of ``FORMATS`` or None to detect it from the content. ``jobs > 1`` checks records in
    a process pool; the output is identical to ``jobs=1``. Return-level findings come last. When ``files`` is
    given, the label of every input file is appended to it as the file is opened (so it is complete once the
    iterator is exhausted).
    """
    return run(inputs, settings, input_format, max(1, jobs), files)


@dataclass(frozen=True)
class ValidationReport:
    """The findings of one run and the files that were read."""

    findings: tuple[Finding, ...]
    files: tuple[str, ...]

    def counts(self) -> Mapping[Severity, int]:
        """Number of findings per severity (every severity present as a key)."""
        counts = dict.fromkeys(Severity, 0)
        for finding in self.findings:
            counts[finding.severity] += 1
        return counts

    def failed(self, fail_on: Severity) -> bool:
        """True when any finding is at or above ``fail_on``."""
        return any(f.severity.rank >= fail_on.rank for f in self.findings)

    @property
    def unreadable(self) -> bool:
        """True when any input could not be opened or read at all."""
        return any(f.rule_id == UNREADABLE_RULE for f in self.findings)


def validate(
    inputs: Sequence[str | Path],
    *,
    settings: Settings = DEFAULT_SETTINGS,
    input_format: str | None = None,
    jobs: int = 1,
) -> ValidationReport:
    """Validate ``inputs`` and collect every finding (see ``iter_findings``)."""
    files: list[str] = []
    findings = tuple(run(inputs, settings, input_format, max(1, jobs), files))
    return ValidationReport(findings, tuple(dict.fromkeys(files)))
