"""Converters between agency formats and the standard."""
