"""Size limits on what is read, shared by ``validate`` and ``convert``, and a byte stream that enforces them.

The limits are the parameters of rule DA0005 (``max_file_bytes`` for a whole input, ``max_record_bytes`` for one
NDJSON line, CSV line or JSON document inside a stream), so the catalog holds their defaults and a configuration
file (``[rules.DA0005]``) changes them for both commands at once.

``BoundedInput`` wraps a binary stream: it never hands out more than ``max_file_bytes`` in total nor a line longer
than ``max_record_bytes``; past either it raises ``InputTooLarge`` (a ``FatalError`` with status
``CONVERSION_FAILED``) instead of reading on, so an endless or hostile input (``/dev/zero``, a gigabyte without a
newline) costs bounded memory whichever reader consumes it.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import IO, Any

from dastandard import errors

_CHUNK = 1 << 16


@dataclass(frozen=True)
class Limits:
    """The byte limits on one input (see the module docstring)."""

    max_file_bytes: int
    max_record_bytes: int

    @classmethod
    def from_params(cls, param: Any) -> Limits:
        """Limits from ``param(rule_id, name)`` (``Settings.param``); a missing or bad value takes the default."""
        defaults = default_limits()

        def pick(name: str, default: int) -> int:
            try:
                value = int(param("DA0005", name))
            except (KeyError, TypeError, ValueError):
                return default
            return value if value > 0 else default

        return cls(pick("max_file_bytes", defaults.max_file_bytes), pick("max_record_bytes", defaults.max_record_bytes))


def default_limits() -> Limits:
    """The catalog defaults of DA0005."""
    from dastandard.catalog import catalog

    params = catalog()["DA0005"].params
    return Limits(int(params["max_file_bytes"]), int(params["max_record_bytes"]))


class InputTooLarge(errors.FatalError):
    """An input, or one line of it, is over its limit; nothing more of it is read."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message, errors.CONVERSION_FAILED)
        self.line = line  # the line over the record limit, None when the whole input is over the file limit


class BoundedInput(io.BufferedIOBase):
    """A read-only view of ``raw`` that refuses (``InputTooLarge``) to go past ``limits``.

    ``read()`` without a size reads at most the file limit; ``readline`` (and iteration) at most the record limit
    per line. ``seek(0)`` rewinds when ``raw`` can. The line counter ``line`` says where a refusal happened.
    """

    def __init__(self, raw: IO[bytes], limits: Limits) -> None:
        super().__init__()
        self.raw_stream = raw
        self.limits = limits
        self.consumed = 0
        self.line = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return self.raw_stream.seekable()

    def tell(self) -> int:
        return self.consumed

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        if offset != 0 or whence != io.SEEK_SET:
            raise io.UnsupportedOperation("BoundedInput can only rewind to the start")
        self.raw_stream.seek(0)
        self.consumed = 0
        self.line = 0
        return 0

    def _account(self, data: bytes) -> bytes:
        self.consumed += len(data)
        if self.consumed > self.limits.max_file_bytes:
            raise InputTooLarge(f"the input is over the limit of {self.limits.max_file_bytes} bytes (DA0005)")
        return data

    def read(self, size: int | None = -1) -> bytes:
        if size is None or size < 0:
            parts: list[bytes] = []
            room = self.limits.max_file_bytes - self.consumed + 1
            while room > 0:
                chunk = self.raw_stream.read(min(_CHUNK * 16, room))
                if not chunk:
                    break
                parts.append(chunk)
                room -= len(chunk)
            return self._account(b"".join(parts))
        return self._account(self.raw_stream.read(size))

    def read1(self, size: int = -1) -> bytes:
        return self.read(_CHUNK if size is None or size < 0 else size)

    def readinto(self, buffer: Any) -> int:
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def readline(self, size: int | None = -1) -> bytes:
        limit = self.limits.max_record_bytes
        line = self.raw_stream.readline(limit + 1)
        self._account(line)
        self.line += 1
        if len(line) > limit and not line.endswith(b"\n"):
            raise InputTooLarge(f"line {self.line} is over the limit of {limit} bytes (DA0005)", self.line)
        return line
