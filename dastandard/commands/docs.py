"""``dastandard docs``: write the data dictionary, a static offline site of the standard, to a folder.

Exit status: 0 when written; ``errors.OUTPUT_UNWRITABLE`` when the folder cannot be written. The site's modules
(and Jinja2) are imported when the command runs, not when the CLI starts.
"""

from __future__ import annotations

from pathlib import Path

import click

from dastandard.errors import OUTPUT_UNWRITABLE, FatalError


@click.command("docs")
@click.option(
    "-o",
    "--output",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="The folder to write the site to (created if needed); open index.html in it.",
)
def command(output: Path) -> None:
    """Write the data dictionary: a page per profile, extension, value set, code system and concept map, the
    logical record beside its FHIR paths, the rule catalog, and an offline search."""
    from dastandard.datadictionary import build_site

    try:
        site = build_site(output)
    except OSError as exc:
        raise FatalError(f"cannot write {output}: {exc.strerror or exc}", OUTPUT_UNWRITABLE) from None
    pages = sum(len(p) for p in site.pages.values())
    click.echo(f"wrote {pages} pages to {output}; open {output / 'index.html'}", err=True)
