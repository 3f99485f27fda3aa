"""``dastandard docs``: write the data dictionary, a static offline site of the standard, to a folder.

Exit status: 0 when written; ``errors.OUTPUT_UNWRITABLE`` when the folder cannot be written. The site's modules
(and Jinja2) are imported when the command runs, not when the CLI starts.
"""

from __future__ import annotations

from pathlib import Path

import click

from dastandard.commands._output import output_option, unwritable


@click.command("docs")
@output_option(
    folder=True, required=True, help="The folder to write the site to (created if needed); open index.html in it."
)
def command(output: Path) -> None:
    """Write the data dictionary: a page per profile, extension, value set, code system and concept map, the
    logical record beside its FHIR paths, the rule catalog, and an offline search."""
    from dastandard.datadictionary import build_site

    try:
        site = build_site(output)
    except OSError as exc:
        raise unwritable(output, exc) from None
    pages = sum(len(p) for p in site.pages.values())
    click.echo(f"wrote {pages} pages to {output}; open {output / 'index.html'}", err=True)
