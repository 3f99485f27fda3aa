"""The one DACaseBundle writer: logical record (domain terms) -> FHIR.

Error policy: ``logical_to_bundle`` expects a record that validates and raises ``ValueError`` (with the JSON
path) otherwise.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any, Final

from dastandard.logical.model import (
    ACT_CODE_SYSTEM,
    CONFIDENTIALITY_SYSTEM,
    CONVERSION_PROVENANCE_KEY,
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
from dastandard.logical.schema import LogicalRecordError, logical_problems
from dastandard.model.ids import extension_url, full_url, identifier_system, profile_url, stable_id
from dastandard.model.urls import DATA_ABSENT_REASON

# --------------------------------------------------------------------------------------------------------------
# Logical record -> FHIR Bundle.


def _security_coding(system: str, value: Any) -> dict[str, str]:
    if isinstance(value, str):
        return {"system": system, "code": value}
    coding = {"system": system, "code": str(value["code"])}
    if "display" in value:
        coding["display"] = str(value["display"])
    return coding


def security_codings(security: Mapping[str, Any]) -> list[dict[str, str]]:
    """``meta.security`` for a logical security object (confidentiality first, then the labels, displays kept)."""
    codings = [_security_coding(CONFIDENTIALITY_SYSTEM, security["confidentiality"])]
    codings += [_security_coding(ACT_CODE_SYSTEM, label) for label in security.get("labels", [])]
    return codings


@dataclass
class _Out:
    """What the writer needs beyond one item: the case reference and the resource id of every local id."""

    case_id: str
    resource_ids: Mapping[str, str] = field(default_factory=dict)
    urls: dict[str, str] = field(default_factory=dict)  # the fullUrl of each local id referred to so far

    def ref(self, local: str) -> dict[str, Any]:
        url = self.urls.get(local)
        if url is None:
            url = self.urls[local] = full_url(self.resource_ids.get(local) or stable_id(self.case_id, local))
        return {"reference": url}


def _absent(reason: str) -> dict[str, Any]:
    return {"extension": [{"url": DATA_ABSENT_REASON, "valueCode": reason}]}


_SYSTEMS: dict[tuple[str, str], str] = {}  # system_for, remembered (the shipped code lists do not change)


def _system(value_set: str, code: str) -> str:
    """``system_for(value_set, code)``, remembered."""
    key = (value_set, code)
    system = _SYSTEMS.get(key)
    if system is None:
        if len(_SYSTEMS) > 65536:  # free text where a code belongs: keep the memory bounded
            _SYSTEMS.clear()
        system = _SYSTEMS[key] = system_for(value_set, code)
    return system


def _absent_concept(value_set: str, reason: str) -> dict[str, Any]:
    """A CodeableConcept stating absence: the codings the bound ValueSet accepts for ``reason`` (see
    ``absence_codings``), else (a code list with no coded absence) the data-absent-reason extension."""
    codings = absence_codings(value_set, reason)
    if codings:
        return {"coding": [{"system": system, "code": code} for system, code in codings]}
    return _absent(reason)


def _coding(value_set: str, value: Any) -> dict[str, Any]:
    """A Coding from a code string or a coding object (``code``, ``system``, ``display``)."""
    if isinstance(value, str):
        return {"system": _system(value_set, value), "code": value}
    the_code = value["code"]
    coding: dict[str, Any] = {"system": value.get("system") or _system(value_set, the_code), "code": the_code}
    if "display" in value:
        coding["display"] = value["display"]
    return coding


def _concept(value_set: str, value: Any) -> dict[str, Any]:
    """A CodeableConcept from a code string or a concept object (codings, text, absent reason)."""
    if isinstance(value, str):
        return {"coding": [{"system": _system(value_set, value), "code": value}]}
    if len(value) == 1 and "absentReason" in value:  # the common shapes first: an absent reason alone ...
        return _absent_concept(value_set, value["absentReason"])
    if len(value) == 2 and "code" in value and "system" in value:  # ... and a code with its system
        return {"coding": [{"system": value["system"] or _system(value_set, value["code"]), "code": value["code"]}]}
    concept: dict[str, Any] = {}
    if "absentReason" in value:
        if "code" in value or "codings" in value:  # a value beside a reason: the reason stays an extension
            concept["extension"] = [{"url": DATA_ABSENT_REASON, "valueCode": value["absentReason"]}]
        else:  # a reason with text: coded as absence, the text kept
            concept.update(_absent_concept(value_set, value["absentReason"]))
    codings = [_coding(value_set, value)] if "code" in value else []
    codings += [_coding(value_set, c) for c in value.get("codings", ())]
    if codings:
        concept["coding"] = codings
    if "text" in value:
        concept["text"] = value["text"]
    return concept


def codeable_concept(value_set: str, value: Any) -> dict[str, Any]:
    """The CodeableConcept a logical code value of the code list ``value_set`` is written as (codings in order,
    text, stated absence), for readers that show or match codes as the standard writes them."""
    return _concept(value_set, value)


def _reference(value: Any, out: _Out) -> dict[str, Any]:
    """A Reference from a local id or a reference object (``id``, ``display``, ``absentReason``)."""
    if isinstance(value, str):
        return out.ref(value)
    reference: dict[str, Any] = out.ref(value["id"]) if "id" in value else {}
    if "display" in value:
        reference["display"] = value["display"]
    if "absentReason" in value:
        reference["extension"] = [{"url": DATA_ABSENT_REASON, "valueCode": value["absentReason"]}]
    return reference


def _to_fhir_value(val: Val, value: Any, out: _Out) -> Any:
    kind = val.kind
    if kind in ("string", "boolean", "integer", "date", "dateTime", "instant"):
        return value
    if kind in ("code", "characteristic"):
        return _concept(val.value_set, value)
    if kind == "coding":
        return _coding(val.value_set, value)
    if kind == "record-kind":
        return [{"coding": [{"system": record_type_system(), "code": value}]}]
    if kind == "ref":
        return _reference(value, out)
    if kind == "annotation":
        return {"text": value}
    if kind == "identifier":
        if "assigner" not in value:
            return dict(value)
        return {**value, "assigner": _reference(value["assigner"], out)}
    if kind in ("period", "name", "telecom"):
        return json_copy(value)
    if kind == "address":
        address: dict[str, Any] = {}
        if "confidential" in value:
            address["extension"] = [
                {"url": extension_url("confidential-address"), "valueBoolean": value["confidential"]}
            ]
        address.update((k, json_copy(v)) for k, v in value.items() if k != "confidential")
        return address
    raise ValueError(f"no FHIR form for value kind {kind!r}")


# Each field is compiled once into a put function (its URL, value key and value conversion worked out ahead),
# so building a resource does no per-value dispatch on the field model.
_Put = Callable[[dict[str, Any], Any, _Out], None]
_Convert = Callable[[Any, _Out], Any]
_PUTS: dict[tuple[int, bool], tuple[Field, _Put]] = {}  # by field identity (the field is kept alive here)
_PLANS: dict[int, tuple[Section, tuple[tuple[str, _Put], ...]]] = {}


def _same(value: Any, out: _Out) -> Any:
    return value


def _converter(val: Val) -> _Convert:
    """The conversion of one value kind to FHIR (the same result as ``_to_fhir_value``)."""
    kind = val.kind
    if kind in ("string", "boolean", "integer", "date", "dateTime", "instant"):
        return _same
    if kind in ("code", "characteristic"):
        value_set = val.value_set

        def concept(value: Any, out: _Out) -> Any:
            if isinstance(value, str):
                return {"coding": [{"system": _system(value_set, value), "code": value}]}
            return _concept(value_set, value)

        return concept
    if kind == "ref":
        return _reference
    return lambda value, out: _to_fhir_value(val, value, out)


def _putter(f: Field, nested: bool = False) -> _Put:
    """The put function of a field (compiled on first use)."""
    hit = _PUTS.get((id(f), nested))
    if hit is not None and hit[0] is f:
        return hit[1]
    put = _compile(f, nested)
    _PUTS[(id(f), nested)] = (f, put)
    return put


def _plan(section: Section) -> tuple[tuple[str, _Put], ...]:
    """``(key, put)`` for every field of a section, in field-model order."""
    hit = _PLANS.get(id(section))
    if hit is not None and hit[0] is section:
        return hit[1]
    plan = tuple((f.key, _putter(f)) for f in section.fields)
    _PLANS[id(section)] = (section, plan)
    return plan


def _compile(f: Field, nested: bool) -> _Put:
    many = f.many
    if isinstance(f, At):
        assert f.val is not None
        if f.val.kind in ("date-or-absent", "dateTime-or-absent"):
            name = str(f.path[0])

            def put_date(res: dict[str, Any], value: Any, out: _Out) -> None:
                if isinstance(value, str):
                    res[name] = value
                else:
                    res[f"_{name}"] = _absent(value["absentReason"])

            return put_date
        convert = _converter(f.val)
        path, append = f.path, f.start > 0
        if len(path) == 1 and isinstance(path[0], str) and not append:
            element = path[0]

            if convert is _same:  # a primitive: the value itself (lists copied)

                def put_primitive(res: dict[str, Any], value: Any, out: _Out) -> None:
                    res[element] = list(value) if many else value

                return put_primitive
            if many:

                def put_elements(res: dict[str, Any], value: Any, out: _Out) -> None:
                    res[element] = [convert(v, out) for v in value]

                return put_elements

            def put_element(res: dict[str, Any], value: Any, out: _Out) -> None:
                res[element] = convert(value, out)

            return put_element

        def put_path(res: dict[str, Any], value: Any, out: _Out) -> None:
            converted = [convert(v, out) for v in value] if many else convert(value, out)
            _set_path(res, path, converted, append=append)

        return put_path
    if isinstance(f, Ext):
        assert f.val is not None
        key, url, convert = "value" + VALUE_SUFFIX[f.val.kind], ext_url(f.url, nested), _converter(f.val)

        if many:

            def put_extensions(res: dict[str, Any], value: Any, out: _Out) -> None:
                res.setdefault("extension", []).extend([{"url": url, key: convert(v, out)} for v in value])

            return put_extensions

        def put_extension(res: dict[str, Any], value: Any, out: _Out) -> None:
            extension = {"url": url, key: convert(value, out)}
            extensions = res.get("extension")
            if extensions is None:
                res["extension"] = [extension]
            else:
                extensions.append(extension)

        return put_extension
    if isinstance(f, Complex):
        url = ext_url(f.url, nested)
        parts = tuple((sub.key, _putter(sub, True)) for sub in f.fields)

        def put_complex(res: dict[str, Any], value: Any, out: _Out) -> None:
            for v in value if many else (value,):
                ext: dict[str, Any] = {"url": url, "extension": []}
                for sub_key, put in _present(parts, v):
                    put(ext, v[sub_key], out)
                res.setdefault("extension", []).append(ext)

        return put_complex
    if isinstance(f, Comp):
        assert f.val is not None
        key, code, convert = "value" + VALUE_SUFFIX[f.val.kind], f.code, _converter(f.val)

        def put_component(res: dict[str, Any], value: Any, out: _Out) -> None:
            components = res.setdefault("component", [])
            for v in value if many else (value,):
                components.append(
                    {"code": {"coding": [{"system": component_system(), "code": code}]}, key: convert(v, out)}
                )

        return put_component
    if isinstance(f, Items):
        list_path = f.path
        members = tuple((sub.key, _putter(sub)) for sub in f.fields)

        def put_items(res: dict[str, Any], value: Any, out: _Out) -> None:
            built = []
            for v in value if many else (value,):
                element: dict[str, Any] = {}
                for sub_key, put in _present(members, v):
                    put(element, v[sub_key], out)
                built.append(_ordered(element))
            res[list_path] = built

        return put_items
    raise TypeError(f"unknown field type {type(f).__name__}")


def _set_path(res: dict[str, Any], path: tuple[str | int, ...], value: Any, *, append: bool = False) -> None:
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
    elif append:
        parent.setdefault(last, []).extend(value)
    else:
        parent[last] = value


_KEY_ORDER: Final = ("resourceType", "id", "meta", "url", "extension", "identifier")


_LEADING: Final = frozenset(_KEY_ORDER)


def _ordered(res: dict[str, Any]) -> dict[str, Any]:
    """``res`` with the keys of ``_KEY_ORDER`` first, in that order (``res`` itself when they already are)."""
    keys = list(res)
    lead = [k for k in _KEY_ORDER if k in res]
    if keys[: len(lead)] == lead:
        return res
    first: dict[str, Any] = {k: res[k] for k in lead}
    return {**first, **{k: v for k, v in res.items() if k not in _LEADING}}


# The fields an item actually has, in field-model order, by the item's own keys: an item only costs the fields it
# carries, not every field its section could hold.
_Plan = tuple[tuple[str, _Put], ...]
_SHAPES: dict[tuple[int, tuple[str, ...]], _Plan] = {}


def _present(plan: _Plan, item: Mapping[str, Any]) -> _Plan:
    """The entries of ``plan`` (one per field) whose key ``item`` has, in plan order."""
    shape = (id(plan), tuple(item))
    hit = _SHAPES.get(shape)
    if hit is None:
        if len(_SHAPES) > 8192:  # unusual key orders: keep the memory bounded
            _SHAPES.clear()
        hit = _SHAPES[shape] = tuple(entry for entry in plan if entry[0] in item)
    return hit


def section_of(section: str | Section) -> Section:
    """The section named ``section`` (a key of the logical record such as ``incidents``); KeyError if unknown."""
    return section if isinstance(section, Section) else SECTION_BY_KEY[section]


def resource_id_of(case_id: str, section: Section, item: Mapping[str, Any], index: int) -> str:
    """The FHIR id of an item: its ``resourceId``, else derived from the case reference and its local id."""
    given = item.get("resourceId")
    if isinstance(given, str):
        return given
    return stable_id(case_id, item["id"] if section.identifier else f"#{section.key}-{index}")


def build_resource(
    section: str | Section,
    item: Mapping[str, Any],
    *,
    case_id: str,
    resource_ids: Mapping[str, str] | None = None,
    security: Sequence[Mapping[str, str]] | None = None,
    index: int = 0,
) -> dict[str, Any]:
    """Build the FHIR resource for one item of a section, from domain terms.

    ``item`` is one element of the section's list in the logical record (valid against its schema).
    ``resource_ids`` maps local ids to resource ids where they are not derived (items with ``resourceId``);
    ``security`` is the record's ``meta.security``, written on the resource unless the item has its own labels
    (None: only the item's own labels). ``index`` is the item's position, used for the id of items without a
    local id. Never validates: an invalid item gives undefined output.
    """
    sec = section_of(section)
    out = _Out(case_id, resource_ids or {})
    return _item_resource(sec, item, out, security, resource_id_of(case_id, sec, item, index))


def _item_resource(
    section: Section,
    item: Mapping[str, Any],
    out: _Out,
    security: Sequence[Mapping[str, str]] | None,
    resource_id: str,
) -> dict[str, Any]:
    profile, fixed = _skeleton(section)
    own_security = security_codings(item["security"]) if "security" in item else security
    meta: dict[str, Any] = {"profile": [profile]}
    if own_security is not None:
        meta["security"] = [dict(c) for c in own_security]
    body: dict[str, Any] = json_copy(fixed) if fixed else {}
    for key, put in _present(_plan(section), item):
        put(body, item[key], out)
    if section.identifier and "resourceId" not in item:
        body["identifier"] = [{"system": _local_id_system(), "value": item["id"]}, *body.get("identifier", ())]
    # resourceType, id, meta, then url, extension and identifier (as ``_ordered``), then the rest as built
    res: dict[str, Any] = {"resourceType": section.resource_type, "id": resource_id, "meta": meta}
    if "url" in body:
        res["url"] = body.pop("url")
    if "extension" in body:
        res["extension"] = body.pop("extension")
    if "identifier" in body:
        res["identifier"] = body.pop("identifier")
    res.update(body)
    return res


@cache
def _local_id_system() -> str:
    return identifier_system("local-id")


_SKELETONS: dict[int, tuple[Section, str, dict[str, Any]]] = {}


def _skeleton(section: Section) -> tuple[str, dict[str, Any]]:
    """The profile URL and the fixed elements of a section's resources (a template: copy before use)."""
    hit = _SKELETONS.get(id(section))
    if hit is None or hit[0] is not section:
        hit = _SKELETONS[id(section)] = (section, profile_url(section.profile), fixed_elements(section))
    return hit[1], hit[2]


def entry_items(doc: Mapping[str, Any]) -> Iterator[tuple[Section, int, Mapping[str, Any]]]:
    """The items in Bundle entry order: ``entryOrder`` when given, else section by section."""
    order = doc.get("entryOrder")
    if order is None:
        for section in SECTIONS:
            for index, item in enumerate(doc.get(section.key, ())):
                yield section, index, item
        return
    next_index: dict[str, int] = {}
    for key in order:
        index = next_index.get(key, 0)
        next_index[key] = index + 1
        yield SECTION_BY_KEY[key], index, doc[key][index]


def logical_to_bundle(
    doc: Mapping[str, Any], *, source: str = "", checked: bool = False, conversion_provenance: bool = True
) -> dict[str, Any]:
    """Convert a logical record to a DACaseBundle; raise LogicalRecordError (a ValueError) listing every problem
    if it is invalid.

    Ids are UUIDv5 values seeded by ``caseId`` and each local id (unless an item gives its ``resourceId``), so the
    same record always gives the same Bundle. A DAProvenance entry names ``source`` (the source file) and the
    extraction time. ``checked=True`` skips the validation of ``doc`` for callers that have already validated it
    (or build it valid by construction, as the generator does, whose tests validate its output); an invalid record
    then gives undefined output. ``conversion_provenance=False`` leaves out the conversion's own DAProvenance,
    for a record that is itself the source of the Bundle (the synthetic examples in ``examples/cases/``) or
    an agency reader's record that already holds its own Provenance naming the source file and record.
    """
    if not checked and (problems := logical_problems(doc)):
        raise LogicalRecordError(problems)
    case_id = str(doc["caseId"])
    resource_ids = {  # every local id's resource id, worked out once (references reuse it)
        str(item["id"]): str(item.get("resourceId") or stable_id(case_id, item["id"]))
        for section in SECTIONS
        if section.identifier
        for item in doc.get(section.key, ())
    }
    out = _Out(case_id, resource_ids)
    security = security_codings(doc["security"])
    entry_security = security if doc.get("labelEntries", True) else None
    entries: list[dict[str, Any]] = []
    for section, index, item in entry_items(doc):
        identified = section.identifier
        resource_id = resource_ids[str(item["id"])] if identified else resource_id_of(case_id, section, item, index)
        resource = _item_resource(section, item, out, entry_security, resource_id)
        entries.append({"fullUrl": full_url(resource_id), "resource": resource})
    extracted = doc.get("extractedAt")
    if conversion_provenance:
        entries.append(_conversion_provenance(case_id, str(extracted or ""), source, entries, security))
    bundle: dict[str, Any] = {
        "resourceType": "Bundle",
        "id": doc.get("bundleId") or stable_id(case_id, "#bundle"),
        "meta": {"profile": [profile_url("DACaseBundle")], "security": security},
    }
    if case_id:  # a source with no case reference (a census Child with no id) gives a Bundle without one
        bundle["identifier"] = {
            "system": doc.get("caseIdSystem") or identifier_system("case-reference"),
            "value": case_id,
        }
    bundle["type"] = "collection"
    if extracted:
        bundle["timestamp"] = extracted
    else:  # the source does not say when it was extracted
        bundle["_timestamp"] = _absent("unknown")
    bundle["entry"] = entries
    return bundle


def _conversion_provenance(
    case_id: str, recorded: str, source: str, entries: list[dict[str, Any]], security: list[dict[str, str]]
) -> dict[str, Any]:
    resource_id = stable_id(case_id, CONVERSION_PROVENANCE_KEY)
    entity: dict[str, Any] = {"role": "source", "what": {"display": source or "dastandard logical record"}}
    resource = {
        "resourceType": "Provenance",
        "id": resource_id,
        "meta": {"profile": [profile_url("DAProvenance")], "security": [dict(c) for c in security]},
        "target": [{"reference": e["fullUrl"]} for e in entries] or [{"display": "empty record"}],
        "recorded": recorded,
        "agent": [{"who": {"display": "dastandard logical record converter"}}],
        "entity": [entity],
    }
    return {"fullUrl": full_url(resource_id), "resource": resource}
