"""Regression tests: FHIR of the wrong JSON shape is a located finding or report entry, never an internal error.

The property tests (``tests/test_writer_properties.py``) search for such inputs; these pin the faults they found.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest

from dastandard.config import DEFAULT_SETTINGS
from dastandard.validation.engine import check_unit
from dastandard.validation.units import Unit

ROOT = Path(__file__).resolve().parents[1]
CASE = orjson.loads((ROOT / "examples" / "fhir" / "case-04-coercive-control.json").read_bytes())


def _codings(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        if "system" in node and "code" in node:
            yield node
        for value in node.values():
            yield from _codings(value)
    elif isinstance(node, list):
        for value in node:
            yield from _codings(value)


def _rules(bundle: dict[str, Any]) -> list[str]:
    result = check_unit(Unit("case", None, 1, orjson.dumps(bundle), "json"), DEFAULT_SETTINGS, want_summary=False)
    return [f.rule_id for f in result.findings]


@pytest.mark.parametrize("system", [["a", {"b": 1}], {"a": 1}, 3, True])
def test_a_coding_system_of_the_wrong_type_is_a_structure_finding_and_later_checks_still_run(system: Any) -> None:
    before = _rules(CASE)
    bundle = copy.deepcopy(CASE)
    for coding in _codings(bundle):
        coding["system"] = system
    after = _rules(bundle)
    assert "DA0900" not in after
    assert {"DA1003", "DA1005"} & set(after)
    practice = {r for r in before if r.startswith(("DA3", "DA4"))}
    assert practice <= set(after)  # the practice rules of the record still ran


@pytest.mark.parametrize("value", [1.5, True, "x", {"a": 1}])
def test_entry_and_contained_of_the_wrong_type_never_stop_the_validator(value: Any) -> None:
    bundle = copy.deepcopy(CASE)
    bundle["entry"][0]["resource"]["contained"] = value
    assert "DA0900" not in _rules(bundle)
    bundle["entry"] = value
    assert "DA0900" not in _rules(bundle)
