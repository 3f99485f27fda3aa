"""Structure layer: a parsed resource against the base FHIR R4 plan (rules DA1xxx).

The walker visits plain parsed dicts once, looking each key up in the precompiled plan; it allocates nothing per
node except when it reports. Issues are ``(rule_id, path segments, message, resource label)`` tuples; the engine
turns them into findings (severity, settings, line/column) only when they are reported.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Callable, Mapping
from functools import cache
from types import ModuleType
from typing import Any

from dastandard.fhir.baseplan import (
    MARK_EXTENSION,
    MARK_NARRATIVE,
    MARK_REFERENCE,
    BasePlan,
    CoreConstraint,
    ElementDef,
    base_plan,
)
from dastandard.fhir.invariants import ENVIRONMENT, compile_invariant
from dastandard.validation.walk_source import HELPERS, INT32, LONG_TEXT, good, walk_source, walker_name

Issue = tuple[str, tuple[Any, ...], str, str]
Located = tuple[Any, tuple[Any, ...]]  # a value and its path segments


# Rules of the base invariants: failed (severity error), failed (severity warning), best practice, and not
# evaluated (the rule profile invariants share: a FHIRPath invariant could not be compiled or evaluated).
INVARIANT_ERROR, INVARIANT_WARNING, INVARIANT_BEST_PRACTICE, INVARIANT_NOT_EVALUATED = (
    "DA1010",
    "DA1011",
    "DA1012",
    "DA2016",
)
# Invariants that only say something about contained resources: run only where ``contained`` is present.
_CONTAINED_ONLY = "contained."
# The walk of one type: (object, path, issues, facts).
Walker = Callable[[dict[str, Any], list[Any], list[Issue], "ResourceFacts"], None]
# A type's walk is generated once this many of its objects have been met (generating costs about a millisecond a
# type, more than a small file's walk through the general code saves), at once when it was written ahead of time.
_GENERATE_AFTER = 64

# A compiled core invariant: key, rule id, human text, evaluator (or a message when it cannot be compiled), and the
# element that must be present for it to be run (None: always run).
_Compiled = tuple[str, str, str, Any, str | None]


class TypeInvariants:
    """The compiled core invariants of one type: on the type itself and on its elements by JSON name."""

    __slots__ = ("elements", "own")

    def __init__(self, own: tuple[_Compiled, ...], elements: tuple[tuple[str, tuple[_Compiled, ...]], ...]) -> None:
        self.own = own
        self.elements = elements


def resource_label(resource: Any) -> str:
    """``Type/id`` for a resource dict (``Type`` alone without an id; "" for non-resources)."""
    if not isinstance(resource, dict):
        return ""
    rtype = resource.get("resourceType")
    if not isinstance(rtype, str):
        return ""
    rid = resource.get("id")
    return f"{rtype}/{rid}" if isinstance(rid, str) else rtype


# (resource type, path of an extension's holder below the resource) -> ``ResourceFacts.context``; bounded.
_CONTEXTS: dict[tuple[Any, tuple[Any, ...]], str] = {}
_CONTEXTS_LIMIT = 50_000


class ResourceFacts:
    """What the structure walk saw inside one resource (nested resources have their own), for the profile layer.

    ``extras`` holds the extensions (dicts) and narrative divs (strings) in document order, sub-extensions left out;
    ``references`` the ``Reference.reference`` strings. Both only as far as the walk could follow the base types.
    """

    __slots__ = ("extras", "invariants", "label", "path", "references", "registry", "resource", "root")

    def __init__(
        self,
        resource: Any,
        label: str,
        path: tuple[Any, ...],
        registry: dict[int, ResourceFacts],
        root: Any = None,
    ) -> None:
        self.resource = resource
        self.root = resource if root is None else root  # FHIRPath %rootResource: the container of a contained one
        self.label = label
        self.path = path
        self.extras: list[Located] = []
        self.references: list[tuple[str, tuple[Any, ...]]] = []
        # objects of a type with core invariants: (object, path, type name)
        self.invariants: list[tuple[Any, tuple[Any, ...], str]] = []
        # Only while the walk runs (``StructureChecker.check`` drops it, so that no reference cycle keeps the
        # record alive): where the facts of nested resources go.
        self.registry: dict[int, ResourceFacts] | None = registry
        registry[id(resource)] = self

    def context(self, path: tuple[Any, ...]) -> str:
        """The element an extension at ``path`` sits on, as ``Type.element.element`` (indexes and ``_`` dropped;
        a run of extension steps counts as one ``extension``)."""
        key = (self.resource.get("resourceType"), path[len(self.path) : -2])
        try:
            return _CONTEXTS[key]
        except KeyError:
            pass
        except TypeError:  # a resourceType that is not a string (reported by the structure layer)
            return self._context(path)
        if len(_CONTEXTS) >= _CONTEXTS_LIMIT:
            _CONTEXTS.clear()
        found = _CONTEXTS[key] = self._context(path)
        return found

    def _context(self, path: tuple[Any, ...]) -> str:
        steps = [str(self.resource.get("resourceType"))]
        previous = ""
        for segment in path[len(self.path) : -2]:
            if type(segment) is int:
                continue
            step = segment[1:] if segment[:1] == "_" else segment
            if step in ("extension", "modifierExtension"):
                step = "extension"
                if previous == "extension":
                    continue
            steps.append(step)
            previous = step
        return ".".join(steps)


class StructureChecker:
    """Checks resources against the base plan; one instance per process (see ``structure_checker``)."""

    def __init__(self, plan: BasePlan, ahead: ModuleType | None = None) -> None:
        """``ahead``: a module of walks written ahead of time (``walk_source.ahead_module``; the compiled build's
        ``_walks_ahead``); this checker binds its walks' names in that module's namespace, so one module serves one
        checker."""
        self.plan = plan
        self.types = plan.types
        self.required = plan.required
        # The walk of each type met so far, made on first use, and the namespace the walks share.
        self._walkers: dict[tuple[str, bool], Walker] = {}
        self._uses: dict[tuple[str, bool], int] = {}  # objects of each type walked before it is generated
        self._namespace: dict[str, Any] = vars(ahead) if ahead is not None else {}
        self._ahead: dict[str, tuple[Walker, str]] = getattr(ahead, "WALKS", {})
        helpers = (_local_reference, _attachment, _contained_ids, self._key, self._item, self._coded_binding, good)
        self._namespace.update(zip(HELPERS, helpers, strict=True))
        self.resources = plan.resources
        self.valuesets = plan.valuesets
        self.primitives = plan.primitives
        self.element_type = plan.types["Element"]
        self.constrained = plan.constraints
        self._compiled: dict[str, TypeInvariants] = {}
        self._typed_words: dict[str, re.Pattern[str]] = {}

    def check(
        self,
        resource: Any,
        root: tuple[Any, ...],
        out: list[Issue],
        facts: dict[int, ResourceFacts] | None = None,
        invariants: bool = True,
        best_practice: bool = False,
    ) -> None:
        """Check one resource; ``root`` is the path of the resource itself (``("Bundle",)`` at top level).

        ``facts``, when given, receives a ``ResourceFacts`` per resource walked (keyed by ``id`` of its dict).
        ``invariants`` runs the core FHIRPath invariants (``best_practice`` also those marked best practice).
        """
        registry: dict[int, ResourceFacts] = {} if facts is None else facts
        self._resource(resource, list(root), out, registry)
        for found in registry.values():
            found.registry = None
            if invariants and found.invariants:
                self._invariants(found, out, best_practice)

    # core invariants --------------------------------------------------------------------------------------

    def compiled(self, type_name: str) -> TypeInvariants:
        """The compiled invariants of a type (compiled on first use, once per process)."""
        found = self._compiled.get(type_name)
        if found is None:
            by_element = self.constrained.get(type_name, {})
            base = "" if type_name in self.resources else type_name
            own = tuple(self._compile(c, type_name, base) for c in by_element.get("", ()))
            defs = self.types.get(type_name, {})
            elements = tuple(
                (name, tuple(self._compile(c, f"{type_name}.{name}", _element_type(defs, name)) for c in entries))
                for name, entries in by_element.items()
                if name
            )
            found = self._compiled[type_name] = TypeInvariants(own, elements)
        return found

    def _compile(self, constraint: CoreConstraint, element_path: str, base_type: str) -> _Compiled:
        key, severity, human, expression, best = constraint
        rule = INVARIANT_WARNING if severity == "warning" else INVARIANT_ERROR
        if best:
            rule = INVARIANT_BEST_PRACTICE
        guard = "contained" if expression.startswith(_CONTAINED_ONLY) else None
        # On values that are not resources the closure compiler does not know the type: choices and type tests
        # are left to fhirpathpy, which is told the type.
        fast = not base_type or not self._typed(base_type).search(expression)
        return (key, rule, human, compile_invariant(expression, element_path, base_type, fast), guard)

    def _typed(self, base_type: str) -> re.Pattern[str]:
        """What makes an expression on ``base_type`` values need the type: ``is``, ``as``, ``ofType``, or a choice
        element of the type, of the backbone elements below it, or of any data type."""
        found = self._typed_words.get(base_type)
        if found is None:
            stems = {
                stem.removesuffix("[x]")
                for type_name, by_stem in self.plan.choices.items()
                if type_name == base_type
                or type_name.startswith(base_type + ".")
                or ("." not in type_name and type_name not in self.resources)
                for stem in by_stem
            }
            words = "|".join(["is", "as", "ofType", *sorted(stems)])
            found = self._typed_words[base_type] = re.compile(rf"\b({words})\b")
        return found

    def _invariants(self, facts: ResourceFacts, out: list[Issue], best_practice: bool) -> None:
        env = {**ENVIRONMENT, "resource": facts.resource, "rootResource": facts.root}
        label = facts.label
        for obj, where, type_name in facts.invariants:
            compiled = self._compiled.get(type_name) or self.compiled(type_name)
            for item in compiled.own:
                if item[4] is None or item[4] in obj:
                    _run(item, obj, where, env, out, label, best_practice)
            for name, items in compiled.elements:
                value = obj.get(name)
                if value is None:
                    continue
                if type(value) is list:
                    for index, each in enumerate(value):
                        if each is not None:
                            for item in items:
                                _run(item, each, (*where, name, index), env, out, label, best_practice)
                else:
                    for item in items:
                        _run(item, value, (*where, name), env, out, label, best_practice)

    # the walk ---------------------------------------------------------------------------------------------

    def _resource(
        self, res: Any, path: list[Any], out: list[Issue], registry: dict[int, ResourceFacts], container: Any = None
    ) -> None:
        label = resource_label(res)
        if type(res) is not dict:
            out.append(("DA1005", tuple(path), f"a resource must be a JSON object, found {_kind(res)}", label))
            return
        rtype = res.get("resourceType")
        if rtype is None:
            out.append(("DA1001", tuple(path), "resourceType is missing", label))
            return
        if not isinstance(rtype, str) or rtype not in self.resources:
            out.append(("DA1001", tuple(path), f"unknown resourceType {rtype!r} (not a FHIR R4 resource)", label))
            return
        self._object(res, rtype, path, out, ResourceFacts(res, label, tuple(path), registry, container), True)

    def _object(
        self,
        obj: dict[str, Any],
        type_name: str,
        path: list[Any],
        out: list[Issue],
        facts: ResourceFacts,
        is_resource: bool = False,
    ) -> None:
        walker = self._walkers.get((type_name, is_resource))
        if walker is None:
            key = (type_name, is_resource)
            uses = self._uses[key] = self._uses.get(key, 0) + 1
            if uses < _GENERATE_AFTER and walker_name(type_name, is_resource) not in self._ahead:
                self._general(obj, type_name, is_resource, path, out, facts)
                return
            walker = self._walker(type_name, is_resource)
        walker(obj, path, out, facts)

    def _general(
        self,
        obj: dict[str, Any],
        type_name: str,
        is_resource: bool,
        path: list[Any],
        out: list[Issue],
        facts: ResourceFacts,
    ) -> None:
        """The walk of one object of a type not generated yet: what the generated walk does, key by key."""
        elements = self.types.get(type_name)
        if elements is None:
            return
        label = facts.label
        if type_name in self.constrained and (type_name != "Reference" or _local_reference(obj)):
            facts.invariants.append((obj, tuple(path), type_name))
            if type_name == "Attachment" and "data" in obj:
                _attachment(obj, path, out, label)
        if is_resource and "contained" in obj:
            _contained_ids(obj.get("contained"), path, out, label)
        if not obj or (is_resource and len(obj) == 1 and type_name != "Parameters"):  # Parameters may be empty
            out.append(("DA1006", tuple(path), "an object must have some content", label))
            if not obj:
                return
        seen_choice: dict[str, str] = {}
        for key, value in obj.items():
            edef = elements.get(key)
            if edef is not None and edef.choice is not None:
                other = seen_choice.get(edef.choice)
                if other is not None:
                    path.append(key)
                    message = f"only one {edef.choice}[x] is allowed; {other} is also present"
                    out.append(("DA1008", tuple(path), message, label))
                    path.pop()
                seen_choice[edef.choice] = key
            self._key(obj, key, value, edef, type_name, is_resource, path, out, facts)
        for name in self.required.get(type_name, ()):
            if name not in obj and ("_" + name) not in obj:
                path.append(name)
                out.append(("DA1004", tuple(path), f"{type_name}.{name} is required (min 1)", label))
                path.pop()

    def _walker(self, type_name: str, is_resource: bool) -> Walker:
        """The generated walk of one type (made on first use; see ``_generate``)."""
        found = self._walkers.get((type_name, is_resource))
        if found is None:
            elements = self.types.get(type_name)
            found = _nothing if elements is None else self._generate(type_name, is_resource)
            self._walkers[(type_name, is_resource)] = found
            self._namespace[walker_name(type_name, is_resource)] = found
        return found

    def _generate(self, type_name: str, is_resource: bool) -> Walker:
        """The walk of one type (see ``walk_source``): the one written ahead of time when it was made from the same
        source, else the source compiled now (about a millisecond)."""
        source = walk_source(self.plan, type_name, is_resource)
        ns = self._namespace
        ns.update(source.constants)
        for called in source.calls:
            name = walker_name(called, False)
            if ns.get(name) is None:  # a module written ahead of time declares it as None
                ns[name] = self._stub(called)
        ahead = self._ahead.get(source.name)
        if ahead is not None and ahead[1] == source.digest:
            return ahead[0]
        local: dict[str, Any] = {}
        exec(compile(source.text, f"<structure walk of {type_name}>", "exec"), ns, local)
        walker: Walker = local["walk"]
        return walker

    def _stub(self, type_name: str) -> Walker:
        """Stands for a type's walk until it is generated (types refer to each other)."""

        def stub(obj: dict[str, Any], path: list[Any], out: list[Issue], facts: ResourceFacts) -> None:
            self._object(obj, type_name, path, out, facts)

        return stub

    def _key(
        self,
        obj: dict[str, Any],
        key: str,
        value: Any,
        edef: ElementDef | None,
        type_name: str,
        is_resource: bool,
        path: list[Any],
        out: list[Issue],
        facts: ResourceFacts,
    ) -> None:
        """The general check of one key of an object (its choice group already checked)."""
        label = facts.label
        if edef is None:
            if key == "resourceType" and is_resource:
                return
            if key[:1] == "_":
                base = self.types[type_name].get(key[1:])
                if base is not None and base.primitive:
                    self._primitive_extension(obj, key, base, value, path, out, facts)
                    return
            path.append(key)
            out.append(("DA1002", tuple(path), f"unknown element {key!r} in {type_name}", label))
            path.pop()
            return
        if edef.text and type(value) is str and value and not edef.many:  # the commonest case, in place
            pattern, codes = edef.pattern, edef.codes
            if (pattern is None or pattern.fullmatch(value)) and (codes is None or value in codes):
                if edef.scan and ("<" in value or len(value) > LONG_TEXT):
                    path.append(key)
                    _scan_text(value, path, out, label)
                    path.pop()
                elif edef.mark == MARK_REFERENCE:
                    facts.references.append((value, (*path, key)))
                elif edef.mark == MARK_NARRATIVE:
                    facts.extras.append((value, (*path, key)))
                return
        path.append(key)
        if value is None:
            if not (edef.primitive and ("_" + key) in obj):
                out.append(("DA1006", tuple(path), "null is not allowed in FHIR JSON", label))
        elif edef.many:
            if type(value) is not list:
                out.append(("DA1003", tuple(path), f"{key} repeats: it must be a JSON array", label))
                self._value(value, edef, path, out, facts)
            elif not value:
                out.append(("DA1006", tuple(path), "an array must not be empty", label))
            else:
                has_ext = edef.primitive and ("_" + key) in obj
                for index, item in enumerate(value):
                    path.append(index)
                    self._item(item, edef, has_ext, path, out, facts)
                    path.pop()
        elif type(value) is list:
            out.append(("DA1003", tuple(path), f"{key} does not repeat: it must not be an array", label))
        elif edef.primitive:
            self._primitive(value, edef, path, out, label)
            if edef.mark and type(value) is str:
                if edef.mark == MARK_REFERENCE:
                    facts.references.append((value, tuple(path)))
                elif edef.mark == MARK_NARRATIVE:
                    facts.extras.append((value, tuple(path)))
        elif type(value) is dict and not edef.resource:
            self._object(value, edef.type, path, out, facts)
            if edef.binding is not None:
                self._coded_binding(value, edef, path, out, label)
        else:
            self._value(value, edef, path, out, facts)
        path.pop()

    def _item(
        self, item: Any, edef: ElementDef, has_ext: bool, path: list[Any], out: list[Issue], facts: ResourceFacts
    ) -> None:
        """One item of a repeating element (``path`` ends with its index)."""
        if item is None:
            if not has_ext:
                out.append(("DA1006", tuple(path), "null is not allowed in FHIR JSON", facts.label))
        elif edef.primitive:
            if not (
                edef.text
                and type(item) is str
                and item
                and (edef.pattern is None or edef.pattern.fullmatch(item))
                and (edef.codes is None or item in edef.codes)
                and not (edef.scan and ("<" in item or len(item) > LONG_TEXT))
            ):
                self._primitive(item, edef, path, out, facts.label)
        elif type(item) is dict and not edef.resource:
            if edef.mark == MARK_EXTENSION:
                facts.extras.append((item, tuple(path)))
            self._object(item, edef.type, path, out, facts)
            if edef.binding is not None:
                self._coded_binding(item, edef, path, out, facts.label)
        else:
            self._value(item, edef, path, out, facts)

    def _value(self, value: Any, edef: ElementDef, path: list[Any], out: list[Issue], facts: ResourceFacts) -> None:
        if edef.primitive:
            self._primitive(value, edef, path, out, facts.label)
        elif edef.resource:
            container = facts.root if edef.name == "contained" else None
            self._resource(value, path, out, facts.registry or {}, container)
        elif type(value) is dict:
            self._object(value, edef.type, path, out, facts)
            if edef.binding is not None:
                self._coded_binding(value, edef, path, out, facts.label)
        else:
            out.append(("DA1005", tuple(path), f"{edef.type} must be a JSON object, found {_kind(value)}", facts.label))

    def _primitive(self, value: Any, edef: ElementDef, path: list[Any], out: list[Issue], label: str) -> None:
        prim = self.primitives[edef.type]
        kind = prim.json
        vtype = type(value)
        if kind == "string":
            if vtype is not str:
                out.append(("DA1005", tuple(path), f"{edef.type} must be a JSON string, found {_kind(value)}", label))
                return
            if prim.pattern is not None and not prim.pattern.fullmatch(value):
                out.append(("DA1005", tuple(path), f"{value[:60]!r} is not a valid {edef.type}", label))
                return
            if edef.absolute and value and not edef.pattern.fullmatch(value):  # type: ignore[union-attr]
                message = f"system {value[:60]!r} is not an absolute URI (an OID is written urn:oid:...)"
                out.append(("DA1016", tuple(path), message, label))
                return
            if edef.scan and ("<" in value or len(value) > LONG_TEXT):
                _scan_text(value, path, out, label)
            if edef.binding is not None and value not in self.valuesets[edef.binding]:
                out.append(
                    ("DA1007", tuple(path), f"code {value!r} is not in the required value set {edef.binding}", label)
                )
        elif kind == "boolean":
            if vtype is not bool:
                out.append(("DA1005", tuple(path), f"boolean must be JSON true or false, found {_kind(value)}", label))
        elif kind == "integer":
            if vtype is not int:
                out.append(("DA1005", tuple(path), f"{edef.type} must be a JSON integer, found {_kind(value)}", label))
            elif (
                value < INT32[0]
                or value > INT32[1]
                or (edef.type == "positiveInt" and value < 1)
                or (edef.type == "unsignedInt" and value < 0)
            ):
                out.append(("DA1005", tuple(path), f"{value} is out of range for {edef.type}", label))
        elif vtype is not int and vtype is not float:
            out.append(("DA1005", tuple(path), f"decimal must be a JSON number, found {_kind(value)}", label))

    def _primitive_extension(
        self,
        obj: dict[str, Any],
        key: str,
        base: ElementDef,
        value: Any,
        path: list[Any],
        out: list[Issue],
        facts: ResourceFacts,
    ) -> None:
        label = facts.label
        path.append(key)
        partner = obj.get(key[1:])
        if base.many:
            if type(value) is not list:
                out.append(("DA1003", tuple(path), f"{key} must be an array, like {key[1:]}", label))
            else:
                if type(partner) is list and len(partner) != len(value):
                    out.append(
                        ("DA1009", tuple(path), f"{key} must have as many items as {key[1:]} ({len(partner)})", label)
                    )
                for index, item in enumerate(value):
                    if item is None:
                        if type(partner) is list and index < len(partner) and partner[index] is None:
                            path.append(index)
                            out.append(("DA1006", tuple(path), "value and extension are both null", label))
                            path.pop()
                        continue
                    path.append(index)
                    self._element_ext(item, path, out, facts)
                    path.pop()
        else:
            self._element_ext(value, path, out, facts)
        path.pop()

    def _element_ext(self, value: Any, path: list[Any], out: list[Issue], facts: ResourceFacts) -> None:
        if type(value) is not dict:
            out.append(
                (
                    "DA1009",
                    tuple(path),
                    f"a primitive's extension part must be an object, found {_kind(value)}",
                    facts.label,
                )
            )
            return
        self._object(value, "Element", path, out, facts)

    def _coded_binding(
        self, value: dict[str, Any], edef: ElementDef, path: list[Any], out: list[Issue], label: str
    ) -> None:
        codes = self.valuesets[edef.binding] if edef.binding else frozenset()
        codings = value.get("coding") if edef.type == "CodeableConcept" else [value]
        if type(codings) is not list:
            return
        present = [c.get("code") for c in codings if type(c) is dict and isinstance(c.get("code"), str)]
        if present and not any(code in codes for code in present):
            out.append(("DA1007", tuple(path), f"no code in the required value set {edef.binding}", label))


_MAX_STRING_BYTES = 2**20
# An HTML start or end tag of an element a browser acts on or renders (the ones the narrative rules know, plus the
# active ones). ``a < b`` or ``<none>`` are not tags. Compiled when first needed (a string holding "<"): compiling
# it costs more than checking a small file.
_HTML_TAG_PATTERN = (
    r"<\s*/?\s*(a|abbr|applet|area|audio|b|base|big|blockquote|body|br|button|canvas|center|code|col|colgroup|dd|"
    r"del|details|div|dl|dt|em|embed|fieldset|font|form|frame|frameset|h[1-6]|head|hr|html|i|iframe|img|input|ins|"
    r"kbd|label|li|link|map|marquee|math|meta|noscript|object|ol|option|p|param|pre|q|s|samp|script|select|small|"
    r"source|span|strong|style|sub|summary|sup|svg|table|tbody|td|template|textarea|tfoot|th|thead|title|tr|tt|u|"
    r"ul|video)(\s|/|>)"
)


@cache
def _html_tag() -> re.Pattern[str]:
    return re.compile(_HTML_TAG_PATTERN, re.IGNORECASE)


def _scan_text(value: str, path: list[Any], out: list[Issue], label: str) -> None:
    """DA1014 (HTML-like tags) and DA1015 (over 1 MB) for a string or markdown value that holds "<" or is long."""
    if len(value) > LONG_TEXT and len(value.encode("utf-8", "surrogatepass")) > _MAX_STRING_BYTES:
        out.append(("DA1015", tuple(path), f"the value is larger than 1 MB ({len(value)} characters)", label))
    found = _html_tag().search(value) if "<" in value else None
    if found is not None:
        tag = found.group(0).rstrip("/> \t\r\n")
        out.append(("DA1014", tuple(path), f"the text holds an HTML-like tag {tag}...>: strings are not HTML", label))


def _contained_ids(contained: Any, path: list[Any], out: list[Issue], label: str) -> None:
    """DA1017: every contained resource has an id, unique within its container."""
    if type(contained) is not list:
        return
    seen: set[str] = set()
    for index, res in enumerate(contained):
        if type(res) is not dict:
            continue
        rid = res.get("id")
        where = (*path, "contained", index)
        if rid is None:
            out.append(("DA1017", where, "a contained resource must have an id (it is referenced as #id)", label))
        elif type(rid) is str:
            if rid in seen:
                out.append(("DA1017", (*where, "id"), f"contained id {rid!r} is used twice", label))
            seen.add(rid)


def _attachment(obj: dict[str, Any], path: list[Any], out: list[Issue], label: str) -> None:
    """DA1018: an Attachment's size and hash against its inline data (when the data is valid base64)."""
    data, size, digest = obj.get("data"), obj.get("size"), obj.get("hash")
    if type(data) is not str or (size is None and digest is None):
        return
    try:
        content = base64.b64decode("".join(data.split()), validate=True)
    except (binascii.Error, ValueError):
        return  # DA1005 reports data that is not base64
    if type(size) is int and size != len(content):
        out.append(("DA1018", (*path, "size"), f"size is {size} but the data holds {len(content)} bytes", label))
    if type(digest) is str:
        import hashlib  # OpenSSL is loaded for the first Attachment with a hash, not at every start

        expected = base64.b64encode(hashlib.sha1(content).digest()).decode("ascii")
        if "".join(digest.split()) != expected:
            out.append(("DA1018", (*path, "hash"), f"hash is not the SHA-1 of the data (expected {expected})", label))


def _nothing(obj: dict[str, Any], path: list[Any], out: list[Issue], facts: ResourceFacts) -> None:
    """The walk of a type the plan does not describe: nothing to check."""


def _local_reference(reference: dict[str, Any]) -> bool:
    """Whether Reference's only invariant (ref-1: a ``#id`` names a contained resource) has anything to check."""
    value = reference.get("reference")
    return type(value) is str and value[:1] == "#"


def _element_type(defs: Mapping[str, ElementDef], name: str) -> str:
    edef = defs.get(name)
    return edef.type if edef is not None else ""


def _run(
    item: _Compiled,
    value: Any,
    path: tuple[Any, ...],
    env: dict[str, Any],
    out: list[Issue],
    label: str,
    best_practice: bool,
) -> None:
    key, rule, human, evaluator, _guard = item
    if rule == INVARIANT_BEST_PRACTICE and not best_practice:
        return
    if type(evaluator) is str:
        out.append((INVARIANT_NOT_EVALUATED, path, f"core invariant {key} cannot be compiled: {evaluator}", label))
        return
    try:
        result = evaluator(value, env)
    except Exception as exc:
        message = f"core invariant {key} could not be evaluated: {type(exc).__name__}: {exc}"
        out.append((INVARIANT_NOT_EVALUATED, path, message, label))
        return
    if result == [False]:
        out.append((rule, path, f"constraint {key} failed: {human}", label))


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    return "an object"


_CHECKER: StructureChecker | None = None


def structure_checker() -> StructureChecker:
    """The process-wide checker (built on first use)."""
    global _CHECKER
    if _CHECKER is None:
        try:  # written and compiled by the compiled build only (hatch_build.py)
            from dastandard.validation import _walks_ahead  # type: ignore[attr-defined]
        except ImportError:
            _walks_ahead = None
        _CHECKER = StructureChecker(base_plan(), _walks_ahead)
    return _CHECKER
