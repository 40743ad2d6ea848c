"""WCAG 2.2 AA with axe-core in Chromium, on every public page type, in English and Arabic.

Page types are discovered from the site: every kind of live page, every sub-page route
a page type declares, the survey's states (errors, closed) and the staff sign-in page.
A page type added later is checked without editing this file.
"""

from io import StringIO

import pytest
from django.core.management import call_command
from wagtail.models import Page

from surveys.models import SurveyPage
from tests.browser.conftest import check
from tests.factories import every_type_body, make_survey

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def site(live_server):
    # With responses: results pages then show their charts, tables and maps.
    call_command("seed_demo", stdout=StringIO())
    demo = SurveyPage.objects.get(locale__language_code="en")
    every = make_survey(demo.get_parent(), every_type_body(), slug="every-type", title="Every type")
    closed = make_survey(demo.get_parent(), every_type_body(), slug="closed", title="Closed")
    closed.closes_at = closed.first_published_at
    closed.save_revision().publish()
    return every


def page_type_urls() -> list[tuple[str, str]]:
    """(description, path) for one live page of every page type, and their sub-pages."""
    urls, seen = [], set()
    for page in Page.objects.live().filter(depth__gt=1, locale__language_code="en").specific():
        kind = type(page).__name__
        if kind in seen and kind != "SurveyPage":
            continue
        seen.add(kind)
        urls.append((f"{kind} {page.slug}", page.url))
        for route in getattr(page, "get_subpage_urls", lambda: [])():
            if route.name and not route.pattern.converters:
                urls.append((f"{kind} {route.name}", page.url + page.reverse_subpage(route.name)))
    return urls


@pytest.mark.parametrize("language", ["en", "ar"])
def test_every_public_page_type_has_no_wcag_violations(
    live_server, site, browser, axe_source, language
):
    context = browser.new_context(bypass_csp=True, viewport={"width": 390, "height": 844})
    page = context.new_page()
    checked = []
    for what, url in page_type_urls():
        page.goto(live_server.url + url.replace("/en/", f"/{language}/", 1))
        check(page, axe_source, f"{language} {what}")
        checked.append(what)
        if url.endswith(f"/{site.slug}/"):
            page.get_by_role("button").last.click()  # send the survey empty: errors
            page.locator("#error-summary").wait_for()
            check(page, axe_source, f"{language} survey with errors")
            checked.append("errors")
    for what, url in [("sign-in", "/accounts/login/"), ("not found", f"/{language}/nope/")]:
        page.goto(live_server.url + url)
        check(page, axe_source, f"{language} {what}")
        checked.append(what)
    context.close()
    assert {"HomePage home-riverton", "errors", "sign-in"} <= set(checked)
    assert any(what.startswith("ContentPage") for what in checked)
    assert any(what.endswith("thanks") for what in checked)
