"""DA32xx: the child as a victim, heard, supported and followed up."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

from dastandard.findings import Finding, Severity
from dastandard.model.fragments import as_bool, as_list, as_map, as_str
from dastandard.model.practice_codes import (
    CHILD_AT_SCENE,
    CHILD_EXPOSED,
    CHILD_PRESENT,
    CLOSED_EPISODE,
    NOT_A_VICTIM,
    NOT_CHILD_SUPPORT,
    OFFER_NOT_TAKEN_UP,
    OPEN_EPISODE,
    PARENTAL_CONFLICT,
    PROTECTIVE_DECISIONS,
    S3_CHILD_VICTIM,
    SAFETY_PLAN,
    TEENAGE_RELATIONSHIP_ABUSE,
)
from dastandard.model.urls import (
    EPISODE_OF_CARE_STATUS,
)
from dastandard.validation._record_index import (
    PCH,
    VICTIM,
    Entry,
    Incident,
    codings_of,
    component_codings,
    component_values,
    effective_date,
    extensions,
    first_extension,
    parse_date,
    period_of,
    sub_extensions,
    sub_value,
    value_codings,
)
from dastandard.validation.practice._base import (
    _child_victims,
    _Ctx,
    _entry_date,
    _name,
    _quote,
    _rule,
    _says_any,
    _subject,
    _words,
)

VACUOUS_REASONS = (
    "seemed well",
    "seemed fine",
    "appeared well",
    "appeared fine",
    "appeared happy",
    "seemed happy",
    "seemed settled",
    "appeared settled",
    "no concerns",
    "fine",
    "well",
    "ok",
    "n a",
    "na",
    "not needed",
    "not required",
    "not necessary",
    "parent present",
    "mum present",
    "mother present",
)
"""Reasons that describe the child's appearance or say nothing, not why the child could not be spoken with."""


def _vacuous(reason: str) -> bool:
    """Whether a not-spoken-with reason only describes the child ("seemed well") or says nothing ("n/a")."""
    return " ".join(_words(reason)) in VACUOUS_REASONS or _says_any(reason, _APPEARANCE) is not None


_APPEARANCE = tuple(p for p in VACUOUS_REASONS if p.startswith(("seemed", "appeared")))


def _police_csv(ctx: _Ctx) -> bool:
    """Whether the record was assembled from a police notification CSV (the Provenance assembler ``police-csv``),
    where a child's s3 status is an optional column (``child_s3_status``) many forces do not fill."""
    for prov in ctx.idx.of_type("Provenance"):
        for agent in as_list(prov.res.get("agent")):
            if as_map(as_map(agent).get("who")).get("display") == "police-csv":
                return True
    return False


def _household_of(ctx: _Ctx, inc: Incident) -> set[str]:
    """The people living where the incident happened on its day: the members of the incident's subject household,
    else of any household that holds an adult party on that day. A child living elsewhere is not in it (they may
    still be a party)."""
    idx = ctx.idx
    subject = idx.resolve(inc.entry.res.get("subject"))
    households = [h for h in idx.households if h.entry.key == subject]
    if not households:
        adults = {p.person for p in inc.parties if p.person and p.role in (PCH, VICTIM)}
        households = [h for h in idx.households if any(m.person in adults and m.covers(inc.day) for m in h.members)]
    return {m.person for h in households for m in h.members if m.person and m.covers(inc.day)}


# --- DA32xx children ----------------------------------------------------------------------------------------------


@_rule("DA3201")
def _child_without_victim_status(ctx: _Ctx) -> Iterator[Finding]:
    idx = ctx.idx
    commencement = parse_date(ctx.param("DA3201", "s3-commencement"))
    covered: dict[tuple[str, str], Entry] = {}
    for entry in idx.kind("child-victim-status"):
        child = _subject(ctx, entry)
        if child:
            codings = value_codings(entry.res)
            day = effective_date(entry.res)
            if commencement and S3_CHILD_VICTIM in codings and day is not None and day < commencement:
                yield ctx.finding(
                    "DA3201",
                    f"Child {_name(ctx, child)} is recorded as an s3 child victim on {day.isoformat()}, before the "
                    f"Domestic Abuse Act 2021 s3 came into force ({commencement.isoformat()}); the status is not "
                    "valid as dated.",
                    entry,
                    ".effectiveDateTime",
                    child=_name(ctx, child),
                )
                continue
            for key in idx.resolve_all(entry.res.get("focus")):
                covered.setdefault((child, key), entry)
    police_csv = _police_csv(ctx)
    for inc in idx.incidents:
        classification = component_codings(inc.entry.res, "classification")
        if PARENTAL_CONFLICT in classification or TEENAGE_RELATIONSHIP_ABUSE in classification:
            # conflict, not abuse (DA3111 checks the classification); or abuse between under-18s, which is not
            # domestic abuse under s1 and so gives no s3 status: the young victim is a party in their own right
            continue
        children = _household_of(ctx, inc) if inc.day else set()
        exposure: dict[str, frozenset[str]] = {}
        for party in inc.parties:
            if party.person and party.role != PCH:
                children.add(party.person)
                exposure[party.person] = party.exposure
        for child in sorted(children):
            person = idx.persons.get(child)
            if person is None or person.unborn or not person.is_child(inc.day):
                continue
            status = covered.get((child, inc.entry.key))
            if status is None:
                yield ctx.finding(
                    "DA3201",
                    f"Child {_name(ctx, child)} was in the household or present at incident "
                    f"{_name(ctx, inc.entry.key)} but has no child victim status for it (DA Act 2021 s3) and no "
                    "recorded reason why not."
                    + (
                        " The record comes from a police notification CSV that states no child_s3_status for "
                        "this child: the force can record it (V or N with child_s3_reason), else the receiving "
                        "agency must decide it."
                        if police_csv
                        else ""
                    ),
                    inc.entry,
                    at_most=Severity.WARNING if police_csv else None,
                    child=_name(ctx, child),
                )
            elif NOT_A_VICTIM in value_codings(status.res) and (
                exposed := sorted(code for code in exposure.get(child, ()) if _exposed(code))
            ):
                note = next(
                    (
                        text
                        for comp in component_values(status.res, "not-victim-reason")
                        if (text := as_str(comp.get("valueString")))
                    ),
                    None,
                ) or as_str(as_map(as_list(status.res.get("note"))[0] if status.res.get("note") else {}).get("text"))
                yield ctx.finding(
                    "DA3201",
                    f"Child {_name(ctx, child)} is recorded as not a victim of incident {_name(ctx, inc.entry.key)}"
                    + (f" ({_quote(note)})" if note else "")
                    + f" while the incident records that the child {', '.join(exposed)}: under DA Act 2021 s3 "
                    "that child is a victim in their own right.",
                    status,
                    ".valueCodeableConcept",
                    child=_name(ctx, child),
                    exposure=tuple(exposed),
                )


def _exposed(code: str) -> bool:
    return code in CHILD_EXPOSED.codes


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


@_rule("DA3202")
def _child_never_spoken_with(ctx: _Ctx) -> Iterator[Finding]:
    idx = ctx.idx
    days = ctx.int_param("DA3202", "days", 28)
    scene_only = ctx.param("DA3202", "scene-only") is True
    heard: dict[str, list[date | None]] = {}
    vacuous: dict[str, str] = {}
    for entry in idx.of_type("Encounter"):
        child = _subject(ctx, entry)
        voice = first_extension(entry.res, "child-voice")
        if not child or voice is None:
            continue
        day = period_of(entry.res.get("period"))[0]
        if as_bool(sub_value(voice, "spokenWith", "valueBoolean")):
            heard.setdefault(child, []).append(day)
            continue
        reason = as_str(sub_value(voice, "notSpokenWithReason", "valueString"))
        if reason and not _vacuous(reason):
            heard.setdefault(child, []).append(day)
        elif reason:
            vacuous.setdefault(child, reason)
    due = timedelta(days=days)
    ref = ctx.ref_date("DA3202")
    incident_children: set[str] = set()
    for inc in idx.incidents:
        if inc.day is None or (ref is not None and ref - inc.day < due):
            continue  # a conversation is not yet due within ``days`` of the incident
        for party in inc.parties:
            child = party.person
            if (
                not child
                or child in incident_children
                or party.role == PCH
                or (scene_only and not (party.role == CHILD_PRESENT.code or party.exposure & CHILD_AT_SCENE.codes))
            ):
                continue
            person = idx.persons.get(child)
            if person is None or person.unborn or not person.is_child(inc.day):
                continue
            contacts = heard.get(child, [])
            if not contacts or any(day is None or day >= inc.day for day in contacts):
                continue  # never spoken with at all: reported below, once per child
            incident_children.add(child)
            reason = vacuous.get(child)
            yield ctx.finding(
                "DA3202",
                f"Child {_name(ctx, child)} was part of incident {_name(ctx, inc.entry.key)} on "
                f"{inc.day.isoformat()} but was only spoken with before it; no later contact records that the "
                "child was spoken with about it (or a reason why not)"
                + (f"; {_quote(reason)} describes the child, it is not a reason" if reason else "")
                + ".",
                inc.entry,
                child=_name(ctx, child),
            )
    for child, entry in sorted(_children_in_incidents_or_assessments(ctx).items()):
        if child not in heard and child not in incident_children:
            reason = vacuous.get(child)
            yield ctx.finding(
                "DA3202",
                f"Child {_name(ctx, child)} appears in an incident or assessment but no contact records that the "
                "child was spoken with (or why not)"
                + (f"; {_quote(reason)} describes the child, it is not a reason" if reason else "")
                + ".",
                entry,
                child=_name(ctx, child),
            )


@_rule("DA3203")
def _child_victim_without_support(ctx: _Ctx) -> Iterator[Finding]:
    supported: set[str] = set()
    not_support: dict[str, str] = {}
    for entry in ctx.idx.of_type("EpisodeOfCare"):
        outcome = first_extension(entry.res, "offer-outcome")
        patients = ctx.idx.resolve_all(entry.res.get("patient"))
        if outcome is not None and OFFER_NOT_TAKEN_UP.matches(value_codings(outcome)):
            codes = ", ".join(sorted(c for _, c in value_codings(outcome)))
            for key in patients:
                not_support.setdefault(key, f"an offer recorded as {codes}")
            continue
        types = codings_of(entry.res.get("type"))
        if types and types <= NOT_CHILD_SUPPORT:
            for key in patients:
                not_support.setdefault(key, "only " + ", ".join(sorted(c for _, c in types)))
            continue
        supported.update(patients)
    for child, status in sorted(_child_victims(ctx).items()):
        if child not in supported:
            why = not_support.get(child)
            yield ctx.finding(
                "DA3203",
                f"Child victim {_name(ctx, child)} has no child-focused support recorded "
                + (
                    f"({why}: a statutory case or an offer not taken up is not support for the child)."
                    if why
                    else "(no service episode for the child)."
                ),
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


def _harmed_children(ctx: _Ctx, inc: Incident) -> Iterator[tuple[str, int, list[str]]]:
    """(child, extension position, harm codes) for every party whose ``harm`` records abuse or neglect."""
    for pos, ext in extensions(inc.entry.res, "incident-party"):
        codes = sorted(c for sub in sub_extensions(ext, "harm") for _, c in codings_of(sub.get("valueCodeableConcept")))
        child = ctx.idx.resolve(sub_value(ext, "person", "valueReference"))
        if codes and child:
            yield child, pos, codes


@_rule("DA3205")
def _child_harmed_without_protection(ctx: _Ctx) -> Iterator[Finding]:
    idx = ctx.idx
    protected: set[str] = set()
    for plan in idx.of_type("CarePlan"):
        if SAFETY_PLAN not in codings_of(plan.res.get("category")):
            protected.update(idx.resolve_all(plan.res.get("subject")))
    decided: set[str] = set()
    for entry in idx.of_type("Communication"):
        decision = first_extension(entry.res, "front-door-decision")
        outcome = sub_value(decision, "outcome", "valueCodeableConcept") if decision else None
        if codings_of(outcome) & PROTECTIVE_DECISIONS:
            decided.update(idx.resolve_all(entry.res.get("about")))
    for inc in idx.incidents:
        if inc.entry.key in decided:
            continue
        for child, pos, codes in _harmed_children(ctx, inc):
            if child in protected:
                continue
            yield ctx.finding(
                "DA3205",
                f"Child {_name(ctx, child)} was harmed in incident {_name(ctx, inc.entry.key)} "
                f"({', '.join(codes)}) and no child protection response is recorded: no plan for the child other "
                "than a safety plan, and no front door decision of an assessment, strategy discussion or open case.",
                inc.entry,
                f".extension[{pos}]",
                child=_name(ctx, child),
                harm=tuple(codes),
            )
