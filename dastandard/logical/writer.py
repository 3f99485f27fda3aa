"""The one DACaseBundle writer: logical record (domain terms) -> FHIR.

Error policy: ``logical_to_bundle`` expects a record that validates and raises ``ValueError`` (with the JSON
path) otherwise.
"""

from __future__ import annotations

import copy
import itertools
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from dastandard.canonicals import DATA_ABSENT_REASON
from dastandard.convert.ids import extension_url, full_url, identifier_system, profile_url, stable_id
from dastandard.logical.model import (
    ACT_CODE_SYSTEM,
    CONFIDENTIALITY_SYSTEM,
    CONVERSION_PROVENANCE_KEY,
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
from dastandard.logical.schema import validate_logical

# --------------------------------------------------------------------------------------------------------------
# Logical record -> FHIR Bundle.


def _security_codings(security: Mapping[str, Any]) -> list[dict[str, str]]:
    codings = [{"system": CONFIDENTIALITY_SYSTEM, "code": str(security["confidentiality"])}]
    codings += [{"system": ACT_CODE_SYSTEM, "code": str(label)} for label in security.get("labels", [])]
    return codings


@dataclass
class _Out:
    case_id: str

    def ref(self, local: str) -> dict[str, str]:
        return {"reference": full_url(stable_id(self.case_id, local))}


def _cc(value_set: str, the_code: str) -> dict[str, Any]:
    return {"coding": [{"system": system_for(value_set, the_code), "code": the_code}]}


def _absent(reason: str) -> dict[str, Any]:
    return {"extension": [{"url": DATA_ABSENT_REASON, "valueCode": reason}]}


def _to_fhir_value(val: Val, value: Any, out: _Out) -> Any:
    kind = val.kind
    if kind in ("string", "boolean", "integer", "date", "dateTime", "instant"):
        return value
    if kind == "code":
        return _cc(val.value_set, value)
    if kind == "coding":
        return {"system": system_for(val.value_set, value), "code": value}
    if kind == "record-kind":
        return [{"coding": [{"system": record_type_system(), "code": value}]}]
    if kind == "ref":
        return out.ref(value)
    if kind == "annotation":
        return {"text": value}
    if kind == "characteristic":
        if isinstance(value, str):
            return _cc(val.value_set, value)
        if "absentReason" in value:
            return _absent(value["absentReason"])
        return {**_cc(val.value_set, value["code"]), "text": value["text"]}
    if kind in ("period", "identifier", "name"):
        return copy.deepcopy(value)
    if kind == "address":
        address: dict[str, Any] = {}
        if "confidential" in value:
            address["extension"] = [
                {"url": extension_url("confidential-address"), "valueBoolean": value["confidential"]}
            ]
        address.update((k, copy.deepcopy(v)) for k, v in value.items() if k != "confidential")
        return address
    raise ValueError(f"no FHIR form for value kind {kind!r}")


def _put(f: Field, res: dict[str, Any], value: Any, out: _Out, nested: bool = False) -> None:
    values = value if f.many else [value]
    if isinstance(f, At):
        assert f.val is not None
        if f.val.kind == "date-or-absent":
            if isinstance(value, str):
                res[str(f.path[0])] = value
            else:
                res[f"_{f.path[0]}"] = _absent(value["absentReason"])
            return
        converted = [_to_fhir_value(f.val, v, out) for v in values] if f.many else _to_fhir_value(f.val, value, out)
        _set_path(res, f.path, converted)
    elif isinstance(f, Ext):
        assert f.val is not None
        key = "value" + VALUE_SUFFIX[f.val.kind]
        for v in values:
            res.setdefault("extension", []).append({"url": ext_url(f.url, nested), key: _to_fhir_value(f.val, v, out)})
    elif isinstance(f, Complex):
        for v in values:
            ext: dict[str, Any] = {"url": ext_url(f.url, nested), "extension": []}
            for sub in f.fields:
                if sub.key in v:
                    _put(sub, ext, v[sub.key], out, nested=True)
            res.setdefault("extension", []).append(ext)
    elif isinstance(f, Comp):
        assert f.val is not None
        key = "value" + VALUE_SUFFIX[f.val.kind]
        for v in values:
            res.setdefault("component", []).append(
                {
                    "code": {"coding": [{"system": component_system(), "code": f.code}]},
                    key: _to_fhir_value(f.val, v, out),
                }
            )
    elif isinstance(f, Items):
        built = []
        for v in values:
            element: dict[str, Any] = {}
            for sub in f.fields:
                if sub.key in v:
                    _put(sub, element, v[sub.key], out)
            built.append(_ordered(element))
        res[f.path] = built


def _set_path(res: dict[str, Any], path: tuple[str | int, ...], value: Any) -> None:
    parent: Any = res
    for seg, nxt in itertools.pairwise(path):
        if isinstance(seg, int):
            while len(parent) <= seg:
                parent.append({} if isinstance(nxt, str) else [])
            parent = parent[seg]
        else:
            parent = parent.setdefault(seg, [] if isinstance(nxt, int) else {})
    last = path[-1]
    if isinstance(last, int):
        parent.append(value)
    else:
        parent[last] = value


_KEY_ORDER: Final = ("resourceType", "id", "meta", "url", "extension", "identifier")


def _ordered(res: dict[str, Any]) -> dict[str, Any]:
    first: dict[str, Any] = {k: res[k] for k in _KEY_ORDER if k in res}
    return {**first, **{k: v for k, v in res.items() if k not in first}}


def _item_resource(
    section: Section, item: Mapping[str, Any], out: _Out, security: list[dict[str, str]], resource_id: str
) -> dict[str, Any]:
    res: dict[str, Any] = {"resourceType": section.resource_type, "id": resource_id}
    own_security = _security_codings(item["security"]) if "security" in item else security
    res["meta"] = {"profile": [profile_url(section.profile)], "security": own_security}
    res.update(copy.deepcopy(fixed_elements(section)))
    for f in section.fields:
        if f.key in item:
            _put(f, res, item[f.key], out)
    if section.identifier:
        res["identifier"] = [{"system": identifier_system("local-id"), "value": item["id"]}, *res.get("identifier", [])]
    return _ordered(res)


def logical_to_bundle(doc: Mapping[str, Any], *, source: str = "", checked: bool = False) -> dict[str, Any]:
    """Convert a logical record to a DACaseBundle; raise ValueError naming the first error if it is invalid.

    Ids are UUIDv5 values seeded by ``caseId`` and each local id, so the same record always gives the same Bundle.
    A DAProvenance entry names ``source`` (the source file) and the extraction time. ``checked=True`` skips the
    validation of ``doc`` for callers that have already validated it (or build it valid by construction, as the
    generator does, whose tests validate its output); an invalid record then gives undefined output.
    """
    if not checked:
        for path, message in validate_logical(doc):
            raise ValueError(f"{path}: {message}")
    case_id = str(doc["caseId"])
    out = _Out(case_id)
    security = _security_codings(doc["security"])
    entries: list[dict[str, Any]] = []
    for section in SECTIONS:
        for index, item in enumerate(doc.get(section.key, [])):
            key = item["id"] if section.identifier else f"#{section.key}-{index}"
            resource_id = stable_id(case_id, key)
            resource = _item_resource(section, item, out, security, resource_id)
            entries.append({"fullUrl": full_url(resource_id), "resource": resource})
    entries.append(_conversion_provenance(case_id, doc["extractedAt"], source, entries, security))
    return {
        "resourceType": "Bundle",
        "id": stable_id(case_id, "#bundle"),
        "meta": {"profile": [profile_url("DACaseBundle")], "security": security},
        "identifier": {"system": identifier_system("case-reference"), "value": case_id},
        "type": "collection",
        "timestamp": doc["extractedAt"],
        "entry": entries,
    }


def _conversion_provenance(
    case_id: str, recorded: str, source: str, entries: list[dict[str, Any]], security: list[dict[str, str]]
) -> dict[str, Any]:
    resource_id = stable_id(case_id, CONVERSION_PROVENANCE_KEY)
    entity: dict[str, Any] = {"role": "source", "what": {"display": source or "dastandard logical record"}}
    resource = {
        "resourceType": "Provenance",
        "id": resource_id,
        "meta": {"profile": [profile_url("DAProvenance")], "security": security},
        "target": [{"reference": e["fullUrl"]} for e in entries] or [{"display": "empty record"}],
        "recorded": recorded,
        "agent": [{"who": {"display": "dastandard logical record converter"}}],
        "entity": [entity],
    }
    return {"fullUrl": full_url(resource_id), "resource": resource}
