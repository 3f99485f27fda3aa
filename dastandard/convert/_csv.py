"""CSV as the agency formats write and read it: formula-injection-safe cells and located rows.

- Output: ``escape_cell`` makes every cell safe from formula injection; ``unescape_cell`` is its exact inverse, so
  a file written by this toolkit reads back to the same values; ``write_csv`` writes UTF-8 CSV with every cell
  escaped.
- Input: ``read_csv_rows`` streams rows from bytes, detecting UTF-8 (with or without BOM) and falling back to
  Windows-1252; the encoding used is recorded in the report, never guessed silently. ``cell_location`` names a
  cell the way every CSV format reports it (``row N, column "name"``).

Nothing here raises on bad input data: a file that is not CSV ends the rows with an INVALID_INPUT entry.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import IO

from dastandard.convert.base import ConversionReport, Loss, ReportEntry

# ---------------------------------------------------------------------------------------------------- CSV cells

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def escape_cell(value: str) -> str:
    """Prefix a single quote to a cell a spreadsheet would read as a formula.

    A value that already starts with quotes followed by a trigger also gains one quote, so that
    ``unescape_cell(escape_cell(v)) == v`` for every string ``v``.
    """
    if value.startswith(FORMULA_TRIGGERS) or (value.startswith("'") and value.lstrip("'").startswith(FORMULA_TRIGGERS)):
        return "'" + value
    return value


def unescape_cell(value: str) -> str:
    """Undo ``escape_cell``: drop one leading quote when the rest (after any further quotes) starts with a trigger."""
    if value.startswith("'") and value.lstrip("'").startswith(FORMULA_TRIGGERS):
        return value[1:]
    return value


def write_csv(target: IO[bytes], header: Sequence[str], rows: Iterable[Sequence[str]]) -> int:
    """Write UTF-8 CSV (CRLF line ends, minimal quoting) with every cell escaped; return the number of data rows."""
    text = io.TextIOWrapper(target, encoding="utf-8", newline="", write_through=True)
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerow([escape_cell(h) for h in header])
    count = 0
    for row in rows:
        writer.writerow([escape_cell(c) for c in row])
        count += 1
    text.flush()
    text.detach()
    return count


# ---------------------------------------------------------------------------------------------------- CSV input


@dataclass
class _Decoder:
    """Decode a byte stream line by line: UTF-8 until a line is not UTF-8, then Windows-1252 for the rest."""

    report: ConversionReport
    name: str
    encoding: str = "utf-8"
    saw_non_ascii_utf8: bool = False
    line_no: int = 0

    def lines(self, source: IO[bytes]) -> Iterator[str]:
        for raw in source:
            self.line_no += 1
            if self.line_no == 1 and raw.startswith(b"\xef\xbb\xbf"):
                raw = raw[3:]
                self.encoding = "utf-8-sig"
            if self.encoding != "cp1252":
                try:
                    text = raw.decode("utf-8")
                except UnicodeDecodeError:
                    if self.saw_non_ascii_utf8 or self.encoding == "utf-8-sig":
                        self.report.add(
                            ReportEntry(
                                Loss.INVALID_INPUT,
                                "(encoding)",
                                f"line {self.line_no}",
                                "the file mixes UTF-8 and another encoding; lines from here on are read as "
                                "Windows-1252",
                            )
                        )
                    self.encoding = "cp1252"
                else:
                    if not raw.isascii():
                        self.saw_non_ascii_utf8 = True
                    yield text
                    continue
            yield raw.decode("cp1252", errors="replace")


def read_csv_rows(source: IO[bytes], name: str, report: ConversionReport) -> Iterator[tuple[int, list[str]]]:
    """Yield ``(row_number, cells)`` for every CSV record; row 1 is the header. Cells are unescaped.

    The encoding actually used is recorded as a MAPPED report entry (``(encoding)``) when the stream ends.
    A file that cannot be parsed as CSV at all ends the stream with an INVALID_INPUT entry.
    """
    decoder = _Decoder(report, name)
    reader = csv.reader(decoder.lines(source), strict=False)
    row_no = 0
    try:
        for cells in reader:
            row_no += 1
            yield row_no, [unescape_cell(c) for c in cells]
    except csv.Error as exc:
        report.add(ReportEntry(Loss.INVALID_INPUT, "(csv)", f"row {row_no + 1}", f"not readable as CSV: {exc}"))
    report.add(
        ReportEntry(
            Loss.MAPPED, "(encoding)", name or "(input)", f"decoded as {decoder.encoding}", code=decoder.encoding
        )
    )


def cell_location(row: int, column: str) -> str:
    """Where a cell is, as every CSV format reports it: ``row N, column "name"`` (row 1 is the header)."""
    return f'row {row}, column "{column}"'
