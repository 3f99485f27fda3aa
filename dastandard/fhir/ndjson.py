"""NDJSON reading: a byte stream split into lines with a bound on each line's length."""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO

from dastandard.fhir.detect import HEAD_BYTES


def bounded_lines(head: bytes, handle: IO[bytes], max_record: int) -> Iterator[bytes | None]:
    """Split a stream into lines without holding more than one line (plus a read chunk) in memory.

    An over-long line yields ``None`` and is skipped up to its newline.
    """
    buffer, start, eof = head, 0, False
    while True:
        newline = buffer.find(b"\n", start)
        while newline < 0 and not eof and len(buffer) - start <= max_record:
            chunk = handle.read(HEAD_BYTES)
            if not chunk:
                eof = True
                break
            searched = len(buffer) - start
            buffer, start = buffer[start:] + chunk, 0
            newline = buffer.find(b"\n", searched)
        if newline >= 0:
            line = buffer[start:newline]
            start = newline + 1
            yield None if len(line) > max_record else line
        elif len(buffer) - start > max_record:
            yield None
            buffer, start = b"", 0
            while not eof:
                chunk = handle.read(HEAD_BYTES)
                if not chunk:
                    eof = True
                    break
                cut = chunk.find(b"\n")
                if cut >= 0:
                    buffer = chunk[cut + 1 :]
                    break
        else:
            if start < len(buffer):
                yield buffer[start:]
            return
