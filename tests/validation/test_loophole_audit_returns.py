"""Audit of the cross-record practice checks for learning points L12, L13 and L24, the way
``test_loophole_audit.py`` audits single records.

An export (a return) is several case Bundles in one NDJSON file, one per agency's record of a family. Every case
starts from the Reid family (``examples/cases/case-06``: Wayne's violence to Nicola in 2017 and 2018, seen by
Jordan, held by children's social care in 2026) and adds the record another agency would send about the same
people, with the slip a busy practitioner would make: the same man under another local id or only his police
person id, a name spelt differently, a time written in UTC by one system and in UK time by another, a date
remembered only to the month, a child known to the school by name and birth date only, a service closed as "no
further action" with no follow-up, a notification drafted and never sent. The export runs through the full engine
(``iter_findings``). ``fires`` names the rule that must fire, on which record, and the person it must name as the
record identifies them; ``quiet`` lists rules that must not fire (the false positives: unrelated families sharing a
surname, history already carried forward, incidents already linked).
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import orjson
import pytest

from dastandard.findings import Finding, Severity
from dastandard.logical import logical_to_bundle
from dastandard.validation import iter_findings

CASES = Path(__file__).resolve().parents[2] / "examples" / "cases"
_ID = "https://dastandard.org.uk/fhir/Id/"
_NHS = "https://fhir.nhs.uk/Id/nhs-number"

WAYNE_NHS, NICOLA_NHS, JORDAN_NHS = "nhs:9990074879", "nhs:9994560174", "nhs:9991257209"
JORDAN_LA = "la:WS-C-31990"
HISTORY = ("2017-08-12", "2018-01-20")  # Jordan's exposure in the social care record


@cache
def _load(prefix: str) -> bytes:
    (path,) = CASES.glob(f"{prefix}-*.logical.json")
    return path.read_bytes()


def social_care() -> dict[str, Any]:
    """Children's social care's record of the Reids (2026): both incidents, Jordan's exposure and victim status."""
    return orjson.loads(_load("case-06"))  # type: ignore[no-any-return]


def _person(pid: str, **changes: Any) -> dict[str, Any]:
    person = next(p for p in social_care()["persons"] if p["id"] == pid)
    person = {k: v for k, v in person.items() if k != "resourceId"}
    person.pop("lastVerified", None)
    person.update(changes)
    return {k: v for k, v in person.items() if v is not None}


def _agencies(*ids: str) -> list[dict[str, Any]]:
    return [{k: v for k, v in a.items() if k != "resourceId"} for a in social_care()["agencies"] if a["id"] in ids]


def _incident(
    iid: str, when: str, ref: str, *, harm: str = "wayne", victim: str = "nicola", **more: Any
) -> dict[str, Any]:
    incident: dict[str, Any] = {
        "id": iid,
        "status": "final",
        "identifiers": [{"system": _ID + "local-id", "value": ref}],
        "subject": victim,
        "effectiveDateTime": when,
        "recorded": when if "T" in when else "2026-10-02T15:00:00+01:00",
        "agency": "health",
        "behaviour": "Nicola attended the walk-in centre with bruising to her upper arm; she said Wayne grabbed her "
        "and pushed her into the door frame when he came round about Jordan.",
        "abuseKinds": ["physical", "controlling-or-coercive"],
        "pattern": "course-of-conduct",
        "riskLevel": "medium",
        "injury": True,
        "parties": [
            {"person": harm, "role": "person-causing-harm"},
            {"person": victim, "role": "victim", "injured": True},
        ],
    }
    incident.update(more)
    return incident


def health(
    *incidents: dict[str, Any], wayne: dict[str, Any] | None = None, nicola: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The community health trust's record: Nicola's disclosure at the walk-in centre, shared with police and
    social care. Wayne and Nicola carry the NHS numbers social care holds; the trust numbers its own incidents."""
    incidents = incidents or (_incident("inc-1", "2026-10-02T14:00:00+01:00", "RZZ01-DA-0881"),)
    persons = [
        _person("nicola", childrenInContact="lives-with-children", **(nicola or {})),
        _person("wayne", childrenInContact="not-known", **(wayne or {})),
    ]
    ids = {p["id"] for p in persons}
    for incident in incidents:
        for party in incident["parties"]:
            assert party["person"] in ids, party
    harm = next(p["person"] for p in incidents[0]["parties"] if p["role"] == "person-causing-harm")
    victim = next(p["person"] for p in incidents[0]["parties"] if p["role"] == "victim")
    return {
        "recordType": "dastandard-logical-record",
        "version": "0.1.0",
        "caseId": "RZZ01-SG-2026-0412",
        "extractedAt": "2026-11-20T09:00:00Z",
        "security": social_care()["security"],
        "agencies": _agencies("health", "police", "csc"),
        "persons": persons,
        "relationships": [
            {"id": "rel-1", "person": victim, "relatedPerson": harm, "relationship": ["former-spouse"], "active": True}
        ],
        "incidents": list(incidents),
        "informationSharing": [
            {
                "id": f"share-{incident['id']}",
                "status": "completed",
                "about": [incident["id"]],
                "sent": "2026-10-02T17:00:00+01:00",
                "to": ["police", "csc"],
                "from": "health",
                "summary": "Nicola's disclosure shared with police and children's social care with her consent.",
                "sharingBasis": "consent",
            }
            for incident in incidents
        ],
    }


def school(jordan: dict[str, Any], **more: Any) -> dict[str, Any]:
    """Northbridge Academy's record of Jordan in 2027: a pastoral referral, no incident of its own."""
    record = {
        "recordType": "dastandard-logical-record",
        "version": "0.1.0",
        "caseId": "NA-PASTORAL-2027-0007",
        "extractedAt": "2027-02-01T09:00:00Z",
        "security": social_care()["security"],
        "agencies": _agencies("secondary"),
        "persons": [jordan],
    }
    record.update(more)
    return record


def _jordan(**changes: Any) -> dict[str, Any]:
    return _person("jordan", **changes)


def _with_jordan(record: dict[str, Any], *, as_party: bool = True) -> dict[str, Any]:
    """``record`` with Jordan's exposure to the 2017 and 2018 incidents carried forward: his child victim status
    for them, and (``as_party``) Jordan as a child present at each."""
    record["persons"].append(_jordan())
    historic = [i["id"] for i in record["incidents"] if i["effectiveDateTime"] < "2019"]
    for incident in record["incidents"]:
        if as_party and incident["id"] in historic:
            incident["parties"].append({"person": "jordan", "role": "child-present", "exposure": ["saw", "heard"]})
    record["childVictimStatuses"] = [
        {
            "id": "vs-jordan",
            "status": "final",
            "child": "jordan",
            "incidents": historic,
            "effectiveDateTime": "2026-10-05",
            "victimStatus": "s3-child-victim",
            "basis": ["sees", "hears"],
            "relatedTo": ["parent-of-child"],
        }
    ]
    return record


def _history(*, local_time: bool = False, keep_refs: bool = True) -> tuple[dict[str, Any], dict[str, Any]]:
    """The two police incidents as the trust holds them when it carries the history forward."""
    first, second = (copy.deepcopy(i) for i in social_care()["incidents"])
    out = []
    for inc, local in ((first, "2017-08-13T00:30:00+01:00"), (second, "2018-01-20T23:15:00Z")):
        held = _incident(inc["id"], local if local_time else inc["effectiveDateTime"], f"RZZ01-DA-H{inc['id']}")
        if keep_refs:
            held["identifiers"] = inc["identifiers"]
        held.update(
            agency="police", behaviour=inc["behaviour"], abuseKinds=inc["abuseKinds"], riskLevel=inc["riskLevel"]
        )
        out.append(held)
    return out[0], out[1]


def _linked_new() -> dict[str, Any]:
    return _incident("inc-3", "2026-10-02T14:00:00+01:00", "RZZ01-DA-0881", linkedIncidents=["inc-1", "inc-2"])


def _rename(record: dict[str, Any], old: str, new: str) -> dict[str, Any]:
    """``record`` with the local id ``old`` of a person renamed to ``new`` everywhere (another agency's numbering)."""
    text = orjson.dumps(record).decode().replace(f'"{old}"', f'"{new}"')
    return orjson.loads(text)  # type: ignore[no-any-return]


def _late_utc(record: dict[str, Any]) -> dict[str, Any]:
    """Social care's record with the 2017 incident at 00:30 UK time on 13 August, written in UTC by the police
    system it came from (23:30 on the 12th)."""
    record["incidents"][0]["effectiveDateTime"] = "2017-08-12T23:30:00Z"
    record["incidents"][0]["recorded"] = "2017-08-12T23:45:00Z"
    return record


def _unrelated_reids() -> dict[str, Any]:
    """Another Reid family altogether: Dean and Kelly Reid and their son Tyler, other NHS numbers."""
    record = health(
        _incident("inc-1", "2026-09-14T21:00:00+01:00", "RZZ01-DA-0902", harm="dean", victim="kelly"),
        wayne={
            "id": "dean",
            "name": {"use": "official", "family": "Reid", "given": ["Dean"]},
            "birthDate": "1990-02-02",
            "identifiers": [{"system": _NHS, "value": "9990001200"}],
        },
        nicola={
            "id": "kelly",
            "name": {"use": "official", "family": "Reid", "given": ["Kelly"]},
            "birthDate": "1991-07-30",
            "identifiers": [{"system": _NHS, "value": "9990001235"}],
        },
    )
    record["persons"].append(
        _jordan(
            id="tyler",
            name={"use": "official", "family": "Reid", "given": ["Tyler"]},
            birthDate="2014-05-05",
            identifiers=[{"system": _NHS, "value": "9990001227"}],
        )
    )
    record["incidents"][0]["parties"].append({"person": "tyler", "role": "child-present", "exposure": ["heard"]})
    record["childVictimStatuses"] = [
        {
            "id": "vs-tyler",
            "status": "final",
            "child": "tyler",
            "incidents": ["inc-1"],
            "effectiveDateTime": "2026-09-20",
            "victimStatus": "s3-child-victim",
            "basis": ["hears"],
            "relatedTo": ["parent-of-child"],
        }
    ]
    return record


def _bundle_link(bundles: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The trust's new incident linked by the police incident reference of the 2018 incident, as a system that
    looked the history up (but did not copy it) would send it: a linked-incident extension with an identifier."""
    _, trust = bundles
    incident = next(e["resource"] for e in trust["entry"] if e["resource"].get("valueString", "").startswith("Nicola"))
    incident.setdefault("extension", []).append(
        {
            "url": "https://dastandard.org.uk/fhir/StructureDefinition/linked-incident",
            "valueReference": {"identifier": {"system": _ID + "police-incident-reference", "value": "WP-INC-18-02277"}},
        }
    )
    return bundles


@dataclass(frozen=True)
class ReturnAudit:
    name: str
    learning: str
    records: Callable[[], list[dict[str, Any]]]
    # rule id -> (record number in the export, text the finding must name: the person as the record identifies them)
    fires: dict[str, tuple[int, str]] = field(default_factory=dict)
    quiet: frozenset[str] = frozenset()
    bundles: Callable[[list[dict[str, Any]]], list[dict[str, Any]]] | None = None
    gap: str = ""  # a loophole left open on purpose: why (the rule's catalog rationale says so too)


def _police_only_wayne() -> list[dict[str, Any]]:
    # The police's own record of a new call-out: Wayne is known to them by his police person id only.
    record = health(wayne={"identifiers": [{"system": _ID + "police-person-id", "value": "WP-11982"}]})
    record["incidents"][0].update(
        agency="police",
        behaviour="Call from Nicola: Wayne turned up at the house, "
        "shouted that she would never keep Jordan from him and grabbed her arm.",
    )
    return [social_care(), record]


def _closed_nfa(follow_up: bool) -> list[dict[str, Any]]:
    record = social_care()
    services = {s["id"]: s for s in record["serviceEpisodes"]}
    camhs = services["svc-camhs"]
    camhs.update(
        status="finished",
        period={"start": "2026-09-30", "end": "2026-11-11"},
        endReason={"code": "risk-reduced", "text": "NFA - family now safe, father out of the area"},
    )
    services["svc-cdas-2018"].pop("followUp")
    if follow_up:
        camhs["followUp"] = {"planned": True, "date": "2027-02-11", "by": "secondary"}
    record["plans"] = [p for p in record["plans"] if p["id"] != "plan-2026"]
    record["provenance"][1]["targets"].remove("plan-2026")
    record.pop("entryOrder")
    return [record, health()]


def _cdas_closure() -> list[dict[str, Any]]:
    # The children's DA service's own record: Jordan's 2026 group work closed when Nicola declined more, no
    # follow-up; his victim status is in social care's record only.
    record = school(
        _jordan(),
        caseId="CDAS-2026-0311",
        extractedAt="2026-12-01T09:00:00Z",
        agencies=_agencies("cdas"),
        serviceEpisodes=[
            {
                "id": "svc-1",
                "status": "finished",
                "serviceType": ["childrens-da-service"],
                "person": "jordan",
                "agency": "cdas",
                "period": {"start": "2026-10-01", "end": "2026-11-26"},
                "lastContact": "2026-11-19T15:00:00Z",
                "offerOutcome": "accepted",
                "endReason": "declined-further-support",
            }
        ],
    )
    return [social_care(), record]


def _unsent(status: str) -> list[dict[str, Any]]:
    record = health()
    record["informationSharing"][0]["status"] = status
    return [social_care(), record]


AUDITS: tuple[ReturnAudit, ...] = (
    # L13: the trust numbers Wayne as "w-reid" in its own system; the NHS number is the one social care holds.
    ReturnAudit(
        "L13-second-agency-own-local-id",
        "L13",
        lambda: [social_care(), _rename(health(), "wayne", "w-reid")],
        {"DA4003": (2, WAYNE_NHS)},
    ),
    # L13: the police know Wayne by their person id only; social care holds both it and his NHS number.
    ReturnAudit("L13-police-person-id-only", "L13", _police_only_wayne, {"DA4003": (2, "police:WP-11982")}),
    # L13: names spelt as the walk-in centre heard them: "Wayne Reed", "Nikki Reid".
    ReturnAudit(
        "L13-names-spelt-differently",
        "L13",
        lambda: [
            social_care(),
            health(
                wayne={"name": {"use": "usual", "family": "Reed", "given": ["Wayne"]}},
                nicola={"name": {"use": "usual", "family": "Reid", "given": ["Nikki"]}},
            ),
        ],
        {"DA4003": (2, WAYNE_NHS)},
    ),
    # L13: the trust's incident is eleven months after the strangulation; nothing connects them.
    ReturnAudit(
        "L13-eleven-months-apart",
        "L13",
        lambda: [social_care(), health(_incident("inc-1", "2018-12-18T19:40:00Z", "RZZ01-DA-0113"))],
        {"DA4003": (2, NICOLA_NHS)},
    ),
    # L13: three incidents in twelve months across police and health, no review after the third. DA3501 counts one
    # record's incidents, so the return shows the pattern through DA4003 (the trust's record neither holds nor links
    # the police incidents); once the trust holds them, DA3501 fires in its own record (the next case).
    ReturnAudit(
        "L13-escalation-across-agencies",
        "L13",
        lambda: [social_care(), health(_incident("inc-1", "2018-06-30T20:00:00+01:00", "RZZ01-DA-0077"))],
        {"DA4003": (2, WAYNE_NHS)},
        frozenset({"DA3501"}),
    ),
    ReturnAudit(
        "L13-escalation-held-without-review",
        "L13",
        lambda: [
            social_care(),
            health(
                *_history(), _incident("inc-3", "2018-06-30T20:00:00+01:00", "RZZ01-DA-0077", linkedIncidents=["inc-2"])
            ),
        ],
        {"DA3501": (2, "")},
        frozenset({"DA4003"}),
    ),
    # L13 quiet: the trust carries the police incidents (their references) and links its new one to them.
    ReturnAudit(
        "L13-quiet-history-held-and-linked",
        "L13",
        lambda: [social_care(), health(*_history(), _linked_new())],
        quiet=frozenset({"DA4003", "DA4002"}),
    ),
    # L13 quiet: the trust's system links its incident to the police reference without copying the history.
    ReturnAudit(
        "L13-quiet-linked-by-police-reference",
        "L13",
        lambda: [social_care(), health()],
        quiet=frozenset({"DA4003"}),
        bundles=_bundle_link,
    ),
    # L13 quiet: the same incidents held under the trust's own numbers, one written in UK time (00:30 BST on
    # 13 August) where the police system wrote UTC (23:30 on the 12th): the same moment, so the same incident.
    ReturnAudit(
        "L13-quiet-same-moment-other-time-zone",
        "L13",
        lambda: [_late_utc(social_care()), health(*_history(local_time=True, keep_refs=False), _linked_new())],
        quiet=frozenset({"DA4003"}),
    ),
    # L13 quiet: Nicola remembers the first incident as "August 2017"; the trust holds it to the month.
    ReturnAudit(
        "L13-quiet-history-known-to-the-month",
        "L13",
        lambda: [
            social_care(),
            health(
                _incident("inc-1", "2017-08", "RZZ01-DA-H1"),
                _incident("inc-2", "2018-01-20T23:15:00Z", "RZZ01-DA-H2"),
                _incident("inc-3", "2026-10-02T14:00:00+01:00", "RZZ01-DA-0881", linkedIncidents=["inc-1", "inc-2"]),
            ),
        ],
        quiet=frozenset({"DA4003"}),
    ),
    # L13 quiet: another Reid family in the same return (other people, other NHS numbers).
    ReturnAudit(
        "L13-quiet-unrelated-family-same-surname",
        "L13",
        lambda: [social_care(), _unrelated_reids()],
        quiet=frozenset({"DA4002", "DA4003", "DA4004"}),
    ),
    # L12: the school's 2027 pastoral record of Jordan holds nothing of what he saw in 2017 and 2018.
    ReturnAudit(
        "L12-school-record-without-history",
        "L12",
        lambda: [social_care(), school(_jordan())],
        {"DA4004": (2, JORDAN_NHS)},
    ),
    # L12: the school knows Jordan by his LA child id only (social care holds it and his NHS number).
    ReturnAudit(
        "L12-school-knows-la-child-id-only",
        "L12",
        lambda: [social_care(), school(_jordan(identifiers=[{"system": _ID + "la-child-id", "value": "WS-C-31990"}]))],
        {"DA4004": (2, JORDAN_LA)},
    ),
    # L12: the history is only free text in a contact ("he saw his dad hurt his mum when he was little"): a note is
    # not the record of his exposure.
    ReturnAudit(
        "L12-history-only-as-free-text",
        "L12",
        lambda: [
            social_care(),
            school(
                _jordan(),
                childContacts=[
                    {
                        "id": "contact-1",
                        "status": "finished",
                        "contactClass": {"code": "AMB", "display": "ambulatory"},
                        "child": "jordan",
                        "agency": "secondary",
                        "start": "2027-01-20T11:00:00Z",
                        "voice": {
                            "seen": True,
                            "spokenWith": True,
                            "seenAlone": True,
                            "words": ["When I was little I saw Dad hurt Mum. It was ages ago, it doesn't matter now."],
                        },
                    }
                ],
            ),
        ],
        {"DA4004": (2, JORDAN_NHS)},
    ),
    # L12: the record listed first in the export is the later one; order in the file does not matter.
    ReturnAudit(
        "L12-later-record-first-in-the-file",
        "L12",
        lambda: [school(_jordan()), social_care()],
        {"DA4004": (1, JORDAN_NHS)},
    ),
    # L12 quiet: the trust carries the history forward under another code: Jordan is not a party to the incidents
    # it holds, but his child victim status names them.
    ReturnAudit(
        "L12-quiet-exposure-carried-as-victim-status",
        "L12",
        lambda: [social_care(), _with_jordan(health(*_history(), _linked_new()), as_party=False)],
        quiet=frozenset({"DA4004", "DA4003"}),
    ),
    # L12 quiet: the trust carries the history and Jordan's presence at every incident.
    ReturnAudit(
        "L12-quiet-exposure-carried-forward",
        "L12",
        lambda: [social_care(), _with_jordan(health(*_history(), _linked_new()))],
        quiet=frozenset({"DA4004", "DA4003"}),
    ),
    # L12 quiet: an unrelated Reid boy at the same school.
    ReturnAudit(
        "L12-quiet-other-child-same-surname",
        "L12",
        lambda: [
            social_care(),
            school(
                _jordan(
                    id="tyler",
                    name={"use": "official", "family": "Reid", "given": ["Tyler"]},
                    birthDate="2011-09-19",
                    identifiers=[{"system": _NHS, "value": "9990001227"}],
                )
            ),
        ],
        quiet=frozenset({"DA4002", "DA4004"}),
    ),
    # L12: CAMHS closes Jordan's service as "NFA, family now safe" and nobody follows up; the 2018 service's
    # follow-up is gone too.
    ReturnAudit("L12-closed-nfa-no-follow-up", "L12", lambda: _closed_nfa(False), {"DA3204": (1, "Jordan")}),
    ReturnAudit("L12-quiet-closed-with-follow-up", "L12", lambda: _closed_nfa(True), quiet=frozenset({"DA3204"})),
    # L12 gap: the closure is in the service's own record and the victim status in social care's. DA3204 reads one
    # record; no return-level rule joins a child's services across records yet.
    ReturnAudit(
        "L12-closed-in-another-agencys-record",
        "L12",
        _cdas_closure,
        {"DA3204": (2, "Jordan")},
        gap="DA3204 reads one record: a closure without follow-up in one agency's record is not joined to the "
        "child victim status another agency's record holds",
    ),
    # L12 gap: the school knows Jordan by name and birth date only. A child with no identifier is matched to other
    # records that know the child the same way, never to a record with an NHS number or LA child id: two children
    # with one name and birth date would otherwise share a history (see DA4004's rationale).
    ReturnAudit(
        "L12-school-knows-name-and-birth-date-only",
        "L12",
        lambda: [social_care(), school(_jordan(identifiers=None))],
        {"DA4004": (2, "jordan reid")},
        gap="a child with no identifier is matched by name and birth date only to records that have no identifier "
        "for the child either",
    ),
    # L24: the trust recorded the disclosure and told nobody.
    ReturnAudit(
        "L24-incident-kept-in-one-agency",
        "L24",
        lambda: [social_care(), {**health(), "informationSharing": []}],
        {"DA3703": (2, "")},
    ),
    # L24: "shared" only with the trust's own safeguarding team.
    ReturnAudit(
        "L24-shared-only-inside-the-agency",
        "L24",
        lambda: [social_care(), _shared_to_self()],
        {"DA3703": (2, "")},
    ),
    # L24: the notification was drafted and never sent.
    ReturnAudit("L24-notification-never-sent", "L24", lambda: _unsent("preparation"), {"DA3703": (2, "")}),
    ReturnAudit("L24-notification-not-done", "L24", lambda: _unsent("not-done"), {"DA3703": (2, "")}),
    ReturnAudit(
        "L24-quiet-shared-with-police-and-care", "L24", lambda: [social_care(), health()], quiet=frozenset({"DA3703"})
    ),
)


def _shared_to_self() -> dict[str, Any]:
    record = health()
    record["informationSharing"][0]["to"] = ["health"]
    return record


def run(
    tmp_path: Path,
    records: list[dict[str, Any]],
    bundles: Callable[[list[dict[str, Any]]], list[dict[str, Any]]] | None = None,
) -> list[Finding]:
    built = [logical_to_bundle(r) for r in records]
    if bundles is not None:
        built = bundles(built)
    path = tmp_path / "return.ndjson"
    path.write_bytes(b"".join(orjson.dumps(b) + b"\n" for b in built))
    return list(iter_findings([path]))


def test_the_plain_export_raises_no_error_and_no_return_warning(tmp_path: Path) -> None:
    """Social care's record and the trust's, which carries the history and Jordan's exposure: nothing across."""
    trust = _with_jordan(health(*_history(), _linked_new()))
    found = run(tmp_path, [social_care(), trust])
    assert [f for f in found if f.severity is Severity.ERROR] == []
    assert {f.rule_id for f in found} & {"DA4002", "DA4003", "DA4004", "DA3204", "DA3703"} == set()


def _params() -> list[Any]:
    return [
        pytest.param(a, id=a.name, marks=[pytest.mark.xfail(strict=True, reason=a.gap)] if a.gap else [])
        for a in AUDITS
    ]


@pytest.mark.parametrize("audit", _params())
def test_audit(audit: ReturnAudit, tmp_path: Path) -> None:
    found = run(tmp_path, audit.records(), audit.bundles)
    assert [f for f in found if f.severity is Severity.ERROR and f.rule_id not in audit.fires] == []
    for rule_id, (record, names) in audit.fires.items():
        hits = [f for f in found if f.rule_id == rule_id and f.record == record]
        assert hits, (rule_id, [(f.rule_id, f.record, f.message) for f in found])
        assert any(names in f.message for f in hits), [f.message for f in hits]
    assert not {f.rule_id for f in found} & audit.quiet, [
        (f.rule_id, f.record, f.message) for f in found if f.rule_id in audit.quiet
    ]


def test_the_missing_history_is_named_by_its_dates(tmp_path: Path) -> None:
    (found,) = [f for f in run(tmp_path, [social_care(), school(_jordan())]) if f.rule_id == "DA4004"]
    assert dict(found.details) == {"child": JORDAN_NHS, "dates": HISTORY}


def test_a_person_is_followed_through_a_chain_of_identifiers(tmp_path: Path) -> None:
    """Social care knows Wayne by NHS number and police id; the police record by police id only; a third agency
    by NHS number only: the police record's incident is still between the same pair as the others."""
    police = _police_only_wayne()[1]
    police["incidents"][0]["effectiveDateTime"] = "2026-09-01T22:00:00+01:00"
    police["incidents"][0]["recorded"] = "2026-09-01T22:30:00+01:00"
    police["informationSharing"][0]["sent"] = "2026-09-02T09:00:00+01:00"
    trust = health(wayne={"identifiers": [{"system": _NHS, "value": "9990074879"}]})
    found = run(tmp_path, [police, trust])
    assert [f.record for f in found if f.rule_id == "DA4003"] == []  # no record says police id = NHS number
    found = run(tmp_path, [police, trust, social_care()])
    assert sorted(f.record for f in found if f.rule_id == "DA4003") == [1, 2]


def test_every_learning_point_has_a_firing_and_a_quiet_case() -> None:
    for point in ("L12", "L13", "L24"):
        cases = [a for a in AUDITS if a.learning == point]
        assert any(a.fires and not a.gap for a in cases) and any(a.quiet and not a.fires for a in cases), point
