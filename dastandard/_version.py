"""The package version (re-exported as ``dastandard.__version__``; kept equal to ``pyproject.toml``)."""

__version__ = "0.1.0"
