"""Map a JSON path back to a line and column in the original text, only when a finding is reported.

The hot path parses with orjson, which keeps no positions. ``locate`` re-scans the text without building values
and stops at the target; when the path does not exist (a missing element) it returns the deepest existing
ancestor's position. Paths are tuples of keys and array indexes, without the leading resource type.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import orjson

_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]', re.DOTALL)
_SCALAR = re.compile(r"[^,\]\}\s]*")
_WS = re.compile(r"[ \t\r\n]*")
_PATH_PART = re.compile(r"\.?([^.\[\]]+)|\[(\d+)\]")


def _skip_ws(text: str, pos: int) -> int:
    m = _WS.match(text, pos)
    return m.end() if m else pos


def line_col(text: str, pos: int) -> tuple[int, int]:
    """1-based line and column of a character offset."""
    return text.count("\n", 0, pos) + 1, pos - (text.rfind("\n", 0, pos) + 1) + 1


def _skip_value(text: str, pos: int) -> int:
    char = text[pos : pos + 1]
    if char == '"':
        m = _STRING.match(text, pos)
        return m.end() if m else len(text)
    if char in ("{", "["):
        depth = 0
        for m in _TOKEN.finditer(text, pos):
            token = m.group()
            if token in ("{", "["):
                depth += 1
            elif token in ("}", "]"):
                depth -= 1
                if depth == 0:
                    return m.end()
        return len(text)
    m = _SCALAR.match(text, pos)
    return m.end() if m else pos + 1


def locate(text: str, segments: Sequence[str | int]) -> tuple[int, int]:
    """Line and column of the key (or array item) at ``segments``; of the deepest existing ancestor otherwise."""
    pos = _skip_ws(text, 0)
    if text.startswith("\ufeff"):
        pos = _skip_ws(text, 1)
    best = pos
    try:
        for seg in segments:
            pos = _skip_ws(text, pos)
            if isinstance(seg, str):
                if text[pos : pos + 1] != "{":
                    break
                pos += 1
                found = False
                while True:
                    pos = _skip_ws(text, pos)
                    m = _STRING.match(text, pos)
                    if m is None:
                        break
                    raw = m.group()
                    key = orjson.loads(raw) if "\\" in raw else raw[1:-1]
                    key_pos = pos
                    pos = _skip_ws(text, m.end()) + 1  # the colon
                    pos = _skip_ws(text, pos)
                    if key == seg:
                        best, found = key_pos, True
                        break
                    pos = _skip_ws(text, _skip_value(text, pos))
                    if text[pos : pos + 1] == ",":
                        pos += 1
                if not found:
                    break
            else:
                if text[pos : pos + 1] != "[":
                    break
                pos += 1
                index = 0
                found = False
                while True:
                    pos = _skip_ws(text, pos)
                    if text[pos : pos + 1] in ("]", ""):
                        break
                    if index == seg:
                        best, found = pos, True
                        break
                    pos = _skip_ws(text, _skip_value(text, pos))
                    if text[pos : pos + 1] == ",":
                        pos += 1
                    index += 1
                if not found:
                    break
    except (orjson.JSONDecodeError, IndexError):
        pass
    return line_col(text, best)


def parse_path(path: str) -> tuple[str | int, ...]:
    """Split a FHIRPath-style path (``Bundle.entry[2].resource.birthDate``) into segments, dropping the root.

    ``.ofType(X)`` steps are ignored. An unparseable path gives an empty tuple (the record's own position).
    """
    parts: list[str | int] = []
    cleaned = re.sub(r"\.ofType\([^)]*\)", "", path.lstrip("$"))
    for m in _PATH_PART.finditer(cleaned):
        if m.group(1) is not None:
            parts.append(m.group(1))
        else:
            parts.append(int(m.group(2)))
    return tuple(parts[1:]) if parts and isinstance(parts[0], str) and parts[0][:1].isupper() else tuple(parts)


# One token per object key (with its value when that is a string or a scalar), per scalar, per bracket; the regex
# engine skips whitespace, commas and colons between them.
_SCAN = re.compile(
    r'("[^"\\]*(?:\\.[^"\\]*)*")\s*:\s*(?:"[^"\\]*(?:\\.[^"\\]*)*"|[^\s{}\[\]:,"]+)?'
    r'|"[^"\\]*(?:\\.[^"\\]*)*"|[^\s{}\[\]:,"]+|[{}\[\]]',
    re.DOTALL,
)


def index_positions(text: str) -> dict[tuple[str | int, ...], int]:
    """One pass over ``text``: the offset of every object key and array item, keyed by its JSON path.

    Built only when the first finding of a record needs a position; later findings are dictionary look-ups.
    Malformed text gives a partial index (the caller falls back to the nearest ancestor).
    """
    out: dict[tuple[str | int, ...], int] = {(): _skip_ws(text, 1 if text.startswith("\ufeff") else 0)}
    stack: list[tuple[tuple[str | int, ...], bool, int, Any]] = []  # the enclosing containers' states
    prefix: tuple[str | int, ...] = ()  # path of the current container
    in_array = False
    index = 0  # next item of the current array
    key: Any = None  # last key of the current object
    for m in _SCAN.finditer(text):
        raw_key = m.group(1)
        if raw_key is not None:
            key = orjson.loads(raw_key) if "\\" in raw_key else raw_key[1:-1]
            out[(*prefix, key)] = m.start()
            continue
        start = m.start()
        first = text[start]
        if first == "}" or first == "]":
            if stack:
                prefix, in_array, index, key = stack.pop()
            continue
        if in_array:
            here: tuple[str | int, ...] = (*prefix, index)
            out[here] = start
            index += 1
        elif stack:
            here = (*prefix, key)
        else:
            here = ()
        if first == "{" or first == "[":
            stack.append((prefix, in_array, index, key))
            prefix, in_array, index, key = here, first == "[", 0, None
    return out


def position_in(index: dict[tuple[str | int, ...], int], segments: Sequence[str | int]) -> int:
    """Offset of ``segments`` in an index from ``index_positions``, else of its nearest indexed ancestor."""
    key = tuple(segments)
    while key:
        found = index.get(key)
        if found is not None:
            return found
        key = key[:-1]
    return index.get((), 0)


class CompactPositions:
    """Offsets in a JSON text that is exactly ``orjson.dumps`` of its parsed value (compact, as NDJSON lines
    usually are), worked out from the parsed value by adding up the encoded lengths of the members before each
    step of a path: no scan of the text. Each container's member offsets are computed once, when first needed.

    ``build`` returns None for any other text (white space, other escapes or number spellings, repeated keys), for
    which ``index_positions`` is the way. Offsets are those ``index_positions`` gives: the key's opening quote for
    an object member, the first character of an array item.
    """

    __slots__ = ("_ascii", "_data", "_doc", "_starts")

    def __init__(self, data: bytes, doc: Any) -> None:
        self._data = data
        self._doc = doc
        self._starts: dict[int, tuple[Any, list[tuple[int, int]], list[int]]] = {}
        self._ascii: bool | None = None  # whether every byte is a character (known on first need)

    @classmethod
    def build(cls, data: bytes, doc: Any = None, written: bytes | None = None) -> CompactPositions | None:
        """Positions in ``data``, or None when it is not compact JSON. ``doc``, when given, is its parse (not
        parsed again) and ``written`` its ``orjson.dumps`` (not written again)."""
        if doc is None:
            try:
                doc = orjson.loads(data)
            except orjson.JSONDecodeError:
                return None
        if written is None:
            try:
                written = orjson.dumps(doc)
            except (TypeError, orjson.JSONEncodeError):
                return None
        return cls(data, doc) if written == data else None

    def _member(self, node: Any, start: int, index: int) -> tuple[int, int]:
        """(member offset, value offset) of member ``index`` of ``node``, which starts at byte ``start``; the
        members before it are measured once (on first need, only as far as needed) and kept."""
        cached = self._starts.get(id(node))
        if cached is None or cached[0] is not node:
            cached = self._starts[id(node)] = (node, [], [start + 1])
        out, after = cached[1], cached[2]
        if index < len(out):
            return out[index]
        dumps = orjson.dumps
        pos = after[0]  # where the next unmeasured member starts
        if isinstance(node, dict):
            for key, value in list(node.items())[len(out) : index + 1]:
                value_at = pos + len(dumps(key)) + 1
                out.append((pos, value_at))
                pos = value_at + len(dumps(value)) + 1
        else:
            for value in node[len(out) : index + 1]:
                out.append((pos, pos))
                pos += len(dumps(value)) + 1
        after[0] = pos
        return out[index]

    def offset(self, segments: Sequence[str | int]) -> int:
        """Byte offset of ``segments``, else of its deepest existing ancestor."""
        node, start, best = self._doc, 0, 0
        for seg in segments:
            if isinstance(node, dict) and isinstance(seg, str) and seg in node:
                index = list(node).index(seg)
            elif isinstance(node, list) and isinstance(seg, int) and 0 <= seg < len(node):
                index = seg
            else:
                break
            best, start = self._member(node, start, index)
            node = node[seg]
        return best

    def column(self, segments: Sequence[str | int]) -> int:
        """1-based column (in characters) of ``segments`` on the text's one line."""
        offset = self.offset(segments)
        if self._ascii is None:
            self._ascii = self._data.isascii()
        if self._ascii:
            return offset + 1
        return len(self._data[:offset].decode("utf-8", errors="replace")) + 1
