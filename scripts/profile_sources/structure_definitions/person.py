# ruff: noqa: E501  (element definitions are prose; each is kept on one line)
"""DAPerson (Person), a profile of Patient."""

from __future__ import annotations

from profile_sources.common import (
    DISABILITY_EXT,
    JSON,
    NHS_NUMBER_SYSTEM,
    RELIGION_EXT,
    UKCORE_ETHNIC_EXT,
    UKCORE_PATIENT,
)
from profile_sources.structures import Builder, el, ext_root, inv, t


def build(b: Builder) -> JSON:
    """The DAPerson StructureDefinition."""
    ctx = b.ctx
    cc = [t("CodeableConcept")]
    nhs_value = "value"
    digits = " + ".join(f"{nhs_value}.substring({i}, 1).toInteger() * {10 - i}" for i in range(9))
    nhs_expr = (
        f"identifier.where(system = '{NHS_NUMBER_SYSTEM}').all({nhs_value}.matches('^[0-9]{{10}}$') and "
        f"(({digits} + {nhs_value}.substring(9, 1).toInteger()) mod 11 = 0))"
    )
    ext = ctx.sd
    pc_urls = [ext("person-sex"), ext("gender-identity"), ext("sexual-orientation")]
    eth = f"extension.where(url = '{UKCORE_ETHNIC_EXT}' or url = '{ext('ethnicity-ons-2021')}' or url = '{ext('ethnicity-dfe')}').exists()"
    return b.profile(
        "DAPerson",
        "Person",
        "Any person in a domestic abuse record: child, unborn child, adult victim, person causing harm, partner or ex-partner. Roles are never properties of the person. Every protected characteristic is either coded or states why it is absent with a data-absent-reason coding.",
        "Patient",
        UKCORE_PATIENT,
        [
            el(
                "Patient",
                "A person in the record",
                "A person who is a subject of the record. A person's role is given per incident and relationship, never on the person.",
                learning="L09, L14",
                constraints=[
                    inv(
                        "da-nhs-1",
                        "error",
                        "An NHS number is 10 digits with a valid Modulus 11 check digit.",
                        nhs_expr,
                    ),
                    inv(
                        "da-person-1",
                        "warning",
                        "Sex, gender identity and sexual orientation are each recorded as a value or an absent reason.",
                        " and ".join(f"extension.where(url = '{u}').exists()" for u in pc_urls),
                    ),
                    inv(
                        "da-person-2",
                        "warning",
                        "Ethnicity is recorded in at least one classification (or with an absent reason).",
                        eth,
                    ),
                    inv(
                        "da-person-3",
                        "warning",
                        "Religion and disability each have at least one entry (a value or an absent reason).",
                        f"extension.where(url = '{RELIGION_EXT}').exists() and extension.where(url = '{DISABILITY_EXT}').exists()",
                    ),
                    inv(
                        "da-person-4",
                        "error",
                        "An unborn child has an expected birth date and sex U or an absent sex.",
                        f"extension.where(url = '{ext('unborn')}' and value = true).exists() implies (extension.where(url = '{ext('expected-birth-date')}').exists() and extension.where(url = '{ext('person-sex')}').value.ofType(CodeableConcept).coding.where(system = '{ctx.cs('sex')}' and code != 'U').empty())",
                    ),
                ],
            ),
            ext_root("Patient"),
            b.ext_slice(
                "Patient.extension",
                "interpreterNeeded",
                "interpreter-needed",
                0,
                "1",
                "Needs an interpreter",
                "Whether the person needs an interpreter to speak with practitioners.",
                "L07, L09",
            ),
            b.ext_slice(
                "Patient.extension",
                "immigrationStatus",
                "immigration-status",
                0,
                "1",
                "Immigration status",
                "The person's immigration status.",
                "L09, L10",
            ),
            b.ext_slice(
                "Patient.extension",
                "noRecourseToPublicFunds",
                "no-recourse-to-public-funds",
                0,
                "1",
                "No recourse to public funds",
                "Whether the person has no recourse to public funds.",
                "L10, L16",
            ),
            b.ext_slice(
                "Patient.extension",
                "parentNotRecorded",
                "parent-not-recorded",
                0,
                "1",
                "Why the other parent is not recorded",
                "On a child: why the child's other parent is not in the record.",
                "L15",
            ),
            b.ext_slice(
                "Patient.extension",
                "ethnicCategory",
                UKCORE_ETHNIC_EXT,
                0,
                "1",
                "Ethnic category (NHS England 16+1)",
                "The person's ethnic category (UK Core). Absence is stated with the UK Core codes Z (not stated) or 99 (not known) together with a data-absent-reason coding for the precise reason.",
                "L09",
            ),
            b.ext_slice(
                "Patient.extension",
                "ethnicityOns2021",
                "ethnicity-ons-2021",
                0,
                "1",
                "Ethnic group (ONS 2021)",
                "The person's ethnic group in the ONS Census 2021 classification.",
                "L09",
            ),
            b.ext_slice(
                "Patient.extension",
                "ethnicityDfe",
                "ethnicity-dfe",
                0,
                "1",
                "Ethnicity (DfE)",
                "The person's ethnicity in the DfE classification.",
                "L09",
            ),
            b.ext_slice(
                "Patient.extension",
                "sex",
                "person-sex",
                1,
                "1",
                "Sex (value or absent reason)",
                "The person's sex (biological sex) or why it is not recorded.",
                "L09, L14",
            ),
            b.ext_slice(
                "Patient.extension",
                "genderIdentity",
                "gender-identity",
                0,
                "1",
                "Gender identity",
                "The person's gender identity or why it is not recorded.",
                "L09",
            ),
            b.ext_slice(
                "Patient.extension",
                "sexualOrientation",
                "sexual-orientation",
                0,
                "1",
                "Sexual orientation",
                "The person's sexual orientation or why it is not recorded.",
                "L09",
            ),
            b.ext_slice(
                "Patient.extension",
                "religion",
                RELIGION_EXT,
                0,
                "*",
                "Religion or belief",
                "The person's religion or belief (HL7 core patient-religion), or a data-absent-reason coding on the value.",
                "L09",
            ),
            el(
                "Patient.extension:religion.value[x]",
                "Religion (ONS 2021)",
                "The religion code, or a data-absent-reason coding.",
                types=cc,
                binding=b.bind(
                    "extensible", "religion", "ONS Census 2021 summary religion; agencies may send finer codes."
                ),
            ),
            b.ext_slice(
                "Patient.extension",
                "disability",
                DISABILITY_EXT,
                0,
                "*",
                "Disability",
                "A disability of the person (HL7 core patient-disability), with text, or a data-absent-reason coding on the value.",
                "L09",
            ),
            el(
                "Patient.extension:disability.value[x]",
                "Disability (DfE)",
                "The disability code and text, or a data-absent-reason coding.",
                types=cc,
                binding=b.bind(
                    "extensible", "disability", "DfE disability codes; health agencies may send finer codes."
                ),
            ),
            b.ext_slice(
                "Patient.extension",
                "pregnancyStatus",
                "pregnancy-status",
                0,
                "1",
                "Pregnancy status",
                "The person's pregnancy status, where relevant.",
                "L09, L20",
            ),
            b.ext_slice(
                "Patient.extension", "unborn", "unborn", 0, "1", "Unborn child", "True for an unborn child.", "L20"
            ),
            b.ext_slice(
                "Patient.extension",
                "expectedBirthDate",
                "expected-birth-date",
                0,
                "1",
                "Expected birth date",
                "The expected date of birth of an unborn child.",
                "L20",
            ),
            b.ext_slice(
                "Patient.extension",
                "childrenInContact",
                "children-in-contact",
                0,
                "1",
                "Children in contact (adults)",
                "For an adult: whether the adult lives with or has contact with children.",
                "L23",
            ),
            b.ext_slice(
                "Patient.extension",
                "lastVerified",
                "last-verified",
                0,
                "1",
                "Details last verified",
                "When and by whom the person's details were last verified.",
                "L18",
            ),
            el(
                "Patient.identifier",
                "Identifiers, sliced by system",
                "The person's identifiers. NHS number, local authority child id and police person id are sliced by system.",
                must=True,
                slicing={"discriminator": [{"type": "value", "path": "system"}], "ordered": False, "rules": "open"},
            ),
            el(
                "Patient.identifier:nhsNumber",
                "NHS number",
                "The person's NHS number: 10 digits, Modulus 11 checked (da-nhs-1).",
                min=0,
                max="1",
                must=True,
            ),
            el(
                "Patient.identifier:nhsNumber.system",
                "NHS number system",
                "The NHS number namespace.",
                min=1,
                fixedUri=NHS_NUMBER_SYSTEM,
            ),
            el("Patient.identifier:nhsNumber.value", "The NHS number", "Ten digits with no spaces.", min=1),
            el(
                "Patient.identifier:laChildId",
                "Local authority child id",
                "The local authority's child identifier (DfE LAchildID, N00097).",
                min=0,
                max="*",
                must=True,
            ),
            el(
                "Patient.identifier:laChildId.system",
                "LA child id system",
                "The standard's namespace for local authority child ids.",
                min=1,
                fixedUri=ctx.id_system("la-child-id"),
            ),
            el(
                "Patient.identifier:laChildId.value",
                "The LA child id",
                "The identifier value, prefixed by nothing; the assigner names the local authority.",
                min=1,
            ),
            el(
                "Patient.identifier:policePersonId",
                "Police person id",
                "The police force's identifier for the person.",
                min=0,
                max="*",
                must=True,
            ),
            el(
                "Patient.identifier:policePersonId.system",
                "Police person id system",
                "The standard's namespace for police person ids.",
                min=1,
                fixedUri=ctx.id_system("police-person-id"),
            ),
            el(
                "Patient.identifier:policePersonId.value",
                "The police person id",
                "The identifier value; the assigner names the force.",
                min=1,
            ),
            el(
                "Patient.gender",
                "Administrative gender only",
                "Administrative gender (FHIR base). Sex is recorded in the person-sex extension and gender identity in gender-identity; neither is inferred from this element.",
            ),
            el(
                "Patient.birthDate",
                "Date of birth (or absent reason)",
                "The date of birth; if unknown, _birthDate carries a data-absent-reason.",
                min=1,
                must=True,
                learning="L09",
            ),
            el(
                "Patient.maritalStatus",
                "Marriage or civil partnership",
                "The person's marriage or civil partnership status (Equality Act 2010 s8), or a data-absent-reason coding.",
                must=True,
                learning="L09",
                binding=b.bind(
                    "extensible",
                    "marital-status",
                    "v3 marital status plus civil partnership codes; agencies may send finer codes.",
                ),
            ),
            ext_root("Patient.address"),
            b.ext_slice(
                "Patient.address.extension",
                "confidential",
                "confidential-address",
                0,
                "1",
                "Confidential address",
                "True if the address must not be disclosed.",
                "L16",
            ),
        ],
    )
