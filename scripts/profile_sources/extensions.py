# ruff: noqa: E501  (element definitions are prose; each is kept on one line)
"""The standard's extensions (one ``Ext`` record each), in publication order."""

from __future__ import annotations

from profile_sources.cin_extensions import cin_extensions
from profile_sources.common import FHIR_SD
from profile_sources.structures import Builder, Ext, Sub, ref, t

NOT_EXISTING = " No extension in FHIR R4 core or UK Core STU2 records this"


def extensions(b: Builder) -> list[Ext]:
    ctx = b.ctx
    person = ctx.sd("DAPerson")
    agency = ctx.sd("DAAgency")
    practitioner = FHIR_SD + "Practitioner"
    cc = [t("CodeableConcept")]
    return [
        Ext(
            "person-sex", "Sex",
            "A person's sex (biological sex, as in the Equality Act 2010 s11 read with For Women Scotland [2025] UKSC 16), recorded apart from administrative gender and gender identity." + NOT_EXISTING + ": Patient.gender is administrative gender, UK Core Extension-UKCore-BirthSex is bound to administrative-gender codes, and neither allows a stated reason for absence with the DfE M/F/U codes.",
            ["Patient"], "Sex (M, F, U) or why it is absent",
            "The person's sex: M, F, or U (not yet determined, e.g. unborn). If not recorded, the CodeableConcept carries a coding from the data-absent-reason code system (in the bound ValueSet) instead.",
            "L09, L14", cc, b.bind("required", "sex", "Sex is a closed national list (DfE M, F, U)."),
        ),
        Ext(
            "gender-identity", "Gender identity",
            "A person's gender identity, NHS Data Dictionary GENDER IDENTITY CODE, with optional free text." + NOT_EXISTING + " with a UK code list: the HL7 core patient-genderIdentity extension has only an example binding and UK Core has none.",
            ["Patient"], "Gender identity (NHS DD code) or why absent",
            "The person's gender identity as the person states it, coded with NHS DD GENDER IDENTITY CODE; CodeableConcept.text holds the person's own term. Absence is stated with a data-absent-reason coding, which the bound ValueSet includes.",
            "L09", cc, b.bind("required", "gender-identity", "NHS Data Dictionary GENDER IDENTITY CODE."),
        ),
        Ext(
            "sexual-orientation", "Sexual orientation",
            "A person's stated sexual orientation (NHS Sexual Orientation Monitoring, PERSON STATED SEXUAL ORIENTATION CODE)." + NOT_EXISTING + ": UK Core has no sexual orientation element and the common pattern (an Observation) would separate a protected characteristic from the person it describes.",
            ["Patient"], "Sexual orientation (NHS SOM) or why absent",
            "The person's stated sexual orientation (for people aged 16 and over); for younger children the data-absent-reason coding not-applicable is used.",
            "L09", cc, b.bind("required", "sexual-orientation", "NHS SOM codes."),
        ),
        Ext(
            "ethnicity-ons-2021", "Ethnic group (ONS 2021)",
            "A person's ethnic group in the ONS Census 2021 classification (19 categories)." + NOT_EXISTING + ": UK Core's Extension-UKCore-EthnicCategory uses the 2001-census 16+1 list, which has no Gypsy or Irish Traveller, Roma or Arab category.",
            ["Patient"], "Ethnic group (ONS Census 2021)", "The person's self-identified ethnic group in the ONS Census 2021 categories.",
            "L09", cc, b.bind("required", "ethnicity-ons-2021", "The 19 ONS Census 2021 tick-box categories."),
        ),
        Ext(
            "ethnicity-dfe", "Ethnicity (DfE)",
            "A child's ethnicity as coded for DfE returns (children in need census, SSDA903)." + NOT_EXISTING + ": the DfE 20-code list (e.g. WIRT, WROM) is not the NHS list and maps to it lossily, so the source code is kept.",
            ["Patient"], "Ethnicity (DfE code)", "The person's ethnicity as recorded with the DfE children in need census codes.",
            "L09", cc, b.bind("required", "ethnicity-dfe", "DfE CIN census ethnicity codes."),
        ),
        Ext(
            "pregnancy-status", "Pregnancy status",
            "Whether a person is pregnant or has recently given birth, as at a date." + NOT_EXISTING + " on the person; pregnancy and maternity is a protected characteristic and a risk factor that must sit with the person (learning point L20).",
            ["Patient"], "Pregnancy status as at a date", "The person's pregnancy status and when it was established.",
            "L09, L20", subs=[
                Sub("status", "Pregnancy status or why absent", "Pregnant, recently given birth, or not pregnant; or a data-absent-reason coding.", 1, "1", cc, b.bind("required", "pregnancy-status", "The standard's pregnancy statuses.")),
                Sub("effective", "When the status was established", "The date or time at which the status was known to be true.", 0, "1", [t("dateTime")]),
            ],
        ),
        Ext(
            "unborn", "Unborn", "Marks a person record that describes an unborn child." + NOT_EXISTING + ": unborn children are recorded as persons so that they can be subjects of plans and status (learning point L20).",
            ["Patient"], "The person is an unborn child", "True if the record describes an unborn child.", "L20", [t("boolean")],
        ),
        Ext(
            "expected-birth-date", "Expected birth date", "The expected date of birth of an unborn child." + NOT_EXISTING + " (DfE ExpectedPersonBirthDate N00098 has no FHIR element).",
            ["Patient"], "Expected date of birth", "The expected date of birth of an unborn child.", "L20", [t("date")],
        ),
        Ext(
            "children-in-contact", "Children in contact",
            "Whether an adult lives with or has contact with children, or that it is not known." + NOT_EXISTING + " (learning point L23).",
            ["Patient"], "Lives with or has contact with children", "On an adult's record: whether the adult lives with children, has contact with children, neither, or that it is not known.",
            "L23", cc, b.bind("required", "children-in-contact", "The standard's closed list."),
        ),
        Ext(
            "interpreter-needed", "Interpreter needed",
            "Whether a person needs an interpreter to speak with practitioners." + NOT_EXISTING + ": Patient.communication.preferred says which language is preferred, not that an interpreter is needed, and a victim spoken with through the person causing harm was not heard.",
            ["Patient"], "Needs an interpreter", "True if the person needs an interpreter (the language is in Patient.communication.language).",
            "L07, L09", [t("boolean")],
        ),
        Ext(
            "immigration-status", "Immigration status",
            "A person's immigration status, as far as it bears on safety and support." + NOT_EXISTING + ": UK Core has no immigration status element; insecure status keeps victims with the person causing harm.",
            ["Patient"], "Immigration status", "The person's immigration status (a coarse list; the Home Office status in text).",
            "L09, L10", cc, b.bind("required", "immigration-status", "The standard's closed list."),
        ),
        Ext(
            "no-recourse-to-public-funds", "No recourse to public funds",
            "Whether a person's leave carries the no recourse to public funds condition." + NOT_EXISTING + ": a victim with no recourse to public funds cannot get a refuge place paid by housing benefit.",
            ["Patient"], "No recourse to public funds", "True if the person has no recourse to public funds.",
            "L10, L16", [t("boolean")],
        ),
        Ext(
            "parent-not-recorded", "Parent not recorded",
            "On a child: why the child's other parent is not recorded." + NOT_EXISTING + ": a missing RelatedPerson says nothing, and fathers and other men were overlooked (learning point L15).",
            ["Patient"], "Why the other parent is not recorded", "Why the child's other parent is not in the record as a person with a parent relationship.",
            "L15", cc, b.bind("required", "parent-not-recorded-reason", "The standard's closed list."),
        ),
        Ext(
            "last-verified", "Last verified",
            "When, by whom and how a person's details, a relationship, a household or a membership were last verified." + NOT_EXISTING + ": Resource.meta.lastUpdated says when a record changed, not when a practitioner checked that it is still true (learning point L18).",
            ["Patient", "RelatedPerson", "Group", "Group.member"], "When and by whom last verified", "When and by whom the facts in this element were last checked with a reliable source.",
            "L18", subs=[
                Sub("date", "When verified", "When the facts were last verified.", 1, "1", [t("dateTime")]),
                Sub("by", "Who verified", "The practitioner or agency who verified the facts.", 0, "1", [ref(practitioner, agency)]),
                Sub("source", "How verified", "How the facts were verified.", 0, "1", cc, b.bind("required", "fact-source", "The standard's sources of facts.")),
            ],
        ),
        Ext(
            "confidential-address", "Confidential address",
            "Marks an address that must not be disclosed (for example a refuge)." + NOT_EXISTING + ": security labels apply to whole resources, and an address needs its own marker so that a projection can drop it.",
            ["Address"], "The address is confidential", "True if the address must not be disclosed, for example a refuge or a victim's new home. The person then also carries the very restricted (V) security label.",
            "L16", [t("boolean")],
        ),
        Ext(
            "membership-change", "Household membership change",
            "Why a person joined or left a household and where they went." + NOT_EXISTING + ": Group.member.period gives dates but not reasons or destinations (learning point L16).",
            ["Group.member"], "Why and where a member joined or left", "Why the person joined or left the household and, on leaving, where they (or the children) went.",
            "L16", subs=[
                Sub("reason", "Reason for the change", "Why the person joined or left.", 1, "1", cc, b.bind("extensible", "membership-change-reason", "Agencies may have finer local reasons.")),
                Sub("newHousehold", "Household moved to", "The household the person moved to, if recorded.", 0, "1", [ref(ctx.sd("DAHousehold"))]),
                Sub("destination", "Where they went", "A description of where the person went, if no household is recorded. Never a confidential address.", 0, "1", [t("string")]),
            ],
        ),
        Ext(
            "related-person", "Related person",
            "The second person (B) of a DARelationship." + NOT_EXISTING + ": RelatedPerson links to one Patient only, and in this standard both ends of a relationship are persons (DAPerson).",
            ["RelatedPerson"], "Person B of the relationship", "The person the relationship is with (person B); RelatedPerson.patient is person A.",
            "L15", [ref(person)],
        ),
        Ext(
            "relationship-episode", "Relationship episode",
            "A dated episode of a relationship's status (together, separated, reconciled)." + NOT_EXISTING + ": RelatedPerson.period gives one span, not the sequence of separations and reconciliations (learning point L17).",
            ["RelatedPerson"], "A dated relationship status", "One episode of the relationship: its status and the period it applied.",
            "L17, L18", subs=[
                Sub("status", "Status during the episode", "The relationship's status during the episode.", 1, "1", cc, b.bind("required", "relationship-status", "The standard's closed list.")),
                Sub("period", "When the episode applied", "The start and (if ended) end of the episode.", 1, "1", [t("Period")]),
            ],
        ),
        Ext(
            "parental-responsibility", "Parental responsibility",
            "Whether person B has parental responsibility (Children Act 1989 s3) for person A." + NOT_EXISTING + "; parental responsibility decides whether a child is 'related' under DA Act 2021 s3(3).",
            ["RelatedPerson"], "B has parental responsibility for A", "True if person B has parental responsibility for person A, a child.",
            "L05", [t("boolean")],
        ),
        Ext(
            "incident-party", "Incident party",
            "A person involved in an incident and their role, exposure and injury." + NOT_EXISTING + ": Observation.performer is the recorder and Observation.subject is one subject; an incident has several parties with roles given per incident (learning points L04, L05, L14).",
            ["Observation"], "A person in the incident and their role", "A person involved in the incident with their role in it. If the person causing harm is not identified, the person part carries data-absent-reason and the role is still stated.",
            "L04, L05, L14", subs=[
                Sub("person", "The person", "The person involved.", 1, "1", [ref(person)]),
                Sub("role", "Role in this incident", "The person's role in this incident.", 1, "1", cc, b.bind("required", "incident-role", "The standard's closed list of incident roles.")),
                Sub("exposure", "Child's exposure", "For a child: how the child was exposed to the incident.", 0, "*", cc, b.bind("required", "child-exposure", "The standard's closed list.")),
                Sub("injured", "Injured", "Whether this person was injured.", 0, "1", [t("boolean")]),
                Sub("school", "Child's school", "For a child: the school or setting to be notified (Operation Encompass).", 0, "1", [ref(agency)]),
                Sub("roleRationale", "Why this role", "Why the role was assigned, required where both adults are recorded as causing harm.", 0, "1", [t("string")]),
                Sub("abuseKind", "Kinds this person suffered", "For a victim: the kinds of abuse this person suffered in the incident, where the victims of one incident suffered different kinds.", 0, "*", cc, b.bind("required", "abuse-kind", "The five statutory kinds and the statutory guidance categories.")),
                Sub("harm", "Harm to the child", "For a child: abuse or neglect of the child in the incident beyond exposure to the abuse between adults.", 0, "*", cc, b.bind("required", "child-harm", "The standard's closed list (Working Together categories).")),
            ],
        ),
        Ext(
            "linked-incident", "Linked incident",
            "An earlier incident in the same course of conduct." + NOT_EXISTING + ": Observation.hasMember and derivedFrom mean grouping and derivation, not a course of conduct across agencies (learning point L13).",
            ["Observation"], "An earlier incident in the same course of conduct", "An earlier incident, possibly recorded by another agency, that is part of the same course of conduct by the same person causing harm.",
            "L13", [ref(ctx.sd("DAIncident"))],
        ),
        Ext(
            "crime-reference", "Crime reference", "The crime reference when an incident was recorded as a crime under the Home Office Counting Rules." + NOT_EXISTING + " apart from the incident reference in Observation.identifier.",
            ["Observation"], "Crime reference (HOCR)", "The police crime reference number, if the incident was recorded as a crime.", "L13", [t("Identifier")],
        ),
        Ext(
            "child-voice", "Child's voice",
            "Whether a child was seen, spoken with and seen alone at a contact, and the child's own words and wishes." + NOT_EXISTING + ": Encounter has no elements for these (learning point L07; Children Act 1989 s1(3)(a)).",
            ["Encounter"], "Seen, spoken with, seen alone; words and wishes", "What the practitioner recorded about the child at this contact.",
            "L07", subs=[
                Sub("seen", "Child seen", "Whether the child was seen.", 1, "1", [t("boolean")]),
                Sub("spokenWith", "Child spoken with", "Whether the practitioner spoke with the child.", 1, "1", [t("boolean")]),
                Sub("seenAlone", "Child seen alone", "Whether the child was seen alone, away from the adults.", 1, "1", [t("boolean")]),
                Sub("notSpokenWithReason", "Why not spoken with", "Why the child was not spoken with.", 0, "1", [t("string")]),
                Sub("words", "Child's own words", "The child's own words, as said.", 0, "*", [t("string")]),
                Sub("wishes", "Child's wishes and feelings", "The child's wishes and feelings.", 0, "*", [t("string")]),
            ],
        ),
        Ext(
            "practitioner", "Practitioner",
            "The individual practitioner who made the contact, took the disclosure or made the assessment, by name or staff id." + NOT_EXISTING + " without a Practitioner resource, which agencies do not share in a case record; the reviews ask who, not only which agency.",
            ["Encounter", "Communication", "RiskAssessment"], "The individual practitioner", "The practitioner's name or staff id, as the agency records it.",
            "L07, L11", [t("string")],
        ),
        Ext(
            "interpreter", "Interpreter",
            "Who interpreted at a contact or disclosure." + NOT_EXISTING + ": Encounter.participant can hold an interpreter only as a Practitioner or RelatedPerson, not say that a child or the person's partner interpreted or that no interpreter took part, and a victim or child spoken with through a relative was not heard (learning points L07, L19, L25).",
            ["Encounter", "Communication"], "Who interpreted", "Who interpreted, for a person who needs an interpreter: an independent professional (in person or remote), a family member, a child, a friend, or no one. Required in practice (rule DA3708) when the child at a contact or the person disclosing needs an interpreter.",
            "L07, L19, L25", cc, b.bind("required", "interpreter", "The standard's closed list."),
        ),
        Ext(
            "persons-present", "Persons present",
            "Who else was present at a contact, disclosure or retraction." + NOT_EXISTING + ": Encounter.participant holds practitioners and related persons, not family members who are patients, and a retraction made with the person causing harm present is not the victim's free account (learning points L19, L25).",
            ["Encounter", "Communication"], "Who else was present", "A person of the record who was present.",
            "L07, L19, L25", [ref(person)],
        ),
        Ext(
            "disclosure-response", "Disclosure response",
            "The response made to a disclosure: what was done, when and by whom." + NOT_EXISTING + ": Communication has no element for the recipient's response (learning point L19).",
            ["Communication"], "The response to the disclosure", "One action taken in response to the disclosure.",
            "L19", subs=[
                Sub("action", "What was done", "The action taken.", 1, "1", cc, b.bind("extensible", "disclosure-response", "Agencies may record finer local responses.")),
                Sub("date", "When", "When the action was taken.", 0, "1", [t("dateTime")]),
                Sub("by", "By whom", "The practitioner or agency who acted.", 0, "1", [ref(practitioner, agency)]),
            ],
        ),
        Ext(
            "retracts", "Retracts",
            "On a retraction: the disclosure it retracts." + NOT_EXISTING + ": Communication.inResponseTo means a reply, and a retraction must never replace or delete the disclosure (learning point L19).",
            ["Communication"], "The disclosure this retraction retracts", "The earlier disclosure that this retraction withdraws or minimises. The earlier disclosure is kept unchanged.",
            "L19, L25", [ref(ctx.sd("DADisclosure"))],
        ),
        Ext(
            "risk-tool-version", "Risk tool version", "The version of the risk assessment tool used." + NOT_EXISTING + ": RiskAssessment.method is a code without a version.",
            ["RiskAssessment"], "Version of the tool", "The version or edition of the tool, as printed on the form.", "L02", [t("string")],
        ),
        Ext(
            "risk-item", "Risk checklist item",
            "The answer to one numbered question of a risk checklist (never the licensed wording)." + NOT_EXISTING + ": a QuestionnaireResponse would require the licensed questionnaire text.",
            ["RiskAssessment"], "One checklist answer by question number", "The answer to one question of the checklist, identified by its number in the tool version.",
            "L02, L22", subs=[
                Sub("question", "Question number", "The question's number in the tool version.", 1, "1", [t("integer")]),
                Sub("answer", "Answer", "The answer recorded.", 1, "1", cc, b.bind("required", "risk-answer", "The standard's closed list.")),
                Sub("comment", "Comment", "The practitioner's comment on the answer.", 0, "1", [t("string")]),
            ],
        ),
        Ext(
            "risk-score", "Risk score", "The number of 'yes' answers on the checklist." + NOT_EXISTING + ": RiskAssessment.prediction.probability is a probability, not a count.",
            ["RiskAssessment"], "Number of yes answers", "The number of questions answered yes.", "L02", [t("integer")],
        ),
        Ext(
            "professional-judgement", "Professional judgement",
            "A professional judgement that raises the risk level above the actuarial level, with its reason." + NOT_EXISTING + ".",
            ["RiskAssessment"], "Professional judgement and reason", "The level the practitioner judged, and why. Professional judgement may raise, never lower, the level.",
            "L02, L10", subs=[
                Sub("level", "Judged level", "The risk level judged by the practitioner.", 1, "1", cc, b.bind("required", "risk-level", "The standard's risk levels.")),
                Sub("reason", "Reason", "The practitioner's reasons.", 1, "1", [t("string")]),
            ],
        ),
        Ext(
            "marac-criterion", "MARAC criterion met", "A MARAC referral criterion met by the assessment." + NOT_EXISTING + ".",
            ["RiskAssessment"], "MARAC criterion met", "A SafeLives MARAC referral criterion the assessment meets.", "L11",
            cc, b.bind("required", "marac-criterion", "The four SafeLives criteria."),
        ),
        Ext(
            "marac-person-causing-harm", "MARAC person causing harm", "The person causing harm named in a MARAC referral." + NOT_EXISTING + ": ServiceRequest has one subject (the victim).",
            ["ServiceRequest"], "The person causing harm", "The person causing harm named in the referral.", "L04, L11", [ref(person)],
        ),
        Ext(
            "marac-child", "MARAC child", "A child in the household of a victim referred to MARAC." + NOT_EXISTING + ": ServiceRequest has one subject, and MARAC must consider the children (learning point L11).",
            ["ServiceRequest"], "A child in the household", "A child in the victim's household, so the MARAC can agree actions for the child.", "L11", [ref(person)],
        ),
        Ext(
            "marac-meeting", "MARAC meeting",
            "The MARAC meeting that heard a referral: when, which agencies were present, whether the case is a repeat, and whether the victim was told the outcome." + NOT_EXISTING + ": ServiceRequest records the request, not the meeting that acted on it (learning point L11).",
            ["ServiceRequest"], "The meeting that heard the referral", "The MARAC meeting that heard the referral; its actions are a DAPlan of type MARAC action plan based on the referral.",
            "L11", subs=[
                Sub("heard", "Date heard", "The date of the meeting that heard the case.", 1, "1", [t("date")]),
                Sub("agencyPresent", "Agency present", "An agency present at the meeting.", 0, "*", [ref(agency)]),
                Sub("repeat", "Repeat case", "Whether the case is a repeat (referred again within 12 months of an earlier hearing).", 0, "1", [t("boolean")]),
                Sub("victimInformed", "Victim told the outcome", "Whether the victim was told the outcome and the actions.", 0, "1", [t("boolean")]),
                Sub("victimInformedDate", "When the victim was told", "When the victim was told the outcome.", 0, "1", [t("date")]),
            ],
        ),
        Ext(
            "front-door-decision", "Front door decision",
            "The decision of children's social care's front door (MASH or duty team) on a notification or referral, and when it was made." + NOT_EXISTING + ": Communication records the sharing, not the receiving agency's decision (learning points L02, L11, L24).",
            ["Communication"], "The front door's decision and when", "The decision made on the information shared, when it was made and by which agency.",
            "L02, L11, L24", subs=[
                Sub("outcome", "Decision", "The decision.", 1, "1", cc, b.bind("required", "front-door-outcome", "The standard's closed list.")),
                Sub("decided", "When decided", "When the decision was made.", 1, "1", [t("dateTime")]),
                Sub("by", "By which agency", "The agency that decided.", 0, "1", [ref(agency)]),
            ],
        ),
        Ext(
            "sharing-basis", "Sharing basis", "The basis on which information was shared." + NOT_EXISTING + ": a Consent resource records consent, not sharing without consent.",
            ["ServiceRequest", "Communication"], "Consent or lawful basis for sharing", "Whether the information was shared with consent or, if without consent, on what basis.",
            "L11, L24", cc, b.bind("extensible", "sharing-basis", "Agencies may record a finer local basis."),
        ),
        Ext(
            "need-to-know", "Recipient's need to know",
            "Why the receiving agency needs to know what was shared." + NOT_EXISTING + ": the sharing basis says why sharing was lawful, not why this recipient needs a location that must not be disclosed (learning point L16).",
            ["Communication"], "Why the recipient needs to know", "Why the receiving agency needs to know what was shared. Required in practice (rule DA3802) when what was shared includes a person holding an address marked confidential; none-recorded states that no need to know was recorded and does not satisfy the rule.",
            "L11, L16, L24", cc, b.bind("required", "need-to-know", "The standard's closed list."),
        ),
        Ext(
            "action-directed-at", "Action directed at",
            "The person a plan action is directed at." + NOT_EXISTING + ": CarePlan.activity.detail.performer is who carries out the action, not whom it is aimed at (learning point L06).",
            ["CarePlan.activity"], "Whom the action is directed at", "The person the action is directed at: the person causing harm, the non-abusing parent, the child or another person.",
            "L06", [ref(person)],
        ),
        Ext(
            "action-due", "Action due", "When a plan action is due to be completed." + NOT_EXISTING + ": CarePlan.activity.detail.scheduled[x] is when the action takes place, not its deadline (learning points L06, L11).",
            ["CarePlan.activity"], "Due date", "The date by which the action is to be completed.", "L06, L11", [t("date")],
        ),
        Ext(
            "action-completed", "Action completed", "When a plan action was completed." + NOT_EXISTING + ": CarePlan.activity.detail.status says that an action is completed, not when (learning points L06, L11).",
            ["CarePlan.activity"], "Completion date", "The date the action was completed.", "L06, L11", [t("date")],
        ),
        Ext(
            "last-contact", "Last contact", "When the service last had contact with the person." + NOT_EXISTING + ": EpisodeOfCare has no last-contact element (learning point L20).",
            ["EpisodeOfCare"], "Date of last contact", "When the service last had direct contact with the person.", "L20", [t("dateTime")],
        ),
        Ext(
            "attendance", "Attendance", "Counts of offered, attended and missed sessions." + NOT_EXISTING + " (learning point L20).",
            ["EpisodeOfCare"], "Sessions offered, attended and missed", "Counts of sessions to date.",
            "L20", subs=[
                Sub("offered", "Sessions offered", "The number of sessions offered.", 0, "1", [t("integer")]),
                Sub("attended", "Sessions attended", "The number of sessions attended.", 0, "1", [t("integer")]),
                Sub("missed", "Sessions missed", "The number of sessions missed.", 0, "1", [t("integer")]),
            ],
        ),
        Ext(
            "offer-outcome", "Offer outcome", "What happened when the service was offered." + NOT_EXISTING + ": an EpisodeOfCare exists only once a service starts, and declined offers must be visible (learning point L08).",
            ["EpisodeOfCare"], "Accepted, declined or not offered", "What happened when the service was offered.", "L08",
            cc, b.bind("required", "offer-outcome", "The standard's closed list."),
        ),
        Ext(
            "end-reason", "End reason", "Why a service episode ended." + NOT_EXISTING + ": EpisodeOfCare.status says that it ended, not why (learning point L12).",
            ["EpisodeOfCare"], "Why the episode ended", "Why the service episode ended.", "L12", cc,
            b.bind("extensible", "service-end-reason", "Agencies may record finer local reasons."),
        ),
        Ext(
            "follow-up", "Follow-up", "Whether a follow-up is planned after a service ends, when and by whom." + NOT_EXISTING + " (learning point L12).",
            ["EpisodeOfCare"], "Planned follow-up", "Whether a follow-up is planned and, if so, when and by whom.",
            "L12", subs=[
                Sub("planned", "Follow-up planned", "Whether a follow-up is planned.", 1, "1", [t("boolean")]),
                Sub("date", "When", "When the follow-up is due.", 0, "1", [t("date")]),
                Sub("by", "By whom", "The agency or practitioner who will follow up.", 0, "1", [ref(agency, practitioner)]),
            ],
        ),
        Ext(
            "fact-source", "Fact source", "How the facts a Provenance covers are known." + NOT_EXISTING + ": Provenance.activity is what was done to the record, not how a fact is known (learning point L25).",
            ["Provenance"], "How the facts are known", "How the facts in the target resources are known: self-reported, reported by another, observed, verified, record check or derived.",
            "L25", cc, b.bind("required", "fact-source", "The standard's closed list."),
        ),
        Ext(
            "fact-source-person", "Fact source person", "The person who reported the facts." + NOT_EXISTING + ": Provenance.agent is who recorded the facts, not who reported them.",
            ["Provenance"], "Who reported the facts", "For self-reported or reported facts: the person who reported them.", "L25", [ref(person)],
        ),
        *cin_extensions(b),
    ]  # fmt: skip
