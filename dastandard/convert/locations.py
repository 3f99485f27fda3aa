"""The location-disclosure guard: where a victim and the children are must not leave the agency.

Telling the person causing harm where the victim and children now live is the most dangerous data error in
domestic abuse work. The outputs that leave the agency (police CSV, Operation Encompass notifications to schools,
the chronology, the CIN census) therefore never show a **confidential location**:

- an agency of type ``refuge`` (its name, contact or reference tells where the person is);
- an agency that carries the very restricted label ``V`` itself (for example a child's new school or GP);
- the school of a child who is marked confidential: the child carries ``V``, or holds an address marked
  confidential (``confidential-address``), as a child of a parent who fled does.

Each value left out is a ``redacted`` report entry saying what (the field and where), why, and by which rule
(``RULE``); ``--strict`` refuses the conversion instead, as for any other report entry that is not ``mapped``.
Addresses themselves never reach these outputs: none of them has a place for an address. MARAC is read only.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from dastandard.convert.base import ConversionReport, Loss, ReportEntry
from dastandard.model.fragments import as_list, as_map

RULE: Final = "location-disclosure guard"
SHOWN: Final = "[confidential location]"  # what a person-facing output shows instead of a confidential name
REFUGE: Final = "refuge"


def _code(value: Any) -> str:
    if isinstance(value, str):
        return value
    code = as_map(value).get("code")
    return code if isinstance(code, str) else ""


def _very_restricted(item: Mapping[str, Any]) -> bool:
    return _code(as_map(item.get("security")).get("confidentiality")) == "V"


def _confidential_person(person: Mapping[str, Any]) -> bool:
    return _very_restricted(person) or any(
        as_map(a).get("confidential") is True for a in as_list(person.get("addresses"))
    )


def confidential_agencies(record: Mapping[str, Any]) -> dict[str, str]:
    """Local id of every agency of a case record that is a confidential location -> why (in words)."""
    out: dict[str, str] = {}
    for agency in as_list(record.get("agencies")):
        agency = as_map(agency)
        local = agency.get("id")
        if not isinstance(local, str):
            continue
        if REFUGE in [_code(t) for t in as_list(agency.get("types"))]:
            out[local] = "a refuge: its name or contact tells where the person is"
        elif _very_restricted(agency):
            out[local] = "the agency carries the very restricted label V (a new school or GP)"
    persons = {p.get("id"): p for p in (as_map(p) for p in as_list(record.get("persons"))) if "id" in p}
    for incident in as_list(record.get("incidents")):
        for party in as_list(as_map(incident).get("parties")):
            party = as_map(party)
            school, person = _local(party.get("school")), persons.get(_local(party.get("person")))
            if school and person is not None and school not in out and _confidential_person(person):
                out[school] = "the school of a child marked confidential (V, or a confidential address)"
    return out


def _local(value: Any) -> str:
    if isinstance(value, str):
        return value
    local = as_map(value).get("id")
    return local if isinstance(local, str) else ""


def redacted(report: ConversionReport, field: str, location: str, why: str, what: str = "left out") -> None:
    """Record one redaction: what (``field``, ``location``), why and by which rule."""
    report.add(
        ReportEntry(Loss.REDACTED, field, location, f"{what}: a confidential location, {why} ({RULE})", code=RULE)
    )
