"""Synthetic case records at any size, seeded and deterministic, for tests and the benchmark.

Each case is built as a logical record (``dastandard.logical``) and turned into a DACaseBundle by the same
converter agencies use, so the generator never writes FHIR by hand. Case ``i`` of seed ``s`` depends only on
``(s, i)``: any slice of a dataset can be generated on its own (and in parallel) and is identical to the same
slice of the whole.

Every person, place and reference is invented. Protected characteristics have realistic recording gaps, but a
gap is always an explicit absent reason; a generated record is valid (no error or warning from any layer)
unless a flaw is asked for with ``flaws`` (on every case, or on one case in N with ``flaw_every``). No two persons
of a dataset share an NHS number (see ``nhs_number``).

Error policy: arguments are checked (ValueError on an unknown format or flaw); nothing else raises.
"""

from __future__ import annotations

import itertools
import os
import random
import tempfile
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import IO, Any, Final

import orjson

from dastandard.convert.cin_census import CensusHeader, census_bundle
from dastandard.convert.cin_census.vocabulary import upn_check_letter
from dastandard.logical import RECORD_TYPE, RECORD_VERSION, logical_to_bundle
from dastandard.model.ids import identifier_system
from dastandard.model.urls import NHS_NUMBER_SYSTEM, PATIENT_RELIGION

FLAWS: Final = frozenset({"missing-characteristic", "child-not-spoken-with", "unlinked-repeat-incident"})

_GIVEN_F: Final = ("Amara", "Bethan", "Chloe", "Dana", "Efua", "Farah", "Gemma", "Hana", "Iona", "Jodie")
_GIVEN_M: Final = ("Aled", "Bilal", "Callum", "Dev", "Ewan", "Femi", "Gareth", "Harun", "Ivo", "Jonah")
_FAMILY: Final = (
    "Ashdown",
    "Brightwell",
    "Carrow",
    "Delamere",
    "Elstow",
    "Fenwick",
    "Garside",
    "Hollins",
    "Ingram",
    "Jessop",
    "Kettering",
    "Lowther",
    "Marchbank",
    "Northam",
    "Ormsby",
    "Pendle",
)
_NHS_ETHNIC: Final = ("A", "A", "A", "B", "C", "D", "E", "F", "H", "J", "K", "M", "N", "R", "S")
_ONS_ETHNIC: Final = ("13", "13", "13", "14", "17", "11", "10", "9", "3", "4", "1", "7", "6", "2", "19")
_DFE_ETHNIC: Final = (
    "WBRI",
    "WBRI",
    "WBRI",
    "WIRI",
    "WOTH",
    "MWBC",
    "MWBA",
    "MWAS",
    "AIND",
    "APKN",
    "ABAN",
    "BCRB",
    "BAFR",
    "CHNE",
    "OOTH",
)
_RELIGION: Final = ("1", "1", "2", "2", "6", "4", "7", "5", "3", "8")
_NON_PHYSICAL_KINDS: Final = (
    "controlling-or-coercive",
    "psychological-or-emotional",
    "economic",
    "verbal",
    "technology-facilitated",
    "stalking-or-harassment",
)
_ANCHOR: Final = date(2025, 9, 30)
_SOURCE: Final = "dastandard generate"
_CHUNK: Final = 32  # cases per slice handed to a worker
_RELIGION_URL: Final = PATIENT_RELIGION


# NHS numbers: the 999 test range, nine numbers with a valid check digit taken from each block of ten (a block
# has at most one whose check digit would be 10), so 900,000 numbers; each person of a case has a fixed slot.
_NHS_BLOCKS_CAPACITY: Final = 900_000
_NHS_SLOTS: Final = 6  # two adults and at most four children per case
_NHS_STRIDE: Final = 7_919  # a prime not dividing 900,000: the slots are spread over the range, not in order
NHS_UNIQUE_CASES: Final = _NHS_BLOCKS_CAPACITY // _NHS_SLOTS  # datasets up to this size never repeat a number


def nhs_number(seed: int, index: int, slot: int) -> str:
    """The NHS number of person ``slot`` (0-5) of case ``index`` of dataset ``seed``.

    A synthetic number in the 999 test range with a valid Modulus 11 check digit. Distinct persons of one dataset
    get distinct numbers as long as it has at most ``NHS_UNIQUE_CASES`` cases: the person's position is mapped to
    one of the 900,000 numbers by a permutation (stride coprime with the range, offset by the seed).
    """
    if not 0 <= slot < _NHS_SLOTS:
        raise ValueError(f"person slot {slot} is outside 0..{_NHS_SLOTS - 1}")
    position = (index * _NHS_SLOTS + slot) * _NHS_STRIDE + seed * 104_729
    block, nth = divmod(position % _NHS_BLOCKS_CAPACITY, 9)
    stem = f"999{block:05d}"
    partial = sum(int(d) * w for d, w in zip(stem, range(10, 2, -1), strict=True))
    valid = []
    for last in range(10):
        check = (11 - (partial + 2 * last) % 11) % 11
        if check != 10:
            valid.append(f"{stem}{last}{check}")
    return valid[nth]


@dataclass
class _Case:
    """Mutable scratch state while one case is built."""

    rng: random.Random
    case_id: str
    flaws: frozenset[str]
    seed: int = 0
    index: int = 0
    persons: int = 0  # persons made so far: the next one's NHS number slot

    def pick(self, options: tuple[str, ...]) -> str:
        return options[self.rng.randrange(len(options))]

    def day(self, base: date, spread: int) -> date:
        return base + timedelta(days=self.rng.randrange(spread))


def _absent_or(case: _Case, value: str, reason: str, gap_rate: float) -> Any:
    return {"absentReason": reason} if case.rng.random() < gap_rate else value


def _person(case: _Case, key: str, *, born: date, sex: str, adult: bool, ethnic: int, family: str) -> dict[str, Any]:
    rng = case.rng
    given = (_GIVEN_F if sex == "F" else _GIVEN_M)[rng.randrange(10)]
    nhs = nhs_number(case.seed, case.index, case.persons)
    # the force's person id, as unique as the NHS number (a police export's party_id column carries it)
    police_id = f"WVP{case.seed % 1000:03d}{case.index:07d}{case.persons}"
    case.persons += 1
    person: dict[str, Any] = {
        "id": key,
        "identifiers": [
            {"system": NHS_NUMBER_SYSTEM, "value": nhs},
            {"system": identifier_system("police-person-id"), "value": police_id},
        ],
        "name": {"family": family, "given": [given]},
        "birthDate": born.isoformat(),
        "administrativeGender": "female" if sex == "F" else "male",
        "sex": sex,
        "ethnicityNhs": _NHS_ETHNIC[ethnic],
        "ethnicityOns2021": _ONS_ETHNIC[ethnic],
        "ethnicityDfe": _DFE_ETHNIC[ethnic],
        "religion": [_absent_or(case, case.pick(_RELIGION), "asked-declined", 0.25)],
        "disability": [_absent_or(case, "NONE", "not-asked", 0.2)],
    }
    if adult:
        person["genderIdentity"] = _absent_or(case, "1" if sex == "M" else "2", "asked-declined", 0.2)
        person["sexualOrientation"] = _absent_or(case, "1", "asked-declined", 0.3)
        person["maritalStatus"] = _absent_or(case, "M", "asked-unknown", 0.3)
        person["pregnancy"] = (
            {"status": {"absentReason": "not-applicable"}}
            if sex == "M"
            else {"status": _absent_or(case, "not-pregnant", "asked-declined", 0.2)}
        )
        person["childrenInContact"] = "lives-with-children"
    else:
        person["genderIdentity"] = {"absentReason": "not-applicable"}
        person["sexualOrientation"] = {"absentReason": "not-applicable"}
        person["maritalStatus"] = {"absentReason": "not-applicable"}
        person["pregnancy"] = {"status": {"absentReason": "not-applicable"}}
    return person


def case_record(seed: int, index: int, flaws: Iterable[str] = ()) -> dict[str, Any]:
    """The logical record of case ``index`` of dataset ``seed``."""
    flaw_set = frozenset(flaws)
    unknown = flaw_set - FLAWS
    if unknown:
        raise ValueError(f"unknown flaw(s): {', '.join(sorted(unknown))}; known: {', '.join(sorted(FLAWS))}")
    rng = random.Random(f"{seed}:{index}")
    case = _Case(rng, f"GEN-{seed}-{index:07d}", flaw_set, seed, index)
    family = case.pick(_FAMILY)
    ethnic = rng.randrange(len(_NHS_ETHNIC))
    victim_sex, harm_sex = ("F", "M") if rng.random() < 0.8 else ("M", "F") if rng.random() < 0.5 else ("F", "F")
    start = _ANCHOR - timedelta(days=365 * 2)
    persons = [
        _person(
            case,
            "adult-a",
            born=case.day(date(1982, 1, 1), 4000),
            sex=victim_sex,
            adult=True,
            ethnic=ethnic,
            family=family,
        ),
        _person(
            case,
            "adult-b",
            born=case.day(date(1980, 1, 1), 4000),
            sex=harm_sex,
            adult=True,
            ethnic=ethnic,
            family=case.pick(_FAMILY),
        ),
    ]
    children = [f"child-{n}" for n in range(1, rng.randrange(1, 5) + 1)]
    for key in children:
        persons.append(
            _person(
                case,
                key,
                born=case.day(date(2011, 1, 1), 4000),
                sex=case.pick(("F", "M")),
                adult=False,
                ethnic=ethnic,
                family=family,
            )
        )
    persons[2]["identifiers"].append(
        {"system": identifier_system("la-child-id"), "value": f"LA{seed % 1000:03d}{index:07d}"}
    )
    agencies = [
        {"id": "police", "name": "Westvale Constabulary", "types": ["police"]},
        {"id": "csc", "name": "Westvale Children's Services", "types": ["childrens-social-care"]},
        {"id": "idva", "name": "Westvale IDVA Service", "types": ["idva-service"]},
        {"id": "cdas", "name": "Westvale Children's Domestic Abuse Service", "types": ["childrens-da-service"]},
        {"id": "school", "name": "Westvale Primary School", "types": ["school"]},
    ]
    verified = {"date": f"{_ANCHOR.isoformat()}T09:00:00Z", "by": "csc"}
    households = [
        {
            "id": "household-1",
            "name": f"{family} household",
            "members": [
                {"person": key, "period": {"start": start.isoformat()}} for key in ("adult-a", "adult-b", *children)
            ],
            "lastVerified": verified,
        }
    ]
    relationships = [
        {
            "id": "rel-ab",
            "person": "adult-a",
            "relatedPerson": "adult-b",
            "relationship": ["intimate-partner"],
            "episodes": [{"status": "together", "period": {"start": (start - timedelta(days=900)).isoformat()}}],
            "lastVerified": verified,
        }
    ]
    for key in children:
        for adult_key in ("adult-a", "adult-b"):
            relationships.append(
                {
                    "id": f"rel-{adult_key}-{key}",
                    "person": key,
                    "relatedPerson": adult_key,
                    "relationship": ["parent"],
                    "lastVerified": verified,
                }
            )
    n_incidents = rng.randrange(1, 6)
    incident_days = sorted(case.day(start, 700) for _ in range(n_incidents))
    incidents: list[dict[str, Any]] = []
    statuses: list[dict[str, Any]] = []
    sharing: list[dict[str, Any]] = []
    for number, when in enumerate(incident_days, 1):
        key = f"inc-{number}"
        kinds = sorted(
            {case.pick(_NON_PHYSICAL_KINDS), "controlling-or-coercive"}
            | ({"physical"} if rng.random() < 0.4 else set())
        )
        exposure = ["heard"] if rng.random() < 0.6 else ["saw", "heard"]
        incident: dict[str, Any] = {
            "id": key,
            "status": "final",
            "identifiers": [{"system": identifier_system("police-incident"), "value": f"WV-{seed}-{index}-{number}"}],
            "subject": "household-1",
            "effectiveDateTime": f"{when.isoformat()}T21:{rng.randrange(60):02d}:00Z",
            "agency": "police",
            "behaviour": "Adult B shouted at Adult A, checked her phone and stopped her leaving the house; "
            "the children were at home.",
            "abuseKinds": kinds,
            "pattern": "course-of-conduct",
            "riskLevel": "high" if number >= 3 else "medium",
            "parties": [
                {"person": "adult-b", "role": "person-causing-harm"},
                {"person": "adult-a", "role": "victim"},
                *({"person": c, "role": "child-present", "exposure": exposure} for c in children),
            ],
        }
        if number > 1 and "unlinked-repeat-incident" not in flaw_set:
            incident["linkedIncidents"] = [f"inc-{number - 1}"]
        incidents.append(incident)
        sharing.append(
            {
                "id": f"share-{number}",
                "status": "completed",
                "about": [key],
                "sent": f"{(when + timedelta(days=1)).isoformat()}T10:00:00Z",
                "from": "police",
                "to": ["csc", "idva"],
                "sharingBasis": "without-consent-risk-of-harm",
            }
        )
    last_incident = incident_days[-1]
    for key in children:
        statuses.append(
            {
                "id": f"cvs-{key}",
                "status": "final",
                "child": key,
                "incidents": [i["id"] for i in incidents],
                "effectiveDateTime": f"{last_incident.isoformat()}T12:00:00Z",
                "victimStatus": "s3-child-victim",
                "basis": ["hears"],
                "relatedTo": ["parent-of-child"],
            }
        )
    contacts = [
        {
            "id": f"contact-{key}",
            "status": "finished",
            "contactClass": "HH",
            "child": key,
            "agency": "csc",
            "start": f"{(last_incident + timedelta(days=2)).isoformat()}T16:00:00Z",
            # The flaw: seen but not spoken with, and no reason recorded (DA3202).
            "voice": (
                {"seen": True, "spokenWith": False, "seenAlone": False}
                if "child-not-spoken-with" in flaw_set
                else {
                    "seen": True,
                    "spokenWith": True,
                    "seenAlone": True,
                    "words": ["I don't like it when they shout."],
                }
            ),
        }
        for key in children
    ]
    episodes = [
        {
            "id": f"svc-{key}",
            "status": "active",
            "serviceType": ["childrens-da-service"],
            "person": key,
            "agency": "cdas",
            "period": {"start": (last_incident + timedelta(days=5)).isoformat()},
            "lastContact": f"{_ANCHOR.isoformat()}T10:00:00Z",
            "offerOutcome": "accepted",
        }
        for key in children
    ]
    episodes.append(
        {
            "id": "svc-idva",
            "status": "active",
            "serviceType": ["idva"],
            "person": "adult-a",
            "agency": "idva",
            "period": {"start": (last_incident + timedelta(days=1)).isoformat()},
            "lastContact": f"{_ANCHOR.isoformat()}T11:00:00Z",
            "offerOutcome": "accepted",
        }
    )
    record: dict[str, Any] = {
        "recordType": RECORD_TYPE,
        "version": RECORD_VERSION,
        "caseId": case.case_id,
        "extractedAt": f"{_ANCHOR.isoformat()}T12:00:00Z",
        "security": {"confidentiality": "R", "labels": ["SDV"]},
        "agencies": agencies,
        "persons": persons,
        "households": households,
        "relationships": relationships,
        "incidents": incidents,
        "childVictimStatuses": statuses,
        "abuseClassifications": [
            {
                "id": "class-1",
                "status": "final",
                "subject": "household-1",
                "incidents": [i["id"] for i in incidents],
                "effectiveDateTime": f"{last_incident.isoformat()}T15:00:00Z",
                "classification": "domestic-abuse",
                "basis": ["fear", "control"],
            }
        ],
        "childContacts": contacts,
        "riskAssessments": [
            {
                "id": "ra-1",
                "status": "final",
                "tool": "safelives-ric-24",
                "victim": "adult-a",
                "date": f"{(last_incident + timedelta(days=1)).isoformat()}T11:00:00Z",
                "agency": "idva",
                "incidents": [i["id"] for i in incidents],
                "level": "high" if n_incidents >= 3 else "medium",
                "items": [{"question": q, "answer": "yes" if rng.random() < 0.5 else "no"} for q in range(1, 25)],
            }
        ],
        "adultAssessments": [
            {
                "id": f"aa-{key}",
                "status": "final",
                "adult": key,
                "children": children,
                "effectiveDateTime": f"{(last_incident + timedelta(days=3)).isoformat()}T10:00:00Z",
                "agency": "csc",
                "riskToChild": "high" if key == "adult-b" else "standard",
                "protectiveCapacity": "some" if key == "adult-a" else "limited",
                "engaged": True,
                "role": "birth-parent",
            }
            for key in ("adult-a", "adult-b")
        ],
        "historyChecks": [
            {
                "id": "hc-1",
                "status": "final",
                "person": "adult-b",
                "personsAtRisk": ["adult-a"],
                "effectiveDateTime": f"{(last_incident + timedelta(days=4)).isoformat()}T10:00:00Z",
                "agency": "police",
                "outcome": "no-relevant-history",
                "checkType": "ddvds-right-to-ask",
            }
        ],
        "serviceEpisodes": episodes,
        "informationSharing": sharing,
        "plans": [
            {
                "id": "plan-1",
                "status": "active",
                "planType": "safety-plan",
                "subject": "adult-a",
                "period": {"start": (last_incident + timedelta(days=3)).isoformat()},
                "activities": [
                    {
                        "directedAt": ["adult-b"],
                        "action": "refer-perpetrator-programme",
                        "status": "scheduled",
                        "agency": "csc",
                    },
                    {
                        "directedAt": children,
                        "action": "refer-specialist-service",
                        "status": "in-progress",
                        "agency": "csc",
                    },
                ],
            }
        ],
        "provenance": [
            {
                "targets": [i["id"] for i in incidents],
                "recorded": f"{_ANCHOR.isoformat()}T12:00:00Z",
                "agents": [{"who": "police"}],
                "factSource": "observed",
            }
        ],
    }
    if n_incidents >= 3:
        record["maracReferrals"] = [
            {
                "id": "marac-1",
                "status": "active",
                "victim": "adult-a",
                "authoredOn": f"{(last_incident + timedelta(days=2)).isoformat()}T12:00:00Z",
                "referrer": "idva",
                "criteria": ["potential-escalation"],
                "supportingInfo": ["ra-1"],
                "personCausingHarm": "adult-b",
                "children": children,
                "sharingBasis": "consent",
                "meeting": {
                    "heard": min(last_incident + timedelta(days=9), _ANCHOR).isoformat(),
                    "agenciesPresent": ["police", "idva", "cdas"],
                    "victimInformed": True,
                },
            }
        ]
        record["plans"].append(
            {
                "id": "plan-marac",
                "status": "active",
                "planType": "marac-action-plan",
                "subject": "adult-a",
                "basedOn": ["marac-1"],
                "activities": [
                    {
                        "directedAt": [key],
                        "action": "refer-specialist-service",
                        "status": "in-progress",
                        "agency": "cdas",
                    }
                    for key in children
                ],
            }
        )
    return record


def generate_records(
    count: int, *, seed: int = 0, start: int = 0, flaws: Iterable[str] = ()
) -> Iterator[dict[str, Any]]:
    """Logical records ``start`` .. ``start + count - 1`` of dataset ``seed``."""
    flaw_set = frozenset(flaws)
    for index in range(start, start + count):
        yield case_record(seed, index, flaw_set)


def case_bundle(seed: int, index: int, flaws: Iterable[str] = ()) -> dict[str, Any]:
    """The DACaseBundle of case ``index`` of dataset ``seed``.

    ``missing-characteristic`` is applied here: the logical record cannot leave a characteristic out (its schema
    requires a value or an absent reason), so the religion extension of the first adult is removed from the Bundle.
    """
    flaw_set = frozenset(flaws)
    record = case_record(seed, index, flaw_set)
    bundle = logical_to_bundle(record, source=_SOURCE, checked=True)
    if "missing-characteristic" in flaw_set:
        _drop_religion(bundle)
    return bundle


def _drop_religion(bundle: dict[str, Any]) -> None:
    for entry in bundle.get("entry", []):
        resource = entry.get("resource", {})
        if resource.get("resourceType") == "Patient":
            resource["extension"] = [e for e in resource.get("extension", []) if e.get("url") != _RELIGION_URL]
            return


def generate_bundles(
    count: int, *, seed: int = 0, start: int = 0, flaws: Iterable[str] = (), flaw_every: int = 1
) -> Iterator[dict[str, Any]]:
    """The DACaseBundles of cases ``start`` .. ``start + count - 1`` (see ``case_bundle`` and ``flaws_of``)."""
    flaw_set = frozenset(flaws)
    for index in range(start, start + count):
        yield case_bundle(seed, index, flaws_of(index, flaw_set, flaw_every))


def flaws_of(index: int, flaws: frozenset[str], flaw_every: int) -> frozenset[str]:
    """The flaws case ``index`` carries when one case in ``flaw_every`` carries ``flaws`` (cases 0, N, 2N, ...)."""
    if flaw_every < 1:
        raise ValueError(f"flaw_every must be at least 1, not {flaw_every}")
    return flaws if index % flaw_every == 0 else frozenset()


def case_line(seed: int, index: int, fmt: str, flaws: Iterable[str] = ()) -> bytes:
    """Case ``index`` as one NDJSON line (``ndjson``: the Bundle; ``logical``: the logical record), newline included."""
    if fmt == "logical":
        return orjson.dumps(case_record(seed, index, flaws)) + b"\n"
    return orjson.dumps(case_bundle(seed, index, flaws)) + b"\n"


def check_flaws(fmt: str, flaws: Iterable[str]) -> frozenset[str]:
    """The flaws as a set; ValueError for an unknown flaw or one ``fmt`` cannot carry."""
    flaw_set = frozenset(flaws)
    unknown = flaw_set - FLAWS
    if unknown:
        raise ValueError(f"unknown flaw(s): {', '.join(sorted(unknown))}; known: {', '.join(sorted(FLAWS))}")
    if fmt == "logical" and "missing-characteristic" in flaw_set:
        raise ValueError("a logical record cannot leave a characteristic out; use missing-characteristic with ndjson")
    if fmt == "cin-census" and flaw_set:
        raise ValueError("a CIN census return cannot carry these flaws (it holds none of the facts they change)")
    return flaw_set


WRITABLE: Final = ("ndjson", "logical", "fhir-json", "cin-census", "police-csv")


def case_lines(seed: int, start: int, count: int, fmt: str, flaws: Iterable[str] = (), flaw_every: int = 1) -> bytes:
    """Cases ``start`` .. ``start + count - 1`` as NDJSON lines, concatenated (see ``case_line`` and ``flaws_of``)."""
    flaw_set = frozenset(flaws)
    return b"".join(
        case_line(seed, index, fmt, flaws_of(index, flaw_set, flaw_every)) for index in range(start, start + count)
    )


def _chunks(
    seed: int, fmt: str, flaws: frozenset[str], limit: int | None, jobs: int, flaw_every: int = 1
) -> Iterator[bytes]:
    """Consecutive slices of ``_CHUNK`` cases as NDJSON bytes, in order; without ``limit``, without end.

    With ``jobs > 1`` the slices are built in a process pool (at most ``2 * jobs`` ahead of the consumer); the
    bytes are the same as with one process because case ``i`` depends only on ``(seed, i)``.
    """
    starts = itertools.count(0, _CHUNK) if limit is None else iter(range(0, limit, _CHUNK))

    def size(begin: int) -> int:
        return _CHUNK if limit is None else min(_CHUNK, limit - begin)

    if jobs <= 1:
        for begin in starts:
            yield case_lines(seed, begin, size(begin), fmt, flaws, flaw_every)
        return
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        pending: deque[Future[bytes]] = deque()
        try:
            for begin in starts:
                pending.append(pool.submit(case_lines, seed, begin, size(begin), fmt, flaws, flaw_every))
                if len(pending) >= 2 * jobs:
                    yield pending.popleft().result()
            while pending:
                yield pending.popleft().result()
        finally:
            for future in pending:
                future.cancel()


def write_dataset(
    path: Path,
    fmt: str,
    *,
    count: int,
    seed: int = 0,
    flaws: Iterable[str] = (),
    min_bytes: int = 0,
    jobs: int = 1,
    flaw_every: int = 1,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Write ``count`` cases (or, with ``min_bytes``, as many as reach that size) to ``path`` in ``fmt``.

    ``progress(n)`` is called as each ``n`` more cases are written (for a progress bar).

    ``ndjson``: one Bundle per line; ``logical``: one logical record per line (JSON Lines); ``fhir-json``: a
    folder with one Bundle file per case; ``cin-census`` and ``police-csv`` go through those formats' writers.
    ``min_bytes`` applies to ``ndjson`` and ``logical`` only; so does ``jobs`` (worker processes building slices
    of cases; the file is byte-identical to ``jobs=1``). With ``flaw_every`` N, only one case in N (cases 0, N,
    2N, ...) carries the flaws: a mix of clean and flawed cases. Files are written atomically (a temporary file in the
    same folder, renamed into place; removed on failure). Returns the number of cases written. Raises
    ValueError for an unknown format or flaw, OSError when the output cannot be written.
    """
    if fmt not in WRITABLE:
        raise ValueError(f"cannot generate {fmt!r}; choose one of {', '.join(WRITABLE)}")
    flaw_set = check_flaws(fmt, flaws)
    flaws_of(0, flaw_set, flaw_every)  # checks flaw_every before anything is written
    path.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "fhir-json":
        path.mkdir(parents=True, exist_ok=True)
        for n, bundle in enumerate(generate_bundles(count, seed=seed, flaws=flaw_set, flaw_every=flaw_every)):
            (path / f"case-{n:07d}.json").write_bytes(orjson.dumps(bundle, option=orjson.OPT_INDENT_2))
            if progress is not None:
                progress(1)
        return count
    fd, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    temp = Path(temp_name)
    try:
        with os.fdopen(fd, "wb") as out:
            if fmt in ("ndjson", "logical"):
                written = _write_lines(
                    out,
                    seed,
                    fmt,
                    flaw_set,
                    count=count,
                    min_bytes=min_bytes,
                    jobs=jobs,
                    flaw_every=flaw_every,
                    progress=progress,
                )
            else:
                from dastandard.convert.base import ConversionReport
                from dastandard.convert.registry import get_format

                bundles = (
                    census_bundles(count, seed=seed, source_file=path.name)
                    if fmt == "cin-census"
                    else generate_bundles(count, seed=seed, flaws=flaw_set, flaw_every=flaw_every)
                )
                get_format(fmt).write(_ticking(bundles, progress), out, ConversionReport())
                written = count
        temp.replace(path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return written


def _ticking(items: Iterable[Any], progress: Callable[[int], None] | None) -> Iterator[Any]:
    for item in items:
        yield item
        if progress is not None:
            progress(1)


def _write_lines(
    out: IO[bytes],
    seed: int,
    fmt: str,
    flaws: frozenset[str],
    *,
    count: int,
    min_bytes: int,
    jobs: int,
    flaw_every: int = 1,
    progress: Callable[[int], None] | None = None,
) -> int:
    if not min_bytes:
        for chunk in _chunks(seed, fmt, flaws, count, jobs, flaw_every):
            out.write(chunk)
            if progress is not None:
                progress(chunk.count(b"\n"))
        return count
    size = written = 0
    for chunk in _chunks(seed, fmt, flaws, None, jobs, flaw_every):
        for line in chunk.splitlines(keepends=True):
            out.write(line)
            size += len(line)
            written += 1
            if progress is not None:
                progress(1)
            if size >= min_bytes:
                return written
    return written  # pragma: no cover - the chunks never end


# --------------------------------------------------------------------------------------------------- CIN census

# Bumped whenever the generated census return changes, so a cached return of an older shape is never reused.
CIN_FORMAT_VERSION: Final = 4
_CIN_LEA: Final = "999"
# The LA code inside generated UPNs: 001 is one of the pseudo LA codes the DfE recognises (rule 1530), so no
# generated pupil number names a real authority.
_UPN_LA: Final = "001"
_CIN_REFERENCE_DATE: Final = date(2026, 3, 31)
_CIN_YEAR_START: Final = date(2025, 4, 1)
# (code, weight) lists: a domestic-abuse caseload, so police notifications lead the referral sources
_REFERRAL_SOURCES: Final = (
    ("6", 45),
    ("2A", 12),
    ("1A", 7),
    ("3F", 4),
    ("3B", 3),
    ("3E", 3),
    ("5A", 4),
    ("5D", 3),
    ("4", 3),
    ("7", 3),
    ("8", 3),
    ("1C", 2),
    ("9", 2),
    ("10", 2),
    ("2B", 2),
    ("3A", 2),
)
_NEEDS: Final = (("N1", 35), ("N5", 30), ("N4", 20), ("N3", 5), ("N8", 4), ("N2", 3), ("N6", 2), ("N7", 1))
_CATEGORIES: Final = (("EMO", 55), ("NEG", 30), ("PHY", 7), ("MUL", 5), ("SAB", 3))
# factors other than domestic abuse (3A-3C) often recorded alongside it, with how often
_OTHER_FACTORS: Final = (
    ("1B", 0.15),
    ("2B", 0.12),
    ("4A", 0.08),
    ("4B", 0.25),
    ("5B", 0.03),
    ("6B", 0.04),
    ("7A", 0.03),
    ("14A", 0.03),
    ("15A", 0.03),
    ("16A", 0.1),
    ("17A", 0.3),
    ("18C", 0.04),
    ("20", 0.05),
)


def _weighted(rng: random.Random, options: tuple[tuple[str, int], ...]) -> str:
    return rng.choices([c for c, _ in options], weights=[w for _, w in options])[0]


def _working_days(start: date, days: int) -> date:
    """``days`` working days (Monday to Friday) after ``start``."""
    day = start
    while days > 0:
        day += timedelta(days=1)
        if day.weekday() < 5:
            days -= 1
    return day


def _weekday(day: date) -> date:
    """``day``, or the Monday after it when it falls at a weekend."""
    return day + timedelta(days=(7 - day.weekday()) % 7) if day.weekday() >= 5 else day


def _upn(rng: random.Random) -> str:
    """A unique pupil number: a check letter, then the LA code, an establishment number, a year and a serial."""
    digits = f"{_UPN_LA}{rng.randrange(1000, 8000):04d}{rng.randrange(10, 26):02d}{rng.randrange(1000):03d}"
    letter = upn_check_letter(f"A{digits}")
    assert letter is not None  # twelve digits always have one
    return letter + digits


def census_header() -> CensusHeader:
    """The Header of every generated census return (the 2025-26 return: reference date 31 March 2026)."""
    return CensusHeader(
        # the collection year is the year of the reference date, which is 31 March of it (rule 100)
        values={
            "Collection": "CIN",
            "Year": str(_CIN_REFERENCE_DATE.year),
            "ReferenceDate": _CIN_REFERENCE_DATE.isoformat(),
        },
        sources=[
            {
                "SourceLevel": "L",
                "LEA": _CIN_LEA,
                "SoftwareCode": _SOURCE,
                "Release": str(CIN_FORMAT_VERSION),
                "SerialNo": "001",
                "DateTime": "2026-04-14T09:00:00",
            }
        ],
    )


def _factors(rng: random.Random, born: bool) -> list[str]:
    """Factors identified at a completed assessment of a child living with domestic abuse.

    3A (the child the subject of domestic abuse) is as common as in real returns for a child already born; the
    census reader makes it a child victim status under the Domestic Abuse Act 2021 s3 for a child under 16 and an
    incident with the child as a party from 16. Before birth the concern is recorded as the parent's or carer's
    (3B).
    """
    da_rates = (("3A", 0.45 if born else 0.0), ("3B", 0.85), ("3C", 0.04))
    da = [code for code, p in da_rates if rng.random() < p] or ["3B"]
    return da + [code for code, p in _OTHER_FACTORS if rng.random() < p]


def _census_episode(rng: random.Random, referral: date, born: bool) -> tuple[dict[str, Any], date | None]:
    """One CINdetails (census element order) for a referral on ``referral``, and its closure date (None: open)."""
    end_of_year = _CIN_REFERENCE_DATE
    ep: dict[str, Any] = {"CINreferralDate": referral.isoformat(), "ReferralSource": _weighted(rng, _REFERRAL_SOURCES)}
    if rng.random() < 0.08:  # no further action on the referral
        # RC8 and RC9 mean closed after an assessment, which this referral never had (query 8825Q)
        ep |= {"CINclosureDate": referral.isoformat(), "ReasonForClosure": "RC7", "ReferralNFA": "true"}
        return ep, referral
    start = _working_days(referral, rng.randrange(0, 5)) if rng.random() < 0.7 else _weekday(referral)
    authorised: date | None = _working_days(start, rng.randrange(8, 46))
    assessment: dict[str, Any] = {"AssessmentActualStartDate": start.isoformat()}
    if authorised is not None and authorised > end_of_year:
        authorised = None
    if authorised is not None:
        if rng.random() < 0.25:
            assessment["AssessmentInternalReviewDate"] = (start + (authorised - start) / 2).isoformat()
        assessment["AssessmentAuthorisationDate"] = authorised.isoformat()
        assessment["FactorsIdentifiedAtAssessment"] = {"AssessmentFactors": _factors(rng, born)}
    ends: list[date] = [authorised] if authorised else []
    open_work = authorised is None
    s47: dict[str, Any] | None = None
    icpc: date | None = None
    cpp: dict[str, Any] | None = None
    cpp_end: date | None = None
    s47_start = _working_days(start, rng.randrange(0, 6))
    if rng.random() < 0.32 and s47_start <= end_of_year:
        target = _working_days(s47_start, 15)
        held = _working_days(s47_start, rng.randrange(8, 16))
        s47 = {"S47ActualStartDate": s47_start.isoformat(), "InitialCPCtarget": target.isoformat()}
        if rng.random() < 0.62 and held <= end_of_year:
            icpc = held
            s47 |= {"DateOfInitialCPC": held.isoformat(), "ICPCnotRequired": "false"}
        elif held <= end_of_year:
            s47["ICPCnotRequired"] = "true"
        else:
            s47["ICPCnotRequired"] = "false"
            open_work = True
        ends.append(icpc or s47_start)
    if icpc is not None and rng.random() < 0.85:
        category = _weighted(rng, _CATEGORIES)
        cpp_end = icpc + timedelta(days=rng.randrange(90, 540))
        cpp = {"CPPstartDate": icpc.isoformat()}
        if cpp_end <= end_of_year:
            cpp["CPPendDate"] = cpp_end.isoformat()
            ends.append(cpp_end)
        else:
            cpp_end = None
            open_work = True
        reviews: list[str] = []
        review = _weekday(icpc + timedelta(days=rng.randrange(80, 92)))
        while review <= end_of_year and (cpp_end is None or review < cpp_end):
            reviews.append(review.isoformat())
            review = _weekday(review + timedelta(days=rng.randrange(170, 184)))
        cpp |= {
            "InitialCategoryOfAbuse": category,
            "LatestCategoryOfAbuse": category if rng.random() < 0.85 else _weighted(rng, _CATEGORIES),
            "NumberOfPreviousCPP": str(rng.choices((1, 2, 3), weights=(78, 17, 5))[0]),  # xs:positiveInteger
        }
        if reviews:
            cpp["Reviews"] = {"CPPreviewDate": reviews}
    plan: dict[str, Any] | None = None
    plan_start: date | None = None
    if cpp is None and authorised is not None and rng.random() < 0.55:
        plan_start = _weekday(authorised + timedelta(days=rng.randrange(0, 15)))
    elif cpp_end is not None and rng.random() < 0.5:  # stepped down from a child protection plan
        plan_start = cpp_end + timedelta(days=1)
    if plan_start is not None and plan_start <= end_of_year:
        plan = {"CINPlanStartDate": plan_start.isoformat()}
        plan_end = plan_start + timedelta(days=rng.randrange(90, 400))
        if plan_end <= end_of_year:
            plan["CINPlanEndDate"] = plan_end.isoformat()
            ends.append(plan_end)
        else:
            open_work = True
    protective = s47 is not None or cpp is not None
    ep["PrimaryNeedCode"] = "N1" if protective else _weighted(rng, _NEEDS)
    closed: date | None = None
    if not open_work:
        closed = _weekday(max(ends) + timedelta(days=rng.randrange(0, 29)))
        if closed > end_of_year:
            closed = None
    if closed is not None:
        ep["CINclosureDate"] = closed.isoformat()
        if plan is None and cpp is None and s47 is None:  # no activity after the assessment (rule 2990)
            ep["ReasonForClosure"] = "RC8" if rng.random() < 0.55 else "RC9"
        else:
            ep["ReasonForClosure"] = rng.choices(("RC7", "RC3", "RC4", "RC5"), weights=(85, 5, 3, 7))[0]
    # the initial conference is recorded once, on its Section 47 enquiry (rule 2884); work that ended before the
    # census year is not returned (rules 8696, 8715, 8930, 4013)
    if authorised is not None and authorised < _CIN_YEAR_START:
        assessment = {}
    if icpc is not None and icpc < _CIN_YEAR_START:
        s47 = None
    if cpp_end is not None and cpp_end < _CIN_YEAR_START:
        cpp = None
    if plan is not None and plan.get("CINPlanEndDate", "9999") < _CIN_YEAR_START.isoformat():
        plan = None
    if not assessment and ep.get("ReasonForClosure") in ("RC8", "RC9"):  # no assessment returned (query 8825Q)
        ep["ReasonForClosure"] = "RC7"
    if assessment:
        ep["Assessments"] = assessment
    if plan is not None:
        ep["CINPlanDates"] = plan
    if s47 is not None:
        ep["Section47"] = s47
    ep["ReferralNFA"] = "false"
    if cpp is not None:
        ep["ChildProtectionPlans"] = cpp
    return ep, closed


def census_child(seed: int, index: int) -> dict[str, Any]:
    """The census Child of case ``index`` (its first child), in census element order (see ``census_bundle``).

    Who the child is comes from the case; the children's social care history the case does not hold (referrals
    after its police incidents, assessments and their factors, Section 47 enquiries, plans) is derived from the
    case's incidents and a generator seeded by ``(seed, index)``, so it is as deterministic as the case.
    """
    record = case_record(seed, index)
    rng = random.Random(f"{seed}:{index}:cin")
    child = record["persons"][2]
    la_id = next(i["value"] for i in child["identifiers"] if i["system"] == identifier_system("la-child-id"))
    incidents = sorted(date.fromisoformat(i["effectiveDateTime"][:10]) for i in record["incidents"])
    ids: dict[str, Any] = {"LAchildID": la_id}
    chars: dict[str, Any] = {"Ethnicity": child["ethnicityDfe"]}
    born = False
    # a pre-birth referral after the latest incident, the baby not yet born at the reference date
    expected = incidents[-1] + timedelta(days=rng.randrange(200, 270))
    if expected > _CIN_REFERENCE_DATE and rng.random() < 0.3:
        ids |= {"LAchildID": f"{la_id}U", "UPNunknown": "UN1", "ExpectedPersonBirthDate": expected.isoformat()}
        ids["Sex"] = "U"
        chars["Ethnicity"] = "NOBT"
        incidents = incidents[-1:]
    else:
        birth = date.fromisoformat(child["birthDate"])
        born = True
        age = (_CIN_REFERENCE_DATE - birth).days // 365
        roll = rng.random()
        if age < 4:
            ids["UPNunknown"] = "UN1"
        elif roll < 0.92:
            ids["UPN"] = _upn(rng)
        elif roll < 0.96:
            ids |= {"UPN": _upn(rng), "FormerUPN": _upn(rng)}
        else:
            ids["UPNunknown"] = rng.choice(("UN2", "UN3", "UN5"))
        ids["PersonBirthDate"] = birth.isoformat()
        ids["Sex"] = child["sex"]
        if child["disability"][0] == "NONE":
            chars["Disabilities"] = {"Disability": "NONE"}
    episodes: list[dict[str, Any]] = []
    wanted = 1 + (rng.random() < 0.22) + (rng.random() < 0.25)
    closed: date | None = date.min
    for when in incidents:
        if len(episodes) >= wanted or closed is None:
            break
        if when <= closed:
            continue
        episode, closed = _census_episode(rng, when + timedelta(days=rng.choice((0, 1, 1, 2, 3))), born)
        if closed is None or closed >= _CIN_YEAR_START:  # the return holds the episodes open during the year
            episodes.append(episode)
    if not episodes:  # a re-referral during the year, after the episodes the return no longer holds
        referral = _CIN_YEAR_START + timedelta(days=rng.randrange(0, 330))
        episodes.append(_census_episode(rng, referral, born)[0])
    return {"ChildIdentifiers": ids, "ChildCharacteristics": chars, "CINdetails": episodes}


def census_bundles(
    count: int, *, seed: int = 0, start: int = 0, source_file: str = _SOURCE
) -> Iterator[dict[str, Any]]:
    """The Bundles of generated census Children ``start`` .. ``start + count - 1`` (Child numbers from 1)."""
    header = census_header()
    for index in range(start, start + count):
        yield census_bundle(census_child(seed, index), header, source_file=source_file, number=index + 1)
