"""The membership-change-reason code system (Household membership change reason)."""

from __future__ import annotations

from profile_sources.terminology import CS, C


def code_system() -> CS:
    return CS(
        "membership-change-reason",
        "MembershipChangeReason",
        "Household membership change reason",
        "Why a person joined or left a household (learning point L16).",
        [
            C("fled-abuse", "Left to escape abuse", "The person left to escape abuse."),
            C("moved-to-refuge", "Moved to refuge", "The person moved to a refuge or other safe accommodation."),
            C(
                "excluded-by-order",
                "Excluded by order",
                "The person was excluded from the home by a court order or bail conditions.",
            ),
            C("separation", "Separation", "The person left because the relationship ended."),
            C("reconciliation", "Reconciliation", "The person returned because the relationship resumed."),
            C("new-partner", "New partner moved in", "The person joined as a new partner of a household member."),
            C(
                "placed-by-local-authority",
                "Placed by the local authority",
                "A child was placed away from the household by the local authority.",
            ),
            C(
                "arrangement-change",
                "Care arrangement change",
                "A child's care arrangements changed (for example to live with the other parent).",
            ),
            C("birth", "Birth", "A child was born into the household."),
            C("death", "Death", "The person died."),
            C("other", "Other", "Another reason, described in text."),
        ],
    )
