"""DA33xx: protected characteristics and pregnancy recorded or their absence explained."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from dastandard.findings import Finding
from dastandard.model.fragments import as_list, as_map
from dastandard.model.practice_codes import (
    NOT_ASKED,
    UNKNOWN_PREGNANCY,
)
from dastandard.model.urls import (
    DATA_ABSENT_REASON_SYSTEM,
    PATIENT_DISABILITY,
    PATIENT_RELIGION,
    UKCORE_ETHNIC_CATEGORY,
)
from dastandard.validation._record_index import (
    Person,
    RecordIndex,
    absent_reason,
    ext_url,
    first_extension,
    parse_date,
    sub_extensions,
    value_codes,
)
from dastandard.validation.practice._base import (
    _concept_present,
    _Ctx,
    _has_value_or_reason,
    _name,
    _rule,
)

# --- DA33xx protected characteristics -----------------------------------------------------------------------------


CHARACTERISTICS = (
    "age",
    "sex",
    "gender-identity",
    "sexual-orientation",
    "ethnicity",
    "religion",
    "disability",
    "marital-status",
)


_CHARACTERISTIC_URLS: dict[tuple[str, ...], dict[str, tuple[str, ...]]] = {}  # names -> {url: names it carries}


def _urls_for(names: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
    """The extension URLs that carry the characteristics ``names`` -> the names each carries (worked out once)."""
    by_url = _CHARACTERISTIC_URLS.get(names)
    if by_url is None:
        by_url = {}
        for name in names:
            if name in ("age", "marital-status"):
                continue
            if name == "ethnicity":
                urls: tuple[str, ...] = (
                    UKCORE_ETHNIC_CATEGORY,
                    ext_url("ethnicity-ons-2021"),
                    ext_url("ethnicity-dfe"),
                )
            elif name == "religion":
                urls = (PATIENT_RELIGION,)
            elif name == "disability":
                urls = (PATIENT_DISABILITY,)
            elif name == "sex":
                urls = (ext_url("person-sex"),)
            else:
                urls = (ext_url(name),)
            for url in urls:
                by_url[url] = (*by_url.get(url, ()), name)
        if len(_CHARACTERISTIC_URLS) < 64:
            _CHARACTERISTIC_URLS[names] = by_url
    return by_url


def _characteristic_present(res: Mapping[str, Any], names: tuple[str, ...] = CHARACTERISTICS) -> frozenset[str]:
    """Which of the characteristics ``names`` a person resource records (a value or a reason it is absent). Age
    and marital status are elements; every other characteristic is an extension, and the extensions are read
    once for all of them."""
    present: set[str] = set()
    by_url = _urls_for(names)
    if "age" in names and (
        parse_date(res.get("birthDate")) is not None or absent_reason(res.get("_birthDate")) is not None
    ):
        present.add("age")
    if "marital-status" in names and _concept_present(res.get("maritalStatus")):
        present.add("marital-status")
    exts = res.get("extension")
    if by_url and isinstance(exts, list):
        for ext in exts:
            found = (ext if type(ext) is dict else as_map(ext)).get("url")
            if isinstance(found, str):
                carried = by_url.get(found)
                if carried is not None and not present.issuperset(carried) and _has_value_or_reason(ext):
                    present.update(carried)
    return frozenset(present)


def characteristics_recorded(idx: RecordIndex, person: Person) -> frozenset[str]:
    """Which of ``CHARACTERISTICS`` ``person`` records, worked out once per person of the record."""
    memo: dict[int, frozenset[str]] | None = idx.memo.get("characteristics")
    if memo is None:
        memo = idx.memo["characteristics"] = {}
    found = memo.get(person.entry.pos)
    if found is None:
        found = memo[person.entry.pos] = _characteristic_present(person.entry.res)
    return found


@_rule("DA3301")
def _characteristic_silent(ctx: _Ctx) -> Iterator[Finding]:
    configured = ctx.param("DA3301", "characteristics")
    names = tuple(n for n in as_list(configured) if isinstance(n, str)) or CHARACTERISTICS
    for person in ctx.idx.persons.values():
        if person.unborn:
            continue
        if names == CHARACTERISTICS:
            present = characteristics_recorded(ctx.idx, person)
        else:
            present = _characteristic_present(person.entry.res, names)
        missing = [n for n in names if n not in present]
        if missing:
            yield ctx.finding(
                "DA3301",
                f"{_name(ctx, person.entry.key)} has no value and no data-absent-reason for: {', '.join(missing)}. "
                "Silence is never an answer.",
                person.entry,
                missing=tuple(missing),
            )
        elif _never_asked(person.entry.res):
            yield ctx.finding(
                "DA3301",
                f"Every protected characteristic of {_name(ctx, person.entry.key)} that is found out by asking "
                f"({', '.join(ASKABLE)}) is recorded as not-asked: the record is complete in form only.",
                person.entry,
                missing=ASKABLE,
            )


ASKABLE = ("gender-identity", "sexual-orientation", "ethnicity", "religion", "disability", "marital-status")
"""The characteristics a practitioner finds out by asking (age and sex are usually known from other records)."""


def _never_asked(res: Mapping[str, Any]) -> bool:
    """Whether every askable characteristic of a person is recorded only as ``not-asked`` (none has a value and
    none another reason): the form was filled in, the family was never asked (L09)."""
    by_url = _urls_for(ASKABLE)
    seen = 0
    for ext in as_list(res.get("extension")):
        ext_map = as_map(ext)
        if ext_map.get("url") not in by_url:
            continue
        if not _not_asked(absent_reason(ext_map) or _sub_reason(ext_map)):
            return False
        seen += 1
    marital = as_map(res.get("maritalStatus"))
    if marital:
        if not _not_asked(absent_reason(marital) or absent_reason({"valueCodeableConcept": marital})):
            return False
        seen += 1
    return seen > 0


def _not_asked(reason: str | None) -> bool:
    return reason is not None and (DATA_ABSENT_REASON_SYSTEM, reason) in NOT_ASKED


def _sub_reason(ext: Mapping[str, Any]) -> str | None:
    for sub in as_list(ext.get("extension")):
        reason = absent_reason(sub)
        if reason:
            return reason
    return None


@_rule("DA3302")
def _pregnancy_unknown(ctx: _Ctx) -> Iterator[Finding]:
    idx = ctx.idx
    ref = ctx.ref_date("DA3302")
    low = ctx.int_param("DA3302", "min-age", 16)
    high = ctx.int_param("DA3302", "max-age", 50)
    _, victims = idx.roles()
    for key in sorted(victims):
        person = idx.persons.get(key)
        if person is None:
            continue
        years = person.age(ref)
        if years is None or not low <= years <= high:
            continue
        ext = first_extension(person.entry.res, "pregnancy-status")
        if ext is None:
            reason: str | None = "missing"
        else:
            # a simple coded extension, or a complex one whose ``status`` sub-extension holds the code
            holders = [ext, *sub_extensions(ext, "status")]
            if any(value_codes(h) and absent_reason(h) is None for h in holders):
                continue
            reason = next((r for h in holders if (r := absent_reason(h))), None)
        if reason is None or (DATA_ABSENT_REASON_SYSTEM, reason) in UNKNOWN_PREGNANCY or reason == "missing":
            yield ctx.finding(
                "DA3302",
                f"Pregnancy status of adult victim {_name(ctx, key)} (aged {years}) is unknown; pregnancy and a "
                "recent birth raise risk and unborn children are persons in the record.",
                person.entry,
                reason=reason or "no value",
            )
