"""Slicing by a table of plain values finds the same slice as trying each slice's matchers in turn."""

from __future__ import annotations

import random
from typing import Any

from dastandard.validation.profile import _compile_slice_table, _get_parts, _table_slice, _with_matchers

_SYSTEMS = ["s1", "s2", 3, None]
_CODES = ["a", "b", "c", 1, True, None]


def _first_by_matchers(expected: list[Any], value: Any) -> int | None:
    for index, tests in enumerate(expected):
        matchers = _with_matchers(tests)
        if matchers is None:
            continue
        if all(any(arg(v) for v in _get_parts(value, parts)) for _kind, parts, arg in matchers):
            return index
    return None


def _coding(rng: random.Random) -> Any:
    if rng.random() < 0.1:
        return rng.choice(["x", 1, None, []])
    coding: dict[str, Any] = {}
    for key, choices in (("system", _SYSTEMS), ("code", _CODES), ("display", ["d"])):
        if rng.random() < 0.8:
            coding[key] = rng.choice(choices)
    return coding


def _concept(rng: random.Random) -> Any:
    if rng.random() < 0.1:
        return rng.choice(["a", 1, None, {"text": "t"}])
    codings = [_coding(rng) for _ in range(rng.randrange(4))]
    return {"coding": codings if rng.random() < 0.9 else codings[:1] and codings[0]}


def test_coding_pattern_table_matches_the_matchers() -> None:
    rng = random.Random(7)
    expected: list[Any] = [
        (("match", ("code",), {"coding": [{"system": "s1", "code": "a"}]}),),
        None,
        (("match", ("code",), {"coding": [{"code": "b", "system": "s1"}]}),),
        (("match", ("code",), {"coding": [{"system": "s2", "code": "a"}]}),),
        (("match", ("code",), {"coding": [{"system": "s1", "code": "a"}]}),),
    ]
    table = _compile_slice_table(expected)
    assert table is not None
    for _ in range(3000):
        value: Any = {"code": _concept(rng)} if rng.random() < 0.8 else {"code": [_concept(rng), _concept(rng)]}
        if rng.random() < 0.05:
            value = rng.choice([None, "x", [], {}])
        assert _table_slice(table, value) == _first_by_matchers(expected, value), value


def test_string_table_matches_the_matchers() -> None:
    rng = random.Random(11)
    expected: list[Any] = [
        (("match", ("system",), "s1"),),
        (("match", ("system",), "s2"),),
        (("match", ("system",), "s1"),),
        None,
    ]
    table = _compile_slice_table(expected)
    assert table is not None
    for _ in range(2000):
        system = rng.choice([*_SYSTEMS, ["s2", "s1"], [None, "s2"], {"a": 1}])
        value: Any = {"system": system, "value": "v"} if rng.random() < 0.9 else rng.choice([None, "s1", {}])
        assert _table_slice(table, value) == _first_by_matchers(expected, value), value


def test_other_slicings_have_no_table() -> None:
    coding = {"coding": [{"system": "s1", "code": "a"}]}
    assert _compile_slice_table([None, None]) is None
    assert _compile_slice_table([()]) is None  # exists discriminators only: every value matches
    assert _compile_slice_table([(("match", ("code",), coding),), (("match", ("other",), coding),)]) is None
    assert _compile_slice_table([(("match", ("system",), "s1"),), (("match", ("system",), coding),)]) is None
    assert _compile_slice_table([(("match", ("system",), 1),)]) is None
    assert _compile_slice_table([(("bind", ("code",), "http://vs"),)]) is None
    two = {"coding": [{"system": "s1", "code": "a"}, {"system": "s1", "code": "b"}]}
    assert _compile_slice_table([(("match", ("code",), two),)]) is None
    nested = {"coding": [{"system": "s1", "code": "a"}], "text": "t"}
    assert _compile_slice_table([(("match", ("code",), nested),)]) is None
    mixed = {"coding": [{"system": "s1"}]}
    assert _compile_slice_table([(("match", ("code",), coding),), (("match", ("code",), mixed),)]) is None
