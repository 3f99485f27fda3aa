"""DA35xx: risk and MARAC: escalation, high risk and actions for the children."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

from dastandard.findings import Finding, Severity
from dastandard.model.fragments import as_list, as_map
from dastandard.model.practice_codes import (
    HIGH_RISK,
    HOUSING_SUPPORT_ACTION,
    INSECURE_IMMIGRATION,
    MARAC_ACTION_PLAN,
    OFFER_NOT_TAKEN_UP,
    SPECIALIST_AGENCIES,
    SPECIALIST_SERVICES,
    VOID_EPISODE,
)
from dastandard.model.urls import EPISODE_OF_CARE_STATUS
from dastandard.validation._record_index import (
    Entry,
    Incident,
    add_months,
    codings_of,
    component_codings,
    extensions,
    first_extension,
    parse_date,
    sub_extensions,
    sub_value,
    value_codings,
)
from dastandard.validation.practice._base import (
    _Ctx,
    _name,
    _pairs,
    _plan_targets,
    _rule,
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
                        incidents=tuple(_name(ctx, inc.entry.key) for inc in incs[i : i + count]),
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
        adults = set(idx.resolve_all(referral.res.get("subject")))
        for household in idx.households if day else ():  # the victim's household, not every household of the record
            if any(m.person in adults and m.covers(day) for m in household.members):
                for member in household.members:
                    if member.person and member.covers(day) and idx.is_child(member.person, day):
                        children.add(member.person)
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


@_rule("DA3504")
def _marac_meeting(ctx: _Ctx) -> Iterator[Finding]:
    idx = ctx.idx
    due = timedelta(days=ctx.int_param("DA3504", "days", 28))
    ref = ctx.ref_date("DA3504")
    heard_by_victim: dict[str, list[date]] = {}
    referrals = idx.kind("marac-referral")
    for entry in referrals:
        meeting = first_extension(entry.res, "marac-meeting")
        heard = parse_date(sub_value(meeting, "heard", "valueDate")) if meeting else None
        victim = idx.resolve(entry.res.get("subject"))
        if heard and victim:
            heard_by_victim.setdefault(victim, []).append(heard)
    for entry in referrals:
        victim = idx.resolve(entry.res.get("subject"))
        made = parse_date(entry.res.get("authoredOn"))
        meeting = first_extension(entry.res, "marac-meeting")
        if meeting is None:
            if made and ref and ref - made > due:
                yield ctx.finding(
                    "DA3504",
                    f"MARAC referral {_name(ctx, entry.key)} for {_name(ctx, victim)} made on {made.isoformat()} "
                    f"records no meeting that heard it after {due.days} days.",
                    entry,
                )
            continue
        heard = parse_date(sub_value(meeting, "heard", "valueDate"))
        told = sub_value(meeting, "victimInformed", "valueBoolean")
        if heard and told is not True and (ref is None or ref - heard > due):
            yield ctx.finding(
                "DA3504",
                f"MARAC referral {_name(ctx, entry.key)} was heard on {heard.isoformat()} and the record does not "
                f"say that {_name(ctx, victim)} was told the outcome.",
                entry,
                ".extension",
            )
        earlier = [d for d in heard_by_victim.get(victim or "", ()) if made and d < made and made <= add_months(d, 12)]
        if earlier and sub_value(meeting, "repeat", "valueBoolean") is not True:
            yield ctx.finding(
                "DA3504",
                f"MARAC referral {_name(ctx, entry.key)} for {_name(ctx, victim)} comes within 12 months of the "
                f"hearing on {max(earlier).isoformat()} and is not recorded as a repeat.",
                entry,
                ".extension",
                at_most=Severity.WARNING,
            )


def _public_funds_routes(ctx: _Ctx) -> set[str]:
    """Persons with a route to safety that does not rest on public funds: a specialist service episode (IDVA,
    by-and-for service, refuge, children's DA service) that was not declined or left unoffered, or a plan action on
    housing or safe accommodation directed at them."""
    idx = ctx.idx
    out: set[str] = set()
    for entry in idx.of_type("EpisodeOfCare"):
        if (EPISODE_OF_CARE_STATUS, entry.res.get("status")) in VOID_EPISODE:
            continue
        if not SPECIALIST_SERVICES.matches(codings_of(entry.res.get("type"))):
            continue
        outcome = first_extension(entry.res, "offer-outcome")
        if outcome is not None and OFFER_NOT_TAKEN_UP.matches(value_codings(outcome)):
            continue
        out.update(idx.resolve_all(entry.res.get("patient")))
    for plan in idx.of_type("CarePlan"):
        per_activity, _ = _plan_targets(ctx, plan)
        for activity, targets in zip(as_list(plan.res.get("activity")), per_activity, strict=False):
            if HOUSING_SUPPORT_ACTION in codings_of(as_map(as_map(activity).get("detail")).get("code")):
                out |= targets or set(idx.resolve_all(plan.res.get("subject")))
    return out


@_rule("DA3505")
def _victim_without_public_funds_route(ctx: _Ctx) -> Iterator[Finding]:
    idx = ctx.idx
    _, victims = idx.roles()
    routes: set[str] | None = None
    for victim in sorted(victims):
        person = idx.persons.get(victim)
        if person is None or not idx.is_adult(victim, idx.reference_date()):
            continue
        res = person.entry.res
        nrpf = first_extension(res, "no-recourse-to-public-funds")
        flag = nrpf.get("valueBoolean") if nrpf is not None else None
        status = first_extension(res, "immigration-status")
        insecure = sorted(c for c in value_codings(status) if c in INSECURE_IMMIGRATION) if status else []
        if flag is None and insecure:
            yield ctx.finding(
                "DA3505",
                f"Victim {_name(ctx, victim)} has immigration status {insecure[0][1]}, but the record does not say "
                "whether this victim has recourse to public funds (no-recourse-to-public-funds): with none, a "
                "refuge place paid by housing benefit is not open, and a plan cannot rest on one.",
                person.entry,
                victim=_name(ctx, victim),
            )
            continue
        if flag is not True:
            continue
        if routes is None:
            routes = _public_funds_routes(ctx)
        if victim not in routes:
            yield ctx.finding(
                "DA3505",
                f"Victim {_name(ctx, victim)} has no recourse to public funds, and no route to safety that does "
                "not rest on them is recorded: no specialist service (IDVA, by-and-for service, refuge) taken up "
                "and no plan action on housing or safe accommodation directed at this victim.",
                person.entry,
                victim=_name(ctx, victim),
            )
