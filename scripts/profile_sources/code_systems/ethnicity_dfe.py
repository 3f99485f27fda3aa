"""The ethnicity-dfe code system (Ethnicity (DfE))."""

from __future__ import annotations

from profile_sources.terminology import CS, C


def code_system() -> CS:
    return CS(
        "ethnicity-dfe",
        "EthnicityDfe",
        "Ethnicity (DfE)",
        "The 20 ethnicity codes of the DfE children in need census (item N00177) and SSDA903 return. Source: DfE CIN "
        "census schema ethnicitytype, as used by the CIN census validator (rule 4220) and the SSDA903 validator "
        "(rule 103). REFU and NOBT state that ethnicity was refused or not yet obtained.",
        [
            C("WBRI", "White British", "White British."),
            C("WIRI", "White Irish", "White Irish."),
            C("WIRT", "Traveller of Irish heritage", "Traveller of Irish heritage."),
            C("WOTH", "Any other White background", "Any other White background."),
            C("WROM", "Gypsy/Roma", "Gypsy/Roma."),
            C("MWBC", "White and Black Caribbean", "Mixed: White and Black Caribbean."),
            C("MWBA", "White and Black African", "Mixed: White and Black African."),
            C("MWAS", "White and Asian", "Mixed: White and Asian."),
            C("MOTH", "Any other mixed background", "Any other mixed background."),
            C("AIND", "Indian", "Asian: Indian."),
            C("APKN", "Pakistani", "Asian: Pakistani."),
            C("ABAN", "Bangladeshi", "Asian: Bangladeshi."),
            C("AOTH", "Any other Asian background", "Any other Asian background."),
            C("BCRB", "Caribbean", "Black: Caribbean."),
            C("BAFR", "African", "Black: African."),
            C("BOTH", "Any other Black background", "Any other Black background."),
            C("CHNE", "Chinese", "Chinese."),
            C("OOTH", "Any other ethnic group", "Any other ethnic group."),
            C("REFU", "Refused", "The child or parent refused to give the child's ethnicity."),
            C("NOBT", "Information not yet obtained", "The child's ethnicity has not yet been obtained."),
        ],
        absence=True,
    )
