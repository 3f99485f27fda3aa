"""dastandard: a FHIR R4 data standard and toolkit for domestic abuse records about children.

The public API is re-exported here; everything else is internal. ``validate`` / ``iter_findings`` check records
(``dastandard.validation``); ``convert`` converts between registered formats (``dastandard.convert.pipeline``).

The names are loaded on first use, so that importing one part of the package (the command line validating one
file) does not load the others (the converters, the generator, the logical record).

Note: ``dastandard.convert`` is the function (and ``dastandard.standard`` the function ``standard()``). The
conversion package of the same name is imported by its modules (``from dastandard.convert.registry import
get_format``), never as the attribute ``dastandard.convert``: importing the package does not rebind the attribute
(see ``_Package``).
"""

from __future__ import annotations

import sys
import types
from typing import TYPE_CHECKING, Any

from dastandard._version import __version__
from dastandard.findings import Finding, Layer, Severity

if TYPE_CHECKING:
    from dastandard.convert.pipeline import ConversionResult
    from dastandard.convert.pipeline import convert as convert
    from dastandard.standard import Standard, standard
    from dastandard.validation import ValidationReport, iter_findings, validate


def __getattr__(name: str) -> Any:
    """The public names that live in other modules, imported when first asked for."""
    if name == "ConversionResult":
        from dastandard.convert.pipeline import ConversionResult as _ConversionResult

        return _ConversionResult
    if name == "Standard":
        from dastandard.standard import Standard as _Standard

        return _Standard
    if name in ("ValidationReport", "iter_findings", "validate"):
        from dastandard import validation

        return getattr(validation, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class _Package(types.ModuleType):
    """The package module: ``convert`` and ``standard`` stay the public functions when the modules of the same
    name are imported (the import system binds a submodule as an attribute of its parent)."""

    @property
    def convert(self) -> Any:
        from dastandard.convert.pipeline import convert as _convert

        return _convert

    @convert.setter
    def convert(self, value: Any) -> None:
        pass  # the conversion package itself; it stays reachable as sys.modules["dastandard.convert"]

    @property
    def standard(self) -> Any:
        from dastandard.standard import standard as _standard

        return _standard

    @standard.setter
    def standard(self, value: Any) -> None:
        pass  # the module itself; it stays reachable as sys.modules["dastandard.standard"]


sys.modules[__name__].__class__ = _Package

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
