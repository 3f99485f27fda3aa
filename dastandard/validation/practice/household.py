"""DA34xx: relationships and household: adults around the child, separation, contact and verification."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

from dastandard.findings import Finding
from dastandard.model.fragments import as_map
from dastandard.model.practice_codes import (
    APPARENT_COMPLIANCE,
    CHILD,
    CHILDREN_NOT_KNOWN,
    CONTACT_DISPUTE,
    DAY_CONTACT,
    DISGUISED_COMPLIANCE,
    HISTORY_CHECK_INCOMPLETE,
    HISTORY_DISCLOSED,
    NEW_PARTNER,
    NO_COURT_ORDER,
    NO_DIRECT_CONTACT,
    NO_KNOWN_HISTORY,
    OVERNIGHT_CONTACT,
    PARENT,
    PARENT_NOT_ASKED,
    PARTNER_RELATIONSHIPS,
    SEPARATED,
    VIOLENT_HISTORY,
)
from dastandard.validation._record_index import (
    PCH,
    VICTIM,
    Entry,
    absent_reason,
    add_months,
    codings_of,
    component_bool,
    component_codings,
    effective_date,
    first_extension,
    parse_date,
    period_of,
    sub_value,
    value_codes,
    value_codings,
)
from dastandard.validation.practice._base import (
    _assessed_or_engaged,
    _Ctx,
    _entry_date,
    _name,
    _pairs,
    _plan_targets,
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
                    adults[p] = f"member of household {_name(ctx, household.entry.key)} with a child"
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
    grace = timedelta(days=ctx.int_param("DA3402", "days", 0))
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
    bound = ctx.param("DA3403", "extended-months")
    # No bound (the default): with violence or a contact dispute on record the risk of contact does not lapse.
    extended = max(months, bound) if isinstance(bound, int) and not isinstance(bound, bool) else None
    harm, _ = idx.roles()
    partners: dict[str, set[str]] = {}
    for inc in idx.incidents:
        for h, v in _pairs(inc):
            partners.setdefault(h, set()).add(v)
    aggravating: dict[str, str] = {}  # person -> why the window is extended
    for entry in idx.kind("offending-history"):
        codings = value_codings(entry.res)
        if VIOLENT_HISTORY.matches(codings) and NO_KNOWN_HISTORY not in codings and (who := _subject(ctx, entry)):
            aggravating.setdefault(who, "a history of violence")
    for entry in idx.kind("risk-factor"):
        if CONTACT_DISPUTE in value_codings(entry.res) and (who := _subject(ctx, entry)):
            aggravating.setdefault(who, "a contact dispute")
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
        why = aggravating.get(adult) or next(
            (aggravating[v] for v in sorted(partners.get(adult, ())) if v in aggravating), None
        )
        # A court-ordered arrangement keeps the base window: the family court has weighed the history (PD12J).
        # "none" (or another code outside the court-order list) is not an order.
        extend = bool(why) and not (component_codings(entry.res, "courtOrder") - {NO_COURT_ORDER})
        window = extended if extend else months
        for sep in sorted(set(dates)):
            if (start is None or window is None or start <= add_months(sep, window)) and (end is None or end >= sep):
                span = "after" if window is None else f"within {window} months of"
                yield ctx.finding(
                    "DA3403",
                    f"Unsupervised contact with the person causing harm {_name(ctx, adult)} {span} "
                    f"a separation on {sep.isoformat()}"
                    + (f" (beyond {months} months because {why} is recorded)" if extend else "")
                    + "; risk peaks at separation and during contact.",
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


def _verifier_missing(res: object) -> bool:
    """Whether a ``last-verified`` extension gives a date but not by whom (its ``by`` sub-extension)."""
    ext = first_extension(as_map(res), "last-verified")
    if ext is None or not ext.get("extension"):
        return ext is not None
    return not as_map(sub_value(ext, "by", "valueReference")).get("reference") and not sub_value(
        ext, "by", "valueString"
    )


def _verified_phrase(when: str, days: int, ref: object) -> str:
    """``was last verified 2023-01-02: more than 180 days before 2024-03-03``, or, with no verification date,
    ``has never been verified (it is due every 180 days; reference date 2024-03-03)``."""
    if when == "never":
        return f"has never been verified (it is due every {days} days; reference date {ref})"
    return f"was last verified {when}: more than {days} days before {ref}"


@_rule("DA3404")
def _household_not_verified(ctx: _Ctx) -> Iterator[Finding]:
    ref = ctx.ref_date("DA3404")
    days = ctx.int_param("DA3404", "days", 180)
    for household in ctx.idx.households:
        if _stale(household.verified, ref, days):
            when = household.verified.isoformat() if household.verified else "never"
            yield ctx.finding(
                "DA3404",
                f"Household composition of {_name(ctx, household.entry.key)} {_verified_phrase(when, days, ref)}.",
                household.entry,
                last_verified=when,
            )
        elif household.verified and _verifier_missing(household.entry.res):
            yield ctx.finding(
                "DA3404",
                f"Household composition of {_name(ctx, household.entry.key)} is marked verified on "
                f"{household.verified.isoformat()} but not by whom; an unattributed verification cannot be relied on.",
                household.entry,
                last_verified=household.verified.isoformat(),
            )


@_rule("DA3405")
def _relationship_not_verified(ctx: _Ctx) -> Iterator[Finding]:
    ref = ctx.ref_date("DA3405")
    days = ctx.int_param("DA3405", "days", 180)
    for rel in ctx.idx.relationships:
        between = f"between {_name(ctx, rel.a)} and {_name(ctx, rel.b)}"
        if _stale(rel.verified, ref, days):
            when = rel.verified.isoformat() if rel.verified else "never"
            yield ctx.finding(
                "DA3405",
                f"Relationship status {between} {_verified_phrase(when, days, ref)}.",
                rel.entry,
                last_verified=when,
            )
        elif rel.verified and _verifier_missing(rel.entry.res):
            yield ctx.finding(
                "DA3405",
                f"Relationship status {between} is marked verified on {rel.verified.isoformat()} but not by whom; "
                "an unattributed verification cannot be relied on.",
                rel.entry,
                last_verified=rel.verified.isoformat(),
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
            intimate.update(_new_partners(ctx, entry))
    checked: set[str] = set()
    pending: dict[str, str] = {}
    for entry in idx.kind("history-check"):
        outcome = value_codings(entry.res)
        for key in idx.resolve_all(entry.res.get("subject")):
            if outcome and outcome <= HISTORY_CHECK_INCOMPLETE:
                pending.setdefault(key, ", ".join(sorted(c for _, c in outcome)))
            else:
                checked.add(key)
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
                state = pending.get(person)
                yield ctx.finding(
                    "DA3406",
                    f"New partner {_name(ctx, person)} joined a household with children on "
                    f"{member.start.isoformat()} with no completed history check (disclosure scheme or records check)"
                    + (f"; the check is recorded as {state}, which is not a check." if state else "."),
                    household.entry,
                    f".member[{member.pos}]",
                )
    # A partner who does not live with the children (a non-resident new partner) is checked too (L15, L21).
    members = {m.person for h in idx.households for m in h.members if m.person}
    for entry in idx.kind("risk-factor"):
        if NEW_PARTNER not in value_codings(entry.res):
            continue
        for person in _new_partners(ctx, entry):
            if person in flagged or person in checked or person in members or not idx.is_adult(person, ref):
                continue
            flagged.add(person)
            state = pending.get(person)
            yield ctx.finding(
                "DA3406",
                f"New partner {_name(ctx, person)} of a parent is in the children's lives (not living in the "
                "household) with no completed history check"
                + (f"; the check is recorded as {state}, which is not a check." if state else "."),
                entry,
            )
    # A current partner of a parent recorded only as a relationship (no new-partner risk factor), who lives
    # elsewhere and is not a parent of the children, is in their lives all the same (L15, L21).
    parents: set[str] = set()
    for rel in idx.relationships:
        if rel.a and rel.b and PARENT in rel.codings:
            parents.add(rel.b)
        if rel.a and rel.b and CHILD in rel.codings:
            parents.add(rel.a)
    for rel in idx.relationships:
        if not rel.codings & PARTNER_RELATIONSHIPS or any(c.startswith("former") for _, c in rel.codings):
            continue
        if any(status & SEPARATED for status, _, _ in rel.episodes):
            continue
        for parent, person in ((rel.a, rel.b), (rel.b, rel.a)):
            if (
                parent not in parents
                or not person
                or person in parents
                or person in flagged
                or person in checked
                or person in members
                or not idx.is_adult(person, ref)
            ):
                continue
            flagged.add(person)
            state = pending.get(person)
            yield ctx.finding(
                "DA3406",
                f"{_name(ctx, person)}, partner of parent {_name(ctx, parent)}, is in the children's lives (not "
                "living in the household, not their parent) with no completed history check"
                + (f"; the check is recorded as {state}, which is not a check." if state else "."),
                rel.entry,
            )


def _new_partners(ctx: _Ctx, entry: Entry) -> list[str]:
    """The new partner a ``new-partner`` risk factor is about: its focus, else its subject when that is not a
    parent already in an incident (a factor recorded on the new partner's own person)."""
    focus = ctx.idx.resolve_all(entry.res.get("focus"))
    if focus:
        return focus
    subject = _subject(ctx, entry)
    _, victims = ctx.idx.roles()
    return [subject] if subject and subject not in victims else []


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
                f"Adult {_name(ctx, key)} is a victim or person causing harm but whether children live with or "
                "have contact with them is unanswered (children-in-contact).",
                person.entry,
            )
        elif CHILDREN_NOT_KNOWN in value_codings(ext) and (child := _child_in_household_with(ctx, key)):
            yield ctx.finding(
                "DA3407",
                f"Adult {_name(ctx, key)} is recorded with children-in-contact 'not-known' while the record's own "
                f"household holds them with child {_name(ctx, child)}.",
                person.entry,
            )


def _child_in_household_with(ctx: _Ctx, adult: str) -> str | None:
    """A child living in the same household as ``adult`` on the reference date, else ``None``."""
    idx = ctx.idx
    ref = idx.reference_date()
    for household in idx.households:
        if not any(m.person == adult and m.covers(ref) for m in household.members):
            continue
        for member in household.members:
            if member.person and member.person != adult and member.covers(ref) and idx.is_child(member.person, ref):
                return member.person
    return None


@_rule("DA3408")
def _disclosed_history_without_review(ctx: _Ctx) -> Iterator[Finding]:
    idx = ctx.idx
    ref = ctx.ref_date("DA3408")
    due = timedelta(days=ctx.int_param("DA3408", "days", 28))
    checks = [e for e in idx.kind("history-check") if HISTORY_DISCLOSED in value_codings(e.res)]
    if not checks:
        return
    reviews: list[tuple[date, set[str]]] = []  # (date, persons the review is about or acts on)
    for entry in idx.of_type("RiskAssessment"):
        day = parse_date(entry.res.get("occurrenceDateTime"))
        if day:
            reviews.append((day, set(idx.resolve_all(entry.res.get("subject")))))
    for entry in idx.kind("marac-referral"):
        day = parse_date(entry.res.get("authoredOn"))
        if day:
            reviews.append((day, set(idx.resolve_all(entry.res.get("subject")))))
    for plan in idx.of_type("CarePlan"):
        day = period_of(plan.res.get("period"))[0]
        if day:
            reviews.append((day, set(idx.resolve_all(plan.res.get("subject"))) | _plan_targets(ctx, plan)[1]))
    for entry in checks:
        day = effective_date(entry.res)
        person = _subject(ctx, entry)
        if day is None or person is None or (ref is not None and ref - day < due):
            continue
        concerned = {person, *idx.resolve_all(entry.res.get("focus"))}
        if any(when >= day and about & concerned for when, about in reviews):
            continue
        yield ctx.finding(
            "DA3408",
            f"A history check on {day.isoformat()} disclosed a history for {_name(ctx, person)} but no risk "
            "assessment, MARAC referral or plan about them or the people at risk followed; a disclosed history of "
            "violence signals high risk.",
            entry,
            ".valueCodeableConcept",
        )


@_rule("DA3409")
def _child_parent_missing(ctx: _Ctx) -> Iterator[Finding]:
    idx = ctx.idx
    parents: dict[str, set[str]] = {}
    for rel in idx.relationships:
        if rel.a and rel.b and PARENT in rel.codings:
            parents.setdefault(rel.a, set()).add(rel.b)
        if rel.a and rel.b and CHILD in rel.codings:
            parents.setdefault(rel.b, set()).add(rel.a)
    in_incidents = {p.person for inc in idx.incidents for p in inc.parties if p.person and p.role not in (PCH, VICTIM)}
    ref = ctx.ref_date("DA3409")
    for key in sorted(in_incidents):
        person = idx.persons.get(key)
        if person is None or person.unborn or not person.is_child(ref) or len(parents.get(key, ())) >= 2:
            continue
        reason = first_extension(person.entry.res, "parent-not-recorded")
        codings = codings_of(as_map(reason).get("valueCodeableConcept")) if reason else frozenset()
        if codings and PARENT_NOT_ASKED not in codings:
            continue
        known = len(parents.get(key, ()))
        yield ctx.finding(
            "DA3409",
            f"Child {_name(ctx, key)} has {known} parent(s) recorded with a parent relationship and "
            + (
                "the other parent was never asked about (parent-not-recorded not-asked)"
                if codings
                else "no reason why the other is not recorded"
            )
            + ": fathers and other men in the child's life were overlooked, both their risk and their capacity "
            "to protect.",
            person.entry,
            child=_name(ctx, key),
        )


@_rule("DA3411")
def _compliance_taken_as_engagement(ctx: _Ctx) -> Iterator[Finding]:
    for entry in ctx.idx.kind("adult-assessment"):
        responses = component_codings(entry.res, "response")
        apparent = sorted(c.code for c in (APPARENT_COMPLIANCE, DISGUISED_COMPLIANCE) if c in responses)
        if apparent and component_bool(entry.res, "engaged") is True:
            adult = _subject(ctx, entry)
            yield ctx.finding(
                "DA3411",
                f"The assessment of {_name(ctx, adult)} records {' and '.join(apparent)} and also records the adult "
                "as engaged: compliance that is only apparent is not engagement, and the plan must not rest on it.",
                entry,
                ".component",
                adult=_name(ctx, adult),
            )
