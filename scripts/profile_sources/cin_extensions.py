# ruff: noqa: E501  (element definitions are prose; each is kept on one line)
"""Extensions that keep DfE children in need census items with no home in FHIR R4 or UK Core."""

from __future__ import annotations

from profile_sources.structures import Builder, Ext, Sub, t

CIN_NOTE = " The DfE children in need census records this and an exact return must be rebuilt from it. No existing FHIR R4 core or UK Core extension records it:"


def cin_extensions(b: Builder) -> list[Ext]:
    """Extensions that keep DfE children in need (CIN) census items that have no home in FHIR R4 or UK Core."""
    cc = [t("CodeableConcept")]
    date = [t("date")]
    boolean = [t("boolean")]
    string = [t("string")]

    def part(name: str, what: str) -> Sub:
        return Sub(name, what, f"The CIN census {what} ({name}), as recorded in the return.", 0, "1", string)

    return [
        Ext(
            "cin-header", "CIN census return header",
            "The collection details of the children in need census return a record came from (Collection, Year, ReferenceDate)." + CIN_NOTE + " Provenance has no element for a statistical return's collection, year and reference date.",
            ["Provenance"], "The return's collection details", "The CollectionDetails of the CIN census return's Header.",
            subs=[part("Collection", "collection name"), part("Year", "collection year"), part("ReferenceDate", "census reference date")],
        ),
        Ext(
            "cin-header-source", "CIN census return source",
            "One Source element of the children in need census return's Header (the submitting authority and its software)." + CIN_NOTE + " Provenance.agent names the agency and system but not the return's source level, serial number or generation time.",
            ["Provenance"], "One Source of the return's Header", "One Source element of the CIN census return's Header, in order.",
            subs=[
                part("SourceLevel", "source level"), part("LEA", "local authority code"), part("SoftwareCode", "software code"),
                part("Release", "software release"), part("SerialNo", "serial number"), part("DateTime", "date and time of generation"),
            ],
        ),
        Ext(
            "cin-upn-unknown", "UPN unknown reason",
            "Why a child's unique pupil number is not recorded (DfE UPNunknown)." + CIN_NOTE + " an Identifier cannot carry a coded reason for its own absence, and data-absent-reason has no UN1-UN10 codes.",
            ["Patient"], "Why the UPN is unknown", "The CIN census reason why the child has no unique pupil number, coded in CodeSystem cin-upn-unknown.",
            types=cc,
        ),
        Ext(
            "cin-referral-source", "CIN referral source",
            "The source of the referral that started a children in need episode (DfE ReferralSource)." + CIN_NOTE + " EpisodeOfCare.referralRequest needs a ServiceRequest, which the census does not hold.",
            ["EpisodeOfCare"], "Who made the referral", "The CIN census referral source, coded in CodeSystem cin-referral-source.",
            types=cc,
        ),
        Ext(
            "cin-primary-need", "CIN primary need",
            "The primary need of a child in need (DfE PrimaryNeedCode N1-N9)." + CIN_NOTE + " EpisodeOfCare.diagnosis needs a Condition, and a primary need category is not a diagnosis.",
            ["EpisodeOfCare"], "Primary need category", "The CIN census primary need, coded in CodeSystem cin-primary-need.",
            types=cc,
        ),
        Ext(
            "cin-referral-nfa", "CIN referral no further action",
            "Whether a referral was closed with no further action (DfE ReferralNFA)." + CIN_NOTE + " EpisodeOfCare.status says that an episode ended, not that the referral led to no further action.",
            ["EpisodeOfCare"], "Referral closed with no further action", "True if the referral led to no further action.",
            types=boolean,
        ),
        Ext(
            "cin-initial-cpc-date", "Initial child protection conference date",
            "The date of the initial child protection conference (DfE DateOfInitialCPC)." + CIN_NOTE + " no core element holds a conference date on an episode or an enquiry.",
            ["EpisodeOfCare", "RiskAssessment"], "Date of the initial child protection conference", "When the initial child protection conference was held.",
            types=date,
        ),
        Ext(
            "cin-assessment-internal-review", "Assessment internal review date",
            "The internal review date of a children and families assessment (DfE AssessmentInternalReviewDate)." + CIN_NOTE + " RiskAssessment has only one occurrence date.",
            ["RiskAssessment"], "Internal review date", "When the assessment was internally reviewed.",
            types=date,
        ),
        Ext(
            "cin-assessment-authorised", "Assessment authorisation date",
            "The date a children and families assessment was authorised (DfE AssessmentAuthorisationDate)." + CIN_NOTE + " RiskAssessment has only one occurrence date and its status has no authorisation date.",
            ["RiskAssessment"], "Authorisation date", "When the assessment was authorised (completed).",
            types=date,
        ),
        Ext(
            "cin-icpc-target-date", "Initial conference target date",
            "The target date for an initial child protection conference after a section 47 enquiry (DfE InitialCPCtarget)." + CIN_NOTE + " RiskAssessment has no element for a due date.",
            ["RiskAssessment"], "Target date for the initial conference", "When the initial child protection conference was due.",
            types=date,
        ),
        Ext(
            "cin-icpc-not-required", "Initial conference not required",
            "Whether a section 47 enquiry concluded that no initial child protection conference was required (DfE ICPCnotRequired)." + CIN_NOTE + " RiskAssessment has no element for this outcome.",
            ["RiskAssessment"], "No initial conference required", "True if the enquiry concluded that no initial conference was needed.",
            types=boolean,
        ),
        Ext(
            "cin-initial-category-of-abuse", "Initial category of abuse",
            "The category of abuse under which a child protection plan started (DfE InitialCategoryOfAbuse); the latest category is in CarePlan.category." + CIN_NOTE + " CarePlan.category holds current categories only.",
            ["CarePlan"], "Initial category of abuse", "The category of abuse when the plan started, coded in CodeSystem cin-category-of-abuse.",
            types=cc,
        ),
        Ext(
            "cin-previous-cpp-count", "Number of previous child protection plans",
            "How many child protection plans the child had before this one (DfE NumberOfPreviousCPP)." + CIN_NOTE + " CarePlan has no count of earlier plans.",
            ["CarePlan"], "Number of previous plans", "The number of previous child protection plans.",
            types=[t("integer")],
        ),
    ]  # fmt: skip
