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
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import IO

from dastandard.convert.base import ConversionReport, Loss, ReportEntry
from dastandard.textsafety import neutralise_bidi

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


def write_csv(
    target: IO[bytes], header: Sequence[str], rows: Iterable[Sequence[str]], report: ConversionReport | None = None
) -> int:
    """Write UTF-8 CSV (CRLF line ends, minimal quoting) with every cell escaped; return the number of data rows.

    Every cell is safe from formula injection (``escape_cell``) and shows any bidirectional control character as a
    visible marker (``dastandard.textsafety``); each cell so altered is an ``ALTERED`` entry in ``report``.
    """
    text = io.TextIOWrapper(target, encoding="utf-8", newline="", write_through=True)
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerow([escape_cell(neutralise_bidi(h)) for h in header])
    count = 0
    for row in rows:
        cells = [neutralise_bidi(c) for c in row]
        if report is not None and cells != list(row):
            for column, (before, after) in enumerate(zip(row, cells, strict=True)):
                if before != after:
                    where = f"row {count + 2}, column {header[column] if column < len(header) else column + 1!r}"
                    report.add(ReportEntry(Loss.ALTERED, "(text)", where, "bidirectional control shown as a marker"))
        writer.writerow([escape_cell(c) for c in cells])
        count += 1
    text.flush()
    text.detach()
    return count


# ---------------------------------------------------------------------------------------------------- CSV input


_INVALID_BYTES = re.compile("[\udc80-\udcff]")  # how surrogateescape decoding marks a byte that is not UTF-8


@dataclass
class _Decoder:
    """Decode a byte stream line by line as UTF-8 (a BOM is dropped); a byte that is not UTF-8 is kept as a
    surrogate escape (U+DC80..U+DCFF) for ``read_csv_rows`` to locate and report, never replaced silently."""

    report: ConversionReport
    name: str
    encoding: str = "utf-8"
    invalid_lines: int = 0
    line_no: int = 0

    def lines(self, source: IO[bytes]) -> Iterator[str]:
        for raw in source:
            self.line_no += 1
            if self.line_no == 1 and raw.startswith(b"\xef\xbb\xbf"):
                raw = raw[3:]
                self.encoding = "utf-8-sig"
            try:
                yield raw.decode("utf-8")
            except UnicodeDecodeError:
                self.invalid_lines += 1
                yield raw.decode("utf-8", errors="surrogateescape")


def _not_utf8(cell: str, where: str, field_name: str, report: ConversionReport) -> str:
    """A cell holding bytes that are not UTF-8: reported as invalid input where it is, and read as Windows-1252
    (the usual encoding of such exports) so that the report can say what was assumed."""
    raw = cell.encode("utf-8", errors="surrogateescape")
    first = _INVALID_BYTES.search(cell)
    offset = first.start() + 1 if first else 1
    report.add(
        ReportEntry(
            Loss.INVALID_INPUT,
            field_name,
            where,
            f"not valid UTF-8 (byte 0x{ord(first.group(0)) - 0xDC00 if first else 0:02x} at character {offset}); "
            "read as Windows-1252",
        )
    )
    return raw.decode("cp1252", errors="replace")


def read_csv_rows(source: IO[bytes], name: str, report: ConversionReport) -> Iterator[tuple[int, list[str]]]:
    """Yield ``(row_number, cells)`` for every CSV record; row 1 is the header. Cells are unescaped.

    Text is UTF-8. A cell holding bytes that are not UTF-8 is an INVALID_INPUT entry at its ``row N, column
    "name"`` (so ``--strict`` refuses the file) and is read as Windows-1252; the encoding actually used is recorded
    as a MAPPED report entry (``(encoding)``) when the stream ends. A file that cannot be parsed as CSV at all ends
    the stream with an INVALID_INPUT entry.
    """
    decoder = _Decoder(report, name)
    reader = csv.reader(decoder.lines(source), strict=False)
    row_no = 0
    header: list[str] = []
    try:
        for cells in reader:
            row_no += 1
            if decoder.invalid_lines and any(_INVALID_BYTES.search(c) for c in cells):
                cells = [
                    _not_utf8(c, f"row {row_no}, column {_column_name(header, i)!r}", _column_name(header, i), report)
                    if _INVALID_BYTES.search(c)
                    else c
                    for i, c in enumerate(cells)
                ]
            if row_no == 1:
                header = cells
            yield row_no, [unescape_cell(c) for c in cells]
    except csv.Error as exc:
        report.add(ReportEntry(Loss.INVALID_INPUT, "(csv)", f"row {row_no + 1}", f"not readable as CSV: {exc}"))
    encoding = "cp1252" if decoder.invalid_lines else decoder.encoding
    report.add(ReportEntry(Loss.MAPPED, "(encoding)", name or "(input)", f"decoded as {encoding}", code=encoding))


def _column_name(header: Sequence[str], index: int) -> str:
    return header[index] if index < len(header) else f"#{index + 1}"


def cell_location(row: int, column: str) -> str:
    """Where a cell is, as every CSV format reports it: ``row N, column "name"`` (row 1 is the header)."""
    return f'row {row}, column "{column}"'
