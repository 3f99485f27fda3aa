# ruff: noqa: E501  (element definitions are prose; each is kept on one line)
"""DAServiceEpisode (Service episode), a profile of EpisodeOfCare."""

from __future__ import annotations

from profile_sources.common import FHIR_SD, JSON
from profile_sources.structures import Builder, el, ext_root, inv, ref


def build(b: Builder) -> JSON:
    """The DAServiceEpisode StructureDefinition."""
    ctx = b.ctx
    person = ctx.sd("DAPerson")
    agency = ctx.sd("DAAgency")
    ext = ctx.sd
    att = ext("attendance")
    return b.profile(
        "DAServiceEpisode",
        "Service episode",
        "A person's engagement with a service: type, status, period, offer outcome, attendance, last contact, end reason and follow-up.",
        "EpisodeOfCare",
        FHIR_SD + "EpisodeOfCare",
        [
            el(
                "EpisodeOfCare",
                "A service episode",
                "One person's engagement with one service.",
                learning="L08, L10, L12, L20",
                constraints=[
                    inv(
                        "da-se-1",
                        "warning",
                        "Sessions attended plus missed do not exceed sessions offered.",
                        f"extension.where(url = '{att}').all((extension.where(url = 'offered').exists() and extension.where(url = 'attended').exists() and extension.where(url = 'missed').exists()) implies (extension.where(url = 'attended').value + extension.where(url = 'missed').value <= extension.where(url = 'offered').value))",
                    ),
                    inv(
                        "da-se-2",
                        "warning",
                        "A finished episode records why it ended.",
                        f"status = 'finished' implies extension.where(url = '{ext('end-reason')}').exists()",
                    ),
                    inv(
                        "da-se-3",
                        "error",
                        "An episode that is not planned or on a waiting list has a period start.",
                        "(status = 'planned' or status = 'waitlist') or period.start.exists()",
                    ),
                ],
            ),
            ext_root("EpisodeOfCare"),
            b.ext_slice(
                "EpisodeOfCare.extension",
                "offerOutcome",
                "offer-outcome",
                0,
                "1",
                "Offer outcome",
                "Accepted, declined or not offered.",
                "L08",
            ),
            b.ext_slice(
                "EpisodeOfCare.extension",
                "attendance",
                "attendance",
                0,
                "1",
                "Attendance",
                "Sessions offered, attended and missed.",
                "L20",
            ),
            b.ext_slice(
                "EpisodeOfCare.extension",
                "lastContact",
                "last-contact",
                0,
                "1",
                "Last contact",
                "When the service last had contact.",
                "L20",
            ),
            b.ext_slice(
                "EpisodeOfCare.extension",
                "endReason",
                "end-reason",
                0,
                "1",
                "End reason",
                "Why the episode ended.",
                "L12",
            ),
            b.ext_slice(
                "EpisodeOfCare.extension",
                "followUp",
                "follow-up",
                0,
                "1",
                "Follow-up",
                "Planned follow-up after the episode.",
                "L12",
            ),
            el("EpisodeOfCare.status", "Status", "The episode's status.", must=True, learning="L20"),
            el(
                "EpisodeOfCare.type",
                "Service type",
                "The kind of service.",
                min=1,
                must=True,
                learning="L10",
                binding=b.bind("extensible", "service-type", "Agencies may use finer local service types."),
            ),
            el(
                "EpisodeOfCare.patient",
                "The person",
                "The person receiving the service.",
                types=[ref(person)],
                must=True,
            ),
            el(
                "EpisodeOfCare.managingOrganization",
                "The service's agency",
                "The agency providing the service.",
                min=1,
                types=[ref(agency)],
                must=True,
            ),
            el(
                "EpisodeOfCare.period",
                "When",
                "When the episode started and ended. Not required while the episode is planned or on a waiting list, because it has not started (a referral that is waiting for a service must still be recordable); every other episode has a start (invariant da-se-3).",
                must=True,
                learning="L12",
            ),
        ],
    )
