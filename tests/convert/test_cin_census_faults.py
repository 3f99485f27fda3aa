"""The DfE structural faults of a CIN census return that bear on the standard are located report entries naming the
Child by its LAchildID: a wrong UPN check letter, an unborn child whose sex is not unknown, end dates outside the
census year and a reference date that is not 31 March of the collection year."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from dastandard.conversion_report import ConversionReport, Loss, ReportEntry
from dastandard.convert.cin_census import CinCensusFormat
from dastandard.convert.cin_census.vocabulary import upn_check_letter
from dastandard.generate import write_dataset

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "cin-census" / "da-factors.xml"
CHILD1 = "/Message/Children/Child[1]"


def census(children: str, year: str = "2026", reference: str = "2026-03-31") -> bytes:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<Message>
  <Header>
    <CollectionDetails><Collection>CIN</Collection><Year>{year}</Year><ReferenceDate>{reference}</ReferenceDate>
    </CollectionDetails>
    <Source><SourceLevel>L</SourceLevel><LEA>201</LEA><SoftwareCode>Case system</SoftwareCode><Release>1</Release>
      <SerialNo>001</SerialNo><DateTime>2026-04-10T10:00:00</DateTime></Source>
  </Header>
  <Children>{children}</Children>
</Message>""".encode()


def child(
    ids: str = "<UPN>N201100112345</UPN><PersonBirthDate>2015-05-01</PersonBirthDate><Sex>F</Sex>",
    episode: str = "",
    la_id: str = "C-1001",
) -> str:
    return f"""
    <Child>
      <ChildIdentifiers><LAchildID>{la_id}</LAchildID>{ids}</ChildIdentifiers>
      <ChildCharacteristics><Ethnicity>WBRI</Ethnicity></ChildCharacteristics>
      <CINdetails>
        <CINreferralDate>2025-06-02</CINreferralDate><ReferralSource>6</ReferralSource>
        <PrimaryNeedCode>N1</PrimaryNeedCode>{episode}<ReferralNFA>false</ReferralNFA>
      </CINdetails>
    </Child>"""


def faults(data: bytes) -> list[ReportEntry]:
    report = ConversionReport()
    bundles = list(CinCensusFormat().read(io.BytesIO(data), "return.xml", report))
    assert len(bundles) == data.count(b"<Child>")
    return [e for e in report.entries if e.kind is Loss.INVALID_INPUT]


def valid_upn(digits: str) -> str:
    letter = upn_check_letter(f"A{digits}")
    assert letter is not None
    return letter + digits


def test_a_clean_return_has_no_faults() -> None:
    upn = valid_upn("201100112345")
    assert faults(census(child(f"<UPN>{upn}</UPN><PersonBirthDate>2015-05-01</PersonBirthDate><Sex>F</Sex>"))) == []


def test_the_check_letter_follows_the_dfe_algorithm() -> None:
    # by hand: 9*2 + 9*3 + 9*4 + 1*5 + 2*6 + 3*7 + 4*8 + 5*9 + 6*10 + 7*11 + 8*12 + 9*13 = 546 = 23*23 + 17,
    # and the 18th of the letters without I, O and S is U
    assert valid_upn("201100112345") == "N201100112345"
    assert upn_check_letter("A999123456789") == "U"
    assert upn_check_letter("U999123456789") == "U"  # the first letter is not part of the sum
    assert upn_check_letter("not a upn") is None
    assert upn_check_letter(valid_upn("20110011234A")) == valid_upn("20110011234A")[0]  # temporary UPN


@pytest.mark.parametrize("tag", ["UPN", "FormerUPN"])
def test_a_wrong_upn_check_letter_is_located_and_names_the_child(tag: str) -> None:
    upn = valid_upn("201100112345")
    wrong = ("B" if upn[0] != "B" else "C") + upn[1:]
    ids = f"<UPN>{upn}</UPN>" if tag == "FormerUPN" else ""
    ids += f"<{tag}>{wrong}</{tag}><PersonBirthDate>2015-05-01</PersonBirthDate><Sex>M</Sex>"
    [entry] = faults(census(child(ids, la_id="LA-77")))
    assert entry.location == f"{CHILD1}/ChildIdentifiers/{tag}"
    assert entry.code == wrong
    assert "LAchildID LA-77" in entry.message and f"should be {upn[0]}" in entry.message


@pytest.mark.parametrize(("sex", "bad"), [("F", True), ("M", True), ("U", False)])
def test_an_unborn_child_must_have_sex_u(sex: str, bad: bool) -> None:
    ids = f"<UPNunknown>UN1</UPNunknown><ExpectedPersonBirthDate>2026-06-01</ExpectedPersonBirthDate><Sex>{sex}</Sex>"
    found = faults(census(child(ids, la_id="UB-9")))
    assert [(e.location, e.code) for e in found] == ([(f"{CHILD1}/ChildIdentifiers/Sex", sex)] if bad else [])
    if bad:
        assert "LAchildID UB-9" in found[0].message


def test_an_unborn_child_in_an_older_return_must_have_gender_current_0() -> None:
    ids = "<ExpectedPersonBirthDate>2026-06-01</ExpectedPersonBirthDate><GenderCurrent>{}</GenderCurrent>"
    [entry] = faults(census(child(ids.format(2))))
    assert entry.location == f"{CHILD1}/ChildIdentifiers/GenderCurrent" and entry.code == "2"
    assert faults(census(child(ids.format(0)))) == []


EPISODE_PARTS = {
    "AssessmentAuthorisationDate": (
        "<Assessments><AssessmentActualStartDate>2025-01-06</AssessmentActualStartDate>"
        "<AssessmentAuthorisationDate>{}</AssessmentAuthorisationDate>"
        "<FactorsIdentifiedAtAssessment><AssessmentFactors>3B</AssessmentFactors></FactorsIdentifiedAtAssessment>"
        "</Assessments>",
        "Assessments",
        "8696",
    ),
    "DateOfInitialCPC": (
        "<Section47><S47ActualStartDate>2025-01-06</S47ActualStartDate>"
        "<DateOfInitialCPC>{}</DateOfInitialCPC><ICPCnotRequired>false</ICPCnotRequired></Section47>",
        "Section47",
        "8715",
    ),
    "CINPlanEndDate": (
        "<CINPlanDates><CINPlanStartDate>2025-01-06</CINPlanStartDate><CINPlanEndDate>{}</CINPlanEndDate>"
        "</CINPlanDates>",
        "CINPlanDates",
        "4013",
    ),
    "CPPendDate": (
        "<ChildProtectionPlans><CPPstartDate>2025-01-06</CPPstartDate><CPPendDate>{}</CPPendDate>"
        "<InitialCategoryOfAbuse>EMO</InitialCategoryOfAbuse><LatestCategoryOfAbuse>EMO</LatestCategoryOfAbuse>"
        "<NumberOfPreviousCPP>1</NumberOfPreviousCPP></ChildProtectionPlans>",
        "ChildProtectionPlans",
        "8930",
    ),
}


@pytest.mark.parametrize("tag", sorted(EPISODE_PARTS))
def test_an_end_date_before_the_census_year_is_located_and_names_the_child(tag: str) -> None:
    part, container, rule = EPISODE_PARTS[tag]
    assert faults(census(child(episode=part.format("2025-04-01")))) == []  # the first day of the census year
    [entry] = faults(census(child(episode=part.format("2025-03-31"), la_id="K 12")))
    assert entry.location == f"{CHILD1}/CINdetails/{container}/{tag}"
    assert entry.code == "2025-03-31"
    assert "LAchildID K 12" in entry.message and "2025-04-01" in entry.message and f"rule {rule}" in entry.message


def test_an_end_date_after_the_reference_date_is_reported_as_before() -> None:
    part, container, _ = EPISODE_PARTS["CPPendDate"]
    [entry] = faults(census(child(episode=part.format("2026-04-01"))))
    assert entry.location == f"{CHILD1}/CINdetails/{container}/CPPendDate"
    assert "after the census reference date" in entry.message


def test_the_initial_conference_on_the_episode_is_not_an_end_date() -> None:
    episode = "<DateOfInitialCPC>2025-03-01</DateOfInitialCPC>"
    assert faults(census(child(episode=episode))) == []


@pytest.mark.parametrize(("year", "reference", "bad"), [("2026", "2026-03-31", False), ("2025", "2026-03-31", True)])
def test_the_reference_date_is_31_march_of_the_collection_year(year: str, reference: str, bad: bool) -> None:
    found = [e for e in faults(census(child(), year, reference)) if e.source_field == "ReferenceDate"]
    assert [(e.location, e.code) for e in found] == (
        [("/Message/Header/CollectionDetails/ReferenceDate", reference)] if bad else []
    )


def test_the_shipped_example_is_flagged_for_its_faults() -> None:
    found = {(e.location, e.code) for e in faults(EXAMPLE.read_bytes())}
    assert found == {
        ("/Message/Header/CollectionDetails/ReferenceDate", "2024-03-31"),
        (f"{CHILD1}/ChildIdentifiers/UPN", "A999123456789"),
    }


def test_a_generated_return_has_none_of_these_faults(tmp_path: Path) -> None:
    path = tmp_path / "return.xml"
    write_dataset(path, "cin-census", count=150, seed=2)
    assert faults(path.read_bytes()) == []
