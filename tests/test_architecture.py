"""The import graph has named layers: no module imports a higher layer, and no own module is loaded by a string.

The layer map below is the one place the layers are defined (docs/architecture.md describes them). Every module in
``dastandard/`` is read with ``ast`` (nothing is imported), every ``import`` and ``from ... import`` of an own
module is resolved to the module file it names, and each edge is checked against the map. Loading modules by a
string (``importlib.import_module``, ``__import__``) is refused for own modules, and for any name that is not a
string literal; plugins come through entry points instead.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "dastandard"

KERNEL, MODEL, FHIR, CASE_RECORD, WINGS, CLI = 1, 2, 3, 4, 5, 6
LAYER_NAMES = {
    KERNEL: "kernel",
    MODEL: "shared model",
    FHIR: "FHIR-generic",
    CASE_RECORD: "case record",
    WINGS: "wings",
    CLI: "CLI",
}

# Module (or package: it covers every module below it) -> layer. The longest matching name wins.
LAYERS: dict[str, int] = {
    # 1. kernel: plain top-level modules with no knowledge of FHIR shapes or the case record.
    "dastandard._resources": KERNEL,
    "dastandard.errors": KERNEL,
    "dastandard.findings": KERNEL,
    "dastandard.standard": KERNEL,
    "dastandard.config": KERNEL,
    "dastandard.catalog": KERNEL,
    "dastandard._parallel": KERNEL,
    "dastandard.tempfiles": KERNEL,
    "dastandard._cache": KERNEL,
    "dastandard._version": KERNEL,
    "dastandard.conversion_report": KERNEL,
    # 2. shared model: the vocabulary (canonical URLs, identifier systems, deterministic ids, code lists).
    "dastandard.model": MODEL,
    # 3. FHIR-generic code: XML, FHIRPath, positions, the base plan, the input-format detector.
    "dastandard.fhir": FHIR,
    # 4. the case record: the logical record, its schema, the one writer and the one reader (module or package).
    "dastandard.logical": CASE_RECORD,
    # 5. wings, and the public API that re-exports them (the package's __init__).
    "dastandard": WINGS,
    "dastandard.validation": WINGS,
    "dastandard.convert": WINGS,
    "dastandard.generate": WINGS,
    "dastandard.reporters": WINGS,
    "dastandard.distributed": WINGS,
    # 6. the command line.
    "dastandard.cli": CLI,
    "dastandard.commands": CLI,
}

# Edges that break the rule today, each with the reason it is still there. Remove an entry when the edge goes;
# an entry that no longer matches an import fails the test, so this list cannot go stale.
KNOWN_EXCEPTIONS: dict[tuple[str, str], str] = {}

STRING_LOADERS = {"import_module", "__import__"}


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    line: int


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def all_modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


MODULES = all_modules()


def _where(module: str) -> str:
    path = MODULES[module]
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def layer_of(module: str) -> int:
    name = module
    while name:
        if name in LAYERS:
            return LAYERS[name]
        name = name.rpartition(".")[0]
    raise AssertionError(f"{module} has no layer in LAYERS (tests/test_architecture.py)")


def own_target(name: str) -> str | None:
    """The own module ``name`` refers to (itself, or the package holding it), or None for a third-party name."""
    if name != "dastandard" and not name.startswith("dastandard."):
        return None
    while name not in MODULES:
        name = name.rpartition(".")[0]
    return name


def _package_of(source: str) -> str:
    return source if MODULES[source].name == "__init__.py" else source.rpartition(".")[0]


def imports_of(source: str) -> list[Edge]:
    """Every own module ``source`` imports, at any depth in the file (function-level imports included)."""
    tree = ast.parse(MODULES[source].read_text(encoding="utf-8"), filename=str(MODULES[source]))
    edges: list[Edge] = []
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                package = _package_of(source)
                for _ in range(node.level - 1):
                    package = package.rpartition(".")[0]
                base = f"{package}.{base}" if base else package
            # ``from package import name`` imports the submodule when ``name`` is one.
            names = [f"{base}.{a.name}" if f"{base}.{a.name}" in MODULES else base for a in node.names]
        for name in names:
            target = own_target(name)
            if target is not None and target != source:
                edges.append(Edge(source, target, node.lineno))
    return edges


def string_loads(source: str) -> list[str]:
    """Calls that load a module by a string and are not a literal third-party name."""
    tree = ast.parse(MODULES[source].read_text(encoding="utf-8"))
    found: list[str] = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        called = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
        if called not in STRING_LOADERS:
            continue
        arg = node.args[0] if node.args else None
        if isinstance(arg, ast.Constant) and isinstance(arg.value, str) and own_target(arg.value) is None:
            continue  # a third-party module by its literal name (an optional dependency)
        found.append(f"{_where(source)}:{node.lineno}: {ast.unparse(node)}")
    return found


def _exception_for(edge: Edge) -> tuple[str, str] | None:
    for source, target in KNOWN_EXCEPTIONS:
        if (edge.source == source or edge.source.startswith(source + ".")) and (
            edge.target == target or edge.target.startswith(target + ".")
        ):
            return source, target
    return None


def test_every_module_has_a_layer() -> None:
    for module in MODULES:
        layer_of(module)


def test_no_module_imports_a_higher_layer() -> None:
    violations: list[str] = []
    used: set[tuple[str, str]] = set()
    for source in MODULES:
        for edge in imports_of(source):
            low, high = layer_of(edge.source), layer_of(edge.target)
            if high <= low:
                continue
            excused = _exception_for(edge)
            if excused is not None:
                used.add(excused)
                continue
            violations.append(
                f"{_where(source)}:{edge.line}: {edge.source} ({LAYER_NAMES[low]}) imports "
                f"{edge.target} ({LAYER_NAMES[high]})"
            )
    assert not violations, "imports from a higher layer:\n" + "\n".join(violations)
    stale = set(KNOWN_EXCEPTIONS) - used
    assert not stale, f"known exceptions that no longer occur (remove them): {sorted(stale)}"


def test_no_own_module_is_loaded_by_a_string() -> None:
    found = [hit for source in MODULES for hit in string_loads(source)]
    assert not found, "modules loaded by a string (use a plain import, or an entry point for plugins):\n" + "\n".join(
        found
    )


def test_the_fhir_generic_layer_knows_nothing_of_the_standard() -> None:
    """Layer 3 imports only the kernel, and names no profile, extension or code system of the standard."""
    for source in (m for m in MODULES if layer_of(m) == FHIR):
        assert all(layer_of(e.target) == KERNEL or layer_of(e.target) == FHIR for e in imports_of(source)), source
        text = MODULES[source].read_text(encoding="utf-8")
        for marker in ("StructureDefinition/DA", "DACaseBundle", "dastandard-logical-record"):
            assert marker not in text, f"{source} mentions {marker}"


# ----------------------------------------------------------------------------- the checker checks what it says


@pytest.mark.parametrize(
    ("source", "code", "target"),
    [
        ("dastandard.fhir.xml", "from dastandard.convert.base import Format", "dastandard.convert.base"),
        ("dastandard.fhir.xml", "from dastandard.validation import engine", "dastandard.validation.engine"),
        ("dastandard.fhir.xml", "import dastandard.cli", "dastandard.cli"),
        ("dastandard.fhir.xml", "def f():\n    from dastandard import logical", "dastandard.logical"),
        ("dastandard.fhir.xml", "from . import detect", "dastandard.fhir.detect"),
        ("dastandard.fhir.xml", "from ..convert import registry", "dastandard.convert.registry"),
    ],
)
def test_imports_are_resolved_to_modules(
    source: str, code: str, target: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = tmp_path / "m.py"
    fake.write_text(code, encoding="utf-8")
    monkeypatch.setitem(MODULES, source, fake)
    assert [e.target for e in imports_of(source)] == [target]


@pytest.mark.parametrize(
    ("code", "flagged"),
    [
        ('importlib.import_module("dastandard.logical")', True),
        ('import_module(f"dastandard.commands.{name}")', True),
        ("__import__(name)", True),
        ('import_module("dask")', False),
    ],
)
def test_string_loads_are_found(code: str, flagged: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake = tmp_path / "m.py"
    fake.write_text(code, encoding="utf-8")
    monkeypatch.setitem(MODULES, "dastandard.errors", fake)
    assert bool(string_loads("dastandard.errors")) is flagged


def test_layers_of_modules_still_to_come() -> None:
    """The map already places the shared model package and the case-record package."""
    assert layer_of("dastandard.model.codes") == MODEL
    assert layer_of("dastandard.logical.writer") == CASE_RECORD
    assert layer_of("dastandard.fhir.detect") == FHIR
    assert layer_of("dastandard.commands.convert") == CLI
