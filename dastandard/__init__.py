"""dastandard: a FHIR R4 data standard and toolkit for domestic abuse records about children.

The public API is re-exported here; everything else is internal.
"""

from __future__ import annotations

from dastandard.findings import Finding, Layer, Severity
from dastandard.standard import Standard, standard
from dastandard.validation import ValidationReport, iter_findings, validate

__version__ = "0.1.0"

__all__ = [
    "Finding",
    "Layer",
    "Severity",
    "Standard",
    "ValidationReport",
    "__version__",
    "iter_findings",
    "standard",
    "validate",
]
