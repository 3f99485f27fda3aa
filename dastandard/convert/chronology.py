"""Multi-agency chronology for a child (``chronology-csv``, ``chronology-html``): write only.

From one or more standard Bundles, every child is found (a person with a child role in an incident, the subject
of a child contact or child-victim status, a MARAC child, or under 18 on the Bundle's latest event) and matched
across Bundles on NHS number, LA child id or police person id. A Bundle is one family's record, so every event in
a Bundle that holds the child is in that child's chronology: incidents, disclosures and retractions, risk
assessments, child contacts, service episode starts and ends, MARAC referrals and information-sharing events, in
date order, each with its date, event type, summary and source agency. The same resource in two Bundles is listed
once.

CSV output is formula-injection safe; the HTML page is self-contained (no scripts, no external resources, a
restrictive Content-Security-Policy) and every value is HTML-escaped. Never raises on content: a Bundle with no
child, or an event with no date, is a report entry.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import IO, Any, ClassVar

from dastandard.convert import _bundle_walk as _walk
from dastandard.convert import _csv, _values
from dastandard.convert.base import ConversionReport, Format, Loss, ReportEntry
from dastandard.model.ids import extension_url, identifier_system
from dastandard.model.urls import NHS_NUMBER_SYSTEM

MATCH_SYSTEMS = (NHS_NUMBER_SYSTEM, identifier_system("la-child-id"), identifier_system("police-person-id"))
CHILD_ROLES = ("child-present", "child-not-present")
CSV_HEADER = ("child_name", "child_birth_date", "date", "event_type", "summary", "source_agency", "source_record")


@dataclass(frozen=True)
class Event:
    """One line of a chronology."""

    date: str
    event_type: str
    summary: str
    agency: str
    source: str


@dataclass
class Child:
    """One child's chronology: who, and the events in date order."""

    name: str
    birth_date: str
    keys: set[str] = field(default_factory=set)
    events: dict[str, Event] = field(default_factory=dict)

    def ordered(self) -> list[Event]:
        return sorted(self.events.values(), key=lambda e: (_values.sort_key(e.date), e.event_type, e.source))


def _text(concept: Any) -> str:
    if not isinstance(concept, Mapping):
        return ""
    for coding in concept.get("coding", []):
        return str(coding.get("display") or coding.get("code") or "")
    return str(concept.get("text", ""))


def _agency(by_id: Mapping[str, Mapping[str, Any]], ref: Any) -> str:
    target = by_id.get(_walk.ref_id(ref), {})
    if target.get("resourceType") == "Organization":
        return str(target.get("name") or "")
    return str(ref.get("display", "")) if isinstance(ref, Mapping) else ""


def _name(person: Mapping[str, Any]) -> str:
    for name in person.get("name", []):
        text = " ".join([*(str(g) for g in name.get("given", [])), str(name.get("family", ""))]).strip()
        if text or name.get("text"):
            return text or str(name["text"])
    return "(name not recorded)"


def _keys(person: Mapping[str, Any]) -> set[str]:
    return {
        f"{i.get('system')}|{i.get('value')}"
        for i in person.get("identifier", [])
        if i.get("system") in MATCH_SYSTEMS and i.get("value")
    }


def _events(bundle: Mapping[str, Any], by_id: Mapping[str, Mapping[str, Any]], report: ConversionReport) -> list[Event]:
    events: list[Event] = []
    base = f"Bundle/{bundle.get('id', '')}"
    for res in by_id.values():
        kind = res.get("resourceType")
        source = f"{kind}/{res.get('id', '')}"
        category = _walk.first_code((res.get("category") or [{}])[0]) if kind == "Communication" else ""
        found: list[tuple[str, str, str, str]] = []  # date, type, summary, agency
        if kind == "Observation" and _walk.first_code(res.get("code")) == "incident":
            kinds = [
                _text(c.get("valueCodeableConcept"))
                for c in res.get("component", [])
                if _walk.first_code(c.get("code")) == "abuse-kind"
            ]
            ref = (res.get("identifier") or [{}])[0].get("value", "")
            summary = f"Incident {ref}".strip() + (f" ({', '.join(kinds)})" if kinds else "") + ": "
            summary += str(res.get("valueString", ""))
            parties = []
            for party in _walk.find_extensions(res, extension_url("incident-party")):
                person = by_id.get(_walk.ref_id(_walk.sub_value(party, "person")), {})
                role = _text(_walk.sub_value(party, "role"))
                exposure = [_text(e.get("valueCodeableConcept")) for e in _walk.find_extensions(party, "exposure")]
                parties.append(f"{_name(person)}: {role}" + (f" ({', '.join(exposure)})" if exposure else ""))
            if parties:
                summary += " Parties: " + "; ".join(parties) + "."
            when = res.get("effectiveDateTime") or res.get("effectivePeriod", {}).get("start", "")
            found.append((when, "Incident", summary, _agency(by_id, (res.get("performer") or [{}])[0])))
        elif kind == "Communication" and category in ("disclosure", "retraction"):
            payload = " ".join(str(p.get("contentString", "")) for p in res.get("payload", []))
            sender = by_id.get(_walk.ref_id(res.get("sender")), {})
            who = _name(sender) if sender.get("resourceType") == "Patient" else ""
            summary = (f"{who}: " if who else "") + payload
            found.append(
                (res.get("sent", ""), category.capitalize(), summary, _agency(by_id, (res.get("recipient") or [{}])[0]))
            )
        elif kind == "Communication" and category == "information-sharing":
            to = ", ".join(_agency(by_id, r) for r in res.get("recipient", []))
            basis = ", ".join(
                _text(b.get("valueCodeableConcept")) for b in _walk.find_extensions(res, extension_url("sharing-basis"))
            )
            payload = " ".join(str(p.get("contentString", "")) for p in res.get("payload", []))
            summary = "Shared" + (f" with {to}" if to else "") + (f" ({basis})" if basis else "")
            summary += f": {payload}" if payload else ""
            found.append((res.get("sent", ""), "Information sharing", summary, _agency(by_id, res.get("sender"))))
        elif kind == "RiskAssessment":
            parts = [_text(res.get("method")) or "risk assessment"]
            for score in _walk.find_extensions(res, extension_url("risk-score")):
                parts.append(f"score {score.get('valueInteger')}")
            for prediction in res.get("prediction", []):
                parts.append(f"level {_text(prediction.get('qualitativeRisk'))}")
            criteria = [
                _text(c.get("valueCodeableConcept"))
                for c in _walk.find_extensions(res, extension_url("marac-criterion"))
            ]
            if criteria:
                parts.append("MARAC criteria: " + ", ".join(criteria))
            found.append(
                (
                    res.get("occurrenceDateTime", ""),
                    "Risk assessment",
                    "; ".join(parts),
                    _agency(by_id, res.get("performer")),
                )
            )
        elif kind == "Encounter":
            child = _name(by_id.get(_walk.ref_id(res.get("subject")), {}))
            voice = (_walk.find_extensions(res, extension_url("child-voice")) or [{}])[0]
            flags = [
                label
                for name, label in (("seen", "seen"), ("spokenWith", "spoken with"), ("seenAlone", "seen alone"))
                if _walk.sub_value(voice, name) is True
            ]
            summary = f"Contact with {child}: " + (", ".join(flags) if flags else "not seen")
            for name, label in (
                ("notSpokenWithReason", "not spoken with because"),
                ("words", "said"),
                ("wishes", "wishes"),
            ):
                for item in _walk.find_extensions(voice, name):
                    summary += f"; {label}: {item.get('valueString', '')}"
            found.append(
                (
                    res.get("period", {}).get("start", ""),
                    "Child contact",
                    summary,
                    _agency(by_id, res.get("serviceProvider")),
                )
            )
        elif kind == "EpisodeOfCare":
            service = ", ".join(_text(t) for t in res.get("type", [])) or "service"
            agency = _agency(by_id, res.get("managingOrganization"))
            period = res.get("period", {})
            if period.get("start"):
                found.append((period["start"], "Service started", service, agency))
            if period.get("end"):
                reasons = [
                    _text(e.get("valueCodeableConcept"))
                    for e in _walk.find_extensions(res, extension_url("end-reason"))
                ]
                found.append(
                    (period["end"], "Service ended", service + (f" ({', '.join(reasons)})" if reasons else ""), agency)
                )
            if not period:
                found.append(("", "Service episode", service, agency))
        elif kind == "ServiceRequest":
            reasons_text = ", ".join(_text(c) for c in res.get("reasonCode", []))
            found.append(
                (
                    res.get("authoredOn", ""),
                    "MARAC referral",
                    reasons_text or "referral",
                    _agency(by_id, res.get("requester")),
                )
            )
        for when, event_type, summary, agency in found:
            if not when:
                report.add(
                    ReportEntry(Loss.INVALID_INPUT, event_type, f"{base}/{source}", "event has no date; listed last")
                )
            events.append(
                Event(
                    str(when),
                    event_type,
                    summary.strip(),
                    agency or "(not recorded)",
                    source + ("" if len(found) == 1 else f"#{event_type}"),
                )
            )
    return events


def _children(bundle: Mapping[str, Any], by_id: Mapping[str, Mapping[str, Any]], events: list[Event]) -> list[str]:
    ids: list[str] = []

    def add(ref: Any) -> None:
        rid = _walk.ref_id(ref)
        if by_id.get(rid, {}).get("resourceType") == "Patient" and rid not in ids:
            ids.append(rid)

    for res in by_id.values():
        kind = res.get("resourceType")
        if kind == "Observation":
            for party in _walk.find_extensions(res, extension_url("incident-party")):
                if _walk.first_code(_walk.sub_value(party, "role")) in CHILD_ROLES:
                    add(_walk.sub_value(party, "person"))
            if _walk.first_code(res.get("code")) == "child-victim-status":
                add(res.get("subject"))
        elif kind == "Encounter":
            add(res.get("subject"))
        elif kind == "ServiceRequest":
            for item in _walk.find_extensions(res, extension_url("marac-child")):
                add(item.get("valueReference"))
    latest = max((e.date for e in events if e.date), key=_values.sort_key, default="")
    for rid, res in by_id.items():
        if res.get("resourceType") == "Patient" and latest:
            age = _values.age_on(str(res.get("birthDate", "")), latest)
            if age is not None and age < 18 and rid not in ids:
                ids.append(rid)
            if _walk.find_extensions(res, extension_url("unborn")) and rid not in ids:
                ids.append(rid)
    return ids


def collect(bundles: Iterable[Mapping[str, Any]], report: ConversionReport) -> list[Child]:
    """Every child across ``bundles`` with the events of every Bundle that holds them, matched on identifiers."""
    children: list[Child] = []
    for bundle in bundles:
        report.records_in += 1
        by_id = {r.get("id", ""): r for r in _walk.resources(bundle)}
        events = _events(bundle, by_id, report)
        found = _children(bundle, by_id, events)
        if not found:
            report.add(
                ReportEntry(
                    Loss.UNMAPPED_FIELD,
                    "Bundle",
                    f"Bundle/{bundle.get('id', '')}",
                    "no child found in this Bundle; its events are in no chronology",
                )
            )
        for rid in found:
            person = by_id[rid]
            keys = _keys(person) or {f"resource|{rid}"}
            child = next((c for c in children if c.keys & keys), None)
            if child is None:
                child = Child(_name(person), str(person.get("birthDate", "")))
                children.append(child)
            child.keys |= keys
            for event in events:
                child.events.setdefault(event.source, event)
    report.records_out += sum(len(c.events) for c in children)
    return children


class ChronologyCsvFormat(Format):
    """A multi-agency chronology per child, as formula-safe CSV."""

    name: ClassVar[str] = "chronology-csv"
    description: ClassVar[str] = "Multi-agency chronology for each child (CSV, write only)"
    extensions: ClassVar[tuple[str, ...]] = (".chronology.csv",)
    can_write: ClassVar[bool] = True

    def write(self, bundles: Iterable[dict[str, Any]], target: IO[bytes], report: ConversionReport) -> None:
        """One row per event per child, in date order; every cell escaped against formula injection."""
        report.target_format = report.target_format or self.name
        rows = [
            [child.name, child.birth_date, e.date, e.event_type, e.summary, e.agency, e.source]
            for child in collect(bundles, report)
            for e in child.ordered()
        ]
        _csv.write_csv(target, CSV_HEADER, rows)


_STYLE = (
    "body{font-family:sans-serif;margin:2em}table{border-collapse:collapse;width:100%}"
    "th,td{border:1px solid #999;padding:4px;text-align:left;vertical-align:top}th{background:#eee}"
)


class ChronologyHtmlFormat(Format):
    """A multi-agency chronology per child, as one self-contained, escaped HTML page."""

    name: ClassVar[str] = "chronology-html"
    description: ClassVar[str] = "Multi-agency chronology for each child (self-contained HTML, write only)"
    extensions: ClassVar[tuple[str, ...]] = (".chronology.html", ".html")
    can_write: ClassVar[bool] = True

    def write(self, bundles: Iterable[dict[str, Any]], target: IO[bytes], report: ConversionReport) -> None:
        """One section and table per child; every value is HTML-escaped; no scripts or external resources."""
        report.target_format = report.target_format or self.name
        e = html.escape
        parts = [
            "<!DOCTYPE html>",
            '<html lang="en-GB"><head><meta charset="utf-8">',
            "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">",
            "<title>Multi-agency chronology</title>",
            f"<style>{_STYLE}</style></head><body>",
            "<h1>Multi-agency chronology</h1>",
            "<p>Restricted: contains information about domestic abuse. Handle under your agency's information "
            "sharing agreement.</p>",
        ]
        for child in collect(bundles, report):
            parts.append("<section>")
            born = f" (born {e(child.birth_date)})" if child.birth_date else ""
            parts.append(f"<h2>{e(child.name)}{born}</h2>")
            parts.append(
                "<table><thead><tr><th>Date</th><th>Event</th><th>Summary</th><th>Source agency</th>"
                "</tr></thead><tbody>"
            )
            for event in child.ordered():
                parts.append(
                    f"<tr><td>{e(event.date)}</td><td>{e(event.event_type)}</td><td>{e(event.summary)}</td>"
                    f"<td>{e(event.agency)}</td></tr>"
                )
            parts.append("</tbody></table></section>")
        parts.append("</body></html>")
        target.write(("\n".join(parts) + "\n").encode("utf-8"))
