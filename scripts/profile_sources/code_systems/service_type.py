"""The service-type code system (Service type)."""

from __future__ import annotations

from profile_sources.terminology import CHILD_FOCUSED, CS, SPECIALIST, C


def code_system() -> CS:
    return CS(
        "service-type",
        "ServiceType",
        "Service type",
        "Kinds of service a victim, child or person causing harm may be engaged with. The specialist property marks "
        "specialist domestic abuse services (learning point L10); childFocused marks services for the child (L08).",
        [
            C(
                "idva",
                "Idva service",
                "An independent domestic violence adviser service.",
                props={SPECIALIST[0]: True, CHILD_FOCUSED[0]: False},
            ),
            C(
                "childrens-da-service",
                "Children's domestic abuse service",
                "A specialist domestic abuse service for children and young people.",
                props={SPECIALIST[0]: True, CHILD_FOCUSED[0]: True},
            ),
            C(
                "by-and-for-service",
                "By-and-for service",
                "A specialist service run by and for black and minoritised, Deaf and disabled or LGBT+ victims.",
                props={SPECIALIST[0]: True, CHILD_FOCUSED[0]: False},
            ),
            C(
                "refuge",
                "Refuge",
                "Refuge or other safe accommodation.",
                props={SPECIALIST[0]: True, CHILD_FOCUSED[0]: False},
            ),
            C(
                "perpetrator-programme",
                "Perpetrator programme",
                "A programme for people causing harm.",
                props={SPECIALIST[0]: True, CHILD_FOCUSED[0]: False},
            ),
            C(
                "childrens-social-care",
                "Children's social care",
                "Local authority children's social care.",
                props={SPECIALIST[0]: False, CHILD_FOCUSED[0]: True},
            ),
            C(
                "early-help",
                "Early help",
                "An early help service.",
                props={SPECIALIST[0]: False, CHILD_FOCUSED[0]: True},
            ),
            C(
                "camhs",
                "CAMHS",
                "Child and adolescent mental health services.",
                props={SPECIALIST[0]: False, CHILD_FOCUSED[0]: True},
            ),
            C(
                "health-visiting",
                "Health visiting",
                "A health visiting service.",
                props={SPECIALIST[0]: False, CHILD_FOCUSED[0]: True},
            ),
            C(
                "school-nursing",
                "School nursing",
                "A school nursing service.",
                props={SPECIALIST[0]: False, CHILD_FOCUSED[0]: True},
            ),
            C(
                "marac",
                "MARAC",
                "A multi-agency risk assessment conference.",
                props={SPECIALIST[0]: True, CHILD_FOCUSED[0]: False},
            ),
            C(
                "mash",
                "MASH",
                "A multi-agency safeguarding hub.",
                props={SPECIALIST[0]: False, CHILD_FOCUSED[0]: False},
            ),
            C(
                "probation",
                "Probation",
                "The probation service.",
                props={SPECIALIST[0]: False, CHILD_FOCUSED[0]: False},
            ),
            C(
                "adult-mental-health",
                "Adult mental health",
                "An adult mental health service.",
                props={SPECIALIST[0]: False, CHILD_FOCUSED[0]: False},
            ),
            C(
                "substance-misuse",
                "Substance misuse service",
                "A drug or alcohol service.",
                props={SPECIALIST[0]: False, CHILD_FOCUSED[0]: False},
            ),
            C("housing", "Housing", "A housing service.", props={SPECIALIST[0]: False, CHILD_FOCUSED[0]: False}),
            C(
                "other",
                "Other service",
                "Another service, named in text.",
                props={SPECIALIST[0]: False, CHILD_FOCUSED[0]: False},
            ),
        ],
        properties=[SPECIALIST, CHILD_FOCUSED],
    )
