"""Periods whose figures are published: answers dated inside them are never added later.

A public results page shows frozen releases of closed periods (surveys/frozen_releases.py):
once a period's figures are stored, a response dated inside it changes no published
figure, and a re-publication would be attacked for the difference it makes. Paper
imports nonetheless refuse rows dated inside a frozen period of any results page of the
survey, so that the team's own figures and the public ones agree, and so that a
re-publication never has back-dated paper rows to reveal.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from ..models import SurveyPage


@dataclass(frozen=True)
class PublishedWindow:
    title: str
    since: datetime.date | None
    until: datetime.date

    def holds(self, day: datetime.date) -> bool:
        return (self.since is None or self.since <= day) and day <= self.until


def published_windows(survey: SurveyPage) -> list[PublishedWindow]:
    """The frozen periods of the results pages of `survey` (in any of its languages)."""
    from ..frozen_releases import ResultsRelease

    releases = (
        ResultsRelease.objects.filter(survey=survey.responses_survey)
        .order_by("starts_on", "ends_on", "page_title")
        .values_list("page_title", "period_name", "starts_on", "ends_on")
        .distinct()
    )
    return [
        PublishedWindow(f"{title}, {name}" if name else title, since, until)
        for title, name, since, until in releases
    ]
