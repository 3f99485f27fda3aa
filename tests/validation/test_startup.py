"""What a run loads at start-up: entry points are looked up without importlib.metadata when none can exist."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from dastandard.validation import engine

GROUP = "dastandard.rule_layers"


def _distribution(folder: Path, entry_points: str) -> None:
    info = folder / "example_plugin-1.0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: example-plugin\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text(entry_points)


def test_no_declaring_distribution_means_no_lookup(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _distribution(tmp_path, "[console_scripts]\nexample = example_plugin:main\n")
    monkeypatch.setattr(sys, "path", [str(tmp_path), str(tmp_path / "missing")])
    assert not engine._may_declare(GROUP)
    assert list(engine.entry_points(GROUP)) == []


def test_declaring_distribution_is_found(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _distribution(tmp_path, f"[{GROUP}]\nlocal = example_plugin.rules:check\n")
    monkeypatch.setattr(sys, "path", [str(tmp_path)])
    assert engine._may_declare(GROUP)
    assert [(ep.name, ep.value) for ep in engine.entry_points(GROUP)] == [("local", "example_plugin.rules:check")]


def test_zip_on_the_path_is_left_to_importlib(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    archive = tmp_path / "bundle.zip"
    archive.write_bytes(b"PK\x05\x06" + b"\0" * 18)
    monkeypatch.setattr(sys, "path", [str(archive)])
    assert engine._may_declare(GROUP)
