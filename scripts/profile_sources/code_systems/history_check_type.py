"""The history-check-type code system (History check type)."""

from __future__ import annotations

from profile_sources.terminology import CS, C


def code_system() -> CS:
    return CS(
        "history-check-type",
        "HistoryCheckType",
        "History check type",
        "Kinds of check about an adult's history. DDVDS is the Domestic Violence Disclosure Scheme (Clare's Law), "
        "statutory since the DA Act 2021.",
        [
            C(
                "ddvds-right-to-ask",
                "DVDS right to ask",
                "A request by a person (or a third party) under the disclosure scheme's right to ask.",
            ),
            C(
                "ddvds-right-to-know",
                "DVDS right to know",
                "A proactive disclosure by the police under the disclosure scheme's right to know.",
            ),
            C("police-records-check", "Police records check", "A check of police records."),
            C(
                "children-social-care-records-check",
                "Children's social care records check",
                "A check of children's social care records.",
            ),
        ],
    )
