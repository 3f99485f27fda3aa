"""Regression tests: FHIR of the wrong JSON shape is a located finding or report entry, never an internal error.

The property tests (``tests/test_writer_properties.py``) search for such inputs; these pin the faults they found.
"""

from __future__ import annotations

import copy
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest

from dastandard import errors
from dastandard.config import DEFAULT_SETTINGS
from dastandard.conversion_report import Loss
from dastandard.convert.pipeline import Options, Outcome, convert_stream
from dastandard.validation.engine import check_unit
from dastandard.validation.units import Unit

ROOT = Path(__file__).resolve().parents[1]
CASE = orjson.loads((ROOT / "examples" / "fhir" / "case-04-coercive-control.json").read_bytes())
POLICE = orjson.loads((ROOT / "examples" / "police-csv" / "notification.expected.ndjson").read_bytes().splitlines()[0])


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


def _convert(bundle: Any, writer: str) -> Outcome:
    opts = Options("fhir-json", writer, False)
    return convert_stream(io.BytesIO(orjson.dumps(bundle)), "in", None, io.BytesIO(), opts)


@pytest.mark.parametrize("writer", ["chronology-csv", "chronology-html"])
def test_the_chronology_leaves_out_values_of_the_wrong_type_with_a_located_entry(writer: str) -> None:
    bundle = copy.deepcopy(POLICE)
    bundle["entry"].append(7)
    bundle["entry"][1]["resource"]["identifier"] = {"value": "x"}
    bundle["entry"][2]["resource"]["extension"] = [True]
    outcome = _convert(bundle, writer)
    assert outcome.status == errors.OK, outcome.message
    invalid = {e.location for e in outcome.report.entries if e.kind is Loss.INVALID_INPUT}
    n = len(bundle["entry"]) - 1
    assert {
        f"record 1: Bundle.entry[{n}]",
        "record 1: Bundle.entry[1].resource.identifier",
        "record 1: Bundle.entry[2].resource.extension[0]",
    } <= invalid


@pytest.mark.parametrize("writer", ["police-csv", "encompass", "cin-census", "logical"])
@pytest.mark.parametrize(("path", "value"), [(("name", 0, "given"), -1), (("meta", "profile"), True)])
def test_writers_read_through_the_logical_reader_report_wrong_shapes_located(
    writer: str, path: tuple[Any, ...], value: Any
) -> None:
    bundle = copy.deepcopy(POLICE)
    patient = next(e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Patient")
    node = patient
    for step in path[:-1]:
        node = node[step]
    node[path[-1]] = value
    outcome = _convert(bundle, writer)
    assert "conversion failed:" not in outcome.message
    assert outcome.status in (errors.OK, errors.CONVERSION_LOSSY_STRICT, errors.CONVERSION_FAILED)
    located = [e for e in outcome.report.losses if path[-1] in e.location or path[-1] == e.source_field]
    assert located, outcome.report.entries


@pytest.mark.parametrize("writer", ["fhir-xml", "cin-census"])
def test_a_control_character_xml_cannot_carry_is_a_located_entry(writer: str) -> None:
    bundle = copy.deepcopy(POLICE)
    index, incident = next((i, e["resource"]) for i, e in enumerate(bundle["entry"]) if "valueString" in e["resource"])
    incident["valueString"] += "\x01\x00"
    outcome = _convert(bundle, writer)
    assert "conversion failed" not in outcome.message and "cannot write" not in outcome.message
    located = {e.location for e in outcome.report.entries if e.kind is Loss.INVALID_INPUT}
    assert f"record 1: Bundle.entry[{index}].resource.valueString" in located
