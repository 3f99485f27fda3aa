"""The Jinja2 machinery shared by the data-quality report and the chronology: one environment with autoescaping,
one base template and one stylesheet, inlined into every page under a Content-Security-Policy that allows that
stylesheet by its hash and nothing else (no scripts, no network, no fonts, no images but inline SVG).

Templates are package data in ``dastandard/htmlreport/templates``. Error policy: a missing template is a bug and
raises ``jinja2.TemplateNotFound``; every value put into a page is HTML-escaped by the environment.
"""

from __future__ import annotations

import base64
import hashlib
from functools import cache
from pathlib import Path
from typing import Any

import jinja2

from dastandard.htmlreport.labels import uk_date, uk_datetime

TEMPLATES = Path(__file__).resolve().parent / "templates"


@cache
def stylesheet() -> str:
    """The one stylesheet every page inlines."""
    return (TEMPLATES / "style.css").read_text(encoding="utf-8")


@cache
def content_security_policy() -> str:
    """Nothing may load or run; only the shipped stylesheet, allowed by its SHA-256 hash."""
    digest = base64.b64encode(hashlib.sha256(stylesheet().encode("utf-8")).digest()).decode("ascii")
    return f"default-src 'none'; style-src 'sha256-{digest}'; img-src 'none'; form-action 'none'; base-uri 'none'"


def _percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "–"


def _thousands(value: int) -> str:
    return f"{value:,}"


@cache
def environment() -> jinja2.Environment:
    """The shared environment: templates from the package, autoescaping on, undefined names an error."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["uk_date"] = uk_date
    env.filters["uk_datetime"] = uk_datetime
    env.filters["percent"] = _percent
    env.filters["thousands"] = _thousands
    env.globals["stylesheet"] = stylesheet
    env.globals["csp"] = content_security_policy
    return env


def render(template: str, **context: Any) -> str:
    """Render one template of the package with ``context``."""
    return environment().get_template(template).render(**context)
