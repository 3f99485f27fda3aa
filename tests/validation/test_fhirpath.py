"""The FHIRPath closure compiler against fhirpathpy: operator semantics, the shipped invariants, mutated records."""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import fhirpathpy
import pytest
from fhirpathpy.models import models
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dastandard.fhir import fhirpath
from dastandard.validation.profile import _compile_fhirpath

ROOT = Path(__file__).resolve().parents[2]
SENTINEL = object()


def _invariants() -> list[tuple[str, str, str, str]]:
    found = []
    for path in sorted((ROOT / "profiles" / "generated" / "StructureDefinition").glob("*.json")):
        sd = json.loads(path.read_text(encoding="utf-8"))
        for element in sd.get("differential", {}).get("element", []):
            for constraint in element.get("constraint", []):
                if constraint.get("expression"):
                    found.append((sd["type"], element["path"], constraint["key"], constraint["expression"]))
    return found


def _resources() -> list[dict[str, Any]]:
    out = []
    files = sorted((ROOT / "examples" / "fhir").glob("*.json")) + sorted(
        (ROOT / "tests" / "validation" / "data").glob("*.json")
    )
    for path in files:
        bundle = json.loads(path.read_text(encoding="utf-8"))
        out.append(bundle)
        out.extend(e["resource"] for e in bundle.get("entry", []) if isinstance(e.get("resource"), dict))
    return out


INVARIANTS = _invariants()
RESOURCES = _resources()
SLOW = {expr: fhirpathpy.compile(expr, models["r4"]) for *_, expr in INVARIANTS}
# FAST evaluates every operand, as fhirpathpy does; SHORT is what the profile layer runs (and/or/implies skip a
# right operand the left one decides), which must agree with FAST wherever FAST gives a result.
FAST = {expr: fhirpath.compile(expr, path, short_circuit=False) for _, path, _, expr in INVARIANTS}
SHORT = {expr: fhirpath.compile(expr, path) for _, path, _, expr in INVARIANTS}


def _outcome(fn: Callable[[], Any]) -> Any:
    try:
        return fn()
    except Exception as exc:
        return ("error", type(exc).__name__, re.sub(r" at 0x[0-9a-f]+", "", str(exc)))  # fhirpathpy shows addresses


def _agree(expr: str, resource: Any) -> bool:
    """Assert the compiled function matches fhirpathpy (or declines); return whether it declined."""
    slow = SLOW.get(expr) or fhirpathpy.compile(expr, models["r4"])
    root = resource.get("resourceType") if isinstance(resource, dict) else None
    fast = FAST.get(expr) or fhirpath.compile(expr, root, short_circuit=False)
    short = SHORT.get(expr) or fhirpath.compile(expr, root)
    expected = _outcome(lambda: slow(copy.deepcopy(resource), {}))
    got = _outcome(lambda: fast(resource))
    combined = _outcome(lambda: fhirpath.with_fallback(fast, slow)(resource, {}))
    assert combined == expected, (expr, resource)
    if isinstance(got, tuple):
        return True
    assert got == expected, (expr, resource)
    assert _outcome(lambda: short(resource)) == got, (expr, resource)
    return False


# ------------------------------------------------------------ shipped invariants


def test_all_shipped_invariants_compile_without_fallback() -> None:
    assert len(INVARIANTS) >= 18
    for _, path, key, expr in INVARIANTS:
        evaluator = _compile_fhirpath(expr, path)
        assert getattr(evaluator, "__module__", None) == fhirpath.__name__, key


@pytest.mark.parametrize(("rtype", "path", "key", "expr"), INVARIANTS, ids=[i[2] for i in INVARIANTS])
def test_shipped_invariant_matches_fhirpathpy_on_examples(rtype: str, path: str, key: str, expr: str) -> None:
    applicable = [r for r in RESOURCES if r.get("resourceType") == rtype]
    assert applicable, key
    declined = [r.get("id") for r in applicable if _agree(expr, r)]
    assert declined == [], f"{key} left {declined} to fhirpathpy"


TYPES = sorted({rtype for rtype, *_ in INVARIANTS})
POOL = [r for r in RESOURCES if r.get("resourceType") in TYPES]
WORDS = [
    "not-a-victim",
    "s3-child-victim",
    "person-causing-harm",
    "basis",
    "related-to",
    "not-victim-reason",
    "retraction",
    "yes",
    "no",
    "finished",
    "active",
    "R",
    "V",
    "U",
    "SDV",
    "seen",
    "seenAlone",
    "spokenWith",
    "https://fhir.nhs.uk/Id/nhs-number",
    "urn:uuid:0b8f6c1e-7a51-4c11-9e0b-6a2c2b9d1f00",
    "http://example.org/x",
    "",
]
LEAF = st.one_of(
    st.booleans(),
    st.integers(-3, 40),
    st.sampled_from(WORDS),
    st.text("0123456789", min_size=9, max_size=11),
    st.floats(allow_nan=False, allow_infinity=False, width=16),
)


def _slots(obj: Any, out: list[tuple[Any, Any]]) -> list[tuple[Any, Any]]:
    if isinstance(obj, dict):
        for key, value in obj.items():
            out.append((obj, key))
            _slots(value, out)
    elif isinstance(obj, list):
        for index, value in enumerate(obj):
            out.append((obj, index))
            _slots(value, out)
    return out


@st.composite
def mutated(draw: st.DrawFn) -> dict[str, Any]:
    resource = copy.deepcopy(draw(st.sampled_from(POOL)))
    for _ in range(draw(st.integers(1, 4))):
        slots = _slots(resource, [])
        if not slots:
            break
        holder, key = draw(st.sampled_from(slots))
        value = holder[key]
        action = draw(st.sampled_from(["delete", "replace", "flip", "duplicate", "listify", "underscore", "rename"]))
        if action == "delete":
            del holder[key]
        elif action == "flip" and isinstance(value, bool):
            holder[key] = not value
        elif action == "duplicate" and isinstance(holder, list):
            holder.append(copy.deepcopy(value))
        elif action == "listify" and isinstance(holder, dict):
            holder[key] = [value] if not isinstance(value, list) else value[:1]
        elif action == "underscore" and isinstance(holder, dict) and isinstance(key, str):
            holder["_" + key] = {"extension": [{"url": "http://example.org/x", "valueBoolean": True}]}
        elif action == "rename" and isinstance(holder, dict) and isinstance(key, str) and key.startswith("value"):
            holder[draw(st.sampled_from(["valueBoolean", "valueInteger", "valueString", "valueCodeableConcept"]))] = (
                holder.pop(key)
            )
        else:
            holder[key] = draw(LEAF)
    return resource


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(resource=mutated())
def test_shipped_invariants_match_fhirpathpy_on_mutated_records(resource: dict[str, Any]) -> None:
    rtype = resource.get("resourceType")
    for other_type, _, _, expr in INVARIANTS:
        if other_type == rtype:
            _agree(expr, resource)


def test_nhs_number_checksum_on_random_digits() -> None:
    expr = next(e for _, _, key, e in INVARIANTS if key == "da-nhs-1")
    results = set()
    for n in range(0, 10**10, 7_919_333_3):
        value = f"{n:010d}"
        patient = {
            "resourceType": "Patient",
            "identifier": [{"system": "https://fhir.nhs.uk/Id/nhs-number", "value": value}],
        }
        _agree(expr, patient)
        results.add(FAST[expr](patient)[0])
    assert results == {True, False}


# ------------------------------------------------------------ operator semantics

BASIC = {
    "resourceType": "Basic",
    "id": "b1",
    "text": {"status": "generated"},
    "identifier": [{"system": "s", "value": "9434765919"}, {"system": "t", "value": "abc"}],
    "extension": [
        {"url": "flag", "valueBoolean": True},
        {"url": "n", "valueInteger": 7},
        {"url": "d", "valueDecimal": 2.5},
        {"url": "cc", "valueCodeableConcept": {"coding": [{"system": "x", "code": "y"}]}},
        {"url": "when", "valueDateTime": "2024-01-02"},
    ],
}


def check(expr: str, expected: Any, resource: Any = None) -> None:
    resource = BASIC if resource is None else resource
    fast = fhirpath.compile(expr, "Basic")
    assert fast(resource) == expected, expr
    assert fhirpathpy.evaluate(copy.deepcopy(resource), expr, model=models["r4"]) == expected, expr


T, F, E = "true", "false", "missing"
IMPLIES = {(T, T): [True], (T, F): [False], (T, E): [], (F, T): [True], (F, F): [True], (F, E): [True]}
IMPLIES |= {(E, T): [True], (E, F): [], (E, E): []}


@pytest.mark.parametrize(("a", "b"), list(IMPLIES))
def test_implies_truth_table(a: str, b: str) -> None:
    check(f"{a} implies {b}", IMPLIES[(a, b)])


@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        ("true and missing", []),
        ("false and missing", [False]),
        ("true or missing", [True]),
        ("false or missing", []),
        ("true xor false", [True]),
        ("true xor missing", []),
        ("missing = 1", []),
        ("missing != 1", []),
        ("identifier.value = 'x'", [False]),
        ("identifier.system = ('s')", [False]),
        ("identifier.first().system = 's'", [True]),
        ("missing.exists()", [False]),
        ("missing.empty()", [True]),
        ("missing.count()", [0]),
        ("identifier.count()", [2]),
        ("missing.all(false)", [True]),
        ("identifier.all(value.exists())", [True]),
        ("identifier.where(system = 't').value", ["abc"]),
        ("identifier.exists(system = 'u')", [False]),
        ("identifier.select(system)", ["s", "t"]),
        ("missing.not()", []),
        ("(1 = 1).not()", [False]),
        ("7 mod 3", [1]),
        ("-7 mod 3", [2]),
        ("7 mod 0", []),
        ("7 div 2", [3]),
        ("7 div 0", []),
        ("2 * 3 + 1", [7]),
        ("1 + 2 * 3", [7]),
        ("10 - 4 - 3", [3]),
        ("'ab' + 'c'", ["abc"]),
        ("1 < 2", [True]),
        ("2 <= 1", [False]),
        ("'b' > 'a'", [True]),
        ("3 >= 3", [True]),
        ("1 in identifier.count()", [False]),
        ("identifier.system contains 't'", [True]),
        ("'t' in identifier.system", [True]),
        ("'abc'.substring(1)", ["bc"]),
        ("'abc'.substring(1, 1)", ["b"]),
        ("'abc'.substring(1, 10)", ["bc"]),
        ("'abc'.substring(3)", []),
        ("'abc'.substring(-1)", []),
        ("''.substring(0)", []),
        ("missing.substring(0)", []),
        ("'abc'.length()", [3]),
        ("'abc'.startsWith('ab')", [True]),
        ("''.startsWith('a')", [False]),
        ("'abc'.contains('bc')", [True]),
        ("'12'.toInteger() + 1", [13]),
        ("'1.5'.toInteger()", []),
        ("true.toInteger()", [1]),
        ("'abc123'.matches('[0-9]+')", [True]),
        ("'abc123'.matches('^[0-9]+$')", [False]),
        ("'123'.matches('^[0-9]{3}$')", [True]),
        ("'a\\nb'.matches('a.b')", [True]),
        ("extension.where(url = 'flag').value = true", [True]),
        ("extension.where(url = 'n').value + 1 = 8", [True]),
        ("extension.where(url = 'n').value.ofType(Integer)", []),
        ("extension.where(url = 'cc').value.ofType(CodeableConcept).coding.code", ["y"]),
        ("extension.value.ofType(CodeableConcept).count()", [1]),
        ("extension.where(url = 'd').value * 2", [Decimal("5.0")]),
        ("extension.where(url = 'd').value", [Decimal("2.5")]),
        ("extension.where(url = 'when').value < '2025'", [True]),
        ("Basic.identifier.count()", [2]),
        ("Patient.identifier.count()", [0]),
        ("identifier.where($this.system = 's').exists()", [True]),
        ("text.status = 'generated' and `id` = 'b1'", [True]),
        ("1.0 = 1", [True]),
        ("-1.5 < 0", [True]),
        ("identifier.value.ofType(String)", []),
    ],
)
def test_semantics_match_fhirpathpy(expr: str, expected: Any) -> None:
    check(expr, expected)


def test_where_keeps_navigated_items_even_when_they_are_false() -> None:
    resource = {"resourceType": "Basic", "extension": [{"url": "a", "valueBoolean": False}]}
    check("extension.where(value).count()", [1], resource)
    check("extension.where(value = true).count()", [0], resource)
    check("extension.where(0).count()", [0], resource)


def test_short_circuit_skips_an_erroring_right_operand_only_when_the_left_decides() -> None:
    resource = {"resourceType": "Basic", "identifier": [{"value": "x"}], "extension": [{"url": "n", "valueInteger": 1}]}
    erroring = "(extension.value + 'a')"  # integer + string: fhirpathpy raises
    for expr, decided in [
        (f"false and {erroring} = 1", [False]),
        (f"true or {erroring} = 1", [True]),
        (f"false implies {erroring} = 1", [True]),
    ]:
        with pytest.raises(Exception):  # noqa: B017 - whatever fhirpathpy raises, it raises
            fhirpathpy.compile(expr, models["r4"])(resource, {})
        assert fhirpath.compile(expr, "Basic")(resource) == decided
        with pytest.raises(Exception):  # noqa: B017
            fhirpath.compile(expr, "Basic", short_circuit=False)(resource)


MIXED = {
    "resourceType": "Basic",
    "identifier": [
        {"system": "s", "value": "1"},
        {"system": "s"},
        {"value": "2"},
        {"system": "t", "value": "3"},
        {"system": "s", "value": "4", "id": "k"},
    ],
}


@pytest.mark.parametrize(
    "expr",
    [
        "identifier.where(system = 's').count()",
        "identifier.where(system != 's').count()",
        "identifier.where(system = 's' and value = '4').value",
        "identifier.where(system = 's' and id = 'k').count()",
        "identifier.where(system = 't' or value = '2').value",
        "identifier.where(system != 's' or value = '1').count()",
        "identifier.where(system = 's' and value != '1').exists()",
        "identifier.exists(system = 'u')",
    ],
)
def test_quick_where_criteria_agree_with_fhirpathpy(expr: str) -> None:
    """The direct ``member = 'text'`` tests inside where() keep exactly what the full evaluation keeps."""
    slow = fhirpathpy.compile(expr, models["r4"])
    assert fhirpath.compile(expr, "Basic")(MIXED) == slow(MIXED, {})


def test_quick_where_criteria_leave_unusual_items_to_the_full_evaluation() -> None:
    resource = {
        "resourceType": "Basic",
        "identifier": [{"system": "s", "_system": {"extension": []}}, {"system": ["s"]}, {"system": "s"}],
    }
    expr = "identifier.where(system = 's').count()"
    slow = fhirpathpy.compile(expr, models["r4"])
    assert fhirpath.with_fallback(fhirpath.compile(expr, "Basic"), slow)(resource, {}) == slow(resource, {})


@pytest.mark.parametrize(
    "resource",
    [
        {"resourceType": "Basic", "extension": [{"url": "a", "valueBoolean": True, "valueString": "x"}]},
        {"resourceType": "Basic", "extension": [{"url": "a", "_valueBoolean": {"extension": []}}]},
        {"resourceType": "Basic", "extension": [{"url": "a", "valueBoolean": True}, None]},
        {"resourceType": "Basic", "extension": [{"url": "a", "valueQuantity": {"value": 1}}]},
        {"resourceType": "Basic", "extension": [{"resourceType": "Patient", "url": "a"}]},
    ],
)
def test_unusual_data_is_left_to_fhirpathpy(resource: dict[str, Any]) -> None:
    expr = "extension.where(url = 'a').value = true"
    with pytest.raises(fhirpath.Defer):
        fhirpath.compile(expr, "Basic")(resource)
    slow = fhirpathpy.compile(expr, models["r4"])
    assert fhirpath.with_fallback(fhirpath.compile(expr, "Basic"), slow)(resource, {}) == slow(resource, {})


@pytest.mark.parametrize(
    "expr",
    [
        "identifier.first().value and true",
        "identifier.value < 1",
        "identifier.value.matches('x')",
        "'a' + 1",
        "identifier.value * 2",
    ],
)
def test_errors_come_from_fhirpathpy(expr: str) -> None:
    slow = fhirpathpy.compile(expr, models["r4"])
    fast = fhirpath.compile(expr, "Basic")
    expected = _outcome(lambda: slow(copy.deepcopy(BASIC), {}))
    got = _outcome(lambda: fhirpath.with_fallback(fast, slow)(BASIC, {}))
    assert isinstance(expected, tuple)  # fhirpathpy raises here
    assert got == expected


@pytest.mark.parametrize(
    "expr",
    [
        "%resource.id",
        "@2020-01-01 < today()",
        "iif(true, 1, 2)",
        "identifier | identifier",
        "identifier[0]",
        "id is string",
        "4 'mg'",
        "identifier.value.matches(id)",
        "'a'.matches('(')",
        "$this.id",
        "$index",
        "extension.value.coding",
        "-id",
        "id.",
        "trace('x')",
        "identifier.where(system = 's', 1)",
    ],
)
def test_unsupported_constructs_raise_at_compile_time(expr: str) -> None:
    with pytest.raises(fhirpath.Unsupported):
        fhirpath.compile(expr, "Basic")


def test_unsupported_expression_falls_back_in_profile_layer() -> None:
    evaluator = _compile_fhirpath("identifier | identifier", "Basic")
    assert _left_to_fhirpathpy(evaluator)
    assert evaluator(BASIC, {}) == fhirpathpy.evaluate(
        copy.deepcopy(BASIC), "identifier | identifier", model=models["r4"]
    )
    assert isinstance(_compile_fhirpath("'unterminated", "Basic"), str)
    recovered = _compile_fhirpath("a b c", "Basic")  # fhirpathpy recovers from this syntax error; so does the layer
    assert _left_to_fhirpathpy(recovered)


def _left_to_fhirpathpy(evaluator: Any) -> bool:
    """The evaluator is fhirpathpy's (made on its first evaluation), not the closure compiler's."""
    return callable(evaluator) and getattr(evaluator, "__qualname__", "") == "_fhirpathpy_evaluator.<locals>.slow"


def test_other_root_types_are_compiled_on_first_sight() -> None:
    fast = fhirpath.compile("identifier.where(system = 's').exists()", "Patient")
    assert fast({"resourceType": "Basic", "identifier": [{"system": "s"}]}) == [True]
    assert fast({"identifier": [{"system": "t"}]}) == [False]
    assert fast(None) == [False]
    with pytest.raises(fhirpath.Defer):
        fhirpath.compile("extension.value.ofType(CodeableConcept).exists()", "Patient")({"resourceType": 3})


LONG = [{"url": "a", "valueString": "1"}, {"url": "b"}, {"valueString": "x"}, {"url": "a", "valueString": "2"}]


@pytest.mark.parametrize(
    "odd",
    [
        None,
        "text",
        {"url": "a", "_url": {"extension": []}},
        {"url": ["a"]},
        {"url": 3},
        {"resourceType": "Basic", "url": "a"},
    ],
)
@pytest.mark.parametrize(
    "expr",
    [
        "extension.where(url = 'a').count()",
        "extension.where(url = 'a').value",
        "extension.where(url = 'a' and value = '2').count()",
        "extension.where(url = 'zz').exists()",
    ],
)
def test_where_on_longer_lists_agrees_with_fhirpathpy(expr: str, odd: Any) -> None:
    """where() over several items gives what fhirpathpy gives, plain or with one unusual item anywhere."""
    slow = fhirpathpy.compile(expr, models["r4"])
    fast = fhirpath.with_fallback(fhirpath.compile(expr, "Basic"), slow)
    for items in (list(LONG), [*LONG, odd], [odd, *LONG]):
        resource = {"resourceType": "Basic", "extension": items}
        expected = _outcome(lambda r=resource: slow(copy.deepcopy(r), {}))
        assert _outcome(lambda r=resource: fast(r, {})) == expected, (expr, items)
        assert _outcome(lambda r=resource: fast(r, {})) == expected, (expr, items)


def test_quick_where_criteria_read_a_choice_element_by_its_type() -> None:
    """``value = 'text'`` on an extension means valueString (or another value[x]), not a key named value."""
    resource = {"resourceType": "Basic", "extension": [{"url": "a", "valueString": "2"}, {"url": "a"}]}
    for expr in ("extension.where(value = '2').count()", "extension.where(url = 'a' and value = '2').count()"):
        slow = fhirpathpy.compile(expr, models["r4"])
        assert fhirpath.compile(expr, "Basic")(resource) == slow(resource, {}) == [1]
