"""The example plugin in examples/plugin/ installs through its entry point and passes dastandard.testing; a
deliberately lossy plugin fails it; reading problems of a logical record come all at once, located."""

from __future__ import annotations

import io
import sys
import tomllib
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any, ClassVar

import orjson
import pytest

from dastandard.convert import registry
from dastandard.convert.base import ConversionReport, Format, Loss
from dastandard.logical import LogicalRecordError, logical_to_bundle
from dastandard.testing import assert_conformant, check_format

ROOT = Path(__file__).resolve().parents[2]
PLUGIN = ROOT / "examples" / "plugin"
SAMPLE = PLUGIN / "sample.acme.jsonl"


@pytest.fixture
def installed_plugin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Format]:
    """The plugin installed as pip would (its source importable, a dist-info naming its entry points), offline."""
    project = tomllib.loads((PLUGIN / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    info = tmp_path / f"{project['name'].replace('-', '_')}-{project['version']}.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {project['name']}\nVersion: {project['version']}\n")
    groups = project["entry-points"]
    (info / "entry_points.txt").write_text(
        "".join(f"[{group}]\n" + "".join(f"{k} = {v}\n" for k, v in eps.items()) for group, eps in groups.items())
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.syspath_prepend(str(PLUGIN / "src"))
    registry._registry.cache_clear()
    try:
        yield registry.get_format("acme-cases")
    finally:
        registry._registry.cache_clear()
        sys.modules.pop("dastandard_acme.format", None)
        sys.modules.pop("dastandard_acme", None)


def test_the_plugin_is_found_through_its_entry_point(installed_plugin: Format) -> None:
    assert type(installed_plugin).__module__ == "dastandard_acme.format"
    assert "acme-cases" in registry.format_names()
    assert registry.detect_format(SAMPLE.read_bytes()[:65536], SAMPLE) == "acme-cases"


def test_the_example_plugin_passes_the_conformance_check(installed_plugin: Format) -> None:
    result = assert_conformant(installed_plugin, [SAMPLE])
    (read,) = (r for r in result.read_reports if r.source == SAMPLE.name)
    assert (read.records_in, read.records_out) == (2, 2)
    # The vendor field the standard has no place for is reported, not dropped.
    assert [(e.kind, e.source_field) for e in read.losses] == [(Loss.UNMAPPED_FIELD, "keyworker")]


def test_the_example_plugin_reports_what_it_cannot_write(installed_plugin: Format) -> None:
    rich = orjson.loads((ROOT / "examples" / "logical" / "separation-and-contact.expected.bundle.json").read_bytes())
    result = check_format(installed_plugin, [], bundles=[rich])
    assert result.ok, result.summary()
    lost = {e.source_field for r in result.write_reports for e in r.losses}
    assert {"incidents", "households", "persons", "persons.ethnicityDfe"} <= lost


class LossyFormat(Format):
    """Writes only the case reference and calls itself lossless; reads it back as a bare case."""

    name: ClassVar[str] = "lossy-example"
    description: ClassVar[str] = "drops almost everything and reports nothing"
    can_read: ClassVar[bool] = True
    can_write: ClassVar[bool] = True

    def read(self, source: IO[bytes], name: str, report: ConversionReport) -> Iterator[dict[str, Any]]:
        for raw in source:
            report.records_in += 1
            case = orjson.loads(raw)
            record = {
                "recordType": "dastandard-logical-record",
                "version": "0.1.0",
                "caseId": case["case"],
                "extractedAt": "2025-01-01T00:00:00Z",
                "security": {"confidentiality": "R", "labels": ["SDV"]},
            }
            report.records_out += 1
            yield logical_to_bundle(record)

    def write(self, bundles: Iterable[dict[str, Any]], target: IO[bytes], report: ConversionReport) -> None:
        for bundle in bundles:
            target.write(orjson.dumps({"case": bundle["identifier"]["value"]}) + b"\n")


def test_a_lossy_plugin_fails_the_conformance_check(tmp_path: Path) -> None:
    bundle = orjson.loads((ROOT / "examples" / "logical" / "separation-and-contact.expected.bundle.json").read_bytes())
    result = check_format(LossyFormat(), [], bundles=[bundle])
    assert not result.ok
    assert {p.check for p in result.problems} == {"round-trip"}
    assert any("persons.birthDate" in p.message for p in result.problems)
    with pytest.raises(AssertionError, match="lossy-example"):
        assert_conformant(LossyFormat(), [], bundles=[bundle])


def test_a_lossy_write_only_plugin_fails_the_conformance_check() -> None:
    class LossyWriter(LossyFormat):
        can_read: ClassVar[bool] = False

    bundle = orjson.loads((ROOT / "examples" / "logical" / "separation-and-contact.expected.bundle.json").read_bytes())
    result = check_format(LossyWriter(), [], bundles=[bundle])
    received = [p.message for p in result.problems if p.check == "received"]
    assert any(m.startswith("persons.birthDate ") for m in received)
    assert any(m.startswith("incidents.") for m in received)


def test_a_reader_that_miscounts_fails_the_check(tmp_path: Path) -> None:
    class Uncounted(LossyFormat):
        def read(self, source: IO[bytes], name: str, report: ConversionReport) -> Iterator[dict[str, Any]]:
            for bundle in super().read(source, name, report):
                report.records_out -= 1
                yield bundle

    sample = tmp_path / "one.jsonl"
    sample.write_text('{"case": "X-1"}\n')
    result = check_format(Uncounted(), [sample], validate_output=False)
    assert any(p.check == "read" and "records_out is 0" in p.message for p in result.problems)


def test_logical_record_errors_are_reported_all_at_once_with_lines() -> None:
    text = (ROOT / "examples" / "logical" / "separation-and-contact.logical.json").read_text(encoding="utf-8")
    record = orjson.loads(text)
    record["persons"][0]["birthDate"] = "14/03/1991"
    record["persons"][2]["sex"] = "X"
    del record["extractedAt"]
    with pytest.raises(LogicalRecordError) as caught:
        logical_to_bundle(record)
    paths = [p.path for p in caught.value.problems]
    assert len(paths) >= 3
    assert "$.persons[0].birthDate" in paths and "$.persons[2].sex" in paths
    assert "3 problems" in str(caught.value) or f"{len(paths)} problems" in str(caught.value)
    # Read through the logical format, each problem carries its line in the file.
    bad = orjson.dumps(record, option=orjson.OPT_INDENT_2)
    report = ConversionReport()
    assert list(registry.get_format("logical").read(io.BytesIO(bad), "bad.logical.json", report)) == []
    lines = bad.decode().splitlines()
    birth = next(e for e in report.losses if e.location == "$.persons[0].birthDate")
    line_no = int(birth.message.removeprefix("line ").split(",")[0])
    assert '"birthDate": "14/03/1991"' in lines[line_no - 1]
    assert len(report.losses) == len(paths)
