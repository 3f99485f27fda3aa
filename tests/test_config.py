"""Configuration: discovery (nearest wins, explicit wins), every key, and errors that name the file and key."""

from __future__ import annotations

from pathlib import Path

import pytest

from dastandard.catalog import Rule
from dastandard.config import DEFAULT_SETTINGS, find_config, load_settings
from dastandard.errors import CONFIG_INVALID, USAGE, FatalError
from dastandard.findings import Finding, Layer, Severity

RULES = {
    "DA3101": Rule(
        id="DA3101",
        name="child-not-seen",
        layer=Layer.PRACTICE,
        severity=Severity.WARNING,
        since="0.1.0",
        summary="s",
        rationale="r",
        params={"max_days": 28, "ratio": 0.5, "strict": False},
    ),
    "DA2001": Rule(
        id="DA2001",
        name="missing-birth-date",
        layer=Layer.PROFILE,
        severity=Severity.ERROR,
        since="0.1.0",
        summary="s",
        rationale="r",
    ),
}

FULL = """
fail-on = "warning"
disable = ["DA2001"]
suppress = ["DA3101@Bundle.entry[3].resource", "DA3101@Bundle.entry[9]*"]

[rules.DA3101]
severity = "error"
max_days = 14
ratio = 1
"""


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_no_configuration_gives_defaults(tmp_path: Path) -> None:
    assert load_settings(tmp_path, rules=RULES) == DEFAULT_SETTINGS


def test_dastandard_toml_every_key(tmp_path: Path) -> None:
    write(tmp_path / ".dastandard.toml", FULL)
    s = load_settings(tmp_path, rules=RULES)
    assert s.fail_on is Severity.WARNING
    assert s.disabled == frozenset({"DA2001"})
    assert s.severity == {"DA3101": Severity.ERROR}
    assert s.params == {"DA3101": {"max_days": 14, "ratio": 1.0}}
    assert s.suppress == ("DA3101@Bundle.entry[3].resource", "DA3101@Bundle.entry[9]*")
    hit = Finding("DA3101", Severity.ERROR, Layer.PRACTICE, "m", path="Bundle.entry[3].resource")
    prefix = Finding("DA3101", Severity.ERROR, Layer.PRACTICE, "m", path="Bundle.entry[9].resource.name")
    miss = Finding("DA3101", Severity.ERROR, Layer.PRACTICE, "m", path="Bundle.entry[4].resource")
    assert s.is_suppressed(hit) and s.is_suppressed(prefix) and not s.is_suppressed(miss)


def test_pyproject_table_and_enabled_false(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", '[project]\nname = "x"\n[tool.dastandard.rules.DA3101]\nenabled = false\n')
    s = load_settings(tmp_path, rules=RULES)
    assert s.disabled == frozenset({"DA3101"}) and not s.enabled("DA3101")


def test_enabled_true_re_enables_a_disabled_rule(tmp_path: Path) -> None:
    write(tmp_path / ".dastandard.toml", 'disable = ["DA3101"]\n[rules.DA3101]\nenabled = true\n')
    assert load_settings(tmp_path, rules=RULES).enabled("DA3101")


def test_nearest_configuration_wins(tmp_path: Path) -> None:
    write(tmp_path / ".dastandard.toml", 'fail-on = "info"\n')
    write(tmp_path / "a" / "pyproject.toml", '[tool.dastandard]\nfail-on = "warning"\n')
    deep = tmp_path / "a" / "b" / "c"
    deep.mkdir(parents=True)
    assert find_config(deep) == tmp_path / "a" / "pyproject.toml"
    assert load_settings(deep, rules=RULES).fail_on is Severity.WARNING
    assert load_settings(tmp_path, rules=RULES).fail_on is Severity.INFO


def test_pyproject_without_our_table_is_passed_over(tmp_path: Path) -> None:
    write(tmp_path / ".dastandard.toml", 'fail-on = "info"\n')
    write(tmp_path / "a" / "pyproject.toml", '[project]\nname = "x"\n')
    assert find_config(tmp_path / "a") == tmp_path / ".dastandard.toml"


def test_dastandard_toml_beats_pyproject_in_the_same_folder(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", '[tool.dastandard]\nfail-on = "warning"\n')
    write(tmp_path / ".dastandard.toml", 'fail-on = "info"\n')
    assert find_config(tmp_path) == tmp_path / ".dastandard.toml"


def test_explicit_config_wins(tmp_path: Path) -> None:
    write(tmp_path / ".dastandard.toml", 'fail-on = "info"\n')
    explicit = write(tmp_path / "elsewhere" / "ci.toml", 'fail-on = "warning"\n')
    assert load_settings(tmp_path, explicit, rules=RULES).fail_on is Severity.WARNING


def test_command_line_overrides_apply_on_top(tmp_path: Path) -> None:
    write(tmp_path / ".dastandard.toml", FULL)
    s = load_settings(
        tmp_path,
        fail_on="error",
        disable=["DA3101"],
        severity={"DA2001": "INFO"},
        suppress=["DA2001@Bundle"],
        rules=RULES,
    )
    assert s.fail_on is Severity.ERROR
    assert s.disabled == frozenset({"DA2001", "DA3101"})
    assert s.severity["DA2001"] is Severity.INFO
    assert "DA2001@Bundle" in s.suppress


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ('fail-on = "fatal"\n', "fail-on"),
        ('fail-on = "loud"\n', "severity must be one of"),
        ('disable = ["DA9999"]\n', "unknown rule id DA9999"),
        ('disable = ["nope"]\n', "'nope' is not a rule id"),
        ('disable = "DA3101"\n', "disable must be a list"),
        ('suppress = ["DA9999@Bundle"]\n', "unknown rule id DA9999"),
        ("suppress = [3]\n", "is not a 'RULE-ID@path' string"),
        ("colour = true\n", "unknown key 'colour'"),
        ("[rules.DA9999]\nseverity = 'info'\n", "rules.DA9999: unknown rule id"),
        ("[rules.DA3101]\nseverity = 'loud'\n", "rules.DA3101.severity"),
        ("[rules.DA3101]\nmax_dayz = 3\n", "rules.DA3101: unknown parameter 'max_dayz'"),
        ("[rules.DA3101]\nmax_days = '3'\n", "rules.DA3101.max_days must be of type int"),
        ("[rules.DA3101]\nmax_days = true\n", "rules.DA3101.max_days must be of type int"),
        ("[rules.DA3101]\nstrict = 1\n", "rules.DA3101.strict must be of type bool"),
        ("[rules.DA3101]\nenabled = 'no'\n", "rules.DA3101.enabled must be true or false"),
        ("rules = 3\n", "rules must be a table"),
        ("[rules]\nDA3101 = 3\n", "rules.DA3101 must be a table"),
        ("fail-on = \n", "invalid TOML"),
    ],
)
def test_invalid_configuration_names_file_and_key(tmp_path: Path, text: str, fragment: str) -> None:
    path = write(tmp_path / ".dastandard.toml", text)
    with pytest.raises(FatalError) as caught:
        load_settings(tmp_path, rules=RULES)
    assert caught.value.status == CONFIG_INVALID
    assert str(path) in caught.value.message
    assert fragment in caught.value.message


def test_invalid_pyproject_names_the_table(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", "[tool.dastandard]\nunknown = 1\n")
    with pytest.raises(FatalError, match=r"pyproject.toml \[tool.dastandard\]: unknown key 'unknown'"):
        load_settings(tmp_path, rules=RULES)


def test_missing_or_binary_explicit_config(tmp_path: Path) -> None:
    with pytest.raises(FatalError) as caught:
        load_settings(tmp_path, tmp_path / "missing.toml", rules=RULES)
    assert caught.value.status == CONFIG_INVALID and "cannot read" in caught.value.message
    binary = tmp_path / "bin.toml"
    binary.write_bytes(b"\xff\xfe\x00")
    with pytest.raises(FatalError, match="not UTF-8") as caught:
        load_settings(tmp_path, binary, rules=RULES)
    assert caught.value.status == CONFIG_INVALID


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({"disable": ["DA9999"]}, "--disable: unknown rule id DA9999"),
        ({"severity": {"DA3101": "fatal"}}, "--severity"),
        ({"severity": {"X": "info"}}, "--severity: 'X' is not a rule id"),
        ({"fail_on": "loud"}, "--fail-on"),
        ({"suppress": ["DA9999@x"]}, "--suppress"),
    ],
)
def test_bad_command_line_values_are_usage_errors(tmp_path: Path, kwargs: dict[str, object], fragment: str) -> None:
    with pytest.raises(FatalError) as caught:
        load_settings(tmp_path, rules=RULES, **kwargs)  # type: ignore[arg-type]
    assert caught.value.status == USAGE
    assert fragment in caught.value.message
