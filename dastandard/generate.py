"""Synthetic case records at any size, seeded and deterministic, for tests and the benchmark.

Each case is built as a logical record (``dastandard.logical``) and turned into a DACaseBundle by the same
converter agencies use, so the generator never writes FHIR by hand. Case ``i`` of seed ``s`` depends only on
``(s, i)``: any slice of a dataset can be generated on its own (and in parallel) and is identical to the same
slice of the whole.

Every person, place and reference is invented. Protected characteristics have realistic recording gaps, but a
gap is always an explicit absent reason; a generated record is valid (no error or warning from any layer)
unless a flaw is asked for with ``flaws``.

Error policy: arguments are checked (ValueError on an unknown format or flaw); nothing else raises.
"""

from __future__ import annotations

import itertools
import os
import random
import tempfile
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import IO, Any, Final

import orjson

from dastandard.canonicals import NHS_NUMBER_SYSTEM
from dastandard.convert.ids import identifier_system
from dastandard.logical import RECORD_TYPE, RECORD_VERSION, logical_to_bundle

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
_RELIGION_URL: Final = "http://hl7.org/fhir/StructureDefinition/patient-religion"


def _nhs_number(rng: random.Random) -> str:
    """A synthetic NHS number in the 999 test range with a valid Modulus 11 check digit."""
    while True:
        digits = [9, 9, 9, *(rng.randrange(10) for _ in range(6))]
        remainder = sum(d * w for d, w in zip(digits, range(10, 1, -1), strict=True)) % 11
        check = 11 - remainder
        if check == 11:
            check = 0
        if check != 10:
            return "".join(map(str, digits)) + str(check)


@dataclass
class _Case:
    """Mutable scratch state while one case is built."""

    rng: random.Random
    case_id: str
    flaws: frozenset[str]

    def pick(self, options: tuple[str, ...]) -> str:
        return options[self.rng.randrange(len(options))]

    def day(self, base: date, spread: int) -> date:
        return base + timedelta(days=self.rng.randrange(spread))


def _absent_or(case: _Case, value: str, reason: str, gap_rate: float) -> Any:
    return {"absentReason": reason} if case.rng.random() < gap_rate else value


def _person(case: _Case, key: str, *, born: date, sex: str, adult: bool, ethnic: int, family: str) -> dict[str, Any]:
    rng = case.rng
    given = (_GIVEN_F if sex == "F" else _GIVEN_M)[rng.randrange(10)]
    person: dict[str, Any] = {
        "id": key,
        "identifiers": [{"system": NHS_NUMBER_SYSTEM, "value": _nhs_number(rng)}],
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
    case = _Case(rng, f"GEN-{seed}-{index:07d}", flaw_set)
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
                "agency": "police",
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
    count: int, *, seed: int = 0, start: int = 0, flaws: Iterable[str] = ()
) -> Iterator[dict[str, Any]]:
    """The DACaseBundles of cases ``start`` .. ``start + count - 1`` (see ``case_bundle``)."""
    flaw_set = frozenset(flaws)
    for index in range(start, start + count):
        yield case_bundle(seed, index, flaw_set)


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
    return flaw_set


WRITABLE: Final = ("ndjson", "logical", "fhir-json", "cin-census", "police-csv")


def case_lines(seed: int, start: int, count: int, fmt: str, flaws: Iterable[str] = ()) -> bytes:
    """Cases ``start`` .. ``start + count - 1`` as NDJSON lines, concatenated (see ``case_line``)."""
    flaw_set = frozenset(flaws)
    return b"".join(case_line(seed, index, fmt, flaw_set) for index in range(start, start + count))


def _chunks(seed: int, fmt: str, flaws: frozenset[str], limit: int | None, jobs: int) -> Iterator[bytes]:
    """Consecutive slices of ``_CHUNK`` cases as NDJSON bytes, in order; without ``limit``, without end.

    With ``jobs > 1`` the slices are built in a process pool (at most ``2 * jobs`` ahead of the consumer); the
    bytes are the same as with one process because case ``i`` depends only on ``(seed, i)``.
    """
    starts = itertools.count(0, _CHUNK) if limit is None else iter(range(0, limit, _CHUNK))

    def size(begin: int) -> int:
        return _CHUNK if limit is None else min(_CHUNK, limit - begin)

    if jobs <= 1:
        for begin in starts:
            yield case_lines(seed, begin, size(begin), fmt, flaws)
        return
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        pending: deque[Future[bytes]] = deque()
        try:
            for begin in starts:
                pending.append(pool.submit(case_lines, seed, begin, size(begin), fmt, flaws))
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
) -> int:
    """Write ``count`` cases (or, with ``min_bytes``, as many as reach that size) to ``path`` in ``fmt``.

    ``ndjson``: one Bundle per line; ``logical``: one logical record per line (JSON Lines); ``fhir-json``: a
    folder with one Bundle file per case; ``cin-census`` and ``police-csv`` go through those formats' writers.
    ``min_bytes`` applies to ``ndjson`` and ``logical`` only; so does ``jobs`` (worker processes building slices
    of cases; the file is byte-identical to ``jobs=1``). Files are written atomically (a temporary file in the
    same folder, renamed into place; removed on failure). Returns the number of cases written. Raises
    ValueError for an unknown format or flaw, OSError when the output cannot be written.
    """
    if fmt not in WRITABLE:
        raise ValueError(f"cannot generate {fmt!r}; choose one of {', '.join(WRITABLE)}")
    flaw_set = check_flaws(fmt, flaws)
    path.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "fhir-json":
        path.mkdir(parents=True, exist_ok=True)
        for n, bundle in enumerate(generate_bundles(count, seed=seed, flaws=flaw_set)):
            (path / f"case-{n:07d}.json").write_bytes(orjson.dumps(bundle, option=orjson.OPT_INDENT_2))
        return count
    fd, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    temp = Path(temp_name)
    try:
        with os.fdopen(fd, "wb") as out:
            if fmt in ("ndjson", "logical"):
                written = _write_lines(out, seed, fmt, flaw_set, count=count, min_bytes=min_bytes, jobs=jobs)
            else:
                from dastandard.convert.base import ConversionReport
                from dastandard.convert.registry import get_format

                get_format(fmt).write(generate_bundles(count, seed=seed, flaws=flaw_set), out, ConversionReport())
                written = count
        temp.replace(path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return written


def _write_lines(
    out: IO[bytes], seed: int, fmt: str, flaws: frozenset[str], *, count: int, min_bytes: int, jobs: int
) -> int:
    if not min_bytes:
        for chunk in _chunks(seed, fmt, flaws, count, jobs):
            out.write(chunk)
        return count
    size = written = 0
    for chunk in _chunks(seed, fmt, flaws, None, jobs):
        for line in chunk.splitlines(keepends=True):
            out.write(line)
            size += len(line)
            written += 1
            if size >= min_bytes:
                return written
    return written  # pragma: no cover - the chunks never end
