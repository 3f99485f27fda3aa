# ruff: noqa: E501  (element definitions are prose; each is kept on one line)
"""DAPlan (Plan), a profile of CarePlan."""

from __future__ import annotations

from profile_sources.common import FHIR_SD, JSON
from profile_sources.structures import Builder, el, ext_root, ref


def build(b: Builder) -> JSON:
    """The DAPlan StructureDefinition."""
    ctx = b.ctx
    person = ctx.sd("DAPerson")
    agency = ctx.sd("DAAgency")
    practitioner = FHIR_SD + "Practitioner"
    return b.profile(
        "DAPlan",
        "Plan",
        "A safety, child protection, child in need, MARAC action or early help plan. Every action names whom it is directed at.",
        "CarePlan",
        FHIR_SD + "CarePlan",
        [
            el("CarePlan", "A plan", "A plan for a victim or child.", learning="L06, L11"),
            el("CarePlan.status", "Plan status", "The status of the plan.", must=True),
            el(
                "CarePlan.category",
                "Plan type",
                "The kind of plan.",
                min=1,
                must=True,
                binding=b.bind("extensible", "plan-type", "Agencies may use finer local plan types."),
            ),
            el(
                "CarePlan.subject",
                "Child or victim",
                "The child or victim the plan is for.",
                types=[ref(person)],
                must=True,
            ),
            el("CarePlan.period", "When", "When the plan applies.", must=True),
            el(
                "CarePlan.basedOn",
                "MARAC referral",
                "For a MARAC action plan: the referral.",
                types=[ref(ctx.sd("DAMaracReferral"))],
            ),
            el("CarePlan.activity", "An action", "One action of the plan.", must=True, learning="L06"),
            ext_root("CarePlan.activity"),
            b.ext_slice(
                "CarePlan.activity.extension",
                "due",
                "action-due",
                0,
                "1",
                "Due date",
                "When the action is due.",
                "L06, L11",
            ),
            b.ext_slice(
                "CarePlan.activity.extension",
                "completed",
                "action-completed",
                0,
                "1",
                "Completion date",
                "When the action was completed.",
                "L06, L11",
            ),
            b.ext_slice(
                "CarePlan.activity.extension",
                "directedAt",
                "action-directed-at",
                1,
                "*",
                "Directed at",
                "The person the action is directed at.",
                "L06",
            ),
            el("CarePlan.activity.detail", "Action detail", "What the action is and who carries it out.", min=1),
            el(
                "CarePlan.activity.detail.code",
                "Kind of action",
                "The kind of action.",
                binding=b.bind("extensible", "plan-action", "Agencies may use finer local actions."),
            ),
            el("CarePlan.activity.detail.description", "Action", "The action as agreed.", must=True),
            el(
                "CarePlan.activity.detail.performer",
                "Responsible agency",
                "The agency responsible for the action.",
                types=[ref(agency, practitioner)],
                must=True,
                learning="L11",
            ),
        ],
    )
