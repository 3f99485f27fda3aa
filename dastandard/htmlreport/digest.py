"""What the data-quality report needs from one record, worked out beside the checks (in the worker process).

``digest_record`` reduces a ``DACaseBundle`` to a small picklable ``RecordDigest``: the record's agency, and per
person whether they are a child, how they are named and identified at source, and for each protected
characteristic and key field whether it is recorded, stated absent (with the reason) or silent. It reads the
record through the validator's ``RecordIndex`` (shared with the practice rules of the same record), so who counts
as a child is decided as the rules decide it. Error policy: never raises on content; anything unreadable is
simply not recorded (silent).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from dastandard.htmlreport.labels import code_label, in_sentence
from dastandard.model.fragments import as_list, as_map, as_str
from dastandard.model.urls import (
    DATA_ABSENT_REASON_SYSTEM,
    NHS_NUMBER_SYSTEM,
    PATIENT_DISABILITY,
    PATIENT_RELIGION,
    UKCORE_ETHNIC_CATEGORY,
)
from dastandard.validation._record_index import (
    RecordIndex,
    absent_reason,
    ext_url,
    has_code,
    id_system,
    parse_date,
)
from dastandard.validation.inputs import source_record

RECORDED = "recorded"
ABSENT = "absent"
SILENT = "silent"

# The protected characteristics of the Equality Act 2010 as the standard records them, in report order.
# Gender reassignment has no element of its own: it is read from gender identity.
CHARACTERISTICS: tuple[tuple[str, str], ...] = (
    ("age", "Age (date of birth)"),
    ("sex", "Sex"),
    ("gender-identity", "Gender identity and gender reassignment"),
    ("sexual-orientation", "Sexual orientation"),
    ("ethnicity", "Ethnicity"),
    ("religion", "Religion or belief"),
    ("disability", "Disability"),
    ("marital-status", "Marriage and civil partnership"),
    ("pregnancy", "Pregnancy and maternity"),
)

# Key fields of a person beyond the characteristics.
KEY_FIELDS: tuple[tuple[str, str], ...] = (
    ("name", "Name"),
    ("identifier", "Source identifier (NHS number, LA child id, UPN, police person id)"),
    ("address", "Address"),
)

# Identifier systems a person is known by at source, with the label an agency uses for them.
_ID_LABELS = (
    ("la-child-id", "LAchildID"),
    ("upn", "UPN"),
    ("police-person-id", "Police person id"),
    ("marac-person-id", "MARAC id"),
    ("local-person-id", "Local id"),
)
# Identifier systems of a whole record (``Bundle.identifier``), with their labels.
_RECORD_ID_LABELS = (
    ("police-incident-reference", "Incident"),
    ("marac-referral-id", "MARAC referral"),
    ("case-reference", "Case"),
    ("la-child-id", "LAchildID"),
    ("local-id", "Local id"),
)


@dataclass(frozen=True, slots=True)
class PersonDigest:
    """One person of a record as the report shows them."""

    resource: str  # "Patient/<id>", as findings name it
    child: bool
    name: str
    ids: tuple[tuple[str, str], ...]  # (label, value), e.g. ("LAchildID", "EX0001")
    birth_date: str
    # (field, status, absent reason or "") for every characteristic and key field, in CHARACTERISTICS/KEY_FIELDS order
    fields: tuple[tuple[str, str, str], ...]


@dataclass(frozen=True, slots=True)
class RecordDigest:
    """One record (a case Bundle) as the report counts it."""

    file: str
    record: int | None
    agency: str
    persons: tuple[PersonDigest, ...]
    incidents: int
    ids: tuple[tuple[str, str], ...] = ()  # the record's own identifiers (case reference, incident, MARAC referral)
    source: str = ""  # where the record is in its agency file (XPath, CSV rows, JSON path), for converted records


@dataclass
class Completeness:
    """Recorded / stated absent (by reason) / silent counts of every field, for one group of persons."""

    persons: int = 0
    # how many persons have each (field, status, reason); the per-field counts are added up by ``rows``
    seen: Counter[tuple[str, str, str]] = field(default_factory=Counter)

    def add(self, person: PersonDigest) -> None:
        self.persons += 1
        self.seen.update(person.fields)

    def rows(self, fields: Sequence[tuple[str, str]]) -> list[dict[str, Any]]:
        """One row per field: its label, and how many persons have it recorded, stated absent (with the reasons
        in words, commonest first) or silent, of ``total``."""
        counts: dict[str, Counter[str]] = {}
        for (name, status, reason), n in self.seen.items():
            counter = counts.setdefault(name, Counter())
            counter[status] += n
            if status == ABSENT:
                counter[f"{ABSENT}:{reason}"] += n
        out = []
        for name, label in fields:
            counter = counts.get(name, Counter())
            reasons = sorted(
                (
                    (in_sentence(code_label(DATA_ABSENT_REASON_SYSTEM, key.split(":", 1)[1])), n)
                    for key, n in counter.items()
                    if ":" in key
                ),
                key=lambda item: -item[1],
            )
            out.append(
                {
                    "name": name,
                    "label": label,
                    "short": label if len(label) <= 44 else label[:43] + "…",
                    "recorded": counter[RECORDED],
                    "absent": counter[ABSENT],
                    "silent": counter[SILENT],
                    "total": self.persons,
                    "reasons": reasons,
                }
            )
        return out


def _urls() -> dict[str, tuple[str, ...]]:
    return {
        "sex": (ext_url("person-sex"),),
        "gender-identity": (ext_url("gender-identity"),),
        "sexual-orientation": (ext_url("sexual-orientation"),),
        "ethnicity": (UKCORE_ETHNIC_CATEGORY, ext_url("ethnicity-ons-2021"), ext_url("ethnicity-dfe")),
        "religion": (PATIENT_RELIGION,),
        "disability": (PATIENT_DISABILITY,),
        "pregnancy": (ext_url("pregnancy-status"),),
    }


_URLS: dict[str, tuple[str, ...]] = {}


def _status_of(element: Any) -> tuple[str, str]:
    reason = absent_reason(element)
    if reason is not None:
        return ABSENT, reason
    item = as_map(element)
    if not item:
        return SILENT, ""
    for key, value in item.items():
        if key.startswith("value") and value not in (None, "", [], {}):
            return RECORDED, ""
    absent = ""
    for sub in as_list(item.get("extension")):  # a complex extension: recorded if any part is, else absent if stated
        status, reason = _status_of(sub)
        if status == RECORDED:
            return RECORDED, ""
        if status == ABSENT and not absent:
            absent = reason
    return (ABSENT, absent) if absent else (SILENT, "")


def _concept_status(concept: Any) -> tuple[str, str]:
    reason = absent_reason(concept)
    if reason is not None:
        return ABSENT, reason
    item = as_map(concept)
    return (RECORDED, "") if has_code(item) or as_str(item.get("text")) else (SILENT, "")


def name_words(name: Any) -> str:
    """One name as written (its ``text``, else given names and family name); "" when it says nothing."""
    name_map = as_map(name)
    text = as_str(name_map.get("text"))
    if text:
        return text.strip()
    given = [g for g in as_list(name_map.get("given")) if isinstance(g, str)]
    family = as_str(name_map.get("family")) or ""
    return " ".join([*given, family]).strip()


def person_name(res: Mapping[str, Any]) -> str:
    """A person's name as written (``name.text``, else given names and family name); "" when none is recorded."""
    for name in as_list(res.get("name")):
        joined = name_words(name)
        if joined:
            return joined
    return ""


def source_ids(identifiers: Any) -> tuple[tuple[str, str], ...]:
    """The identifiers (``system`` and ``value``) a person is known by at source, as (label, value): LAchildID,
    UPN, NHS number, ..."""
    labels = {id_system(name): label for name, label in _ID_LABELS}
    labels[NHS_NUMBER_SYSTEM] = "NHS number"
    return _labelled_ids(identifiers, labels)


def person_ids(res: Mapping[str, Any]) -> tuple[tuple[str, str], ...]:
    """The identifiers a person resource is known by at source, as (label, value) (see ``source_ids``)."""
    return source_ids(res.get("identifier"))


def record_ids(bundle: Mapping[str, Any]) -> tuple[tuple[str, str], ...]:
    """The identifiers of a whole record (``Bundle.identifier``), as (label, value): the case reference, police
    incident reference or MARAC referral id."""
    ident = bundle.get("identifier")  # 0..1 on a Bundle
    return _labelled_ids(
        [ident] if isinstance(ident, dict) else ident, {id_system(name): label for name, label in _RECORD_ID_LABELS}
    )


def _labelled_ids(identifiers: Any, labels: Mapping[str, str]) -> tuple[tuple[str, str], ...]:
    out: list[tuple[str, str]] = []
    for ident in as_list(identifiers):
        ident_map = as_map(ident)
        value = as_str(ident_map.get("value"))
        system = ident_map.get("system")
        if value and isinstance(system, str):
            out.append((labels.get(system, "Other id"), value))
    return tuple(out)


def person_fields(res: Mapping[str, Any]) -> tuple[tuple[str, str, str], ...]:
    """(field, status, reason) of every characteristic and key field of one person resource."""
    if not _URLS:
        _URLS.update(_urls())
    by_url: dict[str, Any] = {}
    for ext in as_list(res.get("extension")):
        ext_map = as_map(ext)
        url = ext_map.get("url")
        if isinstance(url, str) and url not in by_url:
            by_url[url] = ext_map
    out: list[tuple[str, str, str]] = []
    for name, _label in CHARACTERISTICS:
        if name == "age":
            if parse_date(res.get("birthDate")) is not None:
                status, reason = RECORDED, ""
            else:
                reason_found = absent_reason(res.get("_birthDate"))
                status, reason = (ABSENT, reason_found) if reason_found else (SILENT, "")
        elif name == "marital-status":
            status, reason = _concept_status(res.get("maritalStatus"))
        else:
            status, reason = SILENT, ""
            for url in _URLS[name]:
                if url in by_url:
                    status, reason = _status_of(by_url[url])
                    if status == RECORDED:
                        break
        out.append((name, status, reason))
    out.append(("name", RECORDED if person_name(res) else SILENT, ""))
    out.append(("identifier", RECORDED if person_ids(res) else SILENT, ""))
    address = as_list(res.get("address"))
    out.append(("address", (RECORDED, ABSENT)[bool(address and absent_reason(address[0]))] if address else SILENT, ""))
    return tuple(out)


def _agency(idx: RecordIndex) -> str:
    for entry in idx.of_type("Organization"):
        name = as_str(entry.res.get("name"))
        if name:
            return name.strip()
    return ""


def digest_record(record: dict[str, Any], file: str, record_no: int | None) -> RecordDigest | None:
    """The report's view of one record; ``None`` for anything other than a Bundle. Never raises on content."""
    idx = RecordIndex.build(record)
    if not idx.is_bundle:
        return None
    ref = idx.reference_date()
    persons = tuple(
        PersonDigest(
            resource=person.entry.label,
            child=person.is_child(ref),
            name=person_name(person.entry.res),
            ids=person_ids(person.entry.res),
            birth_date=person.birth.isoformat() if person.birth else "",
            fields=person_fields(person.entry.res),
        )
        for person in idx.persons.values()
    )
    return RecordDigest(
        file, record_no, _agency(idx), persons, len(idx.incidents), record_ids(record), source_record(record)
    )
