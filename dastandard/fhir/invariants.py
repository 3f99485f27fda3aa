"""FHIRPath invariants compiled once for checking: the base specification's (structure layer) and profiles'.

``compile_invariant`` returns an evaluator ``(value, env) -> list`` built by the closure compiler
(``dastandard.fhir.fhirpath``) with fhirpathpy behind it for what the closures leave, or a message string
when neither can compile the expression (the caller reports it, it never raises).

``ENVIRONMENT`` holds the FHIRPath constants the R4 core invariants use besides ``%resource`` and
``%rootResource`` (``%ucum``, ``%sct``, ``%loinc``); callers add these to each evaluation's environment.
"""

from __future__ import annotations

import contextlib
import importlib.util
import re
from collections.abc import Callable, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from dastandard import _cache
from dastandard.fhir import fhirpath

ENVIRONMENT: Mapping[str, str] = {
    "ucum": "http://unitsofmeasure.org",
    "sct": "http://snomed.info/sct",
    "loinc": "http://loinc.org",
}


# ``trace(name[, projection])`` only logs (fhirpathpy prints to standard output): it is dropped before compiling.
_TRACE = re.compile(r"\.trace\('[^']*'(?:\s*,\s*[A-Za-z_.]+)?\)")
# ``hasValue()`` (a primitive with a value, not only an extension) is missing from fhirpathpy; parsed FHIR JSON holds
# the value under the element's own name, so ``exists()`` of that name asks the same question.
_HAS_VALUE = ".hasValue()"


def prepare(expression: str) -> str:
    """The expression as compiled: ``trace`` calls dropped, ``hasValue()`` read as ``exists()``."""
    return _TRACE.sub("", expression).replace(_HAS_VALUE, ".exists()")


_BATCH_LIKE = frozenset({"batch", "transaction", "history"})
_BATCH_RESPONSE_LIKE = frozenset({"batch-response", "transaction-response", "history"})


def _entries(bundle: Any) -> list[Any]:
    entries = bundle.get("entry") if type(bundle) is dict else None
    return [e for e in entries if type(e) is dict] if type(entries) is list else []


def _each_entry_has(part: str, types: frozenset[str]) -> Callable[[Any, Any], list[Any]]:
    """bdl-3 and bdl-4: every entry has ``part`` exactly when %resource.type is one of ``types``."""

    def evaluate(value: Any, environment: Any = None) -> list[Any]:
        entries = _entries(value)
        if not entries:
            return [True]
        resource = environment.get("resource") if isinstance(environment, Mapping) else value
        kind = resource.get("type") if type(resource) is dict else None
        if type(kind) is not str:
            return [False]  # the comparison is empty, and all() counts an empty criterion as not met
        wanted = kind in types
        return [all((part in entry) == wanted for entry in entries)]

    return evaluate


def _bdl7(value: Any, environment: Any = None) -> list[Any]:
    """bdl-7: outside a history, fullUrl (with the version, if any) is unique."""
    if type(value) is dict and value.get("type") == "history":
        return [True]
    seen: set[str] = set()
    for entry in _entries(value):
        full_url = entry.get("fullUrl")
        if type(full_url) is not str:
            continue
        resource = entry.get("resource")
        meta = resource.get("meta") if type(resource) is dict else None
        version = meta.get("versionId") if type(meta) is dict else None
        key = full_url + (version if type(version) is str else "")
        if key in seen:
            return [False]
        seen.add(key)
    return [True]


def _obs7(value: Any, environment: Any = None) -> list[Any]:
    """obs-7: with a value, no component code is the same as the observation's own code."""
    if type(value) is not dict or not any(k.startswith("value") and k[5:6].isupper() for k in value):
        return [True]
    resource = environment.get("resource") if isinstance(environment, Mapping) else value
    code = resource.get("code") if type(resource) is dict else None
    own = code.get("coding") if type(code) is dict else None
    if type(own) is not list or not own:
        return [True]
    for component in value.get("component") or ():
        ccode = component.get("code") if type(component) is dict else None
        codings = ccode.get("coding") if type(ccode) is dict else None
        if type(codings) is list and any(c in own for c in codings):
            return [False]
    return [True]


def _ref1(value: Any, environment: Any = None) -> list[Any]:
    """ref-1: a local reference ``#id`` names a resource contained in the root resource."""
    reference = value.get("reference") if type(value) is dict else None
    if type(reference) is not str:
        return []  # no reference: both sides of the ``or`` are empty
    if reference[:1] != "#":
        return [True]
    if reference == "#":
        return []  # substring(1) is empty, so the comparison is empty
    root = environment.get("rootResource") if isinstance(environment, Mapping) else None
    contained = root.get("contained") if type(root) is dict else None
    ids = [c.get("id") for c in contained if type(c) is dict] if type(contained) is list else []
    return [reference[1:] in ids]


_PARTIAL_DATE = re.compile(r"[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?")


def _instant(text: str) -> datetime | None:
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


def _per1(value: Any, environment: Any = None) -> list[Any]:
    """per-1: a Period's start is not after its end (compared as FHIRPath compares dates and times: at the
    precision both have; when one is more precise and they agree as far as both go, the answer is empty)."""
    if type(value) is not dict:
        return [True]
    start, end = value.get("start"), value.get("end")
    if type(start) is not str or type(end) is not str:
        return [True]
    if "T" in start and "T" in end:
        first, last = _instant(start), _instant(end)
        if first is None or last is None:
            raise ValueError("not a dateTime")  # left to fhirpathpy
        return [first <= last]
    if "T" in start or "T" in end or not (_PARTIAL_DATE.fullmatch(start) and _PARTIAL_DATE.fullmatch(end)):
        raise ValueError("a date against a dateTime")  # left to fhirpathpy
    common = min(len(start), len(end))
    if start[:common] != end[:common]:
        return [start[:common] < end[:common]]
    return [True] if len(start) == len(end) else []


def _ras2(value: Any, environment: Any = None) -> list[Any]:
    """ras-2: a probability given as a decimal is at most 100."""
    probability = value.get("probabilityDecimal") if type(value) is dict else None
    if probability is None:
        return [True] if type(value) is dict and "probabilityRange" in value else []
    if type(probability) not in (int, float):
        raise TypeError("not a number")  # left to fhirpathpy
    return [probability <= 100]


def _bdl5(value: Any, environment: Any = None) -> list[Any]:
    """bdl-5: an entry has a resource, a request or a response (checked on every entry of every Bundle)."""
    if type(value) is not dict or "resourceType" in value:
        raise ValueError("not a plain entry")  # left to the compiled expression
    for key in ("resource", "request", "response"):
        if "_" + key in value:
            raise ValueError("a primitive extension")
        part = value.get(key)
        if part is None:
            continue
        if type(part) is list:
            if None in part:
                raise ValueError("a null in a list")
            if not part:
                continue
        return [True]
    return [False]


def _bdl8(value: Any, environment: Any = None) -> list[Any]:
    """bdl-8: an entry's fullUrl is not a version-specific reference (checked on every entry of every Bundle)."""
    if type(value) is not dict or "resourceType" in value or "_fullUrl" in value:
        raise ValueError("not a plain entry")  # left to the compiled expression
    full_url = value.get("fullUrl")
    if full_url is None:
        return []
    if type(full_url) is not str:
        raise ValueError("fullUrl is not a string")
    return ["/_history/" not in full_url]


# Core invariants answered by plain Python (each gives the same answer as the FHIRPath, which is too slow here
# for expressions the closure compiler leaves to fhirpathpy, or run on every entry of every Bundle); keyed by the
# exact expression. A native that raises leaves that evaluation to the compiled expression.
NATIVE: Mapping[str, Callable[[Any, Any], list[Any]]] = {
    "resource.exists() or request.exists() or response.exists()": _bdl5,
    "fullUrl.contains('/_history/').not()": _bdl8,
    "entry.all(request.exists() = (%resource.type = 'batch' or %resource.type = 'transaction' or "
    "%resource.type = 'history'))": _each_entry_has("request", _BATCH_LIKE),
    "entry.all(response.exists() = (%resource.type = 'batch-response' or %resource.type = "
    "'transaction-response' or %resource.type = 'history'))": _each_entry_has("response", _BATCH_RESPONSE_LIKE),
    "(type = 'history') or entry.where(fullUrl.exists()).select(fullUrl&resource.meta.versionId).isDistinct()": _bdl7,
    "value.empty() or component.code.where(coding.intersect(%resource.code.coding).exists()).empty()": _obs7,
    "reference.startsWith('#').not() or (reference.substring(1).trace('url') in "
    "%rootResource.contained.id.trace('ids'))": _ref1,
    "start.hasValue().not() or end.hasValue().not() or (start <= end)": _per1,
    "probability is decimal implies (probability as decimal) <= 100": _ras2,
}


def compile_invariant(expression: str, element_path: str = "", base_type: str = "", fast: bool = True) -> Any:
    """An invariant's evaluator, or a message string (``"ErrorType: detail"``) when it cannot be compiled.

    ``base_type`` names the FHIR type (``Period``, ``Questionnaire.item``) of values that are not resources, so
    that fhirpathpy resolves choice elements and types on them; ``fast=False`` leaves every evaluation to
    fhirpathpy (for expressions whose answer on such values needs the type: choices, ``is``, ``as``, ``ofType``).

    An expression the closure compiler cannot take as a whole, of the form ``A or B ...`` (or ``A implies B``) at
    the top level, is also compiled part by part: the parts are
    tried first, left to right, and a part that already decides the answer (``true`` for ``or``, a ``false``
    antecedent for ``implies``) answers without evaluating the rest; otherwise the whole expression is evaluated.
    FHIRPath's ``or`` is true when either side is true whatever the other holds, so the answer is the same.
    """
    native = NATIVE.get(expression)
    expression = prepare(expression)
    whole = _compile(expression, element_path, base_type, fast)
    if native is not None and not isinstance(whole, str):
        return _native_first(native, whole)
    if isinstance(whole, str) or getattr(whole, "__module__", None) == fhirpath.__name__:
        return whole  # an error message, or the closure compiler's (fast) evaluator
    operator, parts = _split_top_level(expression)
    if operator is None:
        return whole
    compiled = [_compile(part, element_path, base_type, fast) for part in parts]
    if any(isinstance(c, str) for c in compiled):
        return whole
    if operator == "implies":
        antecedent = compiled[0]

        def implies(value: Any, environment: Any = None) -> list[Any]:
            with contextlib.suppress(Exception):  # the whole expression reports what went wrong
                if antecedent(value, environment) == [False]:
                    return [True]
            return whole(value, environment)  # type: ignore[no-any-return]

        return implies

    def disjunction(value: Any, environment: Any = None) -> list[Any]:
        for part in compiled:
            with contextlib.suppress(Exception):  # the whole expression reports what went wrong
                if part(value, environment) == [True]:
                    return [True]
        return whole(value, environment)  # type: ignore[no-any-return]

    return disjunction


def _native_first(native: Callable[[Any, Any], list[Any]], whole: Any) -> Callable[[Any, Any], list[Any]]:
    """``native``'s answer; when it declines (raises), the compiled expression's."""

    def evaluate(value: Any, environment: Any = None) -> list[Any]:
        try:
            return native(value, environment)
        except Exception:
            return whole(value, environment)  # type: ignore[no-any-return]

    return evaluate


_WORD = re.compile(r"\s(or|xor|implies)\s")


def _split_top_level(expression: str) -> tuple[str | None, list[str]]:
    """``("or", parts)`` for ``A or B or C`` at the top level, ``("implies", [A, B])`` for ``A implies B``,
    ``(None, [])`` otherwise (an ``xor`` at the top level, or nothing to split)."""
    depth = 0
    quote = ""
    cuts: list[tuple[int, int, str]] = []
    index = 0
    while index < len(expression):
        char = expression[index]
        if quote:
            if char == "\\":
                index += 1
            elif char == quote:
                quote = ""
        elif char in "'`":
            quote = char
        elif char in "([{":
            depth += 1
        elif char in ")]}":
            depth -= 1
        elif depth == 0 and char.isspace():
            found = _WORD.match(expression, index)
            if found:
                cuts.append((found.start(), found.end() - 1, found.group(1)))
                index = found.end() - 1
                continue
        index += 1
    words = {word for _s, _e, word in cuts}
    if not cuts or "xor" in words or words == {"or", "implies"} or (words == {"implies"} and len(cuts) > 1):
        return None, []
    parts: list[str] = []
    start = 0
    for begin, end, _word in cuts:
        parts.append(expression[start:begin].strip())
        start = end
    parts.append(expression[start:].strip())
    return cuts[0][2], parts


def _compile(expression: str, element_path: str, base_type: str = "", fast: bool = True) -> Any:
    tree = parsed(expression)
    if isinstance(tree, str):
        return tree
    slow = _fhirpathpy_evaluator(tree, base_type)
    if not fast:
        return slow
    try:
        closure = fhirpath.compile(expression, element_path or None)
    except fhirpath.Unsupported:
        return slow
    return fhirpath.with_fallback(closure, slow)


def _fhirpathpy_evaluator(tree: Any, base_type: str) -> Callable[[Any, Any], Any]:
    """fhirpathpy's evaluator of a parsed expression, made on its first evaluation (most expressions are answered
    by the closure compiler alone, so fhirpathpy is often not loaded at all)."""
    made: list[Callable[[Any, Any], Any]] = []

    def slow(value: Any, environment: Any = None) -> Any:
        if not made:
            made.append(_fhirpathpy_compile(tree, base_type))
        return made[0](value, environment)

    return slow


def _fhirpathpy_compile(tree: Any, base_type: str) -> Callable[[Any, Any], Any]:
    """What ``fhirpathpy.compile`` gives for the expression whose syntax tree is ``tree``."""
    from fhirpathpy import apply_parsed_path
    from fhirpathpy.engine.nodes import ResourceNode
    from fhirpathpy.engine.util import set_paths
    from fhirpathpy.models import models

    # fhirpathpy.compile(expression, model) is set_paths(apply_parsed_path, parse(expression), model)
    untyped: Callable[[Any, Any], Any] = set_paths(apply_parsed_path, tree, models["r4"])  # type: ignore[no-untyped-call]
    if not base_type:
        return untyped
    create_node: Callable[[Any, str], Any] = ResourceNode.create_node

    def typed(value: Any, environment: Any = None) -> Any:
        return untyped(create_node(value, base_type), environment)

    return typed


# ---------------------------------------------------------------- parsed expressions, kept in the per-user cache

# fhirpathpy's syntax trees (plain JSON data) by expression, or the message of the error parsing it raised. Parsing
# with fhirpathpy's ANTLR parser costs about 10 ms an expression, most of a run's start-up, and its result depends
# only on the expression and the parser, so the trees are kept in the per-user cache (``dastandard._cache``) as
# ``fhirpath.json``, keyed by the dastandard, Python and fhirpathpy versions; ``save_parsed`` writes the new ones.
_CACHE_NAME = "fhirpath.json"
_CACHE_FORMAT = "1"
_parsed: dict[str, Any] | None = None
_unsaved: dict[str, Any] = {}


def _cache_key() -> str:
    """The cache key: the toolchain, and the installed parser's version (read without importing it; the file's
    modification time when it states none). Not its location, so environments with the same parser share the
    file instead of replacing each other's."""
    origin = version = ""
    with contextlib.suppress(OSError, ValueError, ImportError):
        spec = importlib.util.find_spec("fhirpathpy")
        origin = spec.origin if spec is not None and spec.origin else ""
        text = Path(origin).read_text(encoding="utf-8")
        found = re.search(r"^__version__\s*=\s*[\"']([^\"']+)", text, re.MULTILINE)
        version = found.group(1) if found else str(Path(origin).stat().st_mtime_ns)
    return _cache.toolchain_key("fhirpath", _CACHE_FORMAT, version)


def parsed(expression: str) -> Any:
    """fhirpathpy's syntax tree of ``expression`` (a dict), or a message (``"ErrorType: detail"``) when fhirpathpy
    cannot parse it; from the per-user cache when it has it."""
    global _parsed
    if _parsed is None:
        stored = _cache.read(_CACHE_NAME, _cache_key())
        _parsed = stored if isinstance(stored, dict) else {}
    entry = _parsed.get(expression)
    if isinstance(entry, dict) and len(entry) == 1:
        if isinstance(entry.get("tree"), dict):
            return entry["tree"]
        if isinstance(entry.get("error"), str):
            return entry["error"]
    try:
        from fhirpathpy.parser import parse

        entry = {"tree": parse(expression)}  # type: ignore[no-untyped-call]
    except Exception as exc:
        entry = {"error": f"{type(exc).__name__}: {exc}"}
    _parsed[expression] = _unsaved[expression] = entry
    return entry.get("tree", entry.get("error"))


def save_parsed() -> None:
    """Write the expressions parsed in this process since the last save to the per-user cache (merged with what
    it holds); does nothing when there are none, and never raises."""
    if not _unsaved:
        return
    key = _cache_key()
    stored = _cache.read(_CACHE_NAME, key)
    merged = stored if isinstance(stored, dict) and len(stored) < _MAX_CACHED else {}
    merged.update(_unsaved)
    _unsaved.clear()
    _cache.write(_CACHE_NAME, key, merged)


# Past this many expressions the cache file is started afresh (packages that came and went leave theirs behind).
_MAX_CACHED = 20_000
