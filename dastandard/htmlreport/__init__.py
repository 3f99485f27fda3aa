"""Static HTML for people, not machines: the data-quality report and the multi-agency chronology.

Both are rendered from the Jinja2 templates in ``templates/`` (one base template and stylesheet), with
autoescaping, no scripts and a Content-Security-Policy that allows only the inlined stylesheet.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from dastandard.htmlreport.report import ReportSummary, write_report

__all__ = ["ReportSummary", "write_report"]


def __getattr__(name: str) -> Any:
    """The report's names, imported on first use: validation reads ``htmlreport.digest`` for every run, and must
    not load the templates and Jinja2 for it."""
    if name in __all__:
        from dastandard.htmlreport import report

        return getattr(report, name)
    raise AttributeError(name)
