"""A resident answers the demo survey on a phone; the answer appears in the admin."""

from io import StringIO

import pytest
from django.core.management import call_command

from surveys.models import Answer, Response, SurveyPage
from tests.browser.conftest import sign_in
from tests.factories import make_staff, release_everything

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(live_server):
    call_command("seed_demo", "--no-responses", stdout=StringIO())
    make_staff("staff", superuser=True)
    return SurveyPage.objects.get(locale__language_code="en")


def test_answer_the_demo_survey_on_a_phone_and_see_it_in_the_admin(
    live_server, demo, phone, desktop
):
    phone.goto(live_server.url + "/")
    phone.get_by_role("link", name=demo.title).click()
    assert phone.get_by_role("heading", level=1).inner_text() == demo.title
    # Nothing on the page is wider than the phone.
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360

    # Submitting without the required neighborhood shows the error summary.
    phone.get_by_role("button", name="Send my answers").click()
    summary = phone.locator("#error-summary")
    assert "Which neighborhood do you live in?" in summary.inner_text()
    summary.get_by_role("link").first.click()
    assert phone.evaluate("document.activeElement.id") == "id_q-area"

    phone.get_by_label("Which neighborhood do you live in?").select_option(label="La Loma")
    phone.get_by_label("How many years have you lived in this neighborhood?").fill("7")
    trust = phone.get_by_role(
        "group", name="I trust the local police to do what is right for my neighborhood."
    )
    trust.get_by_label("Disagree", exact=True).check()
    phone.get_by_role(
        "group", name="Overall, how much do you trust the local police?"
    ).get_by_label("3", exact=True).check()
    avoided = phone.get_by_role("group", name="In the last 12 months, have you or your family")
    avoided.get_by_label("Driving").check()
    avoided.get_by_label("Court").check()
    phone.get_by_label("Is there anything else").fill("More lights near the bus stop.")
    phone.get_by_role("button", name="Send my answers").click()
    phone.wait_for_url("**/thanks/")
    assert "Thank you" in phone.get_by_role("heading", level=1).inner_text()

    response = Response.objects.get()
    assert response.neighborhood.code == "la-loma"
    assert sorted(Answer.objects.filter(key="avoided").values_list("code", flat=True)) == [
        "court",
        "driving",
    ]

    sign_in(desktop, live_server.url, "staff@example.org")
    release_everything()  # as a release does once the day has closed
    desktop.goto(live_server.url + f"/admin/surveys/{demo.pk}/responses/")
    table = desktop.locator("table.listing").inner_text()
    assert "La Loma" in table and "Driving; Court" in table
    assert "More lights near the bus stop." in table
    assert "1 response in all." in desktop.content()


def test_the_survey_works_with_javascript_off(live_server, demo, browser):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + demo.url)
    page.get_by_label("Which neighborhood do you live in?").select_option(label="Northgate")
    page.get_by_role("button", name="Send my answers").click()
    page.wait_for_url("**/thanks/")
    context.close()
    assert Response.objects.filter(neighborhood__code="northgate").count() == 1


def test_nothing_is_wider_than_a_320_px_screen(live_server, demo, browser):
    context = browser.new_context(viewport={"width": 320, "height": 568})
    page = context.new_page()
    for url in ("/", demo.url):
        page.goto(live_server.url + url)
        assert page.evaluate("document.documentElement.scrollWidth") <= 320, url
    page.get_by_role("button", name="Send my answers").click()
    # The summary arrives with the next page; wait for it rather than look at once.
    page.locator("#error-summary").wait_for(state="visible")
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    context.close()
