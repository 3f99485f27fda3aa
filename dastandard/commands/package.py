"""``dastandard package``: write the standard as a FHIR NPM package that FHIR tools load (HL7 validator ``-ig``).

Exit status: 0 when written; ``errors.OUTPUT_UNWRITABLE`` when the file cannot be written (nothing partial is
left); 1 when the shipped resources cannot be packaged (a StructureDefinition without a snapshot).
"""

from __future__ import annotations

from pathlib import Path

import click

from dastandard.commands._output import atomic, output_option
from dastandard.errors import FatalError
from dastandard.fhir_package import build_package, package_file_name


@click.command("package")
@output_option(
    folder=False, help="Where to write the package. Default: dastandard-<version>.tgz in the current folder."
)
def command(output: Path | None) -> None:
    """Write the FHIR NPM package: package.json, .index.json, every resource with snapshots, the examples."""
    target = output or Path(package_file_name())
    try:
        data = build_package()
    except ValueError as exc:
        raise FatalError(f"cannot build the package: {exc}", 1) from None
    with atomic(target, binary=True) as handle:
        handle.write(data)
    click.echo(f"wrote {target} ({len(data):,} bytes)", err=True)
