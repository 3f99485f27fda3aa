"""Every shipped Bundle and every generated case goes to the logical record and back with nothing lost.

Sources: every file in ``examples/fhir/``, the logical examples' expected Bundles, the FHIR format examples
(JSON, NDJSON and XML) and every Bundle in every converter golden output. Each must convert to a logical record
that validates against the schema, with an empty loss report, and back to a structurally identical Bundle:
parsed JSON compared with entry order, ids and security labels included. Two things are not compared: the
conversion Provenance that ``logical_to_bundle`` adds (made again on every conversion), and the relative order
of extensions with different URLs (the profiles give it no meaning; the order of repeated extensions of one URL
is kept and compared).
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dastandard.convert.base import ConversionReport, Loss
from dastandard.convert.fhir_formats import FhirXmlFormat
from dastandard.generate import case_bundle, census_bundles
from dastandard.logical import build_resource, bundle_to_logical, logical_to_bundle, read_resource, validate_logical
from dastandard.logical.model import CONVERSION_PROVENANCE_KEY
from dastandard.logical.writer import security_codings
from dastandard.model.ids import stable_id

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"


def _shipped() -> Iterator[tuple[str, Any]]:
    for path in sorted((EXAMPLES / "fhir").glob("*.json")):
        yield path.relative_to(ROOT).as_posix(), path
    for path in sorted((EXAMPLES / "logical").glob("*.expected.bundle.json")):
        yield path.relative_to(ROOT).as_posix(), path
    for path in sorted((EXAMPLES / "fhir-formats").iterdir()):
        if path.suffix in (".json", ".xml"):
            yield path.relative_to(ROOT).as_posix(), path
    for path in [EXAMPLES / "fhir-formats" / "cases.ndjson", *sorted(EXAMPLES.glob("*/*.expected.ndjson"))]:
        lines = [line for line in path.read_bytes().splitlines() if line.strip()]
        for number, _ in enumerate(lines, start=1):
            yield f"{path.relative_to(ROOT).as_posix()}:{number}", (path, number)


SHIPPED = dict(_shipped())


def _load(source: Any) -> dict[str, Any]:
    if isinstance(source, tuple):
        path, number = source
        lines = [line for line in path.read_bytes().splitlines() if line.strip()]
        bundle: dict[str, Any] = orjson.loads(lines[number - 1])
        return bundle
    if source.suffix == ".xml":
        (bundle,) = FhirXmlFormat().read(io.BytesIO(source.read_bytes()), source.name, ConversionReport())
        return bundle
    loaded: dict[str, Any] = orjson.loads(source.read_bytes())
    return loaded


def comparable(bundle: dict[str, Any]) -> dict[str, Any]:
    """The Bundle without the conversion Provenance, extensions ordered by URL (stable: same-URL order kept)."""
    conversion_id = stable_id(bundle["identifier"]["value"], CONVERSION_PROVENANCE_KEY)
    entries = [e for e in bundle["entry"] if e["resource"].get("id") != conversion_id]
    return _sorted_extensions({**bundle, "entry": entries})


def _sorted_extensions(node: Any) -> Any:
    if isinstance(node, dict):
        out = {k: _sorted_extensions(v) for k, v in node.items()}
        if isinstance(out.get("extension"), list):
            out["extension"] = sorted(out["extension"], key=lambda e: str(e.get("url")))
        return out
    if isinstance(node, list):
        return [_sorted_extensions(v) for v in node]
    return node


def assert_round_trip(bundle: dict[str, Any]) -> dict[str, Any]:
    report = ConversionReport()
    record = bundle_to_logical(bundle, report)
    losses = [(e.kind, e.location) for e in report.entries if e.kind is not Loss.MAPPED]
    assert losses == []
    assert list(validate_logical(record)) == []
    assert comparable(logical_to_bundle(record)) == comparable(bundle)
    return record


@pytest.mark.parametrize("name", sorted(SHIPPED))
def test_shipped_bundle_round_trips_through_the_logical_record(name: str) -> None:
    assert_round_trip(_load(SHIPPED[name]))


def test_every_converter_golden_output_is_covered() -> None:
    goldens = {p.relative_to(ROOT).as_posix() for p in EXAMPLES.glob("*/*.expected.ndjson")}
    covered = {name.rsplit(":", 1)[0] for name in SHIPPED}
    assert goldens and goldens <= covered
    assert len([n for n in SHIPPED if n.startswith("examples/fhir/")]) == len(list((EXAMPLES / "fhir").glob("*.json")))


def test_security_labels_and_their_displays_are_kept() -> None:
    bundle = _load(EXAMPLES / "fhir" / "case-01-post-separation-contact.json")
    record = assert_round_trip(bundle)
    confidentiality = record["security"]["confidentiality"]
    assert isinstance(confidentiality, dict) and confidentiality["display"]
    assert record["labelEntries"] is False  # the example's entries carry no labels of their own


def test_a_bundle_without_security_gives_a_located_loss_and_no_valid_record() -> None:
    bundle = _load(EXAMPLES / "fhir" / "case-01-post-separation-contact.json")
    del bundle["meta"]["security"]
    report = ConversionReport()
    record = bundle_to_logical(bundle, report)
    assert (Loss.UNMAPPED_FIELD, "Bundle.meta.security") in {(e.kind, e.location) for e in report.losses}
    problems = list(validate_logical(record))
    assert ("$", "'security' is a required property") in problems
    with pytest.raises(ValueError, match=r"^\$: 'security' is a required property"):
        logical_to_bundle(record)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, 2**16), st.integers(0, 500))
def test_generated_cases_round_trip(seed: int, index: int) -> None:
    assert_round_trip(case_bundle(seed, index))


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, 2**16), st.integers(1, 4))
def test_generated_census_bundles_round_trip(seed: int, count: int) -> None:
    for bundle in census_bundles(count, seed=seed, source_file="census.xml"):
        assert_round_trip(bundle)


def test_one_resource_is_built_and_read_back_by_its_section_builders() -> None:
    record = orjson.loads((EXAMPLES / "logical" / "separation-and-contact.logical.json").read_bytes())
    whole = logical_to_bundle(record)
    incident = record["incidents"][0]
    built = build_resource(
        "incidents", incident, case_id=record["caseId"], security=security_codings(record["security"])
    )
    assert built in [e["resource"] for e in whole["entry"]]
    local_ids = {
        e["fullUrl"]: i["id"]
        for s in ("agencies", "persons", "households", "incidents")
        for i in record.get(s, ())
        for e in whole["entry"]
        if e["resource"].get("id") == stable_id(record["caseId"], i["id"])
    }
    report = ConversionReport()
    item = read_resource(
        "incidents",
        built,
        case_id=record["caseId"],
        local_ids=local_ids,
        inherited_security=record["security"],
        report=report,
    )
    assert report.losses == []
    assert item == incident
