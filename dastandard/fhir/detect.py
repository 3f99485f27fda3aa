"""The one input-format detector: what kind of container the first bytes of an input are.

``detect_shape`` is used by validation (``dastandard.validation.engine``) and by conversion (the FHIR formats'
``sniff`` in ``dastandard.convert.fhir_formats`` and the logical record format), so the two never disagree on
whether an input is one JSON document, NDJSON or XML. It knows nothing of agency formats or of the standard:
an agency format (a CSV export, a census XML) still recognises its own content in its ``sniff``.

The rules, in order (content first; the file name only where the content cannot tell):

1. a name ending ``.ndjson`` or ``.jsonl`` is NDJSON;
2. a UTF-16 or UTF-32 byte order mark is JSON (reported as an encoding problem when parsed);
3. after a UTF-8 byte order mark and white space: ``<`` is XML, ``[`` is JSON;
4. ``{`` with more non-blank content after the first line: NDJSON when that first line is a complete JSON object
   on its own, else JSON (a pretty-printed document);
5. ``{`` on a single line: JSON, unless the head has no line break, does not hold a complete JSON document (it was
   cut short inside a long first line) and the name does not end ``.json``: then NDJSON, since one compact document
   read as NDJSON gives the same record, and a stream whose first line is long must be read line by line;
6. anything else: ``None`` (not a FHIR container).

Never raises.
"""

from __future__ import annotations

import codecs
from pathlib import Path
from typing import Literal

import orjson

Shape = Literal["json", "ndjson", "xml"]
SHAPES: tuple[Shape, ...] = ("json", "ndjson", "xml")

HEAD_BYTES = 65536
"""How many leading bytes every caller reads before detecting (a shorter head means the whole input)."""

NDJSON_SUFFIXES = (".ndjson", ".jsonl")
_WIDE_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)


def strip_head(head: bytes) -> bytes:
    """``head`` without a UTF-8 byte order mark and leading white space."""
    return head.removeprefix(codecs.BOM_UTF8).lstrip()


def is_resource(value: object) -> bool:
    """True for a JSON object with a string ``resourceType`` (a FHIR resource in its JSON form)."""
    return isinstance(value, dict) and isinstance(value.get("resourceType"), str)


def detect_shape(head: bytes, path: Path | None = None) -> Shape | None:
    """The container shape of an input from its first ``HEAD_BYTES`` bytes and its name (see the module rules)."""
    suffix = path.suffix.lower() if path is not None else ""
    if suffix in NDJSON_SUFFIXES:
        return "ndjson"
    if head.startswith(_WIDE_BOMS):
        return "json"
    body = strip_head(head)
    if body.startswith(b"<"):
        return "xml"
    if body.startswith(b"["):
        return "json"
    if not body.startswith(b"{"):
        return None
    first, newline, rest = body.partition(b"\n")
    if newline and rest.strip():
        try:
            parsed = orjson.loads(first)
        except orjson.JSONDecodeError:
            return "json"
        return "ndjson" if isinstance(parsed, dict) else "json"
    if newline or suffix == ".json":
        return "json"
    try:
        orjson.loads(first)
    except orjson.JSONDecodeError:
        return "ndjson"  # cut short inside its first line: read line by line
    return "json"
