"""Safeguarding-practice rules (``DA3xxx``): checks on one ``DACaseBundle`` drawn from case-review learning.

``check_record`` indexes the record once (``RecordIndex``) and runs every enabled rule over the index. Rules are
plain generator functions registered with ``@_rule``; each yields ``Finding`` values whose ``path`` points at the
offending resource (``Bundle.entry[4].resource``) or deeper.

Error policy: rules never raise on malformed or partial records. Missing or odd-typed elements are treated as
absent, unresolvable references as pointing nowhere, unreadable dates as unknown; a rule that needs a fact it
cannot find stays silent rather than guessing. No rule reads sex or gender to decide a person's role (learning
point L14): roles come only from incident parties and relationships. Time-dependent rules measure against a
reference date (the ``reference-date`` param, else ``Bundle.timestamp``, else the latest date in the record), never
the wall clock. Codes are matched on system and code against the named lists of ``dastandard.model.practice_codes``
(ValueSets ``practice-*`` in ``profiles/``); see docs/practice-rules.md.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from dastandard.config import Settings
from dastandard.findings import Finding, Layer
from dastandard.model.fragments import as_bool, as_list, as_map, as_str
from dastandard.model.practice_codes import (
    CHILD_VICTIM,
    CLOSED_EPISODE,
    COERCIVE_KINDS,
    CONTROL_BASIS,
    DA_INDICATORS,
    DAY_CONTACT,
    HIGH_RISK,
    MARAC_ACTION_PLAN,
    NEW_PARTNER,
    NO_DIRECT_CONTACT,
    NO_KNOWN_HISTORY,
    NOT_A_VICTIM,
    NOT_CONNECTED,
    NOT_OFFERED,
    OPEN_EPISODE,
    OVERNIGHT_CONTACT,
    PARENTAL_CONFLICT,
    PARTNER_RELATIONSHIPS,
    PHYSICAL_KINDS,
    SAFETY_PLAN,
    SELF_REPORTED,
    SEPARATED,
    SPECIALIST_AGENCIES,
    SPECIALIST_SERVICES,
    UNKNOWN_PREGNANCY,
)
from dastandard.model.urls import (
    DATA_ABSENT_REASON_SYSTEM,
    EPISODE_OF_CARE_STATUS,
    PATIENT_DISABILITY,
    PATIENT_RELIGION,
    UKCORE_ETHNIC_CATEGORY,
)
from dastandard.validation._record_index import (
    DAR_URL,
    PCH,
    VICTIM,
    Entry,
    Incident,
    Person,
    RecordIndex,
    absent_reason,
    add_months,
    codings_of,
    component_bool,
    component_codings,
    effective_date,
    ext_url,
    extensions,
    first_extension,
    has_code,
    has_value_code,
    parse_date,
    period_of,
    sub_extensions,
    sub_value,
    value_codes,
    value_codings,
)

__all__ = ["RULE_IDS", "check_record"]

# --- registry -----------------------------------------------------------------------------------------------------


@dataclass
class _Ctx:
    idx: RecordIndex
    settings: Settings
    file: str
    record_no: int | None
    params: dict[tuple[str, str], Any]  # rule parameters already read from ``settings``

    def param(self, rule_id: str, name: str) -> Any:
        key = (rule_id, name)
        params = self.params
        if key in params:
            return params[key]
        value = params[key] = self.settings.param(rule_id, name)
        return value

    def int_param(self, rule_id: str, name: str, default: int) -> int:
        value = self.param(rule_id, name)
        return value if isinstance(value, int) and not isinstance(value, bool) else default

    def ref_date(self, rule_id: str) -> date | None:
        return self.idx.reference_date(self.param(rule_id, "reference-date"))

    def finding(self, rule_id: str, message: str, entry: Entry | None, suffix: str = "", **details: Any) -> Finding:
        return Finding(
            rule_id=rule_id,
            severity=self.settings.severity_of(rule_id),
            layer=Layer.PRACTICE,
            message=message,
            file=self.file,
            path=(entry.path + suffix) if entry else "Bundle",
            record=self.record_no,
            resource=entry.label if entry else "",
            details=tuple(sorted(details.items())),
        )


# The rule parameters of the last Settings seen; Settings values are immutable, so they are read once per run.
_PARAMS: tuple[Settings, dict[tuple[str, str], Any]] | None = None

_RuleFn = Callable[[_Ctx], Iterator[Finding]]
_RULES: dict[str, _RuleFn] = {}


def _rule(rule_id: str) -> Callable[[_RuleFn], _RuleFn]:
    def register(fn: _RuleFn) -> _RuleFn:
        _RULES[rule_id] = fn
        return fn

    return register


def check_record(
    record: Mapping[str, Any], *, settings: Settings, file: str, record_no: int | None
) -> Iterator[Finding]:
    """Run every enabled practice rule over one record (a Bundle as a plain dict). Anything that is not a Bundle
    yields nothing (the structure layer reports it). Findings come rule by rule, in rule-id order."""
    idx = RecordIndex.build(record)
    if not idx.is_bundle:
        return
    global _PARAMS
    if _PARAMS is None or _PARAMS[0] is not settings:
        _PARAMS = (settings, {})
    ctx = _Ctx(idx, settings, file, record_no, _PARAMS[1])
    for rule_id, rule in _ORDERED_RULES:
        if settings.enabled(rule_id):
            yield from rule(ctx)


# --- shared helpers -----------------------------------------------------------------------------------------------


def _name(ctx: _Ctx, key: str | None) -> str:
    entry = ctx.idx.entry(key)
    return entry.label if entry else str(key)


def _subject(ctx: _Ctx, entry: Entry, element: str = "subject") -> str | None:
    return ctx.idx.resolve(entry.res.get(element))


def _assessed_or_engaged(ctx: _Ctx) -> set[str]:
    """Persons with an adult assessment, a risk assessment or a service episode about them."""
    idx = ctx.idx
    out: set[str] = set()
    for entry in idx.kind("adult-assessment"):
        out.update(idx.resolve_all(entry.res.get("subject")))
    for entry in idx.of_type("RiskAssessment"):
        out.update(idx.resolve_all(entry.res.get("subject")))
    for entry in idx.of_type("EpisodeOfCare"):
        out.update(idx.resolve_all(entry.res.get("patient")))
    return out


def _child_victims(ctx: _Ctx) -> dict[str, Entry]:
    """Children with a child-victim status (s3 or s1) -> the status resource (worked out once per record)."""
    memo = ctx.idx.memo
    out: dict[str, Entry] | None = memo.get("child-victims")
    if out is None:
        out = memo["child-victims"] = {}
        for entry in ctx.idx.kind("child-victim-status"):
            if CHILD_VICTIM.matches(value_codings(entry.res)) and (child := _subject(ctx, entry)):
                out.setdefault(child, entry)
    return out


def _has_value_or_reason(element: Any) -> bool:
    """Whether an element carries a value (code, text, any ``value[x]`` or sub-extension) or a data-absent-reason."""
    item = element if type(element) is dict else as_map(element)
    if not item:
        return False
    concept = item.get("valueCodeableConcept")
    if type(concept) is dict:  # the usual shapes: a coded CodeableConcept, or one with a data-absent-reason
        codings = concept.get("coding")
        if type(codings) is list:
            for coding in codings:
                if type(coding) is dict:
                    code = coding.get("code")
                    if isinstance(code, str) and code.strip():
                        return True
        reasons = concept.get("extension")
        if type(reasons) is list:
            for reason in reasons:
                if type(reason) is dict and reason.get("url") == DAR_URL:
                    return True
    if has_value_code(item) or absent_reason(item) or as_str(as_map(item.get("valueCodeableConcept")).get("text")):
        return True
    if any(key.startswith("value") and key != "valueCodeableConcept" for key in item):
        return True
    return any(as_map(sub).get("url") != DAR_URL for sub in as_list(item.get("extension")))


def _concept_present(concept: Any) -> bool:
    item = as_map(concept)
    return bool(has_code(item) or as_str(item.get("text")) or absent_reason(item))


# --- DA31xx incidents and the law ---------------------------------------------------------------------------------


@_rule("DA3101")
def _incident_without_behaviour(ctx: _Ctx) -> Iterator[Finding]:
    for inc in ctx.idx.incidents:
        if not inc.behaviour:
            yield ctx.finding(
                "DA3101",
                "Incident does not describe the behaviour (what happened, by whom, to whom); a domestic abuse flag "
                "alone does not say what the child lived with.",
                inc.entry,
                ".valueString",
            )


@_rule("DA3102")
def _incident_without_kind(ctx: _Ctx) -> Iterator[Finding]:
    for inc in ctx.idx.incidents:
        if not inc.kinds:
            yield ctx.finding(
                "DA3102", "Incident records no kind of abuse (abuseKind component).", inc.entry, ".component"
            )


@_rule("DA3103")
def _only_physical_kinds(ctx: _Ctx) -> Iterator[Finding]:
    idx = ctx.idx
    kinds = frozenset().union(*(inc.kinds for inc in idx.incidents)) if idx.incidents else frozenset()
    kind_codings = frozenset().union(*(component_codings(inc.entry.res, "abuseKind") for inc in idx.incidents))
    if not kinds or not kind_codings <= PHYSICAL_KINDS:
        return
    if idx.of_type("RiskAssessment"):
        return
    for entry in idx.kind("abuse-classification"):
        if CONTROL_BASIS.matches(component_codings(entry.res, "basis")):
            return
    last = idx.incidents[-1]
    yield ctx.finding(
        "DA3103",
        f"Only physical or violent kinds of abuse are recorded across {len(idx.incidents)} incident(s) and "
        "controlling or coercive behaviour was never assessed (no risk assessment, no classification basis).",
        last.entry,
        kinds=tuple(sorted(kinds)),
    )


@_rule("DA3104")
def _incident_without_person_causing_harm(ctx: _Ctx) -> Iterator[Finding]:
    for inc in ctx.idx.incidents:
        if not inc.with_role(PCH):
            yield ctx.finding(
                "DA3104", "Incident identifies no person causing harm among its parties.", inc.entry, ".extension"
            )


@_rule("DA3105")
def _both_adults_causing_harm(ctx: _Ctx) -> Iterator[Finding]:
    for inc in ctx.idx.incidents:
        harm = [p for p in inc.parties if p.role == PCH and p.person and ctx.idx.is_adult(p.person, inc.day)]
        if len({p.person for p in harm}) >= 2 and not any(p.rationale for p in harm):
            yield ctx.finding(
                "DA3105",
                "More than one adult is recorded as causing harm in this incident with no roleRationale; "
                "both parents posing risk is rare and the record must say why.",
                inc.entry,
                f".extension[{harm[1].ext_pos}]",
                persons=tuple(sorted({_name(ctx, p.person) for p in harm})),
            )


def _pairs(inc: Incident) -> frozenset[tuple[str, str]]:
    return inc.pairs()


@_rule("DA3106")
def _repeat_incidents_not_linked(ctx: _Ctx) -> Iterator[Finding]:
    seen: dict[tuple[str, str], list[str]] = {}
    for inc in ctx.idx.incidents:
        earlier: set[str] = set()
        pairs = _pairs(inc)
        for pair in pairs:
            earlier.update(seen.get(pair, ()))
        if earlier and not (inc.linked & earlier):
            yield ctx.finding(
                "DA3106",
                "Incident repeats an earlier incident between the same person causing harm and victim but is not "
                "linked to it (linked-incident), so the course of conduct is not visible.",
                inc.entry,
                earlier=tuple(sorted(_name(ctx, key) for key in earlier)),
            )
        for pair in pairs:
            seen.setdefault(pair, []).append(inc.entry.key)


@_rule("DA3107")
def _parties_under_16(ctx: _Ctx) -> Iterator[Finding]:
    for inc in ctx.idx.incidents:
        for party in inc.parties:
            if party.role not in (PCH, VICTIM) or not party.person:
                continue
            person = ctx.idx.persons.get(party.person)
            if person is None:
                continue
            years = person.age(inc.day)
            if person.unborn or (years is not None and years < 16):
                yield ctx.finding(
                    "DA3107",
                    f"{_name(ctx, party.person)} is recorded as {party.role} but is under 16 at the incident; "
                    "DA Act 2021 s1(2)(a) requires both people to be 16 or over (a younger child is a victim under "
                    "s3 or of child abuse, not a party to domestic abuse).",
                    inc.entry,
                    f".extension[{party.ext_pos}]",
                    age=years,
                )


@_rule("DA3108")
def _not_personally_connected(ctx: _Ctx) -> Iterator[Finding]:
    idx = ctx.idx
    connected: set[frozenset[str]] = set()
    for rel in idx.relationships:
        if rel.a and rel.b and (not rel.codings or rel.codings - NOT_CONNECTED):
            connected.add(frozenset((rel.a, rel.b)))
    for inc in idx.incidents:
        for harm, victim in sorted(_pairs(inc)):
            if frozenset((harm, victim)) not in connected:
                yield ctx.finding(
                    "DA3108",
                    f"No personally-connected relationship (DA Act 2021 s2) is recorded between "
                    f"{_name(ctx, harm)} (causing harm) and {_name(ctx, victim)} (victim), so the incident does not "
                    "meet s1(2)(a) as recorded.",
                    inc.entry,
                )


@_rule("DA3109")
def _parental_conflict_with_indicators(ctx: _Ctx) -> Iterator[Finding]:
    idx = ctx.idx
    incidents = {inc.entry.key: inc for inc in idx.incidents}
    for entry in idx.kind("abuse-classification"):
        if PARENTAL_CONFLICT not in value_codings(entry.res):
            continue
        indicators = {code for _, code in component_codings(entry.res, "basis") & DA_INDICATORS}
        for key in idx.resolve_all(entry.res.get("focus")):
            inc = incidents.get(key)
            if inc is None:
                continue
            if component_bool(inc.entry.res, "injury"):
                indicators.add("injury")
            if COERCIVE_KINDS.matches(component_codings(inc.entry.res, "abuseKind")):
                indicators.add("control")
        if indicators:
            yield ctx.finding(
                "DA3109",
                "Labelled parental conflict while domestic abuse indicators are recorded "
                f"({', '.join(sorted(indicators))}); conflict and abuse need different interventions.",
                entry,
                ".valueCodeableConcept",
                indicators=tuple(sorted(indicators)),
            )


# --- DA32xx children ----------------------------------------------------------------------------------------------


@_rule("DA3201")
def _child_without_victim_status(ctx: _Ctx) -> Iterator[Finding]:
    idx = ctx.idx
    covered: set[tuple[str, str]] = set()
    for entry in idx.kind("child-victim-status"):
        child = _subject(ctx, entry)
        if child:
            for key in idx.resolve_all(entry.res.get("focus")):
                covered.add((child, key))
    for inc in idx.incidents:
        children: set[str] = set()
        for _, member in idx.members_on(inc.day) if inc.day else ():
            children.add(member.person or "")
        for party in inc.parties:
            if party.person and party.role != PCH:
                children.add(party.person)
        for child in sorted(children):
            person = idx.persons.get(child)
            if person is None or person.unborn or not person.is_child(inc.day):
                continue
            if (child, inc.entry.key) not in covered:
                yield ctx.finding(
                    "DA3201",
                    f"Child {_name(ctx, child)} was in the household or present at this incident but has no child "
                    "victim status for it (DA Act 2021 s3) and no recorded reason why not.",
                    inc.entry,
                    child=_name(ctx, child),
                )


def _children_in_incidents_or_assessments(ctx: _Ctx) -> dict[str, Entry]:
    idx = ctx.idx
    out: dict[str, Entry] = {}
    for inc in idx.incidents:
        for party in inc.parties:
            if party.person and party.role != PCH:
                out.setdefault(party.person, inc.entry)
    for entry in idx.kind("adult-assessment"):
        for key in idx.resolve_all(entry.res.get("focus")):
            out.setdefault(key, entry)
    for entry in idx.of_type("RiskAssessment"):
        for key in idx.resolve_all(entry.res.get("subject")):
            out.setdefault(key, entry)
    ref = idx.reference_date()
    return {
        key: entry
        for key, entry in out.items()
        if (person := idx.persons.get(key)) and not person.unborn and person.is_child(_entry_date(entry) or ref)
    }


def _entry_date(entry: Entry) -> date | None:
    res = entry.res
    return effective_date(res) or parse_date(res.get("occurrenceDateTime"))


@_rule("DA3202")
def _child_never_spoken_with(ctx: _Ctx) -> Iterator[Finding]:
    idx = ctx.idx
    heard: set[str] = set()
    for entry in idx.of_type("Encounter"):
        child = _subject(ctx, entry)
        voice = first_extension(entry.res, "child-voice")
        if (
            child
            and voice is not None
            and (
                as_bool(sub_value(voice, "spokenWith", "valueBoolean"))
                or as_str(sub_value(voice, "notSpokenWithReason", "valueString"))
            )
        ):
            heard.add(child)
    for child, entry in sorted(_children_in_incidents_or_assessments(ctx).items()):
        if child not in heard:
            yield ctx.finding(
                "DA3202",
                f"Child {_name(ctx, child)} appears in an incident or assessment but no contact records that the "
                "child was spoken with (or why not).",
                entry,
                child=_name(ctx, child),
            )


@_rule("DA3203")
def _child_victim_without_support(ctx: _Ctx) -> Iterator[Finding]:
    supported: set[str] = set()
    for entry in ctx.idx.of_type("EpisodeOfCare"):
        outcome = first_extension(entry.res, "offer-outcome")
        if outcome is not None and NOT_OFFERED in value_codings(outcome):
            continue
        supported.update(ctx.idx.resolve_all(entry.res.get("patient")))
    for child, status in sorted(_child_victims(ctx).items()):
        if child not in supported:
            yield ctx.finding(
                "DA3203",
                f"Child victim {_name(ctx, child)} has no child-focused support recorded (no service episode for "
                "the child).",
                status,
                child=_name(ctx, child),
            )


@_rule("DA3204")
def _closed_without_follow_up(ctx: _Ctx) -> Iterator[Finding]:
    victims = _child_victims(ctx)
    by_child: dict[str, list[Entry]] = {}
    for entry in ctx.idx.of_type("EpisodeOfCare"):
        child = _subject(ctx, entry, "patient")
        if child in victims:
            by_child.setdefault(child, []).append(entry)
    for child, episodes in sorted(by_child.items()):
        statuses = [as_str(e.res.get("status")) for e in episodes]
        if any((EPISODE_OF_CARE_STATUS, s) in OPEN_EPISODE for s in statuses):
            continue
        closed = [e for e, s in zip(episodes, statuses, strict=True) if (EPISODE_OF_CARE_STATUS, s) in CLOSED_EPISODE]
        if not closed:
            continue
        followed = False
        for entry in closed:
            follow = first_extension(entry.res, "follow-up")
            if follow is not None and as_bool(sub_value(follow, "planned", "valueBoolean")):
                followed = True
        if not followed:
            yield ctx.finding(
                "DA3204",
                f"Every service for child victim {_name(ctx, child)} is closed and none records a planned "
                "follow-up; the harm of domestic abuse outlasts the crisis.",
                closed[-1],
                child=_name(ctx, child),
            )


# --- DA33xx protected characteristics -----------------------------------------------------------------------------


CHARACTERISTICS = (
    "age",
    "sex",
    "gender-identity",
    "sexual-orientation",
    "ethnicity",
    "religion",
    "disability",
    "marital-status",
)


_CHARACTERISTIC_URLS: dict[tuple[str, ...], dict[str, tuple[str, ...]]] = {}  # names -> {url: names it carries}


def _characteristic_present(res: Mapping[str, Any], names: tuple[str, ...] = CHARACTERISTICS) -> frozenset[str]:
    """Which of the characteristics ``names`` a person resource records (a value or a reason it is absent). Age
    and marital status are elements; every other characteristic is an extension, and the extensions are read
    once for all of them."""
    present: set[str] = set()
    by_url = _CHARACTERISTIC_URLS.get(names)
    if by_url is None:
        by_url = {}
        for name in names:
            if name in ("age", "marital-status"):
                continue
            if name == "ethnicity":
                urls: tuple[str, ...] = (
                    UKCORE_ETHNIC_CATEGORY,
                    ext_url("ethnicity-ons-2021"),
                    ext_url("ethnicity-dfe"),
                )
            elif name == "religion":
                urls = (PATIENT_RELIGION,)
            elif name == "disability":
                urls = (PATIENT_DISABILITY,)
            elif name == "sex":
                urls = (ext_url("person-sex"),)
            else:
                urls = (ext_url(name),)
            for url in urls:
                by_url[url] = (*by_url.get(url, ()), name)
        if len(_CHARACTERISTIC_URLS) < 64:
            _CHARACTERISTIC_URLS[names] = by_url
    if "age" in names and (
        parse_date(res.get("birthDate")) is not None or absent_reason(res.get("_birthDate")) is not None
    ):
        present.add("age")
    if "marital-status" in names and _concept_present(res.get("maritalStatus")):
        present.add("marital-status")
    exts = res.get("extension")
    if by_url and isinstance(exts, list):
        for ext in exts:
            found = (ext if type(ext) is dict else as_map(ext)).get("url")
            if isinstance(found, str):
                carried = by_url.get(found)
                if carried is not None and not present.issuperset(carried) and _has_value_or_reason(ext):
                    present.update(carried)
    return frozenset(present)


def characteristics_recorded(idx: RecordIndex, person: Person) -> frozenset[str]:
    """Which of ``CHARACTERISTICS`` ``person`` records, worked out once per person of the record."""
    memo: dict[int, frozenset[str]] | None = idx.memo.get("characteristics")
    if memo is None:
        memo = idx.memo["characteristics"] = {}
    found = memo.get(person.entry.pos)
    if found is None:
        found = memo[person.entry.pos] = _characteristic_present(person.entry.res)
    return found


@_rule("DA3301")
def _characteristic_silent(ctx: _Ctx) -> Iterator[Finding]:
    configured = ctx.param("DA3301", "characteristics")
    names = tuple(n for n in as_list(configured) if isinstance(n, str)) or CHARACTERISTICS
    for person in ctx.idx.persons.values():
        if person.unborn:
            continue
        if names == CHARACTERISTICS:
            present = characteristics_recorded(ctx.idx, person)
        else:
            present = _characteristic_present(person.entry.res, names)
        missing = [n for n in names if n not in present]
        if missing:
            yield ctx.finding(
                "DA3301",
                f"{person.entry.label} has no value and no data-absent-reason for: {', '.join(missing)}. "
                "Silence is never an answer.",
                person.entry,
                missing=tuple(missing),
            )


@_rule("DA3302")
def _pregnancy_unknown(ctx: _Ctx) -> Iterator[Finding]:
    idx = ctx.idx
    ref = ctx.ref_date("DA3302")
    low = ctx.int_param("DA3302", "min-age", 16)
    high = ctx.int_param("DA3302", "max-age", 50)
    _, victims = idx.roles()
    for key in sorted(victims):
        person = idx.persons.get(key)
        if person is None:
            continue
        years = person.age(ref)
        if years is None or not low <= years <= high:
            continue
        ext = first_extension(person.entry.res, "pregnancy-status")
        if ext is None:
            reason: str | None = "missing"
        else:
            # a simple coded extension, or a complex one whose ``status`` sub-extension holds the code
            holders = [ext, *sub_extensions(ext, "status")]
            if any(value_codes(h) and absent_reason(h) is None for h in holders):
                continue
            reason = next((r for h in holders if (r := absent_reason(h))), None)
        if reason is None or (DATA_ABSENT_REASON_SYSTEM, reason) in UNKNOWN_PREGNANCY or reason == "missing":
            yield ctx.finding(
                "DA3302",
                f"Pregnancy status of adult victim {person.entry.label} (aged {years}) is unknown; pregnancy and a "
                "recent birth raise risk and unborn children are persons in the record.",
                person.entry,
                reason=reason or "no value",
            )


# --- DA34xx relationships and household ---------------------------------------------------------------------------


@_rule("DA3401")
def _adult_not_assessed(ctx: _Ctx) -> Iterator[Finding]:
    idx = ctx.idx
    ref = idx.reference_date(ctx.param("DA3401", "reference-date"))
    adults: dict[str, str] = {}
    for rel in idx.relationships:
        for x, y in ((rel.a, rel.b), (rel.b, rel.a)):
            if x and y and x not in adults and x in idx.persons and idx.is_child(y, ref) and idx.is_adult(x, ref):
                adults[x] = f"related to child {_name(ctx, y)}"
    for household in idx.households:
        people = [m.person for m in household.members if m.person]
        if any(idx.is_child(p, ref) for p in people):
            for p in people:
                if p not in adults and p in idx.persons and idx.is_adult(p, ref):
                    adults[p] = f"member of household {household.entry.label} with a child"
    seen = _assessed_or_engaged(ctx)
    for key, why in sorted(adults.items()):
        if key not in seen:
            yield ctx.finding(
                "DA3401",
                f"{_name(ctx, key)} ({why}) was never assessed or engaged: no adult assessment, risk assessment or "
                "service episode.",
                idx.persons[key].entry,
            )


@_rule("DA3402")
def _victim_left_children_with_pch(ctx: _Ctx) -> Iterator[Finding]:
    idx = ctx.idx
    ref = idx.reference_date(ctx.param("DA3402", "reference-date"))
    grace = timedelta(days=ctx.int_param("DA3402", "days", 28))
    harm_of: dict[str, set[str]] = {}
    for inc in idx.incidents:
        for harm, victim in _pairs(inc):
            harm_of.setdefault(victim, set()).add(harm)
    for household in idx.households:
        for member in household.members:
            if not member.person or member.end is None or member.person not in harm_of:
                continue
            left = member.end

            remaining = [
                m
                for m in household.members
                if m.person and m is not member and m.covers(left) and (m.end is None or m.end > left)
            ]
            harmer_members = [m for m in remaining if m.person in harm_of[member.person]]
            if not harmer_members:
                continue
            stayed_until = _latest_end([m.end for m in harmer_members], ref)
            children = []
            for m in remaining:
                child_until = _latest_end([m.end], ref)
                if not idx.is_child(m.person, left) or child_until is None or stayed_until is None:
                    continue
                if min(child_until, stayed_until) - left > grace:
                    children.append(m.person)
            harmers = [m.person for m in harmer_members]
            if children:
                yield ctx.finding(
                    "DA3402",
                    f"Victim {_name(ctx, member.person)} left the household on {left.isoformat()} while "
                    f"{len(children)} child(ren) remained with the person causing harm {_name(ctx, harmers[0])}.",
                    household.entry,
                    f".member[{member.pos}]",
                    children=tuple(sorted(_name(ctx, c) for c in children)),
                )


@_rule("DA3403")
def _separation_and_unsupervised_contact(ctx: _Ctx) -> Iterator[Finding]:
    idx = ctx.idx
    months = ctx.int_param("DA3403", "months", 12)
    harm, _ = idx.roles()
    partners: dict[str, set[str]] = {}
    for inc in idx.incidents:
        for h, v in _pairs(inc):
            partners.setdefault(h, set()).add(v)
    separations: dict[str, list[date]] = {}
    for rel in idx.relationships:
        for status, start, _ in rel.episodes:
            if status & SEPARATED and start:
                for person in (rel.a, rel.b):
                    if person:
                        separations.setdefault(person, []).append(start)
    for entry in idx.kind("risk-factor"):
        day = effective_date(entry.res)
        who = _subject(ctx, entry)
        if day and who and SEPARATED.matches(value_codings(entry.res)):
            separations.setdefault(who, []).append(day)
    for entry in idx.kind("contact-arrangement"):
        adult = next(iter(idx.resolve_all(entry.res.get("focus"))), None)
        if adult not in harm or adult is None:
            continue
        supervised = component_bool(entry.res, "supervised")
        kind = component_codings(entry.res, "arrangementType")
        if kind and kind <= NO_DIRECT_CONTACT:
            continue
        if supervised is True or (supervised is None and not kind & {OVERNIGHT_CONTACT, DAY_CONTACT}):
            continue
        start, end = period_of(entry.res.get("effectivePeriod"))
        dates = list(separations.get(adult, ()))
        for victim in partners.get(adult, ()):
            dates.extend(separations.get(victim, ()))
        for sep in sorted(set(dates)):
            if (start is None or start <= add_months(sep, months)) and (end is None or end >= sep):
                yield ctx.finding(
                    "DA3403",
                    f"Unsupervised contact with the person causing harm {_name(ctx, adult)} within {months} months "
                    f"of a separation on {sep.isoformat()}; risk peaks at separation and during contact.",
                    entry,
                    separation=sep.isoformat(),
                )
                break


def _latest_end(ends: list[date | None], ref: date | None) -> date | None:
    """The last day of a co-residence: the latest end, or the reference date while it is still open."""
    known = [e if e is not None else ref for e in ends]
    days = [d for d in known if d is not None]
    return max(days) if days else None


def _stale(verified: date | None, ref: date | None, days: int) -> bool:
    if ref is None:
        return False
    return verified is None or (ref - verified) > timedelta(days=days)


@_rule("DA3404")
def _household_not_verified(ctx: _Ctx) -> Iterator[Finding]:
    ref = ctx.ref_date("DA3404")
    days = ctx.int_param("DA3404", "days", 180)
    for household in ctx.idx.households:
        if _stale(household.verified, ref, days):
            when = household.verified.isoformat() if household.verified else "never"
            yield ctx.finding(
                "DA3404",
                f"Household composition was last verified {when}: more than {days} days before {ref}.",
                household.entry,
                last_verified=when,
            )


@_rule("DA3405")
def _relationship_not_verified(ctx: _Ctx) -> Iterator[Finding]:
    ref = ctx.ref_date("DA3405")
    days = ctx.int_param("DA3405", "days", 180)
    for rel in ctx.idx.relationships:
        if _stale(rel.verified, ref, days):
            when = rel.verified.isoformat() if rel.verified else "never"
            yield ctx.finding(
                "DA3405",
                f"Relationship status was last verified {when}: more than {days} days before {ref}.",
                rel.entry,
                last_verified=when,
            )


@_rule("DA3406")
def _new_partner_without_history_check(ctx: _Ctx) -> Iterator[Finding]:
    idx = ctx.idx
    ref = idx.reference_date()
    intimate: set[str] = set()
    for rel in idx.relationships:
        if rel.codings & PARTNER_RELATIONSHIPS or rel.episodes:
            intimate.update(p for p in (rel.a, rel.b) if p)
    for entry in idx.kind("risk-factor"):
        if NEW_PARTNER in value_codings(entry.res):
            intimate.update(idx.resolve_all(entry.res.get("focus")))
    checked = {key for entry in idx.kind("history-check") for key in idx.resolve_all(entry.res.get("subject"))}
    flagged: set[str] = set()
    for household in idx.households:
        child_starts = [m.start or date.min for m in household.members if m.person and idx.is_child(m.person, ref)]
        if not child_starts:
            continue
        first_child = min(child_starts)
        for member in household.members:
            person = member.person
            if (
                person
                and person not in flagged
                and member.start is not None
                and member.start > first_child
                and person in intimate
                and idx.is_adult(person, member.start)
                and person not in checked
            ):
                flagged.add(person)
                yield ctx.finding(
                    "DA3406",
                    f"New partner {_name(ctx, person)} joined a household with children on "
                    f"{member.start.isoformat()} with no history check (disclosure scheme or records check).",
                    household.entry,
                    f".member[{member.pos}]",
                )


@_rule("DA3407")
def _children_in_contact_unanswered(ctx: _Ctx) -> Iterator[Finding]:
    idx = ctx.idx
    adults: set[str] = set()
    for inc in idx.incidents:
        adults |= {p for p in inc.with_role(PCH, VICTIM) if idx.is_adult(p, inc.day)}
    for entry in idx.of_type("RiskAssessment"):
        adults |= {p for p in idx.resolve_all(entry.res.get("subject")) if idx.is_adult(p, _entry_date(entry))}
    for key in sorted(adults):
        person = idx.persons.get(key)
        if person is None:
            continue
        ext = first_extension(person.entry.res, "children-in-contact")
        if ext is None or not (value_codes(ext) or absent_reason(ext)):
            yield ctx.finding(
                "DA3407",
                f"Adult {person.entry.label} is a victim or person causing harm but whether children live with or "
                "have contact with them is unanswered (children-in-contact).",
                person.entry,
            )


# --- DA35xx risk and MARAC ----------------------------------------------------------------------------------------


@_rule("DA3501")
def _escalation_without_review(ctx: _Ctx) -> Iterator[Finding]:
    idx = ctx.idx
    count = max(2, ctx.int_param("DA3501", "incidents", 3))
    months = ctx.int_param("DA3501", "months", 12)
    by_pair: dict[tuple[str, str], list[Incident]] = {}
    for inc in idx.incidents:
        if inc.day:
            for pair in _pairs(inc):
                by_pair.setdefault(pair, []).append(inc)
    reviews: dict[str, list[date]] = {}
    for entry in idx.kind("marac-referral"):
        day = parse_date(entry.res.get("authoredOn"))
        for who in idx.resolve_all(entry.res.get("subject")):
            if day:
                reviews.setdefault(who, []).append(day)
    for entry in idx.of_type("RiskAssessment"):
        day = parse_date(entry.res.get("occurrenceDateTime"))
        for who in idx.resolve_all(entry.res.get("subject")):
            if day:
                reviews.setdefault(who, []).append(day)
    for (harm, victim), incs in sorted(by_pair.items()):
        for i in range(len(incs) - count + 1):
            first, nth = incs[i], incs[i + count - 1]
            assert first.day and nth.day
            if nth.day <= add_months(first.day, months):
                if not any(day >= nth.day for day in reviews.get(victim, ())):
                    yield ctx.finding(
                        "DA3501",
                        f"{count} incidents between {_name(ctx, harm)} and {_name(ctx, victim)} within {months} "
                        f"months (by {nth.day.isoformat()}) with no risk review or MARAC referral since.",
                        nth.entry,
                        incidents=tuple(inc.entry.label for inc in incs[i : i + count]),
                    )
                break


def _high_risk_entry(ctx: _Ctx) -> Entry | None:
    idx = ctx.idx
    for entry in idx.of_type("RiskAssessment"):
        levels: set[tuple[str | None, str]] = set()
        for pred in as_list(entry.res.get("prediction")):
            levels |= codings_of(as_map(pred).get("qualitativeRisk"))
        judgement = first_extension(entry.res, "professional-judgement")
        if judgement is not None:
            for sub in sub_extensions(judgement, "level"):
                levels |= value_codings(sub)
        if HIGH_RISK in levels:
            return entry
    for inc in idx.incidents:
        if inc.risk and HIGH_RISK in component_codings(inc.entry.res, "riskLevel"):
            return inc.entry
    referrals = idx.kind("marac-referral")
    return referrals[0] if referrals else None


@_rule("DA3502")
def _high_risk_without_specialist(ctx: _Ctx) -> Iterator[Finding]:
    idx = ctx.idx
    high = _high_risk_entry(ctx)
    if high is None:
        return
    for entry in idx.of_type("EpisodeOfCare"):
        if SPECIALIST_SERVICES.matches(codings_of(entry.res.get("type"))):
            return
        agency = idx.entry(idx.resolve(entry.res.get("managingOrganization")))
        if agency is not None and SPECIALIST_AGENCIES.matches(codings_of(agency.res.get("type"))):
            return
    yield ctx.finding(
        "DA3502",
        "High-risk case (high risk level or MARAC referral) with no specialist domestic abuse service involved "
        "(IDVA, children's DA service, by-and-for service or refuge).",
        high,
    )


@_rule("DA3503")
def _marac_without_child_action(ctx: _Ctx) -> Iterator[Finding]:
    idx = ctx.idx
    plans = idx.of_type("CarePlan")
    for referral in idx.kind("marac-referral"):
        day = parse_date(referral.res.get("authoredOn"))
        children = {
            key for _, ext in extensions(referral.res, "marac-child") if (key := idx.resolve(ext.get("valueReference")))
        }
        for _, member in idx.members_on(day) if day else ():
            if idx.is_child(member.person, day):
                children.add(member.person or "")
        actioned: set[str] = set()
        for plan in plans:
            based = set(idx.resolve_all(plan.res.get("basedOn")))
            if referral.key not in based and MARAC_ACTION_PLAN not in codings_of(plan.res.get("category")):
                continue
            actioned |= _plan_targets(ctx, plan)[1]
        for child in sorted(children - actioned):
            yield ctx.finding(
                "DA3503",
                f"MARAC referral has no action for child {_name(ctx, child)} in the household; MARAC supports "
                "adults unless the children are actioned too.",
                referral,
                child=_name(ctx, child),
            )


# --- DA36xx services and plans ------------------------------------------------------------------------------------


def _plan_targets(ctx: _Ctx, plan: Entry) -> tuple[list[set[str]], set[str]]:
    """Per-activity target sets and their union (``action-directed-at`` on the activity or its detail), worked
    out once per plan of the record."""
    memo: dict[int, tuple[list[set[str]], set[str]]] | None = ctx.idx.memo.get("plan-targets")
    if memo is None:
        memo = ctx.idx.memo["plan-targets"] = {}
    found = memo.get(plan.pos)
    if found is not None:
        return found
    per_activity: list[set[str]] = []
    union: set[str] = set()
    for activity in as_list(plan.res.get("activity")):
        targets: set[str] = set()
        for holder in (as_map(activity), as_map(as_map(activity).get("detail"))):
            for _, ext in extensions(holder, "action-directed-at"):
                key = ctx.idx.resolve(ext.get("valueReference"))
                if key:
                    targets.add(key)
        per_activity.append(targets)
        union |= targets
    found = memo[plan.pos] = (per_activity, union)
    return found


@_rule("DA3601")
def _safety_plan_on_non_abusing_parent(ctx: _Ctx) -> Iterator[Finding]:
    idx = ctx.idx
    harm, victims = idx.roles()
    for plan in idx.of_type("CarePlan"):
        if SAFETY_PLAN not in codings_of(plan.res.get("category")):
            continue
        per_activity, union = _plan_targets(ctx, plan)
        if not per_activity or not all(per_activity):
            continue
        day = period_of(plan.res.get("period"))[0] or idx.reference_date()
        protective = {v for v in victims - harm if idx.is_adult(v, day)}
        if union <= protective:
            yield ctx.finding(
                "DA3601",
                "Every action of this safety plan is directed at the non-abusing parent; none addresses the person "
                "causing harm or the child.",
                plan,
                ".activity",
                directed_at=tuple(sorted(_name(ctx, key) for key in union)),
            )


@_rule("DA3602")
def _active_without_contact(ctx: _Ctx) -> Iterator[Finding]:
    ref = ctx.ref_date("DA3602")
    days = ctx.int_param("DA3602", "days", 90)
    if ref is None:
        return
    for entry in ctx.idx.of_type("EpisodeOfCare"):
        if entry.res.get("status") != "active":
            continue
        last = first_extension(entry.res, "last-contact")
        contact = parse_date(last.get("valueDateTime")) or parse_date(last.get("valueDate")) if last else None
        since = contact or period_of(entry.res.get("period"))[0]
        if since is not None and (ref - since) > timedelta(days=days):
            yield ctx.finding(
                "DA3602",
                f"Service episode is marked active but the last contact was {since.isoformat()}, more than {days} "
                "days before the reference date; the family may have disengaged.",
                entry,
                last_contact=since.isoformat(),
            )


# --- DA37xx disclosures, sharing and provenance -------------------------------------------------------------------


@_rule("DA3701")
def _child_disclosure_without_response(ctx: _Ctx) -> Iterator[Finding]:
    idx = ctx.idx
    for entry in idx.kind("disclosure"):
        sender = idx.resolve(entry.res.get("sender"))
        person = idx.persons.get(sender) if sender else None
        if person is None or person.unborn or not person.is_child(parse_date(entry.res.get("sent"))):
            continue
        answered = False
        for _, ext in extensions(entry.res, "disclosure-response"):
            for sub in sub_extensions(ext, "action"):
                if value_codes(sub):
                    answered = True
        if not answered:
            yield ctx.finding(
                "DA3701",
                f"Child {person.entry.label}'s disclosure has no recorded response; an unanswered disclosure stops "
                "further ones.",
                entry,
            )


@_rule("DA3702")
def _retraction_target_missing(ctx: _Ctx) -> Iterator[Finding]:
    idx = ctx.idx
    for entry in idx.kind("retraction"):
        targets = [ext.get("valueReference") for _, ext in extensions(entry.res, "retracts")]
        if not targets:
            yield ctx.finding(
                "DA3702", "Retraction does not say which disclosure it retracts (retracts).", entry, ".extension"
            )
            continue
        for target in targets:
            key = idx.resolve(target)
            found = idx.entry(key)
            if found is None:
                yield ctx.finding(
                    "DA3702",
                    "The disclosure this retraction retracts is missing from the record; a retraction never deletes "
                    "the disclosure.",
                    entry,
                    target=str(as_map(target).get("reference")),
                )
            elif found.res.get("status") == "entered-in-error":
                yield ctx.finding(
                    "DA3702",
                    f"The retracted disclosure {found.label} is marked entered-in-error; a retraction is a later "
                    "event, never a reason to erase the disclosure.",
                    found,
                    ".status",
                )


@_rule("DA3703")
def _incident_not_shared(ctx: _Ctx) -> Iterator[Finding]:
    idx = ctx.idx
    shared: dict[str, set[str]] = {}
    for entry in idx.kind("information-sharing"):
        recipients = set(idx.resolve_all(entry.res.get("recipient")))
        for key in idx.resolve_all(entry.res.get("about")):
            shared.setdefault(key, set()).update(recipients or {"?"})
    for inc in idx.incidents:
        onward = shared.get(inc.entry.key, set()) - ({inc.agency} if inc.agency else set())
        if not onward:
            yield ctx.finding(
                "DA3703",
                "Incident is not shared onward from the agency that recorded it (no information-sharing event "
                "about it to another agency), whatever its risk level.",
                inc.entry,
            )


@_rule("DA3704")
def _no_concerns_on_self_report(ctx: _Ctx) -> Iterator[Finding]:
    idx = ctx.idx
    findings = [e for e in idx.kind("child-victim-status") if NOT_A_VICTIM in value_codings(e.res)]
    findings += [e for e in idx.kind("abuse-classification") if PARENTAL_CONFLICT in value_codings(e.res)]
    if not findings:
        return
    sources: dict[str, list[tuple[frozenset[tuple[str | None, str]], str | None, date | None]]] = {}
    for prov in idx.of_type("Provenance"):
        how: frozenset[tuple[str | None, str]] = frozenset()
        for _, ext in extensions(prov.res, "fact-source"):
            how |= value_codings(ext)
        who_ext = first_extension(prov.res, "fact-source-person")
        who = idx.resolve(who_ext.get("valueReference")) if who_ext else None
        for key in idx.resolve_all(prov.res.get("target")):
            sources.setdefault(key, []).append((how, who, parse_date(prov.res.get("recorded"))))
    history_offending = any(value_codings(e.res) - {NO_KNOWN_HISTORY} for e in idx.kind("offending-history"))
    for entry in findings:
        facts = sources.get(entry.key)
        if not facts or not all(
            how == {SELF_REPORTED} and who is not None and idx.is_adult(who, day) for how, who, day in facts
        ):
            continue
        day = effective_date(entry.res)
        history = (
            history_offending
            or bool(idx.kind("retraction"))
            or any(inc.day is None or day is None or inc.day <= day for inc in idx.incidents)
        )
        if history:
            label = "not a victim" if NOT_A_VICTIM in value_codings(entry.res) else "parental conflict"
            yield ctx.finding(
                "DA3704",
                f"'{label}' finding rests only on a parent's own report while a history of abuse exists.",
                entry,
            )


RULE_IDS: tuple[str, ...] = tuple(sorted(_RULES))
"""Every practice rule id this module implements."""

_ORDERED_RULES: tuple[tuple[str, _RuleFn], ...] = tuple(sorted(_RULES.items()))
