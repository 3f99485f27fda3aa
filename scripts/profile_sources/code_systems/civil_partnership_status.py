"""The civil-partnership-status code system (Civil partnership status)."""

from __future__ import annotations

from profile_sources.terminology import CS, C


def code_system() -> CS:
    return CS(
        "civil-partnership-status",
        "CivilPartnershipStatus",
        "Civil partnership status",
        "Civil partnership states, for which HL7 v3 MaritalStatus has no codes (Equality Act 2010 s8 protects "
        "marriage and civil partnership alike; Civil Partnership Act 2004).",
        [
            C("civil-partner", "Civil partner", "The person is in a civil partnership."),
            C("former-civil-partner", "Former civil partner", "The person's civil partnership has been dissolved."),
            C("surviving-civil-partner", "Surviving civil partner", "The person's civil partner has died."),
        ],
        value_set=False,
    )
