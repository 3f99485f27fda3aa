"""Operation Encompass school notification (``encompass``): write only, JSON.

The deliberately minimal projection of a police incident for a school's Designated Safeguarding Lead: one
notification per child per school per police incident, holding only the child's name and date of birth, the
school, the incident date and time, whether the child was present, the police reference and a police contact.
Who else was involved, where, and what happened are never written: every other element of the Bundle is listed in
the report as deliberately not projected (``Loss.NOT_PROJECTED``, which ``--strict`` does not count as a
loss). A child with no school recorded gets no notification, and the report says so.

Error policy: never raises on content; anything that cannot be projected is a report entry.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import IO, Any, ClassVar

import orjson

from dastandard.convert import _bundle_walk as _walk
from dastandard.convert.base import ConversionReport, Format, Loss, ReportEntry
from dastandard.model.ids import code_system_url, extension_url, identifier_system

NOT_PROJECTED = (
    "deliberately not projected: Operation Encompass notifications carry only the child, the school, "
    "when, whether present, the police reference and a contact"
)
CHILD_ROLES = {"child-present": True, "child-not-present": False}

# The only elements read from each resource; everything else is reported as not projected.
_INCIDENT_KEYS = {"resourceType", "id", "meta", "identifier", "effectiveDateTime", "effectivePeriod", "performer"}
_PERSON_KEYS = {"resourceType", "id", "meta", "name", "birthDate"}
_AGENCY_KEYS = {"resourceType", "id", "meta", "name", "identifier", "telecom", "type"}


class EncompassFormat(Format):
    """Operation Encompass notifications to schools (JSON), the minimal school-facing projection."""

    name: ClassVar[str] = "encompass"
    description: ClassVar[str] = "Operation Encompass school notifications (JSON, write only, minimal by design)"
    extensions: ClassVar[tuple[str, ...]] = (".encompass.json",)
    can_write: ClassVar[bool] = True

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


def _is_police(agency: Mapping[str, Any]) -> bool:
    return any(_walk.first_code(t, code_system_url("agency-type")) == "police" for t in agency.get("type", []))


def _full_name(person: Mapping[str, Any]) -> str:
    for name in person.get("name", []):
        parts = [*(str(g) for g in name.get("given", [])), str(name.get("family", ""))]
        text = " ".join(p for p in parts if p) or str(name.get("text", ""))
        if text:
            return text
    return ""


def _police_reference(incident: Mapping[str, Any]) -> str:
    identifiers = incident.get("identifier", [])
    for ident in identifiers:
        if ident.get("system") == identifier_system("police-incident-reference"):
            return str(ident.get("value", ""))
    return str(identifiers[0].get("value", "")) if identifiers else ""


def _project(bundle: Mapping[str, Any], report: ConversionReport) -> list[dict[str, Any]]:
    by_id = {r.get("id", ""): r for r in _walk.resources(bundle)}
    base = f"Bundle/{bundle.get('id', '')}"
    used: set[str] = set()
    out: list[dict[str, Any]] = []
    for incident in by_id.values():
        if incident.get("resourceType") != "Observation" or _walk.first_code(incident.get("code")) != "incident":
            continue
        loc = f"{base}/Observation/{incident.get('id', '')}"
        force = by_id.get(_walk.ref_id((incident.get("performer") or [{}])[0]), {})
        if not _is_police(force):
            continue  # not a police incident: reported with the other unused resources below
        used.update({incident["id"], force.get("id", "")})
        for key in sorted(set(incident) - _INCIDENT_KEYS):
            if key == "extension":
                for item in incident[key]:
                    if item.get("url") != extension_url("incident-party"):
                        _not_projected(report, f"Observation.extension({item.get('url', '')})", loc)
            else:
                _not_projected(report, f"Observation.{key}", loc)
        when = str(incident.get("effectiveDateTime") or incident.get("effectivePeriod", {}).get("start", ""))
        contact = {"name": str(force.get("name", ""))}
        telecom = [str(t.get("value", "")) for t in force.get("telecom", []) if t.get("value")]
        if telecom:
            contact["telecom"] = telecom[0]
        for index, party in enumerate(_walk.find_extensions(incident, extension_url("incident-party"))):
            role = _walk.first_code(_walk.sub_value(party, "role"))
            party_loc = f"{loc}/extension[incident-party][{index}]"
            if role not in CHILD_ROLES:
                _not_projected(report, f"incident-party ({role or 'no role'})", party_loc)
                continue
            for item in party.get("extension", []):
                if item.get("url") not in ("person", "role", "school"):
                    _not_projected(report, f"incident-party.{item.get('url', '')}", party_loc)
            child_id = _walk.ref_id(_walk.sub_value(party, "person"))
            school_id = _walk.ref_id(_walk.sub_value(party, "school"))
            child = by_id.get(child_id, {})
            school = by_id.get(school_id, {})
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
            used.update({child_id, school_id})
            urn = next(
                (
                    str(i.get("value", ""))
                    for i in school.get("identifier", [])
                    if i.get("system") == identifier_system("school-urn")
                ),
                "",
            )
            school_out = {"name": str(school.get("name", ""))}
            if urn:
                school_out["urn"] = urn
            out.append(
                {
                    "school": school_out,
                    "child": {"name": _full_name(child), "birthDate": str(child.get("birthDate", ""))},
                    "incident": {
                        "dateTime": when,
                        "childPresent": CHILD_ROLES[role],
                        "policeReference": _police_reference(incident),
                    },
                    "contact": contact,
                }
            )
    for rid, res in by_id.items():
        kind = str(res.get("resourceType", ""))
        loc = f"{base}/{kind}/{rid}"
        if rid not in used:
            _not_projected(report, kind, loc)
            continue
        allowed = _AGENCY_KEYS if kind == "Organization" else _PERSON_KEYS if kind == "Patient" else _INCIDENT_KEYS
        if kind == "Observation":
            continue  # reported element by element above
        for key in sorted(set(res) - allowed):
            _not_projected(report, f"{kind}.{key}", loc)
    return out
