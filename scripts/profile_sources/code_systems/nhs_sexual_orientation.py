# ruff: noqa: E501  (a catalogue of code-system text: definitions and source URLs are kept on one line each)
"""The nhs-sexual-orientation code system (Person stated sexual orientation code (NHS Data Dictionary))."""

from __future__ import annotations

from profile_sources.terminology import CS, C


def code_system() -> CS:
    return CS(
        "nhs-sexual-orientation",
        "NhsSexualOrientation",
        "Person stated sexual orientation code (NHS Data Dictionary)",
        "NHS Data Dictionary PERSON STATED SEXUAL ORIENTATION CODE of the Sexual Orientation Monitoring information "
        "standard (SCCI2094/DCB2094, NHS England 2017), for people aged 16 and over. Source: "
        "https://v3.datadictionary.nhs.uk/data_dictionary/attributes/p/person/person_stated_sexual_orientation_code_de.asp .",
        [
            C("1", "Heterosexual or Straight", "Heterosexual or Straight."),
            C("2", "Gay or Lesbian", "Gay or Lesbian."),
            C("3", "Bisexual", "Bisexual."),
            C("4", "Other sexual orientation not listed", "Other sexual orientation not listed."),
            C(
                "U",
                "Person asked and does not know or is not sure",
                "Person asked and does not know or is not sure.",
            ),
            C(
                "Z",
                "Not stated (person asked but declined to provide a response)",
                "Not stated: the person was asked but declined to provide a response.",
            ),
            C("9", "Not known (not recorded)", "Not known (not recorded); used in some datasets."),
        ],
        value_set=False,
    )
