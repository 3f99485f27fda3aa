"""The CIN census format: reading the real sample returns, writing valid census XML, round trips, determinism."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import orjson
import pytest
from lxml import etree

from dastandard.convert.base import ConversionReport, Loss
from dastandard.convert.cin_census import NAME, CinCensusFormat, _KeyIds
from dastandard.generate import census_bundles, write_dataset
from dastandard.model.ids import code_system_url, profile_url, stable_id
from dastandard.model.urls import DATA_ABSENT_REASON as DAR

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared" / "reference" / "cin-census"
EXAMPLES = ROOT / "examples" / "cin-census"
SAMPLES = ["CIN_Census_2024.xml", "CIN_Census_2026.xml", "fake_CIN_data.xml"]

needs_shared = pytest.mark.skipif(not SHARED.is_dir(), reason="the CIN census reference files (../shared) are absent")


def read(data: bytes, name: str = "input.xml") -> tuple[list[dict[str, Any]], ConversionReport]:
    report = ConversionReport()
    bundles = list(CinCensusFormat().read(io.BytesIO(data), name, report))
    return bundles, report


def write(bundles: list[dict[str, Any]], cin_year: int = 2024) -> tuple[bytes, ConversionReport]:
    out = io.BytesIO()
    report = ConversionReport()
    CinCensusFormat(cin_year).write(bundles, out, report)
    return out.getvalue(), report


def sample(name: str) -> bytes:
    return (SHARED / name).read_bytes()


def only_label_losses(report: ConversionReport, bundles: int) -> bool:
    """The census cannot carry security labels: writing reports exactly one such loss per Bundle and no other."""
    labels = [e for e in report.losses if e.source_field == "security" and e.location.endswith(".meta.security")]
    return len(labels) == bundles and len(report.losses) == bundles


def resources(bundle: dict[str, Any]) -> list[dict[str, Any]]:
    return [e["resource"] for e in bundle["entry"]]


# ------------------------------------------------------------------ reading


@needs_shared
@pytest.mark.parametrize("name", SAMPLES)
def test_every_sample_reads_into_one_bundle_per_child(name: str) -> None:
    data = sample(name)
    bundles, report = read(data, name)
    assert len(bundles) == data.count(b"<Child>") == report.records_in
    for bundle in bundles:
        assert bundle["meta"]["profile"] == [profile_url("DACaseBundle")]
        labels = {(s["system"].rsplit("/", 1)[-1], s["code"]) for s in bundle["meta"]["security"]}
        assert {("v3-Confidentiality", "R"), ("v3-ActCode", "SDV")} <= labels
        full_urls = {e["fullUrl"] for e in bundle["entry"]}
        assert len(full_urls) == len(bundle["entry"])
        for res in resources(bundle):
            assert res["meta"]["profile"], res["resourceType"]
        refs = re.findall(rb'"reference":"([^"]+)"', orjson.dumps(bundle))
        assert {r.decode() for r in refs} <= full_urls, "every reference resolves inside the Bundle"
        prov = [r for r in resources(bundle) if r["resourceType"] == "Provenance"]
        assert len(prov) == 1
        entities = {e["what"]["identifier"]["value"] for e in prov[0]["entity"]}
        assert name in entities and any(v.startswith("/Message/Children/Child[") for v in entities)
        assert {a["type"]["coding"][0]["code"] for a in prov[0]["agent"]} == {"author", "assembler"}


@needs_shared
def test_deliberate_errors_in_the_samples_become_report_entries() -> None:
    _, report = read(sample("CIN_Census_2026.xml"), "CIN_Census_2026.xml")
    by_loc = {(e.kind, e.location): e for e in report.entries}
    child1 = "/Message/Children/Child[1]"
    assert (Loss.UNMAPPED_CODE, f"{child1}/ChildIdentifiers/Sex") in by_loc
    rb = by_loc[
        (Loss.UNMAPPED_CODE, f"{child1}/CINdetails/Assessments/FactorsIdentifiedAtAssessment/AssessmentFactors[2]")
    ]
    assert rb.code == "RB"
    assert (Loss.INVALID_INPUT, f"{child1}/ChildIdentifiers/UPNunknown") in by_loc  # stray text after it
    assert (Loss.UNMAPPED_FIELD, f"{child1}/CINdetails/PreProceedingsandFGDM/PPOutcome") in by_loc
    for e in report.entries:
        if e.kind is Loss.UNMAPPED_FIELD:
            assert e.message and "2026" not in e.message and e.code != "A"  # the value is never reported
    assert any(e.kind is Loss.MAPPED and e.location.endswith("/LAchildID") for e in report.entries)


@needs_shared
def test_gender_current_and_ethnicity_maps_report_lossy_codes() -> None:
    bundles, report = read(sample("fake_CIN_data.xml"))
    lossy = {(e.source_field, e.code) for e in report.entries if e.kind is Loss.LOSSY_CODE}
    assert ("GenderCurrent", "9") in lossy and ("GenderCurrent", "0") in lossy
    assert ("Ethnicity", "WIRT") in lossy and ("Ethnicity", "WROM") in lossy
    assert not any(code == "WBRI" for _, code in lossy)
    child = next(r for r in resources(bundles[0]) if r["resourceType"] == "Patient")
    sex = next(x for x in child["extension"] if x["url"].endswith("/person-sex"))
    codes = {(c["system"].rsplit("/", 1)[-1], c["code"]) for c in sex["valueCodeableConcept"]["coding"]}
    assert codes == {("sex", "M"), ("cin-gender-current", "1")}


def test_domestic_abuse_factors_name_the_victim_and_other_factors_are_kept() -> None:
    bundles, report = read((EXAMPLES / "da-factors.xml").read_bytes())
    first = resources(bundles[0])
    by_id = {r["id"]: r for r in first}
    child = next(r for r in first if r["resourceType"] == "Patient" and "identifier" in r)
    incidents = [r for r in first if profile_url("DAIncident") in r["meta"]["profile"]]
    factor_of = {
        c["code"]: r
        for r in first
        if r["resourceType"] == "Observation"
        for c in r["code"]["coding"]
        if c["system"] == code_system_url("cin-assessment-factor")
    }
    assert set(factor_of) == {"3A", "3B", "1B", "4B", "17A"}
    assert {next(c["code"] for c in r["code"]["coding"] if "cin-assessment" in c["system"]) for r in incidents} == {
        "3A",
        "3B",
    }

    def victim(obs: dict[str, Any]) -> dict[str, Any]:
        return by_id[party_person(obs)["reference"].removeprefix("urn:uuid:")]

    # the child is 7: a victim under s3, not a party (DA Act 2021 s1(2)(a)); the incident's victim is unnamed
    assert party_person(factor_of["3A"]) == {"extension": [{"url": DAR, "valueCode": "unknown"}]}
    (status,) = statuses(first)
    assert status["subject"]["reference"] == "urn:uuid:" + child["id"]
    assert status["focus"] == [{"reference": "urn:uuid:" + factor_of["3A"]["id"]}]
    assert status["valueCodeableConcept"]["coding"][0]["code"] == "s3-child-victim"
    assert status["effectiveDateTime"] == "2023-07-14"
    carer = victim(factor_of["3B"])
    assert carer is not child and "identifier" not in carer
    rel = next(r for r in first if r["resourceType"] == "RelatedPerson")
    assert rel["patient"]["reference"].endswith(child["id"])
    assert "parent or carer" in rel["relationship"][0]["text"]
    # 1B and 4B are the parent's or carer's factors; 17A is the child's.
    assert factor_of["1B"]["subject"]["reference"].endswith(carer["id"])
    assert factor_of["17A"]["subject"]["reference"].endswith(child["id"])
    assert factor_of["1B"]["valueCodeableConcept"]["coding"][0]["code"] == "alcohol-misuse"
    assessment = next(r for r in first if r["resourceType"] == "RiskAssessment" and "basis" in r)
    assert [b["reference"].removeprefix("urn:uuid:") for b in assessment["basis"]] == [
        factor_of[c]["id"] for c in ("3A", "3B", "1B", "4B", "17A")
    ]
    second = resources(bundles[1])
    household = [r for r in second if r["resourceType"] == "RelatedPerson"]
    assert len(household) == 1 and "household" in household[0]["relationship"][0]["text"]
    unborn = next(r for r in second if r["resourceType"] == "Patient" and "identifier" in r)
    assert any(x["url"].endswith("/unborn") and x["valueBoolean"] for x in unborn["extension"])
    assert not report.entries or all(e.kind is not Loss.UNMAPPED_CODE for e in report.entries)


def party_person(incident: dict[str, Any]) -> dict[str, Any]:
    """The ``person`` of an incident's first (victim) party."""
    party = incident["extension"][0]["extension"]
    person: dict[str, Any] = next(p["valueReference"] for p in party if p["url"] == "person")
    return person


def statuses(rs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [r for r in rs if profile_url("DAChildVictimStatus") in r["meta"]["profile"]]


def _first_child_born(birth: str | None) -> list[dict[str, Any]]:
    """The resources read from the first example Child with its birth date replaced (None: removed)."""
    data = (EXAMPLES / "da-factors.xml").read_text()
    line = "<PersonBirthDate>2016-02-11</PersonBirthDate>"
    data = data.replace(line, f"<PersonBirthDate>{birth}</PersonBirthDate>" if birth else "")
    bundles, _ = read(data.encode())
    return resources(bundles[0])


@pytest.mark.parametrize(
    ("birth", "is_party", "status"),
    [
        ("2007-07-14", True, "s1-direct-victim"),  # 16 on the day the assessment was authorised
        ("2007-07-15", False, "s3-child-victim"),  # 16 the day after
        (None, False, "s3-child-victim"),  # age unknown: the Act's default for a child
    ],
)
def test_factor_3a_makes_the_child_a_party_only_from_16(birth: str | None, is_party: bool, status: str) -> None:
    rs = _first_child_born(birth)
    child = next(r for r in rs if r["resourceType"] == "Patient" and "identifier" in r)
    incident = next(
        r for r in rs if r["resourceType"] == "Observation" and any(c["code"] == "3A" for c in r["code"]["coding"])
    )
    person = party_person(incident)
    assert (person.get("reference") == "urn:uuid:" + child["id"]) is is_party
    if not is_party:
        assert person == {"extension": [{"url": DAR, "valueCode": "unknown"}]}
    (found,) = statuses(rs)
    assert found["valueCodeableConcept"]["coding"][0]["code"] == status


def test_factor_3a_for_an_unborn_child_names_no_victim_and_no_status() -> None:
    data = (EXAMPLES / "da-factors.xml").read_text()
    data = data.replace(
        "<PersonBirthDate>2016-02-11</PersonBirthDate>", "<ExpectedPersonBirthDate>2023-09-01</ExpectedPersonBirthDate>"
    )
    bundles, _ = read(data.encode())
    rs = resources(bundles[0])
    incident = next(r for r in rs if r["resourceType"] == "Observation" and r["code"]["coding"][1]["code"] == "3A")
    assert party_person(incident) == {"extension": [{"url": DAR, "valueCode": "unknown"}]}
    assert statuses(rs) == []


def test_a_child_victim_status_read_from_3a_is_written_back_as_3a_without_loss() -> None:
    bundles, _ = read((EXAMPLES / "da-factors.xml").read_bytes())
    data, report = write(bundles)
    assert b"<AssessmentFactors>3A</AssessmentFactors>" in data
    assert not [e for e in report.entries if e.source_field == "Observation"]
    # a status that says more than the census can (how the child was affected) is reported, not dropped
    status = statuses(resources(bundles[0]))[0]
    status["component"][0]["valueCodeableConcept"] = {"text": "hears"}
    _, report = write(bundles)
    unmapped = [e.source_field for e in report.entries if e.kind is Loss.UNMAPPED_FIELD]
    assert [f for f in unmapped if f != "security"] == ["Observation"]


def test_golden_example_output_and_report() -> None:
    bundles, report = read((EXAMPLES / "da-factors.xml").read_bytes(), "da-factors.xml")
    expected = [orjson.loads(line) for line in (EXAMPLES / "da-factors.expected.ndjson").read_bytes().splitlines()]
    assert bundles == expected
    expected_report = orjson.loads((EXAMPLES / "da-factors.expected-report.json").read_bytes())
    got = report.to_dict()
    got["source"], got["from"] = expected_report["source"], expected_report["from"]
    got["to"], got["records_out"] = expected_report["to"], expected_report["records_out"]
    assert got == expected_report


@needs_shared
@pytest.mark.parametrize("name", SAMPLES)
def test_same_input_gives_byte_identical_output(name: str) -> None:
    one, _ = read(sample(name), name)
    two, _ = read(sample(name), name)
    assert orjson.dumps(one) == orjson.dumps(two)
    xml_one, _ = write(one)
    xml_two, _ = write(two)
    assert xml_one == xml_two


def test_doctype_is_refused_and_entities_are_never_expanded() -> None:
    data = b'<?xml version="1.0"?><!DOCTYPE Message [<!ENTITY x SYSTEM "file:///etc/passwd">]><Message><Children/></Message>'
    bundles, report = read(data)
    assert bundles == []
    assert report.entries[0].kind is Loss.INVALID_INPUT and "DOCTYPE" in report.entries[0].message


def test_malformed_xml_is_a_report_entry_not_an_exception() -> None:
    data = (EXAMPLES / "da-factors.xml").read_bytes()
    cut = data[: data.index(b"EX0002")]
    bundles, report = read(cut)
    assert len(bundles) == 1
    assert report.entries[-1].kind is not Loss.MAPPED or any("not well-formed" in e.message for e in report.entries)
    assert any("not well-formed" in e.message and e.location.startswith("line ") for e in report.entries)


def test_reader_streams_and_frees_each_child() -> None:
    one_child = (EXAMPLES / "da-factors.xml").read_bytes()
    body = one_child[one_child.index(b"<Child>") : one_child.index(b"</Child>") + len(b"</Child>")]
    head = one_child[: one_child.index(b"<Children>") + len(b"<Children>")]
    seen_parents: list[int] = []

    class Spy(io.BytesIO):
        pass

    data = head + body * 300 + b"</Children></Message>"
    report = ConversionReport()
    for bundle in CinCensusFormat().read(Spy(data), "big.xml", report):
        seen_parents.append(len(bundle["entry"]))
    assert len(seen_parents) == 300 == report.records_in
    dupes = [e for e in report.entries if e.message.startswith("more than one Child")]
    assert len(dupes) == 299  # the repeated LAchildID is reported, each record still converted


# ------------------------------------------------------------------ writing


def xsd() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(SHARED / "CIN_schema_2024.xsd")))


def xsd_with_sex(tmp_path: Path) -> etree.XMLSchema:
    """The 2024 schema with the 2024-25 change applied: Sex (M/F/U) in place of GenderCurrent."""
    text = (SHARED / "CIN_schema_2024.xsd").read_text()
    text = text.replace('name="GenderCurrent" type="gendertype"', 'name="Sex" type="sextype"')
    text = text.replace(
        '<xs:simpleType name="gendertype">',
        '<xs:simpleType name="sextype"><xs:restriction base="xs:string"><xs:enumeration value="M"/>'
        '<xs:enumeration value="F"/><xs:enumeration value="U"/></xs:restriction></xs:simpleType>'
        '<xs:simpleType name="gendertype">',
    )
    path = tmp_path / "schema.xsd"
    path.write_text(text)
    return etree.XMLSchema(etree.parse(str(path)))


@needs_shared
def test_written_returns_validate_against_the_census_schema(tmp_path: Path) -> None:
    for name in ("fake_CIN_data.xml",):
        bundles, _ = read(sample(name))
        out, report = write(bundles, cin_year=2023)
        schema = xsd()
        assert schema.validate(etree.fromstring(out)), schema.error_log
        assert only_label_losses(report, len(bundles)) and report.records_out == len(bundles)
        out24, _ = write(bundles, cin_year=2024)
        schema24 = xsd_with_sex(tmp_path)
        assert schema24.validate(etree.fromstring(out24)), schema24.error_log
    bundles, _ = read((EXAMPLES / "da-factors.xml").read_bytes())
    out, report = write(bundles, cin_year=2023)
    assert xsd().validate(etree.fromstring(out)), xsd().error_log
    assert only_label_losses(report, len(bundles))


@needs_shared
def test_generated_returns_validate_against_the_census_schema(tmp_path: Path) -> None:
    path = tmp_path / "generated.xml"
    write_dataset(path, "cin-census", count=150, seed=9)
    schema = xsd_with_sex(tmp_path)
    assert schema.validate(etree.parse(str(path))), schema.error_log
    data = path.read_bytes()
    for tag in (b"<Assessments>", b"<Section47>", b"<ChildProtectionPlans>", b"<CINPlanDates>", b"<CPPreviewDate>"):
        assert tag in data


def test_key_ids_are_stable_ids() -> None:
    key = (NAME, "999", "LA0020000001", "1")
    ids = _KeyIds(key)
    for parts in (("child",), ("episode", 2, "assessment", 1, "factor", 3), ("placeholder", "parent-or-carer")):
        assert ids(*parts) == stable_id(*key, *parts)


def test_generated_bundles_are_what_reading_gives(tmp_path: Path) -> None:
    path = tmp_path / "generated.xml"
    write_dataset(path, "cin-census", count=60, seed=4)
    bundles, report = read(path.read_bytes(), path.name)
    assert report.lossless
    assert bundles == list(census_bundles(60, seed=4, source_file=path.name))
    out, write_report = write(bundles)
    assert out == path.read_bytes() and only_label_losses(write_report, len(bundles))


def test_generated_returns_convert_the_same_with_one_job_or_two(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from dastandard.cli import cli

    src = tmp_path / "in"
    for seed in (1, 2, 3):
        write_dataset(src / f"return-{seed}.xml", "cin-census", count=40, seed=seed)
    outputs = []
    for jobs in ("1", "2"):
        dst = tmp_path / f"out-{jobs}"
        args = ["convert", str(src), "--from", "cin-census", "--to", "ndjson", "-o", str(dst), "--jobs", jobs]
        assert CliRunner().invoke(cli, args).exit_code == 0
        outputs.append({p.name: p.read_bytes() for p in sorted(dst.glob("*.ndjson"))})
    assert len(outputs[0]) == 3 and outputs[0] == outputs[1]
    for name, data in outputs[0].items():
        seed = int(name.removeprefix("return-").removesuffix(".ndjson"))
        expected = census_bundles(40, seed=seed, source_file=f"return-{seed}.xml")
        assert [orjson.loads(line) for line in data.splitlines()] == list(expected)


def test_writer_reports_what_the_census_cannot_hold() -> None:
    bundles, _ = read((EXAMPLES / "da-factors.xml").read_bytes())
    extra = {"resourceType": "Communication", "id": "x1", "meta": {"profile": [profile_url("DADisclosure")]}}
    bundles[0]["entry"].append({"fullUrl": "urn:uuid:x1", "resource": extra})
    bundles.append({"resourceType": "Bundle", "type": "collection", "entry": []})
    _, report = write(bundles)
    kinds = [(e.kind, e.source_field) for e in report.losses]
    assert (Loss.UNMAPPED_FIELD, "Communication") in kinds
    assert (Loss.INVALID_INPUT, "Patient") in kinds
    assert report.records_out == 2


def normalise_child(child: etree._Element) -> Any:
    """A comparable form of one Child: whitespace and stray text dropped, empty containers dropped, yes/no
    values lower-cased true/false, elements outside the 2024 schema (PreProceedingsandFGDM) dropped."""

    def norm(el: etree._Element) -> Any:
        if el.tag == "PreProceedingsandFGDM":
            return None
        if len(el):
            kids = [k for k in (norm(c) for c in el if isinstance(c.tag, str)) if k is not None]
            return (el.tag, tuple(kids)) if kids else None
        text = (el.text or "").strip()
        if el.tag in ("ReferralNFA", "ICPCnotRequired"):
            text = {"1": "true", "0": "false"}.get(text, text.lower())
        return (
            (el.tag, text)
            if text or el.tag not in ("FactorsIdentifiedAtAssessment", "Reviews", "Disabilities")
            else None
        )

    return norm(child)


@needs_shared
@pytest.mark.parametrize("name", SAMPLES)
def test_round_trip_preserves_every_census_field(name: str) -> None:
    data = sample(name)
    bundles, _ = read(data, name)
    year = 2023 if b"<GenderCurrent>" in data else 2024
    out, report = write(bundles, cin_year=year)
    src_children = etree.fromstring(data).findall("Children/Child")
    out_root = etree.fromstring(out)
    out_children = out_root.findall("Children/Child")
    assert len(src_children) == len(out_children)
    for before, after in zip(src_children, out_children, strict=True):
        assert normalise_child(before) == normalise_child(after)
    src_header = etree.fromstring(data).find("Header")
    assert src_header is not None
    assert etree.tostring(src_header, method="c14n").replace(b" ", b"").replace(b"\n", b"") == etree.tostring(
        out_root.find("Header"), method="c14n"
    ).replace(b" ", b"").replace(b"\n", b"")
    assert only_label_losses(report, len(bundles))


def test_sniff() -> None:
    fmt = CinCensusFormat()
    assert fmt.sniff((EXAMPLES / "da-factors.xml").read_bytes()[:4096], None)
    assert not fmt.sniff(b'<Bundle xmlns="http://hl7.org/fhir">', None)
    assert not fmt.sniff(b'{"resourceType": "Bundle"}', None)


# ------------------------------------------------------------------ one writer, one reader


def test_the_reader_writes_no_fhir_of_its_own() -> None:
    """The census reader gives domain terms; every resource shape comes from the logical record's one writer."""
    package = ROOT / "dastandard" / "convert" / "cin_census"
    for module in ("reader.py", "xml_walk.py", "vocabulary.py"):
        text = (package / module).read_text()
        for shape in ('"resourceType"', '"fullUrl"', '"valueCodeableConcept"', '"valueReference"', '"coding"'):
            assert shape not in text, f"{module} writes FHIR ({shape})"
    assert "logical_to_bundle" in (package / "reader.py").read_text()
    writer = (package / "writer.py").read_text()
    assert "bundle_to_logical" in writer
    for shape in ('"extension"', '"valueCodeableConcept"', '"coding"', '"identifier"'):  # entries only located
        assert shape not in writer, f"the writer parses FHIR itself ({shape})"


def test_golden_bundles_go_to_census_xml_and_back_unchanged() -> None:
    """Bundle -> CIN XML -> Bundle on the golden output: everything the census holds comes back as it was, and
    the only losses on the way are the security labels the census cannot carry (reported, never silent)."""
    golden = [orjson.loads(line) for line in (EXAMPLES / "da-factors.expected.ndjson").read_bytes().splitlines()]
    data, write_report = write(golden, cin_year=2023)  # the example return records GenderCurrent
    assert only_label_losses(write_report, len(golden)) and write_report.records_out == len(golden)
    labels = [e for e in write_report.losses if e.source_field == "security"]
    assert all("R" in e.message and "SDV" in e.message for e in labels)
    back, read_report = read(data, "da-factors.xml")
    assert back == golden
    _, original = read((EXAMPLES / "da-factors.xml").read_bytes(), "da-factors.xml")
    assert read_report.losses == original.losses


def test_wrong_fhir_is_a_located_invalid_input_entry_never_an_exception() -> None:
    golden = [orjson.loads(line) for line in (EXAMPLES / "da-factors.expected.ndjson").read_bytes().splitlines()]
    broken = orjson.loads(orjson.dumps(golden[0]))
    broken["entry"][1]["resource"]["birthDate"] = 20160211  # not a date
    broken["entry"][2]["resource"]["period"] = "2023"  # not a Period
    out, report = write([broken, "not a bundle", {"resourceType": "Patient"}, golden[1]])  # type: ignore[list-item]
    assert report.records_out == 2
    located = {(e.kind, e.location) for e in report.losses}
    assert (Loss.INVALID_INPUT, "Bundle[2]") in located and (Loss.INVALID_INPUT, "Bundle[3]") in located
    label = f"Bundle[1](id {broken['id']})"
    assert (Loss.UNMAPPED_FIELD, f"{label}.entry[1].resource.birthDate") in located
    assert (Loss.UNMAPPED_FIELD, f"{label}.entry[2].resource.period") in located
    assert b"<LAchildID>EX0001</LAchildID>" in out and b"<LAchildID>EX0002</LAchildID>" in out
