"""The contract every format implements, and the conversion report.

A format reads its input into a stream of standard FHIR Bundles (``DACaseBundle`` dicts) and/or writes such a
stream out. Everything a reader sees in its input must appear in the report: mapped, unmapped (location only,
never the value of a sensitive field), a code with no mapping, or a lossy code mapping. Readers never drop data
silently and never raise on bad input: malformed input becomes a report entry with its location.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO, Any, ClassVar, Protocol

from dastandard.conversion_report import ConversionReport, Loss, ReportEntry

__all__ = ["ConversionReport", "Format", "Loss", "Reader", "ReportEntry", "Writer"]


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
    # The writer walks the FHIR itself: the pipeline first leaves out every value of the wrong JSON type
    # (``dastandard.fhir.shape.well_typed``), each a located ``invalid-input`` entry.
    writes_well_typed_only: ClassVar[bool] = False
    # The security labels the output implies when it has no place for them (``dastandard.convert.labels``);
    # None: the output carries every label as written.
    implied_labels: ClassVar[frozenset[tuple[str, str]] | None] = None

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
