"""Subcommands of the ``dastandard`` CLI, one module each."""
