"""A resident on a phone: logic as they answer, pages, continue later on another device.

The same survey with JavaScript off still works: conditional questions stay visible
with their condition in words, and the server discards what does not apply.
"""

import re
from io import StringIO

import pytest
from django.core.management import call_command

from cms.models import HomePage, Neighborhood
from surveys.models import Answer, Response
from tests.browser.conftest import check
from tests.factories import make_survey
from tests.surveys.conftest import paged_body

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def paged(live_server):
    # The demo site gives the page tree (a live server's database is flushed between
    # tests, Wagtail's root page with it) and its neighborhoods.
    call_command("seed_demo", "--no-responses", stdout=StringIO())
    home = HomePage.objects.get(locale__language_code="en")
    body = paged_body()
    return make_survey(home, body, slug="paged", title="Paged survey")


def area() -> Neighborhood:
    return Neighborhood.objects.order_by("name").first()


def a_phone(browser, **options):
    # bypass_csp lets the test inject axe-core; the page's own script runs either way.
    context = browser.new_context(viewport={"width": 360, "height": 640}, has_touch=True, **options)
    return context.new_page()


def test_logic_pages_and_continue_later_on_another_device(live_server, paged, browser, axe_source):
    axe = axe_source
    phone = a_phone(browser, bypass_csp=True)
    phone.goto(live_server.url + paged.url)
    why = phone.get_by_label("What reason were you given?")
    stopped = phone.get_by_role("group", name="Were you stopped?")
    assert not why.is_visible()  # hidden until the answer it depends on says so
    stopped.get_by_label("Yes").check()
    assert why.is_visible()
    stopped.get_by_label("No").check()
    assert not why.is_visible()
    assert not phone.locator(".condition-note").first.is_visible()
    check(phone, axe, "first page")

    stopped.get_by_label("Yes").check()
    why.fill("A broken tail light")
    phone.get_by_label("Which neighborhood?").select_option(label=area().name)
    phone.get_by_role("button", name="Next").click()
    phone.get_by_text("Page 2 of 3").wait_for()  # the next page, not the one just left
    assert phone.get_by_role("progressbar").get_attribute("value") == "2"
    helpers = phone.get_by_role("group", name="Whom would you call?")
    helpers.get_by_label("Someone else", exact=True).check()
    phone.get_by_label("If “Someone else”, please specify").fill("My pastor")
    phone.get_by_label("Years here?").fill("2")
    check(phone, axe, "second page")

    phone.get_by_role("button", name="Continue later").click()
    code = phone.locator("#resume-code").inner_text()
    assert re.fullmatch(r"[2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4}", code)
    check(phone, axe, "saved")
    assert Response.objects.get().status == "partial"

    phone.context.close()
    other = a_phone(browser, bypass_csp=True)
    other.goto(live_server.url + paged.url + "resume/")
    check(other, axe, "resume")
    other.get_by_label("Resume code").fill(code.lower())
    other.get_by_role("button", name="Continue").click()
    # The response opens where the resident stopped, and says so.
    other.get_by_text("Page 2 of 3").wait_for()
    assert other.get_by_role("status").filter(has_text="Welcome back").is_visible()
    assert other.get_by_label("If “Someone else”, please specify").input_value() == "My pastor"
    other.get_by_role("button", name="Back").click()
    other.get_by_text("Page 1 of 3").wait_for()
    assert other.get_by_label("What reason were you given?").input_value() == "A broken tail light"
    other.get_by_role("button", name="Next").click()
    other.get_by_text("Page 2 of 3").wait_for()
    other.get_by_role("button", name="Next").click()
    other.get_by_text("Page 3 of 3").wait_for()
    other.get_by_role("group", name="I know where to get help.").get_by_label(
        "Agree", exact=True
    ).check()
    other.get_by_role("button", name="Send my answers").click()
    other.get_by_role("heading", name="Thank you").wait_for()
    other.context.close()

    response = Response.objects.get()
    assert response.status == "complete" and response.neighborhood == area()
    assert set(Answer.objects.filter(key="called").values_list("code", "text")) == {
        ("other", "My pastor")
    }


def test_without_javascript_conditions_are_shown_in_words(live_server, paged, browser):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + paged.url)
    why = page.get_by_label("What reason were you given?")
    assert why.is_visible()
    assert page.get_by_text(
        "Answer only if you answered “Yes” to “Were you stopped?”."
    ).is_visible()
    page.get_by_role("group", name="Were you stopped?").get_by_label("No").check()
    why.fill("typed before changing my mind")
    page.get_by_role("button", name="Next").click()
    page.get_by_label("Years here?").fill("30")
    # Page 3 still counted (it depends on this answer): the server skips it and sends.
    # Enter in a field submits with the first button, which is Next, never Back.
    page.get_by_label("Years here?").press("Enter")
    page.get_by_role("heading", name="Thank you").wait_for()
    context.close()
    assert set(Answer.objects.values_list("key", flat=True)) == {"stopped", "years"}


def test_the_organizers_sentence_is_read_without_javascript_and_hidden_with_it(
    live_server, paged, browser
):
    from tests.surveys.test_condition_hints import HINT, hinted_body

    home = HomePage.objects.get(locale__language_code="en")
    hinted = make_survey(home, hinted_body(), slug="hinted", title="Hinted survey")
    without = browser.new_context(java_script_enabled=False)
    page = without.new_page()
    page.goto(live_server.url + hinted.url)
    assert page.get_by_text(HINT).is_visible()
    assert page.get_by_text("Answer only if").count() == 0
    without.close()
    phone = a_phone(browser)
    phone.goto(live_server.url + hinted.url)
    assert not phone.get_by_text(HINT).is_visible()
    phone.context.close()


def test_the_logic_script_runs_under_the_sites_content_security_policy(live_server, paged, browser):
    page = a_phone(browser)
    refused = []
    page.on(
        "console",
        lambda message: (
            refused.append(message.text) if "Content Security" in message.text else None
        ),
    )
    page.goto(live_server.url + paged.url)
    assert not page.get_by_label("What reason were you given?").is_visible()
    page.get_by_role("group", name="Were you stopped?").get_by_label("Yes").check()
    assert page.get_by_label("What reason were you given?").is_visible()
    assert refused == []
    page.context.close()
