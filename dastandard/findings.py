"""Findings: what a validator or converter reports about an input.

A finding is plain, immutable data (picklable, so it crosses process boundaries unchanged). Severities are
ordered so that ``--fail-on`` can compare them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Severity(StrEnum):
    """How serious a finding is. ``fatal`` is reserved for inputs that could not be read at all."""

    INFO = "info"
    WARNING = "warning"
    ERROR = "error"
    FATAL = "fatal"

    @property
    def rank(self) -> int:
        return _SEVERITY_RANK[self]


_SEVERITY_RANK = {Severity.INFO: 0, Severity.WARNING: 1, Severity.ERROR: 2, Severity.FATAL: 3}


class Layer(StrEnum):
    """Which layer of checking produced a finding."""

    SYNTAX = "syntax"
    STRUCTURE = "structure"
    PROFILE = "profile"
    PRACTICE = "practice"
    RETURN = "return"
    CONVERSION = "conversion"


@dataclass(frozen=True, slots=True)
class Finding:
    """One reported problem.

    ``path`` is a FHIRPath-style location inside the resource (``Bundle.entry[3].resource.birthDate``) or, for
    non-FHIR inputs, the format's own locator (an XPath for XML, ``row 12, column "DOB"`` for CSV). ``line`` and
    ``column`` are 1-based positions in ``file`` where known.

    ``subject`` names who or what the finding is about as the source names them: the person's own identifiers
    (``LAchildID EX0001, UPN A999123456789``, ``Police person id P102``) and name where recorded, or the record's
    (``Incident EXA-2024-000101``, ``MARAC referral MR-2024-0042``). ``source`` is where the record is in an agency
    file that was converted to be checked (``/Message/Children/Child[3]``, ``rows 2-5``, ``$[0]``); ``path`` is then
    the location inside the converted Bundle and ``line`` the line of the record in ``file``.
    """

    rule_id: str
    severity: Severity
    layer: Layer
    message: str
    file: str = ""
    path: str = ""
    line: int | None = None
    column: int | None = None
    record: int | None = None  # 1-based record number within a multi-record file (NDJSON line, CSV row)
    resource: str = ""  # "Type/id" of the resource the finding is about, where there is one
    details: tuple[tuple[str, Any], ...] = field(default=())
    subject: str = ""
    source: str = ""

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready mapping; keys with no value are left out."""
        out: dict[str, Any] = {
            "rule_id": self.rule_id,
            "severity": self.severity.value,
            "layer": self.layer.value,
            "message": self.message,
        }
        for key in ("subject", "file", "source", "path", "line", "column", "record", "resource"):
            value = getattr(self, key)
            if value not in ("", None):
                out[key] = value
        if self.details:
            out["details"] = dict(self.details)
        return out
