"""Positions in compact JSON are worked out from the parsed value, and agree with the text index everywhere."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dastandard.fhir.positions import CompactPositions, index_positions

ROOT = Path(__file__).resolve().parents[2]
BUNDLE = ROOT / "examples" / "fhir" / "case-04-coercive-control.json"

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**53), 2**53) | st.text(max_size=8),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=5), children, max_size=4),
    max_leaves=30,
)


def _agree(data: bytes) -> None:
    compact = CompactPositions.build(data)
    assert compact is not None
    text = data.decode("utf-8")
    for path, offset in index_positions(text).items():
        assert compact.column(path) == offset + 1, path
        assert compact.column((*path, "no-such-key", 3)) == offset + 1  # the deepest existing ancestor


def test_every_key_and_item_of_a_case_bundle() -> None:
    _agree(orjson.dumps(orjson.loads(BUNDLE.read_bytes())))


@settings(max_examples=150, deadline=None)
@given(st.dictionaries(st.text(max_size=5), json_values, max_size=5))
def test_any_compact_document(doc: dict[str, object]) -> None:
    _agree(orjson.dumps(doc))


@pytest.mark.parametrize(
    "data",
    [b'{"a": 1}', b'{"a":1.50}', b'{"a":"\\u00e9"}', b'{"a":1,"a":2}', b"{not json", b'{"a":1}\n'],
)
def test_other_spellings_fall_back_to_the_text_index(data: bytes) -> None:
    assert CompactPositions.build(data) is None


def test_findings_in_an_ndjson_line_are_located_by_column(tmp_path: Path) -> None:
    import dastandard

    bundle = orjson.loads(BUNDLE.read_bytes())
    patient = next(e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Patient")
    patient["gender"] = 7
    path = tmp_path / "cases.ndjson"
    path.write_bytes(orjson.dumps(bundle) + b"\n" + orjson.dumps(bundle) + b"\n")
    line = path.read_bytes().splitlines()[1].decode()
    found = [f for f in dastandard.validate([path]).findings if f.record == 2 and f.column is not None]
    assert found and all(f.line == 2 for f in found)
    gender = next(f for f in found if f.path.endswith(".gender"))
    assert line[gender.column - 1 :].startswith('"gender":7')  # type: ignore[operator]
