# ruff: noqa: E501  (a catalogue of code-system text: definitions and source URLs are kept on one line each)
"""The ConceptMaps generated with the profiles (the converters' own maps are hand-written)."""

from __future__ import annotations

from profile_sources.common import DAR_CS, JSON, UKCORE_ETHNIC_CS, Context
from profile_sources.terminology import conceptmap


def concept_maps(ctx: Context) -> list[JSON]:
    """Concept maps between ethnicity classifications, stating every loss."""
    nhs = UKCORE_ETHNIC_CS
    dfe = ctx.cs("ethnicity-dfe")
    ons = ctx.cs("ethnicity-ons-2021")
    dfe_nhs_equivalent = {
        "WBRI": "A", "WIRI": "B", "MWBC": "D", "MWBA": "E", "MWAS": "F", "MOTH": "G", "AIND": "H",
        "APKN": "J", "ABAN": "K", "AOTH": "L", "BCRB": "M", "BAFR": "N", "BOTH": "P", "CHNE": "R", "OOTH": "S",
    }  # fmt: skip
    dfe_nhs: list[tuple[str, str | None, str, str | None]] = [
        (src, tgt, "equivalent", None) for src, tgt in dfe_nhs_equivalent.items()
    ]
    dfe_nhs += [
        (
            "WOTH",
            "C",
            "wider",
            "NHS England C also covers Traveller of Irish heritage and Gypsy/Roma, which DfE separates.",
        ),
        (
            "WIRT",
            "C",
            "wider",
            "Lossy: NHS England has no Traveller of Irish heritage category; C 'Any other White background' is wider.",
        ),
        (
            "WROM",
            "C",
            "wider",
            "Lossy: NHS England has no Gypsy/Roma category; C 'Any other White background' is wider.",
        ),
        ("REFU", "Z", "equivalent", "Refused corresponds to 'Not stated' (asked, declined)."),
        (
            "NOBT",
            "99",
            "inexact",
            "'Information not yet obtained' corresponds to the default 'Not known'; NOBT implies it will be sought.",
        ),
    ]
    ons_nhs: list[tuple[str, str | None, str, str | None]] = [
        ("1", "K", "equivalent", None),
        ("2", "R", "equivalent", "Same group; ONS 2021 files Chinese under Asian, NHS England under Other Ethnic Groups."),
        ("3", "H", "equivalent", None), ("4", "J", "equivalent", None), ("5", "L", "equivalent", None),
        ("6", "N", "equivalent", None), ("7", "M", "equivalent", None), ("8", "P", "equivalent", None),
        ("9", "F", "equivalent", None), ("10", "E", "equivalent", None), ("11", "D", "equivalent", None),
        ("12", "G", "equivalent", None), ("13", "A", "equivalent", None), ("14", "B", "equivalent", None),
        ("15", "C", "wider", "Lossy: NHS England has no Gypsy or Irish Traveller category; C is wider."),
        ("16", "C", "wider", "Lossy: NHS England has no Roma category; C is wider."),
        ("17", "C", "wider", "NHS England C also covers Gypsy, Irish Traveller and Roma, which ONS 2021 separates."),
        ("18", "S", "wider", "Lossy: NHS England has no Arab category; S 'Any other ethnic group' is wider."),
        ("19", "S", "wider", "NHS England S also covers Arab, which ONS 2021 separates."),
    ]  # fmt: skip
    dfe_ons: list[tuple[str, str | None, str, str | None]] = [
        ("WBRI", "13", "equivalent", None), ("WIRI", "14", "equivalent", None),
        ("WIRT", "15", "wider", "ONS 'Gypsy or Irish Traveller' is wider than DfE 'Traveller of Irish heritage'."),
        ("WOTH", "17", "equivalent", "Both exclude the Irish, Traveller and Gypsy/Roma groups listed separately."),
        ("WROM", None, "unmatched", "DfE 'Gypsy/Roma' spans ONS 15 (Gypsy or Irish Traveller) and 16 (Roma); choose from the source record."),
        ("MWBC", "11", "equivalent", None), ("MWBA", "10", "equivalent", None), ("MWAS", "9", "equivalent", None),
        ("MOTH", "12", "equivalent", None), ("AIND", "3", "equivalent", None), ("APKN", "4", "equivalent", None),
        ("ABAN", "1", "equivalent", None), ("AOTH", "5", "equivalent", None), ("BCRB", "7", "equivalent", None),
        ("BAFR", "6", "equivalent", None), ("BOTH", "8", "equivalent", None), ("CHNE", "2", "equivalent", None),
        ("OOTH", "19", "narrower", "Lossy: ONS 19 'Any other ethnic group' excludes Arab (18), which DfE OOTH includes."),
        ("REFU", None, "unmatched", "Not an ethnic group: record data-absent-reason asked-declined."),
        ("NOBT", None, "unmatched", "Not an ethnic group: record data-absent-reason not-asked."),
    ]  # fmt: skip
    ons_dfe: list[tuple[str, str | None, str, str | None]] = [
        ("1", "ABAN", "equivalent", None), ("2", "CHNE", "equivalent", None), ("3", "AIND", "equivalent", None),
        ("4", "APKN", "equivalent", None), ("5", "AOTH", "equivalent", None), ("6", "BAFR", "equivalent", None),
        ("7", "BCRB", "equivalent", None), ("8", "BOTH", "equivalent", None), ("9", "MWAS", "equivalent", None),
        ("10", "MWBA", "equivalent", None), ("11", "MWBC", "equivalent", None), ("12", "MOTH", "equivalent", None),
        ("13", "WBRI", "equivalent", None), ("14", "WIRI", "equivalent", None),
        ("15", None, "unmatched", "ONS 'Gypsy or Irish Traveller' spans DfE WIRT (Traveller of Irish heritage) and WROM (Gypsy/Roma); choose from the source record."),
        ("16", "WROM", "wider", "DfE WROM 'Gypsy/Roma' is wider than ONS Roma."),
        ("17", "WOTH", "equivalent", None),
        ("18", "OOTH", "wider", "Lossy: DfE has no Arab category; OOTH is wider."),
        ("19", "OOTH", "wider", "DfE OOTH also covers Arab, which ONS 2021 separates (18)."),
    ]  # fmt: skip
    absent_nhs: list[tuple[str, str | None, str, str | None]] = [
        ("asked-declined", "Z", "equivalent", "Not stated: the person was asked and chose not to say."),
        ("not-asked", "99", "equivalent", "Not known, the default code: the person was not asked."),
        ("asked-unknown", "99", "equivalent", "Not known: the person was asked and could not answer."),
        ("unknown", "99", "wider", "Not known, the default code; it also covers not asked."),
        ("not-applicable", "99", "wider", "NHS England has no 'does not apply'; the default 'Not known' is wider."),
    ]
    return [
        conceptmap(
            ctx, "absent-reason-to-nhs-ethnic-category", "AbsentReasonToNhsEthnicCategory",
            "Absent reason to NHS England ethnic category",
            "How a stated absence of the ethnic category is coded in the UK Core ethnic category extension, whose "
            "ValueSet (UK Core, extensible binding) the standard does not own: the NHS Data Dictionary codes Z "
            "'Not stated' and 99 'Not known', which UK Core includes. The record carries this coding together with "
            "the data-absent-reason coding that gives the precise reason.",
            ctx.vs("characteristic-absent-reason"), ctx.vs("nhs-ethnic-category"), DAR_CS, nhs, absent_nhs,
        ),
        conceptmap(
            ctx, "dfe-ethnicity-to-nhs-ethnic-category", "DfeEthnicityToNhsEthnicCategory",
            "DfE ethnicity to NHS England ethnic category",
            "Maps the DfE CIN census ethnicity codes to NHS England ethnic category (UK Core England). Lossy where "
            "NHS England has no category (WIRT, WROM). This is the standard's own map drawn from the labels; it is "
            "not an official DfE or NHS England map.",
            ctx.vs("ethnicity-dfe"), ctx.vs("nhs-ethnic-category"), dfe, nhs, dfe_nhs,
        ),
        conceptmap(
            ctx, "ons-2021-ethnicity-to-nhs-ethnic-category", "Ons2021EthnicityToNhsEthnicCategory",
            "ONS 2021 ethnic group to NHS England ethnic category",
            "Maps the ONS Census 2021 ethnic groups to NHS England ethnic category (the 2001-census 16+1). Lossy for "
            "Gypsy or Irish Traveller, Roma and Arab, which NHS England does not have. Not an official map.",
            ctx.vs("ethnicity-ons-2021"), ctx.vs("nhs-ethnic-category"), ons, nhs, ons_nhs,
        ),
        conceptmap(
            ctx, "dfe-ethnicity-to-ons-2021-ethnicity", "DfeEthnicityToOns2021Ethnicity",
            "DfE ethnicity to ONS 2021 ethnic group",
            "Maps DfE CIN census ethnicity codes to ONS Census 2021 ethnic groups where a mapping exists. Not an "
            "official map.",
            ctx.vs("ethnicity-dfe"), ctx.vs("ethnicity-ons-2021"), dfe, ons, dfe_ons,
        ),
        conceptmap(
            ctx, "ons-2021-ethnicity-to-dfe-ethnicity", "Ons2021EthnicityToDfeEthnicity",
            "ONS 2021 ethnic group to DfE ethnicity",
            "Maps ONS Census 2021 ethnic groups to DfE CIN census ethnicity codes where a mapping exists. Not an "
            "official map.",
            ctx.vs("ethnicity-ons-2021"), ctx.vs("ethnicity-dfe"), ons, dfe, ons_dfe,
        ),
    ]  # fmt: skip
