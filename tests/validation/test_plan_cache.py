"""The base plan kept in the per-user cache (``dastandard.fhir.baseplan``): same plan, lazily parsed, never stale."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest

from dastandard import _cache
from dastandard.fhir import baseplan

TYPES = ("Patient", "Observation", "Extension", "Coding", "Period", "Bundle.entry", "Questionnaire.item")


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    root = tmp_path / "cache"
    monkeypatch.setenv(_cache.ENV_VAR, str(root))
    baseplan.base_plan.cache_clear()
    yield root
    baseplan.base_plan.cache_clear()


def _plan_without_cache(monkeypatch: pytest.MonkeyPatch) -> baseplan.BasePlan:
    monkeypatch.setenv(_cache.ENV_VAR, "off")
    baseplan.base_plan.cache_clear()
    plan = baseplan.base_plan()
    baseplan.base_plan.cache_clear()
    return plan


def _view(plan: baseplan.BasePlan) -> dict[str, object]:
    return {
        "types": {t: dict(plan.types[t]) for t in TYPES},
        "required": {t: plan.required[t] for t in TYPES},
        "constraints": {t: dict(plan.constraints.get(t, {})) for t in TYPES},
        "type_names": sorted(plan.types),
        "constrained_names": sorted(plan.constraints),
        "resources": plan.resources,
        "valuesets": plan.valuesets,
    }


def test_cached_plan_is_the_shipped_plan(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = baseplan.base_plan()  # a miss: parsed from the shipped file, stored
    stored = orjson.loads((cache / "baseplan.json").read_bytes())["content"]
    assert isinstance(stored["types"]["Patient"], str)  # one JSON text per type, parsed when first met
    baseplan.base_plan.cache_clear()
    second = baseplan.base_plan()  # a hit
    assert isinstance(second.types, baseplan._Types) and isinstance(second.types._raw["Patient"], str)
    expected = _view(_plan_without_cache(monkeypatch))
    assert _view(first) == expected
    assert _view(second) == expected


def test_a_damaged_entry_is_read_from_the_shipped_plan(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    baseplan.base_plan()
    target = cache / "baseplan.json"
    document = orjson.loads(target.read_bytes())
    document["content"]["types"]["Patient"] = "{not json"
    document["content"]["constraints"]["Patient"] = "[1, 2]"
    target.write_bytes(orjson.dumps(document))
    baseplan.base_plan.cache_clear()
    damaged = baseplan.base_plan()
    expected = _plan_without_cache(monkeypatch)
    assert dict(damaged.types["Patient"]) == dict(expected.types["Patient"])
    assert dict(damaged.constraints["Patient"]) == dict(expected.constraints["Patient"])


def test_another_plan_is_a_miss(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The key holds the shipped file's size and CRC-32: a cache written for another plan is not used."""
    baseplan.base_plan()
    target = cache / "baseplan.json"
    document = orjson.loads(target.read_bytes())
    document["key"] = document["key"].replace("baseplan", "baseplan-of-another-file")
    document["content"]["types"]["Patient"] = orjson.dumps({"planted": ["string", 0, "1", None, None]}).decode()
    target.write_bytes(orjson.dumps(document))
    baseplan.base_plan.cache_clear()
    assert "planted" not in baseplan.base_plan().types["Patient"]
    assert "planted" not in orjson.loads(target.read_bytes())["content"]["types"]["Patient"]  # rewritten


def test_an_unwritable_cache_still_gives_the_plan(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    monkeypatch.setenv(_cache.ENV_VAR, str(blocker / "cache"))
    baseplan.base_plan.cache_clear()
    try:
        plan = baseplan.base_plan()
        assert "birthDate" in plan.types["Patient"]
    finally:
        baseplan.base_plan.cache_clear()
    assert blocker.read_text() == ""
