"""The relationship-type code system (Relationship type)."""

from __future__ import annotations

from profile_sources.terminology import CS, C


def code_system() -> CS:
    return CS(
        "relationship-type",
        "RelationshipType",
        "Relationship type",
        "What person B is to person A in a DARelationship, current or former. Each code carries the Domestic Abuse "
        "Act 2021 s2 personal connection it establishes (property connection, a code of personally-connected), "
        "so whether two people are personally connected can be derived.",
        [
            C("spouse", "Spouse", "B is A's husband or wife.", props={"connection": "married"}),
            C("former-spouse", "Former spouse", "B was A's husband or wife.", props={"connection": "married"}),
            C("civil-partner", "Civil partner", "B is A's civil partner.", props={"connection": "civil-partners"}),
            C(
                "former-civil-partner",
                "Former civil partner",
                "B was A's civil partner.",
                props={"connection": "civil-partners"},
            ),
            C(
                "engaged",
                "Engaged",
                "B and A have agreed to marry or entered a civil partnership agreement, whether or not it has ended.",
                props={"connection": "agreed-to-marry"},
            ),
            C(
                "intimate-partner",
                "Intimate partner",
                "B is in an intimate personal relationship with A.",
                props={"connection": "intimate-relationship"},
            ),
            C(
                "former-intimate-partner",
                "Former intimate partner",
                "B was in an intimate personal relationship with A.",
                props={"connection": "intimate-relationship"},
            ),
            C(
                "co-parent",
                "Co-parent",
                "B and A each have, or have had, a parental relationship to the same child.",
                props={"connection": "shared-parental-relationship"},
            ),
            C("parent", "Parent", "B is A's father or mother.", props={"connection": "parent"}),
            C(
                "step-parent",
                "Step-parent",
                "B is A's stepfather or stepmother.",
                props={"connection": "step-parent"},
            ),
            C("child", "Child", "B is A's son or daughter.", props={"connection": "child"}),
            C("step-child", "Step-child", "B is A's stepson or stepdaughter.", props={"connection": "step-child"}),
            C(
                "sibling",
                "Sibling",
                "B is A's brother or sister (full blood, half blood or by marriage).",
                props={"connection": "sibling"},
            ),
            C("grandparent", "Grandparent", "B is A's grandparent.", props={"connection": "grandparent"}),
            C("grandchild", "Grandchild", "B is A's grandchild.", props={"connection": "grandchild"}),
            C(
                "other-relative",
                "Other relative",
                "B is another relative of A within Family Law Act 1996 s63(1).",
                props={"connection": "relative"},
            ),
            C(
                "has-parental-responsibility",
                "Has parental responsibility",
                "B has parental responsibility for A, a child, without being A's parent.",
                props={"connection": "has-parental-responsibility"},
            ),
            C(
                "household-member",
                "Household member",
                "B lives or has lived in the same household as A, with no other connection.",
                props={"connection": "same-household"},
            ),
            C(
                "not-connected",
                "Not personally connected",
                "B is not personally connected to A (for example a friend or neighbour).",
            ),
        ],
        properties=[
            ("connection", "code", "The personally-connected code (DA Act 2021 s2) this relationship establishes.")
        ],
    )
