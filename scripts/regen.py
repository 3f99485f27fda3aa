"""Rebuild every generated artifact of the repository, in dependency order; ``--check`` reports drift instead.

Usage::

    python scripts/regen.py                 # rewrite whatever is out of date
    python scripts/regen.py --check         # write nothing; exit 1 listing every drifted file
    python scripts/regen.py --only profiles --only ig
    python scripts/regen.py --network       # also rebuild the FHIR base plan (fetches fhir@4.12.0 with npm)

Each generator is one ``Step``: a function that returns the exact bytes of every file the step owns, plus the
folders whose other files are stale (deleted on a rebuild, reported by ``--check``). The steps run in the order
of ``STEPS``: a later step reads what an earlier one wrote (the guide lists the profiles, the rule pages and the
traceability table read the examples). The base plan is built from an npm package, so it runs only with
``--network``; every other step works offline. Exit status: 0 when everything is (or now is) up to date, 1 when
``--check`` found drift, 2 when a generator failed (the error names the step).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

SCRIPTS = Path(__file__).resolve().parent
ROOT = SCRIPTS.parent
if str(SCRIPTS) not in sys.path:
    sys.path.insert(0, str(SCRIPTS))

from profile_sources.common import GENERATED, GENERATED_TYPES  # noqa: E402

Files = dict[Path, bytes]


class StepError(Exception):
    """A generator could not produce its files (for example a renamed rule id); the message says why."""


class SourceMissingError(Exception):
    """A generator's outside source is not on this machine (the UK Core reference files beside the repository):
    the step is reported as skipped and its committed files are left as they are."""


@dataclass(frozen=True)
class Owned:
    """A folder whose files matching ``pattern`` all belong to one step: any it does not produce is stale."""

    folder: Path
    pattern: str


@dataclass(frozen=True)
class Step:
    """One generator: ``render`` returns absolute path -> exact bytes for every file it writes."""

    name: str
    summary: str
    render: Callable[[], Files]
    owns: tuple[Owned, ...] = ()
    network: bool = False


@dataclass
class Drift:
    """What differs between one step's output and the files on disk (paths relative to the repository)."""

    step: str
    changed: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    stale: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        return [
            *(f"{self.step}: out of date: {p}" for p in self.changed),
            *(f"{self.step}: missing: {p}" for p in self.missing),
            *(f"{self.step}: not generated (stale): {p}" for p in self.stale),
        ]

    def __bool__(self) -> bool:
        return bool(self.changed or self.missing or self.stale)


def _text(files: Mapping[Path, str]) -> Files:
    return {path: text.encode("utf-8") for path, text in files.items()}


# ------------------------------------------------------------------------------------------------------- steps


def profiles() -> Files:
    """CodeSystems, ValueSets, StructureDefinitions and the external-canonicals list, from scripts/profile_sources."""
    from build_profiles import render

    return render()


def implementation_guide() -> Files:
    """The ImplementationGuide listing every conformance resource under profiles/ (generated and hand-written)."""
    import build_ig

    return {build_ig.IG_PATH: build_ig.render().encode("utf-8")}


def snapshots() -> Files:
    """snapshots/StructureDefinition/: every generated StructureDefinition with its snapshot, and the NOTICE."""
    import build_snapshots

    if not build_snapshots.UKCORE_DIR.is_dir():
        raise SourceMissingError(f"the UK Core reference files are not at {build_snapshots.UKCORE_DIR}")
    try:
        return build_snapshots.render()
    except (OSError, KeyError, ValueError) as exc:
        raise StepError(f"cannot build the snapshots: {exc}") from exc


def rule_lock() -> Files:
    """validators/rule-ids.lock with every newly issued rule id appended (never renamed or removed)."""
    import update_rule_lock

    try:
        return {update_rule_lock.LOCK: update_rule_lock.render().encode("utf-8")}
    except ValueError as exc:
        raise StepError(str(exc)) from exc


def base_plan() -> Files:
    """validators/fhir-r4-base.json compiled from the FHIR.js npm package (needs npm and the network)."""
    import build_base_plan

    with tempfile.TemporaryDirectory() as tmp:
        try:
            package = build_base_plan.fetch_package(Path(tmp))
        except (OSError, subprocess.CalledProcessError, StopIteration) as exc:
            raise StepError(f"cannot fetch {build_base_plan.PACKAGE} with npm: {exc}") from exc
        return {build_base_plan.DEFAULT_OUT: build_base_plan.render(package)}


def logical_schema() -> Files:
    """validators/logical-record.schema.json from the logical record's section definitions."""
    from dastandard.logical import build_schema

    schema = build_schema()
    file_name = str(schema["$id"]).rsplit("/", 1)[-1]  # the schema's $id ends with its file name
    text = json.dumps(schema, indent=2, ensure_ascii=False) + "\n"
    return {ROOT / "validators" / file_name: text.encode("utf-8")}


def examples() -> Files:
    """The example Bundles, their index and the mutated records, from the data files (scripts/example_cases.py)."""
    import example_cases

    try:
        return example_cases.render()
    except ValueError as exc:
        raise StepError(str(exc)) from exc


def logical_golden() -> Files:
    """examples/logical/<case>.expected.bundle.json: each logical example converted to a DACaseBundle."""
    import orjson

    from dastandard.logical import logical_to_bundle

    folder = ROOT / "examples" / "logical"
    files: Files = {}
    for source in sorted(folder.glob("*.logical.json")):
        name = source.name.removesuffix(".logical.json")
        bundle = logical_to_bundle(orjson.loads(source.read_bytes()), source=source.name)
        files[folder / f"{name}.expected.bundle.json"] = orjson.dumps(bundle, option=orjson.OPT_INDENT_2) + b"\n"
    return files


# Converter golden outputs: (input under examples/, reader format, writer format, output under examples/).
CONVERSIONS: tuple[tuple[str, str, str, str], ...] = (
    ("police-csv/notification.csv", "police-csv", "ndjson", "police-csv/notification.expected.ndjson"),
    ("marac/referral.marac.json", "marac-json", "ndjson", "marac/referral.expected.ndjson"),
    ("cin-census/da-factors.xml", "cin-census", "ndjson", "cin-census/da-factors.expected.ndjson"),
    ("dfe-csc-api/child.dfe-csc.json", "dfe-csc-api", "ndjson", "dfe-csc-api/child.expected.ndjson"),
)
# Outputs written from Bundles that are themselves golden or example files: (inputs, writer format, output).
BUNDLE_OUTPUTS: tuple[tuple[tuple[str, ...], str, str], ...] = (
    (("police-csv/notification.expected.ndjson",), "encompass", "encompass/notifications.expected.json"),
    (
        ("police-csv/notification.expected.ndjson", "fhir/case-01-post-separation-contact.json"),
        "chronology-csv",
        "chronology/chronology.expected.csv",
    ),
    (
        ("police-csv/notification.expected.ndjson", "fhir/case-01-post-separation-contact.json"),
        "chronology-html",
        "chronology/chronology.expected.html",
    ),
    (("cin-census/da-factors.expected.ndjson",), "dfe-csc-api", "dfe-csc-api/da-factors.expected.dfe-csc.jsonl"),
    (
        (
            "marac/referral.expected.ndjson",
            *(f"fhir/{p.name}" for p in sorted((ROOT / "examples" / "fhir").glob("*.json"))),
        ),
        "safelives-marac-return",
        "marac/return.expected.marac-return.csv",
    ),
)


def converter_golden() -> Files:
    """The converters' expected outputs under examples/, through the registered formats' read and write."""
    import io

    from dastandard.convert.base import ConversionReport
    from dastandard.convert.registry import get_format

    examples_dir = ROOT / "examples"
    files: Files = {}

    def convert(data: bytes, name: str, reader: str, writer: str) -> bytes:
        report = ConversionReport()
        bundles = list(get_format(reader).read(io.BytesIO(data), name, report))
        out = io.BytesIO()
        get_format(writer).write(bundles, out, report)
        return out.getvalue()

    for source, reader, writer, target in CONVERSIONS:
        path = examples_dir / source
        files[examples_dir / target] = convert(path.read_bytes(), path.name, reader, writer)
    for sources, writer, target in BUNDLE_OUTPUTS:
        lines = b"".join(_ndjson_lines(examples_dir / s, files) for s in sources)
        files[examples_dir / target] = convert(lines, Path(target).name, "ndjson", writer)
    return files


def _ndjson_lines(path: Path, produced: Mapping[Path, bytes]) -> bytes:
    """``path`` as NDJSON lines (a ``.json`` file holds one document), taken from ``produced`` if just built."""
    import orjson

    data = produced.get(path) or path.read_bytes()
    if path.suffix == ".json":
        return orjson.dumps(orjson.loads(data)) + b"\n"
    return data if data.endswith(b"\n") else data + b"\n"


def rule_docs() -> Files:
    """docs/rules/: the catalog index and one page per rule."""
    import gen_rule_docs

    from dastandard.catalog import catalog

    return _text({gen_rule_docs.DEFAULT_OUT / name: text for name, text in gen_rule_docs.render(catalog()).items()})


def traceability() -> Files:
    """docs/traceability.md: learning point -> profile elements -> rule ids -> example files."""
    import gen_traceability

    return {gen_traceability.OUTPUT: gen_traceability.render().encode("utf-8")}


STEPS: tuple[Step, ...] = (
    Step("profiles", "conformance resources", profiles, tuple(Owned(GENERATED / t, "*.json") for t in GENERATED_TYPES)),
    Step("ig", "ImplementationGuide", implementation_guide, (Owned(GENERATED / "ImplementationGuide", "*.json"),)),
    Step(
        "snapshots",
        "StructureDefinition snapshots",
        snapshots,
        (Owned(ROOT / "snapshots" / "StructureDefinition", "*.json"),),
    ),
    Step("rule-lock", "rule id lock", rule_lock),
    Step("base-plan", "FHIR R4 base structure plan", base_plan, network=True),
    Step("logical-schema", "logical record JSON Schema", logical_schema),
    Step(
        "examples",
        "examples from data files",
        examples,
        (
            Owned(ROOT / "examples" / "fhir", "case-*.json"),
            Owned(ROOT / "examples" / "invalid", "DA3*.json"),  # practice rules: always mutations of a data file
            Owned(ROOT / "examples" / "invalid", "DA4*.ndjson"),  # return rules: likewise
        ),
    ),
    Step("logical-golden", "logical record golden Bundles", logical_golden),
    Step("converter-golden", "converter golden outputs", converter_golden),
    Step("rule-docs", "rule documentation", rule_docs, (Owned(ROOT / "docs" / "rules", "*.md"),)),
    Step("traceability", "traceability table", traceability),
)


# ---------------------------------------------------------------------------------------------------- running


def _relative(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def compare(step: Step, files: Mapping[Path, bytes]) -> Drift:
    """How the files on disk differ from ``files`` and the folders ``step`` owns."""
    drift = Drift(step.name)
    for path in sorted(files):
        if not path.is_file():
            drift.missing.append(_relative(path))
        elif path.read_bytes() != files[path]:
            drift.changed.append(_relative(path))
    for owned in step.owns:
        for path in sorted(owned.folder.glob(owned.pattern)):
            if path.is_file() and path not in files:
                drift.stale.append(_relative(path))
    return drift


def apply(files: Mapping[Path, bytes], drift: Drift) -> None:
    """Write the changed and missing files of ``drift`` and delete its stale ones."""
    for relative in [*drift.changed, *drift.missing]:
        path = ROOT / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(files[path])
    for relative in drift.stale:
        (ROOT / relative).unlink()


def run(steps: Iterable[Step], *, check: bool, echo: Callable[[str], None] = print) -> list[Drift]:
    """Run ``steps`` in order; rebuild (or with ``check`` only compare); return the drift found before writing.

    A step's error is raised as StepError naming the step; nothing after it runs.
    """
    found: list[Drift] = []
    for step in steps:
        try:
            files = step.render()
        except SourceMissingError as exc:
            echo(f"{step.name}: skipped: {exc}")
            continue
        except StepError as exc:
            raise StepError(f"{step.name}: {exc}") from exc
        drift = compare(step, files)
        if drift:
            found.append(drift)
            if not check:
                apply(files, drift)
        for line in drift.lines():
            echo(line if check else line.replace(": out of date: ", ": rewrote: ", 1))
    return found


def select(names: Sequence[str], *, network: bool) -> list[Step]:
    """The steps to run, in dependency order: the named ones (all by default), without network steps unless asked."""
    unknown = sorted(set(names) - {s.name for s in STEPS})
    if unknown:
        raise StepError(f"unknown step(s) {', '.join(unknown)}; known: {', '.join(s.name for s in STEPS)}")
    return [s for s in STEPS if (s.name in names if names else network or not s.network)]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 listing every drifted file")
    parser.add_argument("--only", action="append", default=[], metavar="STEP", help="run only this step (repeatable)")
    parser.add_argument("--network", action="store_true", help="include steps that fetch their source (base-plan)")
    parser.add_argument("--list", action="store_true", help="list the steps in order and exit")
    args = parser.parse_args(argv)
    if args.list:
        for step in STEPS:
            print(f"{step.name:16} {step.summary}{' (needs --network)' if step.network else ''}")
        return 0
    try:
        found = run(select(args.only, network=args.network), check=args.check)
    except StepError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.check and found:
        print("drift found: run python scripts/regen.py", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
