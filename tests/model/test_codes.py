"""The code lists of ``dastandard.model``: loaded from the shipped artifacts and matched on system and code."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from dastandard.model import Code, CodeList, code_system, defines, display, own_code, practice_codes, value_set
from dastandard.model.codes import EXTERNAL_CODE_LISTS
from dastandard.model.ids import code_system_url
from dastandard.model.urls import DATA_ABSENT_REASON_SYSTEM
from dastandard.standard import standard

ROOT = Path(__file__).resolve().parents[2]
PRACTICE = ROOT / "dastandard" / "validation" / "practice"


def _declared_external(code: Code) -> bool:
    """Whether ``code`` belongs to a list declared with ``external_codes`` for a code system the standard does not
    ship (so it cannot be checked against a CodeSystem here)."""
    return any(code in codes for codes in EXTERNAL_CODE_LISTS.values()) and standard().get(code.system) is None


@pytest.mark.parametrize("codes", practice_codes.CODE_LISTS, ids=lambda c: c.name)
def test_every_practice_list_code_is_defined_by_the_standard(codes: CodeList) -> None:
    assert codes, f"{codes.name} is empty"
    undefined = sorted(c for c in codes if not defines(c.system, c.code) and not _declared_external(c))
    assert undefined == []


def test_every_single_practice_code_is_defined_by_the_standard() -> None:
    assert [c for c in practice_codes.SINGLE_CODES if not defines(c.system, c.code)] == []


def test_every_practice_code_list_module_attribute_is_registered() -> None:
    """A list added to ``practice_codes`` but missing from CODE_LISTS/SINGLE_CODES would escape the checks above."""
    lists = {id(v) for v in vars(practice_codes).values() if isinstance(v, CodeList)}
    singles = {v for v in vars(practice_codes).values() if type(v) is Code}
    assert lists == {id(c) for c in practice_codes.CODE_LISTS}
    assert singles == set(practice_codes.SINGLE_CODES)


def test_practice_value_sets_are_shipped_profiles() -> None:
    shipped = {a.id for a in standard().of_type("ValueSet") if a.id.startswith("practice-")}
    assert shipped == {c.name for c in practice_codes.CODE_LISTS if c.name.startswith("practice-")}


def test_practice_rules_compare_codes_only_through_named_lists() -> None:
    """No practice rule spells out a code the named lists hold: every code a rule matches on comes from
    ``dastandard.model.practice_codes``."""
    every_code = {c.code for codes in practice_codes.CODE_LISTS for c in codes}
    every_code |= {c.code for c in practice_codes.SINGLE_CODES}
    offending: list[str] = []
    for path in sorted(PRACTICE.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = {
            id(node.body[0].value)
            for node in ast.walk(tree)
            if isinstance(node, ast.Module | ast.FunctionDef | ast.ClassDef)
            and node.body
            and isinstance(node.body[0], ast.Expr)
        }
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and id(node) not in docstrings
                and node.value in every_code
                and node.value not in _ELEMENT_NAMES
            ):
                offending.append(f"{path.name}:{node.lineno}: {node.value!r}")
    assert offending == []


# Strings that are also codes but appear in the rules as component or sub-extension names, not as codes.
_ELEMENT_NAMES = frozenset({"injury", "planned", "engaged", "heard"})


def test_value_set_matches_on_system_and_code() -> None:
    kinds = value_set("practice-physical-abuse-kind")
    own = code_system_url("abuse-kind")
    assert kinds.matches([(own, "physical")])
    assert not kinds.matches([("http://example.org/other", "physical")])
    assert not kinds.matches([(None, "physical")])
    assert "physical" in kinds.codes


def test_value_set_accepts_id_or_canonical() -> None:
    url = standard().url("ValueSet", "practice-separation")
    assert value_set(url) == value_set("practice-separation")


def test_code_system_and_display() -> None:
    levels = code_system("risk-level")
    assert Code(code_system_url("risk-level"), "high") in levels
    assert display(code_system_url("risk-level"), "high")
    assert display("risk-level", "no-such-code") is None
    assert defines(DATA_ABSENT_REASON_SYSTEM, "not-asked")


def test_unknown_names_raise() -> None:
    with pytest.raises(LookupError):
        value_set("no-such-value-set")
    with pytest.raises(LookupError):
        own_code("risk-level", "coercive-control")
    with pytest.raises(LookupError):
        code_system("no-such-code-system")
