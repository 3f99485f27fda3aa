"""Every report format, fed hand-built findings: shape, escaping, and validity against the formats' own rules."""

from __future__ import annotations

import io
import json
from pathlib import Path

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from dastandard.catalog import Rule
from dastandard.findings import Finding, Layer, Severity
from dastandard.reporters import (
    EXT_ISSUE_COL,
    EXT_ISSUE_LINE,
    EXT_MESSAGE_ID,
    REPORTER_BY_NAME,
    GithubReporter,
    JsonReporter,
    JUnitReporter,
    OperationOutcomeReporter,
    Reporter,
    SarifReporter,
    Summary,
    TextReporter,
    artifact_uri,
    escape_data,
    escape_property,
    message_id_system,
    summarize,
)
from dastandard.standard import standard

DATA = Path(__file__).parent / "data"
ROOT = Path("/repo")

RULES = {
    "DA2001": Rule(
        id="DA2001",
        name="missing-birth-date",
        layer=Layer.PROFILE,
        severity=Severity.ERROR,
        since="0.1.0",
        summary="A person has neither a birth date nor a reason it is absent.",
        rationale="Age decides which statutory duties apply to a child.",
        learning_points=("L09",),
        references=("DA Act 2021 s3",),
    ),
    "DA3101": Rule(
        id="DA3101",
        name="child-not-seen",
        layer=Layer.PRACTICE,
        severity=Severity.WARNING,
        since="0.1.0",
        summary="No contact records that the child was seen.",
        rationale="Reviews repeatedly found children who were never seen.",
    ),
}

ERR = Finding(
    "DA2001",
    Severity.ERROR,
    Layer.PROFILE,
    "birthDate is missing",
    file="cases/a.json",
    path="Bundle.entry[3].resource",
    line=12,
    column=5,
    resource="Patient/p1",
)
WARN = Finding("DA3101", Severity.WARNING, Layer.PRACTICE, "child not seen", file="cases/a.json", path="Bundle")
INFO = Finding("DA3101", Severity.INFO, Layer.PRACTICE, "note", file="cases/b.json")
UNKNOWN = Finding("DA9999", Severity.ERROR, Layer.CONVERSION, "from elsewhere", file="/repo/sub dir/c.xml", line=3)
FILES = ("cases/a.json", "cases/b.json", "cases/clean.json")


def render(name: str, findings: list[Finding], summary: Summary | None = None, verbosity: int = 0) -> str:
    stream = io.StringIO()
    reporter: Reporter = REPORTER_BY_NAME[name](stream, verbosity=verbosity, rules=RULES, root=ROOT)
    reporter.report(findings, summary or summarize(findings, FILES))
    return stream.getvalue()


def test_registry_names_every_format() -> None:
    assert set(REPORTER_BY_NAME) == {"text", "json", "operationoutcome", "sarif", "junit", "github"}
    assert all(issubclass(cls, Reporter) and cls.description for cls in REPORTER_BY_NAME.values())


def test_summary_counts_and_fail_on() -> None:
    summary = summarize([ERR, WARN, INFO], FILES, fail_on=Severity.ERROR)
    assert summary.failed and summary.status == "fail"
    assert summary.line() == "1 error, 1 warning, 1 info in 3 files"
    assert not summarize([WARN, INFO], FILES).failed
    assert summarize([WARN], FILES, fail_on=Severity.WARNING).failed
    assert summarize([INFO], FILES, fail_on=Severity.WARNING).status == "ok"
    assert summarize([], FILES, unreadable=["x.json"]).status == "fail"
    fatal = Finding("DA0001", Severity.FATAL, Layer.SYNTAX, "unreadable", file="x")
    assert summarize([fatal], ["x"]).line().startswith("1 fatal, 0 errors")


# ------------------------------------------------------------------------------------------------------------ text


def test_text_lines_and_summary() -> None:
    lines = render("text", [ERR, WARN, INFO]).splitlines()
    assert lines == [
        "cases/a.json:12:5: error DA2001 birthDate is missing [Bundle.entry[3].resource]",
        "cases/a.json: warning DA3101 child not seen [Bundle]",
        "cases/b.json: info DA3101 note",
        "Run `dastandard explain DA2001` (or any rule id above) for what the rule checks, why, and how to fix the "
        "record.",
        "Summary",
        "  by layer:  practice 2, profile 1",
        "  by rule:",
        "    DA3101   warning        2  child-not-seen",
        "    DA2001   error          1  missing-birth-date",
        "1 error, 1 warning, 1 info in 3 files",
    ]


def test_text_verbosity() -> None:
    assert render("text", [ERR], verbosity=-1).splitlines() == [
        "Summary",
        "  by layer:  profile 1",
        "  by rule:",
        "    DA2001   error          1  missing-birth-date",
        "1 error, 0 warnings, 0 info in 3 files",
    ]
    assert render("text", [ERR], verbosity=-2) == ""
    verbose = render("text", [ERR], verbosity=1)
    assert "DA2001(missing-birth-date)" in verbose and "in Patient/p1" in verbose
    assert "cases/clean.json: ok" in verbose and "cases/a.json: ok" not in verbose


def test_text_escapes_control_characters() -> None:
    odd = Finding("DA3101", Severity.ERROR, Layer.PRACTICE, "two\nlines\x00", file="a\rb.json")
    out = render("text", [odd])
    assert out.splitlines()[0] == "a\\rb.json: error DA3101 two\\nlines\\x00"


# ------------------------------------------------------------------------------------------------------------ json


def test_json_document() -> None:
    doc = json.loads(render("json", [ERR, WARN]))
    assert doc["status"] == "fail"
    assert doc["findings"][0] == ERR.to_dict()
    assert doc["summary"] == {
        "by_rule": {"DA2001": 1, "DA3101": 1},
        "by_layer": {"profile": 1, "practice": 1},
        "by_agency": {},
        "people": {},
        "completeness": {},
        "files": 3,
        "fatal": 0,
        "errors": 1,
        "warnings": 1,
        "info": 0,
        "fail_on": "error",
        "unreadable": [],
    }
    assert json.loads(render("json", [WARN]))["status"] == "ok"


def test_json_survives_odd_details() -> None:
    odd = Finding("DA3101", Severity.INFO, Layer.PRACTICE, "m", details=(("when", object()), ("n", 3)))
    doc = json.loads(render("json", [odd]))
    assert doc["findings"][0]["details"]["n"] == 3


# ---------------------------------------------------------------------------------------------- OperationOutcome


def _ext(issue: dict[str, object], url: str) -> object:
    for ext in issue.get("extension", []):  # type: ignore[attr-defined]
        if ext["url"] == url:
            return next(v for k, v in ext.items() if k.startswith("value"))
    return None


def test_operationoutcome_single_file() -> None:
    outcome = json.loads(render("operationoutcome", [ERR, WARN], summarize([ERR, WARN], ["cases/a.json"])))
    assert outcome["resourceType"] == "OperationOutcome"
    first, second = outcome["issue"]
    assert first["severity"] == "error" and first["code"] == "invariant"
    assert first["details"]["coding"] == [
        {"system": message_id_system(), "code": "DA2001", "display": "missing-birth-date"}
    ]
    assert message_id_system().startswith(standard().canonical + "/")
    assert first["expression"] == ["Bundle.entry[3].resource"]
    assert first["location"] == ["Bundle.entry[3].resource", "Line[12] Col[5]"]
    assert "birthDate is missing" in first["diagnostics"]
    assert _ext(first, EXT_ISSUE_LINE) == 12 and _ext(first, EXT_ISSUE_COL) == 5
    assert _ext(first, EXT_MESSAGE_ID) == "DA2001"
    assert EXT_ISSUE_LINE == "http://hl7.org/fhir/StructureDefinition/operationoutcome-issue-line"
    assert second["severity"] == "warning" and second["code"] == "business-rule"
    assert _ext(second, EXT_ISSUE_LINE) is None


def test_operationoutcome_bundle_for_several_files() -> None:
    bundle = json.loads(render("operationoutcome", [ERR, WARN, INFO]))
    assert bundle["resourceType"] == "Bundle" and bundle["type"] == "collection"
    outcomes = [e["resource"] for e in bundle["entry"]]
    assert [o["extension"][0]["valueString"] for o in outcomes] == list(FILES)
    assert len(outcomes[0]["issue"]) == 2
    assert outcomes[1]["issue"][0]["severity"] == "information"
    assert outcomes[2]["issue"] == [
        {"severity": "information", "code": "informational", "diagnostics": "No issues found"}
    ]
    full_urls = [e["fullUrl"] for e in bundle["entry"]]
    assert len(set(full_urls)) == 3 and all(u.startswith("urn:uuid:") for u in full_urls)
    assert full_urls == [e["fullUrl"] for e in json.loads(render("operationoutcome", []))["entry"]]


def test_operationoutcome_parses_as_fhir() -> None:
    r4b = pytest.importorskip("fhir.resources.R4B.bundle")
    r4b.Bundle.model_validate(json.loads(render("operationoutcome", [ERR, WARN, INFO, UNKNOWN])))


# --------------------------------------------------------------------------------------------------------- SARIF


@pytest.fixture(scope="module")
def sarif_validator() -> jsonschema.Draft4Validator:
    schema = json.loads((DATA / "sarif-2.1.0.schema.json").read_text(encoding="utf-8"))
    return jsonschema.Draft4Validator(schema)


def test_sarif_is_valid_and_has_what_github_requires(sarif_validator: jsonschema.Draft4Validator) -> None:
    log = json.loads(render("sarif", [ERR, WARN, INFO, UNKNOWN]))
    errors = sorted(sarif_validator.iter_errors(log), key=str)
    assert not errors, errors[0]
    assert log["$schema"] and log["version"] == "2.1.0"
    driver = log["runs"][0]["tool"]["driver"]
    assert driver["name"] == "dastandard"
    rules = driver["rules"]
    assert [r["id"] for r in rules] == ["DA2001", "DA3101", "DA9999"]
    for rule in rules:
        assert rule["name"] and rule["shortDescription"]["text"] and rule["fullDescription"]["text"]
        assert rule["help"]["text"] and rule["help"]["markdown"]
        assert rule["defaultConfiguration"]["level"] in {"error", "warning", "note"}
        assert rule["properties"]["tags"]
    assert rules[1]["defaultConfiguration"]["level"] == "warning"
    results = log["runs"][0]["results"]
    assert [r["level"] for r in results] == ["error", "warning", "note", "error"]
    for result in results:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        assert result["message"]["text"]
        region = result["locations"][0]["physicalLocation"]["region"]
        assert region["startLine"] >= 1 and region["startColumn"] >= 1
        assert result["partialFingerprints"]["primaryLocationLineHash"]
    assert results[0]["locations"][0]["physicalLocation"]["region"] == {"startLine": 12, "startColumn": 5}
    assert results[1]["locations"][0]["physicalLocation"]["region"] == {"startLine": 1, "startColumn": 1}
    assert results[3]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "sub%20dir/c.xml"


def test_sarif_fingerprints_are_stable_and_unique() -> None:
    twice = [ERR, ERR]
    first = json.loads(render("sarif", twice))["runs"][0]["results"]
    moved = Finding(**{**{k: getattr(ERR, k) for k in ERR.__slots__}, "line": 40})  # type: ignore[arg-type]
    again = json.loads(render("sarif", [moved, ERR]))["runs"][0]["results"]
    hashes = [r["partialFingerprints"]["primaryLocationLineHash"] for r in first]
    assert len(set(hashes)) == 2
    assert hashes == [r["partialFingerprints"]["primaryLocationLineHash"] for r in again]
    other = json.loads(render("sarif", [WARN]))["runs"][0]["results"][0]
    assert other["partialFingerprints"]["primaryLocationLineHash"] not in hashes


def test_sarif_reports_unreadable_inputs(sarif_validator: jsonschema.Draft4Validator) -> None:
    log = json.loads(render("sarif", [], summarize([], [], unreadable=["gone.json"])))
    sarif_validator.validate(log)
    invocation = log["runs"][0]["invocations"][0]
    assert invocation["executionSuccessful"] is False
    assert "gone.json" in invocation["toolExecutionNotifications"][0]["message"]["text"]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("cases/a.json", "cases/a.json"),
        ("./cases/a.json", "cases/a.json"),
        ("/repo/x/y.json", "x/y.json"),
        ("/elsewhere/y.json", "file:///elsewhere/y.json"),
        ("-", "stdin"),
        ("a b#c.json", "a%20b%23c.json"),
    ],
)
def test_artifact_uri(name: str, expected: str) -> None:
    assert artifact_uri(name, ROOT) == expected


# --------------------------------------------------------------------------------------------------------- JUnit


def test_junit_structure() -> None:
    xml = render("junit", [ERR, WARN, INFO, ERR])
    root = etree.fromstring(xml.encode())
    assert root.tag == "testsuites"
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == list(FILES)
    a_cases = suites[0].findall("testcase")
    names = [c.get("name") for c in a_cases]
    assert names == ["DA2001 Bundle.entry[3].resource", "DA3101 Bundle", "DA2001 Bundle.entry[3].resource (2)"]
    assert a_cases[0].find("failure").get("message") == "birthDate is missing"  # type: ignore[union-attr]
    assert a_cases[0].find("failure").get("type") == "DA2001"  # type: ignore[union-attr]
    assert a_cases[1].find("failure") is None and "warning" in a_cases[1].findtext("system-out", "")
    assert suites[0].get("tests") == "3" and suites[0].get("failures") == "2"
    assert suites[2].get("tests") == "1" and suites[2].find("testcase").get("name") == "no findings"  # type: ignore[union-attr]
    assert root.get("tests") == "5" and root.get("failures") == "2" and root.get("errors") == "0"


def test_junit_fatal_and_unreadable_are_errors() -> None:
    fatal = Finding("DA0001", Severity.FATAL, Layer.SYNTAX, "not JSON", file="bad.json")
    root = etree.fromstring(
        render("junit", [fatal], summarize([fatal], ["bad.json"], unreadable=["gone.json"])).encode()
    )
    assert root.get("errors") == "2"
    assert root.find("testsuite[@name='gone.json']/testcase/error") is not None


def test_junit_escapes_markup_and_invalid_characters() -> None:
    odd = Finding("DA3101", Severity.ERROR, Layer.PRACTICE, 'a <b> & "c"\x00\x1b', file="x&y.json", path="P[<1>]")
    root = etree.fromstring(render("junit", [odd], summarize([odd], ["x&y.json"])).encode())
    failure = root.find("testsuite/testcase/failure")
    assert failure is not None and failure.get("message") == 'a <b> & "c"\\x00\\x1b'
    assert root.find("testsuite").get("name") == "x&y.json"  # type: ignore[union-attr]


# -------------------------------------------------------------------------------------------------------- GitHub


def test_github_annotations() -> None:
    lines = render("github", [ERR, WARN, INFO]).splitlines()
    assert lines[0] == (
        "::error file=cases/a.json,line=12,col=5,title=DA2001::birthDate is missing [Bundle.entry[3].resource]"
    )
    assert lines[1] == "::warning file=cases/a.json,title=DA3101::child not seen [Bundle]"
    assert lines[2].startswith("::notice file=cases/b.json,")
    assert lines[-1] == "1 error, 1 warning, 1 info in 3 files"


def test_github_escaping() -> None:
    assert escape_data("100% done\r\nnext: a,b") == "100%25 done%0D%0Anext: a,b"
    assert escape_property("a:b,c%\n") == "a%3Ab%2Cc%25%0A"
    odd = Finding("DA3101", Severity.ERROR, Layer.PRACTICE, "x\ny", file="dir,1/a:b.json", line=2)
    line = render("github", [odd]).splitlines()[0]
    assert line == "::error file=dir%2C1/a%3Ab.json,line=2,title=DA3101::x%0Ay"


# ------------------------------------------------------------------------------------------------------ fuzzing

_text = st.text(st.characters(codec="utf-8"), max_size=40)
_findings = st.lists(
    st.builds(
        Finding,
        rule_id=st.sampled_from(["DA2001", "DA3101", "DA0000"]),
        severity=st.sampled_from(list(Severity)),
        layer=st.sampled_from(list(Layer)),
        message=_text,
        file=st.sampled_from(["a.json", "b c.json", "-", "", "/repo/x.xml"]),
        path=_text,
        line=st.none() | st.integers(1, 10**6),
        column=st.none() | st.integers(1, 10**4),
    ),
    max_size=8,
)


@settings(max_examples=60, deadline=None)
@given(findings=_findings)
def test_every_reporter_handles_any_finding(findings: list[Finding]) -> None:
    summary = summarize(findings, ["a.json"])
    for name in REPORTER_BY_NAME:
        out = render(name, findings, summary)
        if name in {"json", "operationoutcome", "sarif"}:
            json.loads(out)
        elif name == "junit":
            etree.fromstring(out.encode())
        else:
            lines = out.split("\n")
            assert lines[-1] == "" and all(lines[:-1]), out
            if name == "text":
                assert out.splitlines() == lines[:-1]


def test_reporters_use_the_shipped_catalog_by_default() -> None:
    stream = io.StringIO()
    for cls in (TextReporter, JsonReporter, SarifReporter, JUnitReporter, GithubReporter, OperationOutcomeReporter):
        cls(stream).report([], Summary())
    assert stream.getvalue()


# ----------------------------------------------------------------------------------- subjects, groups and caps

CHILD = Finding(
    "DA3201",
    Severity.ERROR,
    Layer.PRACTICE,
    "no child victim status",
    file="export.csv",
    path="Bundle.entry[13].resource",
    line=2,
    record=1,
    subject="Police person id P102 (Mia Sample); Incident EXA-1",
    source="rows 2-5",
)


def test_every_format_names_the_subject_and_the_source_location() -> None:
    text = render("text", [CHILD]).splitlines()[0]
    assert text == (
        "export.csv:2: error DA3201 Police person id P102 (Mia Sample); Incident EXA-1: no child victim status "
        "[rows 2-5; Bundle.entry[13].resource]"
    )
    doc = json.loads(render("json", [CHILD]))["findings"][0]
    assert doc["subject"] == CHILD.subject and doc["source"] == "rows 2-5"
    result = json.loads(render("sarif", [CHILD]))["runs"][0]["results"][0]
    assert result["message"]["text"].startswith(CHILD.subject)
    assert result["properties"] == {"subject": CHILD.subject, "source": "rows 2-5"}
    assert [loc["fullyQualifiedName"] for loc in result["locations"][0]["logicalLocations"]] == [
        "rows 2-5",
        "Bundle.entry[13].resource",
    ]
    junit = render("junit", [CHILD])
    assert "subject: Police person id P102 (Mia Sample)" in junit and "source: rows 2-5" in junit
    assert "title=DA3201::Police person id P102 (Mia Sample)" in render("github", [CHILD])
    assert CHILD.subject in render("operationoutcome", [CHILD])


def _many(
    n: int, rule: str = "DA3201", file: str = "export.csv", severity: Severity = Severity.WARNING
) -> list[Finding]:
    return [
        Finding(rule, severity, Layer.PRACTICE, f"finding {i}", file=file, line=i + 2, record=i + 1, subject=f"P{i}")
        for i in range(n)
    ]


def test_text_group_by_child_rule_and_file() -> None:
    findings = [*_many(2), CHILD, *_many(1, "DA3202", "other.csv")]
    stream = io.StringIO()
    TextReporter(stream, rules=RULES, group_by="rule").report(findings, summarize(findings, FILES))
    headings = [line for line in stream.getvalue().splitlines() if line.startswith("== ")]
    assert headings == ["== DA3201 (3 findings)", "== DA3202 (1 finding)"]
    stream = io.StringIO()
    TextReporter(stream, rules=RULES, group_by="child").report(findings, summarize(findings, FILES))
    out = stream.getvalue()
    assert "== Police person id P102 (Mia Sample); Incident EXA-1 (1 finding)" in out
    assert "  export.csv:2: error DA3201 Police person id P102" in out
    stream = io.StringIO()
    TextReporter(stream, rules=RULES, group_by="file").report(findings, summarize(findings, FILES))
    assert [line for line in stream.getvalue().splitlines() if line.startswith("== ")] == [
        "== export.csv (3 findings)",
        "== other.csv (1 finding)",
    ]


def test_sarif_beyond_the_cap_is_one_result_per_rule_and_file(sarif_validator: jsonschema.Draft4Validator) -> None:
    findings = [*_many(40), *_many(30, "DA3202"), *_many(5, "DA3202", "b.csv", Severity.ERROR), CHILD]
    stream = io.StringIO()
    SarifReporter(stream, rules=RULES, root=ROOT, max_findings=10).report(findings, summarize(findings, FILES))
    log = json.loads(stream.getvalue())
    sarif_validator.validate(log)
    run_ = log["runs"][0]
    results = run_["results"]
    assert [(r["ruleId"], r["level"], r.get("properties", {}).get("count", 1)) for r in results] == [
        ("DA3201", "error", 41),  # the most severe first (one error among the warnings), then the largest
        ("DA3202", "error", 5),
        ("DA3202", "warning", 30),
    ]
    assert results[0]["message"]["text"].startswith("41 findings of DA3201 in this file; the first: P0: finding 0")
    notes = run_["invocations"][0]["toolExecutionNotifications"]
    assert "76 findings are reported as 3 results" in notes[-1]["message"]["text"]
    assert run_["properties"]["summary"]["by_rule"] == {"DA3201": 41, "DA3202": 35}
    stream = io.StringIO()
    SarifReporter(stream, rules=RULES, root=ROOT, max_findings=2).report(findings, summarize(findings, FILES))
    run_ = json.loads(stream.getvalue())["runs"][0]
    assert len(run_["results"]) == 2
    assert "30 findings of the least severe rules are left out" in str(run_["invocations"])


def test_sarif_default_cap_is_githubs_limit() -> None:
    from dastandard.reporters import SARIF_MAX_RESULTS, group_findings

    assert SARIF_MAX_RESULTS == 25_000
    groups, left_out = group_findings(_many(25_001), SARIF_MAX_RESULTS)
    assert [g.count for g in groups] == [25_001] and left_out == 0


def test_github_annotations_stay_within_the_per_step_limits() -> None:
    findings = [
        *(f for i in range(15) for f in _many(2, f"DA31{i:02d}", "a.csv", Severity.ERROR)),
        *(f for i in range(15) for f in _many(1, f"DA32{i:02d}", f"w{i}.csv")),
    ]
    out = render("github", findings).splitlines()
    annotations = [line for line in out if line.startswith(("::error", "::warning", "::notice"))]
    assert sum(line.startswith("::error") for line in annotations) == 10
    assert sum(line.startswith("::warning") for line in annotations) == 10
    (summary,) = [line for line in annotations if line.startswith("::notice title=dastandard summary::")]
    assert "45 findings shown as 20 annotations (15 only in the log)" in summary
    assert "title=DA3100 (2 findings)" in out[out.index("::endgroup::") + 1]
    group = out[out.index("::group::dastandard: all 45 findings") + 1 : out.index("::endgroup::")]
    assert len(group) == 45  # every finding is still in the log
    assert out[-1] == "30 errors, 15 warnings, 0 info in 3 files"
    few = render("github", _many(3)).splitlines()
    assert not [line for line in few if line.startswith("::group::")]
    assert sum(line.startswith("::warning") for line in few) == 3
