"""FHIR-generic code: nothing here knows about domestic abuse records or the standard's profiles.

- ``dastandard.fhir.baseplan``: the compiled base FHIR R4 structure plan.
- ``dastandard.fhir.xml``: FHIR XML <-> FHIR JSON, with element source lines recorded during the one parse.
- ``dastandard.fhir.fhirpath``: the FHIRPath subset the profiles' invariants use.
- ``dastandard.fhir.positions``: JSON paths back to lines and columns in the original text.
- ``dastandard.fhir.detect``: the one input-format detector used by validation and conversion.
- ``dastandard.fhir.ndjson``: NDJSON split into lines with a bound on each line's length.
- ``dastandard.fhir.snapshot``: snapshot generation from a differential over its base.
- ``dastandard.fhir.npm``: FHIR NPM package tarballs, written deterministically and read in memory with limits.

These modules import only the kernel (``dastandard._resources`` and similar), never a wing.
"""
