"""The Python source of the structure walk of one FHIR type, specialised on the base plan.

The structure layer walks each type with a function generated from the plan: each key's common case inlined (a
non-empty string matching its pattern, a boolean, an object walked by its own type's function, a list of them), and
anything else handed to the general check of one key, so the findings are those of the general check alone.

The source is a pure function of the plan and the type: its constants are named after the walk (``w_Patient_r_k0``)
and bound by whoever compiles it. Two compile it: ``StructureChecker`` on first use, and the compiled build
(``hatch_build.py`` runs ``write_ahead_module``), which compiles the walks of every type the profiled resources
reach ahead of time as ``dastandard.validation._walks_ahead``. A walk written ahead of time is used only when the
digest of the source generated now is the one it was made from; any other type is compiled on first use.
"""

from __future__ import annotations

import binascii
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dastandard.fhir.baseplan import MARK_EXTENSION, MARK_NARRATIVE, MARK_REFERENCE, BasePlan, ElementDef

INT32 = (-(2**31), 2**31 - 1)
# A string longer than this many characters may be over 1 MB once encoded as UTF-8 (at most 4 bytes a character).
LONG_TEXT = 2**18
# Types with at most this many JSON names find a key's check by comparing names; larger ones through an index.
_CHAIN = 8
# Types whose values repeat (codes, code systems, profiles): the values that matched their pattern are remembered,
# as a set lookup costs less than the match. At most ``_GOOD_LIMIT`` values each, so memory stays bounded.
_REPEATED = frozenset({"code", "uri", "url", "canonical"})
_GOOD: dict[str, set[str]] = {}
_GOOD_LIMIT = 4096


@dataclass(frozen=True)
class WalkSource:
    """The walk of one type: ``text`` defines ``walk(obj, path, out, facts)`` using ``constants`` (name -> value),
    the helpers of ``HELPERS`` and the walks of ``calls`` (type names, each bound under ``walker_name(type, False)``).
    """

    name: str
    text: str
    constants: dict[str, Any]
    calls: tuple[str, ...]

    @property
    def digest(self) -> str:
        """What a walk compiled ahead of time from this source is checked against."""
        return source_digest(self.text)


# The functions a walk calls besides other walks (bound by the structure layer under these names).
HELPERS = ("_local_reference", "_attachment", "_contained_ids", "_key", "_item", "_coded_binding", "_good")


def source_digest(text: str) -> str:
    """The length and CRC-32 of ``text``: enough to tell a walk written from other source (binascii is loaded
    anyway; hashlib would cost a one-file run its start-up)."""
    data = text.encode("utf-8")
    return f"{len(data)}-{binascii.crc32(data):08x}"


def walker_name(type_name: str, is_resource: bool) -> str:
    """The name a type's walk is bound under (``w_Bundle__entry``, ``w_Patient_r`` for a resource)."""
    return "w_" + type_name.replace(".", "__") + ("_r" if is_resource else "")


def good(fullmatch: Callable[[str], Any], known: set[str], value: str) -> bool:
    """Whether ``value`` matches (and remember it when it does)."""
    if fullmatch(value) is None:
        return False
    if len(known) < _GOOD_LIMIT and len(value) <= 256:
        known.add(value)
    return True


def profiled_types(plan: BasePlan) -> list[tuple[str, bool]]:
    """``reachable_types`` of every resource type the standard's profiles constrain: the walks ``_walks_ahead.py``
    holds."""
    from dastandard.standard import standard

    resources = {
        str(artifact.resource["type"])
        for artifact in standard().of_type("StructureDefinition")
        if artifact.resource.get("kind") == "resource" and artifact.resource.get("derivation") == "constraint"
    }
    return reachable_types(plan, sorted(resources))


def reachable_types(plan: BasePlan, resources: Iterable[str]) -> list[tuple[str, bool]]:
    """``(type, is_resource)`` of each resource in ``resources`` and of every type their elements reach (not
    through a contained or entry resource), in a stable order."""
    found: set[str] = set()
    stack = [name for name in resources if name in plan.types]
    while stack:
        type_name = stack.pop()
        if type_name in found:
            continue
        found.add(type_name)
        elements = plan.types.get(type_name) or {}
        stack.extend(edef.type for edef in elements.values() if not edef.primitive and not edef.resource)
    return sorted((name, name in plan.resources) for name in found if plan.types.get(name) is not None)


class _Writer:
    """Writes the source of one walk; ``const`` names a value the source uses."""

    def __init__(self, plan: BasePlan, name: str) -> None:
        self.plan = plan
        self.name = name
        self.constants: dict[str, Any] = {}
        self._by_id: dict[int, str] = {}
        self.calls: set[str] = set()

    def const(self, value: Any) -> str:
        found = self._by_id.get(id(value))
        if found is None:
            found = self._by_id[id(value)] = f"{self.name}_k{len(self.constants)}"
            self.constants[found] = value
        return found

    def walk_of(self, type_name: str) -> str:
        self.calls.add(type_name)
        return walker_name(type_name, False)


def walk_source(plan: BasePlan, type_name: str, is_resource: bool) -> WalkSource:
    """The source of the walk of ``type_name`` (which the plan must describe)."""
    elements = plan.types[type_name]
    writer = _Writer(plan, walker_name(type_name, is_resource))
    const = writer.const
    elements_name = const(elements)
    src = ["def walk(obj, path, out, facts):"]
    add = src.append
    if type_name in plan.constraints:
        if type_name == "Reference":
            add("    if _local_reference(obj):")
            add(f"        facts.invariants.append((obj, tuple(path), {type_name!r}))")
        else:
            add(f"    facts.invariants.append((obj, tuple(path), {type_name!r}))")
        if type_name == "Attachment":
            add('    if "data" in obj:')
            add("        _attachment(obj, path, out, facts.label)")
    if is_resource:
        add('    if "contained" in obj:')
        add('        _contained_ids(obj.get("contained"), path, out, facts.label)')
    if is_resource and type_name != "Parameters":  # Parameters may be empty
        add("    if not obj or len(obj) == 1:")
    else:
        add("    if not obj:")
    add('        out.append(("DA1006", tuple(path), "an object must have some content", facts.label))')
    add("        if not obj:")
    add("            return")
    stems = sorted({edef.choice for edef in elements.values() if edef.choice is not None})
    for index, _stem in enumerate(stems):
        add(f"    c{index} = None")
    add("    for key, value in obj.items():")
    leaves: list[tuple[str, list[str]]] = []
    for key, edef in elements.items():
        body: list[str] = []
        if edef.choice is not None:
            var = f"c{stems.index(edef.choice)}"
            body += [
                f"if {var} is not None:",
                "    path.append(key)",
                f'    out.append(("DA1008", tuple(path), f"only one {edef.choice}[x] is allowed; {{{var}}} '
                f'is also present", facts.label))',
                "    path.pop()",
                f"{var} = key",
            ]
        body += _fast(writer, edef)
        leaves.append((key, body))
    if is_resource:
        leaves.append(("resourceType", ["continue"]))
    indent = "        "
    if len(leaves) <= _CHAIN:
        for number, (key, body) in enumerate(leaves):
            add(f"{indent}{'if' if number == 0 else 'elif'} key == {key!r}:")
            src.extend(f"{indent}    {line}" for line in body or ["pass"])
    else:
        numbers = {key: number for number, (key, _) in enumerate(leaves)}
        add(f"{indent}k = {const(numbers.get)}(key, -1)")  # the bound method: no method look-up per key
        add(f"{indent}if k >= 0:")
        _tree(src, indent + "    ", leaves, 0, len(leaves))
    add(f"{indent}_key(obj, key, value, {elements_name}.get(key), {type_name!r}, {is_resource}, path, out, facts)")
    for name in plan.required.get(type_name, ()):
        add(f"    if {name!r} not in obj and {'_' + name!r} not in obj:")
        add(f"        path.append({name!r})")
        message = f"{type_name}.{name} is required (min 1)"
        add(f'        out.append(("DA1004", tuple(path), {message!r}, facts.label))')
        add("        path.pop()")
    return WalkSource(writer.name, "\n".join(src) + "\n", writer.constants, tuple(sorted(writer.calls)))


def _fast(writer: _Writer, edef: ElementDef) -> list[str]:
    """The inlined common case of one element (lines ending in ``continue``); [] when there is none."""
    const = writer.const
    if edef.resource:
        return []
    if edef.primitive:
        if edef.many:
            if not edef.text or edef.mark:
                return []
            return [
                "if type(value) is list and value:",
                "    for item in value:",
                f"        if not ({_text_test('item', edef, const)}):",
                "            break",
                "    else:",
                "        continue",
            ]
        if edef.text:
            lines = [f"if {_text_test('value', edef, const)}:"]
            if edef.mark == MARK_REFERENCE:
                lines.append("    facts.references.append((value, (*path, key)))")
            elif edef.mark == MARK_NARRATIVE:
                lines.append("    facts.extras.append((value, (*path, key)))")
            return [*lines, "    continue"]
        kind = writer.plan.primitives[edef.type].json
        if kind == "boolean":
            test = "type(value) is bool"
        elif kind == "integer":
            low = {"positiveInt": 1, "unsignedInt": 0}.get(edef.type, INT32[0])
            test = f"type(value) is int and {low} <= value <= {INT32[1]}"
        elif kind == "number":
            test = "type(value) is int or type(value) is float"
        else:
            return []
        return [f"if {test}:", "    continue"]
    walk = writer.walk_of(edef.type)
    binding = [f"    _coded_binding(value, {const(edef)}, path, out, facts.label)"] if edef.binding is not None else []
    if not edef.many:
        return [
            "if type(value) is dict:",
            "    path.append(key)",
            f"    {walk}(value, path, out, facts)",
            *binding,
            "    path.pop()",
            "    continue",
        ]
    extras = ["            facts.extras.append((item, tuple(path)))"] if edef.mark == MARK_EXTENSION else []
    item_binding = [f"    {line}" for line in binding]
    return [
        "if type(value) is list and value:",
        "    path.append(key)",
        "    i = 0",
        "    for item in value:",
        "        path.append(i)",
        "        if type(item) is dict:",
        *extras,
        f"            {walk}(item, path, out, facts)",
        *[line.replace("value,", "item,", 1) for line in item_binding],
        "        else:",
        f"            _item(item, {const(edef)}, False, path, out, facts)",
        "        path.pop()",
        "        i += 1",
        "    path.pop()",
        "    continue",
    ]


def _text_test(var: str, edef: ElementDef, const: Callable[[Any], str]) -> str:
    """Source of the test that a JSON-string primitive's value needs nothing more than to be recorded."""
    test = f"type({var}) is str and {var}"
    if edef.pattern is not None and (edef.absolute or edef.type in _REPEATED):
        known = _GOOD.setdefault(edef.pattern.pattern, set())
        test += f" and ({var} in {const(known)} or _good({const(edef.pattern.fullmatch)}, {const(known)}, {var}))"
    elif edef.pattern is not None:
        test += f" and {const(edef.pattern.fullmatch)}({var})"
    if edef.codes is not None:
        test += f" and {var} in {const(edef.codes)}"
    if edef.scan:
        test += f' and "<" not in {var} and len({var}) <= {LONG_TEXT}'
    return test


def _tree(src: list[str], indent: str, leaves: list[tuple[str, list[str]]], low: int, high: int) -> None:
    """Source that runs the leaf numbered ``k`` (``low <= k < high``), by halving the range."""
    if high - low <= 3:
        for number in range(low, high):
            src.append(f"{indent}{'if' if number == low else 'elif'} k == {number}:")
            src.extend(f"{indent}    {line}" for line in leaves[number][1] or ["pass"])
        return
    middle = (low + high) // 2
    src.append(f"{indent}if k < {middle}:")
    _tree(src, indent + "    ", leaves, low, middle)
    src.append(f"{indent}else:")
    _tree(src, indent + "    ", leaves, middle, high)


def write_ahead_module(path: Path) -> None:
    """Write ``ahead_module`` of the shipped base plan and ``profiled_types`` to ``path`` (the compiled build's
    ``_walks_ahead.py``). Raises OSError or ValueError when the plan or the profiles cannot be read."""
    from dastandard.fhir.baseplan import base_plan

    plan = base_plan()
    path.write_text(ahead_module(plan, profiled_types(plan)), encoding="utf-8")


def ahead_module(plan: BasePlan, types: Iterable[tuple[str, bool]]) -> str:
    """The text of a module holding the walk of each of ``types`` as a function ``ahead_<name>``, and ``WALKS``
    (name -> (function, digest of its source)); ``StructureChecker`` binds the names the walks use in its
    namespace."""
    parts = [
        '"""Structure walks written ahead of time by dastandard/validation/walk_source.py, for the compiled build.',
        "",
        "The structure layer binds the constants, helpers and walks they call in this module's namespace, and uses a",
        "walk only when the digest of the source it generates now equals the one recorded here.",
        '"""',
        "",
    ]
    table: list[str] = []
    names: set[str] = set(HELPERS)
    walks: list[str] = []
    for type_name, is_resource in types:
        source = walk_source(plan, type_name, is_resource)
        names.update(source.constants)
        names.update(walker_name(called, False) for called in source.calls)
        walks += ["", "", f"def ahead_{source.name}" + source.text.removeprefix("def walk")]
        table.append(f"    {source.name!r}: (ahead_{source.name}, {source.digest!r}),")
    # Declared here so that a compiler knows them as this module's names; the structure layer binds them.
    parts += ["", *(f"{name} = None" for name in sorted(names)), *walks]
    parts += ["", "", "WALKS = {", *table, "}", ""]
    return "\n".join(parts)
