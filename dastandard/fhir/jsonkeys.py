"""Duplicate object keys in JSON text.

JSON parsers disagree on a repeated key: orjson (and most others) keep the last value silently, so a second
``"meta"`` can replace the security labels of the first without trace. ``duplicate_keys`` finds every repeated key
with its line and column at little cost: the full scan (a regular-expression tokenizer) runs only when the text
holds more colons than the parsed document written back (``orjson.dumps``), counting any ``\\u`` escape in the text
as a possible hidden colon. Every key is followed by one colon and the strings are the same in both, so without a
repeated key the counts agree; a repeated key adds at least one colon that the parse dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import orjson

# Every JSON string token, and whether a colon follows it (then it is an object key). Outside strings valid JSON
# has no quote character, so scanning from the start meets each string exactly once.
_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"(\s*:)?', re.DOTALL)
_TOKEN = re.compile(rb'"(?:[^"\\]|\\.)*"\s*:|[{}\[\]]|"(?:[^"\\]|\\.)*"', re.DOTALL)


@dataclass(frozen=True, slots=True)
class DuplicateKey:
    """A key repeated in one JSON object: its name, and the line and column (1-based) of the repetition."""

    key: str
    line: int
    column: int


def text_key_count(data: bytes) -> int:
    """The number of object keys written in the JSON text ``data`` (duplicates included)."""
    return sum(1 for m in _STRING.finditer(data) if m.group(1))


def parsed_key_count(document: Any) -> int:
    """The number of keys in the parsed document (each object's distinct keys)."""
    count, stack = 0, [document]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            count += len(item)
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return count


def may_repeat_keys(data: bytes, document: Any, written_back: bytes | None = None) -> bool:
    """False when the JSON text ``data`` certainly repeats no key of its parse ``document`` (the colon count);
    ``written_back`` is ``orjson.dumps(document)`` when the caller has it."""
    if written_back is None:
        try:
            written_back = orjson.dumps(document)
        except (TypeError, orjson.JSONEncodeError):
            return True
    if written_back == data:  # the document written back is the text: one object cannot hold a key twice
        return False
    escapes = data.count(b"\\u") if b"\\" in data else 0  # a one-byte search first, at memchr speed
    return data.count(b":") + escapes > written_back.count(b":")


def duplicate_keys(data: bytes, document: Any, written_back: bytes | None = None) -> list[DuplicateKey]:
    """Every repeated key in the JSON text ``data`` whose parse is ``document``; empty in the usual case.
    ``written_back`` is ``orjson.dumps(document)`` when the caller has it."""
    if not may_repeat_keys(data, document, written_back):
        return []
    found: list[DuplicateKey] = []
    stack: list[set[bytes] | None] = []
    for match in _TOKEN.finditer(data):
        token = match.group(0)
        if token in (b"{", b"["):
            stack.append(set() if token == b"{" else None)
        elif token in (b"}", b"]"):
            if stack:
                stack.pop()
        elif token.rstrip().endswith(b":") and stack and stack[-1] is not None:
            key = token.rstrip()[:-1].rstrip()
            keys = stack[-1]
            if key in keys:
                offset = match.start()
                line = data.count(b"\n", 0, offset) + 1
                column = offset - (data.rfind(b"\n", 0, offset) + 1) + 1
                found.append(DuplicateKey(key[1:-1].decode("utf-8", "replace"), line, column))
            keys.add(key)
    return found
