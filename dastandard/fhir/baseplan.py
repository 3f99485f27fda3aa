"""The compiled base FHIR R4 structure plan (``validators/fhir-r4-base.json``), loaded once per process.

The plan is built by ``scripts/build_base_plan.py``; it is a trusted shipped artifact, so a damaged plan raises
(it is a packaging fault, not an input problem).
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any, TypeVar

import orjson

from dastandard import _cache
from dastandard._resources import data_path

# Types whose ``id`` is a child element in XML (resources); every other type carries ``id`` as an attribute.
ABSTRACT_RESOURCES = frozenset({"Resource", "DomainResource"})


@dataclass(frozen=True, slots=True)
class ElementDef:
    """One element of a type: JSON name, type name, cardinality, base required binding and reference targets."""

    name: str
    type: str
    min: int
    many: bool
    binding: str | None
    targets: frozenset[str] | None
    primitive: bool
    resource: bool  # the element holds a whole resource (contained, Bundle.entry.resource)
    choice: str | None  # the choice stem (``deceased``) for ``deceasedBoolean``, else None
    mark: int = 0  # what the structure walk hands on to the profile layer: see the ``MARK_*`` constants
    text: bool = False  # a JSON-string primitive: a non-empty str needs only ``pattern`` and ``codes`` to pass
    pattern: re.Pattern[str] | None = None  # what a non-empty value must fully match (None: anything)
    codes: frozenset[str] | None = None  # the codes of its required binding, when it is a bound code
    scan: bool = False  # string or markdown: scanned for HTML-like tags and the 1 MB limit when it holds "<" or is long
    absolute: bool = False  # a system URI that must be absolute (Coding.system, Identifier.system, Quantity.system)


# Elements whose values the structure walk records for the profile layer, so that layer need not walk again.
MARK_EXTENSION = 1  # ``extension``/``modifierExtension`` of anything but an Extension (sub-extensions excluded)
MARK_REFERENCE = 2  # ``Reference.reference``
MARK_NARRATIVE = 3  # ``Narrative.div``


def _nonempty_pattern(prim: Primitive | None) -> re.Pattern[str] | None:
    """The primitive's pattern as far as non-empty strings go: ``[\\s\\S]+`` (string, markdown) accepts them all."""
    if prim is None or prim.pattern is None or prim.pattern.pattern == r"[\s\S]+":
        return None
    return prim.pattern


# Types whose ``system`` names a code or identifier system and must be an absolute URI.
SYSTEM_TYPES = frozenset(
    {"Coding", "Identifier", "Quantity", "Age", "Count", "Distance", "Duration", "MoneyQuantity", "SimpleQuantity"}
)
# What an absolute URI looks like: a scheme, then anything without whitespace.
ABSOLUTE_URI = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:\S+")


def _mark(type_name: str, name: str, etype: str) -> int:
    if etype == "Extension" and name in ("extension", "modifierExtension") and type_name != "Extension":
        return MARK_EXTENSION
    if type_name == "Reference" and name == "reference":
        return MARK_REFERENCE
    if type_name == "Narrative" and name == "div":
        return MARK_NARRATIVE
    return 0


@dataclass(frozen=True, slots=True)
class Primitive:
    """A primitive type: its JSON kind (string, boolean, number, integer) and compiled full-match pattern."""

    name: str
    json: str
    pattern: re.Pattern[str] | None


# One core invariant: key, severity ("error" or "warning"), human text, FHIRPath expression, best practice.
CoreConstraint = tuple[str, str, str, str, bool]


@dataclass(frozen=True)
class BasePlan:
    """The whole plan, indexed for the hot path."""

    types: Mapping[str, Mapping[str, ElementDef]]
    required: Mapping[str, tuple[str, ...]]  # type -> names of elements with min 1
    choices: Mapping[str, Mapping[str, tuple[str, ...]]]
    resources: frozenset[str]
    primitives: Mapping[str, Primitive]
    valuesets: Mapping[str, frozenset[str]]
    # type -> {element JSON name, or "" for the type itself -> its core invariants}; choice elements are listed
    # under each of their JSON names.
    constraints: Mapping[str, Mapping[str, tuple[CoreConstraint, ...]]] = field(default_factory=dict)

    def is_resource_type(self, name: str) -> bool:
        return name in self.resources or name in ABSTRACT_RESOURCES


_Made = TypeVar("_Made")


class _MadeOnFirstUse(Mapping[str, _Made]):
    """Type name -> a value made from the plan's raw entry for that type the first time it is asked for (a run
    meets a few dozen of the plan's 1,400 types and backbone elements; making them all costs more than checking a
    small file). Subclasses say how in ``_build``."""

    def __init__(self, raw: Mapping[str, Any]) -> None:
        self._raw = raw
        self._made: dict[str, _Made] = {}

    def _build(self, type_name: str, raw: Any) -> _Made:
        raise NotImplementedError

    def __getitem__(self, type_name: str) -> _Made:
        found = self._made.get(type_name)
        if found is None:
            found = self._made[type_name] = self._build(type_name, self._raw[type_name])
        return found

    def get(self, type_name: str, default: Any = None) -> Any:
        found = self._made.get(type_name)
        if found is None:
            if type_name not in self._raw:
                return default
            found = self._made[type_name] = self._build(type_name, self._raw[type_name])
        return found

    def __contains__(self, type_name: object) -> bool:
        return type_name in self._raw

    def __iter__(self) -> Iterator[str]:
        return iter(self._raw)

    def __len__(self) -> int:
        return len(self._raw)


class _Types(_MadeOnFirstUse[dict[str, ElementDef]]):
    """Type name -> its elements, each type's ``ElementDef``s made on first use."""

    def __init__(self, raw: Mapping[str, Any], primitives: Mapping[str, Primitive], choice_of: Any, valuesets: Any):
        super().__init__(raw)
        self._primitives = primitives
        self._choice_of = choice_of
        self._valuesets = valuesets

    def _build(self, type_name: str, elements: Mapping[str, Any] | str) -> dict[str, ElementDef]:
        if isinstance(elements, str):  # the type's JSON text (see ``_load``)
            elements = _parsed_text(elements, "types", type_name)
        primitives, choice_of, valuesets = self._primitives, self._choice_of, self._valuesets
        defs: dict[str, ElementDef] = {}
        for name, (etype, emin, emax, binding, targets) in elements.items():
            prim = primitives.get(etype)
            absolute = name == "system" and type_name in SYSTEM_TYPES and etype == "uri"
            defs[name] = ElementDef(
                name=name,
                type=etype,
                min=emin,
                many=emax == "*",
                binding=binding,
                targets=frozenset(targets) if targets else None,
                primitive=etype in primitives,
                resource=etype == "Resource",
                choice=choice_of.get((type_name, name)),
                mark=_mark(type_name, name, etype),
                text=prim is not None and prim.json == "string",
                pattern=ABSOLUTE_URI if absolute else _nonempty_pattern(prim),
                codes=valuesets[binding] if prim is not None and binding else None,
                scan=etype in ("string", "markdown"),
                absolute=absolute,
            )
        return defs


class _Required(Mapping[str, tuple[str, ...]]):
    """Type name -> the names of its elements with min 1 (choices excepted), made with the type's elements."""

    def __init__(self, types: _Types) -> None:
        self._types = types
        self._made: dict[str, tuple[str, ...]] = {}

    def __getitem__(self, type_name: str) -> tuple[str, ...]:
        found = self._made.get(type_name)
        if found is None:
            defs = self._types[type_name]
            found = self._made[type_name] = tuple(n for n, d in defs.items() if d.min > 0 and d.choice is None)
        return found

    def get(self, type_name: str, default: Any = None) -> Any:
        found = self._made.get(type_name)
        if found is None:
            return self[type_name] if type_name in self._types else default
        return found

    def __contains__(self, type_name: object) -> bool:
        return type_name in self._types

    def __iter__(self) -> Iterator[str]:
        return iter(self._types)

    def __len__(self) -> int:
        return len(self._types)


class _Constraints(_MadeOnFirstUse[dict[str, tuple[CoreConstraint, ...]]]):
    """Type name -> {element JSON name, or "" -> its core invariants}, each type's placed when first asked for."""

    def __init__(self, raw: Mapping[str, Any], choices: Mapping[str, Mapping[str, tuple[str, ...]]]) -> None:
        super().__init__(raw)
        self._choices = choices

    def _build(self, type_name: str, by_element: Mapping[str, Any] | str) -> dict[str, tuple[CoreConstraint, ...]]:
        if isinstance(by_element, str):  # the type's JSON text (see ``_load``)
            by_element = _parsed_text(by_element, "constraints", type_name)
        placed: dict[str, tuple[CoreConstraint, ...]] = {}
        for name, entries in by_element.items():
            compiled = tuple((str(k), str(sev), str(h), str(e), bool(bp)) for k, sev, h, e, bp in entries)
            names = self._choices.get(type_name, {}).get(name, ()) if name.endswith("[x]") else (name,)
            for json_name in names:
                placed[json_name] = compiled
        return placed


# The plan as it is kept in the per-user cache (``dastandard._cache``): the shipped file with its two large sections,
# ``types`` and ``constraints``, held as one JSON text per type, parsed when the type is first met (a run meets a
# few dozen of the 1,400 types; parsing them all is most of loading the plan). Keyed by the toolchain and the
# shipped file's size and CRC-32, so a changed plan is never served from the cache.
_CACHE_NAME = "baseplan.json"
_CACHE_FORMAT = "1"
_LAZY_SECTIONS = ("types", "constraints")
_PLAN_FILE = "fhir-r4-base.json"


def _load() -> dict[str, Any]:
    """The shipped plan, its ``types`` and ``constraints`` as JSON text per type when the cache is usable."""
    data = (data_path("validators") / _PLAN_FILE).read_bytes()
    key = _cache.toolchain_key("baseplan", _CACHE_FORMAT, str(len(data)), f"{zlib.crc32(data):08x}")
    stored = _cache.read(_CACHE_NAME, key)
    if isinstance(stored, dict) and all(isinstance(stored.get(name), dict) for name in _LAZY_SECTIONS):
        return stored
    raw: dict[str, Any] = orjson.loads(data)
    lazy = dict(raw)
    for name in _LAZY_SECTIONS:
        section = raw.get(name, {})
        lazy[name] = {item: orjson.dumps(value).decode() for item, value in section.items()}
    _cache.write(_CACHE_NAME, key, lazy)
    return raw


def _parsed_text(text: str, section: str, type_name: str) -> dict[str, Any]:
    """One type's entry of a lazy section; the shipped plan's when the cached text is not a JSON object."""
    try:
        parsed = orjson.loads(text)
    except orjson.JSONDecodeError:
        parsed = None
    if isinstance(parsed, dict):
        return parsed
    shipped: dict[str, Any] = orjson.loads((data_path("validators") / _PLAN_FILE).read_bytes())[section][type_name]
    return shipped


@cache
def base_plan() -> BasePlan:
    """Load and index the shipped plan (once per process; each type's elements and invariants are made when first
    used)."""
    raw = _load()
    primitives = {
        name: Primitive(name, spec["json"], re.compile(spec["regex"]) if spec["regex"] else None)
        for name, spec in raw["primitives"].items()
    }
    choice_of: dict[tuple[str, str], str] = {}
    choices: dict[str, dict[str, tuple[str, ...]]] = {}
    for type_name, stems in raw["choices"].items():
        choices[type_name] = {stem: tuple(names) for stem, names in stems.items()}
        for stem, names in stems.items():
            for n in names:
                choice_of[(type_name, n)] = stem
    valuesets = {url: frozenset(codes) for url, codes in raw["valueSets"].items()}
    types = _Types(raw["types"], primitives, choice_of, valuesets)
    constraints = _Constraints(raw.get("constraints", {}), choices)
    return BasePlan(
        types=types,
        required=_Required(types),
        choices=choices,
        resources=frozenset(raw["resources"]),
        primitives=primitives,
        valuesets=valuesets,
        constraints=constraints,
    )
