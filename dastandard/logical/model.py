"""The logical record's field model: its sections, fields and value kinds, in domain terms.

Each section of the logical record is one profile, and each field says where its value lives in the FHIR
resource. Code lists are never copied: a code field names a ValueSet id and codes are resolved from the
ValueSets shipped in ``profiles/`` (a ValueSet not shipped yet is tolerated).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cache
from typing import Any, Final

from dastandard.model.ids import code_system_url, extension_url
from dastandard.model.urls import (
    DATA_ABSENT_REASON_SYSTEM,
    OBSERVATION_CATEGORY,
    PATIENT_DISABILITY,
    PATIENT_RELIGION,
    PROVENANCE_PARTICIPANT_TYPE,
    UKCORE_ETHNIC_CATEGORY,
    UKCORE_ETHNIC_CATEGORY_ENGLAND,
    V3_ACT_CODE,
    V3_CONFIDENTIALITY,
    WORKFLOW_EPISODE_OF_CARE,
)
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
    "nhs-ethnic-category": UKCORE_ETHNIC_CATEGORY_ENGLAND,
    "encounter-class": ACT_CODE_SYSTEM,
    "observation-category": OBSERVATION_CATEGORY,
    "provenance-agent-type": PROVENANCE_PARTICIPANT_TYPE,
}

# Code lists bound through a ValueSet the standard does not own, whose own codes state absence: the ConceptMap
# that gives the code for each absent reason (UK Core's ethnic category has Z 'Not stated' and 99 'Not known').
_ABSENCE_MAPS: Final[Mapping[str, str]] = {"nhs-ethnic-category": "absent-reason-to-nhs-ethnic-category"}


@cache
def component_system() -> str:
    """The CodeSystem of the standard's Observation component codes (``abuseKind``, ``basis``, ...)."""
    return code_system_url("observation-component")


@cache
def record_type_system() -> str:
    """The CodeSystem of the standard's record types (``incident``, ``disclosure``, ...)."""
    return code_system_url("record-type")


# --------------------------------------------------------------------------------------------------------------
# Terminology: code lists are resolved from the shipped ValueSets.


@cache
def value_set_codes(value_set: str) -> dict[str, str] | None:
    """``{code: system}`` of a shipped ValueSet (else of the standard's CodeSystem of the same id), or None.

    None means the code list is not shipped yet or cannot be expanded here; its codes are then not checked.
    """
    std = standard()
    artifact = std.get(std.url("ValueSet", value_set))
    if artifact is None:
        own = std.get(code_system_url(value_set))  # a code list with no ValueSet yet: its own CodeSystem
        if own is None or own.resource.get("resourceType") != "CodeSystem":
            return None
        return dict.fromkeys(_code_system_codes(own.resource.get("concept", [])), code_system_url(value_set))
    codes: dict[str, str] = {}
    includes = artifact.resource.get("compose", {}).get("include", [])
    for include in includes:
        system = include.get("system")
        if include.get("filter") or include.get("valueSet") or not isinstance(system, str):
            return None
        if system == DATA_ABSENT_REASON_SYSTEM and len(includes) > 1:
            continue  # the absence codes: a logical record states absence with ``absentReason``, never as a code
        if include.get("concept"):
            codes.update((str(c["code"]), system) for c in include["concept"])
            continue
        code_system = std.get(system)
        if code_system is None:
            return None
        codes.update((code, system) for code in _code_system_codes(code_system.resource.get("concept", [])))
    return codes


@cache
def absence_codes(value_set: str) -> frozenset[str]:
    """The data-absent-reason codes the shipped ValueSet ``value_set`` includes (empty when it includes none)."""
    std = standard()
    artifact = std.get(std.url("ValueSet", value_set))
    if artifact is None:
        return frozenset()
    return frozenset(
        str(concept["code"])
        for include in artifact.resource.get("compose", {}).get("include", [])
        if include.get("system") == DATA_ABSENT_REASON_SYSTEM
        for concept in include.get("concept", [])
    )


@cache
def absence_codings(value_set: str, reason: str) -> tuple[tuple[str, str], ...]:
    """``(system, code)`` of the codings that state a value of ``value_set`` absent for ``reason``.

    A ValueSet that includes the data-absent-reason codes takes the one coding ``(data-absent-reason, reason)``.
    A ValueSet the standard does not own takes its own code for the reason (from the ConceptMap named in
    ``_ABSENCE_MAPS``) followed by the data-absent-reason coding, which keeps the precise reason. Empty when the
    code list has no coded form of absence.
    """
    if reason in absence_codes(value_set):
        return ((DATA_ABSENT_REASON_SYSTEM, reason),)
    map_id = _ABSENCE_MAPS.get(value_set)
    if map_id is None:
        return ()
    std = standard()
    artifact = std.get(std.url("ConceptMap", map_id))
    for group in artifact.resource.get("group", []) if artifact is not None else ():
        if group.get("source") != DATA_ABSENT_REASON_SYSTEM:
            continue
        for element in group.get("element", []):
            targets = [t for t in element.get("target", []) if t.get("code")]
            if element.get("code") == reason and targets:
                return ((str(group["target"]), str(targets[0]["code"])), (DATA_ABSENT_REASON_SYSTEM, reason))
    return ()


def _code_system_codes(concepts: Sequence[Mapping[str, Any]]) -> Iterator[str]:
    for concept in concepts:
        yield str(concept["code"])
        yield from _code_system_codes(concept.get("concept", []))


@cache
def code_system_codes(system: str) -> frozenset[str] | None:
    """The codes of a CodeSystem the standard ships, by canonical URL, or None when it is not shipped."""
    artifact = standard().get(system)
    if artifact is None or artifact.resource.get("resourceType") != "CodeSystem":
        return None
    return frozenset(_code_system_codes(artifact.resource.get("concept", [])))


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


VALUE_SUFFIX: Final[Mapping[str, str]] = {
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
    "telecom": "ContactPoint",
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
DATETIME_OR_ABSENT = Val("dateTime-or-absent")
OR_ABSENT_KINDS: Final = ("date-or-absent", "dateTime-or-absent")
ANNOTATION = Val("annotation")
TELECOM = Val("telecom")


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
    """A value at a fixed element path; an int in the path is a list index.

    ``start`` > 0 makes a list field take the elements from that index on (the first ones belong to other
    fields, e.g. the record type's coding in ``code.coding``).
    """

    path: tuple[str | int, ...] = ()
    start: int = 0


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


def _active(doc: str) -> At:
    return At("active", doc, BOOL, path=("active",))


def _telecom() -> At:
    return At("telecom", "Contact points (phone, email, ...).", TELECOM, many=True, path=("telecom",))


def _episode() -> Ext:
    return Ext(
        "episode",
        "The service episode this belongs to (local id).",
        ref("serviceEpisodes"),
        url=WORKFLOW_EPISODE_OF_CARE,
    )


def _practitioner() -> Ext:
    return Ext("practitioner", "The individual practitioner (name or staff id).", STR, url="practitioner")


def _who_was_there() -> tuple[Field, ...]:
    """The practitioner, the interpreter and the other persons present at a contact or a disclosure."""
    return (
        _practitioner(),
        Ext(
            "interpreter",
            "Who interpreted, for a person who needs an interpreter (required in practice then: DA3708).",
            code("interpreter"),
            url="interpreter",
        ),
        Ext(
            "personsPresent",
            "Who else was present (local ids of persons).",
            ref("persons"),
            many=True,
            url="persons-present",
        ),
    )


def _obs_effective(when: Val = DATETIME) -> tuple[Field, ...]:
    return (
        At(
            "effectiveDateTime",
            "When it happened or was found (dateTime), or why it is absent.",
            DATETIME_OR_ABSENT,
            path=("effectiveDateTime",),
        ),
        At("effectivePeriod", "When it applied, as a period.", PERIOD, path=("effectivePeriod",)),
    )


_LAST_VERIFIED = Complex(
    "lastVerified",
    "When, and by which agency, these details were last checked (L18).",
    url="last-verified",
    fields=(
        Ext("date", "When the details were last verified.", DATETIME, required=True, url="date"),
        Ext("by", "The agency (local id) that verified them.", ref("agencies"), url="by"),
        Ext("source", "How the details are known.", code("fact-source"), url="source"),
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
        url=UKCORE_ETHNIC_CATEGORY,
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
        url=PATIENT_RELIGION,
    ),
    Ext(
        "disability",
        "Disability entries (DfE codes, optional text), each a code or why it is absent.",
        char("disability"),
        many=True,
        required=True,
        url=PATIENT_DISABILITY,
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


def _completed(section: Section) -> Section:
    """Add the fields every resource of its type can carry when the section does not name them itself."""
    keys = {f.key for f in section.fields}
    extra: list[Field] = []
    if section.identifier and "identifiers" not in keys:
        extra.append(At("identifiers", "Further identifiers of the record.", IDENT, many=True, path=("identifier",)))
    if section.resource_type == "Observation":
        extra.append(
            At(
                "categories",
                "Observation categories (e.g. social-history).",
                code("observation-category"),
                many=True,
                path=("category",),
            )
        )
        if section.record_type:
            extra.append(
                At(
                    "kindCodings",
                    "Further codings of the record's kind beside the record type (e.g. a CIN assessment factor).",
                    Val("coding", "record-type"),
                    many=True,
                    path=("code", "coding"),
                    start=1,
                )
            )
        if "agency" not in keys:
            extra.append(At("agency", "The agency that recorded it (local id).", _AGENCY, path=("performer", 0)))
    noted = ("Observation", "ServiceRequest", "CarePlan", "RiskAssessment", "Communication")
    if section.resource_type in noted and "notes" not in keys:
        extra.append(_notes())
    return replace(section, fields=(*section.fields, *extra)) if extra else section


_AGENCY = ref("agencies")
_PERSON = ref("persons")


_DECLARED: Final[tuple[Section, ...]] = (
    Section(
        "agencies",
        "DAAgency",
        "Organization",
        "Agencies: police forces, children's social care, health, schools, MARAC, IDVA and specialist services.",
        (
            At("name", "The agency's name.", STR, path=("name",)),
            At("types", "Agency types.", code("agency-type"), many=True, required=True, path=("type",)),
            At("identifiers", "Agency identifiers (ODS code, LA code).", IDENT, many=True, path=("identifier",)),
            _active("Whether the agency's record is in active use."),
            _telecom(),
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
            _active("Whether the person's record is in active use."),
            At("name", "The person's name.", NAME, path=("name", 0)),
            _telecom(),
            At("birthDate", "Date of birth, or why it is absent.", DATE_OR_ABSENT, required=True, path=("birthDate",)),
            At("deceased", "Date (and time) of death.", DATETIME, path=("deceasedDateTime",)),
            At(
                "administrativeGender",
                "Administrative gender (FHIR; not sex, not gender identity).",
                STR,
                path=("gender",),
            ),
            Ext("unborn", "True for an unborn child.", BOOL, url="unborn"),
            Ext("expectedBirthDate", "Expected date of birth of an unborn child.", DATE, url="expected-birth-date"),
            Ext(
                "upnUnknown",
                "Why a child has no unique pupil number (CIN census UPN unknown reason).",
                code("cin-upn-unknown"),
                url="cin-upn-unknown",
            ),
            *_CHARACTERISTICS,
            Ext(
                "childrenInContact",
                "For adults: whether children live with or have contact with them (L23).",
                char("children-in-contact"),
                url="children-in-contact",
            ),
            Ext("interpreterNeeded", "Whether the person needs an interpreter.", BOOL, url="interpreter-needed"),
            At(
                "language",
                "The language the person speaks best (text).",
                STR,
                path=("communication", 0, "language", "text"),
            ),
            Ext(
                "immigrationStatus",
                "Immigration status, as far as it bears on safety and support.",
                code("immigration-status"),
                url="immigration-status",
            ),
            Ext(
                "noRecourseToPublicFunds",
                "Whether the person has no recourse to public funds.",
                BOOL,
                url="no-recourse-to-public-funds",
            ),
            Ext(
                "parentNotRecorded",
                "For a child: why the other parent is not in the record (L15).",
                code("parent-not-recorded-reason"),
                url="parent-not-recorded",
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
            At("quantity", "The number of members.", INT, path=("quantity",)),
            Items(
                "members",
                "Members of the household over time.",
                many=True,
                required=True,
                path="member",
                fields=(
                    At("person", "The member (local id of a person).", _PERSON, required=True, path=("entity",)),
                    At("period", "When the person joined and left.", PERIOD, path=("period",)),
                    At("inactive", "Whether the person is no longer a member.", BOOL, path=("inactive",)),
                    Complex(
                        "membershipChange",
                        "Why the person left and where they (or the children) went.",
                        url="membership-change",
                        fields=(
                            Ext("reason", "Why the person left.", code("membership-change-reason"), url="reason"),
                            Ext(
                                "newHousehold",
                                "The household they moved to (local id).",
                                ref("households"),
                                url="newHousehold",
                            ),
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
            _active("Whether the relationship record is in active use."),
            Ext(
                "parentalResponsibility",
                "Whether person B has parental responsibility for person A.",
                BOOL,
                url="parental-responsibility",
            ),
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
            *_obs_effective(DATETIME_OR_ABSENT),
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
                "The kinds of abuse (L02); required unless the incident is classified as parental conflict.",
                code("abuse-kind"),
                many=True,
                code="abuse-kind",
            ),
            Comp(
                "classification",
                "Domestic abuse, parental conflict (no person causing harm) or teenage relationship abuse (L03).",
                code("abuse-classification"),
                code="classification",
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
                    Ext(
                        "abuseKinds",
                        "For a victim: the kinds of abuse this person suffered in the incident.",
                        code("abuse-kind"),
                        many=True,
                        url="abuseKind",
                    ),
                    Ext(
                        "harm",
                        "For a child: abuse or neglect of the child beyond exposure.",
                        code("child-harm"),
                        many=True,
                        url="harm",
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
                "When the status was determined, or why it is absent.",
                DATETIME_OR_ABSENT,
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
            *_who_was_there(),
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
            *_who_was_there(),
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
            At("code", "The kind of assessment (e.g. a CIN census activity).", code("cin-activity"), path=("code",)),
            _episode(),
            Ext(
                "assessmentAuthorised", "When the CIN assessment was authorised.", DATE, url="cin-assessment-authorised"
            ),
            Ext(
                "assessmentInternalReview",
                "When the CIN assessment was internally reviewed.",
                DATE,
                url="cin-assessment-internal-review",
            ),
            Ext(
                "icpcTargetDate",
                "The target date of the initial child protection conference.",
                DATE,
                url="cin-icpc-target-date",
            ),
            Ext(
                "initialCpcDate",
                "The date of the initial child protection conference.",
                DATE,
                url="cin-initial-cpc-date",
            ),
            Ext(
                "icpcNotRequired",
                "Whether no initial child protection conference was required.",
                BOOL,
                url="cin-icpc-not-required",
            ),
            At("victim", "The person assessed (local id).", _PERSON, required=True, path=("subject",)),
            At(
                "date",
                "When the assessment was made, or why it is absent.",
                DATETIME_OR_ABSENT,
                required=True,
                path=("occurrenceDateTime",),
            ),
            At("agency", "The assessing agency (local id).", _AGENCY, path=("performer",)),
            At(
                "incidents",
                "The incidents and risk factors the assessment rests on (local ids).",
                ref("incidents", "riskFactors"),
                many=True,
                path=("basis",),
            ),
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
            _practitioner(),
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
            At("performers", "The agencies asked to act (local ids).", _AGENCY, many=True, path=("performer",)),
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
            Complex(
                "meeting",
                "The MARAC meeting that heard the referral (L11).",
                url="marac-meeting",
                fields=(
                    Ext("heard", "When the meeting heard the case.", DATE, required=True, url="heard"),
                    Ext(
                        "agenciesPresent", "The agencies present (local ids).", _AGENCY, many=True, url="agencyPresent"
                    ),
                    Ext("repeat", "Whether the case is a repeat within 12 months.", BOOL, url="repeat"),
                    Ext("victimInformed", "Whether the victim was told the outcome.", BOOL, url="victimInformed"),
                    Ext("victimInformedDate", "When the victim was told.", DATE, url="victimInformedDate"),
                ),
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
            At(
                "categories",
                "Further categories of the plan (e.g. the CIN category of abuse).",
                code("cin-category-of-abuse"),
                many=True,
                path=("category",),
                start=1,
            ),
            At("title", "The plan's title.", STR, path=("title",)),
            At("subject", "The child or victim the plan is for (local id).", _PERSON, required=True, path=("subject",)),
            At(
                "author",
                "The agency or person responsible for the plan (local id).",
                ref("agencies", "persons"),
                path=("author",),
            ),
            _episode(),
            Ext(
                "initialCategoryOfAbuse",
                "The initial category of abuse of a child protection plan (CIN census).",
                code("cin-category-of-abuse"),
                url="cin-initial-category-of-abuse",
            ),
            Ext(
                "previousCppCount",
                "The number of previous child protection plans (CIN census).",
                INT,
                url="cin-previous-cpp-count",
            ),
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
                    At("scheduled", "When the action is scheduled.", PERIOD, path=("detail", "scheduledPeriod")),
                    At("agency", "The agency responsible (local id).", _AGENCY, path=("detail", "performer", 0)),
                    Ext("due", "When the action is due.", DATE, url="action-due"),
                    Ext("completed", "When the action was completed.", DATE, url="action-completed"),
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
            Comp("seen", "Whether the adult was seen in person.", BOOL, code="seen"),
            Comp("seenAlone", "Whether the adult was seen alone.", BOOL, code="seen-alone"),
            Comp("askedAlone", "Whether the adult was asked about abuse privately.", BOOL, code="asked-alone"),
            Comp(
                "response",
                "How the adult responds to the concerns: denial, minimisation, apparent or disguised compliance.",
                code("adult-response"),
                many=True,
                code="response",
            ),
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
            Ext(
                "referralSource",
                "The source of the referral (CIN census).",
                code("cin-referral-source"),
                url="cin-referral-source",
            ),
            Ext("primaryNeed", "The primary need (CIN census).", code("cin-primary-need"), url="cin-primary-need"),
            Ext(
                "referralNfa",
                "Whether the referral led to no further action (CIN census).",
                BOOL,
                url="cin-referral-nfa",
            ),
            Ext(
                "initialCpcDate",
                "The date of the initial child protection conference.",
                DATE,
                url="cin-initial-cpc-date",
            ),
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
            At("sent", "When it was shared, or why it is absent.", DATETIME_OR_ABSENT, required=True, path=("sent",)),
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
            Ext(
                "needToKnow",
                "Why the receiving agency needs to know what was shared (required in practice when a confidential "
                "address is shared: DA3802).",
                code("need-to-know"),
                url="need-to-know",
            ),
            Complex(
                "frontDoorDecision",
                "The receiving front door's decision on what was shared, and when (L02, L11).",
                url="front-door-decision",
                fields=(
                    Ext("outcome", "The decision.", code("front-door-outcome"), required=True, url="outcome"),
                    Ext("decided", "When the decision was made.", DATETIME, required=True, url="decided"),
                    Ext("by", "The agency that decided (local id).", _AGENCY, url="by"),
                ),
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
            Items(
                "agents",
                "Who took part: the agency the facts came from, and any assembler or informant.",
                many=True,
                required=True,
                path="agent",
                fields=(
                    At(
                        "type",
                        "How the agent took part (author, assembler, informant, ...).",
                        code("provenance-agent-type"),
                        path=("type",),
                    ),
                    At(
                        "who",
                        "The agency or person (local id), or a display naming them.",
                        ref("agencies", "persons"),
                        required=True,
                        path=("who",),
                    ),
                ),
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
            Complex(
                "cinHeader",
                "The CIN census header the facts came from.",
                url="cin-header",
                fields=(
                    Ext("collection", "Collection.", STR, url="Collection"),
                    Ext("year", "Year.", STR, url="Year"),
                    Ext("referenceDate", "ReferenceDate.", STR, url="ReferenceDate"),
                ),
            ),
            Complex(
                "cinHeaderSource",
                "The source block of the CIN census header.",
                url="cin-header-source",
                fields=(
                    Ext("sourceLevel", "SourceLevel.", STR, url="SourceLevel"),
                    Ext("lea", "LEA.", STR, url="LEA"),
                    Ext("softwareCode", "SoftwareCode.", STR, url="SoftwareCode"),
                    Ext("release", "Release.", STR, url="Release"),
                    Ext("serialNo", "SerialNo.", STR, url="SerialNo"),
                    Ext("dateTime", "DateTime.", STR, url="DateTime"),
                ),
            ),
        ),
        identifier=False,
    ),
)

SECTIONS: Final[tuple[Section, ...]] = tuple(_completed(s) for s in _DECLARED)
SECTION_BY_KEY: Final[Mapping[str, Section]] = {s.key: s for s in SECTIONS}
DISCLOSURE_KINDS: Final = ("disclosure", "retraction")


def fixed_elements(section: Section) -> dict[str, Any]:
    """The elements every resource of ``section`` carries unchanged (a fresh copy on each call)."""
    fixed = dict(section.fixed)
    if section.record_type and section.record_type_at == "code":
        fixed["code"] = {"coding": [{"system": record_type_system(), "code": section.record_type}]}
    if section.record_type and section.record_type_at == "category":
        fixed["category"] = [{"coding": [{"system": record_type_system(), "code": section.record_type}]}]
    return fixed


def json_copy(value: Any) -> Any:
    """A copy of a JSON value: objects and arrays are copied, scalars shared (much faster than ``copy.deepcopy``)."""
    if isinstance(value, dict):
        return {k: json_copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [json_copy(v) for v in value]
    return value


@cache
def ext_url(url: str, nested: bool) -> str:
    """The full URL of an extension: sub-extension names and full URLs are kept, standard ids are expanded."""
    if nested or url.startswith("http"):
        return url
    return extension_url(url)
