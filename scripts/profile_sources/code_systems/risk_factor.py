"""The risk-factor code system (Risk factor)."""

from __future__ import annotations

from profile_sources.terminology import CS, C


def code_system() -> CS:
    return CS(
        "risk-factor",
        "RiskFactor",
        "Risk factor",
        "Dated triggers and risk factors in one person's life that case reviews associate with escalating risk "
        "(NSPCC 2020; learning points L17, L22, L26).",
        [
            C("separation", "Separation", "The relationship broke down or one person left."),
            C(
                "post-separation-contact-dispute",
                "Post-separation contact dispute",
                "A dispute about contact with the children after separation.",
            ),
            C("job-loss", "Job loss", "The person lost their job."),
            C("financial-difficulty", "Financial difficulty", "The person has serious financial difficulties."),
            C("injury", "Injury", "The person was injured."),
            C("physical-ill-health", "Physical ill health", "The person has physical ill health."),
            C("mental-ill-health", "Mental ill health", "The person has mental ill health."),
            C("alcohol-misuse", "Alcohol misuse", "The person misuses alcohol."),
            C("drug-misuse", "Drug misuse", "The person misuses drugs."),
            C(
                "suicidal-thoughts",
                "Suicidal thoughts",
                "The person has expressed suicidal thoughts or threatened suicide.",
            ),
            C("self-harm", "Self-harm", "The person has harmed themselves."),
            C("stopped-medication", "Stopped medication", "The person stopped taking prescribed medication."),
            C("stopped-engaging", "Stopped engaging", "The person stopped engaging with a service."),
            C("pregnancy", "Pregnancy", "A pregnancy in the household."),
            C("birth", "Birth", "A birth in the household."),
            C("new-partner", "New partner", "A new partner joined the household or the person's life."),
            C(
                "isolation-from-wider-family",
                "Isolation from wider family",
                "The person is being isolated from their wider family.",
            ),
            C("no-wider-family-contact", "No wider family contact", "The person has no contact with wider family."),
            C(
                "wider-family-contact",
                "Wider family contact",
                "The person has regular contact with wider family (recorded so that its absence is visible).",
            ),
        ],
    )
