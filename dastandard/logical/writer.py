"""The one DACaseBundle writer: logical record (domain terms) -> FHIR.

Error policy: ``logical_to_bundle`` expects a record that validates and raises ``ValueError`` (with the JSON
path) otherwise.
"""

from __future__ import annotations

import copy
import itertools
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any, Final

from dastandard.logical.model import (
    ACT_CODE_SYSTEM,
    CONFIDENTIALITY_SYSTEM,
    CONVERSION_PROVENANCE_KEY,
    OR_ABSENT_KINDS,
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
    component_system,
    ext_url,
    fixed_elements,
    record_type_system,
    system_for,
)
from dastandard.logical.schema import validate_logical
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
    references: dict[str, str] = field(default_factory=dict)  # local id -> reference, each worked out once

    def ref(self, local: str) -> dict[str, Any]:
        reference = self.references.get(local)
        if reference is None:
            reference = full_url(self.resource_ids.get(local) or stable_id(self.case_id, local))
            self.references[local] = reference
        return {"reference": reference}


def _absent(reason: str) -> dict[str, Any]:
    return {"extension": [{"url": DATA_ABSENT_REASON, "valueCode": reason}]}


def _coding(value_set: str, value: Any) -> dict[str, Any]:
    """A Coding from a code string or a coding object (``code``, ``system``, ``display``)."""
    if value.__class__ is str:
        return {"system": system_for(value_set, value), "code": value}
    the_code = value["code"]
    coding: dict[str, Any] = {"system": value.get("system") or system_for(value_set, the_code), "code": the_code}
    display = value.get("display")
    if display is not None:
        coding["display"] = display
    return coding


def _concept(value_set: str, value: Any) -> dict[str, Any]:
    """A CodeableConcept from a code string or a concept object (codings, text, absent reason)."""
    if value.__class__ is str:
        return {"coding": [{"system": system_for(value_set, value), "code": value}]}
    concept: dict[str, Any] = {}
    reason = value.get("absentReason")
    if reason is not None:
        concept["extension"] = [{"url": DATA_ABSENT_REASON, "valueCode": reason}]
    codings = [_coding(value_set, value)] if "code" in value else []
    further = value.get("codings")
    if further:
        for coding in further:
            codings.append(_coding(value_set, coding))
    if codings:
        concept["coding"] = codings
    text = value.get("text")
    if text is not None:
        concept["text"] = text
    return concept


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
    if kind in ("period", "telecom"):  # flat objects of strings
        return dict(value)
    if kind == "name":
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


# A compiled field: writes one item's value for its field into a resource (or an extension, element, ...).
_Put = Callable[[dict[str, Any], Any, _Out], None]
_Convert = Callable[[Any, _Out], Any]


def _converter(val: Val) -> _Convert:
    """``value -> FHIR`` for one value kind, with what it needs (code system lookups) bound once."""
    kind = val.kind
    if kind in ("string", "boolean", "integer", "date", "dateTime", "instant"):
        return lambda value, out: value
    if kind in ("code", "characteristic"):
        value_set = val.value_set

        return lambda value, out: _concept(value_set, value)
    if kind == "coding":
        return lambda value, out: _coding(val.value_set, value)
    if kind == "ref":
        return _reference
    if kind in ("period", "telecom"):  # flat objects of strings
        return lambda value, out: dict(value)
    return lambda value, out: _to_fhir_value(val, value, out)


def _compile(f: Field, nested: bool = False) -> _Put:
    """The writer of one field: where its value goes and how it is converted, worked out once."""
    if isinstance(f, At):
        assert f.val is not None
        path = f.path
        if f.val.kind in OR_ABSENT_KINDS:
            name = str(path[0])
            absent_name = f"_{name}"

            def put_or_absent(res: dict[str, Any], value: Any, out: _Out) -> None:
                if isinstance(value, str):
                    res[name] = value
                else:
                    res[absent_name] = _absent(value["absentReason"])

            return put_or_absent
        convert = _converter(f.val)
        many, append = f.many, f.start > 0
        if len(path) == 1 and not append:
            key = str(path[0])
            if many:
                return lambda res, value, out: res.__setitem__(key, [convert(v, out) for v in value])
            return lambda res, value, out: res.__setitem__(key, convert(value, out))

        def put_at(res: dict[str, Any], value: Any, out: _Out) -> None:
            converted = [convert(v, out) for v in value] if many else convert(value, out)
            _set_path(res, path, converted, append=append)

        return put_at
    if isinstance(f, Ext):
        assert f.val is not None
        key = "value" + VALUE_SUFFIX[f.val.kind]
        url = ext_url(f.url, nested)
        convert = _converter(f.val)
        if f.many:

            def put_extensions(res: dict[str, Any], value: Any, out: _Out) -> None:
                extensions = res.setdefault("extension", [])
                for v in value:
                    extensions.append({"url": url, key: convert(v, out)})

            return put_extensions

        def put_extension(res: dict[str, Any], value: Any, out: _Out) -> None:
            res.setdefault("extension", []).append({"url": url, key: convert(value, out)})

        return put_extension
    if isinstance(f, Complex):
        url = ext_url(f.url, nested)
        subs = tuple((sub.key, _compile(sub, nested=True)) for sub in f.fields)
        many = f.many

        def put_complex(res: dict[str, Any], value: Any, out: _Out) -> None:
            extensions = res.setdefault("extension", [])
            for v in value if many else (value,):
                ext: dict[str, Any] = {"url": url, "extension": []}
                for sub_key, put in subs:
                    if sub_key in v:
                        put(ext, v[sub_key], out)
                extensions.append(ext)

        return put_complex
    if isinstance(f, Comp):
        assert f.val is not None
        key = "value" + VALUE_SUFFIX[f.val.kind]
        system, code = component_system(), f.code
        convert = _converter(f.val)
        many = f.many

        def put_component(res: dict[str, Any], value: Any, out: _Out) -> None:
            components = res.setdefault("component", [])
            for v in value if many else (value,):
                components.append({"code": {"coding": [{"system": system, "code": code}]}, key: convert(v, out)})

        return put_component
    if isinstance(f, Items):
        write = _compile_fields(f.fields, f.key)
        element_path, many = f.path, f.many

        def put_items(res: dict[str, Any], value: Any, out: _Out) -> None:
            built = []
            for v in value if many else (value,):
                element: dict[str, Any] = {}
                write(v, out, element)
                built.append(element)
            res[element_path] = built

        return put_items
    raise TypeError(f"unknown field type {type(f).__name__}")


@dataclass(frozen=True)
class _Plan:
    """A section's writer, compiled once: its profile URL and one function that writes every field of an item
    into a resource, in field order."""

    profile: str
    write: Callable[[Mapping[str, Any], _Out, dict[str, Any]], None]


_PLANS: dict[str, _Plan] = {}

_SIMPLE_KINDS: Final = frozenset({"string", "boolean", "integer", "date", "dateTime", "instant"})


def _lead_rank(f: Field) -> int:
    """Where ``f`` writes: 0 ``url``, 1 ``extension``, 2 ``identifier`` (the elements a resource starts with), 3 the
    others."""
    if isinstance(f, Ext | Complex):
        return 1
    if isinstance(f, At) and f.path[0] in ("url", "identifier"):
        return 0 if f.path[0] == "url" else 2
    return 3


def _leads(f: Field) -> bool:
    """Whether ``f`` writes one of the elements a resource starts with (``url``, ``extension``, ``identifier``)."""
    return _lead_rank(f) < 3


def _in_key_order(fields: Sequence[Field]) -> list[Field]:
    """The fields in the order of the elements they write (``url``, ``extension``, ``identifier``, the others),
    each group in field order: writing in this order gives the element order of ``_ordered`` without reordering
    afterwards."""
    return sorted(fields, key=_lead_rank)


def _plan(section: Section) -> _Plan:
    plan = _PLANS.get(section.key)
    if plan is None or SECTION_BY_KEY.get(section.key) is not section:
        plan = _Plan(profile_url(section.profile), _compile_section(section))
        if SECTION_BY_KEY.get(section.key) is section:
            _PLANS[section.key] = plan
    return plan


def _inline(f: Field) -> str:
    """The expression (a format string of the value's name) that converts a value of ``f`` inline, or '' when its
    kind needs its compiled converter."""
    kind = f.val.kind if f.val is not None else ""
    if kind in ("code", "characteristic"):
        assert f.val is not None
        return f"_concept({f.val.value_set!r}, {{0}})"
    if kind == "ref":
        return "(out.ref({0}) if {0}.__class__ is str else _reference({0}, out))"
    if kind in _SIMPLE_KINDS:
        return "{0}"
    return ""


def _compile_section(section: Section) -> Callable[[Mapping[str, Any], _Out, dict[str, Any]], None]:
    """The compiled writer of a section's fields, with its fixed elements (see ``_compile_fields``)."""
    fixed = (lambda: fixed_elements(section)) if section.fixed or section.record_type else None
    return _compile_fields(section.fields, section.key, fixed)


def _compile_fields(
    fields: Sequence[Field], name: str, fixed: Callable[[], dict[str, Any]] | None = None
) -> Callable[[Mapping[str, Any], _Out, dict[str, Any]], None]:
    """One straight-line function writing every field of ``section``: the common shapes (a value at a top-level
    element, simple and complex extensions of simple values, components) inline, the others through the field's
    compiled writer (``_compile``). It does exactly what calling each field's writer does, in the order of the
    elements they write (``_in_key_order``); it is only faster (one call per item)."""
    names: dict[str, Any] = {"_concept": _concept, "_reference": _reference, "_absent": _absent}
    lines = ["def write(item, out, res):"]
    ordered, n_leading = _in_key_order(fields), sum(map(_leads, fields))
    for n, f in enumerate(ordered):
        if n == n_leading and fixed is not None:  # the fixed elements follow the leading ones
            names["_fixed"] = fixed
            lines.append("    res.update(_fixed())")
        lines += [f"    v = item.get({f.key!r})", "    if v is not None:"]
        one = _inline(f)
        loop = "        for x in v:" if f.many else "        for x in (v,):"
        if isinstance(f, At) and f.val is not None and f.val.kind in OR_ABSENT_KINDS:
            element = str(f.path[0])
            lines += [
                "        if v.__class__ is str:",
                f"            res[{element!r}] = v",
                "        else:",
                f"            res[{'_' + element!r}] = _absent(v['absentReason'])",
            ]
        elif isinstance(f, At) and one and len(f.path) == 1 and not f.start:
            target = f"res[{str(f.path[0])!r}]"
            if f.many:
                lines.append(f"        {target} = [{one.format('x')} for x in v]")
            else:
                lines.append(f"        {target} = {one.format('v')}")
        elif isinstance(f, At) and one and all(isinstance(p, str) for p in f.path) and not f.start:
            *parents, last = (str(p) for p in f.path)
            target = "res" + "".join(f".setdefault({p!r}, {{}})" for p in parents) + f"[{last!r}]"
            value = f"[{one.format('x')} for x in v]" if f.many else one.format("v")
            lines.append(f"        {target} = {value}")
        elif isinstance(f, At) and one and len(f.path) == 2 and f.path[1] == 0 and not f.many and not f.start:
            lines.append(f"        res.setdefault({str(f.path[0])!r}, []).append({one.format('v')})")
        elif isinstance(f, Ext) and one:
            assert f.val is not None
            pair = f"{{'url': {ext_url(f.url, False)!r}, {'value' + VALUE_SUFFIX[f.val.kind]!r}: {one.format('x')}}}"
            lines += [
                "        extensions = res.setdefault('extension', [])",
                loop,
                f"            extensions.append({pair})",
            ]
        elif isinstance(f, Complex) and all(isinstance(sub, Ext) and not sub.many and _inline(sub) for sub in f.fields):
            lines += ["        extensions = res.setdefault('extension', [])", loop, "            parts = []"]
            for sub in f.fields:
                assert sub.val is not None and isinstance(sub, Ext)
                key = "value" + VALUE_SUFFIX[sub.val.kind]
                lines += [
                    f"            y = x.get({sub.key!r})",
                    "            if y is not None:",
                    f"                parts.append({{'url': {sub.url!r}, {key!r}: {_inline(sub).format('y')}}})",
                ]
            lines.append(f"            extensions.append({{'url': {ext_url(f.url, False)!r}, 'extension': parts}})")
        elif isinstance(f, Comp) and one:
            assert f.val is not None
            code = f"{{'coding': [{{'system': {component_system()!r}, 'code': {f.code!r}}}]}}"
            key = "value" + VALUE_SUFFIX[f.val.kind]
            lines += [
                "        components = res.setdefault('component', [])",
                loop,
                f"            components.append({{'code': {code}, {key!r}: {one.format('x')}}})",
            ]
        else:
            names[f"put_{n}"] = _compile(f)
            lines.append(f"        put_{n}(res, v, out)")
    if fixed is not None and "_fixed" not in names:
        names["_fixed"] = fixed
        lines.append("    res.update(_fixed())")
    if len(lines) == 1:
        lines.append("    return None")
    source = "\n".join(lines)  # made here from the field model, never from input
    exec(compile(source, f"<writer of {name}>", "exec"), names)
    write: Callable[[Mapping[str, Any], _Out, dict[str, Any]], None] = names["write"]
    return write


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


def _ordered(res: dict[str, Any]) -> dict[str, Any]:
    first: dict[str, Any] = {k: res[k] for k in _KEY_ORDER if k in res}
    return {**first, **{k: v for k, v in res.items() if k not in first}}


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
    plan = _plan(section)
    res: dict[str, Any] = {"resourceType": section.resource_type, "id": resource_id}
    own_security = security_codings(item["security"]) if "security" in item else security
    meta: dict[str, Any] = {"profile": [plan.profile]}
    if own_security is not None:
        meta["security"] = [dict(c) for c in own_security]
    res["meta"] = meta
    plan.write(item, out, res)  # extension and identifier first, then the fixed elements, then the rest
    if section.identifier and "resourceId" not in item:
        known = "identifier" in res
        res["identifier"] = [{"system": identifier_system("local-id"), "value": item["id"]}, *res.get("identifier", [])]
        if not known:
            return _ordered(res)
    return res


_IDENTIFIED: Final = tuple(s.key for s in SECTIONS if s.identifier)


def _entry_items(doc: Mapping[str, Any]) -> Iterator[tuple[Section, int, Mapping[str, Any]]]:
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
    doc: Mapping[str, Any], *, source: str = "", checked: bool = False, provenance: bool = True
) -> dict[str, Any]:
    """Convert a logical record to a DACaseBundle; raise ValueError naming the first error if it is invalid.

    Ids are UUIDv5 values seeded by ``caseId`` and each local id (unless an item gives its ``resourceId``), so the
    same record always gives the same Bundle. A DAProvenance entry names ``source`` (the source file) and the
    extraction time. ``checked=True`` skips the validation of ``doc`` for callers that have already validated it
    (or build it valid by construction, as the generator does, whose tests validate its output); an invalid record
    then gives undefined output. ``provenance=False`` leaves out the conversion's own Provenance, for a reader
    whose record already names its source in its ``provenance`` section (an agency format's reader). An empty
    ``caseId`` gives a Bundle without a case identifier, and a record without ``extractedAt`` one whose timestamp
    is absent (``unknown``): what an agency reader gives for a source that lacks them (its record is invalid and
    the reader reports why).
    """
    if not checked:
        for path, message in validate_logical(doc):
            raise ValueError(f"{path}: {message}")
    case_id = str(doc["caseId"])
    resource_ids = {  # every local id's resource id, worked out once (references reuse it)
        str(item["id"]): str(item.get("resourceId") or stable_id(case_id, item["id"]))
        for key in _IDENTIFIED
        if key in doc
        for item in doc[key]
    }
    out = _Out(case_id, resource_ids)
    security = security_codings(doc["security"])
    entry_security = security if doc.get("labelEntries", True) else None
    entries: list[dict[str, Any]] = []
    for section, index, item in _entry_items(doc):
        identified = section.identifier
        resource_id = resource_ids[str(item["id"])] if identified else resource_id_of(case_id, section, item, index)
        resource = _item_resource(section, item, out, entry_security, resource_id)
        entries.append({"fullUrl": full_url(resource_id), "resource": resource})
    extracted = doc.get("extractedAt")
    if provenance:
        entries.append(_conversion_provenance(case_id, str(extracted), source, entries, security))
    bundle: dict[str, Any] = {
        "resourceType": "Bundle",
        "id": doc.get("bundleId") or stable_id(case_id, "#bundle"),
        "meta": {"profile": [_bundle_profile()], "security": security},
    }
    if case_id:
        bundle["identifier"] = {
            "system": doc.get("caseIdSystem") or identifier_system("case-reference"),
            "value": case_id,
        }
    bundle["type"] = "collection"
    if extracted is None:
        bundle["_timestamp"] = _absent("unknown")
    else:
        bundle["timestamp"] = extracted
    bundle["entry"] = entries
    return bundle


@cache
def _bundle_profile() -> str:
    return profile_url("DACaseBundle")


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
