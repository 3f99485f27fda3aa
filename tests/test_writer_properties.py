"""Property tests: every writer, and the validator, given FHIR of the wrong shape that the readers pass through.

A FHIR JSON reader hands a Bundle on as written, so a writer can meet a number where an object is expected, an
object where a list is expected, a list where a string is expected. Whatever the edit, a conversion into any writer
ends with a documented status and located ``invalid-input`` entries, never an exception and never the pipeline's
"conversion failed: <exception>" defect marker; validation never reports an internal error (DA0900), so every
later check of the record still runs. Bounded (about 1,500 cases in all) so that it fits in CI.
"""

from __future__ import annotations

import copy
import io
from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dastandard import errors
from dastandard.config import DEFAULT_SETTINGS
from dastandard.conversion_report import Loss
from dastandard.convert.pipeline import Options, convert_stream
from dastandard.convert.registry import all_formats
from dastandard.validation.engine import check_unit
from dastandard.validation.units import Unit

ROOT = Path(__file__).resolve().parents[1]
SEEDS = [
    orjson.loads((ROOT / "examples" / "police-csv" / "notification.expected.ndjson").read_bytes().splitlines()[0]),
    orjson.loads((ROOT / "examples" / "fhir" / "case-09-marac-actions-for-children.json").read_bytes()),
]
WRITERS = sorted(f.name for f in all_formats() if f.can_write)
WRONG = st.sampled_from([None, 0, -1, 1.5, True, False, "", "x", [], {}, [1, "a"], {"a": {"b": []}}, [[]]])
STATUSES = {errors.OK, errors.CONVERSION_LOSSY_STRICT, errors.CONVERSION_FAILED}
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)


def _paths(node: Any, at: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [at] if at else []
    if isinstance(node, dict):
        for key, value in node.items():
            out += _paths(value, (*at, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            out += _paths(value, (*at, index))
    return out


PATHS = [_paths(seed) for seed in SEEDS]


@st.composite
def retyped(draw: st.DrawFn) -> bytes:
    """One of the seeds with one to three values, anywhere, replaced by a value of another JSON type."""
    which = draw(st.integers(0, len(SEEDS) - 1))
    document = copy.deepcopy(SEEDS[which])
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(PATHS[which]))
        node: Any = document
        try:
            for step in path[:-1]:
                node = node[step]
            node[path[-1]] = draw(WRONG)
        except (KeyError, IndexError, TypeError):  # an earlier edit removed the way there
            continue
    return orjson.dumps(document)


@pytest.mark.parametrize("writer", WRITERS)
def test_wrongly_typed_fhir_gives_located_entries_in_every_writer(writer: str) -> None:
    @SETTINGS
    @given(retyped())
    def check(data: bytes) -> None:
        outcome = convert_stream(io.BytesIO(data), "input", None, io.BytesIO(), Options("fhir-json", writer, False))
        assert outcome.status in STATUSES, outcome.message
        assert "conversion failed:" not in outcome.message, outcome.message
        for entry in outcome.report.entries:
            if entry.kind is Loss.INVALID_INPUT:
                assert entry.location, entry

    check()


def test_wrongly_typed_fhir_never_stops_the_validator() -> None:
    @SETTINGS
    @given(retyped())
    def check(data: bytes) -> None:
        result = check_unit(Unit("input", None, 1, data, "json"), DEFAULT_SETTINGS, want_summary=False)
        internal = [f.message for f in result.findings if f.rule_id == "DA0900"]
        assert not internal, internal

    check()
