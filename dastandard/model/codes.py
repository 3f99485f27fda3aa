"""Code lists, loaded from the CodeSystems and ValueSets shipped in ``profiles/``.

A code is a ``Code(system, code)`` pair and a list of them a ``CodeList`` (a frozenset of codes with a name),
so a match is always on system AND code. ``value_set("practice-partner-relationship")`` expands one of the
standard's ValueSets (an id or a canonical URL); ``code_system("risk-level")`` lists a whole CodeSystem;
``own_code("risk-level", "high")`` names a single code of the standard's own and checks it exists. Codes of
other publishers that the standard uses without shipping their CodeSystem are declared with ``external_codes``.

Error policy: asking for a ValueSet, CodeSystem or code the standard does not ship raises ``LookupError``; such a
mistake is a programming error and must show at import, never as a silently empty list.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from functools import cache
from typing import Any, NamedTuple

from dastandard.model.fragments import as_list, as_map
from dastandard.model.ids import code_system_url
from dastandard.standard import standard


class Code(NamedTuple):
    """One code of one code system."""

    system: str
    code: str


class CodeList(frozenset[Code]):
    """A named, immutable set of ``Code`` values; ``codes`` gives the bare code values (for messages)."""

    name: str
    codes: frozenset[str]
    """The code values alone (for messages and cheap pre-checks; a match is always on system and code)."""

    def __new__(cls, name: str, codes: Iterable[Code]) -> CodeList:
        made = super().__new__(cls, codes)
        made.name = name
        made.codes = frozenset(c.code for c in made)
        return made

    def matches(self, codings: Iterable[tuple[str | None, str]]) -> bool:
        """Whether any ``(system, code)`` pair is in this list."""
        return any(pair in self for pair in codings)

    def __repr__(self) -> str:
        return f"CodeList({self.name!r}, {sorted(self)!r})"


def _concepts(concepts: Any) -> Iterator[Mapping[str, Any]]:
    for concept in as_list(concepts):
        yield as_map(concept)
        yield from _concepts(as_map(concept).get("concept"))


def _resolve(resource_type: str, name_or_url: str) -> Mapping[str, Any]:
    std = standard()
    url = name_or_url if "/" in name_or_url else std.url(resource_type, name_or_url)
    artifact = std.get(url)
    if artifact is None or artifact.resource_type != resource_type:
        raise LookupError(f"the standard ships no {resource_type} {name_or_url}")
    return artifact.resource


@cache
def displays(system: str) -> Mapping[str, str]:
    """Code -> display of a shipped CodeSystem (an id of the standard's own or a canonical URL)."""
    resource = _resolve("CodeSystem", system)
    return {str(c["code"]): str(c.get("display", "")) for c in _concepts(resource.get("concept")) if "code" in c}


def display(system: str, code: str) -> str | None:
    """The display of ``code`` in a shipped CodeSystem, ``None`` if the CodeSystem does not define it."""
    return displays(system).get(code)


def defines(system: str, code: str) -> bool:
    """Whether a shipped CodeSystem at canonical ``system`` defines ``code`` (False for unshipped systems)."""
    artifact = standard().get(system)
    if artifact is None or artifact.resource_type != "CodeSystem":
        return False
    return code in displays(system)


@cache
def code_system(system: str) -> CodeList:
    """Every code of a shipped CodeSystem (an id of the standard's own or a canonical URL)."""
    resource = _resolve("CodeSystem", system)
    url = str(resource["url"])
    return CodeList(str(resource.get("id", system)), (Code(url, code) for code in displays(url)))


@cache
def value_set(name_or_url: str) -> CodeList:
    """The expansion of a shipped ValueSet (an id of the standard's own or a canonical URL). Supports what the
    standard's ValueSets use: ``include``/``exclude`` of whole CodeSystems or listed concepts, and included
    ValueSets; every listed code must be defined by its shipped CodeSystem (else ``LookupError``)."""
    resource = _resolve("ValueSet", name_or_url)
    compose = as_map(resource.get("compose"))
    codes: set[Code] = set()
    for include in as_list(compose.get("include")):
        codes |= _component(as_map(include))
    for exclude in as_list(compose.get("exclude")):
        codes -= _component(as_map(exclude))
    return CodeList(str(resource.get("id", name_or_url)), codes)


def _component(part: Mapping[str, Any]) -> set[Code]:
    if part.get("filter"):
        raise LookupError(f"ValueSet filters are not supported: {dict(part)}")
    found: set[Code] | None = None
    system = part.get("system")
    if isinstance(system, str):
        listed = [str(c["code"]) for c in as_list(part.get("concept")) if "code" in as_map(c)]
        if listed:
            for code in listed:
                if not defines(system, code):
                    raise LookupError(f"{system} does not define {code!r}")
            found = {Code(system, code) for code in listed}
        else:
            found = set(code_system(system))
    for included in as_list(part.get("valueSet")):
        members = set(value_set(str(included)))
        found = members if found is None else found & members
    return found or set()


def own_code(code_system_id: str, code: str) -> Code:
    """A code of one of the standard's own CodeSystems; ``LookupError`` if that CodeSystem does not define it."""
    system = code_system_url(code_system_id)
    if not defines(system, code):
        raise LookupError(f"CodeSystem {code_system_id} does not define {code!r}")
    return Code(system, code)


def external_codes(name: str, system: str, *codes: str) -> CodeList:
    """A named list of codes of a code system the standard uses but does not ship (e.g. a FHIR core status
    code system). Lists made here are the only codes outside the shipped CodeSystems that the toolkit relies on;
    ``EXTERNAL_CODE_LISTS`` records them for the tests."""
    made = CodeList(name, (Code(system, code) for code in codes))
    EXTERNAL_CODE_LISTS[name] = made
    return made


EXTERNAL_CODE_LISTS: dict[str, CodeList] = {}
"""Every list declared through ``external_codes``, by name."""
