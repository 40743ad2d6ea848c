"""The plain Questionnaire read from pages and revisions."""

import pytest
from django.utils import translation
from wagtail.models import Locale, Revision

from surveys.builders import choices, likert, question
from surveys.questionnaire import (
    Note,
    Question,
    Section,
    build_questionnaire,
    questionnaire_for_revision,
)
from tests.factories import every_type_body, make_survey, publish_body

pytestmark = pytest.mark.django_db


def test_every_block_becomes_a_plain_item(survey, neighborhoods):
    q = questionnaire_for_revision(survey.live_revision)
    assert q.revision_id == survey.live_revision_id
    assert q.language == "en"
    assert [type(item) for item in q.items[:3]] == [Note, Section, Question]
    assert q.keys == (
        "area",
        "color",
        "size",
        "places",
        "trust",
        "trust7",
        "overall",
        "age",
        "hours",
        "nickname",
        "story",
        "stopped_on",
    )
    assert q.neighborhood_question.key == "area"
    assert [c.code for c in q.question("area").choices] == [n.code for n in neighborhoods]
    color = q.question("color")
    assert (color.type, color.required, color.widget) == ("single_choice", True, "radio")
    assert color.non_substantive_codes == {"dk"}
    assert q.question("places").max_selections == 2
    assert q.question("age").integer and q.question("age").max_value == 120
    assert not q.question("hours").integer
    assert [c.code for c in q.question("overall").choices] == [str(n) for n in range(11)]
    assert q.question("story").max_length == 100
    assert q.question("missing") is None


def test_each_revision_keeps_its_own_questions_and_labels(home, neighborhoods):
    survey = make_survey(home, [question("short_text", "a", "First label")])
    first = survey.live_revision
    publish_body(
        survey,
        [question("short_text", "b", "New question"), question("short_text", "a", "Relabelled")],
    )
    old, new = questionnaire_for_revision(first), questionnaire_for_revision(survey.live_revision)
    assert old.keys == ("a",) and old.question("a").label == "First label"
    assert new.keys == ("b", "a") and new.question("a").label == "Relabelled"


def test_labels_are_read_in_the_page_language(home, neighborhoods, monkeypatch):
    """Scale labels are translated while the questionnaire is built, in the page's language,
    whatever language the request is in."""
    from django.utils.functional import lazy

    from surveys import blocks

    language_now = lazy(translation.get_language, str)
    monkeypatch.setitem(blocks.AGREEMENT_LABELS, 5, [language_now()] * 5)
    survey = make_survey(home, [likert("t", "Trust")])
    spanish = Locale.objects.create(language_code="es")
    home.copy_for_translation(spanish).save_revision().publish()
    survey_es = survey.copy_for_translation(spanish)
    with translation.override("en"):
        q_es = build_questionnaire(survey_es)
    with translation.override("es"):
        q_en = build_questionnaire(survey)
    assert (q_es.language, q_es.question("t").choices[0].label) == ("es", "es")
    assert (q_en.language, q_en.question("t").choices[0].label) == ("en", "en")


def test_settings_come_from_the_page(home, neighborhoods):
    survey = make_survey(
        home, every_type_body(), neighborhood_required=True, small_cell_threshold=12
    )
    q = build_questionnaire(survey)
    assert q.settings.neighborhood_required and q.settings.k == 12


def test_draft_revisions_build_too(home, neighborhoods):
    survey = make_survey(
        home,
        [question("single_choice", "c", "C", choices=choices(("1", "x"), ("2", "y")))],
        publish=False,
    )
    revision = Revision.objects.get(pk=survey.latest_revision_id)
    assert questionnaire_for_revision(revision).keys == ("c",)
