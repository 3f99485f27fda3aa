"""The record index and the shortcuts the practice rules take: cached dates, the latest date worked out on
demand, one-pass characteristics and code tests, per-record memos and per-run parameters give the same answers
as the plain definitions."""

from __future__ import annotations

import copy
import re
from datetime import date
from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st

from dastandard.config import Settings
from dastandard.validation import _record_index as ri
from dastandard.validation import practice
from dastandard.validation.returns import summarize

DATA = Path(__file__).resolve().parent / "data"
CLEAN = DATA / "clean_case.json"
INVALID = Path(__file__).resolve().parents[2] / "examples" / "invalid"


def load(path: Path) -> dict[str, Any]:
    return orjson.loads(path.read_bytes())  # type: ignore[no-any-return]


def _plain_date(value: Any) -> date | None:
    if not isinstance(value, str):
        return None
    match = re.match(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?", value)
    if not match:
        return None
    try:
        return date(int(match.group(1)), int(match.group(2) or "01"), int(match.group(3) or "01"))
    except ValueError:
        return None


@pytest.mark.parametrize(
    "value",
    [
        "2024",
        "2024-02",
        "2024-02-29",
        "2023-02-29",
        "2024-13-01",
        "2024-02-29T10:00:00Z",
        "x2024",
        "",
        None,
        2024,
        "2024-1",
        "2024-01-1",
        "2024-01-01garbage",
    ],
)
def test_parse_date_matches_the_plain_reading(value: Any) -> None:
    assert ri.parse_date(value) == _plain_date(value)
    assert ri.parse_date(value) == _plain_date(value)  # the second answer comes from the cache


@given(st.text(alphabet="0123456789-T:Zx", max_size=14))
def test_parse_date_matches_the_plain_reading_on_any_text(value: str) -> None:
    assert ri.parse_date(value) == _plain_date(value)


def _plain_codes(concept: Any) -> frozenset[str]:
    out: set[str] = set()
    for item in concept if isinstance(concept, list) else [concept]:
        item_map = item if isinstance(item, dict) else {}
        for code in [
            item_map.get("code"),
            *(c.get("code") for c in item_map.get("coding") or [] if isinstance(c, dict)),
        ]:
            if isinstance(code, str) and code.strip():
                out.add(code)
    return frozenset(out)


_codes = st.one_of(st.none(), st.integers(), st.sampled_from(["", " ", "a", "b"]))
_coding = st.one_of(st.none(), st.text(max_size=2), st.fixed_dictionaries({"code": _codes}))
_concept = st.one_of(
    st.none(),
    st.integers(),
    st.fixed_dictionaries({"coding": st.one_of(st.none(), st.lists(_coding, max_size=3))}, optional={"code": _codes}),
)


@given(st.one_of(_concept, st.lists(_concept, max_size=3)))
def test_code_shortcuts_agree_with_the_codes(concept: Any) -> None:
    codes = ri.codes_of(concept)
    assert codes == _plain_codes(concept)
    assert ri.has_code(concept) == bool(codes)
    single = ri._single_code(concept)
    assert single is None or codes == {single}


@given(_concept, _coding, _codes)
def test_value_code_shortcuts_agree_with_the_value_codes(concept: Any, coding: Any, code: Any) -> None:
    element = {"valueCodeableConcept": concept, "valueCoding": coding, "valueCode": code}
    codes = ri.value_codes(element)
    assert codes == _plain_codes(concept) | _plain_codes(coding) | _plain_codes({"code": code})
    assert ri.has_value_code(element) == bool(codes)


def test_latest_date_is_worked_out_only_when_needed() -> None:
    record = load(CLEAN)
    idx = ri.RecordIndex.build(record)
    assert idx.timestamp is not None
    assert idx.reference_date() == idx.timestamp
    expected = max(day for entry in idx.entries for day in ri._dates_of(entry))
    assert idx.latest == expected
    undated = copy.deepcopy(record)
    del undated["timestamp"]
    assert ri.RecordIndex.build(undated).reference_date() == expected
    assert ri.RecordIndex.build(undated).reference_date("2001-02-03") == date(2001, 2, 3)


def test_all_characteristics_at_once_match_one_at_a_time() -> None:
    records = [load(CLEAN), *(load(path) for path in sorted(INVALID.glob("DA3*.json")))]
    for record in records:
        for person in ri.RecordIndex.build(record).persons.values():
            res = person.entry.res
            together = practice._characteristic_present(res)
            one_by_one = {name for name in practice.CHARACTERISTICS if practice._characteristic_present(res, (name,))}
            assert together == one_by_one


def test_a_shared_index_gives_the_same_findings_and_summary() -> None:
    record = load(INVALID / "DA3301.json")
    alone = list(practice.check_record(record, settings=Settings(), file="f", record_no=1))
    summary = summarize(record, file="f", record_no=1)
    with ri.shared_index():
        shared = list(practice.check_record(record, settings=Settings(), file="f", record_no=1))
        assert summarize(record, file="f", record_no=1) == summary
    assert shared == alone
    assert [f.rule_id for f in alone] == ["DA3301"]


def test_each_settings_value_has_its_own_parameters() -> None:
    record = load(INVALID / "DA3404.json")
    quiet = Settings(params={"DA3404": {"days": 100_000}})
    loud = Settings()
    for _ in range(2):
        assert not any(
            f.rule_id == "DA3404" for f in practice.check_record(record, settings=quiet, file="f", record_no=1)
        )
        assert any(f.rule_id == "DA3404" for f in practice.check_record(record, settings=loud, file="f", record_no=1))
