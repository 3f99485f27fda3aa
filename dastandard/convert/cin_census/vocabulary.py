"""The CIN census vocabulary: code lists and maps (the shipped ``CodeSystem/cin-*`` and ``ConceptMap/cin-*``), the
declarative field mapping, the census Header, the stable ids of one Child and the factor codes the reader and
writer share. Loaded from the shipped standard on first use; a missing map is an installation error."""

from __future__ import annotations

import hashlib
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from typing import Any

from dastandard._resources import read_json
from dastandard.model.codes import displays
from dastandard.model.ids import code_system_url, extension_url, identifier_system, profile_url
from dastandard.standard import standard

NAME = "cin-census"
CHILD_PATH = "/Message/Children/Child"
DATE_SHAPE = re.compile(r"\d{4}-\d{2}-\d{2}")
UPN_SHAPE = re.compile(r"[A-Za-z]\d{12}|[A-Za-z]\d{11}[A-Za-z]")
# The DfE check letters of a unique pupil number, by remainder (also the values of a letter in 13th place).
UPN_CHECK_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"


def upn_check_letter(upn: str) -> str | None:
    """The check letter the DfE algorithm gives for the 12 characters after the first of ``upn`` (weights 2 to 13
    on characters 2 to 13, a letter in 13th place counting as its place in ``UPN_CHECK_LETTERS``; the sum modulo
    23 picks the letter); None when ``upn`` does not have the UPN shape."""
    if not UPN_SHAPE.fullmatch(upn):
        return None
    last = upn[12].upper()
    if last.isdigit():
        tail = int(last)
    elif last in UPN_CHECK_LETTERS:
        tail = UPN_CHECK_LETTERS.index(last)
    else:
        return None
    total = sum(int(d) * w for d, w in zip(upn[1:12], range(2, 13), strict=True)) + tail * 13
    return UPN_CHECK_LETTERS[total % 23]


TRUE_TEXTS = frozenset({"true", "TRUE", "1"})
FALSE_TEXTS = frozenset({"false", "FALSE", "0"})
DA_FACTORS = {"3A": "child", "3B": "parent-or-carer", "3C": "household-member"}
PLACEHOLDER_TEXT = {
    "parent-or-carer": "parent or carer (not named in the CIN census)",
    "household-member": "another person living in the household (not named in the CIN census)",
}
FACTOR = re.compile(r"([1-6])([ABC])")
SEP = "\x1f"  # between the parts of a stable id's key
ABSENT: dict[str, str] = {"absentReason": "unknown"}  # a domain value stated as unknown (never mutated)

# --------------------------------------------------------------------------------------------------- code lists


@dataclass(frozen=True)
class CodeMap:
    """A shipped ConceptMap (first group): source code -> (target code, target display, equivalence)."""

    source: str
    target: str
    forward: dict[str, tuple[str, str, str]]
    source_display: dict[str, str]

    def reverse(self, target_code: str) -> str | None:
        """The first source code that maps to ``target_code`` without loss."""
        for code, (tgt, _, eq) in self.forward.items():
            if tgt == target_code and eq in ("equal", "equivalent"):
                return code
        return None


@cache
def code_map(cm_id: str) -> CodeMap:
    """Load ``ConceptMap/<cm_id>`` from the shipped standard (a missing map is an installation error)."""
    art = standard().get(standard().url("ConceptMap", cm_id))
    if art is None:
        raise LookupError(f"ConceptMap {cm_id} is not shipped")
    group = art.resource["group"][0]
    forward: dict[str, tuple[str, str, str]] = {}
    displays: dict[str, str] = {}
    for el in group["element"]:
        tgt = el["target"][0]
        forward[el["code"]] = (tgt["code"], tgt.get("display", ""), tgt["equivalence"])
        displays[el["code"]] = el.get("display", "")
    return CodeMap(group["source"], group["target"], forward, displays)


@cache
def code_list(cs_id: str) -> dict[str, str]:
    """Code -> display of a shipped CodeSystem (``LookupError`` if it is not shipped)."""
    return dict(displays(cs_id))


@cache
def mapping() -> dict[str, Any]:
    """The declarative mapping ``converters/cin-census/mapping.json``."""
    data: dict[str, Any] = read_json("converters", "cin-census/mapping.json")
    return data


@cache
def mapping_kinds() -> dict[str, bool]:
    """Mapping path -> whether it is a container (False for a leaf field); paths outside the mapping are absent."""
    return dict.fromkeys(mapping()["fields"], False) | dict.fromkeys(mapping()["containers"], True)


class UrlCache(dict[str, str]):
    """Id -> canonical URL of one kind of the standard's artifacts, each looked up once per process on first use
    (the URLs depend only on the shipped standard)."""

    def __init__(self, resolve: Callable[[str], str]) -> None:
        super().__init__()
        self._resolve = resolve

    def __missing__(self, key: str) -> str:
        url = self[key] = self._resolve(key)
        return url


PROFILE = UrlCache(profile_url)
EXT = UrlCache(extension_url)
CS = UrlCache(code_system_url)
ID = UrlCache(identifier_system)


@cache
def codings(cs_id: str) -> dict[str, dict[str, str]]:
    """Code -> its Coding in the shipped CodeSystem ``cs_id`` (a template: hand out copies)."""
    system = CS[cs_id]
    return {
        code: {"system": system, "code": code, "display": display} if display else {"system": system, "code": code}
        for code, display in code_list(cs_id).items()
    }


def coding(cs_id: str, code: str) -> dict[str, str]:
    """The coding of ``code`` in the shipped CodeSystem ``cs_id`` (a shared template: never mutate it)."""
    known = codings(cs_id).get(code)
    return known if known is not None else {"system": CS[cs_id], "code": code}


@cache
def _id_namespace() -> bytes:
    """The bytes of the UUIDv5 namespace ``stable_id`` uses."""
    return uuid.uuid5(uuid.NAMESPACE_URL, standard().canonical).bytes


# the 17th hex digit of a UUID carries the RFC 4122 variant: hex digit -> "-" and that digit with the variant set
_VARIANT = {f"{n:x}": f"-{(n & 0x3) | 0x8:x}" for n in range(16)}


class KeyIds:
    """``stable_id(*key, *parts)`` for one fixed key: the key is hashed once and each id only hashes its parts."""

    __slots__ = ("_base",)

    def __init__(self, key: tuple[str, ...]) -> None:
        self._base = hashlib.sha1(_id_namespace() + "\x1f".join(key).encode() + b"\x1f", usedforsecurity=False)

    def __call__(self, *parts: object) -> str:
        return self.of("\x1f".join([str(p) for p in parts]))

    def of(self, parts: str) -> str:
        """The id for ``parts`` already joined with the separator (``SEP``)."""
        h = self._base.copy()
        h.update(parts.encode())
        x = h.hexdigest()
        # version 5 in the 13th hex digit, the variant in the 17th
        return f"{x[:8]}-{x[8:12]}-5{x[13:16]}{_VARIANT[x[16]]}{x[17:20]}-{x[20:32]}"


@dataclass
class CensusHeader:
    """The census Header: CollectionDetails values and one dict per Source (tag -> text)."""

    values: dict[str, str] = field(default_factory=dict)
    sources: list[dict[str, str]] = field(default_factory=list)

    @property
    def lea(self) -> str:
        return self.sources[0].get("LEA", "") if self.sources else ""

    @property
    def system(self) -> str:
        if not self.sources:
            return ""
        s = self.sources[0]
        return " ".join(v for v in (s.get("SoftwareCode", ""), s.get("Release", "")) if v)

    def terms(self) -> dict[str, dict[str, str]]:
        """The Header in the logical record's terms: ``cinHeader`` (CollectionDetails) and ``cinHeaderSource``
        (the first Source), each when it holds anything (a template: never mutated)."""
        out: dict[str, dict[str, str]] = {}
        if self.values:
            out["cinHeader"] = {HEADER_KEYS[k]: v for k, v in self.values.items()}
        if self.sources and self.sources[0]:
            out["cinHeaderSource"] = {SOURCE_KEYS[k]: v for k, v in self.sources[0].items()}
        return out


# Header tags and their keys in the logical record (``cinHeader`` and ``cinHeaderSource``), in census order.
HEADER_KEYS = {"Collection": "collection", "Year": "year", "ReferenceDate": "referenceDate"}
SOURCE_KEYS = {
    "SourceLevel": "sourceLevel",
    "LEA": "lea",
    "SoftwareCode": "softwareCode",
    "Release": "release",
    "SerialNo": "serialNo",
    "DateTime": "dateTime",
}


DATES_SEEN: set[str] = set()  # real dates met so far (emptied when large): a return's dates repeat a lot


def is_date(text: str) -> bool:
    """True for a real calendar date written YYYY-MM-DD."""
    if text in DATES_SEEN:
        return True
    if len(text) != 10 or not DATE_SHAPE.fullmatch(text):
        return False
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    if len(DATES_SEEN) >= 65536:
        DATES_SEEN.clear()
    DATES_SEEN.add(text)
    return True
