"""``dastandard validate``: check records against the standard and report in the chosen format.

Exit status (see docs/ci.md): 0 when no finding reaches ``--fail-on``; 1 when one does; 2 on a usage error;
``errors.INPUT_UNREADABLE`` when an input could not be read (every other input is still checked and reported);
``errors.CONFIG_INVALID`` for a bad configuration file; ``errors.OUTPUT_UNWRITABLE`` when ``--output`` cannot be
written (no partial file is left).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import click

from dastandard._parallel import DEFAULT_JOBS_HELP, default_jobs
from dastandard.commands._ig import select_packages
from dastandard.commands._output import atomic
from dastandard.commands._progress import progress as show_progress
from dastandard.commands._progress import wanted
from dastandard.config import Settings, load_settings
from dastandard.errors import INPUT_UNREADABLE
from dastandard.findings import Finding, Severity
from dastandard.reporters import GROUP_BY, REPORTER_BY_NAME, Reporter, Summary, SummaryTally, summarize

INPUT_FORMATS = ("auto", "fhir-json", "fhir-xml", "ndjson", "logical")  # and every readable agency format
FAIL_ON_CHOICES = ("error", "warning", "info")


def _engine() -> Any:
    """The validation wing's API module (a function, so that tests can put a stub engine in its place)."""
    from dastandard import validation

    return validation


class Tally:
    """Counts findings as they stream past, so the summary needs no list of them.

    ``files`` is filled by the engine as it opens each input, ``on_digest`` is given each record's digest (people,
    agency, completeness); the summary is complete once the findings have been consumed. ``tick`` is called once
    per record (progress).
    """

    def __init__(self, unreadable_rule: str, tick: Callable[[int], None] | None = None) -> None:
        self.files: list[str] = []
        self.unreadable: dict[str, None] = {}
        self.unreadable_rule = unreadable_rule
        self.counter = SummaryTally()
        self.tick = tick
        self.findings = 0

    def on_digest(self, digest: Any) -> None:
        self.counter.on_digest(digest)
        if self.tick is not None:
            self.tick(self.findings)

    def count(self, findings: Iterable[Finding]) -> Iterator[Finding]:
        unreadable, rule, counter = self.unreadable, self.unreadable_rule, self.counter
        for finding in findings:
            counter.count(finding)
            self.findings += 1
            if finding.rule_id == rule:
                unreadable[finding.file] = None
            yield finding

    def summary(self, fail_on: Severity) -> Summary:
        files = tuple(str(name) for name in dict.fromkeys(self.files))
        return self.counter.summary(files, fail_on, tuple(self.unreadable))


def stream(
    inputs: Sequence[str],
    settings: Settings,
    input_format: str | None,
    jobs: int,
    tick: Callable[[int], None] | None = None,
) -> tuple[Iterator[Finding], Tally]:
    """The engine's findings as a lazy stream, and the tally that gives the summary once the stream is consumed.

    Uses the engine's ``iter_findings`` (nothing is kept per finding); an engine without it is run with
    ``validate`` and its collected findings are streamed from memory. ``tick(findings so far)`` is called once per
    record read.
    """
    engine = _engine()
    tally = Tally(getattr(engine, "UNREADABLE_RULE", "DA0001"), tick)
    iter_findings = getattr(engine, "iter_findings", None)
    if iter_findings is not None:
        found = iter_findings(
            list(inputs),
            settings=settings,
            input_format=input_format,
            jobs=jobs,
            files=tally.files,
            on_digest=tally.on_digest,
        )
    else:
        report = engine.validate(list(inputs), settings=settings, input_format=input_format, jobs=jobs)
        tally.files.extend(str(name) for name in report.files)
        found = iter(report.findings)
    return tally.count(found), tally


def run(
    inputs: Sequence[str],
    settings: Settings,
    input_format: str | None,
    jobs: int,
) -> tuple[list[Finding], Summary]:
    """Run the engine over ``inputs`` and summarize the result.

    An input the engine could not read at all is reported by it as a finding of its unreadable-input rule
    (``UNREADABLE_RULE``); the files of those findings make up ``Summary.unreadable``.
    """
    engine = _engine()
    report = engine.validate(list(inputs), settings=settings, input_format=input_format, jobs=jobs)
    findings: list[Finding] = list(report.findings)
    files = tuple(str(name) for name in report.files)
    unreadable_rule = getattr(engine, "UNREADABLE_RULE", "DA0001")
    unreadable = tuple(dict.fromkeys(f.file for f in findings if f.rule_id == unreadable_rule))
    return findings, summarize(findings, files, settings.fail_on, unreadable)


FORMAT_HELP = (
    "Input format: auto (detected once per file), fhir-json, fhir-xml, ndjson, logical, or an agency format read as "
    "`dastandard convert` reads it (cin-census, police-csv, marac-json, marac-csv; see `dastandard formats`)."
)


def check_input_format(name: str) -> None:
    """A usage error unless ``name`` is ``auto``, a format validation reads itself, or a readable agency format
    (the conversion formats are loaded only for a name that is not one of the first)."""
    if name in INPUT_FORMATS:
        return
    from dastandard.validation.inputs import agency_formats

    if name not in agency_formats():
        known = ", ".join([*INPUT_FORMATS, *agency_formats()])
        raise click.BadParameter(f"{name!r} is not a format validation reads ({known})", param_hint="--format")


def _parse_severity_option(values: Sequence[str]) -> dict[str, str]:
    pairs: dict[str, str] = {}
    for value in values:
        rule_id, sep, level = value.partition("=")
        if not sep or not rule_id or not level:
            raise click.BadParameter(f"expected RULE-ID=LEVEL, got {value!r}", param_hint="--severity")
        pairs[rule_id.strip()] = level.strip()
    return pairs


@click.command("validate")
@click.argument("inputs", nargs=-1, required=True, metavar="INPUT...")
@click.option(
    "--format",
    "input_format",
    default="auto",
    show_default=True,
    metavar="FORMAT",
    help=FORMAT_HELP,
)
@click.option(
    "-o",
    "--output-format",
    type=click.Choice(tuple(REPORTER_BY_NAME)),
    default="text",
    show_default=True,
    help="Report format.",
)
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the report to FILE (atomically) instead of standard output.",
)
@click.option(
    "--fail-on",
    type=click.Choice(FAIL_ON_CHOICES),
    default=None,
    help="Lowest severity that makes the run fail (exit 1). Default: the configuration's, else error.",
)
@click.option(
    "--config",
    "config_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Configuration file (.dastandard.toml or pyproject.toml). Default: the nearest one upwards.",
)
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(min=1),
    default=None,
    help=f"Worker processes. {DEFAULT_JOBS_HELP}",
)
@click.option("--disable", multiple=True, metavar="RULE-ID", help="Do not run this rule (repeatable).")
@click.option(
    "--severity",
    "severity_values",
    multiple=True,
    metavar="RULE-ID=LEVEL",
    help="Report this rule at LEVEL: error, warning or info (repeatable).",
)
@click.option(
    "--suppress",
    multiple=True,
    metavar="RULE-ID@PATH",
    help="Drop findings of a rule at a path; a trailing * matches a prefix (repeatable).",
)
@click.option(
    "--ig",
    "ig_paths",
    multiple=True,
    metavar="PACKAGE",
    help="Also check against the profiles of this FHIR NPM package (.tgz or folder; repeatable; offline).",
)
@click.option(
    "--profile",
    "profile_urls",
    multiple=True,
    metavar="URL",
    help="Check every resource of the profile's type against this profile, claimed or not (repeatable).",
)
@click.option(
    "--group-by",
    type=click.Choice(GROUP_BY),
    default=None,
    help="Text output: findings under one heading per child (the person or record as the source names them), "
    "rule or file.",
)
@click.option(
    "--max-findings",
    type=click.IntRange(min=1),
    default=None,
    metavar="N",
    help="SARIF and GitHub annotations: at most N results; beyond it, one per rule and file with a count "
    "(default: 25000 for SARIF, 29 annotations and a summary notice for GitHub; see docs/ci.md).",
)
@click.option("--progress/--no-progress", default=None, help="Progress on stderr (default: when a terminal).")
@click.option("-q", "--quiet", count=True, help="Less text output (-q: the summary only, -qq: nothing).")
@click.option("-v", "--verbose", count=True, help="More text output (rule names, clean files).")
def command(
    inputs: tuple[str, ...],
    input_format: str,
    output_format: str,
    output: Path | None,
    fail_on: str | None,
    config_file: Path | None,
    jobs: int | None,
    disable: tuple[str, ...],
    severity_values: tuple[str, ...],
    suppress: tuple[str, ...],
    ig_paths: tuple[str, ...],
    profile_urls: tuple[str, ...],
    group_by: str | None,
    max_findings: int | None,
    progress: bool | None,
    quiet: int,
    verbose: int,
) -> None:
    """Validate FHIR JSON/XML, NDJSON or logical records; INPUT may be a file, a folder or - for stdin."""
    settings = load_settings(
        config_file=config_file,
        fail_on=fail_on,
        disable=disable,
        severity=_parse_severity_option(severity_values),
        suppress=suppress,
    )
    select_packages(ig_paths, profile_urls)
    check_input_format(input_format)
    reporter_type = REPORTER_BY_NAME[output_format]
    verbosity = verbose - quiet
    options: dict[str, Any] = {"verbosity": verbosity, "group_by": group_by, "max_findings": max_findings}
    template = "validating: {task.completed} records, {task.fields[findings]} findings"
    with show_progress(wanted(progress), template, findings=0) as advance:
        tick = None if advance is None else (lambda findings: advance(1, findings=findings))
        findings, tally = stream(
            inputs, settings, None if input_format == "auto" else input_format, jobs or default_jobs(inputs), tick
        )
        if output is None:
            summary = _report(reporter_type(sys.stdout, **options), findings, tally, settings)
        else:
            with atomic(output) as text:
                summary = _report(reporter_type(text, **options), findings, tally, settings)
    if output is not None and verbosity >= 0:
        click.echo(summary.line(), err=True)
    click.get_current_context().exit(exit_status(summary))


def _report(reporter: Reporter, findings: Iterator[Finding], tally: Tally, settings: Settings) -> Summary:
    """Feed each finding to ``reporter`` as the engine yields it (line-oriented formats write it at once)."""
    reporter.start()
    for finding in findings:
        reporter.finding(finding)
    summary = tally.summary(settings.fail_on)
    reporter.finish(summary)
    return summary


def exit_status(summary: Summary) -> int:
    """``INPUT_UNREADABLE`` if an input could not be read, else 1 if the run failed, else 0."""
    if summary.unreadable:
        return INPUT_UNREADABLE
    return 1 if summary.failed else 0
