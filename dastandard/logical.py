"""The logical record: a plain JSON form of a DACaseBundle, and lossless conversion both ways.

The mapping is declared once, in ``SECTIONS``: each section of the logical record is one profile, and each field
says where its value lives in the FHIR resource. The JSON Schema in ``validators/logical-record.schema.json`` is
generated from the same table (``build_schema``; a test keeps the shipped file equal to it), and code lists are
never copied: a code field names a ValueSet id and codes are checked against the ValueSets shipped in
``profiles/`` (a ValueSet not shipped yet is tolerated).

Error policy: ``validate_logical`` never raises on bad input; it yields ``(json_path, message)`` pairs.
``logical_to_bundle`` expects a record that validates and raises ``ValueError`` (with the JSON path) otherwise.
``bundle_to_logical`` never raises on bad input: anything the logical record cannot hold is reported in the
``ConversionReport`` as ``Loss.UNMAPPED_FIELD`` (or ``LOSSY_CODE``) with its FHIRPath location, never silently
dropped.
"""

from __future__ import annotations

import copy
import itertools
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any, Final

from jsonschema import Draft202012Validator

from dastandard._resources import read_json
from dastandard.canonicals import DATA_ABSENT_REASON, V3_ACT_CODE, V3_CONFIDENTIALITY
from dastandard.convert.base import ConversionReport, Loss, ReportEntry
from dastandard.convert.ids import code_system_url, extension_url, full_url, identifier_system, profile_url, stable_id
from dastandard.standard import standard

RECORD_TYPE: Final = "dastandard-logical-record"
RECORD_VERSION: Final = "0.1.0"
SCHEMA_FILE: Final = "logical-record.schema.json"

CONFIDENTIALITY_SYSTEM: Final = V3_CONFIDENTIALITY
ACT_CODE_SYSTEM: Final = V3_ACT_CODE
ABSENT_REASONS: Final = ("not-asked", "asked-declined", "asked-unknown", "unknown", "not-applicable")
CONVERSION_PROVENANCE_KEY: Final = "#conversion-provenance"

LOCAL_ID_PATTERN: Final = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"
_YEAR = r"([0-9]([0-9]([0-9][1-9]|[1-9]0)|[1-9]00)|[1-9]000)"
_TIME = r"T([01][0-9]|2[0-3]):[0-5][0-9]:([0-5][0-9]|60)(\.[0-9]+)?(Z|(\+|-)((0[0-9]|1[0-3]):[0-5][0-9]|14:00))"
DATE_PATTERN: Final = rf"^{_YEAR}(-(0[1-9]|1[0-2])(-(0[1-9]|[1-2][0-9]|3[0-1]))?)?$"
DATETIME_PATTERN: Final = rf"^{_YEAR}(-(0[1-9]|1[0-2])(-(0[1-9]|[1-2][0-9]|3[0-1])({_TIME})?)?)?$"
INSTANT_PATTERN: Final = rf"^{_YEAR}-(0[1-9]|1[0-2])-(0[1-9]|[1-2][0-9]|3[0-1]){_TIME}$"
CODE_PATTERN: Final = r"^[^\s]+( [^\s]+)*$"
# A FHIR string: not empty, and only characters FHIR JSON and XML can both carry (no control characters).
STRING_PATTERN: Final = "^[^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\uFFFE\\uFFFF]+$"

# Code lists whose codes come from a code system outside the standard. Every other code list uses the
# standard's own CodeSystem of the same id. A shipped ValueSet always wins over this table.
_EXTERNAL_SYSTEMS: Final[Mapping[str, str]] = {
    "nhs-ethnic-category": "https://fhir.hl7.org.uk/CodeSystem/UKCore-EthnicCategoryEngland",
    "encounter-class": ACT_CODE_SYSTEM,
}


def component_system() -> str:
    """The CodeSystem of the standard's Observation component codes (``abuseKind``, ``basis``, ...)."""
    return code_system_url("observation-component")


def record_type_system() -> str:
    """The CodeSystem of the standard's record types (``incident``, ``disclosure``, ...)."""
    return code_system_url("record-type")


# --------------------------------------------------------------------------------------------------------------
# Terminology: code lists are resolved from the shipped ValueSets.


@cache
def value_set_codes(value_set: str) -> dict[str, str] | None:
    """``{code: system}`` of a shipped ValueSet, or None when it is not shipped yet or cannot be expanded here."""
    std = standard()
    artifact = std.get(std.url("ValueSet", value_set))
    if artifact is None:
        return None
    codes: dict[str, str] = {}
    for include in artifact.resource.get("compose", {}).get("include", []):
        system = include.get("system")
        if include.get("filter") or include.get("valueSet") or not isinstance(system, str):
            return None
        if include.get("concept"):
            codes.update((str(c["code"]), system) for c in include["concept"])
            continue
        code_system = std.get(system)
        if code_system is None:
            return None
        codes.update((code, system) for code in _code_system_codes(code_system.resource.get("concept", [])))
    return codes


def _code_system_codes(concepts: Sequence[Mapping[str, Any]]) -> Iterator[str]:
    for concept in concepts:
        yield str(concept["code"])
        yield from _code_system_codes(concept.get("concept", []))


def system_for(value_set: str, code: str) -> str:
    """The code system of ``code`` in the named code list (the shipped ValueSet first, then the default)."""
    codes = value_set_codes(value_set)
    if codes and code in codes:
        return codes[code]
    return _EXTERNAL_SYSTEMS.get(value_set) or code_system_url(value_set)


# --------------------------------------------------------------------------------------------------------------
# The mapping table.


@dataclass(frozen=True)
class Val:
    """The kind of a logical value and how it is written in FHIR."""

    kind: str
    value_set: str = ""
    targets: tuple[str, ...] = ()


_VALUE_SUFFIX: Final[Mapping[str, str]] = {
    "string": "String",
    "boolean": "Boolean",
    "integer": "Integer",
    "date": "Date",
    "dateTime": "DateTime",
    "instant": "Instant",
    "code": "CodeableConcept",
    "coding": "Coding",
    "ref": "Reference",
    "period": "Period",
    "identifier": "Identifier",
    "characteristic": "CodeableConcept",
}

STR = Val("string")
BOOL = Val("boolean")
INT = Val("integer")
DATE = Val("date")
DATETIME = Val("dateTime")
INSTANT = Val("instant")
PERIOD = Val("period")
IDENT = Val("identifier")
NAME = Val("name")
ADDRESS = Val("address")
DATE_OR_ABSENT = Val("date-or-absent")
ANNOTATION = Val("annotation")


def code(value_set: str) -> Val:
    return Val("code", value_set)


def char(value_set: str) -> Val:
    return Val("characteristic", value_set)


def ref(*targets: str) -> Val:
    return Val("ref", targets=targets)


@dataclass(frozen=True)
class Field:
    """One property of a logical item and where it lives in the FHIR resource."""

    key: str
    doc: str
    val: Val | None = None
    many: bool = False
    required: bool = False


@dataclass(frozen=True)
class At(Field):
    """A value at a fixed element path; an int in the path is a list index."""

    path: tuple[str | int, ...] = ()


@dataclass(frozen=True)
class Ext(Field):
    """A simple extension (``value[x]``); ``url`` is an extension id of the standard, a full URL or a sub-extension."""

    url: str = ""


@dataclass(frozen=True)
class Complex(Field):
    """A complex extension whose sub-extensions are ``fields`` (a logical object)."""

    url: str = ""
    fields: tuple[Field, ...] = ()


@dataclass(frozen=True)
class Comp(Field):
    """An Observation component identified by its code in the standard's component CodeSystem."""

    code: str = ""


@dataclass(frozen=True)
class Items(Field):
    """A FHIR list of backbone elements (``member``, ``activity``, ``entity``), each a logical object."""

    path: str = ""
    fields: tuple[Field, ...] = ()


@dataclass(frozen=True)
class Section:
    """One section of the logical record: a list of items, each one resource of one profile."""

    key: str
    profile: str
    resource_type: str
    doc: str
    fields: tuple[Field, ...]
    fixed: Mapping[str, Any] = field(default_factory=dict)  # filled with canonical URLs at run time
    record_type: str = ""  # the record-type code in ``code`` or ``category``
    record_type_at: str = ""  # "code" or "category"
    identifier: bool = True  # the item has a local id, kept as an identifier (Provenance has no identifier)


def _status(doc: str) -> At:
    return At("status", doc, STR, required=True, path=("status",))


def _notes() -> At:
    return At("notes", "Free-text notes (Annotation.text).", ANNOTATION, many=True, path=("note",))


def _obs_effective() -> tuple[Field, ...]:
    return (
        At("effectiveDateTime", "When it happened or was found (dateTime).", DATETIME, path=("effectiveDateTime",)),
        At("effectivePeriod", "When it applied, as a period.", PERIOD, path=("effectivePeriod",)),
    )


_LAST_VERIFIED = Complex(
    "lastVerified",
    "When, and by which agency, these details were last checked (L18).",
    url="last-verified",
    fields=(
        Ext("date", "When the details were last verified.", DATETIME, required=True, url="date"),
        Ext("by", "The agency (local id) that verified them.", ref("agencies"), url="by"),
    ),
)

_CHARACTERISTICS = (
    Ext(
        "sex",
        "Sex (biological sex; U = not yet determined / unborn), or why it is absent.",
        char("sex"),
        required=True,
        url="person-sex",
    ),
    Ext(
        "genderIdentity",
        "Gender identity (NHS Data Dictionary code, optional text), or why it is absent.",
        char("gender-identity"),
        required=True,
        url="gender-identity",
    ),
    Ext(
        "sexualOrientation",
        "Sexual orientation (NHS SOM code), or why it is absent.",
        char("sexual-orientation"),
        required=True,
        url="sexual-orientation",
    ),
    Ext(
        "ethnicityNhs",
        "Ethnic category (NHS England), or why it is absent.",
        char("nhs-ethnic-category"),
        url="https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-EthnicCategory",
    ),
    Ext(
        "ethnicityOns2021",
        "Ethnic group (ONS 2021, 19 categories), or why it is absent.",
        char("ethnicity-ons-2021"),
        url="ethnicity-ons-2021",
    ),
    Ext("ethnicityDfe", "Ethnicity (DfE codes), or why it is absent.", char("ethnicity-dfe"), url="ethnicity-dfe"),
    Ext(
        "religion",
        "Religion or belief entries (ONS 2021), each a code or why it is absent.",
        char("religion"),
        many=True,
        required=True,
        url="http://hl7.org/fhir/StructureDefinition/patient-religion",
    ),
    Ext(
        "disability",
        "Disability entries (DfE codes, optional text), each a code or why it is absent.",
        char("disability"),
        many=True,
        required=True,
        url="http://hl7.org/fhir/StructureDefinition/patient-disability",
    ),
    Complex(
        "pregnancy",
        "Pregnancy or maternity.",
        url="pregnancy-status",
        fields=(
            Ext(
                "status",
                "Pregnancy status, or why it is absent.",
                char("pregnancy-status"),
                required=True,
                url="status",
            ),
            Ext("effective", "When the status was established (a date or a date and time).", DATETIME, url="effective"),
        ),
    ),
    At(
        "maritalStatus",
        "Marriage or civil partnership, or why it is absent.",
        char("marital-status"),
        path=("maritalStatus",),
    ),
)

_AGENCY = ref("agencies")
_PERSON = ref("persons")


SECTIONS: Final[tuple[Section, ...]] = (
    Section(
        "agencies",
        "DAAgency",
        "Organization",
        "Agencies: police forces, children's social care, health, schools, MARAC, IDVA and specialist services.",
        (
            At("name", "The agency's name.", STR, path=("name",)),
            At("types", "Agency types.", code("agency-type"), many=True, required=True, path=("type",)),
            At("identifiers", "Agency identifiers (ODS code, LA code).", IDENT, many=True, path=("identifier",)),
        ),
    ),
    Section(
        "persons",
        "DAPerson",
        "Patient",
        "Every person in the record: adults, children and unborn children. "
        "A person's role is never a property of the person.",
        (
            At(
                "identifiers",
                "Person identifiers: NHS number, LA child id, police person id or another system.",
                IDENT,
                many=True,
                path=("identifier",),
            ),
            At("name", "The person's name.", NAME, path=("name", 0)),
            At("birthDate", "Date of birth, or why it is absent.", DATE_OR_ABSENT, required=True, path=("birthDate",)),
            At(
                "administrativeGender",
                "Administrative gender (FHIR; not sex, not gender identity).",
                STR,
                path=("gender",),
            ),
            Ext("unborn", "True for an unborn child.", BOOL, url="unborn"),
            Ext("expectedBirthDate", "Expected date of birth of an unborn child.", DATE, url="expected-birth-date"),
            *_CHARACTERISTICS,
            Ext(
                "childrenInContact",
                "For adults: whether children live with or have contact with them (L23).",
                char("children-in-contact"),
                url="children-in-contact",
            ),
            _LAST_VERIFIED,
            At(
                "addresses",
                "Addresses; a confidential (refuge) address is marked.",
                ADDRESS,
                many=True,
                path=("address",),
            ),
        ),
    ),
    Section(
        "households",
        "DAHousehold",
        "Group",
        "Households and their membership over time.",
        (
            At("name", "A label for the household.", STR, path=("name",)),
            Items(
                "members",
                "Members of the household over time.",
                many=True,
                required=True,
                path="member",
                fields=(
                    At("person", "The member (local id of a person).", _PERSON, required=True, path=("entity",)),
                    At("period", "When the person joined and left.", PERIOD, path=("period",)),
                    Complex(
                        "membershipChange",
                        "Why the person left and where they (or the children) went.",
                        url="membership-change",
                        fields=(
                            Ext("reason", "Why the person left.", code("membership-change-reason"), url="reason"),
                            Ext("destination", "Where they went.", STR, url="destination"),
                        ),
                    ),
                ),
            ),
            _LAST_VERIFIED,
        ),
        fixed={"type": "person", "actual": True},
    ),
    Section(
        "relationships",
        "DARelationship",
        "RelatedPerson",
        "Relationships between two persons over time: `relationship` says what `relatedPerson` is to `person`.",
        (
            At("person", "Person A (local id).", _PERSON, required=True, path=("patient",)),
            Ext("relatedPerson", "Person B (local id).", _PERSON, required=True, url="related-person"),
            At(
                "relationship",
                "What person B is to person A.",
                code("relationship-type"),
                many=True,
                required=True,
                path=("relationship",),
            ),
            At("period", "When the relationship existed.", PERIOD, path=("period",)),
            Complex(
                "episodes",
                "Dated status episodes: together, separated, reconciled.",
                many=True,
                url="relationship-episode",
                fields=(
                    Ext(
                        "status",
                        "The relationship status in this episode.",
                        code("relationship-status"),
                        required=True,
                        url="status",
                    ),
                    Ext("period", "When the episode applied.", PERIOD, url="period"),
                ),
            ),
            _LAST_VERIFIED,
        ),
    ),
    Section(
        "incidents",
        "DAIncident",
        "Observation",
        "Incidents: what happened, by whom, to whom.",
        (
            _status("Observation status (e.g. final, amended)."),
            At(
                "identifiers",
                "The agency references of the incident (e.g. police incident reference).",
                IDENT,
                many=True,
                required=True,
                path=("identifier",),
            ),
            At(
                "subject",
                "The household or person the incident is about (local id).",
                ref("households", "persons"),
                required=True,
                path=("subject",),
            ),
            *_obs_effective(),
            At("recorded", "When the incident was recorded (instant).", INSTANT, path=("issued",)),
            At("agency", "The reporting agency (local id).", _AGENCY, required=True, path=("performer", 0)),
            At(
                "behaviour",
                "The behaviour described: what happened, by whom, to whom (L01).",
                STR,
                required=True,
                path=("valueString",),
            ),
            Comp(
                "abuseKinds",
                "The kinds of abuse (L02).",
                code("abuse-kind"),
                many=True,
                required=True,
                code="abuse-kind",
            ),
            Comp("pattern", "Single incident or course of conduct.", code("conduct-pattern"), code="pattern"),
            Comp("riskLevel", "The risk level at the time.", code("risk-level"), code="risk-level"),
            Comp("injury", "Whether anyone was injured.", BOOL, code="injury"),
            Comp("weaponUsed", "Whether a weapon was used.", BOOL, code="weapon-used"),
            Comp("strangulation", "Whether there was strangulation or suffocation.", BOOL, code="strangulation"),
            Comp("policeOutcome", "The police outcome.", code("police-outcome"), code="police-outcome"),
            Complex(
                "parties",
                "The people involved and their roles in this incident.",
                many=True,
                required=True,
                url="incident-party",
                fields=(
                    Ext("person", "The person (local id).", _PERSON, required=True, url="person"),
                    Ext("role", "Their role in this incident.", code("incident-role"), required=True, url="role"),
                    Ext("exposure", "How a child was exposed.", code("child-exposure"), many=True, url="exposure"),
                    Ext("injured", "Whether this person was injured.", BOOL, url="injured"),
                    Ext("school", "The child's school (local id of an agency).", _AGENCY, url="school"),
                    Ext(
                        "roleRationale",
                        "Why the role was recorded (e.g. both adults causing harm).",
                        STR,
                        url="roleRationale",
                    ),
                ),
            ),
            Ext(
                "linkedIncidents",
                "Earlier incidents in the same course of conduct (local ids).",
                ref("incidents"),
                many=True,
                url="linked-incident",
            ),
            Ext("crimeReference", "Crime reference recorded under HOCR.", IDENT, url="crime-reference"),
            _notes(),
        ),
        record_type="incident",
        record_type_at="code",
    ),
    Section(
        "childVictimStatuses",
        "DAChildVictimStatus",
        "Observation",
        "A child's victim status under the Domestic Abuse Act 2021 s3 (or s1 for 16-17), kept for life.",
        (
            _status("Observation status."),
            At("child", "The child (local id).", _PERSON, required=True, path=("subject",)),
            At(
                "incidents",
                "The incidents the status rests on (local ids).",
                ref("incidents"),
                many=True,
                path=("focus",),
            ),
            At(
                "effectiveDateTime",
                "When the status was determined.",
                DATETIME,
                required=True,
                path=("effectiveDateTime",),
            ),
            At(
                "victimStatus",
                "The victim status.",
                code("victim-status"),
                required=True,
                path=("valueCodeableConcept",),
            ),
            Comp(
                "basis",
                "How the child was affected (sees, hears, experiences the effects).",
                code("s3-basis"),
                many=True,
                code="basis",
            ),
            Comp(
                "relatedTo",
                "How the child is related to the victim or the person causing harm.",
                code("s3-relatedness"),
                many=True,
                code="related-to",
            ),
            Comp("notVictimReason", "Why the child is recorded as not a victim.", STR, code="not-victim-reason"),
            _notes(),
        ),
        record_type="child-victim-status",
        record_type_at="code",
    ),
    Section(
        "abuseClassifications",
        "DAAbuseClassification",
        "Observation",
        "Domestic abuse or parental conflict, with its basis (L03).",
        (
            _status("Observation status."),
            At(
                "subject",
                "The household or person classified (local id).",
                ref("households", "persons"),
                required=True,
                path=("subject",),
            ),
            At("incidents", "The incidents classified (local ids).", ref("incidents"), many=True, path=("focus",)),
            At(
                "effectiveDateTime",
                "When the classification was made.",
                DATETIME,
                required=True,
                path=("effectiveDateTime",),
            ),
            At(
                "classification",
                "The classification.",
                code("abuse-classification"),
                required=True,
                path=("valueCodeableConcept",),
            ),
            Comp(
                "basis",
                "The basis of the classification.",
                code("classification-basis"),
                many=True,
                required=True,
                code="basis",
            ),
            _notes(),
        ),
        record_type="abuse-classification",
        record_type_at="code",
    ),
    Section(
        "childContacts",
        "DAChildContact",
        "Encounter",
        "A practitioner's contact with a child and the child's voice (L07).",
        (
            _status("Encounter status (e.g. finished)."),
            At(
                "contactClass",
                "The kind of contact (v3-ActCode: FLD, HH, AMB, VR).",
                Val("coding", "encounter-class"),
                required=True,
                path=("class",),
            ),
            At("child", "The child (local id).", _PERSON, required=True, path=("subject",)),
            At("agency", "The agency that made the contact (local id).", _AGENCY, path=("serviceProvider",)),
            At("start", "When the contact started.", DATETIME, required=True, path=("period", "start")),
            At("end", "When the contact ended.", DATETIME, path=("period", "end")),
            Complex(
                "voice",
                "Whether the child was seen, spoken with and seen alone, and their words and wishes.",
                required=True,
                url="child-voice",
                fields=(
                    Ext("seen", "The child was seen.", BOOL, required=True, url="seen"),
                    Ext("spokenWith", "The child was spoken with.", BOOL, required=True, url="spokenWith"),
                    Ext("seenAlone", "The child was seen alone.", BOOL, required=True, url="seenAlone"),
                    Ext("notSpokenWithReason", "Why the child was not spoken with.", STR, url="notSpokenWithReason"),
                    Ext("words", "The child's own words.", STR, many=True, url="words"),
                    Ext("wishes", "The child's wishes.", STR, many=True, url="wishes"),
                ),
            ),
        ),
    ),
    Section(
        "disclosures",
        "DADisclosure",
        "Communication",
        "Disclosures and retractions; a retraction never deletes the disclosure (L19).",
        (
            _status("Communication status (e.g. completed)."),
            At(
                "kind",
                "disclosure or retraction (the record-type code).",
                Val("record-kind", "disclosure-category"),
                required=True,
                path=("category",),
            ),
            At("victim", "The victim the disclosure is about (local id).", _PERSON, path=("subject",)),
            At("incidents", "The incidents disclosed (local ids).", ref("incidents"), many=True, path=("about",)),
            At("sent", "When the disclosure was made.", DATETIME, required=True, path=("sent",)),
            At("recipient", "The agency the disclosure was made to (local id).", _AGENCY, path=("recipient", 0)),
            At("discloser", "The person disclosing (local id).", _PERSON, required=True, path=("sender",)),
            At("content", "What was disclosed.", STR, path=("payload", 0, "contentString")),
            Complex(
                "response",
                "The response to the disclosure.",
                url="disclosure-response",
                fields=(
                    Ext("action", "What was done.", code("disclosure-response"), required=True, url="action"),
                    Ext("date", "When.", DATETIME, url="date"),
                    Ext("by", "By which agency (local id).", _AGENCY, url="by"),
                ),
            ),
            Ext("retracts", "The disclosure this retraction retracts (local id).", ref("disclosures"), url="retracts"),
        ),
        record_type_at="category",
    ),
    Section(
        "riskAssessments",
        "DARiskAssessment",
        "RiskAssessment",
        "Risk assessments: tool, answers by question number, score, level and professional judgement.",
        (
            _status("RiskAssessment status (e.g. final)."),
            At("tool", "The risk assessment tool.", code("risk-tool"), required=True, path=("method",)),
            At("victim", "The person assessed (local id).", _PERSON, required=True, path=("subject",)),
            At("date", "When the assessment was made.", DATETIME, required=True, path=("occurrenceDateTime",)),
            At("agency", "The assessing agency (local id).", _AGENCY, path=("performer",)),
            At("incidents", "The incidents assessed (local ids).", ref("incidents"), many=True, path=("basis",)),
            At("level", "The risk level.", code("risk-level"), path=("prediction", 0, "qualitativeRisk")),
            Ext("toolVersion", "The tool version.", STR, url="risk-tool-version"),
            Complex(
                "items",
                "Answers by question number (never the licensed wording).",
                many=True,
                url="risk-item",
                fields=(
                    Ext("question", "The question number.", INT, required=True, url="question"),
                    Ext("answer", "The answer.", code("risk-answer"), required=True, url="answer"),
                    Ext("comment", "A comment on the answer.", STR, url="comment"),
                ),
            ),
            Ext("score", "The score (number of yes answers).", INT, url="risk-score"),
            Complex(
                "professionalJudgement",
                "A professional judgement that overrides the score.",
                url="professional-judgement",
                fields=(
                    Ext("level", "The judged risk level.", code("risk-level"), required=True, url="level"),
                    Ext("reason", "Why.", STR, url="reason"),
                ),
            ),
            Ext(
                "maracCriteria",
                "The MARAC referral criteria met.",
                code("marac-criterion"),
                many=True,
                url="marac-criterion",
            ),
        ),
    ),
    Section(
        "maracReferrals",
        "DAMaracReferral",
        "ServiceRequest",
        "MARAC referrals (L11).",
        (
            _status("ServiceRequest status (e.g. active, completed)."),
            At("victim", "The victim referred (local id).", _PERSON, required=True, path=("subject",)),
            At("authoredOn", "When the referral was made.", DATETIME, required=True, path=("authoredOn",)),
            At("referrer", "The referring agency (local id).", _AGENCY, path=("requester",)),
            At("criteria", "The MARAC criteria met.", code("marac-criterion"), many=True, path=("reasonCode",)),
            At(
                "supportingInfo",
                "The risk assessments and incidents supporting it (local ids).",
                ref("riskAssessments", "incidents"),
                many=True,
                path=("supportingInfo",),
            ),
            Ext("personCausingHarm", "The person causing harm (local id).", _PERSON, url="marac-person-causing-harm"),
            Ext("children", "The children in the household (local ids).", _PERSON, many=True, url="marac-child"),
            Ext(
                "sharingBasis",
                "Consent, or the basis for sharing without consent.",
                code("sharing-basis"),
                url="sharing-basis",
            ),
        ),
        fixed={"intent": "order"},
        record_type="marac-referral",
        record_type_at="code",
    ),
    Section(
        "plans",
        "DAPlan",
        "CarePlan",
        "Safety, child protection, CIN, MARAC action and early help plans; "
        "every action names whom it is directed at (L06).",
        (
            _status("CarePlan status (e.g. active)."),
            At("planType", "The kind of plan.", code("plan-type"), required=True, path=("category", 0)),
            At("subject", "The child or victim the plan is for (local id).", _PERSON, required=True, path=("subject",)),
            At("period", "When the plan applies.", PERIOD, path=("period",)),
            At(
                "basedOn",
                "The MARAC referral the plan follows (local ids).",
                ref("maracReferrals"),
                many=True,
                path=("basedOn",),
            ),
            Items(
                "activities",
                "The plan's actions.",
                many=True,
                path="activity",
                fields=(
                    Ext(
                        "directedAt",
                        "Whom the action is directed at (local ids of persons).",
                        _PERSON,
                        many=True,
                        required=True,
                        url="action-directed-at",
                    ),
                    At("action", "The action.", code("plan-action"), path=("detail", "code")),
                    At(
                        "status",
                        "The action's status (CarePlan activity status, e.g. not-started).",
                        STR,
                        required=True,
                        path=("detail", "status"),
                    ),
                    At("description", "What is to be done.", STR, path=("detail", "description")),
                    At("agency", "The agency responsible (local id).", _AGENCY, path=("detail", "performer", 0)),
                ),
            ),
        ),
        fixed={"intent": "plan"},
    ),
    Section(
        "riskFactors",
        "DARiskFactor",
        "Observation",
        "Dated triggers and risk factors for one person (L22).",
        (
            _status("Observation status."),
            At("person", "The person (local id).", _PERSON, required=True, path=("subject",)),
            *_obs_effective(),
            At("factor", "The risk factor.", code("risk-factor"), required=True, path=("valueCodeableConcept",)),
            _notes(),
        ),
        record_type="risk-factor",
        record_type_at="code",
    ),
    Section(
        "offendingHistories",
        "DAOffendingHistory",
        "Observation",
        "A person's history of violence or offending (L21).",
        (
            _status("Observation status."),
            At("person", "The person (local id).", _PERSON, required=True, path=("subject",)),
            *_obs_effective(),
            At("agency", "The agency that holds the history (local id).", _AGENCY, path=("performer", 0)),
            At(
                "history",
                "The kind of history.",
                code("offending-history"),
                required=True,
                path=("valueCodeableConcept",),
            ),
            _notes(),
        ),
        record_type="offending-history",
        record_type_at="code",
    ),
    Section(
        "historyChecks",
        "DAHistoryCheck",
        "Observation",
        "Disclosure-scheme (Clare's Law) and records checks on an adult (L21).",
        (
            _status("Observation status."),
            At("person", "The adult checked (local id).", _PERSON, required=True, path=("subject",)),
            At("personsAtRisk", "The persons at risk (local ids).", _PERSON, many=True, path=("focus",)),
            At("effectiveDateTime", "When the check was made.", DATETIME, required=True, path=("effectiveDateTime",)),
            At("agency", "The agency that made the check (local id).", _AGENCY, path=("performer", 0)),
            At("outcome", "The outcome.", code("history-check-outcome"), required=True, path=("valueCodeableConcept",)),
            Comp("checkType", "The kind of check.", code("history-check-type"), required=True, code="check-type"),
        ),
        record_type="history-check",
        record_type_at="code",
    ),
    Section(
        "contactArrangements",
        "DAContactArrangement",
        "Observation",
        "A child's contact arrangement with an adult (L17).",
        (
            _status("Observation status."),
            At("child", "The child (local id).", _PERSON, required=True, path=("subject",)),
            At("adult", "The adult the child has contact with (local id).", _PERSON, required=True, path=("focus", 0)),
            At("effectivePeriod", "When the arrangement applies.", PERIOD, required=True, path=("effectivePeriod",)),
            Comp("supervised", "Whether contact is supervised.", BOOL, code="supervised"),
            Comp("courtOrder", "The court order in place.", code("court-order"), code="court-order"),
            Comp("arrangementType", "The kind of contact.", code("contact-type"), code="arrangement-type"),
            _notes(),
        ),
        record_type="contact-arrangement",
        record_type_at="code",
    ),
    Section(
        "adultAssessments",
        "DAAdultAssessment",
        "Observation",
        "Assessments of significant adults in the child's life: risk, protective capacity, engagement (L15).",
        (
            _status("Observation status."),
            At("adult", "The adult assessed (local id).", _PERSON, required=True, path=("subject",)),
            At("children", "The children concerned (local ids).", _PERSON, many=True, path=("focus",)),
            At(
                "effectiveDateTime",
                "When the assessment was made.",
                DATETIME,
                required=True,
                path=("effectiveDateTime",),
            ),
            At("agency", "The assessing agency (local id).", _AGENCY, path=("performer", 0)),
            Comp("riskToChild", "The risk the adult poses to the child.", code("risk-level"), code="risk-to-child"),
            Comp(
                "protectiveCapacity",
                "The adult's protective capacity.",
                code("protective-capacity"),
                code="protective-capacity",
            ),
            Comp("engaged", "Whether the adult engaged.", BOOL, code="engaged"),
            Comp("role", "The adult's role in the child's life.", code("adult-role"), required=True, code="role"),
            _notes(),
        ),
        record_type="adult-assessment",
        record_type_at="code",
    ),
    Section(
        "serviceEpisodes",
        "DAServiceEpisode",
        "EpisodeOfCare",
        "Service engagement over time (L08, L12, L20).",
        (
            _status("EpisodeOfCare status (e.g. active, finished)."),
            At("serviceType", "The kind of service.", code("service-type"), many=True, required=True, path=("type",)),
            At("person", "The person receiving the service (local id).", _PERSON, required=True, path=("patient",)),
            At("agency", "The agency providing it (local id).", _AGENCY, path=("managingOrganization",)),
            At("period", "When the service was provided.", PERIOD, path=("period",)),
            Ext("lastContact", "The last contact with the person.", DATETIME, url="last-contact"),
            Complex(
                "attendance",
                "Sessions offered, attended and missed.",
                url="attendance",
                fields=(
                    Ext("offered", "Sessions offered.", INT, url="offered"),
                    Ext("attended", "Sessions attended.", INT, url="attended"),
                    Ext("missed", "Sessions missed.", INT, url="missed"),
                ),
            ),
            Ext(
                "offerOutcome",
                "Whether the service was accepted, declined or not offered.",
                code("offer-outcome"),
                url="offer-outcome",
            ),
            Ext("endReason", "Why the service ended.", code("service-end-reason"), url="end-reason"),
            Complex(
                "followUp",
                "Follow-up after the service ended.",
                url="follow-up",
                fields=(
                    Ext("planned", "Whether follow-up is planned.", BOOL, required=True, url="planned"),
                    Ext("date", "When.", DATE, url="date"),
                    Ext("by", "By which agency (local id).", _AGENCY, url="by"),
                ),
            ),
        ),
    ),
    Section(
        "informationSharing",
        "DAInformationSharing",
        "Communication",
        "What was shared, from which agency to which, when and on what basis (L11, L24).",
        (
            _status("Communication status (e.g. completed)."),
            At("about", "What was shared (local ids of any items).", ref(), many=True, path=("about",)),
            At("sent", "When it was shared.", DATETIME, required=True, path=("sent",)),
            At("to", "The receiving agencies (local ids).", _AGENCY, many=True, required=True, path=("recipient",)),
            At("from", "The sending agency (local id).", _AGENCY, required=True, path=("sender",)),
            At("summary", "A summary of what was shared.", STR, path=("payload", 0, "contentString")),
            Ext(
                "sharingBasis",
                "Consent or the lawful basis for sharing.",
                code("sharing-basis"),
                required=True,
                url="sharing-basis",
            ),
        ),
        record_type="information-sharing",
        record_type_at="category",
    ),
    Section(
        "provenance",
        "DAProvenance",
        "Provenance",
        "Where facts came from and how they are known (L25).",
        (
            At(
                "targets",
                "The items these facts are about (local ids).",
                ref(),
                many=True,
                required=True,
                path=("target",),
            ),
            At("recorded", "When the source recorded them (instant).", INSTANT, required=True, path=("recorded",)),
            At(
                "agency", "The agency the facts came from (local id).", _AGENCY, required=True, path=("agent", 0, "who")
            ),
            Items(
                "sources",
                "The source files and records.",
                many=True,
                path="entity",
                fields=(
                    At("role", "The entity's role (e.g. source).", STR, required=True, path=("role",)),
                    At("file", "The source file or system.", STR, path=("what", "display")),
                    At("record", "The record within it.", IDENT, path=("what", "identifier")),
                ),
            ),
            Ext("factSource", "How the facts are known.", code("fact-source"), url="fact-source"),
            Ext("factSourcePerson", "Who reported them, for a report (local id).", _PERSON, url="fact-source-person"),
        ),
        identifier=False,
    ),
)

SECTION_BY_KEY: Final[Mapping[str, Section]] = {s.key: s for s in SECTIONS}
_DISCLOSURE_KINDS: Final = ("disclosure", "retraction")


# --------------------------------------------------------------------------------------------------------------
# JSON Schema generation.

_ABSENT_SCHEMA: Final[Mapping[str, Any]] = {
    "type": "object",
    "description": "The value is absent, and why.",
    "properties": {
        "absentReason": {
            "description": "Why the value is absent (FHIR data-absent-reason; not-applicable covers age).",
            "enum": list(ABSENT_REASONS),
        }
    },
    "required": ["absentReason"],
    "additionalProperties": False,
}


def _period_schema(doc: str) -> dict[str, Any]:
    return {
        "type": "object",
        "description": doc,
        "properties": {
            "start": {"type": "string", "pattern": DATETIME_PATTERN, "description": "Start (dateTime)."},
            "end": {"type": "string", "pattern": DATETIME_PATTERN, "description": "End (dateTime)."},
        },
        "additionalProperties": False,
        "minProperties": 1,
    }


def _value_schema(val: Val, doc: str) -> dict[str, Any]:
    kind = val.kind
    if kind in ("string", "annotation"):
        return {"type": "string", "pattern": STRING_PATTERN, "description": doc}
    if kind == "boolean":
        return {"type": "boolean", "description": doc}
    if kind == "integer":
        return {"type": "integer", "description": doc}
    if kind in ("date", "dateTime", "instant"):
        pattern = {"date": DATE_PATTERN, "dateTime": DATETIME_PATTERN, "instant": INSTANT_PATTERN}[kind]
        return {"type": "string", "pattern": pattern, "description": doc}
    if kind in ("code", "coding", "record-kind"):
        return {"type": "string", "pattern": CODE_PATTERN, "x-valueSet": val.value_set, "description": doc}
    if kind == "ref":
        return {
            "type": "string",
            "pattern": LOCAL_ID_PATTERN,
            "x-references": list(val.targets) or ["*"],
            "description": doc,
        }
    if kind == "period":
        return _period_schema(doc)
    if kind == "identifier":
        return {
            "type": "object",
            "description": doc,
            "properties": {
                "system": {"type": "string", "format": "uri", "description": "The identifier namespace (a URI)."},
                "value": {"type": "string", "pattern": STRING_PATTERN, "description": "The identifier value."},
            },
            "required": ["value"],
            "additionalProperties": False,
        }
    if kind == "characteristic":
        coded = _value_schema(code(val.value_set), "The code.")
        return {
            "description": doc,
            "oneOf": [
                {**coded, "description": "A code from the named code list."},
                {
                    "type": "object",
                    "description": "A code with the text the person used.",
                    "properties": {
                        "code": coded,
                        "text": {"type": "string", "pattern": STRING_PATTERN, "description": "Text."},
                    },
                    "required": ["code", "text"],
                    "additionalProperties": False,
                },
                dict(_ABSENT_SCHEMA),
            ],
        }
    if kind == "date-or-absent":
        return {
            "description": doc,
            "oneOf": [{"type": "string", "pattern": DATE_PATTERN, "description": "The date."}, dict(_ABSENT_SCHEMA)],
        }
    if kind == "name":
        return {
            "type": "object",
            "description": doc,
            "properties": {
                "text": {"type": "string", "pattern": STRING_PATTERN, "description": "The full name as written."},
                "family": {"type": "string", "pattern": STRING_PATTERN, "description": "Family name."},
                "given": {
                    "type": "array",
                    "items": {"type": "string", "pattern": STRING_PATTERN},
                    "minItems": 1,
                    "description": "Given names.",
                },
            },
            "additionalProperties": False,
            "minProperties": 1,
        }
    if kind == "address":
        text = {"type": "string", "pattern": STRING_PATTERN}
        return {
            "type": "object",
            "description": doc,
            "properties": {
                "use": {"enum": ["home", "work", "temp", "old", "billing"], "description": "Address use."},
                "text": {**text, "description": "The address as written."},
                "line": {"type": "array", "items": text, "minItems": 1, "description": "Street lines."},
                "city": {**text, "description": "Town or city."},
                "district": {**text, "description": "District or county."},
                "postalCode": {**text, "description": "Postcode."},
                "country": {**text, "description": "Country."},
                "period": _period_schema("When the person lived there."),
                "confidential": {"type": "boolean", "description": "A confidential (refuge) address (L16)."},
            },
            "additionalProperties": False,
            "minProperties": 1,
        }
    raise ValueError(f"no schema for value kind {kind!r}")


def _field_schema(f: Field) -> dict[str, Any]:
    if isinstance(f, Complex | Items):
        item = {**_object_schema(f.fields, f.doc), "minProperties": 1}
    else:
        assert f.val is not None
        item = _value_schema(f.val, f.doc)
    if f.many:
        return {"type": "array", "description": f.doc, "items": item, "minItems": 1}
    return item


def _object_schema(fields: Sequence[Field], doc: str, extra: Mapping[str, Any] | None = None) -> dict[str, Any]:
    properties: dict[str, Any] = dict(extra or {})
    for f in fields:
        properties[f.key] = _field_schema(f)
    required = [k for k in (extra or {}) if k == "id"] + [f.key for f in fields if f.required]
    schema: dict[str, Any] = {"type": "object", "description": doc, "properties": properties}
    if required:
        schema["required"] = required
    schema["additionalProperties"] = False
    return schema


_SECURITY_CODE: Final = Val("code", "confidentiality")


def _security_schema(doc: str, *, top: bool) -> dict[str, Any]:
    schema: dict[str, Any] = {
        "type": "object",
        "description": doc,
        "properties": {
            "confidentiality": {
                "type": "string",
                "pattern": CODE_PATTERN,
                "x-valueSet": "confidentiality",
                "description": "v3-Confidentiality code (R restricted, V very restricted).",
            },
            "labels": {
                "type": "array",
                "items": {"type": "string", "pattern": CODE_PATTERN},
                "description": "v3-ActCode security labels (SDV: sensitive domestic violence).",
            },
        },
        "required": ["confidentiality", "labels"],
        "additionalProperties": False,
    }
    if top:
        schema["properties"]["labels"]["contains"] = {"const": "SDV"}
    return schema


def build_schema() -> dict[str, Any]:
    """The logical record's JSON Schema, generated from ``SECTIONS`` (the shipped file must equal it)."""
    properties: dict[str, Any] = {
        "recordType": {"const": RECORD_TYPE, "description": "Always dastandard-logical-record."},
        "version": {"const": RECORD_VERSION, "description": "The version of the logical record format."},
        "caseId": {
            "type": "string",
            "pattern": STRING_PATTERN,
            "description": "The case reference (DACaseBundle.identifier).",
        },
        "extractedAt": {
            "type": "string",
            "pattern": INSTANT_PATTERN,
            "description": "When the record was extracted (Bundle.timestamp and the conversion Provenance).",
        },
        "security": _security_schema("Security labels of the whole record (meta.security).", top=True),
    }
    item_extra = {
        "id": {"type": "string", "pattern": LOCAL_ID_PATTERN, "description": "Local id, unique in the record."},
        "security": _security_schema("Security labels of this item when they differ from the record's.", top=False),
    }
    for section in SECTIONS:
        extra = item_extra if section.identifier else {"security": item_extra["security"]}
        properties[section.key] = {
            "type": "array",
            "description": section.doc,
            "items": _object_schema(section.fields, f"One {section.profile} ({section.resource_type}).", extra),
        }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"{standard().canonical}/{SCHEMA_FILE}",
        "title": "dastandard logical record",
        "description": "A plain JSON record holding the same information as a DACaseBundle. Items refer to each "
        "other by local id; x-valueSet names the shipped ValueSet a code must come from.",
        "type": "object",
        "properties": properties,
        "required": ["recordType", "version", "caseId", "extractedAt", "security"],
        "additionalProperties": False,
    }


@cache
def _validator() -> Draft202012Validator:
    return Draft202012Validator(read_json("validators", SCHEMA_FILE))


# --------------------------------------------------------------------------------------------------------------
# Validation.


def _json_path(parts: Sequence[str | int]) -> str:
    out = "$"
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else f".{part}"
    return out


def _iter_leaf_values(
    f: Field, value: Any, path: tuple[str | int, ...]
) -> Iterator[tuple[tuple[str | int, ...], Val, Any]]:
    values = list(enumerate(value)) if f.many and isinstance(value, list) else [(None, value)]
    for index, one in values:
        here = path if index is None else (*path, index)
        if isinstance(f, Complex | Items):
            if isinstance(one, dict):
                for sub in f.fields:
                    if sub.key in one:
                        yield from _iter_leaf_values(sub, one[sub.key], (*here, sub.key))
        elif f.val is not None:
            yield here, f.val, one


def _iter_items(doc: Mapping[str, Any]) -> Iterator[tuple[Section, int, dict[str, Any]]]:
    for section in SECTIONS:
        items = doc.get(section.key)
        if isinstance(items, list):
            for index, item in enumerate(items):
                if isinstance(item, dict):
                    yield section, index, item


def validate_logical(doc: Any) -> Iterator[tuple[str, str]]:
    """Yield ``(json_path, message)`` for every schema error, unknown code and dangling or mistyped local id."""
    schema_errors = sorted(_validator().iter_errors(doc), key=lambda e: (list(map(str, e.absolute_path)), e.message))
    for error in schema_errors:
        yield _json_path(list(error.absolute_path)), error.message
    if not isinstance(doc, dict):
        return
    owners: dict[str, str] = {}
    for section, index, item in _iter_items(doc):
        local = item.get("id")
        if not isinstance(local, str):
            continue
        if local in owners:
            yield _json_path([section.key, index, "id"]), f"local id {local!r} is already used in {owners[local]}"
        else:
            owners[local] = section.key
    if isinstance(doc.get("security"), dict):
        yield from _check_value(
            _SECURITY_CODE, doc["security"].get("confidentiality"), ("security", "confidentiality"), owners
        )
    for section, index, item in _iter_items(doc):
        if isinstance(item.get("security"), dict):
            if item["security"] == doc.get("security"):
                yield (
                    _json_path([section.key, index, "security"]),
                    "the same as the record's security labels; give an item's labels only when they differ",
                )
            where = (section.key, index, "security", "confidentiality")
            yield from _check_value(_SECURITY_CODE, item["security"].get("confidentiality"), where, owners)
        for f in section.fields:
            if f.key not in item:
                continue
            for path, val, value in _iter_leaf_values(f, item[f.key], (section.key, index, f.key)):
                yield from _check_value(val, value, path, owners)


def _check_value(
    val: Val, value: Any, path: tuple[str | int, ...], owners: Mapping[str, str]
) -> Iterator[tuple[str, str]]:
    if val.kind == "ref" and isinstance(value, str):
        target = owners.get(value)
        if target is None:
            yield _json_path(path), f"local id {value!r} does not name any item in the record"
        elif val.targets and target not in val.targets:
            yield _json_path(path), f"local id {value!r} is in {target}, expected {' or '.join(val.targets)}"
    elif val.kind in ("code", "coding", "characteristic", "record-kind"):
        the_code = value.get("code") if isinstance(value, dict) else value
        if isinstance(the_code, str):
            codes = value_set_codes(val.value_set)
            if codes is not None and the_code not in codes:
                yield _json_path(path), f"code {the_code!r} is not in the value set {val.value_set}"


# --------------------------------------------------------------------------------------------------------------
# Logical record -> FHIR Bundle.


def _security_codings(security: Mapping[str, Any]) -> list[dict[str, str]]:
    codings = [{"system": CONFIDENTIALITY_SYSTEM, "code": str(security["confidentiality"])}]
    codings += [{"system": ACT_CODE_SYSTEM, "code": str(label)} for label in security.get("labels", [])]
    return codings


@dataclass
class _Out:
    case_id: str

    def ref(self, local: str) -> dict[str, str]:
        return {"reference": full_url(stable_id(self.case_id, local))}


def _cc(value_set: str, the_code: str) -> dict[str, Any]:
    return {"coding": [{"system": system_for(value_set, the_code), "code": the_code}]}


def _absent(reason: str) -> dict[str, Any]:
    return {"extension": [{"url": DATA_ABSENT_REASON, "valueCode": reason}]}


def _to_fhir_value(val: Val, value: Any, out: _Out) -> Any:
    kind = val.kind
    if kind in ("string", "boolean", "integer", "date", "dateTime", "instant"):
        return value
    if kind == "code":
        return _cc(val.value_set, value)
    if kind == "coding":
        return {"system": system_for(val.value_set, value), "code": value}
    if kind == "record-kind":
        return [{"coding": [{"system": record_type_system(), "code": value}]}]
    if kind == "ref":
        return out.ref(value)
    if kind == "annotation":
        return {"text": value}
    if kind == "characteristic":
        if isinstance(value, str):
            return _cc(val.value_set, value)
        if "absentReason" in value:
            return _absent(value["absentReason"])
        return {**_cc(val.value_set, value["code"]), "text": value["text"]}
    if kind in ("period", "identifier", "name"):
        return copy.deepcopy(value)
    if kind == "address":
        address: dict[str, Any] = {}
        if "confidential" in value:
            address["extension"] = [
                {"url": extension_url("confidential-address"), "valueBoolean": value["confidential"]}
            ]
        address.update((k, copy.deepcopy(v)) for k, v in value.items() if k != "confidential")
        return address
    raise ValueError(f"no FHIR form for value kind {kind!r}")


def _ext_url(url: str, nested: bool) -> str:
    if nested or url.startswith("http"):
        return url
    return extension_url(url)


def _put(f: Field, res: dict[str, Any], value: Any, out: _Out, nested: bool = False) -> None:
    values = value if f.many else [value]
    if isinstance(f, At):
        assert f.val is not None
        if f.val.kind == "date-or-absent":
            if isinstance(value, str):
                res[str(f.path[0])] = value
            else:
                res[f"_{f.path[0]}"] = _absent(value["absentReason"])
            return
        converted = [_to_fhir_value(f.val, v, out) for v in values] if f.many else _to_fhir_value(f.val, value, out)
        _set_path(res, f.path, converted)
    elif isinstance(f, Ext):
        assert f.val is not None
        key = "value" + _VALUE_SUFFIX[f.val.kind]
        for v in values:
            res.setdefault("extension", []).append({"url": _ext_url(f.url, nested), key: _to_fhir_value(f.val, v, out)})
    elif isinstance(f, Complex):
        for v in values:
            ext: dict[str, Any] = {"url": _ext_url(f.url, nested), "extension": []}
            for sub in f.fields:
                if sub.key in v:
                    _put(sub, ext, v[sub.key], out, nested=True)
            res.setdefault("extension", []).append(ext)
    elif isinstance(f, Comp):
        assert f.val is not None
        key = "value" + _VALUE_SUFFIX[f.val.kind]
        for v in values:
            res.setdefault("component", []).append(
                {
                    "code": {"coding": [{"system": component_system(), "code": f.code}]},
                    key: _to_fhir_value(f.val, v, out),
                }
            )
    elif isinstance(f, Items):
        built = []
        for v in values:
            element: dict[str, Any] = {}
            for sub in f.fields:
                if sub.key in v:
                    _put(sub, element, v[sub.key], out)
            built.append(_ordered(element))
        res[f.path] = built


def _set_path(res: dict[str, Any], path: tuple[str | int, ...], value: Any) -> None:
    parent: Any = res
    for seg, nxt in itertools.pairwise(path):
        if isinstance(seg, int):
            while len(parent) <= seg:
                parent.append({} if isinstance(nxt, str) else [])
            parent = parent[seg]
        else:
            parent = parent.setdefault(seg, [] if isinstance(nxt, int) else {})
    last = path[-1]
    if isinstance(last, int):
        parent.append(value)
    else:
        parent[last] = value


_KEY_ORDER: Final = ("resourceType", "id", "meta", "url", "extension", "identifier")


def _ordered(res: dict[str, Any]) -> dict[str, Any]:
    first: dict[str, Any] = {k: res[k] for k in _KEY_ORDER if k in res}
    return {**first, **{k: v for k, v in res.items() if k not in first}}


def _fixed(section: Section) -> dict[str, Any]:
    fixed = dict(section.fixed)
    if section.record_type and section.record_type_at == "code":
        fixed["code"] = {"coding": [{"system": record_type_system(), "code": section.record_type}]}
    if section.record_type and section.record_type_at == "category":
        fixed["category"] = [{"coding": [{"system": record_type_system(), "code": section.record_type}]}]
    return fixed


def _item_resource(
    section: Section, item: Mapping[str, Any], out: _Out, security: list[dict[str, str]], resource_id: str
) -> dict[str, Any]:
    res: dict[str, Any] = {"resourceType": section.resource_type, "id": resource_id}
    own_security = _security_codings(item["security"]) if "security" in item else security
    res["meta"] = {"profile": [profile_url(section.profile)], "security": own_security}
    res.update(copy.deepcopy(_fixed(section)))
    for f in section.fields:
        if f.key in item:
            _put(f, res, item[f.key], out)
    if section.identifier:
        res["identifier"] = [{"system": identifier_system("local-id"), "value": item["id"]}, *res.get("identifier", [])]
    return _ordered(res)


def logical_to_bundle(doc: Mapping[str, Any], *, source: str = "", checked: bool = False) -> dict[str, Any]:
    """Convert a logical record to a DACaseBundle; raise ValueError naming the first error if it is invalid.

    Ids are UUIDv5 values seeded by ``caseId`` and each local id, so the same record always gives the same Bundle.
    A DAProvenance entry names ``source`` (the source file) and the extraction time. ``checked=True`` skips the
    validation of ``doc`` for callers that have already validated it (or build it valid by construction, as the
    generator does, whose tests validate its output); an invalid record then gives undefined output.
    """
    if not checked:
        for path, message in validate_logical(doc):
            raise ValueError(f"{path}: {message}")
    case_id = str(doc["caseId"])
    out = _Out(case_id)
    security = _security_codings(doc["security"])
    entries: list[dict[str, Any]] = []
    for section in SECTIONS:
        for index, item in enumerate(doc.get(section.key, [])):
            key = item["id"] if section.identifier else f"#{section.key}-{index}"
            resource_id = stable_id(case_id, key)
            resource = _item_resource(section, item, out, security, resource_id)
            entries.append({"fullUrl": full_url(resource_id), "resource": resource})
    entries.append(_conversion_provenance(case_id, doc["extractedAt"], source, entries, security))
    return {
        "resourceType": "Bundle",
        "id": stable_id(case_id, "#bundle"),
        "meta": {"profile": [profile_url("DACaseBundle")], "security": security},
        "identifier": {"system": identifier_system("case-reference"), "value": case_id},
        "type": "collection",
        "timestamp": doc["extractedAt"],
        "entry": entries,
    }


def _conversion_provenance(
    case_id: str, recorded: str, source: str, entries: list[dict[str, Any]], security: list[dict[str, str]]
) -> dict[str, Any]:
    resource_id = stable_id(case_id, CONVERSION_PROVENANCE_KEY)
    entity: dict[str, Any] = {"role": "source", "what": {"display": source or "dastandard logical record"}}
    resource = {
        "resourceType": "Provenance",
        "id": resource_id,
        "meta": {"profile": [profile_url("DAProvenance")], "security": security},
        "target": [{"reference": e["fullUrl"]} for e in entries] or [{"display": "empty record"}],
        "recorded": recorded,
        "agent": [{"who": {"display": "dastandard logical record converter"}}],
        "entity": [entity],
    }
    return {"fullUrl": full_url(resource_id), "resource": resource}


# --------------------------------------------------------------------------------------------------------------
# FHIR Bundle -> logical record.


@dataclass
class _In:
    report: ConversionReport
    ids: dict[str, str] = field(default_factory=dict)  # fullUrl or Type/id -> local id

    def lost(self, location: str, name: str, message: str = "not held by the logical record") -> None:
        self.report.add(ReportEntry(Loss.UNMAPPED_FIELD, name, location, message))

    def rest(self, location: str, value: Any) -> None:
        """Report every non-empty leaf of ``value`` still left after mapping."""
        if value is None or value in ({}, []):
            return
        if isinstance(value, dict):
            for key, sub in value.items():
                self.rest(f"{location}.{key}", sub)
        elif isinstance(value, list):
            for index, sub in enumerate(value):
                self.rest(f"{location}[{index}]", sub)
        else:
            self.lost(location, location.rsplit(".", 1)[-1])


_MISSING: Final = object()


def _from_fhir_value(val: Val, fv: Any, inn: _In, loc: str) -> Any:
    kind = val.kind
    expected = {"string": str, "boolean": bool, "integer": int, "date": str, "dateTime": str, "instant": str}
    if kind in expected:
        ok = isinstance(fv, expected[kind]) and (kind == "boolean" or not isinstance(fv, bool))
        if not ok:
            inn.lost(loc, loc.rsplit(".", 1)[-1], f"not a {kind}")
            return _MISSING
        return fv
    if kind in ("code", "characteristic"):
        if not isinstance(fv, dict):
            inn.lost(loc, "CodeableConcept", "not a CodeableConcept")
            return _MISSING
        rest = dict(fv)
        if kind == "characteristic" and set(rest) == {"extension"} and len(rest["extension"]) == 1:
            ext = rest["extension"][0]
            if (
                isinstance(ext, dict)
                and ext.get("url") == DATA_ABSENT_REASON
                and ext.get("valueCode") in ABSENT_REASONS
                and len(ext) == 2
            ):
                return {"absentReason": ext["valueCode"]}
        codings = rest.pop("coding", None)
        if not isinstance(codings, list) or not codings:
            inn.rest(loc, fv)
            return _MISSING
        the_code = _from_coding(val, codings[0], inn, f"{loc}.coding[0]")
        inn.rest(f"{loc}.coding", [None, *codings[1:]])
        text = rest.pop("text", None) if kind == "characteristic" else None
        inn.rest(loc, rest)
        if the_code is _MISSING:
            return _MISSING
        return {"code": the_code, "text": text} if isinstance(text, str) else the_code
    if kind == "coding":
        return _from_coding(val, fv, inn, loc)
    if kind == "annotation":
        if not isinstance(fv, dict) or not isinstance(fv.get("text"), str):
            inn.rest(loc, fv)
            return _MISSING
        inn.rest(loc, {k: v for k, v in fv.items() if k != "text"})
        return fv["text"]
    if kind == "record-kind":
        if isinstance(fv, list) and fv and isinstance(fv[0], dict):
            inn.rest(loc, [None, *fv[1:]])
            codings = fv[0].get("coding")
            if isinstance(codings, list) and codings:
                inn.rest(f"{loc}[0]", {k: v for k, v in fv[0].items() if k != "coding"})
                inn.rest(f"{loc}[0].coding", [None, *codings[1:]])
                the_code = _from_coding(val, codings[0], inn, f"{loc}[0].coding[0]")
                if the_code in _DISCLOSURE_KINDS:
                    return the_code
        inn.lost(loc, "category", "not a disclosure or retraction category")
        return _MISSING
    if kind == "ref":
        if not isinstance(fv, dict) or not isinstance(fv.get("reference"), str):
            inn.rest(loc, fv)
            return _MISSING
        local = inn.ids.get(fv["reference"])
        inn.rest(loc, {k: v for k, v in fv.items() if k != "reference"})
        if local is None:
            inn.lost(f"{loc}.reference", "reference", "refers to nothing in the Bundle")
            return _MISSING
        return local
    allowed = {
        "period": ("start", "end"),
        "identifier": ("system", "value"),
        "name": ("text", "family", "given"),
        "address": ("use", "text", "line", "city", "district", "postalCode", "country", "period"),
    }.get(kind)
    if allowed is None or not isinstance(fv, dict):
        inn.rest(loc, fv)
        return _MISSING
    kept = {k: copy.deepcopy(v) for k, v in fv.items() if k in allowed}
    rest = {k: v for k, v in fv.items() if k not in allowed}
    if kind == "address" and isinstance(rest.get("extension"), list):
        exts = list(rest.pop("extension"))
        for index, ext in enumerate(exts):
            if (
                isinstance(ext, dict)
                and ext.get("url") == extension_url("confidential-address")
                and isinstance(ext.get("valueBoolean"), bool)
                and len(ext) == 2
            ):
                kept["confidential"] = ext["valueBoolean"]
                exts[index] = None
                break
        inn.rest(f"{loc}.extension", exts)
    if kind == "identifier" and "value" not in kept:
        inn.rest(loc, fv)
        return _MISSING
    inn.rest(loc, rest)
    return kept if kept else _MISSING


def _from_coding(val: Val, coding: Any, inn: _In, loc: str) -> Any:
    if not isinstance(coding, dict) or not isinstance(coding.get("code"), str):
        inn.rest(loc, coding)
        return _MISSING
    the_code = coding["code"]
    system = coding.get("system")
    expected = record_type_system() if val.kind == "record-kind" else system_for(val.value_set, the_code)
    if system != expected:
        inn.report.add(
            ReportEntry(
                Loss.LOSSY_CODE,
                "system",
                f"{loc}.system",
                f"code system {system!r} is not the one the logical record implies ({expected})",
                code=the_code,
            )
        )
    inn.rest(loc, {k: v for k, v in coding.items() if k not in ("system", "code")})
    return the_code


def _take_path(res: Any, path: tuple[str | int, ...]) -> Any:
    """Remove and return the value at ``path`` (list slots become None), or _MISSING."""
    parent = res
    for seg in path[:-1]:
        if isinstance(seg, int):
            if not isinstance(parent, list) or len(parent) <= seg:
                return _MISSING
            parent = parent[seg]
        else:
            if not isinstance(parent, dict) or seg not in parent:
                return _MISSING
            parent = parent[seg]
    last = path[-1]
    if isinstance(last, int):
        if not isinstance(parent, list) or len(parent) <= last or parent[last] is None:
            return _MISSING
        value = parent[last]
        parent[last] = None
        return value
    if not isinstance(parent, dict) or last not in parent:
        return _MISSING
    return parent.pop(last)


def _path_text(path: tuple[str | int, ...]) -> str:
    return "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path)


def _take(f: Field, res: dict[str, Any], inn: _In, loc: str, nested: bool = False) -> Any:
    if isinstance(f, At):
        assert f.val is not None
        here = loc + _path_text(f.path)
        if f.val.kind == "date-or-absent":
            name = str(f.path[0])
            if name in res:
                return _from_fhir_value(DATE, res.pop(name), inn, here)
            if f"_{name}" in res:
                raw = res.pop(f"_{name}")
                exts = raw.get("extension") if isinstance(raw, dict) else None
                if (
                    isinstance(exts, list)
                    and len(exts) == 1
                    and len(raw) == 1
                    and isinstance(exts[0], dict)
                    and exts[0].get("url") == DATA_ABSENT_REASON
                    and exts[0].get("valueCode") in ABSENT_REASONS
                    and len(exts[0]) == 2
                ):
                    return {"absentReason": exts[0]["valueCode"]}
                inn.rest(f"{loc}._{name}", raw)
            return _MISSING
        raw = _take_path(res, f.path)
        if raw is _MISSING:
            return _MISSING
        if f.val.kind == "record-kind":
            return _from_fhir_value(f.val, raw if isinstance(raw, list) else [raw], inn, here)
        if not f.many:
            return _from_fhir_value(f.val, raw, inn, here)
        if not isinstance(raw, list):
            inn.rest(here, raw)
            return _MISSING
        values = [_from_fhir_value(f.val, v, inn, f"{here}[{i}]") for i, v in enumerate(raw)]
        kept = [v for v in values if v is not _MISSING]
        return kept or _MISSING
    if isinstance(f, Ext | Complex):
        url = _ext_url(f.url, nested)
        exts = res.get("extension")
        if not isinstance(exts, list):
            return _MISSING
        found_ext: list[Any] = []
        for index, ext in enumerate(exts):
            if not isinstance(ext, dict) or ext.get("url") != url:
                continue
            exts[index] = None
            where = f"{loc}.extension[{index}]"
            if len(found_ext) == 1 and not f.many:
                inn.rest(where, ext)
                continue
            value = _take_extension(f, ext, inn, where)
            if value is not _MISSING:
                found_ext.append(value)
        if not found_ext:
            return _MISSING
        return found_ext if f.many else found_ext[0]
    if isinstance(f, Comp):
        assert f.val is not None
        comps = res.get("component")
        if not isinstance(comps, list):
            return _MISSING
        key = "value" + _VALUE_SUFFIX[f.val.kind]
        found: list[Any] = []
        for index, comp in enumerate(comps):
            if not isinstance(comp, dict):
                continue
            codings = comp.get("code", {}).get("coding") if isinstance(comp.get("code"), dict) else None
            if not (
                isinstance(codings, list)
                and len(codings) == 1
                and codings[0] == {"system": component_system(), "code": f.code}
                and len(comp["code"]) == 1
            ):
                continue
            comps[index] = None
            where = f"{loc}.component[{index}]"
            if (len(found) == 1 and not f.many) or key not in comp:
                inn.rest(where, comp)
                continue
            value = _from_fhir_value(f.val, comp[key], inn, f"{where}.{key}")
            inn.rest(where, {k: v for k, v in comp.items() if k not in ("code", key)})
            if value is not _MISSING:
                found.append(value)
        if not found:
            return _MISSING
        return found if f.many else found[0]
    if isinstance(f, Items):
        raw = res.pop(f.path, _MISSING)
        if raw is _MISSING:
            return _MISSING
        here = f"{loc}.{f.path}"
        if not isinstance(raw, list):
            inn.rest(here, raw)
            return _MISSING
        objects = []
        for index, element in enumerate(raw):
            if not isinstance(element, dict):
                inn.rest(f"{here}[{index}]", element)
                continue
            work = copy.deepcopy(element)
            obj = _take_fields(f.fields, work, inn, f"{here}[{index}]")
            inn.rest(f"{here}[{index}]", work)
            if obj:
                objects.append(obj)
        return objects or _MISSING
    raise TypeError(f"unknown field type {type(f).__name__}")


def _take_extension(f: Field, ext: dict[str, Any], inn: _In, where: str) -> Any:
    if isinstance(f, Complex):
        work = {k: copy.deepcopy(v) for k, v in ext.items() if k != "url"}
        obj = _take_fields(f.fields, work, inn, where, nested=True)
        inn.rest(where, work)
        return obj or _MISSING
    assert f.val is not None
    key = "value" + _VALUE_SUFFIX[f.val.kind]
    inn.rest(where, {k: v for k, v in ext.items() if k not in ("url", key)})
    if key not in ext:
        return _MISSING
    return _from_fhir_value(f.val, ext[key], inn, f"{where}.{key}")


def _take_fields(
    fields: Sequence[Field], work: dict[str, Any], inn: _In, loc: str, nested: bool = False
) -> dict[str, Any]:
    obj: dict[str, Any] = {}
    for f in fields:
        value = _take(f, work, inn, loc, nested)
        if value is not _MISSING:
            obj[f.key] = value
    return obj


def _section_of(resource: Mapping[str, Any]) -> Section | None:
    profiles = resource.get("meta", {}).get("profile", []) if isinstance(resource.get("meta"), dict) else []
    for section in SECTIONS:
        if profile_url(section.profile) in profiles:
            return section
    candidates = [s for s in SECTIONS if s.resource_type == resource.get("resourceType")]
    if len(candidates) == 1:
        return candidates[0]
    for section in candidates:
        fixed = _fixed(section)
        if section.record_type_at == "code" and resource.get("code") == fixed["code"]:
            return section
        if section.record_type_at == "category":
            category = resource.get("category")
            codes = [c.get("code") for cc in category or [] if isinstance(cc, dict) for c in cc.get("coding", [])]
            wanted = _DISCLOSURE_KINDS if section.key == "disclosures" else (section.record_type,)
            if any(c in wanted for c in codes):
                return section
    return None


def _security_from(codings: Any) -> tuple[dict[str, Any] | None, list[Any]]:
    """Split meta.security into the logical form and the codings it cannot hold."""
    if not isinstance(codings, list):
        return None, [codings]
    confidentiality = None
    labels: list[str] = []
    rest: list[Any] = []
    for coding in codings:
        if isinstance(coding, dict) and set(coding) == {"system", "code"} and isinstance(coding["code"], str):
            if coding["system"] == CONFIDENTIALITY_SYSTEM and confidentiality is None:
                confidentiality = coding["code"]
                rest.append(None)
                continue
            if coding["system"] == ACT_CODE_SYSTEM:
                labels.append(coding["code"])
                rest.append(None)
                continue
        rest.append(coding)
    if confidentiality is None:
        return None, codings
    return {"confidentiality": confidentiality, "labels": labels}, rest


def bundle_to_logical(bundle: Mapping[str, Any], report: ConversionReport | None = None) -> dict[str, Any]:
    """Convert a DACaseBundle to a logical record; report everything it cannot hold, with its location.

    The Provenance that ``logical_to_bundle`` adds for the conversion itself is recognised and not copied into
    the record (it is made again on the next conversion). Never raises on bad input.
    """
    report = report if report is not None else ConversionReport()
    inn = _In(report)
    work = copy.deepcopy(dict(bundle))
    case_id = ""
    identifier = work.pop("identifier", None)
    if isinstance(identifier, dict) and isinstance(identifier.get("value"), str):
        case_id = identifier.pop("value")
        if identifier.get("system") == identifier_system("case-reference"):
            identifier.pop("system")
        inn.rest("Bundle.identifier", identifier)
    else:
        inn.lost("Bundle.identifier", "identifier", "the Bundle has no case reference")
    doc: dict[str, Any] = {"recordType": RECORD_TYPE, "version": RECORD_VERSION, "caseId": case_id}
    timestamp = work.pop("timestamp", None)
    if isinstance(timestamp, str):
        doc["extractedAt"] = timestamp
    meta = work.pop("meta", {})
    bundle_security: dict[str, Any] | None = None
    if isinstance(meta, dict):
        profiles = meta.pop("profile", None)
        if profiles != [profile_url("DACaseBundle")]:
            inn.rest("Bundle.meta.profile", profiles)
        bundle_security, rest_security = _security_from(meta.pop("security", None))
        inn.rest("Bundle.meta.security", rest_security)
        inn.rest("Bundle.meta", meta)
    if bundle_security is not None:
        doc["security"] = bundle_security
    for key, expected in (("resourceType", "Bundle"), ("type", "collection")):
        if work.get(key) == expected:
            work.pop(key)
    work.pop("id", None)  # the Bundle id is derived from the case reference
    entries = work.pop("entry", [])
    inn.rest("Bundle", work)
    if not isinstance(entries, list):
        inn.rest("Bundle.entry", entries)
        entries = []

    conversion_id = stable_id(case_id, CONVERSION_PROVENANCE_KEY)
    plan: list[tuple[int, Section, dict[str, Any], str]] = []
    used: set[str] = set()
    for index, entry in enumerate(entries):
        loc = f"Bundle.entry[{index}]"
        resource = entry.get("resource") if isinstance(entry, dict) else None
        if not isinstance(resource, dict):
            inn.rest(loc, entry)
            continue
        if resource.get("resourceType") == "Provenance" and resource.get("id") == conversion_id:
            report.add(
                ReportEntry(
                    Loss.MAPPED,
                    "Provenance",
                    f"{loc}.resource",
                    "the conversion's own Provenance; made again on the next conversion",
                )
            )
            continue
        section = _section_of(resource)
        if section is None:
            inn.rest(f"{loc}.resource", resource)
            continue
        local = _local_id(resource, section, index)
        if local in used:
            local = str(resource.get("id") or f"entry-{index}")
        used.add(local)
        for key in _ref_keys(entry, resource):
            inn.ids[key] = local
        plan.append((index, section, entry, local))

    for index, section, entry, local in plan:
        loc = f"Bundle.entry[{index}]"
        inn.rest(loc, {k: v for k, v in entry.items() if k not in ("resource", "fullUrl")})
        item = _resource_to_item(
            section, copy.deepcopy(entry["resource"]), local, bundle_security, inn, f"{loc}.resource"
        )
        doc.setdefault(section.key, []).append(item)
    report.records_out += 1
    return doc


def _ref_keys(entry: Mapping[str, Any], resource: Mapping[str, Any]) -> list[str]:
    keys = []
    if isinstance(entry.get("fullUrl"), str):
        keys.append(entry["fullUrl"])
    if isinstance(resource.get("id"), str):
        keys.append(f"{resource.get('resourceType')}/{resource['id']}")
    return keys


def _local_id(resource: Mapping[str, Any], section: Section, index: int) -> str:
    for ident in resource.get("identifier", []) if isinstance(resource.get("identifier"), list) else []:
        if (
            isinstance(ident, dict)
            and ident.get("system") == identifier_system("local-id")
            and isinstance(ident.get("value"), str)
        ):
            return str(ident["value"])
    rid = resource.get("id")
    if isinstance(rid, str) and re.match(LOCAL_ID_PATTERN, rid):
        return rid
    return f"{section.key}-{index}"


def _resource_to_item(
    section: Section, res: dict[str, Any], local: str, bundle_security: dict[str, Any] | None, inn: _In, loc: str
) -> dict[str, Any]:
    item: dict[str, Any] = {"id": local} if section.identifier else {}
    res.pop("resourceType", None)
    res.pop("id", None)
    identifiers = res.get("identifier")
    if isinstance(identifiers, list):
        res["identifier"] = [
            None if isinstance(i, dict) and i.get("system") == identifier_system("local-id") else i for i in identifiers
        ]
        if all(i is None for i in res["identifier"]):
            res.pop("identifier")
        else:
            res["identifier"] = [i for i in res["identifier"] if i is not None]
    meta = res.pop("meta", None)
    if isinstance(meta, dict):
        profiles = meta.pop("profile", None)
        if profiles != [profile_url(section.profile)] and profiles is not None:
            inn.rest(f"{loc}.meta.profile", [p for p in profiles if p != profile_url(section.profile)])
        security, rest_security = _security_from(meta.pop("security", None)) if "security" in meta else (None, [])
        inn.rest(f"{loc}.meta.security", rest_security)
        if security is not None and security != bundle_security:
            item["security"] = security
        inn.rest(f"{loc}.meta", meta)
    for key, expected in _fixed(section).items():
        if res.get(key) == expected:
            res.pop(key)
    item.update(_take_fields(section.fields, res, inn, loc))
    inn.rest(loc, res)
    return item
