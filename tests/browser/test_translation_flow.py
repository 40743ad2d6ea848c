"""An organizer builds a survey in the admin, translates it into Spanish with
wagtail-localize and publishes it; residents answer in both languages; the admin lists
both answers together, pooled in one survey."""

import re
import time
from io import StringIO

import pytest
from django.core.management import call_command
from playwright.sync_api import expect
from wagtail.models import Locale

from cms.models import HomePage
from surveys.models import Response, SurveyPage
from tests.browser.conftest import sign_in
from tests.factories import make_staff, release_everything

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def site(live_server):
    call_command("seed_demo", "--no-responses", stdout=StringIO())
    make_staff("root", superuser=True)
    return HomePage.objects.get(locale__language_code="en")


def wait_until_live(survey, language: str, seconds: float = 15):
    """The translation, once the publishing request has committed."""
    locale = Locale.objects.get(language_code=language)
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        page = survey.get_translation_or_none(locale)
        if page is not None and page.live and page.specific.live_revision_id:
            return page.specific
        time.sleep(0.2)
    raise AssertionError(f"the {language} translation was not published")


def translate_segment(editor, source_text: str, translation: str) -> None:
    segment = editor.locator("li", has_text=source_text).last
    segment.get_by_role("button", name="Translate").click()
    segment.locator("textarea").fill(translation)
    segment.get_by_role("button", name="Save").click()
    segment.get_by_role("button", name="Edit").wait_for()


def test_organizer_translates_and_both_languages_pool(live_server, site, desktop, phone):
    sign_in(desktop, live_server.url, "root@example.org")
    desktop.goto(live_server.url + f"/admin/pages/add/surveys/surveypage/{site.pk}/")
    desktop.locator("#id_title").fill("Bus stop survey")
    desktop.locator("#panel-child-content-body-section").get_by_title("Insert a block").click()
    desktop.get_by_role("option", name=re.compile("Agreement scale")).click()
    desktop.locator("#body-0-value-label").fill("The bus stop feels safe at night.")
    desktop.get_by_role("button", name="More actions").click()
    desktop.get_by_role("button", name="Publish").click()
    desktop.get_by_text("created and published").wait_for()
    survey = SurveyPage.objects.get(title="Bus stop survey")

    desktop.goto(live_server.url + f"/admin/localize/submit/page/{survey.pk}/")
    desktop.get_by_label("Español").check()
    desktop.get_by_role("button", name="Submit").click()
    desktop.get_by_text("successfully submitted for translation").wait_for()
    # What is left to translate, above the editor, kept current as segments are saved
    # (static/cms/translation-progress.js; tests/browser/test_translation_progress.py).
    left = desktop.locator('[data-progress-tab="content"] [data-progress-untranslated]')
    before = int(left.inner_text())
    assert before >= 2  # the title and the question at least
    translate_segment(desktop, "Bus stop survey", "Encuesta de la parada de autobús")
    expect(left).to_have_text(str(before - 1))
    translate_segment(
        desktop, "The bus stop feels safe at night.", "La parada se siente segura de noche."
    )
    with desktop.expect_navigation():
        desktop.get_by_role("button", name="Publish in Español").click()
    spanish = wait_until_live(survey, "es")

    # A resident in Spanish, on a phone.
    phone.goto(live_server.url + spanish.url)
    assert phone.get_by_role("heading", level=1).inner_text() == "Encuesta de la parada de autobús"
    question = phone.get_by_role("group", name="La parada se siente segura de noche.")
    question.get_by_label("Muy de acuerdo").check()
    phone.get_by_role("button", name="Enviar mis respuestas").click()
    phone.wait_for_url("**/thanks/")
    assert "Gracias" in phone.get_by_role("heading", level=1).inner_text()
    # And one in English.
    phone.goto(live_server.url + survey.url)
    phone.get_by_role("group", name="The bus stop feels safe at night.").get_by_label(
        "Agree", exact=True
    ).check()
    phone.get_by_role("button", name="Send my answers").click()
    phone.wait_for_url("**/thanks/")

    assert sorted(Response.objects.filter(survey=survey).values_list("language", flat=True)) == [
        "en",
        "es",
    ]
    release_everything()  # as a release does once the day has closed
    desktop.goto(live_server.url + f"/admin/surveys/{survey.pk}/responses/")
    table = desktop.locator("table.listing").inner_text()
    assert "2 responses in all." in desktop.content()
    assert "Muy de acuerdo" in table and "Agree" in table
