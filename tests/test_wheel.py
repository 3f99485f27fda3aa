"""The built wheel carries the standard's artifacts and works without the source tree."""

from __future__ import annotations

import os
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import orjson
import pytest

from dastandard.standard import CONFORMANCE_TYPES

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def unpacked_wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    pytest.importorskip("hatchling", reason="hatchling (in the [test] extra) builds the wheel")
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(out), str(ROOT)],
        check=True,
        capture_output=True,
    )
    (wheel,) = out.glob("dastandard-*.whl")
    target = out / "site"
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(target)
    return target


def test_wheel_ships_every_data_folder(unpacked_wheel: Path) -> None:
    data = unpacked_wheel / "dastandard" / "_data"
    for folder in ("profiles", "validators", "converters", "examples"):
        assert (data / folder).is_dir(), folder
    shipped = {p.relative_to(data / "profiles") for p in (data / "profiles").rglob("*.json")}
    in_tree = {p.relative_to(ROOT / "profiles") for p in (ROOT / "profiles").rglob("*.json")}
    assert shipped == in_tree
    # Generated and hand-written resources keep their folders in the wheel (see docs/profiles.md).
    assert Path("generated/ImplementationGuide/dastandard.json") in shipped
    assert Path("generated/other/external-canonicals.json") in shipped
    assert any(p.parts[0] == "ConceptMap" for p in shipped)
    assert (unpacked_wheel / "dastandard" / "py.typed").exists()


def test_installed_wheel_lists_the_profiles_from_the_command_line(unpacked_wheel: Path, tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(unpacked_wheel)}
    done = subprocess.run(
        [sys.executable, "-c", "from dastandard.cli import main; main()", "profiles", "--format", "json"],
        cwd=tmp_path,  # away from the source tree, so only the wheel's own data can be found
        env=env,
        capture_output=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr.decode()
    listing = orjson.loads(done.stdout)
    urls = {a["url"] for a in listing["artifacts"]}
    assert f"{listing['canonical']}/StructureDefinition/DAPerson" in urls
    assert f"{listing['canonical']}/ImplementationGuide/dastandard" in urls
    conformance = [
        p
        for p in (ROOT / "profiles").rglob("*.json")
        if orjson.loads(p.read_bytes()).get("resourceType") in CONFORMANCE_TYPES
    ]
    assert len(urls) == len(conformance)


def test_installed_wheel_writes_the_fhir_package(unpacked_wheel: Path, tmp_path: Path) -> None:
    """The snapshots ship in the wheel: ``dastandard package`` needs neither the source tree nor the core bases."""
    data = unpacked_wheel / "dastandard" / "_data" / "snapshots"
    assert (data / "NOTICE.md").is_file()
    assert {p.name for p in (data / "StructureDefinition").glob("*.json")} == {
        p.name for p in (ROOT / "snapshots" / "StructureDefinition").glob("*.json")
    }
    env = {**os.environ, "PYTHONPATH": str(unpacked_wheel)}
    done = subprocess.run(
        [sys.executable, "-c", "from dastandard.cli import main; main()", "package", "-o", "out.tgz"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr.decode()
    with tarfile.open(tmp_path / "out.tgz") as archive:
        names = archive.getnames()
    assert "package/package.json" in names and "package/StructureDefinition-DAPerson.json" in names


def test_wheel_ships_the_report_templates_and_learning_points(unpacked_wheel: Path) -> None:
    templates = unpacked_wheel / "dastandard" / "htmlreport" / "templates"
    in_tree = {p.name for p in (ROOT / "dastandard" / "htmlreport" / "templates").iterdir()}
    assert {p.name for p in templates.iterdir()} == in_tree
    assert {"base.html.j2", "style.css", "chronology.html.j2", "report_index.html.j2"} <= in_tree
    assert (unpacked_wheel / "dastandard" / "_data" / "validators" / "learning-points.json").is_file()


def test_installed_wheel_writes_a_report_with_learning_points(unpacked_wheel: Path, tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(unpacked_wheel)}
    source = ROOT / "examples" / "cin-census" / "da-factors.expected.ndjson"
    done = subprocess.run(
        [sys.executable, "-c", "from dastandard.cli import main; main()", "report", str(source), "-o", "r.html"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr.decode()
    assert "Learning point L" in (tmp_path / "r.html").read_text(encoding="utf-8")
