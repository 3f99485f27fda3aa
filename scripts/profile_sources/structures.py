# ruff: noqa: E501  (element definitions are prose; each is kept on one line)
"""StructureDefinitions: the standard's extensions and profiles (differentials only).

Every element carries a short and a definition; elements that hold a case-review learning point carry a
``learning`` mapping (see docs/traceability.md).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from profile_sources.common import (
    ACTCODE_CS,
    CONFIDENTIALITY_CS,
    DISABILITY_EXT,
    FHIR_SD,
    JSON,
    NHS_NUMBER_SYSTEM,
    RELIGION_EXT,
    UKCORE_ETHNIC_EXT,
    UKCORE_PATIENT,
    Context,
)

URL_SLICING: JSON = {
    "discriminator": [{"type": "value", "path": "url"}],
    "ordered": False,
    "rules": "open",
}


def _path(element_id: str) -> str:
    return re.sub(r":[^.]+", "", element_id)


def el(
    element_id: str,
    short: str,
    definition: str,
    *,
    min: int | None = None,
    max: str | None = None,
    types: Sequence[JSON] | None = None,
    binding: JSON | None = None,
    must: bool = False,
    learning: str | None = None,
    slicing: JSON | None = None,
    constraints: Sequence[JSON] = (),
    **fixed: Any,
) -> JSON:
    """One ElementDefinition of a differential; ``fixed`` holds fixed[x]/pattern[x] and other keys."""
    out: JSON = {"id": element_id, "path": _path(element_id)}
    last = element_id.rsplit(".", 1)[-1]
    if ":" in last:
        out["sliceName"] = last.split(":", 1)[1]
    if slicing is not None:
        out["slicing"] = slicing
    out["short"] = short
    out["definition"] = definition
    if min is not None:
        out["min"] = min
    if max is not None:
        out["max"] = max
    if types is not None:
        out["type"] = list(types)
    out.update(fixed)
    if constraints:
        out["constraint"] = list(constraints)
    if must:
        out["mustSupport"] = True
    if binding is not None:
        out["binding"] = binding
    if learning:
        out["mapping"] = [{"identity": "learning", "map": learning}]
    return out


def t(code: str) -> JSON:
    return {"code": code}


def ref(*profiles: str) -> JSON:
    return {"code": "Reference", "targetProfile": list(profiles)}


def ext_type(url: str) -> JSON:
    return {"code": "Extension", "profile": [url]}


def inv(key: str, severity: str, human: str, expression: str) -> JSON:
    return {"key": key, "severity": severity, "human": human, "expression": expression}


@dataclass
class Sub:
    """A sub-extension of a complex extension."""

    name: str
    short: str
    definition: str
    min: int
    max: str
    types: Sequence[JSON]
    binding: JSON | None = None


@dataclass
class Ext:
    """An extension definition (simple when ``subs`` is empty)."""

    id: str
    title: str
    description: str
    contexts: Sequence[str]
    short: str
    definition: str
    learning: str | None = None
    types: Sequence[JSON] = ()
    binding: JSON | None = None
    subs: Sequence[Sub] = field(default_factory=list)


def _pascal(kebab: str) -> str:
    return "".join(p[:1].upper() + p[1:] for p in kebab.split("-"))


class Builder:
    """Builds extension and profile StructureDefinitions for one package context."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def bind(self, strength: str, vs_id: str, description: str) -> JSON:
        return {"strength": strength, "description": description, "valueSet": self.ctx.vs(vs_id)}

    def sd(self, artifact_id: str, title: str, description: str) -> JSON:
        res = self.ctx.metadata("StructureDefinition", artifact_id, _pascal(artifact_id), title, description)
        res["fhirVersion"] = "4.0.1"
        res["mapping"] = [
            {
                "identity": "learning",
                "uri": self.ctx.learning_uri,
                "name": "Case review learning points (docs/traceability.md)",
            }
        ]
        return res

    def extension(self, e: Ext) -> JSON:
        res = self.sd(e.id, e.title, e.description)
        res["kind"] = "complex-type"
        res["abstract"] = False
        res["context"] = [{"type": "element", "expression": c} for c in e.contexts]
        res["type"] = "Extension"
        res["baseDefinition"] = FHIR_SD + "Extension"
        res["derivation"] = "constraint"
        url = self.ctx.sd(e.id)
        elements: list[JSON] = [el("Extension", e.short, e.definition, learning=e.learning)]
        if e.subs:
            elements.append(
                el(
                    "Extension.extension",
                    "Parts of the extension",
                    f"The parts of the {e.title} extension, identified by their url.",
                    min=1,
                    slicing={"discriminator": [{"type": "value", "path": "url"}], "ordered": False, "rules": "closed"},
                )
            )
            for s in e.subs:
                base = f"Extension.extension:{s.name}"
                elements.append(el(base, s.short, s.definition, min=s.min, max=s.max))
                elements.append(
                    el(f"{base}.extension", "No further extensions", "This part has no sub-extensions.", max="0")
                )
                elements.append(
                    el(
                        f"{base}.url",
                        f"Identifies the part: {s.name}",
                        f"Identifies this part of the extension as '{s.name}'.",
                        fixedUri=s.name,
                    )
                )
                elements.append(el(f"{base}.value[x]", s.short, s.definition, min=1, types=s.types, binding=s.binding))
            elements.append(
                el("Extension.url", "Identifies the extension", f"Identifies the extension as {e.title}.", fixedUri=url)
            )
            elements.append(
                el(
                    "Extension.value[x]",
                    "Not used (complex extension)",
                    "A complex extension carries its content in parts, not in a value.",
                    max="0",
                )
            )
        else:
            elements.append(
                el("Extension.extension", "No sub-extensions", "This extension is simple and has no parts.", max="0")
            )
            elements.append(
                el("Extension.url", "Identifies the extension", f"Identifies the extension as {e.title}.", fixedUri=url)
            )
            elements.append(el("Extension.value[x]", e.short, e.definition, min=1, types=e.types, binding=e.binding))
        res["differential"] = {"element": elements}
        return res

    def profile(
        self, artifact_id: str, title: str, description: str, base_type: str, base: str, elements: list[JSON]
    ) -> JSON:
        res = self.sd(artifact_id, title, description)
        res["kind"] = "resource"
        res["abstract"] = False
        res["type"] = base_type
        res["baseDefinition"] = base
        res["derivation"] = "constraint"
        res["differential"] = {"element": elements}
        return res

    def ext_slice(
        self,
        path: str,
        name: str,
        ext_id_or_url: str,
        min: int,
        max: str,
        short: str,
        definition: str,
        learning: str | None = None,
        must: bool = True,
    ) -> JSON:
        url = ext_id_or_url if ext_id_or_url.startswith("http") else self.ctx.sd(ext_id_or_url)
        return el(
            f"{path}:{name}", short, definition, min=min, max=max, types=[ext_type(url)], must=must, learning=learning
        )


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
            "The person's sex: M, F, or U (not yet determined, e.g. unborn). If not recorded, the CodeableConcept carries the data-absent-reason extension instead of a coding.",
            "L09, L14", cc, b.bind("required", "sex", "Sex is a closed national list (DfE M, F, U)."),
        ),
        Ext(
            "gender-identity", "Gender identity",
            "A person's gender identity, NHS Data Dictionary GENDER IDENTITY CODE, with optional free text." + NOT_EXISTING + " with a UK code list: the HL7 core patient-genderIdentity extension has only an example binding and UK Core has none.",
            ["Patient"], "Gender identity (NHS DD code) or why absent",
            "The person's gender identity as the person states it, coded with NHS DD GENDER IDENTITY CODE; CodeableConcept.text holds the person's own term. Absence is stated with data-absent-reason.",
            "L09", cc, b.bind("required", "gender-identity", "NHS Data Dictionary GENDER IDENTITY CODE."),
        ),
        Ext(
            "sexual-orientation", "Sexual orientation",
            "A person's stated sexual orientation (NHS Sexual Orientation Monitoring, PERSON STATED SEXUAL ORIENTATION CODE)." + NOT_EXISTING + ": UK Core has no sexual orientation element and the common pattern (an Observation) would separate a protected characteristic from the person it describes.",
            ["Patient"], "Sexual orientation (NHS SOM) or why absent",
            "The person's stated sexual orientation (for people aged 16 and over); for younger children the data-absent-reason not-applicable is used.",
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
                Sub("status", "Pregnancy status or why absent", "Pregnant, recently given birth, or not pregnant; or a data-absent-reason.", 1, "1", cc, b.bind("required", "pregnancy-status", "The standard's pregnancy statuses.")),
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
            "sharing-basis", "Sharing basis", "The basis on which information was shared." + NOT_EXISTING + ": a Consent resource records consent, not sharing without consent.",
            ["ServiceRequest", "Communication"], "Consent or lawful basis for sharing", "Whether the information was shared with consent or, if without consent, on what basis.",
            "L11, L24", cc, b.bind("extensible", "sharing-basis", "Agencies may record a finer local basis."),
        ),
        Ext(
            "action-directed-at", "Action directed at",
            "The person a plan action is directed at." + NOT_EXISTING + ": CarePlan.activity.detail.performer is who carries out the action, not whom it is aimed at (learning point L06).",
            ["CarePlan.activity"], "Whom the action is directed at", "The person the action is directed at: the person causing harm, the non-abusing parent, the child or another person.",
            "L06", [ref(person)],
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
        *_cin_extensions(b),
    ]  # fmt: skip


_CIN = " The DfE children in need census records this and an exact return must be rebuilt from it. No existing FHIR R4 core or UK Core extension records it:"


def _cin_extensions(b: Builder) -> list[Ext]:
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
            "The collection details of the children in need census return a record came from (Collection, Year, ReferenceDate)." + _CIN + " Provenance has no element for a statistical return's collection, year and reference date.",
            ["Provenance"], "The return's collection details", "The CollectionDetails of the CIN census return's Header.",
            subs=[part("Collection", "collection name"), part("Year", "collection year"), part("ReferenceDate", "census reference date")],
        ),
        Ext(
            "cin-header-source", "CIN census return source",
            "One Source element of the children in need census return's Header (the submitting authority and its software)." + _CIN + " Provenance.agent names the agency and system but not the return's source level, serial number or generation time.",
            ["Provenance"], "One Source of the return's Header", "One Source element of the CIN census return's Header, in order.",
            subs=[
                part("SourceLevel", "source level"), part("LEA", "local authority code"), part("SoftwareCode", "software code"),
                part("Release", "software release"), part("SerialNo", "serial number"), part("DateTime", "date and time of generation"),
            ],
        ),
        Ext(
            "cin-upn-unknown", "UPN unknown reason",
            "Why a child's unique pupil number is not recorded (DfE UPNunknown)." + _CIN + " an Identifier cannot carry a coded reason for its own absence, and data-absent-reason has no UN1-UN10 codes.",
            ["Patient"], "Why the UPN is unknown", "The CIN census reason why the child has no unique pupil number, coded in CodeSystem cin-upn-unknown.",
            types=cc,
        ),
        Ext(
            "cin-referral-source", "CIN referral source",
            "The source of the referral that started a children in need episode (DfE ReferralSource)." + _CIN + " EpisodeOfCare.referralRequest needs a ServiceRequest, which the census does not hold.",
            ["EpisodeOfCare"], "Who made the referral", "The CIN census referral source, coded in CodeSystem cin-referral-source.",
            types=cc,
        ),
        Ext(
            "cin-primary-need", "CIN primary need",
            "The primary need of a child in need (DfE PrimaryNeedCode N1-N9)." + _CIN + " EpisodeOfCare.diagnosis needs a Condition, and a primary need category is not a diagnosis.",
            ["EpisodeOfCare"], "Primary need category", "The CIN census primary need, coded in CodeSystem cin-primary-need.",
            types=cc,
        ),
        Ext(
            "cin-referral-nfa", "CIN referral no further action",
            "Whether a referral was closed with no further action (DfE ReferralNFA)." + _CIN + " EpisodeOfCare.status says that an episode ended, not that the referral led to no further action.",
            ["EpisodeOfCare"], "Referral closed with no further action", "True if the referral led to no further action.",
            types=boolean,
        ),
        Ext(
            "cin-initial-cpc-date", "Initial child protection conference date",
            "The date of the initial child protection conference (DfE DateOfInitialCPC)." + _CIN + " no core element holds a conference date on an episode or an enquiry.",
            ["EpisodeOfCare", "RiskAssessment"], "Date of the initial child protection conference", "When the initial child protection conference was held.",
            types=date,
        ),
        Ext(
            "cin-assessment-internal-review", "Assessment internal review date",
            "The internal review date of a children and families assessment (DfE AssessmentInternalReviewDate)." + _CIN + " RiskAssessment has only one occurrence date.",
            ["RiskAssessment"], "Internal review date", "When the assessment was internally reviewed.",
            types=date,
        ),
        Ext(
            "cin-assessment-authorised", "Assessment authorisation date",
            "The date a children and families assessment was authorised (DfE AssessmentAuthorisationDate)." + _CIN + " RiskAssessment has only one occurrence date and its status has no authorisation date.",
            ["RiskAssessment"], "Authorisation date", "When the assessment was authorised (completed).",
            types=date,
        ),
        Ext(
            "cin-icpc-target-date", "Initial conference target date",
            "The target date for an initial child protection conference after a section 47 enquiry (DfE InitialCPCtarget)." + _CIN + " RiskAssessment has no element for a due date.",
            ["RiskAssessment"], "Target date for the initial conference", "When the initial child protection conference was due.",
            types=date,
        ),
        Ext(
            "cin-icpc-not-required", "Initial conference not required",
            "Whether a section 47 enquiry concluded that no initial child protection conference was required (DfE ICPCnotRequired)." + _CIN + " RiskAssessment has no element for this outcome.",
            ["RiskAssessment"], "No initial conference required", "True if the enquiry concluded that no initial conference was needed.",
            types=boolean,
        ),
        Ext(
            "cin-initial-category-of-abuse", "Initial category of abuse",
            "The category of abuse under which a child protection plan started (DfE InitialCategoryOfAbuse); the latest category is in CarePlan.category." + _CIN + " CarePlan.category holds current categories only.",
            ["CarePlan"], "Initial category of abuse", "The category of abuse when the plan started, coded in CodeSystem cin-category-of-abuse.",
            types=cc,
        ),
        Ext(
            "cin-previous-cpp-count", "Number of previous child protection plans",
            "How many child protection plans the child had before this one (DfE NumberOfPreviousCPP)." + _CIN + " CarePlan has no count of earlier plans.",
            ["CarePlan"], "Number of previous plans", "The number of previous child protection plans.",
            types=[t("integer")],
        ),
    ]  # fmt: skip


def _component_slices(
    b: Builder, base: str, slices: Sequence[tuple[str, str, str, str, str, Sequence[JSON], JSON | None, str | None]]
) -> list[JSON]:
    """Component slices discriminated by a pattern on code: (slice, code, short, min, max, value types, binding, learning)."""
    oc = b.ctx.cs("observation-component")
    out = [
        el(
            f"{base}.component",
            "Coded parts of the record",
            "The coded parts of the record, each identified by its code from the observation-component code system.",
            slicing={"discriminator": [{"type": "pattern", "path": "code"}], "ordered": False, "rules": "open"},
        )
    ]
    for name, code, short, mn, mx, types, binding, learning in slices:
        s = f"{base}.component:{name}"
        out.append(el(s, short, f"{short}. Component code {code}.", min=int(mn), max=mx, must=True, learning=learning))
        out.append(
            el(
                f"{s}.code",
                f"Code: {code}",
                f"Identifies the component as {code}.",
                patternCodeableConcept={"coding": [{"system": oc, "code": code}]},
            )
        )
        out.append(
            el(f"{s}.value[x]", short, f"The value of the {code} component.", min=1, types=types, binding=binding)
        )
    return out


def _record_code(b: Builder, base: str, code: str, title: str) -> JSON:
    return el(
        f"{base}.code",
        f"Record type: {code}",
        f"Identifies the record as a {title} (record-type#{code}).",
        patternCodeableConcept={"coding": [{"system": b.ctx.cs("record-type"), "code": code}]},
    )


def _ext_root(path: str) -> JSON:
    return el(f"{path}.extension", "Extensions", "Extensions, sliced by url.", slicing=URL_SLICING)


def _pcah_party(ctx: Context) -> str:
    party = ctx.sd("incident-party")
    rc = ctx.cs("incident-role")
    return f"extension.where(url = '{party}').where(extension.where(url = 'role').value.ofType(CodeableConcept).coding.where(system = '{rc}' and code = 'person-causing-harm').exists())"


def profiles(b: Builder) -> list[JSON]:
    ctx = b.ctx
    person = ctx.sd("DAPerson")
    agency = ctx.sd("DAAgency")
    household = ctx.sd("DAHousehold")
    incident = ctx.sd("DAIncident")
    practitioner = FHIR_SD + "Practitioner"
    cc = [t("CodeableConcept")]
    boolean = [t("boolean")]
    oc = ctx.cs("observation-component")
    rt = ctx.cs("record-type")
    nhs_value = "value"
    digits = " + ".join(f"{nhs_value}.substring({i}, 1).toInteger() * {10 - i}" for i in range(9))
    nhs_expr = (
        f"identifier.where(system = '{NHS_NUMBER_SYSTEM}').all({nhs_value}.matches('^[0-9]{{10}}$') and "
        f"(({digits} + {nhs_value}.substring(9, 1).toInteger()) mod 11 = 0))"
    )
    ext = ctx.sd
    out: list[JSON] = []

    # --- DACaseBundle
    out.append(
        b.profile(
            "DACaseBundle",
            "Case bundle",
            "One family's domestic abuse record from one agency: a Bundle of type collection holding every person, relationship, household, incident, assessment, plan, service episode, sharing event and provenance, labelled restricted or very restricted and SDV.",
            "Bundle",
            FHIR_SD + "Bundle",
            [
                el(
                    "Bundle",
                    "One family's record from one agency",
                    "A collection of the resources one agency holds about one family. References between entries use the entries' urn:uuid fullUrls.",
                    learning="L11, L24",
                    constraints=[
                        inv(
                            "da-bundle-1",
                            "error",
                            "The record is labelled restricted (R) or very restricted (V) and carries the SDV sensitivity code.",
                            f"meta.security.where(system = '{CONFIDENTIALITY_CS}' and (code = 'R' or code = 'V')).exists() and meta.security.where(system = '{ACTCODE_CS}' and code = 'SDV').exists()",
                        ),
                        inv(
                            "da-bundle-2",
                            "error",
                            "Every entry has a urn:uuid fullUrl.",
                            "entry.all(fullUrl.exists() and fullUrl.startsWith('urn:uuid:'))",
                        ),
                    ],
                ),
                el(
                    "Bundle.meta.security",
                    "Security labels",
                    "Security labels of the whole record: one confidentiality code (R or V) and the SDV sensitivity code.",
                    min=2,
                    must=True,
                    learning="L24",
                    slicing={"discriminator": [{"type": "value", "path": "system"}], "ordered": False, "rules": "open"},
                ),
                el(
                    "Bundle.meta.security:confidentiality",
                    "Restricted or very restricted",
                    "The record's confidentiality: R (restricted) or V (very restricted, e.g. where a victim's location must be protected).",
                    min=1,
                    max="1",
                    must=True,
                    binding=b.bind(
                        "required", "confidentiality", "Domestic abuse records are restricted or very restricted."
                    ),
                ),
                el(
                    "Bundle.meta.security:confidentiality.system",
                    "v3-Confidentiality",
                    "The HL7 v3 Confidentiality code system.",
                    min=1,
                    fixedUri=CONFIDENTIALITY_CS,
                ),
                el("Bundle.meta.security:confidentiality.code", "R or V", "The confidentiality code.", min=1),
                el(
                    "Bundle.meta.security:sensitivity",
                    "SDV sensitivity",
                    "The information sensitivity code SDV (sexual assault, abuse, or domestic violence).",
                    min=1,
                    max="1",
                    must=True,
                    patternCoding={"system": ACTCODE_CS, "code": "SDV"},
                ),
                el(
                    "Bundle.identifier",
                    "Case reference",
                    "The agency's case reference for this record.",
                    min=1,
                    must=True,
                    learning="L24",
                ),
                el("Bundle.type", "collection", "A case record is a collection.", fixedCode="collection"),
                el(
                    "Bundle.timestamp",
                    "When the record was assembled",
                    "When the bundle was assembled.",
                    min=1,
                    must=True,
                ),
                el("Bundle.entry", "A resource of the record", "One resource of the family's record.", min=1),
                el(
                    "Bundle.entry.fullUrl",
                    "urn:uuid of the entry",
                    "The entry's urn:uuid identity, used by references between entries.",
                    min=1,
                ),
                el(
                    "Bundle.entry.resource",
                    "The resource",
                    "The resource, conforming to one of the standard's profiles.",
                    min=1,
                ),
            ],
        )
    )

    # --- DAPerson
    pc_urls = [ext("person-sex"), ext("gender-identity"), ext("sexual-orientation")]
    eth = f"extension.where(url = '{UKCORE_ETHNIC_EXT}' or url = '{ext('ethnicity-ons-2021')}' or url = '{ext('ethnicity-dfe')}').exists()"
    out.append(
        b.profile(
            "DAPerson",
            "Person",
            "Any person in a domestic abuse record: child, unborn child, adult victim, person causing harm, partner or ex-partner. Roles are never properties of the person. Every protected characteristic is either coded or carries a data-absent-reason.",
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
                _ext_root("Patient"),
                b.ext_slice(
                    "Patient.extension",
                    "ethnicCategory",
                    UKCORE_ETHNIC_EXT,
                    0,
                    "1",
                    "Ethnic category (NHS England 16+1)",
                    "The person's ethnic category (UK Core), or a data-absent-reason on the value.",
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
                    "The person's religion or belief (HL7 core patient-religion), or a data-absent-reason on the value.",
                    "L09",
                ),
                el(
                    "Patient.extension:religion.value[x]",
                    "Religion (ONS 2021)",
                    "The religion code, or data-absent-reason on the CodeableConcept.",
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
                    "A disability of the person (HL7 core patient-disability), with text, or a data-absent-reason on the value.",
                    "L09",
                ),
                el(
                    "Patient.extension:disability.value[x]",
                    "Disability (DfE)",
                    "The disability code and text, or data-absent-reason on the CodeableConcept.",
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
                    "The person's marriage or civil partnership status (Equality Act 2010 s8), or a data-absent-reason.",
                    must=True,
                    learning="L09",
                    binding=b.bind(
                        "extensible",
                        "marital-status",
                        "v3 marital status plus civil partnership codes; agencies may send finer codes.",
                    ),
                ),
                _ext_root("Patient.address"),
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
    )

    # --- DAHousehold
    out.append(
        b.profile(
            "DAHousehold",
            "Household",
            "A household's composition over time: who lived there, from when to when, and why each person left.",
            "Group",
            FHIR_SD + "Group",
            [
                el(
                    "Group",
                    "A household over time",
                    "The people who live or have lived in one household, with dated membership.",
                    learning="L16, L18",
                ),
                _ext_root("Group"),
                b.ext_slice(
                    "Group.extension",
                    "lastVerified",
                    "last-verified",
                    0,
                    "1",
                    "Composition last verified",
                    "When and by whom the household composition was last verified.",
                    "L18",
                ),
                el("Group.type", "person", "A household is a group of persons.", fixedCode="person"),
                el("Group.actual", "Actual", "A household is an actual group.", fixedBoolean=True),
                el(
                    "Group.member",
                    "A member of the household",
                    "A person who lives or lived in the household.",
                    min=1,
                    must=True,
                    learning="L16",
                ),
                _ext_root("Group.member"),
                b.ext_slice(
                    "Group.member.extension",
                    "membershipChange",
                    "membership-change",
                    0,
                    "*",
                    "Why the person joined or left",
                    "Why the member joined or left and where they went.",
                    "L16",
                ),
                b.ext_slice(
                    "Group.member.extension",
                    "lastVerified",
                    "last-verified",
                    0,
                    "1",
                    "Membership last verified",
                    "When and by whom this membership was last verified.",
                    "L18",
                ),
                el("Group.member.entity", "The person", "The household member.", types=[ref(person)]),
                el(
                    "Group.member.period",
                    "When the person lived there",
                    "When the person joined and (if they left) left the household.",
                    min=1,
                    must=True,
                    learning="L16",
                ),
            ],
        )
    )

    # --- DARelationship
    out.append(
        b.profile(
            "DARelationship",
            "Relationship",
            "A relationship between two persons over time: person A (patient), person B (related-person), what B is to A, dated status episodes and when it was last verified.",
            "RelatedPerson",
            FHIR_SD + "RelatedPerson",
            [
                el(
                    "RelatedPerson",
                    "A relationship between two persons",
                    "A relationship between person A and person B, both DAPersons.",
                    learning="L15, L17",
                ),
                _ext_root("RelatedPerson"),
                b.ext_slice(
                    "RelatedPerson.extension",
                    "relatedPerson",
                    "related-person",
                    1,
                    "1",
                    "Person B",
                    "The person the relationship is with.",
                    "L15",
                ),
                b.ext_slice(
                    "RelatedPerson.extension",
                    "episode",
                    "relationship-episode",
                    0,
                    "*",
                    "Status episodes",
                    "Dated episodes of the relationship's status (together, separated, reconciled).",
                    "L17",
                ),
                b.ext_slice(
                    "RelatedPerson.extension",
                    "parentalResponsibility",
                    "parental-responsibility",
                    0,
                    "1",
                    "B has parental responsibility",
                    "Whether B has parental responsibility for A.",
                    "L05",
                ),
                b.ext_slice(
                    "RelatedPerson.extension",
                    "lastVerified",
                    "last-verified",
                    0,
                    "1",
                    "Relationship last verified",
                    "When and by whom the relationship was last verified.",
                    "L18",
                ),
                el(
                    "RelatedPerson.patient", "Person A", "Person A of the relationship.", types=[ref(person)], must=True
                ),
                el(
                    "RelatedPerson.relationship",
                    "What B is to A",
                    "What person B is to person A (relationship-type, which carries the DA Act 2021 s2 connection).",
                    min=1,
                    must=True,
                    learning="L15",
                    binding=b.bind(
                        "extensible",
                        "relationship-type",
                        "The standard's relationship types; agencies may add finer local codes.",
                    ),
                ),
                el(
                    "RelatedPerson.period",
                    "When the relationship existed",
                    "When the relationship began and (if it ended) ended.",
                    must=True,
                    learning="L17",
                ),
            ],
        )
    )

    # --- DAIncident
    out.append(
        b.profile(
            "DAIncident",
            "Incident",
            "A domestic abuse incident: when, which agency, its reference, the behaviour described, its kinds and pattern, the parties with roles, injury, risk level at the time and linked earlier incidents.",
            "Observation",
            FHIR_SD + "Observation",
            [
                el(
                    "Observation",
                    "A domestic abuse incident",
                    "One incident of domestic abuse as recorded by one agency.",
                    learning="L01, L13, L24",
                    constraints=[
                        inv(
                            "da-inc-1",
                            "error",
                            "The incident names at least one party whose role is person causing harm (if the person is not identified, the party's person carries a data-absent-reason).",
                            f"{_pcah_party(ctx)}.exists()",
                        ),
                        inv(
                            "da-inc-2",
                            "warning",
                            "Where more than one party is recorded as causing harm, each has a role rationale.",
                            f"{_pcah_party(ctx)}.count() > 1 implies {_pcah_party(ctx)}.all(extension.where(url = 'roleRationale').exists())",
                        ),
                    ],
                ),
                _ext_root("Observation"),
                b.ext_slice(
                    "Observation.extension",
                    "party",
                    "incident-party",
                    1,
                    "*",
                    "A party and their role",
                    "Each person involved, with their role in this incident.",
                    "L04, L05, L14",
                ),
                b.ext_slice(
                    "Observation.extension",
                    "linkedIncident",
                    "linked-incident",
                    0,
                    "*",
                    "Earlier linked incident",
                    "An earlier incident in the same course of conduct.",
                    "L13",
                ),
                b.ext_slice(
                    "Observation.extension",
                    "crimeReference",
                    "crime-reference",
                    0,
                    "1",
                    "Crime reference",
                    "The crime reference, if recorded as a crime.",
                    "L13",
                ),
                el(
                    "Observation.identifier",
                    "Agency incident reference",
                    "The reporting agency's reference for the incident (e.g. the police incident reference).",
                    min=1,
                    must=True,
                    learning="L24",
                ),
                el(
                    "Observation.status",
                    "Record status",
                    "The status of the record. A record is never set to entered-in-error because the incident is disputed.",
                    must=True,
                ),
                _record_code(b, "Observation", "incident", "domestic abuse incident"),
                el(
                    "Observation.subject",
                    "Household or person",
                    "The household or person the incident concerns.",
                    types=[ref(household, person)],
                    must=True,
                ),
                el(
                    "Observation.effective[x]",
                    "When it happened",
                    "When the incident happened (a time or a period).",
                    min=1,
                    types=[t("dateTime"), t("Period")],
                    must=True,
                    learning="L13",
                ),
                el("Observation.issued", "When recorded", "When the incident was recorded.", must=True),
                el(
                    "Observation.performer",
                    "Reporting agency",
                    "The agency that recorded the incident.",
                    min=1,
                    max="1",
                    types=[ref(agency)],
                    must=True,
                    learning="L24",
                ),
                el(
                    "Observation.value[x]",
                    "What happened",
                    "The behaviour described: what happened, by whom and to whom, in the reporting practitioner's words.",
                    min=1,
                    types=[t("string")],
                    must=True,
                    learning="L01",
                ),
                *_component_slices(
                    b,
                    "Observation",
                    [
                        (
                            "abuseKind",
                            "abuse-kind",
                            "Kind of abuse",
                            "1",
                            "*",
                            cc,
                            b.bind(
                                "required",
                                "abuse-kind",
                                "The five statutory kinds and the statutory guidance categories.",
                            ),
                            "L01, L02",
                        ),
                        (
                            "pattern",
                            "pattern",
                            "Single incident or course of conduct",
                            "0",
                            "1",
                            cc,
                            b.bind("required", "conduct-pattern", "Closed list."),
                            "L13",
                        ),
                        (
                            "riskLevel",
                            "risk-level",
                            "Risk level at the time",
                            "0",
                            "1",
                            cc,
                            b.bind("required", "risk-level", "SafeLives risk levels."),
                            "L02, L24",
                        ),
                        ("injury", "injury", "Anyone injured", "0", "1", boolean, None, "L01"),
                        ("weaponUsed", "weapon-used", "Weapon used or threatened", "0", "1", boolean, None, "L01"),
                        (
                            "strangulation",
                            "strangulation",
                            "Strangulation or suffocation",
                            "0",
                            "1",
                            boolean,
                            None,
                            "L01",
                        ),
                        (
                            "policeOutcome",
                            "police-outcome",
                            "Police outcome",
                            "0",
                            "1",
                            cc,
                            b.bind("extensible", "police-outcome", "Forces may record finer local outcomes."),
                            None,
                        ),
                    ],
                ),
            ],
        )
    )

    # --- DAChildVictimStatus
    vs_cs = ctx.cs("victim-status")
    out.append(
        b.profile(
            "DAChildVictimStatus",
            "Child victim status",
            "A child's status as a victim of domestic abuse (DA Act 2021 s3, or s1 for 16-17 year olds), with the s3 basis and relatedness, or the reason it does not apply. The status is kept for life.",
            "Observation",
            FHIR_SD + "Observation",
            [
                el(
                    "Observation",
                    "A child's victim status",
                    "A child's status as a victim of domestic abuse for one or more incidents.",
                    learning="L05, L12",
                    constraints=[
                        inv(
                            "da-cvs-1",
                            "error",
                            "A child recorded as not a victim has a recorded reason.",
                            f"value.ofType(CodeableConcept).coding.where(system = '{vs_cs}' and code = 'not-a-victim').exists() implies component.where(code.coding.where(system = '{oc}' and code = 'not-victim-reason').exists()).exists()",
                        ),
                        inv(
                            "da-cvs-2",
                            "warning",
                            "An s3 child victim has a recorded basis and relatedness.",
                            f"value.ofType(CodeableConcept).coding.where(system = '{vs_cs}' and code = 's3-child-victim').exists() implies (component.where(code.coding.where(system = '{oc}' and code = 'basis').exists()).exists() and component.where(code.coding.where(system = '{oc}' and code = 'related-to').exists()).exists())",
                        ),
                    ],
                ),
                el(
                    "Observation.status",
                    "Record status",
                    "The status of the record. The victim status is never removed because the incident is old.",
                    must=True,
                ),
                _record_code(b, "Observation", "child-victim-status", "child victim status"),
                el(
                    "Observation.subject",
                    "The child",
                    "The child whose status this is.",
                    min=1,
                    types=[ref(person)],
                    must=True,
                ),
                el(
                    "Observation.focus",
                    "The incident(s)",
                    "The incident(s) the status relates to.",
                    types=[ref(incident)],
                    must=True,
                ),
                el(
                    "Observation.effective[x]",
                    "When decided",
                    "When the status was decided.",
                    min=1,
                    types=[t("dateTime")],
                    must=True,
                ),
                el(
                    "Observation.value[x]",
                    "Victim status",
                    "The child's status.",
                    min=1,
                    types=cc,
                    must=True,
                    learning="L05",
                    binding=b.bind("required", "victim-status", "Closed list from the DA Act 2021."),
                ),
                *_component_slices(
                    b,
                    "Observation",
                    [
                        (
                            "basis",
                            "basis",
                            "How the child was affected (s3(2)(a))",
                            "0",
                            "*",
                            cc,
                            b.bind("required", "s3-basis", "DA Act 2021 s3(2)(a)."),
                            "L05",
                        ),
                        (
                            "relatedTo",
                            "related-to",
                            "How the child is related (s3(3))",
                            "0",
                            "*",
                            cc,
                            b.bind("required", "s3-relatedness", "DA Act 2021 s3(3)."),
                            "L05",
                        ),
                        (
                            "notVictimReason",
                            "not-victim-reason",
                            "Why not a victim",
                            "0",
                            "1",
                            [t("string")],
                            None,
                            "L05",
                        ),
                    ],
                ),
            ],
        )
    )

    # --- DAAbuseClassification
    out.append(
        b.profile(
            "DAAbuseClassification",
            "Abuse classification",
            "Whether behaviour between adults is domestic abuse or parental conflict, with the indicators it rests on and the reasoning.",
            "Observation",
            FHIR_SD + "Observation",
            [
                el(
                    "Observation",
                    "Domestic abuse or parental conflict",
                    "A decision whether behaviour is domestic abuse or parental conflict.",
                    learning="L03",
                ),
                el("Observation.status", "Record status", "The status of the record.", must=True),
                _record_code(b, "Observation", "abuse-classification", "abuse classification"),
                el(
                    "Observation.subject",
                    "Household or person",
                    "The household or person the decision concerns.",
                    min=1,
                    types=[ref(household, person)],
                    must=True,
                ),
                el(
                    "Observation.focus",
                    "The incident(s)",
                    "The incidents the decision considered.",
                    types=[ref(incident)],
                    must=True,
                ),
                el(
                    "Observation.effective[x]",
                    "When decided",
                    "When the decision was made.",
                    min=1,
                    types=[t("dateTime")],
                    must=True,
                ),
                el(
                    "Observation.value[x]",
                    "Classification",
                    "Domestic abuse, parental conflict or undetermined.",
                    min=1,
                    types=cc,
                    must=True,
                    learning="L03",
                    binding=b.bind("required", "abuse-classification", "Closed list."),
                ),
                el("Observation.note", "Reasoning", "The practitioner's reasoning.", must=True, learning="L03"),
                *_component_slices(
                    b,
                    "Observation",
                    [
                        (
                            "basis",
                            "basis",
                            "Indicator the decision rests on",
                            "1",
                            "*",
                            cc,
                            b.bind("extensible", "classification-basis", "Practitioners may record other indicators."),
                            "L03",
                        ),
                    ],
                ),
            ],
        )
    )

    # --- DAChildContact
    cv = ext("child-voice")
    out.append(
        b.profile(
            "DAChildContact",
            "Child contact",
            "A practitioner's contact with a child: whether the child was seen, spoken with and seen alone, by which agency, and the child's own words and wishes.",
            "Encounter",
            FHIR_SD + "Encounter",
            [
                el(
                    "Encounter",
                    "A practitioner's contact with a child",
                    "One contact between a practitioner and a child.",
                    learning="L07",
                    constraints=[
                        inv(
                            "da-cc-1",
                            "error",
                            "A child seen alone was seen.",
                            f"extension.where(url = '{cv}').all(extension.where(url = 'seenAlone').value = true implies extension.where(url = 'seen').value = true)",
                        ),
                        inv(
                            "da-cc-2",
                            "warning",
                            "If the child was not spoken with, the reason is recorded.",
                            f"extension.where(url = '{cv}').all(extension.where(url = 'spokenWith').value = false implies extension.where(url = 'notSpokenWithReason').exists())",
                        ),
                    ],
                ),
                _ext_root("Encounter"),
                b.ext_slice(
                    "Encounter.extension",
                    "childVoice",
                    "child-voice",
                    1,
                    "1",
                    "Seen, spoken with, seen alone; words",
                    "The child's voice at this contact.",
                    "L07",
                ),
                el(
                    "Encounter.class",
                    "Setting of the contact",
                    "Where the contact took place: field, home, office or virtual.",
                    binding=b.bind(
                        "extensible",
                        "encounter-class",
                        "v3 ActCode encounter classes; others from the base value set may be used.",
                    ),
                ),
                el("Encounter.subject", "The child", "The child.", min=1, types=[ref(person)], must=True),
                el("Encounter.period", "When", "When the contact took place.", min=1, must=True),
                el("Encounter.period.start", "Start", "When the contact started.", min=1),
                el(
                    "Encounter.serviceProvider",
                    "The agency",
                    "The agency whose practitioner made the contact.",
                    min=1,
                    types=[ref(agency)],
                    must=True,
                    learning="L07",
                ),
            ],
        )
    )

    # --- DADisclosure
    retracts = ext("retracts")
    out.append(
        b.profile(
            "DADisclosure",
            "Disclosure",
            "A disclosure of abuse (by whom, to whom, when, about what) and the response to it. A retraction is a later DADisclosure with category retraction whose retracts extension names the original; the original is never deleted.",
            "Communication",
            FHIR_SD + "Communication",
            [
                el(
                    "Communication",
                    "A disclosure or retraction",
                    "A disclosure of abuse, or a later retraction of one.",
                    learning="L19, L25",
                    constraints=[
                        inv(
                            "da-dis-1",
                            "error",
                            "A retraction names the disclosure it retracts.",
                            f"category.coding.where(system = '{rt}' and code = 'retraction').exists() implies extension.where(url = '{retracts}').exists()",
                        ),
                        inv(
                            "da-dis-2",
                            "error",
                            "Only a retraction names a disclosure it retracts.",
                            f"extension.where(url = '{retracts}').exists() implies category.coding.where(system = '{rt}' and code = 'retraction').exists()",
                        ),
                    ],
                ),
                _ext_root("Communication"),
                b.ext_slice(
                    "Communication.extension",
                    "response",
                    "disclosure-response",
                    0,
                    "*",
                    "Response to the disclosure",
                    "What was done in response.",
                    "L19",
                ),
                b.ext_slice(
                    "Communication.extension",
                    "retracts",
                    "retracts",
                    0,
                    "1",
                    "Retracted disclosure",
                    "On a retraction: the disclosure retracted.",
                    "L19, L25",
                ),
                el(
                    "Communication.status",
                    "Record status",
                    "The status of the record. A disclosure is never set to entered-in-error because it was retracted.",
                    must=True,
                ),
                el(
                    "Communication.category",
                    "Disclosure or retraction",
                    "Whether this is a disclosure or a retraction.",
                    min=1,
                    max="1",
                    must=True,
                    binding=b.bind("required", "disclosure-category", "Disclosure or retraction."),
                ),
                el(
                    "Communication.subject",
                    "The victim",
                    "The person the disclosure is about.",
                    types=[ref(person)],
                    must=True,
                ),
                el(
                    "Communication.about",
                    "The incident(s)",
                    "The incidents the disclosure is about.",
                    types=[ref(incident)],
                ),
                el(
                    "Communication.sent",
                    "When disclosed",
                    "When the disclosure was made.",
                    min=1,
                    must=True,
                    learning="L19",
                ),
                el(
                    "Communication.recipient",
                    "To whom",
                    "The practitioner or agency disclosed to.",
                    min=1,
                    types=[ref(practitioner, agency)],
                    must=True,
                    learning="L19",
                ),
                el(
                    "Communication.sender",
                    "By whom",
                    "The person who disclosed.",
                    min=1,
                    types=[ref(person)],
                    must=True,
                    learning="L19",
                ),
                el(
                    "Communication.payload",
                    "What was disclosed",
                    "What was disclosed, in the discloser's words where possible.",
                    must=True,
                ),
                el("Communication.payload.content[x]", "Text", "The disclosure as text.", types=[t("string")]),
            ],
        )
    )

    # --- DARiskAssessment
    item = ext("risk-item")
    score = ext("risk-score")
    ra_cs = ctx.cs("risk-answer")
    out.append(
        b.profile(
            "DARiskAssessment",
            "Risk assessment",
            "A domestic abuse risk assessment: tool and version, answers by question number (never the licensed wording), score, level, professional judgement and MARAC criteria met.",
            "RiskAssessment",
            FHIR_SD + "RiskAssessment",
            [
                el(
                    "RiskAssessment",
                    "A risk assessment",
                    "A risk assessment of a victim's situation.",
                    learning="L02, L10, L22",
                    constraints=[
                        inv(
                            "da-ra-1",
                            "warning",
                            "The score equals the number of items answered yes.",
                            f"(extension.where(url = '{item}').exists() and extension.where(url = '{score}').exists()) implies extension.where(url = '{score}').value = extension.where(url = '{item}').where(extension.where(url = 'answer').value.ofType(CodeableConcept).coding.where(system = '{ra_cs}' and code = 'yes').exists()).count()",
                        ),
                    ],
                ),
                _ext_root("RiskAssessment"),
                b.ext_slice(
                    "RiskAssessment.extension",
                    "toolVersion",
                    "risk-tool-version",
                    0,
                    "1",
                    "Tool version",
                    "The version of the tool.",
                    "L02",
                ),
                b.ext_slice(
                    "RiskAssessment.extension",
                    "item",
                    "risk-item",
                    0,
                    "*",
                    "Checklist answers",
                    "The answers by question number.",
                    "L02, L22",
                ),
                b.ext_slice(
                    "RiskAssessment.extension",
                    "score",
                    "risk-score",
                    0,
                    "1",
                    "Score",
                    "The number of yes answers.",
                    "L02",
                ),
                b.ext_slice(
                    "RiskAssessment.extension",
                    "professionalJudgement",
                    "professional-judgement",
                    0,
                    "1",
                    "Professional judgement",
                    "A professional judgement raising the level.",
                    "L02",
                ),
                b.ext_slice(
                    "RiskAssessment.extension",
                    "maracCriterion",
                    "marac-criterion",
                    0,
                    "*",
                    "MARAC criteria met",
                    "MARAC referral criteria the assessment meets.",
                    "L11",
                ),
                el("RiskAssessment.status", "Record status", "The status of the assessment.", must=True),
                el(
                    "RiskAssessment.method",
                    "Tool",
                    "The risk assessment tool used.",
                    min=1,
                    must=True,
                    learning="L02",
                    binding=b.bind("extensible", "risk-tool", "The known UK tools; forces may name local variants."),
                ),
                el(
                    "RiskAssessment.subject",
                    "The victim",
                    "The person whose risk is assessed.",
                    types=[ref(person)],
                    must=True,
                ),
                el(
                    "RiskAssessment.occurrence[x]",
                    "When assessed",
                    "When the assessment was completed.",
                    min=1,
                    types=[t("dateTime")],
                    must=True,
                ),
                el(
                    "RiskAssessment.performer",
                    "Who assessed",
                    "The agency or practitioner who completed the assessment.",
                    types=[ref(agency, practitioner)],
                    must=True,
                    learning="L10",
                ),
                el(
                    "RiskAssessment.basis",
                    "Incidents and risk factors considered",
                    "The incidents the assessment considered and the risk factors it identified. A DfE children in need assessment records factors (e.g. 3A domestic abuse concerning the child, 8B alcohol misuse by a parent) rather than incidents, so its basis lists them as DARiskFactor or DAIncident records.",
                    types=[ref(incident, ctx.sd("DARiskFactor"))],
                ),
                el("RiskAssessment.prediction", "Risk level", "The assessed level of risk.", must=True),
                el(
                    "RiskAssessment.prediction.qualitativeRisk",
                    "Level",
                    "Standard, medium or high.",
                    must=True,
                    learning="L02",
                    binding=b.bind("required", "risk-level", "SafeLives risk levels."),
                ),
            ],
        )
    )

    # --- DAMaracReferral
    out.append(
        b.profile(
            "DAMaracReferral",
            "MARAC referral",
            "A referral to a MARAC: referrer, victim, person causing harm, children, criteria met, and consent or the basis for sharing without consent.",
            "ServiceRequest",
            FHIR_SD + "ServiceRequest",
            [
                el(
                    "ServiceRequest",
                    "A MARAC referral",
                    "A referral of a victim to a multi-agency risk assessment conference.",
                    learning="L11",
                ),
                _ext_root("ServiceRequest"),
                b.ext_slice(
                    "ServiceRequest.extension",
                    "personCausingHarm",
                    "marac-person-causing-harm",
                    0,
                    "*",
                    "Person causing harm",
                    "The person causing harm.",
                    "L04, L11",
                ),
                b.ext_slice(
                    "ServiceRequest.extension",
                    "child",
                    "marac-child",
                    0,
                    "*",
                    "Children in the household",
                    "Each child in the household.",
                    "L11",
                ),
                b.ext_slice(
                    "ServiceRequest.extension",
                    "sharingBasis",
                    "sharing-basis",
                    1,
                    "1",
                    "Consent or basis",
                    "Whether shared with consent or on what basis without.",
                    "L11, L24",
                ),
                el("ServiceRequest.status", "Referral status", "The status of the referral.", must=True),
                el("ServiceRequest.intent", "order", "A referral is an order.", fixedCode="order"),
                _record_code(b, "ServiceRequest", "marac-referral", "MARAC referral"),
                el("ServiceRequest.subject", "The victim", "The victim referred.", types=[ref(person)], must=True),
                el("ServiceRequest.authoredOn", "When referred", "When the referral was made.", min=1, must=True),
                el(
                    "ServiceRequest.requester",
                    "Referring agency",
                    "The agency that referred.",
                    min=1,
                    types=[ref(agency, practitioner)],
                    must=True,
                    learning="L11",
                ),
                el(
                    "ServiceRequest.reasonCode",
                    "Criteria met",
                    "The MARAC referral criteria met.",
                    min=1,
                    must=True,
                    learning="L11",
                    binding=b.bind("required", "marac-criterion", "The four SafeLives criteria."),
                ),
                el(
                    "ServiceRequest.supportingInfo",
                    "Assessment and incidents",
                    "The risk assessment and incidents behind the referral.",
                    types=[ref(ctx.sd("DARiskAssessment"), incident)],
                ),
            ],
        )
    )

    # --- DAPlan
    out.append(
        b.profile(
            "DAPlan",
            "Plan",
            "A safety, child protection, child in need, MARAC action or early help plan. Every action names whom it is directed at.",
            "CarePlan",
            FHIR_SD + "CarePlan",
            [
                el("CarePlan", "A plan", "A plan for a victim or child.", learning="L06, L11"),
                el("CarePlan.status", "Plan status", "The status of the plan.", must=True),
                el(
                    "CarePlan.category",
                    "Plan type",
                    "The kind of plan.",
                    min=1,
                    must=True,
                    binding=b.bind("extensible", "plan-type", "Agencies may use finer local plan types."),
                ),
                el(
                    "CarePlan.subject",
                    "Child or victim",
                    "The child or victim the plan is for.",
                    types=[ref(person)],
                    must=True,
                ),
                el("CarePlan.period", "When", "When the plan applies.", must=True),
                el(
                    "CarePlan.basedOn",
                    "MARAC referral",
                    "For a MARAC action plan: the referral.",
                    types=[ref(ctx.sd("DAMaracReferral"))],
                ),
                el("CarePlan.activity", "An action", "One action of the plan.", must=True, learning="L06"),
                _ext_root("CarePlan.activity"),
                b.ext_slice(
                    "CarePlan.activity.extension",
                    "directedAt",
                    "action-directed-at",
                    1,
                    "*",
                    "Directed at",
                    "The person the action is directed at.",
                    "L06",
                ),
                el("CarePlan.activity.detail", "Action detail", "What the action is and who carries it out.", min=1),
                el(
                    "CarePlan.activity.detail.code",
                    "Kind of action",
                    "The kind of action.",
                    binding=b.bind("extensible", "plan-action", "Agencies may use finer local actions."),
                ),
                el("CarePlan.activity.detail.description", "Action", "The action as agreed.", must=True),
                el(
                    "CarePlan.activity.detail.performer",
                    "Responsible agency",
                    "The agency responsible for the action.",
                    types=[ref(agency, practitioner)],
                    must=True,
                    learning="L11",
                ),
            ],
        )
    )

    def simple_obs(
        pid: str,
        title: str,
        desc: str,
        code: str,
        learning: str,
        subject_desc: str,
        value_vs: str | None,
        value_strength: str,
        extra: list[JSON],
        effective: Sequence[JSON] = (t("dateTime"), t("Period")),
        effective_min: int = 1,
    ) -> JSON:
        elements = [
            el("Observation", title, desc, learning=learning),
            el("Observation.status", "Record status", "The status of the record.", must=True),
            _record_code(b, "Observation", code, title.lower()),
            el("Observation.subject", "The person", subject_desc, min=1, types=[ref(person)], must=True),
            el(
                "Observation.effective[x]",
                "When",
                "When the fact applied or was established.",
                min=effective_min,
                types=list(effective),
                must=True,
                learning=learning.split(",")[0],
            ),
        ]
        if value_vs is not None:
            elements.append(
                el(
                    "Observation.value[x]",
                    title,
                    f"The {title.lower()} recorded.",
                    min=1,
                    types=cc,
                    must=True,
                    learning=learning,
                    binding=b.bind(
                        value_strength,
                        value_vs,
                        "Agencies may use finer local codes." if value_strength == "extensible" else "Closed list.",
                    ),
                )
            )
        elements.extend(extra)
        return b.profile(pid, title, desc, "Observation", FHIR_SD + "Observation", elements)

    out.append(
        simple_obs(
            "DARiskFactor",
            "Risk factor",
            "A dated trigger or risk factor in one person's life (separation, contact dispute, job loss, ill health, substance misuse, suicidal thoughts, stopping medication or engagement, pregnancy, birth, isolation from wider family).",
            "risk-factor",
            "L22, L17, L26",
            "The person the factor concerns.",
            "risk-factor",
            "extensible",
            [],
        )
    )
    out.append(
        simple_obs(
            "DAOffendingHistory",
            "Offending history",
            "A person's known history of violence or offending, and the agency that holds it.",
            "offending-history",
            "L21",
            "The adult whose history this is.",
            "offending-history",
            "extensible",
            [
                el(
                    "Observation.performer",
                    "Agency holding the history",
                    "The agency that holds the information.",
                    types=[ref(agency)],
                    must=True,
                )
            ],
            effective_min=0,
        )
    )
    out.append(
        simple_obs(
            "DAHistoryCheck",
            "History check",
            "A disclosure-scheme (Clare's Law) request or a records check about an adult: date, agency, type and outcome.",
            "history-check",
            "L21",
            "The adult checked.",
            "history-check-outcome",
            "required",
            [
                el(
                    "Observation.focus",
                    "Person at risk",
                    "The person at risk on whose behalf the check was made.",
                    types=[ref(person)],
                    must=True,
                ),
                el(
                    "Observation.performer", "Agency", "The agency that made the check.", types=[ref(agency)], must=True
                ),
                *_component_slices(
                    b,
                    "Observation",
                    [
                        (
                            "checkType",
                            "check-type",
                            "Type of check",
                            "1",
                            "1",
                            cc,
                            b.bind("required", "history-check-type", "Closed list."),
                            "L21",
                        )
                    ],
                ),
            ],
            effective=[t("dateTime")],
        )
    )
    out.append(
        simple_obs(
            "DAContactArrangement",
            "Contact arrangement",
            "A child's contact arrangement with an adult: supervised or not, any court order, and the period.",
            "contact-arrangement",
            "L17",
            "The child.",
            None,
            "required",
            [
                el(
                    "Observation.focus",
                    "The adult",
                    "The adult the child has contact with.",
                    min=1,
                    types=[ref(person)],
                    must=True,
                    learning="L17",
                ),
                *_component_slices(
                    b,
                    "Observation",
                    [
                        ("supervised", "supervised", "Supervised", "1", "1", boolean, None, "L17"),
                        (
                            "courtOrder",
                            "court-order",
                            "Court order",
                            "0",
                            "*",
                            cc,
                            b.bind("extensible", "court-order", "Other orders may be named."),
                            "L17",
                        ),
                        (
                            "arrangementType",
                            "arrangement-type",
                            "Kind of contact",
                            "0",
                            "1",
                            cc,
                            b.bind("required", "contact-type", "Closed list."),
                            "L17",
                        ),
                    ],
                ),
            ],
            effective=[t("Period")],
        )
    )
    out.append(
        simple_obs(
            "DAAdultAssessment",
            "Adult assessment",
            "An assessment of a significant adult in a child's life (birth parent, partner, ex-partner, non-resident partner): role, risk to the child, protective capacity and engagement.",
            "adult-assessment",
            "L15",
            "The adult assessed.",
            None,
            "required",
            [
                el(
                    "Observation.focus",
                    "The child(ren)",
                    "The children the assessment concerns.",
                    min=1,
                    types=[ref(person)],
                    must=True,
                ),
                el(
                    "Observation.performer",
                    "Assessing agency",
                    "The agency or practitioner who assessed.",
                    types=[ref(agency, practitioner)],
                    must=True,
                ),
                *_component_slices(
                    b,
                    "Observation",
                    [
                        (
                            "role",
                            "role",
                            "Role in the child's life",
                            "1",
                            "1",
                            cc,
                            b.bind("extensible", "adult-role", "Agencies may use finer roles."),
                            "L15",
                        ),
                        (
                            "riskToChild",
                            "risk-to-child",
                            "Risk to the child",
                            "0",
                            "1",
                            cc,
                            b.bind("required", "risk-level", "Risk levels."),
                            "L15",
                        ),
                        (
                            "protectiveCapacity",
                            "protective-capacity",
                            "Protective capacity",
                            "0",
                            "1",
                            cc,
                            b.bind("required", "protective-capacity", "Closed list."),
                            "L15",
                        ),
                        ("engaged", "engaged", "Engaged", "0", "1", boolean, None, "L15"),
                    ],
                ),
            ],
            effective=[t("dateTime")],
        )
    )

    # --- DAServiceEpisode
    att = ext("attendance")
    out.append(
        b.profile(
            "DAServiceEpisode",
            "Service episode",
            "A person's engagement with a service: type, status, period, offer outcome, attendance, last contact, end reason and follow-up.",
            "EpisodeOfCare",
            FHIR_SD + "EpisodeOfCare",
            [
                el(
                    "EpisodeOfCare",
                    "A service episode",
                    "One person's engagement with one service.",
                    learning="L08, L10, L12, L20",
                    constraints=[
                        inv(
                            "da-se-1",
                            "warning",
                            "Sessions attended plus missed do not exceed sessions offered.",
                            f"extension.where(url = '{att}').all((extension.where(url = 'offered').exists() and extension.where(url = 'attended').exists() and extension.where(url = 'missed').exists()) implies (extension.where(url = 'attended').value + extension.where(url = 'missed').value <= extension.where(url = 'offered').value))",
                        ),
                        inv(
                            "da-se-2",
                            "warning",
                            "A finished episode records why it ended.",
                            f"status = 'finished' implies extension.where(url = '{ext('end-reason')}').exists()",
                        ),
                        inv(
                            "da-se-3",
                            "error",
                            "An episode that is not planned or on a waiting list has a period start.",
                            "(status = 'planned' or status = 'waitlist') or period.start.exists()",
                        ),
                    ],
                ),
                _ext_root("EpisodeOfCare"),
                b.ext_slice(
                    "EpisodeOfCare.extension",
                    "offerOutcome",
                    "offer-outcome",
                    0,
                    "1",
                    "Offer outcome",
                    "Accepted, declined or not offered.",
                    "L08",
                ),
                b.ext_slice(
                    "EpisodeOfCare.extension",
                    "attendance",
                    "attendance",
                    0,
                    "1",
                    "Attendance",
                    "Sessions offered, attended and missed.",
                    "L20",
                ),
                b.ext_slice(
                    "EpisodeOfCare.extension",
                    "lastContact",
                    "last-contact",
                    0,
                    "1",
                    "Last contact",
                    "When the service last had contact.",
                    "L20",
                ),
                b.ext_slice(
                    "EpisodeOfCare.extension",
                    "endReason",
                    "end-reason",
                    0,
                    "1",
                    "End reason",
                    "Why the episode ended.",
                    "L12",
                ),
                b.ext_slice(
                    "EpisodeOfCare.extension",
                    "followUp",
                    "follow-up",
                    0,
                    "1",
                    "Follow-up",
                    "Planned follow-up after the episode.",
                    "L12",
                ),
                el("EpisodeOfCare.status", "Status", "The episode's status.", must=True, learning="L20"),
                el(
                    "EpisodeOfCare.type",
                    "Service type",
                    "The kind of service.",
                    min=1,
                    must=True,
                    learning="L10",
                    binding=b.bind("extensible", "service-type", "Agencies may use finer local service types."),
                ),
                el(
                    "EpisodeOfCare.patient",
                    "The person",
                    "The person receiving the service.",
                    types=[ref(person)],
                    must=True,
                ),
                el(
                    "EpisodeOfCare.managingOrganization",
                    "The service's agency",
                    "The agency providing the service.",
                    min=1,
                    types=[ref(agency)],
                    must=True,
                ),
                el(
                    "EpisodeOfCare.period",
                    "When",
                    "When the episode started and ended. Not required while the episode is planned or on a waiting list, because it has not started (a referral that is waiting for a service must still be recordable); every other episode has a start (invariant da-se-3).",
                    must=True,
                    learning="L12",
                ),
            ],
        )
    )

    # --- DAInformationSharing
    out.append(
        b.profile(
            "DAInformationSharing",
            "Information sharing",
            "An information-sharing event: what was shared, from which agency to which, when, and with consent or on what lawful basis.",
            "Communication",
            FHIR_SD + "Communication",
            [
                el(
                    "Communication",
                    "An information-sharing event",
                    "One agency sharing information with another.",
                    learning="L11, L24",
                ),
                _ext_root("Communication"),
                b.ext_slice(
                    "Communication.extension",
                    "sharingBasis",
                    "sharing-basis",
                    1,
                    "1",
                    "Consent or basis",
                    "Whether shared with consent or on what basis without.",
                    "L11, L24",
                ),
                el("Communication.status", "Status", "The status of the sharing event.", must=True),
                el(
                    "Communication.category",
                    "information-sharing",
                    "Identifies the record as an information-sharing event.",
                    min=1,
                    patternCodeableConcept={"coding": [{"system": rt, "code": "information-sharing"}]},
                ),
                el(
                    "Communication.subject",
                    "About whom",
                    "The person the information is about.",
                    types=[ref(person, household)],
                ),
                el(
                    "Communication.about",
                    "What was shared",
                    "The records shared.",
                    types=[t("Reference")],
                    must=True,
                    learning="L24",
                ),
                el("Communication.sent", "When", "When the information was shared.", min=1, must=True, learning="L24"),
                el(
                    "Communication.recipient",
                    "To which agency",
                    "The receiving agency.",
                    min=1,
                    types=[ref(agency, practitioner)],
                    must=True,
                    learning="L11",
                ),
                el(
                    "Communication.sender",
                    "From which agency",
                    "The sharing agency.",
                    min=1,
                    types=[ref(agency, practitioner)],
                    must=True,
                    learning="L11",
                ),
                el("Communication.payload", "Summary", "A summary of what was shared."),
                el("Communication.payload.content[x]", "Text", "The summary as text.", types=[t("string")]),
            ],
        )
    )

    # --- DAAgency
    out.append(
        b.profile(
            "DAAgency",
            "Agency",
            "An agency that holds or shares domestic abuse records: police force, children's social care, health, school, MARAC, Idva service, specialist services.",
            "Organization",
            FHIR_SD + "Organization",
            [
                el("Organization", "An agency", "An agency.", learning="L10, L11"),
                el(
                    "Organization.identifier",
                    "Agency identifiers",
                    "The agency's identifiers, such as an ODS code or a DfE LA code.",
                    must=True,
                ),
                el(
                    "Organization.type",
                    "Agency type",
                    "The kind of agency.",
                    min=1,
                    must=True,
                    learning="L10",
                    binding=b.bind("extensible", "agency-type", "Agencies may use finer local types."),
                ),
                el("Organization.name", "Name", "The agency's name.", min=1, must=True),
            ],
        )
    )

    # --- DAProvenance
    out.append(
        b.profile(
            "DAProvenance",
            "Provenance",
            "The source of facts: the agency and system they came from, the source file and record, and how they are known (self-reported by whom, observed, verified, record check).",
            "Provenance",
            FHIR_SD + "Provenance",
            [
                el(
                    "Provenance",
                    "Where facts came from",
                    "The source of the facts in the target resources.",
                    learning="L25",
                ),
                _ext_root("Provenance"),
                b.ext_slice(
                    "Provenance.extension",
                    "factSource",
                    "fact-source",
                    0,
                    "1",
                    "How the facts are known",
                    "How the facts are known.",
                    "L25",
                ),
                b.ext_slice(
                    "Provenance.extension",
                    "factSourcePerson",
                    "fact-source-person",
                    0,
                    "1",
                    "Who reported the facts",
                    "The person who reported the facts.",
                    "L25",
                ),
                el(
                    "Provenance.target",
                    "The resources",
                    "The resources whose facts this provenance covers.",
                    min=1,
                    must=True,
                ),
                el("Provenance.recorded", "When recorded", "When the provenance was recorded.", must=True),
                el("Provenance.agent", "Who", "The agency or system the facts came from.", min=1, must=True),
                el(
                    "Provenance.agent.who",
                    "Agency or practitioner",
                    "The agency or practitioner.",
                    types=[ref(agency, practitioner, FHIR_SD + "PractitionerRole")],
                ),
                el("Provenance.entity", "Source record", "The source file and record.", must=True),
                el(
                    "Provenance.entity.what",
                    "Source identifier",
                    "The source file and record, as an identifier.",
                    must=True,
                ),
            ],
        )
    )
    return out


def structure_definitions(ctx: Context) -> list[JSON]:
    """Every extension and profile."""
    b = Builder(ctx)
    return [*(b.extension(e) for e in extensions(b)), *profiles(b)]
