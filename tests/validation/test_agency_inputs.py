"""Agency files are validated as they are: converted in memory by their format's reader, every finding named by
the source's own ids and located at the source record."""

from __future__ import annotations

from pathlib import Path

import pytest

import dastandard
from dastandard.findings import Finding
from dastandard.validation.inputs import SourceLines

ROOT = Path(__file__).resolve().parents[2]
CIN = ROOT / "examples" / "cin-census" / "da-factors.xml"
POLICE = ROOT / "examples" / "police-csv" / "notification.csv"
MARAC_CSV = ROOT / "examples" / "marac" / "referral.marac.csv"
MARAC_JSON = ROOT / "examples" / "marac" / "referral.marac.json"


def findings(path: Path, **kwargs: object) -> list[Finding]:
    return list(dastandard.validate([path], **kwargs).findings)  # type: ignore[arg-type]


@pytest.mark.parametrize("path", [CIN, POLICE, MARAC_CSV, MARAC_JSON], ids=lambda p: p.name)
def test_agency_file_is_read_not_refused(path: Path) -> None:
    found = findings(path)
    assert found, "the shipped examples raise practice findings"
    assert not [f for f in found if f.rule_id in ("DA0006", "DA0032", "DA1001", "DA0900")]
    record_findings = [f for f in found if f.record is not None]
    assert record_findings and all(f.subject and f.source and f.line for f in record_findings)


def test_cin_findings_name_the_child_by_la_child_id_at_its_xpath_and_line() -> None:
    found = [f for f in findings(CIN) if f.record is not None]
    lines = CIN.read_text(encoding="utf-8").splitlines()
    by_child = {f.source: f for f in found}
    assert set(by_child) == {"/Message/Children/Child[1]", "/Message/Children/Child[2]"}
    for n, label in ((1, "EX0001"), (2, "EX0002")):
        finding = by_child[f"/Message/Children/Child[{n}]"]
        assert f"LAchildID {label}" in finding.subject
        assert lines[finding.line - 1].strip().startswith("<Child")  # type: ignore[operator]
    assert any(f.subject.startswith("LAchildID EX0001, UPN A999123456789") for f in found)


def test_police_findings_name_the_person_and_incident_by_police_references() -> None:
    found = findings(POLICE)
    child = [f for f in found if f.rule_id == "DA3202"]
    assert child and all("Incident EXA-2024-000101" in f.subject for f in child)
    assert {f.subject.split(";")[0] for f in child} <= {
        "Police person id P102 (Mia Sample)",
        "Police person id P103 (Leo Sample)",
    }
    assert {(f.source, f.line) for f in found if f.record == 1} == {("rows 2-5", 2)}
    assert {(f.source, f.line) for f in found if f.record == 2} == {("rows 6-7", 6)}


def test_the_format_can_be_named_and_a_wrong_one_is_located(tmp_path: Path) -> None:
    assert [f.rule_id for f in findings(POLICE, input_format="police-csv")] == [f.rule_id for f in findings(POLICE)]
    found = findings(MARAC_CSV, input_format="police-csv")
    assert found and {f.rule_id for f in found} == {"DA0050"}
    assert {f.line for f in found} == {1, 2}  # the header, and the row it leaves unreadable
    assert [f.rule_id for f in findings(POLICE, input_format="no-such-format")] == ["DA0006"]


def test_cin_practice_messages_name_an_unnamed_child_by_la_child_id_not_a_resource_id() -> None:
    practice = [f for f in findings(CIN) if f.rule_id.startswith("DA3") and f.record is not None]
    assert practice
    spoken = [f for f in practice if f.rule_id == "DA3202"]
    assert spoken and all("Child LAchildID EX" in f.message and "Patient/" not in f.message for f in spoken)


def test_unreadable_rows_are_findings_at_their_line(tmp_path: Path) -> None:
    rows = POLICE.read_text(encoding="utf-8").splitlines()
    header = rows[0].split(",")
    cells = rows[1].split(",")
    cells[header.index("incident_ref")] = ""
    path = tmp_path / "export.csv"
    path.write_text("\n".join([rows[0], rows[1], ",".join(cells), *rows[2:]]) + "\n", encoding="utf-8")
    bad = [f for f in findings(path) if f.rule_id == "DA0050"]
    assert [(f.line, f.severity.value) for f in bad] == [(3, "error")]
    assert bad[0].source == 'row 3, column "incident_ref"'
    assert "row 3" not in bad[0].message  # said once, as the source location


def test_a_source_fault_names_the_child_and_its_xpath_apart_from_the_message() -> None:
    (upn,) = [f for f in findings(CIN) if f.rule_id == "DA0050" and "UPN" in f.source]
    assert upn.subject == "LAchildID EX0001"
    assert upn.source == "/Message/Children/Child[1]/ChildIdentifiers/UPN"
    assert upn.line == 20
    assert upn.message.startswith("cin-census: the check letter of UPN should be U")


def test_a_csv_no_format_claims_is_undetected_and_says_how_to_name_one(tmp_path: Path) -> None:
    path = tmp_path / "other.csv"
    path.write_text("a,b\n1,2\n", encoding="utf-8")
    (finding,) = findings(path)
    assert finding.rule_id == "DA0006" and "--format" in finding.message and "police-csv" in finding.message


def test_source_lines_follow_quoted_cells_over_lines() -> None:
    lines = SourceLines(b'h1,h2\n"a\nb",c\nd,e\n')
    assert [lines.line(f"row {n}") for n in (1, 2, 3, 4)] == [1, 2, 4, None]
    xml = SourceLines(b"<Message>\n<Children>\n<Child>\n</Child>\n<Child >\n</Child></Children></Message>")
    assert [xml.line(f"/Message/Children/Child[{n}]/X") for n in (1, 2, 3)] == [3, 5, None]
    assert SourceLines(b'[\n {"a": 1},\n {"a": 2}\n]').line("$[1].a") == 3
    assert SourceLines(b"x").line("somewhere else") is None


def test_validate_command_summary_counts_people_and_completeness() -> None:
    from click.testing import CliRunner

    from dastandard.cli import cli

    result = CliRunner().invoke(cli, ["validate", str(CIN), "-q", "--no-progress"])
    # The shipped return keeps two faults of the DfE rules (a UPN check letter, the reference date): two errors.
    assert result.exit_code == 1, result.output
    lines = result.output.splitlines()
    assert lines[0] == "Summary" and lines[-1] == "2 errors, 26 warnings, 0 info in 1 file"
    assert "    DA0050   error          2  source-record-fault" in lines
    # child EX0001 has an error of the file itself (its UPN check letter), counted for that child
    assert "  people:    2 children (1 with an error), 2 adults (0 with an error), in 2 records" in lines
    assert any(
        line.startswith("  by agency: Local authority 999 children's social care 25, (the file itself) 2")
        for line in lines
    )
    sex = next(line for line in lines[lines.index("  completeness, children (2):") :] if "Sex" in line)
    assert sex.split() == ["Sex", "100%", "recorded", "2,", "stated", "absent", "0,", "silent", "0"]
    assert not [line for line in lines if "DA3201" in line and "error" in line]
    as_json = CliRunner().invoke(cli, ["validate", str(POLICE), "-o", "json"])
    summary = __import__("json").loads(as_json.output)["summary"]
    assert summary["people"]["children"] == 2 and summary["people"]["records"] == 2
    rows = {row["field"]: row for row in summary["completeness"]["children"]}
    assert rows["sex"]["recorded"] == 2 and rows["gender-identity"]["absent_reasons"] == {"not asked": 2}


def test_validate_command_groups_by_child() -> None:
    from click.testing import CliRunner

    from dastandard.cli import cli

    result = CliRunner().invoke(cli, ["validate", str(POLICE), "--group-by", "child"])
    headings = [line for line in result.output.splitlines() if line.startswith("== ")]
    assert "== Police person id P102 (Mia Sample); Incident EXA-2024-000101 (2 findings)" in headings
