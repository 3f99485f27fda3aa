"""Example dastandard format plugin: the acme-cases export (see docs/plugins.md)."""
