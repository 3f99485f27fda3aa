"""DA36xx: services and plans: safety plans and engagement."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

from dastandard.findings import Finding
from dastandard.model.fragments import as_list, as_map, as_str
from dastandard.model.practice_codes import (
    ACTION_DONE,
    ACTIVE_EPISODE,
    SAFETY_MEASURES_ACTION,
)
from dastandard.model.urls import CARE_PLAN_ACTIVITY_STATUS, EPISODE_OF_CARE_STATUS
from dastandard.validation._record_index import (
    codings_of,
    extensions,
    first_extension,
    parse_date,
    period_of,
    sub_value,
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
    for plan in idx.of_type("CarePlan"):  # every plan type: safety, child protection, CIN, MARAC, early help
        per_activity, _ = _plan_targets(ctx, plan)
        if not per_activity or not all(per_activity):
            continue
        day = period_of(plan.res.get("period"))[0] or idx.reference_date()
        protective = {v for v in victims - harm if idx.is_adult(v, day)}
        plan_type = ", ".join(sorted(c for _, c in codings_of(plan.res.get("category")))) or "plan"
        on_child: list[str] = []
        counted: set[str] = set()
        for activity, targets in zip(as_list(plan.res.get("activity")), per_activity, strict=False):
            if SAFETY_MEASURES_ACTION in codings_of(as_map(as_map(activity).get("detail")).get("code")) and all(
                idx.is_child(t, day) for t in targets
            ):
                on_child.extend(sorted(targets))  # safety put on a child ("call 999 if Dad comes") protects no one
                continue
            counted |= targets
        if on_child or (counted and counted <= protective):
            message = (
                f"Every action of this {plan_type} is directed at the non-abusing parent; none addresses the "
                "person causing harm or the child's own needs."
                if counted <= protective
                else f"This {plan_type} puts safety measures on a child"
            )
            if on_child:
                message += (
                    f" Safety measures are directed at child {', '.join(_name(ctx, c) for c in on_child)}: keeping "
                    "safe is the adults' job, not the child's."
                )
            yield ctx.finding(
                "DA3601",
                message,
                plan,
                ".activity",
                directed_at=tuple(sorted(_name(ctx, key) for key in counted | set(on_child))),
            )


@_rule("DA3602")
def _active_without_contact(ctx: _Ctx) -> Iterator[Finding]:
    ref = ctx.ref_date("DA3602")
    days = ctx.int_param("DA3602", "days", 90)
    if ref is None:
        return
    share = ctx.param("DA3602", "min-attendance")
    share = float(share) if isinstance(share, int | float) and not isinstance(share, bool) else 0.5
    minimum = ctx.int_param("DA3602", "min-offered", 6)
    for entry in ctx.idx.of_type("EpisodeOfCare"):
        if (EPISODE_OF_CARE_STATUS, as_str(entry.res.get("status"))) not in ACTIVE_EPISODE:
            continue
        attendance = first_extension(entry.res, "attendance")
        if attendance is not None:
            offered = sub_value(attendance, "offered", "valueInteger")
            attended = sub_value(attendance, "attended", "valueInteger")
            if (
                isinstance(offered, int)
                and isinstance(attended, int)
                and offered >= max(minimum, 1)
                and attended / offered < share
            ):
                yield ctx.finding(
                    "DA3602",
                    f"Service episode for {_name(ctx, ctx.idx.resolve(entry.res.get('patient')))} is marked "
                    f"active but only {attended} of {offered} offered sessions were attended: that is "
                    "disengagement, however recent the last contact.",
                    entry,
                    attended=attended,
                    offered=offered,
                )
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


@_rule("DA3603")
def _plan_action_overdue(ctx: _Ctx) -> Iterator[Finding]:
    idx = ctx.idx
    ref = ctx.ref_date("DA3603")
    if ref is None:
        return
    for plan in idx.of_type("CarePlan"):
        per_activity, _ = _plan_targets(ctx, plan)
        for pos, activity in enumerate(as_list(plan.res.get("activity"))):
            item = as_map(activity)
            detail = as_map(item.get("detail"))
            due = next((parse_date(e.get("valueDate")) for _, e in extensions(item, "action-due")), None)
            done = next((True for _ in extensions(item, "action-completed")), False)
            if (
                due is None
                or due >= ref
                or done
                or (CARE_PLAN_ACTIVITY_STATUS, as_str(detail.get("status"))) in ACTION_DONE
            ):
                continue
            targets = per_activity[pos] if pos < len(per_activity) else set()
            what = as_str(detail.get("description")) or "an action"
            yield ctx.finding(
                "DA3603",
                f"Plan {_name(ctx, plan.key)}: {what!r} (directed at "
                + (", ".join(sorted(_name(ctx, t) for t in targets)) or "nobody")
                + f") was due on {due.isoformat()} and is not recorded as completed.",
                plan,
                f".activity[{pos}]",
            )
