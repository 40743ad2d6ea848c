"""The figures a release of a results page stores: what the page prints for a period,
and what the intruders need to attack the next release of the same days (its audit,
not public). Stored by surveys/frozen_releases.py, shown in previews by
cms/results_page.py."""

from __future__ import annotations

from dataclasses import asdict

from django.conf import settings
from django.utils import translation


def compute(page, period, hide: dict | None = None) -> tuple[dict, dict]:
    """The public figures of `page` for `period` from the responses staff see now, and
    what the intruder needs; `hide` names rows to hide per question key."""
    from .analysis.counts import Selection
    from .analysis.report import WeightingError, build_report
    from .disclosure.cells import respondents_by_row
    from .disclosure.city_only import printed_city_only
    from .disclosure.differencing import printed_to_json, truth_to_json
    from .disclosure.newcomers import sizes_by_row
    from .disclosure.printed import truth
    from .disclosure.publication import printed_of, publish
    from .release import release_due

    release_due(page.survey.specific)
    survey = page.survey.specific.responses_survey
    selection = Selection(survey=survey, since=period.start, until=period.end)
    try:
        report = build_report(selection, weighting=page.weighting, margins=survey.raking_margins)
    except WeightingError:  # populations below responses: never publish such weights
        report = build_report(selection)
    respondents = respondents_by_row(report.selection)
    # Stored once for every language: notes in the site's language, translated on view.
    with translation.override(settings.LANGUAGE_CODE):
        publication = publish(report, page.keys, respondents, hide=hide)
    weighted = report.weighting != "none"
    audited = {}
    for question in publication.questions:
        cells = publication.cells.get(question.key)
        if cells is not None:
            printed = printed_of(
                question, cells, weighted=weighted, hood_ratios=report.weighting != "rake"
            )
        elif (cells := publication.city_cells.get(question.key)) is not None:
            printed = printed_city_only(question, cells, weighted=weighted)
        else:
            continue
        audited[question.key] = {
            "printed": printed_to_json(printed),
            "truth": truth_to_json(truth(cells)),
        }
    figures = {
        # The total is a count like any other: under k it is not shown.
        "responses": report.responses if report.responses >= report.k else None,
        "k": int(report.k),
        "questions": [asdict(q) for q in publication.questions],
        # The multiple-comparison families as they were when the figures were released.
        "primary": list(report.primary_questions),
    }
    free_numbers = [
        key
        for key, q in audited.items()
        if q["printed"]["kind"] == "mean" and not q["printed"]["categories"]
    ]
    # What the p%-rule needs to guard the difference with the next release.
    for key, sizes in sizes_by_row(report.selection, free_numbers).items():
        audited[key]["sizes"] = sizes
    audit = {"k": publication.k, "respondents": publication.respondents, "questions": audited}
    return figures, audit
