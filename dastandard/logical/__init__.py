"""The logical record: a plain JSON form of a DACaseBundle, and lossless conversion both ways.

``model`` holds the field model (sections, fields and value kinds in domain terms), ``schema`` the JSON Schema
generated from it and the record's validation, ``writer`` the one DACaseBundle writer (record -> FHIR, with a
builder per section) and ``reader`` the one reader (FHIR -> record, with a reader per section).
"""

from __future__ import annotations

from dastandard.logical.model import (
    ABSENT_REASONS,
    RECORD_TYPE,
    RECORD_VERSION,
    SCHEMA_FILE,
    SECTION_BY_KEY,
    SECTIONS,
    At,
    Comp,
    Complex,
    Ext,
    Field,
    Items,
    Section,
    Val,
    system_for,
    value_set_codes,
)
from dastandard.logical.reader import bundle_to_logical, read_resource
from dastandard.logical.schema import (
    LogicalProblem,
    LogicalRecordError,
    build_schema,
    logical_problems,
    validate_logical,
)
from dastandard.logical.writer import (
    build_resource,
    codeable_concept,
    entry_items,
    logical_to_bundle,
    resource_id_of,
)

__all__ = [
    "ABSENT_REASONS",
    "RECORD_TYPE",
    "RECORD_VERSION",
    "SCHEMA_FILE",
    "SECTIONS",
    "SECTION_BY_KEY",
    "At",
    "Comp",
    "Complex",
    "Ext",
    "Field",
    "Items",
    "LogicalProblem",
    "LogicalRecordError",
    "Section",
    "Val",
    "build_resource",
    "build_schema",
    "bundle_to_logical",
    "codeable_concept",
    "entry_items",
    "logical_problems",
    "logical_to_bundle",
    "read_resource",
    "resource_id_of",
    "system_for",
    "validate_logical",
    "value_set_codes",
]
