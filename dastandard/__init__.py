"""dastandard: a FHIR R4 data standard and toolkit for domestic abuse records about children.

The public API is re-exported here; everything else is internal. ``validate`` / ``iter_findings`` check records
(``dastandard.validation``); ``convert`` converts between registered formats (``dastandard.convert.pipeline``).

Note: ``dastandard.convert`` is the function. The conversion package of the same name is imported by its modules
(``from dastandard.convert.registry import get_format``), never as the attribute ``dastandard.convert``.
"""

from __future__ import annotations

from dastandard.convert.pipeline import ConversionResult
from dastandard.convert.pipeline import convert as _convert
from dastandard.findings import Finding, Layer, Severity
from dastandard.standard import Standard, standard
from dastandard.validation import ValidationReport, iter_findings, validate

__version__ = "0.1.0"

# Bound after the imports above: importing the ``dastandard.convert`` package sets this attribute to the package.
convert = _convert

__all__ = [
    "ConversionResult",
    "Finding",
    "Layer",
    "Severity",
    "Standard",
    "ValidationReport",
    "__version__",
    "convert",
    "iter_findings",
    "standard",
    "validate",
]
