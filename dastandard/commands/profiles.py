"""``dastandard profiles``: list the standard's conformance resources."""

from __future__ import annotations

import click
import orjson

from dastandard.standard import CONFORMANCE_TYPES, standard


@click.command("profiles")
@click.option("--type", "resource_type", type=click.Choice(CONFORMANCE_TYPES), help="Only this resource type.")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True)
def command(resource_type: str | None, output_format: str) -> None:
    """List the shipped profiles, extensions, code systems, value sets and concept maps."""
    std = standard()
    types = (resource_type,) if resource_type else CONFORMANCE_TYPES
    rows = [a for t in types for a in std.of_type(t)]
    if output_format == "json":
        payload = {
            "package": std.name,
            "version": std.version,
            "canonical": std.canonical,
            "fhirVersion": std.fhir_version,
            "artifacts": [{"resourceType": a.resource_type, "id": a.id, "url": a.url, "title": a.title} for a in rows],
        }
        click.echo(orjson.dumps(payload, option=orjson.OPT_INDENT_2).decode())
        return
    click.echo(f"{std.name} {std.version} (FHIR {std.fhir_version}), canonical {std.canonical}")
    for artifact in rows:
        click.echo(f"{artifact.resource_type:<20} {artifact.id:<40} {artifact.url}")
    click.echo(f"{len(rows)} artifacts")
