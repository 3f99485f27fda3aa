"""The release files agree with each other and with the version: the release workflow, CHANGELOG.md, the install
recipes of docs/ci.md and the repository's own pre-commit configuration."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
VERSION: str = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
TAG = f"v{VERSION}"
WHEEL = f"dastandard-{VERSION}-py3-none-any.whl"


def _yaml(name: str) -> Any:
    return yaml.safe_load((ROOT / name).read_text(encoding="utf-8"))


def _steps(workflow: dict[str, Any]) -> list[dict[str, Any]]:
    return [step for job in workflow["jobs"].values() for step in job["steps"]]


def test_release_workflow_runs_on_version_tags_and_checks_both_distributions() -> None:
    workflow = _yaml(".github/workflows/release.yml")
    # PyYAML reads the bare key `on` as True (YAML 1.1); GitHub reads it as the trigger.
    trigger = workflow.get("on", workflow.get(True))
    assert trigger == {"push": {"tags": ["v*"]}}
    assert re.fullmatch(r"v\*", trigger["push"]["tags"][0]) and TAG.startswith("v")
    runs = "\n".join(step.get("run", "") for step in _steps(workflow))
    assert "DASTANDARD_PURE_PYTHON=1 python -m build" in runs  # sdist and the pure-Python wheel
    assert "python -m build --wheel" in runs  # the compiled wheel
    assert "twine check --strict dist/*" in runs
    assert "check-wheel-contents dist/*.whl" in runs
    assert 'test "$GITHUB_REF_NAME" = "v$version"' in runs  # a tag that is not the version is refused
    assert "for wheel in dist/*.whl" in runs and 'pip install "$wheel"' in runs and "dastandard --version" in runs
    assert "gh release create" in runs
    # check-wheel-contents reads its settings from pyproject.toml: only the deliberate duplicate examples pass.
    settings = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["check-wheel-contents"]
    assert settings == {"ignore": ["W002"]}
    # Only the publishing job may write; the build job reads.
    assert workflow["permissions"] == {"contents": "read"}
    assert workflow["jobs"]["publish"]["permissions"] == {"contents": "write"}
    assert workflow["jobs"]["publish"]["needs"] == "build"


def test_changelog_has_a_section_for_the_version() -> None:
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert re.search(rf"^## \[{re.escape(VERSION)}\] - \d{{4}}-\d{{2}}-\d{{2}}$", changelog, re.M)
    assert "## [Unreleased]" in changelog
    assert TAG in (ROOT / "docs" / "contributing.md").read_text(encoding="utf-8")


def test_ci_recipes_install_the_release_wheel_not_an_unpublished_name() -> None:
    ci = (ROOT / "docs" / "ci.md").read_text(encoding="utf-8")
    installs = re.findall(r"pip install (\S+)", ci)
    assert installs, "docs/ci.md installs nothing"
    for spec in installs:
        assert spec == f"ci/{WHEEL}", spec  # `pip install dastandard` would fail: it is not on PyPI
    assert TAG in ci and "release.yml" in ci
    for doc in (ROOT / "docs").glob("*.md"):
        assert not re.search(r"pip install ['\"]?dastandard\b", doc.read_text(encoding="utf-8")), doc.name
    # Every YAML recipe in the page parses.
    for block in re.findall(r"```yaml\n(.*?)```", ci, re.S):
        assert yaml.safe_load(block) is not None


def test_recipes_use_the_published_hook_as_published() -> None:
    (published,) = (h for h in _yaml(".pre-commit-hooks.yaml") if h["id"] == "dastandard-validate")
    ci = (ROOT / "docs" / "ci.md").read_text(encoding="utf-8")
    recipes = [yaml.safe_load(b) for b in re.findall(r"```yaml\n(.*?)```", ci, re.S)]
    hooks = [h for r in recipes if isinstance(r, dict) and "repos" in r for repo in r["repos"] for h in repo["hooks"]]
    assert hooks
    for hook in hooks:
        assert hook["id"] == published["id"]
        if "entry" in hook:
            assert hook["entry"] == published["entry"]
        assert hook["args"][:2] == published["args"]


def test_own_pre_commit_config_dogfoods_the_published_hook_on_valid_examples() -> None:
    config = _yaml(".pre-commit-config.yaml")
    (published,) = (h for h in _yaml(".pre-commit-hooks.yaml") if h["id"] == "dastandard-validate")
    (repo,) = config["repos"]
    assert repo["repo"] == "local"  # pre-commit cannot fetch the repository it runs in by a relative path
    (hook,) = repo["hooks"]
    for key in ("id", "name", "entry", "args"):
        assert hook[key] == published[key], key
    files = re.compile(hook["files"])
    chosen = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "examples").rglob("*") if p.is_file())
    chosen = [p for p in chosen if files.search(p)]
    assert chosen and all(p.startswith("examples/fhir/") for p in chosen)  # never the failing examples
    # The published pattern accepts every file the local hook is given.
    assert all(re.search(published["files"], p) for p in chosen)
