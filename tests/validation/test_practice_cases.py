"""The synthetic records the practice and return rules are tested on, and a check that the committed files match.

``clean_case()`` builds one complete, clean ``DACaseBundle`` covering every profile (a woman causing harm to her
ex-partner, two children, a new partner). Each ``BAD_PRACTICE[rule_id]`` mutates a copy so that exactly that
practice rule fires; each ``BAD_RETURN[rule_id]`` builds the records of a small return. ``expected_files()`` is the
``practice-cases`` step of ``scripts/regen.py``, which rewrites tests/validation/data/clean_case.json,
clean_same_sex.json and examples/invalid/DA3*.json, DA4*.ndjson.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson

from dastandard.model.fragments import absent, coding, concept, extension, own_extension
from dastandard.model.fragments import sub_extension as sub
from dastandard.model.ids import (
    code_system_url,
    extension_url,
    full_url,
    identifier_system,
    profile_url,
    stable_id,
)
from dastandard.model.urls import DATA_ABSENT_REASON

ROOT = Path(__file__).resolve().parents[2]
DATA = Path(__file__).resolve().parent / "data"
INVALID = ROOT / "examples" / "invalid"
DAR = DATA_ABSENT_REASON

Res = dict[str, Any]


# --- small builders -----------------------------------------------------------------------------------------------


def rid(name: str) -> str:
    return stable_id("practice-example", name)


def ref(name: str) -> dict[str, str]:
    return {"reference": full_url(rid(name))}


def cc(system: str, code: str) -> Res:
    """A CodeableConcept of one coding: ``system`` is a canonical URL or the id of one of the standard's own."""
    return concept(coding(system if system.startswith("http") else code_system_url(system), code))


def ext(ext_id: str, **value: Any) -> Res:
    """An extension by absolute URL or by the id of one of the standard's own."""
    return extension(ext_id, **value) if ext_id.startswith("http") else own_extension(ext_id, **value)


def comp(slice_name: str, **value: Any) -> Res:
    """A component whose code is the observation-component code of a slice (``riskLevel`` -> ``risk-level``)."""
    code = re.sub(r"([A-Z])", lambda m: "-" + m.group(1).lower(), slice_name)
    return {"code": cc("observation-component", code), **value}


def resource(rtype: str, key: str, profile: str, **fields: Any) -> Res:
    return {"resourceType": rtype, "id": rid(key), "meta": {"profile": [profile_url(profile)]}, **fields}


def observation(name: str, profile: str, kind: str, **fields: Any) -> Res:
    return resource(
        "Observation",
        name,
        profile,
        status="final",
        category=[cc("http://terminology.hl7.org/CodeSystem/observation-category", "social-history")],
        code=cc("record-type", kind),
        **fields,
    )


def nhs_number(base: str) -> str:
    """A valid (Modulus 11) NHS number from nine digits."""
    for tweak in range(10):
        digits = base[:8] + str((int(base[8]) + tweak) % 10)
        total = sum(int(d) * (10 - i) for i, d in enumerate(digits))
        check = 11 - total % 11
        if check == 11:
            check = 0
        if check != 10:
            return digits + str(check)
    raise ValueError(base)


def verified(day: str) -> Res:
    return ext("last-verified", extension=[sub("date", valueDateTime=day), sub("by", valueReference=ref("csc"))])


def person(name: str, birth: str, sex: str, *, nhs: str, child: bool, la_id: str = "") -> Res:
    identifiers = [{"system": "https://fhir.nhs.uk/Id/nhs-number", "value": nhs_number(nhs)}]
    if la_id:
        identifiers.append({"system": identifier_system("la-child-id"), "value": la_id})
    else:
        identifiers.append({"system": identifier_system("police-person-id"), "value": f"WP-{name.upper()}"})
    extensions = [
        ext("ethnicity-ons-2021", valueCodeableConcept=cc("ethnicity-ons-2021", "13")),
        ext("person-sex", valueCodeableConcept=cc("sex", sex)),
        ext("gender-identity", valueCodeableConcept=cc("nhs-gender-identity", "1" if sex == "M" else "2")),
        ext(
            "sexual-orientation",
            valueCodeableConcept=absent("not-applicable") if child else cc("nhs-sexual-orientation", "1"),
        ),
        ext(
            "http://hl7.org/fhir/StructureDefinition/patient-religion",
            valueCodeableConcept=cc("religion-ons-2021", "1"),
        ),
        ext(
            "http://hl7.org/fhir/StructureDefinition/patient-disability", valueCodeableConcept=cc("disability", "NONE")
        ),
        verified("2024-06-01"),
    ]
    if not child:
        extensions.append(
            ext("pregnancy-status", extension=[sub("status", valueCodeableConcept=absent("not-applicable"))])
        )
        extensions.append(
            ext("children-in-contact", valueCodeableConcept=cc("children-in-contact", "lives-with-children"))
        )
    marital = absent("not-applicable") if child else cc("http://terminology.hl7.org/CodeSystem/v3-MaritalStatus", "S")
    return resource(
        "Patient",
        name,
        "DAPerson",
        extension=extensions,
        identifier=identifiers,
        name=[{"given": [name.capitalize()], "family": "Example"}],
        birthDate=birth,
        maritalStatus=marital,
    )


def agency(name: str, kind: str, label: str) -> Res:
    return resource("Organization", name, "DAAgency", active=True, type=[cc("agency-type", kind)], name=label)


def party(who: str, role: str, *exposure: str, rationale: str = "") -> Res:
    subs = [sub("person", valueReference=ref(who)), sub("role", valueCodeableConcept=cc("incident-role", role))]
    subs += [sub("exposure", valueCodeableConcept=cc("child-exposure", e)) for e in exposure]
    if rationale:
        subs.append(sub("roleRationale", valueString=rationale))
    return ext("incident-party", extension=subs)


def incident(name: str, day: str, ref_no: str, text: str, kinds: list[str], risk: str, parties: list[Res]) -> Res:
    components = [comp("abuseKind", valueCodeableConcept=cc("abuse-kind", k)) for k in kinds]
    components.append(comp("pattern", valueCodeableConcept=cc("conduct-pattern", "course-of-conduct")))
    components.append(comp("riskLevel", valueCodeableConcept=cc("risk-level", risk)))
    return observation(
        name,
        "DAIncident",
        "incident",
        extension=parties,
        identifier=[{"system": identifier_system("incident-ref"), "value": ref_no}],
        subject=ref("household"),
        effectiveDateTime=day,
        issued=day,
        performer=[ref("police")],
        valueString=text,
        component=components,
    )


def victim_status(name: str, child: str, focus: list[str], status: str = "s3-child-victim", **more: Any) -> Res:
    components = [
        comp("basis", valueCodeableConcept=cc("s3-basis", "hears")),
        comp("relatedTo", valueCodeableConcept=cc("s3-relatedness", "parent-of-child")),
    ]
    if status == "not-a-victim":
        components = [comp("notVictimReason", valueString=more.get("reason", ""))]
    return observation(
        name,
        "DAChildVictimStatus",
        "child-victim-status",
        subject=ref(child),
        focus=[ref(f) for f in focus],
        effectiveDateTime="2024-01-18",
        valueCodeableConcept=cc("victim-status", status),
        component=components,
    )


def relationship(name: str, a: str, b: str, code: str, episodes: list[tuple[str, str, str]]) -> Res:
    extensions = [ext("related-person", valueReference=ref(b))]
    for status, start, end in episodes:
        period = {"start": start, **({"end": end} if end else {})}
        extensions.append(
            ext(
                "relationship-episode",
                extension=[
                    sub("status", valueCodeableConcept=cc("relationship-status", status)),
                    sub("period", valuePeriod=period),
                ],
            )
        )
    extensions.append(verified("2024-06-01"))
    return resource(
        "RelatedPerson",
        name,
        "DARelationship",
        extension=extensions,
        active=True,
        patient=ref(a),
        relationship=[cc("relationship-type", code)],
    )


def member(who: str, start: str, end: str = "") -> Res:
    period = {"start": start, **({"end": end} if end else {})}
    return {"entity": ref(who), "period": period, "inactive": bool(end)}


def episode(name: str, who: str, service: str, org: str, status: str, start: str, **more: Any) -> Res:
    extensions = [ext("offer-outcome", valueCodeableConcept=cc("offer-outcome", "accepted"))]
    if "last_contact" in more:
        extensions.append(ext("last-contact", valueDateTime=more["last_contact"]))
    if "follow_up" in more:
        extensions.append(
            ext(
                "follow-up",
                extension=[sub("planned", valueBoolean=True), sub("date", valueDate=more["follow_up"])],
            )
        )
    if "end" in more:
        extensions.append(ext("end-reason", valueCodeableConcept=cc("service-end-reason", "stepped-down")))
    period = {"start": start, **({"end": more["end"]} if "end" in more else {})}
    return resource(
        "EpisodeOfCare",
        name,
        "DAServiceEpisode",
        extension=extensions,
        status=status,
        type=[cc("service-type", service)],
        patient=ref(who),
        managingOrganization=ref(org),
        period=period,
    )


def directed(code: str, text: str, *targets: str, performer: str = "csc") -> Res:
    return {
        "extension": [ext("action-directed-at", valueReference=ref(t)) for t in targets],
        "detail": {
            "code": cc("plan-action", code),
            "status": "in-progress",
            "performer": [ref(performer)],
            "description": text,
        },
    }


def plan(name: str, kind: str, subject: str, activities: list[Res], **more: Any) -> Res:
    return resource(
        "CarePlan",
        name,
        "DAPlan",
        status="active",
        intent="plan",
        category=[cc("plan-type", kind)],
        subject=ref(subject),
        period={"start": "2024-02-01"},
        activity=activities,
        **more,
    )


def communication(name: str, profile: str, kind: str, **fields: Any) -> Res:
    return resource("Communication", name, profile, status="completed", category=[cc("record-type", kind)], **fields)


def response(action: str, day: str) -> Res:
    return ext(
        "disclosure-response",
        extension=[
            sub("action", valueCodeableConcept=cc("disclosure-response", action)),
            sub("date", valueDateTime=day),
            sub("by", valueReference=ref("csc")),
        ],
    )


def provenance(name: str, targets: list[str], source: str, who: str = "") -> Res:
    extensions = [ext("fact-source", valueCodeableConcept=cc("fact-source", source))]
    if who:
        extensions.append(ext("fact-source-person", valueReference=ref(who)))
    return resource(
        "Provenance",
        name,
        "DAProvenance",
        extension=extensions,
        target=[ref(t) for t in targets],
        recorded="2024-01-18T10:00:00Z",
        agent=[{"who": ref("police")}],
        entity=[
            {
                "role": "source",
                "what": {"identifier": {"system": identifier_system("source-record"), "value": f"{name}.csv#1"}},
            }
        ],
    )


# --- the clean case -----------------------------------------------------------------------------------------------


def clean_resources() -> list[Res]:
    """Every resource of the clean case, in Bundle order."""
    return [
        agency("police", "police", "Westshire Police"),
        agency("csc", "childrens-social-care", "Westshire Children's Services"),
        agency("school", "school", "Hill Street Primary"),
        agency("idva", "idva-service", "Westshire IDVA Service"),
        agency("cdas", "childrens-da-service", "Westshire Children's DA Service"),
        agency("marac", "marac", "Westshire MARAC"),
        agency("health", "health", "Westshire Community Health"),
        person("pch", "1988-05-05", "F", nhs="940000001", child=False),
        person("victim", "1990-03-01", "M", nhs="940000002", child=False),
        person("child1", "2014-02-10", "F", nhs="940000003", child=True, la_id="LA-C1"),
        person("child2", "2019-07-01", "M", nhs="940000004", child=True, la_id="LA-C2"),
        person("partner", "1985-08-08", "F", nhs="940000005", child=False),
        resource(
            "Group",
            "household",
            "DAHousehold",
            extension=[verified("2024-06-01")],
            type="person",
            actual=True,
            name="Example family home",
            member=[
                member("pch", "2013-01-01", "2024-02-01"),
                member("victim", "2013-01-01"),
                member("child1", "2014-02-10"),
                member("child2", "2019-07-01"),
                member("partner", "2024-04-01"),
            ],
        ),
        relationship(
            "rel-pch-victim",
            "victim",
            "pch",
            "former-intimate-partner",
            [("together", "2012-06-01", "2024-02-01"), ("separated", "2024-02-01", "")],
        ),
        relationship("rel-child1-pch", "child1", "pch", "parent", []),
        relationship("rel-child1-victim", "child1", "victim", "parent", []),
        relationship("rel-victim-partner", "victim", "partner", "intimate-partner", [("together", "2024-03-01", "")]),
        incident(
            "incident1",
            "2023-09-10T21:00:00Z",
            "WP-23-0910",
            "Mother (Pch) checked the father's phone, took his bank card and shouted that he would never see the "
            "children again; the children heard it from upstairs.",
            ["controlling-or-coercive", "psychological-or-emotional"],
            "medium",
            [
                party("pch", "person-causing-harm"),
                party("victim", "victim"),
                party("child1", "child-present", "heard"),
                party("child2", "child-present", "heard"),
            ],
        ),
        incident(
            "incident2",
            "2024-01-15T20:30:00Z",
            "WP-24-0115",
            "Mother (Pch) pushed the father down the stairs in front of the children; he hurt his arm.",
            ["physical"],
            "high",
            [
                party("pch", "person-causing-harm"),
                party("victim", "victim"),
                party("child1", "child-present", "saw"),
                party("child2", "child-present", "saw"),
                ext("linked-incident", valueReference=ref("incident1")),
            ],
        ),
        victim_status("status-child1", "child1", ["incident1", "incident2"]),
        victim_status("status-child2", "child2", ["incident1", "incident2"]),
        observation(
            "classification",
            "DAAbuseClassification",
            "abuse-classification",
            subject=ref("household"),
            focus=[ref("incident1"), ref("incident2")],
            effectiveDateTime="2024-01-18",
            valueCodeableConcept=cc("abuse-classification", "domestic-abuse"),
            component=[
                comp("basis", valueCodeableConcept=cc("classification-basis", "fear")),
                comp("basis", valueCodeableConcept=cc("classification-basis", "control")),
            ],
            note=[{"text": "The father is afraid of the mother; control of money and contact over months."}],
        ),
        resource(
            "Encounter",
            "contact-child1",
            "DAChildContact",
            extension=[
                ext(
                    "child-voice",
                    extension=[
                        sub("seen", valueBoolean=True),
                        sub("spokenWith", valueBoolean=True),
                        sub("seenAlone", valueBoolean=True),
                        sub("words", valueString="Mum shouts at Dad and I hide upstairs."),
                    ],
                )
            ],
            status="finished",
            **{"class": {"system": "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code": "HH"}},
            subject=ref("child1"),
            period={"start": "2024-01-17T15:00:00Z"},
            serviceProvider=ref("csc"),
        ),
        resource(
            "Encounter",
            "contact-child2",
            "DAChildContact",
            extension=[
                ext(
                    "child-voice",
                    extension=[
                        sub("seen", valueBoolean=True),
                        sub("spokenWith", valueBoolean=True),
                        sub("seenAlone", valueBoolean=False),
                        sub("wishes", valueString="Wants to stay with Dad."),
                    ],
                )
            ],
            status="finished",
            **{"class": {"system": "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code": "HH"}},
            subject=ref("child2"),
            period={"start": "2024-01-17T16:00:00Z"},
            serviceProvider=ref("csc"),
        ),
        communication(
            "disclosure-child1",
            "DADisclosure",
            "disclosure",
            extension=[response("referral-childrens-social-care", "2024-01-16T12:00:00Z")],
            subject=ref("child1"),
            about=[ref("incident2")],
            sent="2024-01-16T10:00:00Z",
            sender=ref("child1"),
            recipient=[ref("school")],
            payload=[{"contentString": "Told her teacher that Mum pushed Dad down the stairs."}],
        ),
        communication(
            "disclosure-victim",
            "DADisclosure",
            "disclosure",
            extension=[response("reported-to-police", "2024-01-15T22:00:00Z")],
            subject=ref("victim"),
            about=[ref("incident2")],
            sent="2024-01-15T21:30:00Z",
            sender=ref("victim"),
            recipient=[ref("police")],
            payload=[{"contentString": "Said she has controlled the money for years."}],
        ),
        communication(
            "retraction-victim",
            "DADisclosure",
            "retraction",
            extension=[ext("retracts", valueReference=ref("disclosure-victim"))],
            subject=ref("victim"),
            sent="2024-02-10T11:00:00Z",
            sender=ref("victim"),
            recipient=[ref("police")],
            payload=[{"contentString": "Said he no longer wants to support a prosecution."}],
        ),
        resource(
            "RiskAssessment",
            "risk-victim",
            "DARiskAssessment",
            extension=[
                ext("risk-tool-version", valueString="2009"),
                ext("risk-score", valueInteger=15),
                ext("marac-criterion", valueCodeableConcept=cc("marac-criterion", "visible-high-risk")),
            ],
            status="final",
            method=cc("risk-tool", "police-dash-2009"),
            subject=ref("victim"),
            occurrenceDateTime="2024-01-16T09:00:00Z",
            performer=ref("police"),
            basis=[ref("incident1"), ref("incident2")],
            prediction=[{"qualitativeRisk": cc("risk-level", "high")}],
        ),
        resource(
            "ServiceRequest",
            "marac-referral",
            "DAMaracReferral",
            extension=[
                ext("marac-person-causing-harm", valueReference=ref("pch")),
                ext("marac-child", valueReference=ref("child1")),
                ext("marac-child", valueReference=ref("child2")),
                ext("sharing-basis", valueCodeableConcept=cc("sharing-basis", "consent")),
            ],
            status="active",
            intent="order",
            code=cc("record-type", "marac-referral"),
            subject=ref("victim"),
            requester=ref("police"),
            authoredOn="2024-01-20",
            reasonCode=[cc("marac-criterion", "visible-high-risk")],
            supportingInfo=[ref("risk-victim"), ref("incident2")],
        ),
        plan(
            "marac-plan",
            "marac-action-plan",
            "victim",
            [
                directed("school-support", "School to offer Child1 weekly check-ins.", "child1", performer="school"),
                directed("direct-work-with-child", "Children's DA service to work with Child2.", "child2"),
                directed("engage-person-causing-harm", "Probation to engage the mother.", "pch"),
            ],
            basedOn=[ref("marac-referral")],
        ),
        plan(
            "safety-plan",
            "safety-plan",
            "victim",
            [
                directed("safety-measures", "Door entry system for the father.", "victim", performer="idva"),
                directed("protective-order", "Non-molestation order against the mother.", "pch", performer="police"),
                directed("direct-work-with-child", "Safety work with Child1.", "child1", performer="cdas"),
            ],
        ),
        observation(
            "risk-factor-separation",
            "DARiskFactor",
            "risk-factor",
            subject=ref("victim"),
            effectiveDateTime="2024-02-01",
            valueCodeableConcept=cc("risk-factor", "separation"),
        ),
        observation(
            "offending-pch",
            "DAOffendingHistory",
            "offending-history",
            subject=ref("pch"),
            effectiveDateTime="2024-01-15",
            performer=[ref("police")],
            valueCodeableConcept=cc("offending-history", "violence-against-partner"),
        ),
        observation(
            "history-check-partner",
            "DAHistoryCheck",
            "history-check",
            subject=ref("partner"),
            focus=[ref("victim")],
            effectiveDateTime="2024-03-20",
            performer=[ref("police")],
            valueCodeableConcept=cc("history-check-outcome", "no-relevant-history"),
            component=[comp("checkType", valueCodeableConcept=cc("history-check-type", "ddvds-right-to-ask"))],
        ),
        observation(
            "contact-arrangement",
            "DAContactArrangement",
            "contact-arrangement",
            subject=ref("child1"),
            focus=[ref("pch")],
            effectivePeriod={"start": "2024-03-01"},
            component=[
                comp("supervised", valueBoolean=True),
                comp("courtOrder", valueCodeableConcept=cc("court-order", "child-arrangements-order")),
                comp("arrangementType", valueCodeableConcept=cc("contact-type", "day")),
            ],
        ),
        observation(
            "assessment-pch",
            "DAAdultAssessment",
            "adult-assessment",
            subject=ref("pch"),
            focus=[ref("child1"), ref("child2")],
            effectiveDateTime="2024-02-05",
            performer=[ref("csc")],
            component=[
                comp("riskToChild", valueCodeableConcept=cc("risk-level", "high")),
                comp("protectiveCapacity", valueCodeableConcept=cc("protective-capacity", "limited")),
                comp("engaged", valueBoolean=False),
                comp("role", valueCodeableConcept=cc("adult-role", "birth-parent")),
            ],
        ),
        observation(
            "assessment-partner",
            "DAAdultAssessment",
            "adult-assessment",
            subject=ref("partner"),
            focus=[ref("child1"), ref("child2")],
            effectiveDateTime="2024-04-10",
            performer=[ref("csc")],
            component=[
                comp("riskToChild", valueCodeableConcept=cc("risk-level", "standard")),
                comp("protectiveCapacity", valueCodeableConcept=cc("protective-capacity", "good")),
                comp("engaged", valueBoolean=True),
                comp("role", valueCodeableConcept=cc("adult-role", "partner-of-parent")),
            ],
        ),
        episode("episode-victim", "victim", "idva", "idva", "active", "2024-01-22", last_contact="2024-06-25"),
        episode(
            "episode-child1",
            "child1",
            "childrens-da-service",
            "cdas",
            "active",
            "2024-02-01",
            last_contact="2024-06-20",
        ),
        episode(
            "episode-child2",
            "child2",
            "childrens-da-service",
            "cdas",
            "active",
            "2024-02-01",
            last_contact="2024-06-10",
        ),
        episode(
            "episode-child1-early-help",
            "child1",
            "early-help",
            "csc",
            "finished",
            "2023-10-01",
            end="2024-01-31",
            follow_up="2024-07-31",
        ),
        communication(
            "sharing-incidents",
            "DAInformationSharing",
            "information-sharing",
            extension=[ext("sharing-basis", valueCodeableConcept=cc("sharing-basis", "without-consent-risk-of-harm"))],
            about=[ref("incident1"), ref("incident2")],
            sent="2024-01-16T09:00:00Z",
            sender=ref("police"),
            recipient=[ref("csc"), ref("school")],
            payload=[{"contentString": "Police domestic abuse notifications for both incidents."}],
        ),
        provenance("provenance-police", ["incident1", "incident2", "classification"], "verified-by-agency"),
    ]


def bundle(resources: list[Res], *, name: str = "clean", timestamp: str = "2024-06-30T12:00:00Z") -> Res:
    return {
        "resourceType": "Bundle",
        "id": rid(f"bundle-{name}"),
        "meta": {
            "profile": [profile_url("DACaseBundle")],
            "security": [
                {"system": "http://terminology.hl7.org/CodeSystem/v3-Confidentiality", "code": "R"},
                {"system": "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code": "SDV"},
            ],
        },
        "identifier": {"system": identifier_system("case-ref"), "value": f"CASE-{name.upper()}"},
        "type": "collection",
        "timestamp": timestamp,
        "entry": [{"fullUrl": full_url(r["id"]), "resource": r} for r in resources],
    }


def clean_case() -> Res:
    """The complete clean record: no practice rule fires on it."""
    return bundle(clean_resources())


def same_sex_case() -> Res:
    """The clean case with a same-sex couple: the victim is a woman too. Still clean."""
    record = clean_case()
    victim = find(record, "victim")
    for item in victim["extension"]:
        if item["url"] == extension_url("person-sex"):
            item["valueCodeableConcept"] = cc("sex", "F")
        if item["url"] == extension_url("gender-identity"):
            item["valueCodeableConcept"] = cc("nhs-gender-identity", "2")
    return record


# --- mutations ----------------------------------------------------------------------------------------------------


def find(record: Res, name: str) -> Res:
    for item in record["entry"]:
        if item["resource"]["id"] == rid(name):
            return item["resource"]  # type: ignore[no-any-return]
    raise KeyError(name)


def drop(record: Res, name: str) -> None:
    """Remove a resource and every Reference to it held in a list."""
    target = full_url(rid(name))
    record["entry"] = [e for e in record["entry"] if e["resource"]["id"] != rid(name)]

    def scrub(node: Any) -> None:
        if isinstance(node, dict):
            for value in node.values():
                scrub(value)
        elif isinstance(node, list):
            node[:] = [n for n in node if not (isinstance(n, dict) and n.get("reference") == target)]
            for n in node:
                scrub(n)

    scrub(record["entry"])


def drop_ext(res: Res, ext_id: str) -> None:
    url = ext_id if ext_id.startswith("http") else extension_url(ext_id)
    res["extension"] = [e for e in res.get("extension", []) if e.get("url") != url]
    if not res["extension"]:
        del res["extension"]  # FHIR JSON has no empty arrays


def parties_of(res: Res) -> list[Res]:
    return [e for e in res["extension"] if e["url"] == extension_url("incident-party")]


def set_role(res: Res, who: str, role: str) -> None:
    for item in parties_of(res):
        if item["extension"][0]["valueReference"] == ref(who):
            item["extension"][1]["valueCodeableConcept"] = cc("incident-role", role)


def mutated(change: Callable[[Res], None]) -> Callable[[], Res]:
    def build() -> Res:
        record = clean_case()
        change(record)
        return record

    return build


def _da3101(r: Res) -> None:
    del find(r, "incident1")["valueString"]


def _da3102(r: Res) -> None:
    inc = find(r, "incident2")
    inc["component"] = [c for c in inc["component"] if c["code"] != comp("abuseKind")["code"]]


def _da3103(r: Res) -> None:
    inc = find(r, "incident1")
    inc["component"] = [c for c in inc["component"] if c["code"] != comp("abuseKind")["code"]]
    inc["component"].insert(0, comp("abuseKind", valueCodeableConcept=cc("abuse-kind", "violent-or-threatening")))
    drop(r, "risk-victim")
    classification = find(r, "classification")
    classification["component"] = [comp("basis", valueCodeableConcept=cc("classification-basis", "fear"))]


def _da3104(r: Res) -> None:
    inc = find(r, "incident1")
    inc["extension"] = [e for e in inc["extension"] if e is not parties_of(inc)[0]]


def _da3105(r: Res) -> None:
    set_role(find(r, "incident1"), "victim", "person-causing-harm")


def _da3106(r: Res) -> None:
    drop_ext(find(r, "incident2"), "linked-incident")


def _da3107(r: Res) -> None:
    set_role(find(r, "incident1"), "child1", "victim")


def _da3108(r: Res) -> None:
    drop(r, "rel-pch-victim")


def _da3109(r: Res) -> None:
    find(r, "classification")["valueCodeableConcept"] = cc("abuse-classification", "parental-conflict")


def _da3110(r: Res) -> None:
    set_role(find(r, "incident1"), "victim", "other-party")


def _da3201(r: Res) -> None:
    find(r, "status-child2")["focus"] = [ref("incident2")]


def _da3202(r: Res) -> None:
    voice = find(r, "contact-child2")["extension"][0]["extension"]
    voice[1]["valueBoolean"] = False


def _da3203(r: Res) -> None:
    drop(r, "episode-child2")


def _da3204(r: Res) -> None:
    current = find(r, "episode-child1")
    current["status"] = "finished"
    current["period"]["end"] = "2024-06-20"
    current["extension"].append(ext("end-reason", valueCodeableConcept=cc("service-end-reason", "goals-achieved")))
    drop_ext(find(r, "episode-child1-early-help"), "follow-up")


def _da3301(r: Res) -> None:
    drop_ext(find(r, "child2"), "http://hl7.org/fhir/StructureDefinition/patient-religion")


def _da3302(r: Res) -> None:
    drop_ext(find(r, "victim"), "pregnancy-status")


def _da3401(r: Res) -> None:
    drop(r, "assessment-partner")


def _da3402(r: Res) -> None:
    members = find(r, "household")["member"]
    members[0] = member("pch", "2013-01-01")
    members[1] = member("victim", "2013-01-01", "2024-03-01")


def _da3403(r: Res) -> None:
    find(r, "contact-arrangement")["component"][0]["valueBoolean"] = False


def _da3404(r: Res) -> None:
    find(r, "household")["extension"] = [verified("2023-06-01")]


def _da3405(r: Res) -> None:
    rel = find(r, "rel-pch-victim")
    drop_ext(rel, "last-verified")
    rel["extension"].append(verified("2023-06-01"))


def _da3406(r: Res) -> None:
    drop(r, "history-check-partner")


def _da3407(r: Res) -> None:
    drop_ext(find(r, "pch"), "children-in-contact")


def _da3408(r: Res) -> None:
    find(r, "history-check-partner")["valueCodeableConcept"] = cc("history-check-outcome", "history-disclosed")


def _da3501(r: Res) -> None:
    third = copy.deepcopy(find(r, "incident2"))
    third["id"] = rid("incident3")
    third["identifier"] = [{"system": identifier_system("incident-ref"), "value": "WP-24-0310"}]
    third["effectiveDateTime"] = third["issued"] = "2024-03-10T19:00:00Z"
    third["valueString"] = "Mother (Pch) came to the house and threatened the father at the door."
    third["extension"] = [
        party("pch", "person-causing-harm"),
        party("victim", "victim"),
        party("child1", "child-not-present", "experienced-effects"),
        party("child2", "child-not-present", "experienced-effects"),
        ext("linked-incident", valueReference=ref("incident2")),
    ]
    r["entry"].append({"fullUrl": full_url(third["id"]), "resource": third})
    for name in ("status-child1", "status-child2"):
        find(r, name)["focus"].append(ref("incident3"))
    find(r, "sharing-incidents")["about"].append(ref("incident3"))


def _da3502(r: Res) -> None:
    drop(r, "episode-victim")
    for name in ("episode-child1", "episode-child2"):
        ep = find(r, name)
        ep["type"] = [cc("service-type", "camhs")]
        ep["managingOrganization"] = ref("health")


def _da3503(r: Res) -> None:
    activities = find(r, "marac-plan")["activity"]
    del activities[1]


def _da3601(r: Res) -> None:
    find(r, "safety-plan")["activity"] = [
        directed("safety-measures", "Father to keep the doors locked.", "victim", performer="idva"),
        directed("other", "Father to keep the children away from their mother.", "victim", performer="csc"),
    ]


def _da3602(r: Res) -> None:
    ep = find(r, "episode-victim")
    drop_ext(ep, "last-contact")
    ep["extension"].append(ext("last-contact", valueDateTime="2024-01-30T10:00:00Z"))


def _da3701(r: Res) -> None:
    drop_ext(find(r, "disclosure-child1"), "disclosure-response")


def _da3702(r: Res) -> None:
    find(r, "disclosure-victim")["status"] = "entered-in-error"


def _da3703(r: Res) -> None:
    find(r, "sharing-incidents")["about"] = [ref("incident1")]


def _da3704(r: Res) -> None:
    find(r, "status-child2")["focus"] = [ref("incident2")]
    extra = victim_status(
        "status-child2-incident1",
        "child2",
        ["incident1"],
        status="not-a-victim",
        reason="Mother says Child2 was asleep and heard nothing.",
    )
    r["entry"].append({"fullUrl": full_url(extra["id"]), "resource": extra})
    inc = find(r, "incident1")  # as the mother tells it: Child2 was asleep upstairs, not exposed
    for item in parties_of(inc):
        if item["extension"][0]["valueReference"] == ref("child2"):
            inc["extension"][inc["extension"].index(item)] = party("child2", "child-not-present", "not-present")
    prov = provenance("provenance-mother", ["status-child2-incident1"], "self-reported", who="pch")
    r["entry"].append({"fullUrl": full_url(prov["id"]), "resource": prov})


BAD_PRACTICE: dict[str, Callable[[], Res]] = {
    name[1:].upper(): mutated(fn) for name, fn in sorted(globals().items()) if name.startswith("_da3") and callable(fn)
}


# --- return-level examples ----------------------------------------------------------------------------------------


def _renamed(record: Res, name: str) -> Res:
    record["id"] = rid(f"bundle-{name}")
    record["identifier"]["value"] = f"CASE-{name.upper()}"
    return record


def _da4001() -> list[Res]:
    second = _renamed(clean_case(), "no-religion")
    for item in second["entry"]:
        if item["resource"]["resourceType"] == "Patient":
            drop_ext(item["resource"], "http://hl7.org/fhir/StructureDefinition/patient-religion")
    return [clean_case(), second]


def _da4002() -> list[Res]:
    second = _renamed(clean_case(), "wrong-birth")
    find(second, "child1")["birthDate"] = "2014-03-10"
    return [clean_case(), second]


def _da4003() -> list[Res]:
    first = clean_case()
    inc = find(first, "incident1")
    inc["extension"] = parties_of(inc)[:2]
    find(first, "status-child1")["focus"] = [ref("incident2")]
    find(first, "status-child2")["focus"] = [ref("incident2")]
    second = _renamed(clean_case(), "without-first-incident")
    drop(second, "incident1")
    drop_ext(find(second, "incident2"), "linked-incident")
    return [first, second]


def _da4004() -> list[Res]:
    later = _renamed(clean_case(), "later")
    later["timestamp"] = "2025-06-30T12:00:00Z"
    inc = find(later, "incident1")
    inc["extension"] = parties_of(inc)[:2]
    find(later, "status-child1")["focus"] = [ref("incident2")]
    find(later, "status-child2")["focus"] = [ref("incident2")]
    return [clean_case(), later]


BAD_RETURN: dict[str, Callable[[], list[Res]]] = {
    "DA4001": _da4001,
    "DA4002": _da4002,
    "DA4003": _da4003,
    "DA4004": _da4004,
}


# --- files --------------------------------------------------------------------------------------------------------


def _json(value: Any) -> bytes:
    return orjson.dumps(value, option=orjson.OPT_INDENT_2) + b"\n"


def _ndjson(records: list[Res]) -> bytes:
    return b"".join(orjson.dumps(r) + b"\n" for r in records)


def expected_files() -> dict[Path, bytes]:
    """Every generated file and its exact content."""
    files = {DATA / "clean_case.json": _json(clean_case()), DATA / "clean_same_sex.json": _json(same_sex_case())}
    for rule_id, build in BAD_PRACTICE.items():
        files[INVALID / f"{rule_id}.json"] = _json(build())
    for rule_id, build_all in BAD_RETURN.items():
        files[INVALID / f"{rule_id}.ndjson"] = _ndjson(build_all())
    return files


def test_committed_examples_match_their_builders() -> None:
    stale = [
        str(p.relative_to(ROOT))
        for p, content in expected_files().items()
        if not p.is_file() or p.read_bytes() != content
    ]
    assert not stale, f"regenerate with: python scripts/regen.py ({stale})"


def test_every_practice_and_return_rule_has_a_builder() -> None:
    from dastandard.validation.practice import RULE_IDS
    from dastandard.validation.returns import RETURN_RULE_IDS

    assert sorted(BAD_PRACTICE) == sorted(RULE_IDS)
    assert sorted(BAD_RETURN) == sorted(RETURN_RULE_IDS)
