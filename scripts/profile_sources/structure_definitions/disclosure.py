# ruff: noqa: E501  (element definitions are prose; each is kept on one line)
"""DADisclosure (Disclosure), a profile of Communication."""

from __future__ import annotations

from profile_sources.common import FHIR_SD, JSON
from profile_sources.structures import Builder, el, ext_root, inv, ref, t


def build(b: Builder) -> JSON:
    """The DADisclosure StructureDefinition."""
    ctx = b.ctx
    person = ctx.sd("DAPerson")
    agency = ctx.sd("DAAgency")
    incident = ctx.sd("DAIncident")
    practitioner = FHIR_SD + "Practitioner"
    rt = ctx.cs("record-type")
    ext = ctx.sd
    retracts = ext("retracts")
    return b.profile(
        "DADisclosure",
        "Disclosure",
        "A disclosure of abuse (by whom, to whom, when, about what) and the response to it. A retraction is a later DADisclosure with category retraction whose retracts extension names the original; the original is never deleted.",
        "Communication",
        FHIR_SD + "Communication",
        [
            el(
                "Communication",
                "A disclosure or retraction",
                "A disclosure of abuse, or a later retraction of one.",
                learning="L19, L25",
                constraints=[
                    inv(
                        "da-dis-1",
                        "error",
                        "A retraction names the disclosure it retracts.",
                        f"category.coding.where(system = '{rt}' and code = 'retraction').exists() implies extension.where(url = '{retracts}').exists()",
                    ),
                    inv(
                        "da-dis-2",
                        "error",
                        "Only a retraction names a disclosure it retracts.",
                        f"extension.where(url = '{retracts}').exists() implies category.coding.where(system = '{rt}' and code = 'retraction').exists()",
                    ),
                ],
            ),
            ext_root("Communication"),
            b.ext_slice(
                "Communication.extension",
                "practitioner",
                "practitioner",
                0,
                "1",
                "The individual practitioner",
                "The practitioner who received the disclosure or retraction (name or staff id).",
                "L19",
            ),
            b.ext_slice(
                "Communication.extension",
                "interpreter",
                "interpreter",
                0,
                "1",
                "Who interpreted",
                "Who interpreted at the disclosure or retraction, when the person disclosing needs an interpreter (DA3708).",
                "L19, L25",
            ),
            b.ext_slice(
                "Communication.extension",
                "personPresent",
                "persons-present",
                0,
                "*",
                "Who else was present",
                "A person of the record present at the disclosure or retraction.",
                "L19, L25",
            ),
            b.ext_slice(
                "Communication.extension",
                "response",
                "disclosure-response",
                0,
                "*",
                "Response to the disclosure",
                "What was done in response.",
                "L19",
            ),
            b.ext_slice(
                "Communication.extension",
                "retracts",
                "retracts",
                0,
                "1",
                "Retracted disclosure",
                "On a retraction: the disclosure retracted.",
                "L19, L25",
            ),
            el(
                "Communication.status",
                "Record status",
                "The status of the record. A disclosure is never set to entered-in-error because it was retracted.",
                must=True,
            ),
            el(
                "Communication.category",
                "Disclosure or retraction",
                "Whether this is a disclosure or a retraction.",
                min=1,
                max="1",
                must=True,
                binding=b.bind("required", "disclosure-category", "Disclosure or retraction."),
            ),
            el(
                "Communication.subject",
                "The victim",
                "The person the disclosure is about.",
                types=[ref(person)],
                must=True,
            ),
            el(
                "Communication.about",
                "The incident(s)",
                "The incidents the disclosure is about.",
                types=[ref(incident)],
            ),
            el(
                "Communication.sent",
                "When disclosed",
                "When the disclosure was made.",
                min=1,
                must=True,
                learning="L19",
            ),
            el(
                "Communication.recipient",
                "To whom",
                "The practitioner or agency disclosed to.",
                min=1,
                types=[ref(practitioner, agency)],
                must=True,
                learning="L19",
            ),
            el(
                "Communication.sender",
                "By whom",
                "The person who disclosed.",
                min=1,
                types=[ref(person)],
                must=True,
                learning="L19",
            ),
            el(
                "Communication.payload",
                "What was disclosed",
                "What was disclosed, in the discloser's words where possible.",
                must=True,
            ),
            el("Communication.payload.content[x]", "Text", "The disclosure as text.", types=[t("string")]),
        ],
    )
