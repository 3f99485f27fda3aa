"""Build ``DAProvenance`` resources: which agency and system facts came from, the source file and record, and
how the facts are known (``fact-source``). Pure functions; no I/O, no errors raised on content.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

from dastandard.model.ids import code_system_url, extension_url, identifier_system, profile_url, reference
from dastandard.model.urls import PROVENANCE_PARTICIPANT_TYPE

_PARTICIPANT = PROVENANCE_PARTICIPANT_TYPE
_EPOCH = "1970-01-01T00:00:00Z"
_UK = ZoneInfo("Europe/London")

FACT_SOURCES = ("self-reported", "reported-by-other", "observed", "verified-by-agency", "record-check", "derived")


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


def build_provenance(
    *,
    resource_id: str,
    targets: Iterable[str],
    source_file: str,
    source_record: str,
    system: str = "",
    agency_id: str | None = None,
    recorded: str | None = None,
    fact_source: str = "record-check",
    fact_source_person_id: str | None = None,
    extensions: Iterable[dict[str, Any]] = (),
) -> dict[str, Any]:
    """A DAProvenance for the resources ``targets`` (ids of entries in the same Bundle).

    ``agency_id`` is the DAAgency entry the facts came from (the author); ``system`` names the source software
    (the assembler); ``source_file`` and ``source_record`` identify the file and the record inside it.
    ``recorded`` must be deterministic (taken from the source); the epoch is used when the source has none.
    """
    if fact_source not in FACT_SOURCES:
        raise ValueError(f"unknown fact-source {fact_source!r}")
    urls = _urls()
    agents: list[dict[str, Any]] = []
    if agency_id:
        agents.append({"type": _participant("author"), "who": reference(agency_id)})
    if system:
        agents.append({"type": _participant("assembler"), "who": {"display": system}})
    if not agents:
        agents.append({"type": _participant("assembler"), "who": {"display": "unknown source system"}})
    ext: list[dict[str, Any]] = [
        {
            "url": urls["fact-source"],
            "valueCodeableConcept": {"coding": [{"system": urls["fact-source-codes"], "code": fact_source}]},
        }
    ]
    if fact_source_person_id:
        ext.append({"url": urls["fact-source-person"], "valueReference": reference(fact_source_person_id)})
    ext.extend(extensions)
    return {
        "resourceType": "Provenance",
        "id": resource_id,
        "meta": {"profile": [urls["profile"]]},
        "extension": ext,
        "target": [{"reference": f"urn:uuid:{t}"} for t in targets],  # as ids.reference
        "recorded": recorded or _EPOCH,
        "agent": agents,
        "entity": [
            {
                "role": "source",
                "what": {"identifier": {"system": urls["source-file"], "value": source_file}},
            },
            {
                "role": "source",
                "what": {"identifier": {"system": urls["source-record"], "value": source_record}},
            },
        ],
    }


@cache
def _urls() -> dict[str, str]:
    """The standard's URLs a Provenance carries, looked up once per process (they depend only on the shipped
    standard)."""
    return {
        "profile": profile_url("DAProvenance"),
        "fact-source": extension_url("fact-source"),
        "fact-source-codes": code_system_url("fact-source"),
        "fact-source-person": extension_url("fact-source-person"),
        "source-file": identifier_system("source-file"),
        "source-record": identifier_system("source-record"),
    }


def _participant(code: str) -> dict[str, Any]:
    return {"coding": [{"system": _PARTICIPANT, "code": code}]}


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
    """The same DAProvenance as ``build_provenance``, as an item of the logical record's ``provenance`` section.

    ``targets`` and ``agency_id`` are local ids of items in the same record; the one writer makes the resource.
    """
    if fact_source not in FACT_SOURCES:
        raise ValueError(f"unknown fact-source {fact_source!r}")
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
