"""Build the synthetic example case Bundles in ``examples/fhir/`` from the readable case definitions below.

Every person, place, reference and event here is invented. NHS numbers are in the 999 test range and carry a
valid Modulus 11 check digit. Ids are UUIDv5 values from ``dastandard.model.ids``, so a rebuild is
byte-identical; ``--check`` exits 1 when the committed files differ from what this script would write.

Usage: ``python scripts/build_examples.py [--check]``.
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from dastandard.model.ids import (
    code_system_url,
    extension_url,
    full_url,
    identifier_system,
    profile_url,
    stable_id,
)

ROOT = Path(__file__).resolve().parent.parent
OUT_DIR = ROOT / "examples" / "fhir"

JSON = dict[str, Any]
AbsentReason = Literal["not-asked", "asked-declined", "asked-unknown", "unknown", "not-applicable"]

DAR_URL = "http://hl7.org/fhir/StructureDefinition/data-absent-reason"
NHS_NUMBER_SYSTEM = "https://fhir.nhs.uk/Id/nhs-number"
UKCORE_ETHNIC_EXT = "https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-EthnicCategory"
UKCORE_ETHNIC_CS = "https://fhir.hl7.org.uk/CodeSystem/UKCore-EthnicCategoryEngland"
RELIGION_EXT = "http://hl7.org/fhir/StructureDefinition/patient-religion"
DISABILITY_EXT = "http://hl7.org/fhir/StructureDefinition/patient-disability"
CONFIDENTIALITY_CS = "http://terminology.hl7.org/CodeSystem/v3-Confidentiality"
ACT_CODE_CS = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
V3_MARITAL_CS = "http://terminology.hl7.org/CodeSystem/v3-MaritalStatus"
CIVIL_PARTNERSHIP_CODES = frozenset({"civil-partner", "former-civil-partner", "surviving-civil-partner"})
CONFIDENTIALITY_DISPLAY = {"R": "restricted", "V": "very restricted"}
ENCOUNTER_CLASS_DISPLAY = {"FLD": "field", "HH": "home health", "AMB": "ambulatory", "VR": "virtual"}


# --------------------------------------------------------------------------------------------------------------
# Small FHIR building blocks
# --------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Absent:
    """A protected characteristic that is recorded as absent, with the reason (never left silent)."""

    reason: AbsentReason


Value = str | Absent


def coding(code_system: str, code: str) -> JSON:
    """A Coding from one of the standard's own CodeSystems (the CodeSystem id equals the ValueSet id)."""
    return {"system": code_system_url(code_system), "code": code}


def concept(code_system: str, code: str) -> JSON:
    return {"coding": [coding(code_system, code)]}


def absent_concept(reason: AbsentReason) -> JSON:
    return {"extension": [{"url": DAR_URL, "valueCode": reason}]}


def value_concept(value: Value, system_url: str) -> JSON:
    """A CodeableConcept carrying either a code from ``system_url`` or a data-absent-reason."""
    if isinstance(value, Absent):
        return absent_concept(value.reason)
    return {"coding": [{"system": system_url, "code": value}]}


def ext(extension_id: str, **value: Any) -> JSON:
    """One of the standard's extensions with a single ``value[x]`` (e.g. ``valueBoolean=True``)."""
    return {"url": extension_url(extension_id), **value}


def sub(url: str, **value: Any) -> JSON:
    """A sub-extension of a complex extension (relative url)."""
    return {"url": url, **value}


def component(code: str, **value: Any) -> JSON:
    """An Observation component whose code is from the standard's ``observation-component`` CodeSystem."""
    return {"code": concept("observation-component", code), **value}


def record_type(code: str) -> list[JSON]:
    return [concept("record-type", code)]


def nhs_number(seed: str) -> str:
    """A synthetic NHS number in the 999 test range with a valid Modulus 11 check digit, determined by ``seed``."""
    counter = 0
    while True:
        digest = hashlib.sha256(f"{seed}:{counter}".encode()).hexdigest()
        body = "999" + str(int(digest, 16) % 1_000_000).zfill(6)
        remainder = sum(int(d) * w for d, w in zip(body, range(10, 1, -1), strict=True)) % 11
        check = 11 - remainder
        if check == 11:
            check = 0
        if check != 10:
            return body + str(check)
        counter += 1


# --------------------------------------------------------------------------------------------------------------
# Readable case definitions
# --------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Person:
    """A synthetic person with every protected characteristic either coded or explicitly absent."""

    key: str
    given: str
    family: str
    birth: str | Absent
    sex: str  # person-sex: M, F, U (not yet determined)
    gender: str  # administrative gender
    gender_identity: Value
    sexual_orientation: Value
    religion: Value
    disability: Value
    marital: Value
    pregnancy: Value
    ethnic_nhs: Value
    ethnic_ons: Value
    ethnic_dfe: Value | None = None
    children_in_contact: str | None = None  # adults only
    la_child_id: str | None = None
    police_id: str | None = None
    unborn_due: str | None = None
    confidential_address: bool = False
    pregnancy_effective: str | None = None
    nhs: bool = True
    town: str = "Northbridge"


def adult(
    key: str,
    given: str,
    family: str,
    birth: str,
    sex: str,
    *,
    gender_identity: Value = "1",
    sexual_orientation: Value = "1",
    religion: Value = "1",
    disability: Value = "NONE",
    marital: Value = "S",
    pregnancy: Value | None = None,
    ethnic_nhs: Value = "A",
    ethnic_ons: Value = "13",
    children_in_contact: str = "lives-with-children",
    police_id: str | None = None,
    confidential_address: bool = False,
    pregnancy_effective: str | None = None,
) -> Person:
    """An adult. Gender identity defaults to the code matching sex; pregnancy to not-pregnant (F) or n/a (M)."""
    if gender_identity == "1" and sex == "F":
        gender_identity = "2"
    if pregnancy is None:
        pregnancy = "not-pregnant" if sex == "F" else Absent("not-applicable")
    return Person(
        key=key,
        given=given,
        family=family,
        birth=birth,
        sex=sex,
        gender="female" if sex == "F" else "male",
        gender_identity=gender_identity,
        sexual_orientation=sexual_orientation,
        religion=religion,
        disability=disability,
        marital=marital,
        pregnancy=pregnancy,
        ethnic_nhs=ethnic_nhs,
        ethnic_ons=ethnic_ons,
        children_in_contact=children_in_contact,
        police_id=police_id,
        confidential_address=confidential_address,
        pregnancy_effective=pregnancy_effective,
    )


def child(
    key: str,
    given: str,
    family: str,
    birth: str,
    sex: str,
    la_child_id: str,
    *,
    religion: Value = "1",
    disability: Value = "NONE",
    ethnic_nhs: Value = "A",
    ethnic_ons: Value = "13",
    ethnic_dfe: Value = "WBRI",
    gender_identity: Value | None = None,
    sexual_orientation: Value | None = None,
    pregnancy: Value | None = None,
) -> Person:
    """A child: sexual orientation, gender identity, marital status and pregnancy default to not applicable."""
    return Person(
        key=key,
        given=given,
        family=family,
        birth=birth,
        sex=sex,
        gender="female" if sex == "F" else "male",
        gender_identity=gender_identity if gender_identity is not None else Absent("not-applicable"),
        sexual_orientation=sexual_orientation if sexual_orientation is not None else Absent("not-applicable"),
        religion=religion,
        disability=disability,
        marital=Absent("not-applicable"),
        pregnancy=pregnancy if pregnancy is not None else Absent("not-applicable"),
        ethnic_nhs=ethnic_nhs,
        ethnic_ons=ethnic_ons,
        ethnic_dfe=ethnic_dfe,
        la_child_id=la_child_id,
    )


def unborn(key: str, family: str, due: str, la_child_id: str, *, ethnic_nhs: Value, ethnic_ons: Value) -> Person:
    """An unborn child recorded as a person: sex not yet determined, no NHS number, most characteristics n/a."""
    na = Absent("not-applicable")
    return Person(
        key=key,
        given="Unborn",
        family=family,
        birth=Absent("not-applicable"),
        sex="U",
        gender="unknown",
        gender_identity=na,
        sexual_orientation=na,
        religion=Absent("unknown"),
        disability=Absent("unknown"),
        marital=na,
        pregnancy=na,
        ethnic_nhs=ethnic_nhs,
        ethnic_ons=ethnic_ons,
        ethnic_dfe=na,
        la_child_id=la_child_id,
        unborn_due=due,
        nhs=False,
    )


@dataclass(frozen=True)
class Party:
    person: str
    role: str  # incident-role
    exposure: tuple[str, ...] = ()
    injured: bool | None = None
    rationale: str | None = None


@dataclass(frozen=True)
class Activity:
    code: str  # plan-action
    description: str
    performer: str  # agency key
    directed_at: tuple[str, ...]


@dataclass
class Case:
    """One family's record as one agency holds it; becomes one DACaseBundle."""

    slug: str
    title: str
    scenario: str
    learning_points: tuple[str, ...]
    case_reference: str
    timestamp: str
    confidentiality: Literal["R", "V"] = "R"
    entries: list[JSON] = field(default_factory=list)
    ids: dict[str, str] = field(default_factory=dict)
    kinds: dict[str, str] = field(default_factory=dict)

    # -- plumbing ------------------------------------------------------------------------------------------------

    def _add(self, key: str, resource_type: str, profile: str, body: JSON) -> str:
        if key in self.ids:
            raise ValueError(f"{self.slug}: key {key!r} is used twice")
        resource_id = stable_id("example", self.slug, resource_type, key)
        self.ids[key] = resource_id
        self.kinds[key] = resource_type
        resource: JSON = {
            "resourceType": resource_type,
            "id": resource_id,
            "meta": {"profile": [profile_url(profile)]},
            **body,
        }
        self.entries.append({"fullUrl": full_url(resource_id), "resource": resource})
        return resource_id

    def ref(self, key: str) -> JSON:
        return {"reference": full_url(self.ids[key])}

    def refs(self, keys: Sequence[str]) -> list[JSON]:
        return [self.ref(k) for k in keys]

    def verified(self, date: str, by: str) -> JSON:
        return ext("last-verified", extension=[sub("date", valueDateTime=date), sub("by", valueReference=self.ref(by))])

    # -- agencies and people ------------------------------------------------------------------------------------

    def agency(self, key: str, name: str, agency_type: str, ods: str | None = None) -> None:
        body: JSON = {"active": True, "type": [concept("agency-type", agency_type)], "name": name}
        if ods:
            body["identifier"] = [{"system": "https://fhir.nhs.uk/Id/ods-organization-code", "value": ods}]
        self._add(key, "Organization", "DAAgency", body)

    def person(self, p: Person, verified: tuple[str, str]) -> None:
        identifiers: list[JSON] = []
        if p.nhs:
            identifiers.append({"system": NHS_NUMBER_SYSTEM, "value": nhs_number(f"{self.slug}/{p.key}")})
        if p.la_child_id:
            identifiers.append({"system": identifier_system("la-child-id"), "value": p.la_child_id})
        if p.police_id:
            identifiers.append({"system": identifier_system("police-person-id"), "value": p.police_id})
        extensions: list[JSON] = [
            {"url": UKCORE_ETHNIC_EXT, "valueCodeableConcept": value_concept(p.ethnic_nhs, UKCORE_ETHNIC_CS)},
            ext("ethnicity-ons-2021", valueCodeableConcept=self._own(p.ethnic_ons, "ethnicity-ons-2021")),
        ]
        if p.ethnic_dfe is not None:
            extensions.append(ext("ethnicity-dfe", valueCodeableConcept=self._own(p.ethnic_dfe, "ethnicity-dfe")))
        extensions += [
            ext("person-sex", valueCodeableConcept=concept("sex", p.sex)),
            ext("gender-identity", valueCodeableConcept=self._own(p.gender_identity, "nhs-gender-identity")),
            ext("sexual-orientation", valueCodeableConcept=self._own(p.sexual_orientation, "nhs-sexual-orientation")),
            {"url": RELIGION_EXT, "valueCodeableConcept": self._own(p.religion, "religion-ons-2021")},
            {"url": DISABILITY_EXT, "valueCodeableConcept": self._own(p.disability, "disability")},
        ]
        pregnancy: list[JSON] = [sub("status", valueCodeableConcept=self._own(p.pregnancy, "pregnancy-status"))]
        if p.pregnancy_effective:
            pregnancy.append(sub("effective", valueDateTime=p.pregnancy_effective))
        extensions.append(ext("pregnancy-status", extension=pregnancy))
        if p.unborn_due:
            extensions += [ext("unborn", valueBoolean=True), ext("expected-birth-date", valueDate=p.unborn_due)]
        if p.children_in_contact:
            extensions.append(
                ext("children-in-contact", valueCodeableConcept=concept("children-in-contact", p.children_in_contact))
            )
        extensions.append(self.verified(*verified))
        body: JSON = {"extension": extensions}
        if identifiers:
            body["identifier"] = identifiers
        body["name"] = [{"use": "official", "family": p.family, "given": [p.given]}]
        body["gender"] = p.gender
        if isinstance(p.birth, Absent):
            body["_birthDate"] = absent_concept(p.birth.reason)
        else:
            body["birthDate"] = p.birth
        if not p.unborn_due:
            address: JSON = {"use": "home", "city": p.town, "country": "GB"}
            if p.confidential_address:
                address["extension"] = [ext("confidential-address", valueBoolean=True)]
                address["text"] = "Confidential address (refuge)"
            else:
                address["district"] = "Westshire"
            body["address"] = [address]
        marital_system = "civil-partnership-status" if p.marital in CIVIL_PARTNERSHIP_CODES else "v3-MaritalStatus"
        body["maritalStatus"] = value_concept(
            p.marital, code_system_url(marital_system) if marital_system != "v3-MaritalStatus" else V3_MARITAL_CS
        )
        self._add(p.key, "Patient", "DAPerson", body)

    @staticmethod
    def _own(value: Value, code_system: str) -> JSON:
        return value_concept(value, code_system_url(code_system))

    # -- household and relationships ----------------------------------------------------------------------------

    def household(
        self,
        key: str,
        name: str,
        members: Sequence[tuple[str, str, str | None, tuple[str, str] | None]],
        verified: tuple[str, str],
    ) -> None:
        """``members``: (person, joined, left or None, (reason, destination) or None)."""
        group_members: list[JSON] = []
        for person, start, end, change in members:
            member: JSON = {"entity": self.ref(person), "period": {"start": start}}
            if end:
                member["period"]["end"] = end
            if change:
                member["extension"] = [
                    ext(
                        "membership-change",
                        extension=[
                            sub("reason", valueCodeableConcept=concept("membership-change-reason", change[0])),
                            sub("destination", valueString=change[1]),
                        ],
                    )
                ]
            member["inactive"] = end is not None
            group_members.append(member)
        body: JSON = {
            "extension": [self.verified(*verified)],
            "type": "person",
            "actual": True,
            "name": name,
            "quantity": len(group_members),
            "member": group_members,
        }
        self._add(key, "Group", "DAHousehold", body)

    def relationship(
        self,
        key: str,
        a: str,
        b: str,
        code: str,
        episodes: Sequence[tuple[str, str, str | None]],
        verified: tuple[str, str],
    ) -> None:
        """B is ``code`` to A. ``episodes``: (status, start, end or None)."""
        extensions: list[JSON] = [ext("related-person", valueReference=self.ref(b))]
        for status, start, end in episodes:
            period: JSON = {"start": start}
            if end:
                period["end"] = end
            extensions.append(
                ext(
                    "relationship-episode",
                    extension=[
                        sub("status", valueCodeableConcept=concept("relationship-status", status)),
                        sub("period", valuePeriod=period),
                    ],
                )
            )
        extensions.append(self.verified(*verified))
        body: JSON = {
            "extension": extensions,
            "active": True,
            "patient": self.ref(a),
            "relationship": [concept("relationship-type", code)],
        }
        self._add(key, "RelatedPerson", "DARelationship", body)

    # -- observations -------------------------------------------------------------------------------------------

    def _observation(self, key: str, profile: str, code: str, subject: str, effective: JSON, extra: JSON) -> None:
        body: JSON = {
            "status": "final",
            "category": [
                {
                    "coding": [
                        {
                            "system": "http://terminology.hl7.org/CodeSystem/observation-category",
                            "code": "social-history",
                        }
                    ]
                }
            ],
            "code": concept("record-type", code),
            "subject": self.ref(subject),
            **effective,
            **extra,
        }
        if "extension" in body:
            body = {"extension": body.pop("extension"), **body}
        self._add(key, "Observation", profile, body)

    def incident(
        self,
        key: str,
        reference: str,
        when: str,
        agency: str,
        subject: str,
        behaviour: str,
        kinds: Sequence[str],
        parties: Sequence[Party],
        *,
        pattern: str = "course-of-conduct",
        risk: str = "medium",
        linked: Sequence[str] = (),
        injury: bool = False,
        weapon: bool = False,
        strangulation: bool = False,
        outcome: str | None = None,
        crime_reference: str | None = None,
    ) -> None:
        extensions: list[JSON] = []
        for party in parties:
            parts: list[JSON] = [
                sub("person", valueReference=self.ref(party.person)),
                sub("role", valueCodeableConcept=concept("incident-role", party.role)),
            ]
            parts += [sub("exposure", valueCodeableConcept=concept("child-exposure", e)) for e in party.exposure]
            if party.injured is not None:
                parts.append(sub("injured", valueBoolean=party.injured))
            if party.rationale:
                parts.append(sub("roleRationale", valueString=party.rationale))
            extensions.append(ext("incident-party", extension=parts))
        extensions += [ext("linked-incident", valueReference=self.ref(k)) for k in linked]
        if crime_reference:
            extensions.append(
                ext(
                    "crime-reference",
                    valueIdentifier={"system": identifier_system("police-crime-reference"), "value": crime_reference},
                )
            )
        components = [component("abuse-kind", valueCodeableConcept=concept("abuse-kind", k)) for k in kinds]
        components += [
            component("pattern", valueCodeableConcept=concept("conduct-pattern", pattern)),
            component("risk-level", valueCodeableConcept=concept("risk-level", risk)),
            component("injury", valueBoolean=injury),
            component("weapon-used", valueBoolean=weapon),
            component("strangulation", valueBoolean=strangulation),
        ]
        if outcome:
            components.append(component("police-outcome", valueCodeableConcept=concept("police-outcome", outcome)))
        self._observation(
            key,
            "DAIncident",
            "incident",
            subject,
            {"effectiveDateTime": when, "issued": when if "T" in when else f"{when}T18:00:00Z"},
            {
                "extension": extensions,
                "identifier": [self._incident_identifier(agency, reference)],
                "performer": [self.ref(agency)],
                "valueString": behaviour,
                "component": components,
            },
        )

    def _incident_identifier(self, agency: str, reference: str) -> JSON:
        """A police incident reference, or another agency's own record reference with that agency as assigner."""
        if agency == "police":
            return {"system": identifier_system("police-incident-reference"), "value": reference}
        return {"system": identifier_system("local-id"), "value": reference, "assigner": self.ref(agency)}

    def victim_status(
        self,
        key: str,
        child_key: str,
        incidents: Sequence[str],
        when: str,
        *,
        status: str = "s3-child-victim",
        basis: Sequence[str] = (),
        related: Sequence[str] = ("parent-of-child",),
        reason: str | None = None,
    ) -> None:
        components = [component("basis", valueCodeableConcept=concept("s3-basis", b)) for b in basis]
        components += [component("related-to", valueCodeableConcept=concept("s3-relatedness", r)) for r in related]
        if reason:
            components.append(component("not-victim-reason", valueString=reason))
        extra: JSON = {"valueCodeableConcept": concept("victim-status", status)}
        if incidents:
            extra = {"focus": self.refs(incidents), **extra}
        if components:
            extra["component"] = components
        self._observation(
            key, "DAChildVictimStatus", "child-victim-status", child_key, {"effectiveDateTime": when}, extra
        )

    def classification(
        self, key: str, subject: str, incidents: Sequence[str], when: str, value: str, basis: Sequence[str], note: str
    ) -> None:
        self._observation(
            key,
            "DAAbuseClassification",
            "abuse-classification",
            subject,
            {"effectiveDateTime": when},
            {
                "focus": self.refs(incidents),
                "valueCodeableConcept": concept("abuse-classification", value),
                "note": [{"text": note}],
                "component": [
                    component("basis", valueCodeableConcept=concept("classification-basis", b)) for b in basis
                ],
            },
        )

    def risk_factor(self, key: str, person: str, code: str, when: str, note: str | None = None) -> None:
        extra: JSON = {"valueCodeableConcept": concept("risk-factor", code)}
        if note:
            extra["note"] = [{"text": note}]
        self._observation(key, "DARiskFactor", "risk-factor", person, {"effectiveDateTime": when}, extra)

    def offending(self, key: str, person: str, code: str, when: str, agency: str, note: str) -> None:
        self._observation(
            key,
            "DAOffendingHistory",
            "offending-history",
            person,
            {"effectiveDateTime": when},
            {
                "performer": [self.ref(agency)],
                "valueCodeableConcept": concept("offending-history", code),
                "note": [{"text": note}],
            },
        )

    def history_check(
        self, key: str, person: str, at_risk: str, check_type: str, outcome: str, when: str, agency: str
    ) -> None:
        self._observation(
            key,
            "DAHistoryCheck",
            "history-check",
            person,
            {"effectiveDateTime": when},
            {
                "focus": [self.ref(at_risk)],
                "performer": [self.ref(agency)],
                "valueCodeableConcept": concept("history-check-outcome", outcome),
                "component": [component("check-type", valueCodeableConcept=concept("history-check-type", check_type))],
            },
        )

    def contact_arrangement(
        self,
        key: str,
        child_key: str,
        adult_key: str,
        start: str,
        end: str | None,
        *,
        supervised: bool,
        court_order: str,
        arrangement: str,
    ) -> None:
        period: JSON = {"start": start}
        if end:
            period["end"] = end
        components: list[JSON] = [
            component("supervised", valueBoolean=supervised),
            component("court-order", valueCodeableConcept=concept("court-order", court_order)),
            component("arrangement-type", valueCodeableConcept=concept("contact-type", arrangement)),
        ]
        self._observation(
            key,
            "DAContactArrangement",
            "contact-arrangement",
            child_key,
            {"effectivePeriod": period},
            {
                "focus": [self.ref(adult_key)],
                "component": components,
            },
        )

    def adult_assessment(
        self,
        key: str,
        adult_key: str,
        children: Sequence[str],
        when: str,
        agency: str,
        *,
        risk: str,
        capacity: str,
        engaged: bool,
        role: str,
    ) -> None:
        self._observation(
            key,
            "DAAdultAssessment",
            "adult-assessment",
            adult_key,
            {"effectiveDateTime": when},
            {
                "focus": self.refs(children),
                "performer": [self.ref(agency)],
                "component": [
                    component("risk-to-child", valueCodeableConcept=concept("risk-level", risk)),
                    component("protective-capacity", valueCodeableConcept=concept("protective-capacity", capacity)),
                    component("engaged", valueBoolean=engaged),
                    component("role", valueCodeableConcept=concept("adult-role", role)),
                ],
            },
        )

    # -- encounters, communications and the rest ---------------------------------------------------------------

    def child_contact(
        self,
        key: str,
        child_key: str,
        agency: str,
        when: str,
        *,
        cls: str = "HH",
        seen: bool = True,
        spoken: bool = True,
        alone: bool = True,
        words: Sequence[str] = (),
        wishes: Sequence[str] = (),
        not_spoken_reason: str | None = None,
    ) -> None:
        parts: list[JSON] = [
            sub("seen", valueBoolean=seen),
            sub("spokenWith", valueBoolean=spoken),
            sub("seenAlone", valueBoolean=alone),
        ]
        if not_spoken_reason:
            parts.append(sub("notSpokenWithReason", valueString=not_spoken_reason))
        parts += [sub("words", valueString=w) for w in words]
        parts += [sub("wishes", valueString=w) for w in wishes]
        body: JSON = {
            "extension": [ext("child-voice", extension=parts)],
            "status": "finished",
            "class": {
                "system": ACT_CODE_CS,
                "code": cls,
                "display": ENCOUNTER_CLASS_DISPLAY[cls],
            },
            "subject": self.ref(child_key),
            "period": {"start": when},
            "serviceProvider": self.ref(agency),
        }
        self._add(key, "Encounter", "DAChildContact", body)

    def disclosure(
        self,
        key: str,
        sender: str,
        recipient: str,
        when: str,
        subject: str,
        about: Sequence[str],
        text: str,
        response: tuple[str, str, str],
        *,
        retracts: str | None = None,
    ) -> None:
        """``response``: (disclosure-response action, date, agency key)."""
        extensions: list[JSON] = [
            ext(
                "disclosure-response",
                extension=[
                    sub("action", valueCodeableConcept=concept("disclosure-response", response[0])),
                    sub("date", valueDateTime=response[1]),
                    sub("by", valueReference=self.ref(response[2])),
                ],
            )
        ]
        if retracts:
            extensions.append(ext("retracts", valueReference=self.ref(retracts)))
        body: JSON = {
            "extension": extensions,
            "status": "completed",
            "category": record_type("retraction" if retracts else "disclosure"),
            "subject": self.ref(subject),
            "about": self.refs(about),
            "sent": when,
            "recipient": [self.ref(recipient)],
            "sender": self.ref(sender),
            "payload": [{"contentString": text}],
        }
        self._add(key, "Communication", "DADisclosure", body)

    def sharing(
        self, key: str, sender: str, recipient: str, when: str, about: Sequence[str], summary: str, basis: str
    ) -> None:
        body: JSON = {
            "extension": [ext("sharing-basis", valueCodeableConcept=concept("sharing-basis", basis))],
            "status": "completed",
            "category": record_type("information-sharing"),
            "about": self.refs(about),
            "sent": when,
            "recipient": [self.ref(recipient)],
            "sender": self.ref(sender),
            "payload": [{"contentString": summary}],
        }
        self._add(key, "Communication", "DAInformationSharing", body)

    def risk_assessment(
        self,
        key: str,
        victim: str,
        when: str,
        agency: str,
        yes: Sequence[int],
        level: str,
        basis: Sequence[str],
        *,
        tool: str = "safelives-ric-24",
        version: str = "2015",
        questions: int = 24,
        not_known: Sequence[int] = (),
        criteria: Sequence[str] = (),
        judgement: tuple[str, str] | None = None,
    ) -> None:
        """Item answers by question number only (never the licensed wording)."""
        extensions: list[JSON] = [ext("risk-tool-version", valueString=version)]
        for question in range(1, questions + 1):
            answer = "yes" if question in yes else "not-known" if question in not_known else "no"
            extensions.append(
                ext(
                    "risk-item",
                    extension=[
                        sub("question", valueInteger=question),
                        sub("answer", valueCodeableConcept=concept("risk-answer", answer)),
                    ],
                )
            )
        extensions.append(ext("risk-score", valueInteger=len(yes)))
        if judgement:
            extensions.append(
                ext(
                    "professional-judgement",
                    extension=[
                        sub("level", valueCodeableConcept=concept("risk-level", judgement[0])),
                        sub("reason", valueString=judgement[1]),
                    ],
                )
            )
        extensions += [ext("marac-criterion", valueCodeableConcept=concept("marac-criterion", c)) for c in criteria]
        body: JSON = {
            "extension": extensions,
            "status": "final",
            "method": concept("risk-tool", tool),
            "subject": self.ref(victim),
            "occurrenceDateTime": when,
            "performer": self.ref(agency),
            "basis": self.refs(basis),
            "prediction": [{"qualitativeRisk": concept("risk-level", level)}],
        }
        self._add(key, "RiskAssessment", "DARiskAssessment", body)

    def marac_referral(
        self,
        key: str,
        victim: str,
        harm: str,
        children: Sequence[str],
        when: str,
        agency: str,
        criteria: Sequence[str],
        supporting: Sequence[str],
        basis: str,
    ) -> None:
        body: JSON = {
            "extension": [
                ext("marac-person-causing-harm", valueReference=self.ref(harm)),
                *[ext("marac-child", valueReference=self.ref(c)) for c in children],
                ext("sharing-basis", valueCodeableConcept=concept("sharing-basis", basis)),
            ],
            "status": "completed",
            "intent": "order",
            "code": concept("record-type", "marac-referral"),
            "subject": self.ref(victim),
            "authoredOn": when,
            "requester": self.ref(agency),
            "reasonCode": [concept("marac-criterion", c) for c in criteria],
            "supportingInfo": self.refs(supporting),
        }
        self._add(key, "ServiceRequest", "DAMaracReferral", body)

    def plan(
        self,
        key: str,
        plan_type: str,
        subject: str,
        start: str,
        activities: Sequence[Activity],
        *,
        end: str | None = None,
        based_on: str | None = None,
        title: str | None = None,
    ) -> None:
        period: JSON = {"start": start}
        if end:
            period["end"] = end
        body: JSON = {
            "status": "completed" if end else "active",
            "intent": "plan",
            "category": [concept("plan-type", plan_type)],
        }
        if based_on:
            body["basedOn"] = [self.ref(based_on)]
        if title:
            body["title"] = title
        body.update({"subject": self.ref(subject), "period": period, "activity": []})
        for act in activities:
            body["activity"].append(
                {
                    "extension": [ext("action-directed-at", valueReference=self.ref(d)) for d in act.directed_at],
                    "detail": {
                        "code": concept("plan-action", act.code),
                        "status": "completed" if end else "in-progress",
                        "performer": [self.ref(act.performer)],
                        "description": act.description,
                    },
                }
            )
        self._add(key, "CarePlan", "DAPlan", body)

    def service(
        self,
        key: str,
        service_type: str,
        patient: str,
        agency: str,
        start: str,
        *,
        last_contact: str,
        attendance: tuple[int, int, int],
        offer: str = "accepted",
        end: str | None = None,
        end_reason: str | None = None,
        follow_up: tuple[str, str] | None = None,
    ) -> None:
        """``attendance``: offered, attended, missed. ``follow_up``: (date, agency key) for an ended episode."""
        extensions: list[JSON] = [
            ext("last-contact", valueDateTime=last_contact),
            ext(
                "attendance",
                extension=[
                    sub("offered", valueInteger=attendance[0]),
                    sub("attended", valueInteger=attendance[1]),
                    sub("missed", valueInteger=attendance[2]),
                ],
            ),
            ext("offer-outcome", valueCodeableConcept=concept("offer-outcome", offer)),
        ]
        if end_reason:
            extensions.append(ext("end-reason", valueCodeableConcept=concept("service-end-reason", end_reason)))
        if follow_up:
            extensions.append(
                ext(
                    "follow-up",
                    extension=[
                        sub("planned", valueBoolean=True),
                        sub("date", valueDate=follow_up[0]),
                        sub("by", valueReference=self.ref(follow_up[1])),
                    ],
                )
            )
        period: JSON = {"start": start}
        if end:
            period["end"] = end
        body: JSON = {
            "extension": extensions,
            "status": "finished" if end else "active",
            "type": [concept("service-type", service_type)],
            "patient": self.ref(patient),
            "managingOrganization": self.ref(agency),
            "period": period,
        }
        self._add(key, "EpisodeOfCare", "DAServiceEpisode", body)

    def provenance(
        self,
        key: str,
        targets: Sequence[str],
        recorded: str,
        agency: str,
        source_file: str,
        source_record: str,
        fact_source: str,
        *,
        by_person: str | None = None,
    ) -> None:
        extensions: list[JSON] = [ext("fact-source", valueCodeableConcept=concept("fact-source", fact_source))]
        if by_person:
            extensions.append(ext("fact-source-person", valueReference=self.ref(by_person)))
        body: JSON = {
            "extension": extensions,
            "target": self.refs(targets),
            "recorded": recorded,
            "agent": [{"who": self.ref(agency)}],
            "entity": [
                {
                    "role": "source",
                    "what": {
                        "identifier": {
                            "system": identifier_system("source-record"),
                            "value": f"{source_file}#{source_record}",
                        },
                        "display": source_file,
                    },
                }
            ],
        }
        self._add(key, "Provenance", "DAProvenance", body)

    def provenance_for_all(self, recorded: str, agency: str, source_file: str) -> None:
        """A closing Provenance: every fact not already covered was recorded by ``agency`` from its case file."""
        covered: set[str] = set()
        for item in self.entries:
            resource = item["resource"]
            if resource["resourceType"] == "Provenance":
                covered.update(t["reference"] for t in resource["target"])
        targets = [
            k
            for k, kind in self.kinds.items()
            if kind not in {"Organization", "Provenance"} and full_url(self.ids[k]) not in covered
        ]
        self.provenance("prov-case-file", targets, recorded, agency, source_file, self.case_reference, "record-check")

    # -- the Bundle ---------------------------------------------------------------------------------------------

    def bundle(self) -> JSON:
        return {
            "resourceType": "Bundle",
            "id": stable_id("example", self.slug, "Bundle"),
            "meta": {
                "profile": [profile_url("DACaseBundle")],
                "security": [
                    {
                        "system": CONFIDENTIALITY_CS,
                        "code": self.confidentiality,
                        "display": CONFIDENTIALITY_DISPLAY[self.confidentiality],
                    },
                    {
                        "system": ACT_CODE_CS,
                        "code": "SDV",
                        "display": "sexual assault, abuse, or domestic violence information sensitivity",
                    },
                ],
            },
            "identifier": {"system": identifier_system("case-reference"), "value": self.case_reference},
            "type": "collection",
            "timestamp": self.timestamp,
            "entry": self.entries,
        }

    def manifest(self) -> JSON:
        """The index entry: ``focus`` is what the case was written to show; ``learning_points`` adds every point
        the Bundle's content exercises (see ``exercised``)."""
        return {
            "file": f"{self.slug}.json",
            "title": self.title,
            "scenario": self.scenario,
            "focus": sorted(self.learning_points),
            "learning_points": sorted(set(self.learning_points) | exercised(self.bundle())),
        }


PROFILE_POINTS: dict[str, tuple[str, ...]] = {
    "DAIncident": ("L01", "L04", "L24"),
    "DAChildVictimStatus": ("L05",),
    "DAAbuseClassification": ("L03",),
    "DAChildContact": ("L07",),
    "DADisclosure": ("L19",),
    "DAMaracReferral": ("L11",),
    "DARiskFactor": ("L22",),
    "DAOffendingHistory": ("L21",),
    "DAHistoryCheck": ("L21",),
    "DAContactArrangement": ("L17",),
    "DAAdultAssessment": ("L15",),
    "DAServiceEpisode": ("L20",),
    "DAInformationSharing": ("L11", "L24"),
    "DAProvenance": ("L25",),
    "DAPerson": ("L09",),
}
NON_PHYSICAL_KINDS = frozenset(
    {"controlling-or-coercive", "economic", "psychological-or-emotional", "technology-facilitated", "verbal"}
)
SPECIALIST_SERVICES = frozenset({"idva", "childrens-da-service", "by-and-for-service", "refuge"})


def _codes(value: Any) -> set[str]:
    """Every ``code`` anywhere inside ``value``."""
    if isinstance(value, dict):
        found = {value["code"]} if isinstance(value.get("code"), str) else set()
        for item in value.values():
            found |= _codes(item)
        return found
    if isinstance(value, list):
        return set().union(*(_codes(item) for item in value)) if value else set()
    return set()


def _ext_urls(value: Any) -> set[str]:
    """Every extension url anywhere inside ``value``."""
    if isinstance(value, dict):
        found = {value["url"]} if isinstance(value.get("url"), str) else set()
        for item in value.values():
            found |= _ext_urls(item)
        return found
    if isinstance(value, list):
        return set().union(*(_ext_urls(item) for item in value)) if value else set()
    return set()


def exercised(bundle: JSON) -> set[str]:
    """The learning points a Bundle's content exercises, derived from its resources (not declared by hand)."""
    points: set[str] = set()
    for item in bundle["entry"]:
        resource = item["resource"]
        profile = resource["meta"]["profile"][0].rsplit("/", 1)[-1]
        points.update(PROFILE_POINTS.get(profile, ()))
        urls = {u.rsplit("/", 1)[-1] for u in _ext_urls(resource)}
        codes = _codes(resource)
        if "last-verified" in urls:
            points.add("L18")
        if profile == "DAIncident":
            if "linked-incident" in urls:
                points.add("L13")
            if codes & NON_PHYSICAL_KINDS:
                points.add("L02")
        if profile == "DAPerson":
            if "children-in-contact" in urls:
                points.add("L23")
            if "unborn" in urls:
                points.add("L20")
        if profile == "DAHousehold" and "membership-change" in urls:
            points.add("L16")
        if profile == "DARelationship" and "relationship-episode" in urls:
            points.add("L17")
        if profile == "DAPlan" and "action-directed-at" in urls:
            points.add("L06")
            if "marac-action-plan" in codes:
                points.add("L11")
        if profile == "DARiskFactor" and codes & {"isolation-from-wider-family", "no-wider-family-contact"}:
            points.add("L26")
        if profile == "DAServiceEpisode":
            if "childrens-da-service" in codes:
                points.add("L08")
            if codes & SPECIALIST_SERVICES:
                points.add("L10")
            if "follow-up" in urls:
                points.add("L12")
    return points


def standard_agencies(case: Case, *extra: tuple[str, str, str]) -> None:
    """The agencies most cases share, plus any ``extra`` (key, name, agency-type)."""
    case.agency("police", "Westshire Police", "police")
    case.agency("csc", "Westshire Council Children's Social Care", "childrens-social-care")
    case.agency("school", "Northbridge Primary School", "school")
    case.agency("health", "Westshire Community Health Trust", "health", ods="RZZ01")
    case.agency("idva", "Westshire IDVA Service", "idva-service")
    case.agency("cdas", "Westshire Children's Domestic Abuse Service", "childrens-da-service")
    for key, name, agency_type in extra:
        case.agency(key, name, agency_type)


def parent_links(case: Case, children: Sequence[str], parents: Sequence[str], verified: tuple[str, str]) -> None:
    """A parent relationship from each child to each parent (B = the parent, A = the child)."""
    for c in children:
        for p in parents:
            case.relationship(f"rel-{c}-{p}", c, p, "parent", [], verified)


def voice(case: Case, child_key: str, when: str, agency: str, words: str, wishes: str, cls: str = "HH") -> None:
    case.child_contact(
        f"contact-{child_key}-{when[:10]}", child_key, agency, when, cls=cls, words=[words], wishes=[wishes]
    )


# --------------------------------------------------------------------------------------------------------------
# The cases (all synthetic)
# --------------------------------------------------------------------------------------------------------------

STAMP = "2026-11-16T10:00:00Z"


def case_post_separation_contact() -> Case:
    c = Case(
        slug="case-01-post-separation-contact",
        title="Post-separation contact: the father harms a child at a contact handover",
        scenario=(
            "Claire and Daniel Ashworth separated in June 2024 after an incident in which Daniel threw a mug at "
            "Claire while their children Ellie (7) and Max (5) heard it from upstairs. A child arrangements order "
            "of September 2025 gave Daniel unsupervised alternate weekends. After losing his job and disputing "
            "contact, Daniel pushed "
            "Claire at a handover in July 2026 and grabbed Max, bruising his arm, while Ellie watched. The contact "
            "arrangement became supervised at a contact centre; the safety plan sets actions for Daniel, Claire and "
            "both children; the dated separation, contact dispute and job loss are recorded as risk factors, and the "
            "risk is shown to persist long after the separation."
        ),
        learning_points=(
            "L01",
            "L03",
            "L04",
            "L05",
            "L06",
            "L07",
            "L09",
            "L13",
            "L15",
            "L17",
            "L18",
            "L22",
            "L23",
            "L24",
            "L25",
            "L26",
        ),
        case_reference="WCSC-2026-0101",
        timestamp=STAMP,
    )
    standard_agencies(c, ("court", "Westshire Family Court Advisers (Cafcass)", "cafcass"))
    v = ("2026-10-28", "csc")
    c.person(
        adult(
            "claire",
            "Claire",
            "Ashworth",
            "1990-04-12",
            "F",
            marital="L",
            religion="2",
            children_in_contact="lives-with-children",
        ),
        v,
    )
    c.person(
        adult(
            "daniel",
            "Daniel",
            "Ashworth",
            "1988-09-03",
            "M",
            marital="L",
            religion="1",
            children_in_contact="contact-with-children",
            police_id="WP-55120",
        ),
        v,
    )
    c.person(child("ellie", "Ellie", "Ashworth", "2016-06-21", "F", "WS-C-40211", religion="2"), v)
    c.person(child("max", "Max", "Ashworth", "2019-02-14", "M", "WS-C-40212", religion="2", disability="COMM"), v)
    c.household(
        "home",
        "Ashworth family home",
        [
            ("claire", "2014-03-01", None, None),
            ("daniel", "2014-03-01", "2024-06-01", ("separation", "Moved to a flat in Eastbridge")),
            ("ellie", "2016-06-21", None, None),
            ("max", "2019-02-14", None, None),
        ],
        v,
    )
    c.relationship(
        "rel-claire-daniel",
        "claire",
        "daniel",
        "former-spouse",
        [("together", "2012-05-01", "2024-06-01"), ("separated", "2024-06-01", None)],
        v,
    )
    parent_links(c, ["ellie", "max"], ["claire", "daniel"], v)
    c.incident(
        "inc-1",
        "WP-INC-24-38410",
        "2024-05-25T21:40:00Z",
        "police",
        "home",
        "Daniel shouted at Claire about money, threw a mug that smashed against the wall beside her and said she "
        "would 'regret it' if she left him. Ellie and Max were upstairs and heard the shouting and the smash.",
        ["violent-or-threatening", "psychological-or-emotional"],
        [
            Party("daniel", "person-causing-harm"),
            Party("claire", "victim", injured=False),
            Party("ellie", "child-not-present", ("heard",)),
            Party("max", "child-not-present", ("heard",)),
        ],
        risk="medium",
        outcome="arrest",
        crime_reference="WP-CR-24-13007",
    )
    c.incident(
        "inc-2",
        "WP-INC-26-41276",
        "2026-07-19T17:05:00Z",
        "police",
        "home",
        "At the end of a contact weekend Daniel argued with Claire on the doorstep about the contact schedule, "
        "pushed her against the door frame and pulled Max out of her arms by his upper arm, leaving a bruise. "
        "Ellie was standing in the hallway and saw it.",
        ["physical", "violent-or-threatening"],
        [
            Party("daniel", "person-causing-harm"),
            Party("claire", "victim", injured=False),
            Party("max", "child-present", ("present", "directly-harmed"), injured=True),
            Party("ellie", "child-present", ("saw",)),
        ],
        risk="high",
        linked=["inc-1"],
        injury=True,
        outcome="arrest",
        crime_reference="WP-CR-26-17733",
    )
    c.victim_status("vs-ellie", "ellie", ["inc-1", "inc-2"], "2026-07-21", basis=["hears", "sees"])
    c.victim_status("vs-max", "max", ["inc-1", "inc-2"], "2026-07-21", basis=["hears", "experiences-effects"])
    c.classification(
        "class-1",
        "home",
        ["inc-1", "inc-2"],
        "2026-07-22",
        "domestic-abuse",
        ["fear", "control", "injury"],
        "Claire is afraid of Daniel; the handover incident followed months of disputes about contact. "
        "This is domestic abuse, not parental conflict.",
    )
    voice(
        c,
        "ellie",
        "2026-07-22T15:30:00Z",
        "csc",
        "Dad grabbed Max and Mum was crying.",
        "I don't want to go to Dad's on my own.",
    )
    voice(c, "max", "2026-07-22T16:10:00Z", "csc", "My arm hurt when Daddy pulled me.", "I want Mummy to come too.")
    c.contact_arrangement(
        "contact-1-ellie",
        "ellie",
        "daniel",
        "2025-09-01",
        "2026-07-19",
        supervised=False,
        court_order="child-arrangements-order",
        arrangement="overnight",
    )
    c.contact_arrangement(
        "contact-1-max",
        "max",
        "daniel",
        "2025-09-01",
        "2026-07-19",
        supervised=False,
        court_order="child-arrangements-order",
        arrangement="overnight",
    )
    c.contact_arrangement(
        "contact-2-ellie",
        "ellie",
        "daniel",
        "2026-08-01",
        None,
        supervised=True,
        court_order="child-arrangements-order",
        arrangement="day",
    )
    c.contact_arrangement(
        "contact-2-max",
        "max",
        "daniel",
        "2026-08-01",
        None,
        supervised=True,
        court_order="child-arrangements-order",
        arrangement="day",
    )
    c.risk_factor("rf-separation", "daniel", "separation", "2024-06-01")
    c.risk_factor("rf-job", "daniel", "job-loss", "2026-05-15")
    c.risk_factor("rf-dispute", "daniel", "post-separation-contact-dispute", "2026-06-02")
    c.risk_factor("rf-alcohol", "daniel", "alcohol-misuse", "2026-06-30", "Claire reports heavy drinking since May.")
    c.risk_factor(
        "rf-isolation",
        "claire",
        "isolation-from-wider-family",
        "2024-01-01",
        "Claire says Daniel stopped her visiting her parents during the relationship.",
    )
    c.offending(
        "off-daniel",
        "daniel",
        "violence-against-partner",
        "2024-05-25",
        "police",
        "Charged after the May 2024 incident; conditional caution.",
    )
    c.risk_assessment(
        "ric-1",
        "claire",
        "2026-07-20T11:00:00Z",
        "idva",
        [1, 2, 3, 5, 6, 7, 8, 13, 14, 15, 18],
        "medium",
        ["inc-1", "inc-2"],
    )
    c.adult_assessment(
        "aa-claire",
        "claire",
        ["ellie", "max"],
        "2026-08-05",
        "csc",
        risk="standard",
        capacity="good",
        engaged=True,
        role="birth-parent",
    )
    c.adult_assessment(
        "aa-daniel",
        "daniel",
        ["ellie", "max"],
        "2026-08-05",
        "csc",
        risk="high",
        capacity="limited",
        engaged=True,
        role="birth-parent",
    )
    c.plan(
        "plan-1",
        "child-protection-plan",
        "max",
        "2026-08-12",
        [
            Activity(
                "monitor-contact",
                "Contact with Daniel only at the Eastbridge contact centre.",
                "court",
                ("daniel", "ellie", "max"),
            ),
            Activity(
                "refer-perpetrator-programme",
                "Daniel to attend a domestic abuse perpetrator programme.",
                "csc",
                ("daniel",),
            ),
            Activity("health-referral", "Daniel referred to alcohol support services.", "health", ("daniel",)),
            Activity("safety-measures", "IDVA safety planning with Claire, including handovers.", "idva", ("claire",)),
            Activity(
                "direct-work-with-child",
                "Group work for Ellie and Max with the children's DA service.",
                "cdas",
                ("ellie", "max"),
            ),
        ],
        title="Ashworth children: child protection plan",
    )
    c.service(
        "svc-idva", "idva", "claire", "idva", "2026-07-20", last_contact="2026-11-09T10:00:00Z", attendance=(8, 8, 0)
    )
    c.service(
        "svc-cdas-ellie",
        "childrens-da-service",
        "ellie",
        "cdas",
        "2026-08-20",
        last_contact="2026-11-11T15:30:00Z",
        attendance=(10, 9, 1),
    )
    c.service(
        "svc-cdas-max",
        "childrens-da-service",
        "max",
        "cdas",
        "2026-08-20",
        last_contact="2026-11-11T15:30:00Z",
        attendance=(10, 10, 0),
    )
    c.service(
        "svc-ppp",
        "perpetrator-programme",
        "daniel",
        "csc",
        "2026-09-01",
        last_contact="2026-11-12T18:00:00Z",
        attendance=(11, 10, 1),
    )
    c.sharing(
        "share-1",
        "police",
        "csc",
        "2024-05-26T09:00:00Z",
        ["inc-1"],
        "Police domestic abuse notification: incident of 25 May 2024, two children in the household.",
        "without-consent-risk-of-harm",
    )
    c.sharing(
        "share-2",
        "police",
        "school",
        "2024-05-26T08:00:00Z",
        ["inc-1"],
        "Operation Encompass notification for Ellie.",
        "without-consent-risk-of-harm",
    )
    c.sharing(
        "share-3",
        "police",
        "csc",
        "2026-07-20T08:30:00Z",
        ["inc-2"],
        "Police notification: handover incident, Max injured.",
        "without-consent-risk-of-harm",
    )
    c.sharing(
        "share-4",
        "csc",
        "court",
        "2026-07-24T12:00:00Z",
        ["inc-2", "vs-max", "vs-ellie"],
        "Safeguarding letter to Cafcass before the contact review hearing.",
        "without-consent-legal-duty",
    )
    c.provenance(
        "prov-claire",
        ["rf-alcohol", "rf-isolation"],
        "2026-07-20T11:00:00Z",
        "idva",
        "idva-case-notes.docx",
        "IDVA-0731",
        "self-reported",
        by_person="claire",
    )
    c.provenance(
        "prov-max-injury",
        ["inc-2"],
        "2026-07-19T19:30:00Z",
        "police",
        "niche-export-2026-07-20.csv",
        "WP-INC-26-41276",
        "observed",
    )
    c.provenance_for_all("2026-11-16T09:00:00Z", "csc", "liquidlogic-case-WCSC-2026-0101.xml")
    return c


def case_female_person_causing_harm() -> Case:
    c = Case(
        slug="case-02-female-person-causing-harm",
        title="A mother causes harm; the father is the victim",
        scenario=(
            "Grace Okafor has repeatedly assaulted and threatened her husband Samuel, controls the family's money and"
            " has told him he will never see the children again if he leaves. Their children Joy (12) and David (9) "
            "have seen the assaults. Samuel disclosed to his GP after an injury. The record names Grace as the person"
            " causing harm and Samuel as the victim: no role follows from anyone's sex. Samuel's capacity to protect "
            "the children is assessed as good, and the plan's actions fall on Grace as well as on Samuel."
        ),
        learning_points=(
            "L01",
            "L03",
            "L04",
            "L05",
            "L06",
            "L07",
            "L09",
            "L13",
            "L14",
            "L15",
            "L19",
            "L23",
            "L24",
            "L25",
            "L26",
        ),
        case_reference="WCSC-2026-0102",
        timestamp=STAMP,
    )
    standard_agencies(c, ("mens-service", "Westshire Men's Advice Project", "by-and-for-service"))
    v = ("2026-11-02", "csc")
    c.person(
        adult(
            "grace",
            "Grace",
            "Okafor",
            "1987-01-30",
            "F",
            marital="M",
            religion="2",
            ethnic_nhs="N",
            ethnic_ons="6",
            police_id="WP-71803",
        ),
        v,
    )
    c.person(
        adult(
            "samuel",
            "Samuel",
            "Okafor",
            "1985-11-17",
            "M",
            marital="M",
            religion="2",
            ethnic_nhs="N",
            ethnic_ons="6",
        ),
        v,
    )
    c.person(
        child(
            "joy",
            "Joy",
            "Okafor",
            "2014-05-09",
            "F",
            "WS-C-40377",
            religion="2",
            ethnic_nhs="N",
            ethnic_ons="6",
            ethnic_dfe="BAFR",
        ),
        v,
    )
    c.person(
        child(
            "david",
            "David",
            "Okafor",
            "2017-08-23",
            "M",
            "WS-C-40378",
            religion="2",
            ethnic_nhs="N",
            ethnic_ons="6",
            ethnic_dfe="BAFR",
            disability="LD",
        ),
        v,
    )
    c.household(
        "home",
        "Okafor family home",
        [
            ("grace", "2012-09-01", None, None),
            ("samuel", "2012-09-01", None, None),
            ("joy", "2014-05-09", None, None),
            ("david", "2017-08-23", None, None),
        ],
        v,
    )
    c.relationship("rel-samuel-grace", "samuel", "grace", "spouse", [("together", "2011-06-18", None)], v)
    parent_links(c, ["joy", "david"], ["grace", "samuel"], v)
    c.incident(
        "inc-1",
        "WP-INC-26-10552",
        "2026-02-08T20:15:00Z",
        "police",
        "home",
        "Grace slapped Samuel and scratched his face during an argument about his wages, then took his bank card. "
        "Joy and David were in the living room and saw it.",
        ["physical", "economic"],
        [
            Party("grace", "person-causing-harm"),
            Party("samuel", "victim", injured=True),
            Party("joy", "child-present", ("saw",)),
            Party("david", "child-present", ("saw",)),
        ],
        risk="medium",
        injury=True,
        outcome="no-arrest",
    )
    c.incident(
        "inc-2",
        "GP-26-0419",
        "2026-04-17T09:30:00Z",
        "health",
        "home",
        "Samuel told his GP that Grace hit him with a saucepan the night before, cutting his hand, and said he would "
        "never see Joy and David again if he reported her. The children heard the argument from their bedroom.",
        ["physical", "violent-or-threatening", "controlling-or-coercive"],
        [
            Party("grace", "person-causing-harm"),
            Party("samuel", "victim", injured=True),
            Party("joy", "child-not-present", ("heard",)),
            Party("david", "child-not-present", ("heard",)),
        ],
        risk="medium",
        linked=["inc-1"],
        injury=True,
        weapon=True,
    )
    c.disclosure(
        "disc-samuel",
        "samuel",
        "health",
        "2026-04-17T09:30:00Z",
        "samuel",
        ["inc-2"],
        "Samuel described the assault and the threats about the children to his GP.",
        ("referral-childrens-social-care", "2026-04-17T12:00:00Z", "health"),
    )
    c.victim_status("vs-joy", "joy", ["inc-1", "inc-2"], "2026-04-20", basis=["sees", "hears"])
    c.victim_status("vs-david", "david", ["inc-1", "inc-2"], "2026-04-20", basis=["sees", "hears"])
    c.classification(
        "class-1",
        "home",
        ["inc-1", "inc-2"],
        "2026-04-24",
        "domestic-abuse",
        ["fear", "control", "injury", "power-imbalance"],
        "Samuel is frightened of Grace and she controls the money; the harm is one-directional.",
    )
    voice(
        c,
        "joy",
        "2026-04-23T16:00:00Z",
        "csc",
        "Mum hits Dad when she's angry and he doesn't hit back.",
        "I want it to stop but I don't want Mum to go to prison.",
    )
    voice(c, "david", "2026-04-23T16:40:00Z", "csc", "I hide under my bed when they shout.", "I want to stay with Dad.")
    c.risk_factor(
        "rf-isolation",
        "samuel",
        "isolation-from-wider-family",
        "2025-09-01",
        "Samuel no longer sees his brothers; Grace objects to his visits.",
    )
    c.risk_factor("rf-mh", "grace", "mental-ill-health", "2026-01-10")
    c.offending(
        "off-grace",
        "grace",
        "no-known-history",
        "2026-04-18",
        "police",
        "Police national records check before the strategy discussion.",
    )
    c.risk_assessment(
        "ric-1",
        "samuel",
        "2026-04-19T10:00:00Z",
        "mens-service",
        [1, 2, 3, 4, 7, 13, 14, 15, 16],
        "standard",
        ["inc-1", "inc-2"],
        judgement=("medium", "Use of a weapon and threats about the children; Samuel minimises his own risk."),
    )
    c.adult_assessment(
        "aa-grace",
        "grace",
        ["joy", "david"],
        "2026-05-06",
        "csc",
        risk="medium",
        capacity="limited",
        engaged=True,
        role="birth-parent",
    )
    c.adult_assessment(
        "aa-samuel",
        "samuel",
        ["joy", "david"],
        "2026-05-06",
        "csc",
        risk="standard",
        capacity="good",
        engaged=True,
        role="birth-parent",
    )
    c.plan(
        "plan-1",
        "cin-plan",
        "joy",
        "2026-05-10",
        [
            Activity(
                "refer-perpetrator-programme",
                "Grace to attend a programme for women who use harmful behaviour.",
                "csc",
                ("grace",),
            ),
            Activity("health-referral", "Grace referred to the community mental health team.", "health", ("grace",)),
            Activity(
                "safety-measures",
                "Safety planning with Samuel by the men's advice project.",
                "mens-service",
                ("samuel",),
            ),
            Activity("direct-work-with-child", "Individual sessions for Joy and David.", "cdas", ("joy", "david")),
        ],
        title="Okafor children: child in need plan",
    )
    c.service(
        "svc-men",
        "by-and-for-service",
        "samuel",
        "mens-service",
        "2026-04-19",
        last_contact="2026-11-05T11:00:00Z",
        attendance=(9, 8, 1),
    )
    c.service(
        "svc-cdas-joy",
        "childrens-da-service",
        "joy",
        "cdas",
        "2026-05-20",
        last_contact="2026-11-10T15:00:00Z",
        attendance=(8, 8, 0),
    )
    c.service(
        "svc-cdas-david",
        "childrens-da-service",
        "david",
        "cdas",
        "2026-05-20",
        last_contact="2026-11-10T15:45:00Z",
        attendance=(8, 7, 1),
    )
    c.service(
        "svc-ppp",
        "perpetrator-programme",
        "grace",
        "csc",
        "2026-06-01",
        last_contact="2026-11-12T18:00:00Z",
        attendance=(12, 11, 1),
    )
    c.sharing(
        "share-1",
        "police",
        "csc",
        "2026-02-09T09:00:00Z",
        ["inc-1"],
        "Police notification: assault on Samuel by Grace; two children present.",
        "without-consent-risk-of-harm",
    )
    c.sharing(
        "share-2",
        "health",
        "csc",
        "2026-04-17T12:00:00Z",
        ["inc-2", "disc-samuel"],
        "GP safeguarding referral after Samuel's disclosure.",
        "consent",
    )
    c.sharing(
        "share-3",
        "csc",
        "police",
        "2026-04-18T10:00:00Z",
        ["inc-2"],
        "Children's social care shared the GP-reported incident with police.",
        "without-consent-risk-of-harm",
    )
    c.provenance(
        "prov-samuel",
        ["inc-2", "rf-isolation"],
        "2026-04-17T09:30:00Z",
        "health",
        "gp-consultation-2026-04-17.txt",
        "GP-26-0419",
        "self-reported",
        by_person="samuel",
    )
    c.provenance_for_all("2026-11-16T09:00:00Z", "csc", "liquidlogic-case-WCSC-2026-0102.xml")
    return c


def case_same_sex_couple() -> Case:
    c = Case(
        slug="case-03-same-sex-couple",
        title="A same-sex couple: one civil partner abuses the other",
        scenario=(
            "Hannah and Rachel Price are civil partners raising Hannah's son Leo (8), whom Rachel has adopted. Rachel"
            " checks Hannah's phone, decides whom she may see and, in March 2026, pinned her to the floor in front of"
            " Leo. Hannah delayed seeking help because she feared services would not take abuse between two women "
            "seriously. A by-and-for LGBT+ service supports Hannah; both women's sexual orientation and gender "
            "identity are recorded as they stated them, and roles are recorded per incident."
        ),
        learning_points=(
            "L01",
            "L02",
            "L03",
            "L04",
            "L05",
            "L06",
            "L07",
            "L09",
            "L10",
            "L13",
            "L14",
            "L15",
            "L23",
            "L24",
            "L25",
            "L26",
        ),
        case_reference="WCSC-2026-0103",
        timestamp=STAMP,
    )
    standard_agencies(c, ("lgbt", "Westshire LGBT+ Domestic Abuse Service", "by-and-for-service"))
    v = ("2026-10-30", "csc")
    c.person(
        adult(
            "hannah",
            "Hannah",
            "Price",
            "1992-07-04",
            "F",
            marital="civil-partner",
            sexual_orientation="2",
            religion="1",
            ethnic_nhs="A",
            ethnic_ons="13",
        ),
        v,
    )
    c.person(
        adult(
            "rachel",
            "Rachel",
            "Price",
            "1989-12-11",
            "F",
            marital="civil-partner",
            sexual_orientation="2",
            religion=Absent("asked-declined"),
            ethnic_nhs="F",
            ethnic_ons="9",
            disability=Absent("asked-declined"),
            police_id="WP-80215",
        ),
        v,
    )
    c.person(child("leo", "Leo", "Price", "2018-03-27", "M", "WS-C-40501", religion="1"), v)
    c.household(
        "home",
        "Price family home",
        [("hannah", "2019-01-15", None, None), ("rachel", "2019-01-15", None, None), ("leo", "2019-01-15", None, None)],
        v,
    )
    c.relationship("rel-hannah-rachel", "hannah", "rachel", "civil-partner", [("together", "2018-10-01", None)], v)
    parent_links(c, ["leo"], ["hannah", "rachel"], v)
    c.incident(
        "inc-1",
        "WP-INC-25-97720",
        "2025-12-20T22:10:00Z",
        "police",
        "home",
        "Rachel took Hannah's phone, read her messages and locked her out of the house for an hour in the cold "
        "because Hannah had met a friend. Leo was asleep and was told about it the next morning.",
        ["controlling-or-coercive", "psychological-or-emotional"],
        [
            Party("rachel", "person-causing-harm"),
            Party("hannah", "victim", injured=False),
            Party("leo", "child-not-present", ("experienced-effects",)),
        ],
        risk="medium",
        outcome="no-arrest",
    )
    c.incident(
        "inc-2",
        "WP-INC-26-20913",
        "2026-03-14T19:20:00Z",
        "police",
        "home",
        "Rachel pinned Hannah to the kitchen floor by her shoulders and shouted that she would 'take Leo and go' if "
        "Hannah left. Leo saw it from the doorway and ran to a neighbour.",
        ["physical", "violent-or-threatening", "controlling-or-coercive"],
        [
            Party("rachel", "person-causing-harm"),
            Party("hannah", "victim", injured=True),
            Party("leo", "child-present", ("saw",)),
        ],
        risk="medium",
        linked=["inc-1"],
        injury=True,
        outcome="arrest",
        crime_reference="WP-CR-26-08812",
    )
    c.victim_status(
        "vs-leo",
        "leo",
        ["inc-1", "inc-2"],
        "2026-03-16",
        basis=["sees", "experiences-effects"],
        related=("parent-of-child", "parental-responsibility"),
    )
    c.classification(
        "class-1",
        "home",
        ["inc-1", "inc-2"],
        "2026-03-18",
        "domestic-abuse",
        ["fear", "control", "injury"],
        "A pattern of monitoring and isolation with one assault.",
    )
    voice(
        c,
        "leo",
        "2026-03-17T15:45:00Z",
        "school",
        "Mummy Rachel pushed Mummy Hannah on the floor.",
        "I want both my mums but no more fighting.",
    )
    c.risk_factor(
        "rf-isolation",
        "hannah",
        "isolation-from-wider-family",
        "2025-06-01",
        "Hannah has not seen her sister for a year; Rachel objects.",
    )
    c.risk_factor("rf-drugs", "rachel", "drug-misuse", "2026-02-01")
    c.offending("off-rachel", "rachel", "no-known-history", "2026-03-15", "police", "Police records check.")
    c.risk_assessment(
        "ric-1",
        "hannah",
        "2026-03-15T14:00:00Z",
        "lgbt",
        [1, 2, 3, 4, 8, 13, 14, 15, 16, 18, 20],
        "medium",
        ["inc-1", "inc-2"],
    )
    c.adult_assessment(
        "aa-hannah",
        "hannah",
        ["leo"],
        "2026-04-02",
        "csc",
        risk="standard",
        capacity="good",
        engaged=True,
        role="birth-parent",
    )
    c.adult_assessment(
        "aa-rachel",
        "rachel",
        ["leo"],
        "2026-04-02",
        "csc",
        risk="medium",
        capacity="some",
        engaged=True,
        role="other-significant-adult",
    )
    c.plan(
        "plan-1",
        "safety-plan",
        "hannah",
        "2026-03-20",
        [
            Activity(
                "criminal-justice-action",
                "Rachel's bail conditions: no contact with Hannah except through a solicitor.",
                "police",
                ("rachel",),
            ),
            Activity(
                "refer-perpetrator-programme", "Rachel referred to a behaviour change programme.", "csc", ("rachel",)
            ),
            Activity("safety-measures", "Safety planning and support from the LGBT+ service.", "lgbt", ("hannah",)),
            Activity("direct-work-with-child", "Play-based sessions for Leo.", "cdas", ("leo",)),
        ],
    )
    c.service(
        "svc-lgbt",
        "by-and-for-service",
        "hannah",
        "lgbt",
        "2026-03-15",
        last_contact="2026-11-06T13:00:00Z",
        attendance=(14, 13, 1),
    )
    c.service(
        "svc-cdas-leo",
        "childrens-da-service",
        "leo",
        "cdas",
        "2026-04-10",
        last_contact="2026-11-10T14:00:00Z",
        attendance=(9, 9, 0),
    )
    c.sharing(
        "share-1",
        "police",
        "csc",
        "2025-12-21T09:00:00Z",
        ["inc-1"],
        "Police notification: controlling behaviour, one child in the household.",
        "without-consent-risk-of-harm",
    )
    c.sharing(
        "share-2",
        "police",
        "csc",
        "2026-03-15T08:30:00Z",
        ["inc-2"],
        "Police notification: assault witnessed by Leo.",
        "without-consent-risk-of-harm",
    )
    c.sharing(
        "share-3",
        "police",
        "school",
        "2026-03-15T08:00:00Z",
        ["inc-2"],
        "Operation Encompass notification for Leo.",
        "without-consent-risk-of-harm",
    )
    c.provenance(
        "prov-hannah",
        ["rf-isolation", "inc-1"],
        "2025-12-20T23:00:00Z",
        "police",
        "niche-export-2025-12-21.csv",
        "WP-INC-25-97720",
        "self-reported",
        by_person="hannah",
    )
    c.provenance_for_all("2026-11-16T09:00:00Z", "csc", "liquidlogic-case-WCSC-2026-0103.xml")
    return c


def case_coercive_control() -> Case:
    c = Case(
        slug="case-04-coercive-control",
        title="Coercive control without physical violence",
        scenario=(
            "Imran Khan tracks his wife Ayesha's phone, gives her a weekly allowance, takes her wages and has cut her"
            " off from her sisters. He has never hit her. Ayesha's sister called the police in February 2026; Imran "
            "was arrested for controlling or coercive behaviour. Later threatening messages were linked to the first "
            "report. Zara (11) and Yusuf (8) describe the effects on them. The incidents are recorded with their "
            "coercive, economic and technology-facilitated kinds and a medium risk level, never as 'low level'."
        ),
        learning_points=(
            "L01",
            "L02",
            "L03",
            "L04",
            "L05",
            "L06",
            "L07",
            "L08",
            "L09",
            "L13",
            "L15",
            "L23",
            "L24",
            "L25",
            "L26",
        ),
        case_reference="WCSC-2026-0104",
        timestamp=STAMP,
    )
    standard_agencies(c, ("asian-womens", "Westshire Asian Women's Support Network", "by-and-for-service"))
    v = ("2026-11-04", "csc")
    c.person(
        adult(
            "ayesha",
            "Ayesha",
            "Khan",
            "1993-02-19",
            "F",
            marital="M",
            religion="6",
            ethnic_nhs="J",
            ethnic_ons="4",
        ),
        v,
    )
    c.person(
        adult(
            "imran",
            "Imran",
            "Khan",
            "1990-10-05",
            "M",
            marital="M",
            religion="6",
            ethnic_nhs="J",
            ethnic_ons="4",
            police_id="WP-61934",
        ),
        v,
    )
    c.person(
        child(
            "zara",
            "Zara",
            "Khan",
            "2015-01-12",
            "F",
            "WS-C-40622",
            religion="6",
            ethnic_nhs="J",
            ethnic_ons="4",
            ethnic_dfe="APKN",
        ),
        v,
    )
    c.person(
        child(
            "yusuf",
            "Yusuf",
            "Khan",
            "2018-06-30",
            "M",
            "WS-C-40623",
            religion="6",
            ethnic_nhs="J",
            ethnic_ons="4",
            ethnic_dfe="APKN",
        ),
        v,
    )
    c.household(
        "home",
        "Khan family home",
        [
            ("ayesha", "2014-04-01", None, None),
            ("imran", "2014-04-01", "2026-02-12", ("excluded-by-order", "Living with his parents in Southbridge")),
            ("zara", "2015-01-12", None, None),
            ("yusuf", "2018-06-30", None, None),
        ],
        v,
    )
    c.relationship(
        "rel-ayesha-imran",
        "ayesha",
        "imran",
        "spouse",
        [("together", "2013-08-10", "2026-02-12"), ("separated", "2026-02-12", None)],
        v,
    )
    parent_links(c, ["zara", "yusuf"], ["ayesha", "imran"], v)
    c.incident(
        "inc-1",
        "WP-INC-26-11847",
        "2026-02-11T14:00:00Z",
        "police",
        "home",
        "Over at least two years Imran has tracked Ayesha's phone location, taken her wages into his account, given "
        "her a weekly cash allowance, checked receipts, and forbidden her to visit her sisters. No physical violence "
        "is reported. Zara and Yusuf are not allowed to bring friends home and are told to report on their mother.",
        ["controlling-or-coercive", "economic", "psychological-or-emotional", "technology-facilitated"],
        [
            Party("imran", "person-causing-harm"),
            Party("ayesha", "victim", injured=False),
            Party("zara", "child-not-present", ("experienced-effects",)),
            Party("yusuf", "child-not-present", ("experienced-effects",)),
        ],
        risk="medium",
        outcome="arrest",
        crime_reference="WP-CR-26-05519",
    )
    c.incident(
        "inc-2",
        "WP-INC-26-30218",
        "2026-05-03T21:00:00Z",
        "police",
        "home",
        "While on bail Imran sent Ayesha 46 messages in one evening saying the children would be taken to Pakistan "
        "if she did not withdraw her statement.",
        ["controlling-or-coercive", "violent-or-threatening", "technology-facilitated"],
        [
            Party("imran", "person-causing-harm"),
            Party("ayesha", "victim", injured=False),
            Party("zara", "child-not-present", ("experienced-effects",)),
            Party("yusuf", "child-not-present", ("experienced-effects",)),
        ],
        risk="medium",
        linked=["inc-1"],
        outcome="arrest",
    )
    for ch in ("zara", "yusuf"):
        c.victim_status(f"vs-{ch}", ch, ["inc-1", "inc-2"], "2026-05-05", basis=["experiences-effects"])
    c.classification(
        "class-1",
        "home",
        ["inc-1", "inc-2"],
        "2026-02-20",
        "domestic-abuse",
        ["fear", "control", "power-imbalance"],
        "Coercive and economic control without physical violence is domestic abuse.",
    )
    voice(
        c,
        "zara",
        "2026-02-19T16:00:00Z",
        "csc",
        "Dad makes me tell him where Mum goes.",
        "I want Mum to have her own money and see Auntie again.",
    )
    voice(
        c,
        "yusuf",
        "2026-02-19T16:30:00Z",
        "csc",
        "We can't have friends round because Dad says no.",
        "I want to have a sleepover.",
    )
    c.risk_factor(
        "rf-isolation",
        "ayesha",
        "isolation-from-wider-family",
        "2024-03-01",
        "Imran forbade visits to Ayesha's sisters.",
    )
    c.risk_factor("rf-separation", "imran", "separation", "2026-02-12")
    c.offending("off-imran", "imran", "no-known-history", "2026-02-11", "police", "Police national records check.")
    c.risk_assessment(
        "ric-1",
        "ayesha",
        "2026-02-12T10:00:00Z",
        "asian-womens",
        [2, 3, 4, 6, 8, 10, 11, 15, 17, 21],
        "medium",
        ["inc-1"],
        not_known=[24],
    )
    c.risk_assessment(
        "ric-2",
        "ayesha",
        "2026-05-04T10:00:00Z",
        "asian-womens",
        [2, 3, 4, 6, 8, 10, 11, 15, 17, 21, 22, 23],
        "medium",
        ["inc-1", "inc-2"],
    )
    c.adult_assessment(
        "aa-ayesha",
        "ayesha",
        ["zara", "yusuf"],
        "2026-03-01",
        "csc",
        risk="standard",
        capacity="good",
        engaged=True,
        role="birth-parent",
    )
    c.adult_assessment(
        "aa-imran",
        "imran",
        ["zara", "yusuf"],
        "2026-03-01",
        "csc",
        risk="medium",
        capacity="limited",
        engaged=False,
        role="birth-parent",
    )
    c.plan(
        "plan-1",
        "safety-plan",
        "ayesha",
        "2026-02-15",
        [
            Activity(
                "criminal-justice-action",
                "Imran's bail: no contact with Ayesha; do not enter the street.",
                "police",
                ("imran",),
            ),
            Activity(
                "protective-order",
                "Prohibited steps order: the children are not to be removed from the UK.",
                "csc",
                ("imran", "zara", "yusuf"),
            ),
            Activity(
                "refer-specialist-service",
                "Help to open Ayesha's own bank account and claim benefits.",
                "asian-womens",
                ("ayesha",),
            ),
            Activity(
                "direct-work-with-child",
                "Sessions on healthy relationships for Zara and Yusuf.",
                "cdas",
                ("zara", "yusuf"),
            ),
        ],
    )
    c.service(
        "svc-awsn",
        "by-and-for-service",
        "ayesha",
        "asian-womens",
        "2026-02-12",
        last_contact="2026-11-03T11:00:00Z",
        attendance=(18, 17, 1),
    )
    c.service(
        "svc-cdas-zara",
        "childrens-da-service",
        "zara",
        "cdas",
        "2026-03-10",
        last_contact="2026-10-20T16:00:00Z",
        attendance=(10, 10, 0),
        end="2026-10-20",
        end_reason="goals-achieved",
        follow_up=("2027-01-20", "cdas"),
    )
    c.service(
        "svc-cdas-yusuf",
        "childrens-da-service",
        "yusuf",
        "cdas",
        "2026-03-10",
        last_contact="2026-10-20T16:30:00Z",
        attendance=(10, 9, 1),
        end="2026-10-20",
        end_reason="goals-achieved",
        follow_up=("2027-01-20", "cdas"),
    )
    c.sharing(
        "share-1",
        "police",
        "csc",
        "2026-02-12T09:00:00Z",
        ["inc-1"],
        "Police notification: controlling or coercive behaviour arrest; two children.",
        "without-consent-risk-of-harm",
    )
    c.sharing(
        "share-2",
        "police",
        "csc",
        "2026-05-04T09:00:00Z",
        ["inc-2"],
        "Police notification: threats by message while on bail.",
        "without-consent-risk-of-harm",
    )
    c.sharing(
        "share-3",
        "csc",
        "school",
        "2026-05-05T10:00:00Z",
        ["inc-2"],
        "Designated safeguarding lead told of the threat to remove the children.",
        "without-consent-risk-of-harm",
    )
    c.provenance(
        "prov-sister",
        ["inc-1"],
        "2026-02-11T15:00:00Z",
        "police",
        "niche-export-2026-02-12.csv",
        "WP-INC-26-11847",
        "reported-by-other",
    )
    c.provenance(
        "prov-ayesha",
        ["rf-isolation"],
        "2026-02-12T10:00:00Z",
        "asian-womens",
        "awsn-notes.docx",
        "AWSN-2231",
        "self-reported",
        by_person="ayesha",
    )
    c.provenance_for_all("2026-11-16T09:00:00Z", "csc", "liquidlogic-case-WCSC-2026-0104.xml")
    return c


def case_new_partner_clares_law() -> Case:
    c = Case(
        slug="case-05-new-partner-clares-law",
        title="A new partner with a violent history and a Clare's Law check",
        scenario=(
            "Sophie Turner's new partner Craig Bennett moved in with her and her children Mia (9) and Alfie (6) in "
            "April 2026. Craig has a conviction for assaulting a previous partner. Sophie made a right-to-ask "
            "application under the domestic violence disclosure scheme; police also made a right-to-know disclosure "
            "after a jealous outburst in May. In June Craig pushed Sophie into a wardrobe while the children "
            "listened. The children's father Liam, who lives elsewhere and sees them on Saturdays, is assessed and "
            "engaged."
        ),
        learning_points=(
            "L01",
            "L04",
            "L05",
            "L06",
            "L07",
            "L09",
            "L13",
            "L15",
            "L18",
            "L21",
            "L22",
            "L23",
            "L24",
            "L25",
            "L26",
        ),
        case_reference="WCSC-2026-0105",
        timestamp=STAMP,
    )
    standard_agencies(c)
    v = ("2026-11-05", "csc")
    c.person(adult("sophie", "Sophie", "Turner", "1995-08-14", "F", marital="S", religion="1"), v)
    c.person(
        adult(
            "craig",
            "Craig",
            "Bennett",
            "1986-03-22",
            "M",
            marital="D",
            religion="1",
            children_in_contact="lives-with-children",
            police_id="WP-30417",
        ),
        v,
    )
    c.person(
        adult(
            "liam",
            "Liam",
            "Turner",
            "1993-11-02",
            "M",
            marital="S",
            religion=Absent("not-asked"),
            sexual_orientation=Absent("not-asked"),
            children_in_contact="contact-with-children",
        ),
        v,
    )
    c.person(child("mia", "Mia", "Turner", "2017-04-18", "F", "WS-C-40788"), v)
    c.person(child("alfie", "Alfie", "Turner", "2020-01-07", "M", "WS-C-40789"), v)
    c.household(
        "home",
        "Turner household",
        [
            ("sophie", "2017-01-01", None, None),
            ("mia", "2017-04-18", None, None),
            ("alfie", "2020-01-07", None, None),
            ("liam", "2017-01-01", "2022-09-30", ("separation", "Moved to his own flat in Northbridge")),
            ("craig", "2026-04-01", "2026-06-15", ("excluded-by-order", "Living with his brother in Eastbridge")),
        ],
        v,
    )
    c.relationship(
        "rel-sophie-liam",
        "sophie",
        "liam",
        "former-intimate-partner",
        [("together", "2016-05-01", "2022-09-30"), ("separated", "2022-09-30", None)],
        v,
    )
    c.relationship(
        "rel-sophie-craig",
        "sophie",
        "craig",
        "intimate-partner",
        [("together", "2025-11-01", "2026-06-15"), ("separated", "2026-06-15", None)],
        v,
    )
    parent_links(c, ["mia", "alfie"], ["sophie", "liam"], v)
    c.relationship("rel-mia-craig", "mia", "craig", "household-member", [("together", "2026-04-01", "2026-06-15")], v)
    c.relationship(
        "rel-alfie-craig", "alfie", "craig", "household-member", [("together", "2026-04-01", "2026-06-15")], v
    )
    c.offending(
        "off-craig-1",
        "craig",
        "violence-against-partner",
        "2019-07-11",
        "police",
        "Convicted of assault occasioning actual bodily harm against a former partner.",
    )
    c.offending(
        "off-craig-2",
        "craig",
        "breach-of-order",
        "2020-02-03",
        "police",
        "Breach of a restraining order protecting the same former partner.",
    )
    c.offending("off-liam", "liam", "no-known-history", "2026-06-16", "police", "Police national records check.")
    c.history_check(
        "hc-ask", "craig", "sophie", "ddvds-right-to-ask", "history-disclosed", "2026-04-20T10:00:00Z", "police"
    )
    c.history_check(
        "hc-csc",
        "craig",
        "mia",
        "children-social-care-records-check",
        "no-relevant-history",
        "2026-04-22T10:00:00Z",
        "csc",
    )
    c.history_check(
        "hc-liam", "liam", "mia", "police-records-check", "no-relevant-history", "2026-06-16T10:00:00Z", "police"
    )
    c.incident(
        "inc-1",
        "WP-INC-26-28801",
        "2026-05-02T23:30:00Z",
        "police",
        "home",
        "Craig accused Sophie of seeing Liam at the Saturday handover, took her phone and would not let her leave "
        "the bedroom until 2am. Mia and Alfie were woken by the shouting.",
        ["controlling-or-coercive", "psychological-or-emotional"],
        [
            Party("craig", "person-causing-harm"),
            Party("sophie", "victim", injured=False),
            Party("mia", "child-not-present", ("heard",)),
            Party("alfie", "child-not-present", ("heard",)),
        ],
        risk="medium",
        outcome="no-arrest",
    )
    c.incident(
        "inc-2",
        "WP-INC-26-39004",
        "2026-06-14T20:45:00Z",
        "police",
        "home",
        "Craig pushed Sophie into a wardrobe, breaking the door, and told her she would 'end up like his ex'. Mia "
        "and Alfie were in the next room and heard it.",
        ["physical", "violent-or-threatening"],
        [
            Party("craig", "person-causing-harm"),
            Party("sophie", "victim", injured=True),
            Party("mia", "child-not-present", ("heard",)),
            Party("alfie", "child-not-present", ("heard",)),
        ],
        risk="high",
        linked=["inc-1"],
        injury=True,
        outcome="arrest",
        crime_reference="WP-CR-26-14102",
    )
    for ch in ("mia", "alfie"):
        c.victim_status(
            f"vs-{ch}", ch, ["inc-1", "inc-2"], "2026-06-16", basis=["hears"], related=("parent-of-child", "relative")
        )
    c.classification(
        "class-1",
        "home",
        ["inc-1", "inc-2"],
        "2026-06-18",
        "domestic-abuse",
        ["fear", "control", "injury"],
        "Escalating control and violence by a partner with a history.",
    )
    voice(
        c,
        "mia",
        "2026-06-17T15:30:00Z",
        "school",
        "Craig shouts and Mum cries. I put my headphones on Alfie.",
        "I don't want Craig to live with us.",
    )
    voice(c, "alfie", "2026-06-17T16:00:00Z", "school", "The wardrobe broke.", "I want to see Daddy more.")
    c.contact_arrangement(
        "contact-mia", "mia", "liam", "2022-10-01", None, supervised=False, court_order="none", arrangement="day"
    )
    c.contact_arrangement(
        "contact-alfie", "alfie", "liam", "2022-10-01", None, supervised=False, court_order="none", arrangement="day"
    )
    c.risk_factor("rf-new-partner", "sophie", "new-partner", "2026-04-01")
    c.risk_factor(
        "rf-isolation",
        "sophie",
        "isolation-from-wider-family",
        "2026-04-15",
        "Craig discouraged visits from Sophie's mother.",
    )
    c.risk_factor("rf-separation", "craig", "separation", "2026-06-15")
    c.risk_assessment(
        "ric-1",
        "sophie",
        "2026-06-15T11:00:00Z",
        "idva",
        [1, 2, 3, 4, 6, 8, 13, 14, 15, 16, 20, 24],
        "medium",
        ["inc-1", "inc-2"],
        judgement=(
            "high",
            "Violent history against a previous partner and the threat that she would 'end up like his ex'.",
        ),
        criteria=["professional-judgement"],
    )
    c.marac_referral(
        "marac-1",
        "sophie",
        "craig",
        ["mia", "alfie"],
        "2026-06-16T09:00:00Z",
        "idva",
        ["professional-judgement"],
        ["ric-1", "inc-1", "inc-2"],
        "consent",
    )
    c.adult_assessment(
        "aa-sophie",
        "sophie",
        ["mia", "alfie"],
        "2026-06-25",
        "csc",
        risk="standard",
        capacity="good",
        engaged=True,
        role="birth-parent",
    )
    c.adult_assessment(
        "aa-craig",
        "craig",
        ["mia", "alfie"],
        "2026-06-25",
        "csc",
        risk="high",
        capacity="none-identified",
        engaged=False,
        role="partner-of-parent",
    )
    c.adult_assessment(
        "aa-liam",
        "liam",
        ["mia", "alfie"],
        "2026-06-25",
        "csc",
        risk="standard",
        capacity="good",
        engaged=True,
        role="birth-parent",
    )
    c.plan(
        "plan-1",
        "marac-action-plan",
        "sophie",
        "2026-06-24",
        [
            Activity(
                "safety-measures",
                "Address flagged; Craig's bail: no contact with Sophie or the children.",
                "police",
                ("craig",),
            ),
            Activity(
                "engage-person-causing-harm", "Police to manage Craig as a serial perpetrator.", "police", ("craig",)
            ),
            Activity("safety-measures", "IDVA safety planning with Sophie.", "idva", ("sophie",)),
            Activity("direct-work-with-child", "Children's DA service sessions for Mia.", "cdas", ("mia",)),
            Activity("direct-work-with-child", "Children's DA service sessions for Alfie.", "cdas", ("alfie",)),
            Activity(
                "other",
                "Liam's Saturday contact continues; he is told of the bail conditions.",
                "csc",
                ("liam",),
            ),
        ],
        based_on="marac-1",
    )
    c.service(
        "svc-idva", "idva", "sophie", "idva", "2026-06-15", last_contact="2026-11-04T10:00:00Z", attendance=(10, 10, 0)
    )
    c.service(
        "svc-cdas-mia",
        "childrens-da-service",
        "mia",
        "cdas",
        "2026-07-01",
        last_contact="2026-11-10T15:00:00Z",
        attendance=(12, 12, 0),
    )
    c.service(
        "svc-cdas-alfie",
        "childrens-da-service",
        "alfie",
        "cdas",
        "2026-07-01",
        last_contact="2026-11-10T15:30:00Z",
        attendance=(12, 11, 1),
    )
    c.sharing(
        "share-1",
        "police",
        "csc",
        "2026-05-03T09:00:00Z",
        ["inc-1"],
        "Police notification: controlling behaviour by Sophie's new partner.",
        "without-consent-risk-of-harm",
    )
    c.sharing(
        "share-2",
        "police",
        "csc",
        "2026-06-15T08:30:00Z",
        ["inc-2", "off-craig-1"],
        "Police notification with the partner's previous conviction.",
        "without-consent-risk-of-harm",
    )
    c.sharing("share-3", "idva", "police", "2026-06-16T09:00:00Z", ["marac-1"], "MARAC referral.", "consent")
    c.provenance(
        "prov-history",
        ["off-craig-1", "off-craig-2", "hc-ask"],
        "2026-04-20T10:00:00Z",
        "police",
        "pnc-check-2026-04-20.txt",
        "DDVDS-26-0077",
        "verified-by-agency",
    )
    c.provenance_for_all("2026-11-16T09:00:00Z", "csc", "liquidlogic-case-WCSC-2026-0105.xml")
    return c


def case_adolescent_past_exposure() -> Case:
    c = Case(
        slug="case-06-adolescent-past-exposure",
        title="An adolescent's past exposure, kept for life",
        scenario=(
            "Jordan Reid (15) was recognised as a child victim in January 2018, aged six, after seeing his father "
            "Wayne assault his mother Nicola twice. His parents separated in 2018 and the children's domestic abuse "
            "service closed with a planned follow-up. In 2026 Jordan's school refers him to CAMHS for anxiety and "
            "school avoidance. The 2026 record carries the 2017-2018 incidents and his victim status unchanged: the "
            "exposure is not treated as 'in the past'. Jordan was asked about his sexual orientation and chose not to"
            " say."
        ),
        learning_points=(
            "L01",
            "L04",
            "L05",
            "L07",
            "L08",
            "L09",
            "L12",
            "L13",
            "L15",
            "L17",
            "L18",
            "L23",
            "L24",
            "L25",
            "L26",
        ),
        case_reference="WCSC-2026-0106",
        timestamp=STAMP,
    )
    standard_agencies(c, ("camhs", "Westshire CAMHS", "health"), ("secondary", "Northbridge Academy", "school"))
    v = ("2026-10-21", "csc")
    c.person(
        adult(
            "nicola",
            "Nicola",
            "Reid",
            "1984-05-29",
            "F",
            marital="D",
            religion="2",
            ethnic_nhs="M",
            ethnic_ons="7",
            disability="MOB",
        ),
        v,
    )
    c.person(
        adult(
            "wayne",
            "Wayne",
            "Reid",
            "1982-01-16",
            "M",
            marital="D",
            religion=Absent("not-asked"),
            sexual_orientation=Absent("not-asked"),
            gender_identity=Absent("not-asked"),
            ethnic_nhs="A",
            ethnic_ons="13",
            disability=Absent("not-asked"),
            children_in_contact="not-known",
            police_id="WP-11982",
        ),
        v,
    )
    c.person(
        child(
            "jordan",
            "Jordan",
            "Reid",
            "2011-03-08",
            "M",
            "WS-C-31990",
            religion="2",
            ethnic_nhs="D",
            ethnic_ons="11",
            ethnic_dfe="MWBC",
            gender_identity="1",
            sexual_orientation=Absent("asked-declined"),
        ),
        v,
    )
    c.household(
        "home",
        "Reid household",
        [
            ("nicola", "2009-06-01", None, None),
            ("jordan", "2011-03-08", None, None),
            ("wayne", "2009-06-01", "2018-01-21", ("separation", "Left the area; address not known")),
        ],
        v,
    )
    c.relationship(
        "rel-nicola-wayne",
        "nicola",
        "wayne",
        "former-spouse",
        [("together", "2008-02-01", "2018-01-21"), ("separated", "2018-01-21", None)],
        v,
    )
    parent_links(c, ["jordan"], ["nicola", "wayne"], v)
    c.incident(
        "inc-1",
        "WP-INC-17-60315",
        "2017-08-12T22:00:00Z",
        "police",
        "home",
        "Wayne, drunk, punched Nicola in the face in the kitchen. Jordan, aged six, came downstairs and saw it.",
        ["physical"],
        [
            Party("wayne", "person-causing-harm"),
            Party("nicola", "victim", injured=True),
            Party("jordan", "child-present", ("saw",)),
        ],
        pattern="single-incident",
        risk="medium",
        injury=True,
        outcome="arrest",
    )
    c.incident(
        "inc-2",
        "WP-INC-18-02277",
        "2018-01-20T23:15:00Z",
        "police",
        "home",
        "Wayne held Nicola against the wall by her throat and threatened to kill her; Jordan saw it from the stairs "
        "and called his grandmother.",
        ["physical", "violent-or-threatening"],
        [
            Party("wayne", "person-causing-harm"),
            Party("nicola", "victim", injured=True),
            Party("jordan", "child-present", ("saw", "heard")),
        ],
        risk="high",
        linked=["inc-1"],
        injury=True,
        strangulation=True,
        outcome="arrest",
        crime_reference="WP-CR-18-00412",
    )
    c.victim_status("vs-jordan", "jordan", ["inc-1", "inc-2"], "2018-01-25", basis=["sees", "hears"])
    c.classification(
        "class-1",
        "home",
        ["inc-1", "inc-2"],
        "2018-01-26",
        "domestic-abuse",
        ["fear", "injury"],
        "Repeated violence by Wayne against Nicola.",
    )
    c.child_contact(
        "contact-jordan-2018",
        "jordan",
        "csc",
        "2018-01-24T16:00:00Z",
        words=["Daddy hurt Mummy's neck."],
        wishes=["I want Daddy to stop."],
    )
    voice(
        c,
        "jordan",
        "2026-09-30T15:30:00Z",
        "camhs",
        "I still think about what Dad did. I can't sleep.",
        "I want to talk to someone who knows what happened.",
        cls="AMB",
    )
    c.risk_factor(
        "rf-isolation",
        "nicola",
        "isolation-from-wider-family",
        "2016-01-01",
        "Wayne stopped Nicola seeing her mother; contact resumed after the separation.",
    )
    c.risk_factor("rf-alcohol", "wayne", "alcohol-misuse", "2017-08-12")
    c.risk_factor("rf-separation", "wayne", "separation", "2018-01-21")
    c.offending(
        "off-wayne",
        "wayne",
        "violence-against-partner",
        "2018-03-30",
        "police",
        "Convicted of assault by strangulation (2018).",
    )
    c.risk_assessment(
        "ric-1",
        "nicola",
        "2018-01-21T11:00:00Z",
        "idva",
        [1, 2, 3, 5, 6, 9, 13, 14, 15, 16, 17, 18, 21, 22],
        "high",
        ["inc-1", "inc-2"],
        criteria=["visible-high-risk"],
    )
    c.marac_referral(
        "marac-1",
        "nicola",
        "wayne",
        ["jordan"],
        "2018-01-22T09:00:00Z",
        "idva",
        ["visible-high-risk"],
        ["ric-1", "inc-2"],
        "consent",
    )
    c.adult_assessment(
        "aa-nicola",
        "nicola",
        ["jordan"],
        "2026-10-14",
        "csc",
        risk="standard",
        capacity="good",
        engaged=True,
        role="birth-parent",
    )
    c.adult_assessment(
        "aa-wayne",
        "wayne",
        ["jordan"],
        "2026-10-14",
        "csc",
        risk="high",
        capacity="none-identified",
        engaged=False,
        role="birth-parent",
    )
    c.contact_arrangement(
        "contact-jordan",
        "jordan",
        "wayne",
        "2018-01-21",
        None,
        supervised=False,
        court_order="non-molestation-order",
        arrangement="none",
    )
    c.plan(
        "plan-2018",
        "marac-action-plan",
        "nicola",
        "2018-02-01",
        [
            Activity(
                "criminal-justice-action", "Wayne remanded; no contact with Nicola or Jordan.", "police", ("wayne",)
            ),
            Activity("safety-measures", "IDVA safety planning with Nicola.", "idva", ("nicola",)),
            Activity("direct-work-with-child", "Referral of Jordan to the children's DA service.", "cdas", ("jordan",)),
        ],
        end="2018-12-31",
        based_on="marac-1",
    )
    c.plan(
        "plan-2026",
        "early-help-plan",
        "jordan",
        "2026-10-14",
        [
            Activity(
                "health-referral",
                "Trauma-informed CAMHS work that takes account of Jordan's history.",
                "camhs",
                ("jordan",),
            ),
            Activity(
                "school-support", "A trusted adult at school and a part-time timetable.", "secondary", ("jordan",)
            ),
            Activity("other", "Support for Nicola to help Jordan with anxiety.", "csc", ("nicola",)),
            Activity(
                "risk-assessment", "Police to confirm Wayne's whereabouts and any current risk.", "police", ("wayne",)
            ),
        ],
    )
    c.service(
        "svc-cdas-2018",
        "childrens-da-service",
        "jordan",
        "cdas",
        "2018-02-10",
        last_contact="2019-03-15T15:00:00Z",
        attendance=(20, 18, 2),
        end="2019-03-15",
        end_reason="goals-achieved",
        follow_up=("2019-09-15", "school"),
    )
    c.service(
        "svc-camhs", "camhs", "jordan", "camhs", "2026-09-30", last_contact="2026-11-11T16:00:00Z", attendance=(6, 6, 0)
    )
    c.service(
        "svc-idva-2018",
        "idva",
        "nicola",
        "idva",
        "2018-01-21",
        last_contact="2018-07-30T10:00:00Z",
        attendance=(12, 11, 1),
        end="2018-07-30",
        end_reason="goals-achieved",
        follow_up=("2018-10-30", "idva"),
    )
    c.sharing(
        "share-1",
        "police",
        "csc",
        "2017-08-13T09:00:00Z",
        ["inc-1"],
        "Police notification, one child.",
        "without-consent-risk-of-harm",
    )
    c.sharing(
        "share-2",
        "police",
        "csc",
        "2018-01-21T08:00:00Z",
        ["inc-2"],
        "Police notification: strangulation.",
        "without-consent-risk-of-harm",
    )
    c.sharing(
        "share-3",
        "csc",
        "camhs",
        "2026-09-25T10:00:00Z",
        ["vs-jordan", "inc-1", "inc-2"],
        "Jordan's history of exposure shared with CAMHS with Nicola's and Jordan's agreement.",
        "consent",
    )
    c.provenance(
        "prov-history",
        ["inc-1", "inc-2", "vs-jordan"],
        "2026-09-25T10:00:00Z",
        "csc",
        "liquidlogic-archive-2018.xml",
        "WCSC-2018-0412",
        "record-check",
    )
    c.provenance_for_all("2026-11-16T09:00:00Z", "csc", "liquidlogic-case-WCSC-2026-0106.xml")
    return c


def case_disengagement_unborn() -> Case:
    c = Case(
        slug="case-07-disengagement-unborn",
        title="A family disengages while a pregnancy goes unknown; the unborn child is recorded",
        scenario=(
            "Chloe Davies and her partner Ryan Hughes accepted early help in March 2026 after police attended an "
            "argument in which Ryan smashed Chloe's phone while her daughter Ruby (5) was present. Attendance fell "
            "away and the family stopped answering the door; the early help episode was closed as disengaged with a "
            "follow-up by children's social care. Only when the midwife's booking came through in August did services"
            " learn Chloe was pregnant. The unborn baby is now recorded as a person with an expected birth date, the "
            "pregnancy is recorded as a dated risk factor, and a pre-birth assessment is under way."
        ),
        learning_points=(
            "L01",
            "L02",
            "L04",
            "L05",
            "L06",
            "L07",
            "L09",
            "L12",
            "L13",
            "L15",
            "L20",
            "L22",
            "L23",
            "L24",
            "L25",
            "L26",
        ),
        case_reference="WCSC-2026-0107",
        timestamp=STAMP,
    )
    standard_agencies(
        c,
        ("midwifery", "Westshire Maternity Service", "health"),
        ("early-help", "Westshire Early Help Service", "childrens-social-care"),
    )
    v = ("2026-11-10", "csc")
    c.person(
        adult(
            "chloe",
            "Chloe",
            "Davies",
            "2001-10-03",
            "F",
            marital="S",
            religion="1",
            pregnancy="pregnant",
            pregnancy_effective="2026-08-14",
        ),
        v,
    )
    c.person(
        adult(
            "ryan",
            "Ryan",
            "Hughes",
            "1999-12-28",
            "M",
            marital="S",
            religion=Absent("asked-declined"),
            sexual_orientation=Absent("asked-declined"),
            police_id="WP-90551",
        ),
        v,
    )
    c.person(child("ruby", "Ruby", "Davies", "2021-02-02", "F", "WS-C-41050", religion="1"), v)
    c.person(unborn("baby", "Davies", "2027-02-20", "WS-U-00731", ethnic_nhs="A", ethnic_ons="13"), v)
    c.household(
        "home",
        "Davies household",
        [("chloe", "2021-02-02", None, None), ("ruby", "2021-02-02", None, None), ("ryan", "2023-06-01", None, None)],
        v,
    )
    c.relationship("rel-chloe-ryan", "chloe", "ryan", "intimate-partner", [("together", "2023-01-15", None)], v)
    c.relationship("rel-baby-ryan", "baby", "ryan", "parent", [], v)
    c.relationship("rel-baby-chloe", "baby", "chloe", "parent", [], v)
    c.relationship("rel-ruby-chloe", "ruby", "chloe", "parent", [], v)
    c.relationship("rel-ruby-ryan", "ruby", "ryan", "household-member", [("together", "2023-06-01", None)], v)
    c.history_check(
        "hc-ryan", "ryan", "chloe", "police-records-check", "no-relevant-history", "2026-03-05T10:00:00Z", "police"
    )
    c.offending("off-ryan", "ryan", "no-known-history", "2026-03-05", "police", "Police national records check.")
    c.incident(
        "inc-1",
        "WP-INC-26-16602",
        "2026-03-01T19:00:00Z",
        "police",
        "home",
        "Ryan smashed Chloe's phone on the floor and blocked the front door when she tried to leave with Ruby. Ruby "
        "was holding her mother's hand.",
        ["controlling-or-coercive", "violent-or-threatening"],
        [
            Party("ryan", "person-causing-harm"),
            Party("chloe", "victim", injured=False),
            Party("ruby", "child-present", ("saw", "present")),
        ],
        risk="medium",
        outcome="no-arrest",
    )
    c.incident(
        "inc-2",
        "EH-26-0412",
        "2026-06-02T11:00:00Z",
        "early-help",
        "home",
        "A neighbour told the early help worker that she heard Ryan screaming at Chloe and a door slamming the night "
        "before; Chloe declined to talk about it. Ruby was at home.",
        ["psychological-or-emotional"],
        [Party("ryan", "person-causing-harm"), Party("chloe", "victim"), Party("ruby", "child-present", ("heard",))],
        risk="medium",
        linked=["inc-1"],
    )
    c.victim_status(
        "vs-ruby",
        "ruby",
        ["inc-1", "inc-2"],
        "2026-06-05",
        basis=["sees", "hears"],
        related=("parent-of-child", "relative"),
    )
    c.victim_status(
        "vs-baby",
        "baby",
        [],
        "2026-08-20",
        status="not-a-victim",
        related=(),
        reason="Unborn: not a child for the purposes of s3; recorded for the pre-birth plan.",
    )
    c.classification(
        "class-1",
        "home",
        ["inc-1", "inc-2"],
        "2026-06-10",
        "domestic-abuse",
        ["fear", "control"],
        "Blocking Chloe's exit and destroying her phone are controlling; not mutual conflict.",
    )
    voice(
        c,
        "ruby",
        "2026-03-10T10:30:00Z",
        "early-help",
        "Ryan broke Mummy's phone. It was loud.",
        "I want to stay with Mummy.",
    )
    voice(
        c, "ruby", "2026-09-02T14:00:00Z", "school", "Mummy's got a baby in her tummy.", "I want a sister.", cls="FLD"
    )
    c.risk_factor("rf-pregnancy", "chloe", "pregnancy", "2026-08-14")
    c.risk_factor("rf-stopped", "chloe", "stopped-engaging", "2026-05-20")
    c.risk_factor(
        "rf-isolation",
        "chloe",
        "no-wider-family-contact",
        "2026-03-10",
        "Chloe has no contact with her own family since moving in with Ryan.",
    )
    c.risk_factor("rf-job", "ryan", "job-loss", "2026-04-30")
    c.risk_assessment(
        "ric-1",
        "chloe",
        "2026-03-02T10:00:00Z",
        "police",
        [2, 4, 6, 8, 11, 15, 16, 18],
        "standard",
        ["inc-1"],
        tool="police-dash-2009",
        version="2009",
        questions=27,
        not_known=[9, 24],
    )
    c.risk_assessment(
        "ric-2",
        "chloe",
        "2026-08-20T10:00:00Z",
        "midwifery",
        [2, 4, 6, 8, 9, 11, 15, 16, 18, 21],
        "medium",
        ["inc-1", "inc-2"],
        not_known=[23],
    )
    c.adult_assessment(
        "aa-chloe",
        "chloe",
        ["ruby", "baby"],
        "2026-09-10",
        "csc",
        risk="standard",
        capacity="some",
        engaged=True,
        role="birth-parent",
    )
    c.adult_assessment(
        "aa-ryan",
        "ryan",
        ["ruby", "baby"],
        "2026-09-10",
        "csc",
        risk="medium",
        capacity="not-assessed",
        engaged=False,
        role="birth-parent",
    )
    c.plan(
        "plan-1",
        "child-protection-plan",
        "baby",
        "2026-09-15",
        [
            Activity(
                "refer-perpetrator-programme",
                "Ryan to attend a perpetrator programme before the birth.",
                "csc",
                ("ryan",),
            ),
            Activity("risk-assessment", "Pre-birth assessment including both parents.", "csc", ("chloe", "ryan")),
            Activity("health-referral", "Midwife to see Chloe alone at every appointment.", "midwifery", ("chloe",)),
            Activity("direct-work-with-child", "Nursery to record Ruby's wellbeing weekly.", "school", ("ruby",)),
        ],
    )
    c.service(
        "svc-eh",
        "early-help",
        "chloe",
        "early-help",
        "2026-03-10",
        last_contact="2026-05-12T10:00:00Z",
        attendance=(10, 4, 6),
        end="2026-07-01",
        end_reason="disengaged",
        follow_up=("2026-07-15", "csc"),
    )
    c.service(
        "svc-maternity",
        "health-visiting",
        "chloe",
        "midwifery",
        "2026-08-14",
        last_contact="2026-11-12T09:30:00Z",
        attendance=(6, 5, 1),
    )
    c.service(
        "svc-csc",
        "childrens-social-care",
        "ruby",
        "csc",
        "2026-07-15",
        last_contact="2026-11-09T14:00:00Z",
        attendance=(9, 7, 2),
    )
    c.service(
        "svc-cdas-ruby",
        "childrens-da-service",
        "ruby",
        "cdas",
        "2026-09-20",
        last_contact="2026-11-13T13:00:00Z",
        attendance=(6, 6, 0),
    )
    c.service(
        "svc-idva", "idva", "chloe", "idva", "2026-09-01", last_contact="2026-11-02T10:00:00Z", attendance=(5, 4, 1)
    )
    c.service(
        "svc-ppp",
        "perpetrator-programme",
        "ryan",
        "csc",
        "2026-10-01",
        last_contact="2026-10-01T18:00:00Z",
        attendance=(1, 0, 1),
        offer="declined",
        end="2026-10-01",
        end_reason="declined-further-support",
        follow_up=("2026-11-20", "csc"),
    )
    c.sharing(
        "share-1",
        "police",
        "csc",
        "2026-03-02T09:00:00Z",
        ["inc-1"],
        "Police notification, one child.",
        "without-consent-risk-of-harm",
    )
    c.sharing(
        "share-2",
        "early-help",
        "csc",
        "2026-06-02T15:00:00Z",
        ["inc-2", "svc-eh"],
        "Early help escalated the neighbour's report and falling attendance.",
        "without-consent-risk-of-harm",
    )
    c.sharing(
        "share-3",
        "midwifery",
        "csc",
        "2026-08-15T09:00:00Z",
        ["baby", "rf-pregnancy"],
        "Midwife's notification of the pregnancy to the allocated social worker.",
        "without-consent-risk-of-harm",
    )
    c.provenance(
        "prov-neighbour",
        ["inc-2"],
        "2026-06-02T11:00:00Z",
        "early-help",
        "early-help-notes.docx",
        "EH-26-0412",
        "reported-by-other",
    )
    c.provenance(
        "prov-pregnancy",
        ["baby", "rf-pregnancy"],
        "2026-08-14T12:00:00Z",
        "midwifery",
        "maternity-booking-2026-08-14.csv",
        "MAT-88213",
        "verified-by-agency",
    )
    c.provenance_for_all("2026-11-16T09:00:00Z", "csc", "liquidlogic-case-WCSC-2026-0107.xml")
    return c


def case_victim_leaves() -> Case:
    c = Case(
        slug="case-08-victim-leaves-children-stay",
        title="The victim flees to a refuge; the children stay with the person causing harm",
        scenario=(
            "Laura Mitchell fled to a refuge in May 2026 after Mark Mitchell threatened her with a knife; she could "
            "not take Oliver (13) and Isla (10), who stayed with Mark. The household record shows Laura leaving on 2 "
            "May with her confidential destination marked, and the children staying with Mark until an emergency "
            "prohibited steps order and a strategy discussion on 20 May moved them to their mother. Laura's address "
            "is marked confidential and the Bundle is labelled very restricted."
        ),
        learning_points=(
            "L01",
            "L04",
            "L05",
            "L06",
            "L07",
            "L09",
            "L10",
            "L13",
            "L15",
            "L16",
            "L17",
            "L18",
            "L23",
            "L24",
            "L25",
            "L26",
        ),
        case_reference="WCSC-2026-0108",
        timestamp=STAMP,
        confidentiality="V",
    )
    standard_agencies(
        c, ("refuge", "Westshire Women's Refuge", "refuge"), ("secondary", "Northbridge Academy", "school")
    )
    v = ("2026-11-03", "csc")
    c.person(
        adult("laura", "Laura", "Mitchell", "1986-02-07", "F", marital="M", religion="2", confidential_address=True),
        v,
    )
    c.person(
        adult(
            "mark",
            "Mark",
            "Mitchell",
            "1984-08-30",
            "M",
            marital="M",
            religion="2",
            children_in_contact="contact-with-children",
            police_id="WP-44670",
        ),
        v,
    )
    c.person(child("oliver", "Oliver", "Mitchell", "2013-05-19", "M", "WS-C-38820", religion="2", disability="AUT"), v)
    c.person(child("isla", "Isla", "Mitchell", "2016-09-11", "F", "WS-C-38821", religion="2"), v)
    c.household(
        "home",
        "Mitchell family home",
        [
            ("laura", "2012-07-01", "2026-05-02", ("fled-abuse", "Refuge (address confidential)")),
            ("mark", "2012-07-01", None, None),
            ("oliver", "2013-05-19", "2026-05-20", ("moved-to-refuge", "With their mother at the refuge")),
            ("isla", "2016-09-11", "2026-05-20", ("moved-to-refuge", "With their mother at the refuge")),
        ],
        v,
    )
    c.household(
        "refuge-household",
        "Refuge household (confidential)",
        [("laura", "2026-05-02", None, None), ("oliver", "2026-05-20", None, None), ("isla", "2026-05-20", None, None)],
        v,
    )
    c.relationship(
        "rel-laura-mark",
        "laura",
        "mark",
        "spouse",
        [("together", "2010-03-01", "2026-05-02"), ("separated", "2026-05-02", None)],
        v,
    )
    parent_links(c, ["oliver", "isla"], ["laura", "mark"], v)
    c.incident(
        "inc-1",
        "WP-INC-26-09944",
        "2026-01-30T21:00:00Z",
        "police",
        "home",
        "Mark kicked Laura's legs and called her worthless in front of Oliver and Isla because dinner was late.",
        ["physical", "psychological-or-emotional"],
        [
            Party("mark", "person-causing-harm"),
            Party("laura", "victim", injured=True),
            Party("oliver", "child-present", ("saw",)),
            Party("isla", "child-present", ("saw",)),
        ],
        risk="medium",
        injury=True,
        outcome="no-arrest",
    )
    c.incident(
        "inc-2",
        "WP-INC-26-27301",
        "2026-05-01T22:30:00Z",
        "police",
        "home",
        "Mark held a kitchen knife to Laura and said he would kill her if she tried to take the children. Oliver and "
        "Isla heard it from the landing. Laura left for a refuge the next morning.",
        ["violent-or-threatening", "controlling-or-coercive"],
        [
            Party("mark", "person-causing-harm"),
            Party("laura", "victim", injured=False),
            Party("oliver", "child-not-present", ("heard",)),
            Party("isla", "child-not-present", ("heard",)),
        ],
        risk="high",
        linked=["inc-1"],
        weapon=True,
        outcome="arrest",
        crime_reference="WP-CR-26-11590",
    )
    for ch in ("oliver", "isla"):
        c.victim_status(f"vs-{ch}", ch, ["inc-1", "inc-2"], "2026-05-03", basis=["sees", "hears"])
    c.classification(
        "class-1",
        "home",
        ["inc-1", "inc-2"],
        "2026-05-04",
        "domestic-abuse",
        ["fear", "control", "injury"],
        "Threats to kill with a weapon; Laura fled in fear.",
    )
    voice(
        c,
        "oliver",
        "2026-05-05T15:30:00Z",
        "secondary",
        "Dad said he'd kill Mum. I heard it.",
        "I want to be with Mum and Isla.",
    )
    voice(
        c,
        "isla",
        "2026-05-05T14:00:00Z",
        "school",
        "Mummy went away and Daddy is cross all the time.",
        "I want to live with Mummy.",
    )
    c.contact_arrangement(
        "contact-oliver",
        "oliver",
        "mark",
        "2026-06-15",
        None,
        supervised=True,
        court_order="child-arrangements-order",
        arrangement="day",
    )
    c.contact_arrangement(
        "contact-isla",
        "isla",
        "mark",
        "2026-06-15",
        None,
        supervised=True,
        court_order="child-arrangements-order",
        arrangement="day",
    )
    c.risk_factor("rf-separation", "mark", "separation", "2026-05-02")
    c.risk_factor(
        "rf-isolation",
        "laura",
        "isolation-from-wider-family",
        "2023-01-01",
        "Mark controlled Laura's contact with her parents and friends.",
    )
    c.risk_factor(
        "rf-suicidal",
        "mark",
        "suicidal-thoughts",
        "2026-05-10",
        "Mark told his GP he 'had nothing to live for' after Laura left.",
    )
    c.offending(
        "off-mark",
        "mark",
        "violence-against-partner",
        "2026-05-02",
        "police",
        "Charged with threats to kill; remanded on bail with conditions.",
    )
    c.risk_assessment(
        "ric-1",
        "laura",
        "2026-05-02T10:00:00Z",
        "refuge",
        [1, 2, 3, 4, 6, 7, 8, 11, 12, 13, 14, 15, 16, 17, 24],
        "high",
        ["inc-1", "inc-2"],
        criteria=["visible-high-risk"],
    )
    c.marac_referral(
        "marac-1",
        "laura",
        "mark",
        ["oliver", "isla"],
        "2026-05-03T09:00:00Z",
        "refuge",
        ["visible-high-risk"],
        ["ric-1", "inc-2"],
        "consent",
    )
    c.adult_assessment(
        "aa-laura",
        "laura",
        ["oliver", "isla"],
        "2026-05-20",
        "csc",
        risk="standard",
        capacity="good",
        engaged=True,
        role="birth-parent",
    )
    c.adult_assessment(
        "aa-mark",
        "mark",
        ["oliver", "isla"],
        "2026-05-20",
        "csc",
        risk="high",
        capacity="none-identified",
        engaged=False,
        role="birth-parent",
    )
    c.plan(
        "plan-1",
        "marac-action-plan",
        "laura",
        "2026-05-14",
        [
            Activity(
                "criminal-justice-action",
                "Mark's bail: no contact with Laura; not to attend the refuge area.",
                "police",
                ("mark",),
            ),
            Activity("health-referral", "GP to review Mark's suicidal thoughts.", "health", ("mark",)),
            Activity(
                "protective-order",
                "Emergency prohibited steps order so the children can join Laura.",
                "csc",
                ("mark", "oliver", "isla"),
            ),
            Activity("safety-measures", "Refuge key worker and IDVA safety plan.", "refuge", ("laura",)),
            Activity(
                "school-support",
                "School transfer for Oliver with a confidential record.",
                "secondary",
                ("oliver",),
            ),
            Activity("school-support", "School transfer for Isla with a confidential record.", "school", ("isla",)),
        ],
        based_on="marac-1",
    )
    c.service(
        "svc-refuge",
        "refuge",
        "laura",
        "refuge",
        "2026-05-02",
        last_contact="2026-11-13T09:00:00Z",
        attendance=(30, 29, 1),
    )
    c.service(
        "svc-idva", "idva", "laura", "idva", "2026-05-03", last_contact="2026-11-06T10:00:00Z", attendance=(12, 12, 0)
    )
    c.service(
        "svc-cdas-oliver",
        "childrens-da-service",
        "oliver",
        "cdas",
        "2026-06-01",
        last_contact="2026-11-12T16:00:00Z",
        attendance=(14, 13, 1),
    )
    c.service(
        "svc-cdas-isla",
        "childrens-da-service",
        "isla",
        "cdas",
        "2026-06-01",
        last_contact="2026-11-12T15:00:00Z",
        attendance=(14, 14, 0),
    )
    c.sharing(
        "share-1",
        "police",
        "csc",
        "2026-01-31T09:00:00Z",
        ["inc-1"],
        "Police notification, two children.",
        "without-consent-risk-of-harm",
    )
    c.sharing(
        "share-2",
        "police",
        "csc",
        "2026-05-02T07:30:00Z",
        ["inc-2"],
        "Urgent notification: victim fled, children remain with the suspect.",
        "without-consent-risk-of-harm",
    )
    c.sharing(
        "share-3",
        "refuge",
        "csc",
        "2026-05-03T09:30:00Z",
        ["marac-1", "ric-1"],
        "Refuge shared the MARAC referral; the refuge address withheld.",
        "consent",
    )
    c.provenance(
        "prov-refuge",
        ["ric-1", "rf-isolation"],
        "2026-05-02T10:00:00Z",
        "refuge",
        "refuge-intake.docx",
        "REF-26-0093",
        "self-reported",
        by_person="laura",
    )
    c.provenance_for_all("2026-11-16T09:00:00Z", "csc", "liquidlogic-case-WCSC-2026-0108.xml")
    return c


def case_marac() -> Case:
    c = Case(
        slug="case-09-marac-actions-for-children",
        title="A MARAC case with actions for each child, an IDVA and a children's DA service",
        scenario=(
            "Agnieszka Nowak was referred to MARAC after three incidents in six months culminating in non-fatal "
            "strangulation by her husband Tomasz. Her Dash risk checklist scored 16. The MARAC action plan does not "
            "stop at the adult victim: it sets an action for each of Kacper (14), Lena (11) and Zofia (7), actions "
            "directed at Tomasz (bail conditions, probation and a perpetrator programme) and the IDVA's work with "
            "Agnieszka. An IDVA and the children's domestic abuse service are both engaged, with recent contact."
        ),
        learning_points=(
            "L01",
            "L02",
            "L04",
            "L05",
            "L06",
            "L07",
            "L08",
            "L09",
            "L10",
            "L11",
            "L13",
            "L15",
            "L18",
            "L22",
            "L23",
            "L24",
            "L25",
            "L26",
        ),
        case_reference="WCSC-2026-0109",
        timestamp=STAMP,
    )
    standard_agencies(
        c,
        ("marac", "Westshire MARAC", "marac"),
        ("probation", "Westshire Probation Service", "probation"),
        ("secondary", "Northbridge Academy", "school"),
    )
    v = ("2026-11-06", "marac")
    polish: dict[str, Any] = {"ethnic_nhs": "C", "ethnic_ons": "17"}
    c.person(adult("agnieszka", "Agnieszka", "Nowak", "1991-06-23", "F", marital="M", religion="2", **polish), v)
    c.person(
        adult(
            "tomasz",
            "Tomasz",
            "Nowak",
            "1989-04-02",
            "M",
            marital="M",
            religion="2",
            police_id="WP-52208",
            **polish,
        ),
        v,
    )
    c.person(
        child("kacper", "Kacper", "Nowak", "2012-02-10", "M", "WS-C-37115", religion="2", ethnic_dfe="WOTH", **polish),
        v,
    )
    c.person(
        child("lena", "Lena", "Nowak", "2015-07-19", "F", "WS-C-37116", religion="2", ethnic_dfe="WOTH", **polish), v
    )
    c.person(
        child("zofia", "Zofia", "Nowak", "2019-03-03", "F", "WS-C-37117", religion="2", ethnic_dfe="WOTH", **polish), v
    )
    c.household(
        "home",
        "Nowak family home",
        [
            ("agnieszka", "2012-01-01", None, None),
            ("tomasz", "2012-01-01", "2026-06-21", ("excluded-by-order", "Remanded; then bailed to a hostel")),
            ("kacper", "2012-02-10", None, None),
            ("lena", "2015-07-19", None, None),
            ("zofia", "2019-03-03", None, None),
        ],
        v,
    )
    c.relationship(
        "rel-agnieszka-tomasz",
        "agnieszka",
        "tomasz",
        "spouse",
        [("together", "2010-09-01", "2026-06-21"), ("separated", "2026-06-21", None)],
        v,
    )
    parent_links(c, ["kacper", "lena", "zofia"], ["agnieszka", "tomasz"], v)
    kids = ("kacper", "lena", "zofia")
    c.incident(
        "inc-1",
        "WP-INC-26-03390",
        "2026-01-15T20:00:00Z",
        "police",
        "home",
        "Tomasz shouted at Agnieszka, pulled the router out of the wall so she could not call anyone, and told her "
        "she could not go to work any more. All three children heard it.",
        ["controlling-or-coercive", "economic", "psychological-or-emotional"],
        [Party("tomasz", "person-causing-harm"), Party("agnieszka", "victim", injured=False)]
        + [Party(k, "child-not-present", ("heard",)) for k in kids],
        risk="medium",
        outcome="no-arrest",
    )
    c.incident(
        "inc-2",
        "WP-INC-26-22761",
        "2026-04-02T18:30:00Z",
        "police",
        "home",
        "Tomasz threw a chair at Agnieszka, which hit her arm, after she said she wanted to separate. Kacper stepped "
        "between them; Lena and Zofia were in the same room.",
        ["physical", "violent-or-threatening"],
        [
            Party("tomasz", "person-causing-harm"),
            Party("agnieszka", "victim", injured=True),
            Party("kacper", "child-present", ("saw", "directly-harmed")),
            Party("lena", "child-present", ("saw",)),
            Party("zofia", "child-present", ("saw",)),
        ],
        risk="medium",
        linked=["inc-1"],
        injury=True,
        outcome="arrest",
    )
    c.incident(
        "inc-3",
        "WP-INC-26-40112",
        "2026-06-20T23:50:00Z",
        "police",
        "home",
        "Tomasz strangled Agnieszka on the bed until she nearly lost consciousness and said he would kill her and the "
        "children before he let her leave. Kacper called 999; Lena and Zofia heard it from their bedroom.",
        ["physical", "violent-or-threatening", "controlling-or-coercive"],
        [
            Party("tomasz", "person-causing-harm"),
            Party("agnieszka", "victim", injured=True),
            Party("kacper", "child-not-present", ("heard",)),
            Party("lena", "child-not-present", ("heard",)),
            Party("zofia", "child-not-present", ("heard",)),
        ],
        risk="high",
        linked=["inc-1", "inc-2"],
        injury=True,
        strangulation=True,
        outcome="arrest",
        crime_reference="WP-CR-26-14877",
    )
    for k in kids:
        c.victim_status(f"vs-{k}", k, ["inc-1", "inc-2", "inc-3"], "2026-06-22", basis=["sees", "hears"])
    c.classification(
        "class-1",
        "home",
        ["inc-1", "inc-2", "inc-3"],
        "2026-06-22",
        "domestic-abuse",
        ["fear", "control", "injury", "power-imbalance"],
        "Escalating coercive control and violence ending in strangulation.",
    )
    voice(
        c,
        "kacper",
        "2026-06-23T16:00:00Z",
        "secondary",
        "I had to call the police. I thought he'd killed her.",
        "I want to stop having to look after everyone.",
    )
    voice(
        c, "lena", "2026-06-23T14:30:00Z", "school", "Tata said he would kill us all.", "I want to feel safe at night."
    )
    voice(
        c,
        "zofia",
        "2026-06-24T10:00:00Z",
        "csc",
        "Mama was crying and Kacper was on the phone.",
        "I want my teddy and Mama.",
    )
    c.risk_factor("rf-separation", "tomasz", "separation", "2026-04-01")
    c.risk_factor("rf-alcohol", "tomasz", "alcohol-misuse", "2025-12-01")
    c.risk_factor(
        "rf-isolation",
        "agnieszka",
        "isolation-from-wider-family",
        "2025-01-01",
        "Agnieszka's family are in Poland; Tomasz monitors her calls to them.",
    )
    c.offending(
        "off-tomasz",
        "tomasz",
        "violence-against-partner",
        "2026-06-21",
        "police",
        "Charged with non-fatal strangulation; remanded.",
    )
    c.risk_assessment(
        "ric-1",
        "agnieszka",
        "2026-06-21T12:00:00Z",
        "idva",
        [1, 2, 3, 4, 5, 6, 8, 10, 13, 14, 15, 16, 17, 18, 19, 21],
        "high",
        ["inc-1", "inc-2", "inc-3"],
        criteria=["visible-high-risk", "potential-escalation"],
    )
    c.marac_referral(
        "marac-1",
        "agnieszka",
        "tomasz",
        list(kids),
        "2026-06-22T09:00:00Z",
        "idva",
        ["visible-high-risk", "potential-escalation"],
        ["ric-1", "inc-1", "inc-2", "inc-3"],
        "consent",
    )
    c.adult_assessment(
        "aa-agnieszka",
        "agnieszka",
        list(kids),
        "2026-07-03",
        "csc",
        risk="standard",
        capacity="good",
        engaged=True,
        role="birth-parent",
    )
    c.adult_assessment(
        "aa-tomasz",
        "tomasz",
        list(kids),
        "2026-07-03",
        "probation",
        risk="high",
        capacity="none-identified",
        engaged=True,
        role="birth-parent",
    )
    c.plan(
        "plan-marac",
        "marac-action-plan",
        "agnieszka",
        "2026-07-08",
        [
            Activity(
                "criminal-justice-action",
                "Tomasz: bail conditions of no contact and an exclusion zone.",
                "police",
                ("tomasz",),
            ),
            Activity(
                "engage-person-causing-harm",
                "Probation to supervise Tomasz and share breaches with the IDVA.",
                "probation",
                ("tomasz",),
            ),
            Activity(
                "refer-perpetrator-programme", "Tomasz assessed for an accredited programme.", "probation", ("tomasz",)
            ),
            Activity("safety-measures", "IDVA safety plan and sanctuary scheme for the home.", "idva", ("agnieszka",)),
            Activity("school-support", "Kacper: DSL check-ins and young carer support.", "secondary", ("kacper",)),
            Activity(
                "direct-work-with-child", "Lena: one-to-one sessions with the children's DA service.", "cdas", ("lena",)
            ),
            Activity(
                "direct-work-with-child", "Zofia: play therapy with the children's DA service.", "cdas", ("zofia",)
            ),
        ],
        based_on="marac-1",
        title="MARAC action plan, 8 July 2026",
    )
    c.service(
        "svc-idva",
        "idva",
        "agnieszka",
        "idva",
        "2026-06-21",
        last_contact="2026-11-10T10:00:00Z",
        attendance=(16, 15, 1),
    )
    c.service(
        "svc-marac",
        "marac",
        "agnieszka",
        "marac",
        "2026-06-22",
        last_contact="2026-11-05T10:00:00Z",
        attendance=(2, 2, 0),
    )
    for k in kids:
        c.service(
            f"svc-cdas-{k}",
            "childrens-da-service",
            k,
            "cdas",
            "2026-07-15",
            last_contact="2026-11-12T15:00:00Z",
            attendance=(12, 12, 0),
        )
    c.service(
        "svc-probation",
        "probation",
        "tomasz",
        "probation",
        "2026-09-01",
        last_contact="2026-11-11T09:00:00Z",
        attendance=(8, 8, 0),
    )
    for n, inc in enumerate(("inc-1", "inc-2", "inc-3"), start=1):
        c.sharing(
            f"share-{n}",
            "police",
            "csc",
            f"{c_incident_date(c, inc)}T09:00:00Z",
            [inc],
            "Police domestic abuse notification, three children.",
            "without-consent-risk-of-harm",
        )
    c.sharing(
        "share-marac",
        "marac",
        "school",
        "2026-07-08T15:00:00Z",
        ["plan-marac"],
        "MARAC actions for the children shared with their schools' safeguarding leads.",
        "without-consent-risk-of-harm",
    )
    c.provenance(
        "prov-kacper",
        ["inc-3"],
        "2026-06-21T00:30:00Z",
        "police",
        "niche-export-2026-06-21.csv",
        "WP-INC-26-40112",
        "reported-by-other",
        by_person="kacper",
    )
    c.provenance_for_all("2026-11-16T09:00:00Z", "marac", "marac-minutes-2026-07-08.docx")
    return c


def c_incident_date(case: Case, key: str) -> str:
    """The day after an incident (the notification date), from the incident already in ``case``."""
    from datetime import date, timedelta

    for item in case.entries:
        resource = item["resource"]
        if resource["id"] == case.ids[key]:
            day = date.fromisoformat(resource["effectiveDateTime"][:10]) + timedelta(days=1)
            return day.isoformat()
    raise KeyError(key)


def case_retracted_disclosure() -> Case:
    c = Case(
        slug="case-10-retracted-disclosure",
        title="A child's disclosure, later retracted; the disclosure is kept",
        scenario=(
            "Amelia Clarke (12) told her teacher that her father Steven had pushed her mother Rebecca into a door and"
            " that she was scared to go home. The school referred the same day. A week later, with Steven in the "
            "room, Amelia told the social worker she had made it up. The retraction is recorded as a new disclosure "
            "that names the original, which is never deleted. Because police attended the home in December 2025 and "
            "the denial rests on the parents' word, the record keeps the source of every fact and the classification "
            "stays domestic abuse; Amelia is seen alone again at school."
        ),
        learning_points=(
            "L01",
            "L03",
            "L04",
            "L05",
            "L06",
            "L07",
            "L09",
            "L13",
            "L15",
            "L19",
            "L23",
            "L24",
            "L25",
            "L26",
        ),
        case_reference="WCSC-2026-0110",
        timestamp=STAMP,
    )
    standard_agencies(c, ("secondary", "Northbridge Academy", "school"))
    v = ("2026-11-11", "csc")
    c.person(
        adult(
            "rebecca",
            "Rebecca",
            "Clarke",
            "1985-09-09",
            "F",
            marital="M",
            religion="5",
            ethnic_nhs="C",
            ethnic_ons="17",
            disability=Absent("asked-unknown"),
        ),
        v,
    )
    c.person(
        adult(
            "steven",
            "Steven",
            "Clarke",
            "1983-03-15",
            "M",
            marital="M",
            religion="5",
            ethnic_nhs="C",
            ethnic_ons="17",
            police_id="WP-66301",
        ),
        v,
    )
    c.person(
        child(
            "amelia",
            "Amelia",
            "Clarke",
            "2014-01-27",
            "F",
            "WS-C-39004",
            religion="5",
            ethnic_nhs="C",
            ethnic_ons="17",
            ethnic_dfe="WOTH",
        ),
        v,
    )
    c.household(
        "home",
        "Clarke family home",
        [
            ("rebecca", "2013-05-01", None, None),
            ("steven", "2013-05-01", None, None),
            ("amelia", "2014-01-27", None, None),
        ],
        v,
    )
    c.relationship("rel-rebecca-steven", "rebecca", "steven", "spouse", [("together", "2012-08-01", None)], v)
    parent_links(c, ["amelia"], ["rebecca", "steven"], v)
    c.incident(
        "inc-1",
        "WP-INC-25-91123",
        "2025-12-03T22:40:00Z",
        "police",
        "home",
        "A neighbour reported shouting and a woman screaming. Officers found Rebecca tearful with a red mark on her "
        "cheek; she said she had walked into a cupboard. Steven was agitated. Amelia was in her bedroom and was not "
        "spoken with.",
        ["physical", "psychological-or-emotional"],
        [
            Party("steven", "person-causing-harm"),
            Party("rebecca", "victim", injured=True),
            Party("amelia", "child-not-present", ("heard",)),
        ],
        risk="medium",
        injury=True,
        outcome="no-arrest",
    )
    c.incident(
        "inc-2",
        "SCH-26-0915",
        "2026-09-14T19:00:00Z",
        "secondary",
        "home",
        "Amelia told her teacher that the evening before her father pushed her mother into the bathroom door and "
        "called her stupid, and that her mother's arm was bruised. Amelia heard it and saw the bruise.",
        ["physical", "psychological-or-emotional"],
        [
            Party("steven", "person-causing-harm"),
            Party("rebecca", "victim", injured=True),
            Party("amelia", "child-not-present", ("heard", "experienced-effects")),
        ],
        risk="medium",
        linked=["inc-1"],
        injury=True,
    )
    c.disclosure(
        "disc-1",
        "amelia",
        "secondary",
        "2026-09-15T10:20:00Z",
        "rebecca",
        ["inc-2"],
        "Dad pushed Mum into the door last night and called her stupid. Her arm is all purple. I'm scared to go home.",
        ("referral-childrens-social-care", "2026-09-15T11:05:00Z", "secondary"),
    )
    c.disclosure(
        "disc-2",
        "amelia",
        "csc",
        "2026-09-22T17:00:00Z",
        "rebecca",
        ["inc-2"],
        "I made it up. Dad didn't do anything. (Said at home with her father present.)",
        ("acknowledged-and-listened", "2026-09-24T12:30:00Z", "csc"),
        retracts="disc-1",
    )
    c.disclosure(
        "disc-rebecca",
        "rebecca",
        "csc",
        "2026-09-22T17:10:00Z",
        "rebecca",
        ["inc-2"],
        "Rebecca said nothing happened and the bruise came from moving furniture.",
        ("acknowledged-and-listened", "2026-09-22T17:10:00Z", "csc"),
    )
    c.victim_status("vs-amelia", "amelia", ["inc-1", "inc-2"], "2026-09-25", basis=["hears", "experiences-effects"])
    c.classification(
        "class-1",
        "home",
        ["inc-1", "inc-2"],
        "2026-09-25",
        "domestic-abuse",
        ["fear", "injury", "control"],
        "The retraction was made in front of Steven; a police attendance with an injury in 2025 and "
        "Amelia's detailed first account outweigh the parents' denial.",
    )
    voice(
        c,
        "amelia",
        "2026-09-15T10:20:00Z",
        "secondary",
        "I'm scared to go home.",
        "I want someone to make Dad stop shouting at Mum.",
        cls="FLD",
    )
    c.child_contact(
        "contact-amelia-2026-09-22",
        "amelia",
        "csc",
        "2026-09-22T17:00:00Z",
        alone=False,
        words=["I made it up."],
        wishes=["I don't want anyone to get in trouble."],
    )
    voice(
        c,
        "amelia",
        "2026-09-24T12:30:00Z",
        "csc",
        "Dad was there so I said I made it up. It did happen.",
        "Please don't tell Dad I told you.",
        cls="FLD",
    )
    c.risk_factor(
        "rf-isolation",
        "rebecca",
        "isolation-from-wider-family",
        "2024-06-01",
        "Rebecca no longer attends family gatherings; her sister reports that Steven stops her.",
    )
    c.risk_factor("rf-job", "steven", "job-loss", "2026-08-01")
    c.offending(
        "off-steven",
        "steven",
        "no-known-history",
        "2026-09-16",
        "police",
        "No convictions; one previous domestic attendance (December 2025).",
    )
    c.risk_assessment(
        "ric-1",
        "rebecca",
        "2026-09-16T14:00:00Z",
        "police",
        [1, 7, 14, 15],
        "standard",
        ["inc-1", "inc-2"],
        not_known=[2, 3, 4, 5, 13, 16, 18],
        judgement=("medium", "Rebecca minimised; the child's account and a prior injury indicate higher risk."),
    )
    c.adult_assessment(
        "aa-rebecca",
        "rebecca",
        ["amelia"],
        "2026-10-01",
        "csc",
        risk="standard",
        capacity="some",
        engaged=True,
        role="birth-parent",
    )
    c.adult_assessment(
        "aa-steven",
        "steven",
        ["amelia"],
        "2026-10-01",
        "csc",
        risk="medium",
        capacity="limited",
        engaged=True,
        role="birth-parent",
    )
    c.plan(
        "plan-1",
        "cin-plan",
        "amelia",
        "2026-10-05",
        [
            Activity(
                "refer-perpetrator-programme", "Steven referred to a behaviour change programme.", "csc", ("steven",)
            ),
            Activity("safety-measures", "Rebecca offered IDVA support, seen on her own.", "idva", ("rebecca",)),
            Activity(
                "school-support",
                "Weekly check-in for Amelia with a trusted adult at school.",
                "secondary",
                ("amelia",),
            ),
            Activity("direct-work-with-child", "Children's DA service sessions for Amelia.", "cdas", ("amelia",)),
        ],
    )
    c.service(
        "svc-cdas",
        "childrens-da-service",
        "amelia",
        "cdas",
        "2026-10-12",
        last_contact="2026-11-09T15:00:00Z",
        attendance=(5, 5, 0),
    )
    c.service(
        "svc-idva", "idva", "rebecca", "idva", "2026-10-07", last_contact="2026-11-04T10:00:00Z", attendance=(4, 3, 1)
    )
    c.service(
        "svc-ppp",
        "perpetrator-programme",
        "steven",
        "csc",
        "2026-10-20",
        last_contact="2026-11-10T18:00:00Z",
        attendance=(4, 4, 0),
    )
    c.sharing(
        "share-1",
        "police",
        "csc",
        "2025-12-04T09:00:00Z",
        ["inc-1"],
        "Police notification: injury, explanation not consistent.",
        "without-consent-risk-of-harm",
    )
    c.sharing(
        "share-2",
        "police",
        "secondary",
        "2025-12-04T08:00:00Z",
        ["inc-1"],
        "Operation Encompass notification for Amelia.",
        "without-consent-risk-of-harm",
    )
    c.sharing(
        "share-3",
        "secondary",
        "csc",
        "2026-09-15T11:05:00Z",
        ["disc-1", "inc-2"],
        "School safeguarding referral after Amelia's disclosure.",
        "without-consent-risk-of-harm",
    )
    c.sharing(
        "share-4",
        "csc",
        "police",
        "2026-09-15T14:00:00Z",
        ["inc-2", "disc-1"],
        "Strategy discussion: the disclosure and the 2025 attendance.",
        "without-consent-risk-of-harm",
    )
    c.provenance(
        "prov-disclosure",
        ["disc-1", "inc-2"],
        "2026-09-15T10:30:00Z",
        "secondary",
        "cpoms-export.csv",
        "CPOMS-77120",
        "reported-by-other",
        by_person="amelia",
    )
    c.provenance(
        "prov-retraction",
        ["disc-2"],
        "2026-09-22T17:30:00Z",
        "csc",
        "liquidlogic-visit-note.xml",
        "VIS-2026-09-22",
        "reported-by-other",
        by_person="amelia",
    )
    c.provenance(
        "prov-denial",
        ["disc-rebecca"],
        "2026-09-22T17:30:00Z",
        "csc",
        "liquidlogic-visit-note.xml",
        "VIS-2026-09-22",
        "self-reported",
        by_person="rebecca",
    )
    c.provenance(
        "prov-police",
        ["inc-1"],
        "2025-12-03T23:30:00Z",
        "police",
        "niche-export-2025-12-04.csv",
        "WP-INC-25-91123",
        "observed",
    )
    c.provenance_for_all("2026-11-16T09:00:00Z", "csc", "liquidlogic-case-WCSC-2026-0110.xml")
    return c


CASES: tuple[Callable[[], Case], ...] = (
    case_post_separation_contact,
    case_female_person_causing_harm,
    case_same_sex_couple,
    case_coercive_control,
    case_new_partner_clares_law,
    case_adolescent_past_exposure,
    case_disengagement_unborn,
    case_victim_leaves,
    case_marac,
    case_retracted_disclosure,
)


def dumps(data: Any) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def render() -> dict[Path, str]:
    """Every file this script owns, with its exact text."""
    files: dict[Path, str] = {}
    manifest: list[JSON] = []
    for build in CASES:
        case = build()
        files[OUT_DIR / f"{case.slug}.json"] = dumps(case.bundle())
        manifest.append(case.manifest())
    index = {
        "description": "Synthetic example cases (DACaseBundle). Every person and event is invented.",
        "generator": "scripts/build_examples.py",
        "cases": manifest,
    }
    files[OUT_DIR.parent / "cases.json"] = dumps(index)
    return files


def main(argv: Sequence[str] | None = None) -> int:
    """``regen.py --only examples`` (passing ``--check`` through)."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import regen

    return regen.main(["--only", "examples", *(argv if argv is not None else sys.argv[1:])])


if __name__ == "__main__":
    sys.exit(main())
