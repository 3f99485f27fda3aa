"""The ValueSets that are not simply all codes of one local code system."""

from __future__ import annotations

from profile_sources.common import (
    ABSENT_REASON_CODES,
    ACTCODE_CS,
    CONFIDENTIALITY_CS,
    DAR_CS,
    JSON,
    MARITAL_CS,
    UKCORE_ETHNIC_CS,
    Context,
)
from profile_sources.terminology import ABSENCE_INCLUDE, ABSENCE_NOTE, valueset


def value_sets(ctx: Context) -> list[JSON]:
    """Value sets that are not simply 'all of one local code system'."""
    return [
        valueset(
            ctx,
            "gender-identity",
            "GenderIdentity",
            "Gender identity",
            "A person's gender identity: NHS Data Dictionary GENDER IDENTITY CODE. The codes Z and X are kept for "
            "sources that use them; the standard's own way to state absence is a data-absent-reason coding."
            + ABSENCE_NOTE,
            [(ctx.cs("nhs-gender-identity"), None), ABSENCE_INCLUDE],
        ),
        valueset(
            ctx,
            "sexual-orientation",
            "SexualOrientation",
            "Sexual orientation",
            "A person's sexual orientation: NHS Data Dictionary PERSON STATED SEXUAL ORIENTATION CODE (SOM)."
            + ABSENCE_NOTE,
            [(ctx.cs("nhs-sexual-orientation"), None), ABSENCE_INCLUDE],
        ),
        valueset(
            ctx,
            "religion",
            "Religion",
            "Religion or belief",
            "A person's religion or belief (Equality Act 2010 s10): ONS Census 2021 summary religion codes 1-9. "
            "'Does not apply' (-8) is stated with data-absent-reason not-applicable instead." + ABSENCE_NOTE,
            [(ctx.cs("religion-ons-2021"), [str(i) for i in range(1, 10)]), ABSENCE_INCLUDE],
        ),
        valueset(
            ctx,
            "marital-status",
            "MaritalStatus",
            "Marriage and civil partnership",
            "A person's marriage or civil partnership status (Equality Act 2010 s8): HL7 v3 MaritalStatus codes plus "
            "the standard's civil partnership codes, which v3 lacks." + ABSENCE_NOTE,
            [
                (MARITAL_CS, ["M", "S", "D", "L", "W", "T", "A"]),
                (ctx.cs("civil-partnership-status"), None),
                ABSENCE_INCLUDE,
            ],
        ),
        valueset(
            ctx,
            "characteristic-absent-reason",
            "CharacteristicAbsentReason",
            "Characteristic absent reason",
            "Why a protected characteristic (or another expected value) is not recorded. 'not-applicable' is used "
            "where the question does not apply, for example by age.",
            [(DAR_CS, ABSENT_REASON_CODES)],
        ),
        valueset(
            ctx,
            "confidentiality",
            "Confidentiality",
            "Confidentiality of a domestic abuse record",
            "The confidentiality codes a domestic abuse record may carry in meta.security: restricted or very "
            "restricted (the latter where a victim's location must be protected).",
            [(CONFIDENTIALITY_CS, ["R", "V"])],
        ),
        valueset(
            ctx,
            "encounter-class",
            "EncounterClass",
            "Child contact setting",
            "Where a practitioner's contact with a child took place: HL7 v3 ActCode encounter classes.",
            [(ACTCODE_CS, ["FLD", "HH", "AMB", "VR"])],
        ),
        valueset(
            ctx,
            "nhs-ethnic-category",
            "NhsEthnicCategory",
            "Ethnic category (NHS England)",
            "NHS England ethnic category (NHS Data Dictionary ETHNIC CATEGORY, 16+1) as published in UK Core.",
            [(UKCORE_ETHNIC_CS, [*"ABCDEFGHJKLMNPRSZ", "99"])],
        ),
        valueset(
            ctx,
            "disclosure-category",
            "DisclosureCategory",
            "Disclosure category",
            "The record types a DADisclosure may carry: a disclosure or a retraction.",
            [(ctx.cs("record-type"), ["disclosure", "retraction"])],
        ),
    ]
