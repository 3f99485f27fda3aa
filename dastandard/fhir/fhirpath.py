"""FHIRPath invariants compiled to Python closures (the fast path of the profile layer's DA2014/DA2015 checks).

``compile(expression, element_path)`` parses an expression once (hand-written tokenizer and Pratt parser, FHIRPath
precedence) and turns it into nested closures over plain JSON dicts and lists: evaluating one allocates only the
result lists. The results are those of fhirpathpy with the R4 model, the engine the profile layer otherwise uses,
including its collection and empty-propagation rules, its three-valued logic, its choice-type resolution
(``value`` finds ``valueX``; ``ofType(T)`` keeps the choices whose R4 type is ``T``) and its quirks (equality
compares the first items of equally long collections; ``where`` keeps an item when the criterion's first result is
truthy).

Error policy: anything outside the supported subset raises :class:`Unsupported` when compiling (callers then use
fhirpathpy for that expression). At run time a compiled function raises :class:`Defer` (or another exception, for
example a ``TypeError`` on ordering two objects) whenever its answer could differ from fhirpathpy's: primitive
``_element`` extensions, JSON nulls in arrays, nested resources, several ``valueX`` keys, non-singleton operands,
type mismatches. :func:`with_fallback` answers those evaluations with fhirpathpy, so results (and error messages)
never depend on which path ran.
"""

from __future__ import annotations

import contextlib
import importlib.util
import numbers
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import orjson

Fn = Callable[[list[Any]], list[Any]]

__all__ = ["Defer", "Unsupported", "compile", "with_fallback"]


class Unsupported(Exception):  # noqa: N818 - the name callers catch
    """The expression uses a construct the compiler does not handle (raised at compile time only)."""


class Defer(Exception):  # noqa: N818 - a decision, not an error
    """This evaluation is left to fhirpathpy (raised at run time; the compiled function stays usable)."""


# ------------------------------------------------------------------ tokenizer

_TOKEN = re.compile(
    r"""
    (?P<ws>\s+|//[^\r\n]*|/\*.*?\*/)
  | (?P<str>'(?:[^'\\]|\\.)*')
  | (?P<delim>`(?:[^`\\]|\\.)*`)
  | (?P<num>[0-9]+(?:\.[0-9]+)?)
  | (?P<id>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<var>\$[A-Za-z]+)
  | (?P<op>!=|!~|<=|>=|[-+*/&|=~<>().,\[\]{}%@])
    """,
    re.VERBOSE | re.DOTALL,
)
_KEYWORD_OPS = frozenset(["and", "or", "xor", "implies", "mod", "div", "in", "contains", "is", "as"])
# binding power of infix operators (FHIRPath grammar, loosest first)
_INFIX = {
    "implies": 1,
    "or": 2,
    "xor": 2,
    "and": 3,
    "in": 4,
    "contains": 4,
    "=": 5,
    "~": 5,
    "!=": 5,
    "!~": 5,
    "<": 6,
    ">": 6,
    "<=": 6,
    ">=": 6,
    "|": 7,
    "is": 8,
    "as": 8,
    "+": 9,
    "-": 9,
    "&": 9,
    "*": 10,
    "/": 10,
    "div": 10,
    "mod": 10,
}
_UNARY = 11


def _tokens(text: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    pos = 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None:
            raise Unsupported(f"unexpected character {text[pos]!r} at {pos}")
        pos = m.end()
        kind = m.lastgroup or ""
        if kind != "ws":
            out.append((kind, m.group()))
    out.append(("eof", ""))
    return out


def _string_literal(text: str) -> str:
    # the unescaping of fhirpathpy's string_literal, step by step
    rtn = re.sub(r"^['\"]|['\"]$", "", text)
    for escaped, plain in (("\\'", "'"), ("\\`", "`"), ('\\"', '"'), ("\\r", "\r"), ("\\n", "\n")):
        rtn = rtn.replace(escaped, plain)
    for escaped, plain in (("\\t", "\t"), ("\\f", "\f"), ("\\\\", "\\")):
        rtn = rtn.replace(escaped, plain)
    return re.sub(r"\\(u\d{4})", lambda m: chr(int(m.group(1)[1:], 16)), rtn)


def _number_literal(text: str) -> int | Decimal:
    number = Decimal(text)
    return int(number) if number == int(number) else number


# -------------------------------------------------------------------- parser
# AST: ("lit", value) | ("this",) | ("member", name, input | None) | ("call", name, args, input | None)
#      | ("op", operator, left, right)


class _Parser:
    def __init__(self, text: str) -> None:
        self.toks = _tokens(text)
        self.i = 0

    def peek(self) -> tuple[str, str]:
        return self.toks[self.i]

    def take(self) -> tuple[str, str]:
        tok = self.toks[self.i]
        self.i += 1
        return tok

    def expect(self, text: str) -> None:
        kind, value = self.take()
        if kind != "op" or value != text:
            raise Unsupported(f"expected {text!r}, found {value!r}")

    def parse(self) -> tuple[Any, ...]:
        node = self.expression(0)
        if self.peek()[0] != "eof":
            raise Unsupported(f"unexpected {self.peek()[1]!r}")
        return node

    def infix(self) -> str | None:
        kind, value = self.peek()
        if (kind == "op" and value in _INFIX) or (kind == "id" and value in _KEYWORD_OPS):
            return value
        return None

    def expression(self, min_power: int) -> tuple[Any, ...]:
        left = self.unary()
        while True:
            op = self.infix()
            if op is None or _INFIX[op] <= min_power:
                return left
            self.take()
            right = self.expression(_INFIX[op])
            left = ("op", op, left, right)

    def unary(self) -> tuple[Any, ...]:
        kind, value = self.peek()
        if kind == "op" and value in ("+", "-"):
            self.take()
            operand = self.unary()
            if operand[0] != "lit" or not isinstance(operand[1], int | Decimal) or isinstance(operand[1], bool):
                raise Unsupported("unary sign on something other than a number literal")
            return ("lit", -operand[1] if value == "-" else operand[1])
        return self.postfix(self.term())

    def term(self) -> tuple[Any, ...]:
        kind, value = self.take()
        if kind == "str":
            return ("lit", _string_literal(value))
        if kind == "num":
            nxt = self.peek()
            if nxt[0] == "str" or (nxt[0] == "id" and nxt[1] not in _KEYWORD_OPS):
                raise Unsupported("quantity literals are not supported")
            return ("lit", _number_literal(value))
        if kind == "var":
            if value == "$this":
                return ("this",)
            raise Unsupported(f"{value} is not supported")
        if kind == "op" and value == "(":
            inner = self.expression(0)
            self.expect(")")
            return inner
        if kind == "id" and value in ("true", "false"):
            return ("lit", value == "true")
        if kind in ("id", "delim") and (
            kind == "delim" or value not in _KEYWORD_OPS or value in ("as", "contains", "in", "is")
        ):
            return self.invocation(value.replace("`", ""), None)
        raise Unsupported(f"unexpected {value!r}")

    def invocation(self, name: str, input_node: tuple[Any, ...] | None) -> tuple[Any, ...]:
        if self.peek() == ("op", "("):
            self.take()
            args: list[tuple[Any, ...]] = []
            if self.peek() != ("op", ")"):
                args.append(self.expression(0))
                while self.peek() == ("op", ","):
                    self.take()
                    args.append(self.expression(0))
            self.expect(")")
            return ("call", name, args, input_node)
        return ("member", name, input_node)

    def postfix(self, node: tuple[Any, ...]) -> tuple[Any, ...]:
        while True:
            kind, value = self.peek()
            if kind == "op" and value == ".":
                self.take()
                kind, value = self.take()
                if kind not in ("id", "delim"):
                    raise Unsupported(f"unexpected {value!r} after '.'")
                node = self.invocation(value.replace("`", ""), node)
            elif kind == "op" and value == "[":
                raise Unsupported("indexers are not supported")
            else:
                return node


def parse(expression: str) -> tuple[Any, ...]:
    """Parse ``expression`` into a tuple tree; :class:`Unsupported` for syntax outside the subset."""
    return _Parser(expression).parse()


# ---------------------------------------------------------------- R4 model


@cache
def _model() -> Mapping[str, Any]:
    """fhirpathpy's R4 model (``fhirpathpy.models.models["r4"]``), read from its JSON files without importing
    fhirpathpy (whose parser takes longer to import than a run of one small file takes to check)."""
    spec = importlib.util.find_spec("fhirpathpy")
    with contextlib.suppress(OSError, ValueError, TypeError):
        for location in (spec.submodule_search_locations or []) if spec is not None else []:
            folder = Path(location) / "models" / "r4"
            files = sorted(folder.glob("*.json"))
            if files:
                return {f.stem: orjson.loads(f.read_bytes()) for f in files}
    from fhirpathpy.models import models

    model: Mapping[str, Any] = models["r4"]
    return model


def _is_type(name: str, super_type: str) -> bool:
    """fhirpathpy's TypeInfo.is_type walk (used when it has a model set)."""
    model = _model()
    current: str | None = name
    for _ in range(64):
        if not current:
            return False
        if current == super_type:
            return True
        current = model["type2Parent"].get(current) or model["path2Type"].get(current)
    raise Unsupported(f"type hierarchy of {name} does not end")


def _type_matches(path: str, type_name: str) -> bool:
    """Whether a node typed ``path`` passes ``ofType(type_name)``; Unsupported when fhirpathpy's answer would depend
    on its global model state or on the data."""
    if path.startswith("System."):
        return path[len("System.") :] == type_name
    if "." in path:
        raise Unsupported(f"ofType on a {path} element")
    plain = path == type_name
    if plain != _is_type(path, type_name):
        raise Unsupported(f"ofType({type_name}) on {path} depends on the engine's model state")
    return plain


def _is_resource(name: str) -> bool:
    try:
        return name not in ("Resource", "DomainResource") and _is_type(name, "Resource")
    except Unsupported:
        return False


# ---------------------------------------------------------------- compiler


@dataclass(frozen=True)
class _Shape:
    """What a sub-expression yields, known at compile time.

    kind: ``root`` (the raw input of the expression), ``rnode`` (the input after a type filter), ``node``
    (elements reached by navigation, typed ``path``),
    ``choice`` (elements of a choice type; ``choices`` maps each suffix to its type path), ``resource`` (nested
    resources) or ``value`` (values computed by the expression). ``plain`` says the values need no conversion on
    the way out (booleans, integers, strings, Decimals).
    """

    kind: str
    path: str | None = None
    choices: tuple[tuple[str, str], ...] = ()
    plain: bool = False


_VALUE = _Shape("value", plain=True)
_DATE_PATHS = frozenset(["date", "dateTime", "time"])
_INT_RE = re.compile(r"^[+-]?\d+$")  # fhirpathpy's intRegex (Unicode digits, $ before a final newline)


def _data(value: Any) -> Any:
    return Decimal(str(value)) if isinstance(value, float) else value


def _is_number(value: Any) -> bool:
    if type(value) is int:  # the usual case, without the isinstance checks
        return True
    return isinstance(value, int | Decimal | complex) and not isinstance(value, bool)


def _wrapped(shape: _Shape) -> bool:
    return shape.kind in ("node", "rnode", "choice", "resource")


@dataclass(frozen=True)
class _Scope:
    focus: _Shape  # shape of the collection the expression starts from
    this_ok: bool  # whether $this is the focus here (inside criteria and operator operands)
    arithmetic: bool = False  # the value feeds + or - (date-typed strings would be converted by fhirpathpy)


class _Compiler:
    def __init__(self, short_circuit: bool = True) -> None:
        self.short_circuit = short_circuit

    def compile(self, node: tuple[Any, ...], scope: _Scope) -> tuple[Fn, _Shape]:
        tag = node[0]
        if tag == "lit":
            value = node[1]
            return (lambda xs: [value]), _VALUE
        if tag == "this":
            if not scope.this_ok:
                raise Unsupported("$this outside criteria and operands")
            return (lambda xs: xs), scope.focus
        if tag == "member":
            return self.member(node[1], node[2], scope)
        if tag == "call":
            return self.call(node[1], node[2], node[3], scope)
        if tag == "op":
            return self.operator(node[1], node[2], node[3], scope)
        raise Unsupported(f"unknown node {tag}")  # pragma: no cover - parse() makes no other tags

    def input(self, node: tuple[Any, ...] | None, scope: _Scope) -> tuple[Fn | None, _Shape]:
        if node is None:
            return None, scope.focus
        return self.compile(node, scope)

    # ---- navigation

    def member(self, name: str, input_node: tuple[Any, ...] | None, scope: _Scope) -> tuple[Fn, _Shape]:
        inner, shape = self.input(input_node, scope)
        if shape.kind == "root" and name[0] == name[0].upper():  # fhirpathpy's is_capitalized
            if not name[0].isupper():
                raise Unsupported(f"member {name} on the input")
            return _chain(inner, _type_filter(name)), _Shape("rnode", name)
        step, out = self.navigate(name, shape, scope.arithmetic, None)
        return _chain(inner, step), out

    def navigate(self, name: str, shape: _Shape, arithmetic: bool, only: str | None) -> tuple[Fn, _Shape]:
        if shape.kind not in ("root", "rnode", "node") or name == "length":
            raise Unsupported(f"navigation to {name} from {shape.kind} values")
        model = _model()
        base = shape.path
        child = f"{base}.{name}" if base else f"_.{name}"
        child = model["pathsDefinedElsewhere"].get(child, child)
        check_resource = shape.kind == "node"
        types = model["choiceTypePaths"].get(child)
        if types:
            choices = tuple((t, model["path2Type"].get(child + t, child + t)) for t in types)
            deferred = {s for s, p in choices if p == "Quantity" or (arithmetic and p in _DATE_PATHS)}
            if only is None:
                return _choice_step(name, choices, None, deferred, check_resource), _Shape("choice", None, choices)
            allowed = {s for s, p in choices if _type_matches(p, only)}
            paths = {p for s, p in choices if s in allowed}
            if len(paths) > 1:
                raise Unsupported(f"ofType({only}) keeps several types")
            out = _Shape("node", paths.pop() if paths else None)
            return _choice_step(name, choices, allowed, deferred, check_resource), out
        if name == "extension":
            child = "Extension"
        child = model["path2Type"].get(child, child)
        if only is not None:
            raise Unsupported("ofType fused with a non-choice element")  # pragma: no cover - callers check
        if child in ("Resource", "DomainResource") or _is_resource(child):
            return _member_step(name, check_resource), _Shape("resource", child)
        if child == "Quantity" or (arithmetic and child in _DATE_PATHS):
            raise Unsupported(f"{child} values in comparisons or arithmetic")
        return _member_step(name, check_resource), _Shape("node", child)

    # ---- functions

    def call(
        self, name: str, args: list[tuple[Any, ...]], input_node: tuple[Any, ...] | None, scope: _Scope
    ) -> tuple[Fn, _Shape]:
        if name == "ofType":
            return self.of_type(args, input_node, scope)
        passes = name in ("where", "first")
        inner, shape = self.input(input_node, scope if passes else _Scope(scope.focus, scope.this_ok))
        if name in ("where", "all", "exists", "select") and args:
            if len(args) != 1:
                raise Unsupported(f"{name} with {len(args)} arguments")
            if shape.kind == "choice":
                raise Unsupported(f"{name} over choice values")
            crit, crit_shape = self.compile(args[0], _Scope(shape, True))
            quick = _quick_criterion(args[0], lambda member: self.plain_member(member, shape, scope))
            if name == "where":
                return _chain(inner, _where(crit, _wrapped(crit_shape), quick)), shape
            if name == "exists":
                return _chain(inner, _exists_where(crit, _wrapped(crit_shape), quick)), _VALUE
            if name == "select":
                return _chain(inner, _select(crit)), crit_shape
            return _chain(inner, _all(crit)), _VALUE
        simple = _SIMPLE.get(name)
        if simple is not None:
            if args:
                raise Unsupported(f"{name}() takes no arguments")
            return _chain(inner, simple), shape if name == "first" else _VALUE
        literal_args = [_literal_arg(name, arg) for arg in args]
        factory = _WITH_ARGS.get(name)
        if factory is None:
            raise Unsupported(f"function {name}() is not supported")
        return _chain(inner, factory(*literal_args)), _VALUE

    def plain_member(self, name: str, shape: _Shape, scope: _Scope) -> bool:
        """Whether ``name`` on items of ``shape`` is an element read by its own key (not a choice ``name[x]``)."""
        try:
            return self.navigate(name, shape, scope.arithmetic, None)[1].kind == "node"
        except Unsupported:
            return False

    def of_type(
        self, args: list[tuple[Any, ...]], input_node: tuple[Any, ...] | None, scope: _Scope
    ) -> tuple[Fn, _Shape]:
        if len(args) != 1 or args[0][0] != "member" or args[0][2] is not None:
            raise Unsupported("ofType needs one unqualified type name")
        type_name = args[0][1]
        if input_node is not None and input_node[0] == "member":
            inner, shape = self.input(input_node[2], scope)
            navigable = shape.kind in ("root", "rnode", "node")
            probe = self.navigate(input_node[1], shape, scope.arithmetic, None)[1] if navigable else None
            if probe is not None and probe.kind == "choice":
                step, out = self.navigate(input_node[1], shape, scope.arithmetic, type_name)
                return _chain(inner, step), out
        inner, shape = self.input(input_node, scope)
        if shape.kind != "node" or shape.path is None:
            raise Unsupported(f"ofType on {shape.kind} values")
        keep = _type_matches(shape.path, type_name)
        return _chain(inner, _keep_typed(keep)), shape

    # ---- operators

    def operator(self, op: str, left: tuple[Any, ...], right: tuple[Any, ...], scope: _Scope) -> tuple[Fn, _Shape]:
        arithmetic = op in ("+", "-")
        sub = _Scope(scope.focus, True, arithmetic)
        lf, ls = self.compile(left, sub)
        rf, rs = self.compile(right, sub)
        if op in _LOGIC:
            if not self.short_circuit and op != "xor":
                lf = _evaluating_both(lf, rf)
            return _LOGIC[op](lf, rf), _VALUE
        if op in ("=", "!="):
            return _equality(lf, rf, op == "!="), _VALUE
        if op in ("<", "<=", ">", ">="):
            return _ordering(lf, rf, op), _VALUE
        if arithmetic:
            strings = ls.kind == "value" and rs.kind == "value"
            return _additive(lf, rf, op == "-", strings), _VALUE
        if op in ("*", "/", "mod", "div"):
            return _multiplicative(lf, rf, op), _Shape("value", plain=op != "/")
        if op in ("in", "contains"):
            return _membership(lf, rf, op == "in"), _VALUE
        raise Unsupported(f"operator {op} is not supported")


# The steps behind each chained function, so a longer chain is one loop rather than a tower of nested calls.
_CHAINS: dict[Fn, tuple[Fn, ...]] = {}


def _chain(inner: Fn | None, step: Fn) -> Fn:
    if inner is None:
        return step
    steps = (*_CHAINS.get(inner, (inner,)), *_CHAINS.get(step, (step,)))
    if len(steps) == 2:
        first, second = steps
        chained: Fn = lambda xs: second(first(xs))  # noqa: E731 - a closure is the cheapest call here
    else:

        def chained(xs: list[Any]) -> list[Any]:
            for each in steps:
                xs = each(xs)
            return xs

    _CHAINS[chained] = steps
    return chained


def _literal_arg(name: str, arg: tuple[Any, ...]) -> Any:
    if arg[0] != "lit":
        raise Unsupported(f"{name}() with a non-literal argument")
    return arg[1]


# ---- runtime steps (closures; each takes and returns a collection)


def _type_filter(name: str) -> Fn:
    def step(xs: list[Any]) -> list[Any]:
        out = []
        for x in xs:
            if not isinstance(x, dict) or "resourceType" not in x:
                raise Defer("type filter on a value without resourceType")
            if x["resourceType"] == name:
                out.append(x)
        return out

    return step


def _member_step(name: str, check_resource: bool) -> Fn:
    under = "_" + name

    def step(xs: list[Any]) -> list[Any]:
        out: list[Any] = []
        for x in xs:
            if isinstance(x, dict):
                if under in x or (check_resource and "resourceType" in x):
                    raise Defer(name)
                v = x.get(name)
                if v is None:
                    continue
                if isinstance(v, list):
                    if None in v:
                        raise Defer(name)
                    out.extend(v)
                else:
                    out.append(v)
        return out

    return step


def _choice_step(
    name: str,
    choices: tuple[tuple[str, str], ...],
    allowed: set[str] | None,
    deferred: set[str],
    check_resource: bool,
) -> Fn:
    suffixes = frozenset(s for s, _ in choices)
    under = "_" + name
    size = len(name)
    keep = frozenset(allowed) if allowed is not None else None
    risky = frozenset(deferred) if keep is None else frozenset(deferred) & frozenset(allowed or ())

    def step(xs: list[Any]) -> list[Any]:
        out: list[Any] = []
        for x in xs:
            if not isinstance(x, dict):
                continue
            if check_resource and "resourceType" in x:
                raise Defer(name)
            found = None
            for key in x:
                if key.startswith(name):
                    if key[size:] in suffixes:
                        if found is not None:
                            raise Defer(f"several {name}[x]")
                        found = key
                elif key.startswith(under) and key[size + 1 :] in suffixes:
                    raise Defer(key)
            if found is None:
                continue
            v = x[found]
            if v is None:
                continue
            suffix = found[size:]
            if suffix in risky:
                raise Defer(found)
            if keep is not None and suffix not in keep:
                continue
            if isinstance(v, list):
                if None in v or any(isinstance(i, dict) and "resourceType" in i for i in v):
                    raise Defer(found)
                out.extend(v)
            else:
                if isinstance(v, dict) and "resourceType" in v:
                    raise Defer(found)
                out.append(v)
        return out

    return step


def _keep_typed(keep: bool) -> Fn:
    def step(xs: list[Any]) -> list[Any]:
        for x in xs:
            if isinstance(x, dict) and "resourceType" in x:
                raise Defer("ofType on a resource")
        return xs if keep else []

    return step


Quick = Callable[[dict[str, Any]], "bool | None"]


def _quick_criterion(node: tuple[Any, ...], plain: Callable[[str], bool]) -> Quick | None:
    """A direct test of one object for the commonest ``where`` criteria: ``member = 'text'``, ``member != 'text'``
    and ``and``/``or`` of those. It answers True (keep) or False (drop), or None when the object is not plain
    (a primitive extension, a nested resource, a non-string value), and the compiled criterion must decide.
    Only members that ``plain`` accepts are tested directly: a choice element (``value`` for ``valueString``) is
    not read by its own key."""
    if node[0] != "op":
        return None
    op, left, right = node[1], node[2], node[3]
    if op in ("and", "or"):
        first, second = _quick_criterion(left, plain), _quick_criterion(right, plain)
        if first is None or second is None:
            return None
        return _quick_join(first, second, op == "or")
    if op not in ("=", "!=") or left[0] != "member" or left[2] is not None or right[0] != "lit":
        return None
    name, literal, negate = left[1], right[1], op == "!="
    if not isinstance(literal, str) or not plain(name):
        return None
    under = "_" + name

    def test(x: dict[str, Any]) -> bool | None:
        if under in x or "resourceType" in x:
            return None
        v = x.get(name)
        if v is None:
            return False  # empty = 'text' is empty, which where() drops
        if type(v) is not str:
            return None
        equal: bool = v == literal
        return equal is not negate

    _COMPARISONS[test] = (name, literal, negate)
    return test


# The single comparisons among quick tests: test -> (member, literal, negated), so that ``where`` can run them inline.
_COMPARISONS: dict[Quick, tuple[str, str, bool]] = {}


def _quick_join(first: Quick, second: Quick, decisive: bool) -> Quick:
    """``and`` (``decisive`` False) or ``or`` (True) of two quick tests: either side giving ``decisive`` decides."""

    def test(x: dict[str, Any]) -> bool | None:
        a = first(x)
        if a is decisive:
            return decisive
        b = second(x)
        if b is decisive:
            return decisive
        return None if a is None or b is None else not decisive

    return test


def _where(crit: Fn, wrapped: bool, quick: Quick | None = None) -> Fn:
    if wrapped:
        return lambda xs: [x for x in xs if crit([x])]
    comparison = _COMPARISONS.get(quick) if quick is not None else None
    if comparison is not None:
        return _where_comparison(crit, *comparison)
    if quick is not None:

        def fast(xs: list[Any]) -> list[Any]:
            out = []
            for x in xs:
                if type(x) is dict:
                    keep = quick(x)
                    if keep is not None:
                        if keep:
                            out.append(x)
                        continue
                r = crit([x])
                if r and r[0]:
                    out.append(x)
            return out

        return fast

    def step(xs: list[Any]) -> list[Any]:
        out = []
        for x in xs:
            r = crit([x])
            if r and r[0]:
                out.append(x)
        return out

    return step


def _where_comparison(crit: Fn, name: str, literal: str, negate: bool) -> Fn:
    """``where`` with the quick test of one comparison (``member = 'text'`` or ``!=``) run inline: an object that
    test cannot decide (see ``_quick_criterion``) goes to the compiled criterion."""
    under = "_" + name

    def fast(xs: list[Any]) -> list[Any]:
        out = []
        for x in xs:
            if type(x) is dict and under not in x and "resourceType" not in x:
                v = x.get(name)
                if v is None:
                    continue  # empty = 'text' is empty, which where() drops
                if type(v) is str:
                    if (v == literal) is not negate:
                        out.append(x)
                    continue
            r = crit([x])
            if r and r[0]:
                out.append(x)
        return out

    return fast


def _exists_where(crit: Fn, wrapped: bool, quick: Quick | None = None) -> Fn:
    where = _where(crit, wrapped, quick)
    return lambda xs: [bool(where(xs))]


def _select(crit: Fn) -> Fn:
    def step(xs: list[Any]) -> list[Any]:
        out: list[Any] = []
        for x in xs:
            out.extend(crit([x]))
        return out

    return step


def _all(crit: Fn) -> Fn:
    def step(xs: list[Any]) -> list[Any]:
        for x in xs:
            r = crit([x])
            if not (len(r) == 1 and r[0] == True):  # noqa: E712 - fhirpathpy's is_true (1 == True)
                return [False]
        return [True]

    return step


def _singleton_string(xs: list[Any]) -> str:
    if len(xs) == 1 and isinstance(xs[0], str):
        return xs[0]
    raise Defer("expected a single string")


def _not(xs: list[Any]) -> list[Any]:
    if len(xs) != 1:
        return []
    v = xs[0]
    return [not v] if isinstance(v, bool) else [False]


def _first(xs: list[Any]) -> list[Any]:
    return xs[:1]


def _length(xs: list[Any]) -> list[Any]:
    return [len(_singleton_string(xs))] if xs else []


def _to_integer(xs: list[Any]) -> list[Any]:
    if len(xs) != 1:
        return []
    v = xs[0]
    if type(v) is str and len(v) == 1 and "0" <= v <= "9":  # one ASCII digit, the usual case
        return [ord(v) - 48]
    v = _data(v)
    if v is False:
        return [0]
    if v is True:
        return [1]
    if _is_number(v):
        return [v] if int(v) == v else []
    if isinstance(v, str) and _INT_RE.match(v) is not None:
        return [int(v)]
    return []


_SIMPLE: dict[str, Fn] = {
    "exists": lambda xs: [bool(xs)],
    "empty": lambda xs: [not xs],
    "count": lambda xs: [len(xs)],
    "not": _not,
    "first": _first,
    "length": _length,
    "toInteger": _to_integer,
}


def _matches(regex: Any) -> Fn:
    if not isinstance(regex, str):
        raise Unsupported("matches() needs a string")
    if not regex:
        return lambda xs: []
    try:
        pattern = re.compile(regex, re.DOTALL)
    except re.error as exc:
        raise Unsupported(f"matches(): {exc}") from exc
    return lambda xs: [pattern.search(_singleton_string(xs)) is not None] if xs else []


def _starts_with(prefix: Any) -> Fn:
    if not isinstance(prefix, str):
        raise Unsupported("startsWith() needs a string")

    def step(xs: list[Any]) -> list[Any]:
        if not xs:
            return []
        string = _singleton_string(xs)
        return [bool(string) and string.startswith(prefix)]

    return step


def _contains_string(substring: Any) -> Fn:
    if not isinstance(substring, str):
        raise Unsupported("contains() needs a string")
    return lambda xs: [substring in _singleton_string(xs)] if xs else []


def _substring(start: Any, length: Any = None) -> Fn:
    for arg in (start, length):
        if arg is not None and (isinstance(arg, bool) or not isinstance(arg, int)):
            raise Unsupported("substring() needs integer literals")

    def step(xs: list[Any]) -> list[Any]:
        if not xs:
            return []
        string = _singleton_string(xs)
        if start < 0 or start >= len(string):
            return []
        return [string[start:] if length is None else string[start : start + length]]

    return step


_WITH_ARGS: dict[str, Callable[..., Fn]] = {
    "matches": _matches,
    "startsWith": _starts_with,
    "contains": _contains_string,
    "substring": _substring,
}


def _truth(r: list[Any]) -> bool | None:
    if not r:
        return None
    if len(r) > 1:
        raise Defer("boolean operand is a collection")
    v = r[0]
    if v is True or v is False:
        return v
    raise Defer("boolean operand is not a boolean")


# ``and``, ``or`` and ``implies`` do not evaluate the right operand when the left one decides the result, as the
# HL7 validator's FHIRPath engine does; an error the right operand would have raised is then not seen. Compiled
# with ``short_circuit=False`` both operands are always evaluated, left first, as fhirpathpy does.


def _evaluating_both(lf: Fn, rf: Fn) -> Fn:
    """``lf``, after which ``rf`` is evaluated too, for its errors only."""

    def step(xs: list[Any]) -> list[Any]:
        result = lf(xs)
        rf(xs)
        return result

    return step


def _connective(left_stops: bool, right_stops: bool, result: bool) -> Callable[[Fn, Fn], Fn]:
    """A short-circuit connective: a left (else right) operand equal to its stop value gives ``result``; two
    other booleans give ``not result``; an empty operand gives empty."""

    def make(lf: Fn, rf: Fn) -> Fn:
        def step(xs: list[Any]) -> list[Any]:
            a = _truth(lf(xs))
            if a is left_stops:
                return [result]
            b = _truth(rf(xs))
            if b is right_stops:
                return [result]
            return [] if a is None or b is None else [not result]

        return step

    return make


def _xor(lf: Fn, rf: Fn) -> Fn:
    def step(xs: list[Any]) -> list[Any]:
        a = _truth(lf(xs))
        b = _truth(rf(xs))
        return [] if a is None or b is None else [a != b]

    return step


_LOGIC: dict[str, Callable[[Fn, Fn], Fn]] = {
    "and": _connective(False, False, False),
    "or": _connective(True, True, True),
    "xor": _xor,
    "implies": _connective(False, True, True),
}


def _equality(lf: Fn, rf: Fn, negate: bool) -> Fn:
    def step(xs: list[Any]) -> list[Any]:
        a = lf(xs)
        b = rf(xs)
        if not a or not b:
            return []
        if len(a) != len(b):
            return [negate]
        return [(a[0] == b[0]) != negate]

    return step


def _ordering(lf: Fn, rf: Fn, op: str) -> Fn:
    compare: Callable[[Any, Any], bool] = {
        "<": lambda x, y: x < y,
        "<=": lambda x, y: x <= y,
        ">": lambda x, y: x > y,
        ">=": lambda x, y: x >= y,
    }[op]

    def step(xs: list[Any]) -> list[Any]:
        a = lf(xs)
        b = rf(xs)
        if not a or not b:
            return []
        if len(a) > 1 or len(b) > 1:
            raise Defer("comparison of collections")
        x = _data(a[0])
        y = _data(b[0])
        if type(x) is not type(y) and not (_is_number(x) and _is_number(y)):
            raise Defer("comparison of different types")
        return [compare(x, y)]

    return step


def _additive(lf: Fn, rf: Fn, minus: bool, strings: bool) -> Fn:
    def step(xs: list[Any]) -> list[Any]:
        a = lf(xs)
        b = rf(xs)
        if not a or not b:
            return []
        if len(a) != 1 or len(b) != 1:
            raise Defer("arithmetic on collections")
        x = _data(a[0])
        y = _data(b[0])
        if _is_number(x) and _is_number(y):
            return [x - y if minus else x + y]
        if strings and not minus and isinstance(x, str) and isinstance(y, str):
            return [x + y]
        raise Defer("arithmetic on non-numbers")

    return step


def _number_operand(r: list[Any]) -> Any:
    if len(r) == 1 and type(r[0]) is int:  # the usual case (an int is its own _data, and a number)
        return r[0]
    if len(r) > 1:
        raise Defer("number operand is a collection")
    if not r:
        return None
    v = _data(r[0])
    if not isinstance(v, numbers.Number):
        raise Defer("operand is not a number")
    return v


def _multiplicative(lf: Fn, rf: Fn, op: str) -> Fn:
    def step(xs: list[Any]) -> list[Any]:
        x = _number_operand(lf(xs))
        y = _number_operand(rf(xs))
        if x is None or y is None:
            return []
        if op == "*":
            return [x * y]
        if y == 0:
            return []
        if op == "/":
            return [x / y]
        if op == "mod":
            return [x % y]
        return [int(x / y)]

    return step


def _membership(lf: Fn, rf: Fn, is_in: bool) -> Fn:
    def step(xs: list[Any]) -> list[Any]:
        a = lf(xs)
        b = rf(xs)
        item, collection = (a, b) if is_in else (b, a)
        if not item:
            return []
        if not collection:
            return [False]
        if len(item) > 1:
            raise Defer("membership of a collection")
        return [item[0] in collection]

    return step


def _export(value: Any) -> Any:
    """fhirpathpy's output conversion: floats become Decimals, extension-only objects leave collections."""
    if isinstance(value, list):
        out = []
        for item in value:
            converted = _export(item)
            if isinstance(converted, dict) and list(converted) == ["extension"]:
                continue
            out.append(converted)
        return out
    if isinstance(value, dict):
        return {key: _export(item) for key, item in value.items()}
    return _data(value)


# ------------------------------------------------------------------ public API


def compile(
    expression: str, element_path: str | None = None, *, short_circuit: bool = True
) -> Callable[[Any], list[Any]]:
    """Compile ``expression`` to ``f(value) -> list``, the result fhirpathpy (R4 model) gives for ``value``.

    ``element_path`` is the path of the element the expression is evaluated on (``Patient``, ``Extension``,
    ``Observation.component``); for resource types it selects the type the expression is compiled for first, other
    types are compiled on first sight. Raises :class:`Unsupported` when the expression is outside the subset;
    the returned function raises :class:`Defer` (or another exception) when it leaves an evaluation to fhirpathpy.
    With ``short_circuit`` (the default) ``and``, ``or`` and ``implies`` skip a right operand the left one makes
    irrelevant, so an error there is not raised where fhirpathpy would raise it.
    """
    tree = parse(expression)
    compiler = _Compiler(short_circuit)
    variants: dict[str | None, Callable[[list[Any]], list[Any]] | None] = {}

    def build(root_type: str | None) -> Callable[[list[Any]], list[Any]] | None:
        try:
            fn, shape = compiler.compile(tree, _Scope(_Shape("root", root_type), False))
        except Unsupported:
            if root_type == guess:
                raise
            return None
        if shape.plain:
            return fn
        return lambda xs: list(_export(fn(xs)))

    guess = element_path if element_path and "." not in element_path and _is_resource(element_path) else None
    variants[guess] = build(guess)

    def run(value: Any) -> list[Any]:
        root_type = value.get("resourceType") if isinstance(value, dict) else None
        fn = variants.get(root_type)
        if fn is None:
            if root_type in variants:
                raise Defer("expression not supported for this type")
            if root_type is not None and not isinstance(root_type, str):
                raise Defer("resourceType is not a string")
            fn = variants[root_type] = build(root_type)
            if fn is None:
                raise Defer("expression not supported for this type")
        if isinstance(value, list):
            return fn(value)
        return fn([] if value is None else [value])

    return run


def with_fallback(
    fast: Callable[[Any], list[Any]], slow: Callable[[Any, Any], list[Any]]
) -> Callable[[Any, Any], list[Any]]:
    """``slow``'s signature (value, environment) answered by ``fast``; any exception from ``fast`` hands that
    evaluation to ``slow``, whose result or exception is what the caller sees."""

    def evaluate(value: Any, environment: Any = None) -> list[Any]:
        try:
            return fast(value)
        except Exception:
            return slow(value, environment)

    return evaluate
