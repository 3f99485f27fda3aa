"""Characters that change how text is displayed without being visible: the Unicode bidirectional controls.

A right-to-left override (U+202E) or an isolate (U+2066..U+2069) in a name can make "Smith" display as another
name, or reorder a date or an address, in a spreadsheet or a web page. The validator reports such characters
(DA0007) and every human-facing writer (HTML and CSV) passes text through ``neutralise_bidi``, which replaces each
control by a visible marker such as ``[U+202E]``: never raw, never silently dropped.
"""

from __future__ import annotations

import re

BIDI_CONTROLS = frozenset(
    {
        "\u061c",  # ARABIC LETTER MARK
        "\u200e",  # LEFT-TO-RIGHT MARK
        "\u200f",  # RIGHT-TO-LEFT MARK
        "\u202a",  # LEFT-TO-RIGHT EMBEDDING
        "\u202b",  # RIGHT-TO-LEFT EMBEDDING
        "\u202c",  # POP DIRECTIONAL FORMATTING
        "\u202d",  # LEFT-TO-RIGHT OVERRIDE
        "\u202e",  # RIGHT-TO-LEFT OVERRIDE
        "\u2066",  # LEFT-TO-RIGHT ISOLATE
        "\u2067",  # RIGHT-TO-LEFT ISOLATE
        "\u2068",  # FIRST STRONG ISOLATE
        "\u2069",  # POP DIRECTIONAL ISOLATE
    }
)
_BIDI = re.compile("[" + "".join(sorted(BIDI_CONTROLS)) + "]")


def find_bidi(text: str) -> list[int]:
    """The positions of the bidirectional controls in ``text`` (empty when there are none)."""
    return [m.start() for m in _BIDI.finditer(text)]


def marker(char: str) -> str:
    """The visible stand-in for one control character, e.g. ``[U+202E]``."""
    return f"[U+{ord(char):04X}]"


def neutralise_bidi(text: str) -> str:
    """``text`` with every bidirectional control replaced by its visible marker."""
    if not _BIDI.search(text):
        return text
    return _BIDI.sub(lambda m: marker(m.group(0)), text)


# The controls in raw UTF-8, as JSON escapes (\u202e) and as XML character references (&#x202E; or &#8238;).
_BIDI_BYTES = re.compile(
    rb"\xe2\x80[\x8e\x8f\xaa-\xae]|\xe2\x81[\xa6-\xa9]|\xd8\x9c"
    rb"|\\u(?:20(?:0[eEfF]|2[a-eA-E]|6[6-9])|061[cC])"
    rb"|&#(?:[xX]0*(?:20(?:0[eEfF]|2[a-eA-E]|6[6-9])|61[cC])|0*(?:8206|8207|823[4-8]|829[4-7]|1564));"
)

_BIDI_LEADS = (b"\xe2\x80", b"\xe2\x81", b"\xd8\x9c", b"\\u", b"&#")


def find_bidi_bytes(data: bytes) -> list[tuple[int, str]]:
    """``(offset, character)`` for each bidirectional control in UTF-8 JSON or XML text, written raw, as a JSON
    escape or as an XML character reference."""
    # the usual case, at memory-search speed: a lead's first byte is looked for alone (memchr) before the lead
    if not any(lead[:1] in data and lead in data for lead in _BIDI_LEADS):
        return []
    found = []
    for match in _BIDI_BYTES.finditer(data):
        token = match.group(0)
        if token.startswith(b"\\u"):
            char = chr(int(token[2:], 16))
        elif token.startswith(b"&#"):
            number = token[2:-1]
            char = chr(int(number[1:], 16) if number[:1] in (b"x", b"X") else int(number))
        else:
            char = token.decode("utf-8")
        found.append((match.start(), char))
    return found
