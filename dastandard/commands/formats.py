"""``dastandard formats``: list the registered conversion formats (built-in and plugins)."""

from __future__ import annotations

import click
import orjson

from dastandard.convert.registry import all_formats


@click.command("formats")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True)
def command(output_format: str) -> None:
    """List every conversion format: name, whether it can be read and written, file extensions, description."""
    rows = [
        {
            "name": f.name,
            "reads": f.can_read,
            "writes": f.can_write,
            "extensions": list(f.extensions),
            "description": f.description,
        }
        for f in all_formats()
    ]
    if output_format == "json":
        click.echo(orjson.dumps({"formats": rows}, option=orjson.OPT_INDENT_2).decode())
        return
    click.echo(f"{'name':<18} {'read':<5} {'write':<5} {'extensions':<22} description")
    for r in rows:
        exts = ",".join(str(e) for e in r["extensions"]) or "-"  # type: ignore[attr-defined]
        click.echo(
            f"{r['name']:<18} {'yes' if r['reads'] else 'no':<5} {'yes' if r['writes'] else 'no':<5} "
            f"{exts:<22} {r['description']}"
        )
