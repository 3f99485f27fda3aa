"""Rule catalog integrity: schema, stable ids (the lock), documentation completeness, generated docs, and the
``dastandard rules`` / ``dastandard explain`` commands.

These tests work with whatever the layer files hold: a layer whose file is absent or empty is skipped, a rule that
is defined must be complete.
"""

from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path
from types import ModuleType
from typing import Any

import jsonschema
import pytest
from click.testing import CliRunner

from dastandard.catalog import catalog
from dastandard.cli import cli
from dastandard.commands.explain import example_path, rule_markdown
from dastandard.findings import Layer

ROOT = Path(__file__).resolve().parent.parent
RULES_DIR = ROOT / "validators" / "rules"
LOCK = ROOT / "validators" / "rule-ids.lock"
LAYER_DIGIT = {"syntax": "0", "structure": "1", "profile": "2", "practice": "3", "return": "4", "conversion": "9"}


def load_script(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


lock_script = load_script("update_rule_lock")
docs_script = load_script("gen_rule_docs")


def layer_entries(layer: str) -> list[dict[str, Any]]:
    path = RULES_DIR / f"{layer}.json"
    if not path.exists():
        return []
    entries: list[dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))
    return entries


def rule_files() -> list[Path]:
    return sorted(RULES_DIR.glob("*.json"))


# ---------------------------------------------------------------------------------------------------- schema


def test_catalog_schema_is_a_valid_schema() -> None:
    schema = json.loads((ROOT / "validators" / "catalog.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)


@pytest.mark.parametrize("path", rule_files(), ids=lambda p: p.name)
def test_rule_file_matches_schema(path: Path) -> None:
    schema = json.loads((ROOT / "validators" / "catalog.schema.json").read_text(encoding="utf-8"))
    data = json.loads(path.read_text(encoding="utf-8"))
    errors = [
        f"{list(e.absolute_path)}: {e.message}" for e in jsonschema.Draft202012Validator(schema).iter_errors(data)
    ]
    assert not errors, "\n".join(errors)


@pytest.mark.parametrize("path", rule_files(), ids=lambda p: p.name)
def test_rule_file_holds_one_layer_with_its_id_block(path: Path) -> None:
    assert path.stem in LAYER_DIGIT, f"{path.name} is not named after a layer"
    for entry in json.loads(path.read_text(encoding="utf-8")):
        assert entry["layer"] == path.stem, f"{entry['id']} is in {path.name} but has layer {entry['layer']}"
        assert entry["id"][2] == LAYER_DIGIT[path.stem], (
            f"{entry['id']}: a {path.stem} id starts DA{LAYER_DIGIT[path.stem]}"
        )


def test_schema_rejects_typos_and_bad_ids() -> None:
    schema = json.loads((ROOT / "validators" / "catalog.schema.json").read_text(encoding="utf-8"))
    good = {
        "id": "DA3999",
        "name": "x-y",
        "layer": "practice",
        "severity": "warning",
        "since": "0.1.0",
        "summary": "s",
        "rationale": "r",
    }
    validator = jsonschema.Draft202012Validator(schema)
    assert validator.is_valid([good])
    for change in ({"id": "DA39999"}, {"name": "Has Spaces"}, {"learning_point": ["L01"]}, {"status": "gone"}):
        assert not validator.is_valid([{**good, **change}]), change


# ------------------------------------------------------------------------------------------------------ lock


def test_lock_lists_every_catalog_id_with_its_name() -> None:
    locked = lock_script.read_lock(LOCK)
    missing = [i for i in catalog() if i not in locked]
    assert not missing, f"ids missing from {LOCK.name}: {missing}; run scripts/update_rule_lock.py"
    renamed = {i: (locked[i], r.name) for i, r in catalog().items() if locked[i] != r.name}
    assert not renamed, f"rule names are fixed once issued: {renamed}"


def test_every_locked_id_stays_in_the_catalog() -> None:
    gone = [i for i in lock_script.read_lock(LOCK) if i not in catalog()]
    assert not gone, f"{gone} were issued and must stay in the catalog (retire them with status retired)"


def test_ids_match_the_scheme() -> None:
    for rule_id in list(catalog()) + list(lock_script.read_lock(LOCK)):
        assert re.fullmatch(r"DA\d{4}", rule_id), rule_id


def test_lock_reader_rejects_malformed_lines(tmp_path: Path) -> None:
    lock = tmp_path / "rule-ids.lock"
    lock.write_text("# comment\nDA0001 ok-name\nDA0001 again\n", encoding="utf-8")
    with pytest.raises(ValueError, match="listed twice"):
        lock_script.read_lock(lock)
    lock.write_text("DA001 bad\n", encoding="utf-8")
    with pytest.raises(ValueError, match=":1:"):
        lock_script.read_lock(lock)


def test_update_rule_lock_appends_only(tmp_path: Path) -> None:
    rules_dir = tmp_path / "rules"
    rules_dir.mkdir()
    lock = tmp_path / "rule-ids.lock"
    lock.write_text("# header\nDA0001 retired-long-ago\n", encoding="utf-8")
    (rules_dir / "syntax.json").write_text(json.dumps([{"id": "DA0002", "name": "new-rule"}]), encoding="utf-8")
    assert lock_script.render(lock, rules_dir) == "# header\nDA0001 retired-long-ago\nDA0002 new-rule\n"
    lock.write_text(lock_script.render(lock, rules_dir), encoding="utf-8")
    assert lock_script.render(lock, rules_dir) == lock.read_text(encoding="utf-8")
    (rules_dir / "syntax.json").write_text(json.dumps([{"id": "DA0002", "name": "renamed"}]), encoding="utf-8")
    with pytest.raises(ValueError, match="fixed once issued"):
        lock_script.render(lock, rules_dir)


# ------------------------------------------------------------------------------------- documentation content


@pytest.mark.parametrize("layer", [layer.value for layer in Layer])
def test_every_rule_is_documented_with_an_example(layer: str) -> None:
    entries = layer_entries(layer)
    if not entries:
        pytest.skip(f"validators/rules/{layer}.json has no rules yet")
    problems = []
    for entry in entries:
        rule = catalog()[entry["id"]]
        if not rule.rationale.strip():
            problems.append(f"{rule.id}: no rationale")
        if not rule.since:
            problems.append(f"{rule.id}: no since")
        if rule.status == "retired":
            continue
        if not rule.bad_example:
            problems.append(f"{rule.id}: no failing example")
        elif example_path(rule.bad_example) is None:
            problems.append(f"{rule.id}: failing example examples/{rule.bad_example} does not exist")
        if rule.good_example and example_path(rule.good_example) is None:
            problems.append(f"{rule.id}: passing example examples/{rule.good_example} does not exist")
    assert not problems, "\n".join(problems)


def test_generated_docs_match_the_catalog(tmp_path: Path) -> None:
    assert docs_script.main(["--out", str(tmp_path)]) == 0
    generated = {p.name: p.read_text(encoding="utf-8") for p in tmp_path.glob("*.md")}
    committed = {p.name: p.read_text(encoding="utf-8") for p in (ROOT / "docs" / "rules").glob("*.md")}
    assert set(generated) == set(committed), "docs/rules/ has drifted: run scripts/gen_rule_docs.py"
    drifted = [name for name in generated if generated[name] != committed[name]]
    assert not drifted, f"docs/rules/ has drifted ({drifted}): run scripts/gen_rule_docs.py"
    assert docs_script.main(["--out", str(ROOT / "docs" / "rules"), "--check"]) == 0


def test_docs_check_reports_missing_changed_and_stale(tmp_path: Path) -> None:
    pages = {"index.md": "x\n", "DA0001.md": "y\n"}
    (tmp_path / "index.md").write_text("changed\n", encoding="utf-8")
    (tmp_path / "DA0009.md").write_text("old\n", encoding="utf-8")
    problems = docs_script.differences(pages, tmp_path)
    assert any(p.startswith("out of date") for p in problems)
    assert any(p.startswith("missing") and "DA0001" in p for p in problems)
    assert any(p.startswith("stale") and "DA0009" in p for p in problems)


def test_page_template_has_every_section() -> None:
    from dastandard.catalog import Rule
    from dastandard.findings import Severity

    page = rule_markdown(
        Rule("DA3999", "x", Layer.PRACTICE, Severity.WARNING, "0.1.0", "S.", "R.", params={"months": 12})
    )
    headings = [line for line in page.splitlines() if line.startswith("## ")]
    assert headings == [
        "## What it checks",
        "## Why it matters",
        "## Learning points",
        "## Parameters",
        "## Failing example",
        "## Passing example",
        "## References",
    ]
    assert "| `months` | `12` |" in page


# ------------------------------------------------------------------------------------------ rules / explain


def test_rules_command_text_and_json() -> None:
    runner = CliRunner()
    text = runner.invoke(cli, ["rules"])
    assert text.exit_code == 0, text.output
    assert text.output.strip().endswith(f"{len(catalog())} rule" + ("" if len(catalog()) == 1 else "s"))
    for rule_id in catalog():
        assert rule_id in text.output
    data = json.loads(runner.invoke(cli, ["rules", "--format", "json"]).output)
    assert [r["id"] for r in data] == list(catalog())
    for row in data:
        assert {"id", "name", "layer", "severity", "since", "status", "summary"} <= set(row)


def test_rules_command_filters_by_layer() -> None:
    result = CliRunner().invoke(cli, ["rules", "--format", "json", "--layer", "practice"])
    assert result.exit_code == 0
    assert all(r["layer"] == "practice" for r in json.loads(result.output))
    assert CliRunner().invoke(cli, ["rules", "--layer", "nope"]).exit_code == 2


def test_explain_unknown_id_is_a_usage_error() -> None:
    result = CliRunner().invoke(cli, ["explain", "DA0000X"])
    assert result.exit_code == 2
    assert "no rule 'DA0000X'" in result.output
    assert "Traceback" not in result.output


def test_explain_every_rule() -> None:
    runner = CliRunner()
    for rule_id, rule in catalog().items():
        result = runner.invoke(cli, ["explain", rule_id.lower()])
        assert result.exit_code == 0, result.output
        assert result.output.startswith(f"{rule_id} {rule.name}")
        assert rule.rationale in result.output
        for key in rule.params:
            assert f"  {key} = " in result.output
        bad = example_path(rule.bad_example)
        if bad is not None and bad.stat().st_size <= 4000:
            assert "Failing example content:" in result.output
        as_json = json.loads(runner.invoke(cli, ["explain", rule_id, "--format", "json"]).output)
        assert as_json["id"] == rule_id
        markdown = runner.invoke(cli, ["explain", rule.name, "--format", "markdown"]).output
        assert markdown == rule_markdown(rule)
