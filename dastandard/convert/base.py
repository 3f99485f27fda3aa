"""The contract every format implements, and the conversion report.

A format reads its input into a stream of standard FHIR Bundles (``DACaseBundle`` dicts) and/or writes such a
stream out. Everything a reader sees in its input must appear in the report: mapped, unmapped (location only,
never the value of a sensitive field), a code with no mapping, or a lossy code mapping. Readers never drop data
silently and never raise on bad input: malformed input becomes a report entry with its location.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import IO, Any, ClassVar, Protocol


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


class Reader(Protocol):
    """Reads one source into standard Bundles, streaming."""

    def read(self, source: IO[bytes], name: str, report: ConversionReport) -> Iterator[dict[str, Any]]: ...


class Writer(Protocol):
    """Writes standard Bundles to one target, streaming."""

    def write(self, bundles: Iterable[dict[str, Any]], target: IO[bytes], report: ConversionReport) -> None: ...


class Format:
    """A registered format. Subclasses set the class attributes and implement ``read`` and/or ``write``.

    ``sniff`` returns True when the first bytes of an input are unmistakably this format (used for detection).
    """

    name: ClassVar[str]
    description: ClassVar[str]
    extensions: ClassVar[tuple[str, ...]] = ()
    can_read: ClassVar[bool] = False
    can_write: ClassVar[bool] = False
    reads_in_parallel: ClassVar[bool] = False  # read_encoded uses worker processes within one input

    def sniff(self, head: bytes, path: Path | None) -> bool:
        return False

    def read(self, source: IO[bytes], name: str, report: ConversionReport) -> Iterator[dict[str, Any]]:
        raise NotImplementedError(f"{self.name} cannot be read")

    def read_encoded(
        self,
        source: IO[bytes],
        name: str,
        report: ConversionReport,
        encode: Callable[[dict[str, Any]], bytes],
        jobs: int = 1,
    ) -> Iterator[bytes]:
        """``encode(bundle)`` for each Bundle ``read`` yields. A format that can build its Bundles in ``jobs``
        worker processes overrides this (and sets ``reads_in_parallel``); its output and report must be exactly
        those of one process."""
        del jobs
        for bundle in self.read(source, name, report):
            yield encode(bundle)

    def record_encoder(self) -> Callable[[dict[str, Any]], bytes] | None:
        """For a format whose output is its records' encodings one after another (NDJSON): the picklable
        function that encodes one. None for formats that write a whole document."""
        return None

    def write(self, bundles: Iterable[dict[str, Any]], target: IO[bytes], report: ConversionReport) -> None:
        raise NotImplementedError(f"{self.name} cannot be written")
