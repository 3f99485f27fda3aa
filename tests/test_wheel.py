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

from dastandard._version import compiled_modules
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


def _compiler_and_cython() -> bool:
    """Whether this machine can build the compiled wheel (hatch_build.py): Cython importable and a C compiler."""
    import shutil
    import sysconfig

    try:
        import Cython  # noqa: F401
    except ImportError:
        return False
    compiler = (sysconfig.get_config_var("CC") or "cc").split()[0]
    return shutil.which(compiler) is not None


def _configured_modules() -> set[str]:
    """The dotted names of the modules pyproject.toml asks hatch_build.py to compile."""
    import tomllib

    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = config["tool"]["hatch"]["build"]["targets"]["wheel"]["hooks"]["custom"]["compiled"]
    return {str(p.relative_to(ROOT).with_suffix("")).replace("/", ".") for pat in patterns for p in ROOT.glob(pat)}


def test_wheel_compiles_the_hot_path_where_it_can(unpacked_wheel: Path) -> None:
    """Where Cython and a C compiler are present the wheel carries every configured module compiled, beside its
    source; ``dastandard --version`` says so. (Without them the wheel is pure Python and says that.)"""
    env = {**os.environ, "PYTHONPATH": str(unpacked_wheel)}
    code = "from dastandard._version import compiled_modules; print(','.join(compiled_modules()))"
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, check=True, cwd=unpacked_wheel)
    compiled = set(filter(None, done.stdout.decode().strip().split(",")))
    version = subprocess.run(
        [sys.executable, "-c", "from dastandard.cli import main; main()", "--version"],
        env=env,
        capture_output=True,
        check=False,
        cwd=unpacked_wheel,
    )
    if not _compiler_and_cython():
        assert compiled == set()
        assert version.stdout.decode().strip().endswith("pure Python")
        return
    assert compiled == {*_configured_modules(), "dastandard.validation._walks_ahead"}  # and the walks it writes
    for name in compiled:
        assert (unpacked_wheel / (name.replace(".", "/") + ".py")).is_file(), name  # the source ships beside it
    assert version.stdout.decode().strip() == f"dastandard, version 0.1.0, compiled ({len(compiled)} modules)"
    assert compiled_modules() == ()  # the source tree (an editable install) is never compiled in place
    assert not (ROOT / "dastandard" / "validation" / "_walks_ahead.py").exists()  # written for the build only


def test_the_compiled_structure_layer_walks_the_profiled_types_with_the_walks_written_ahead(
    unpacked_wheel: Path,
) -> None:
    if not _compiler_and_cython():
        pytest.skip("no C compiler or Cython: the wheel is pure Python")
    code = (
        "from dastandard.validation.structure import structure_checker\n"
        "checker = structure_checker()\n"
        "print(len(checker._ahead), type(checker._walker('Patient', True)).__name__,"
        " checker._walker('Patient', True) is checker._ahead['w_Patient_r'][0],"
        " checker._walker('Claim', True).__code__.co_filename)"
    )
    env = {**os.environ, "PYTHONPATH": str(unpacked_wheel)}
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, check=True, cwd=unpacked_wheel)
    count, kind, used, other = done.stdout.decode().split(maxsplit=3)
    assert int(count) >= 70 and used == "True" and kind == "cython_function_or_method"
    assert other.strip() == "<structure walk of Claim>"  # a type no profile reaches: compiled at run time


def _findings(pythonpath: Path, inputs: list[Path], cwd: Path) -> list[dict[str, object]]:
    env = {**os.environ, "PYTHONPATH": str(pythonpath)}
    done = subprocess.run(
        [sys.executable, "-c", "from dastandard.cli import main; main()", "validate", "-o", "json", "-j", "1"]
        + [str(p) for p in inputs],
        env=env,
        capture_output=True,
        check=False,
        cwd=cwd,
    )
    assert done.returncode in (0, 1), done.stderr.decode()[-2000:]
    findings: list[dict[str, object]] = orjson.loads(done.stdout)["findings"]
    return findings


def test_compiled_wheel_finds_what_the_source_finds(unpacked_wheel: Path, tmp_path: Path) -> None:
    """The compiled modules are the source's semantics: every example (the failing ones included), an agency
    file of each kind and generated cases with every practice flaw give the same findings, field for field, in
    the same order, from the wheel as from the source tree."""
    cases = tmp_path / "cases.ndjson"
    generate = [sys.executable, "-c", "from dastandard.cli import main; main()", "generate", str(cases)]
    flaws = [
        *("--flaw", "child-not-spoken-with"),
        *("--flaw", "missing-characteristic"),
        *("--flaw", "unlinked-repeat-incident"),
    ]
    subprocess.run([*generate, "--count", "40", "--seed", "7", *flaws], check=True, capture_output=True)
    inputs = [
        ROOT / "examples" / "fhir",
        ROOT / "examples" / "invalid",
        ROOT / "examples" / "cases",
        ROOT / "examples" / "cin-census" / "da-factors.xml",
        ROOT / "examples" / "police-csv" / "notification.csv",
        cases,
    ]
    from_wheel = _findings(unpacked_wheel, inputs, tmp_path)
    from_source = _findings(ROOT, inputs, tmp_path)
    assert len(from_source) > 100  # the inputs do raise findings of every layer
    assert {f["layer"] for f in from_source} >= {"syntax", "structure", "profile", "practice", "return"}
    assert from_wheel == from_source


_GARBAGE = """
import gc, sys
from dastandard.validation import iter_findings

def garbage(paths):
    gc.collect()
    list(iter_findings(paths.split(","), jobs=1))
    return gc.collect()

gc.disable()
garbage(sys.argv[1])  # the first run compiles what it meets; what that leaves is not per record
print(garbage(sys.argv[1]), garbage(sys.argv[2]))
"""


@pytest.mark.parametrize("build", ["wheel", "source"])
@pytest.mark.parametrize("inputs", ["records", "files"])
def test_records_and_files_are_freed_when_done_not_left_to_the_cycle_collector(
    build: str, inputs: str, unpacked_wheel: Path, tmp_path: Path
) -> None:
    """Checking a record or reading a file leaves no reference cycles behind: 40 cases leave no more for the cycle
    collector than 10 do, and each agency file read again leaves only lxml's own few. (Compiled, a function nested
    in another that a third one calls, or that is kept in a generator's variable, holds its parent's variables in a
    cycle. One in the return summary kept every record's objects, and one in the agency-file reader kept each whole
    file, until a collection: 405 MB at peak against 282 MB on a 96 MB return.)"""
    if inputs == "records":
        generate = [sys.executable, "-c", "from dastandard.cli import main; main()", "generate"]
        for count in (10, 40):
            subprocess.run([*generate, str(tmp_path / f"{count}.ndjson"), "--count", str(count)], check=True)
        small, large = str(tmp_path / "10.ndjson"), str(tmp_path / "40.ndjson")
    else:
        sources = [
            ROOT / "examples" / "cin-census" / "da-factors.xml",
            ROOT / "examples" / "police-csv" / "notification.csv",
        ]
        copies = []
        for n in range(3):
            for source in sources:
                copy = tmp_path / f"{n}-{source.name}"
                copy.write_bytes(source.read_bytes())
                copies.append(str(copy))
        small, large = ",".join(copies[:2]), ",".join(copies)
    pythonpath = unpacked_wheel if build == "wheel" else ROOT
    done = subprocess.run(
        [sys.executable, "-c", _GARBAGE, small, large],
        env={**os.environ, "PYTHONPATH": str(pythonpath)},
        capture_output=True,
        check=True,
        cwd=tmp_path,
    )
    few, many = map(int, done.stdout.split())
    if inputs == "records":
        assert many - few < 30, (few, many)
    else:  # lxml's pull parser leaves a few dozen objects of its own per XML file, in either build
        assert (many - few) / 2 < 100, (few, many)


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
