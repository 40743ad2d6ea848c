"""Issue 19, Residents 7: a condition in words that a person wrote. Organizers may write
the sentence residents without JavaScript read ("Answer this if ..."); it is translated
through wagtail-localize like other text, and the sentence made from the rules is the
fallback."""

import pytest
from wagtail.models import Locale
from wagtail_localize.models import Translation, TranslationSource
from wagtail_localize.segments.extract import extract_segments

from surveys import logic
from surveys.condition_blocks import condition_value
from surveys.questionnaire import build_questionnaire
from tests.factories import make_survey
from tests.surveys.conftest import paged_body

pytestmark = pytest.mark.django_db

HINT = "Answer this if the police stopped you."
SPANISH_HINT = "Responda esto si la policía lo detuvo."
GENERATED = "Answer only if you answered “Yes” to “Were you stopped?”."


def hinted_body(hint: str = HINT) -> list[dict]:
    body = paged_body()
    why = next(block for block in body if block["value"].get("key") == "why")
    why["value"]["show_if"] = condition_value(logic.Rule("stopped", "equals", ("1",)), hint)
    return body


def note_of(page: str) -> str:
    start = page.index('<p class="condition-note"')
    return page[start : page.index("</p>", start)]


@pytest.fixture
def hinted(home, neighborhoods):
    return make_survey(home, hinted_body(), slug="hinted")


def test_the_organizers_sentence_replaces_the_generated_one(client, hinted):
    page = client.get(hinted.url).content.decode()
    assert HINT in note_of(page)
    assert "Answer only if" not in page
    assert build_questionnaire(hinted).question("why").condition_hint == HINT


def test_without_a_sentence_the_one_made_from_the_rules_is_shown(client, home, neighborhoods):
    survey = make_survey(home, hinted_body(hint=""), slug="plain")
    page = client.get(survey.url).content.decode()
    assert GENERATED in page and HINT not in page


def test_a_sentence_without_rules_says_nothing(home, neighborhoods):
    body = hinted_body()
    body[2]["value"]["show_if"] = {"match": "all", "rules": [], "hint": HINT}
    questionnaire = build_questionnaire(make_survey(home, body, slug="norules"))
    assert questionnaire.question("why").condition is None
    assert questionnaire.question("why").condition_hint == ""


def test_the_sentence_is_translated_and_shown_in_spanish(
    client, hinted, django_capture_on_commit_callbacks
):
    segments = {
        segment.string.data
        for segment in extract_segments(hinted)
        if getattr(segment, "string", None) is not None
    }
    assert HINT in segments
    spanish = Locale.objects.create(language_code="es")
    for page in (hinted.get_parent(), hinted):
        source, _ = TranslationSource.get_or_create_from_instance(page.specific)
        translation = Translation.objects.create(source=source, target_locale=spanish)
        po = translation.export_po()
        for entry in po:
            entry.msgstr = {HINT: SPANISH_HINT}.get(entry.msgid, "")
        translation.import_po(po)
        with django_capture_on_commit_callbacks(execute=True):
            translation.save_target(publish=True)
    spanish_survey = hinted.get_translation(spanish).specific
    spanish_survey.get_latest_revision().publish()

    page = client.get(spanish_survey.url).content.decode()
    assert spanish_survey.url.startswith("/es/")
    assert note_of(page) == f'<p class="condition-note">{SPANISH_HINT}'
    assert HINT not in page
    english = client.get(hinted.url).content.decode()
    assert HINT in note_of(english) and SPANISH_HINT not in english
