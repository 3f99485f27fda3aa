"""Profile layer (rules DA2xxx): records against the standard's StructureDefinitions and terminology.

The StructureDefinitions, ValueSets and CodeSystems shipped in ``profiles/`` are compiled once per process into
a checking plan: per profile a tree of element constraints (cardinality, fixed/pattern values, bindings, allowed
types, reference target profiles, slices with value/pattern discriminators and FHIRPath invariants compiled once),
per extension the same tree plus its contexts, and per value set its local expansion. Nothing is fetched from a
network. Besides profiles, every record gets the Bundle rules (fullUrl, resolution, duplicates), extension checks
and narrative XHTML safety checks. An invariant that cannot be evaluated becomes a DA2016 finding.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import orjson

from dastandard.config import Settings
from dastandard.fhir.baseplan import BasePlan, base_plan
from dastandard.fhir.invariants import ENVIRONMENT, compile_invariant
from dastandard.model.fragments import as_list
from dastandard.validation import packages
from dastandard.validation.structure import Issue, ResourceFacts, resource_label, structure_checker

# Extensions whose definitions are published where receivers find them (the FHIR core and its terminology, UK
# Core, NHS England) or that are examples (example.org, example.com, example.net): when not shipped they are
# reported as not checked (DA2010); any other unknown extension is an error (DA2009), as in the HL7 validator.
_KNOWN_PUBLISHER = re.compile(
    r"^https?://(hl7\.org/fhir/|terminology\.hl7\.org/|fhir\.hl7\.org\.uk/|fhir\.nhs\.uk/|"
    r"([A-Za-z0-9-]+\.)*example\.(org|com|net)(/|$))"
)
_ABSOLUTE = re.compile(r"^(urn:uuid:[0-9a-fA-F-]{36}|urn:oid:[0-9.]+|[a-zA-Z][a-zA-Z0-9+.-]*://\S+)$")
# R4 Narrative.div: the allowed elements (narrative.html; the HL7 validator's XhtmlValidator list).
_XHTML_ALLOWED = frozenset(
    [
        "p",
        "br",
        "div",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "a",
        "span",
        "b",
        "em",
        "i",
        "strong",
        "small",
        "big",
        "tt",
        "small",
        "dfn",
        "q",
        "var",
        "abbr",
        "acronym",
        "cite",
        "blockquote",
        "hr",
        "address",
        "bdo",
        "kbd",
        "samp",
        "code",
        "pre",
        "ul",
        "ol",
        "li",
        "dl",
        "dt",
        "dd",
        "table",
        "caption",
        "colgroup",
        "col",
        "thead",
        "tbody",
        "tfoot",
        "tr",
        "th",
        "td",
        "sub",
        "sup",
        "img",
        "map",
        "area",
    ]
)
_XHTML_FORBIDDEN = frozenset(
    [
        "script",
        "iframe",
        "frame",
        "frameset",
        "object",
        "embed",
        "applet",
        "form",
        "input",
        "button",
        "select",
        "textarea",
        "style",
        "link",
        "meta",
        "base",
        "head",
        "body",
        "html",
        "svg",
        "math",
    ]
)


# A slice's discriminator test, resolved when the profile is compiled: (kind, path parts, what is compared).
_SliceTest = tuple[str, tuple[str, ...], Any]


@dataclass(slots=True)
class Node:
    """Constraints on one element of a profile (or extension), with its children and slices."""

    name: str
    min: int | None = None
    max: str | None = None
    fixed: Any = None
    pattern: Any = None
    binding: tuple[str, str] | None = None  # (strength, value set url)
    types: tuple[str, ...] = ()
    type_profiles: tuple[str, ...] = ()
    target_profiles: tuple[str, ...] = ()
    constraints: list[tuple[str, str, str, Any]] = field(default_factory=list)  # key, severity, human, compiled
    discriminators: tuple[tuple[str, str], ...] = ()
    rules: str = "open"
    slices: dict[str, Node] = field(default_factory=dict)
    children: dict[str, Node] = field(default_factory=dict)
    # Derived by ``seal`` once compilation is over, for the checking hot path.
    max_count: int | None = field(default=None, repr=False, compare=False)  # None: unbounded
    stem: str | None = field(default=None, repr=False, compare=False)  # ``value`` for ``value[x]``
    under: str = field(default="", repr=False, compare=False)  # ``_name``: the primitive's extension part
    quiet: bool = field(default=True, repr=False, compare=False)  # absent, it can produce no issue
    checks_values: bool = field(default=False, repr=False, compare=False)  # fixed/pattern/binding/targets/...
    allowed: frozenset[str] = field(default=frozenset(), repr=False, compare=False)  # ``valueString``, ...
    child_nodes: tuple[Node, ...] = field(default=(), repr=False, compare=False)
    slice_nodes: tuple[tuple[str, Node], ...] = field(default=(), repr=False, compare=False)
    slice_names: tuple[str, ...] = field(default=(), repr=False, compare=False)
    url_table: dict[str, str] | None = field(default=None, repr=False, compare=False)
    # Per slice, what a value must pass to match it (see ``_slice_tests``); None: no value can match it.
    pattern_match: Callable[[Any], bool] = field(default=bool, repr=False, compare=False)  # for ``pattern``
    slice_tests: tuple[tuple[str, Node, tuple[_SliceTest, ...] | None], ...] = field(
        default=(), repr=False, compare=False
    )
    # When every slice is told by one plain value at the same path (see ``_compile_slice_table``): that path, the
    # Coding elements compared (None: the values are strings themselves) and value -> index of the first slice.
    slice_table: tuple[tuple[str, ...], tuple[str, ...] | None, dict[Any, int]] | None = field(
        default=None, repr=False, compare=False
    )
    where: str = field(default="", repr=False, compare=False)  # its place in messages: ``Patient.identifier:nhs``
    # Nothing but cardinality to check (no value checks, no slices): counting its values is enough.
    simple: bool = field(default=False, repr=False, compare=False)
    min_count: int = field(default=0, repr=False, compare=False)
    # Its checks of an object value read nothing but the value (no reference targets, no invariants below it):
    # their issues for a given content are remembered and replayed (see ``_Context.remembered_values``).
    memo: bool = field(default=False, repr=False, compare=False)
    # How often its remembered values were found and not found; a node whose values seldom repeat (identifiers,
    # whole entries) stops being remembered, as serializing them costs more than it saves and holds memory.
    memo_hits: int = field(default=0, repr=False, compare=False)
    memo_misses: int = field(default=0, repr=False, compare=False)
    own: bool = field(default=False, repr=False, compare=False)  # fixed, pattern, binding, targets or invariants
    # One value is within its cardinality: a single value goes straight to the value checks and slicing.
    one_fits: bool = field(default=False, repr=False, compare=False)

    def seal(self, where: str) -> None:
        """Derive the hot-path fields of this node and all below it (after the last ``_apply``)."""
        self.where = where
        for name, node in self.children.items():
            node.seal(f"{where}.{name}")
        for name, node in self.slices.items():
            node.seal(f"{where}:{name}")
        self.max_count = None if self.max in (None, "*") else int(self.max or 0)
        self.stem = self.name[:-3] if self.name.endswith("[x]") else None
        self.under = "_" + self.name
        self.quiet = not (self.min is not None and self.min > 0) and all(s.quiet for s in self.slices.values())
        self.allowed = frozenset((self.stem or "") + t[:1].upper() + t[1:] for t in self.types)
        self.child_nodes = tuple(self.children.values())
        self.slice_nodes = tuple(self.slices.items())
        self.slice_names = tuple(self.slices)
        self.checks_values = bool(
            self.fixed is not None
            or self.pattern is not None
            or self.binding is not None
            or self.target_profiles
            or self.constraints
            or self.children
        )
        self.url_table = self._compile_url_slices()
        self.simple = not self.checks_values and not self.slice_nodes
        self.min_count = self.min or 0
        self.memo = bool(self.children) and _self_contained(self)
        self.own = bool(
            self.fixed is not None
            or self.pattern is not None
            or self.binding is not None
            or self.target_profiles
            or self.constraints
        )
        self.one_fits = self.min_count <= 1 and (self.max_count is None or self.max_count >= 1)
        if self.pattern is not None:
            self.pattern_match = _matcher(self.pattern)
        expected = [self._slice_expected(node) for node in self.slices.values()]
        pairs = zip(self.slices.items(), expected, strict=True)
        self.slice_tests = tuple((name, node, _with_matchers(found)) for (name, node), found in pairs)
        self.slice_table = None if self.url_table is not None else _compile_slice_table(expected)

    def _slice_expected(self, slice_node: Node) -> tuple[_SliceTest, ...] | None:
        """The discriminators of this node's slicing resolved against one slice, once: what each one compares.

        A test is (``url``, (), the slice's profiles), (``bind``, path parts, value set url) or (``match``, path
        parts, the fixed or pattern value); ``exists`` discriminators test nothing. None when the slice gives no
        value to compare a discriminator with (no value matches it). ``_with_matchers`` turns the values of the
        ``match`` tests into their matchers.
        """
        if not self.discriminators:
            return None
        tests: list[_SliceTest] = []
        for kind, dpath in self.discriminators:
            if dpath == "url" and slice_node.type_profiles and "url" not in slice_node.children:
                tests.append(("url", (), slice_node.type_profiles))
                continue
            target = slice_node
            parts = () if dpath == "$this" else tuple(dpath.split("."))
            expected: Any = None
            for depth, part in enumerate(parts):
                nxt = target.children.get(part)
                if nxt is None:  # the value may be given by a pattern on an ancestor (patternCoding on the slice)
                    outer = target.fixed if target.fixed is not None else target.pattern
                    found = _get_parts(outer, parts[depth:]) if outer is not None else []
                    if not found:
                        return None
                    expected = found[0]
                    break
                target = nxt
            else:
                expected = target.fixed if target.fixed is not None else target.pattern
            if kind == "exists":
                continue
            if expected is None:
                if target.binding is not None and kind in ("value", "pattern"):
                    tests.append(("bind", parts, target.binding[1]))
                    continue
                return None
            tests.append(("match", parts, expected))
        return tuple(tests)

    def _compile_url_slices(self) -> dict[str, str] | None:
        """For slicing on ``url`` alone where each slice is told by one exact url: url -> first matching slice.

        Slices of extensions (by the extension's profile) and sub-extensions (by a fixed or pattern ``url``
        string) qualify; None when any slice needs the general discriminator evaluation.
        """
        if len(self.discriminators) != 1 or self.discriminators[0][1] != "url":
            return None
        kind = self.discriminators[0][0]
        table: dict[str, str] = {}
        for name, slice_node in self.slices.items():
            url_child = slice_node.children.get("url")
            if slice_node.type_profiles and url_child is None:
                urls: tuple[Any, ...] = slice_node.type_profiles
            elif url_child is not None and kind in ("value", "pattern"):
                expected = url_child.fixed if url_child.fixed is not None else url_child.pattern
                if not isinstance(expected, str):
                    return None
                urls = (expected,)
            else:
                return None
            for url in urls:
                if not isinstance(url, str):
                    return None
                table.setdefault(url, name)
        return table


@dataclass
class Profile:
    url: str
    type: str
    root: Node
    contexts: tuple[str, ...] = ()
    # An extension whose checks read nothing but the extension itself (no reference targets, no invariants):
    # its issues for a given content can be remembered and replayed at another path.
    self_contained: bool = False


def _self_contained(node: Node) -> bool:
    return (
        not node.target_profiles
        and not node.constraints
        and all(_self_contained(n) for n in (*node.children.values(), *node.slices.values()))
    )


def _is_extension(sd: Mapping[str, Any]) -> bool:
    return "type" in sd and str(sd["type"]) == "Extension"


class _Compiled:
    """url -> compiled Profile, each compiled on its first ``get`` (None for an unknown or uncompilable url)."""

    __slots__ = ("_checker", "_done", "_sds")

    def __init__(self, checker: ProfileChecker, sds: dict[str, Mapping[str, Any]]) -> None:
        self._checker = checker
        self._sds = sds
        self._done: dict[str, Profile | None] = {}

    def get(self, url: str) -> Profile | None:
        try:
            return self._done[url]
        except KeyError:
            sd = self._sds.get(url)
            if sd is None:
                return None  # urls met in data are not remembered: there may be any number of them
            found = self._done[url] = self._checker.compiled(url, sd)
            return found

    def __contains__(self, url: object) -> bool:
        return isinstance(url, str) and self.get(url) is not None

    def __len__(self) -> int:
        return sum(1 for url in self._sds if self.get(url) is not None)


# Remembered extension results: (url, serialized extension) -> issues as (rule, path below the extension, message).
_Remembered = tuple[tuple[str, tuple[Any, ...], str], ...]
# Bounded by the bytes of the serialized extensions (the keys), not their number: an extension may be large, and
# unique values (dates, identifiers) never repeat, so a full table is cleared and refilled with what recurs.
_REMEMBER_BYTES = 4 * 1024 * 1024
_REMEMBER_LIMIT = 50_000  # remembered binding outcomes (small keys: binding, element, codes)
# Values remembered by ``_Context.remembered_values``: at most this many, each at most this long serialized (larger
# ones are checked every time), so that the memory they hold stays within about 20 MB.
_MEMO_LIMIT = 20_000
_MEMO_BYTES = 1024
_MEMO_TRIAL = 32  # values not found before a node whose values are found less often stops being remembered


class ProfileChecker:
    """Compiled profiles, extensions and value sets; ``check`` appends issues for one record."""

    def __init__(self, resources: Iterable[Mapping[str, Any]], canonical: str, external: Mapping[str, Any]) -> None:
        self.plan: BasePlan = base_plan()
        self.canonical = canonical.rstrip("/")
        self.external_sds = frozenset(external.get("structureDefinitions", ()))
        self.external_vs = frozenset(external.get("valueSets", ()))
        self.external_cs = frozenset(external.get("codeSystems", ())) | frozenset(external.get("identifierSystems", ()))
        self.codesystems: dict[str, tuple[str, frozenset[str]]] = {}
        valuesets: dict[str, Mapping[str, Any]] = {}
        sds: dict[str, Mapping[str, Any]] = {}
        for res in resources:
            rtype, url = res.get("resourceType"), res.get("url")
            if not isinstance(url, str):
                continue
            if rtype == "CodeSystem":
                self.codesystems[url] = (str(res.get("content", "complete")), frozenset(_concepts(res.get("concept"))))
            elif rtype == "ValueSet":
                valuesets[url] = res
            elif rtype == "StructureDefinition":
                sds[url] = res
        self.valuesets: dict[str, frozenset[tuple[str, str]] | None] = {}
        self._vs_systems: dict[str, frozenset[str]] = {}
        self._vs_codes: dict[str, frozenset[str]] = {}
        for url in valuesets:
            self.valuesets[url] = self._expand(url, valuesets, set())
        # Profiles and extensions are compiled on first use: a run meets a few of those shipped and selected.
        self._sds = sds
        self.profiles = _Compiled(self, {u: sd for u, sd in sds.items() if not _is_extension(sd)})
        self.extensions = _Compiled(self, {u: sd for u, sd in sds.items() if _is_extension(sd)})
        self.remembered: dict[tuple[str, bytes], _Remembered] = {}
        self.remembered_bytes = 0
        # (binding, element, codes) -> the binding's issues as (rule, message); see ``_Context.binding``.
        self.bindings: dict[tuple[Any, ...], tuple[tuple[str, str], ...]] = {}
        # (id of a node, serialized object value) -> its issues as (rule, path below the value, message)
        self.remembered_values: dict[tuple[int, bytes], _Remembered] = {}
        self.context_ok: dict[tuple[tuple[str, ...], str], bool] = {}
        self._errors: dict[str, str] = {}
        # Profiles every resource of a matching type is checked against, claimed or not (validate --profile).
        self.forced_profiles: tuple[str, ...] = ()

    @property
    def errors(self) -> list[str]:
        """Why StructureDefinitions could not be compiled (every one is compiled to know, in the order given)."""
        for url, sd in self._sds.items():
            (self.extensions if _is_extension(sd) else self.profiles).get(url)
        return [f"{url}: {self._errors[url]}" for url in self._sds if url in self._errors]

    def compiled(self, url: str, sd: Mapping[str, Any]) -> Profile | None:
        """Compile one StructureDefinition; None (and the reason kept in ``errors``) when it cannot be."""
        try:
            profile = self._compile(sd, self._sds)
        except (KeyError, TypeError, ValueError) as exc:
            self._errors[url] = str(exc)
            return None
        profile.root.seal(url.rsplit("/", 1)[-1] if profile.type == "Extension" else profile.type)
        profile.root.memo = False  # a whole resource is met once; a whole extension is remembered by ``extension``
        profile.self_contained = profile.type == "Extension" and _self_contained(profile.root)
        return profile

    def valueset_systems(self, url: str, expansion: frozenset[tuple[str, str]]) -> frozenset[str]:
        """The code systems in a value set's expansion (computed once per value set)."""
        systems = self._vs_systems.get(url)
        if systems is None:
            systems = self._vs_systems[url] = frozenset(s for s, _ in expansion)
        return systems

    def valueset_codes(self, url: str, expansion: frozenset[tuple[str, str]]) -> frozenset[str]:
        """The codes in a value set's expansion, whatever their system (computed once per value set)."""
        codes = self._vs_codes.get(url)
        if codes is None:
            codes = self._vs_codes[url] = frozenset(c for _, c in expansion)
        return codes

    # ------------------------------------------------------------ compilation

    def _expand(
        self, url: str, valuesets: Mapping[str, Mapping[str, Any]], seen: set[str]
    ) -> frozenset[tuple[str, str]] | None:
        """Local expansion as (system, code) pairs; ("system", "*") stands for every code of an external system."""
        if url in seen or url not in valuesets:
            return None
        seen.add(url)
        vs = valuesets[url]
        compose = vs.get("compose") or {}
        out: set[tuple[str, str]] = set()
        for include in compose.get("include", []):
            out |= self._include(include, valuesets, seen)
        for exclude in compose.get("exclude", []):
            out -= self._include(exclude, valuesets, seen)
        for item in (vs.get("expansion") or {}).get("contains", []):
            if "system" in item and "code" in item:
                out.add((item["system"], item["code"]))
        return frozenset(out)

    def _include(
        self, include: Mapping[str, Any], valuesets: Mapping[str, Mapping[str, Any]], seen: set[str]
    ) -> set[tuple[str, str]]:
        system = include.get("system")
        out: set[tuple[str, str]] = set()
        if system:
            if include.get("concept"):
                out = {(system, c["code"]) for c in include["concept"] if "code" in c}
            elif system in self.codesystems and not include.get("filter"):
                out = {(system, code) for code in self.codesystems[system][1]}
            else:
                out = {(system, "*")}
        for ref in include.get("valueSet", []):
            nested = self._expand(ref, valuesets, seen)
            if nested is not None:
                out = out & nested if system else out | nested
        return out

    def _compile(self, sd: Mapping[str, Any], sds: Mapping[str, Mapping[str, Any]]) -> Profile:
        sd_type = str(sd["type"])
        root = Node(sd_type)
        base = sd.get("baseDefinition")
        if isinstance(base, str) and base in sds and base != sd.get("url"):
            root = self._compile(sds[base], sds).root  # a profile on one of our own profiles inherits it
        for element in (sd.get("differential") or {}).get("element", []):
            self._apply(root, element)
        contexts = tuple(
            str(c.get("expression")) for c in sd.get("context", []) if isinstance(c, Mapping) and c.get("expression")
        )
        return Profile(str(sd["url"]), sd_type, root, contexts)

    def _apply(self, root: Node, element: Mapping[str, Any]) -> None:
        ident = str(element.get("id") or element["path"])
        if element.get("sliceName") and ":" not in ident.rsplit(".", 1)[-1]:
            ident = f"{ident}:{element['sliceName']}"
        parts = ident.split(".")
        node = root
        for part in parts[1:]:
            name, _, slice_name = part.partition(":")
            if name.endswith("[x]") and slice_name and not slice_name.endswith("[x]"):
                name, slice_name = slice_name, ""  # value[x]:valueCodeableConcept -> valueCodeableConcept
            node = node.children.setdefault(name, Node(name))
            if slice_name:
                node = node.slices.setdefault(slice_name, Node(name))
        if "min" in element:
            node.min = int(element["min"])
        if "max" in element:
            node.max = str(element["max"])
        for key, value in element.items():
            if key.startswith("fixed"):
                node.fixed = value
            elif key.startswith("pattern"):
                node.pattern = value
        binding = element.get("binding")
        if isinstance(binding, Mapping) and binding.get("valueSet"):
            node.binding = (str(binding.get("strength", "example")), str(binding["valueSet"]).split("|", 1)[0])
        types = element.get("type") or []
        if types:
            node.types = tuple(str(t.get("code")) for t in types)
            node.type_profiles = tuple(p for t in types for p in t.get("profile", []))
            node.target_profiles = tuple(p for t in types for p in t.get("targetProfile", []))
        slicing = element.get("slicing")
        if isinstance(slicing, Mapping):
            node.discriminators = tuple(
                (str(d.get("type")), str(d.get("path"))) for d in slicing.get("discriminator", [])
            )
            node.rules = str(slicing.get("rules", "open"))
        for constraint in element.get("constraint", []):
            expression = constraint.get("expression")
            if not expression:
                continue
            node.constraints.append(
                (
                    str(constraint.get("key")),
                    str(constraint.get("severity", "error")),
                    str(constraint.get("human", "")),
                    _compile_fhirpath(str(expression), str(element.get("path") or "")),
                )
            )

    # ------------------------------------------------------------ checking

    def check(
        self,
        record: Any,
        root: tuple[Any, ...],
        out: list[Issue],
        settings: Settings,
        facts: dict[int, ResourceFacts] | None = None,
    ) -> None:
        """Append the profile-layer issues for one parsed record to ``out``.

        ``facts`` is what the structure walk collected for this record; without it the record is walked here.
        """
        if not isinstance(record, dict):
            return
        if facts is None:
            facts = {}
            structure_checker().check(record, root, [], facts)
        ctx = _Context(self, out, record, settings, facts)
        if record.get("resourceType") == "Bundle":
            ctx.bundle_rules(root)
        for resource, path in _resources(record, root):
            ctx.resource(resource, path)


@dataclass(slots=True)
class _Context:
    """The checks of one record. The paths of values below a resource are built lazily: ``(_AT, parent path,
    key...)`` stands for the parent's path followed by the keys (see ``_flat``), made whole when an issue is
    recorded (most values have none)."""

    checker: ProfileChecker
    out: list[Issue]
    record: dict[str, Any]
    settings: Settings
    facts: dict[int, ResourceFacts]
    by_url: dict[str, dict[str, Any]] = field(default_factory=dict)
    # The resource being checked, its label and its FHIRPath environment (set by ``resource``).
    res: dict[str, Any] = field(default_factory=dict)
    label: str = ""
    env: dict[str, Any] | None = None
    invariants_on: bool = True
    # (allowed targets, id of a resource of the record) -> whether the resource is one of them
    conforms: dict[tuple[tuple[str, ...], int], bool] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.invariants_on = self.settings.enabled("DA2014") or self.settings.enabled("DA2015")
        if self.record.get("resourceType") == "Bundle":
            for entry in as_list(self.record.get("entry")):
                if isinstance(entry, dict) and isinstance(entry.get("resource"), dict):
                    res = entry["resource"]
                    if isinstance(entry.get("fullUrl"), str):
                        self.by_url[entry["fullUrl"]] = res
                    if isinstance(res.get("resourceType"), str) and isinstance(res.get("id"), str):
                        self.by_url.setdefault(f"{res['resourceType']}/{res['id']}", res)

    def issue(self, rule: str, path: tuple[Any, ...], message: str, label: str) -> None:
        self.out.append((rule, _flat(path), message, label))

    # Bundle rules ---------------------------------------------------------

    def bundle_links(self, root: tuple[Any, ...]) -> None:
        """``Bundle.link`` as the reference validator checks it: the paging relations (first, previous, next,
        last) belong to search and history results only (DA2026), and ``self``, or a paging relation of a search
        or history result, is given once (DA2027; reported at each repeat)."""
        links = self.record.get("link")
        if type(links) is not list:
            return
        kind = self.record.get("type")
        paged = kind in _PAGED_BUNDLES
        seen: set[str] = set()
        for index, link in enumerate(links):
            relation = link.get("relation") if type(link) is dict else None
            if type(relation) is not str:
                continue  # a link without a relation is a cardinality finding of the structure layer
            here = (*root, "link", index, "relation")
            if relation in _PAGING_RELATIONS and not paged and isinstance(kind, str):
                message = f"link relation {relation!r} is for paging search or history results, not a {kind} Bundle"
                self.issue("DA2026", here, message, resource_label(self.record))
            if relation == "self" or (paged and relation in _PAGING_RELATIONS):
                if relation in seen:
                    message = f"link relation {relation!r} is given more than once"
                    self.issue("DA2027", here, message, resource_label(self.record))
                seen.add(relation)

    def bundle_rules(self, root: tuple[Any, ...]) -> None:
        bundle = self.record
        # DA2020 and DA2021 are rules of this standard's case bundle; any other Bundle has the base rules only
        # (bdl-7 in the structure layer: fullUrl unique with its version).
        own = _claims(bundle, f"{self.checker.canonical}/StructureDefinition/DACaseBundle")
        self.bundle_links(root)
        needs_full_url = bundle.get("type") not in ("transaction", "batch", "transaction-response", "batch-response")
        seen_urls: dict[str, int] = {}
        seen_ids: dict[str, int] = {}
        entries = bundle.get("entry")
        if not isinstance(entries, list):
            return
        for index, entry in enumerate(entries):
            if not isinstance(entry, dict):
                continue
            res = entry.get("resource")
            full_url = entry.get("fullUrl")
            if full_url is None:
                if needs_full_url and isinstance(res, dict):
                    self.issue(
                        "DA2019", (*root, "entry", index, "fullUrl"), "Bundle entry has no fullUrl", resource_label(res)
                    )
            elif not isinstance(full_url, str) or not _ABSOLUTE.match(full_url):
                self.issue(
                    "DA2019",
                    (*root, "entry", index, "fullUrl"),
                    f"fullUrl {full_url!r} is not an absolute URI",
                    resource_label(res),
                )
            elif not own:
                pass
            elif full_url in seen_urls:
                self.issue(
                    "DA2021",
                    (*root, "entry", index, "fullUrl"),
                    f"fullUrl {full_url} is also used by entry {seen_urls[full_url]}",
                    resource_label(res),
                )
            else:
                seen_urls[full_url] = index
            if not isinstance(res, dict) or not own:
                continue
            rtype, rid = res.get("resourceType"), res.get("id")
            if (
                isinstance(full_url, str)
                and isinstance(rid, str)
                and not full_url.startswith("urn:")
                and not full_url.endswith(f"/{rtype}/{rid}")
            ):
                self.issue(
                    "DA2020",
                    (*root, "entry", index, "fullUrl"),
                    f"fullUrl {full_url} does not end with {rtype}/{rid}",
                    resource_label(res),
                )
            if isinstance(rtype, str) and isinstance(rid, str):
                key = f"{rtype}/{rid}"
                if key in seen_ids:
                    self.issue(
                        "DA2021",
                        (*root, "entry", index, "resource", "id"),
                        f"{key} is also in entry {seen_ids[key]}",
                        resource_label(res),
                    )
                else:
                    seen_ids[key] = index
        by_url = self.by_url
        for entry in entries:
            if isinstance(entry, dict) and isinstance(entry.get("resource"), dict):
                res = entry["resource"]
                found = self.facts.get(id(res))
                for ref, path in found.references if found is not None else ():
                    if (
                        ref in by_url
                        or ref.startswith("#")
                        or self._resolve(ref, entry.get("fullUrl"), res) is not None
                    ):
                        continue  # resolved (by its own url first: the usual case)
                    self.issue(
                        "DA2018", path, f"reference {ref!r} does not resolve inside the Bundle", resource_label(res)
                    )

    def _resolve(self, ref: str, base: Any, holder: Mapping[str, Any]) -> dict[str, Any] | None:
        if ref.startswith("#"):
            for contained in as_list(holder.get("contained")):
                if isinstance(contained, dict) and contained.get("id") == ref[1:]:
                    return contained
            return None
        found = self.by_url.get(ref)
        if found is None and isinstance(base, str) and "/" in ref and not ref.startswith(("urn:", "http")):
            parts = base.rsplit("/", 2)
            if len(parts) == 3:
                found = self.by_url.get(f"{parts[0]}/{ref}")
        return found

    # one resource ---------------------------------------------------------

    def resource(self, res: dict[str, Any], path: tuple[Any, ...]) -> None:
        found = self.facts.get(id(res))  # what the structure walk found in it, with its label
        label = self.label = found.label if found is not None else resource_label(res)
        self.res = res
        self.env = None  # made when an invariant is first run on this resource
        checker = self.checker
        meta = res.get("meta")
        profiles = meta.get("profile") if isinstance(meta, dict) else None
        claimed: list[tuple[Any, tuple[Any, ...]]] = []
        if isinstance(profiles, list):
            claimed = [(url, (*path, "meta", "profile", index)) for index, url in enumerate(profiles)]
        if checker.forced_profiles:  # validate --profile: the root resource (a Bundle only for a Bundle profile)
            rtype = res.get("resourceType")  # and every other resource of the profile's type
            for url in checker.forced_profiles:
                forced = checker.profiles.get(url)
                applies = (forced is not None and forced.type == rtype) or (res is self.record and rtype != "Bundle")
                if applies and not any(isinstance(c, str) and c.split("|", 1)[0] == url for c, _ in claimed):
                    claimed.append((url, path))
        if claimed:
            for url, where in claimed:
                if not isinstance(url, str):
                    continue
                canonical = url.split("|", 1)[0]
                profile = checker.profiles.get(canonical)
                if profile is None:
                    if canonical in checker.external_sds:
                        self.issue("DA2002", where, f"profile {canonical} is not shipped; it was not checked", label)
                    else:
                        self.issue("DA2001", where, f"unknown profile {canonical}; it was not checked", label)
                    continue
                if profile.type != res.get("resourceType"):
                    self.issue(
                        "DA2025",
                        where,
                        f"profile {canonical} is for {profile.type}, not {res.get('resourceType')}",
                        label,
                    )
                    continue
                self.node(profile.root, [(res, path)], (), is_root=True)
        if found is not None:
            for value, where in found.extras:
                if type(value) is str:
                    self.narrative(value, where, label)
                else:
                    self.extension(value, where, found)

    def node(
        self,
        node: Node,
        items: list[tuple[Any, tuple[Any, ...]]],
        parent_path: tuple[Any, ...],
        is_root: bool = False,
    ) -> None:
        count = len(items)
        if not is_root:
            if not count and node.quiet:
                return
            if node.min is not None and count < node.min:
                self.issue(
                    "DA2003",
                    (*parent_path, node.name),
                    f"{node.where}: minimum cardinality {node.min} not met (found {count})",
                    self.label,
                )
        limit = node.max_count
        if limit is not None and count > limit:
            path = items[limit][1] if items else (*parent_path, node.name)
            message = f"{node.where}: maximum cardinality {node.max} exceeded (found {count})"
            self.issue("DA2003", path, message, self.label)
        if node.checks_values:
            if node.memo:
                self.remembered_values(node, items)
            else:
                self.checked_values(node, items)
        if node.slice_nodes:
            self.slicing(node, items, parent_path)

    def remembered_values(self, node: Node, items: list[tuple[Any, tuple[Any, ...]]]) -> None:
        """``checked_values`` for a node whose checks read nothing but the value: an object's issues are worked
        out once per node and content (serialized), and replayed below the value's path."""
        remembered = self.checker.remembered_values
        out = self.out
        for item in items:
            value, path = item
            if type(value) is not dict:
                self.checked_values(node, [item])
                continue
            try:
                content = orjson.dumps(value)
            except (TypeError, orjson.JSONEncodeError):
                content = b""  # not plain JSON data (e.g. an integer beyond 64 bits): checked every time
            if not content or len(content) > _MEMO_BYTES:
                self.checked_values(node, [item])
                continue
            key = (id(node), content)
            known = remembered.get(key)
            if known is not None:
                node.memo_hits += 1
                if known:
                    label = self.label
                    at = _flat(path)
                    out.extend((rule, (*at, *below), message, label) for rule, below, message in known)
                continue
            node.memo_misses += 1
            if node.memo_misses >= _MEMO_TRIAL and node.memo_misses > node.memo_hits:
                node.memo = False  # its values seldom repeat
            before = len(out)
            self.checked_values(node, [item])
            path = _flat(path)
            depth = len(path)
            if all(issue[1][:depth] == path for issue in out[before:]):
                if len(remembered) >= _MEMO_LIMIT:
                    remembered.clear()
                remembered[key] = tuple((rule, ipath[depth:], message) for rule, ipath, message, _ in out[before:])

    def checked_values(self, node: Node, items: list[tuple[Any, tuple[Any, ...]]]) -> None:
        """The checks on each value of ``node``: fixed, pattern, binding, targets, invariants, children (a node
        with ``memo`` goes through ``remembered_values``)."""
        fixed, pattern, binding, targets = node.fixed, node.pattern, node.binding, node.target_profiles
        constraints, children = node.constraints, node.child_nodes
        own = node.own
        for value, path in items:
            if value is None:
                continue
            if own:
                if fixed is not None and value != fixed:
                    self.issue("DA2004", path, f"{node.where}: value must be exactly {_short(fixed)}", self.label)
                if pattern is not None and not node.pattern_match(value):
                    message = f"{node.where}: value must match the pattern {_short(pattern)}"
                    self.issue("DA2004", path, message, self.label)
                if binding is not None:
                    self.binding(binding, value, path, node.where)
                if targets and type(value) is dict and type(value.get("reference")) is str:
                    self.target(targets, value["reference"], path)
                for key, severity, human, compiled in constraints:
                    self.invariant(key, severity, human, compiled, value, path)
            if children and type(value) is dict:
                for child in children:
                    if child.stem is not None:
                        self.choice(child, value, path)
                        continue
                    raw = value.get(child.name)
                    if raw is None:
                        if child.under in value and not child.children:
                            # present through its extension only (e.g. data-absent-reason)
                            self.node(child, [(None, (_AT, path, child.under))], path)
                        elif not child.quiet:
                            self.node(child, [], path)
                        continue
                    if child.simple:  # cardinality only: nothing to do unless the count may be wrong
                        limit = child.max_count
                        if type(raw) is list:
                            size = len(raw)
                            if (limit is None or size <= limit) and (
                                child.min_count == 0 or (size >= child.min_count and None not in raw)
                            ):
                                continue
                        elif (limit is None or limit >= 1) and child.min_count <= 1:
                            continue
                    if type(raw) is list:
                        key = child.name
                        self.node(
                            child, [(item, (_AT, path, key, i)) for i, item in enumerate(raw) if item is not None], path
                        )
                    elif child.one_fits:  # ``node`` for one value, which its cardinality allows
                        one = [(raw, (_AT, path, child.name))]
                        if child.checks_values:
                            if child.memo:
                                self.remembered_values(child, one)
                            else:
                                self.checked_values(child, one)
                        if child.slice_nodes:
                            self.slicing(child, one, path)
                    else:
                        self.node(child, [(raw, (_AT, path, child.name))], path)

    def choice(self, child: Node, value: dict[str, Any], path: tuple[Any, ...]) -> None:
        """A choice element (``value[x]``) of ``value``: the types present, then the node's checks on them."""
        stem = child.stem or ""
        size = len(stem)
        keys = [k for k in value if k.startswith(stem) and "A" <= k[size : size + 1] <= "Z"]  # stem + [A-Z]
        if not keys and child.quiet:
            return
        if child.types:
            allowed = child.allowed
            for key in keys:
                if key not in allowed:
                    names = ", ".join(child.types)
                    message = f"{child.where}: type {key[len(stem) :]} is not allowed here (allowed: {names})"
                    self.issue("DA2024", (*path, key), message, self.label)
        items: list[tuple[Any, tuple[Any, ...]]] = []
        for key in keys:
            raw = value[key]
            if type(raw) is list:
                items.extend((item, (_AT, path, key, i)) for i, item in enumerate(raw) if item is not None)
            elif raw is not None:
                items.append((raw, (_AT, path, key)))
        self.node(child, items, path)

    def slicing(self, node: Node, items: list[tuple[Any, tuple[Any, ...]]], parent: tuple[Any, ...]) -> None:
        matched: dict[str, list[tuple[Any, tuple[Any, ...]]]] = {}
        by_url = node.url_table
        table = node.slice_table
        names = node.slice_names
        closed = node.rules == "closed"
        for value, path in items:
            hit = None
            if by_url is not None and type(value) is dict and type(value.get("url")) is str:
                hit = by_url.get(value["url"])
            elif table is not None:
                index = _table_slice(table, value)
                if index is not None:
                    hit = names[index]
            else:
                for name, _, tests in node.slice_tests:
                    if self.slice_matches(tests, value):
                        hit = name
                        break
            if hit is None:
                if closed:
                    message = f"{node.where}: the item matches no slice and slicing is closed"
                    self.issue("DA2013", path, message, self.label)
            else:
                bucket = matched.get(hit)
                if bucket is None:
                    matched[hit] = [(value, path)]
                else:
                    bucket.append((value, path))
        for name, slice_node in node.slice_nodes:
            found = matched.get(name)
            if found is None:
                if slice_node.quiet:
                    continue
                found = []
            self.node(slice_node, found, parent)

    def slice_matches(self, tests: tuple[_SliceTest, ...] | None, value: Any) -> bool:
        if tests is None:
            return False
        for kind, parts, arg in tests:
            if kind == "url":
                if not isinstance(value, dict) or value.get("url") not in arg:
                    return False
            elif kind == "bind":
                if not any(self.in_valueset(arg, v) for v in _get_parts(value, parts)):
                    return False
            elif not any(arg(v) for v in _get_parts(value, parts)):
                return False
        return True

    def in_valueset(self, url: str, value: Any) -> bool:
        expansion = self.checker.valuesets.get(url)
        if expansion is None:
            return True
        return self._in_expansion(url, expansion, _codings(value))

    def _in_expansion(
        self, url: str, expansion: frozenset[tuple[str, str]], codings: list[tuple[str | None, str]]
    ) -> bool:
        for system, code in codings:
            if (system, code) in expansion or (system, "*") in expansion:
                return True
            if system is None and code in self.checker.valueset_codes(url, expansion):
                return True
        return False

    def binding(self, binding: tuple[str, str], value: Any, path: tuple[Any, ...], where: str) -> None:
        label = self.label
        strength, url = binding
        if strength not in ("required", "extensible", "preferred") or value is None:
            return
        checker = self.checker
        expansion = checker.valuesets.get(url)
        if expansion is None:
            return  # an external value set (not shipped): not checked offline
        codings = _codings(value)
        if not codings:
            if strength != "preferred" and _is_concept(value):
                # As the reference validator does: a CodeableConcept with no coded Coding (only text, or only a
                # data-absent-reason extension) fails a required binding and is warned of under an extensible one.
                required = strength == "required"
                need = "is required" if required else "should be provided"
                message = f"{where}: no code provided, and a code {need} from the value set {url}"
                self.issue("DA2005" if required else "DA2006", path, message, label)
            return
        # What a binding says depends on nothing but the codes: worked out once per binding, element and codes.
        key = (binding, where, *codings)
        found = checker.bindings.get(key)
        if found is None:
            if len(checker.bindings) >= _REMEMBER_LIMIT:
                checker.bindings.clear()
            found = checker.bindings[key] = self._binding_issues(strength, url, expansion, codings, where)
        for rule, message in found:
            self.issue(rule, path, message, label)

    def _binding_issues(
        self,
        strength: str,
        url: str,
        expansion: frozenset[tuple[str, str]],
        codings: list[tuple[str | None, str]],
        where: str,
    ) -> tuple[tuple[str, str], ...]:
        checker = self.checker
        issues: list[tuple[str, str]] = []
        known_systems = checker.valueset_systems(url, expansion)
        for system, _code in codings:
            if (
                system
                and system not in checker.codesystems
                and system not in checker.external_cs
                and (system not in known_systems)
            ):
                issues.append(
                    ("DA2008", f"{where}: code system {system} is unknown (not shipped, not listed as external)")
                )
        if self._in_expansion(url, expansion, codings):
            return tuple(issues)
        rule = {"required": "DA2005", "extensible": "DA2006", "preferred": "DA2007"}[strength]
        shown = ", ".join(f"{s}#{c}" if s else str(c) for s, c in codings[:3])
        issues.append((rule, f"{where}: {shown} is not in the {strength} value set {url}"))
        return tuple(issues)

    def target(self, targets: tuple[str, ...], ref: str, path: tuple[Any, ...]) -> None:
        found = self._context_resolve(ref, self.res) if ref[:1] == "#" else self.by_url.get(ref)
        if found is None:
            return
        rtype = found.get("resourceType")
        key = (targets, id(found))  # the record's resources live as long as this context
        ok = self.conforms.get(key)
        if ok is None:
            checker = self.checker
            ok = False
            for target in targets:
                profile = checker.profiles.get(target)
                ttype = profile.type if profile else target.rsplit("/", 1)[-1]
                if ttype in ("Resource", rtype) and (profile is None or _claims(found, target)):
                    ok = True
                    break
            self.conforms[key] = ok
        if not ok:
            names = ", ".join(t.rsplit("/", 1)[-1] for t in targets)
            self.issue(
                "DA2017",
                (*path, "reference"),
                f"reference to {rtype} does not conform to the allowed targets ({names})",
                self.label,
            )

    def _context_resolve(self, ref: str, res: dict[str, Any]) -> dict[str, Any] | None:
        if ref.startswith("#"):
            return self._resolve(ref, None, res)
        return self.by_url.get(ref)

    def invariant(
        self,
        key: str,
        severity: str,
        human: str,
        compiled: Any,
        value: Any,
        path: tuple[Any, ...],
    ) -> None:
        if not self.invariants_on:
            return
        label = self.label
        if isinstance(compiled, str):
            self.issue("DA2016", path, f"invariant {key} cannot be compiled: {compiled}", label)
            return
        try:
            env = self.env
            if env is None:
                env = self.env = {**ENVIRONMENT, "resource": self.res, "rootResource": self.record}
            result = compiled(value, env)
        except Exception as exc:
            self.issue("DA2016", path, f"invariant {key} could not be evaluated: {type(exc).__name__}: {exc}", label)
            return
        if result == [False]:
            rule = "DA2015" if severity == "warning" else "DA2014"
            self.issue(rule, path, f"constraint {key} failed: {human}", label)

    # everywhere: extensions and narrative (found by the structure walk) ------------------

    def extension(self, ext: Any, path: tuple[Any, ...], facts: ResourceFacts) -> None:
        """The checks of one extension found by the structure walk of the resource whose ``facts`` are given
        (the element the extension sits on, its context, is worked out from them when the definition has
        contexts)."""
        label = self.label
        if not isinstance(ext, dict):
            return
        url = ext.get("url")
        if not isinstance(url, str):
            return
        checker = self.checker
        definition = checker.extensions.get(url)
        if definition is None:
            if url.startswith(checker.canonical + "/") or not _ABSOLUTE.match(url):
                self.issue("DA2009", (*path, "url"), f"extension {url} is not defined", label)
            elif not _KNOWN_PUBLISHER.match(url) and url not in checker.external_sds:
                self.issue("DA2009", (*path, "url"), f"extension {url}: its definition cannot be found", label)
            elif url not in checker.external_sds:
                self.issue(
                    "DA2010", (*path, "url"), f"extension {url} is not known to this standard; not checked", label
                )
            return
        if definition.contexts:
            context = facts.context(path)
            allowed = checker.context_ok.get((definition.contexts, context))
            if allowed is None:
                allowed = checker.context_ok[(definition.contexts, context)] = self._context_ok(
                    definition.contexts, context
                )
            if not allowed:
                self.issue(
                    "DA2011",
                    (*path, "url"),
                    f"extension {url} is not allowed on {context} (contexts: {', '.join(definition.contexts)})",
                    label,
                )
        key = None
        if definition.self_contained:
            try:
                key = (url, orjson.dumps(ext))
            except (TypeError, orjson.JSONEncodeError):
                key = None  # not plain JSON data (e.g. an integer beyond 64 bits): checked every time
            else:
                known = checker.remembered.get(key)
                if known is not None:
                    if known:
                        self.out.extend((rule, (*path, *below), message, label) for rule, below, message in known)
                    return
        before = len(self.out)
        self.node(definition.root, [(ext, path)], (), is_root=True)
        out = self.out
        depth = len(path)
        for i in range(before, len(out)):
            rule, ipath, message, ilabel = out[i]
            if rule == "DA2024":
                out[i] = ("DA2012", ipath, message, ilabel)
            if ipath[:depth] != path:
                key = None  # an issue outside the extension: do not remember
        if key is not None:
            if checker.remembered_bytes >= _REMEMBER_BYTES:
                checker.remembered.clear()
                checker.remembered_bytes = 0
            checker.remembered_bytes += len(key[1])
            checker.remembered[key] = tuple((rule, ipath[depth:], message) for rule, ipath, message, _ in out[before:])

    def _context_ok(self, contexts: tuple[str, ...], context: str) -> bool:
        plan = self.checker.plan
        steps = [s for s in context.split(".") if s]
        type_path = steps[0] if steps else ""
        datatype = type_path
        for step in steps[1:]:
            if step == "extension":
                datatype = "Extension"
            else:
                elements = plan.types.get(datatype) or plan.types.get(f"{datatype}.{step}") or {}
                edef = elements.get(step)
                datatype = edef.type if edef is not None else step
            type_path = f"{type_path}.{step}"
        for expr in contexts:
            if expr in ("Element", "Resource", "DomainResource", "Base") or expr in (type_path, datatype):
                return True
            if context.startswith(expr + ".") and expr == type_path:
                return True
        return False

    def narrative(self, div: str, path: tuple[Any, ...], label: str) -> None:
        from dastandard.fhir.xml import XHTML_NS, FhirXmlError, parse_xml_document  # lxml, loaded when first needed

        try:
            root = parse_xml_document(div.encode("utf-8"))
        except FhirXmlError as exc:
            self.issue("DA2022" if exc.hostile else "DA2023", path, f"narrative: {exc.message}", label)
            return
        if root.tag != "{" + XHTML_NS + "}div":
            self.issue("DA2023", path, "narrative must be an XHTML <div> in the XHTML namespace", label)
        for el in root.iter():
            if not isinstance(el.tag, str):
                continue
            ns, _, local = el.tag[1:].partition("}") if el.tag.startswith("{") else ("", "", el.tag)
            if local.lower() in _XHTML_FORBIDDEN:
                self.issue("DA2022", path, f"narrative contains a forbidden <{local}> element", label)
            elif ns != XHTML_NS or local not in _XHTML_ALLOWED:
                self.issue(
                    "DA2023", path, f"narrative contains <{local}>, which is not allowed in FHIR narrative", label
                )
            for attr, value in el.attrib.items():
                name = str(attr).rpartition("}")[2].lower()
                if name.startswith("on"):
                    self.issue("DA2022", path, f"narrative has an event handler attribute {name}", label)
                elif name in ("href", "src", "action", "formaction", "background") and re.match(
                    r"\s*(javascript|vbscript|data):", str(value), re.IGNORECASE
                ):
                    self.issue("DA2022", path, f"narrative has a {str(value).split(':')[0]}: URL in {name}", label)


# ---------------------------------------------------------------- helpers


def _compile_fhirpath(expression: str, element_path: str = "") -> Any:
    """An invariant's evaluator (see ``invariants.compile_invariant``)."""
    return compile_invariant(expression, element_path)


def _concepts(concepts: Any) -> Iterator[str]:
    for concept in concepts or []:
        if isinstance(concept, Mapping):
            if "code" in concept:
                yield str(concept["code"])
            yield from _concepts(concept.get("concept"))


# Bundle.link: the paging relations of search results (http.html#paging), and the Bundle types that page.
_PAGING_RELATIONS = frozenset({"first", "previous", "next", "last"})
_PAGED_BUNDLES = frozenset({"searchset", "history"})


def _is_concept(value: Any) -> bool:
    """Whether a bound value is a CodeableConcept (a JSON object that is not a Coding, Quantity or other type)."""
    return type(value) is dict and not any(key in value for key in ("code", "system", "value", "unit", "display"))


def _codings(value: Any) -> list[tuple[str | None, str]]:
    """The (system, code) pairs of a code, Coding or CodeableConcept (parsed JSON: dicts and lists)."""
    if type(value) is str:
        return [(None, value)]
    if type(value) is not dict:
        return []
    if "coding" in value:
        codings = value["coding"]
        if type(codings) is not list:
            return []
        return [(_system(c), c["code"]) for c in codings if type(c) is dict and type(c.get("code")) is str]
    code = value.get("code")
    if type(code) is str:
        return [(_system(value), code)]
    return []


def _system(coding: dict[str, Any]) -> str | None:
    """The ``system`` of a Coding when it is a string; a value of another JSON type is the structure layer's
    finding (DA1003) and reads here as no system, so the binding checks still run."""
    system = coding.get("system")
    return system if type(system) is str else None


def _matcher(pattern: Any) -> Callable[[Any], bool]:
    """FHIR pattern matching, specialised for one pattern: every element of ``pattern`` is in the value (list items
    each matched by one). A dict's scalar members are compared in place, its nested members by their own matchers."""
    if type(pattern) is dict:
        leaves = tuple((k, v) for k, v in pattern.items() if type(v) is not dict and type(v) is not list)
        nested = tuple((k, _matcher(v)) for k, v in pattern.items() if type(v) is dict or type(v) is list)

        def match_object(value: Any) -> bool:
            if type(value) is not dict:
                return False
            for key, expected in leaves:
                if key not in value or expected != value[key]:
                    return False
            for key, inner in nested:  # noqa: SIM110 - a plain loop: this runs for every patterned value
                if key not in value or not inner(value[key]):
                    return False
            return True

        return match_object
    if type(pattern) is list:
        items = tuple(_matcher(p) for p in pattern)
        if len(items) == 1:  # the usual case (one Coding): a plain loop
            only = items[0]

            def match_one(value: Any) -> bool:
                if type(value) is not list:
                    return False
                for v in value:  # noqa: SIM110 - a plain loop: this runs for every patterned value
                    if only(v):
                        return True
                return False

            return match_one

        def match_list(value: Any) -> bool:
            return type(value) is list and all(any(inner(v) for v in value) for inner in items)

        return match_list

    def match_value(value: Any) -> bool:
        return bool(pattern == value)

    return match_value


def _with_matchers(tests: tuple[_SliceTest, ...] | None) -> tuple[_SliceTest, ...] | None:
    """Slice tests with each ``match`` test's value replaced by its matcher (see ``_matcher``)."""
    if tests is None:
        return None
    return tuple((kind, parts, _matcher(arg)) if kind == "match" else (kind, parts, arg) for kind, parts, arg in tests)


def _compile_slice_table(
    expected: list[tuple[_SliceTest, ...] | None],
) -> tuple[tuple[str, ...], tuple[str, ...] | None, dict[Any, int]] | None:
    """For slicing where each slice is told by one ``match`` test at the same path, of a string (``system`` of an
    identifier) or of a CodeableConcept pattern of one Coding of strings, the same elements in every slice
    (``{"coding": [{"system": ..., "code": ...}]}``): (path parts, the Coding's elements or None for a string,
    compared value -> index of the first slice it matches). A value matches a slice when one of the values at the
    path is that string, or a CodeableConcept with a Coding whose elements all equal the pattern's. None when the
    slicing is of another kind (each slice is then tried with its matchers)."""
    parts: tuple[str, ...] | None = None
    elements: tuple[str, ...] | None = None
    table: dict[Any, int] = {}
    kinds: set[str] = set()
    for index, tests in enumerate(expected):
        if tests is None:
            continue  # no value matches this slice
        if len(tests) != 1 or tests[0][0] != "match":
            return None
        _kind, where, value = tests[0]
        if parts is None:
            parts = where
        elif where != parts:
            return None
        if type(value) is str:
            kinds.add("string")
            table.setdefault(value, index)
            continue
        if type(value) is not dict or list(value) != ["coding"]:
            return None
        codings = value["coding"]
        if type(codings) is not list or len(codings) != 1 or type(codings[0]) is not dict or not codings[0]:
            return None
        coding = codings[0]
        if any(type(v) is not str for v in coding.values()):
            return None
        names = tuple(sorted(coding))
        if elements is None:
            elements = names
        elif names != elements:
            return None
        kinds.add("coding")
        table.setdefault(tuple(coding[name] for name in names), index)
    if parts is None or len(kinds) != 1:
        return None
    return parts, elements, table


def _table_slice(table: tuple[tuple[str, ...], tuple[str, ...] | None, dict[Any, int]], value: Any) -> int | None:
    """The index of the first slice ``value`` matches by a slice table (see ``_compile_slice_table``), or None."""
    parts, elements, lookup = table
    best: int | None = None
    for found in _get_parts(value, parts):
        if elements is None:
            if type(found) is str:
                index = lookup.get(found)
                if index is not None and (best is None or index < best):
                    best = index
            continue
        if type(found) is not dict:
            continue
        codings = found.get("coding")
        if type(codings) is not list:
            continue
        for coding in codings:
            if type(coding) is not dict:
                continue
            key = []
            for name in elements:
                part = coding.get(name)
                if type(part) is not str:
                    break
                key.append(part)
            else:
                index = lookup.get(tuple(key))
                if index is not None and (best is None or index < best):
                    best = index
    return best


def _get_parts(value: Any, parts: tuple[str, ...]) -> list[Any]:
    """The values at a path already split into its parts (``()`` for ``$this``)."""
    current = [value]
    for part in parts:
        nxt: list[Any] = []
        for item in current:
            if type(item) is dict and part in item:
                got = item[part]
                nxt.extend(got if type(got) is list else [got])
        current = nxt
    return current


# Marks a lazy path (see ``_Context``): ``(_AT, parent, *keys)``, the parent itself a path, lazy or not.
_AT: Any = object()


def _flat(path: tuple[Any, ...]) -> tuple[Any, ...]:
    """A path as a plain tuple of keys and indexes, a lazy one (``(_AT, parent, *keys)``) made whole."""
    if not path or path[0] is not _AT:
        return path
    tails: list[tuple[Any, ...]] = []
    while path and path[0] is _AT:
        tails.append(path[2:])
        path = path[1]
    for tail in reversed(tails):
        path = (*path, *tail)
    return path


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 120 else text[:117] + "..."


def _claims(resource: Mapping[str, Any], profile: str) -> bool:
    meta = resource.get("meta")
    claimed = meta.get("profile") if isinstance(meta, Mapping) else None
    return isinstance(claimed, list) and any(isinstance(p, str) and p.split("|")[0] == profile for p in claimed)


def _resources(
    record: dict[str, Any], root: tuple[Any, ...], found: list[tuple[dict[str, Any], tuple[Any, ...]]] | None = None
) -> list[tuple[dict[str, Any], tuple[Any, ...]]]:
    """The record and the resources in it (contained ones, a Bundle's entries) with their paths, in document
    order (each resource before those inside it)."""
    if found is None:
        found = []
    found.append((record, root))
    for index, contained in enumerate(as_list(record.get("contained"))):
        if isinstance(contained, dict):
            _resources(contained, (*root, "contained", index), found)
    if record.get("resourceType") == "Bundle":
        for index, entry in enumerate(as_list(record.get("entry"))):
            if isinstance(entry, dict) and isinstance(entry.get("resource"), dict):
                _resources(entry["resource"], (*root, "entry", index, "resource"), found)
    return found


_CHECKER: ProfileChecker | None = None
_CHECKER_FOR: Any = None  # the package selection _CHECKER was compiled with


def profile_checker() -> ProfileChecker:
    """The process-wide checker, compiled from ``profiles/`` on first use (and from the packages selected with
    ``validate --ig``, recompiled when that selection changes)."""
    global _CHECKER, _CHECKER_FOR
    selection = packages.active()  # the packages and profiles selected with validate --ig / --profile
    if _CHECKER is None or (selection is not _CHECKER_FOR and selection != _CHECKER_FOR):
        from dastandard.standard import external_canonicals, standard

        std = standard()
        try:
            external = external_canonicals()
        except (OSError, ValueError):
            external = {}
        resources: list[Mapping[str, Any]] = [a.resource for a in std.artifacts.values()]
        resources += packages.load_all(selection.paths)
        _CHECKER = ProfileChecker(resources, std.canonical, external)
        _CHECKER.forced_profiles = selection.profiles
        _CHECKER_FOR = selection
    return _CHECKER
