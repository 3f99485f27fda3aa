"""The plan-type code system (Plan type)."""

from __future__ import annotations

from profile_sources.terminology import CS, C


def code_system() -> CS:
    return CS(
        "plan-type",
        "PlanType",
        "Plan type",
        "Kinds of plan made for a victim or a child.",
        [
            C("safety-plan", "Safety plan", "A safety plan agreed with a victim or child."),
            C(
                "child-protection-plan",
                "Child protection plan",
                "A child protection plan made after an initial child protection conference.",
            ),
            C("cin-plan", "Child in need plan", "A plan for a child in need (Children Act 1989 s17)."),
            C("marac-action-plan", "MARAC action plan", "The actions agreed at a MARAC."),
            C("early-help-plan", "Early help plan", "An early help plan."),
        ],
    )
