"""The named code lists and single codes the safeguarding-practice rules (``DA3xxx``) match on.

Every list is a ValueSet shipped in ``profiles/ValueSet/practice-*.json`` (or, for the status codes of a core
FHIR element, an explicitly declared external code list); single codes are checked against the standard's own
CodeSystems when this module is imported. Rules match on system AND code.
"""

from __future__ import annotations

from typing import Final

from dastandard.model.codes import Code, CodeList, external_codes, own_code, value_set
from dastandard.model.urls import CARE_PLAN_ACTIVITY_STATUS, EPISODE_OF_CARE_STATUS

# --- named lists (ValueSets of the standard) ---------------------------------------------------------------------
PHYSICAL_KINDS: Final[CodeList] = value_set("practice-physical-abuse-kind")
COERCIVE_KINDS: Final[CodeList] = value_set("practice-coercive-abuse-kind")
DA_INDICATORS: Final[CodeList] = value_set("practice-abuse-indicator")
CONTROL_BASIS: Final[CodeList] = value_set("practice-control-basis")
CHILD_VICTIM: Final[CodeList] = value_set("practice-child-victim-status")
SPECIALIST_SERVICES: Final[CodeList] = value_set("practice-specialist-service")
SPECIALIST_AGENCIES: Final[CodeList] = value_set("practice-specialist-agency")
PARTNER_RELATIONSHIPS: Final[CodeList] = value_set("practice-partner-relationship")
NOT_CONNECTED: Final[CodeList] = value_set("practice-not-personally-connected")
SEPARATED: Final[CodeList] = value_set("practice-separation")
NO_DIRECT_CONTACT: Final[CodeList] = value_set("practice-no-direct-contact")
UNKNOWN_PREGNANCY: Final[CodeList] = value_set("practice-pregnancy-unknown-reason")
CHILD_EXPOSED: Final[CodeList] = value_set("practice-child-exposed")
CHILD_AT_SCENE: Final[CodeList] = value_set("practice-child-at-scene")
NOT_ASKED: Final[CodeList] = value_set("practice-not-asked")
NOT_CHILD_SUPPORT: Final[CodeList] = value_set("practice-not-child-support")
OFFER_NOT_TAKEN_UP: Final[CodeList] = value_set("practice-offer-not-taken-up")
HISTORY_CHECK_INCOMPLETE: Final[CodeList] = value_set("practice-history-check-incomplete")
VIOLENT_HISTORY: Final[CodeList] = value_set("practice-violent-history")

# --- external code lists (status codes of core FHIR elements; the element implies the system) ---------------------
CLOSED_EPISODE: Final[CodeList] = external_codes(
    "episode-of-care-closed", EPISODE_OF_CARE_STATUS, "finished", "cancelled"
)
OPEN_EPISODE: Final[CodeList] = external_codes(
    "episode-of-care-open", EPISODE_OF_CARE_STATUS, "active", "planned", "waitlist", "onhold"
)
ACTIVE_EPISODE: Final[CodeList] = external_codes("episode-of-care-active", EPISODE_OF_CARE_STATUS, "active")
VOID_EPISODE: Final[CodeList] = external_codes("episode-of-care-void", EPISODE_OF_CARE_STATUS, "cancelled")
ACTION_DONE: Final[CodeList] = external_codes(
    "care-plan-activity-done", CARE_PLAN_ACTIVITY_STATUS, "completed", "cancelled", "stopped"
)

# --- single codes of the standard's own CodeSystems -----------------------------------------------------------------
PERSON_CAUSING_HARM: Final[Code] = own_code("incident-role", "person-causing-harm")
VICTIM: Final[Code] = own_code("incident-role", "victim")
NOT_A_VICTIM: Final[Code] = own_code("victim-status", "not-a-victim")
PARENTAL_CONFLICT: Final[Code] = own_code("abuse-classification", "parental-conflict")
INJURY_INDICATOR: Final[Code] = own_code("classification-basis", "injury")
CONTROL_INDICATOR: Final[Code] = own_code("classification-basis", "control")
NOT_OFFERED: Final[Code] = own_code("offer-outcome", "not-offered")
NEW_PARTNER: Final[Code] = own_code("risk-factor", "new-partner")
HIGH_RISK: Final[Code] = own_code("risk-level", "high")
MARAC_ACTION_PLAN: Final[Code] = own_code("plan-type", "marac-action-plan")
SAFETY_PLAN: Final[Code] = own_code("plan-type", "safety-plan")
SELF_REPORTED: Final[Code] = own_code("fact-source", "self-reported")
NO_KNOWN_HISTORY: Final[Code] = own_code("offending-history", "no-known-history")
OVERNIGHT_CONTACT: Final[Code] = own_code("contact-type", "overnight")
DAY_CONTACT: Final[Code] = own_code("contact-type", "day")
HISTORY_DISCLOSED: Final[Code] = own_code("history-check-outcome", "history-disclosed")
CONTACT_DISPUTE: Final[Code] = own_code("risk-factor", "post-separation-contact-dispute")
CHILD_PRESENT: Final[Code] = own_code("incident-role", "child-present")
S3_CHILD_VICTIM: Final[Code] = own_code("victim-status", "s3-child-victim")
NOT_ASKED_ANSWER: Final[Code] = own_code("risk-answer", "not-asked")
NO_ACTION_RESPONSE: Final[Code] = own_code("disclosure-response", "no-action")
CHILDREN_NOT_KNOWN: Final[Code] = own_code("children-in-contact", "not-known")
SAFETY_MEASURES_ACTION: Final[Code] = own_code("plan-action", "safety-measures")
TEENAGE_RELATIONSHIP_ABUSE: Final[Code] = own_code("abuse-classification", "teenage-relationship-abuse")
PARENT: Final[Code] = own_code("relationship-type", "parent")
CHILD: Final[Code] = own_code("relationship-type", "child")
PARENT_NOT_ASKED: Final[Code] = own_code("parent-not-recorded-reason", "not-asked")
APPARENT_COMPLIANCE: Final[Code] = own_code("adult-response", "apparent-compliance")
DISGUISED_COMPLIANCE: Final[Code] = own_code("adult-response", "disguised-compliance")
CHILDRENS_SOCIAL_CARE: Final[Code] = own_code("agency-type", "childrens-social-care")
CIN_ASSESSMENT_DECISION: Final[Code] = own_code("front-door-outcome", "child-in-need-assessment")
STRATEGY_DECISION: Final[Code] = own_code("front-door-outcome", "strategy-discussion")
ALREADY_OPEN_DECISION: Final[Code] = own_code("front-door-outcome", "already-open")
NO_NEED_TO_KNOW_RECORDED: Final[Code] = own_code("need-to-know", "none-recorded")
NO_COURT_ORDER: Final[Code] = own_code("court-order", "none")
HOUSING_SUPPORT_ACTION: Final[Code] = own_code("plan-action", "housing-support")
LIMITED_LEAVE: Final[Code] = own_code("immigration-status", "limited-leave")
ASYLUM_SEEKER: Final[Code] = own_code("immigration-status", "asylum-seeker")
NO_LEAVE: Final[Code] = own_code("immigration-status", "no-leave")
INSECURE_IMMIGRATION: Final[frozenset[Code]] = frozenset((LIMITED_LEAVE, ASYLUM_SEEKER, NO_LEAVE))
"""Immigration statuses under which a person may have no recourse to public funds."""
NO_INTERPRETER: Final[Code] = own_code("interpreter", "none")
FAMILY_INTERPRETER: Final[Code] = own_code("interpreter", "family-member")
CHILD_INTERPRETER: Final[Code] = own_code("interpreter", "child")
FRIEND_INTERPRETER: Final[Code] = own_code("interpreter", "friend-or-community")
INFORMAL_INTERPRETERS: Final[frozenset[Code]] = frozenset((FAMILY_INTERPRETER, CHILD_INTERPRETER, FRIEND_INTERPRETER))
"""Interpreters who are not independent: a relative, a child or a friend."""
PROTECTIVE_DECISIONS: Final[frozenset[Code]] = frozenset(
    (CIN_ASSESSMENT_DECISION, STRATEGY_DECISION, ALREADY_OPEN_DECISION)
)

CODE_LISTS: Final[tuple[CodeList, ...]] = (
    PHYSICAL_KINDS,
    COERCIVE_KINDS,
    DA_INDICATORS,
    CONTROL_BASIS,
    CHILD_VICTIM,
    SPECIALIST_SERVICES,
    SPECIALIST_AGENCIES,
    PARTNER_RELATIONSHIPS,
    NOT_CONNECTED,
    SEPARATED,
    NO_DIRECT_CONTACT,
    UNKNOWN_PREGNANCY,
    CHILD_EXPOSED,
    CHILD_AT_SCENE,
    NOT_ASKED,
    NOT_CHILD_SUPPORT,
    OFFER_NOT_TAKEN_UP,
    HISTORY_CHECK_INCOMPLETE,
    VIOLENT_HISTORY,
    CLOSED_EPISODE,
    OPEN_EPISODE,
    ACTIVE_EPISODE,
    VOID_EPISODE,
    ACTION_DONE,
)
"""Every named list the practice rules use."""

SINGLE_CODES: Final[tuple[Code, ...]] = (
    PERSON_CAUSING_HARM,
    VICTIM,
    NOT_A_VICTIM,
    PARENTAL_CONFLICT,
    INJURY_INDICATOR,
    CONTROL_INDICATOR,
    NOT_OFFERED,
    NEW_PARTNER,
    HIGH_RISK,
    MARAC_ACTION_PLAN,
    SAFETY_PLAN,
    SELF_REPORTED,
    NO_KNOWN_HISTORY,
    OVERNIGHT_CONTACT,
    DAY_CONTACT,
    HISTORY_DISCLOSED,
    CONTACT_DISPUTE,
    CHILD_PRESENT,
    S3_CHILD_VICTIM,
    NOT_ASKED_ANSWER,
    NO_ACTION_RESPONSE,
    CHILDREN_NOT_KNOWN,
    SAFETY_MEASURES_ACTION,
    TEENAGE_RELATIONSHIP_ABUSE,
    PARENT,
    CHILD,
    PARENT_NOT_ASKED,
    APPARENT_COMPLIANCE,
    DISGUISED_COMPLIANCE,
    CHILDRENS_SOCIAL_CARE,
    CIN_ASSESSMENT_DECISION,
    STRATEGY_DECISION,
    ALREADY_OPEN_DECISION,
    NO_NEED_TO_KNOW_RECORDED,
    NO_COURT_ORDER,
    HOUSING_SUPPORT_ACTION,
    LIMITED_LEAVE,
    ASYLUM_SEEKER,
    NO_LEAVE,
    NO_INTERPRETER,
    FAMILY_INTERPRETER,
    CHILD_INTERPRETER,
    FRIEND_INTERPRETER,
)
"""Every single code the practice rules use."""
