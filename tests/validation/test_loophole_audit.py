"""Audit of the loopholes issue 13 names: each a shipped example with one change of the kind the reviews describe.

Every case takes one synthetic family from ``examples/cases/`` and makes the change a busy practitioner would make
(free text, a catch-all code, a record that does not bear on the point), written from the issue's loophole list and
the learning points (docs/learning-points.json), not from the rules. The record must raise one of the findings in
``fires``; the clean family must raise no error and not that finding. ``quiet`` cases are the false positives the
issue names: the change must not raise the listed findings.

Paths name list items by their local ``id`` (``/incidents/inc-1/behaviour``) or position; ``-`` appends.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import orjson
import pytest

from dastandard.config import Settings
from dastandard.findings import Finding, Severity
from dastandard.logical import logical_to_bundle
from dastandard.validation.practice import check_record

CASES = Path(__file__).resolve().parents[2] / "examples" / "cases"

_NOT_ASKED = {"absentReason": "not-asked"}


@dataclass(frozen=True)
class Audit:
    name: str
    learning: str
    case: str
    changes: tuple[tuple[str, str, Any], ...]
    fires: frozenset[str] = frozenset()
    quiet: frozenset[str] = field(default_factory=frozenset)
    no_errors: bool = False  # the changed record must raise no error at all (a lawful record of a hard case)


def _case(prefix: str) -> Path:
    (path,) = CASES.glob(f"{prefix}-*.logical.json")
    return path


@cache
def _load(prefix: str) -> bytes:
    return _case(prefix).read_bytes()


def _step(holder: Any, token: str) -> Any:
    if isinstance(holder, list):
        for item in holder:
            if isinstance(item, dict) and item.get("id") == token:
                return item
        return holder[int(token)]
    return holder[token]


def apply(record: Any, changes: tuple[tuple[str, str, Any], ...]) -> Any:
    """``record`` with ``changes`` applied; its ``entryOrder`` (the Bundle order of the shipped file) is dropped
    when items are added or removed, so the writer's own order is used."""
    out = copy.deepcopy(record)
    if any(op != "replace" and path.count("/") == 2 for op, path, _ in changes):
        out.pop("entryOrder", None)
    for op, path, value in changes:
        *parents, last = path.split("/")[1:]
        holder = out
        for token in parents:
            holder = _step(holder, token)
        if isinstance(holder, list):
            if op == "add":
                holder.insert(len(holder) if last == "-" else int(last), value)
            else:
                index = holder.index(_step(holder, last))
                if op == "remove":
                    del holder[index]
                else:
                    holder[index] = value
        elif op == "remove":
            del holder[last]
        else:
            holder[last] = value
    return out


def findings(record: Any) -> list[Finding]:
    return list(check_record(logical_to_bundle(record), settings=Settings(), file="audit.json", record_no=None))


def _all_not_asked() -> tuple[tuple[str, str, Any], ...]:
    base = "/persons/ayesha/"
    return tuple(
        ("add", base + key, value)
        for key, value in (
            ("genderIdentity", _NOT_ASKED),
            ("sexualOrientation", _NOT_ASKED),
            ("ethnicityNhs", _NOT_ASKED),
            ("ethnicityOns2021", _NOT_ASKED),
            ("religion", [_NOT_ASKED]),
            ("disability", [_NOT_ASKED]),
            ("maritalStatus", _NOT_ASKED),
        )
    )


AUDITS: tuple[Audit, ...] = (
    # L01: "DA incident." or "Domestic." as the description of what happened.
    Audit(
        "L01-da-incident",
        "L01",
        "case-04",
        (("replace", "/incidents/inc-1/behaviour", "DA incident."),),
        frozenset({"DA3101"}),
    ),
    Audit(
        "L01-domestic",
        "L01",
        "case-01",
        (("replace", "/incidents/inc-2/behaviour", "Domestic."),),
        frozenset({"DA3101"}),
    ),
    # L02: only physical kinds, and the one risk assessment has every item not asked and a score of 0.
    Audit(
        "L02-empty-risk-assessment",
        "L02",
        "case-01",
        (
            ("replace", "/incidents/inc-1/abuseKinds", ["physical"]),
            ("replace", "/incidents/inc-2/abuseKinds", ["physical"]),
            ("replace", "/abuseClassifications/class-1/basis", ["injury"]),
            ("replace", "/riskAssessments/ric-1/items", [{"question": n, "answer": "not-asked"} for n in range(1, 25)]),
            ("replace", "/riskAssessments/ric-1/score", 0),
        ),
        frozenset({"DA3103"}),
    ),
    # L02: a standard-risk, non-physical incident notified to social care that got no response at all.
    Audit(
        "L02-standard-risk-no-response",
        "L02",
        "case-12",
        (
            ("remove", "/informationSharing/share-2/frontDoorDecision", None),
            ("remove", "/childContacts/contact-amira-2026-05-12", None),
            ("remove", "/childContacts/contact-bilal-2026-05-12", None),
        ),
        frozenset({"DA3705"}),
    ),
    # L03: parental conflict with threats in its own basis; with a thrown object; naming no incident.
    Audit(
        "L03-conflict-with-threats",
        "L03",
        "case-11",
        (("replace", "/abuseClassifications/class-1/basis", ["no-fear", "threats"]),),
        frozenset({"DA3109", "DA3111"}),
    ),
    Audit(
        "L03-conflict-thrown-object",
        "L03",
        "case-11",
        (
            ("add", "/incidents/inc-1/abuseKinds", ["violent-or-threatening"]),
            (
                "replace",
                "/incidents/inc-1/behaviour",
                "Neighbour called police about raised voices. Omar threw a mug at Sana which hit the wall. Both say "
                "it was a one-off argument about money.",
            ),
        ),
        frozenset({"DA3109", "DA3111"}),
    ),
    Audit(
        "L03-conflict-naming-no-incident",
        "L03",
        "case-04",
        (
            (
                "add",
                "/abuseClassifications/-",
                {
                    "id": "class-2",
                    "status": "final",
                    "subject": "home",
                    "effectiveDateTime": "2026-06-01",
                    "classification": "parental-conflict",
                    "basis": ["no-fear"],
                    "notes": ["Parents arguing about the separation; refer to reducing parental conflict."],
                },
            ),
        ),
        frozenset({"DA3109", "DA3111"}),
    ),
    # L04: an incident with no victim party; both adults causing harm with "tit for tat" as the rationale.
    Audit(
        "L04-no-victim",
        "L04",
        "case-01",
        (("replace", "/incidents/inc-1/parties/1/role", "other-party"),),
        frozenset({"DA3110"}),
    ),
    Audit(
        "L04-tit-for-tat",
        "L04",
        "case-01",
        (
            ("replace", "/incidents/inc-1/parties/1/role", "person-causing-harm"),
            ("add", "/incidents/inc-1/parties/1/roleRationale", "tit for tat"),
        ),
        frozenset({"DA3105"}),
    ),
    # L05: not a victim "seemed well; not present" while the incident says the child heard; a status dated before
    # the Act.
    Audit(
        "L05-not-a-victim-seemed-well",
        "L05",
        "case-01",
        (
            ("replace", "/childVictimStatuses/vs-ellie/victimStatus", "not-a-victim"),
            ("remove", "/childVictimStatuses/vs-ellie/basis", None),
            ("remove", "/childVictimStatuses/vs-ellie/relatedTo", None),
            ("add", "/childVictimStatuses/vs-ellie/notVictimReason", "seemed well; not present"),
        ),
        frozenset({"DA3201"}),
    ),
    Audit(
        "L05-status-before-the-act",
        "L05",
        "case-04",
        (("replace", "/childVictimStatuses/vs-zara/effectiveDateTime", "2021-06-01"),),
        frozenset({"DA3201"}),
    ),
    # L05: a child assaulted in the incident whose only plan is a safety plan.
    Audit(
        "L05-child-harmed-safety-plan-only",
        "L05",
        "case-01",
        (
            ("add", "/incidents/inc-2/parties/2/harm", ["physical-abuse"]),
            ("replace", "/plans/plan-1/planType", "safety-plan"),
        ),
        frozenset({"DA3205"}),
    ),
    # L05 false positive: a half-sister who lives with her grandmother is not in this household.
    Audit(
        "L05-child-living-elsewhere-not-flagged",
        "L05",
        "case-04",
        (
            (
                "add",
                "/persons/-",
                {
                    "id": "hana",
                    "name": {"given": ["Hana"], "family": "Khan"},
                    "birthDate": "2011-03-03",
                    "sex": "F",
                    "genderIdentity": _NOT_ASKED,
                    "sexualOrientation": {"absentReason": "not-applicable"},
                    "ethnicityNhs": "J",
                    "religion": ["6"],
                    "disability": ["NONE"],
                    "pregnancy": {"status": {"absentReason": "not-applicable"}},
                    "maritalStatus": {"absentReason": "not-applicable"},
                },
            ),
            (
                "add",
                "/households/-",
                {"id": "grandmother", "name": "Hana's grandmother's home", "members": [{"person": "hana"}]},
            ),
        ),
        quiet=frozenset({"DA3201"}),
    ),
    # L07: the only conversation with the children came before the incidents; "not spoken with: seemed well".
    Audit(
        "L07-only-contact-before-incidents",
        "L07",
        "case-01",
        (
            ("replace", "/childContacts/contact-ellie-2026-07-22/start", "2024-03-01T15:30:00Z"),
            ("replace", "/childContacts/contact-max-2026-07-22/start", "2024-03-01T16:10:00Z"),
        ),
        frozenset({"DA3202"}),
    ),
    Audit(
        "L07-seemed-well",
        "L07",
        "case-01",
        (
            ("replace", "/childContacts/contact-ellie-2026-07-22/voice/spokenWith", False),
            ("replace", "/childContacts/contact-ellie-2026-07-22/voice/seenAlone", False),
            ("remove", "/childContacts/contact-ellie-2026-07-22/voice/words", None),
            ("add", "/childContacts/contact-ellie-2026-07-22/voice/notSpokenWithReason", "Child seemed well."),
        ),
        frozenset({"DA3202"}),
    ),
    # L08: the statutory social care case, or a declined offer, as the child's support.
    Audit(
        "L08-statutory-case-as-support",
        "L08",
        "case-01",
        (("replace", "/serviceEpisodes/svc-cdas-ellie/serviceType", ["childrens-social-care"]),),
        frozenset({"DA3203"}),
    ),
    Audit(
        "L08-declined-offer",
        "L08",
        "case-01",
        (("replace", "/serviceEpisodes/svc-cdas-max/offerOutcome", "declined"),),
        frozenset({"DA3203"}),
    ),
    # L09: every characteristic not asked; pregnancy left out.
    Audit("L09-all-not-asked", "L09", "case-04", _all_not_asked(), frozenset({"DA3301"})),
    Audit(
        "L09-pregnancy-silent",
        "L09",
        "case-04",
        (("remove", "/persons/ayesha/pregnancy", None),),
        frozenset({"DA3301", "DA3302"}),
    ),
    # L06: a MARAC plan with every action on the mother; a safety measure put on a child.
    Audit(
        "L06-marac-plan-on-mother",
        "L06",
        "case-05",
        tuple(("replace", f"/plans/plan-1/activities/{n}/directedAt", ["sophie"]) for n in range(6)),
        frozenset({"DA3601"}),
    ),
    Audit(
        "L06-safety-on-child",
        "L06",
        "case-04",
        (
            (
                "add",
                "/plans/plan-1/activities/-",
                {
                    "directedAt": ["zara"],
                    "action": "safety-measures",
                    "status": "in-progress",
                    "description": "Zara to call 999 if Dad comes to the house.",
                },
            ),
        ),
        frozenset({"DA3601"}),
    ),
    # L15, L21: a non-resident new partner with a violent history; the father missing; a pending Clare's Law check.
    Audit(
        "L15-new-partner-violent-history",
        "L15",
        "case-12",
        (
            (
                "add",
                "/persons/-",
                {
                    "id": "kyle",
                    "name": {"given": ["Kyle"], "family": "Bennett"},
                    "birthDate": "1987-09-09",
                    "sex": "M",
                    "genderIdentity": _NOT_ASKED,
                    "sexualOrientation": _NOT_ASKED,
                    "ethnicityNhs": _NOT_ASKED,
                    "religion": [_NOT_ASKED],
                    "disability": [_NOT_ASKED],
                    "pregnancy": {"status": {"absentReason": "not-applicable"}},
                    "maritalStatus": _NOT_ASKED,
                },
            ),
            (
                "add",
                "/relationships/-",
                {
                    "id": "rel-nadia-kyle",
                    "person": "nadia",
                    "relatedPerson": "kyle",
                    "relationship": ["intimate-partner"],
                },
            ),
            (
                "add",
                "/offendingHistories/-",
                {
                    "id": "off-kyle",
                    "status": "final",
                    "person": "kyle",
                    "effectiveDateTime": "2026-09-01",
                    "agency": "police",
                    "history": "violence-against-partner",
                    "notes": ["Two convictions for assaulting former partners."],
                },
            ),
        ),
        frozenset({"DA3401", "DA3406", "DA3408"}),
    ),
    Audit(
        "L15-father-missing",
        "L15",
        "case-04",
        (
            ("replace", "/relationships/rel-zara-imran/relationship", ["household-member"]),
            ("replace", "/relationships/rel-yusuf-imran/relationship", ["household-member"]),
        ),
        frozenset({"DA3409"}),
    ),
    Audit(
        "L21-clares-law-pending",
        "L21",
        "case-05",
        (
            ("replace", "/historyChecks/hc-ask/outcome", "pending"),
            ("replace", "/historyChecks/hc-csc/outcome", "pending"),
        ),
        frozenset({"DA3406"}),
    ),
    # L17, L22: unsupervised overnight contact after the separation, with a contact dispute and a violent history.
    Audit(
        "L17-unsupervised-overnight-after-dispute",
        "L17",
        "case-01",
        (
            ("replace", "/contactArrangements/contact-2-ellie/supervised", False),
            ("replace", "/contactArrangements/contact-2-ellie/arrangementType", "overnight"),
            ("replace", "/contactArrangements/contact-2-ellie/courtOrder", "none"),
        ),
        frozenset({"DA3403"}),
    ),
    # L18: verified, but by no one.
    Audit(
        "L18-verified-by-no-one",
        "L18",
        "case-04",
        (("replace", "/households/home/lastVerified", {"date": "2026-11-04"}),),
        frozenset({"DA3404"}),
    ),
    # L19: a child's disclosure answered "no action".
    Audit(
        "L19-child-disclosure-no-action",
        "L19",
        "case-10",
        (("replace", "/disclosures/disc-1/response", {"action": "no-action", "date": "2026-03-02T15:00:00Z"}),),
        frozenset({"DA3701"}),
    ),
    # L20: 3 of 18 sessions attended, the service still active.
    Audit(
        "L20-three-of-eighteen",
        "L20",
        "case-04",
        (("replace", "/serviceEpisodes/svc-awsn/attendance", {"offered": 18, "attended": 3, "missed": 15}),),
        frozenset({"DA3602"}),
    ),
    # L23: "not known" whether children live with her, while her household holds her children.
    Audit(
        "L23-children-not-known",
        "L23",
        "case-04",
        (("replace", "/persons/ayesha/childrenInContact", "not-known"),),
        frozenset({"DA3407"}),
    ),
    # L16: the father moves back when his bail ends; the mother flees to a refuge and the children stay with him.
    Audit(
        "L16-victim-leaves-children-stay",
        "L16",
        "case-04",
        (
            ("replace", "/households/home/members/1", {"person": "imran", "period": {"start": "2014-04-01"}}),
            ("replace", "/households/home/members/0/period", {"start": "2014-04-01", "end": "2026-06-01"}),
        ),
        frozenset({"DA3402"}),
    ),
    # L25: "parental conflict" resting on what the parents said, while the father has a history of abuse.
    Audit(
        "L25-conflict-on-parents-word",
        "L25",
        "case-11",
        (
            ("replace", "/provenance/1/targets", ["sana", "omar", "layla", "adam", "home", "aa-sana", "aa-omar"]),
            (
                "add",
                "/provenance/-",
                {
                    "targets": ["class-1"],
                    "recorded": "2026-04-23T12:00:00Z",
                    "agents": [{"who": "csc"}],
                    "factSource": "self-reported",
                    "factSourcePerson": "omar",
                },
            ),
            (
                "add",
                "/offendingHistories",
                [
                    {
                        "id": "off-omar",
                        "status": "final",
                        "person": "omar",
                        "effectiveDateTime": "2019-03-02",
                        "agency": "police",
                        "history": "violence-against-partner",
                        "notes": ["Caution for assaulting a former partner."],
                    }
                ],
            ),
        ),
        frozenset({"DA3704"}),
    ),
    # L05: a 15-year-old abused by her 17-year-old boyfriend: teenage relationship abuse, recordable without error.
    Audit(
        "L05-teenage-relationship-abuse",
        "L05",
        "case-06",
        (
            (
                "add",
                "/persons/-",
                {
                    "id": "tyler",
                    "name": {"given": ["Tyler"], "family": "Hart"},
                    "birthDate": "2009-05-04",
                    "sex": "M",
                    "genderIdentity": _NOT_ASKED,
                    "sexualOrientation": _NOT_ASKED,
                    "ethnicityNhs": _NOT_ASKED,
                    "religion": [_NOT_ASKED],
                    "disability": [_NOT_ASKED],
                    "pregnancy": {"status": {"absentReason": "not-applicable"}},
                    "maritalStatus": {"absentReason": "not-applicable"},
                },
            ),
            (
                "add",
                "/incidents/-",
                {
                    "id": "inc-3",
                    "status": "final",
                    "identifiers": [
                        {
                            "system": "https://dastandard.org.uk/fhir/Id/police-incident-reference",
                            "value": "WP-INC-26-31190",
                        }
                    ],
                    "subject": "home",
                    "agency": "police",
                    "effectiveDateTime": "2026-09-20T19:00:00Z",
                    "behaviour": "Tyler, 17, Jordan's boyfriend, checks her phone, tells her who she may see and "
                    "pushed her against a wall outside school when she went to a party without him.",
                    "abuseKinds": ["controlling-or-coercive", "physical"],
                    "classification": "teenage-relationship-abuse",
                    "parties": [
                        {"person": "tyler", "role": "person-causing-harm"},
                        {"person": "jordan", "role": "victim"},
                    ],
                },
            ),
        ),
        quiet=frozenset({"DA3107"}),
        no_errors=True,
    ),
    # L07, L25: a child interpreted for by a family member at the police contact.
    Audit(
        "L07-interpreted-by-family",
        "L07",
        "case-12",
        (
            ("add", "/persons/amira/interpreterNeeded", True),
            ("add", "/childContacts/contact-amira-police-2026-05-03/interpreter", "family-member"),
        ),
        frozenset({"DA3708"}),
    ),
    # L10, L16: a victim with no recourse to public funds whose only specialist service was declined.
    Audit(
        "L10-nrpf-declined-service",
        "L10",
        "case-04",
        (
            ("add", "/persons/ayesha/immigrationStatus", "limited-leave"),
            ("add", "/persons/ayesha/noRecourseToPublicFunds", True),
            ("replace", "/serviceEpisodes/svc-awsn/offerOutcome", "declined"),
        ),
        frozenset({"DA3505"}),
    ),
)


@pytest.mark.parametrize("audit", AUDITS, ids=lambda a: a.name)
def test_loophole_record_raises_the_right_finding(audit: Audit) -> None:
    clean = orjson.loads(_load(audit.case))
    before = findings(clean)
    assert not [f for f in before if f.severity in (Severity.ERROR, Severity.FATAL)], audit.case
    assert not {f.rule_id for f in before} & (audit.fires | audit.quiet), audit.case
    found = findings(apply(clean, audit.changes))
    after = {f.rule_id for f in found}
    if audit.no_errors:
        errors = [f"{f.rule_id}: {f.message}" for f in found if f.severity in (Severity.ERROR, Severity.FATAL)]
        assert not errors, errors
    if audit.fires:
        assert after & audit.fires, f"{audit.name}: expected one of {sorted(audit.fires)}, got {sorted(after)}"
    assert not after & audit.quiet, f"{audit.name}: {sorted(after & audit.quiet)} fired"


def test_every_audited_learning_point_is_a_seed_point() -> None:
    points = orjson.loads((CASES.parents[1] / "docs" / "learning-points.json").read_bytes())
    ids = {p["id"] for p in points["points"]}
    assert {a.learning for a in AUDITS} <= ids
