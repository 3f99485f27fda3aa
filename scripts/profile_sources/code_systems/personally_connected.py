# ruff: noqa: E501  (a catalogue of code-system text: definitions and source URLs are kept on one line each)
"""The personally-connected code system (Personal connection)."""

from __future__ import annotations

from profile_sources.terminology import CS, LEGAL, C


def code_system() -> CS:
    lb = LEGAL[0]
    return CS(
        "personally-connected",
        "PersonallyConnected",
        "Personal connection",
        "How two people are personally connected, following Domestic Abuse Act 2021 s2(1)(a)-(g) and the "
        "parental relationship of s2(2); 'relative' is refined with the relatives of Family Law Act 1996 s63(1); "
        "and 'same household' adds the Welsh 'associated' limb (VAWDASV (Wales) Act 2015 s24). Codes state what "
        "person B is to person A; s2 says 'are, or have been', and the current status is in relationship episodes.",
        [
            C(
                "married",
                "Married",
                "They are, or have been, married to each other (s2(1)(a)).",
                props={lb: "DA Act 2021 s2(1)(a)"},
            ),
            C(
                "civil-partners",
                "Civil partners",
                "They are, or have been, civil partners of each other (s2(1)(b)).",
                props={lb: "DA Act 2021 s2(1)(b)"},
            ),
            C(
                "agreed-to-marry",
                "Agreed to marry",
                "They have agreed to marry one another, whether or not the agreement has been terminated (s2(1)(c)).",
                props={lb: "DA Act 2021 s2(1)(c)"},
            ),
            C(
                "civil-partnership-agreement",
                "Civil partnership agreement",
                "They have entered into a civil partnership agreement, whether or not it has been terminated (s2(1)(d)).",
                props={lb: "DA Act 2021 s2(1)(d)"},
            ),
            C(
                "intimate-relationship",
                "Intimate personal relationship",
                "They are, or have been, in an intimate personal relationship with each other (s2(1)(e)).",
                props={lb: "DA Act 2021 s2(1)(e)"},
            ),
            C(
                "shared-parental-relationship",
                "Parental relationship to the same child",
                "They each have, or there has been a time when they each have had, a parental relationship in "
                "relation to the same child (s2(1)(f)).",
                props={lb: "DA Act 2021 s2(1)(f)"},
            ),
            C(
                "relative",
                "Relative",
                "They are relatives (s2(1)(g)), as defined in Family Law Act 1996 s63(1), including relatives by "
                "marriage or civil partnership and of the half blood.",
                [
                    C(
                        "parent",
                        "Parent",
                        "B is the father or mother of A (a parental relationship, s2(2)).",
                        props={lb: "FLA 1996 s63(1); DA Act 2021 s2(2)"},
                    ),
                    C(
                        "step-parent",
                        "Step-parent",
                        "B is the stepfather or stepmother of A.",
                        props={lb: "FLA 1996 s63(1)"},
                    ),
                    C("child", "Child", "B is the son or daughter of A.", props={lb: "FLA 1996 s63(1)"}),
                    C(
                        "step-child",
                        "Step-child",
                        "B is the stepson or stepdaughter of A.",
                        props={lb: "FLA 1996 s63(1)"},
                    ),
                    C(
                        "grandparent",
                        "Grandparent",
                        "B is the grandmother or grandfather of A.",
                        props={lb: "FLA 1996 s63(1)"},
                    ),
                    C(
                        "grandchild",
                        "Grandchild",
                        "B is the grandson or granddaughter of A.",
                        props={lb: "FLA 1996 s63(1)"},
                    ),
                    C(
                        "sibling",
                        "Sibling",
                        "B is the brother or sister of A (full blood, half blood or by marriage or civil partnership).",
                        props={lb: "FLA 1996 s63(1)"},
                    ),
                    C(
                        "aunt-or-uncle",
                        "Aunt or uncle",
                        "B is the aunt or uncle of A.",
                        props={lb: "FLA 1996 s63(1)"},
                    ),
                    C(
                        "niece-or-nephew",
                        "Niece or nephew",
                        "B is the niece or nephew of A.",
                        props={lb: "FLA 1996 s63(1)"},
                    ),
                    C("first-cousin", "First cousin", "B is a first cousin of A.", props={lb: "FLA 1996 s63(1)"}),
                ],
                props={lb: "DA Act 2021 s2(1)(g); FLA 1996 s63(1)"},
            ),
            C(
                "has-parental-responsibility",
                "Has parental responsibility",
                "B has parental responsibility (Children Act 1989 s3) for A, a child: a parental relationship under s2(2).",
                props={lb: "DA Act 2021 s2(2)"},
            ),
            C(
                "same-household",
                "Same household",
                "They live or have lived in the same household ('associated' persons in Wales, VAWDASV (Wales) Act "
                "2015 s24). Not a personal connection under the DA Act 2021 on its own.",
                props={lb: "VAWDASV (Wales) Act 2015 s24"},
            ),
        ],
        properties=[LEGAL],
    )
