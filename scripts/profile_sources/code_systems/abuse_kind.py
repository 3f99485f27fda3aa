# ruff: noqa: E501  (a catalogue of code-system text: definitions and source URLs are kept on one line each)
"""The abuse-kind code system (Kind of domestic abuse)."""

from __future__ import annotations

from profile_sources.terminology import CS, LEGAL, STATUTORY, C


def code_system() -> CS:
    s = STATUTORY[0]
    lb = LEGAL[0]
    return CS(
        "abuse-kind",
        "AbuseKind",
        "Kind of domestic abuse",
        "Kinds of domestic abuse. The five top-level statutory kinds are those of the Domestic Abuse Act 2021 "
        "s1(3)(a)-(e); the other top-level codes are categories of the Home Office Domestic Abuse Statutory "
        'Guidance (July 2022), chapter 3 "Recognising domestic abuse". A behaviour may be coded with several kinds.',
        [
            C(
                "physical-or-sexual",
                "Physical or sexual abuse",
                "Physical or sexual abuse (DA Act 2021 s1(3)(a)).",
                [
                    C(
                        "physical",
                        "Physical abuse",
                        "Physical abuse: the physical part of s1(3)(a).",
                        props={s: True, lb: "DA Act 2021 s1(3)(a)"},
                    ),
                    C(
                        "sexual",
                        "Sexual abuse",
                        "Sexual abuse: the sexual part of s1(3)(a).",
                        props={s: True, lb: "DA Act 2021 s1(3)(a)"},
                    ),
                ],
                props={s: True, lb: "DA Act 2021 s1(3)(a)"},
            ),
            C(
                "violent-or-threatening",
                "Violent or threatening behaviour",
                "Violent or threatening behaviour (DA Act 2021 s1(3)(b)).",
                props={s: True, lb: "DA Act 2021 s1(3)(b)"},
            ),
            C(
                "controlling-or-coercive",
                "Controlling or coercive behaviour",
                "Controlling or coercive behaviour (DA Act 2021 s1(3)(c); see also Serious Crime Act 2015 s76).",
                props={s: True, lb: "DA Act 2021 s1(3)(c)"},
            ),
            C(
                "economic",
                "Economic abuse",
                "Any behaviour that has a substantial adverse effect on the victim's ability to acquire, use or "
                "maintain money or other property, or to obtain goods or services (DA Act 2021 s1(3)(d), s1(4)).",
                props={s: True, lb: "DA Act 2021 s1(3)(d), s1(4)"},
            ),
            C(
                "psychological-or-emotional",
                "Psychological, emotional or other abuse",
                "Psychological, emotional or other abuse (DA Act 2021 s1(3)(e)).",
                props={s: True, lb: "DA Act 2021 s1(3)(e)"},
            ),
            C(
                "stalking-or-harassment",
                "Harassment or stalking",
                "Harassment or stalking (statutory guidance, chapter 3).",
                props={s: False, lb: "DA statutory guidance 2022 ch.3"},
            ),
            C(
                "verbal",
                "Verbal abuse",
                "Verbal abuse (statutory guidance, chapter 3).",
                props={s: False, lb: "DA statutory guidance 2022 ch.3"},
            ),
            C(
                "technology-facilitated",
                "Technology-facilitated abuse",
                "Abuse using technology, such as monitoring devices, social media or location tracking (statutory guidance, chapter 3).",
                props={s: False, lb: "DA statutory guidance 2022 ch.3"},
            ),
            C(
                "faith-related",
                "Abuse relating to faith",
                "Abuse relating to faith (statutory guidance, chapter 3).",
                props={s: False, lb: "DA statutory guidance 2022 ch.3"},
            ),
            C(
                "honour-based",
                "'Honour'-based abuse",
                "'Honour'-based abuse, including forced marriage (statutory guidance, chapter 3).",
                props={s: False, lb: "DA statutory guidance 2022 ch.3"},
            ),
            C(
                "perpetrator-tactics",
                "Perpetrator tactics",
                "Tactics used by the person causing harm, such as using the children, counter-allegations or the "
                "family courts, to continue abuse (statutory guidance, chapter 3).",
                props={s: False, lb: "DA statutory guidance 2022 ch.3"},
            ),
        ],
        properties=[STATUTORY, LEGAL],
        absence=True,
    )
