"""hatch_build.py: when the wheel is compiled, and that every other case builds pure Python rather than failing."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
pytest.importorskip("hatchling", reason="hatchling (in the [test] extra) runs the build hook")


def _hook_module() -> Any:
    spec = importlib.util.spec_from_file_location("dastandard_hatch_build", ROOT / "hatch_build.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


class _App:
    def __init__(self) -> None:
        self.said: list[str] = []

    def display_info(self, message: str) -> None:
        self.said.append(message)

    def display_warning(self, message: str) -> None:
        self.said.append(message)


def _hook(target: str = "wheel", compiled: tuple[str, ...] = ("dastandard/validation/profile.py",)) -> Any:
    module = _hook_module()
    app = _App()
    hook = module.CustomBuildHook(str(ROOT), {"compiled": list(compiled)}, None, None, str(ROOT), target, app)
    return module, hook, app


def _build_data() -> dict[str, Any]:
    return {"force_include": {}, "artifacts": [], "pure_python": True, "infer_tag": False}


@pytest.mark.parametrize(("version", "target"), [("editable", "wheel"), ("standard", "sdist")])
def test_editable_installs_and_sdists_are_never_compiled(version: str, target: str, monkeypatch: Any) -> None:
    module, hook, _ = _hook(target)
    monkeypatch.setattr(module, "_compile", lambda *a: pytest.fail("compiled"))
    data = _build_data()
    hook.initialize(version, data)
    assert data == _build_data()


def test_the_environment_variable_asks_for_pure_python(monkeypatch: Any) -> None:
    module, hook, app = _hook()
    monkeypatch.setenv("DASTANDARD_PURE_PYTHON", "1")
    monkeypatch.setattr(module, "_compile", lambda *a: pytest.fail("compiled"))
    data = _build_data()
    hook.initialize("standard", data)
    assert data == _build_data()
    assert any("DASTANDARD_PURE_PYTHON" in said for said in app.said)


def test_a_failed_compile_warns_and_builds_pure_python(monkeypatch: Any) -> None:
    module, hook, app = _hook()
    monkeypatch.delenv("DASTANDARD_PURE_PYTHON", raising=False)

    def no_compiler(*_args: Any) -> dict[str, Path]:
        raise OSError("command 'gcc' failed: No such file or directory")

    monkeypatch.setattr(module, "_compile", no_compiler)
    data = _build_data()
    with pytest.warns(RuntimeWarning, match="building pure Python"):
        hook.initialize("standard", data)
    assert data == _build_data()  # no platform tag, nothing force-included: the universal wheel
    assert any("gcc" in said and "pure Python" in said for said in app.said)


def test_a_compiled_build_ships_each_module_and_tags_the_wheel_for_this_platform(monkeypatch: Any) -> None:
    module, hook, _ = _hook(compiled=("dastandard/validation/practice/*.py", "dastandard/config.py"))
    monkeypatch.delenv("DASTANDARD_PURE_PYTHON", raising=False)
    asked: list[list[str]] = []

    def fake_compile(root: Path, sources: list[str], work: Path) -> dict[str, Path]:
        asked.append(sources)
        return {source[:-3] + ".so": work / (source[:-3] + ".so") for source in sources}

    monkeypatch.setattr(module, "_compile", fake_compile)
    data = _build_data()
    hook.initialize("standard", data)
    (sources,) = asked
    practice = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "dastandard/validation/practice").glob("*.py"))
    assert sources == sorted([*practice, "dastandard/config.py"])  # the patterns expanded, each file once
    assert sorted(data["force_include"].values()) == sorted(s[:-3] + ".so" for s in sources)
    assert data["pure_python"] is False and data["infer_tag"] is True
    hook.finalize("standard", data, "")
    assert not Path(hook._work).exists()  # the build's temporary folder is removed
