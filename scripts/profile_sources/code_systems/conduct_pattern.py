"""The conduct-pattern code system (Pattern of conduct)."""

from __future__ import annotations

from profile_sources.terminology import CS, C


def code_system() -> CS:
    return CS(
        "conduct-pattern",
        "ConductPattern",
        "Pattern of conduct",
        "Whether abusive behaviour is a single incident or a course of conduct. Under DA Act 2021 s1(3) it does not "
        "matter which; the pattern is recorded so a course of conduct is visible.",
        [
            C(
                "single-incident",
                "Single incident",
                "The behaviour is a single incident with no known earlier related behaviour.",
            ),
            C(
                "course-of-conduct",
                "Course of conduct",
                "The behaviour is part of a course of conduct: repeated or continuous behaviour by the same person.",
            ),
        ],
    )
