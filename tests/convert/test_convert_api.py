"""``dastandard.convert``: the library behind ``dastandard convert`` (statuses, atomic outputs, strict, folders)."""

from __future__ import annotations

import contextlib
import shutil
from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest

import dastandard
from dastandard import errors
from dastandard.convert import pipeline
from dastandard.convert.pipeline import Tick

ROOT = Path(__file__).resolve().parents[2]
CIN = ROOT / "examples" / "cin-census" / "da-factors.xml"  # converts to FHIR with losses (the census is wider)
BUNDLE = ROOT / "examples" / "fhir-formats" / "separation-and-contact.bundle.json"


def test_convert_is_public_beside_validate() -> None:
    assert "convert" in dastandard.__all__ and "validate" in dastandard.__all__
    assert dastandard.convert is pipeline.convert  # not the conversion package of the same name
    assert "FatalError" in (pipeline.__doc__ or "") and dastandard.convert.__doc__


def test_a_file_converts_and_the_result_says_so(tmp_path: Path) -> None:
    out = tmp_path / "out.xml"
    result = dastandard.convert(BUNDLE, out, to="fhir-xml", jobs=1)
    assert result.ok and result.status == errors.OK and result.problems == []
    assert result.outputs == [out] and out.read_bytes().startswith(b"<")
    assert [r.source_format for r in result.reports] == ["fhir-json"]
    back = dastandard.convert(out, tmp_path / "back.json", to="fhir-json", jobs=1)
    assert back.ok
    assert orjson.loads((tmp_path / "back.json").read_bytes()) == orjson.loads(BUNDLE.read_bytes())


def test_strict_and_lossy_is_a_status_and_nothing_is_written(tmp_path: Path) -> None:
    out = tmp_path / "out.ndjson"
    result = dastandard.convert(CIN, out, to="ndjson", strict=True, jobs=1)
    assert result.status == errors.CONVERSION_LOSSY_STRICT and not result.ok
    assert result.outputs == [] and not out.exists()
    assert "--strict" in result.problems[0]
    assert list(tmp_path.iterdir()) == []  # no temporary file left


def test_an_undetectable_input_is_a_status_not_an_exception(tmp_path: Path) -> None:
    source = tmp_path / "notes.txt"
    source.write_text("nothing a format claims\n", encoding="utf-8")
    result = dastandard.convert(source, tmp_path / "out.ndjson", to="ndjson", jobs=1)
    assert result.status == errors.UNKNOWN_FORMAT
    assert "cannot tell the format" in result.problems[0]
    assert not (tmp_path / "out.ndjson").exists()


@pytest.mark.parametrize(
    ("kwargs", "status"),
    [
        ({"to": "no-such-format"}, errors.UNKNOWN_FORMAT),
        ({"to": "ndjson", "source": "missing.json"}, errors.INPUT_UNREADABLE),
    ],
)
def test_problems_before_any_conversion_raise_fatal_error(kwargs: dict[str, str], status: int, tmp_path: Path) -> None:
    source = tmp_path / kwargs.pop("source", "in.json")
    if source.name == "in.json":
        shutil.copy(BUNDLE, source)
    with pytest.raises(errors.FatalError) as caught:
        dastandard.convert(source, tmp_path / "out", jobs=1, **kwargs)
    assert caught.value.status == status


def test_a_folder_converts_file_by_file_in_worker_processes(tmp_path: Path) -> None:
    source = tmp_path / "in"
    (source / "sub").mkdir(parents=True)
    shutil.copy(BUNDLE, source / "a.json")
    shutil.copy(BUNDLE, source / "sub" / "b.json")
    ticks: list[str] = []

    @contextlib.contextmanager
    def progress(total: int | None, label: str) -> Iterator[Tick | None]:
        ticks.append(f"{total} {label}")
        yield lambda: ticks.append("tick")

    result = dastandard.convert(source, tmp_path / "out", to="fhir-xml", jobs=2, progress=progress)
    assert result.ok
    assert sorted(p.relative_to(tmp_path / "out").as_posix() for p in result.outputs) == ["a.xml", "sub/b.xml"]
    assert ticks == ["2 converting 2 files", "tick", "tick"]
    assert [Path(r.source).name for r in result.reports] == ["a.json", "b.json"]


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("broken.json", b'{"resourceType": "Patient",\n'),
        ("lines.ndjson", b"not json\n{also not\n"),
        ("broken.xml", b'<Patient xmlns="http://hl7.org/fhir"><id value="p"/>'),
    ],
)
def test_nothing_converted_from_unreadable_content_is_a_failure(name: str, content: bytes, tmp_path: Path) -> None:
    """Once: a malformed FHIR JSON file gave an empty output and status 0."""
    source = tmp_path / name
    source.write_bytes(content)
    out = tmp_path / "out.ndjson"
    result = dastandard.convert(source, out, to="ndjson", jobs=1)
    assert result.status == errors.CONVERSION_FAILED and "nothing could be converted" in result.problems[0]
    assert not out.exists()
