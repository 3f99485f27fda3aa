"""Start-up of ``dastandard validate`` on one file, as a CI job runs it: what it loads, and that it works without a
writable home folder.

The command is run as a console script runs it (``main()`` with no arguments, so the start-up settings apply) in a
fresh interpreter, from a folder with no configuration file above it.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "fhir" / "case-01-post-separation-contact.json"

# Modules validating a FHIR file does not need: other commands' and other formats' code, and standard-library
# modules that only some options use (--output: tempfile; SARIF: hashlib; JUnit: xml.etree; --ig packages: the
# package reader; the HTML report's dates: zoneinfo; background writing: queue; processes: concurrent.futures).
NOT_LOADED = (
    "fhirpathpy",
    "antlr4",
    "jsonschema",
    "jinja2",
    "rich",
    "lxml",
    "dastandard.generate",
    "dastandard.logical",
    "dastandard.convert",
    "dastandard.datadictionary",
    "dastandard.htmlreport.render",
    "dastandard.htmlreport.report",
    "dastandard.fhir.npm",
    "dastandard.fhir.xml",
    "dastandard.commands.convert",
    "dastandard.commands.generate",
    "dastandard.commands.report",
    "tempfile",
    "hashlib",
    "_hashlib",
    "xml.etree",
    "zoneinfo",
    "queue",
    "tomllib",
    "concurrent.futures",
    "multiprocessing",
    "importlib.metadata",
)

# The modules are listed by an exit handler: the console script ends the process once they have run.
_PROBE = """
import atexit, sys
heavy = {heavy!r}
def report():
    loaded = sorted(m for m in sys.modules if any(m == h or m.startswith(h + ".") for h in heavy))
    print("LOADED", loaded)
atexit.register(report)
sys.argv = ["dastandard", *sys.argv[1:]]
from dastandard.cli import main
main()
"""


def _run(args: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    code = _PROBE.format(heavy=NOT_LOADED)
    return subprocess.run(
        [sys.executable, "-c", code, *args], cwd=cwd, env=env, capture_output=True, text=True, check=False, timeout=120
    )


def _env(**changes: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DASTANDARD_CACHE_DIR", "XDG_CACHE_HOME")}
    env.update(changes)
    return env


def test_validating_one_file_loads_only_what_it_needs(tmp_path: Path) -> None:
    env = _env(DASTANDARD_CACHE_DIR=str(tmp_path / "cache"))
    first = _run(["validate", "-q", str(EXAMPLE)], tmp_path, env)  # fills the cache
    assert first.returncode == 0, first.stderr
    again = _run(["validate", "-q", str(EXAMPLE)], tmp_path, env)
    assert again.returncode == 0, again.stderr
    assert again.stdout.strip().splitlines()[-1] == "LOADED []", again.stdout + again.stderr


def test_the_probe_sees_modules_that_are_loaded(tmp_path: Path) -> None:
    """The check above could pass by looking in the wrong place: the same probe does see --output's tempfile and
    the JUnit report's xml.etree."""
    env = _env(DASTANDARD_CACHE_DIR=str(tmp_path / "cache"))
    args = ["validate", "-q", "-o", "junit", "--output", str(tmp_path / "out.xml"), str(EXAMPLE)]
    done = _run(args, tmp_path, env)
    last = done.stdout.strip().splitlines()[-1]
    assert "'tempfile'" in last and "'xml.etree.ElementTree'" in last, done.stdout + done.stderr


def test_start_up_settings_do_not_leak_into_the_library() -> None:
    """The collector threshold is raised by the console script's ``main()`` only, not by importing the CLI."""
    code = "import gc; before = gc.get_threshold(); import dastandard.cli; print(gc.get_threshold() == before)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "True"


@pytest.mark.skipif(not hasattr(os, "geteuid"), reason="POSIX permissions")
def test_read_only_home_validates_the_same_without_a_cache(tmp_path: Path) -> None:
    """No cache folder can be made (a read-only home; for root, whom permissions do not stop, a home that is a
    file): the run gives the same report and status, with nothing on stderr and nothing written."""
    reference = _run(["validate", str(EXAMPLE)], tmp_path, _env(DASTANDARD_CACHE_DIR="off"))
    home = tmp_path / "home"
    if os.geteuid() == 0:
        home.write_text("")
    else:
        home.mkdir()
        home.chmod(stat.S_IRUSR | stat.S_IXUSR)
    try:
        done = _run(["validate", str(EXAMPLE)], tmp_path, _env(HOME=str(home)))
    finally:
        if home.is_dir():
            home.chmod(stat.S_IRWXU)
    assert done.returncode == reference.returncode == 0, done.stderr
    assert done.stdout == reference.stdout
    assert done.stderr == ""
    assert not home.is_dir() or list(home.iterdir()) == []


def test_console_script_ends_with_its_status_its_whole_output_and_the_exit_handlers_run(tmp_path: Path) -> None:
    """The console script leaves without tearing down the interpreter: the report is complete, the status is the
    command's, and exit handlers registered before it (a coverage tool's, a library's) still run."""
    marker = tmp_path / "handler-ran"
    failing = ROOT / "examples" / "fhir" / "case-08-victim-leaves-children-stay.json"
    code = (
        "import atexit, sys\n"
        f"atexit.register(lambda: open({str(marker)!r}, 'w').close())\n"
        "sys.argv = ['dastandard', *sys.argv[1:]]\n"
        "from dastandard.cli import main\n"
        "main()\n"
    )
    env = _env(DASTANDARD_CACHE_DIR="off")
    done = subprocess.run(
        [sys.executable, "-c", code, "validate", "-o", "json", str(failing)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    in_process = "import sys; from dastandard.cli import main; main(sys.argv[1:])"
    reference = subprocess.run(
        [sys.executable, "-c", in_process, "validate", "-o", "json", str(failing)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert done.returncode == reference.returncode == 1
    assert done.stdout == reference.stdout and done.stdout.rstrip().endswith("}")
    assert marker.exists()
