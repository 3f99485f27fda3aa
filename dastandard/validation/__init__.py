"""Validation: FHIR R4 JSON/XML, NDJSON and logical records against the base specification and the standard.

``iter_findings`` streams findings in input order; ``validate`` collects them into a ``ValidationReport``. Bad
input never raises: every problem, including unreadable files, is a finding with a location.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

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
    on_digest: Callable[[Any], None] | None = None,
) -> Iterator[Finding]:
    """Lazily yield every finding for ``inputs`` (files, folders, or "-" for stdin), in input order.

    ``input_format`` is one of ``FORMATS``, a readable agency format of the conversion registry (``cin-census``,
    ``police-csv``, ...) or None to detect it from the content. ``jobs > 1`` checks records in a process pool; the
    output is identical to ``jobs=1``. Return-level findings come last. Every finding about a record names its
    ``subject`` (and, for an agency file, its ``source`` location). When ``files`` is given, the label of every
    input file is appended to it as the file is opened (so it is complete once the iterator is exhausted).
    ``on_digest`` receives the ``RecordDigest`` (``dastandard.htmlreport.digest``) of every record, in input
    order, before that record's findings.
    """
    from dastandard.htmlreport.digest import digest_record
    from dastandard.validation.subjects import Subjects

    subjects = Subjects()

    def seen(digest: Any) -> None:
        subjects.on_digest(digest)
        if on_digest is not None:
            on_digest(digest)

    annotate = subjects.annotate
    return (annotate(f) for f in run(inputs, settings, input_format, max(1, jobs), files, digest_record, seen))


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
    findings = tuple(iter_findings(inputs, settings=settings, input_format=input_format, jobs=jobs, files=files))
    return ValidationReport(findings, tuple(dict.fromkeys(files)))
