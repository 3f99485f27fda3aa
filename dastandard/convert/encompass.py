"""Operation Encompass school notification (``encompass``): write only, JSON.

The deliberately minimal projection of a police incident for a school's Designated Safeguarding Lead: one
notification per child per school per police incident, holding only the child's name and date of birth, the
school, the incident date and time, whether the child was present, the police reference and a police contact.
Who else was involved, where, and what happened are never written: every other element of the Bundle is listed in
the report as deliberately not projected (``Loss.NOT_PROJECTED``, which ``--strict`` does not count as a
loss). A child with no school recorded gets no notification, and the report says so.

Each Bundle is read with the one reader (``bundle_to_logical``) and the notification is taken from the case record;
what the Bundle holds that the record cannot is the reader's located entry (a value of the wrong JSON type is
INVALID_INPUT). Not projected elements are named by their FHIR element (``Observation.valueString``).

Error policy: never raises on content; anything that cannot be projected is a report entry.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import IO, Any, ClassVar

import orjson

from dastandard.convert.base import ConversionReport, Format, Loss, ReportEntry
from dastandard.convert.labels import AGENCY_LABELS
from dastandard.convert.locations import confidential_agencies, redacted
from dastandard.logical import SECTION_BY_KEY, SECTIONS, At, Comp, Complex, Ext, bundle_to_logical
from dastandard.logical.model import ext_url
from dastandard.model.ids import identifier_system

NOT_PROJECTED = (
    "deliberately not projected: Operation Encompass notifications carry only the child, the school, "
    "when, whether present, the police reference and a contact"
)
CHILD_ROLES = {"child-present": True, "child-not-present": False}

# The only properties read from each item of the case record; everything else is reported as not projected.
_INCIDENT_KEYS = frozenset(
    {"id", "resourceId", "identifiers", "effectiveDateTime", "effectivePeriod", "agency", "parties"}
)
_PERSON_KEYS = frozenset({"id", "resourceId", "name", "birthDate"})
_AGENCY_KEYS = frozenset({"id", "resourceId", "name", "identifiers", "telecom", "types"})


class EncompassFormat(Format):
    """Operation Encompass notifications to schools (JSON), the minimal school-facing projection."""

    name: ClassVar[str] = "encompass"
    description: ClassVar[str] = "Operation Encompass school notifications (JSON, write only, minimal by design)"
    extensions: ClassVar[tuple[str, ...]] = (".encompass.json",)
    can_write: ClassVar[bool] = True
    implied_labels: ClassVar[frozenset[tuple[str, str]] | None] = AGENCY_LABELS

    def write(self, bundles: Iterable[dict[str, Any]], target: IO[bytes], report: ConversionReport) -> None:
        """Write ``{"notifications": [...]}``; everything not projected is listed in the report."""
        report.target_format = report.target_format or self.name
        notifications: list[dict[str, Any]] = []
        for bundle in bundles:
            report.records_in += 1
            notifications.extend(_project(bundle, report))
        notifications.sort(
            key=lambda n: (
                n["school"]["name"],
                n["incident"]["dateTime"],
                n["incident"]["policeReference"],
                n["child"]["name"],
            )
        )
        report.records_out += len(notifications)
        document = {"notificationType": "operation-encompass", "version": "1", "notifications": notifications}
        target.write(orjson.dumps(document, option=orjson.OPT_INDENT_2) + b"\n")


def _not_projected(report: ConversionReport, field: str, location: str) -> None:
    report.add(ReportEntry(Loss.NOT_PROJECTED, field, location, NOT_PROJECTED))


def _full_name(person: Mapping[str, Any]) -> str:
    name = person.get("name", {})
    parts = [*(str(g) for g in name.get("given", [])), str(name.get("family", ""))]
    return " ".join(p for p in parts if p) or str(name.get("text", ""))


def _fhir_name(section_key: str, key: str) -> str:
    """The FHIR element a logical property is written to (``valueString``, ``component``, ``extension(<url>)``)."""
    for f in SECTION_BY_KEY[section_key].fields:
        if f.key != key:
            continue
        if isinstance(f, At) and f.path:
            return str(f.path[0])
        if isinstance(f, Comp):
            return "component"
        if isinstance(f, Ext | Complex):
            return f"extension({ext_url(f.url, False)})"
    return key


def _local(value: Any) -> str:
    if isinstance(value, str):
        return value
    return str(value.get("id", "")) if isinstance(value, Mapping) else ""


def _code(value: Any) -> str:
    if isinstance(value, str):
        return value
    return str(value.get("code", "")) if isinstance(value, Mapping) else ""


def _identifier(item: Mapping[str, Any], system: str) -> str:
    return next((str(i.get("value", "")) for i in item.get("identifiers", ()) if i.get("system") == system), "")


def _project(bundle: Any, report: ConversionReport) -> list[dict[str, Any]]:
    if not isinstance(bundle, Mapping):
        report.add(ReportEntry(Loss.INVALID_INPUT, "Bundle", "Bundle", "not a JSON object; nothing written"))
        return []
    found = ConversionReport()
    record = bundle_to_logical(bundle, found)
    for entry in found.losses:
        kind = Loss.INVALID_INPUT if entry.message.startswith("not a ") else entry.kind
        report.add(ReportEntry(kind, entry.source_field, entry.location, entry.message, entry.code))
    base = f"Bundle/{bundle.get('id', '')}"
    items: dict[str, tuple[str, dict[str, Any]]] = {}
    for section in SECTIONS:
        for item in record.get(section.key, ()):
            items[item.get("id") or f"#{section.key}-{len(items)}"] = (section.key, item)

    def rid(item: Mapping[str, Any]) -> str:
        return str(item.get("resourceId") or item.get("id", ""))

    used: set[str] = set()
    out: list[dict[str, Any]] = []
    confidential = confidential_agencies(record)
    for incident in record.get("incidents", ()):
        loc = f"{base}/Observation/{rid(incident)}"
        force = items.get(_local(incident.get("agency")), ("", {}))[1]
        if "police" not in [_code(t) for t in force.get("types", ())]:
            continue  # not a police incident: reported with the other unused resources below
        used.update({incident["id"], force.get("id", "")})
        for key in incident:
            if key not in _INCIDENT_KEYS:
                _not_projected(report, f"Observation.{_fhir_name('incidents', key)}", loc)
        effective = incident.get("effectiveDateTime")
        when = effective if isinstance(effective, str) else str(incident.get("effectivePeriod", {}).get("start", ""))
        contact = {"name": str(force.get("name", ""))}
        telecom = [str(t.get("value", "")) for t in force.get("telecom", ()) if t.get("value")]
        if telecom:
            contact["telecom"] = telecom[0]
        identifiers = incident.get("identifiers", ())
        reference = _identifier(incident, identifier_system("police-incident-reference")) or (
            str(identifiers[0].get("value", "")) if identifiers else ""
        )
        for index, party in enumerate(incident.get("parties", ())):
            role = _code(party.get("role"))
            party_loc = f"{loc}/extension[incident-party][{index}]"
            if role not in CHILD_ROLES:
                _not_projected(report, f"incident-party ({role or 'no role'})", party_loc)
                continue
            for key in party:
                if key not in ("person", "role", "school"):
                    _not_projected(report, f"incident-party.{key}", party_loc)
            child_id, school_id = _local(party.get("person")), _local(party.get("school"))
            child = items.get(child_id, ("", {}))[1]
            school = items.get(school_id, ("", {}))[1]
            if not school:
                report.add(
                    ReportEntry(
                        Loss.UNMAPPED_FIELD,
                        "incident-party.school",
                        party_loc,
                        "no school recorded for this child: no notification can be made",
                    )
                )
                continue
            if school_id in confidential:
                why = confidential[school_id]
                redacted(report, "incident-party.school", party_loc, why, "notification left out (make it securely)")
                continue
            used.update({child_id, school_id})
            school_out = {"name": str(school.get("name", ""))}
            urn = _identifier(school, identifier_system("school-urn"))
            if urn:
                school_out["urn"] = urn
            birth = child.get("birthDate")
            out.append(
                {
                    "school": school_out,
                    "child": {"name": _full_name(child), "birthDate": birth if isinstance(birth, str) else ""},
                    "incident": {"dateTime": when, "childPresent": CHILD_ROLES[role], "policeReference": reference},
                    "contact": contact,
                }
            )
    for local, (section_key, item) in items.items():
        section = SECTION_BY_KEY[section_key]
        loc = f"{base}/{section.resource_type}/{rid(item)}"
        if local not in used:
            _not_projected(report, section.resource_type, loc)
            continue
        if section_key == "incidents":
            continue  # reported property by property above
        allowed = _AGENCY_KEYS if section_key == "agencies" else _PERSON_KEYS
        for key in item:
            if key not in allowed:
                _not_projected(report, f"{section.resource_type}.{_fhir_name(section_key, key)}", loc)
    return out
