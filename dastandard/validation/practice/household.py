"""DA34xx: relationships and household: adults around the child, separation, contact and verification."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

from dastandard.findings import Finding
from dastandard.model.practice_codes import (
    DAY_CONTACT,
    NEW_PARTNER,
    NO_DIRECT_CONTACT,
    OVERNIGHT_CONTACT,
    PARTNER_RELATIONSHIPS,
    SEPARATED,
)
from dastandard.validation._record_index import (
    PCH,
    VICTIM,
    absent_reason,
    add_months,
    component_bool,
    component_codings,
    effective_date,
    first_extension,
    period_of,
    value_codes,
    value_codings,
)
from dastandard.validation.practice._base import (
    _assessed_or_engaged,
    _Ctx,
    _entry_date,
    _name,
    _pairs,
    _rule,
    _subject,
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
