"""The observation-component code system (Observation component)."""

from __future__ import annotations

from profile_sources.terminology import CS, C


def code_system() -> CS:
    return CS(
        "observation-component",
        "ObservationComponent",
        "Observation component",
        "Codes of the components (Observation.component.code) of the standard's Observation profiles. Each code "
        "is the kebab-case form of the component slice name in the profile.",
        [
            C("abuse-kind", "Kind of abuse", "A kind of abuse the behaviour consisted of."),
            C(
                "pattern",
                "Pattern of conduct",
                "Whether the behaviour is a single incident or part of a course of conduct.",
            ),
            C("risk-level", "Risk level", "The risk level assessed at the time of the incident."),
            C("injury", "Injury", "Whether anyone was injured."),
            C("weapon-used", "Weapon used", "Whether a weapon or object was used or threatened."),
            C(
                "strangulation",
                "Strangulation or suffocation",
                "Whether non-fatal strangulation or suffocation was reported.",
            ),
            C("police-outcome", "Police outcome", "The police action taken in response."),
            C(
                "basis",
                "Basis",
                "A ground on which the observation's value rests (an s3 basis, or an indicator for a classification).",
            ),
            C(
                "related-to",
                "Related to",
                "How the child is related to the person causing harm or the adult victim (DA Act 2021 s3(3)).",
            ),
            C("not-victim-reason", "Reason not a victim", "Why a child is recorded as not a victim of the abuse."),
            C("check-type", "Check type", "The kind of disclosure-scheme request or records check."),
            C("supervised", "Supervised", "Whether contact is supervised."),
            C("court-order", "Court order", "A court order that governs the arrangement."),
            C("arrangement-type", "Arrangement type", "The kind of contact (overnight, day, indirect, none)."),
            C("risk-to-child", "Risk to child", "The assessed risk the adult poses to the child."),
            C("protective-capacity", "Protective capacity", "The adult's assessed capacity to protect the child."),
            C("engaged", "Engaged", "Whether the adult has engaged with the assessment or service."),
            C("role", "Role", "The adult's role in the child's life."),
            C(
                "classification",
                "Classification",
                "Whether an incident is domestic abuse, parental conflict or abuse in a teenage relationship.",
            ),
            C("seen", "Seen", "Whether the adult was seen in person."),
            C("seen-alone", "Seen alone", "Whether the adult was seen alone, away from the other adults."),
            C(
                "asked-alone",
                "Asked about abuse alone",
                "Whether the adult was asked about domestic abuse privately, with nobody else present.",
            ),
            C(
                "response",
                "Response to concerns",
                "How the adult responds to the concerns (denial, minimisation, compliance).",
            ),
        ],
        value_set=False,
    )
