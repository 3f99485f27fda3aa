"""FHIR-generic code: nothing here knows the domestic abuse standard."""
