"""The synthetic case generator and ``dastandard generate``: determinism, validity, flaws, slices, parallel output."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import orjson
import pytest
from click.testing import CliRunner

import dastandard.generate as gen
from dastandard import errors
from dastandard.cli import cli, main
from dastandard.findings import Severity
from dastandard.logical import validate_logical
from dastandard.validation import validate

# The practice rule each flaw is there to make fire (validators/rules/practice.json).
FLAW_RULES = {
    "missing-characteristic": "DA3301",
    "child-not-spoken-with": "DA3202",
    "unlinked-repeat-incident": "DA3106",
}


def test_every_flaw_has_an_expected_rule() -> None:
    assert set(FLAW_RULES) == set(gen.FLAWS)


def test_same_seed_same_bytes_different_seed_different(tmp_path: Path) -> None:
    a, b, c = tmp_path / "a.ndjson", tmp_path / "b.ndjson", tmp_path / "c.ndjson"
    gen.write_dataset(a, "ndjson", count=5, seed=7)
    gen.write_dataset(b, "ndjson", count=5, seed=7)
    gen.write_dataset(c, "ndjson", count=5, seed=8)
    assert a.read_bytes() == b.read_bytes()
    assert a.read_bytes() != c.read_bytes()
    assert len(a.read_bytes().splitlines()) == 5


def test_a_slice_equals_the_same_slice_of_the_whole() -> None:
    whole = list(gen.generate_records(15, seed=3))
    assert list(gen.generate_records(10, seed=3, start=5)) == whole[5:15]
    assert [r["caseId"] for r in whole] == [f"GEN-3-{i:07d}" for i in range(15)]
    assert gen.case_bundle(3, 9) == next(gen.generate_bundles(1, seed=3, start=9))


def test_every_logical_record_is_valid() -> None:
    problems = {r["caseId"]: list(validate_logical(r)) for r in gen.generate_records(200, seed=11)}
    assert {case: errs for case, errs in problems.items() if errs} == {}


@pytest.fixture(scope="module")
def clean_findings(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[str, str, str]]:
    path = tmp_path_factory.mktemp("clean") / "clean.ndjson"
    gen.write_dataset(path, "ndjson", count=30, seed=5)
    report = validate([path])
    return [(f.rule_id, f.path, f.message) for f in report.findings if f.severity.rank >= Severity.WARNING.rank]


def test_every_bundle_is_valid_in_every_layer(clean_findings: list[tuple[str, str, str]]) -> None:
    assert clean_findings == []


@pytest.mark.parametrize("flaw", sorted(FLAW_RULES))
def test_each_flaw_makes_its_rule_fire(tmp_path: Path, flaw: str) -> None:
    path = tmp_path / "flawed.ndjson"
    gen.write_dataset(path, "ndjson", count=6, seed=2, flaws=[flaw])
    fired = Counter((f.rule_id, f.record) for f in validate([path]).findings)
    rule = FLAW_RULES[flaw]
    records = {record for (rule_id, record) in fired if rule_id == rule}
    if flaw == "unlinked-repeat-incident":  # only a case with two or more incidents has a repeat
        expected = {n + 1 for n, r in enumerate(gen.generate_records(6, seed=2)) if len(r["incidents"]) > 1}
        assert expected, "the sample must contain a case with repeat incidents"
    else:
        expected = set(range(1, 7))
    assert records == expected


def test_flaws_are_checked() -> None:
    with pytest.raises(ValueError, match="unknown flaw"):
        gen.case_record(0, 0, ["no-such-flaw"])
    with pytest.raises(ValueError, match="logical record cannot"):
        gen.write_dataset(Path("unused.ndjson"), "logical", count=1, flaws=["missing-characteristic"])
    with pytest.raises(ValueError, match="cannot generate"):
        gen.write_dataset(Path("unused.ndjson"), "csv", count=1)


def test_a_failed_write_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "out.ndjson"
    target.write_bytes(b"before\n")

    def broken(*args: object, **kwargs: object) -> bytes:
        raise OSError("disk full")

    monkeypatch.setattr(gen, "case_line", broken)
    with pytest.raises(OSError, match="disk full"):
        gen.write_dataset(target, "ndjson", count=3)
    assert target.read_bytes() == b"before\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.ndjson"]


# ---------------------------------------------------------------- the command


def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["generate", *args])
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize("fmt", ["ndjson", "logical"])
def test_jobs_give_byte_identical_output(tmp_path: Path, fmt: str) -> None:
    one, two = tmp_path / "one", tmp_path / "two"
    # 70 cases: several slices, the last one short.
    assert _run(str(one), "--format", fmt, "--count", "70", "--seed", "4", "--jobs", "1")[0] == 0
    assert _run(str(two), "--format", fmt, "--count", "70", "--seed", "4", "--jobs", "2")[0] == 0
    assert one.read_bytes() == two.read_bytes()
    assert len(one.read_bytes().splitlines()) == 70


def test_min_bytes_stops_at_the_first_line_reaching_the_size(tmp_path: Path) -> None:
    one, two = tmp_path / "one.ndjson", tmp_path / "two.ndjson"
    status, _, stderr = _run(str(one), "--min-bytes", "300000", "--seed", "1", "--jobs", "1")
    assert status == 0
    assert _run(str(two), "--min-bytes", "300000", "--seed", "1", "--jobs", "2")[0] == 0
    data = one.read_bytes()
    assert data == two.read_bytes()
    lines = data.splitlines(keepends=True)
    assert len(data) >= 300000
    assert len(data) - len(lines[-1]) < 300000
    assert f"generated {len(lines)} cases, {len(data)} bytes" in stderr


def test_summary_line_and_flaws(tmp_path: Path) -> None:
    out = tmp_path / "sub" / "cases.ndjson"
    status, stdout, stderr = _run(str(out), "--count", "2", "--flaw", "child-not-spoken-with")
    assert status == 0
    assert stdout == ""
    assert stderr.startswith("generated 2 cases, ") and " s: " in stderr and stderr.count("\n") == 1
    bundle = orjson.loads(out.read_bytes().splitlines()[0])
    assert bundle["resourceType"] == "Bundle"
    assert b'"spokenWith","valueBoolean":false' in out.read_bytes()


def test_folder_and_agency_formats(tmp_path: Path) -> None:
    folder = tmp_path / "bundles"
    assert _run(str(folder), "--format", "fhir-json", "--count", "3")[0] == 0
    assert sorted(p.name for p in folder.iterdir()) == [f"case-{n:07d}.json" for n in range(3)]
    census = tmp_path / "census.xml"
    assert _run(str(census), "--format", "cin-census", "--count", "2")[0] == 0
    assert census.stat().st_size > 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--format", "bogus"], "'bogus' is not one of"),
        (["--flaw", "bogus"], "'bogus' is not one of"),
        (["--format", "logical", "--flaw", "missing-characteristic"], "logical record cannot"),
        (["--format", "fhir-json", "--min-bytes", "10"], "--min-bytes applies to"),
        (["--format", "police-csv", "--jobs", "2"], "--jobs applies to"),
    ],
)
def test_usage_errors_exit_2(tmp_path: Path, args: list[str], message: str) -> None:
    status, _, stderr = _run(str(tmp_path / "out"), *args)
    assert status == errors.USAGE
    assert message in stderr
    assert not (tmp_path / "out").exists()


def test_unwritable_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(SystemExit) as exit_info:
        main(["generate", str(blocker / "out.ndjson"), "--count", "1"])
    assert exit_info.value.code == errors.OUTPUT_UNWRITABLE
    assert "error: cannot write" in capsys.readouterr().err


# ---------------------------------------------------------------- the CIN census return


@pytest.fixture(scope="module")
def census(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cin") / "census.xml"
    gen.write_dataset(path, "cin-census", count=400, seed=2)
    return path


def test_census_return_has_realistic_children(census: Path) -> None:
    from lxml import etree

    children = etree.parse(str(census)).getroot().findall("Children/Child")
    assert len(children) == 400

    def share(test: object) -> float:
        return sum(1 for c in children if test(c)) / len(children)  # type: ignore[operator]

    assert all(c.findall("CINdetails") for c in children)
    assert 0.02 < share(lambda c: len(c.findall("CINdetails")) > 1) < 0.4
    assert share(lambda c: c.find("ChildIdentifiers/UPN") is not None) > 0.8
    assert share(lambda c: c.find("ChildIdentifiers/FormerUPN") is not None) > 0.01
    assert share(lambda c: c.find("ChildIdentifiers/UPNunknown") is not None) > 0.01
    unborn = [c for c in children if c.find("ChildIdentifiers/ExpectedPersonBirthDate") is not None]
    assert unborn and all(c.findtext("ChildIdentifiers/Sex") == "U" for c in unborn)
    assert all(c.find("ChildIdentifiers/PersonBirthDate") is None for c in unborn)
    # work that ended before the census year is not returned, so children whose episode began earlier often have
    # no assessment, enquiry or plan in the return
    assert share(lambda c: c.find("CINdetails/Assessments") is not None) > 0.5
    assert 0.1 < share(lambda c: c.find("CINdetails/Section47") is not None) < 0.55
    assert 0.05 < share(lambda c: c.find("CINdetails/ChildProtectionPlans") is not None) < 0.4
    assert 0.2 < share(lambda c: c.find("CINdetails/CINPlanDates") is not None) < 0.8
    year_start = "2025-04-01"
    for tag in ("AssessmentAuthorisationDate", "DateOfInitialCPC", "CPPendDate", "CINPlanEndDate", "CINclosureDate"):
        assert all(el.text >= year_start for c in children for el in c.iter(tag)), tag  # DfE: in the census year
    assert all(ep.find("DateOfInitialCPC") is None for c in children for ep in c.findall("CINdetails"))
    assert share(lambda c: c.find("CINdetails/ChildProtectionPlans/Reviews/CPPreviewDate") is not None) > 0.05
    assert share(lambda c: c.find("CINdetails/CINclosureDate") is not None) > 0.3
    factors = Counter(f.text for f in census_factors(children))
    assert factors["3B"] > len(children) / 2 and factors["3C"] > 0  # domestic abuse is every case's concern
    assert set(factors) <= {code for code, _ in gen._OTHER_FACTORS} | {"3A", "3B", "3C"}
    reference = "2026-03-31"
    for c in children:  # every date on or before the reference date (an expected birth date may be after it)
        for el in c.iter():
            if el.tag != "ExpectedPersonBirthDate" and len(el) == 0 and (el.text or "")[:2] == "20":
                assert el.text <= reference, (el.tag, el.text)
        for ep in c.findall("CINdetails"):
            if ep.findtext("ReferralNFA") == "true":
                assert ep.find("Assessments") is None and ep.findtext("CINclosureDate") == ep.findtext(
                    "CINreferralDate"
                )
            for cpp in ep.findall("ChildProtectionPlans"):  # the plan starts at the conference, when returned
                assert ep.find("Section47") is None or cpp.findtext("CPPstartDate") == ep.findtext(
                    "Section47/DateOfInitialCPC"
                )


def census_factors(children: list[Any]) -> list[Any]:
    return [f for c in children for f in c.iterfind("CINdetails/Assessments/FactorsIdentifiedAtAssessment/*")]


def test_census_return_reads_back_losslessly_and_valid(census: Path, tmp_path: Path) -> None:
    from dastandard.convert.base import ConversionReport
    from dastandard.convert.cin_census import CinCensusFormat

    report = ConversionReport()
    with census.open("rb") as source:
        bundles = list(CinCensusFormat().read(source, census.name, report))
    assert report.lossless and report.records_in == 400
    # the Bundles the generator wrote from are the Bundles the reader gets back
    assert bundles == list(gen.census_bundles(400, seed=2, source_file=census.name))
    out = tmp_path / "census.ndjson"
    out.write_bytes(b"".join(orjson.dumps(b) + b"\n" for b in bundles))
    errors_found = [f for f in validate([out]).findings if f.severity.rank >= Severity.ERROR.rank]
    assert errors_found == []


def test_census_children_depend_only_on_seed_and_index(census: Path, tmp_path: Path) -> None:
    again = tmp_path / "again.xml"
    gen.write_dataset(again, "cin-census", count=400, seed=2)
    assert again.read_bytes() == census.read_bytes()
    assert [gen.census_child(2, i) for i in range(395, 400)] == [gen.census_child(2, i) for i in range(395, 400)]
    assert list(gen.census_bundles(3, seed=2, start=397)) == list(gen.census_bundles(400, seed=2))[397:]
    assert gen.census_child(3, 5) != gen.census_child(2, 5)
    with pytest.raises(ValueError, match="CIN census return cannot carry"):
        gen.write_dataset(tmp_path / "x.xml", "cin-census", count=1, flaws=["child-not-spoken-with"])
