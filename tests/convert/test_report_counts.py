"""The conversion report counts what each format counts, once: rows, children or referrals in, Bundles out."""

from __future__ import annotations

from pathlib import Path

import pytest

from dastandard.convert.pipeline import convert
from dastandard.convert.report_render import report_to_text

ROOT = Path(__file__).resolve().parents[2] / "examples"


@pytest.mark.parametrize(
    ("source", "to", "line"),
    [
        ("cin-census/da-factors.xml", "ndjson", "2 children in, 2 case Bundles out"),
        ("police-csv/notification.csv", "ndjson", "6 rows in, 2 case Bundles out"),
        ("marac/referral.marac.json", "ndjson", "1 referral in, 1 case Bundle out"),
        ("marac/referral.marac.csv", "fhir-json", "1 referral in, 1 document out"),
        ("fhir/case-01-post-separation-contact.json", "police-csv", "1 document in, 8 rows out"),
    ],
)
def test_counts_say_what_they_count(source: str, to: str, line: str, tmp_path: Path) -> None:
    result = convert(ROOT / source, tmp_path / "out", to=to, allow_label_loss=True)
    assert result.ok, result.problems
    first = report_to_text(result.reports).splitlines()[0]
    assert f", {line}, " in first
    written = (tmp_path / "out").read_bytes()
    if to == "ndjson":
        assert written.count(b"\n") == result.reports[0].records_out
    if not source.startswith("fhir/"):  # an agency reader counts the source fields it mapped
        assert "source fields and codes: mapped" in report_to_text(result.reports)


def test_a_loss_line_names_the_field_as_well_as_the_resource(tmp_path: Path) -> None:
    result = convert(ROOT / "fhir/case-01-post-separation-contact.json", tmp_path / "out.csv", to="police-csv")
    lines = [line for line in report_to_text(result.reports).splitlines() if "not representable" in line]
    assert lines
    assert any("RelatedPerson/" in line and "RelatedPerson.active" in line for line in lines)
