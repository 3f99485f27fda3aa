"""The one DACaseBundle reader: FHIR -> logical record (domain terms).

Error policy: ``bundle_to_logical`` never raises on bad input: anything the logical record cannot hold is
reported in the ``ConversionReport`` as ``Loss.UNMAPPED_FIELD`` (or ``LOSSY_CODE``) with its FHIRPath location,
never silently dropped.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any, Final

from dastandard.conversion_report import ConversionReport, Loss, ReportEntry
from dastandard.fhir.shape import well_typed_datatype
from dastandard.logical.model import (
    ABSENT_REASONS,
    ACT_CODE_SYSTEM,
    CONFIDENTIALITY_SYSTEM,
    CONVERSION_PROVENANCE_KEY,
    DATE,
    DATETIME,
    DISCLOSURE_KINDS,
    LOCAL_ID_PATTERN,
    OR_ABSENT_KINDS,
    RECORD_TYPE,
    RECORD_VERSION,
    SECTION_BY_KEY,
    SECTIONS,
    VALUE_SUFFIX,
    At,
    Comp,
    Complex,
    Ext,
    Field,
    Items,
    Section,
    Val,
    absence_codings,
    component_system,
    ext_url,
    fixed_elements,
    json_copy,
    record_type_system,
    system_for,
)
from dastandard.model.fragments import as_list, as_map
from dastandard.model.ids import extension_url, full_url, identifier_system, profile_url, stable_id
from dastandard.model.urls import DATA_ABSENT_REASON, DATA_ABSENT_REASON_SYSTEM

# --------------------------------------------------------------------------------------------------------------
# FHIR Bundle -> logical record.


@dataclass
class _In:
    report: ConversionReport
    ids: dict[str, str] = field(default_factory=dict)  # fullUrl or Type/id -> local id

    def lost(self, location: str, name: str, message: str = "not held by the logical record") -> None:
        self.report.add(ReportEntry(Loss.UNMAPPED_FIELD, name, location, message))

    def rest(self, location: str, value: Any) -> None:
        """Report every non-empty leaf of ``value`` still left after mapping."""
        if value is None or value in ({}, []):
            return
        if isinstance(value, dict):
            for key, sub in value.items():
                self.rest(f"{location}.{key}", sub)
        elif isinstance(value, list):
            for index, sub in enumerate(value):
                self.rest(f"{location}[{index}]", sub)
        else:
            self.lost(location, location.rsplit(".", 1)[-1])


_MISSING: Final = object()


def _absent_reason(extensions: Any) -> str | None:
    """The reason of a lone data-absent-reason extension, else None."""
    if isinstance(extensions, list) and len(extensions) == 1:
        ext = extensions[0]
        if (
            isinstance(ext, dict)
            and len(ext) == 2
            and ext.get("url") == DATA_ABSENT_REASON
            and ext.get("valueCode") in ABSENT_REASONS
        ):
            return str(ext["valueCode"])
    return None


def _coded_absence(value_set: str, codings: list[Any]) -> str | None:
    """The reason of codings that are exactly the writer's coded absence for ``value_set``, else None."""
    for coding in codings:
        if isinstance(coding, dict) and coding.get("system") == DATA_ABSENT_REASON_SYSTEM:
            reason = coding.get("code")
            if reason in ABSENT_REASONS:
                expected = [{"system": system, "code": code} for system, code in absence_codings(value_set, reason)]
                return str(reason) if codings == expected else None
    return None


def _coding_value(val: Val, coding: Any, inn: _In, loc: str, *, further: bool = False) -> Any:
    """A code string, or a coding object when the Coding has a display or another code system."""
    if not isinstance(coding, dict) and coding is not None:
        inn.lost(loc, loc.rsplit(".", 1)[-1], "not a Coding")
        return _MISSING
    if (
        not isinstance(coding, dict)
        or not isinstance(coding.get("code"), str)
        or not isinstance(coding.get("system"), str)
    ):
        inn.rest(loc, coding)
        return _MISSING
    the_code = coding["code"]
    out: dict[str, Any] = {"code": the_code}
    if further or coding["system"] != system_for(val.value_set, the_code):
        out["system"] = coding["system"]
    if isinstance(coding.get("display"), str):
        out["display"] = coding["display"]
    inn.rest(loc, {k: v for k, v in coding.items() if k not in ("system", "code", "display")})
    return the_code if len(out) == 1 else out


def _concept_value(val: Val, fv: Any, inn: _In, loc: str) -> Any:
    if not isinstance(fv, dict):
        inn.lost(loc, "CodeableConcept", "not a CodeableConcept")
        return _MISSING
    if len(fv) == 1:  # the common shape first: one coding of a code and its system (what the general path gives)
        codings = fv.get("coding")
        if isinstance(codings, list) and len(codings) == 1:
            coding = codings[0]
            if isinstance(coding, dict) and len(coding) == 2:
                the_code, system = coding.get("code"), coding.get("system")
                if isinstance(the_code, str) and isinstance(system, str) and system != DATA_ABSENT_REASON_SYSTEM:
                    if system == system_for(val.value_set, the_code):
                        return the_code
                    return {"code": the_code, "system": system}
    rest = dict(fv)
    out: dict[str, Any] = {}
    if "extension" in rest:
        reason = _absent_reason(rest["extension"])
        if reason is not None:
            out["absentReason"] = reason
            rest.pop("extension")
    codings = rest.pop("coding", None)
    if "absentReason" not in out and isinstance(codings, list) and codings:
        reason = _coded_absence(val.value_set, codings)
        if reason is not None:  # absence stated by codings the binding accepts
            out["absentReason"] = reason
            codings = None
    if isinstance(codings, list) and codings:
        first = _coding_value(val, codings[0], inn, f"{loc}.coding[0]")
        if first is not _MISSING:
            out.update({"code": first} if isinstance(first, str) else first)
        further = [_coding_value(val, c, inn, f"{loc}.coding[{i}]", further=True) for i, c in enumerate(codings)][1:]
        if further:
            out["codings"] = [c for c in further if c is not _MISSING]
    elif codings is not None:
        inn.rest(f"{loc}.coding", codings)
    if isinstance(rest.get("text"), str):
        out["text"] = rest.pop("text")
    inn.rest(loc, rest)
    if not out:
        return _MISSING
    return out["code"] if set(out) == {"code"} else out


def _reference_value(fv: Any, inn: _In, loc: str) -> Any:
    if not isinstance(fv, dict):
        if fv is not None:
            inn.lost(loc, loc.rsplit(".", 1)[-1], "not a Reference")
        return _MISSING
    rest = dict(fv)
    out: dict[str, Any] = {}
    if isinstance(rest.get("reference"), str):
        local = inn.ids.get(rest["reference"])
        if local is None:
            inn.lost(f"{loc}.reference", "reference", "refers to nothing in the Bundle")
        else:
            out["id"] = local
        rest.pop("reference")
    if isinstance(rest.get("display"), str):
        out["display"] = rest.pop("display")
    if "extension" in rest:
        reason = _absent_reason(rest["extension"])
        if reason is not None:
            out["absentReason"] = reason
            rest.pop("extension")
    inn.rest(loc, rest)
    if not out:
        return _MISSING
    return out["id"] if set(out) == {"id"} else out


_DATATYPE: Final[Mapping[str, str]] = {
    "period": "Period",
    "identifier": "Identifier",
    "name": "HumanName",
    "address": "Address",
    "telecom": "ContactPoint",
}
_ALLOWED: Final[Mapping[str, tuple[str, ...]]] = {
    "period": ("start", "end"),
    "identifier": ("use", "system", "value"),
    "name": ("use", "text", "family", "given"),
    "address": ("use", "text", "line", "city", "district", "postalCode", "country", "period"),
    "telecom": ("system", "value", "use"),
}


_SCALARS: Final[Mapping[str, type]] = {
    "string": str,
    "boolean": bool,
    "integer": int,
    "date": str,
    "dateTime": str,
    "instant": str,
}


def _from_fhir_value(val: Val, fv: Any, inn: _In, loc: str) -> Any:
    kind = val.kind
    expected = _SCALARS
    if kind in expected:
        ok = isinstance(fv, expected[kind]) and (kind == "boolean" or not isinstance(fv, bool))
        if not ok:
            inn.lost(loc, loc.rsplit(".", 1)[-1], f"not a {kind}")
            return _MISSING
        return fv
    if kind in ("code", "characteristic"):
        return _concept_value(val, fv, inn, loc)
    if kind == "coding":
        return _coding_value(val, fv, inn, loc)
    if kind == "annotation":
        if not isinstance(fv, dict) or not isinstance(fv.get("text"), str):
            inn.rest(loc, fv)
            return _MISSING
        inn.rest(loc, {k: v for k, v in fv.items() if k != "text"})
        return fv["text"]
    if kind == "record-kind":
        if isinstance(fv, list) and fv and isinstance(fv[0], dict):
            inn.rest(loc, [None, *fv[1:]])
            codings = fv[0].get("coding")
            if isinstance(codings, list) and codings:
                inn.rest(f"{loc}[0]", {k: v for k, v in fv[0].items() if k != "coding"})
                inn.rest(f"{loc}[0].coding", [None, *codings[1:]])
                the_code = _from_coding(val, codings[0], inn, f"{loc}[0].coding[0]")
                if the_code in DISCLOSURE_KINDS:
                    return the_code
        inn.lost(loc, "category", "not a disclosure or retraction category")
        return _MISSING
    if kind == "ref":
        return _reference_value(fv, inn, loc)
    allowed = _ALLOWED.get(kind)
    if allowed is not None and not isinstance(fv, dict):
        inn.lost(loc, loc.rsplit(".", 1)[-1], f"not a {kind}")
        return _MISSING
    if allowed is None or not isinstance(fv, dict):
        inn.rest(loc, fv)
        return _MISSING
    kept = {k: json_copy(v) for k, v in fv.items() if k in allowed}

    def wrong_type(where: str, message: str) -> None:
        inn.lost(where, where.rsplit(".", 1)[-1].split("[", 1)[0], f"not a valid {_DATATYPE[kind]} part: {message}")

    well_typed_datatype(kept, _DATATYPE[kind], loc, wrong_type)
    rest = {k: v for k, v in fv.items() if k not in allowed}
    if kind == "identifier" and "assigner" in rest:
        assigner = _reference_value(rest.pop("assigner"), inn, f"{loc}.assigner")
        if assigner is not _MISSING:
            kept["assigner"] = assigner
    if kind == "address" and isinstance(rest.get("extension"), list):
        exts = list(rest.pop("extension"))
        for index, ext in enumerate(exts):
            if (
                isinstance(ext, dict)
                and ext.get("url") == extension_url("confidential-address")
                and isinstance(ext.get("valueBoolean"), bool)
                and len(ext) == 2
            ):
                kept["confidential"] = ext["valueBoolean"]
                exts[index] = None
                break
        inn.rest(f"{loc}.extension", exts)
    if kind in ("identifier", "telecom") and "value" not in kept:
        inn.rest(loc, fv)
        return _MISSING
    inn.rest(loc, rest)
    return kept if kept else _MISSING


def _from_coding(val: Val, coding: Any, inn: _In, loc: str) -> Any:
    if not isinstance(coding, dict) or not isinstance(coding.get("code"), str):
        inn.rest(loc, coding)
        return _MISSING
    the_code = coding["code"]
    system = coding.get("system")
    if system != record_type_system():
        inn.report.add(
            ReportEntry(
                Loss.LOSSY_CODE,
                "system",
                f"{loc}.system",
                f"code system {system!r} is not the one the logical record implies ({record_type_system()})",
                code=the_code,
            )
        )
    inn.rest(loc, {k: v for k, v in coding.items() if k not in ("system", "code")})
    return the_code


def _take_path(res: Any, path: tuple[str | int, ...], inn: _In | None = None, loc: str = "") -> Any:
    """Remove and return the value at ``path`` (list slots become None), or _MISSING.

    ``res`` is the reader's own shallow copy: each object or list on the way is copied before it is changed.

    An element on the way that is of the wrong JSON type (an object where a list is due, or the reverse) is
    removed and reported as such at its location when ``inn`` is given.
    """
    parent = res
    for depth, seg in enumerate(path[:-1]):
        nxt = path[depth + 1]
        if isinstance(seg, int):
            if not isinstance(parent, list) or len(parent) <= seg:
                return _MISSING
            child = parent[seg]
        else:
            if not isinstance(parent, dict) or seg not in parent:
                return _MISSING
            child = parent[seg]
        wanted = list if isinstance(nxt, int) else dict
        if not isinstance(child, wanted):
            if inn is not None and child is not None:
                where = loc + _path_text(path[: depth + 1])
                inn.lost(where, str(seg), "not a list" if wanted is list else "not an object")
                if isinstance(seg, int):
                    parent[seg] = None
                else:
                    parent.pop(seg)
            return _MISSING
        child = child.copy()  # copy on write: the Bundle read is never changed
        parent[seg] = child
        parent = child
    last = path[-1]
    if isinstance(last, int):
        if not isinstance(parent, list) or len(parent) <= last or parent[last] is None:
            return _MISSING
        value = parent[last]
        parent[last] = None
        return value
    if not isinstance(parent, dict) or last not in parent:
        return _MISSING
    return parent.pop(last)


@cache
def _path_text(path: tuple[str | int, ...]) -> str:
    return "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path)


def _extension_url(ext: Any) -> str | None:
    url = ext.get("url") if isinstance(ext, dict) else None
    return url if isinstance(url, str) else None


def _component_code(comp: Any) -> str | None:
    """The code of a component coded exactly as the standard writes it (one coding of the component CodeSystem)."""
    concept = comp.get("code") if isinstance(comp, dict) else None
    codings = concept.get("coding") if isinstance(concept, dict) and len(concept) == 1 else None
    coding = codings[0] if isinstance(codings, list) and len(codings) == 1 else None
    if isinstance(coding, dict) and len(coding) == 2 and coding.get("system") == component_system():
        code = coding.get("code")
        return code if isinstance(code, str) else None
    return None


class _Element:
    """One element being read (a resource, backbone element or complex extension): the reader's own shallow copy,
    with its extensions indexed by URL and its components by code, each worked out once on first use.

    The ``extension`` and ``component`` lists are copied before the fields take from them (a taken slot becomes
    None), so the Bundle read is never changed.
    """

    __slots__ = ("_indexes", "res")

    def __init__(self, res: dict[str, Any]) -> None:
        self.res = res
        self._indexes: dict[str, dict[str, list[int]]] = {}

    def _indexed(
        self, name: str, key_of: Callable[[Any], str | None], inn: _In, loc: str
    ) -> tuple[list[Any], Mapping[str, list[int]]]:
        """The element's list ``name`` (its own copy) and the positions in it of each key ``key_of`` gives."""
        index = self._indexes.get(name)
        if index is None:
            index = self._indexes[name] = {}
            items = self.res.get(name)
            if not isinstance(items, list):
                _wrong_list(self.res, name, inn, loc)
                return [], index
            self.res[name] = items = list(items)
            for position, item in enumerate(items):
                key = key_of(item)
                if key is not None:
                    index.setdefault(key, []).append(position)
        items = self.res.get(name)
        return (items if isinstance(items, list) else []), index

    def extensions(self, inn: _In, loc: str) -> tuple[list[Any], Mapping[str, list[int]]]:
        """The element's extension list (its own copy) and the positions of each URL in it."""
        return self._indexed("extension", _extension_url, inn, loc)

    def components(self, inn: _In, loc: str) -> tuple[list[Any], Mapping[str, list[int]]]:
        """The element's component list (its own copy) and the positions of each standard component code in it."""
        return self._indexed("component", _component_code, inn, loc)


def _take(f: Field, element: _Element, inn: _In, loc: str, nested: bool = False) -> Any:
    res = element.res
    if isinstance(f, At):
        assert f.val is not None
        here = loc + _path_text(f.path)
        if f.val.kind in OR_ABSENT_KINDS:
            name = str(f.path[0])
            if name in res:
                return _from_fhir_value(DATE if f.val.kind == "date-or-absent" else DATETIME, res.pop(name), inn, here)
            if f"_{name}" in res:
                raw = res.pop(f"_{name}")
                exts = raw.get("extension") if isinstance(raw, dict) else None
                if (
                    isinstance(exts, list)
                    and len(exts) == 1
                    and len(raw) == 1
                    and isinstance(exts[0], dict)
                    and exts[0].get("url") == DATA_ABSENT_REASON
                    and exts[0].get("valueCode") in ABSENT_REASONS
                    and len(exts[0]) == 2
                ):
                    return {"absentReason": exts[0]["valueCode"]}
                inn.rest(f"{loc}._{name}", raw)
            return _MISSING
        if f.start:
            return _take_tail(f, res, inn, here)
        raw = _take_path(res, f.path, inn, loc)
        if raw is _MISSING:
            return _MISSING
        if f.val.kind == "record-kind":
            return _from_fhir_value(f.val, raw if isinstance(raw, list) else [raw], inn, here)
        if not f.many:
            return _from_fhir_value(f.val, raw, inn, here)
        if not isinstance(raw, list):
            inn.lost(here, here.rsplit(".", 1)[-1], "not a list")
            return _MISSING
        values = [_from_fhir_value(f.val, v, inn, f"{here}[{i}]") for i, v in enumerate(raw)]
        kept = [v for v in values if v is not _MISSING]
        return kept or _MISSING
    if isinstance(f, Ext | Complex):
        exts, by_url = element.extensions(inn, loc)
        found_ext: list[Any] = []
        for index in by_url.get(ext_url(f.url, nested), ()):
            ext = exts[index]
            if ext is None:  # taken by an earlier field of the same URL
                continue
            exts[index] = None
            where = f"{loc}.extension[{index}]"
            if len(found_ext) == 1 and not f.many:
                inn.rest(where, ext)
                continue
            value = _take_extension(f, ext, inn, where)
            if value is not _MISSING:
                found_ext.append(value)
        if not found_ext:
            return _MISSING
        return found_ext if f.many else found_ext[0]
    if isinstance(f, Comp):
        assert f.val is not None
        comps, by_code = element.components(inn, loc)
        key = "value" + VALUE_SUFFIX[f.val.kind]
        found: list[Any] = []
        for index in by_code.get(f.code, ()):
            comp = comps[index]
            if comp is None:  # taken by an earlier field of the same code
                continue
            comps[index] = None
            where = f"{loc}.component[{index}]"
            if (len(found) == 1 and not f.many) or key not in comp:
                inn.rest(where, comp)
                continue
            value = _from_fhir_value(f.val, comp[key], inn, f"{where}.{key}")
            inn.rest(where, {k: v for k, v in comp.items() if k not in ("code", key)})
            if value is not _MISSING:
                found.append(value)
        if not found:
            return _MISSING
        return found if f.many else found[0]
    if isinstance(f, Items):
        raw = res.pop(f.path, _MISSING)
        if raw is _MISSING:
            return _MISSING
        here = f"{loc}.{f.path}"
        if not isinstance(raw, list):
            inn.rest(here, raw)
            return _MISSING
        objects = []
        for index, backbone in enumerate(raw):
            if not isinstance(backbone, dict):
                inn.rest(f"{here}[{index}]", backbone)
                continue
            work = dict(backbone)  # the reader's own shallow copy (the Bundle is never changed)
            obj = _take_fields(f.fields, work, inn, f"{here}[{index}]")
            inn.rest(f"{here}[{index}]", work)
            if obj:
                objects.append(obj)
        return objects or _MISSING
    raise TypeError(f"unknown field type {type(f).__name__}")


def _wrong_list(res: dict[str, Any], name: str, inn: _In, loc: str) -> None:
    """Report and remove ``res[name]`` when it is there but not a list."""
    if name in res and not isinstance(res[name], list):
        res.pop(name)
        inn.lost(f"{loc}.{name}", name, "not a list")


def _take_tail(f: At, res: dict[str, Any], inn: _In, here: str) -> Any:
    """Take the elements of the list at ``f.path`` from index ``f.start`` on (the first ones are other fields')."""
    assert f.val is not None
    parent: Any = res
    for seg in f.path:
        if isinstance(parent, dict) and isinstance(seg, str) and seg in parent:
            parent = parent[seg]
        else:
            return _MISSING
    if not isinstance(parent, list) or len(parent) <= f.start:
        return _MISSING
    tail = parent[f.start :]
    owner: Any = res  # copy on write along the path: the Bundle read is never changed
    for seg in f.path:
        owner[seg] = owner[seg].copy()
        owner = owner[seg]
    del owner[f.start :]
    values = [_from_fhir_value(f.val, v, inn, f"{here}[{f.start + i}]") for i, v in enumerate(tail)]
    kept = [v for v in values if v is not _MISSING]
    return kept or _MISSING


def _take_extension(f: Field, ext: dict[str, Any], inn: _In, where: str) -> Any:
    if isinstance(f, Complex):
        work = {k: v for k, v in ext.items() if k != "url"}  # the reader's own shallow copy
        obj = _take_fields(f.fields, work, inn, where, nested=True)
        inn.rest(where, work)
        return obj or _MISSING
    assert f.val is not None
    key = "value" + VALUE_SUFFIX[f.val.kind]
    if len(ext) != 2 or key not in ext:  # anything beside the URL and the value is reported
        inn.rest(where, {k: v for k, v in ext.items() if k not in ("url", key)})
    if key not in ext:
        return _MISSING
    return _from_fhir_value(f.val, ext[key], inn, f"{where}.{key}")


# How to tell, before reading a field, that its element is not there at all: per field, its kind, the key its
# element has in the FHIR object and the extension URL or component code; worked out once per field list (kept
# alive here, found by identity).
_AT, _AT_OR_ABSENT, _EXT, _COMP, _ITEMS = range(5)
_Probe = tuple[Field, int, str, str]
_PLANS: dict[tuple[int, bool], tuple[Sequence[Field], tuple[_Probe, ...]]] = {}


def _probe(f: Field, nested: bool) -> _Probe:
    if isinstance(f, At):
        name = str(f.path[0])
        if f.val is not None and f.val.kind in OR_ABSENT_KINDS:
            return (f, _AT_OR_ABSENT, name, f"_{name}")
        return (f, _AT, name, "")
    if isinstance(f, Ext | Complex):
        return (f, _EXT, "extension", ext_url(f.url, nested))
    if isinstance(f, Comp):
        return (f, _COMP, "component", f.code)
    if isinstance(f, Items):
        return (f, _ITEMS, f.path, "")
    raise TypeError(f"unknown field type {type(f).__name__}")


def _plan(fields: Sequence[Field], nested: bool) -> tuple[_Probe, ...]:
    hit = _PLANS.get((id(fields), nested))
    if hit is None or hit[0] is not fields:
        hit = _PLANS[(id(fields), nested)] = (fields, tuple(_probe(f, nested) for f in fields))
    return hit[1]


def _take_fields(
    fields: Sequence[Field], work: dict[str, Any], inn: _In, loc: str, nested: bool = False
) -> dict[str, Any]:
    """Take every field of ``fields`` from ``work`` (the reader's own shallow copy of one element).

    A field whose element is not there is passed over without reading: the extensions are indexed by URL and
    the components by code once per element, never scanned per field.
    """
    obj: dict[str, Any] = {}
    element = _Element(work)
    by_url: Mapping[str, list[int]] | None = None
    by_code: Mapping[str, list[int]] | None = None
    for f, kind, key, other in _plan(fields, nested):
        if key not in work and (kind != _AT_OR_ABSENT or other not in work):
            continue
        if kind == _EXT:
            if by_url is None:
                by_url = element.extensions(inn, loc)[1]
            if other not in by_url:
                continue
        elif kind == _COMP:
            if by_code is None:
                by_code = element.components(inn, loc)[1]
            if other not in by_code:
                continue
        value = _take(f, element, inn, loc, nested)
        if value is not _MISSING:
            obj[f.key] = value
    return obj


@cache
def _sections_by_profile() -> Mapping[str, tuple[int, Section]]:
    """Each section's profile URL -> (its rank, the section)."""
    return {profile_url(section.profile): (rank, section) for rank, section in enumerate(SECTIONS)}


def _section_of(resource: Mapping[str, Any]) -> Section | None:
    profiles = as_list(as_map(resource.get("meta")).get("profile"))
    by_profile = _sections_by_profile()
    claimed = [by_profile[p] for p in profiles if isinstance(p, str) and p in by_profile]
    if claimed:
        return min(claimed, key=lambda hit: hit[0])[1]  # the first section (in SECTIONS order) that is claimed
    candidates = [s for s in SECTIONS if s.resource_type == resource.get("resourceType")]
    if len(candidates) == 1:
        return candidates[0]
    for section in candidates:
        fixed = fixed_elements(section)
        if section.record_type_at == "code" and resource.get("code") == fixed["code"]:
            return section
        if section.record_type_at == "category":
            category = resource.get("category")
            codes = [c.get("code") for cc in category or [] if isinstance(cc, dict) for c in cc.get("coding", [])]
            wanted = DISCLOSURE_KINDS if section.key == "disclosures" else (section.record_type,)
            if any(c in wanted for c in codes):
                return section
    return None


def _security_code(coding: Any, system: str) -> Any:
    """The logical form of one security coding of ``system`` (a code, or a code with its display), or None."""
    if not isinstance(coding, dict) or coding.get("system") != system or not isinstance(coding.get("code"), str):
        return None
    if set(coding) == {"system", "code"}:
        return coding["code"]
    if set(coding) == {"system", "code", "display"} and isinstance(coding["display"], str):
        return {"code": coding["code"], "display": coding["display"]}
    return None


def _security_from(codings: Any) -> tuple[dict[str, Any] | None, list[Any]]:
    """Split meta.security into the logical form and the codings it cannot hold (displays are kept)."""
    if not isinstance(codings, list):
        return None, [codings]
    confidentiality = None
    labels: list[Any] = []
    rest: list[Any] = []
    for index, coding in enumerate(codings):
        conf = _security_code(coding, CONFIDENTIALITY_SYSTEM) if index == 0 else None
        label = _security_code(coding, ACT_CODE_SYSTEM) if index > 0 else None
        if conf is not None:
            confidentiality = conf
            rest.append(None)
        elif label is not None:
            labels.append(label)
            rest.append(None)
        else:
            rest.append(coding)
    if confidentiality is None:
        return None, codings
    return {"confidentiality": confidentiality, "labels": labels}, rest


def bundle_to_logical(bundle: Mapping[str, Any], report: ConversionReport | None = None) -> dict[str, Any]:
    """Convert a DACaseBundle to a logical record; report everything it cannot hold, with its location.

    The Provenance that ``logical_to_bundle`` adds for the conversion itself is recognised and not copied into
    the record (it is made again on the next conversion). A Bundle without security labels is reported at
    ``Bundle.meta.security`` (the record then lacks ``security`` and does not validate): labels are never guessed.
    Never raises on bad input.
    """
    report = report if report is not None else ConversionReport()
    inn = _In(report)
    work = {k: v if k == "entry" else json_copy(v) for k, v in bundle.items()}  # entries: copied one by one below
    case_id = ""
    doc: dict[str, Any] = {"recordType": RECORD_TYPE, "version": RECORD_VERSION, "caseId": case_id}
    identifier = work.pop("identifier", None)
    if isinstance(identifier, dict) and isinstance(identifier.get("value"), str):
        case_id = doc["caseId"] = identifier.pop("value")
        system = identifier.pop("system", None)
        if isinstance(system, str) and system != identifier_system("case-reference"):
            doc["caseIdSystem"] = system
        elif system is not None:
            inn.rest("Bundle.identifier.system", None if system == identifier_system("case-reference") else system)
        inn.rest("Bundle.identifier", identifier)
    else:
        inn.lost("Bundle.identifier", "identifier", "the Bundle has no case reference")
    bundle_id = work.pop("id", None)
    if isinstance(bundle_id, str) and bundle_id != stable_id(case_id, "#bundle"):
        doc["bundleId"] = bundle_id
    timestamp = work.pop("timestamp", None)
    if isinstance(timestamp, str):
        doc["extractedAt"] = timestamp
    meta = work.pop("meta", {})
    bundle_security: dict[str, Any] | None = None
    if isinstance(meta, dict):
        profiles = meta.pop("profile", None)
        if profiles != [profile_url("DACaseBundle")]:
            inn.rest("Bundle.meta.profile", profiles)
        bundle_security, rest_security = _security_from(meta.pop("security", None))
        inn.rest("Bundle.meta.security", rest_security)
        inn.rest("Bundle.meta", meta)
    if bundle_security is not None:
        doc["security"] = bundle_security
    else:
        inn.lost(
            "Bundle.meta.security",
            "security",
            "the Bundle has no confidentiality label first in meta.security; the logical record needs one",
        )
    for key, expected in (("resourceType", "Bundle"), ("type", "collection")):
        if work.get(key) == expected:
            work.pop(key)
    entries = work.pop("entry", [])
    inn.rest("Bundle", work)
    if not isinstance(entries, list):
        inn.rest("Bundle.entry", entries)
        entries = []

    conversion_id = stable_id(case_id, CONVERSION_PROVENANCE_KEY)
    plan: list[tuple[int, Section, dict[str, Any], str, str | None]] = []
    used: set[str] = set()
    per_section: dict[str, int] = {}
    labelled = True
    for index, entry in enumerate(entries):
        loc = f"Bundle.entry[{index}]"
        resource = entry.get("resource") if isinstance(entry, dict) else None
        if not isinstance(resource, dict):
            inn.rest(loc, entry)
            continue
        if resource.get("resourceType") == "Provenance" and resource.get("id") == conversion_id:
            report.add(
                ReportEntry(
                    Loss.MAPPED,
                    "Provenance",
                    f"{loc}.resource",
                    "the conversion's own Provenance; made again on the next conversion",
                )
            )
            continue
        section = _section_of(resource)
        if section is None:
            inn.rest(f"{loc}.resource", resource)
            continue
        position = per_section.get(section.key, 0)
        per_section[section.key] = position + 1
        local, derived = _local_id(resource, section, index, case_id, position)
        if section.identifier:
            if local in used:
                local, derived = str(resource.get("id") or f"entry-{index}"), False
            used.add(local)
        for key in _ref_keys(entry, resource):
            inn.ids[key] = local
        resource_id = None if derived else str(resource.get("id"))
        meta_of = resource.get("meta")
        labelled = labelled and isinstance(meta_of, dict) and "security" in meta_of
        plan.append((index, section, entry, local, resource_id))

    if not labelled and plan:
        doc["labelEntries"] = False
    for index, section, entry, local, resource_id in plan:
        loc = f"Bundle.entry[{index}]"
        inn.rest(loc, {k: v for k, v in entry.items() if k not in ("resource", "fullUrl")})
        if entry.get("fullUrl") != full_url(str(entry["resource"].get("id"))):
            inn.lost(f"{loc}.fullUrl", "fullUrl", "not urn:uuid: and the resource id")
        labels = bundle_security if labelled else None
        resource = dict(entry["resource"])  # the reader's own shallow copy; nested parts are copied on write
        item = _resource_to_item(section, resource, local, resource_id is None, labels, inn, f"{loc}.resource")
        if resource_id is not None:
            item = {**({"id": item.pop("id")} if "id" in item else {}), "resourceId": resource_id, **item}
        doc.setdefault(section.key, []).append(item)
    keys = [section.key for _, section, _, _, _ in plan]
    rank = {s.key: i for i, s in enumerate(SECTIONS)}
    if keys != sorted(keys, key=rank.__getitem__):
        doc["entryOrder"] = keys
    report.records_out += 1
    return doc


def read_resource(
    section: str | Section,
    resource: Mapping[str, Any],
    *,
    case_id: str,
    local_ids: Mapping[str, str] | None = None,
    inherited_security: Mapping[str, Any] | None = None,
    report: ConversionReport | None = None,
    index: int = 0,
    location: str = "resource",
) -> dict[str, Any]:
    """Read one resource of a section (``"incidents"``, ``"persons"``, ...) into a logical item, in domain terms.

    ``local_ids`` maps the references the resource may make (``fullUrl`` or ``Type/id``) to local ids;
    ``inherited_security`` is the logical form of the labels the resource inherits from its Bundle (its own labels
    are kept when they differ; None: its labels are always kept); ``index`` is its position in the section (the id
    of items without a local id derives from it). What the item cannot hold is reported in ``report`` at
    ``location`` and below. Never raises on bad input; KeyError for an unknown section name.
    """
    sec = SECTION_BY_KEY[section] if isinstance(section, str) else section
    inn = _In(report if report is not None else ConversionReport(), dict(local_ids or {}))
    local, derived = _local_id(resource, sec, index, case_id, index)
    item = _resource_to_item(sec, dict(resource), local, derived, dict(inherited_security or {}) or None, inn, location)
    if not derived:
        item = {**({"id": item.pop("id")} if "id" in item else {}), "resourceId": str(resource.get("id")), **item}
    return item


def _ref_keys(entry: Mapping[str, Any], resource: Mapping[str, Any]) -> list[str]:
    keys = []
    if isinstance(entry.get("fullUrl"), str):
        keys.append(entry["fullUrl"])
    if isinstance(resource.get("id"), str):
        keys.append(f"{resource.get('resourceType')}/{resource['id']}")
    return keys


def _local_id(
    resource: Mapping[str, Any], section: Section, index: int, case_id: str, position: int
) -> tuple[str, bool]:
    """The item's local id, and whether the resource id is derived from it (else it is kept as resourceId).

    The id is derived when the resource's first identifier is exactly the local-id identifier and its id is the
    stable id of the case reference and that local id (Provenance: of its position in the section).
    """
    rid = resource.get("id")
    raw_identifiers = resource.get("identifier")
    identifiers: list[Any] = raw_identifiers if isinstance(raw_identifiers, list) else []
    if not section.identifier:
        return "", rid == stable_id(case_id, f"#{section.key}-{position}")
    first = identifiers[0] if identifiers else None
    if (
        isinstance(first, dict)
        and set(first) == {"system", "value"}
        and first["system"] == identifier_system("local-id")
        and isinstance(first["value"], str)
        and re.match(LOCAL_ID_PATTERN, first["value"])
        and rid == stable_id(case_id, first["value"])
    ):
        return str(first["value"]), True
    for ident in identifiers:
        if (
            isinstance(ident, dict)
            and ident.get("system") == identifier_system("local-id")
            and isinstance(ident.get("value"), str)
            and re.match(LOCAL_ID_PATTERN, ident["value"])
        ):
            return str(ident["value"]), False
    if isinstance(rid, str) and re.match(LOCAL_ID_PATTERN, rid):
        return rid, False
    return f"{section.key}-{index}", False


def _resource_to_item(
    section: Section,
    res: dict[str, Any],
    local: str,
    derived: bool,
    bundle_security: dict[str, Any] | None,
    inn: _In,
    loc: str,
) -> dict[str, Any]:
    """Read one resource of ``section`` into a logical item.

    ``derived``: the resource id derives from ``local`` (its first identifier is then the local-id one, dropped
    here); ``bundle_security``: the labels entries inherit (None when entries carry only their own).
    """
    item: dict[str, Any] = {"id": local} if section.identifier else {}
    res.pop("id", None)
    res.pop("resourceType", None)
    identifiers = res.get("identifier")
    if derived and section.identifier and isinstance(identifiers, list):
        if len(identifiers) > 1:
            res["identifier"] = identifiers[1:]
        else:
            res.pop("identifier")
    meta = res.pop("meta", None)
    if isinstance(meta, dict):
        meta = dict(meta)
        profiles = meta.pop("profile", None)
        if profiles != [profile_url(section.profile)] and profiles is not None:
            others = (
                [p for p in profiles if p != profile_url(section.profile)] if isinstance(profiles, list) else profiles
            )
            inn.rest(f"{loc}.meta.profile", others)
        if "security" in meta:
            security, rest_security = _security_from(meta.pop("security"))
            inn.rest(f"{loc}.meta.security", rest_security)
            if security is not None and security != bundle_security:
                item["security"] = security
        elif bundle_security is not None:
            inn.lost(f"{loc}.meta.security", "security", "an entry without labels where the others carry them")
        inn.rest(f"{loc}.meta", meta)
    for key, expected in fixed_elements(section).items():
        if res.get(key) == expected:
            res.pop(key)
        elif key == "code" and _starts_with_record_type(res.get(key), expected):
            res[key] = {"coding": [None, *res[key]["coding"][1:]]}
    item.update(_take_fields(section.fields, res, inn, loc))
    inn.rest(loc, res)
    return item


def _starts_with_record_type(value: Any, expected: Mapping[str, Any]) -> bool:
    return (
        isinstance(value, dict)
        and set(value) == {"coding"}
        and isinstance(value["coding"], list)
        and bool(value["coding"])
        and value["coding"][0] == expected["coding"][0]
    )
