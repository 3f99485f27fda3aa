"""Static HTML for people, not machines: the data-quality report and the multi-agency chronology.

Both are rendered from the Jinja2 templates in ``templates/`` (one base template and stylesheet), with
autoescaping, no scripts and a Content-Security-Policy that allows only the inlined stylesheet.
"""

from __future__ import annotations

from dastandard.htmlreport.report import ReportSummary, write_report

__all__ = ["ReportSummary", "write_report"]
