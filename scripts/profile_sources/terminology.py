# ruff: noqa: E501  (a catalogue of code-system text: definitions and source URLs are kept on one line each)
"""CodeSystems, ValueSets and ConceptMaps of the standard.

Local code systems are complete. National code lists are copied from the sources named in their descriptions.
External HL7 and UK Core code systems are shipped as fragments (only the codes the standard uses, with their
published displays) under their real canonical URLs, so validation runs offline.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from profile_sources.common import (
    ACTCODE_CS,
    CONFIDENTIALITY_CS,
    DAR_CS,
    JSON,
    MARITAL_CS,
    UKCORE_ETHNIC_CS,
    Context,
)


@dataclass
class C:
    """One concept: code, display, definition, optional properties and child concepts."""

    code: str
    display: str
    definition: str
    children: Sequence[C] = ()
    props: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> JSON:
        out: JSON = {"code": self.code, "display": self.display, "definition": self.definition}
        if self.props:
            out["property"] = [_property_value(k, v) for k, v in self.props.items()]
        if self.children:
            out["concept"] = [c.to_json() for c in self.children]
        return out


CODE_PROPERTIES = frozenset({"connection"})


def _property_value(code: str, value: Any) -> JSON:
    if isinstance(value, bool):
        return {"code": code, "valueBoolean": value}
    if code in CODE_PROPERTIES:
        return {"code": code, "valueCode": str(value)}
    return {"code": code, "valueString": str(value)}


@dataclass
class CS:
    """A local or national code system together with the value set of the same id that includes all of it."""

    id: str
    name: str
    title: str
    description: str
    concepts: Sequence[C]
    properties: Sequence[tuple[str, str, str]] = ()  # (code, type, description)
    value_set: bool = True
    vs_description: str | None = None


def _walk(concepts: Sequence[C]) -> list[C]:
    out: list[C] = []
    for c in concepts:
        out.append(c)
        out.extend(_walk(c.children))
    return out


def codesystem(ctx: Context, cs: CS) -> JSON:
    res = ctx.metadata("CodeSystem", cs.id, cs.name, cs.title, cs.description)
    res["caseSensitive"] = True
    if cs.value_set:
        res["valueSet"] = ctx.vs(cs.id)
    if any(c.children for c in cs.concepts):
        res["hierarchyMeaning"] = "is-a"
    res["content"] = "complete"
    res["count"] = len(_walk(cs.concepts))
    if cs.properties:
        res["property"] = [{"code": code, "description": desc, "type": typ} for code, typ, desc in cs.properties]
    res["concept"] = [c.to_json() for c in cs.concepts]
    return res


def fragment(
    ctx: Context, artifact_id: str, url: str, name: str, title: str, description: str, concepts: Sequence[C]
) -> JSON:
    """An external code system shipped as an offline fragment under its real canonical URL."""
    res = ctx.metadata("CodeSystem", artifact_id, name, title, description)
    res["url"] = url
    res["caseSensitive"] = True
    if any(c.children for c in concepts):
        res["hierarchyMeaning"] = "is-a"
    res["content"] = "fragment"
    res["concept"] = [c.to_json() for c in concepts]
    return res


def valueset(
    ctx: Context,
    artifact_id: str,
    name: str,
    title: str,
    description: str,
    includes: Sequence[tuple[str, Sequence[str] | None]],
) -> JSON:
    """A value set; each include is (system, codes) and codes None means the whole system."""
    res = ctx.metadata("ValueSet", artifact_id, name, title, description)
    res["immutable"] = False
    compose: list[JSON] = []
    for system, codes in includes:
        inc: JSON = {"system": system}
        if codes is not None:
            inc["concept"] = [{"code": code} for code in codes]
        compose.append(inc)
    res["compose"] = {"include": compose}
    return res


def _pascal(kebab: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in kebab.replace("_", "-").split("-"))


STATUTORY = ("statutory", "boolean", "True if the kind is one of the five kinds in Domestic Abuse Act 2021 s1(3).")
LEGAL = ("legalBasis", "string", "The provision or guidance that defines the concept.")
SPECIALIST = (
    "specialist",
    "boolean",
    "True if this is a specialist domestic abuse service or agency (counted for learning point L10).",
)
CHILD_FOCUSED = ("childFocused", "boolean", "True if the service works with the child directly (learning point L08).")
INDICATES = (
    "indicatesAbuse",
    "boolean",
    "True if the indicator points to domestic abuse rather than parental conflict (learning point L03).",
)


def local_code_systems() -> list[CS]:
    """Every local code system, in the order of docs/model.md."""
    s = STATUTORY[0]
    lb = LEGAL[0]
    return [
        CS(
            "record-type",
            "RecordType",
            "Record type",
            "The kind of record a resource of the standard holds. Used as Observation.code, ServiceRequest.code and "
            "Communication.category so a record's meaning never depends on which FHIR resource carries it.",
            [
                C(
                    "incident",
                    "Incident",
                    "A domestic abuse incident: what happened, when, who was involved and who reported it.",
                ),
                C(
                    "child-victim-status",
                    "Child victim status",
                    "A child's status as a victim of domestic abuse (Domestic Abuse Act 2021 s3, or s1 for a child "
                    "aged 16 or 17 who is a direct victim), or the recorded reason the status does not apply.",
                ),
                C(
                    "abuse-classification",
                    "Abuse classification",
                    "Whether behaviour is domestic abuse or parental conflict, with the basis for the decision.",
                ),
                C("disclosure", "Disclosure", "A person's disclosure of abuse to a practitioner or agency."),
                C(
                    "retraction",
                    "Retraction",
                    "A later statement withdrawing or minimising an earlier disclosure. It is recorded as a new event; "
                    "the original disclosure is kept unchanged.",
                ),
                C(
                    "marac-referral",
                    "MARAC referral",
                    "A referral of a victim to a multi-agency risk assessment conference (MARAC).",
                ),
                C("risk-factor", "Risk factor", "A dated trigger or risk factor in one person's life."),
                C("offending-history", "Offending history", "A person's known history of violence or offending."),
                C("history-check", "History check", "A disclosure-scheme request or a records check about an adult."),
                C("contact-arrangement", "Contact arrangement", "A child's arrangement for contact with an adult."),
                C(
                    "adult-assessment",
                    "Adult assessment",
                    "An assessment of a significant adult in a child's life: risk, protective capacity and engagement.",
                ),
                C(
                    "information-sharing",
                    "Information sharing",
                    "An event in which one agency shared information with another.",
                ),
            ],
        ),
        CS(
            "observation-component",
            "ObservationComponent",
            "Observation component",
            "Codes of the components (Observation.component.code) of the standard's Observation profiles. Each code "
            "is the kebab-case form of the component slice name in the profile.",
            [
                C("abuse-kind", "Kind of abuse", "A kind of abuse the behaviour consisted of."),
                C(
                    "pattern",
                    "Pattern of conduct",
                    "Whether the behaviour is a single incident or part of a course of conduct.",
                ),
                C("risk-level", "Risk level", "The risk level assessed at the time of the incident."),
                C("injury", "Injury", "Whether anyone was injured."),
                C("weapon-used", "Weapon used", "Whether a weapon or object was used or threatened."),
                C(
                    "strangulation",
                    "Strangulation or suffocation",
                    "Whether non-fatal strangulation or suffocation was reported.",
                ),
                C("police-outcome", "Police outcome", "The police action taken in response."),
                C(
                    "basis",
                    "Basis",
                    "A ground on which the observation's value rests (an s3 basis, or an indicator for a classification).",
                ),
                C(
                    "related-to",
                    "Related to",
                    "How the child is related to the person causing harm or the adult victim (DA Act 2021 s3(3)).",
                ),
                C("not-victim-reason", "Reason not a victim", "Why a child is recorded as not a victim of the abuse."),
                C("check-type", "Check type", "The kind of disclosure-scheme request or records check."),
                C("supervised", "Supervised", "Whether contact is supervised."),
                C("court-order", "Court order", "A court order that governs the arrangement."),
                C("arrangement-type", "Arrangement type", "The kind of contact (overnight, day, indirect, none)."),
                C("risk-to-child", "Risk to child", "The assessed risk the adult poses to the child."),
                C("protective-capacity", "Protective capacity", "The adult's assessed capacity to protect the child."),
                C("engaged", "Engaged", "Whether the adult has engaged with the assessment or service."),
                C("role", "Role", "The adult's role in the child's life."),
            ],
            value_set=False,
        ),
        CS(
            "abuse-kind",
            "AbuseKind",
            "Kind of domestic abuse",
            "Kinds of domestic abuse. The five top-level statutory kinds are those of the Domestic Abuse Act 2021 "
            "s1(3)(a)-(e); the other top-level codes are categories of the Home Office Domestic Abuse Statutory "
            'Guidance (July 2022), chapter 3 "Recognising domestic abuse". A behaviour may be coded with several kinds.',
            [
                C(
                    "physical-or-sexual",
                    "Physical or sexual abuse",
                    "Physical or sexual abuse (DA Act 2021 s1(3)(a)).",
                    [
                        C(
                            "physical",
                            "Physical abuse",
                            "Physical abuse: the physical part of s1(3)(a).",
                            props={s: True, lb: "DA Act 2021 s1(3)(a)"},
                        ),
                        C(
                            "sexual",
                            "Sexual abuse",
                            "Sexual abuse: the sexual part of s1(3)(a).",
                            props={s: True, lb: "DA Act 2021 s1(3)(a)"},
                        ),
                    ],
                    props={s: True, lb: "DA Act 2021 s1(3)(a)"},
                ),
                C(
                    "violent-or-threatening",
                    "Violent or threatening behaviour",
                    "Violent or threatening behaviour (DA Act 2021 s1(3)(b)).",
                    props={s: True, lb: "DA Act 2021 s1(3)(b)"},
                ),
                C(
                    "controlling-or-coercive",
                    "Controlling or coercive behaviour",
                    "Controlling or coercive behaviour (DA Act 2021 s1(3)(c); see also Serious Crime Act 2015 s76).",
                    props={s: True, lb: "DA Act 2021 s1(3)(c)"},
                ),
                C(
                    "economic",
                    "Economic abuse",
                    "Any behaviour that has a substantial adverse effect on the victim's ability to acquire, use or "
                    "maintain money or other property, or to obtain goods or services (DA Act 2021 s1(3)(d), s1(4)).",
                    props={s: True, lb: "DA Act 2021 s1(3)(d), s1(4)"},
                ),
                C(
                    "psychological-or-emotional",
                    "Psychological, emotional or other abuse",
                    "Psychological, emotional or other abuse (DA Act 2021 s1(3)(e)).",
                    props={s: True, lb: "DA Act 2021 s1(3)(e)"},
                ),
                C(
                    "stalking-or-harassment",
                    "Harassment or stalking",
                    "Harassment or stalking (statutory guidance, chapter 3).",
                    props={s: False, lb: "DA statutory guidance 2022 ch.3"},
                ),
                C(
                    "verbal",
                    "Verbal abuse",
                    "Verbal abuse (statutory guidance, chapter 3).",
                    props={s: False, lb: "DA statutory guidance 2022 ch.3"},
                ),
                C(
                    "technology-facilitated",
                    "Technology-facilitated abuse",
                    "Abuse using technology, such as monitoring devices, social media or location tracking (statutory guidance, chapter 3).",
                    props={s: False, lb: "DA statutory guidance 2022 ch.3"},
                ),
                C(
                    "faith-related",
                    "Abuse relating to faith",
                    "Abuse relating to faith (statutory guidance, chapter 3).",
                    props={s: False, lb: "DA statutory guidance 2022 ch.3"},
                ),
                C(
                    "honour-based",
                    "'Honour'-based abuse",
                    "'Honour'-based abuse, including forced marriage (statutory guidance, chapter 3).",
                    props={s: False, lb: "DA statutory guidance 2022 ch.3"},
                ),
                C(
                    "perpetrator-tactics",
                    "Perpetrator tactics",
                    "Tactics used by the person causing harm, such as using the children, counter-allegations or the "
                    "family courts, to continue abuse (statutory guidance, chapter 3).",
                    props={s: False, lb: "DA statutory guidance 2022 ch.3"},
                ),
            ],
            properties=[STATUTORY, LEGAL],
        ),
        CS(
            "conduct-pattern",
            "ConductPattern",
            "Pattern of conduct",
            "Whether abusive behaviour is a single incident or a course of conduct. Under DA Act 2021 s1(3) it does not "
            "matter which; the pattern is recorded so a course of conduct is visible.",
            [
                C(
                    "single-incident",
                    "Single incident",
                    "The behaviour is a single incident with no known earlier related behaviour.",
                ),
                C(
                    "course-of-conduct",
                    "Course of conduct",
                    "The behaviour is part of a course of conduct: repeated or continuous behaviour by the same person.",
                ),
            ],
        ),
        CS(
            "risk-level",
            "RiskLevel",
            "Risk level",
            "Risk levels of the SafeLives Dash risk identification checklist guidance. The levels are suggested by the "
            "number of 'yes' answers and may be raised, never lowered, by professional judgement.",
            [
                C("standard", "Standard", "Current evidence does not indicate likelihood of causing serious harm."),
                C(
                    "medium",
                    "Medium",
                    "There are identifiable indicators of risk of serious harm. The person causing harm has the "
                    "potential to cause serious harm but is unlikely to do so unless there is a change in circumstances.",
                ),
                C(
                    "high",
                    "High",
                    "There are identifiable indicators of risk of serious harm. The potential event could happen at "
                    "any time and the impact would be serious.",
                ),
            ],
        ),
        CS(
            "police-outcome",
            "PoliceOutcome",
            "Police outcome",
            "The police action taken in response to a domestic abuse incident, as recorded on incident forms "
            "(whether the person causing harm was arrested, and if not why not).",
            [
                C("arrest", "Arrested", "The person causing harm was arrested."),
                C(
                    "voluntary-interview",
                    "Voluntary interview",
                    "The person causing harm was interviewed voluntarily, without arrest.",
                ),
                C(
                    "no-arrest",
                    "Not arrested",
                    "The person causing harm was not arrested; the reason is recorded in text.",
                ),
                C(
                    "suspect-not-located",
                    "Suspect not located",
                    "The person causing harm could not be found at the time.",
                ),
                C("charged", "Charged", "The person causing harm was charged with an offence."),
                C(
                    "out-of-court-disposal",
                    "Out-of-court disposal",
                    "The matter was dealt with by an out-of-court disposal.",
                ),
                C("under-investigation", "Under investigation", "The matter remains under investigation."),
                C("no-further-action", "No further action", "The police decided to take no further action."),
            ],
        ),
        CS(
            "incident-role",
            "IncidentRole",
            "Role in an incident",
            "The role a person had in one incident. Roles are given per incident and never inferred from sex, age or "
            "relationship (learning points L04, L14).",
            [
                C(
                    "person-causing-harm",
                    "Person causing harm",
                    "The person whose behaviour was abusive (person A in DA Act 2021 s1).",
                ),
                C(
                    "victim",
                    "Victim",
                    "A person towards whom the abusive behaviour was directed (person B in DA Act 2021 s1).",
                ),
                C("child-present", "Child present", "A child who was present at the incident."),
                C(
                    "child-not-present",
                    "Child not present",
                    "A child of the household or family who was not present at the incident.",
                ),
                C(
                    "witness",
                    "Witness",
                    "A person, not a victim or the person causing harm, who witnessed the incident.",
                ),
                C("other-party", "Other party", "Any other person involved in the incident."),
            ],
        ),
        CS(
            "child-exposure",
            "ChildExposure",
            "Child's exposure to an incident",
            "How a child was exposed to an incident, following DA Act 2021 s3(2)(a) (sees, hears or experiences the "
            "effects of the abuse) with police incident-form categories (present, injured).",
            [
                C("saw", "Saw", "The child saw the abuse."),
                C("heard", "Heard", "The child heard the abuse."),
                C("experienced-effects", "Experienced the effects", "The child experienced the effects of the abuse."),
                C("present", "Present", "The child was present at the incident."),
                C("directly-harmed", "Directly harmed", "The child was directly harmed or injured in the incident."),
                C("not-present", "Not present", "The child was not present at the incident."),
            ],
        ),
        CS(
            "victim-status",
            "VictimStatus",
            "Child victim status",
            "A child's status as a victim of domestic abuse under the Domestic Abuse Act 2021.",
            [
                C(
                    "s3-child-victim",
                    "Child victim (DA Act 2021 s3)",
                    "A child who sees or hears, or experiences the effects of, the abuse and is related to the person "
                    "causing harm or the victim (DA Act 2021 s3(2)).",
                ),
                C(
                    "s1-direct-victim",
                    "Direct victim (DA Act 2021 s1)",
                    "A child aged 16 or 17 who is personally connected to the person causing harm and towards whom the "
                    "abusive behaviour was directed (DA Act 2021 s1(2)).",
                ),
                C(
                    "not-a-victim",
                    "Not a victim",
                    "The child is assessed as not a victim of the abuse; the reason is recorded.",
                ),
            ],
        ),
        CS(
            "s3-basis",
            "S3Basis",
            "Basis of child victim status",
            "The ways a child is affected by domestic abuse that make the child a victim (DA Act 2021 s3(2)(a)).",
            [
                C("sees", "Sees", "The child sees the abuse (s3(2)(a))."),
                C("hears", "Hears", "The child hears the abuse (s3(2)(a))."),
                C(
                    "experiences-effects",
                    "Experiences the effects",
                    "The child experiences the effects of the abuse (s3(2)(a)).",
                ),
            ],
        ),
        CS(
            "s3-relatedness",
            "S3Relatedness",
            "Child's relatedness to the abuser or victim",
            "How a child is related to the person causing harm or to the victim (DA Act 2021 s3(2)(b), s3(3)).",
            [
                C("parent-of-child", "Parent of the child", "The person is a parent of the child (s3(3)(a))."),
                C(
                    "parental-responsibility",
                    "Has parental responsibility",
                    "The person has parental responsibility for the child (s3(3)(a); Children Act 1989 s3).",
                ),
                C(
                    "relative",
                    "Relative",
                    "The child and the person are relatives (s3(3)(b); Family Law Act 1996 s63(1)).",
                ),
            ],
        ),
        CS(
            "abuse-classification",
            "AbuseClassification",
            "Abuse classification",
            "Whether behaviour between adults is domestic abuse or parental conflict, which need different "
            "interventions (learning point L03).",
            [
                C("domestic-abuse", "Domestic abuse", "The behaviour is domestic abuse as defined in DA Act 2021 s1."),
                C(
                    "parental-conflict",
                    "Parental conflict",
                    "The behaviour is conflict between parents without fear, control or a power imbalance, and is not domestic abuse.",
                ),
                C("undetermined", "Undetermined", "It has not yet been possible to decide; the decision is pending."),
            ],
        ),
        CS(
            "classification-basis",
            "ClassificationBasis",
            "Basis of an abuse classification",
            "Indicators on which a decision between domestic abuse and parental conflict rests.",
            [
                C("fear", "Fear", "One person is afraid of the other.", props={INDICATES[0]: True}),
                C("control", "Control", "One person controls or coerces the other.", props={INDICATES[0]: True}),
                C("injury", "Injury", "One person has been injured by the other.", props={INDICATES[0]: True}),
                C("threats", "Threats", "One person has threatened the other.", props={INDICATES[0]: True}),
                C(
                    "power-imbalance",
                    "Power imbalance",
                    "There is an imbalance of power between the two people.",
                    props={INDICATES[0]: True},
                ),
                C(
                    "pattern-of-behaviour",
                    "Pattern of behaviour",
                    "The behaviour is repeated by the same person.",
                    props={INDICATES[0]: True},
                ),
                C(
                    "mutual-disagreement",
                    "Mutual disagreement",
                    "The disagreement is mutual, with neither person dominating.",
                    props={INDICATES[0]: False},
                ),
                C("no-fear", "No fear", "Neither person is afraid of the other.", props={INDICATES[0]: False}),
                C(
                    "no-power-imbalance",
                    "No power imbalance",
                    "There is no imbalance of power between the two people.",
                    props={INDICATES[0]: False},
                ),
            ],
            properties=[INDICATES],
        ),
        CS(
            "personally-connected",
            "PersonallyConnected",
            "Personal connection",
            "How two people are personally connected, following Domestic Abuse Act 2021 s2(1)(a)-(g) and the "
            "parental relationship of s2(2); 'relative' is refined with the relatives of Family Law Act 1996 s63(1); "
            "and 'same household' adds the Welsh 'associated' limb (VAWDASV (Wales) Act 2015 s24). Codes state what "
            "person B is to person A; s2 says 'are, or have been', and the current status is in relationship episodes.",
            [
                C(
                    "married",
                    "Married",
                    "They are, or have been, married to each other (s2(1)(a)).",
                    props={lb: "DA Act 2021 s2(1)(a)"},
                ),
                C(
                    "civil-partners",
                    "Civil partners",
                    "They are, or have been, civil partners of each other (s2(1)(b)).",
                    props={lb: "DA Act 2021 s2(1)(b)"},
                ),
                C(
                    "agreed-to-marry",
                    "Agreed to marry",
                    "They have agreed to marry one another, whether or not the agreement has been terminated (s2(1)(c)).",
                    props={lb: "DA Act 2021 s2(1)(c)"},
                ),
                C(
                    "civil-partnership-agreement",
                    "Civil partnership agreement",
                    "They have entered into a civil partnership agreement, whether or not it has been terminated (s2(1)(d)).",
                    props={lb: "DA Act 2021 s2(1)(d)"},
                ),
                C(
                    "intimate-relationship",
                    "Intimate personal relationship",
                    "They are, or have been, in an intimate personal relationship with each other (s2(1)(e)).",
                    props={lb: "DA Act 2021 s2(1)(e)"},
                ),
                C(
                    "shared-parental-relationship",
                    "Parental relationship to the same child",
                    "They each have, or there has been a time when they each have had, a parental relationship in "
                    "relation to the same child (s2(1)(f)).",
                    props={lb: "DA Act 2021 s2(1)(f)"},
                ),
                C(
                    "relative",
                    "Relative",
                    "They are relatives (s2(1)(g)), as defined in Family Law Act 1996 s63(1), including relatives by "
                    "marriage or civil partnership and of the half blood.",
                    [
                        C(
                            "parent",
                            "Parent",
                            "B is the father or mother of A (a parental relationship, s2(2)).",
                            props={lb: "FLA 1996 s63(1); DA Act 2021 s2(2)"},
                        ),
                        C(
                            "step-parent",
                            "Step-parent",
                            "B is the stepfather or stepmother of A.",
                            props={lb: "FLA 1996 s63(1)"},
                        ),
                        C("child", "Child", "B is the son or daughter of A.", props={lb: "FLA 1996 s63(1)"}),
                        C(
                            "step-child",
                            "Step-child",
                            "B is the stepson or stepdaughter of A.",
                            props={lb: "FLA 1996 s63(1)"},
                        ),
                        C(
                            "grandparent",
                            "Grandparent",
                            "B is the grandmother or grandfather of A.",
                            props={lb: "FLA 1996 s63(1)"},
                        ),
                        C(
                            "grandchild",
                            "Grandchild",
                            "B is the grandson or granddaughter of A.",
                            props={lb: "FLA 1996 s63(1)"},
                        ),
                        C(
                            "sibling",
                            "Sibling",
                            "B is the brother or sister of A (full blood, half blood or by marriage or civil partnership).",
                            props={lb: "FLA 1996 s63(1)"},
                        ),
                        C(
                            "aunt-or-uncle",
                            "Aunt or uncle",
                            "B is the aunt or uncle of A.",
                            props={lb: "FLA 1996 s63(1)"},
                        ),
                        C(
                            "niece-or-nephew",
                            "Niece or nephew",
                            "B is the niece or nephew of A.",
                            props={lb: "FLA 1996 s63(1)"},
                        ),
                        C("first-cousin", "First cousin", "B is a first cousin of A.", props={lb: "FLA 1996 s63(1)"}),
                    ],
                    props={lb: "DA Act 2021 s2(1)(g); FLA 1996 s63(1)"},
                ),
                C(
                    "has-parental-responsibility",
                    "Has parental responsibility",
                    "B has parental responsibility (Children Act 1989 s3) for A, a child: a parental relationship under s2(2).",
                    props={lb: "DA Act 2021 s2(2)"},
                ),
                C(
                    "same-household",
                    "Same household",
                    "They live or have lived in the same household ('associated' persons in Wales, VAWDASV (Wales) Act "
                    "2015 s24). Not a personal connection under the DA Act 2021 on its own.",
                    props={lb: "VAWDASV (Wales) Act 2015 s24"},
                ),
            ],
            properties=[LEGAL],
        ),
        CS(
            "relationship-type",
            "RelationshipType",
            "Relationship type",
            "What person B is to person A in a DARelationship, current or former. Each code carries the Domestic Abuse "
            "Act 2021 s2 personal connection it establishes (property connection, a code of personally-connected), "
            "so whether two people are personally connected can be derived.",
            [
                C("spouse", "Spouse", "B is A's husband or wife.", props={"connection": "married"}),
                C("former-spouse", "Former spouse", "B was A's husband or wife.", props={"connection": "married"}),
                C("civil-partner", "Civil partner", "B is A's civil partner.", props={"connection": "civil-partners"}),
                C(
                    "former-civil-partner",
                    "Former civil partner",
                    "B was A's civil partner.",
                    props={"connection": "civil-partners"},
                ),
                C(
                    "engaged",
                    "Engaged",
                    "B and A have agreed to marry or entered a civil partnership agreement, whether or not it has ended.",
                    props={"connection": "agreed-to-marry"},
                ),
                C(
                    "intimate-partner",
                    "Intimate partner",
                    "B is in an intimate personal relationship with A.",
                    props={"connection": "intimate-relationship"},
                ),
                C(
                    "former-intimate-partner",
                    "Former intimate partner",
                    "B was in an intimate personal relationship with A.",
                    props={"connection": "intimate-relationship"},
                ),
                C(
                    "co-parent",
                    "Co-parent",
                    "B and A each have, or have had, a parental relationship to the same child.",
                    props={"connection": "shared-parental-relationship"},
                ),
                C("parent", "Parent", "B is A's father or mother.", props={"connection": "parent"}),
                C(
                    "step-parent",
                    "Step-parent",
                    "B is A's stepfather or stepmother.",
                    props={"connection": "step-parent"},
                ),
                C("child", "Child", "B is A's son or daughter.", props={"connection": "child"}),
                C("step-child", "Step-child", "B is A's stepson or stepdaughter.", props={"connection": "step-child"}),
                C(
                    "sibling",
                    "Sibling",
                    "B is A's brother or sister (full blood, half blood or by marriage).",
                    props={"connection": "sibling"},
                ),
                C("grandparent", "Grandparent", "B is A's grandparent.", props={"connection": "grandparent"}),
                C("grandchild", "Grandchild", "B is A's grandchild.", props={"connection": "grandchild"}),
                C(
                    "other-relative",
                    "Other relative",
                    "B is another relative of A within Family Law Act 1996 s63(1).",
                    props={"connection": "relative"},
                ),
                C(
                    "has-parental-responsibility",
                    "Has parental responsibility",
                    "B has parental responsibility for A, a child, without being A's parent.",
                    props={"connection": "has-parental-responsibility"},
                ),
                C(
                    "household-member",
                    "Household member",
                    "B lives or has lived in the same household as A, with no other connection.",
                    props={"connection": "same-household"},
                ),
                C(
                    "not-connected",
                    "Not personally connected",
                    "B is not personally connected to A (for example a friend or neighbour).",
                ),
            ],
            properties=[
                ("connection", "code", "The personally-connected code (DA Act 2021 s2) this relationship establishes.")
            ],
        ),
        CS(
            "relationship-status",
            "RelationshipStatus",
            "Relationship status",
            "The status of a relationship during one dated episode. Separations and reconciliations are recorded as "
            "successive episodes so the history is kept (learning points L17, L18).",
            [
                C("together", "Together", "The two people are in the relationship, whether or not they live together."),
                C("separated", "Separated", "The relationship has ended or one person has left it."),
                C("reconciled", "Reconciled", "The two people have resumed the relationship after a separation."),
                C("not-known", "Not known", "The current status of the relationship is not known."),
            ],
        ),
        CS(
            "risk-tool",
            "RiskTool",
            "Risk assessment tool",
            "Domestic abuse risk assessment tools used in the UK. Only the tool, its version and question numbers are "
            "recorded; the licensed question wording is never copied.",
            [
                C(
                    "safelives-ric-24",
                    "SafeLives Dash risk identification checklist",
                    "The SafeLives Dash risk identification checklist used by partner agencies and Idvas (24 questions).",
                ),
                C(
                    "police-dash-2009",
                    "ACPO DASH 2009",
                    "The ACPO DASH (2009) risk model used by police (27 questions).",
                ),
                C(
                    "dara",
                    "DARA",
                    "The College of Policing Domestic Abuse Risk Assessment used by police first responders (launched November 2022).",
                ),
                C("daq", "Police Scotland DAQ", "The Police Scotland domestic abuse questions (26 questions)."),
                C(
                    "young-peoples-ric",
                    "SafeLives young people's Dash RIC",
                    "The SafeLives Dash risk identification checklist for young people aged 13 to 17.",
                ),
                C("s-dash", "S-DASH", "The stalking and harassment supplement to DASH (11 questions)."),
                C("other", "Other tool", "Another risk assessment tool, named in text."),
            ],
        ),
        CS(
            "risk-answer",
            "RiskAnswer",
            "Risk checklist answer",
            "The answer recorded for one question of a risk checklist.",
            [
                C("yes", "Yes", "The answer is yes."),
                C("no", "No", "The answer is no."),
                C("not-known", "Not known", "The question was asked and the answer is not known."),
                C("not-asked", "Not asked", "The question was not asked."),
            ],
        ),
        CS(
            "marac-criterion",
            "MaracCriterion",
            "MARAC referral criterion",
            "The four SafeLives criteria for referral to a multi-agency risk assessment conference (MARAC).",
            [
                C(
                    "visible-high-risk",
                    "Visible high risk",
                    "An actuarial assessment: 14 or more 'yes' answers on the Dash risk identification checklist.",
                ),
                C(
                    "professional-judgement",
                    "Professional judgement",
                    "A practitioner's judgement of serious risk, informed by but not limited to the checklist; the reasons are recorded.",
                ),
                C(
                    "potential-escalation",
                    "Potential escalation",
                    "Escalation in the frequency or severity of abuse (SafeLives suggests three incidents in 12 months).",
                ),
                C(
                    "repeat",
                    "Repeat",
                    "Any instance of abuse between the same victim and person causing harm within 12 months of the last MARAC referral.",
                ),
            ],
        ),
        CS(
            "sharing-basis",
            "SharingBasis",
            "Basis for sharing information",
            "The basis on which information was shared between agencies or with a MARAC.",
            [
                C("consent", "Consent", "The person the information is about consented to the sharing."),
                C(
                    "without-consent-risk-of-harm",
                    "Without consent: risk of harm",
                    "Shared without consent because of a risk of serious harm to the person or others.",
                ),
                C(
                    "without-consent-legal-duty",
                    "Without consent: legal duty",
                    "Shared without consent because a statutory duty or a court order requires it (for example the "
                    "police notification of a child's school under DA Act 2021 s49A).",
                ),
                C("other-lawful-basis", "Other lawful basis", "Shared on another lawful basis, named in text."),
            ],
        ),
        CS(
            "plan-type",
            "PlanType",
            "Plan type",
            "Kinds of plan made for a victim or a child.",
            [
                C("safety-plan", "Safety plan", "A safety plan agreed with a victim or child."),
                C(
                    "child-protection-plan",
                    "Child protection plan",
                    "A child protection plan made after an initial child protection conference.",
                ),
                C("cin-plan", "Child in need plan", "A plan for a child in need (Children Act 1989 s17)."),
                C("marac-action-plan", "MARAC action plan", "The actions agreed at a MARAC."),
                C("early-help-plan", "Early help plan", "An early help plan."),
            ],
        ),
        CS(
            "plan-action",
            "PlanAction",
            "Plan action",
            "Kinds of action in a plan. Every action also names whom it is directed at (learning point L06).",
            [
                C(
                    "engage-person-causing-harm",
                    "Engage the person causing harm",
                    "Work with the person causing harm to change or account for their behaviour.",
                ),
                C(
                    "refer-perpetrator-programme",
                    "Refer to perpetrator programme",
                    "Refer the person causing harm to a perpetrator programme.",
                ),
                C(
                    "criminal-justice-action",
                    "Criminal justice action",
                    "Police or criminal justice action against the person causing harm.",
                ),
                C("protective-order", "Seek protective order", "Seek a civil or criminal protective order."),
                C(
                    "refer-specialist-service",
                    "Refer to specialist service",
                    "Refer to a specialist domestic abuse service (for example an Idva or a children's service).",
                ),
                C(
                    "direct-work-with-child",
                    "Direct work with the child",
                    "Direct work with the child, including hearing the child's views.",
                ),
                C("school-support", "School support", "Support for the child at school or nursery."),
                C("health-referral", "Health referral", "Refer to a health service."),
                C("housing-support", "Housing support", "Housing or safe accommodation support."),
                C("safety-measures", "Safety measures", "Practical safety measures for the home or person."),
                C("monitor-contact", "Monitor contact", "Monitor or supervise the child's contact with an adult."),
                C("risk-assessment", "Risk assessment", "Complete or review a risk assessment."),
                C("share-information", "Share information", "Share information with another agency."),
                C("other", "Other action", "Another action, described in text."),
            ],
        ),
        CS(
            "risk-factor",
            "RiskFactor",
            "Risk factor",
            "Dated triggers and risk factors in one person's life that case reviews associate with escalating risk "
            "(NSPCC 2020; learning points L17, L22, L26).",
            [
                C("separation", "Separation", "The relationship broke down or one person left."),
                C(
                    "post-separation-contact-dispute",
                    "Post-separation contact dispute",
                    "A dispute about contact with the children after separation.",
                ),
                C("job-loss", "Job loss", "The person lost their job."),
                C("financial-difficulty", "Financial difficulty", "The person has serious financial difficulties."),
                C("injury", "Injury", "The person was injured."),
                C("physical-ill-health", "Physical ill health", "The person has physical ill health."),
                C("mental-ill-health", "Mental ill health", "The person has mental ill health."),
                C("alcohol-misuse", "Alcohol misuse", "The person misuses alcohol."),
                C("drug-misuse", "Drug misuse", "The person misuses drugs."),
                C(
                    "suicidal-thoughts",
                    "Suicidal thoughts",
                    "The person has expressed suicidal thoughts or threatened suicide.",
                ),
                C("self-harm", "Self-harm", "The person has harmed themselves."),
                C("stopped-medication", "Stopped medication", "The person stopped taking prescribed medication."),
                C("stopped-engaging", "Stopped engaging", "The person stopped engaging with a service."),
                C("pregnancy", "Pregnancy", "A pregnancy in the household."),
                C("birth", "Birth", "A birth in the household."),
                C("new-partner", "New partner", "A new partner joined the household or the person's life."),
                C(
                    "isolation-from-wider-family",
                    "Isolation from wider family",
                    "The person is being isolated from their wider family.",
                ),
                C("no-wider-family-contact", "No wider family contact", "The person has no contact with wider family."),
                C(
                    "wider-family-contact",
                    "Wider family contact",
                    "The person has regular contact with wider family (recorded so that its absence is visible).",
                ),
            ],
        ),
        CS(
            "offending-history",
            "OffendingHistory",
            "Offending history",
            "Kinds of known prior violence or offending by an adult (learning point L21).",
            [
                C(
                    "violence-against-partner",
                    "Violence against a partner",
                    "Violence against a current or former partner.",
                ),
                C("violence-against-child", "Violence against a child", "Violence against a child."),
                C("violence-other", "Other violence", "Violence against another person."),
                C("sexual-offence", "Sexual offence", "A sexual offence."),
                C("stalking-harassment", "Stalking or harassment", "Stalking or harassment."),
                C("breach-of-order", "Breach of order", "A breach of bail, an injunction or a protective order."),
                C("no-known-history", "No known history", "Checks found no known history of violence or offending."),
            ],
        ),
        CS(
            "history-check-type",
            "HistoryCheckType",
            "History check type",
            "Kinds of check about an adult's history. DDVDS is the Domestic Violence Disclosure Scheme (Clare's Law), "
            "statutory since the DA Act 2021.",
            [
                C(
                    "ddvds-right-to-ask",
                    "DVDS right to ask",
                    "A request by a person (or a third party) under the disclosure scheme's right to ask.",
                ),
                C(
                    "ddvds-right-to-know",
                    "DVDS right to know",
                    "A proactive disclosure by the police under the disclosure scheme's right to know.",
                ),
                C("police-records-check", "Police records check", "A check of police records."),
                C(
                    "children-social-care-records-check",
                    "Children's social care records check",
                    "A check of children's social care records.",
                ),
            ],
        ),
        CS(
            "history-check-outcome",
            "HistoryCheckOutcome",
            "History check outcome",
            "The outcome of a history check.",
            [
                C("history-disclosed", "History disclosed", "Relevant history was found and disclosed."),
                C("no-relevant-history", "No relevant history", "No relevant history was found."),
                C("pending", "Pending", "The check has not yet been completed."),
                C("declined", "Declined", "The request was declined."),
            ],
        ),
        CS(
            "court-order",
            "CourtOrder",
            "Court order",
            "Court orders that govern a child's contact with an adult or protect a victim.",
            [
                C("none", "No order", "No court order applies."),
                C(
                    "child-arrangements-order",
                    "Child arrangements order",
                    "A child arrangements order (Children Act 1989 s8).",
                ),
                C(
                    "prohibited-steps-order",
                    "Prohibited steps order",
                    "A prohibited steps order (Children Act 1989 s8).",
                ),
                C("specific-issue-order", "Specific issue order", "A specific issue order (Children Act 1989 s8)."),
                C(
                    "non-molestation-order",
                    "Non-molestation order",
                    "A non-molestation order (Family Law Act 1996 s42).",
                ),
                C("occupation-order", "Occupation order", "An occupation order (Family Law Act 1996 Part 4)."),
                C("restraining-order", "Restraining order", "A restraining order made in criminal proceedings."),
                C("other", "Other order", "Another order, named in text."),
            ],
        ),
        CS(
            "contact-type",
            "ContactType",
            "Contact arrangement type",
            "Kinds of contact between a child and an adult.",
            [
                C("overnight", "Overnight", "Contact including overnight stays."),
                C("day", "Day", "Daytime contact without overnight stays."),
                C("indirect", "Indirect", "Indirect contact only (letters, calls, video)."),
                C("none", "None", "No contact."),
            ],
        ),
        CS(
            "protective-capacity",
            "ProtectiveCapacity",
            "Protective capacity",
            "An adult's assessed capacity to protect a child (learning point L15).",
            [
                C("good", "Good", "The adult is able and willing to protect the child."),
                C("some", "Some", "The adult has some capacity to protect the child."),
                C("limited", "Limited", "The adult's capacity to protect the child is limited."),
                C("none-identified", "None identified", "No capacity to protect the child was identified."),
                C("not-assessed", "Not assessed", "The adult's protective capacity has not been assessed."),
            ],
        ),
        CS(
            "adult-role",
            "AdultRole",
            "Adult's role in a child's life",
            "The role of a significant adult in a child's life, whether or not the adult lives with the child "
            "(learning point L15).",
            [
                C("birth-parent", "Birth parent", "A birth parent of the child."),
                C("step-parent", "Step-parent", "A step-parent of the child."),
                C(
                    "partner-of-parent",
                    "Partner of a parent",
                    "A current partner of one of the child's parents, living in the household.",
                ),
                C(
                    "non-resident-partner",
                    "Non-resident partner of a parent",
                    "A current partner of one of the child's parents, not living in the household.",
                ),
                C(
                    "ex-partner-of-parent",
                    "Former partner of a parent",
                    "A former partner of one of the child's parents.",
                ),
                C("kinship-carer", "Kinship carer", "A relative or friend who cares for the child."),
                C("other-household-adult", "Other household adult", "Another adult living in the child's household."),
                C(
                    "other-significant-adult",
                    "Other significant adult",
                    "Another adult significant in the child's life.",
                ),
            ],
        ),
        CS(
            "service-type",
            "ServiceType",
            "Service type",
            "Kinds of service a victim, child or person causing harm may be engaged with. The specialist property marks "
            "specialist domestic abuse services (learning point L10); childFocused marks services for the child (L08).",
            [
                C(
                    "idva",
                    "Idva service",
                    "An independent domestic violence adviser service.",
                    props={SPECIALIST[0]: True, CHILD_FOCUSED[0]: False},
                ),
                C(
                    "childrens-da-service",
                    "Children's domestic abuse service",
                    "A specialist domestic abuse service for children and young people.",
                    props={SPECIALIST[0]: True, CHILD_FOCUSED[0]: True},
                ),
                C(
                    "by-and-for-service",
                    "By-and-for service",
                    "A specialist service run by and for black and minoritised, Deaf and disabled or LGBT+ victims.",
                    props={SPECIALIST[0]: True, CHILD_FOCUSED[0]: False},
                ),
                C(
                    "refuge",
                    "Refuge",
                    "Refuge or other safe accommodation.",
                    props={SPECIALIST[0]: True, CHILD_FOCUSED[0]: False},
                ),
                C(
                    "perpetrator-programme",
                    "Perpetrator programme",
                    "A programme for people causing harm.",
                    props={SPECIALIST[0]: True, CHILD_FOCUSED[0]: False},
                ),
                C(
                    "childrens-social-care",
                    "Children's social care",
                    "Local authority children's social care.",
                    props={SPECIALIST[0]: False, CHILD_FOCUSED[0]: True},
                ),
                C(
                    "early-help",
                    "Early help",
                    "An early help service.",
                    props={SPECIALIST[0]: False, CHILD_FOCUSED[0]: True},
                ),
                C(
                    "camhs",
                    "CAMHS",
                    "Child and adolescent mental health services.",
                    props={SPECIALIST[0]: False, CHILD_FOCUSED[0]: True},
                ),
                C(
                    "health-visiting",
                    "Health visiting",
                    "A health visiting service.",
                    props={SPECIALIST[0]: False, CHILD_FOCUSED[0]: True},
                ),
                C(
                    "school-nursing",
                    "School nursing",
                    "A school nursing service.",
                    props={SPECIALIST[0]: False, CHILD_FOCUSED[0]: True},
                ),
                C(
                    "marac",
                    "MARAC",
                    "A multi-agency risk assessment conference.",
                    props={SPECIALIST[0]: True, CHILD_FOCUSED[0]: False},
                ),
                C(
                    "mash",
                    "MASH",
                    "A multi-agency safeguarding hub.",
                    props={SPECIALIST[0]: False, CHILD_FOCUSED[0]: False},
                ),
                C(
                    "probation",
                    "Probation",
                    "The probation service.",
                    props={SPECIALIST[0]: False, CHILD_FOCUSED[0]: False},
                ),
                C(
                    "adult-mental-health",
                    "Adult mental health",
                    "An adult mental health service.",
                    props={SPECIALIST[0]: False, CHILD_FOCUSED[0]: False},
                ),
                C(
                    "substance-misuse",
                    "Substance misuse service",
                    "A drug or alcohol service.",
                    props={SPECIALIST[0]: False, CHILD_FOCUSED[0]: False},
                ),
                C("housing", "Housing", "A housing service.", props={SPECIALIST[0]: False, CHILD_FOCUSED[0]: False}),
                C(
                    "other",
                    "Other service",
                    "Another service, named in text.",
                    props={SPECIALIST[0]: False, CHILD_FOCUSED[0]: False},
                ),
            ],
            properties=[SPECIALIST, CHILD_FOCUSED],
        ),
        CS(
            "offer-outcome",
            "OfferOutcome",
            "Offer outcome",
            "What happened when a service was offered (learning point L08).",
            [
                C("accepted", "Accepted", "The offer of the service was accepted."),
                C("declined", "Declined", "The offer of the service was declined."),
                C("not-offered", "Not offered", "The service was not offered."),
            ],
        ),
        CS(
            "service-end-reason",
            "ServiceEndReason",
            "Service end reason",
            "Why a service episode ended (learning point L12).",
            [
                C("goals-achieved", "Goals achieved", "The goals of the service were achieved."),
                C(
                    "risk-reduced",
                    "Risk reduced",
                    "The assessed risk reduced so that the service was no longer needed.",
                ),
                C("disengaged", "Disengaged", "The person stopped engaging with the service."),
                C("declined-further-support", "Declined further support", "The person declined further support."),
                C("moved-out-of-area", "Moved out of area", "The person moved out of the service's area."),
                C("transferred", "Transferred", "The case was transferred to another service."),
                C("stepped-down", "Stepped down", "The case was stepped down to a lower-level service."),
                C("time-limit-reached", "Time limit reached", "The service's time-limited offer ended."),
                C("other", "Other reason", "Another reason, described in text."),
            ],
        ),
        CS(
            "agency-type",
            "AgencyType",
            "Agency type",
            "Kinds of agency that hold or share domestic abuse records about children.",
            [
                C("police", "Police", "A police force."),
                C("childrens-social-care", "Children's social care", "Local authority children's social care."),
                C("health", "Health", "A health organisation (GP, hospital, community health)."),
                C("school", "School", "A school or other educational establishment."),
                C("early-years", "Early years", "An early years setting."),
                C("marac", "MARAC", "A multi-agency risk assessment conference.", props={SPECIALIST[0]: True}),
                C(
                    "idva-service",
                    "Idva service",
                    "An independent domestic violence adviser service.",
                    props={SPECIALIST[0]: True},
                ),
                C(
                    "childrens-da-service",
                    "Children's domestic abuse service",
                    "A specialist domestic abuse service for children.",
                    props={SPECIALIST[0]: True},
                ),
                C(
                    "by-and-for-service",
                    "By-and-for service",
                    "A specialist by-and-for domestic abuse service.",
                    props={SPECIALIST[0]: True},
                ),
                C("refuge", "Refuge", "A refuge provider.", props={SPECIALIST[0]: True}),
                C("housing", "Housing", "A housing provider or local authority housing service."),
                C("probation", "Probation", "The probation service."),
                C(
                    "cafcass",
                    "Cafcass",
                    "The Children and Family Court Advisory and Support Service (Cafcass Cymru in Wales).",
                ),
                C("other", "Other", "Another agency, named in text."),
            ],
            properties=[SPECIALIST],
        ),
        CS(
            "fact-source",
            "FactSource",
            "Source of a fact",
            "How a recorded fact is known (learning point L25).",
            [
                C("self-reported", "Self-reported", "Reported by the person the fact is about; the person is named."),
                C(
                    "reported-by-other",
                    "Reported by another person",
                    "Reported by another person, such as a parent or partner; the person is named.",
                ),
                C("observed", "Observed", "Observed directly by a practitioner."),
                C(
                    "verified-by-agency",
                    "Verified by an agency",
                    "Verified by an agency from its own records or documents; the agency is named.",
                ),
                C("record-check", "Record check", "Found in a check of records."),
                C("derived", "Derived", "Derived or calculated from other recorded facts."),
            ],
        ),
        CS(
            "disclosure-response",
            "DisclosureResponse",
            "Response to a disclosure",
            "The response made to a disclosure of abuse (learning point L19). An unanswered disclosure has no response.",
            [
                C(
                    "acknowledged-and-listened",
                    "Acknowledged and listened",
                    "The practitioner acknowledged the disclosure and recorded the person's words.",
                ),
                C("safety-planning", "Safety planning", "Safety planning was started."),
                C(
                    "referral-childrens-social-care",
                    "Referred to children's social care",
                    "A referral was made to children's social care or the MASH.",
                ),
                C(
                    "referral-specialist-service",
                    "Referred to a specialist service",
                    "A referral was made to a specialist domestic abuse service.",
                ),
                C("reported-to-police", "Reported to police", "The disclosure was reported to the police."),
                C("risk-assessment", "Risk assessment", "A risk assessment was completed."),
                C("shared-with-agency", "Shared with another agency", "The disclosure was shared with another agency."),
                C("advice-given", "Advice given", "Advice or information was given."),
                C("no-action", "No action", "No action was taken; the reason is recorded."),
            ],
        ),
        CS(
            "membership-change-reason",
            "MembershipChangeReason",
            "Household membership change reason",
            "Why a person joined or left a household (learning point L16).",
            [
                C("fled-abuse", "Left to escape abuse", "The person left to escape abuse."),
                C("moved-to-refuge", "Moved to refuge", "The person moved to a refuge or other safe accommodation."),
                C(
                    "excluded-by-order",
                    "Excluded by order",
                    "The person was excluded from the home by a court order or bail conditions.",
                ),
                C("separation", "Separation", "The person left because the relationship ended."),
                C("reconciliation", "Reconciliation", "The person returned because the relationship resumed."),
                C("new-partner", "New partner moved in", "The person joined as a new partner of a household member."),
                C(
                    "placed-by-local-authority",
                    "Placed by the local authority",
                    "A child was placed away from the household by the local authority.",
                ),
                C(
                    "arrangement-change",
                    "Care arrangement change",
                    "A child's care arrangements changed (for example to live with the other parent).",
                ),
                C("birth", "Birth", "A child was born into the household."),
                C("death", "Death", "The person died."),
                C("other", "Other", "Another reason, described in text."),
            ],
        ),
        CS(
            "children-in-contact",
            "ChildrenInContact",
            "Children in contact with an adult",
            "Whether an adult lives with or has contact with children (learning point L23).",
            [
                C("lives-with-children", "Lives with children", "The adult lives with one or more children."),
                C(
                    "contact-with-children",
                    "Contact with children",
                    "The adult does not live with children but has contact with one or more children.",
                ),
                C("no-children", "No children", "The adult neither lives with nor has contact with children."),
                C(
                    "not-known",
                    "Not known",
                    "It has not been established whether the adult lives with or has contact with children.",
                ),
            ],
        ),
        CS(
            "pregnancy-status",
            "PregnancyStatus",
            "Pregnancy status",
            "A person's pregnancy status (learning point L20). 'Recently given birth' follows the DASH checklist "
            "question on a baby born in the past 18 months.",
            [
                C("pregnant", "Pregnant", "The person is pregnant."),
                C("recently-given-birth", "Recently given birth", "The person has given birth in the past 18 months."),
                C("not-pregnant", "Not pregnant", "The person is not pregnant and has not recently given birth."),
            ],
        ),
        CS(
            "sex",
            "Sex",
            "Sex",
            "A person's sex: biological sex, as the words 'sex', 'man' and 'woman' are used in the Equality Act 2010 s11 "
            "as interpreted in For Women Scotland Ltd v The Scottish Ministers [2025] UKSC 16. It is recorded apart from "
            "administrative gender and gender identity. The codes follow the DfE children in need census Sex item "
            "(M, F, U) from 2024-25.",
            [
                C("M", "Male", "Male: a person of the male sex (Equality Act 2010 s11; FWS [2025] UKSC 16)."),
                C("F", "Female", "Female: a person of the female sex (Equality Act 2010 s11; FWS [2025] UKSC 16)."),
                C(
                    "U",
                    "Not yet determined",
                    "Sex not yet determined, including an unborn child. Not used for a person whose sex is simply not recorded: that is stated with data-absent-reason.",
                ),
            ],
        ),
        CS(
            "civil-partnership-status",
            "CivilPartnershipStatus",
            "Civil partnership status",
            "Civil partnership states, for which HL7 v3 MaritalStatus has no codes (Equality Act 2010 s8 protects "
            "marriage and civil partnership alike; Civil Partnership Act 2004).",
            [
                C("civil-partner", "Civil partner", "The person is in a civil partnership."),
                C("former-civil-partner", "Former civil partner", "The person's civil partnership has been dissolved."),
                C("surviving-civil-partner", "Surviving civil partner", "The person's civil partner has died."),
            ],
            value_set=False,
        ),
        CS(
            "ethnicity-ons-2021",
            "EthnicityOns2021",
            "Ethnic group (ONS Census 2021)",
            "The 19 tick-box ethnic group categories of the ONS Census 2021 for England and Wales (variable "
            "ethnic_group_tb, without -8 'Does not apply'). Source: ONS Census 2021 dictionary, 'Ethnic group' "
            "(https://www.ons.gov.uk/census/census2021dictionary/variablesbytopic/ethnicgroupnationalidentitylanguageandreligionvariablescensus2021/ethnicgroup). "
            "On the Welsh questionnaire the labels add 'Black Welsh' and 'Asian Welsh'.",
            [
                C(
                    "1",
                    "Asian, Asian British or Asian Welsh: Bangladeshi",
                    "Asian, Asian British or Asian Welsh: Bangladeshi.",
                ),
                C("2", "Asian, Asian British or Asian Welsh: Chinese", "Asian, Asian British or Asian Welsh: Chinese."),
                C("3", "Asian, Asian British or Asian Welsh: Indian", "Asian, Asian British or Asian Welsh: Indian."),
                C(
                    "4",
                    "Asian, Asian British or Asian Welsh: Pakistani",
                    "Asian, Asian British or Asian Welsh: Pakistani.",
                ),
                C(
                    "5",
                    "Asian, Asian British or Asian Welsh: Other Asian",
                    "Asian, Asian British or Asian Welsh: any other Asian background.",
                ),
                C(
                    "6",
                    "Black, Black British, Black Welsh, Caribbean or African: African",
                    "Black, Black British, Black Welsh, Caribbean or African: African.",
                ),
                C(
                    "7",
                    "Black, Black British, Black Welsh, Caribbean or African: Caribbean",
                    "Black, Black British, Black Welsh, Caribbean or African: Caribbean.",
                ),
                C(
                    "8",
                    "Black, Black British, Black Welsh, Caribbean or African: Other Black",
                    "Black, Black British, Black Welsh, Caribbean or African: any other Black background.",
                ),
                C(
                    "9",
                    "Mixed or Multiple ethnic groups: White and Asian",
                    "Mixed or Multiple ethnic groups: White and Asian.",
                ),
                C(
                    "10",
                    "Mixed or Multiple ethnic groups: White and Black African",
                    "Mixed or Multiple ethnic groups: White and Black African.",
                ),
                C(
                    "11",
                    "Mixed or Multiple ethnic groups: White and Black Caribbean",
                    "Mixed or Multiple ethnic groups: White and Black Caribbean.",
                ),
                C(
                    "12",
                    "Mixed or Multiple ethnic groups: Other Mixed or Multiple ethnic groups",
                    "Mixed or Multiple ethnic groups: any other Mixed or Multiple background.",
                ),
                C(
                    "13",
                    "White: English, Welsh, Scottish, Northern Irish or British",
                    "White: English, Welsh, Scottish, Northern Irish or British.",
                ),
                C("14", "White: Irish", "White: Irish."),
                C("15", "White: Gypsy or Irish Traveller", "White: Gypsy or Irish Traveller."),
                C("16", "White: Roma", "White: Roma (new in 2021)."),
                C("17", "White: Other White", "White: any other White background."),
                C("18", "Other ethnic group: Arab", "Other ethnic group: Arab."),
                C("19", "Other ethnic group: Any other ethnic group", "Other ethnic group: any other ethnic group."),
            ],
        ),
        CS(
            "ethnicity-dfe",
            "EthnicityDfe",
            "Ethnicity (DfE)",
            "The 20 ethnicity codes of the DfE children in need census (item N00177) and SSDA903 return. Source: DfE CIN "
            "census schema ethnicitytype, as used by the CIN census validator (rule 4220) and the SSDA903 validator "
            "(rule 103). REFU and NOBT state that ethnicity was refused or not yet obtained.",
            [
                C("WBRI", "White British", "White British."),
                C("WIRI", "White Irish", "White Irish."),
                C("WIRT", "Traveller of Irish heritage", "Traveller of Irish heritage."),
                C("WOTH", "Any other White background", "Any other White background."),
                C("WROM", "Gypsy/Roma", "Gypsy/Roma."),
                C("MWBC", "White and Black Caribbean", "Mixed: White and Black Caribbean."),
                C("MWBA", "White and Black African", "Mixed: White and Black African."),
                C("MWAS", "White and Asian", "Mixed: White and Asian."),
                C("MOTH", "Any other mixed background", "Any other mixed background."),
                C("AIND", "Indian", "Asian: Indian."),
                C("APKN", "Pakistani", "Asian: Pakistani."),
                C("ABAN", "Bangladeshi", "Asian: Bangladeshi."),
                C("AOTH", "Any other Asian background", "Any other Asian background."),
                C("BCRB", "Caribbean", "Black: Caribbean."),
                C("BAFR", "African", "Black: African."),
                C("BOTH", "Any other Black background", "Any other Black background."),
                C("CHNE", "Chinese", "Chinese."),
                C("OOTH", "Any other ethnic group", "Any other ethnic group."),
                C("REFU", "Refused", "The child or parent refused to give the child's ethnicity."),
                C("NOBT", "Information not yet obtained", "The child's ethnicity has not yet been obtained."),
            ],
        ),
        CS(
            "disability",
            "Disability",
            "Disability (DfE)",
            "The disability codes of the DfE children in need census (item N00099), 0..* per child. Source: DfE CIN "
            "census schema disabilitytype (as published with the CIN census validator tooling). NONE may not be "
            "combined with another code.",
            [
                C("NONE", "No disability", "The child has no disability."),
                C("MOB", "Mobility", "Mobility: getting about the house and beyond."),
                C("HAND", "Hand function", "Hand function: using hands to carry out everyday tasks."),
                C("PC", "Personal care", "Personal care, such as eating, washing, going to the toilet or dressing."),
                C("INC", "Incontinence", "Incontinence or bladder and bowel control."),
                C("COMM", "Communication", "Communication: speaking or understanding others."),
                C("LD", "Learning", "Learning: learning or understanding."),
                C("HEAR", "Hearing", "Hearing."),
                C("VIS", "Vision", "Vision."),
                C("BEH", "Behaviour", "Behaviour: a condition leading to behavioural difficulties."),
                C("CON", "Consciousness", "Consciousness: seizures or loss of consciousness."),
                C("AUT", "Autism", "Autism or Asperger syndrome, diagnosed by a qualified medical practitioner."),
                C("DDA", "Other", "Another disability under the Equality Act 2010 definition."),
            ],
            vs_description="A person's disability (Equality Act 2010 s6): DfE children in need census disability codes.",
        ),
        CS(
            "religion-ons-2021",
            "ReligionOns2021",
            "Religion (ONS Census 2021)",
            "The summary religion codes of the ONS Census 2021 for England and Wales. The question is voluntary. "
            "Source: UK Data Service, Census 2021 explainer 'Religion' "
            "(https://ukdataservice.ac.uk/learning-hub/census/census-explainers/religion/).",
            [
                C("1", "No religion", "No religion."),
                C("2", "Christian", "Christian (all denominations)."),
                C("3", "Buddhist", "Buddhist."),
                C("4", "Hindu", "Hindu."),
                C("5", "Jewish", "Jewish."),
                C("6", "Muslim", "Muslim."),
                C("7", "Sikh", "Sikh."),
                C("8", "Other religion", "Any other religion."),
                C("9", "Not stated", "The question was not answered."),
                C("-8", "Does not apply", "The question does not apply."),
            ],
            value_set=False,
        ),
        CS(
            "nhs-gender-identity",
            "NhsGenderIdentity",
            "Gender identity code (NHS Data Dictionary)",
            "NHS Data Dictionary GENDER IDENTITY CODE, used in MHSDS, IAPT and other datasets. Source: "
            "https://archive.datadictionary.nhs.uk/DD%20Release%20November%202024/data_elements/gender_identity_code.html . "
            "It records gender identity, never sex.",
            [
                C("1", "Male (including trans man)", "Male (including trans man)."),
                C("2", "Female (including trans woman)", "Female (including trans woman)."),
                C("3", "Non-binary", "Non-binary."),
                C("4", "Other (not listed)", "Other (not listed)."),
                C("Z", "Not stated", "Not stated (person asked but declined to provide a response)."),
                C("X", "Not known", "Not known (not recorded); the default code."),
            ],
            value_set=False,
        ),
        CS(
            "nhs-sexual-orientation",
            "NhsSexualOrientation",
            "Person stated sexual orientation code (NHS Data Dictionary)",
            "NHS Data Dictionary PERSON STATED SEXUAL ORIENTATION CODE of the Sexual Orientation Monitoring information "
            "standard (SCCI2094/DCB2094, NHS England 2017), for people aged 16 and over. Source: "
            "https://v3.datadictionary.nhs.uk/data_dictionary/attributes/p/person/person_stated_sexual_orientation_code_de.asp .",
            [
                C("1", "Heterosexual or Straight", "Heterosexual or Straight."),
                C("2", "Gay or Lesbian", "Gay or Lesbian."),
                C("3", "Bisexual", "Bisexual."),
                C("4", "Other sexual orientation not listed", "Other sexual orientation not listed."),
                C(
                    "U",
                    "Person asked and does not know or is not sure",
                    "Person asked and does not know or is not sure.",
                ),
                C(
                    "Z",
                    "Not stated (person asked but declined to provide a response)",
                    "Not stated: the person was asked but declined to provide a response.",
                ),
                C("9", "Not known (not recorded)", "Not known (not recorded); used in some datasets."),
            ],
            value_set=False,
        ),
    ]


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


def value_sets(ctx: Context) -> list[JSON]:
    """Value sets that are not simply 'all of one local code system'."""
    return [
        valueset(
            ctx,
            "gender-identity",
            "GenderIdentity",
            "Gender identity",
            "A person's gender identity: NHS Data Dictionary GENDER IDENTITY CODE. The codes Z and X are kept for "
            "sources that use them; the standard's own way to state absence is data-absent-reason.",
            [(ctx.cs("nhs-gender-identity"), None)],
        ),
        valueset(
            ctx,
            "sexual-orientation",
            "SexualOrientation",
            "Sexual orientation",
            "A person's sexual orientation: NHS Data Dictionary PERSON STATED SEXUAL ORIENTATION CODE (SOM).",
            [(ctx.cs("nhs-sexual-orientation"), None)],
        ),
        valueset(
            ctx,
            "religion",
            "Religion",
            "Religion or belief",
            "A person's religion or belief (Equality Act 2010 s10): ONS Census 2021 summary religion codes 1-9. "
            "'Does not apply' (-8) is stated with data-absent-reason not-applicable instead.",
            [(ctx.cs("religion-ons-2021"), [str(i) for i in range(1, 10)])],
        ),
        valueset(
            ctx,
            "marital-status",
            "MaritalStatus",
            "Marriage and civil partnership",
            "A person's marriage or civil partnership status (Equality Act 2010 s8): HL7 v3 MaritalStatus codes plus "
            "the standard's civil partnership codes, which v3 lacks.",
            [(MARITAL_CS, ["M", "S", "D", "L", "W", "T", "A"]), (ctx.cs("civil-partnership-status"), None)],
        ),
        valueset(
            ctx,
            "characteristic-absent-reason",
            "CharacteristicAbsentReason",
            "Characteristic absent reason",
            "Why a protected characteristic (or another expected value) is not recorded. 'not-applicable' is used "
            "where the question does not apply, for example by age.",
            [(DAR_CS, ["not-asked", "asked-declined", "asked-unknown", "unknown", "not-applicable"])],
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


def concept_maps(ctx: Context) -> list[JSON]:
    """Concept maps between ethnicity classifications, stating every loss."""
    nhs = UKCORE_ETHNIC_CS
    dfe = ctx.cs("ethnicity-dfe")
    ons = ctx.cs("ethnicity-ons-2021")
    dfe_nhs_equivalent = {
        "WBRI": "A", "WIRI": "B", "MWBC": "D", "MWBA": "E", "MWAS": "F", "MOTH": "G", "AIND": "H",
        "APKN": "J", "ABAN": "K", "AOTH": "L", "BCRB": "M", "BAFR": "N", "BOTH": "P", "CHNE": "R", "OOTH": "S",
    }  # fmt: skip
    dfe_nhs: list[tuple[str, str | None, str, str | None]] = [
        (src, tgt, "equivalent", None) for src, tgt in dfe_nhs_equivalent.items()
    ]
    dfe_nhs += [
        (
            "WOTH",
            "C",
            "wider",
            "NHS England C also covers Traveller of Irish heritage and Gypsy/Roma, which DfE separates.",
        ),
        (
            "WIRT",
            "C",
            "wider",
            "Lossy: NHS England has no Traveller of Irish heritage category; C 'Any other White background' is wider.",
        ),
        (
            "WROM",
            "C",
            "wider",
            "Lossy: NHS England has no Gypsy/Roma category; C 'Any other White background' is wider.",
        ),
        ("REFU", "Z", "equivalent", "Refused corresponds to 'Not stated' (asked, declined)."),
        (
            "NOBT",
            "99",
            "inexact",
            "'Information not yet obtained' corresponds to the default 'Not known'; NOBT implies it will be sought.",
        ),
    ]
    ons_nhs: list[tuple[str, str | None, str, str | None]] = [
        ("1", "K", "equivalent", None),
        ("2", "R", "equivalent", "Same group; ONS 2021 files Chinese under Asian, NHS England under Other Ethnic Groups."),
        ("3", "H", "equivalent", None), ("4", "J", "equivalent", None), ("5", "L", "equivalent", None),
        ("6", "N", "equivalent", None), ("7", "M", "equivalent", None), ("8", "P", "equivalent", None),
        ("9", "F", "equivalent", None), ("10", "E", "equivalent", None), ("11", "D", "equivalent", None),
        ("12", "G", "equivalent", None), ("13", "A", "equivalent", None), ("14", "B", "equivalent", None),
        ("15", "C", "wider", "Lossy: NHS England has no Gypsy or Irish Traveller category; C is wider."),
        ("16", "C", "wider", "Lossy: NHS England has no Roma category; C is wider."),
        ("17", "C", "wider", "NHS England C also covers Gypsy, Irish Traveller and Roma, which ONS 2021 separates."),
        ("18", "S", "wider", "Lossy: NHS England has no Arab category; S 'Any other ethnic group' is wider."),
        ("19", "S", "wider", "NHS England S also covers Arab, which ONS 2021 separates."),
    ]  # fmt: skip
    dfe_ons: list[tuple[str, str | None, str, str | None]] = [
        ("WBRI", "13", "equivalent", None), ("WIRI", "14", "equivalent", None),
        ("WIRT", "15", "wider", "ONS 'Gypsy or Irish Traveller' is wider than DfE 'Traveller of Irish heritage'."),
        ("WOTH", "17", "equivalent", "Both exclude the Irish, Traveller and Gypsy/Roma groups listed separately."),
        ("WROM", None, "unmatched", "DfE 'Gypsy/Roma' spans ONS 15 (Gypsy or Irish Traveller) and 16 (Roma); choose from the source record."),
        ("MWBC", "11", "equivalent", None), ("MWBA", "10", "equivalent", None), ("MWAS", "9", "equivalent", None),
        ("MOTH", "12", "equivalent", None), ("AIND", "3", "equivalent", None), ("APKN", "4", "equivalent", None),
        ("ABAN", "1", "equivalent", None), ("AOTH", "5", "equivalent", None), ("BCRB", "7", "equivalent", None),
        ("BAFR", "6", "equivalent", None), ("BOTH", "8", "equivalent", None), ("CHNE", "2", "equivalent", None),
        ("OOTH", "19", "narrower", "Lossy: ONS 19 'Any other ethnic group' excludes Arab (18), which DfE OOTH includes."),
        ("REFU", None, "unmatched", "Not an ethnic group: record data-absent-reason asked-declined."),
        ("NOBT", None, "unmatched", "Not an ethnic group: record data-absent-reason not-asked."),
    ]  # fmt: skip
    ons_dfe: list[tuple[str, str | None, str, str | None]] = [
        ("1", "ABAN", "equivalent", None), ("2", "CHNE", "equivalent", None), ("3", "AIND", "equivalent", None),
        ("4", "APKN", "equivalent", None), ("5", "AOTH", "equivalent", None), ("6", "BAFR", "equivalent", None),
        ("7", "BCRB", "equivalent", None), ("8", "BOTH", "equivalent", None), ("9", "MWAS", "equivalent", None),
        ("10", "MWBA", "equivalent", None), ("11", "MWBC", "equivalent", None), ("12", "MOTH", "equivalent", None),
        ("13", "WBRI", "equivalent", None), ("14", "WIRI", "equivalent", None),
        ("15", None, "unmatched", "ONS 'Gypsy or Irish Traveller' spans DfE WIRT (Traveller of Irish heritage) and WROM (Gypsy/Roma); choose from the source record."),
        ("16", "WROM", "wider", "DfE WROM 'Gypsy/Roma' is wider than ONS Roma."),
        ("17", "WOTH", "equivalent", None),
        ("18", "OOTH", "wider", "Lossy: DfE has no Arab category; OOTH is wider."),
        ("19", "OOTH", "wider", "DfE OOTH also covers Arab, which ONS 2021 separates (18)."),
    ]  # fmt: skip
    return [
        conceptmap(
            ctx, "dfe-ethnicity-to-nhs-ethnic-category", "DfeEthnicityToNhsEthnicCategory",
            "DfE ethnicity to NHS England ethnic category",
            "Maps the DfE CIN census ethnicity codes to NHS England ethnic category (UK Core England). Lossy where "
            "NHS England has no category (WIRT, WROM). This is the standard's own map drawn from the labels; it is "
            "not an official DfE or NHS England map.",
            ctx.vs("ethnicity-dfe"), ctx.vs("nhs-ethnic-category"), dfe, nhs, dfe_nhs,
        ),
        conceptmap(
            ctx, "ons-2021-ethnicity-to-nhs-ethnic-category", "Ons2021EthnicityToNhsEthnicCategory",
            "ONS 2021 ethnic group to NHS England ethnic category",
            "Maps the ONS Census 2021 ethnic groups to NHS England ethnic category (the 2001-census 16+1). Lossy for "
            "Gypsy or Irish Traveller, Roma and Arab, which NHS England does not have. Not an official map.",
            ctx.vs("ethnicity-ons-2021"), ctx.vs("nhs-ethnic-category"), ons, nhs, ons_nhs,
        ),
        conceptmap(
            ctx, "dfe-ethnicity-to-ons-2021-ethnicity", "DfeEthnicityToOns2021Ethnicity",
            "DfE ethnicity to ONS 2021 ethnic group",
            "Maps DfE CIN census ethnicity codes to ONS Census 2021 ethnic groups where a mapping exists. Not an "
            "official map.",
            ctx.vs("ethnicity-dfe"), ctx.vs("ethnicity-ons-2021"), dfe, ons, dfe_ons,
        ),
        conceptmap(
            ctx, "ons-2021-ethnicity-to-dfe-ethnicity", "Ons2021EthnicityToDfeEthnicity",
            "ONS 2021 ethnic group to DfE ethnicity",
            "Maps ONS Census 2021 ethnic groups to DfE CIN census ethnicity codes where a mapping exists. Not an "
            "official map.",
            ctx.vs("ethnicity-ons-2021"), ctx.vs("ethnicity-dfe"), ons, dfe, ons_dfe,
        ),
    ]  # fmt: skip


def conceptmap(
    ctx: Context,
    artifact_id: str,
    name: str,
    title: str,
    description: str,
    source_vs: str,
    target_vs: str,
    source_system: str,
    target_system: str,
    rows: Sequence[tuple[str, str | None, str, str | None]],
) -> JSON:
    res = ctx.metadata("ConceptMap", artifact_id, name, title, description)
    res["sourceCanonical"] = source_vs
    res["targetCanonical"] = target_vs
    elements: list[JSON] = []
    for code, target, equivalence, comment in rows:
        tgt: JSON = {"equivalence": equivalence}
        if target is not None:
            tgt = {"code": target, **tgt}
        if comment:
            tgt["comment"] = comment
        elements.append({"code": code, "target": [tgt]})
    res["group"] = [{"source": source_system, "target": target_system, "element": elements}]
    return res


def terminology(ctx: Context) -> list[JSON]:
    """Every CodeSystem, ValueSet and ConceptMap."""
    out: list[JSON] = []
    for cs in local_code_systems():
        out.append(codesystem(ctx, cs))
        if cs.value_set:
            out.append(
                valueset(
                    ctx,
                    cs.id,
                    cs.name,
                    cs.title,
                    cs.vs_description or f"All codes of the {cs.title} code system. {cs.description}",
                    [(ctx.cs(cs.id), None)],
                )
            )
    out.extend(fragments(ctx))
    out.extend(value_sets(ctx))
    out.extend(concept_maps(ctx))
    return out
