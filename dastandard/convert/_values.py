"""Dates and times as agency files write them: UK dates, UK local date-times, FHIR date-times and sort keys.

Parsers return ``None`` for text that is not a real date or time (never raise); callers report it with its
location.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

# ---------------------------------------------------------------------------------------------------- values

_LONDON = ZoneInfo("Europe/London")
_DATE_UK = re.compile(r"^(\d{2})/(\d{2})/(\d{4})$")
_DATETIME_LOCAL = re.compile(r"^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2}))?$")
_DATETIME_UK = re.compile(r"^(\d{2})/(\d{2})/(\d{4}) (\d{2}):(\d{2})(?::(\d{2}))?$")


def parse_date(text: str) -> str | None:
    """``YYYY-MM-DD`` or ``DD/MM/YYYY`` to a FHIR date; None if not a real calendar date."""
    text = text.strip()
    try:
        m = _DATE_UK.match(text)
        if m:
            return date(int(m[3]), int(m[2]), int(m[1])).isoformat()
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            return date.fromisoformat(text).isoformat()
    except ValueError:
        return None
    return None


def parse_local_datetime(text: str) -> str | None:
    """A UK local date and time (``YYYY-MM-DDTHH:MM[:SS]`` or ``DD/MM/YYYY HH:MM``) to a FHIR dateTime.

    The offset is Europe/London's at that moment. None for a malformed value or a time that does not exist
    locally (the hour skipped when the clocks go forward).
    """
    text = text.strip()
    m = _DATETIME_LOCAL.match(text)
    parts: tuple[int, ...]
    if m:
        parts = (int(m[1]), int(m[2]), int(m[3]), int(m[4]), int(m[5]), int(m[6] or 0))
    else:
        m = _DATETIME_UK.match(text)
        if not m:
            return None
        parts = (int(m[3]), int(m[2]), int(m[1]), int(m[4]), int(m[5]), int(m[6] or 0))
    try:
        local = datetime(*parts, tzinfo=_LONDON)
    except ValueError:
        return None
    round_trip = local.astimezone(ZoneInfo("UTC")).astimezone(_LONDON)
    if round_trip.replace(tzinfo=None) != local.replace(tzinfo=None):
        return None
    return local.isoformat()


def format_local_datetime(value: str) -> str:
    """A FHIR dateTime back to UK local ``YYYY-MM-DDTHH:MM`` (``:SS`` only when not zero); other text unchanged."""
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return value
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(_LONDON)
    return parsed.strftime("%Y-%m-%dT%H:%M:%S" if parsed.second else "%Y-%m-%dT%H:%M")


def sort_key(value: str) -> tuple[datetime, str]:
    """A sort key for FHIR date/dateTime text: aware times in UTC, dates at local midnight, bad text last."""
    try:
        if len(value) == 4:
            parsed = datetime(int(value), 1, 1)
        elif len(value) == 7:
            parsed = datetime(int(value[:4]), int(value[5:7]), 1)
        else:
            parsed = datetime.fromisoformat(value)
    except ValueError:
        return datetime.max, value
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(ZoneInfo("UTC")).replace(tzinfo=None)
    return parsed, value


def instant(fhir_datetime: str) -> str:
    """A FHIR instant (seconds and offset) for a dateTime or date; dates become local midnight."""
    try:
        parsed = datetime.fromisoformat(fhir_datetime)
    except ValueError:
        parsed = datetime(1970, 1, 1)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=_LONDON)
    return parsed.replace(microsecond=0).isoformat(timespec="seconds")


def age_on(birth_date: str, on: str) -> int | None:
    """Whole years between a birth date and another date (None if either is not a date)."""
    try:
        born = date.fromisoformat(birth_date[:10])
        then = date.fromisoformat(on[:10])
    except ValueError:
        return None
    years = then.year - born.year - ((then.month, then.day) < (born.month, born.day))
    return years if then >= born else None
