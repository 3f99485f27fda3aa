"""The DfE Children in Need (CIN) census XML format: read and write.

Reading streams the return with ``lxml.etree.iterparse`` (one Child in memory at a time; a DOCTYPE is refused,
entities are never resolved, nothing is fetched) and yields one ``DACaseBundle`` per Child. Bad content (missing
fields, unknown codes, malformed dates, stray text, elements the mapping does not know) becomes report entries
with their XPath; a document that is not well-formed XML ends the read with an ``invalid-input`` entry. The field
mapping is declared in ``converters/cin-census/mapping.json``; code lists and maps are the shipped
``CodeSystem/cin-*`` and ``ConceptMap/cin-*`` resources. ``census_bundle`` builds a Child given as plain values
with the same code, so the synthetic generator's Bundles are exactly what reading its returns gives.

Writing produces a census return (Header + Children) from standard Bundles. ``cin_year`` chooses the sex item:
2024 and later (the 2024-25 return on) write ``Sex`` (M/F/U); earlier years write ``GenderCurrent`` (0/1/2/9), as
in ``CIN_schema_2024.xsd``. Whatever a Bundle holds that the census cannot is reported as a loss.
"""

from __future__ import annotations

import copy
import hashlib
import re
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from itertools import chain
from pathlib import Path
from typing import IO, Any, ClassVar, NamedTuple

from lxml import etree

from dastandard._parallel import batched, ordered_map
from dastandard._resources import read_json
from dastandard.convert.base import ConversionReport, Format, Loss, ReportEntry
from dastandard.convert.provenance import as_instant, build_provenance
from dastandard.model.codes import displays
from dastandard.model.fragments import absent
from dastandard.model.ids import (
    code_system_url,
    extension_url,
    full_url,
    identifier_system,
    profile_url,
    stable_id,
)
from dastandard.model.urls import (
    DATA_ABSENT_REASON,
    PATIENT_DISABILITY,
    PATIENT_RELIGION,
    UKCORE_ETHNIC_CATEGORY,
    V3_ACT_CODE,
    V3_CONFIDENTIALITY,
    WORKFLOW_EPISODE_OF_CARE,
)
from dastandard.standard import standard

NAME = "cin-census"
DAR = DATA_ABSENT_REASON
EPISODE_EXT = WORKFLOW_EPISODE_OF_CARE
RELIGION_EXT = PATIENT_RELIGION
DISABILITY_EXT = PATIENT_DISABILITY
UKCORE_ETHNIC_EXT = UKCORE_ETHNIC_CATEGORY
CONFIDENTIALITY = V3_CONFIDENTIALITY
ACT_CODE = V3_ACT_CODE
CHILD_PATH = "/Message/Children/Child"
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_UPN = re.compile(r"[A-Za-z]\d{12}|[A-Za-z]\d{11}[A-Za-z]")
_TRUE = frozenset({"true", "TRUE", "1"})
_FALSE = frozenset({"false", "FALSE", "0"})
DA_FACTORS = {"3A": "child", "3B": "parent-or-carer", "3C": "household-member"}
_PLACEHOLDER_TEXT = {
    "parent-or-carer": "parent or carer (not named in the CIN census)",
    "household-member": "another person living in the household (not named in the CIN census)",
}
# Characteristics the census does not hold; stated as data-absent-reason "unknown" on every person.
_ABSENT_CHARACTERISTICS = ("ethnicity-ons-2021", "gender-identity", "sexual-orientation")


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
def _kinds() -> dict[str, bool]:
    """Mapping path -> whether it is a container (False for a leaf field); paths outside the mapping are absent."""
    return dict.fromkeys(mapping()["fields"], False) | dict.fromkeys(mapping()["containers"], True)


class _Urls(dict[str, str]):
    """Id -> canonical URL of one kind of the standard's artifacts, each looked up once per process on first use
    (the URLs depend only on the shipped standard)."""

    def __init__(self, resolve: Callable[[str], str]) -> None:
        super().__init__()
        self._resolve = resolve

    def __missing__(self, key: str) -> str:
        url = self[key] = self._resolve(key)
        return url


_PROFILE = _Urls(profile_url)
_EXT = _Urls(extension_url)
_CS = _Urls(code_system_url)
_ID = _Urls(identifier_system)


@cache
def _codings(cs_id: str) -> dict[str, dict[str, str]]:
    """Code -> its Coding in the shipped CodeSystem ``cs_id`` (a template: hand out copies)."""
    system = _CS[cs_id]
    return {
        code: {"system": system, "code": code, "display": display} if display else {"system": system, "code": code}
        for code, display in code_list(cs_id).items()
    }


def _coding(cs_id: str, code: str) -> dict[str, str]:
    known = _codings(cs_id).get(code)
    return known.copy() if known is not None else {"system": _CS[cs_id], "code": code}


def _absent(reason: str = "unknown") -> dict[str, Any]:
    """An absent value: ``unknown`` unless another data-absent-reason is given."""
    return absent(reason)


# --------------------------------------------------------------------------------------------------- reading


@cache
def _id_namespace() -> bytes:
    """The bytes of the UUIDv5 namespace ``stable_id`` uses."""
    return uuid.uuid5(uuid.NAMESPACE_URL, standard().canonical).bytes


_SEP = "\x1f"  # between the parts of a stable id's key
# the 17th hex digit of a UUID carries the RFC 4122 variant: hex digit -> "-" and that digit with the variant set
_VARIANT = {f"{n:x}": f"-{(n & 0x3) | 0x8:x}" for n in range(16)}


class _KeyIds:
    """``stable_id(*key, *parts)`` for one fixed key: the key is hashed once and each id only hashes its parts."""

    __slots__ = ("_base",)

    def __init__(self, key: tuple[str, ...]) -> None:
        self._base = hashlib.sha1(_id_namespace() + "\x1f".join(key).encode() + b"\x1f", usedforsecurity=False)

    def __call__(self, *parts: object) -> str:
        return self.of("\x1f".join([str(p) for p in parts]))

    def of(self, parts: str) -> str:
        """The id for ``parts`` already joined with the separator (``_SEP``)."""
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

    def extensions(self) -> list[dict[str, Any]]:
        """``cin-header`` (CollectionDetails) and one ``cin-header-source`` per Source, in order."""
        out: list[dict[str, Any]] = []
        if self.values:
            out.append(
                {
                    "url": _EXT["cin-header"],
                    "extension": [{"url": k, "valueString": v} for k, v in self.values.items()],
                }
            )
        for src in self.sources:
            if src:
                out.append(
                    {
                        "url": _EXT["cin-header-source"],
                        "extension": [{"url": k, "valueString": v} for k, v in src.items()],
                    }
                )
        return out


class _Node:
    """One known container of a Child: its tag, mapping path and XPath, its leaf texts and containers by tag, and
    its containers in document order. Only a Child is given its XPath when made; the others get theirs from
    ``_place``, which runs only when something is reported."""

    __slots__ = ("generic", "kids", "loc", "order", "tag")

    def __init__(self, tag: str, generic: str, loc: str = "") -> None:
        self.tag = tag
        self.generic = generic
        self.loc = loc
        self.kids: dict[str, list[Any]] = {}  # tag -> stripped texts (leaves) or _Nodes (containers)
        self.order: list[_Node] = []


def _place(node: _Node) -> None:
    """Give every container under ``node`` (whose XPath is known) its XPath, with a position when its tag
    repeats."""
    for tag, kids in node.kids.items():
        for i, kid in enumerate(kids, start=1):
            if isinstance(kid, _Node):
                kid.loc = f"{node.loc}/{tag}[{i}]" if len(kids) > 1 else f"{node.loc}/{tag}"
                _place(kid)


@dataclass
class _Context:
    """What every Child of one file shares."""

    report: ConversionReport
    name: str
    header: CensusHeader
    mapped: dict[str, str]
    fields: dict[str, Any] = field(init=False)
    agency_id: str = field(init=False)
    agency_ref: str = field(init=False)
    recorded: str | None = field(init=False)
    system: str = field(init=False)
    lea: str = field(init=False)
    reference_date: str = field(init=False)
    header_extensions: list[dict[str, Any]] = field(init=False)  # a template: Bundles get copies
    read: set[tuple[str, str]] = field(init=False)  # (container path, leaf tag) pairs already noted in mapped

    def __post_init__(self) -> None:
        self.fields = mapping()["fields"]
        self.agency_id = stable_id(NAME, "agency", self.header.lea)
        self.agency_ref = full_url(self.agency_id)
        sources = self.header.sources
        self.recorded = as_instant(sources[0].get("DateTime") if sources else None) or as_instant(
            self.header.values.get("ReferenceDate", "")
        )
        self.system = self.header.system
        self.lea = self.header.lea
        self.reference_date = self.header.values.get("ReferenceDate", "")
        self.header_extensions = self.header.extensions()
        self.read = set()

    def fresh_header_extensions(self) -> list[dict[str, Any]]:
        """A new copy of ``header_extensions`` (each one's sub-extensions are flat dicts of strings)."""
        return [{"url": e["url"], "extension": list(map(dict.copy, e["extension"]))} for e in self.header_extensions]


def _node_of(tree: Mapping[str, Any], node: _Node) -> _Node:
    """Fill ``node`` from a nested mapping (tag -> text, mapping, or a list of either for a repeat)."""
    for sub, value in tree.items():
        items = value if isinstance(value, list) else [value]
        out: list[Any] = []
        for item in items:
            if isinstance(item, Mapping):
                kid = _node_of(item, _Node(sub, f"{node.generic}/{sub}"))
                node.order.append(kid)
                out.append(kid)
            else:
                out.append(str(item).strip())
        node.kids[sub] = out
    return node


def census_bundle(child: Mapping[str, Any], header: CensusHeader, *, source_file: str, number: int) -> dict[str, Any]:
    """The DACaseBundle of one census Child given as a nested mapping in census element order and names
    (``{"ChildIdentifiers": {"LAchildID": ...}, "CINdetails": [{...}, ...]}``; a list is a repeat).

    The Bundle is the one reading Child ``number`` of a return with this ``header`` from a file called
    ``source_file`` gives; what the reader would report goes nowhere.
    """
    ctx = _Context(ConversionReport(), source_file, header, {})
    xpath = f"{CHILD_PATH}[{number}]"
    return _ChildReader(ctx, xpath, 1).build(_node_of(child, _Node("Child", CHILD_PATH, loc=xpath)), [])


class _ChildReader:
    """Builds one Bundle from one Child (its ``_Node`` tree), reporting as it goes."""

    ids: _KeyIds  # set by build, once the Child's key is known
    root: _Node  # the Child, set by build

    def __init__(self, ctx: _Context, xpath: str, occurrence: int) -> None:
        self.ctx = ctx
        self.report = ctx.report
        self.xpath = xpath
        self.mapped = ctx.mapped
        self.read = ctx.read
        self.occurrence = occurrence
        self.entries: list[dict[str, Any]] = []
        self.key: tuple[str, ...] = ()
        self.child_id = ""
        self.child_ref = ""
        self.agency_id = ctx.agency_id
        self.agency_ref = ctx.agency_ref
        self.placeholders: dict[str, str] = {}
        self.reference_date = ctx.reference_date
        self.birth = ""  # the child's birth date and whether it is unborn, set by _person
        self.unborn = False

    # -- reporting helpers
    def _loc(self, node: _Node) -> str:
        """The XPath of a container of this Child (the first call works out those of the whole tree)."""
        if not node.loc:
            _place(self.root)
        return node.loc

    def _at(self, parent: _Node | None, tag: str, i: int = 1) -> str:
        """The XPath of the ``i``-th ``tag`` under ``parent``, with a position only when ``tag`` repeats ('' without
        a parent)."""
        if parent is None:
            return ""
        loc = self._loc(parent)
        return f"{loc}/{tag}[{i}]" if len(parent.kids.get(tag, ())) > 1 else f"{loc}/{tag}"

    def _add(self, kind: Loss, fld: str, location: str, message: str = "", code: str = "", target: str = "") -> None:
        self.report.add(ReportEntry(kind, fld, location, message, code, target))

    # -- value access: every read marks the generic path as mapped; XPaths are made only to report
    def _mark(self, parent: _Node, tag: str) -> None:
        """Note that ``tag`` under ``parent`` was read: its mapping path is mapped (callers look in ``read``
        first, so this runs once per file and path)."""
        self.read.add((parent.generic, tag))
        generic = f"{parent.generic}/{tag}"
        fld = self.ctx.fields.get(generic)
        if fld is not None and generic not in self.mapped:
            self.mapped[generic] = fld["target"]

    def _values(self, parent: _Node | None, tag: str) -> list[str]:
        """The stripped texts of every ``tag`` child; the i-th (from 1) is at ``_at(parent, tag, i)``."""
        if parent is None:
            return []
        vals = parent.kids.get(tag)
        if not vals:
            return []
        if (parent.generic, tag) not in self.read:
            self._mark(parent, tag)
        return vals

    def _one(self, parent: _Node | None, tag: str, required: bool = False) -> str:
        """The stripped text of the single ``tag`` child ('' when absent; a repeat is reported). It is at
        ``_at(parent, tag)``."""
        if parent is None:
            return ""
        vals = parent.kids.get(tag)
        if vals is None:
            if required:
                self._add(Loss.INVALID_INPUT, tag, self._at(parent, tag), f"{tag} is required but missing or empty")
            return ""
        if (parent.generic, tag) not in self.read:
            self._mark(parent, tag)
        text: str = vals[0]
        if not text:
            if required:
                self._add(Loss.INVALID_INPUT, tag, self._at(parent, tag), f"{tag} is required but missing or empty")
            return ""
        if len(vals) > 1:
            for i in range(2, len(vals) + 1):
                self._add(
                    Loss.INVALID_INPUT,
                    tag,
                    self._at(parent, tag, i),
                    f"{tag} may occur once; the repeat is not converted",
                )
        return text

    def _date(self, parent: _Node | None, tag: str, required: bool = False) -> str:
        """The single ``tag`` child if it is a real date, else ''. Reports what ``_one`` does, a text that is not a
        date, and a date after the census reference date."""
        if parent is None:
            return ""
        vals = parent.kids.get(tag)
        if vals is not None and len(vals) == 1 and vals[0]:  # the usual case: as _one, with nothing to report
            text: str = vals[0]
            if (parent.generic, tag) not in self.read:
                self._mark(parent, tag)
        elif vals is None and not required:
            return ""
        else:
            text = self._one(parent, tag, required)
            if not text:
                return ""
        if text not in _DATES_SEEN and not _is_date(text):
            self._add(
                Loss.INVALID_INPUT, tag, self._at(parent, tag), f"{tag} is not a date (YYYY-MM-DD); not converted"
            )
            return ""
        if text > self.reference_date and self.reference_date and tag != "ExpectedPersonBirthDate":
            self._add(
                Loss.INVALID_INPUT,
                tag,
                self._at(parent, tag),
                f"{tag} is after the census reference date; kept as recorded",
            )
        return text

    def _bool(self, parent: _Node | None, tag: str, required: bool = False) -> bool | None:
        text = self._one(parent, tag, required)
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        if text:
            self._add(Loss.INVALID_INPUT, tag, self._at(parent, tag), f"{tag} is not true/false/1/0; not converted")
        return None

    def _code_cc(self, cs_id: str, text: str, parent: _Node | None, tag: str) -> dict[str, Any]:
        """A CodeableConcept for a code of a CIN CodeSystem; an unknown code is kept as text and reported."""
        coding = _codings(cs_id).get(text)
        if coding is not None:
            return {"coding": [coding.copy()]}
        self._add(Loss.UNMAPPED_CODE, tag, self._at(parent, tag), f"not a {cs_id} code; kept as text", code=text)
        return {"text": text}

    def _mapped_cc(
        self, cm_id: str, text: str, parent: _Node | None, tag: str, i: int = 1, keep_source: bool = False
    ) -> dict[str, Any]:
        """A CodeableConcept via a ConceptMap for the ``i``-th ``tag`` under ``parent``; lossy targets are
        reported, unknown codes kept as text."""
        cmap = code_map(cm_id)
        hit = cmap.forward.get(text)
        if hit is None:
            self._add(
                Loss.UNMAPPED_CODE,
                tag,
                self._at(parent, tag, i),
                f"no mapping in ConceptMap {cm_id}; kept as text",
                code=text,
            )
            return {"text": text}
        tgt, display, eq = hit
        coding = {"system": cmap.target, "code": tgt}
        if display:
            coding["display"] = display
        codings = [coding]
        if keep_source:
            src = {"system": cmap.source, "code": text}
            if cmap.source_display.get(text):
                src["display"] = cmap.source_display[text]
            codings.append(src)
        if eq not in ("equal", "equivalent"):
            self._add(
                Loss.LOSSY_CODE,
                tag,
                self._at(parent, tag, i),
                f"ConceptMap {cm_id}: target is {eq}",
                code=text,
                target=tgt,
            )
        return {"coding": codings}

    # -- the record
    def build(self, child: _Node, deferred: list[ReportEntry]) -> dict[str, Any]:
        """The Bundle of ``child``; ``deferred`` (what the mapping does not know, stray text) is reported after
        the record's own entries."""
        ctx = self.ctx
        self.root = child
        ids = _first(child, "ChildIdentifiers")
        chars = _first(child, "ChildCharacteristics")
        if ids is None:
            self._add(Loss.INVALID_INPUT, "ChildIdentifiers", f"{self.xpath}/ChildIdentifiers", "missing")
        if chars is None:
            self._add(Loss.INVALID_INPUT, "ChildCharacteristics", f"{self.xpath}/ChildCharacteristics", "missing")
        la_child_id = self._one(ids, "LAchildID", required=True)
        lea = ctx.lea
        self.key = (NAME, lea, la_child_id, str(self.occurrence)) if la_child_id else (NAME, lea, "#", self.xpath)
        self.ids = _KeyIds(self.key)
        self.entries.append({"fullUrl": self.agency_ref, "resource": self._agency(lea)})
        self.child_id = self.ids.of("child")
        self.child_ref = full_url(self.child_id)
        person = self._person(ids, chars, la_child_id)
        self.entries.append({"fullUrl": self.child_ref, "resource": person})
        n = 0
        for ep in child.kids.get("CINdetails", ()):
            n += 1
            self._episode(ep, n)
        if n == 0:
            self._add(Loss.INVALID_INPUT, "CINdetails", f"{self.xpath}/CINdetails", "at least one CINdetails needed")
        for e in deferred:
            self.report.add(e)
        recorded = ctx.recorded
        prov = build_provenance(
            resource_id=self.ids.of("provenance"),
            targets=[e["resource"]["id"] for e in self.entries],
            source_file=ctx.name,
            source_record=self.xpath,
            system=ctx.system,
            agency_id=self.agency_id,
            recorded=recorded,
            fact_source="record-check",
            extensions=ctx.fresh_header_extensions(),
        )
        self.entries.append({"fullUrl": "urn:uuid:" + prov["id"], "resource": prov})
        bundle: dict[str, Any] = {
            "resourceType": "Bundle",
            "id": self.ids.of("bundle"),
            "meta": {
                "profile": [_PROFILE["DACaseBundle"]],
                "security": [
                    {"system": CONFIDENTIALITY, "code": "R", "display": "restricted"},
                    {
                        "system": ACT_CODE,
                        "code": "SDV",
                        "display": "sexual assault, abuse, or domestic violence information sensitivity",
                    },
                ],
            },
            "type": "collection",
            "entry": self.entries,
        }
        # when the return was generated (else its reference date): the same input always gives the same Bundle
        if recorded:
            bundle["timestamp"] = recorded
        else:
            bundle["_timestamp"] = _absent()
        if la_child_id:
            bundle["identifier"] = {"system": _ID["la-child-id"], "value": la_child_id}
        return bundle

    def _ref(self, resource_id: str) -> dict[str, str]:
        return {"reference": "urn:uuid:" + resource_id}

    def _agency(self, lea: str) -> dict[str, Any]:
        org: dict[str, Any] = {
            "resourceType": "Organization",
            "id": self.agency_id,
            "meta": {"profile": [_PROFILE["DAAgency"]]},
            "active": True,
            "type": [{"coding": [{"system": _CS["agency-type"], "code": "childrens-social-care"}]}],
            "name": f"Local authority {lea} children's social care"
            if lea
            else "Local authority children's social care",
        }
        if lea:
            org["identifier"] = [{"system": _ID["la-code"], "value": lea}]
        return org

    def _person_base(self, pid: str) -> dict[str, Any]:
        return {"resourceType": "Patient", "id": pid, "meta": {"profile": [_PROFILE["DAPerson"]]}}

    def _absent_characteristics(
        self, ext: list[dict[str, Any]], *, sex: bool, ethnicity: bool, disability: bool
    ) -> None:
        """Append an absent (``unknown``) value for each characteristic the census does not hold, and for sex,
        ethnicity and disability when the Child records none."""
        before, after = _absent_urls(sex, ethnicity, disability)
        ext += map(_absent_value, before)
        # pregnancy-status is complex: its required status part carries the absent reason
        ext.append({"url": _EXT["pregnancy-status"], "extension": [_absent_value("status")]})
        ext += map(_absent_value, after)

    def _person(self, ids: _Node | None, chars: _Node | None, la_child_id: str) -> dict[str, Any]:
        p = self._person_base(self.child_id)
        ident: list[dict[str, Any]] = []
        ext: list[dict[str, Any]] = []
        if la_child_id:
            ident.append({"system": _ID["la-child-id"], "value": la_child_id})
        for tag, use in (("UPN", "official"), ("FormerUPN", "old")):
            upn = self._one(ids, tag)
            if upn:
                if not _UPN.fullmatch(upn):
                    self._add(
                        Loss.INVALID_INPUT,
                        tag,
                        self._at(ids, tag),
                        f"{tag} does not match the UPN pattern; kept as recorded",
                    )
                ident.append({"use": use, "system": _ID["upn"], "value": upn})
        if ident:
            p["identifier"] = ident
        unknown = self._one(ids, "UPNunknown")
        if unknown:
            ext.append(
                {
                    "url": _EXT["cin-upn-unknown"],
                    "valueCodeableConcept": self._code_cc("cin-upn-unknown", unknown, ids, "UPNunknown"),
                }
            )
        birth = self._date(ids, "PersonBirthDate")
        expected = self._date(ids, "ExpectedPersonBirthDate")
        self.birth = birth
        self.unborn = bool(expected) and not birth
        if birth:
            p["birthDate"] = birth
        else:
            p["_birthDate"] = _absent()
        if expected:
            ext.append({"url": _EXT["expected-birth-date"], "valueDate": expected})
            if not birth:
                ext.append({"url": _EXT["unborn"], "valueBoolean": True})
        if not birth and not expected:
            self._add(
                Loss.INVALID_INPUT,
                "PersonBirthDate",
                f"{self.xpath}/ChildIdentifiers/PersonBirthDate",
                "neither PersonBirthDate nor ExpectedPersonBirthDate is recorded",
            )
        sex = self._one(ids, "Sex")
        gender = self._one(ids, "GenderCurrent")
        if sex:
            ext.append(
                {
                    "url": _EXT["person-sex"],
                    "valueCodeableConcept": self._mapped_cc("cin-sex", sex, ids, "Sex"),
                }
            )
        elif gender:
            ext.append(
                {
                    "url": _EXT["person-sex"],
                    "valueCodeableConcept": self._mapped_cc(
                        "cin-gender-current-to-sex", gender, ids, "GenderCurrent", keep_source=True
                    ),
                }
            )
        else:
            self._add(
                Loss.INVALID_INPUT,
                "Sex",
                f"{self.xpath}/ChildIdentifiers/Sex",
                "neither Sex nor GenderCurrent is recorded",
            )
        if sex and gender:
            self._add(
                Loss.INVALID_INPUT,
                "GenderCurrent",
                self._at(ids, "GenderCurrent"),
                "both Sex and GenderCurrent are recorded; GenderCurrent is not converted",
            )
        death = self._date(ids, "PersonDeathDate")
        if death:
            p["deceasedDateTime"] = death
        ethnicity = self._one(chars, "Ethnicity", required=chars is not None)
        if ethnicity:
            dfe = self._mapped_cc("cin-ethnicity-dfe", ethnicity, chars, "Ethnicity")
            ext.append({"url": _EXT["ethnicity-dfe"], "valueCodeableConcept": dfe})
            if "coding" in dfe:
                nhs = self._mapped_cc("cin-ethnicity-dfe-to-nhs", ethnicity, chars, "Ethnicity")
                ext.append({"url": UKCORE_ETHNIC_EXT, "valueCodeableConcept": nhs})
            else:
                ext.append(_absent_value(UKCORE_ETHNIC_EXT))
        disabilities = _first(chars, "Disabilities")
        seen: set[str] = set()
        for i, code in enumerate(self._values(disabilities, "Disability"), start=1):
            if code in seen:
                self._add(
                    Loss.INVALID_INPUT,
                    "Disability",
                    self._at(disabilities, "Disability", i),
                    "duplicate disability code",
                    code=code,
                )
            seen.add(code)
            ext.append(
                {
                    "url": DISABILITY_EXT,
                    "valueCodeableConcept": self._mapped_cc("cin-disability", code, disabilities, "Disability", i),
                }
            )
        self._absent_characteristics(ext, sex=not (sex or gender), ethnicity=not ethnicity, disability=not seen)
        p["extension"] = ext
        return p

    def _placeholder(self, role: str) -> str:
        """The unnamed person a B or C factor is about (one per role per child), with its relationship."""
        if role in self.placeholders:
            return self.placeholders[role]
        pid = self.ids.of(f"placeholder{_SEP}{role}")
        p = self._person_base(pid)
        p["_birthDate"] = _absent()
        ext: list[dict[str, Any]] = []
        self._absent_characteristics(ext, sex=True, ethnicity=True, disability=True)
        p["extension"] = ext
        rel: dict[str, Any] = {
            "resourceType": "RelatedPerson",
            "id": self.ids.of(f"relationship{_SEP}{role}"),
            "meta": {"profile": [_PROFILE["DARelationship"]]},
            "extension": [{"url": _EXT["related-person"], "valueReference": self._ref(pid)}],
            "patient": {"reference": self.child_ref},
            "relationship": [{"text": _PLACEHOLDER_TEXT[role]}],
        }
        self.entries.append({"fullUrl": "urn:uuid:" + pid, "resource": p})
        self.entries.append({"fullUrl": "urn:uuid:" + rel["id"], "resource": rel})
        self.placeholders[role] = pid
        return pid

    def _episode(self, el: _Node, n: int) -> None:
        eid = self.ids.of(f"episode{_SEP}{n}")
        start = self._date(el, "CINreferralDate", required=True)
        end = self._date(el, "CINclosureDate")
        ep: dict[str, Any] = {
            "resourceType": "EpisodeOfCare",
            "id": eid,
            "meta": {"profile": [_PROFILE["DAServiceEpisode"]]},
            "status": "finished" if end else "active",
            "type": [{"coding": [{"system": _CS["service-type"], "code": "childrens-social-care"}]}],
            "patient": {"reference": self.child_ref},
            "managingOrganization": {"reference": self.agency_ref},
        }
        period = _period(start, end)
        if period:
            ep["period"] = period
        ext: list[dict[str, Any]] = []
        for tag, cs_id, ext_id, required in _EPISODE_CODES:
            text = self._one(el, tag, required)
            if text:
                ext.append({"url": _EXT[ext_id], "valueCodeableConcept": self._code_cc(cs_id, text, el, tag)})
        icpc = self._date(el, "DateOfInitialCPC")
        if icpc:
            ext.append({"url": _EXT["cin-initial-cpc-date"], "valueDate": icpc})
        nfa = self._bool(el, "ReferralNFA", required=True)
        if nfa is not None:
            ext.append({"url": _EXT["cin-referral-nfa"], "valueBoolean": nfa})
        if ext:
            ep["extension"] = ext
        self.entries.append({"fullUrl": "urn:uuid:" + eid, "resource": ep})
        counters: dict[str, int] = {}
        for sub in el.order:  # Assessments, CINPlanDates, Section47 and ChildProtectionPlans, in document order
            k = counters[sub.tag] = counters.get(sub.tag, 0) + 1
            _EPISODE_PARTS[sub.tag](self, sub, eid, n, k)

    def _episode_ext(self, eid: str) -> dict[str, Any]:
        return {"url": EPISODE_EXT, "valueReference": {"reference": "urn:uuid:" + eid}}

    def _assessment(self, el: _Node, eid: str, n: int, k: int) -> None:
        key = f"episode{_SEP}{n}{_SEP}assessment{_SEP}{k}"
        aid = self.ids.of(key)
        start = self._date(el, "AssessmentActualStartDate", required=True)
        review = self._date(el, "AssessmentInternalReviewDate")
        authorised = self._date(el, "AssessmentAuthorisationDate")
        ext = [self._episode_ext(eid)]
        if review:
            ext.append({"url": _EXT["cin-assessment-internal-review"], "valueDate": review})
        if authorised:
            ext.append({"url": _EXT["cin-assessment-authorised"], "valueDate": authorised})
        ra: dict[str, Any] = {
            "resourceType": "RiskAssessment",
            "id": aid,
            "meta": {"profile": [_PROFILE["DARiskAssessment"]]},
            "extension": ext,
            "status": "final" if authorised else "preliminary",
            "code": {"coding": [_coding("cin-activity", "assessment")]},
            "method": {
                "coding": [{"system": _CS["risk-tool"], "code": "other"}],
                "text": "Children's social care assessment (Children Act 1989)",
            },
            "subject": {"reference": self.child_ref},
            "performer": {"reference": self.agency_ref},
        }
        if start:
            ra["occurrenceDateTime"] = start
        else:
            ra["_occurrenceDateTime"] = _absent()
        self.entries.append({"fullUrl": "urn:uuid:" + aid, "resource": ra})
        factors_el = _first(el, "FactorsIdentifiedAtAssessment")
        basis: list[dict[str, str]] = []
        seen: set[str] = set()
        when = authorised or start
        direct = self._child_is_16(when)  # factor 3A makes the child a party only from 16
        for f, code in enumerate(self._values(factors_el, "AssessmentFactors"), start=1):
            if code in seen:
                self._add(
                    Loss.INVALID_INPUT,
                    "AssessmentFactors",
                    self._at(factors_el, "AssessmentFactors", f),
                    "duplicate factor on one assessment",
                    code=code,
                )
            seen.add(code)
            fkey = f"{key}{_SEP}factor{_SEP}{f}"
            fid = self.ids.of(fkey)
            if code in DA_FACTORS:
                res = self._da_concern(fid, code, when, f"{self.key[2]}/{n}/{k}/{f}", direct)
            else:
                res = self._risk_factor(fid, code, when, factors_el, f)
            basis.append(self._ref(fid))
            self.entries.append({"fullUrl": "urn:uuid:" + fid, "resource": res})
            if DA_FACTORS.get(code) == "child" and not self.unborn:
                sid = self.ids.of(f"{fkey}{_SEP}victim-status")
                self.entries.append(
                    {"fullUrl": "urn:uuid:" + sid, "resource": self._child_victim_status(sid, fid, when, direct)}
                )
        if "21" in seen and len(seen) > 1:
            self._add(
                Loss.INVALID_INPUT,
                "AssessmentFactors",
                self._loc(factors_el) if factors_el is not None else "",
                "factor 21 (no factors identified) must be the only factor",
                code="21",
            )
        if basis:
            ra["basis"] = basis

    def _subject_for(self, code: str) -> str:
        m = _FACTOR.fullmatch(code)
        if m and m.group(2) == "B":
            return self._placeholder("parent-or-carer")
        if m and m.group(2) == "C":
            return self._placeholder("household-member")
        return self.child_id

    def _effective(self, res: dict[str, Any], when: str) -> None:
        if when:
            res["effectiveDateTime"] = when
        else:
            res["_effectiveDateTime"] = _absent()

    def _child_is_16(self, when: str) -> bool:
        """Whether the child is known to be 16 or over on ``when`` (both dates YYYY-MM-DD)."""
        birth = self.birth
        if not (birth and when):
            return False
        years = int(when[:4]) - int(birth[:4]) - (when[5:10] < birth[5:10])
        return years >= 16

    def _da_concern(self, fid: str, code: str, when: str, ref: str, direct: bool) -> dict[str, Any]:
        """The DAIncident of factor 3A, 3B or 3C. For 3A the child is the victim party only when known to be 16 or
        over (``direct``, DA Act 2021 s1(2)(a)); a younger child, or one of unknown age, is a victim under s3
        instead (``_child_victim_status``) and the incident's victim is not identified."""
        role = DA_FACTORS[code]
        if role != "child":
            victim: dict[str, Any] = self._ref(self._placeholder(role))
        elif direct:
            victim = self._ref(self.child_id)
        else:
            victim = _absent()
        obs: dict[str, Any] = {
            "resourceType": "Observation",
            "id": fid,
            "meta": {"profile": [_PROFILE["DAIncident"]]},
            "extension": [
                {
                    "url": _EXT["incident-party"],
                    "extension": [
                        {"url": "person", "valueReference": victim},
                        {
                            "url": "role",
                            "valueCodeableConcept": {"coding": [{"system": _CS["incident-role"], "code": "victim"}]},
                        },
                    ],
                },
                # the census names no perpetrator: the role is stated, the person is absent (da-inc-1, L04)
                {
                    "url": _EXT["incident-party"],
                    "extension": [
                        {"url": "person", "valueReference": _absent()},
                        {
                            "url": "role",
                            "valueCodeableConcept": {
                                "coding": [{"system": _CS["incident-role"], "code": "person-causing-harm"}]
                            },
                        },
                    ],
                },
            ],
            "identifier": [{"system": _ID["cin-assessment-factor"], "value": ref}],
            "status": "final",
            "code": {
                "coding": [
                    {"system": _CS["record-type"], "code": "incident"},
                    _coding("cin-assessment-factor", code),
                ]
            },
            "subject": {"reference": self.child_ref},
            "performer": [{"reference": self.agency_ref}],
            "valueString": "Domestic abuse concern identified at a children's social care assessment: "
            + code_list("cin-assessment-factor")[code],
            "component": [
                {
                    "code": {"coding": [{"system": _CS["observation-component"], "code": "abuse-kind"}]},
                    "valueCodeableConcept": _absent(),
                }
            ],
        }
        self._effective(obs, when)
        return obs

    def _child_victim_status(self, sid: str, fid: str, when: str, direct: bool) -> dict[str, Any]:
        """The child's DAChildVictimStatus for the factor 3A incident ``fid``: a direct victim (s1) when known to
        be 16 or over (``direct``), else a child victim (s3). The census says nothing of how the child was
        affected."""
        obs: dict[str, Any] = {
            "resourceType": "Observation",
            "id": sid,
            "meta": {"profile": [_PROFILE["DAChildVictimStatus"]]},
            "status": "final",
            "code": {"coding": [{"system": _CS["record-type"], "code": "child-victim-status"}]},
            "subject": {"reference": self.child_ref},
            "focus": [self._ref(fid)],
            "performer": [{"reference": self.agency_ref}],
            "valueCodeableConcept": {
                "coding": [_coding("victim-status", "s1-direct-victim" if direct else "s3-child-victim")]
            },
        }
        if not direct:  # how the child was affected and is related are not in the census (da-cvs-2)
            obs["component"] = [
                {
                    "code": {"coding": [{"system": _CS["observation-component"], "code": part}]},
                    "valueCodeableConcept": _absent(),
                }
                for part in ("basis", "related-to")
            ]
        self._effective(obs, when)
        return obs

    def _risk_factor(self, fid: str, code: str, when: str, parent: _Node | None, f: int) -> dict[str, Any]:
        """The risk factor of the ``f``-th AssessmentFactors under ``parent``."""
        codings = [{"system": _CS["record-type"], "code": "risk-factor"}]
        value: dict[str, Any]
        template = _codings("cin-assessment-factor").get(code)
        if template is not None:
            cin = template.copy()
            codings.append(cin)
            hit = code_map("cin-assessment-factor-to-risk-factor").forward.get(code)
            value = {"coding": [{"system": _CS["risk-factor"], "code": hit[0]}, cin] if hit else [cin]}
            subject = self._subject_for(code)
        else:
            self._add(
                Loss.UNMAPPED_CODE,
                "AssessmentFactors",
                self._at(parent, "AssessmentFactors", f),
                "not a CIN assessment factor; kept as text",
                code=code,
            )
            value = {"text": code}
            subject = self.child_id
        obs: dict[str, Any] = {
            "resourceType": "Observation",
            "id": fid,
            "meta": {"profile": [_PROFILE["DARiskFactor"]]},
            "status": "final",
            "code": {"coding": codings},
            "subject": self._ref(subject),
            "performer": [{"reference": self.agency_ref}],
            "valueCodeableConcept": value,
        }
        self._effective(obs, when)
        return obs

    def _section47(self, el: _Node, eid: str, n: int, k: int) -> None:
        start = self._date(el, "S47ActualStartDate", required=True)
        target = self._date(el, "InitialCPCtarget")
        icpc = self._date(el, "DateOfInitialCPC")
        not_required = self._bool(el, "ICPCnotRequired", required=True)
        ext = [self._episode_ext(eid)]
        if target:
            ext.append({"url": _EXT["cin-icpc-target-date"], "valueDate": target})
        if icpc:
            ext.append({"url": _EXT["cin-initial-cpc-date"], "valueDate": icpc})
        if not_required is not None:
            ext.append({"url": _EXT["cin-icpc-not-required"], "valueBoolean": not_required})
        rid = self.ids.of(f"episode{_SEP}{n}{_SEP}section47{_SEP}{k}")
        ra: dict[str, Any] = {
            "resourceType": "RiskAssessment",
            "id": rid,
            "meta": {"profile": [_PROFILE["DARiskAssessment"]]},
            "extension": ext,
            "status": "final" if (icpc or not_required) else "preliminary",
            "code": {"coding": [_coding("cin-activity", "section-47")]},
            "method": {
                "coding": [{"system": _CS["risk-tool"], "code": "other"}],
                "text": "Section 47 enquiry (Children Act 1989)",
            },
            "subject": {"reference": self.child_ref},
            "performer": {"reference": self.agency_ref},
        }
        if start:
            ra["occurrenceDateTime"] = start
        else:
            ra["_occurrenceDateTime"] = _absent()
        self.entries.append({"fullUrl": "urn:uuid:" + rid, "resource": ra})

    def _plan(self, pid: str, eid: str, kind: str, start: str, end: str) -> dict[str, Any]:
        plan: dict[str, Any] = {
            "resourceType": "CarePlan",
            "id": pid,
            "meta": {"profile": [_PROFILE["DAPlan"]]},
            "extension": [self._episode_ext(eid)],
            "status": "completed" if end else "active",
            "intent": "plan",
            "category": [{"coding": [{"system": _CS["plan-type"], "code": kind}, _coding("cin-activity", kind)]}],
            "subject": {"reference": self.child_ref},
            "author": {"reference": self.agency_ref},
        }
        period = _period(start, end)
        if period:
            plan["period"] = period
        return plan

    def _cin_plan(self, el: _Node, eid: str, n: int, k: int) -> None:
        start = self._date(el, "CINPlanStartDate", required=True)
        end = self._date(el, "CINPlanEndDate")
        pid = self.ids.of(f"episode{_SEP}{n}{_SEP}cin-plan{_SEP}{k}")
        self.entries.append({"fullUrl": "urn:uuid:" + pid, "resource": self._plan(pid, eid, "cin-plan", start, end)})

    def _cp_plan(self, el: _Node, eid: str, n: int, k: int) -> None:
        start = self._date(el, "CPPstartDate", required=True)
        end = self._date(el, "CPPendDate")
        pid = self.ids.of(f"episode{_SEP}{n}{_SEP}cp-plan{_SEP}{k}")
        plan = self._plan(pid, eid, "child-protection-plan", start, end)
        initial = self._one(el, "InitialCategoryOfAbuse", required=True)
        latest = self._one(el, "LatestCategoryOfAbuse", required=True)
        if initial:
            plan["extension"].append(
                {
                    "url": _EXT["cin-initial-category-of-abuse"],
                    "valueCodeableConcept": self._code_cc(
                        "cin-category-of-abuse", initial, el, "InitialCategoryOfAbuse"
                    ),
                }
            )
        if latest:
            plan["category"].append(self._code_cc("cin-category-of-abuse", latest, el, "LatestCategoryOfAbuse"))
        count = self._one(el, "NumberOfPreviousCPP", required=True)
        if count:
            if count.isdigit():
                plan["extension"].append({"url": _EXT["cin-previous-cpp-count"], "valueInteger": int(count)})
            else:
                self._add(
                    Loss.INVALID_INPUT,
                    "NumberOfPreviousCPP",
                    self._at(el, "NumberOfPreviousCPP"),
                    "not a whole number; not converted",
                )
        reviews = _first(el, "Reviews")
        activities = []
        for i, text in enumerate(self._values(reviews, "CPPreviewDate"), start=1):
            if not _is_date(text):
                self._add(
                    Loss.INVALID_INPUT,
                    "CPPreviewDate",
                    self._at(reviews, "CPPreviewDate", i),
                    "CPPreviewDate is not a date; not converted",
                )
                continue
            activities.append(
                {
                    "extension": [{"url": _EXT["action-directed-at"], "valueReference": {"reference": self.child_ref}}],
                    "detail": {
                        "code": {"coding": [_coding("cin-activity", "cpp-review")]},
                        "status": "completed",
                        "scheduledPeriod": {"start": text, "end": text},
                        "performer": [{"reference": self.agency_ref}],
                    },
                }
            )
        if activities:
            plan["activity"] = activities
        self.entries.append({"fullUrl": "urn:uuid:" + pid, "resource": plan})


# What each container of a CINdetails becomes (its node, the episode id, the episode's and its own number).
_EPISODE_PARTS: dict[str, Callable[[_ChildReader, _Node, str, int, int], None]] = {
    "Assessments": _ChildReader._assessment,
    "CINPlanDates": _ChildReader._cin_plan,
    "Section47": _ChildReader._section47,
    "ChildProtectionPlans": _ChildReader._cp_plan,
}


def _period(start: str, end: str) -> dict[str, str] | None:
    """A Period of whichever of ``start`` and ``end`` are known (None for neither)."""
    if not (start or end):
        return None
    period = {}
    if start:
        period["start"] = start
    if end:
        period["end"] = end
    return period


@cache
def _absent_urls(sex: bool, ethnicity: bool, disability: bool) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The extensions ``_absent_characteristics`` states as absent, before and after pregnancy-status, in order."""
    before = [_EXT["person-sex"]] if sex else []
    if ethnicity:
        before += [UKCORE_ETHNIC_EXT, _EXT["ethnicity-dfe"]]
    before += [_EXT[ext_id] for ext_id in _ABSENT_CHARACTERISTICS]
    after = [RELIGION_EXT, DISABILITY_EXT] if disability else [RELIGION_EXT]
    return tuple(before), tuple(after)


def _absent_value(url: str) -> dict[str, Any]:
    """Extension ``url`` with an absent CodeableConcept value (data-absent-reason ``unknown``)."""
    return {"url": url, "valueCodeableConcept": {"extension": [{"url": DAR, "valueCode": "unknown"}]}}


_EPISODE_CODES = (
    ("ReferralSource", "cin-referral-source", "cin-referral-source", True),
    ("PrimaryNeedCode", "cin-primary-need", "cin-primary-need", False),
    ("ReasonForClosure", "cin-closure-reason", "end-reason", False),
)
_FACTOR = re.compile(r"([1-6])([ABC])")


def _first(parent: _Node | None, tag: str) -> _Node | None:
    """The first ``tag`` container under ``parent``."""
    if parent is None:
        return None
    kids = parent.kids.get(tag)
    return kids[0] if kids else None


_DATES_SEEN: set[str] = set()  # real dates met so far (emptied when large): a return's dates repeat a lot


def _is_date(text: str) -> bool:
    """True for a real calendar date written YYYY-MM-DD."""
    if text in _DATES_SEEN:
        return True
    if len(text) != 10 or not _DATE.fullmatch(text):
        return False
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    if len(_DATES_SEEN) >= 65536:
        _DATES_SEEN.clear()
    _DATES_SEEN.add(text)
    return True


class _Layout(NamedTuple):
    """The known children of one kind of container: leaf tags, and container tag -> mapping path."""

    leaves: frozenset[str]
    containers: dict[str, str]


@cache
def _layout() -> dict[str, _Layout]:
    """Container mapping path -> what may stand in it."""
    leaves: dict[str, set[str]] = {path: set() for path, container in _kinds().items() if container}
    containers: dict[str, dict[str, str]] = {path: {} for path in leaves}
    for path, container in _kinds().items():
        parent, _, tag = path.rpartition("/")
        if parent in leaves:
            if container:
                containers[parent][tag] = path
            else:
                leaves[parent].add(tag)
    return {path: _Layout(frozenset(leaves[path]), containers[path]) for path in leaves}


def _walk(el: etree._Element, node: _Node, layout: dict[str, _Layout], deferred: list[ReportEntry]) -> None:
    """Fill ``node``, a Child with its XPath, from its element ``el`` and note, in document order, every element
    the mapping does not know (leaves only, never their values) and stray text. ``layout`` is ``_layout()``."""
    text = el.text
    if text and text.strip():
        deferred.append(_stray_inside(el, node.loc))
    _fill(el, node, layout, deferred, (el, node.loc))


def _fill(
    el: etree._Element,
    node: _Node,
    layout: dict[str, _Layout],
    deferred: list[ReportEntry],
    top: tuple[etree._Element, str],
) -> None:
    """``_walk`` for any known container ``node`` of the Child ``top`` (its element and XPath)."""
    leaves, containers = layout[node.generic]
    groups = node.kids
    value: str | _Node
    for c in el:
        tag = c.tag
        if tag in leaves:
            value = (c.text or "").strip()
        elif tag in containers:
            value = _Node(tag, containers[tag])
            node.order.append(value)
            text = c.text
            if text and not text.isspace():
                deferred.append(_stray_inside(c, _xpath(c, top)))
        else:
            if tag.__class__ is str:  # not a comment, processing instruction or entity
                _unknown(c, _xpath(c, top), True, deferred)
            continue
        group = groups.get(tag)
        if group is None:
            groups[tag] = [value]
        else:
            group.append(value)
        tail = c.tail
        if tail and not tail.isspace():
            deferred.append(_stray_after(c, _xpath(c, top)))
        if value.__class__ is _Node:
            _fill(c, value, layout, deferred, top)
        elif len(c):
            _unknown_kids(c, _xpath(c, top), True, deferred)


def _xpath(el: etree._Element, top: tuple[etree._Element, str]) -> str:
    """The XPath of ``el``, inside the Child ``top`` (its element and XPath), worked out from the XML: positions
    where a tag repeats."""
    top_el, top_loc = top
    parent = el.getparent()
    if el is top_el or parent is None:
        return top_loc
    tag = el.tag
    same = [s for s in parent if s.tag == tag]
    where = _xpath(parent, top)
    return f"{where}/{tag}[{same.index(el) + 1}]" if len(same) > 1 else f"{where}/{tag}"


def _unknown(el: etree._Element, loc: str, parent_known: bool, deferred: list[ReportEntry]) -> None:
    """An element outside the mapping: its leaves are reported; stray text after it when its parent is known."""
    if len(el) == 0:
        deferred.append(
            ReportEntry(Loss.UNMAPPED_FIELD, str(el.tag), loc, "not part of the mapping; value not converted")
        )
    tail = el.tail
    if parent_known and tail and tail.strip():
        deferred.append(_stray_after(el, loc))
    if len(el):
        _unknown_kids(el, loc, False, deferred)


def _unknown_kids(el: etree._Element, loc: str, parent_known: bool, deferred: list[ReportEntry]) -> None:
    kids = [c for c in el if isinstance(c.tag, str)]
    counts: dict[str, int] = {}
    for c in kids:
        counts[c.tag] = counts.get(c.tag, 0) + 1
    seen: dict[str, int] = {}
    for c in kids:
        tag = str(c.tag)
        i = seen[tag] = seen.get(tag, 0) + 1
        _unknown(c, f"{loc}/{tag}[{i}]" if counts[tag] > 1 else f"{loc}/{tag}", parent_known, deferred)


def _stray_inside(el: etree._Element, loc: str) -> ReportEntry:
    return ReportEntry(Loss.INVALID_INPUT, str(el.tag), loc, "stray text inside a container; ignored")


def _stray_after(el: etree._Element, loc: str) -> ReportEntry:
    return ReportEntry(Loss.INVALID_INPUT, str(el.tag), loc, "stray text after this element; ignored")


_ROOT = re.compile(rb"(?:\xef\xbb\xbf)?(?:\s+|<\?.*?\?>|<!--.*?-->)*<([A-Za-z_][\w.-]*)[\s/>]", re.DOTALL)


def _root_tag(head: bytes) -> str | None:
    """The root element's name, read from the start of the document; None when it is not a plain name seen in
    ``head`` (a prefix, a namespace declaration anywhere in ``head``)."""
    match = _ROOT.match(head)
    if match is None or b"xmlns" in head:
        return None
    return match.group(1).decode("ascii", "replace")


class _Prefixed:
    """A read-only stream that replays ``head`` and then continues with ``rest``."""

    def __init__(self, head: bytes, rest: IO[bytes]) -> None:
        self.head = head
        self.rest = rest

    def read(self, size: int = -1) -> bytes:
        if self.head:
            if size < 0 or size >= len(self.head):
                out, self.head = self.head, b""
                return (
                    out + (self.rest.read(size - len(out)) if size > len(out) else b"")
                    if size >= 0
                    else (out + self.rest.read())
                )
            out, self.head = self.head[:size], self.head[size:]
            return out
        return self.rest.read(size)


class _ChildUnit(NamedTuple):
    """One Child as read, ready to build: what was reported before it, its Header, XPath, occurrence of its
    LAchildID, and either its walked tree with the deferred report entries or (for a worker) its XML."""

    before: list[ReportEntry]
    header: CensusHeader
    xpath: str
    occurrence: int
    node: _Node | bytes
    deferred: list[ReportEntry]


@cache
def _child_parser() -> etree.XMLParser:
    """The parser a worker reads one Child's XML with: the same safety settings as the whole return."""
    return etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, remove_comments=True, remove_pis=True
    )


def _walked(unit: _ChildUnit) -> tuple[_Node, list[ReportEntry]]:
    """The unit's walked tree and deferred entries, walking its XML first when it came as XML."""
    if isinstance(unit.node, _Node):
        return unit.node, unit.deferred
    node = _Node("Child", CHILD_PATH, loc=unit.xpath)
    deferred: list[ReportEntry] = []
    _walk(etree.fromstring(unit.node, _child_parser()), node, _layout(), deferred)
    return node, deferred


# Children sent to a worker at once: enough to make the hand-over cheap, few enough to keep memory flat.
_BATCH_CHILDREN = 64

_Built = tuple[list[ReportEntry], bytes, list[ReportEntry]]


def _build_batch(
    name: str, encode: Callable[[dict[str, Any]], bytes], units: list[_ChildUnit]
) -> tuple[list[_Built], dict[str, str]]:
    """Worker side of ``read_encoded``: for each unit its entries-before, encoded Bundle and own entries; and the
    mapping paths the batch read."""
    out: list[_Built] = []
    mapped: dict[str, str] = {}
    ctx: _Context | None = None
    for unit in units:
        if ctx is None or ctx.header is not unit.header:
            ctx = _Context(ConversionReport(), name, unit.header, mapped)
        ctx.report.entries = []
        bundle = _ChildReader(ctx, unit.xpath, unit.occurrence).build(*_walked(unit))
        out.append((unit.before, encode(bundle), ctx.report.entries))
    return out, mapped


def _finish_read(report: ConversionReport, held: ConversionReport, mapped: dict[str, str]) -> None:
    """What was reported after the last Child, then one ``mapped`` entry per mapping path seen, sorted."""
    report.entries.extend(held.entries)
    for path in sorted(mapped):
        report.add(ReportEntry(Loss.MAPPED, path.rsplit("/", 1)[-1], path, target=mapped[path]))


# --------------------------------------------------------------------------------------------------- writing


def _index(bundle: dict[str, Any]) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for e in bundle.get("entry", []):
        res = e.get("resource")
        if isinstance(res, dict):
            if isinstance(e.get("fullUrl"), str):
                out[e["fullUrl"]] = res
            if res.get("resourceType") and res.get("id"):
                out[f"{res['resourceType']}/{res['id']}"] = res
    return out


def _ref(value: Any) -> str:
    return str(value.get("reference", "")) if isinstance(value, dict) else ""


def _ext(res: dict[str, Any], url: str) -> list[dict[str, Any]]:
    return [e for e in res.get("extension", []) if isinstance(e, dict) and e.get("url") == url]


def _first_ext_value(res: dict[str, Any], url: str, key: str) -> Any:
    for e in _ext(res, url):
        if key in e:
            return e[key]
    return None


def _is_absent(value: Any) -> bool:
    """Whether ``value`` is only a data-absent-reason (as ``_absent`` makes)."""
    return (
        isinstance(value, dict) and set(value) == {"extension"} and all(e.get("url") == DAR for e in value["extension"])
    )


def _cc_code(cc: Any, system: str) -> str:
    if not isinstance(cc, dict):
        return ""
    for c in cc.get("coding", []):
        if c.get("system") == system and c.get("code"):
            return str(c["code"])
    return ""


def _cc_code_or_text(cc: Any, system: str) -> str:
    code = _cc_code(cc, system)
    if code:
        return code
    if isinstance(cc, dict) and not cc.get("coding") and isinstance(cc.get("text"), str):
        return str(cc["text"])
    return ""


def _sub(parent: etree._Element, tag: str, text: str | None) -> None:
    if text:
        etree.SubElement(parent, tag).text = text


class _ChildWriter:
    """Rebuilds one Child element from one Bundle; reports what the census cannot hold."""

    def __init__(self, bundle: dict[str, Any], label: str, cin_year: int, report: ConversionReport) -> None:
        self.bundle = bundle
        self.label = label
        self.cin_year = cin_year
        self.report = report
        self.index = _index(bundle)
        self.used: set[int] = set()

    def _get(self, ref: Any) -> dict[str, Any] | None:
        res = self.index.get(_ref(ref))
        if res is not None:
            self.used.add(id(res))
        return res

    def _loss(self, kind: Loss, fld: str, where: str, message: str) -> None:
        self.report.add(ReportEntry(kind, fld, f"{self.label}{where}", message))

    def build(self) -> etree._Element | None:
        entries = [e.get("resource") for e in self.bundle.get("entry", []) if isinstance(e.get("resource"), dict)]
        child = next(
            (
                r
                for r in entries
                if r.get("resourceType") == "Patient"
                and any(i.get("system") == identifier_system("la-child-id") for i in r.get("identifier", []))
            ),
            None,
        )
        if child is None:
            self._loss(Loss.INVALID_INPUT, "Patient", "", "no person with an LA child id; the census needs one")
            return None
        self.used.add(id(child))
        child_refs = {f"urn:uuid:{child['id']}", f"Patient/{child['id']}"}
        el = etree.Element("Child")
        self._identifiers(etree.SubElement(el, "ChildIdentifiers"), child)
        self._characteristics(etree.SubElement(el, "ChildCharacteristics"), child)
        episodes = [
            r
            for r in entries
            if r.get("resourceType") == "EpisodeOfCare"
            and _ref(r.get("patient")) in child_refs
            and _cc_code((r.get("type") or [{}])[0], code_system_url("service-type")) == "childrens-social-care"
        ]
        if not episodes:
            self._loss(
                Loss.INVALID_INPUT,
                "EpisodeOfCare",
                "",
                "no children's social care episode; the census needs at least one CINdetails",
            )
        for ep in episodes:
            self.used.add(id(ep))
            self._cin_details(etree.SubElement(el, "CINdetails"), ep, entries)
        for i, r in enumerate(entries):
            if id(r) in self.used or r.get("resourceType") in ("Provenance", "Organization"):
                continue
            if r.get("resourceType") == "RelatedPerson" or (
                r.get("resourceType") == "Patient" and self._placeholder(r)
            ):
                continue
            self._loss(
                Loss.UNMAPPED_FIELD,
                str(r.get("resourceType")),
                f".entry[{i}]",
                "the CIN census has no place for this resource",
            )
        return el

    def _placeholder(self, r: dict[str, Any]) -> bool:
        return "name" not in r and "identifier" not in r and id(r) in self.used

    def _identifiers(self, el: etree._Element, p: dict[str, Any]) -> None:
        ident = p.get("identifier", [])
        la = next(i.get("value") for i in ident if i.get("system") == identifier_system("la-child-id"))
        _sub(el, "LAchildID", la)
        upn = next(
            (i.get("value") for i in ident if i.get("system") == identifier_system("upn") and i.get("use") != "old"),
            None,
        )
        former = next(
            (i.get("value") for i in ident if i.get("system") == identifier_system("upn") and i.get("use") == "old"),
            None,
        )
        _sub(el, "UPN", upn)
        _sub(el, "FormerUPN", former)
        _sub(
            el,
            "UPNunknown",
            _cc_code_or_text(
                _first_ext_value(p, extension_url("cin-upn-unknown"), "valueCodeableConcept"),
                code_system_url("cin-upn-unknown"),
            ),
        )
        _sub(el, "PersonBirthDate", str(p.get("birthDate", ""))[:10])
        _sub(
            el,
            "ExpectedPersonBirthDate",
            str(_first_ext_value(p, extension_url("expected-birth-date"), "valueDate") or ""),
        )
        sex_cc = _first_ext_value(p, extension_url("person-sex"), "valueCodeableConcept")
        sex = _cc_code(sex_cc, code_map("cin-sex").target)
        if self.cin_year >= 2024:
            value = sex or _cc_code_or_text(sex_cc, "") or "U"
            _sub(el, "Sex", value)
        else:
            gender_map = code_map("cin-gender-current-to-sex")
            value = _cc_code(sex_cc, gender_map.source) or (gender_map.reverse(sex) if sex else None) or ""
            if not value and isinstance(sex_cc, dict) and not sex_cc.get("coding"):
                value = str(sex_cc.get("text") or "")
            if sex == "U" and not _cc_code(sex_cc, gender_map.source):
                value = "0"
            _sub(el, "GenderCurrent", value or "0")
        _sub(
            el,
            "PersonDeathDate",
            str(p.get("deceasedDateTime", ""))[:10] if isinstance(p.get("deceasedDateTime"), str) else "",
        )

    def _characteristics(self, el: etree._Element, p: dict[str, Any]) -> None:
        dfe_cc = _first_ext_value(p, extension_url("ethnicity-dfe"), "valueCodeableConcept")
        eth = _cc_code_or_text(dfe_cc, code_map("cin-ethnicity-dfe").target)
        if not eth:
            nhs = _cc_code(
                _first_ext_value(p, UKCORE_ETHNIC_EXT, "valueCodeableConcept"),
                code_map("cin-ethnicity-dfe-to-nhs").target,
            )
            eth = (code_map("cin-ethnicity-dfe-to-nhs").reverse(nhs) if nhs else None) or "NOBT"
        _sub(el, "Ethnicity", eth)
        codes = [
            _cc_code_or_text(e.get("valueCodeableConcept"), code_map("cin-disability").target)
            for e in _ext(p, DISABILITY_EXT)
        ]
        codes = [c for c in codes if c]
        if codes:
            dis = etree.SubElement(el, "Disabilities")
            for c in codes:
                _sub(dis, "Disability", c)

    def _linked(self, entries: list[dict[str, Any]], ep: dict[str, Any]) -> list[dict[str, Any]]:
        refs = {f"urn:uuid:{ep['id']}", f"EpisodeOfCare/{ep['id']}"}
        return [r for r in entries if _ref(_first_ext_value(r, EPISODE_EXT, "valueReference")) in refs]

    def _cin_details(self, el: etree._Element, ep: dict[str, Any], entries: list[dict[str, Any]]) -> None:
        period = ep.get("period", {})
        start = str(period.get("start", ""))[:10]
        if not start:
            self._loss(
                Loss.INVALID_INPUT,
                "CINreferralDate",
                f" EpisodeOfCare/{ep.get('id')}",
                "episode has no start date; CINreferralDate left out",
            )
        _sub(el, "CINreferralDate", start)
        src = _cc_code_or_text(
            _first_ext_value(ep, extension_url("cin-referral-source"), "valueCodeableConcept"),
            code_system_url("cin-referral-source"),
        )
        _sub(el, "ReferralSource", src or "10")
        _sub(
            el,
            "PrimaryNeedCode",
            _cc_code_or_text(
                _first_ext_value(ep, extension_url("cin-primary-need"), "valueCodeableConcept"),
                code_system_url("cin-primary-need"),
            ),
        )
        _sub(el, "CINclosureDate", str(period.get("end", ""))[:10])
        _sub(
            el,
            "ReasonForClosure",
            _cc_code_or_text(
                _first_ext_value(ep, extension_url("end-reason"), "valueCodeableConcept"),
                code_system_url("cin-closure-reason"),
            ),
        )
        _sub(el, "DateOfInitialCPC", _first_ext_value(ep, extension_url("cin-initial-cpc-date"), "valueDate"))
        linked = self._linked(entries, ep)
        activity = code_system_url("cin-activity")
        for r in linked:
            if r.get("resourceType") == "RiskAssessment" and _cc_code(r.get("code"), activity) == "assessment":
                self.used.add(id(r))
                self._assessment(etree.SubElement(el, "Assessments"), r)
        for r in linked:
            if r.get("resourceType") == "CarePlan" and self._plan_kind(r) == "cin-plan":
                self.used.add(id(r))
                a = etree.SubElement(el, "CINPlanDates")
                _sub(a, "CINPlanStartDate", str(r.get("period", {}).get("start", ""))[:10])
                _sub(a, "CINPlanEndDate", str(r.get("period", {}).get("end", ""))[:10])
        for r in linked:
            if r.get("resourceType") == "RiskAssessment" and _cc_code(r.get("code"), activity) == "section-47":
                self.used.add(id(r))
                s = etree.SubElement(el, "Section47")
                _sub(s, "S47ActualStartDate", str(r.get("occurrenceDateTime", ""))[:10])
                _sub(s, "InitialCPCtarget", _first_ext_value(r, extension_url("cin-icpc-target-date"), "valueDate"))
                _sub(s, "DateOfInitialCPC", _first_ext_value(r, extension_url("cin-initial-cpc-date"), "valueDate"))
                nr = _first_ext_value(r, extension_url("cin-icpc-not-required"), "valueBoolean")
                _sub(s, "ICPCnotRequired", "true" if nr else "false")
        nfa = _first_ext_value(ep, extension_url("cin-referral-nfa"), "valueBoolean")
        if nfa is None:
            self._loss(
                Loss.INVALID_INPUT,
                "ReferralNFA",
                f" EpisodeOfCare/{ep.get('id')}",
                "no-further-action flag not recorded; written as false",
            )
        _sub(el, "ReferralNFA", "true" if nfa else "false")
        for r in linked:
            if r.get("resourceType") == "CarePlan" and self._plan_kind(r) == "child-protection-plan":
                self.used.add(id(r))
                self._cp_plan(etree.SubElement(el, "ChildProtectionPlans"), r)

    def _plan_kind(self, r: dict[str, Any]) -> str:
        for cat in r.get("category", []):
            code = _cc_code(cat, code_system_url("plan-type"))
            if code:
                return code
        return ""

    def _assessment(self, el: etree._Element, r: dict[str, Any]) -> None:
        _sub(el, "AssessmentActualStartDate", str(r.get("occurrenceDateTime", ""))[:10])
        _sub(
            el,
            "AssessmentInternalReviewDate",
            _first_ext_value(r, extension_url("cin-assessment-internal-review"), "valueDate"),
        )
        _sub(
            el,
            "AssessmentAuthorisationDate",
            _first_ext_value(r, extension_url("cin-assessment-authorised"), "valueDate"),
        )
        codes: list[str] = []
        for b in r.get("basis", []):
            res = self._get(b)
            if res is None:
                continue
            for linked in (res.get("subject"),):
                self._get(linked)
            for p in _ext(res, extension_url("incident-party")):
                for s in p.get("extension", []):
                    if s.get("url") == "person":
                        self._get(s.get("valueReference"))
            code = _cc_code(res.get("code"), code_system_url("cin-assessment-factor"))
            if not code:
                cc = res.get("valueCodeableConcept")
                code = _cc_code_or_text(cc, code_system_url("cin-assessment-factor"))
            if code:
                codes.append(code)
            if DA_FACTORS.get(code) == "child":
                self._victim_statuses_of(res)
        if codes:
            f = etree.SubElement(el, "FactorsIdentifiedAtAssessment")
            for c in codes:
                _sub(f, "AssessmentFactors", c)

    def _victim_statuses_of(self, incident: dict[str, Any]) -> None:
        """Count as written the child victim statuses about a factor 3A ``incident`` that say no more than the
        factor does (components only with absent values, no notes); richer ones stay unwritten and are reported as
        losses."""
        refs = {f"urn:uuid:{incident.get('id')}", f"Observation/{incident.get('id')}"}
        for e in self.bundle.get("entry", []):
            r = e.get("resource")
            if (
                isinstance(r, dict)
                and r.get("resourceType") == "Observation"
                and _cc_code(r.get("code"), code_system_url("record-type")) == "child-victim-status"
                and all(_is_absent(c.get("valueCodeableConcept")) for c in r.get("component", []))
                and not r.get("note")
                and any(_ref(f) in refs for f in r.get("focus", []))
            ):
                self.used.add(id(r))

    def _cp_plan(self, el: etree._Element, r: dict[str, Any]) -> None:
        period = r.get("period", {})
        _sub(el, "CPPstartDate", str(period.get("start", ""))[:10])
        _sub(el, "CPPendDate", str(period.get("end", ""))[:10])
        cat = code_system_url("cin-category-of-abuse")
        _sub(
            el,
            "InitialCategoryOfAbuse",
            _cc_code_or_text(
                _first_ext_value(r, extension_url("cin-initial-category-of-abuse"), "valueCodeableConcept"), cat
            ),
        )
        latest = ""
        for c in r.get("category", []):
            latest = _cc_code(c, cat) or (str(c.get("text", "")) if not c.get("coding") else "")
            if latest:
                break
        _sub(el, "LatestCategoryOfAbuse", latest)
        count = _first_ext_value(r, extension_url("cin-previous-cpp-count"), "valueInteger")
        _sub(el, "NumberOfPreviousCPP", str(count) if count is not None else "")
        reviews = [
            str(a.get("detail", {}).get("scheduledPeriod", {}).get("start", ""))[:10]
            for a in r.get("activity", [])
            if _cc_code(a.get("detail", {}).get("code"), code_system_url("cin-activity")) == "cpp-review"
        ]
        if any(reviews):
            rv = etree.SubElement(el, "Reviews")
            for d in reviews:
                _sub(rv, "CPPreviewDate", d)


def _header_element(bundle: dict[str, Any] | None, cin_year: int) -> etree._Element:
    header = etree.Element("Header")
    stored: dict[str, Any] | None = None
    stored_sources: list[dict[str, Any]] = []
    lea = ""
    for e in (bundle or {}).get("entry", []):
        res = e.get("resource", {})
        if res.get("resourceType") == "Provenance" and stored is None and not stored_sources:
            found = _ext(res, extension_url("cin-header"))
            stored = found[0] if found else None
            stored_sources = _ext(res, extension_url("cin-header-source"))
        if res.get("resourceType") == "Organization" and not lea:
            lea = next(
                (
                    str(i.get("value"))
                    for i in res.get("identifier", [])
                    if i.get("system") == identifier_system("la-code")
                ),
                "",
            )
    values: dict[str, str] = {}
    sources: list[dict[str, str]] = []
    if stored:
        for s in stored.get("extension", []):
            if s.get("url") == "Source":  # the nested shape written before cin-header-source existed
                sources.append({x["url"]: str(x.get("valueString", "")) for x in s.get("extension", [])})
            else:
                values[s["url"]] = str(s.get("valueString", ""))
    for src_ext in stored_sources:
        sources.append({x["url"]: str(x.get("valueString", "")) for x in src_ext.get("extension", [])})
    if not stored and not sources:
        values = {"Collection": "CIN", "Year": str(cin_year), "ReferenceDate": f"{cin_year + 1}-03-31"}
        if lea:
            sources = [{"SourceLevel": "L", "LEA": lea}]
    cd = etree.SubElement(header, "CollectionDetails")
    for tag in ("Collection", "Year", "ReferenceDate"):
        _sub(cd, tag, values.get(tag))
    for src in sources:
        s = etree.SubElement(header, "Source")
        for tag in ("SourceLevel", "LEA", "SoftwareCode", "Release", "SerialNo", "DateTime"):
            _sub(s, tag, src.get(tag))
    return header


# --------------------------------------------------------------------------------------------------- the format


class CinCensusFormat(Format):
    """DfE Children in Need census XML (read and write). ``cin_year`` picks Sex (>= 2024) or GenderCurrent."""

    name: ClassVar[str] = NAME
    description: ClassVar[str] = "DfE Children in Need census return (XML), one DACaseBundle per Child"
    extensions: ClassVar[tuple[str, ...]] = (".xml",)
    can_read: ClassVar[bool] = True
    can_write: ClassVar[bool] = True
    reads_in_parallel: ClassVar[bool] = True

    def __init__(self, cin_year: int = 2024) -> None:
        self.cin_year = cin_year

    def sniff(self, head: bytes, path: Path | None) -> bool:
        """True for XML whose root is ``Message`` holding a CIN Header or Children."""
        text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
        return (
            text.startswith((b"<?xml", b"<Message"))
            and b"<Message" in text
            and (b"<Children" in text or b"<Collection>CIN" in text)
        )

    def read(self, source: IO[bytes], name: str, report: ConversionReport) -> Iterator[dict[str, Any]]:
        """Yield one Bundle per Child, streaming. Never raises on content; see the module docstring."""
        held = ConversionReport()
        mapped: dict[str, str] = {}
        ctx: _Context | None = None
        for unit in self._units(source, name, held, mapped, walk=True):
            report.entries.extend(unit.before)
            report.records_in += 1
            if ctx is None or ctx.header is not unit.header:
                ctx = _Context(report, name, unit.header, mapped)
            yield _ChildReader(ctx, unit.xpath, unit.occurrence).build(*_walked(unit))
        _finish_read(report, held, mapped)

    def read_encoded(
        self,
        source: IO[bytes],
        name: str,
        report: ConversionReport,
        encode: Callable[[dict[str, Any]], bytes],
        jobs: int = 1,
    ) -> Iterator[bytes]:
        """As ``read``, each Bundle given as ``encode(bundle)``. With ``jobs`` > 1 this process reads the XML and
        that many worker processes build and encode the Bundles; the output and the report are exactly those of
        ``jobs=1``, in the same order. ``encode`` must be picklable (a module-level function)."""
        if jobs <= 1:
            for bundle in self.read(source, name, report):
                yield encode(bundle)
            return
        held = ConversionReport()
        mapped: dict[str, str] = {}
        units = self._units(source, name, held, mapped, walk=False)
        batches = ((name, encode, batch) for batch in batched(units, _BATCH_CHILDREN))
        for results, marked in ordered_map(_build_batch, batches, jobs):
            mapped.update(marked)
            for before, encoded, entries in results:
                report.entries.extend(before)
                report.records_in += 1
                report.entries.extend(entries)
                yield encoded
        _finish_read(report, held, mapped)

    def _units(
        self, source: IO[bytes], name: str, held: ConversionReport, mapped: dict[str, str], *, walk: bool
    ) -> Iterator[_ChildUnit]:
        """Parse the return and yield each Child in document order, walked (``walk``) or as its XML for a worker
        to walk. What is reported while reading goes into ``held`` and travels with the next unit (``before``);
        what remains at the end is the caller's."""
        report = held
        head = source.read(65536)
        if re.search(rb"<!DOCTYPE", head, re.IGNORECASE):
            report.add(ReportEntry(Loss.INVALID_INPUT, "(document)", "/", "DOCTYPE declarations are refused"))
            return
        header = CensusHeader()
        occurrences: dict[str, int] = {}
        child_no = 0
        fields = mapping()["fields"]
        known = set(fields) | set(mapping()["containers"])
        layout = _layout()
        # Only the elements the loop acts on are delivered (the root, and Header, Children and Child wherever they
        # are); the rest of the tree is looked at from those. Without a plain root name, every element is.
        root_tag = _root_tag(head)
        tags = None if root_tag is None else sorted({"Message", "Header", "Children", "Child", root_tag})
        parser = etree.iterparse(
            _Prefixed(head, source),
            events=("end",),
            tag=tags,
            resolve_entities=False,
            no_network=True,
            load_dtd=False,
            remove_comments=True,
            remove_pis=True,
            huge_tree=False,
        )
        done: set[etree._Element] = set()  # elements under a Children already converted or reported
        top = 0  # how many elements under the root have been handled

        def unknown_under_children(el: etree._Element) -> None:
            self._unknown_subtree(el, f"/Message/Children/{el.tag}", report, known)
            el.clear()
            done.add(el)

        def flush_children(children: etree._Element, upto: etree._Element | None) -> None:
            """Report, in order, what stands under ``children`` before ``upto`` (all of it when None) that is not
            a Child."""
            for kid in children:
                if kid is upto:
                    return
                if kid not in done and isinstance(kid.tag, str) and kid.tag != "Child":
                    unknown_under_children(kid)

        def flush_top(root: etree._Element, upto: etree._Element | None, inclusive: bool) -> None:
            """Handle, in order, the elements under the root up to ``upto`` (all when None): the Header, each
            Children's remaining content, and anything else as unknown."""
            nonlocal top, header
            if root.tag != "Message":
                return
            while top < len(root):
                kid = root[top]
                if kid is upto and not inclusive:
                    return
                top += 1
                if isinstance(kid.tag, str):
                    if kid.tag == "Header":
                        # a later Header adds to what earlier ones said; Children already read keep theirs
                        header = copy.deepcopy(header)
                        self._header(kid, header, report, mapped)
                    elif kid.tag == "Children":
                        flush_children(kid, None)
                    else:
                        self._unknown_subtree(kid, f"/Message/{kid.tag}", report, known)
                    kid.clear()
                if kid is upto:
                    return

        try:
            for _, elem in parser:
                parent = elem.getparent()
                if parent is None:
                    flush_top(elem, None, True)
                    if elem.tag != "Message":
                        report.add(
                            ReportEntry(
                                Loss.INVALID_INPUT, str(elem.tag), f"/{elem.tag}", "the root element must be Message"
                            )
                        )
                    break
                grand = parent.getparent()
                if grand is None:
                    flush_top(parent, elem, True)
                    continue
                if parent.tag != "Children" or grand.tag != "Message":
                    continue
                # under a Children: first what came before it at the top, then what came before it in Children
                outer = parent
                while outer.getparent() is not None and outer.getparent().getparent() is not None:
                    outer = outer.getparent()
                if outer.getparent() is not None:
                    flush_top(outer.getparent(), outer, False)
                flush_children(parent, elem)
                if elem.tag != "Child":
                    unknown_under_children(elem)
                    continue
                child_no += 1
                xpath = f"{CHILD_PATH}[{child_no}]"
                deferred: list[ReportEntry] = []
                content: _Node | bytes
                if walk:
                    content = _Node("Child", CHILD_PATH, loc=xpath)
                    _walk(elem, content, layout, deferred)
                    ids = _first(content, "ChildIdentifiers")
                    la_values = ids.kids.get("LAchildID") if ids is not None else None
                    la = la_values[0] if la_values else ""
                else:  # the same value the walk finds: the first LAchildID of the first ChildIdentifiers
                    content = etree.tostring(elem, with_tail=False)
                    ids_el = elem.find("ChildIdentifiers")
                    la_el = ids_el.find("LAchildID") if ids_el is not None else None
                    la = (la_el.text or "").strip() if la_el is not None else ""
                occurrences[la] = occurrences.get(la, 0) + 1
                if la and occurrences[la] > 1:
                    report.add(
                        ReportEntry(
                            Loss.INVALID_INPUT,
                            "LAchildID",
                            f"{xpath}/ChildIdentifiers/LAchildID",
                            "more than one Child with this LAchildID in the file",
                        )
                    )
                before, report.entries = report.entries, []
                elem.clear(keep_tail=True)
                done.add(elem)
                while elem.getprevious() is not None:
                    done.discard(parent[0])
                    del parent[0]
                yield _ChildUnit(before, header, xpath, occurrences[la], content, deferred)
        except etree.XMLSyntaxError as exc:
            line = exc.position[0] if exc.position else 0
            report.add(
                ReportEntry(
                    Loss.INVALID_INPUT, "(document)", f"line {line}", f"not well-formed XML: {exc.msg}; reading stopped"
                )
            )

    def _header(
        self, elem: etree._Element, header: CensusHeader, report: ConversionReport, mapped: dict[str, str]
    ) -> None:
        fields = mapping()["fields"]
        cd = elem.find("CollectionDetails")
        for tag in ("Collection", "Year", "ReferenceDate"):
            text = (cd.findtext(tag) or "").strip() if cd is not None else ""
            if text:
                header.values[tag] = text
                path = f"/Message/Header/CollectionDetails/{tag}"
                mapped[path] = fields[path]["target"]
        for n, src in enumerate(elem.findall("Source"), start=1):
            values: dict[str, str] = {}
            for sub in src:
                path = f"/Message/Header/Source/{sub.tag}"
                if path in fields and (sub.text or "").strip():
                    values[str(sub.tag)] = (sub.text or "").strip()
                    mapped[path] = fields[path]["target"]
                elif path not in fields:
                    report.add(
                        ReportEntry(
                            Loss.UNMAPPED_FIELD,
                            str(sub.tag),
                            f"/Message/Header/Source[{n}]/{sub.tag}",
                            "not part of the mapping; value not converted",
                        )
                    )
            header.sources.append(values)
        if not header.lea:
            report.add(ReportEntry(Loss.INVALID_INPUT, "LEA", "/Message/Header/Source/LEA", "no LA code in the header"))
        for sub in elem:
            if sub.tag not in ("CollectionDetails", "Source"):
                self._unknown_subtree(sub, f"/Message/Header/{sub.tag}", report, set(fields))

    @staticmethod
    def _unknown_subtree(elem: etree._Element, path: str, report: ConversionReport, known: set[str]) -> None:
        """Report every leaf of an element the mapping does not know, by XPath (never the value)."""
        del known
        leaves = [e for e in elem.iter() if isinstance(e.tag, str) and len(e) == 0] or [elem]
        for leaf in leaves:
            parts: list[str] = []
            node: etree._Element | None = leaf
            while node is not None and node is not elem:
                parts.append(str(node.tag))
                node = node.getparent()
            report.add(
                ReportEntry(
                    Loss.UNMAPPED_FIELD,
                    str(leaf.tag),
                    "/".join([path, *reversed(parts)]),
                    "not part of the mapping; value not converted",
                )
            )

    def write(self, bundles: Iterable[dict[str, Any]], target: IO[bytes], report: ConversionReport) -> None:
        """Write a census return. Bundles without an LA child id are skipped and reported."""
        it = iter(bundles)
        first = next(it, None)
        with etree.xmlfile(target, encoding="UTF-8") as xf:
            xf.write_declaration()
            with xf.element("Message"):
                xf.write("\n")
                xf.write(_header_element(first, self.cin_year), pretty_print=True)
                with xf.element("Children"):
                    xf.write("\n")
                    for n, bundle in enumerate(chain([first], it) if first is not None else [], start=1):
                        label = f"Bundle[{n}]"
                        if bundle.get("id"):
                            label = f"Bundle[{n}](id {bundle['id']})"
                        child = _ChildWriter(bundle, label, self.cin_year, report).build()
                        if child is None:
                            continue
                        xf.write(child, pretty_print=True)
                        report.records_out += 1
                xf.write("\n")
