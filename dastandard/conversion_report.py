"""The conversion report: what happened to every source field in one conversion run.

Kernel module: the case record's reader and every conversion format report through these types.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Loss(StrEnum):
    """Kinds of report entry.

    Everything except MAPPED and NOT_PROJECTED is a loss or alteration that ``--strict`` refuses. NOT_PROJECTED
    marks what a deliberately minimal target format (e.g. an Operation Encompass notification) must leave out by
    design: it is listed, never silent, but it is not a loss.
    """

    MAPPED = "mapped"
    NOT_PROJECTED = "not-projected"
    UNMAPPED_FIELD = "unmapped-field"
    UNMAPPED_CODE = "unmapped-code"
    LOSSY_CODE = "lossy-code"
    INVALID_INPUT = "invalid-input"
    ALTERED = "altered"  # a value written differently for safety (a bidirectional control shown as [U+202E])
    # A security label the output cannot carry (reading it back would give a lower or no label): a loss that
    # fails the conversion unless it was explicitly allowed (``dastandard.convert.labels``).
    LABEL_LOWERED = "label-lowered"
    # A confidential location left out of an output that leaves the agency (``dastandard.convert.locations``).
    REDACTED = "redacted"


_NOT_LOSSES = frozenset({Loss.MAPPED, Loss.NOT_PROJECTED})


@dataclass(frozen=True, slots=True)
class ReportEntry:
    """One line of the conversion report. ``location`` is a path, XPath or ``row N, column C`` in the source."""

    kind: Loss
    source_field: str
    location: str
    message: str = ""
    code: str = ""  # the source code, for UNMAPPED_CODE / LOSSY_CODE (codes are not sensitive values)
    target: str = ""  # where it went in the standard, for MAPPED / LOSSY_CODE


@dataclass
class ConversionReport:
    """What happened to every source field in one conversion run."""

    source: str = ""
    source_format: str = ""
    target_format: str = ""
    records_in: int = 0
    records_out: int = 0
    entries: list[ReportEntry] = field(default_factory=list)

    def add(self, entry: ReportEntry) -> None:
        self.entries.append(entry)

    @property
    def losses(self) -> list[ReportEntry]:
        return [e for e in self.entries if e.kind not in _NOT_LOSSES]

    @property
    def lossless(self) -> bool:
        return not self.losses

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "from": self.source_format,
            "to": self.target_format,
            "records_in": self.records_in,
            "records_out": self.records_out,
            "lossless": self.lossless,
            "entries": [
                {
                    k: v
                    for k, v in (
                        ("kind", e.kind.value),
                        ("field", e.source_field),
                        ("location", e.location),
                        ("message", e.message),
                        ("code", e.code),
                        ("target", e.target),
                    )
                    if v
                }
                for e in self.entries
            ],
        }
