"""The religion-ons-2021 code system (Religion (ONS Census 2021))."""

from __future__ import annotations

from profile_sources.terminology import CS, C


def code_system() -> CS:
    return CS(
        "religion-ons-2021",
        "ReligionOns2021",
        "Religion (ONS Census 2021)",
        "The summary religion codes of the ONS Census 2021 for England and Wales. The question is voluntary. "
        "Source: UK Data Service, Census 2021 explainer 'Religion' "
        "(https://ukdataservice.ac.uk/learning-hub/census/census-explainers/religion/).",
        [
            C("1", "No religion", "No religion."),
            C("2", "Christian", "Christian (all denominations)."),
            C("3", "Buddhist", "Buddhist."),
            C("4", "Hindu", "Hindu."),
            C("5", "Jewish", "Jewish."),
            C("6", "Muslim", "Muslim."),
            C("7", "Sikh", "Sikh."),
            C("8", "Other religion", "Any other religion."),
            C("9", "Not stated", "The question was not answered."),
            C("-8", "Does not apply", "The question does not apply."),
        ],
        value_set=False,
    )
