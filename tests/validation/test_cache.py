"""The per-user cache (``dastandard._cache``) and the parsed FHIRPath expressions kept in it."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest

from dastandard import _cache
from dastandard.fhir import invariants

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "fhir" / "case-01-post-separation-contact.json"
EXPRESSION = "start.exists().not() or end.exists().not() or (start <= end)"


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """An empty cache folder of this test, and the process's parsed expressions forgotten around it."""
    root = tmp_path / "cache"
    monkeypatch.setenv(_cache.ENV_VAR, str(root))
    saved = invariants._parsed
    invariants._parsed = None
    invariants._unsaved.clear()
    yield root
    invariants._parsed = saved
    invariants._unsaved.clear()


def _stored(root: Path) -> dict[str, Any]:
    content: dict[str, Any] = orjson.loads((root / "fhirpath.json").read_bytes())["content"]
    return content


def test_roundtrip_and_miss_on_another_key(cache: Path) -> None:
    assert _cache.read("x.json", "k1") is None  # nothing yet
    assert _cache.write("x.json", "k1", {"a": [1, 2]})
    assert _cache.read("x.json", "k1") == {"a": [1, 2]}
    assert _cache.read("x.json", "k2") is None, "an entry stored for other versions is a miss"
    assert cache.stat().st_mode & 0o777 == 0o700
    assert (cache / "x.json").stat().st_mode & 0o077 == 0
    assert [p.name for p in cache.iterdir()] == ["x.json"], "no temporary file is left"


def test_parsed_expression_is_stored_and_reused(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    tree = invariants.parsed(EXPRESSION)
    assert isinstance(tree, dict)
    invariants.save_parsed()
    assert _stored(cache)[EXPRESSION] == {"tree": tree}
    # A new process (simulated): the tree comes from the cache, the parser is never called.
    invariants._parsed = None
    import fhirpathpy.parser

    def refuse(expression: str) -> Any:
        raise AssertionError(f"parsed again: {expression}")

    monkeypatch.setattr(fhirpathpy.parser, "parse", refuse)
    assert invariants.parsed(EXPRESSION) == tree
    # A changed expression (new content) is a miss: parsed, then added beside the first.
    monkeypatch.undo()
    monkeypatch.setenv(_cache.ENV_VAR, str(cache))
    other = EXPRESSION.replace("start <= end", "start < end")
    assert isinstance(invariants.parsed(other), dict)
    invariants.save_parsed()
    assert set(_stored(cache)) == {EXPRESSION, other}


def test_syntax_error_is_cached_as_the_same_message(cache: Path) -> None:
    first = invariants.parsed("name = @@@")
    assert isinstance(first, str) and first
    invariants.save_parsed()
    invariants._parsed = None
    assert invariants.parsed("name = @@@") == first
    assert isinstance(invariants.compile_invariant("name = @@@"), str)


@pytest.mark.parametrize("damage", [b"{corrupt", b"[]", b'{"key": 1}', b""])
def test_corrupt_file_is_ignored_and_rebuilt(cache: Path, damage: bytes) -> None:
    cache.mkdir(mode=0o700)
    (cache / "fhirpath.json").write_bytes(damage)
    tree = invariants.parsed(EXPRESSION)
    assert isinstance(tree, dict)
    invariants.save_parsed()
    assert _stored(cache) == {EXPRESSION: {"tree": tree}}


def test_entry_of_the_wrong_shape_is_parsed_again(cache: Path) -> None:
    invariants.parsed(EXPRESSION)
    invariants.save_parsed()
    stored = orjson.loads((cache / "fhirpath.json").read_bytes())
    stored["content"][EXPRESSION] = {"tree": "not a tree"}
    (cache / "fhirpath.json").write_bytes(orjson.dumps(stored))
    invariants._parsed = None
    assert isinstance(invariants.parsed(EXPRESSION), dict)


@pytest.mark.skipif(not hasattr(os, "getuid") or os.getuid() == 0, reason="root may write anywhere")
def test_unwritable_folder_is_worked_around(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    monkeypatch.setenv(_cache.ENV_VAR, str(locked / "cache"))
    assert not _cache.write("x.json", "k", {})
    assert _cache.read("x.json", "k") is None


def test_folder_that_is_a_file_is_worked_around(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv(_cache.ENV_VAR, str(blocker / "cache"))
    assert not _cache.write("x.json", "k", {})
    assert _cache.read("x.json", "k") is None


def test_folder_writable_by_others_is_not_used(cache: Path) -> None:
    assert _cache.write("x.json", "k", {"v": 1})
    cache.chmod(0o777)
    assert _cache.read("x.json", "k") is None, "someone else could have written it"
    assert not _cache.write("x.json", "k", {"v": 2})
    cache.chmod(0o700)
    assert _cache.read("x.json", "k") == {"v": 1}


def test_symbolic_links_are_not_followed(cache: Path, tmp_path: Path) -> None:
    assert _cache.write("x.json", "k", {"v": 1})
    elsewhere = tmp_path / "elsewhere.json"
    elsewhere.write_bytes(orjson.dumps({"key": "k", "content": {"v": "planted"}}))
    (cache / "x.json").unlink()
    (cache / "x.json").symlink_to(elsewhere)
    assert _cache.read("x.json", "k") is None
    real = tmp_path / "real"
    real.mkdir(mode=0o700)
    (real / "x.json").write_bytes(elsewhere.read_bytes())
    linked = tmp_path / "linked"
    linked.symlink_to(real)
    os.environ[_cache.ENV_VAR] = str(linked)
    assert _cache.read("x.json", "k") is None, "a cache folder that is a link is not used"


@pytest.mark.parametrize("value", ["off", ""])
def test_cache_can_be_turned_off(value: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(_cache.ENV_VAR, value)
    assert _cache.cache_root() is None
    assert not _cache.write("x.json", "k", {})


def test_default_location_follows_xdg(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(_cache.ENV_VAR, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert _cache.cache_root() == tmp_path / "dastandard"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/path")  # not absolute: ignored, as the XDG spec says
    assert _cache.cache_root() == Path.home() / ".cache" / "dastandard"


def _validate(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    code = "import sys; from dastandard.cli import main; main(sys.argv[1:])"
    return subprocess.run(
        [sys.executable, "-c", code, "validate", str(EXAMPLE)], env=env, capture_output=True, text=True, check=False
    )


def test_command_fills_then_uses_the_cache_and_loads_no_more_than_it_needs(tmp_path: Path) -> None:
    env = {**os.environ, _cache.ENV_VAR: str(tmp_path / "cache")}
    first = _validate(env)
    assert first.returncode == 0, first.stderr
    stored = _stored(tmp_path / "cache")
    assert len(stored) > 20
    second = _validate(env)
    assert (second.returncode, second.stdout, second.stderr) == (first.returncode, first.stdout, first.stderr)
    # With the cache filled, validating FHIR loads neither the FHIRPath parser nor the other commands' modules.
    probe = (
        "import sys; from dastandard.cli import main\n"
        "try: main(sys.argv[1:])\n"
        "except SystemExit: pass\n"
        "heavy = ('fhirpathpy', 'antlr4', 'jsonschema', 'jinja2', 'rich', 'lxml', 'dastandard.generate',\n"
        "         'dastandard.logical', 'dastandard.convert', 'dastandard.htmlreport.render',\n"
        "         'dastandard.htmlreport.report', 'dastandard.fhir.npm')\n"
        "print(sorted(m for m in sys.modules if any(m == h or m.startswith(h + '.') for h in heavy)))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", probe, "validate", "-q", str(EXAMPLE)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert loaded.stdout.strip().splitlines()[-1] == "[]", loaded.stdout + loaded.stderr


def test_command_without_a_usable_cache_gives_the_same_answer(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    cached = _validate({**os.environ, _cache.ENV_VAR: str(tmp_path / "cache")})
    unusable = _validate({**os.environ, _cache.ENV_VAR: str(blocker / "cache")})
    assert unusable.returncode == cached.returncode == 0
    assert unusable.stdout == cached.stdout
    assert unusable.stderr == "" and "Traceback" not in unusable.stderr


def test_failed_write_leaves_nothing_and_validation_goes_on(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import tempfile

    def full_disk(*args: Any, **kwargs: Any) -> Any:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(tempfile, "mkstemp", full_disk)
    assert not _cache.write("x.json", "k", {"v": 1})
    assert isinstance(invariants.parsed(EXPRESSION), dict)
    invariants.save_parsed()  # does not raise
    assert list(cache.iterdir()) == []


def test_environments_with_the_same_parser_version_share_one_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import importlib.machinery
    import importlib.util

    def installed(folder: str, version: str) -> importlib.machinery.ModuleSpec:
        init = tmp_path / folder / "fhirpathpy" / "__init__.py"
        init.parent.mkdir(parents=True)
        init.write_text(f'__version__ = "{version}"\n', encoding="utf-8")
        return importlib.util.spec_from_file_location("fhirpathpy", init)  # type: ignore[return-value]

    specs = {"a": installed("venv-a", "2.2.4"), "b": installed("venv-b", "2.2.4"), "c": installed("venv-c", "9.0")}

    def key_of(name: str) -> str:
        monkeypatch.setattr(importlib.util, "find_spec", lambda _: specs[name])
        return invariants._cache_key()

    assert key_of("a") == key_of("b")  # two virtual environments: one cache file, not replacing each other's
    assert key_of("a") != key_of("c")  # another parser version parses afresh
