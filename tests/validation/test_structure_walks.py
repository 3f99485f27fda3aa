"""The structure walks written ahead of time (the compiled build's ``_walks_ahead``, here executed from the same
text): the checker uses one only when it is the walk generated now, and they find exactly what walks compiled at
run time and the general check find. tests/test_wheel.py checks the compiled module of a built wheel."""

from __future__ import annotations

import copy
import types
from pathlib import Path
from typing import Any

import orjson
import pytest

from dastandard.fhir.baseplan import base_plan
from dastandard.validation.structure import Issue, StructureChecker
from dastandard.validation.walk_source import ahead_module, profiled_types, walk_source, walker_name

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((ROOT / "examples" / "fhir").glob("case-*.json"))


def _ahead() -> types.ModuleType:
    """A module made of the text the compiled build compiles (fresh each time: a checker binds names in it)."""
    plan = base_plan()
    module = types.ModuleType("walks_ahead")
    exec(compile(ahead_module(plan, profiled_types(plan)), "<walks ahead>", "exec"), vars(module))
    return module


def _issues(checker: StructureChecker, record: dict[str, Any]) -> list[Issue]:
    out: list[Issue] = []
    checker.check(record, ("Bundle",), out, {})
    return out


def test_the_module_holds_the_walk_of_every_profiled_type_as_generated_now() -> None:
    plan = base_plan()
    wanted = profiled_types(plan)
    assert ("Patient", True) in wanted and ("Extension", False) in wanted and ("Bundle.entry", False) in wanted
    assert ("Claim", True) not in wanted and ("Patient", False) not in wanted
    walks = _ahead().WALKS
    assert sorted(walks) == sorted(walker_name(t, r) for t, r in wanted)
    for type_name, is_resource in wanted:
        source = walk_source(plan, type_name, is_resource)
        function, digest = walks[source.name]
        assert digest == source.digest
        assert function.__name__ == f"ahead_{source.name}"


def test_the_checker_uses_the_walks_written_ahead_and_compiles_the_others() -> None:
    ahead = _ahead()
    checker = StructureChecker(base_plan(), ahead)
    assert checker._walker("Patient", True) is ahead.WALKS["w_Patient_r"][0]
    assert checker._walker("Coding", False) is ahead.WALKS["w_Coding"][0]
    other = checker._walker("Claim", True)  # no profile reaches Claim: compiled now
    assert "w_Claim_r" not in ahead.WALKS and other.__code__.co_filename == "<structure walk of Claim>"


def test_a_walk_written_from_another_source_is_not_used() -> None:
    stale = types.ModuleType("stale_walks")

    def outdated(*_args: Any) -> None:
        raise AssertionError("a walk made from another source was used")

    stale.WALKS = {"w_Period": (outdated, "0-00000000")}  # type: ignore[attr-defined]
    checker = StructureChecker(base_plan(), stale)
    record = {"resourceType": "Organization", "id": "o1", "identifier": [{"period": {"start": "2024-13-01"}}]}
    for _ in range(70):  # past the number of uses after which a walk is made
        out: list[Issue] = []
        checker.check(record, ("Organization",), out, {})
        assert [rule for rule, *_ in out] == ["DA1005"]
    assert checker._walker("Period", False) is not outdated


def _flawed(record: dict[str, Any]) -> dict[str, Any]:
    """The record with the slips a busy export makes in every resource: unknown, empty, wrongly typed and
    repeated elements, two values of one choice, codes outside their value set."""
    record = copy.deepcopy(record)
    for number, entry in enumerate(record.get("entry", [])):
        resource = entry.get("resource", {})
        resource["unknownElement"] = "x"
        resource["meta"] = {"lastUpdated": "yesterday", "tag": {"code": "x"}}
        resource.setdefault("extension", []).append({"url": "http://example.org/x", "valueString": ""})
        resource["extension"].append({"url": "http://example.org/y", "valueBoolean": "true", "valueCode": "a"})
        if number % 3 == 0:
            resource["identifier"] = [{"system": "not absolute", "value": None}, {}]
        if number % 3 == 1:
            resource["text"] = {"status": "made-up", "div": "<div>hi</div>"}
        if resource.get("resourceType") == "Patient":
            resource["gender"] = "F"
            resource["birthDate"] = 20150101
            resource["name"] = {"family": "Smith"}
        if resource.get("resourceType") == "Observation":
            resource["status"] = ["final"]
            resource["valueQuantity"] = {"value": "7"}
            resource["valueString"] = "and a string"
    return record


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_walks_written_ahead_find_what_walks_compiled_now_and_the_general_check_find(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    record = orjson.loads(path.read_bytes())
    flawed = _flawed(record)
    ahead = StructureChecker(base_plan(), _ahead())
    compiled_now = StructureChecker(base_plan())
    for _ in range(70):  # every type's walk made
        compiled_now.check(record, ("Bundle",), [], {})
    general = StructureChecker(base_plan())
    monkeypatch.setattr("dastandard.validation.structure._GENERATE_AFTER", 10**9)
    for each in (record, flawed):
        found = _issues(ahead, each)
        assert found == _issues(compiled_now, each) == _issues(general, each)
    assert len(_issues(ahead, flawed)) > 20  # the slips are found
    assert not general._walkers  # the general check walked every object
