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
from typing import IO, Any, ClassVar, Final

from dastandard.convert import _csv, _values
from dastandard.convert.base import ConversionReport, Format, Loss, ReportEntry
from dastandard.convert.labels import AGENCY_LABELS
from dastandard.convert.locations import SHOWN, confidential_agencies, redacted
from dastandard.htmlreport.digest import name_words, source_ids
from dastandard.htmlreport.labels import concept_label, in_sentence, parse_when, uk_date, uk_datetime, uk_zone
from dastandard.htmlreport.render import render
from dastandard.logical import Section, bundle_to_logical, codeable_concept, entry_items, resource_id_of
from dastandard.model.fragments import as_list, as_map
from dastandard.model.ids import identifier_system
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


def _code(value_set: str, value: Any) -> str:
    """The code of a logical code value as the standard writes it (its first coding: a stated absence is coded
    too); "" when there is none."""
    if value is None:
        return ""
    codings = as_list(codeable_concept(value_set, value).get("coding")) if isinstance(value, str | Mapping) else []
    code = as_map(codings[0]).get("code") if codings else None
    return code if isinstance(code, str) else ""


def _label(value_set: str, value: Any) -> str:
    """A logical code value in plain words: the shipped display of the code it is written as (see
    ``htmlreport.labels.concept_label``); "" when there is nothing."""
    if not isinstance(value, str | Mapping):
        return ""
    return concept_label(codeable_concept(value_set, value))


def _local(value: Any) -> str:
    """The local id a logical reference names ("" for a display or an absent reason alone)."""
    if isinstance(value, str):
        return value
    local = as_map(value).get("id")
    return local if isinstance(local, str) else ""


def _text(value: Any) -> str:
    """A date or text value; "" for a stated absence (an object with ``absentReason``) or nothing."""
    return value if isinstance(value, str) else ""


def _identifiers(item: Mapping[str, Any]) -> list[Any]:
    """The identifiers an item is known by, its local id first when its resource id derives from it (as written)."""
    own = as_list(item.get("identifiers"))
    if "resourceId" in item or not isinstance(item.get("id"), str):
        return own
    return [{"system": identifier_system("local-id"), "value": item["id"]}, *own]


def _display(person: Mapping[str, Any], child: bool) -> str:
    """A person by name; else by their source id; never an anonymous placeholder alone."""
    name = name_words(person.get("name"))
    if name:
        return name
    ids = source_ids(_identifiers(person))
    if ids:
        return f"{'Child' if child else 'Person'} {ids[0][0]} {ids[0][1]}"
    born = _text(person.get("birthDate"))
    role = "Child" if child else "Adult"
    return f"{role} born {uk_date(born)}, no name or id recorded" if born else f"{role} with no name or id recorded"


def _risk_text(item: Mapping[str, Any]) -> tuple[str, list[str]]:
    """A risk assessment in words, and its high-risk flags."""
    tool = _label("risk-tool", item.get("tool")) or "Risk assessment"
    parts = [tool]
    flags: list[str] = []
    if "score" in item:
        parts.append(f"score {item['score']}")
    level = item.get("level")
    if level is not None:
        parts.append(f"{in_sentence(_label('risk-level', level))} risk")
        if _code("risk-level", level) == HIGH_RISK_LEVEL:
            flags.append("High risk")
    else:
        parts.append("no risk level recorded")
    criteria = [_label("marac-criterion", c) for c in as_list(item.get("maracCriteria"))]
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


# The dates each section's items hold (item keys: a date or date-time, or a period), of which the latest is the
# day on which a person's age decides whether they are a child.
_EVENT_DATES: Final[Mapping[str, tuple[str, ...]]] = {
    "relationships": ("period",),
    "incidents": ("effectiveDateTime", "effectivePeriod"),
    "childVictimStatuses": ("effectiveDateTime",),
    "abuseClassifications": ("effectiveDateTime",),
    "childContacts": ("start", "end"),
    "disclosures": ("sent",),
    "riskAssessments": ("date",),
    "maracReferrals": ("authoredOn",),
    "plans": ("period",),
    "riskFactors": ("effectiveDateTime", "effectivePeriod"),
    "offendingHistories": ("effectiveDateTime", "effectivePeriod"),
    "historyChecks": ("effectiveDateTime",),
    "contactArrangements": ("effectivePeriod",),
    "adultAssessments": ("effectiveDateTime",),
    "serviceEpisodes": ("period",),
    "informationSharing": ("sent",),
}

_Found = tuple[str, str, str, str, tuple[str, ...], list[str]]  # when, event type, summary, agency, children, flags


class _Reader:
    """Reads one case record (a Bundle read by the one reader) into events, people and key facts."""

    def __init__(self, bundle: Mapping[str, Any]) -> None:
        self.bundle_id = str(bundle.get("id", ""))
        self.record = bundle_to_logical(bundle, ConversionReport())  # what it cannot hold is never shown here
        self.case_id = str(self.record.get("caseId", ""))
        self.items = list(entry_items(self.record))  # in Bundle entry order
        self.by_local: dict[str, tuple[Section, Mapping[str, Any]]] = {}
        self.rids: dict[int, str] = {}  # resource id of each item, by identity
        for section, index, item in self.items:
            self.rids[id(item)] = resource_id_of(self.case_id, section, item, index)
            if section.identifier and isinstance(item.get("id"), str):
                self.by_local.setdefault(item["id"], (section, item))
        self.child_ids = self._children()
        self.hidden = self._confidential()  # shown as SHOWN (convert.locations)

    def source(self, section: Section, item: Mapping[str, Any]) -> str:
        return f"{section.resource_type}/{self.rids[id(item)]}"

    def _confidential(self) -> dict[str, str]:
        """Local id of every agency that is a refuge or carries ``V`` (its own label, else the record's when
        entries carry it) -> why, as ``convert.locations`` says it."""
        inherited = self.record.get("security") if self.record.get("labelEntries", True) else None
        agencies = [
            {**item, "security": item.get("security", inherited)} if inherited is not None else item
            for section, _, item in self.items
            if section.key == "agencies"
        ]
        return confidential_agencies({"agencies": agencies})

    def name(self, ref: Any) -> str:
        local = _local(ref)
        section, person = self.by_local.get(local, (None, {}))
        if section is None or section.key != "persons":
            return ""
        return _display(person, local in self.child_ids)

    def agency(self, ref: Any) -> str:
        local = _local(ref)
        if local in self.hidden:
            return SHOWN
        section, target = self.by_local.get(local, (None, {}))
        if section is not None and section.key == "agencies":
            return str(target.get("name") or "")
        display = as_map(ref).get("display")
        return display if isinstance(display, str) else ""

    def all_children(self) -> tuple[str, ...]:
        return tuple(self.name(local) for local in self.child_ids)

    def events(self, report: ConversionReport) -> list[Event]:
        events: list[Event] = []
        base = f"Bundle/{self.bundle_id}"
        for local, why in self.hidden.items():
            hidden = self.by_local[local][1]
            redacted(
                report, "Organization.name", f"{base}/Organization/{self.rids[id(hidden)]}", why, f"shown as {SHOWN}"
            )
        for section, _, item in self.items:
            found = self._events_of(section.key, item)
            source = self.source(section, item)
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

    def _events_of(self, key: str, item: Mapping[str, Any]) -> list[_Found]:
        """The chronology rows of one item (none for a section the chronology does not list)."""
        readers = {
            "incidents": self._incident,
            "childVictimStatuses": self._child_victim_status,
            "disclosures": self._disclosure,
            "informationSharing": self._information_sharing,
            "riskAssessments": self._risk_assessment,
            "childContacts": self._child_contact,
            "serviceEpisodes": self._service_episode,
            "maracReferrals": self._marac_referral,
        }
        reader = readers.get(key)
        return reader(item) if reader is not None else []

    def _incident(self, item: Mapping[str, Any]) -> list[_Found]:
        kinds = [in_sentence(_label("abuse-kind", k)) for k in as_list(item.get("abuseKinds"))]
        ids = _identifiers(item)
        ref = as_map(ids[0]).get("value", "") if ids else ""
        narrative = str(item.get("behaviour", ""))
        summary = f"Incident {ref}".strip() + (f" ({', '.join(kinds)})" if kinds else "") + ". " + narrative
        parties: list[str] = []
        present: list[str] = []
        for party in as_list(item.get("parties")):
            party = as_map(party)
            who = self.name(party.get("person")) or "someone not named"
            role = in_sentence(_label("incident-role", party.get("role")))
            exposure = [in_sentence(_label("child-exposure", e)) for e in as_list(party.get("exposure"))]
            parties.append(f"{who} ({role}{': ' + ', '.join(exposure) if exposure else ''})")
            if _code("incident-role", party.get("role")) in CHILD_ROLES:
                present.append(who)
        if parties:
            summary = summary.rstrip() + " People involved: " + "; ".join(parties) + "."
        when = _text(item.get("effectiveDateTime")) or str(as_map(item.get("effectivePeriod")).get("start", ""))
        return [
            (when, "Incident", summary, self.agency(item.get("agency")), tuple(present), _narrative_flags(narrative))
        ]

    def _child_victim_status(self, item: Mapping[str, Any]) -> list[_Found]:
        child = self.name(item.get("child"))
        status = _label("victim-status", item.get("victimStatus"))
        summary = f"{child}: {in_sentence(status) if status else 'child victim status recorded'}"
        when = _text(item.get("effectiveDateTime"))
        return [(when, "Child victim status", summary, self.agency(item.get("agency")), (child,), [])]

    def _disclosure(self, item: Mapping[str, Any]) -> list[_Found]:
        kind = str(item.get("kind", ""))
        payload = str(item.get("content", ""))
        who = self.name(item.get("discloser"))
        summary = (f"{who}: " if who else "") + payload
        agency = self.agency(item.get("recipient"))
        return [(_text(item.get("sent")), kind.capitalize(), summary, agency, (), _narrative_flags(payload))]

    def _information_sharing(self, item: Mapping[str, Any]) -> list[_Found]:
        to = ", ".join(a for a in (self.agency(r) for r in as_list(item.get("to"))) if a)
        basis = in_sentence(_label("sharing-basis", item.get("sharingBasis"))) if "sharingBasis" in item else ""
        payload = str(item.get("summary", ""))
        summary = "Shared" + (f" with {to}" if to else "") + (f" (basis: {basis})" if basis else "")
        summary += f": {payload}" if payload else "."
        return [(_text(item.get("sent")), "Information sharing", summary, self.agency(item.get("from")), (), [])]

    def _risk_assessment(self, item: Mapping[str, Any]) -> list[_Found]:
        text, flags = _risk_text(item)
        who = self.name(item.get("victim"))
        summary = text + (f" (for {who})" if who else "")
        checklist = _code("risk-tool", item.get("tool")) not in ("", "other")  # a named risk tool, not "other"
        kind = "Risk assessment" if checklist or flags else "Assessment"
        return [(_text(item.get("date")), kind, summary, self.agency(item.get("agency")), (), flags)]

    def _child_contact(self, item: Mapping[str, Any]) -> list[_Found]:
        child = self.name(item.get("child"))
        voice = as_map(item.get("voice"))
        seen = [
            label
            for name, label in (("seen", "seen"), ("spokenWith", "spoken with"), ("seenAlone", "seen alone"))
            if voice.get(name) is True
        ]
        summary = f"Contact with {child}: " + (", ".join(seen) if seen else "not seen") + "."
        for name, label in (
            ("notSpokenWithReason", "Not spoken with because"),
            ("words", "Said"),
            ("wishes", "Wishes"),
        ):
            for said in as_list(voice.get(name)):
                summary += f" {label}: {said}"
        when = str(item.get("start", ""))
        return [(when, "Child contact", summary, self.agency(item.get("agency")), (child,) if child else (), [])]

    def _service_episode(self, item: Mapping[str, Any]) -> list[_Found]:
        service = ", ".join(_label("service-type", t) for t in as_list(item.get("serviceType"))) or "a service"
        agency = self.agency(item.get("agency"))
        who = self.name(item.get("person"))
        children = (who,) if _local(item.get("person")) in self.child_ids else ()
        service_for = service + (f" for {who}" if who else "")
        period = as_map(item.get("period"))
        out: list[_Found] = []
        if period.get("start"):
            out.append((str(period["start"]), "Service started", service_for, agency, children, []))
        if period.get("end"):
            reason = in_sentence(_label("service-end-reason", item["endReason"])) if "endReason" in item else ""
            ended = service_for + (f" (reason: {reason})" if reason else "")
            out.append((str(period["end"]), "Service ended", ended, agency, children, []))
        if not period:
            out.append(("", "Service episode", service_for, agency, children, []))
        return out

    def _marac_referral(self, item: Mapping[str, Any]) -> list[_Found]:
        criteria = in_sentence(", ".join(_label("marac-criterion", c) for c in as_list(item.get("criteria"))))
        marac_children = tuple(self.name(child) for child in as_list(item.get("children")))
        who = self.name(item.get("victim"))
        summary = "Referred to MARAC" + (f" for {who}" if who else "") + (f"; criteria: {criteria}" if criteria else "")
        when = str(item.get("authoredOn", ""))
        return [(when, "MARAC referral", summary, self.agency(item.get("referrer")), marac_children, ["MARAC"])]

    def of(self, key: str) -> list[tuple[Section, Mapping[str, Any]]]:
        return [(section, item) for section, _, item in self.items if section.key == key]

    def plans(self) -> dict[str, str]:
        out = {}
        for section, item in self.of("plans"):
            if item.get("status") not in ACTIVE_PLAN_STATUSES:
                continue
            labels = [_label("plan-type", item["planType"])] if "planType" in item else []
            labels += [_label("cin-category-of-abuse", c) for c in as_list(item.get("categories"))]
            kind = ", ".join(labels) or "Plan"
            who = self.name(item.get("subject"))
            since = str(as_map(item.get("period")).get("start", ""))
            out[self.source(section, item)] = (
                kind + (f" for {who}" if who else "") + (f", since {uk_date(since)}" if since else "")
            )
        return out

    def risks(self) -> dict[str, tuple[str, str]]:
        out = {}
        for section, item in self.of("riskAssessments"):
            when = _text(item.get("date"))
            text, _ = _risk_text(item)
            out[self.source(section, item)] = (when, f"{text} ({uk_date(when) or 'date not recorded'})")
        return out

    def maracs(self) -> dict[str, tuple[str, str]]:
        out = {}
        for section, item in self.of("maracReferrals"):
            when = str(item.get("authoredOn", ""))
            reasons = in_sentence(", ".join(_label("marac-criterion", c) for c in as_list(item.get("criteria"))))
            text = f"Referred {uk_date(when) or '(date not recorded)'}" + (f" ({reasons})" if reasons else "")
            out[self.source(section, item)] = (when, text)
        return out

    def persons(self) -> list[tuple[str, Mapping[str, Any]]]:
        """(local id, person) of every person, in entry order."""
        return [(str(item.get("id", "")), item) for _, item in self.of("persons")]

    def _children(self) -> list[str]:
        """Local ids of the record's children: a child role in an incident, the child of a child contact or
        child-victim status, a MARAC child, or under 18 on the record's latest event (or unborn)."""
        ids: list[str] = []

        def add(ref: Any) -> None:
            local = _local(ref)
            section = self.by_local.get(local, (None, {}))[0]
            if section is not None and section.key == "persons" and local not in ids:
                ids.append(local)

        dates: list[str] = []
        for section, _, item in self.items:
            for key in _EVENT_DATES.get(section.key, ()):
                value = item.get(key)
                if isinstance(value, str):
                    dates.append(value)
                elif isinstance(value, Mapping):
                    dates.extend(str(v) for v in value.values() if isinstance(v, str))
            if section.key == "incidents":
                for party in as_list(item.get("parties")):
                    if _code("incident-role", as_map(party).get("role")) in CHILD_ROLES:
                        add(as_map(party).get("person"))
            elif section.key in ("childVictimStatuses", "childContacts"):
                add(item.get("child"))
            elif section.key == "maracReferrals":
                for child in as_list(item.get("children")):
                    add(child)
        latest = max(dates, key=_values.sort_key, default="")
        for local, person in self.persons():
            if local in ids:
                continue
            age = _values.age_on(_text(person.get("birthDate")), latest) if latest else None
            if (age is not None and age < 18) or "unborn" in person:
                ids.append(local)
        return ids


def _keys(person: Mapping[str, Any]) -> set[str]:
    return {
        f"{i.get('system')}|{i.get('value')}"
        for i in (as_map(i) for i in as_list(person.get("identifiers")))
        if i.get("system") in MATCH_SYSTEMS and i.get("value")
    }


def collect(bundles: Iterable[Mapping[str, Any]], report: ConversionReport) -> list[Family]:
    """Every family across ``bundles``: Bundles that share a child (by identifier) are merged into one.

    Each Bundle is read with the one reader (``dastandard.logical.bundle_to_logical``); the chronology works on
    the case record's domain terms.
    """
    families: list[Family] = []
    for bundle in bundles:
        report.records_in += 1
        reader = _Reader(bundle)
        if not reader.child_ids:
            report.add(
                ReportEntry(
                    Loss.UNMAPPED_FIELD,
                    "Bundle",
                    f"Bundle/{reader.bundle_id}",
                    "no child found in this Bundle; its events are in no chronology",
                )
            )
            continue
        persons = dict(reader.persons())
        child_keys: set[str] = set()
        for local in reader.child_ids:
            person = persons[local]
            child_keys |= _keys(person) or {f"resource|{reader.rids[id(person)]}"}
        family = next((f for f in families if f.keys & child_keys), None)
        if family is None:
            family = Family(len(families) + 1)
            families.append(family)
        family.keys |= child_keys
        if reader.case_id and reader.case_id not in family.case_refs:
            family.case_refs.append(reader.case_id)
        for local, person in reader.persons():
            child = local in reader.child_ids
            key = min(_keys(person), default=f"resource|{reader.rids[id(person)]}")
            family.people.setdefault(
                key,
                Person(
                    _display(person, child), _text(person.get("birthDate")), source_ids(_identifiers(person)), child
                ),
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
