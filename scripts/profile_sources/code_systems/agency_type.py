"""The agency-type code system (Agency type)."""

from __future__ import annotations

from profile_sources.terminology import CS, SPECIALIST, C


def code_system() -> CS:
    return CS(
        "agency-type",
        "AgencyType",
        "Agency type",
        "Kinds of agency that hold or share domestic abuse records about children.",
        [
            C("police", "Police", "A police force."),
            C("childrens-social-care", "Children's social care", "Local authority children's social care."),
            C("health", "Health", "A health organisation (GP, hospital, community health)."),
            C("school", "School", "A school or other educational establishment."),
            C("early-years", "Early years", "An early years setting."),
            C("marac", "MARAC", "A multi-agency risk assessment conference.", props={SPECIALIST[0]: True}),
            C(
                "idva-service",
                "Idva service",
                "An independent domestic violence adviser service.",
                props={SPECIALIST[0]: True},
            ),
            C(
                "childrens-da-service",
                "Children's domestic abuse service",
                "A specialist domestic abuse service for children.",
                props={SPECIALIST[0]: True},
            ),
            C(
                "by-and-for-service",
                "By-and-for service",
                "A specialist by-and-for domestic abuse service.",
                props={SPECIALIST[0]: True},
            ),
            C("refuge", "Refuge", "A refuge provider.", props={SPECIALIST[0]: True}),
            C("housing", "Housing", "A housing provider or local authority housing service."),
            C("probation", "Probation", "The probation service."),
            C(
                "cafcass",
                "Cafcass",
                "The Children and Family Court Advisory and Support Service (Cafcass Cymru in Wales).",
            ),
            C("other", "Other", "Another agency, named in text."),
        ],
        properties=[SPECIALIST],
    )
