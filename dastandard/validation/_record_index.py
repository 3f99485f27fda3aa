"""A fast, read-only index of one ``DACaseBundle`` for the practice and return rules.

``RecordIndex.build(record)`` makes one pass over ``Bundle.entry`` and files every resource by fullUrl, by
``Type/id`` and by kind (the ``record-type`` code of an Observation, the category of a Communication), then
derives the few structures most rules need: persons with birth dates, incidents with their parties, relationships
between persons and household membership over time.

Error policy: the index never raises on malformed or partial input. An element of the wrong JSON type is treated
as absent; a reference that does not resolve inside the Bundle resolves to ``None``; a date that cannot be read
is ``None``. ``codings_of``, ``value_codings`` and ``component_codings`` give ``(system, code)`` pairs for matching
against the named code lists of ``dastandard.model``; a party's role counts only when coded in ``incident-role``.
The ``*_codes`` readers give bare code values, for presence checks and messages.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from typing import Any

from dastandard.model.fragments import as_bool, as_list, as_map, as_str
from dastandard.model.ids import extension_url, identifier_system
from dastandard.model.practice_codes import PERSON_CAUSING_HARM
from dastandard.model.practice_codes import VICTIM as VICTIM_ROLE
from dastandard.model.urls import DATA_ABSENT_REASON, DATA_ABSENT_REASON_SYSTEM, NHS_NUMBER_SYSTEM

DAR_URL = DATA_ABSENT_REASON
DAR_SYSTEM = DATA_ABSENT_REASON_SYSTEM

_DATE_RE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")

# The result of parse_date depends only on the first ten characters (``YYYY-MM-DD``), so those key a small cache.
_DATES: dict[str, date | None] = {}
_DATES_MAX = 8192


def parse_date(value: Any) -> date | None:
    """The calendar date of a FHIR date/dateTime/instant string; partial dates take the first day. Else ``None``."""
    if not isinstance(value, str):
        return None
    head = value[:10]
    try:
        return _DATES[head]
    except KeyError:
        pass
    day = _read_date(head)
    if len(_DATES) >= _DATES_MAX:
        _DATES.clear()
    _DATES[head] = day
    return day


def _read_date(text: str) -> date | None:
    match = _DATE_RE.match(text)
    if not match:
        return None
    year, month, day = match.group(1), match.group(2) or "01", match.group(3) or "01"
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        return None


def _codes(concept: Any) -> Iterator[str]:
    """Every non-blank ``code`` of a CodeableConcept (or a list of them, or a bare Coding), in document order."""
    for item in concept if isinstance(concept, list) else (concept,):
        item_map = item if type(item) is dict else as_map(item)
        code = item_map.get("code")
        if isinstance(code, str) and code.strip():
            yield code
        codings = item_map.get("coding")
        if isinstance(codings, list):
            for coding in codings:
                coding_map = coding if type(coding) is dict else as_map(coding)
                code = coding_map.get("code")
                if isinstance(code, str) and code.strip():
                    yield code


def _add_codes(concept: Any, out: set[str]) -> None:
    """Add every ``code`` of a CodeableConcept (or a list of them, or a bare Coding) to ``out``."""
    out.update(_codes(concept))


def _add_value_codes(element: Mapping[str, Any], out: set[str]) -> None:
    """Add the codes of an element's ``value[x]`` to ``out``."""
    concept = element.get("valueCodeableConcept")
    if concept is not None:
        if type(concept) is dict and "code" not in concept:  # the usual CodeableConcept, read inline
            codings = concept.get("coding")
            if isinstance(codings, list):
                for coding in codings:
                    code = (coding if type(coding) is dict else as_map(coding)).get("code")
                    if isinstance(code, str) and code.strip():
                        out.add(code)
        else:
            _add_codes(concept, out)
    coding = element.get("valueCoding")
    if coding is not None:
        _add_codes(coding, out)
    code = element.get("valueCode")
    if isinstance(code, str) and code.strip():
        out.add(code)


NO_CODES: frozenset[str] = frozenset()


def has_code(concept: Any) -> bool:
    """Whether ``codes_of(concept)`` is non-empty (without building it)."""
    return next(_codes(concept), None) is not None


def has_value_code(element: Mapping[str, Any]) -> bool:
    """Whether ``value_codes(element)`` is non-empty (without building it)."""
    concept = element.get("valueCodeableConcept")
    if concept is not None and has_code(concept):
        return True
    coding = element.get("valueCoding")
    if coding is not None and has_code(coding):
        return True
    code = element.get("valueCode")
    return isinstance(code, str) and bool(code.strip())


def _single_code(concept: Any) -> str | None:
    """The code of a CodeableConcept that holds exactly one Coding and nothing else coded, else ``None`` (then
    ``codes_of`` gives the answer)."""
    if type(concept) is dict and "code" not in concept:
        codings = concept.get("coding")
        if type(codings) is list and len(codings) == 1:
            coding = codings[0]
            if type(coding) is dict:
                code = coding.get("code")
                if isinstance(code, str) and code.strip():
                    return code
    return None


def codes_of(concept: Any) -> frozenset[str]:
    """Every ``code`` in a CodeableConcept (or a list of them, or a bare Coding)."""
    if concept is None:
        return NO_CODES
    out: set[str] = set()
    _add_codes(concept, out)
    return frozenset(out) if out else NO_CODES


def value_codes(element: Mapping[str, Any]) -> frozenset[str]:
    """Codes carried by an element's ``value[x]`` (CodeableConcept, Coding or code)."""
    out: set[str] = set()
    _add_value_codes(element, out)
    return frozenset(out) if out else NO_CODES


Coded = tuple[str | None, str]
"""A ``(system, code)`` pair; a bare ``valueCode`` has system ``None`` (its element implies the system)."""

NO_CODINGS: frozenset[Coded] = frozenset()


def _add_codings(concept: Any, out: set[Coded]) -> None:
    """Add ``(system, code)`` of every coded Coding of a CodeableConcept (or a list of them, or a bare Coding)."""
    for item in concept if isinstance(concept, list) else (concept,):
        item_map = item if type(item) is dict else as_map(item)
        for coding in (item_map, *as_list(item_map.get("coding"))):
            coding_map = coding if type(coding) is dict else as_map(coding)
            code = coding_map.get("code")
            if isinstance(code, str) and code.strip():
                system = coding_map.get("system")
                out.add((system if isinstance(system, str) else None, code))


def _add_value_codings(element: Mapping[str, Any], out: set[Coded]) -> None:
    """Add the ``(system, code)`` pairs of an element's ``value[x]`` to ``out``."""
    for key in ("valueCodeableConcept", "valueCoding"):
        value = element.get(key)
        if value is not None:
            _add_codings(value, out)
    code = element.get("valueCode")
    if isinstance(code, str) and code.strip():
        out.add((None, code))


def codings_of(concept: Any) -> frozenset[Coded]:
    """Every ``(system, code)`` in a CodeableConcept (or a list of them, or a bare Coding)."""
    if concept is None:
        return NO_CODINGS
    out: set[Coded] = set()
    _add_codings(concept, out)
    return frozenset(out) if out else NO_CODINGS


def value_codings(element: Mapping[str, Any]) -> frozenset[Coded]:
    """``(system, code)`` pairs carried by an element's ``value[x]`` (CodeableConcept, Coding or code)."""
    out: set[Coded] = set()
    _add_value_codings(element, out)
    return frozenset(out) if out else NO_CODINGS


def absent_reason(element: Any) -> str | None:
    """Why an element's value is absent, else ``None``: a data-absent-reason coding of the element (a
    CodeableConcept) or of its ``valueCodeableConcept`` (the coded form the bound ValueSets accept), or a
    data-absent-reason extension on either (the form of primitives, references and older records)."""
    element_map = as_map(element)
    for holder in (element_map, as_map(element_map.get("valueCodeableConcept"))):
        codings = holder.get("coding")
        if type(codings) is list:
            for coding in codings:
                coding_map = coding if type(coding) is dict else as_map(coding)
                if coding_map.get("system") == DAR_SYSTEM:
                    return as_str(coding_map.get("code")) or "unknown"
        exts = holder.get("extension")
        if not isinstance(exts, list):
            continue
        for ext in exts:
            ext_map = ext if type(ext) is dict else as_map(ext)
            if ext_map.get("url") == DAR_URL:
                return as_str(ext_map.get("valueCode")) or "unknown"
    return None


def reference_of(value: Any) -> str | None:
    """The ``reference`` string of a Reference, else ``None``."""
    return as_str(as_map(value).get("reference"))


def sub_extensions(ext: Mapping[str, Any], name: str) -> Iterator[Mapping[str, Any]]:
    """Sub-extensions of a complex extension with the relative url ``name``."""
    subs = ext.get("extension")
    if not isinstance(subs, list):
        return
    for sub in subs:
        sub_map = sub if type(sub) is dict else as_map(sub)
        if sub_map.get("url") == name:
            yield sub_map


def sub_value(ext: Mapping[str, Any], name: str, key: str) -> Any:
    """The ``key`` value (e.g. ``valueBoolean``) of the first sub-extension ``name``, else ``None``."""
    subs = ext.get("extension")
    if not isinstance(subs, list):
        return None
    for sub in subs:
        sub_map = sub if type(sub) is dict else as_map(sub)
        if sub_map.get("url") == name and key in sub_map:
            return sub_map[key]
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
    exts = resource.get("extension")
    if not isinstance(exts, list):
        return
    url = ext_url(extension_id)
    for pos, ext in enumerate(exts):
        ext_map = ext if type(ext) is dict else as_map(ext)
        if ext_map.get("url") == url:
            yield pos, ext_map


def first_extension(resource: Mapping[str, Any], extension_id: str) -> Mapping[str, Any] | None:
    """The first extension ``extension_id`` on ``resource``, else ``None``."""
    exts = resource.get("extension")
    if not isinstance(exts, list):
        return None
    url = ext_url(extension_id)
    for ext in exts:
        ext_map = ext if type(ext) is dict else as_map(ext)
        if ext_map.get("url") == url:
            return ext_map
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


_FOLDED: dict[str, str] = {}


def _fold(code: str) -> str:
    folded = _FOLDED.get(code)
    if folded is None:
        folded = code.replace("-", "").replace("_", "").lower()
        if len(_FOLDED) >= _DATES_MAX:
            _FOLDED.clear()
        _FOLDED[code] = folded
    return folded


def component_values(resource: Mapping[str, Any], code: str) -> Iterator[Mapping[str, Any]]:
    """Each component of an Observation whose ``code`` carries ``code``; ``riskLevel`` (the slice name) and
    ``risk-level`` (the observation-component code) are the same name."""
    comps = resource.get("component")
    if not isinstance(comps, list):
        return
    wanted = _fold(code)
    for comp in comps:
        comp_map = comp if type(comp) is dict else as_map(comp)
        if any(_fold(found) == wanted for found in codes_of(comp_map.get("code"))):
            yield comp_map


def component_codes(resource: Mapping[str, Any], code: str) -> frozenset[str]:
    """The union of value codes of the components named ``code``."""
    out: set[str] = set()
    for comp in component_values(resource, code):
        _add_value_codes(comp, out)
    return frozenset(out) if out else NO_CODES


def component_codings(resource: Mapping[str, Any], code: str) -> frozenset[Coded]:
    """The union of ``(system, code)`` value pairs of the components named ``code``."""
    out: set[Coded] = set()
    for comp in component_values(resource, code):
        _add_value_codings(comp, out)
    return frozenset(out) if out else NO_CODINGS


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

PCH = PERSON_CAUSING_HARM.code
VICTIM = VICTIM_ROLE.code
_INCIDENT_ROLE = PERSON_CAUSING_HARM.system  # a party's role counts only when coded in the incident-role system


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
        birth = self.birth
        if birth is None or on is None:
            return False
        return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day)) < 18

    def is_adult(self, on: date | None) -> bool:
        """Not a child: 18 or over on ``on``, or of unknown age (and not unborn)."""
        return not self.is_child(on)


@dataclass(slots=True)
class Party:
    """One ``incident-party`` of an incident."""

    person: str | None
    role: str | None  # an incident-role code; a role coded in any other system is not a role
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
    linked_refs: list[Any] = field(default_factory=list)  # the valueReference of each linked-incident, in order
    pair_set: frozenset[tuple[str, str]] | None = field(default=None, repr=False, compare=False)

    def with_role(self, *roles: str) -> set[str]:
        return {p.person for p in self.parties if p.person and p.role in roles}

    def persons(self) -> set[str]:
        return {p.person for p in self.parties if p.person}

    def pairs(self) -> frozenset[tuple[str, str]]:
        """``(person causing harm, victim)`` for every two different parties in those roles (computed once)."""
        found = self.pair_set
        if found is None:
            harm = [p.person for p in self.parties if p.person and p.role == PCH]
            victims = [p.person for p in self.parties if p.person and p.role == VICTIM]
            found = self.pair_set = frozenset((h, v) for h in harm for v in victims if h != v)
        return found


@dataclass(slots=True)
class Relationship:
    """A ``DARelationship``: ``b`` is ``codings`` to ``a``, with dated status episodes (status as codings)."""

    entry: Entry
    a: str | None
    b: str | None
    codings: frozenset[Coded]
    episodes: list[tuple[frozenset[Coded], date | None, date | None]]
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


class _Sharing:
    """The context of ``shared_index`` (a plain class: it is entered once per record)."""

    __slots__ = ("outer",)

    def __init__(self) -> None:
        self.outer = False

    def __enter__(self) -> None:
        global _SHARING
        self.outer = _SHARING
        _SHARING = True

    def __exit__(self, *exc: object) -> None:
        global _SHARING, _LAST
        _SHARING = self.outer
        _LAST = None


def shared_index() -> AbstractContextManager[None]:
    """While active, ``RecordIndex.build`` indexes a record once for all its callers (the record must not change)."""
    return _Sharing()


class _Urls:
    """The extension URLs the index reads, looked up once."""

    __slots__ = ("episode", "linked", "party", "related", "unborn", "verified")

    def __init__(self) -> None:
        self.party = ext_url("incident-party")
        self.linked = ext_url("linked-incident")
        self.episode = ext_url("relationship-episode")
        self.related = ext_url("related-person")
        self.verified = ext_url("last-verified")
        self.unborn = ext_url("unborn")


@cache
def _urls() -> _Urls:
    return _Urls()


_ABUSE_KIND = "abusekind"  # _fold("abuseKind")
_RISK_LEVEL = "risklevel"  # _fold("riskLevel")


class RecordIndex:
    """Everything the rules look up in one record, built in a single pass (``RecordIndex.build``).

    ``memo`` holds facts that rules derive from the index, computed once per record by whichever rule asks first.
    """

    __slots__ = (
        "_latest",
        "_latest_known",
        "_roles",
        "by_kind",
        "by_ref",
        "by_type",
        "entries",
        "households",
        "incidents",
        "is_bundle",
        "memo",
        "persons",
        "relationships",
        "timestamp",
    )

    def __init__(self) -> None:
        self.is_bundle = False
        self.entries: list[Entry] = []
        self.by_ref: dict[str, Entry] = {}
        self.by_type: dict[str, list[Entry]] = {}
        self.by_kind: dict[str, list[Entry]] = {}
        self.persons: dict[str, Person] = {}
        self.incidents: list[Incident] = []
        self.relationships: list[Relationship] = []
        self.households: list[Household] = []
        self.timestamp: date | None = None
        self.memo: dict[str, Any] = {}
        self._latest: date | None = None
        self._latest_known = False
        self._roles: tuple[frozenset[str], frozenset[str]] | None = None

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
        raw_entries = bundle.get("entry")
        if not isinstance(raw_entries, list):
            return index
        entries = index.entries
        by_ref = index.by_ref
        by_type = index.by_type
        by_kind = index.by_kind
        for pos, raw in enumerate(raw_entries):
            item = raw if type(raw) is dict else as_map(raw)
            res = item.get("resource")
            if type(res) is not dict:
                res = as_map(res)
            rtype = res.get("resourceType")
            if not isinstance(rtype, str) or not rtype.strip():
                continue
            rid = res.get("id")
            if not isinstance(rid, str) or not rid.strip():
                rid = ""
            full = item.get("fullUrl")
            if not isinstance(full, str) or not full.strip():
                full = None
            typed = f"{rtype}/{rid}" if rid else None
            entry = Entry(pos, full or typed or f"#entry{pos}", rtype, rid, res)
            entries.append(entry)
            if full and full not in by_ref:
                by_ref[full] = entry
            if typed:
                if typed not in by_ref:
                    by_ref[typed] = entry
                urn = "urn:uuid:" + rid
                if urn not in by_ref:
                    by_ref[urn] = entry
            same_type = by_type.get(rtype)
            if same_type is None:
                by_type[rtype] = [entry]
            else:
                same_type.append(entry)
            if rtype == "Observation" or rtype == "ServiceRequest":
                kind = _kind_from(res.get("code"))
            elif rtype == "Communication":
                kind = _kind_from(res.get("category"))
            else:
                continue
            if kind:
                same_kind = by_kind.get(kind)
                if same_kind is None:
                    by_kind[kind] = [entry]
                else:
                    same_kind.append(entry)
        urls = _urls()
        persons = index.persons
        for entry in by_type.get("Patient", ()):
            persons[entry.key] = _person(entry, urls.unborn)
        incidents = index.incidents
        for entry in by_kind.get("incident", ()):
            incidents.append(index._incident(entry, urls))
        if len(incidents) > 1:
            incidents.sort(key=_incident_order)
        for entry in by_type.get("RelatedPerson", ()):
            index.relationships.append(index._relationship(entry, urls))
        for entry in by_type.get("Group", ()):
            index.households.append(index._household(entry))
        return index

    @property
    def latest(self) -> date | None:
        """The latest date anywhere in the record, else ``None`` (worked out on first use)."""
        if not self._latest_known:
            latest: date | None = None
            for entry in self.entries:
                for day in _dates_of(entry):
                    if latest is None or day > latest:
                        latest = day
            self._latest = latest
            self._latest_known = True
        return self._latest

    # --- lookups ------------------------------------------------------------------------------------------------

    def resolve(self, reference: Any) -> str | None:
        """The key of the entry a Reference (or reference string) points at, else ``None``."""
        if type(reference) is dict:
            ref = reference.get("reference")
            if not isinstance(ref, str) or not ref.strip():
                return None
        elif isinstance(reference, str):
            ref = reference
        else:
            ref = reference_of(reference)
            if ref is None:
                return None
        entry = self.by_ref.get(ref)
        if entry is None:
            if "/" not in ref or ref.startswith("urn:"):
                return None
            tail = "/".join(ref.rsplit("/", 2)[-2:])  # an absolute URL ending in Type/id
            entry = self.by_ref.get(tail)
            if entry is None:
                return None
        return entry.key

    def resolve_all(self, references: Any) -> list[str]:
        """Keys of every resolvable Reference in a list (or single Reference)."""
        out: list[str] = []
        for item in references if isinstance(references, list) else (references,):
            key = self.resolve(item)
            if key:
                out.append(key)
        return out

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
        return found is not None and not found.is_child(on)

    def members_on(self, day: date | None) -> Iterator[tuple[Household, Member]]:
        """Every household membership that covers ``day``."""
        for household in self.households:
            for member in household.members:
                if member.person and member.covers(day):
                    yield household, member

    def roles(self) -> tuple[frozenset[str], frozenset[str]]:
        """``(persons causing harm, victims)`` across every incident (worked out once)."""
        found = self._roles
        if found is None:
            harm: set[str] = set()
            victims: set[str] = set()
            for inc in self.incidents:
                for party in inc.parties:
                    if party.person:
                        if party.role == PCH:
                            harm.add(party.person)
                        elif party.role == VICTIM:
                            victims.add(party.person)
            found = self._roles = (frozenset(harm), frozenset(victims))
        return found

    # --- builders -----------------------------------------------------------------------------------------------

    def _incident(self, entry: Entry, urls: _Urls) -> Incident:
        res = entry.res
        parties: list[Party] = []
        linked: set[str] = set()
        linked_refs: list[Any] = []
        exts = res.get("extension")
        if isinstance(exts, list):
            party_url = urls.party
            linked_url = urls.linked
            for pos, ext in enumerate(exts):
                ext_map = ext if type(ext) is dict else as_map(ext)
                url = ext_map.get("url")
                if url == party_url:
                    parties.append(self._party(ext_map, pos))
                elif url == linked_url:
                    ref = ext_map.get("valueReference")
                    linked_refs.append(ref)
                    key = self.resolve(ref)
                    if key:
                        linked.add(key)
        kinds: set[str] = set()
        risk: set[str] = set()
        comps = res.get("component")
        if isinstance(comps, list):
            for comp in comps:
                comp_map = comp if type(comp) is dict else as_map(comp)
                names = comp_map.get("code")
                if names is None:
                    continue
                single = _single_code(names)
                folded = {_fold(single)} if single is not None else {_fold(code) for code in codes_of(names)}
                if _ABUSE_KIND in folded:
                    _add_value_codes(comp_map, kinds)
                if _RISK_LEVEL in folded:
                    _add_value_codes(comp_map, risk)
        performer = res.get("performer")
        agency = self.resolve(performer)
        if agency is None and isinstance(performer, list):
            agency = next(iter(self.resolve_all(performer)), None)
        behaviour = res.get("valueString")
        return Incident(
            entry,
            effective_date(res),
            parties,
            frozenset(kinds) if kinds else NO_CODES,
            frozenset(linked),
            agency,
            frozenset(risk) if risk else NO_CODES,
            isinstance(behaviour, str) and bool(behaviour.strip()),
            linked_refs,
        )

    def _party(self, ext: Mapping[str, Any], pos: int) -> Party:
        roles: set[Coded] = set()
        exposure: set[str] = set()
        person: Any = None
        rationale: Any = None
        have_person = have_rationale = False
        subs = ext.get("extension")
        if isinstance(subs, list):
            for sub in subs:
                sub_map = sub if type(sub) is dict else as_map(sub)
                name = sub_map.get("url")
                if name == "role":
                    _add_value_codings(sub_map, roles)
                elif name == "exposure":
                    _add_value_codes(sub_map, exposure)
                elif name == "person":
                    if not have_person and "valueReference" in sub_map:
                        person = sub_map["valueReference"]
                        have_person = True
                elif name == "roleRationale" and not have_rationale and "valueString" in sub_map:
                    rationale = sub_map["valueString"]
                    have_rationale = True
        return Party(
            self.resolve(person) if person is not None else None,
            min((code for system, code in roles if system == _INCIDENT_ROLE), default=None),
            as_str(rationale),
            frozenset(exposure) if exposure else NO_CODES,
            pos,
        )

    def _relationship(self, entry: Entry, urls: _Urls) -> Relationship:
        res = entry.res
        episodes: list[tuple[frozenset[Coded], date | None, date | None]] = []
        related: Mapping[str, Any] | None = None
        verified: Mapping[str, Any] | None = None
        exts = res.get("extension")
        if isinstance(exts, list):
            episode_url = urls.episode
            related_url = urls.related
            verified_url = urls.verified
            for ext in exts:
                ext_map = ext if type(ext) is dict else as_map(ext)
                url = ext_map.get("url")
                if url == episode_url:
                    status: set[Coded] = set()
                    for sub in sub_extensions(ext_map, "status"):
                        _add_value_codings(sub, status)
                    start, end = period_of(sub_value(ext_map, "period", "valuePeriod"))
                    episodes.append((frozenset(status) if status else value_codings(ext_map), start, end))
                elif url == related_url:
                    if related is None:
                        related = ext_map
                elif url == verified_url and verified is None:
                    verified = ext_map
        return Relationship(
            entry,
            self.resolve(res.get("patient")),
            self.resolve(related.get("valueReference")) if related else None,
            codings_of(res.get("relationship")),
            episodes,
            _verified_of(verified) if verified is not None else None,
        )

    def _household(self, entry: Entry) -> Household:
        members: list[Member] = []
        raw_members = entry.res.get("member")
        if isinstance(raw_members, list):
            for pos, raw in enumerate(raw_members):
                member = raw if type(raw) is dict else as_map(raw)
                start, end = period_of(member.get("period"))
                members.append(Member(self.resolve(member.get("entity")), start, end, pos))
        return Household(entry, members, verified_date(entry.res))


def _incident_order(inc: Incident) -> tuple[date, int]:
    return (inc.day or date.min, inc.entry.pos)


def verified_date(resource: Mapping[str, Any]) -> date | None:
    """The date of the ``last-verified`` extension (``valueDateTime``/``valueDate`` or a ``date`` sub-extension)."""
    ext = first_extension(resource, "last-verified")
    return None if ext is None else _verified_of(ext)


def _verified_of(ext: Mapping[str, Any]) -> date | None:
    return (
        parse_date(ext.get("valueDateTime"))
        or parse_date(ext.get("valueDate"))
        or parse_date(sub_value(ext, "date", "valueDateTime"))
        or parse_date(sub_value(ext, "date", "valueDate"))
    )


def _kind_from(concept: Any) -> str | None:
    """The record-type code of an Observation/ServiceRequest ``code`` or a Communication ``category``."""
    if concept is None:
        return None
    single = _single_code(concept)
    if single is not None:
        return single
    found: set[str] = set()
    _add_codes(concept, found)
    if len(found) == 1:
        return next(iter(found))
    return _known_kind(found) if found else None


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


def _person(entry: Entry, unborn_url: str) -> Person:
    res = entry.res
    unborn = False
    exts = res.get("extension")
    if isinstance(exts, list):
        for ext in exts:
            ext_map = ext if type(ext) is dict else as_map(ext)
            if ext_map.get("url") == unborn_url:
                unborn = ext_map.get("valueBoolean") is True
                break
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


# The kind of an NHS number's identity key (``nhs:<n>``): the one identifier that names a single person nationally.
NHS_KEY_KIND = "nhs"


@cache
def _identity_systems() -> dict[str, str]:
    return {
        NHS_NUMBER_SYSTEM: NHS_KEY_KIND,
        id_system("la-child-id"): "la",
        id_system("police-person-id"): "police",
    }


_IDENTITY_ORDER = {NHS_KEY_KIND: 0, "la": 1, "police": 2}


def _identity_order(key: str) -> int:
    return _IDENTITY_ORDER[key.split(":", 1)[0]]


def identity_keys(resource: Mapping[str, Any]) -> list[str]:
    """Cross-record identity keys of a person: ``nhs:<n>``, ``la:<id>``, ``police:<id>`` (in that order)."""
    idents = resource.get("identifier")
    if not isinstance(idents, list):
        return []
    systems = _identity_systems()
    out: list[str] = []
    for ident in idents:
        ident_map = ident if type(ident) is dict else as_map(ident)
        prefix = systems.get(str(ident_map.get("system")))
        value = as_str(ident_map.get("value"))
        if prefix and value:
            out.append(f"{prefix}:{value.replace(' ', '')}")
    if len(out) > 1:
        out.sort(key=_identity_order)
    return out
