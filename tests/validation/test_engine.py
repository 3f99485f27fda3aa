"""The validation engine: every layer, settings, positions, parallel and streaming behaviour."""

from __future__ import annotations

import io
import json
import sys
import tracemalloc
from pathlib import Path
from typing import Any

import orjson
import pytest

from dastandard.config import Settings
from dastandard.fhir.positions import index_positions, line_col, locate, parse_path, position_in
from dastandard.findings import Layer, Severity
from dastandard.validation import iter_findings, validate

ROOT = Path(__file__).resolve().parents[2]
INVALID = ROOT / "examples" / "invalid"
EXPECTED: dict[str, list[str]] = json.loads((INVALID / "expected.json").read_text())
OWN_EXAMPLES = sorted(p for p in INVALID.iterdir() if p.name[:3] in ("DA0", "DA1", "DA2"))
# Examples whose rule needs a run-time condition (an unreadable file, a size limit, a missing module, a crashing
# check, a profile made by the test: test_engine_profiles.py); each has its own test.
CONDITIONAL = {
    "DA0001.json",
    "DA0005.ndjson",
    "DA0900.json",
    "DA1012.json",
    "DA2007.json",
    "DA2016.json",
}


def rule_ids(*inputs: Any, **kwargs: Any) -> list[str]:
    return sorted({f.rule_id for f in validate(list(inputs), **kwargs).findings})


@pytest.mark.parametrize("example", [p for p in OWN_EXAMPLES if p.name not in CONDITIONAL], ids=lambda p: p.name)
def test_each_invalid_example_fires_exactly_its_rule(example: Path) -> None:
    expected = sorted(EXPECTED.get(example.name, [example.name.split(".")[0]]))
    assert rule_ids(example) == expected


def test_every_syntax_structure_profile_rule_is_in_the_catalog_with_its_example() -> None:
    from dastandard.catalog import catalog

    for example in OWN_EXAMPLES:
        rule = catalog()[example.name.split(".")[0]]
        assert rule.bad_example == f"invalid/{example.name}"
        assert rule.layer in (Layer.SYNTAX, Layer.STRUCTURE, Layer.PROFILE)


def test_shipped_case_examples_have_no_structure_or_profile_errors() -> None:
    report = validate([ROOT / "examples" / "fhir" / "case-01-post-separation-contact.json"])
    assert [f for f in report.findings if f.rule_id[:3] in ("DA0", "DA1", "DA2")] == []


# ---------------------------------------------------------------- syntax


def test_malformed_json_reports_line_and_column(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{\n  "resourceType": "Patient",\n  "id": "p1"\n  "active": true\n}\n')
    [finding] = validate([bad]).findings
    assert (finding.rule_id, finding.line, finding.column) == ("DA0010", 4, 3)
    assert finding.severity is Severity.ERROR and finding.layer is Layer.SYNTAX


def test_ndjson_errors_carry_their_line_number(tmp_path: Path) -> None:
    data = tmp_path / "batch.ndjson"
    data.write_text(
        '{"resourceType":"Patient","id":"a"}\n\n{"resourceType":"Patient",\n{"resourceType":"Patient","birthDate":"2020-02-31x"}\n'
    )
    findings = validate([data]).findings
    assert [(f.rule_id, f.record, f.line) for f in findings] == [("DA0010", 3, 3), ("DA1005", 4, 4)]
    assert findings[1].column == 27
    assert findings[1].path == "Patient.birthDate"


def test_hostile_xml_is_refused_without_reading_the_entity(tmp_path: Path) -> None:
    xxe = tmp_path / "xxe.xml"
    xxe.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE p [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
        '<Patient xmlns="http://hl7.org/fhir"><id value="&x;"/></Patient>'
    )
    laughs = tmp_path / "laughs.xml"
    laughs.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE l [<!ENTITY a "aaaaaaaaaa">'
        + "".join(f'<!ENTITY {c} "{("&" + p + ";") * 10}">' for p, c in zip("abcdefgh", "bcdefghi", strict=True))
        + ']>\n<Patient xmlns="http://hl7.org/fhir"><id value="&i;"/></Patient>'
    )
    findings = validate([xxe, laughs]).findings
    assert [(f.rule_id, f.line) for f in findings] == [("DA0031", 2), ("DA0031", 2)]
    assert all("root:" not in f.message and "aaaa" not in f.message for f in findings)


def test_encoding_bom_empty_and_unknown_format(tmp_path: Path) -> None:
    (tmp_path / "a.json").write_bytes(b"\xff\xfe{\x00}\x00")
    (tmp_path / "b.json").write_bytes(b"  \n")
    (tmp_path / "c.csv").write_text("a,b\n1,2\n")
    (tmp_path / ".hidden.json").write_text("{")
    report = validate([tmp_path])
    assert [(Path(f.file).name, f.rule_id) for f in report.findings] == [
        ("a.json", "DA0003"),
        ("b.json", "DA0002"),
        ("c.csv", "DA0006"),
    ]
    assert not report.unreadable


def test_unreadable_input_is_fatal_and_flagged(tmp_path: Path) -> None:
    report = validate([tmp_path / "missing.json"])
    assert [f.rule_id for f in report.findings] == ["DA0001"]
    assert report.unreadable and report.failed(Severity.FATAL)
    assert report.counts()[Severity.FATAL] == 1


def test_oversize_limit_is_a_configurable_parameter(tmp_path: Path) -> None:
    file = tmp_path / "p.json"
    file.write_text(json.dumps({"resourceType": "Patient", "id": "p1"}))
    small = Settings(params={"DA0005": {"max_file_bytes": 10, "max_record_bytes": 10}})
    assert rule_ids(file, settings=small) == ["DA0005"]
    assert rule_ids(file) == []
    lines = tmp_path / "p.ndjson"
    lines.write_text(
        '{"resourceType":"Patient"}\n'
        + '{"resourceType":"Patient","id":"'
        + "x" * 100
        + '"}\n{"resourceType":"Patient"}\n'
    )
    findings = validate([lines], settings=small).findings
    assert [(f.rule_id, f.record) for f in findings if f.rule_id == "DA0005"] == [
        ("DA0005", 1),
        ("DA0005", 2),
        ("DA0005", 3),
    ]


def test_unknown_input_format_name_is_a_finding() -> None:
    assert rule_ids(INVALID / "DA1002.json", input_format="csv") == ["DA0006"]


def test_stdin_is_read_when_the_input_is_dash(monkeypatch: pytest.MonkeyPatch) -> None:
    stream = io.TextIOWrapper(io.BytesIO(b'{"resourceType":"Patient","id":"p1","gender":"f"}'))
    monkeypatch.setattr(sys, "stdin", stream)
    [finding] = validate(["-"]).findings
    assert (finding.rule_id, finding.file, finding.resource) == ("DA1007", "<stdin>", "Patient/p1")


# ---------------------------------------------------------------- structure


def test_structure_findings_have_paths_resources_and_positions(tmp_path: Path) -> None:
    bundle = {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [
            {
                "fullUrl": "urn:uuid:5d8c7f4e-3b8a-4b4e-9a51-0f3c1e9b2a10",
                "resource": {
                    "resourceType": "Patient",
                    "id": "p1",
                    "birthDate": "2020-01-01T10:00:00",
                    "contained": [{"resourceType": "Organization", "id": "o1", "active": "yes"}],
                },
            },
        ],
    }
    file = tmp_path / "b.json"
    file.write_bytes(orjson.dumps(bundle, option=orjson.OPT_INDENT_2))
    findings = [f for f in validate([file]).findings if f.layer is Layer.STRUCTURE]
    got = {(f.rule_id, f.path, f.resource) for f in findings}
    assert ("DA1005", "Bundle.entry[0].resource.birthDate", "Patient/p1") in got
    assert ("DA1005", "Bundle.entry[0].resource.contained[0].active", "Organization/o1") in got
    text = file.read_text()
    for finding in findings:
        assert finding.line is not None and finding.column is not None
        if finding.path.endswith("]"):
            continue  # an invariant of an array item: located at its opening brace
        line = text.splitlines()[finding.line - 1]
        assert line[finding.column - 1 :].startswith('"' + finding.path.rsplit(".", 1)[-1])


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("2020", True),
        ("2020-02", True),
        ("2020-02-03T04:05:06Z", True),
        ("2020-02-03T04:05:06", False),
        ("2020-02-03T04:05:06+01:00", True),
        ("2020-13", False),
        ("20", False),
    ],
)
def test_datetime_format(value: str, ok: bool, tmp_path: Path) -> None:
    file = tmp_path / "o.json"
    file.write_text(
        json.dumps(
            {"resourceType": "Observation", "status": "final", "code": {"text": "x"}, "effectiveDateTime": value}
        )
    )
    assert rule_ids(file) == ([] if ok else ["DA1005"])


@pytest.mark.parametrize(
    ("patient", "expected"),
    [
        ({"name": [{"family": ""}]}, ["DA1005"]),  # string must not be empty
        ({"name": [{"given": ["Ann", ""]}]}, ["DA1005"]),
        ({"name": [{"family": "Sample", "given": ["Ann"]}]}, []),
        ({"gender": ""}, ["DA1005"]),  # code
        ({"gender": "female "}, ["DA1005"]),
        ({"gender": "woman"}, ["DA1007"]),  # not in the required value set
        ({"gender": "female", "implicitRules": ""}, []),  # uri may be empty (\S*)
        ({"birthDate": "2020-02-30x"}, ["DA1005"]),
    ],
)
def test_string_primitives_empty_patterned_and_bound(
    patient: dict[str, Any], expected: list[str], tmp_path: Path
) -> None:
    file = tmp_path / "p.json"
    file.write_text(json.dumps({"resourceType": "Patient", **patient}))
    assert rule_ids(file) == expected


def test_primitive_extension_without_value_is_valid(tmp_path: Path) -> None:
    file = tmp_path / "p.json"
    file.write_text(
        json.dumps(
            {
                "resourceType": "Patient",
                "_birthDate": {
                    "extension": [
                        {
                            "url": "http://hl7.org/fhir/StructureDefinition/data-absent-reason",
                            "valueCode": "asked-declined",
                        }
                    ]
                },
            }
        )
    )
    assert rule_ids(file) == []


# ---------------------------------------------------------------- settings and plug-ins


def test_settings_disable_override_and_suppress() -> None:
    example = INVALID / "DA1002.json"
    assert rule_ids(example, settings=Settings(disabled=frozenset({"DA1002"}))) == []
    [finding] = validate([example], settings=Settings(severity={"DA1002": Severity.INFO})).findings
    assert finding.severity is Severity.INFO
    assert validate([example], settings=Settings(suppress=("DA1002@Organization.shoeSize",))).findings == ()
    assert validate([example], settings=Settings(suppress=("DA1002@Organization.*",))).findings == ()


def test_a_crashing_practice_check_becomes_one_finding(monkeypatch: pytest.MonkeyPatch) -> None:
    from dastandard.validation import practice

    def boom(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("kaput")

    monkeypatch.setattr(practice, "check_record", boom)
    findings = validate([INVALID / "DA1002.json"]).findings
    assert [f.rule_id for f in findings] == ["DA1002", "DA0900"]
    assert "kaput" in findings[1].message


# ---------------------------------------------------------------- parallel and streaming


def _ndjson(path: Path, count: int) -> None:
    with path.open("w") as out:
        for i in range(count):
            bad = {"birthDate": "nope"} if i % 7 == 0 else {}
            out.write(json.dumps({"resourceType": "Patient", "id": f"p{i}", "gender": "female", **bad}) + "\n")
            if i % 50 == 0:
                out.write("{broken\n")


def test_jobs_two_gives_the_same_ordered_output_as_jobs_one(tmp_path: Path) -> None:
    _ndjson(tmp_path / "a.ndjson", 400)
    (tmp_path / "b.json").write_text((INVALID / "DA1005.json").read_text())
    serial = validate([tmp_path, INVALID / "DA2017.json"], jobs=1)
    parallel = validate([tmp_path, INVALID / "DA2017.json"], jobs=2)
    assert len(serial.findings) > 60
    assert parallel == serial


def test_ndjson_is_streamed_with_bounded_memory(tmp_path: Path) -> None:
    big = tmp_path / "big.ndjson"
    _ndjson(big, 20000)
    assert big.stat().st_size > 1_000_000
    tracemalloc.start()
    count = sum(1 for f in iter_findings([big]) if f.rule_id in ("DA0010", "DA1005"))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert count == 20000 // 7 + 1 + 20000 // 50
    assert peak < big.stat().st_size / 2


def test_iter_findings_is_lazy(tmp_path: Path) -> None:
    _ndjson(tmp_path / "a.ndjson", 100)
    stream = iter_findings([tmp_path / "a.ndjson"])
    first = next(stream)
    assert first.record == 1 and first.rule_id == "DA1005"


# ---------------------------------------------------------------- positions


def test_position_index_matches_the_scanner() -> None:
    text = '{\n "a": [1, {"b\\"x": 2, "c": [ "x" , {"d": null}]}],\n "e": {}\n}'
    index = index_positions(text)
    for path in [("a", 1, "c", 1, "d"), ("a", 1, 'b"x'), ("e", "missing"), ("a", 0)]:
        assert line_col(text, position_in(index, path)) == locate(text, path)
    assert locate(text, ("e",)) == (3, 2)


def test_parse_path_round_trips_finding_paths() -> None:
    assert parse_path("Bundle.entry[2].resource.ofType(Patient).birthDate") == ("entry", 2, "resource", "birthDate")
    assert parse_path("$.persons[0].dob") == ("persons", 0, "dob")


# ---------------------------------------------------------------- conditional examples


def test_da0001_example_unreadable(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(self: Path, *args: Any, **kwargs: Any) -> Any:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "open", refuse)
    report = validate([INVALID / "DA0001.json"])
    assert [(f.rule_id, f.message) for f in report.findings] == [("DA0001", "cannot open input: Permission denied")]
    assert report.unreadable


def test_da0005_example_with_a_record_limit() -> None:
    limit = Settings(params={"DA0005": {"max_record_bytes": 1024}})
    findings = validate([INVALID / "DA0005.ndjson"], settings=limit).findings
    assert [(f.rule_id, f.record) for f in findings] == [("DA0005", 2)]
    assert validate([INVALID / "DA0005.ndjson"]).findings == ()


def test_da0900_example_with_a_failing_check(monkeypatch: pytest.MonkeyPatch) -> None:
    from dastandard.validation import structure

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(structure.StructureChecker, "check", broken)
    [finding] = validate([INVALID / "DA0900.json"]).findings
    assert finding.rule_id == "DA0900" and "ZeroDivisionError" in finding.message


# ---------------------------------------------------------------------------------- rule layers from entry points


class _RuleLayerEntryPoint:
    def __init__(self, name: str, target: Any) -> None:
        self.name, self.value, self._target = name, f"tests:{name}", target

    def load(self) -> Any:
        if isinstance(self._target, Exception):
            raise self._target
        return self._target


def _extra_layer(record: Any, *, settings: Settings, file: str, record_no: int | None) -> Any:
    from dastandard.findings import Finding

    yield Finding("DA9001", Severity.INFO, Layer.PRACTICE, "seen by a plugin", file=file, record=record_no)


def _failing_layer(record: Any, *, settings: Settings, file: str, record_no: int | None) -> Any:
    raise RuntimeError("plugin fault")


def test_rule_layers_come_from_entry_points(monkeypatch: pytest.MonkeyPatch) -> None:
    from dastandard.validation import engine

    def fake_entry_points(group: str) -> list[Any]:
        assert group == engine.RULE_LAYER_GROUP
        return [
            _RuleLayerEntryPoint("extra", _extra_layer),
            _RuleLayerEntryPoint("failing", _failing_layer),
            _RuleLayerEntryPoint("missing", ImportError("no such module")),
        ]

    monkeypatch.setattr(engine, "entry_points", fake_entry_points)
    engine.plugin_rule_layers.cache_clear()
    try:
        with pytest.warns(RuntimeWarning, match="'missing'"):
            findings = validate([sorted((ROOT / "examples" / "fhir").glob("*.json"))[0]])
        rules = [f.rule_id for f in findings.findings]
        assert "DA9001" in rules
        faults = [f for f in findings.findings if f.rule_id == "DA0900"]
        assert len(faults) == 1 and "rule layer 'failing'" in faults[0].message
    finally:
        engine.plugin_rule_layers.cache_clear()


def test_xml_findings_are_located_from_the_one_parse(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Lines of XML findings come from the element lines recorded while parsing; the input is parsed once."""
    from dastandard.fhir import xml

    calls: list[bool] = []
    real = xml.parse_fhir_xml

    def counting(data: bytes, **kwargs: Any) -> Any:
        calls.append("lines" in kwargs)
        return real(data, **kwargs)

    monkeypatch.setattr(xml, "parse_fhir_xml", counting)
    source = tmp_path / "p.xml"
    source.write_text(
        '<Patient xmlns="http://hl7.org/fhir">\n<id value="p"/>\n\n'
        '<birthDate value="1990-13-45"/>\n<gender value="nonsense"/>\n</Patient>\n',
        encoding="utf-8",
    )
    findings = validate([source]).findings
    located = {f.path: f.line for f in findings if f.path.startswith("Patient.")}
    assert located.get("Patient.birthDate") == 4 and located.get("Patient.gender") == 5, findings
    assert calls == [True]
