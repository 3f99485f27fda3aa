"""Provenance items for the logical record (the one writer makes the ``DAProvenance`` resources): which agency and
system facts came from, the source file and record, and how the facts are known (``fact-source``). Pure functions;
no I/O, no errors raised on content.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

from dastandard.model.codes import own_code
from dastandard.model.ids import identifier_system

_EPOCH = "1970-01-01T00:00:00Z"
_UK = ZoneInfo("Europe/London")


def as_instant(value: str | None) -> str | None:
    """A FHIR instant for an ISO date or date-time; a value with no offset is read as UK local time.
    Returns None when ``value`` is not a date or date-time."""
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=_UK)
    return moment.isoformat()


@cache
def _urls() -> dict[str, str]:
    """The standard's URLs a Provenance carries, looked up once per process (they depend only on the shipped
    standard)."""
    return {
        "source-file": identifier_system("source-file"),
        "source-record": identifier_system("source-record"),
    }


def provenance_item(
    *,
    resource_id: str,
    targets: Iterable[str],
    source_file: str,
    source_record: str,
    system: str = "",
    agency_id: str | None = None,
    recorded: str | None = None,
    fact_source: str = "record-check",
) -> dict[str, Any]:
    """A DAProvenance as an item of the logical record's ``provenance`` section: the agency (author) and system
    (assembler) the facts came from, the source file and record, and how the facts are known (``fact-source``).
    ``ValueError`` for a fact-source code the standard's CodeSystem does not define.

    ``targets`` and ``agency_id`` are local ids of items in the same record; the one writer makes the resource.
    """
    try:
        own_code("fact-source", fact_source)
    except LookupError:
        raise ValueError(f"unknown fact-source {fact_source!r}") from None
    agents: list[dict[str, Any]] = []
    if agency_id:
        agents.append({"type": "author", "who": agency_id})
    if system:
        agents.append({"type": "assembler", "who": {"display": system}})
    if not agents:
        agents.append({"type": "assembler", "who": {"display": "unknown source system"}})
    urls = _urls()
    return {
        "resourceId": resource_id,
        "targets": list(targets),
        "recorded": recorded or _EPOCH,
        "agents": agents,
        "sources": [
            {"role": "source", "record": {"system": urls["source-file"], "value": source_file}},
            {"role": "source", "record": {"system": urls["source-record"], "value": source_record}},
        ],
        "factSource": fact_source,
    }
