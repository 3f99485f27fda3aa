"""``dastandard rules``: list the rule catalog (id, name, layer, severity, since, status, summary)."""

from __future__ import annotations

import click
import orjson

from dastandard.catalog import catalog
from dastandard.commands.explain import rule_to_dict
from dastandard.findings import Layer

STATUSES = ("stable", "preview", "retired")


@click.command("rules")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
)
@click.option("--layer", type=click.Choice([layer.value for layer in Layer]), multiple=True, help="Only these layers.")
@click.option("--status", type=click.Choice(STATUSES), multiple=True, help="Only rules with these statuses.")
def command(output_format: str, layer: tuple[str, ...], status: tuple[str, ...]) -> None:
    """List the validation rules; `dastandard explain ID` shows one in full."""
    rows = [
        r for r in catalog().values() if (not layer or r.layer.value in layer) and (not status or r.status in status)
    ]
    if output_format == "json":
        click.echo(orjson.dumps([rule_to_dict(r) for r in rows], option=orjson.OPT_INDENT_2).decode())
        return
    if rows:
        name_width = max(len(r.name) for r in rows)
        click.echo(f"{'id':<7} {'name':<{name_width}} {'layer':<10} {'severity':<8} {'since':<7} {'status':<8} summary")
        for r in rows:
            click.echo(
                f"{r.id:<7} {r.name:<{name_width}} {r.layer.value:<10} {r.severity.value:<8} {r.since:<7} "
                f"{r.status:<8} {r.summary}"
            )
    click.echo(f"{len(rows)} rule{'s' if len(rows) != 1 else ''}")
