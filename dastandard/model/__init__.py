"""The standard's shared vocabulary: canonical URLs, identifier systems, deterministic ids, FHIR fragment
builders and tolerant readers, and the code lists loaded from the shipped CodeSystems and ValueSets.

It imports only the kernel (``dastandard._resources``, ``standard``, ``errors``, ``findings``); every wing
(validation, conversion, generation) takes its vocabulary from here so each fact is defined once.

- ``dastandard.model.urls``: every canonical/external URL as a named constant;
- ``dastandard.model.ids``: ``stable_id``, ``full_url``, ``reference``, ``entry`` and the builders of the
  standard's own canonicals (``profile_url``, ``extension_url``, ``code_system_url``, ``identifier_system``);
- ``dastandard.model.fragments``: ``coding`` (a Coding), ``concept`` (a CodeableConcept), ``extension``,
  ``sub_extension``, ``absent`` and the tolerant readers ``as_map``, ``as_list``, ``as_str``, ``codings_in``;
- ``dastandard.model.codes``: ``Code``, ``CodeList``, ``value_set``, ``code_system``, ``own_code``, ``display``;
- ``dastandard.model.practice_codes``: the named code lists the practice rules use.
"""

from __future__ import annotations

from dastandard.model.codes import Code, CodeList, code_system, defines, display, external_codes, own_code, value_set
from dastandard.model.fragments import (
    absent,
    absent_reason_extension,
    absent_reason_of,
    as_bool,
    as_list,
    as_map,
    as_str,
    coding,
    codings_in,
    concept,
    extension,
    own_coding,
    own_concept,
    own_extension,
    sub_extension,
)
from dastandard.model.ids import (
    code_system_url,
    entry,
    extension_url,
    full_url,
    identifier_system,
    profile_url,
    reference,
    stable_id,
)

__all__ = [
    "Code",
    "CodeList",
    "absent",
    "absent_reason_extension",
    "absent_reason_of",
    "as_bool",
    "as_list",
    "as_map",
    "as_str",
    "code_system",
    "code_system_url",
    "coding",
    "codings_in",
    "concept",
    "defines",
    "display",
    "entry",
    "extension",
    "extension_url",
    "external_codes",
    "full_url",
    "identifier_system",
    "own_code",
    "own_coding",
    "own_concept",
    "own_extension",
    "profile_url",
    "reference",
    "stable_id",
    "sub_extension",
    "value_set",
]
