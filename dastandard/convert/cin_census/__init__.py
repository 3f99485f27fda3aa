"""The DfE Children in Need (CIN) census XML format: read and write.

Reading (``reader``) streams the return (``xml_walk``: one Child in memory at a time; a DOCTYPE is refused,
entities are never resolved, nothing is fetched) and yields one ``DACaseBundle`` per Child: each Child's values
become the logical record's domain terms and the Bundle comes from the one writer (``dastandard.logical``). Bad
content (missing fields, unknown codes, malformed dates, stray text, elements the mapping does not know) becomes
report entries with their XPath; a document that is not well-formed XML ends the read with an ``invalid-input``
entry. The field mapping is declared in ``converters/cin-census/mapping.json``; code lists and maps are the shipped
``CodeSystem/cin-*`` and ``ConceptMap/cin-*`` resources (``vocabulary``). ``census_bundle`` builds a Child given as
plain values with the same code, so the synthetic generator's Bundles are exactly what reading its returns gives.

Writing (``writer``) produces a census return (Header + Children) from standard Bundles read by the one reader
(``dastandard.logical.bundle_to_logical``). ``cin_year`` chooses the sex item: 2024 and later write ``Sex`` (M/F/U);
earlier years write ``GenderCurrent`` (0/1/2/9). Whatever a Bundle holds that the census cannot (security labels
included) is reported as a loss.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO, Any, ClassVar

from dastandard._parallel import batched, ordered_map
from dastandard.conversion_report import ConversionReport
from dastandard.convert.base import Format
from dastandard.convert.cin_census.reader import ChildReader, Context, build_batch, census_bundle, finish_read
from dastandard.convert.cin_census.vocabulary import NAME, CensusHeader, KeyIds
from dastandard.convert.cin_census.writer import write_return
from dastandard.convert.cin_census.xml_walk import child_units, walked
from dastandard.convert.labels import AGENCY_LABELS

_KeyIds = KeyIds  # the name the tests of the stable ids know

__all__ = ["NAME", "CensusHeader", "CinCensusFormat", "census_bundle"]

# Children sent to a worker at once: enough to make the hand-over cheap, few enough to keep memory flat.
_BATCH_CHILDREN = 64


class CinCensusFormat(Format):
    """DfE Children in Need census XML (read and write). ``cin_year`` picks Sex (>= 2024) or GenderCurrent."""

    name: ClassVar[str] = NAME
    description: ClassVar[str] = "DfE Children in Need census return (XML), one DACaseBundle per Child"
    extensions: ClassVar[tuple[str, ...]] = (".xml",)
    can_read: ClassVar[bool] = True
    can_write: ClassVar[bool] = True
    implied_labels: ClassVar[frozenset[tuple[str, str]] | None] = AGENCY_LABELS
    writes_well_typed_only: ClassVar[bool] = True  # XML cannot carry a control character
    reads_in_parallel: ClassVar[bool] = True

    def __init__(self, cin_year: int = 2024) -> None:
        self.cin_year = cin_year

    def sniff(self, head: bytes, path: Path | None) -> bool:
        """True for XML whose root is ``Message`` holding a CIN Header or Children."""
        text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
        return (
            text.startswith((b"<?xml", b"<Message"))
            and b"<Message" in text
            and (b"<Children" in text or b"<Collection>CIN" in text)
        )

    def read(self, source: IO[bytes], name: str, report: ConversionReport) -> Iterator[dict[str, Any]]:
        """Yield one Bundle per Child, streaming. Never raises on content; see the module docstring."""
        held = ConversionReport()
        mapped: dict[str, str] = {}
        ctx: Context | None = None
        for unit in child_units(source, name, held, mapped, walk=True):
            report.entries.extend(unit.before)
            report.records_in += 1
            if ctx is None or ctx.header is not unit.header:
                ctx = Context(report, name, unit.header, mapped)
            yield ChildReader(ctx, unit.xpath, unit.occurrence).build(*walked(unit))
        finish_read(report, held, mapped)

    def read_encoded(
        self,
        source: IO[bytes],
        name: str,
        report: ConversionReport,
        encode: Callable[[dict[str, Any]], bytes],
        jobs: int = 1,
    ) -> Iterator[bytes]:
        """As ``read``, each Bundle given as ``encode(bundle)``. With ``jobs`` > 1 this process reads the XML and
        that many worker processes build and encode the Bundles; the output and the report are exactly those of
        ``jobs=1``, in the same order. ``encode`` must be picklable (a module-level function)."""
        if jobs <= 1:
            for bundle in self.read(source, name, report):
                yield encode(bundle)
            return
        held = ConversionReport()
        mapped: dict[str, str] = {}
        units = child_units(source, name, held, mapped, walk=False)
        batches = ((name, encode, batch) for batch in batched(units, _BATCH_CHILDREN))
        for results, marked in ordered_map(build_batch, batches, jobs):
            mapped.update(marked)
            for before, encoded, entries in results:
                report.entries.extend(before)
                report.records_in += 1
                report.entries.extend(entries)
                yield encoded
        finish_read(report, held, mapped)

    def write(self, bundles: Iterable[dict[str, Any]], target: IO[bytes], report: ConversionReport) -> None:
        """Write a census return. Bundles without an LA child id are skipped and reported; never raises on
        content."""
        write_return(bundles, target, report, self.cin_year)
