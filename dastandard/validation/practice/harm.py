"""DA31xx: incidents and the law: what happened, who caused harm, to whom, and whether they are personally connected."""

from __future__ import annotations

from collections.abc import Iterator

from dastandard.findings import Finding
from dastandard.model.practice_codes import (
    COERCIVE_KINDS,
    CONTROL_BASIS,
    CONTROL_INDICATOR,
    DA_INDICATORS,
    INJURY_INDICATOR,
    NOT_CONNECTED,
    PARENTAL_CONFLICT,
    PHYSICAL_KINDS,
)
from dastandard.validation._record_index import (
    PCH,
    VICTIM,
    component_bool,
    component_codings,
    value_codings,
)
from dastandard.validation.practice._base import (
    _Ctx,
    _name,
    _pairs,
    _rule,
)

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
    if not kinds or not kinds <= PHYSICAL_KINDS.codes:  # cheap pre-check on the code values the index holds
        return
    kind_codings = frozenset().union(*(component_codings(inc.entry.res, "abuseKind") for inc in idx.incidents))
    if not kind_codings <= PHYSICAL_KINDS:
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
                indicators.add(INJURY_INDICATOR.code)
            if COERCIVE_KINDS.matches(component_codings(inc.entry.res, "abuseKind")):
                indicators.add(CONTROL_INDICATOR.code)
        if indicators:
            yield ctx.finding(
                "DA3109",
                "Labelled parental conflict while domestic abuse indicators are recorded "
                f"({', '.join(sorted(indicators))}); conflict and abuse need different interventions.",
                entry,
                ".valueCodeableConcept",
                indicators=tuple(sorted(indicators)),
            )
