"""Plain-language labels for codes, and dates and times as a UK practitioner reads them.

Displays come from the shipped CodeSystems (``profiles/CodeSystem``), loaded once; a code of a system the standard
does not ship keeps the display its coding carries. Dates and times are shown in UK local time (Europe/London,
GMT or BST as the date falls). Error policy: nothing here raises on content; an unreadable date is shown as given.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import UTC, datetime, tzinfo
from functools import cache
from typing import Any

from dastandard.standard import standard


@cache
def uk_zone() -> tzinfo:
    """Europe/London (GMT or BST as the date falls); zoneinfo is loaded with the first date shown, not with the
    labels that validation's record digests use."""
    from zoneinfo import ZoneInfo

    return ZoneInfo("Europe/London")


def _concepts(concepts: Any) -> Iterator[Mapping[str, Any]]:
    for concept in concepts if isinstance(concepts, list) else ():
        if isinstance(concept, Mapping):
            yield concept
            yield from _concepts(concept.get("concept"))


@cache
def _displays() -> Mapping[str, Mapping[str, str]]:
    out: dict[str, dict[str, str]] = {}
    for artifact in standard().of_type("CodeSystem"):
        table = out.setdefault(artifact.url, {})
        for concept in _concepts(artifact.resource.get("concept")):
            code, display = concept.get("code"), concept.get("display")
            if isinstance(code, str) and isinstance(display, str):
                table[code] = display
    return out


def code_label(system: Any, code: Any) -> str:
    """The display of ``code`` in the shipped CodeSystem ``system``; else the code with hyphens as spaces."""
    if not isinstance(code, str) or not code:
        return ""
    found = _displays().get(system if isinstance(system, str) else "", {}).get(code)
    return found or code.replace("-", " ")


def concept_label(concept: Any) -> str:
    """The plain words of a CodeableConcept: the shipped display of its first coding, else the coding's own
    display, else its text, else the code made readable; its text first when the code is "other". An empty string
    when there is nothing."""
    if not isinstance(concept, Mapping):
        return ""
    text = concept.get("text")
    codings = (
        [c for c in concept.get("coding", []) if isinstance(c, Mapping)]
        if isinstance(concept.get("coding"), list)
        else []
    )
    if isinstance(text, str) and text and any(c.get("code") == "other" for c in codings):
        return text  # "other" says less than the words recorded with it
    for coding in codings:
        system, code = coding.get("system"), coding.get("code")
        table = _displays().get(system if isinstance(system, str) else "", {})
        shipped = table.get(code) if isinstance(code, str) else None
        if shipped:
            return shipped
        if isinstance(coding.get("display"), str) and coding["display"]:
            return str(coding["display"])
    if isinstance(text, str) and text:
        return text
    for coding in codings:
        if isinstance(coding.get("code"), str):
            return code_label(coding.get("system"), coding["code"])
    return ""


def parse_when(value: Any) -> datetime | None:
    """A FHIR date/dateTime as an aware datetime (a date alone is midnight UK time); None if unreadable."""
    if not isinstance(value, str) or len(value) < 4:
        return None
    text = value.strip().replace("Z", "+00:00")
    try:
        if len(text) <= 10:
            parts = [int(p) for p in text.split("-")] + [1, 1]
            return datetime(parts[0], parts[1], parts[2], tzinfo=uk_zone())
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=uk_zone())


def uk_date(value: Any) -> str:
    """``2024-03-02`` as ``2 Mar 2024`` (a year or year-month stays partial); unreadable text is returned as is."""
    if not isinstance(value, str) or not value:
        return ""
    parts = value[:10].split("-")
    moment = parse_when(value) if len(value) > 10 else None
    if moment is not None:
        local = moment.astimezone(uk_zone())
        return f"{local.day} {local:%b %Y}"
    try:
        if len(parts) == 1:
            return str(int(parts[0]))
        day = datetime(int(parts[0]), int(parts[1]), int(parts[2]) if len(parts) > 2 else 1, tzinfo=UTC)
    except ValueError:
        return value
    return f"{day:%b %Y}" if len(parts) == 2 else f"{day.day} {day:%b %Y}"


def uk_datetime(value: Any) -> str:
    """A FHIR dateTime in UK local time, ``2 Mar 2024, 21:40 GMT``; a date alone is shown as a date."""
    if not isinstance(value, str) or not value:
        return ""
    if len(value) <= 10:
        return uk_date(value)
    moment = parse_when(value)
    if moment is None:
        return value
    local = moment.astimezone(uk_zone())
    return f"{local.day} {local:%b %Y, %H:%M} {local.tzname()}"


def in_sentence(label: str) -> str:
    """A display as it reads inside a sentence: ordinary words in lower case, acronyms (``DA``, ``MARAC``) kept."""
    return " ".join(word if sum(c.isupper() for c in word) > 1 else word.lower() for word in label.split(" "))
