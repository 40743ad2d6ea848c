"""The plain-words sentences of a difference-in-differences, and of the adjustment for
who answered (`adjustment_sentences`), in every language.

β is the change in covered neighborhoods minus the change in the others, so the
sentence says how the covered neighborhoods moved *relative to* the others: "fell by 3
points relative to the other neighborhoods" is true whether both rose (covered less),
both fell (covered more) or they went opposite ways; "fell 3 points more in covered
neighborhoods" would not be. The interval and the p-value come from one method (the
wild cluster bootstrap when it decides the headline, else the clustered t-test) and the
sentence names it; when the bootstrap cannot give an interval, the sentence says so
rather than borrowing the analytic one. surveys/analysis/impact_report.py calls it.
"""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext

from .trends import FAVORABLE

LANGUAGES = ("en", "es", "ar")


def sentences(label: str, measure: str, did, scale: float, intervention: str) -> dict:
    """{language: sentence} for an `impact.Estimate`."""
    result = {}
    for language in LANGUAGES:
        with translation.override(language):
            result[language] = _sentence(label, measure, did, scale, intervention)
    return result


def _p_text(p: float) -> str:
    return "< 0.001" if p < 0.001 else f"= {p:.3f}"


def _sentence(label, measure, did, scale, intervention) -> str:
    places = 0 if measure == FAVORABLE else 2

    def number(value):
        return f"{value:.{places}f}"

    estimate = did.estimate * scale
    values = {
        "question": label,
        "intervention": intervention,
        "measure": gettext("favorable share") if measure == FAVORABLE else gettext("mean"),
        "unit": gettext("percentage points") if measure == FAVORABLE else gettext("scale points"),
        "method": (
            gettext("wild cluster bootstrap") if did.bootstrap else gettext("clustered t-test")
        ),
        "p": _p_text(did.headline_p),
        "size": number(abs(estimate)),
    }
    ci = did.headline_ci
    if ci is None:
        values["size"] = number(estimate)
        return (
            gettext(
                "“%(question)s”: relative to the other neighborhoods, the %(measure)s in "
                "covered neighborhoods changed by %(size)s %(unit)s (the change there minus "
                "the change elsewhere); the %(method)s gave no interval (p %(p)s). This "
                "compares neighborhoods; it neither proves nor rules out an effect of "
                "“%(intervention)s”."
            )
            % values
        )
    low, high = ci[0] * scale, ci[1] * scale
    if high < 0 or low > 0:
        fell = high < 0
        values.update(
            low=number(-high if fell else low),
            high=number(-low if fell else high),
        )
        template = (
            gettext(
                "“%(question)s”: relative to the other neighborhoods, the %(measure)s in "
                "covered neighborhoods fell by %(size)s %(unit)s (interval %(low)s to "
                "%(high)s, %(method)s, p %(p)s): the change there minus the change "
                "elsewhere, whichever way each went. This compares neighborhoods; it does "
                "not prove that “%(intervention)s” caused it."
            )
            if fell
            else gettext(
                "“%(question)s”: relative to the other neighborhoods, the %(measure)s in "
                "covered neighborhoods rose by %(size)s %(unit)s (interval %(low)s to "
                "%(high)s, %(method)s, p %(p)s): the change there minus the change "
                "elsewhere, whichever way each went. This compares neighborhoods; it does "
                "not prove that “%(intervention)s” caused it."
            )
        )
        return template % values
    values.update(size=number(estimate), low=number(low), high=number(high))
    return (
        gettext(
            "“%(question)s”: relative to the other neighborhoods, the %(measure)s in covered "
            "neighborhoods changed by %(size)s %(unit)s (the change there minus the change "
            "elsewhere), but the interval (%(low)s to %(high)s, %(method)s, p %(p)s) "
            "includes no difference. This compares neighborhoods; it neither proves nor "
            "rules out an effect of “%(intervention)s”."
        )
        % values
    )


def adjustment_sentences(labels: list[str]) -> dict:
    """{language: sentence} saying what adjusting for `labels` (about-the-respondent
    questions) does and does not do (surveys/analysis/adjustment.py)."""
    result = {}
    for language in LANGUAGES:
        with translation.override(language):
            result[language] = gettext(
                "Adjusted for %(questions)s: in every period, each neighborhood's "
                "respondents are weighted to that neighborhood's usual mix of answers to "
                "these questions, so a change in who answered them does not move the "
                "figures; those who did not answer or preferred not to say count as a "
                "group of their own. It cannot correct for differences in who answered "
                "that these questions do not capture; and if an intervention or event under "
                "study itself changed these answers (more people preferring not to say, "
                "people moving away), it removes part of a real effect. The intervals "
                "include the uncertainty of the usual mix, which is estimated from the same "
                "respondents; they can be wider or narrower than the unadjusted ones."
            ) % {"questions": ", ".join(f"“{label}”" for label in labels)}
    return result
