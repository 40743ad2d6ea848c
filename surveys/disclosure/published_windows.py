"""Periods whose figures are published: answers dated inside them are never added later.

A public results page prints the figures of a closed window of days. Were a back-dated
paper response added to that window, the page's figures would change, and the
difference between the two versions would be that response's answers. Paper imports
therefore refuse rows dated inside a window a live results page publishes.
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
    """The windows of the live results pages of `survey` (in any of its languages)."""
    # Imported here: cms.models imports this app's models through the results page.
    from cms.models import ResultsPage

    surveys = SurveyPage.objects.filter(translation_key=survey.translation_key)
    pages = ResultsPage.objects.live().filter(survey__in=surveys, until__isnull=False)
    return [PublishedWindow(page.title, page.since, page.until) for page in pages]
