"""Multi-agency chronology for practitioners (``chronology-html``, ``chronology-csv``): write only.

A Bundle is one family's record. Bundles that hold the same child (matched on NHS number, LA child id or police
person id) are one family. For each family the chronology gives a key-facts header (the people, current plans,
the latest risk level, MARAC) and one row per event in date order: incidents, disclosures and retractions, risk
assessments, child contacts, service episodes, MARAC referrals and information sharing. Each row names the
children it concerns (by name, else by their source id such as the LAchildID) rather than repeating itself for
each sibling. The same resource in two Bundles is listed once.

Codes are shown as the displays of the shipped CodeSystems, dates and times in UK local time (GMT/BST). A row is
highlighted as high risk when a risk assessment gives a high risk level, for a MARAC referral, or when the
incident's own words mention non-fatal strangulation (choking, suffocation) or a threat to kill: the standard has
no code for either (the risk checklists' question numbers are not confirmed), so the narrative is read, and the
flag says so.

CSV output is formula-injection safe, and in both outputs bidirectional control characters are shown as visible
markers such as ``[U+202E]`` (an ``altered`` report entry); the HTML is rendered with the report's Jinja2
templates (autoescaped, self-contained, no scripts, restrictive Content-Security-Policy). Never raises on
content: a Bundle with no child, or an event with no date, is a report entry.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import IO, Any, ClassVar

from dastandard.convert import _bundle_walk as _walk
from dastandard.convert import _csv, _values
from dastandard.convert.base import ConversionReport, Format, Loss, ReportEntry
from dastandard.convert.labels import AGENCY_LABELS
from dastandard.convert.locations import SHOWN, confidential_organizations, redacted
from dastandard.htmlreport.digest import person_ids, person_name
from dastandard.htmlreport.labels import concept_label, in_sentence, parse_when, uk_date, uk_datetime, uk_zone
from dastandard.htmlreport.render import render
from dastandard.model.ids import extension_url, identifier_system
from dastandard.model.urls import NHS_NUMBER_SYSTEM
from dastandard.textsafety import neutralise_bidi

MATCH_SYSTEMS = (NHS_NUMBER_SYSTEM, identifier_system("la-child-id"), identifier_system("police-person-id"))
CHILD_ROLES = ("child-present", "child-not-present")
CSV_HEADER = (
    "family",
    "date_uk",
    "event_type",
    "summary",
    "children",
    "source_agency",
    "high_risk",
    "source_record",
)
HIGH_RISK_LEVEL = "high"
STRANGULATION = re.compile(r"strangl|chok(e|ed|ing)\b|suffocat|by (his|her|their|the) (throat|neck)", re.IGNORECASE)
THREAT_TO_KILL = re.compile(r"\b(threat\w*|said|says|say)\b[^.;]{0,40}\bkill", re.IGNORECASE)
ACTIVE_PLAN_STATUSES = ("active", "on-hold", "draft")


@dataclass(frozen=True)
class Event:
    """One row of a chronology."""

    date: str  # as recorded (FHIR date/dateTime); "" when unknown
    event_type: str
    summary: str
    agency: str
    source: str
    children: tuple[str, ...] = ()  # the children it concerns, as displayed
    flags: tuple[str, ...] = ()  # why it is high risk, plain words

    @property
    def when(self) -> str:
        """The date and time in UK local time, for reading."""
        return uk_datetime(self.date) if self.date else "date not recorded"

    @property
    def when_csv(self) -> str:
        """The date (and time) in UK local time, sortable: ``2024-03-02 21:40``."""
        if len(self.date) <= 10:
            return self.date
        moment = parse_when(self.date)
        return f"{moment.astimezone(uk_zone()):%Y-%m-%d %H:%M}" if moment else self.date


@dataclass
class Person:
    """A person of a family as the chronology names them."""

    display: str
    birth_date: str
    ids: tuple[tuple[str, str], ...]
    child: bool


@dataclass
class Family:
    """One family: its people, key facts and events (merged from every Bundle that holds its children)."""

    number: int
    keys: set[str] = field(default_factory=set)
    case_refs: list[str] = field(default_factory=list)
    people: dict[str, Person] = field(default_factory=dict)
    events: dict[str, Event] = field(default_factory=dict)
    plans: dict[str, str] = field(default_factory=dict)
    risks: dict[str, tuple[str, str]] = field(default_factory=dict)  # source -> (date, text)
    maracs: dict[str, tuple[str, str]] = field(default_factory=dict)

    @property
    def anchor(self) -> str:
        return f"family-{self.number}"

    @property
    def children(self) -> list[Person]:
        return sorted((p for p in self.people.values() if p.child), key=lambda p: (p.birth_date or "9999", p.display))

    @property
    def adults(self) -> list[Person]:
        return sorted((p for p in self.people.values() if not p.child), key=lambda p: p.display)

    @property
    def title(self) -> str:
        names = ", ".join(p.display for p in self.children)
        return f"Family of {names}" if names else f"Family {self.number}"

    def ordered(self) -> list[Event]:
        return sorted(self.events.values(), key=lambda e: (_values.sort_key(e.date), e.event_type, e.source))

    @property
    def latest_risk(self) -> str:
        if not self.risks:
            return "No risk assessment recorded"
        return max(self.risks.values(), key=lambda r: _values.sort_key(r[0]))[1]

    @property
    def marac(self) -> str:
        if not self.maracs:
            return "No MARAC referral recorded"
        return "; ".join(text for _, text in sorted(self.maracs.values(), key=lambda m: _values.sort_key(m[0])))


def _display(person: Mapping[str, Any], child: bool) -> str:
    """A person by name; else by their source id; never an anonymous placeholder alone."""
    name = person_name(person)
    if name:
        return name
    ids = person_ids(person)
    if ids:
        return f"{'Child' if child else 'Person'} {ids[0][0]} {ids[0][1]}"
    born = str(person.get("birthDate", ""))
    role = "Child" if child else "Adult"
    return f"{role} born {uk_date(born)}, no name or id recorded" if born else f"{role} with no name or id recorded"


def _agency(by_id: Mapping[str, Mapping[str, Any]], ref: Any, hidden: Mapping[str, str]) -> str:
    rid = _walk.ref_id(ref)
    if rid in hidden:
        return SHOWN
    target = by_id.get(rid, {})
    if target.get("resourceType") == "Organization":
        return str(target.get("name") or "")
    return str(ref.get("display", "")) if isinstance(ref, Mapping) else ""


def _risk_text(res: Mapping[str, Any]) -> tuple[str, list[str]]:
    """A risk assessment in words, and its high-risk flags."""
    tool = concept_label(res.get("method")) or "Risk assessment"
    parts = [tool]
    flags: list[str] = []
    for score in _walk.find_extensions(res, extension_url("risk-score")):
        parts.append(f"score {score.get('valueInteger')}")
    for prediction in res.get("prediction", []):
        level = prediction.get("qualitativeRisk")
        if level:
            parts.append(f"{in_sentence(concept_label(level))} risk")
            if _walk.first_code(level) == HIGH_RISK_LEVEL:
                flags.append("High risk")
    if not flags and not any(p.get("qualitativeRisk") for p in res.get("prediction", [])):
        parts.append("no risk level recorded")
    criteria = [
        concept_label(c.get("valueCodeableConcept"))
        for c in _walk.find_extensions(res, extension_url("marac-criterion"))
    ]
    if criteria:
        parts.append("MARAC criteria: " + in_sentence(", ".join(criteria)))
    return ", ".join(parts), flags


def _narrative_flags(text: str) -> list[str]:
    flags = []
    if STRANGULATION.search(text):
        flags.append("Strangulation or choking (in the narrative)")
    if THREAT_TO_KILL.search(text):
        flags.append("Threat to kill (in the narrative)")
    return flags


class _Reader:
    """Reads one Bundle into events, people and key facts."""

    def __init__(self, bundle: Mapping[str, Any]) -> None:
        self.bundle = bundle
        self.by_id: dict[str, Mapping[str, Any]] = {r.get("id", ""): r for r in _walk.resources(bundle)}
        self.child_ids = _children(self.by_id)
        self.hidden = confidential_organizations(bundle)  # shown as SHOWN (convert.locations)

    def name(self, ref: Any) -> str:
        rid = _walk.ref_id(ref)
        person = self.by_id.get(rid, {})
        if person.get("resourceType") != "Patient":
            return ""
        return _display(person, rid in self.child_ids)

    def all_children(self) -> tuple[str, ...]:
        return tuple(self.name({"reference": rid}) for rid in self.child_ids)

    def events(self, report: ConversionReport) -> list[Event]:
        events: list[Event] = []
        base = f"Bundle/{self.bundle.get('id', '')}"
        for rid, why in self.hidden.items():
            redacted(report, "Organization.name", f"{base}/Organization/{rid}", why, f"shown as {SHOWN}")
        for res in self.by_id.values():
            found = self._events_of(res)
            source = f"{res.get('resourceType')}/{res.get('id', '')}"
            for when, event_type, summary, agency, children, flags in found:
                if not when:
                    report.add(
                        ReportEntry(
                            Loss.INVALID_INPUT, event_type, f"{base}/{source}", "event has no date; listed last"
                        )
                    )
                events.append(
                    Event(
                        str(when),
                        event_type,
                        " ".join(summary.split()),
                        agency or "(agency not recorded)",
                        source + ("" if len(found) == 1 else f"#{event_type}"),
                        children or self.all_children(),
                        tuple(flags),
                    )
                )
        return events

    def _events_of(self, res: Mapping[str, Any]) -> list[tuple[str, str, str, str, tuple[str, ...], list[str]]]:
        by_id = self.by_id
        kind = res.get("resourceType")
        category = _walk.first_code((res.get("category") or [{}])[0]) if kind == "Communication" else ""
        if kind == "Observation" and _walk.first_code(res.get("code")) == "incident":
            kinds = [
                in_sentence(concept_label(c.get("valueCodeableConcept")))
                for c in res.get("component", [])
                if _walk.first_code(c.get("code")) == "abuse-kind"
            ]
            ref = (res.get("identifier") or [{}])[0].get("value", "")
            narrative = str(res.get("valueString", ""))
            summary = f"Incident {ref}".strip() + (f" ({', '.join(kinds)})" if kinds else "") + ". " + narrative
            parties: list[str] = []
            present: list[str] = []
            for party in _walk.find_extensions(res, extension_url("incident-party")):
                who = self.name(_walk.sub_value(party, "person")) or "someone not named"
                role_concept = _walk.sub_value(party, "role")
                role = in_sentence(concept_label(role_concept))
                exposure = [
                    in_sentence(concept_label(e.get("valueCodeableConcept")))
                    for e in _walk.find_extensions(party, "exposure")
                ]
                parties.append(f"{who} ({role}{': ' + ', '.join(exposure) if exposure else ''})")
                if _walk.first_code(role_concept) in CHILD_ROLES:
                    present.append(who)
            if parties:
                summary = summary.rstrip() + " People involved: " + "; ".join(parties) + "."
            when = res.get("effectiveDateTime") or res.get("effectivePeriod", {}).get("start", "")
            agency = _agency(by_id, (res.get("performer") or [{}])[0], self.hidden)
            return [(when, "Incident", summary, agency, tuple(present), _narrative_flags(narrative))]
        if kind == "Observation" and _walk.first_code(res.get("code")) == "child-victim-status":
            child = self.name(res.get("subject"))
            status = concept_label(res.get("valueCodeableConcept"))
            summary = f"{child}: {in_sentence(status) if status else 'child victim status recorded'}"
            return [
                (
                    res.get("effectiveDateTime", ""),
                    "Child victim status",
                    summary,
                    _agency(by_id, (res.get("performer") or [{}])[0], self.hidden),
                    (child,),
                    [],
                )
            ]
        if kind == "Communication" and category in ("disclosure", "retraction"):
            payload = " ".join(str(p.get("contentString", "")) for p in res.get("payload", []))
            who = self.name(res.get("sender"))
            summary = (f"{who}: " if who else "") + payload
            agency = _agency(by_id, (res.get("recipient") or [{}])[0], self.hidden)
            return [(res.get("sent", ""), category.capitalize(), summary, agency, (), _narrative_flags(payload))]
        if kind == "Communication" and category == "information-sharing":
            to = ", ".join(a for a in (_agency(by_id, r, self.hidden) for r in res.get("recipient", [])) if a)
            basis = ", ".join(
                in_sentence(concept_label(b.get("valueCodeableConcept")))
                for b in _walk.find_extensions(res, extension_url("sharing-basis"))
            )
            payload = " ".join(str(p.get("contentString", "")) for p in res.get("payload", []))
            summary = "Shared" + (f" with {to}" if to else "") + (f" (basis: {basis})" if basis else "")
            summary += f": {payload}" if payload else "."
            return [
                (
                    res.get("sent", ""),
                    "Information sharing",
                    summary,
                    _agency(by_id, res.get("sender"), self.hidden),
                    (),
                    [],
                )
            ]
        if kind == "RiskAssessment":
            text, flags = _risk_text(res)
            who = self.name(res.get("subject"))
            summary = text + (f" (for {who})" if who else "")
            checklist = _walk.first_code(res.get("method")) not in ("", "other")  # a named risk tool, not "other"
            return [
                (
                    res.get("occurrenceDateTime", ""),
                    "Risk assessment" if checklist or flags else "Assessment",
                    summary,
                    _agency(by_id, res.get("performer"), self.hidden),
                    (),
                    flags,
                )
            ]
        if kind == "Encounter":
            child = self.name(res.get("subject"))
            voice = (_walk.find_extensions(res, extension_url("child-voice")) or [{}])[0]
            seen = [
                label
                for name, label in (("seen", "seen"), ("spokenWith", "spoken with"), ("seenAlone", "seen alone"))
                if _walk.sub_value(voice, name) is True
            ]
            summary = f"Contact with {child}: " + (", ".join(seen) if seen else "not seen") + "."
            for name, label in (
                ("notSpokenWithReason", "Not spoken with because"),
                ("words", "Said"),
                ("wishes", "Wishes"),
            ):
                for item in _walk.find_extensions(voice, name):
                    summary += f" {label}: {item.get('valueString', '')}"
            when = res.get("period", {}).get("start", "")
            return [
                (
                    when,
                    "Child contact",
                    summary,
                    _agency(by_id, res.get("serviceProvider"), self.hidden),
                    (child,) if child else (),
                    [],
                )
            ]
        if kind == "EpisodeOfCare":
            service = ", ".join(concept_label(t) for t in res.get("type", [])) or "a service"
            agency = _agency(by_id, res.get("managingOrganization"), self.hidden)
            who = self.name(res.get("patient"))
            children = (who,) if _walk.ref_id(res.get("patient")) in self.child_ids else ()
            service_for = service + (f" for {who}" if who else "")
            period = res.get("period", {})
            out: list[tuple[str, str, str, str, tuple[str, ...], list[str]]] = []
            if period.get("start"):
                out.append((period["start"], "Service started", service_for, agency, children, []))
            if period.get("end"):
                end_reasons = [
                    in_sentence(concept_label(e.get("valueCodeableConcept")))
                    for e in _walk.find_extensions(res, extension_url("end-reason"))
                ]
                ended = service_for + (f" (reason: {', '.join(end_reasons)})" if end_reasons else "")
                out.append((period["end"], "Service ended", ended, agency, children, []))
            if not period:
                out.append(("", "Service episode", service_for, agency, children, []))
            return out
        if kind == "ServiceRequest" and _walk.first_code(res.get("code")) in ("marac-referral", ""):
            criteria = in_sentence(", ".join(concept_label(c) for c in res.get("reasonCode", [])))
            marac_children = tuple(
                self.name(item.get("valueReference"))
                for item in _walk.find_extensions(res, extension_url("marac-child"))
            )
            who = self.name(res.get("subject"))
            summary = (
                "Referred to MARAC" + (f" for {who}" if who else "") + (f"; criteria: {criteria}" if criteria else "")
            )
            return [
                (
                    res.get("authoredOn", ""),
                    "MARAC referral",
                    summary,
                    _agency(by_id, res.get("requester"), self.hidden),
                    marac_children,
                    ["MARAC"],
                )
            ]
        return []

    def plans(self) -> dict[str, str]:
        out = {}
        for res in self.by_id.values():
            if res.get("resourceType") != "CarePlan" or res.get("status") not in ACTIVE_PLAN_STATUSES:
                continue
            kind = ", ".join(concept_label(c) for c in res.get("category", [])) or "Plan"
            who = self.name(res.get("subject"))
            since = res.get("period", {}).get("start", "")
            out[f"CarePlan/{res.get('id', '')}"] = (
                kind + (f" for {who}" if who else "") + (f", since {uk_date(since)}" if since else "")
            )
        return out

    def risks(self) -> dict[str, tuple[str, str]]:
        out = {}
        for res in self.by_id.values():
            if res.get("resourceType") == "RiskAssessment":
                when = str(res.get("occurrenceDateTime", ""))
                text, _ = _risk_text(res)
                out[f"RiskAssessment/{res.get('id', '')}"] = (when, f"{text} ({uk_date(when) or 'date not recorded'})")
        return out

    def maracs(self) -> dict[str, tuple[str, str]]:
        out = {}
        for res in self.by_id.values():
            if res.get("resourceType") == "ServiceRequest" and _walk.first_code(res.get("code")) in (
                "marac-referral",
                "",
            ):
                when = str(res.get("authoredOn", ""))
                reasons = in_sentence(", ".join(concept_label(c) for c in res.get("reasonCode", [])))
                text = f"Referred {uk_date(when) or '(date not recorded)'}" + (f" ({reasons})" if reasons else "")
                out[f"ServiceRequest/{res.get('id', '')}"] = (when, text)
        return out


def _children(by_id: Mapping[str, Mapping[str, Any]]) -> list[str]:
    """Ids of the Bundle's children: a child role in an incident, the subject of a child contact or child-victim
    status, a MARAC child, or under 18 on the Bundle's latest event (or unborn)."""
    ids: list[str] = []

    def add(ref: Any) -> None:
        rid = _walk.ref_id(ref)
        if by_id.get(rid, {}).get("resourceType") == "Patient" and rid not in ids:
            ids.append(rid)

    dates: list[str] = []
    for res in by_id.values():
        kind = res.get("resourceType")
        for key in ("effectiveDateTime", "sent", "occurrenceDateTime", "authoredOn"):
            if isinstance(res.get(key), str):
                dates.append(res[key])
        for key in ("period", "effectivePeriod"):
            if isinstance(res.get(key), Mapping):
                dates.extend(str(v) for v in res[key].values() if isinstance(v, str))
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
    latest = max(dates, key=_values.sort_key, default="")
    for rid, res in by_id.items():
        if res.get("resourceType") != "Patient" or rid in ids:
            continue
        age = _values.age_on(str(res.get("birthDate", "")), latest) if latest else None
        if (age is not None and age < 18) or _walk.find_extensions(res, extension_url("unborn")):
            ids.append(rid)
    return ids


def _keys(person: Mapping[str, Any]) -> set[str]:
    return {
        f"{i.get('system')}|{i.get('value')}"
        for i in person.get("identifier", [])
        if i.get("system") in MATCH_SYSTEMS and i.get("value")
    }


def collect(bundles: Iterable[Mapping[str, Any]], report: ConversionReport) -> list[Family]:
    """Every family across ``bundles``: Bundles that share a child (by identifier) are merged into one."""
    families: list[Family] = []
    for bundle in bundles:
        report.records_in += 1
        reader = _Reader(bundle)
        if not reader.child_ids:
            report.add(
                ReportEntry(
                    Loss.UNMAPPED_FIELD,
                    "Bundle",
                    f"Bundle/{bundle.get('id', '')}",
                    "no child found in this Bundle; its events are in no chronology",
                )
            )
            continue
        child_keys: set[str] = set()
        for rid in reader.child_ids:
            child_keys |= _keys(reader.by_id[rid]) or {f"resource|{rid}"}
        family = next((f for f in families if f.keys & child_keys), None)
        if family is None:
            family = Family(len(families) + 1)
            families.append(family)
        family.keys |= child_keys
        for ident in (
            bundle.get("identifier", []) if isinstance(bundle.get("identifier"), list) else [bundle.get("identifier")]
        ):
            value = ident.get("value") if isinstance(ident, Mapping) else None
            if isinstance(value, str) and value not in family.case_refs:
                family.case_refs.append(value)
        for rid, res in reader.by_id.items():
            if res.get("resourceType") != "Patient":
                continue
            child = rid in reader.child_ids
            key = min(_keys(res), default=f"resource|{rid}")
            family.people.setdefault(
                key, Person(_display(res, child), str(res.get("birthDate", "")), person_ids(res), child)
            )
        for event in reader.events(report):
            family.events.setdefault(event.source, event)
        family.plans.update(reader.plans())
        family.risks.update(reader.risks())
        family.maracs.update(reader.maracs())
    report.records_out += sum(len(f.events) for f in families)
    return families


class ChronologyCsvFormat(Format):
    """A multi-agency chronology per family, as formula-safe CSV: one row per event."""

    name: ClassVar[str] = "chronology-csv"
    description: ClassVar[str] = "Multi-agency chronology for each family (CSV, write only)"
    extensions: ClassVar[tuple[str, ...]] = (".chronology.csv",)
    can_write: ClassVar[bool] = True
    writes_well_typed_only: ClassVar[bool] = True
    implied_labels: ClassVar[frozenset[tuple[str, str]] | None] = AGENCY_LABELS

    def write(self, bundles: Iterable[dict[str, Any]], target: IO[bytes], report: ConversionReport) -> None:
        """One row per event in date order, naming the children it concerns; every cell formula-safe."""
        report.target_format = report.target_format or self.name
        rows = [
            [
                family.title,
                e.when_csv,
                e.event_type,
                e.summary,
                "; ".join(e.children),
                e.agency,
                "; ".join(e.flags),
                e.source,
            ]
            for family in collect(bundles, report)
            for e in family.ordered()
        ]
        _csv.write_csv(target, CSV_HEADER, rows, report)


class ChronologyHtmlFormat(Format):
    """A multi-agency chronology per family, as one self-contained page for practitioners."""

    name: ClassVar[str] = "chronology-html"
    description: ClassVar[str] = "Multi-agency chronology for each family (self-contained HTML, write only)"
    extensions: ClassVar[tuple[str, ...]] = (".chronology.html", ".html")
    can_write: ClassVar[bool] = True
    writes_well_typed_only: ClassVar[bool] = True
    implied_labels: ClassVar[frozenset[tuple[str, str]] | None] = AGENCY_LABELS

    def write(self, bundles: Iterable[dict[str, Any]], target: IO[bytes], report: ConversionReport) -> None:
        """An index of families and children with anchors, then per family its key facts and events."""
        report.target_format = report.target_format or self.name
        families = collect(bundles, report)
        index = sorted(((p.display, p, f) for f in families for p in f.children), key=lambda item: item[0].casefold())
        page = render("chronology.html.j2", title="Multi-agency chronology", families=families, index=index)
        shown = neutralise_bidi(page)  # the templates hold none: any control came from a record's values
        if shown != page:
            report.add(ReportEntry(Loss.ALTERED, "(text)", "(chronology)", "bidirectional control shown as a marker"))
        target.write(shown.encode("utf-8"))
