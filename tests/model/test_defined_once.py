"""Each canonical or external URL and each code list is defined once, in ``dastandard.model``.

The checks read the source (string literals from the syntax tree, so comments and docstrings are prose, not
definitions) and fail on a URL literal outside the model package, on a URL defined twice inside it, and on a
practice code list or URL spelled out anywhere but its one definition.
"""

from __future__ import annotations

import ast
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from dastandard.model import practice_codes

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "dastandard"
MODEL = PACKAGE / "model"

# Modules allowed to hold URL literals outside the model package, and why.
ALLOWED_OUTSIDE_MODEL = {
    # The FHIR and XHTML namespaces: FHIR-generic facts, defined once in the FHIR layer (it cannot import the model).
    "fhir/xml.py": {"http://hl7.org/fhir", "http://www.w3.org/1999/xhtml"},
    # The environment variables the FHIRPath specification defines (%ucum, %sct, %loinc): FHIR-generic facts.
    "fhir/invariants.py": {"http://unitsofmeasure.org", "http://snomed.info/sct", "http://loinc.org"},
}


def _literals(path: Path) -> Iterator[tuple[int, str]]:
    """``(line, text)`` of every str/bytes literal that is not a docstring."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
    }
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and id(node) not in docstrings:
            if isinstance(node.value, str):
                yield node.lineno, node.value
            elif isinstance(node.value, bytes):
                yield node.lineno, node.value.decode("latin-1")


def _is_url(text: str) -> bool:
    return "http://" in text or "https://" in text


def _sources(root: Path) -> list[Path]:
    return sorted(root.rglob("*.py"))


def test_url_literals_live_only_in_the_model_package() -> None:
    offending = []
    for path in _sources(PACKAGE):
        if MODEL in path.parents:
            continue
        rel = path.relative_to(PACKAGE).as_posix()
        allowed = ALLOWED_OUTSIDE_MODEL.get(rel, set())
        for line, text in _literals(path):
            if _is_url(text) and "*" not in allowed and text not in allowed:
                offending.append(f"{rel}:{line}: {text}")
    assert offending == []


def test_each_url_is_defined_once_in_the_model_package() -> None:
    urls = Counter(text for path in _sources(MODEL) for _, text in _literals(path) if _is_url(text))
    assert [url for url, count in urls.items() if count > 1] == []


def test_each_practice_code_list_is_loaded_once() -> None:
    """Every ``practice-*`` ValueSet is named once (where ``practice_codes`` loads it) in the whole package."""
    named = Counter(
        text
        for path in _sources(PACKAGE)
        for _, text in _literals(path)
        if text.startswith("practice-") and text in {c.name for c in practice_codes.CODE_LISTS}
    )
    assert sorted(named) == sorted(c.name for c in practice_codes.CODE_LISTS if c.name.startswith("practice-"))
    assert [name for name, count in named.items() if count > 1] == []


def test_no_module_spells_out_a_practice_code_list() -> None:
    """No set literal (a membership list) anywhere in the package repeats two or more codes of one practice list;
    lists and tuples are record data (e.g. a generated classification basis), not code lists."""
    lists = [c.codes for c in practice_codes.CODE_LISTS if len(c) >= 2]
    offending = []
    for path in _sources(PACKAGE):
        if path.name == "practice_codes.py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Set):
                continue
            strings = {e.value for e in node.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)}
            if any(len(strings & codes) >= 2 for codes in lists):
                offending.append(f"{path.relative_to(PACKAGE)}:{node.lineno}: {sorted(strings)}")
    assert offending == []


KERNEL = {"dastandard._resources", "dastandard.standard", "dastandard.errors", "dastandard.findings"}


def test_the_model_imports_only_the_kernel() -> None:
    offending = []
    for path in _sources(MODEL):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for name in names:
                if name.startswith("dastandard") and name not in KERNEL and not name.startswith("dastandard.model"):
                    offending.append(f"{path.name}: {name}")
    assert offending == []
