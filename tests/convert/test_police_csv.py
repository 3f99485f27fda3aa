"""Police domestic abuse notification CSV: golden files, round trip, encodings, bad input, formula safety."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dastandard.convert import _csv, _spec, _values
from dastandard.convert.base import ConversionReport, Loss
from dastandard.convert.police import PoliceCsvFormat, columns
from dastandard.textsafety import neutralise_bidi

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "police-csv"
HEADER = [c.name for c in columns()]


def read(data: bytes, name: str = "test.csv") -> tuple[list[dict[str, Any]], ConversionReport]:
    report = ConversionReport()
    bundles = list(PoliceCsvFormat().read(io.BytesIO(data), name, report))
    return bundles, report


def write(bundles: list[dict[str, Any]]) -> tuple[bytes, ConversionReport]:
    report = ConversionReport()
    out = io.BytesIO()
    PoliceCsvFormat().write(bundles, out, report)
    return out.getvalue(), report


def rows_of(data: bytes) -> list[dict[str, str]]:
    text = data.decode("utf-8-sig")
    return [dict(r) for r in csv.DictReader(io.StringIO(text, newline=""))]


def make_csv(rows: list[dict[str, str]], header: list[str] | None = None) -> bytes:
    """CSV in the canonical form the writer produces (formula cells escaped)."""
    header = header or HEADER
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([_csv.escape_cell(row.get(h, "")) for h in header])
    return out.getvalue().encode("utf-8")


def base_row(**overrides: str) -> dict[str, str]:
    row = {
        "incident_ref": "INC-1",
        "incident_datetime": "2024-06-01T22:10",
        "notification_datetime": "2024-06-02T09:00",
        "force_code": "99",
        "force_name": "Exampleshire Police",
        "abuse_kinds": "PHY",
        "behaviour": "Shouting and a push.",
        "consent_to_share": "Y",
        "shared_with": "Exampleshire MASH",
        "shared_with_type": "CSC",
        "party_id": "P1",
        "role": "V",
        "surname": "Sample",
        "forenames": "Ann",
        "dob": "1991-01-01",
        "sex": "F",
    }
    row.update(overrides)
    return row


def locations(report: ConversionReport, kind: Loss) -> list[str]:
    return [e.location for e in report.entries if e.kind is kind]


# ------------------------------------------------------------------------------------------------ golden files


def test_example_matches_golden_bundles() -> None:
    bundles, report = read((EXAMPLES / "notification.csv").read_bytes(), "notification.csv")
    expected = [
        json.loads(line)
        for line in (EXAMPLES / "notification.expected.ndjson").read_text(encoding="utf-8").splitlines()
    ]
    assert bundles == expected
    assert report.lossless, report.losses
    assert report.records_in == 6
    assert report.records_out == 2


def test_example_round_trips_to_the_same_rows() -> None:
    source = (EXAMPLES / "notification.csv").read_bytes()
    bundles, _ = read(source)
    written, report = write(bundles)
    assert report.lossless, report.losses
    assert rows_of(written) == rows_of(source)


def test_output_is_deterministic_and_well_formed() -> None:
    source = (EXAMPLES / "notification.csv").read_bytes()
    first, _ = read(source)
    second, _ = read(source)
    assert first == second
    for bundle in first:
        assert bundle["type"] == "collection"
        codes = {s["code"] for s in bundle["meta"]["security"]}
        assert {"R", "SDV"} <= codes
        full_urls = {e["fullUrl"] for e in bundle["entry"]}
        assert len(full_urls) == len(bundle["entry"])
        for item in bundle["entry"]:
            assert item["resource"]["meta"]["profile"], item["resource"]["resourceType"]
        text = json.dumps(bundle)
        for ref in _references(bundle):
            assert ref in full_urls, ref
        assert "Provenance" in text


def _references(node: Any) -> list[str]:
    found: list[str] = []
    if isinstance(node, dict):
        ref = node.get("reference")
        if isinstance(ref, str):
            found.append(ref)
        for value in node.values():
            found.extend(_references(value))
    elif isinstance(node, list):
        for value in node:
            found.extend(_references(value))
    return found


# ------------------------------------------------------------------------------------------------ encodings


@pytest.mark.parametrize(
    ("encoding", "prefix", "expected"),
    [("utf-8", b"", "utf-8"), ("utf-8", b"\xef\xbb\xbf", "utf-8-sig"), ("cp1252", b"", "cp1252")],
)
def test_encodings_are_detected_and_recorded(encoding: str, prefix: bytes, expected: str) -> None:
    data = prefix + make_csv([base_row(surname="Zoë-Brontë", behaviour="Said “get out” – twice.")]).decode().encode(
        encoding
    )
    bundles, report = read(data)
    person = next(e["resource"] for e in bundles[0]["entry"] if e["resource"]["resourceType"] == "Patient")
    assert person["name"][0]["family"] == "Zoë-Brontë"
    assert [e.code for e in report.entries if e.source_field == "(encoding)"] == [expected]


# ------------------------------------------------------------------------------------------------ bad input


def test_bad_rows_are_reported_with_row_and_column_never_raised() -> None:
    header = [*HEADER, "officer_shoe_size"]
    good = base_row()
    bad_date = base_row(party_id="P2", role="P", dob="31/02/1990")
    bad_code = base_row(party_id="P3", role="X", sex="Q")
    data = make_csv([good, bad_date, bad_code], header)
    data += b"INC-1,too,few,cells\r\n"
    bundles, report = read(data)
    assert len(bundles) == 1
    assert f"column {len(HEADER) + 1}" in locations(report, Loss.UNMAPPED_FIELD)
    invalid = locations(report, Loss.INVALID_INPUT)
    assert 'row 3, column "dob"' in invalid
    assert "row 5" in invalid
    unmapped = {(e.location, e.code) for e in report.entries if e.kind is Loss.UNMAPPED_CODE}
    assert ('row 4, column "role"', "X") in unmapped
    assert ('row 4, column "sex"', "Q") in unmapped
    assert report.records_in == 4


def test_missing_required_columns_and_values_are_reported() -> None:
    header = [h for h in HEADER if h != "behaviour"]
    bundles, report = read(make_csv([base_row(abuse_kinds="")], header))
    invalid = locations(report, Loss.INVALID_INPUT)
    assert "header" in invalid
    assert 'row 2, column "abuse_kinds"' in invalid
    assert len(bundles) == 1


def test_a_blank_required_value_is_reported_as_missing() -> None:
    _, report = read(make_csv([base_row(behaviour=" \t ")]))
    assert 'row 2, column "behaviour"' in locations(report, Loss.INVALID_INPUT)


def test_conflicting_incident_values_and_split_incidents_are_reported() -> None:
    rows = [
        base_row(),
        base_row(party_id="P2", role="P", behaviour="A different account."),
        base_row(incident_ref="INC-2", party_id="P5"),
        base_row(party_id="P3", role="W"),
    ]
    bundles, report = read(make_csv(rows))
    assert len(bundles) == 3
    invalid = locations(report, Loss.INVALID_INPUT)
    assert 'row 3, column "behaviour"' in invalid
    assert 'row 5, column "incident_ref"' in invalid


def test_child_without_presence_and_lossy_ethnicity_are_reported() -> None:
    rows = [base_row(), base_row(party_id="C1", role="C", dob="2016-01-01", ethnicity_self="W3")]
    _, report = read(make_csv(rows))
    assert 'row 3, column "child_present"' in locations(report, Loss.INVALID_INPUT)
    assert [e.code for e in report.entries if e.kind is Loss.LOSSY_CODE] == ["W3"]


# ------------------------------------------------------------------------------------------------ formula safety


def test_writer_neutralises_formula_cells_and_reads_them_back() -> None:
    behaviour = '=HYPERLINK("http://example.invalid","click")'
    bundles, _ = read(make_csv([base_row(behaviour=behaviour, surname="@Sample", forenames="+Ann")]))
    written, _ = write(bundles)
    row = rows_of(written)[0]
    assert row["behaviour"] == "'" + behaviour
    assert row["surname"] == "'@Sample"
    again, _ = read(written)
    obs = next(e["resource"] for e in again[0]["entry"] if e["resource"]["resourceType"] == "Observation")
    assert obs["valueString"] == behaviour


@given(st.text())
def test_escaped_cells_never_start_a_formula_and_unescape_exactly(value: str) -> None:
    escaped = _csv.escape_cell(value)
    assert not escaped.startswith(_csv.FORMULA_TRIGGERS)
    assert _csv.unescape_cell(escaped) == value


@given(st.lists(st.text(), min_size=1, max_size=5))
def test_written_csv_has_no_formula_cells(cells: list[str]) -> None:
    out = io.BytesIO()
    _csv.write_csv(out, ["a"] * len(cells), [cells])
    parsed = list(csv.reader(io.StringIO(out.getvalue().decode("utf-8"), newline="")))
    for cell in parsed[1]:
        assert not cell.startswith(_csv.FORMULA_TRIGGERS)
    # a bidirectional control is written as its visible marker (textsafety), everything else exactly
    assert [_csv.unescape_cell(c) for c in parsed[1]] == [neutralise_bidi(c) for c in cells]


# ------------------------------------------------------------------------------------------------ property: round trip


def _round_trippable(map_id: str) -> list[str]:
    codes = _spec.code_map(map_id)
    out = []
    for code, targets in codes.forward.items():
        target = targets[0]
        back = codes.source_for(target.system, target.code)
        if back is not None and back.source == code and not target.depends:
            out.append(code)
    return out


# Free text with something in it: a blank value in a required column is reported, which is tested on its own.
_text = st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=40).filter(str.strip)
_word = st.text(st.characters(whitelist_categories=("Lu", "Ll"), max_codepoint=0x24F), min_size=1, max_size=12)
_token = st.text(st.characters(whitelist_categories=("Lu", "Nd")), min_size=1, max_size=10)
_name = st.lists(_word, min_size=1, max_size=3).map(" ".join)
_date = st.dates(min_value=__import__("datetime").date(1930, 1, 1)).map(lambda d: d.isoformat())
_yn = st.sampled_from(["", "Y", "N"])


def _local_datetime() -> st.SearchStrategy[str]:
    return (
        st.datetimes(min_value=__import__("datetime").datetime(2000, 1, 1))
        .map(lambda d: d.strftime("%Y-%m-%dT%H:%M"))
        .filter(lambda s: _values.parse_local_datetime(s) is not None)
    )


def _codes(map_id: str, many: bool = False) -> st.SearchStrategy[str]:
    choices = _round_trippable(map_id)
    if many:
        return st.lists(st.sampled_from(choices), min_size=1, max_size=3, unique=True).map(";".join)
    return st.sampled_from(choices)


@st.composite
def incidents(draw: st.DrawFn) -> list[dict[str, str]]:
    has_risk = draw(st.booleans())
    consent = draw(st.sampled_from(["Y", "N"]))
    incident = {
        "incident_ref": draw(_token),
        "incident_datetime": draw(_local_datetime()),
        "notification_datetime": draw(_local_datetime()),
        "force_code": draw(_token),
        "force_name": draw(st.sampled_from(["", "Exampleshire Police"])),
        "force_contact": draw(st.sampled_from(["", "ppu@example.invalid"])),
        "crime_ref": draw(st.sampled_from(["", "CR-1"])),
        "abuse_kinds": draw(_codes("police-abuse-kind", many=True)),
        "behaviour": draw(_text),
        "weapon_used": draw(_yn),
        "strangulation": draw(_yn),
        "arrest": draw(st.sampled_from(["", "Y", "N"])),
        "consent_to_share": consent,
        "no_consent_basis": "" if consent == "Y" else draw(st.sampled_from(["RISK", "DUTY"])),
        "shared_with": draw(_word),
        "shared_with_type": draw(_codes("police-agency-type")),
    }
    if incident["arrest"] == "N":
        incident["no_arrest_reason"] = draw(_text)
    if has_risk:
        incident["risk_tool"] = draw(_codes("police-risk-tool"))
        answers = draw(st.lists(st.sampled_from(["", "Y", "N", "NK", "NA"]), min_size=27, max_size=27))
        for n, answer in enumerate(answers, start=1):
            incident[f"risk_q{n:02d}"] = answer
        incident["risk_score"] = str(answers.count("Y"))
        incident["risk_level"] = draw(_codes("police-risk-level"))
    ids = draw(st.lists(_token, min_size=1, max_size=4, unique=True))
    rows = []
    for index, party in enumerate(ids):
        role = draw(st.sampled_from(["V", "P", "W", "O", "C"]))
        row = dict(incident)
        row.update(
            {
                "party_id": party,
                "role": role,
                "surname": draw(st.sampled_from(["", "Sample"])) or draw(_word),
                "forenames": draw(_name),
                "dob": draw(st.one_of(st.just(""), _date)),
                "sex": draw(st.sampled_from(["", "M", "F"])),
                "ethnicity_self": draw(st.one_of(st.just(""), _codes("police-ethnicity-self"))),
                "ethnicity_officer": draw(st.sampled_from(["", "IC1", "IC3"])),
                "injured": draw(_yn),
            }
        )
        if role == "C":
            row["child_present"] = draw(st.sampled_from(["Y", "N"]))
            row["child_witnessed"] = draw(st.one_of(st.just(""), _codes("police-child-exposure", many=True)))
            row["school_name"] = draw(st.sampled_from(["", "Example Primary School"]))
            row["school_urn"] = draw(st.sampled_from(["", "100001"])) if row["school_name"] else ""
            row["child_s3_status"] = draw(st.sampled_from(["", "V", "N"]))
            row["child_s3_reason"] = draw(_text) if row["child_s3_status"] == "N" else ""
        others = ids[:index]
        if others:
            pairs = draw(st.lists(st.sampled_from(others), max_size=2, unique=True))
            row["relationships"] = ";".join(f"{p}:{draw(_codes('police-relationship'))}" for p in pairs)
        rows.append(row)
    return rows


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(incidents())
def test_random_police_rows_round_trip_through_the_standard(rows: list[dict[str, str]]) -> None:
    source = make_csv(rows)
    bundles, report = read(source)
    assert report.lossless, report.losses
    written, back = write(bundles)
    assert back.lossless, back.losses
    assert rows_of(written) == rows_of(source)


# ------------------------------------------------------------------------------------------------ code maps


def _codes_of(concepts: list[dict[str, Any]]) -> set[str]:
    out: set[str] = set()
    for concept in concepts:
        out.add(concept["code"])
        out |= _codes_of(concept.get("concept", []))
    return out


@pytest.mark.parametrize(
    "path",
    sorted(
        p.name
        for p in (EXAMPLES.parents[1] / "profiles" / "ConceptMap").glob("*.json")
        if p.name.startswith(("police-", "marac-"))
    ),
)
def test_concept_map_targets_exist_in_the_shipped_code_systems(path: str) -> None:
    from dastandard.standard import standard

    concept_map = json.loads((EXAMPLES.parents[1] / "profiles" / "ConceptMap" / path).read_text(encoding="utf-8"))
    assert concept_map["url"] == standard().url("ConceptMap", concept_map["id"])
    for group in concept_map["group"]:
        system = standard().get(group["target"])
        assert system is not None, group["target"]
        known = _codes_of(system.resource.get("concept", []))
        for element in group["element"]:
            for target in element["target"]:
                assert target["code"] in known, (element["code"], target["code"])


def test_output_passes_structure_and_profile_validation(tmp_path: Path) -> None:
    import subprocess
    import sys

    bundles, _ = read((EXAMPLES / "notification.csv").read_bytes())
    files = []
    for index, bundle in enumerate(bundles):
        path = tmp_path / f"bundle-{index}.json"
        path.write_text(json.dumps(bundle), encoding="utf-8")
        files.append(str(path))
    result = subprocess.run(
        [sys.executable, "-c", "from dastandard.cli import main; main()", "validate", *files],
        capture_output=True,
        text=True,
        check=False,
    )
    structural = [
        line
        for line in result.stdout.splitlines()
        if " error DA0" in line or " error DA1" in line or " error DA2" in line
    ]
    assert structural == [], structural


# ------------------------------------------------------------------------------------------------ child s3 status


def _child_rows(**child: str) -> list[dict[str, str]]:
    return [
        base_row(),
        base_row(party_id="P2", role="P", surname="Testperson", forenames="Dan", dob="1988-01-01", sex="M"),
        base_row(
            party_id="P3",
            role="C",
            forenames="Mia",
            dob="2015-07-21",
            sex="F",
            child_present="Y",
            relationships="P1:CHILD;P2:CHILD",
            **child,
        ),
    ]


def _statuses(bundle: dict[str, Any]) -> list[dict[str, Any]]:
    from dastandard.logical import bundle_to_logical

    return list(bundle_to_logical(bundle, ConversionReport()).get("childVictimStatuses", []))


def test_child_s3_status_v_becomes_an_s3_status_with_basis_and_relatedness() -> None:
    bundles, report = read(make_csv(_child_rows(child_witnessed="S;H", child_s3_status="V")))
    assert report.lossless, report.losses
    (status,) = _statuses(bundles[0])
    code = status["victimStatus"]
    assert (code if isinstance(code, str) else code["code"]) == "s3-child-victim"
    assert sorted(b if isinstance(b, str) else b["code"] for b in status["basis"]) == ["hears", "sees"]
    assert [r if isinstance(r, str) else r["code"] for r in status["relatedTo"]] == ["parent-of-child"]
    assert len(status["incidents"]) == 1


def test_child_s3_status_n_needs_a_reason() -> None:
    bundles, report = read(make_csv(_child_rows(child_s3_status="N")))
    assert _statuses(bundles[0]) == []
    assert locations(report, Loss.INVALID_INPUT) == ['row 4, column "child_s3_reason"']
    bundles, report = read(make_csv(_child_rows(child_s3_status="N", child_s3_reason="Lives with her aunt")))
    assert report.lossless, report.losses
    assert [s["notVictimReason"] for s in _statuses(bundles[0])] == ["Lives with her aunt"]


def test_child_s3_status_on_an_adult_or_unknown_code_is_reported_not_guessed() -> None:
    rows = _child_rows(child_s3_status="X")
    rows[0]["child_s3_status"] = "V"
    bundles, report = read(make_csv(rows))
    assert _statuses(bundles[0]) == []
    assert locations(report, Loss.INVALID_INPUT) == ['row 2, column "child_s3_status"']
    assert locations(report, Loss.UNMAPPED_CODE) == ['row 4, column "child_s3_status"']


def test_a_file_without_the_s3_columns_still_reads() -> None:
    header = [h for h in HEADER if not h.startswith("child_s3_")]
    bundles, report = read(make_csv(_child_rows(), header))
    assert report.lossless, report.losses
    assert _statuses(bundles[0]) == []


def test_child_s3_status_round_trips_and_a_direct_victim_status_is_reported() -> None:
    source = make_csv(_child_rows(child_witnessed="H", child_s3_status="V"))
    bundles, _ = read(source)
    written, back = write(bundles)
    assert back.lossless, back.losses
    assert rows_of(written) == rows_of(source)
    for entry in bundles[0]["entry"]:
        for coding in entry["resource"].get("valueCodeableConcept", {}).get("coding", []):
            if coding.get("code") == "s3-child-victim":
                coding["code"] = "s1-direct-victim"
    written, back = write(bundles)
    assert [e.code for e in back.entries if e.kind is Loss.UNMAPPED_CODE] == ["s1-direct-victim"]
    assert rows_of(written)[2]["child_s3_status"] == ""
