"""``dastandard package``: write the standard as a FHIR NPM package that FHIR tools load (HL7 validator ``-ig``).

Exit status: 0 when written; ``errors.OUTPUT_UNWRITABLE`` when the file cannot be written (nothing partial is
left); 1 when the shipped resources cannot be packaged (a StructureDefinition without a snapshot).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import click

from dastandard.errors import OUTPUT_UNWRITABLE, FatalError
from dastandard.fhir_package import build_package, package_file_name


@click.command("package")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Where to write the package. Default: dastandard-<version>.tgz in the current folder.",
)
def command(output: Path | None) -> None:
    """Write the FHIR NPM package: package.json, .index.json, every resource with snapshots, the examples."""
    target = output or Path(package_file_name())
    try:
        data = build_package()
    except ValueError as exc:
        raise FatalError(f"cannot build the package: {exc}", 1) from None
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.resolve().parent)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        Path(tmp_name).replace(target)
    except OSError as exc:
        raise FatalError(f"cannot write {target}: {exc.strerror or exc}", OUTPUT_UNWRITABLE) from None
    click.echo(f"wrote {target} ({len(data):,} bytes)", err=True)
