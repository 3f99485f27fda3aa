"""The format registry: built-ins load, plugins are optional, detection refuses to guess."""

from __future__ import annotations

from importlib import import_module
from pathlib import Path
from typing import Any, ClassVar

import pytest

from dastandard.convert import registry
from dastandard.convert.base import Format

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "cin-census" / "da-factors.xml"


def test_every_builtin_format_loads() -> None:
    assert registry.load_errors() == ()
    for cls in registry.builtin_formats():
        assert issubclass(cls, Format), cls
    names = registry.format_names()
    assert len(names) == len(set(names)) == len(registry.builtin_formats())
    assert "cin-census" in names


def test_every_format_declares_itself() -> None:
    for fmt in registry.all_formats():
        assert fmt.name and fmt.description and (fmt.can_read or fmt.can_write)
        assert all(ext.startswith(".") for ext in fmt.extensions)


def test_unknown_format_names_the_known_ones() -> None:
    with pytest.raises(registry.RegistryError, match="cin-census"):
        registry.get_format("no-such-format")


def test_detect_cin_census_from_content() -> None:
    head = EXAMPLE.read_bytes()[:4096]
    assert registry.detect_format(head, EXAMPLE) == "cin-census"
    assert registry.detect_format(head, None) == "cin-census"


def test_detection_refuses_to_guess(monkeypatch: pytest.MonkeyPatch) -> None:
    class Greedy(Format):
        name: ClassVar[str] = "greedy"
        description: ClassVar[str] = "claims everything"
        can_read: ClassVar[bool] = True

        def sniff(self, head: bytes, path: Path | None) -> bool:
            return True

    formats, errors = registry._registry()
    monkeypatch.setattr(registry, "_registry", lambda: ({**formats, "greedy": Greedy()}, errors))
    head = EXAMPLE.read_bytes()[:4096]
    assert registry.detect_format(head, EXAMPLE) is None
    assert {"greedy", "cin-census"} <= set(registry.detect_candidates(head, EXAMPLE))


def test_unrecognised_content_falls_back_to_a_unique_extension() -> None:
    assert registry.detect_format(b"???", Path("x.nothing")) is None
    assert registry.detect_candidates(b"", None) == []


class _EntryPoint:
    def __init__(self, name: str, value: str) -> None:
        self.name, self.value = name, value

    def load(self) -> Any:
        module, _, attr = self.value.partition(":")
        return getattr(import_module(module), attr)


def test_broken_plugin_is_a_warning_and_a_good_one_is_listed(monkeypatch: pytest.MonkeyPatch) -> None:
    def fake_entry_points(group: str) -> list[Any]:
        assert group == registry.ENTRY_POINT_GROUP
        return [
            _EntryPoint("broken", "no_such_module_xyz:Thing"),
            _EntryPoint("extra", f"{__name__}:PluginFormat"),
        ]

    monkeypatch.setattr(registry, "entry_points", fake_entry_points)
    registry._registry.cache_clear()
    try:
        with pytest.warns(RuntimeWarning, match="broken"):
            names = registry.format_names()
        assert "plugin-format" in names
        assert registry.get_format("plugin-format").can_write
    finally:
        registry._registry.cache_clear()


class Broken(Format):
    name: ClassVar[str] = "broken-builtin"

    def __init__(self) -> None:
        raise RuntimeError("cannot start")


def test_a_builtin_that_cannot_start_is_a_load_error_not_an_exception(monkeypatch: pytest.MonkeyPatch) -> None:
    builtins = registry.builtin_formats()
    monkeypatch.setattr(registry, "builtin_formats", lambda: (*builtins, Broken))
    registry._registry.cache_clear()
    try:
        assert any(err.startswith(f"{__name__}:Broken: RuntimeError") for err in registry.load_errors())
        assert "cin-census" in registry.format_names()
    finally:
        registry._registry.cache_clear()


class PluginFormat(Format):
    name: ClassVar[str] = "plugin-format"
    description: ClassVar[str] = "a test plugin"
    can_write: ClassVar[bool] = True
