# ruff: noqa: E501  (a catalogue of code-system text: definitions and source URLs are kept on one line each)
"""External code systems shipped as offline fragments under their real canonical URLs."""

from __future__ import annotations

from profile_sources.common import ACTCODE_CS, CONFIDENTIALITY_CS, DAR_CS, JSON, MARITAL_CS, UKCORE_ETHNIC_CS, Context
from profile_sources.terminology import C, fragment


def fragments(ctx: Context) -> list[JSON]:
    """External code systems shipped as offline fragments under their real canonical URLs."""
    return [
        fragment(
            ctx,
            "UKCore-EthnicCategoryEngland",
            UKCORE_ETHNIC_CS,
            "UKCoreEthnicCategoryEngland",
            "UK Core Ethnic Category England (offline fragment)",
            "An offline copy of the HL7 UK Core code system UKCore-EthnicCategoryEngland (version 1.0.0), the NHS Data "
            "Dictionary ETHNIC CATEGORY ('16+1', 2001 census) codes. Source: NHSDigital/FHIR-R4-UKCORE-STAGING-MAIN "
            "codesystems/CodeSystem-UKCore-EthnicCategoryEngland.xml. The publisher of the code system is HL7 UK; this "
            "copy carries its codes and displays; definitions state the NHS Data Dictionary meaning.",
            [
                C("A", "White - British", "White: British."),
                C("B", "White - Irish", "White: Irish."),
                C("C", "White - Any other White background", "White: any other White background."),
                C("D", "Mixed - White and Black Caribbean", "Mixed: White and Black Caribbean."),
                C("E", "Mixed - White and Black African", "Mixed: White and Black African."),
                C("F", "Mixed - White and Asian", "Mixed: White and Asian."),
                C("G", "Mixed - Any other mixed background", "Mixed: any other mixed background."),
                C("H", "Asian or Asian British - Indian", "Asian or Asian British: Indian."),
                C("J", "Asian or Asian British - Pakistani", "Asian or Asian British: Pakistani."),
                C("K", "Asian or Asian British - Bangladeshi", "Asian or Asian British: Bangladeshi."),
                C(
                    "L",
                    "Asian or Asian British - Any other Asian background",
                    "Asian or Asian British: any other Asian background.",
                ),
                C("M", "Black or Black British - Caribbean", "Black or Black British: Caribbean."),
                C("N", "Black or Black British - African", "Black or Black British: African."),
                C(
                    "P",
                    "Black or Black British - Any other Black background",
                    "Black or Black British: any other Black background.",
                ),
                C("R", "Other Ethnic Groups - Chinese", "Other ethnic groups: Chinese."),
                C("S", "Other Ethnic Groups - Any other ethnic group", "Other ethnic groups: any other ethnic group."),
                C("Z", "Not stated", "Not stated: the person was asked and chose not to say."),
                C("99", "Not known", "Not known: the default code where the person was not asked or could not answer."),
            ],
        ),
        fragment(
            ctx,
            "data-absent-reason",
            DAR_CS,
            "DataAbsentReason",
            "DataAbsentReason (offline fragment)",
            "An offline fragment of the HL7 terminology code system data-absent-reason (FHIR R4), holding the codes the "
            "standard uses to say why a protected characteristic or other value is absent. Source: "
            "http://terminology.hl7.org/CodeSystem/data-absent-reason (FHIR R4 4.0.1).",
            [
                C(
                    "unknown",
                    "Unknown",
                    "The value is expected to exist but is not known.",
                    [
                        C("asked-unknown", "Asked But Unknown", "The source was asked but does not know the value."),
                        C("not-asked", "Not Asked", "The workflow didn't lead to this value being known."),
                        C("asked-declined", "Asked But Declined", "The source was asked but declined to answer."),
                    ],
                ),
                C(
                    "not-applicable",
                    "Not Applicable",
                    "There is no proper value for this element (e.g. not applicable for age).",
                ),
            ],
        ),
        fragment(
            ctx,
            "v3-Confidentiality",
            CONFIDENTIALITY_CS,
            "ConfidentialityClassification",
            "HL7 v3 Confidentiality (offline fragment)",
            "An offline fragment of the HL7 v3 code system Confidentiality (OID 2.16.840.1.113883.5.25) with the two "
            "codes a domestic abuse record may carry. Source: http://terminology.hl7.org/CodeSystem/v3-Confidentiality "
            "(FHIR R4 4.0.1).",
            [
                C(
                    "R",
                    "restricted",
                    "Privacy metadata indicating highly sensitive information; examples include domestic violence and child abuse.",
                ),
                C(
                    "V",
                    "very restricted",
                    "Privacy metadata indicating extremely sensitive information; examples include information about a victim of abuse.",
                ),
            ],
        ),
        fragment(
            ctx,
            "v3-ActCode",
            ACTCODE_CS,
            "ActCode",
            "HL7 v3 ActCode (offline fragment)",
            "An offline fragment of the HL7 v3 code system ActCode holding the information-sensitivity code SDV and the "
            "encounter class codes used by the standard. Source: http://terminology.hl7.org/CodeSystem/v3-ActCode "
            "(FHIR R4 4.0.1).",
            [
                C(
                    "SDV",
                    "sexual assault, abuse, or domestic violence information sensitivity",
                    "Policy for handling sexual assault, abuse, or domestic violence information.",
                ),
                C("AMB", "ambulatory", "An encounter at a facility or office, such as a clinic or agency office."),
                C("FLD", "field", "An encounter in the field, outside an agency's premises."),
                C("HH", "home health", "An encounter in the person's home."),
                C(
                    "VR",
                    "virtual",
                    "An encounter in which the practitioner and the person are not physically together (telephone or video).",
                ),
            ],
        ),
        fragment(
            ctx,
            "v3-MaritalStatus",
            MARITAL_CS,
            "MaritalStatus",
            "HL7 v3 MaritalStatus (offline fragment)",
            "An offline fragment of the HL7 v3 code system MaritalStatus (OID 2.16.840.1.113883.5.2) with the codes "
            "the standard uses. Source: http://terminology.hl7.org/CodeSystem/v3-MaritalStatus (FHIR R4 4.0.1).",
            [
                C("A", "Annulled", "Marriage contract has been declared null and to not have existed."),
                C("D", "Divorced", "Marriage contract has been declared dissolved and inactive."),
                C("L", "Legally Separated", "Legally separated."),
                C("M", "Married", "A current marriage contract is active."),
                C("S", "Never Married", "No marriage contract has ever been entered."),
                C("T", "Domestic partner", "Person declares that a domestic partner relationship exists."),
                C("W", "Widowed", "The spouse has died."),
            ],
        ),
    ]
