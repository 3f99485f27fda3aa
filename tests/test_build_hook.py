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

    def no_compiler(*_args: Any, **_kwargs: Any) -> dict[str, Path]:
        raise OSError("command 'gcc' failed: No such file or directory")

    monkeypatch.setattr(module, "_compile", no_compiler)
    monkeypatch.setattr(module, "_write_walks", lambda root, work: work / "walks.py")
    data = _build_data()
    with pytest.warns(RuntimeWarning, match="building pure Python"):
        hook.initialize("standard", data)
    assert data == _build_data()  # no platform tag, nothing force-included: the universal wheel
    assert any("gcc" in said and "pure Python" in said for said in app.said)


def test_a_compiled_build_ships_each_module_and_tags_the_wheel_for_this_platform(monkeypatch: Any) -> None:
    module, hook, _ = _hook(compiled=("dastandard/validation/practice/*.py", "dastandard/config.py"))
    monkeypatch.delenv("DASTANDARD_PURE_PYTHON", raising=False)
    asked: list[tuple[dict[str, Path], set[str]]] = []

    def fake_compile(sources: dict[str, Path], work: Path, quick: set[str]) -> dict[str, Path]:
        asked.append((sources, quick))
        return {name[:-3] + ".so": work / (name[:-3] + ".so") for name in sources}

    monkeypatch.setattr(module, "_compile", fake_compile)
    monkeypatch.setattr(module, "_write_walks", lambda root, work: work / "walks.py")
    data = _build_data()
    hook.initialize("standard", data)
    ((sources, quick),) = asked
    walks = "dastandard/validation/_walks_ahead.py"
    assert quick == {walks} and next(iter(sources)) == walks  # the largest module, optimised less, started first
    practice = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "dastandard/validation/practice").glob("*.py"))
    assert sorted(sources) == sorted([*practice, "dastandard/config.py", walks])  # the patterns expanded, once each
    assert sources["dastandard/config.py"] == ROOT / "dastandard/config.py"
    shipped = sorted(data["force_include"].values())
    assert shipped == sorted([*(s[:-3] + ".so" for s in sources), walks])  # the generated source beside its module
    assert data["pure_python"] is False and data["infer_tag"] is True
    hook.finalize("standard", data, "")
    assert not Path(hook._work).exists()  # the build's temporary folder is removed


def test_when_the_walks_cannot_be_written_the_rest_is_still_compiled(monkeypatch: Any) -> None:
    module, hook, app = _hook()
    monkeypatch.delenv("DASTANDARD_PURE_PYTHON", raising=False)

    def no_plan(root: Path, work: Path) -> Path:
        raise RuntimeError("ModuleNotFoundError: No module named 'orjson'")

    compiled: list[list[str]] = []
    monkeypatch.setattr(module, "_write_walks", no_plan)
    monkeypatch.setattr(
        module, "_compile", lambda sources, work, quick: compiled.append(list(sources)) or {"x.so": work / "x.so"}
    )
    data = _build_data()
    with pytest.warns(RuntimeWarning, match="not written ahead of time"):
        hook.initialize("standard", data)
    assert compiled == [["dastandard/validation/profile.py"]]
    assert data["pure_python"] is False
    assert any("orjson" in said for said in app.said)
    hook.finalize("standard", data, "")


def test_the_build_writes_the_walks_of_the_profiled_types_from_the_source_tree(tmp_path: Path) -> None:
    module = _hook_module()
    path = module._write_walks(ROOT, tmp_path)
    assert path == tmp_path / "generated" / "dastandard" / "validation" / "_walks_ahead.py"
    assert (path.parent / "__init__.py").is_file() and (path.parent.parent / "__init__.py").is_file()
    namespace: dict[str, Any] = {}
    exec(compile(path.read_text(encoding="utf-8"), str(path), "exec"), namespace)
    assert {"w_Patient_r", "w_Bundle__entry", "w_Extension", "w_Coding"} <= set(namespace["WALKS"])
    assert all(callable(function) for function, _digest in namespace["WALKS"].values())


def test_the_flags_keep_full_optimisation_except_for_the_generated_walks() -> None:
    module = _hook_module()
    assert "-O1" in module.QUICK_FLAGS and not any(flag.startswith("-O") for flag in module.FLAGS)
    assert "-g0" in module.FLAGS and "-g0" in module.QUICK_FLAGS
