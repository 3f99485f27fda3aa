"""The record-type code system (Record type)."""

from __future__ import annotations

from profile_sources.terminology import CS, C


def code_system() -> CS:
    return CS(
        "record-type",
        "RecordType",
        "Record type",
        "The kind of record a resource of the standard holds. Used as Observation.code, ServiceRequest.code and "
        "Communication.category so a record's meaning never depends on which FHIR resource carries it.",
        [
            C(
                "incident",
                "Incident",
                "A domestic abuse incident: what happened, when, who was involved and who reported it.",
            ),
            C(
                "child-victim-status",
                "Child victim status",
                "A child's status as a victim of domestic abuse (Domestic Abuse Act 2021 s3, or s1 for a child "
                "aged 16 or 17 who is a direct victim), or the recorded reason the status does not apply.",
            ),
            C(
                "abuse-classification",
                "Abuse classification",
                "Whether behaviour is domestic abuse or parental conflict, with the basis for the decision.",
            ),
            C("disclosure", "Disclosure", "A person's disclosure of abuse to a practitioner or agency."),
            C(
                "retraction",
                "Retraction",
                "A later statement withdrawing or minimising an earlier disclosure. It is recorded as a new event; "
                "the original disclosure is kept unchanged.",
            ),
            C(
                "marac-referral",
                "MARAC referral",
                "A referral of a victim to a multi-agency risk assessment conference (MARAC).",
            ),
            C("risk-factor", "Risk factor", "A dated trigger or risk factor in one person's life."),
            C("offending-history", "Offending history", "A person's known history of violence or offending."),
            C("history-check", "History check", "A disclosure-scheme request or a records check about an adult."),
            C("contact-arrangement", "Contact arrangement", "A child's arrangement for contact with an adult."),
            C(
                "adult-assessment",
                "Adult assessment",
                "An assessment of a significant adult in a child's life: risk, protective capacity and engagement.",
            ),
            C(
                "information-sharing",
                "Information sharing",
                "An event in which one agency shared information with another.",
            ),
        ],
    )
