"""DA31xx: incidents and the law: what happened, who caused harm, to whom, and whether they are personally connected."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from dastandard.findings import Finding
from dastandard.model.fragments import as_list, as_map, as_str
from dastandard.model.practice_codes import (
    COERCIVE_KINDS,
    CONTROL_BASIS,
    CONTROL_INDICATOR,
    DA_INDICATORS,
    INJURY_INDICATOR,
    NOT_ASKED_ANSWER,
    NOT_CONNECTED,
    PARENTAL_CONFLICT,
    PHYSICAL_KINDS,
    TEENAGE_RELATIONSHIP_ABUSE,
)
from dastandard.validation._record_index import (
    PCH,
    VICTIM,
    Entry,
    Incident,
    codings_of,
    component_bool,
    component_codings,
    extensions,
    sub_extensions,
    value_codings,
)
from dastandard.validation.practice._base import (
    _Ctx,
    _name,
    _pairs,
    _quote,
    _rule,
    _says_any,
    _words,
)

VAGUE_DESCRIPTIONS = (
    "da",
    "da incident",
    "dv",
    "dv incident",
    "domestic",
    "domestic incident",
    "domestic abuse",
    "domestic abuse incident",
    "domestic violence",
    "domestic related",
    "verbal",
    "verbal argument",
    "verbal domestic",
    "argument",
    "incident",
    "see notes",
    "as above",
    "no further details",
    "nfd",
    "not known",
)
"""Descriptions that name a concern without saying what happened (compared after lower-casing and dropping
punctuation)."""

MUTUAL_BLAME = (
    "tit for tat",
    "both as bad",
    "as bad as each other",
    "six of one",
    "mutual",
    "both involved",
    "both to blame",
    "both gave as good",
    "gave as good as",
    "fighting each other",
    "volatile relationship",
)
"""Rationales that make both adults "equally responsible" instead of saying why each is causing harm (L04)."""

THREAT_STEMS = ("threat", "threw", "thrown", "throw", "smash", "strangl", "chok", "punch", "kick", "slap", "hit")
"""Word stems in an incident's own description that point to violence or threats, not conflict (L03)."""


def _classified(inc: Incident, code: Any) -> bool:
    """Whether the incident's own classification component is ``code``."""
    return code in component_codings(inc.entry.res, "classification")


def _behaviour_text(inc: Incident) -> str | None:
    return as_str(inc.entry.res.get("valueString"))


def _mentions(text: str | None, stems: tuple[str, ...]) -> str | None:
    """The first word of ``text`` that starts with one of ``stems``, else ``None``."""
    for word in _words(text):
        if word.startswith(stems):
            return word
    return None


# --- DA31xx incidents and the law ---------------------------------------------------------------------------------


@_rule("DA3101")
def _incident_without_behaviour(ctx: _Ctx) -> Iterator[Finding]:
    min_words = ctx.int_param("DA3101", "min-words", 4)
    for inc in ctx.idx.incidents:
        if not inc.behaviour:
            yield ctx.finding(
                "DA3101",
                f"Incident {_name(ctx, inc.entry.key)} does not describe the behaviour (what happened, by whom, to "
                "whom); a domestic abuse flag alone does not say what the child lived with.",
                inc.entry,
                ".valueString",
            )
            continue
        text = _behaviour_text(inc)
        words = _words(text)
        if " ".join(words) in VAGUE_DESCRIPTIONS or len(words) < min_words:
            yield ctx.finding(
                "DA3101",
                f"Incident {_name(ctx, inc.entry.key)} is described only as {_quote(text)}: that names a concern, "
                "not what happened, by whom, to whom.",
                inc.entry,
                ".valueString",
                description=text,
            )


@_rule("DA3102")
def _incident_without_kind(ctx: _Ctx) -> Iterator[Finding]:
    for inc in ctx.idx.incidents:
        if not inc.kinds and not _classified(inc, PARENTAL_CONFLICT):
            yield ctx.finding(
                "DA3102", "Incident records no kind of abuse (abuseKind component).", inc.entry, ".component"
            )


@_rule("DA3103")
def _only_physical_kinds(ctx: _Ctx) -> Iterator[Finding]:
    idx = ctx.idx
    kinds = frozenset().union(*(inc.kinds for inc in idx.incidents)) if idx.incidents else frozenset()
    if not kinds or not kinds <= PHYSICAL_KINDS.codes:  # cheap pre-check on the code values the index holds
        return
    kind_codings = frozenset().union(*(component_codings(inc.entry.res, "abuseKind") for inc in idx.incidents))
    if not kind_codings <= PHYSICAL_KINDS:
        return
    if any(_assessment_made(entry) for entry in idx.of_type("RiskAssessment")):
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


def _assessment_made(entry: Entry) -> bool:
    """Whether a risk assessment asked anything. With items: one answered other than ``not-asked`` (a level or
    score worked out from unasked items is a form, not an assessment, L02). Without items: a score above 0 or a
    level."""
    res = entry.res
    items = 0
    for _, item in extensions(res, "risk-item"):
        items += 1
        for sub in sub_extensions(item, "answer"):
            codings = value_codings(sub)
            if codings and not codings <= {NOT_ASKED_ANSWER}:
                return True
    if items:
        return False
    for pred in as_list(res.get("prediction")):
        if codings_of(as_map(pred).get("qualitativeRisk")):
            return True
    score = _score(res)
    return score is None or score > 0


def _score(res: Any) -> float | None:
    for _, ext in extensions(res, "risk-score"):
        for key in ("valueInteger", "valueDecimal"):
            value = ext.get(key)
            if isinstance(value, int | float) and not isinstance(value, bool):
                return float(value)
    for pred in as_list(res.get("prediction")):
        value = as_map(pred).get("probabilityDecimal")
        if isinstance(value, int | float) and not isinstance(value, bool):
            return float(value)
    return None


@_rule("DA3104")
def _incident_without_person_causing_harm(ctx: _Ctx) -> Iterator[Finding]:
    for inc in ctx.idx.incidents:
        if not inc.with_role(PCH) and not _classified(inc, PARENTAL_CONFLICT):
            yield ctx.finding(
                "DA3104",
                f"Incident {_name(ctx, inc.entry.key)} identifies no person causing harm among its parties.",
                inc.entry,
                ".extension",
            )


@_rule("DA3105")
def _both_adults_causing_harm(ctx: _Ctx) -> Iterator[Finding]:
    for inc in ctx.idx.incidents:
        harm = [p for p in inc.parties if p.role == PCH and p.person and ctx.idx.is_adult(p.person, inc.day)]
        if len({p.person for p in harm}) < 2:
            continue
        persons = tuple(sorted({_name(ctx, p.person) for p in harm}))
        given = [p for p in harm if p.rationale]
        if not given:
            yield ctx.finding(
                "DA3105",
                f"More than one adult ({', '.join(persons)}) is recorded as causing harm in incident "
                f"{_name(ctx, inc.entry.key)} with no roleRationale; both parents posing risk is rare and the "
                "record must say why.",
                inc.entry,
                f".extension[{harm[1].ext_pos}]",
                persons=persons,
            )
            continue
        blame = [(p, phrase) for p in given if (phrase := _says_any(p.rationale, MUTUAL_BLAME))]
        if len(blame) == len(given):
            party, _ = blame[0]
            yield ctx.finding(
                "DA3105",
                f"Both adults ({', '.join(persons)}) are recorded as causing harm in incident "
                f"{_name(ctx, inc.entry.key)} on the rationale {_quote(party.rationale)}: mutual blame is not a "
                "reason; say what each did and who is afraid of whom.",
                inc.entry,
                f".extension[{party.ext_pos}]",
                persons=persons,
                rationale=party.rationale,
            )


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
        if _classified(inc, TEENAGE_RELATIONSHIP_ABUSE):
            continue  # abuse outside s1, recorded lawfully as such
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
        focused = [incidents[key] for key in idx.resolve_all(entry.res.get("focus")) if key in incidents]
        unfocused = not focused
        for inc in focused or idx.incidents:  # naming no incident, the label covers every incident of the record
            if component_bool(inc.entry.res, "injury") and not unfocused:
                indicators.add(INJURY_INDICATOR.code)
            if COERCIVE_KINDS.matches(component_codings(inc.entry.res, "abuseKind")):
                indicators.add(CONTROL_INDICATOR.code)
            if not unfocused and (word := _mentions(_behaviour_text(inc), THREAT_STEMS)):
                indicators.add(f'described as "{word}"')
        if indicators:
            where = "its incidents" if focused else "the record (the classification names no incident)"
            yield ctx.finding(
                "DA3109",
                f"Labelled parental conflict while {where} record domestic abuse indicators "
                f"({', '.join(sorted(indicators))}); conflict and abuse need different interventions.",
                entry,
                ".valueCodeableConcept",
                indicators=tuple(sorted(indicators)),
            )


@_rule("DA3110")
def _incident_without_victim(ctx: _Ctx) -> Iterator[Finding]:
    for inc in ctx.idx.incidents:
        harm = inc.with_role(PCH)
        # two or more adults causing harm and no victim is the "both causing harm" record of DA3105
        if harm and not inc.with_role(VICTIM) and sum(ctx.idx.is_adult(p, inc.day) for p in harm) < 2:
            yield ctx.finding(
                "DA3110",
                f"Incident {_name(ctx, inc.entry.key)} names a person causing harm but no victim among its "
                "parties; the record must say to whom the harm was done.",
                inc.entry,
                ".extension",
            )


@_rule("DA3111")
def _conflict_incident_with_abuse_indicators(ctx: _Ctx) -> Iterator[Finding]:
    idx = ctx.idx
    for inc in idx.incidents:
        if not _classified(inc, PARENTAL_CONFLICT):
            continue
        res = inc.entry.res
        why: list[str] = []
        if inc.with_role(PCH):
            why.append("a person causing harm")
        if inc.with_role(VICTIM):
            why.append("a victim")
        if inc.kinds:
            why.append("kinds of abuse (" + ", ".join(sorted(inc.kinds)) + ")")
        for component, label in (
            ("injury", "an injury"),
            ("weaponUsed", "a weapon"),
            ("strangulation", "strangulation"),
        ):
            if component_bool(res, component):
                why.append(label)
        word = _mentions(_behaviour_text(inc), THREAT_STEMS)
        if word:
            why.append(f"{_quote(word)} in its description")
        adults = {p.person for p in inc.parties if p.person and idx.is_adult(p.person, inc.day)}
        for other in idx.incidents:  # known when the call-out was assessed: on or before its day
            earlier = other.day is not None and inc.day is not None and other.day <= inc.day
            if other is not inc and earlier and any(h in adults and v in adults for h, v in _pairs(other)):
                why.append(f"earlier incident {_name(ctx, other.entry.key)} records abuse between the same adults")
                break
        if why:
            yield ctx.finding(
                "DA3111",
                f"Incident {_name(ctx, inc.entry.key)} is classified as parental conflict while it records "
                + "; ".join(why)
                + ": conflict is not abuse, and abuse recorded as conflict gets the wrong response.",
                inc.entry,
                ".component",
                indicators=tuple(why),
            )
