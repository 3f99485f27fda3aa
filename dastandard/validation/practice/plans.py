"""DA36xx: services and plans: safety plans and engagement."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

from dastandard.findings import Finding
from dastandard.model.practice_codes import (
    ACTIVE_EPISODE,
    SAFETY_PLAN,
)
from dastandard.model.urls import EPISODE_OF_CARE_STATUS
from dastandard.validation._record_index import (
    codings_of,
    first_extension,
    parse_date,
    period_of,
)
from dastandard.validation.practice._base import (
    _Ctx,
    _name,
    _plan_targets,
    _rule,
)

# --- DA36xx services and plans ------------------------------------------------------------------------------------


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
        status = entry.res.get("status")
        if not isinstance(status, str) or (EPISODE_OF_CARE_STATUS, status) not in ACTIVE_EPISODE:
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
