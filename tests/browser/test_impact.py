"""Issue 23 in a real browser: the admin's Trends & impact view, in English and Spanish,
shows the trend chart (covered and comparison neighborhoods told apart by line style and
a legend), the estimate with its interval, the pre-trend check and the plain-words
sentence, under the Content Security Policy and without an axe violation."""

import pytest
from django.urls import reverse
from django.utils import translation
from wagtail.users.models import UserProfile

from surveys.models import Intervention
from tests.analysis.test_impact_path import study  # noqa: F401 (the fixture)
from tests.browser.conftest import check, sign_in
from tests.factories import make_staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _said(language: str, text: str) -> str:
    with translation.override(language):
        return translation.gettext(text)


def test_the_admin_shows_trends_and_impact_in_english_and_spanish(
    live_server,
    study,  # noqa: F811
    browser,
    desktop,
    axe_source,
):
    # One test for both languages: a live-server test's flush takes the page tree with it.
    survey, _rows = study
    user = make_staff("root", superuser=True)
    intervention = Intervention.objects.get(name="Task force")
    errors: list[str] = []
    desktop.on(
        "console",
        lambda m: errors.append(m.text) if "Content Security Policy" in m.text else None,
    )
    sign_in(desktop, live_server.url, "root@example.org")
    url = reverse("surveys_admin:impact", args=[survey.pk])
    for language in ("en", "es"):
        profile = UserProfile.get_for_user(user)
        profile.preferred_language = language
        profile.save()
        address = f"{live_server.url}{url}?period=month&intervention={intervention.pk}"
        desktop.goto(address)
        shows_trends_and_impact(desktop, language)
        # axe is injected as a script the policy (rightly) refuses: the same session,
        # with the policy bypassed, for axe only.
        audit = browser.new_context(
            storage_state=desktop.context.storage_state(),
            bypass_csp=True,
            viewport={"width": 1280, "height": 900},
        )
        page = audit.new_page()
        page.goto(address)
        page.get_by_text(
            _said(language, "Covered and comparison neighborhoods, by period")
        ).first.click()
        check(page, axe_source, f"{language} trends and impact")
        audit.close()
    assert errors == []


def shows_trends_and_impact(desktop, language: str) -> None:
    section = desktop.locator("section.question-results").first
    heading = desktop.get_by_role("heading", level=1)
    assert _said(language, "Trends & impact") in heading.inner_text()

    chart = section.locator("svg.chart.trend")
    assert chart.is_visible() and chart.bounding_box()["width"] > 300
    legend = chart.locator("text.label").all_text_contents()
    assert legend == [
        _said(language, "Covered neighborhoods"),
        _said(language, "Comparison neighborhoods"),
    ]
    # Told apart without colour: a solid line with circles, a dashed one with squares.
    assert chart.locator("polyline.line.solid").count() >= 1
    assert chart.locator("polyline.line.dashed").count() >= 1
    assert chart.locator("rect.dot.dashed").count() >= 1
    assert chart.locator("line.mark").count() == 2

    estimate = section.locator("table.results-table").first
    assert _said(language, "Clustered by neighborhood") in estimate.inner_text()
    assert " – " in estimate.locator("tbody tr").first.inner_text()  # the interval
    assert _said(language, "Pre-trend check") in section.inner_text()
    sentence = section.locator(".impact-sentence").inner_text()
    assert ("does not prove" if language == "en" else "no demuestra") in sentence
    assert section.get_by_text(
        _said(language, "Covered and comparison neighborhoods, by period")
    ).is_visible()
