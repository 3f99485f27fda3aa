"""FHIR XML <-> JSON conversion and hardened XML parsing."""

from __future__ import annotations

import pytest

from dastandard.fhir.xml import FhirXmlError, parse_fhir_xml, to_fhir_xml

BUNDLE = {
    "resourceType": "Bundle",
    "id": "b1",
    "type": "collection",
    "entry": [
        {
            "fullUrl": "urn:uuid:5d8c7f4e-3b8a-4b4e-9a51-0f3c1e9b2a10",
            "resource": {
                "resourceType": "Patient",
                "id": "p1",
                "text": {
                    "status": "generated",
                    "div": '<div xmlns="http://www.w3.org/1999/xhtml"><p>Child <b>A</b></p></div>',
                },
                "contained": [{"resourceType": "Organization", "id": "o1", "name": "School"}],
                "extension": [{"url": "https://example.org/e", "valueBoolean": True}],
                "identifier": [{"system": "https://fhir.nhs.uk/Id/nhs-number", "value": "9434765919"}],
                "active": False,
                "name": [
                    {
                        "family": "Smith",
                        "given": ["Ann", None, "Jo"],
                        "_given": [None, {"extension": [{"url": "https://example.org/x", "valueCode": "u"}]}, None],
                    }
                ],
                "_birthDate": {
                    "id": "bd",
                    "extension": [
                        {"url": "http://hl7.org/fhir/StructureDefinition/data-absent-reason", "valueCode": "unknown"}
                    ],
                },
                "multipleBirthInteger": 2,
            },
        },
        {
            "fullUrl": "urn:uuid:0b7e2f7a-6a0b-4f55-8a63-1c8a1e0e6d11",
            "resource": {
                "resourceType": "Observation",
                "status": "final",
                "code": {"coding": [{"system": "https://example.org/cs", "code": "incident"}]},
                "valueQuantity": {"value": 1.5, "unit": "kg"},
                "component": [{"code": {"text": "x"}, "valueInteger": -3}],
            },
        },
    ],
}


def test_json_xml_json_is_identity() -> None:
    xml = to_fhir_xml(BUNDLE)
    assert xml.startswith(b"<?xml")
    assert b'xmlns="http://hl7.org/fhir"' in xml
    assert b'<valueBoolean value="true"/>' in xml
    assert parse_fhir_xml(xml) == BUNDLE


def test_xml_rules_primitive_attributes_and_resource_wrappers() -> None:
    xml = to_fhir_xml(BUNDLE)
    assert b'<birthDate id="bd"><extension url="http://hl7.org/fhir/StructureDefinition/data-absent-reason">' in xml
    assert b'<contained><Organization><id value="o1"/>' in xml
    assert b'<given value="Ann"/><given><extension' in xml


def test_element_order_in_xml_follows_the_definition() -> None:
    shuffled = {"resourceType": "Patient", "gender": "female", "id": "p", "active": True}
    xml = to_fhir_xml(shuffled).decode()
    assert xml.index("<id ") < xml.index("<active ") < xml.index("<gender ")


def test_unknown_element_is_kept_for_the_structure_layer() -> None:
    doc = parse_fhir_xml(b'<Patient xmlns="http://hl7.org/fhir"><shoeSize value="9"/></Patient>')
    assert doc == {"resourceType": "Patient", "shoeSize": "9"}


def test_line_numbers_are_recorded_on_request() -> None:
    lines: dict[tuple[str | int, ...], int] = {}
    parse_fhir_xml(
        b'<Patient xmlns="http://hl7.org/fhir">\n<id value="p"/>\n\n<birthDate value="x"/>\n</Patient>', lines=lines
    )
    assert lines[("Patient", "birthDate")] == 4


@pytest.mark.parametrize(
    "data",
    [
        b'<?xml version="1.0"?>\n<!DOCTYPE lolz [\n <!ENTITY lol "lol">\n <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;">\n'
        b' <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;">]>\n'
        b'<Patient xmlns="http://hl7.org/fhir"><id value="&lol3;"/></Patient>',
        b'<?xml version="1.0"?>\n<!DOCTYPE p [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
        b'<Patient xmlns="http://hl7.org/fhir"><id value="&xxe;"/></Patient>',
        b'<!doctype html><Patient xmlns="http://hl7.org/fhir"/>',
    ],
)
def test_hostile_xml_is_refused_and_never_resolved(data: bytes) -> None:
    with pytest.raises(FhirXmlError) as info:
        parse_fhir_xml(data)
    assert info.value.hostile
    assert info.value.line is not None
    assert "root:" not in str(info.value)


def test_malformed_xml_reports_line_and_column() -> None:
    with pytest.raises(FhirXmlError) as info:
        parse_fhir_xml(b'<Patient xmlns="http://hl7.org/fhir">\n  <id value="p">\n</Patient>')
    assert info.value.line == 3
    assert not info.value.hostile


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        (b"<Patient/>", "namespace"),
        (b'<Patient xmlns="http://hl7.org/fhir">text</Patient>', "text"),
        (b'<Patient xmlns="http://hl7.org/fhir"><active/></Patient>', "neither"),
        (b'<Bundle xmlns="http://hl7.org/fhir"><entry><resource/></entry></Bundle>', "exactly one"),
    ],
)
def test_xml_that_is_not_fhir_raises_typed_error(data: bytes, fragment: str) -> None:
    with pytest.raises(FhirXmlError, match=fragment):
        parse_fhir_xml(data)


@pytest.mark.parametrize(
    "resource",
    [
        {"resourceType": "Nope"},
        {"resourceType": "Patient", "shoeSize": 9},
        {"resourceType": "Patient", "text": {"status": "generated", "div": "<p>not a div</p>"}},
        {"resourceType": "Patient", "active": {"x": 1}},
    ],
)
def test_to_xml_refuses_what_it_cannot_represent(resource: dict[str, object]) -> None:
    with pytest.raises(FhirXmlError):
        to_fhir_xml(resource)
