"""The one DACaseBundle reader: FHIR -> logical record (domain terms).

Error policy: ``bundle_to_logical`` never raises on bad input: anything the logical record cannot hold is
reported in the ``ConversionReport`` as ``Loss.UNMAPPED_FIELD`` (or ``LOSSY_CODE``) with its FHIRPath location,
never silently dropped.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from dastandard.canonicals import DATA_ABSENT_REASON
from dastandard.convert.base import ConversionReport, Loss, ReportEntry
from dastandard.convert.ids import extension_url, identifier_system, profile_url, stable_id
from dastandard.logical.model import (
    ABSENT_REASONS,
    ACT_CODE_SYSTEM,
    CONFIDENTIALITY_SYSTEM,
    CONVERSION_PROVENANCE_KEY,
    DATE,
    DISCLOSURE_KINDS,
    LOCAL_ID_PATTERN,
    RECORD_TYPE,
    RECORD_VERSION,
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
    component_system,
    ext_url,
    fixed_elements,
    record_type_system,
    system_for,
)

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


def _from_fhir_value(val: Val, fv: Any, inn: _In, loc: str) -> Any:
    kind = val.kind
    expected = {"string": str, "boolean": bool, "integer": int, "date": str, "dateTime": str, "instant": str}
    if kind in expected:
        ok = isinstance(fv, expected[kind]) and (kind == "boolean" or not isinstance(fv, bool))
        if not ok:
            inn.lost(loc, loc.rsplit(".", 1)[-1], f"not a {kind}")
            return _MISSING
        return fv
    if kind in ("code", "characteristic"):
        if not isinstance(fv, dict):
            inn.lost(loc, "CodeableConcept", "not a CodeableConcept")
            return _MISSING
        rest = dict(fv)
        if kind == "characteristic" and set(rest) == {"extension"} and len(rest["extension"]) == 1:
            ext = rest["extension"][0]
            if (
                isinstance(ext, dict)
                and ext.get("url") == DATA_ABSENT_REASON
                and ext.get("valueCode") in ABSENT_REASONS
                and len(ext) == 2
            ):
                return {"absentReason": ext["valueCode"]}
        codings = rest.pop("coding", None)
        if not isinstance(codings, list) or not codings:
            inn.rest(loc, fv)
            return _MISSING
        the_code = _from_coding(val, codings[0], inn, f"{loc}.coding[0]")
        inn.rest(f"{loc}.coding", [None, *codings[1:]])
        text = rest.pop("text", None) if kind == "characteristic" else None
        inn.rest(loc, rest)
        if the_code is _MISSING:
            return _MISSING
        return {"code": the_code, "text": text} if isinstance(text, str) else the_code
    if kind == "coding":
        return _from_coding(val, fv, inn, loc)
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
        if not isinstance(fv, dict) or not isinstance(fv.get("reference"), str):
            inn.rest(loc, fv)
            return _MISSING
        local = inn.ids.get(fv["reference"])
        inn.rest(loc, {k: v for k, v in fv.items() if k != "reference"})
        if local is None:
            inn.lost(f"{loc}.reference", "reference", "refers to nothing in the Bundle")
            return _MISSING
        return local
    allowed = {
        "period": ("start", "end"),
        "identifier": ("system", "value"),
        "name": ("text", "family", "given"),
        "address": ("use", "text", "line", "city", "district", "postalCode", "country", "period"),
    }.get(kind)
    if allowed is None or not isinstance(fv, dict):
        inn.rest(loc, fv)
        return _MISSING
    kept = {k: copy.deepcopy(v) for k, v in fv.items() if k in allowed}
    rest = {k: v for k, v in fv.items() if k not in allowed}
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
    if kind == "identifier" and "value" not in kept:
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
    expected = record_type_system() if val.kind == "record-kind" else system_for(val.value_set, the_code)
    if system != expected:
        inn.report.add(
            ReportEntry(
                Loss.LOSSY_CODE,
                "system",
                f"{loc}.system",
                f"code system {system!r} is not the one the logical record implies ({expected})",
                code=the_code,
            )
        )
    inn.rest(loc, {k: v for k, v in coding.items() if k not in ("system", "code")})
    return the_code


def _take_path(res: Any, path: tuple[str | int, ...]) -> Any:
    """Remove and return the value at ``path`` (list slots become None), or _MISSING."""
    parent = res
    for seg in path[:-1]:
        if isinstance(seg, int):
            if not isinstance(parent, list) or len(parent) <= seg:
                return _MISSING
            parent = parent[seg]
        else:
            if not isinstance(parent, dict) or seg not in parent:
                return _MISSING
            parent = parent[seg]
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


def _path_text(path: tuple[str | int, ...]) -> str:
    return "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path)


def _take(f: Field, res: dict[str, Any], inn: _In, loc: str, nested: bool = False) -> Any:
    if isinstance(f, At):
        assert f.val is not None
        here = loc + _path_text(f.path)
        if f.val.kind == "date-or-absent":
            name = str(f.path[0])
            if name in res:
                return _from_fhir_value(DATE, res.pop(name), inn, here)
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
        raw = _take_path(res, f.path)
        if raw is _MISSING:
            return _MISSING
        if f.val.kind == "record-kind":
            return _from_fhir_value(f.val, raw if isinstance(raw, list) else [raw], inn, here)
        if not f.many:
            return _from_fhir_value(f.val, raw, inn, here)
        if not isinstance(raw, list):
            inn.rest(here, raw)
            return _MISSING
        values = [_from_fhir_value(f.val, v, inn, f"{here}[{i}]") for i, v in enumerate(raw)]
        kept = [v for v in values if v is not _MISSING]
        return kept or _MISSING
    if isinstance(f, Ext | Complex):
        url = ext_url(f.url, nested)
        exts = res.get("extension")
        if not isinstance(exts, list):
            return _MISSING
        found_ext: list[Any] = []
        for index, ext in enumerate(exts):
            if not isinstance(ext, dict) or ext.get("url") != url:
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
        comps = res.get("component")
        if not isinstance(comps, list):
            return _MISSING
        key = "value" + VALUE_SUFFIX[f.val.kind]
        found: list[Any] = []
        for index, comp in enumerate(comps):
            if not isinstance(comp, dict):
                continue
            codings = comp.get("code", {}).get("coding") if isinstance(comp.get("code"), dict) else None
            if not (
                isinstance(codings, list)
                and len(codings) == 1
                and codings[0] == {"system": component_system(), "code": f.code}
                and len(comp["code"]) == 1
            ):
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
        for index, element in enumerate(raw):
            if not isinstance(element, dict):
                inn.rest(f"{here}[{index}]", element)
                continue
            work = copy.deepcopy(element)
            obj = _take_fields(f.fields, work, inn, f"{here}[{index}]")
            inn.rest(f"{here}[{index}]", work)
            if obj:
                objects.append(obj)
        return objects or _MISSING
    raise TypeError(f"unknown field type {type(f).__name__}")


def _take_extension(f: Field, ext: dict[str, Any], inn: _In, where: str) -> Any:
    if isinstance(f, Complex):
        work = {k: copy.deepcopy(v) for k, v in ext.items() if k != "url"}
        obj = _take_fields(f.fields, work, inn, where, nested=True)
        inn.rest(where, work)
        return obj or _MISSING
    assert f.val is not None
    key = "value" + VALUE_SUFFIX[f.val.kind]
    inn.rest(where, {k: v for k, v in ext.items() if k not in ("url", key)})
    if key not in ext:
        return _MISSING
    return _from_fhir_value(f.val, ext[key], inn, f"{where}.{key}")


def _take_fields(
    fields: Sequence[Field], work: dict[str, Any], inn: _In, loc: str, nested: bool = False
) -> dict[str, Any]:
    obj: dict[str, Any] = {}
    for f in fields:
        value = _take(f, work, inn, loc, nested)
        if value is not _MISSING:
            obj[f.key] = value
    return obj


def _section_of(resource: Mapping[str, Any]) -> Section | None:
    profiles = resource.get("meta", {}).get("profile", []) if isinstance(resource.get("meta"), dict) else []
    for section in SECTIONS:
        if profile_url(section.profile) in profiles:
            return section
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


def _security_from(codings: Any) -> tuple[dict[str, Any] | None, list[Any]]:
    """Split meta.security into the logical form and the codings it cannot hold."""
    if not isinstance(codings, list):
        return None, [codings]
    confidentiality = None
    labels: list[str] = []
    rest: list[Any] = []
    for coding in codings:
        if isinstance(coding, dict) and set(coding) == {"system", "code"} and isinstance(coding["code"], str):
            if coding["system"] == CONFIDENTIALITY_SYSTEM and confidentiality is None:
                confidentiality = coding["code"]
                rest.append(None)
                continue
            if coding["system"] == ACT_CODE_SYSTEM:
                labels.append(coding["code"])
                rest.append(None)
                continue
        rest.append(coding)
    if confidentiality is None:
        return None, codings
    return {"confidentiality": confidentiality, "labels": labels}, rest


def bundle_to_logical(bundle: Mapping[str, Any], report: ConversionReport | None = None) -> dict[str, Any]:
    """Convert a DACaseBundle to a logical record; report everything it cannot hold, with its location.

    The Provenance that ``logical_to_bundle`` adds for the conversion itself is recognised and not copied into
    the record (it is made again on the next conversion). Never raises on bad input.
    """
    report = report if report is not None else ConversionReport()
    inn = _In(report)
    work = copy.deepcopy(dict(bundle))
    case_id = ""
    identifier = work.pop("identifier", None)
    if isinstance(identifier, dict) and isinstance(identifier.get("value"), str):
        case_id = identifier.pop("value")
        if identifier.get("system") == identifier_system("case-reference"):
            identifier.pop("system")
        inn.rest("Bundle.identifier", identifier)
    else:
        inn.lost("Bundle.identifier", "identifier", "the Bundle has no case reference")
    doc: dict[str, Any] = {"recordType": RECORD_TYPE, "version": RECORD_VERSION, "caseId": case_id}
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
    for key, expected in (("resourceType", "Bundle"), ("type", "collection")):
        if work.get(key) == expected:
            work.pop(key)
    work.pop("id", None)  # the Bundle id is derived from the case reference
    entries = work.pop("entry", [])
    inn.rest("Bundle", work)
    if not isinstance(entries, list):
        inn.rest("Bundle.entry", entries)
        entries = []

    conversion_id = stable_id(case_id, CONVERSION_PROVENANCE_KEY)
    plan: list[tuple[int, Section, dict[str, Any], str]] = []
    used: set[str] = set()
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
        local = _local_id(resource, section, index)
        if local in used:
            local = str(resource.get("id") or f"entry-{index}")
        used.add(local)
        for key in _ref_keys(entry, resource):
            inn.ids[key] = local
        plan.append((index, section, entry, local))

    for index, section, entry, local in plan:
        loc = f"Bundle.entry[{index}]"
        inn.rest(loc, {k: v for k, v in entry.items() if k not in ("resource", "fullUrl")})
        item = _resource_to_item(
            section, copy.deepcopy(entry["resource"]), local, bundle_security, inn, f"{loc}.resource"
        )
        doc.setdefault(section.key, []).append(item)
    report.records_out += 1
    return doc


def _ref_keys(entry: Mapping[str, Any], resource: Mapping[str, Any]) -> list[str]:
    keys = []
    if isinstance(entry.get("fullUrl"), str):
        keys.append(entry["fullUrl"])
    if isinstance(resource.get("id"), str):
        keys.append(f"{resource.get('resourceType')}/{resource['id']}")
    return keys


def _local_id(resource: Mapping[str, Any], section: Section, index: int) -> str:
    for ident in resource.get("identifier", []) if isinstance(resource.get("identifier"), list) else []:
        if (
            isinstance(ident, dict)
            and ident.get("system") == identifier_system("local-id")
            and isinstance(ident.get("value"), str)
        ):
            return str(ident["value"])
    rid = resource.get("id")
    if isinstance(rid, str) and re.match(LOCAL_ID_PATTERN, rid):
        return rid
    return f"{section.key}-{index}"


def _resource_to_item(
    section: Section, res: dict[str, Any], local: str, bundle_security: dict[str, Any] | None, inn: _In, loc: str
) -> dict[str, Any]:
    item: dict[str, Any] = {"id": local} if section.identifier else {}
    res.pop("resourceType", None)
    res.pop("id", None)
    identifiers = res.get("identifier")
    if isinstance(identifiers, list):
        res["identifier"] = [
            None if isinstance(i, dict) and i.get("system") == identifier_system("local-id") else i for i in identifiers
        ]
        if all(i is None for i in res["identifier"]):
            res.pop("identifier")
        else:
            res["identifier"] = [i for i in res["identifier"] if i is not None]
    meta = res.pop("meta", None)
    if isinstance(meta, dict):
        profiles = meta.pop("profile", None)
        if profiles != [profile_url(section.profile)] and profiles is not None:
            inn.rest(f"{loc}.meta.profile", [p for p in profiles if p != profile_url(section.profile)])
        security, rest_security = _security_from(meta.pop("security", None)) if "security" in meta else (None, [])
        inn.rest(f"{loc}.meta.security", rest_security)
        if security is not None and security != bundle_security:
            item["security"] = security
        inn.rest(f"{loc}.meta", meta)
    for key, expected in fixed_elements(section).items():
        if res.get(key) == expected:
            res.pop(key)
    item.update(_take_fields(section.fields, res, inn, loc))
    inn.rest(loc, res)
    return item
