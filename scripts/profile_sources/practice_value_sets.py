"""The named code lists the safeguarding-practice rules (``DA3xxx``) match on, as ValueSets of the standard.

Each list names only codes the standard's CodeSystems define (or the data-absent-reason fragment it ships), so a
rule can never depend on a code a record could not validly carry. ``dastandard.model.practice_codes`` loads them
by id; the rules match on system and code.
"""

from __future__ import annotations

from profile_sources.common import DAR_CS, JSON, Context
from profile_sources.terminology import valueset

_PRACTICE = "Used by the safeguarding-practice rules (see docs/practice-rules.md)."


def practice_value_sets(ctx: Context) -> list[JSON]:
    """One ValueSet per code list of the practice rules."""
    specs: list[tuple[str, str, str, str, list[tuple[str, list[str]]]]] = [
        (
            "practice-physical-abuse-kind",
            "PracticePhysicalAbuseKind",
            "Physical or violent kinds of abuse",
            "Kinds of abuse that are physical, sexual, or violent or threatening behaviour; an incident history of "
            "only these kinds with no assessment of control prompts DA3103.",
            [(ctx.cs("abuse-kind"), ["physical-or-sexual", "physical", "sexual", "violent-or-threatening"])],
        ),
        (
            "practice-coercive-abuse-kind",
            "PracticeCoerciveAbuseKind",
            "Controlling or coercive kinds of abuse",
            "Kinds of abuse that are controlling or coercive behaviour (DA Act 2021 s1(3)(c)).",
            [(ctx.cs("abuse-kind"), ["controlling-or-coercive"])],
        ),
        (
            "practice-abuse-indicator",
            "PracticeAbuseIndicator",
            "Indicators of domestic abuse rather than conflict",
            "Classification bases that point to domestic abuse rather than parental conflict: fear, control, "
            "injury, threats, an imbalance of power and a pattern of behaviour.",
            [
                (
                    ctx.cs("classification-basis"),
                    ["fear", "control", "injury", "threats", "power-imbalance", "pattern-of-behaviour"],
                )
            ],
        ),
        (
            "practice-control-basis",
            "PracticeControlBasis",
            "Control assessed",
            "Classification bases that show controlling or coercive behaviour was assessed.",
            [(ctx.cs("classification-basis"), ["control"])],
        ),
        (
            "practice-child-victim-status",
            "PracticeChildVictimStatus",
            "A child who is a victim",
            "Victim statuses that make a child a victim: in their own right under DA Act 2021 s3, or directly.",
            [(ctx.cs("victim-status"), ["s3-child-victim", "s1-direct-victim"])],
        ),
        (
            "practice-specialist-service",
            "PracticeSpecialistService",
            "Specialist domestic abuse services",
            "Service types that are specialist domestic abuse support: IDVA, children's DA service, by-and-for "
            "service, refuge.",
            [(ctx.cs("service-type"), ["idva", "childrens-da-service", "by-and-for-service", "refuge"])],
        ),
        (
            "practice-specialist-agency",
            "PracticeSpecialistAgency",
            "Specialist domestic abuse agencies",
            "Agency types that provide specialist domestic abuse support.",
            [(ctx.cs("agency-type"), ["idva-service", "childrens-da-service", "by-and-for-service", "refuge"])],
        ),
        (
            "practice-partner-relationship",
            "PracticePartnerRelationship",
            "Intimate partner relationships",
            "Relationships between (current or former) intimate partners: spouses, civil partners, the engaged and "
            "intimate partners, and the matching personally-connected categories of DA Act 2021 s2.",
            [
                (
                    ctx.cs("relationship-type"),
                    [
                        "spouse",
                        "former-spouse",
                        "civil-partner",
                        "former-civil-partner",
                        "engaged",
                        "intimate-partner",
                        "former-intimate-partner",
                    ],
                ),
                (
                    ctx.cs("personally-connected"),
                    [
                        "married",
                        "civil-partners",
                        "agreed-to-marry",
                        "civil-partnership-agreement",
                        "intimate-relationship",
                    ],
                ),
            ],
        ),
        (
            "practice-not-personally-connected",
            "PracticeNotPersonallyConnected",
            "Not personally connected",
            "Relationships that do not make two people personally connected under DA Act 2021 s2 (for example a "
            "friend or neighbour is recorded as not-connected; living in the same household is not enough).",
            [
                (ctx.cs("relationship-type"), ["not-connected", "household-member"]),
                (ctx.cs("personally-connected"), ["same-household"]),
            ],
        ),
        (
            "practice-separation",
            "PracticeSeparation",
            "Separation",
            "Codes that record a separation: a separated relationship status or separation as a risk factor.",
            [(ctx.cs("relationship-status"), ["separated"]), (ctx.cs("risk-factor"), ["separation"])],
        ),
        (
            "practice-no-direct-contact",
            "PracticeNoDirectContact",
            "No face-to-face contact",
            "Contact arrangement types with no face-to-face contact.",
            [(ctx.cs("contact-type"), ["none", "indirect"])],
        ),
        (
            "practice-pregnancy-unknown-reason",
            "PracticePregnancyUnknownReason",
            "Pregnancy status not known",
            "Reasons for an absent pregnancy status that leave it unknown (as opposed to not applicable).",
            [(DAR_CS, ["unknown", "asked-unknown", "not-asked"])],
        ),
        (
            "practice-child-exposed",
            "PracticeChildExposed",
            "Child exposed to the incident",
            "A child's exposure to an incident that makes the child a victim in their own right (DA Act 2021 s3): "
            "saw, heard, experienced the effects or was directly harmed; a 'not-a-victim' status for such a child "
            "prompts DA3201.",
            [(ctx.cs("child-exposure"), ["saw", "heard", "experienced-effects", "directly-harmed"])],
        ),
        (
            "practice-child-at-scene",
            "PracticeChildAtScene",
            "Child at the scene",
            "A child's exposure that places the child at the incident (saw, heard, present or directly harmed): the "
            "child must be spoken with after it (DA3202).",
            [(ctx.cs("child-exposure"), ["saw", "heard", "present", "directly-harmed"])],
        ),
        (
            "practice-not-asked",
            "PracticeNotAsked",
            "Not asked",
            "The data-absent-reason for a question never put to the person (DA3301).",
            [(DAR_CS, ["not-asked"])],
        ),
        (
            "practice-not-child-support",
            "PracticeNotChildSupport",
            "Services that are not support for the child",
            "Service types that are statutory or adult-facing processes rather than support for a child victim "
            "(DA3203): children's social care, MASH, MARAC, probation, perpetrator programmes and adult services.",
            [
                (
                    ctx.cs("service-type"),
                    [
                        "childrens-social-care",
                        "mash",
                        "marac",
                        "probation",
                        "perpetrator-programme",
                        "idva",
                        "adult-mental-health",
                        "substance-misuse",
                        "housing",
                    ],
                )
            ],
        ),
        (
            "practice-offer-not-taken-up",
            "PracticeOfferNotTakenUp",
            "Support not taken up",
            "Offer outcomes that mean no support was received: declined or never offered.",
            [(ctx.cs("offer-outcome"), ["declined", "not-offered"])],
        ),
        (
            "practice-history-check-incomplete",
            "PracticeHistoryCheckIncomplete",
            "History check not completed",
            "History-check outcomes that leave the history unknown: pending or declined (DA3406).",
            [(ctx.cs("history-check-outcome"), ["pending", "declined"])],
        ),
        (
            "practice-violent-history",
            "PracticeViolentHistory",
            "History of violence",
            "Offending-history kinds that record violence or abuse, extending the post-separation contact window "
            "(DA3403).",
            [
                (
                    ctx.cs("offending-history"),
                    [
                        "violence-against-partner",
                        "violence-against-child",
                        "violence-other",
                        "sexual-offence",
                        "stalking-harassment",
                        "breach-of-order",
                    ],
                )
            ],
        ),
    ]
    out: list[JSON] = []
    for artifact_id, name, title, description, includes in specs:
        out.append(valueset(ctx, artifact_id, name, title, f"{description} {_PRACTICE}", includes))
    return out
