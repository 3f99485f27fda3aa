"""docs/traceability.md is generated from the artifacts and covers every learning point."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parent.parent
POINTS = json.loads((ROOT / "docs" / "learning-points.json").read_text(encoding="utf-8"))["points"]
IDS = [p["id"] for p in POINTS]
CHECKABLE = [p["id"] for p in POINTS if p["checkable"]]


def _load_generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("gen_traceability", ROOT / "scripts" / "gen_traceability.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["gen_traceability"] = module
    spec.loader.exec_module(module)
    return module


GEN = _load_generator()
_, TRACES = GEN.build_traces()


def test_learning_points_are_l01_to_l26_with_titles() -> None:
    assert [f"L{n:02d}" for n in range(1, 27)] == IDS
    for point in POINTS:
        assert point["title"].strip() and point["source"] in {"P", "N"}
        assert point["checkable"] or point["why_not_checkable"].strip()
    assert {p["id"] for p in POINTS if not p["checkable"]} == {"L14", "L22", "L26"}


def test_committed_table_is_regenerated_without_drift() -> None:
    committed = (ROOT / "docs" / "traceability.md").read_text(encoding="utf-8")
    assert GEN.render() == committed, "docs/traceability.md is stale: run python scripts/gen_traceability.py"


def test_render_is_deterministic() -> None:
    assert GEN.render() == GEN.render()


@pytest.mark.parametrize(
    ("text", "expected"),
    [("L05", ["L05"]), ("L05,L12", ["L05", "L12"]), ("L05, L12", ["L05", "L12"]), ("L01-L03", ["L01", "L02", "L03"])],
)
def test_mapping_strings_are_parsed(text: str, expected: list[str]) -> None:
    assert GEN.parse_points(text) == expected


@pytest.mark.parametrize("point", IDS)
def test_every_point_is_held_by_a_profile_element(point: str) -> None:
    assert TRACES[point].elements, f"no StructureDefinition element maps {point} (identity 'learning')"


@pytest.mark.parametrize("point", IDS)
def test_every_point_is_exercised_by_an_example(point: str) -> None:
    assert TRACES[point].examples, f"no example case in examples/cases.json exercises {point}"


@pytest.mark.parametrize("point", CHECKABLE)
def test_every_checkable_point_has_a_rule(point: str) -> None:
    assert TRACES[point].rules, f"no rule in validators/rules lists {point} in learning_points"


def test_table_has_a_row_and_a_section_per_point() -> None:
    text = GEN.render()
    for point in IDS:
        assert f"| [{point}](#{point.lower()}) |" in text
        assert f"### {point}\n" in text
    assert "not machine-checkable" in text
