"""DA32xx: the child as a victim, heard, supported and followed up."""

from __future__ import annotations

from collections.abc import Iterator

from dastandard.findings import Finding
from dastandard.model.fragments import as_bool, as_str
from dastandard.model.practice_codes import (
    CLOSED_EPISODE,
    NOT_OFFERED,
    OPEN_EPISODE,
)
from dastandard.model.urls import (
    EPISODE_OF_CARE_STATUS,
)
from dastandard.validation._record_index import (
    PCH,
    Entry,
    first_extension,
    sub_value,
    value_codings,
)
from dastandard.validation.practice._base import (
    _child_victims,
    _Ctx,
    _entry_date,
    _name,
    _rule,
    _subject,
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
