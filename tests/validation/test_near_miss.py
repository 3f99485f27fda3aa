"""The near-miss corpus: realistic records that a rule reading only the obvious field would pass.

Each case in tests/validation/near_miss/<RULE>/<case>.json is a small set of changes to a clean base family written
as a logical record (``base``), the way a busy practitioner would write it: free text, catch-all codes, partial
records. ``changes`` are JSON-Patch style operations (``replace``, ``add``, ``remove``; ``-`` appends to a list).
The one writer (``dastandard.logical.logical_to_bundle``) makes the Bundle; the test asserts that exactly the rule ids
in ``fires`` are raised by the practice layer (``fail-*`` cases fire their rule; ``pass-*`` cases of the same family
raise nothing). The base family itself raises nothing.

A few failures cannot be written in a valid logical record at all (the logical record requires what a rule asks
for, e.g. an incident's abuse kinds); those cases add ``bundleChanges`` applied to the written Bundle, the way a
FHIR-producing system would leave the element out: ``remove-components`` drops the components with ``code`` from
the resource whose local id is ``localId``.
"""

from __future__ import annotations

import copy
import csv
import io
from pathlib import Path
from typing import Any

import orjson
import pytest

from dastandard.config import Settings
from dastandard.logical import logical_to_bundle
from dastandard.model.ids import identifier_system
from dastandard.validation.practice import RULE_IDS, check_record

CORPUS = Path(__file__).resolve().parent / "near_miss"
CASES = sorted(CORPUS.glob("DA*/*.json"))


def _load(path: Path) -> Any:
    return orjson.loads(path.read_bytes())


def _step(token: str) -> str:
    return token.replace("~1", "/").replace("~0", "~")


def apply_changes(doc: Any, changes: list[dict[str, Any]]) -> Any:
    """``doc`` with the JSON-Patch style ``changes`` applied (a copy; the input is not changed)."""
    out = copy.deepcopy(doc)
    for change in changes:
        *parents, last = [_step(t) for t in change["path"].split("/")[1:]]
        holder = out
        for token in parents:
            holder = holder[int(token)] if isinstance(holder, list) else holder[token]
        op = change["op"]
        if isinstance(holder, list):
            if op == "add":
                holder.insert(len(holder) if last == "-" else int(last), change["value"])
            elif op == "replace":
                holder[int(last)] = change["value"]
            else:
                del holder[int(last)]
        elif op == "remove":
            del holder[last]
        else:
            holder[last] = change["value"]
    return out


def apply_bundle_changes(bundle: Any, changes: list[dict[str, Any]]) -> None:
    """Apply ``bundleChanges`` (see the module docstring) to ``bundle`` in place."""
    for change in changes:
        assert change["op"] == "remove-components", change
        for entry in bundle["entry"]:
            res = entry["resource"]
            if {"system": identifier_system("local-id"), "value": change["localId"]} in res.get("identifier", []):
                res["component"] = [
                    c
                    for c in res.get("component", [])
                    if change["code"] not in {k.get("code") for k in c["code"].get("coding", [])}
                ]


def practice_ids(logical: Any, bundle_changes: list[dict[str, Any]] | None = None) -> list[str]:
    bundle = logical_to_bundle(logical)
    apply_bundle_changes(bundle, bundle_changes or [])
    return sorted({f.rule_id for f in check_record(bundle, settings=Settings(), file="x.json", record_no=None)})


def test_base_families_are_clean() -> None:
    for base in sorted(CORPUS.glob("base-*.logical.json")):
        assert practice_ids(_load(base)) == [], base.name


@pytest.mark.parametrize("path", CASES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_near_miss_fires_exactly(path: Path) -> None:
    case = _load(path)
    record = apply_changes(_load(CORPUS / case["base"]), case["changes"])
    assert practice_ids(record, case.get("bundleChanges")) == sorted(case["fires"]), case["about"]
    kind = "fail" if path.stem.startswith("fail") else "pass"
    assert (path.parent.name in case["fires"]) is (kind == "fail")


def test_every_practice_rule_has_two_near_misses_each_way() -> None:
    for rule_id in RULE_IDS:
        stems = [p.stem for p in (CORPUS / rule_id).glob("*.json")]
        assert sum(s.startswith("fail") for s in stems) >= 2, rule_id
        assert sum(s.startswith("pass") for s in stems) >= 2, rule_id


# --- facts a logical-record corpus cannot show: conversion sources and cross-record keys ----------------------------


def _police_findings(csv_text: str) -> list[Any]:
    from dastandard.convert.base import ConversionReport
    from dastandard.convert.police import PoliceCsvFormat

    bundles = list(PoliceCsvFormat().read(io.BytesIO(csv_text.encode()), "n.csv", ConversionReport()))
    return [f for f in check_record(bundles[0], settings=Settings(), file="n", record_no=1) if f.rule_id == "DA3201"]


def _without_columns(csv_text: str, *names: str) -> str:
    rows = list(csv.reader(io.StringIO(csv_text)))
    keep = [i for i, name in enumerate(rows[0]) if name not in names]
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([[row[i] for i in keep] for row in rows])
    return out.getvalue()


POLICE_CSV = CORPUS.parents[2] / "examples" / "police-csv" / "notification.csv"


def test_police_csv_that_states_the_child_status_passes() -> None:
    """A force feed that fills child_s3_status raises no DA3201 (the shipped example states V for both children)."""
    assert _police_findings(POLICE_CSV.read_text(encoding="utf-8")) == []


def test_police_csv_without_the_child_status_gets_a_warning_naming_the_children() -> None:
    """A force feed without the optional columns gets DA3201 as a warning that says so, naming the children as the
    CSV names them."""
    from dastandard.findings import Severity

    text = _without_columns(POLICE_CSV.read_text(encoding="utf-8"), "child_s3_status", "child_s3_reason")
    found = _police_findings(text)
    assert found and all(f.severity is Severity.WARNING for f in found)
    assert all("police notification CSV" in f.message and "child_s3_status" in f.message for f in found)
    assert {f.details[0][1] for f in found} == {"Mia Sample", "Leo Sample"}


def test_police_csv_blank_status_for_one_child_flags_only_that_child() -> None:
    rows = list(csv.reader(io.StringIO(POLICE_CSV.read_text(encoding="utf-8"))))
    column = rows[0].index("child_s3_status")
    leo = next(r for r in rows if r[rows[0].index("forenames")] == "Leo")
    leo[column] = ""
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    assert [f.details[0][1] for f in _police_findings(out.getvalue())] == ["Leo Sample"]


def test_police_csv_not_a_victim_with_exposure_is_still_reported() -> None:
    """N with a reason is a status, but not for a child the row itself records as having heard the abuse (L05)."""
    rows = list(csv.reader(io.StringIO(POLICE_CSV.read_text(encoding="utf-8"))))
    head = rows[0]
    mia = next(r for r in rows if r[head.index("forenames")] == "Mia")
    mia[head.index("child_s3_status")] = "N"
    mia[head.index("child_s3_reason")] = "Upstairs asleep; seemed fine"
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    found = _police_findings(out.getvalue())
    assert [f.details[0][1] for f in found] == ["Mia Sample"]
    assert "not a victim" in found[0].message and "Upstairs asleep" in found[0].message


def test_local_incident_ids_never_match_across_records() -> None:
    """Two agencies both numbering incidents ``inc-1`` are not the same incident (L13, L24)."""
    from dastandard.validation.returns import summarize

    summary = summarize(logical_to_bundle(_load(CORPUS / "base-okafor.logical.json")), file="x", record_no=1)
    local = identifier_system("local-id")
    assert summary.incidents
    assert all(not key.startswith(local) for inc in summary.incidents for key in inc.ids | inc.linked)


def test_child_without_identifiers_keeps_exposure_by_name_and_birth_date() -> None:
    """Historic exposure of a child no agency identified is still carried across records (L12)."""
    from dastandard.validation.returns import summarize

    base = _load(CORPUS / "base-okafor.logical.json")
    summary = summarize(logical_to_bundle(base), file="x", record_no=1)
    assert ("name:tobi okafor|2009-12-01", frozenset({"2024-09-28", "2025-05-10"})) in summary.exposure
