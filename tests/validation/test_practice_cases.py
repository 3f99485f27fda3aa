"""The synthetic records the practice and return rules are tested on: data files and mutations of them.

The clean case is the logical record ``examples/invalid/base/clean-case.logical.json`` (a woman causing harm to
her ex-partner, two children, a new partner; every profile). ``examples/invalid/mutations.json`` derives the
other records from it by a few edits each: the clean same-sex variant, one failing input per practice rule
(``examples/invalid/DA3*.json``: exactly that rule fires) and per return rule (``DA4*.ndjson``, several records).
The ``examples`` step of ``scripts/regen.py`` writes them through the one DACaseBundle writer
(``scripts/example_cases.py``); these tests check the committed files match and that every rule has its record.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import orjson
import pytest

from dastandard.logical import validate_logical
from dastandard.validation.practice import RULE_IDS
from dastandard.validation.returns import RETURN_RULE_IDS

ROOT = Path(__file__).resolve().parents[2]
DATA = Path(__file__).resolve().parent / "data"
INVALID = ROOT / "examples" / "invalid"
BASE = INVALID / "base" / "clean-case.logical.json"


def _load_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("example_cases", ROOT / "scripts" / "example_cases.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["example_cases"] = module
    spec.loader.exec_module(module)
    return module


CASES = _load_script()
MUTATIONS: list[dict[str, Any]] = orjson.loads(CASES.MUTATIONS.read_bytes())["files"]
BY_FILE = {entry["file"]: entry for entry in MUTATIONS}


def test_committed_records_match_their_mutations() -> None:
    stale = [
        str(path.relative_to(ROOT))
        for path, content in CASES.render_mutations().items()
        if not path.is_file() or path.read_bytes() != content
    ]
    assert not stale, f"regenerate with: python scripts/regen.py ({stale})"


def test_every_practice_and_return_rule_has_a_mutation() -> None:
    practice = {e["rules"][0] for e in MUTATIONS if e["file"].startswith("examples/invalid/DA3")}
    returns = {e["rules"][0] for e in MUTATIONS if e["file"].startswith("examples/invalid/DA4")}
    assert sorted(practice) == sorted(RULE_IDS)
    assert sorted(returns) == sorted(RETURN_RULE_IDS)
    for entry in MUTATIONS:
        if entry["file"].startswith("examples/invalid/"):
            assert entry["rules"] == [Path(entry["file"]).stem], f"{entry['file']} is named after its one rule"
        else:
            assert entry["rules"] == [], f"{entry['file']} is a clean record"


def test_clean_records_are_valid_logical_records() -> None:
    assert list(validate_logical(orjson.loads(BASE.read_bytes()))) == []
    for name in ("clean_case.json", "clean_same_sex.json"):
        entry = BY_FILE[f"tests/validation/data/{name}"]
        assert [valid for _, valid in CASES.mutated_records(entry)] == [True]


def test_faults_below_the_logical_record_are_declared() -> None:
    """A record the logical record's own schema rejects says so; the build fails if the declaration is wrong."""
    declared = sorted(
        entry["file"] for entry in MUTATIONS if any(r.get("logicalRecordValid") is False for r in entry["records"])
    )
    assert declared == [
        "examples/invalid/DA0041.json",
        "examples/invalid/DA3101.json",
        "examples/invalid/DA3102.json",
        "examples/invalid/DA3301.json",
        "examples/invalid/DA4001.ndjson",
    ]
    wrong = {**BY_FILE["examples/invalid/DA3104.json"]}
    wrong["records"] = [{**wrong["records"][0], "logicalRecordValid": False}]
    with pytest.raises(ValueError, match=r"DA3104\.json record 1: the mutated record is valid"):
        CASES.render_mutations([wrong])


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        ({"op": "remove", "path": "/incidents/no-such-incident/behaviour"}, "'no-such-incident' names nothing"),
        ({"op": "replace", "path": "/persons/victim/no-such-field", "value": 1}, "nothing to replace"),
        ({"op": "move", "path": "/persons/victim/sex"}, "unknown op 'move'"),
        ({"op": "remove", "path": "persons"}, "a path starts with /"),
    ],
)
def test_a_failing_edit_names_its_path(edit: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        CASES.apply_edits(orjson.loads(BASE.read_bytes()), [edit])


def test_edits_name_list_items_by_local_id_or_position() -> None:
    base = orjson.loads(BASE.read_bytes())
    edited = CASES.apply_edits(
        base,
        [
            {"op": "replace", "path": "/persons/victim/sex", "value": "F"},
            {"op": "remove", "path": "/incidents/incident1/parties/0"},
            {"op": "add", "path": "/incidents/incident2/abuseKinds/-", "value": "economic"},
        ],
    )
    victim = next(p for p in edited["persons"] if p["id"] == "victim")
    assert victim["sex"] == "F"
    assert edited["incidents"][0]["parties"] == base["incidents"][0]["parties"][1:]
    assert edited["incidents"][1]["abuseKinds"][-1] == "economic"
    assert base["persons"] != edited["persons"], "the base is copied, never changed"
    assert next(p for p in base["persons"] if p["id"] == "victim")["sex"] == "M"


@pytest.mark.parametrize(
    "entry",
    [e for e in MUTATIONS if e["file"].endswith(".json") and e.get("form") != "logical"],
    ids=lambda e: Path(e["file"]).name,
)
def test_each_built_record_raises_exactly_its_declared_practice_rules(entry: dict[str, Any]) -> None:
    from dastandard.config import Settings
    from dastandard.validation.practice import check_record

    record = orjson.loads((ROOT / entry["file"]).read_bytes())
    findings = check_record(record, settings=Settings(), file=entry["file"], record_no=1)
    assert {f.rule_id for f in findings} == set(entry["rules"])
