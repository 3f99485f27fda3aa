"""Well-typed FHIR JSON: leave out every value whose JSON type is not the one FHIR R4 gives its element.

A reader passes a Bundle through as it was written, so a writer that walks the FHIR itself could meet a number
where an object is expected, an object where a list is expected, and so on. ``well_typed(bundle, problem)``
removes each such value (in place) and calls ``problem(location, message)`` for it, so that such a writer only ever
sees the shapes of the base FHIR R4 plan (``validators/fhir-r4-base.json``): every element of a known type is an
object, a list of objects or a primitive of its JSON kind (``true`` is never an integer), and no string holds a
control character (which FHIR forbids and XML cannot carry). Elements the plan does
not know (an unknown resource type, a misspelt element) are kept as they are: a writer treats them as unmapped.

Locations are FHIRPath-like, from the Bundle: ``Bundle.entry[2].resource.identifier[0].value``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from dastandard.fhir.baseplan import ABSTRACT_RESOURCES, BasePlan, ElementDef, base_plan

Problem = Callable[[str, str], None]

_JSON_NAMES = {dict: "an object", list: "an array", str: "a string", bool: "a boolean", int: "a number"}
_JSON_NAMES[float] = "a number"


# Characters no FHIR string may hold (every primitive's pattern excludes them) and XML 1.0 cannot carry.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _kind(value: Any) -> str:
    if type(value) is str and _CONTROL.search(value):
        return "a string with a control character"
    return "null" if value is None else _JSON_NAMES.get(type(value), type(value).__name__)


def _fits(plan: BasePlan, definition: ElementDef, value: Any) -> bool:
    if not definition.primitive:
        return type(value) is dict
    json_kind = plan.primitives[definition.type].json
    if json_kind == "string":
        return type(value) is str and not _CONTROL.search(value)
    if json_kind == "boolean":
        return type(value) is bool
    if json_kind == "integer":
        return type(value) is int
    return type(value) in (int, float)  # number (decimal)


def well_typed(bundle: Any, problem: Problem) -> bool:
    """Make ``bundle`` well typed in place; False (and one problem) when it is not a typed resource at all."""
    if type(bundle) is not dict or type(bundle.get("resourceType")) is not str:
        problem("Bundle", f"{_kind(bundle)} where a resource is expected; nothing of it is written")
        return False
    _resource(base_plan(), bundle, bundle["resourceType"], problem)
    return True


def well_typed_datatype(value: dict[str, Any], type_name: str, where: str, problem: Problem) -> None:
    """Make one value of the FHIR datatype ``type_name`` (``HumanName``, ``Address``) well typed in place."""
    plan = base_plan()
    _element(plan, value, plan.types.get(type_name, {}), where, problem)


def _resource(plan: BasePlan, resource: dict[str, Any], where: str, problem: Problem) -> None:
    resource_type = resource.get("resourceType")
    elements = plan.types.get(resource_type) if type(resource_type) is str else None
    if elements is not None and resource_type not in ABSTRACT_RESOURCES:
        _element(plan, resource, elements, where, problem)


def _element(
    plan: BasePlan, node: dict[str, Any], elements: Mapping[str, ElementDef], where: str, problem: Problem
) -> None:
    for key in list(node):
        value = node[key]
        if key.startswith("_") and len(key) > 1:  # a primitive's id and extensions (Element)
            definition = elements.get(key[1:])
            if definition is None:
                continue
            if not _primitive_extras(value, definition.many):
                problem(f"{where}.{key}", f"{_kind(value)} where FHIR has an Element; left out")
                del node[key]
                continue
            for index, extras in enumerate(value if type(value) is list else [value]):
                if type(extras) is dict:
                    at = f"{where}.{key}[{index}]" if type(value) is list else f"{where}.{key}"
                    _element(plan, extras, plan.types.get("Element", {}), at, problem)
            continue
        definition = elements.get(key)
        if definition is None:
            continue  # not in the plan: the writer reports it as unmapped
        path = f"{where}.{key}"
        if definition.many:
            if type(value) is not list:
                problem(path, f"{_kind(value)} where FHIR has an array of {definition.type}; left out")
                del node[key]
                continue
            kept = []
            for index, item in enumerate(value):
                if _one(plan, definition, item, f"{path}[{index}]", problem):
                    kept.append(item)
            value[:] = kept
        elif not _one(plan, definition, value, path, problem):
            del node[key]


def _one(plan: BasePlan, definition: ElementDef, value: Any, path: str, problem: Problem) -> bool:
    """Check one value of an element (recursing into objects); False when it must be left out."""
    if not _fits(plan, definition, value):
        problem(path, f"{_kind(value)} where FHIR has {definition.type}; left out")
        return False
    if definition.resource:
        _resource(plan, value, path, problem)
    elif not definition.primitive:
        elements = plan.types.get(definition.type)
        if elements is not None:
            _element(plan, value, elements, path, problem)
    return True


def _primitive_extras(value: Any, many: bool) -> bool:
    if many:
        return type(value) is list and all(v is None or type(v) is dict for v in value)
    return type(value) is dict
