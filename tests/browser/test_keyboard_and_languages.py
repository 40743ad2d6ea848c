"""A resident on a keyboard only, in Spanish on a phone, and in Arabic right to left."""

import re
from io import StringIO
from pathlib import Path

import polib
import pytest
from django.core.management import call_command
from wagtail.models import Locale
from wagtail_localize.models import Translation, TranslationSource

from cms.demo.spanish import SPANISH
from surveys.models import Response, SurveyPage
from tests.factories import every_type_body, make_survey

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(live_server):
    call_command("seed_demo", "--no-responses", stdout=StringIO())
    return SurveyPage.objects.get(locale__language_code="en")


def focused(page) -> dict:
    return page.evaluate(
        """() => { const el = document.activeElement; const style = getComputedStyle(el);
        return {id: el.id, tag: el.tagName, type: el.type || "", outline: style.outlineStyle,
                width: parseFloat(style.outlineWidth)}; }"""
    )


def tab_to(page, element_id: str, limit: int = 80) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        now = focused(page)
        assert now["outline"] != "none" and now["width"] >= 2, f"focus not visible on {now}"
        if now["id"] == element_id:
            return
    raise AssertionError(f"never reached #{element_id} with Tab")


def test_a_survey_can_be_completed_with_the_keyboard_alone(live_server, demo, browser):
    survey = make_survey(demo.get_parent(), every_type_body(), slug="keys", title="Keys")
    page = browser.new_context().new_page()
    page.goto(live_server.url + survey.url)
    # Sent empty first: focus moves to the error summary, whose links lead to the fields.
    tab_to(page, "survey-submit")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert focused(page)["id"] == "error-summary"
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    assert focused(page)["id"] == "id_q-color_0"
    page.keyboard.press("ArrowDown")  # radio groups move with the arrows
    tab_to(page, "id_q-places_0")
    page.keyboard.press("Space")
    tab_to(page, "id_q-age")
    page.keyboard.type("40")
    tab_to(page, "survey-submit")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith("/thanks/")
    response = Response.objects.get()
    codes = set(response.answers.values_list("key", "code"))
    assert ("color", "g") in codes and ("places", "a") in codes
    assert response.answers.get(key="age").number == 40


def visible_english(text: str) -> list[str]:
    catalogue = polib.pofile(str(ROOT / "locale/es/LC_MESSAGES/django.po"))
    english = [e.msgid for e in catalogue if e.msgid != e.msgstr and len(e.msgid.split()) >= 2]
    english += [source for source in SPANISH if len(source.split()) >= 3]
    flat = " ".join(text.split())
    return [phrase for phrase in english if " ".join(phrase.split()) in flat]


def test_a_spanish_speaker_answers_on_a_phone_without_meeting_english(live_server, demo, browser):
    context = browser.new_context(
        viewport={"width": 360, "height": 640}, has_touch=True, locale="es-MX"
    )
    page = context.new_page()
    page.goto(live_server.url + "/")
    assert page.url == live_server.url + "/es/"
    assert not visible_english(page.inner_text("body"))
    page.get_by_role("link", name="Encuesta de Confianza y Seguridad Comunitaria").click()
    assert not visible_english(page.inner_text("body"))
    page.get_by_role("button", name="Enviar mis respuestas").click()
    assert "Por favor, revise sus respuestas" in page.inner_text("#error-summary")
    assert not visible_english(page.inner_text("body"))
    page.get_by_label("¿En qué vecindario vive?").select_option(label="La Loma")
    page.get_by_role(
        "group", name="Confío en que la policía local hace lo correcto por mi vecindario."
    ).get_by_label("En desacuerdo", exact=True).check()
    page.get_by_label("¿Cuántos años ha vivido en este vecindario?").fill("3,5")
    page.get_by_role("button", name="Enviar mis respuestas").click()
    # 3,5 years is not a whole number: the message is Spanish too.
    assert not visible_english(page.inner_text("body"))
    page.get_by_label("¿Cuántos años ha vivido en este vecindario?").fill("3")
    page.get_by_role("button", name="Enviar mis respuestas").click()
    page.wait_for_url("**/thanks/")
    assert not visible_english(page.inner_text("body"))
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    response = Response.objects.get()
    assert (response.language, response.neighborhood.code) == ("es", "la-loma")
    context.close()


@pytest.fixture
def arabic_survey(demo):
    """The demo survey with an Arabic translation (title and first question)."""
    arabic = Locale.objects.get(language_code="ar")
    strings = {
        demo.title: "استبيان الثقة والسلامة المجتمعية",
        "Which neighborhood do you live in?": "في أي حي تسكن؟",
    }
    for page in (demo.get_parent(), demo):
        source, _ = TranslationSource.get_or_create_from_instance(page.specific)
        translation = Translation.objects.create(source=source, target_locale=arabic)
        po = translation.export_po()
        for entry in po:
            entry.msgstr = strings.get(entry.msgid.replace("&amp;", "&"), "")
        translation.import_po(po)
        translation.save_target(publish=True)
    return demo.get_translation(arabic).specific


def test_arabic_is_laid_out_right_to_left(live_server, arabic_survey, browser):
    page = browser.new_context(viewport={"width": 800, "height": 900}).new_page()
    page.goto(live_server.url + arabic_survey.url)
    assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"
    assert page.get_by_role("heading", level=1).inner_text() == "استبيان الثقة والسلامة المجتمعية"
    with page.expect_navigation():
        page.get_by_role("button", name="أرسل إجاباتي").click()
    error = page.locator(".question--error").first
    # The error bar sits on the reading side: the right, in Arabic.
    widths = error.evaluate(
        "el => [getComputedStyle(el).borderRightWidth, getComputedStyle(el).borderLeftWidth]"
    )
    assert float(widths[0][:-2]) >= 4 and float(widths[1][:-2]) == 0
    name, switcher = (
        page.locator(".site-name").bounding_box(),
        page.locator(".languages").bounding_box(),
    )
    assert name["x"] > switcher["x"], "the site name starts on the right"
    assert re.search("[\u0600-\u06ff]", page.inner_text("#error-summary"))
