"""The plan-action code system (Plan action)."""

from __future__ import annotations

from profile_sources.terminology import CS, C


def code_system() -> CS:
    return CS(
        "plan-action",
        "PlanAction",
        "Plan action",
        "Kinds of action in a plan. Every action also names whom it is directed at (learning point L06).",
        [
            C(
                "engage-person-causing-harm",
                "Engage the person causing harm",
                "Work with the person causing harm to change or account for their behaviour.",
            ),
            C(
                "refer-perpetrator-programme",
                "Refer to perpetrator programme",
                "Refer the person causing harm to a perpetrator programme.",
            ),
            C(
                "criminal-justice-action",
                "Criminal justice action",
                "Police or criminal justice action against the person causing harm.",
            ),
            C("protective-order", "Seek protective order", "Seek a civil or criminal protective order."),
            C(
                "refer-specialist-service",
                "Refer to specialist service",
                "Refer to a specialist domestic abuse service (for example an Idva or a children's service).",
            ),
            C(
                "direct-work-with-child",
                "Direct work with the child",
                "Direct work with the child, including hearing the child's views.",
            ),
            C("school-support", "School support", "Support for the child at school or nursery."),
            C("health-referral", "Health referral", "Refer to a health service."),
            C("housing-support", "Housing support", "Housing or safe accommodation support."),
            C("safety-measures", "Safety measures", "Practical safety measures for the home or person."),
            C("monitor-contact", "Monitor contact", "Monitor or supervise the child's contact with an adult."),
            C("risk-assessment", "Risk assessment", "Complete or review a risk assessment."),
            C("share-information", "Share information", "Share information with another agency."),
            C("other", "Other action", "Another action, described in text."),
        ],
    )
