# ruff: noqa: E501  (a catalogue of code-system text: definitions and source URLs are kept on one line each)
"""The ethnicity-ons-2021 code system (Ethnic group (ONS Census 2021))."""

from __future__ import annotations

from profile_sources.terminology import CS, C


def code_system() -> CS:
    return CS(
        "ethnicity-ons-2021",
        "EthnicityOns2021",
        "Ethnic group (ONS Census 2021)",
        "The 19 tick-box ethnic group categories of the ONS Census 2021 for England and Wales (variable "
        "ethnic_group_tb, without -8 'Does not apply'). Source: ONS Census 2021 dictionary, 'Ethnic group' "
        "(https://www.ons.gov.uk/census/census2021dictionary/variablesbytopic/ethnicgroupnationalidentitylanguageandreligionvariablescensus2021/ethnicgroup). "
        "On the Welsh questionnaire the labels add 'Black Welsh' and 'Asian Welsh'.",
        [
            C(
                "1",
                "Asian, Asian British or Asian Welsh: Bangladeshi",
                "Asian, Asian British or Asian Welsh: Bangladeshi.",
            ),
            C("2", "Asian, Asian British or Asian Welsh: Chinese", "Asian, Asian British or Asian Welsh: Chinese."),
            C("3", "Asian, Asian British or Asian Welsh: Indian", "Asian, Asian British or Asian Welsh: Indian."),
            C(
                "4",
                "Asian, Asian British or Asian Welsh: Pakistani",
                "Asian, Asian British or Asian Welsh: Pakistani.",
            ),
            C(
                "5",
                "Asian, Asian British or Asian Welsh: Other Asian",
                "Asian, Asian British or Asian Welsh: any other Asian background.",
            ),
            C(
                "6",
                "Black, Black British, Black Welsh, Caribbean or African: African",
                "Black, Black British, Black Welsh, Caribbean or African: African.",
            ),
            C(
                "7",
                "Black, Black British, Black Welsh, Caribbean or African: Caribbean",
                "Black, Black British, Black Welsh, Caribbean or African: Caribbean.",
            ),
            C(
                "8",
                "Black, Black British, Black Welsh, Caribbean or African: Other Black",
                "Black, Black British, Black Welsh, Caribbean or African: any other Black background.",
            ),
            C(
                "9",
                "Mixed or Multiple ethnic groups: White and Asian",
                "Mixed or Multiple ethnic groups: White and Asian.",
            ),
            C(
                "10",
                "Mixed or Multiple ethnic groups: White and Black African",
                "Mixed or Multiple ethnic groups: White and Black African.",
            ),
            C(
                "11",
                "Mixed or Multiple ethnic groups: White and Black Caribbean",
                "Mixed or Multiple ethnic groups: White and Black Caribbean.",
            ),
            C(
                "12",
                "Mixed or Multiple ethnic groups: Other Mixed or Multiple ethnic groups",
                "Mixed or Multiple ethnic groups: any other Mixed or Multiple background.",
            ),
            C(
                "13",
                "White: English, Welsh, Scottish, Northern Irish or British",
                "White: English, Welsh, Scottish, Northern Irish or British.",
            ),
            C("14", "White: Irish", "White: Irish."),
            C("15", "White: Gypsy or Irish Traveller", "White: Gypsy or Irish Traveller."),
            C("16", "White: Roma", "White: Roma (new in 2021)."),
            C("17", "White: Other White", "White: any other White background."),
            C("18", "Other ethnic group: Arab", "Other ethnic group: Arab."),
            C("19", "Other ethnic group: Any other ethnic group", "Other ethnic group: any other ethnic group."),
        ],
        absence=True,
    )
