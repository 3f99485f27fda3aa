"""A fast, read-only index of one ``DACaseBundle`` for the practice and return rules.

``RecordIndex.build(record)`` makes one pass over ``Bundle.entry`` and files every resource by fullUrl, by
``Type/id`` and by kind (the ``record-type`` code of an Observation, the category of a Communication), then
derives the few structures most rules need: persons with birth dates, incidents with their parties, relationships
between persons and household membership over time.

Error policy: the index never raises on malformed or partial input. An element of the wrong JSON type is treated
as absent; a reference that does not resolve inside the Bundle resolves to ``None``; a date that cannot be read
is ``None``. Codes are matched on their ``code`` value only (system conformance is the profile layer's job).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from typing import Any

from dastandard.canonicals import DATA_ABSENT_REASON, NHS_NUMBER_SYSTEM
from dastandard.convert.ids import extension_url, identifier_system

DAR_URL = DATA_ABSENT_REASON

_DATE_RE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")

EMPTY: Mapping[str, Any] = {}


# --- tolerant accessors -------------------------------------------------------------------------------------------


def as_map(value: Any) -> Mapping[str, Any]:
    """``value`` if it is a JSON object, else an empty mapping."""
    if type(value) is dict:  # the common case, without the slower Mapping (ABC) check
        return value
    return value if isinstance(value, Mapping) else EMPTY


def as_list(value: Any) -> list[Any]:
    """``value`` if it is a JSON array, else an empty list."""
    return value if isinstance(value, list) else []


def as_str(value: Any) -> str | None:
    """``value`` if it is a non-blank string, else ``None``."""
    return value if isinstance(value, str) and value.strip() else None


def as_bool(value: Any) -> bool | None:
    """``value`` if it is a JSON boolean, else ``None``."""
    return value if isinstance(value, bool) else None


def parse_date(value: Any) -> date | None:
    """The calendar date of a FHIR date/dateTime/instant string; partial dates take the first day. Else ``None``."""
    if not isinstance(value, str):
        return None
    match = _DATE_RE.match(value)
    if not match:
        return None
    year, month, day = match.group(1), match.group(2) or "01", match.group(3) or "01"
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        return None


def codes_of(concept: Any) -> frozenset[str]:
    """Every ``code`` in a CodeableConcept (or a list of them, or a bare Coding)."""
    out: set[str] = set()
    for item in concept if isinstance(concept, list) else [concept]:
        item_map = as_map(item)
        code = as_str(item_map.get("code"))
        if code:
            out.add(code)
        for coding in as_list(item_map.get("coding")):
            code = as_str(as_map(coding).get("code"))
            if code:
                out.add(code)
    return frozenset(out)


def value_codes(element: Mapping[str, Any]) -> frozenset[str]:
    """Codes carried by an element's ``value[x]`` (CodeableConcept, Coding or code)."""
    out = codes_of(element.get("valueCodeableConcept")) | codes_of(element.get("valueCoding"))
    code = as_str(element.get("valueCode"))
    return out | {code} if code else out


def absent_reason(element: Any) -> str | None:
    """The data-absent-reason code on an element or inside its ``valueCodeableConcept``, else ``None``."""
    element_map = as_map(element)
    for holder in (element_map, as_map(element_map.get("valueCodeableConcept"))):
        for ext in as_list(holder.get("extension")):
            ext_map = as_map(ext)
            if ext_map.get("url") == DAR_URL:
                return as_str(ext_map.get("valueCode")) or "unknown"
    return None


def reference_of(value: Any) -> str | None:
    """The ``reference`` string of a Reference, else ``None``."""
    return as_str(as_map(value).get("reference"))


def sub_extensions(ext: Mapping[str, Any], name: str) -> Iterator[Mapping[str, Any]]:
    """Sub-extensions of a complex extension with the relative url ``name``."""
    for sub in as_list(ext.get("extension")):
        sub_map = as_map(sub)
        if sub_map.get("url") == name:
            yield sub_map


def sub_value(ext: Mapping[str, Any], name: str, key: str) -> Any:
    """The ``key`` value (e.g. ``valueBoolean``) of the first sub-extension ``name``, else ``None``."""
    for sub in sub_extensions(ext, name):
        if key in sub:
            return sub[key]
    return None


@cache
def ext_url(extension_id: str) -> str:
    """The canonical URL of the standard's extension ``extension_id`` (cached)."""
    return extension_url(extension_id)


@cache
def id_system(name: str) -> str:
    """The standard's identifier namespace ``name`` (cached)."""
    return identifier_system(name)


def extensions(resource: Mapping[str, Any], extension_id: str) -> Iterator[tuple[int, Mapping[str, Any]]]:
    """``(position, extension)`` for each of the standard's extension ``extension_id`` on ``resource``."""
    url = ext_url(extension_id)
    for pos, ext in enumerate(as_list(resource.get("extension"))):
        ext_map = as_map(ext)
        if ext_map.get("url") == url:
            yield pos, ext_map


def first_extension(resource: Mapping[str, Any], extension_id: str) -> Mapping[str, Any] | None:
    """The first extension ``extension_id`` on ``resource``, else ``None``."""
    for _, ext in extensions(resource, extension_id):
        return ext
    return None


def effective_date(resource: Mapping[str, Any]) -> date | None:
    """``effectiveDateTime``, else ``effectivePeriod.start``, else ``effectiveInstant``."""
    return (
        parse_date(resource.get("effectiveDateTime"))
        or parse_date(as_map(resource.get("effectivePeriod")).get("start"))
        or parse_date(resource.get("effectiveInstant"))
    )


def period_of(value: Any) -> tuple[date | None, date | None]:
    """``(start, end)`` of a Period."""
    period = as_map(value)
    return parse_date(period.get("start")), parse_date(period.get("end"))


def _fold(code: str) -> str:
    return code.replace("-", "").replace("_", "").lower()


def component_values(resource: Mapping[str, Any], code: str) -> Iterator[Mapping[str, Any]]:
    """Each component of an Observation whose ``code`` carries ``code``; ``riskLevel`` (the slice name) and
    ``risk-level`` (the observation-component code) are the same name."""
    wanted = _fold(code)
    for comp in as_list(resource.get("component")):
        comp_map = as_map(comp)
        if any(_fold(found) == wanted for found in codes_of(comp_map.get("code"))):
            yield comp_map


def component_codes(resource: Mapping[str, Any], code: str) -> frozenset[str]:
    """The union of value codes of the components named ``code``."""
    out: frozenset[str] = frozenset()
    for comp in component_values(resource, code):
        out |= value_codes(comp)
    return out


def component_bool(resource: Mapping[str, Any], code: str) -> bool | None:
    """The ``valueBoolean`` of the first component named ``code``, else ``None``."""
    for comp in component_values(resource, code):
        value = as_bool(comp.get("valueBoolean"))
        if value is not None:
            return value
    return None


def add_months(day: date, months: int) -> date:
    """``day`` moved by ``months`` calendar months (clamped to the month's last day)."""
    total = day.year * 12 + (day.month - 1) + months
    year, month = divmod(total, 12)
    month += 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    return date(year, month, 28)  # pragma: no cover - unreachable


def age_on(birth: date | None, on: date | None) -> int | None:
    """Whole years between ``birth`` and ``on``, else ``None`` when either is unknown."""
    if birth is None or on is None:
        return None
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


# --- the index ----------------------------------------------------------------------------------------------------


@dataclass(slots=True)
class Entry:
    """One resource of the Bundle with its position."""

    pos: int
    key: str
    rtype: str
    rid: str
    res: Mapping[str, Any]

    @property
    def path(self) -> str:
        return f"Bundle.entry[{self.pos}].resource"

    @property
    def label(self) -> str:
        return f"{self.rtype}/{self.rid}" if self.rid else self.rtype


@dataclass(slots=True)
class Person:
    """A ``DAPerson``: birth date and unborn flag."""

    entry: Entry
    birth: date | None
    unborn: bool

    def age(self, on: date | None) -> int | None:
        return age_on(self.birth, on)

    def is_child(self, on: date | None) -> bool:
        """Unborn, or known to be under 18 on ``on``."""
        if self.unborn:
            return True
        years = self.age(on)
        return years is not None and years < 18

    def is_adult(self, on: date | None) -> bool:
        """Not a child: 18 or over on ``on``, or of unknown age (and not unborn)."""
        return not self.is_child(on)


@dataclass(slots=True)
class Party:
    """One ``incident-party`` of an incident."""

    person: str | None
    role: str | None
    rationale: str | None
    exposure: frozenset[str]
    ext_pos: int


@dataclass(slots=True)
class Incident:
    """A ``DAIncident`` with its parties, kinds and links."""

    entry: Entry
    day: date | None
    parties: list[Party]
    kinds: frozenset[str]
    linked: frozenset[str]
    agency: str | None
    risk: frozenset[str]
    behaviour: bool

    def with_role(self, *roles: str) -> set[str]:
        return {p.person for p in self.parties if p.person and p.role in roles}

    def persons(self) -> set[str]:
        return {p.person for p in self.parties if p.person}


@dataclass(slots=True)
class Relationship:
    """A ``DARelationship``: ``b`` is ``codes`` to ``a``, with dated status episodes."""

    entry: Entry
    a: str | None
    b: str | None
    codes: frozenset[str]
    episodes: list[tuple[frozenset[str], date | None, date | None]]
    verified: date | None

    def links(self, x: str, y: str) -> bool:
        return {self.a, self.b} == {x, y}

    def other(self, x: str) -> str | None:
        if self.a == x:
            return self.b
        if self.b == x:
            return self.a
        return None


@dataclass(slots=True)
class Member:
    """A household member with the period of membership."""

    person: str | None
    start: date | None
    end: date | None
    pos: int

    def covers(self, day: date | None) -> bool:
        """Whether the membership period includes ``day`` (an open bound includes everything on that side)."""
        if day is None:
            return self.start is None and self.end is None
        return (self.start is None or self.start <= day) and (self.end is None or day <= self.end)


@dataclass(slots=True)
class Household:
    """A ``DAHousehold`` with its members over time."""

    entry: Entry
    members: list[Member]
    verified: date | None


_LAST: tuple[Any, RecordIndex] | None = None  # (record, its index): see RecordIndex.build
_SHARING = False


@contextmanager
def shared_index() -> Iterator[None]:
    """While active, ``RecordIndex.build`` indexes a record once for all its callers (the record must not change)."""
    global _SHARING, _LAST
    outer = _SHARING
    _SHARING = True
    try:
        yield
    finally:
        _SHARING = outer
        _LAST = None


@dataclass
class RecordIndex:
    """Everything the rules look up in one record, built in a single pass (``RecordIndex.build``)."""

    is_bundle: bool = False
    entries: list[Entry] = field(default_factory=list)
    by_ref: dict[str, Entry] = field(default_factory=dict)
    by_type: dict[str, list[Entry]] = field(default_factory=dict)
    by_kind: dict[str, list[Entry]] = field(default_factory=dict)
    persons: dict[str, Person] = field(default_factory=dict)
    incidents: list[Incident] = field(default_factory=list)
    relationships: list[Relationship] = field(default_factory=list)
    households: list[Household] = field(default_factory=list)
    timestamp: date | None = None
    latest: date | None = None

    @classmethod
    def build(cls, record: Any) -> RecordIndex:
        """Index ``record``; anything other than a Bundle with entries gives an empty index.

        Inside ``shared_index()`` (the engine checking one record) the index is built once and given again to
        every later caller for the same record object; elsewhere every call builds a fresh index.
        """
        global _LAST
        if not _SHARING:
            return cls._build(record)
        last = _LAST
        if last is not None and last[0] is record and type(last[1]) is cls:
            return last[1]
        index = cls._build(record)
        _LAST = (record, index)
        return index

    @classmethod
    def _build(cls, record: Any) -> RecordIndex:
        index = cls()
        bundle = as_map(record)
        if bundle.get("resourceType") != "Bundle":
            return index
        index.is_bundle = True
        index.timestamp = parse_date(bundle.get("timestamp"))
        for pos, raw in enumerate(as_list(bundle.get("entry"))):
            item = as_map(raw)
            res = as_map(item.get("resource"))
            rtype = as_str(res.get("resourceType"))
            if rtype is None:
                continue
            rid = as_str(res.get("id")) or ""
            full = as_str(item.get("fullUrl"))
            key = full or (f"{rtype}/{rid}" if rid else f"#entry{pos}")
            entry = Entry(pos, key, rtype, rid, res)
            index.entries.append(entry)
            for alias in (full, f"{rtype}/{rid}" if rid else None, f"urn:uuid:{rid}" if rid else None):
                if alias and alias not in index.by_ref:
                    index.by_ref[alias] = entry
            index.by_type.setdefault(rtype, []).append(entry)
            kind = _kind_of(rtype, res)
            if kind:
                index.by_kind.setdefault(kind, []).append(entry)
        latest: date | None = None
        for entry in index.entries:
            for day in _dates_of(entry):
                if latest is None or day > latest:
                    latest = day
        index.latest = latest
        for entry in index.by_type.get("Patient", []):
            index.persons[entry.key] = _person(entry)
        for entry in index.by_kind.get("incident", []):
            index.incidents.append(index._incident(entry))
        index.incidents.sort(key=lambda inc: (inc.day or date.min, inc.entry.pos))
        for entry in index.by_type.get("RelatedPerson", []):
            index.relationships.append(index._relationship(entry))
        for entry in index.by_type.get("Group", []):
            index.households.append(index._household(entry))
        return index

    # --- lookups ------------------------------------------------------------------------------------------------

    def resolve(self, reference: Any) -> str | None:
        """The key of the entry a Reference (or reference string) points at, else ``None``."""
        ref = reference if isinstance(reference, str) else reference_of(reference)
        if ref is None:
            return None
        entry = self.by_ref.get(ref)
        if entry is None and "/" in ref and not ref.startswith("urn:"):
            tail = "/".join(ref.rsplit("/", 2)[-2:])  # an absolute URL ending in Type/id
            entry = self.by_ref.get(tail)
        return entry.key if entry else None

    def resolve_all(self, references: Any) -> list[str]:
        """Keys of every resolvable Reference in a list (or single Reference)."""
        items = references if isinstance(references, list) else [references]
        return [key for key in (self.resolve(item) for item in items) if key]

    def kind(self, name: str) -> list[Entry]:
        """Entries of one kind: an Observation/Communication/ServiceRequest record-type code, e.g. ``incident``."""
        return self.by_kind.get(name, [])

    def of_type(self, rtype: str) -> list[Entry]:
        return self.by_type.get(rtype, [])

    def entry(self, key: str | None) -> Entry | None:
        return self.by_ref.get(key) if key else None

    def reference_date(self, configured: Any = None) -> date | None:
        """The "as at" date: ``configured`` if it parses, else ``Bundle.timestamp``, else the latest date in the
        record. Never the wall clock, so results are reproducible."""
        return parse_date(configured) or self.timestamp or self.latest

    def is_child(self, person: str | None, on: date | None) -> bool:
        found = self.persons.get(person) if person else None
        return found is not None and found.is_child(on)

    def is_adult(self, person: str | None, on: date | None) -> bool:
        found = self.persons.get(person) if person else None
        return found is not None and found.is_adult(on)

    def members_on(self, day: date | None) -> Iterator[tuple[Household, Member]]:
        """Every household membership that covers ``day``."""
        for household in self.households:
            for member in household.members:
                if member.person and member.covers(day):
                    yield household, member

    def roles(self) -> tuple[set[str], set[str]]:
        """``(persons causing harm, victims)`` across every incident."""
        harm: set[str] = set()
        victims: set[str] = set()
        for inc in self.incidents:
            harm |= inc.with_role("person-causing-harm")
            victims |= inc.with_role("victim")
        return harm, victims

    # --- builders -----------------------------------------------------------------------------------------------

    def _incident(self, entry: Entry) -> Incident:
        res = entry.res
        parties: list[Party] = []
        for pos, ext in extensions(res, "incident-party"):
            role_codes: frozenset[str] = frozenset()
            for sub in sub_extensions(ext, "role"):
                role_codes |= value_codes(sub)
            exposure: frozenset[str] = frozenset()
            for sub in sub_extensions(ext, "exposure"):
                exposure |= value_codes(sub)
            parties.append(
                Party(
                    person=self.resolve(sub_value(ext, "person", "valueReference")),
                    role=min(role_codes) if role_codes else None,
                    rationale=as_str(sub_value(ext, "roleRationale", "valueString")),
                    exposure=exposure,
                    ext_pos=pos,
                )
            )
        linked = frozenset(
            key for _, ext in extensions(res, "linked-incident") if (key := self.resolve(ext.get("valueReference")))
        )
        return Incident(
            entry=entry,
            day=effective_date(res),
            parties=parties,
            kinds=component_codes(res, "abuseKind"),
            linked=linked,
            agency=self.resolve(res.get("performer")) or next(iter(self.resolve_all(res.get("performer"))), None),
            risk=component_codes(res, "riskLevel"),
            behaviour=as_str(res.get("valueString")) is not None,
        )

    def _relationship(self, entry: Entry) -> Relationship:
        res = entry.res
        episodes: list[tuple[frozenset[str], date | None, date | None]] = []
        for _, ext in extensions(res, "relationship-episode"):
            status: frozenset[str] = frozenset()
            for sub in sub_extensions(ext, "status"):
                status |= value_codes(sub)
            start, end = period_of(sub_value(ext, "period", "valuePeriod"))
            episodes.append((status or value_codes(ext), start, end))
        related = first_extension(res, "related-person")
        return Relationship(
            entry=entry,
            a=self.resolve(res.get("patient")),
            b=self.resolve(related.get("valueReference")) if related else None,
            codes=codes_of(res.get("relationship")),
            episodes=episodes,
            verified=verified_date(res),
        )

    def _household(self, entry: Entry) -> Household:
        members: list[Member] = []
        for pos, raw in enumerate(as_list(entry.res.get("member"))):
            member = as_map(raw)
            start, end = period_of(member.get("period"))
            members.append(Member(self.resolve(member.get("entity")), start, end, pos))
        return Household(entry, members, verified_date(entry.res))


def verified_date(resource: Mapping[str, Any]) -> date | None:
    """The date of the ``last-verified`` extension (``valueDateTime``/``valueDate`` or a ``date`` sub-extension)."""
    ext = first_extension(resource, "last-verified")
    if ext is None:
        return None
    return (
        parse_date(ext.get("valueDateTime"))
        or parse_date(ext.get("valueDate"))
        or parse_date(sub_value(ext, "date", "valueDateTime"))
        or parse_date(sub_value(ext, "date", "valueDate"))
    )


def _kind_of(rtype: str, res: Mapping[str, Any]) -> str | None:
    if rtype == "Observation":
        found = codes_of(res.get("code"))
    elif rtype == "Communication":
        found = codes_of(res.get("category"))
    elif rtype == "ServiceRequest":
        found = codes_of(res.get("code"))
    else:
        return None
    return min(found) if len(found) == 1 else (_known_kind(found) if found else None)


_KINDS = (
    "incident",
    "child-victim-status",
    "abuse-classification",
    "risk-factor",
    "offending-history",
    "history-check",
    "contact-arrangement",
    "adult-assessment",
    "disclosure",
    "retraction",
    "information-sharing",
    "marac-referral",
)


def _known_kind(found: Iterable[str]) -> str | None:
    present = set(found)
    for name in _KINDS:
        if name in present:
            return name
    return None


def _person(entry: Entry) -> Person:
    res = entry.res
    unborn_ext = first_extension(res, "unborn")
    unborn = bool(unborn_ext and unborn_ext.get("valueBoolean") is True)
    return Person(entry, parse_date(res.get("birthDate")), unborn)


_DATE_KEYS = (
    "effectiveDateTime",
    "issued",
    "sent",
    "authoredOn",
    "occurrenceDateTime",
    "recorded",
    "date",
)


def _dates_of(entry: Entry) -> Iterator[date]:
    res = entry.res
    for key in _DATE_KEYS:
        day = parse_date(res.get(key))
        if day:
            yield day
    for key in ("effectivePeriod", "period"):
        start, end = period_of(res.get(key))
        if start:
            yield start
        if end:
            yield end
    for day in (verified_date(res), _last_contact(res)):
        if day:
            yield day
    if entry.rtype == "Group":
        for member in as_list(res.get("member")):
            start, end = period_of(as_map(member).get("period"))
            if start:
                yield start
            if end:
                yield end


def _last_contact(resource: Mapping[str, Any]) -> date | None:
    ext = first_extension(resource, "last-contact")
    return (parse_date(ext.get("valueDateTime")) or parse_date(ext.get("valueDate"))) if ext else None


def identity_keys(resource: Mapping[str, Any]) -> list[str]:
    """Cross-record identity keys of a person: ``nhs:<n>``, ``la:<id>``, ``police:<id>`` (in that order)."""
    systems = {
        NHS_NUMBER_SYSTEM: "nhs",
        id_system("la-child-id"): "la",
        id_system("police-person-id"): "police",
    }
    out: list[str] = []
    for ident in as_list(resource.get("identifier")):
        ident_map = as_map(ident)
        prefix = systems.get(str(ident_map.get("system")))
        value = as_str(ident_map.get("value"))
        if prefix and value:
            out.append(f"{prefix}:{value.replace(' ', '')}")
    order = {"nhs": 0, "la": 1, "police": 2}
    return sorted(out, key=lambda k: order[k.split(":", 1)[0]])
