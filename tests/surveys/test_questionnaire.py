"""The plain Questionnaire read from pages and revisions."""

import pytest
from django.utils import translation
from wagtail.models import Revision

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


def test_scale_labels_follow_the_page_language(home, neighborhoods):
    survey = make_survey(home, [likert("t", "Trust")])
    with translation.override("es"):
        q = build_questionnaire(survey)
    # The page is English: its questionnaire is English whatever the request language.
    assert q.language == "en"
    assert q.question("t").choices[0].label == "Strongly disagree"


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
