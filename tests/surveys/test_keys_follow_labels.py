"""Issue 19, Organizers 1: keys mean something. A key is never made from an empty label
(Wagtail's autosave and "Save draft" store half-filled blocks); a key made from a label
follows that label's edits until the survey's first response; the editor shows it."""

import pytest

from surveys.builders import question
from surveys.logic import Rule
from surveys.models import SurveyPage
from surveys.questionnaire import build_questionnaire
from tests.factories import body_with_ids, edit_form_data, make_survey, post_data
from tests.surveys.conftest import when
from tests.surveys.test_editing import editor_errors

pytestmark = pytest.mark.django_db


def save(client, staff, survey, body, action="action-publish"):
    client.force_login(staff)
    data = edit_form_data(survey, body)
    data.pop("action-publish")
    if action:
        data[action] = action
    return client.post(f"/admin/pages/{survey.pk}/edit/", data)


def keys(survey) -> list[str]:
    page = SurveyPage.objects.get(pk=survey.pk).get_latest_revision_as_object()
    return [child.value["key"] for child in page.body]


def test_a_draft_block_without_a_label_gets_no_key(client, staff, home, neighborhoods):
    survey = make_survey(
        home, [question("short_text", "why", "Why?", max_length=50)], publish=False
    )
    body = body_with_ids(survey)
    body.append(question("short_text", "", "", max_length=50))  # added, not yet labelled
    assert save(client, staff, survey, body, action=None).status_code == 302
    assert keys(survey) == ["why", ""]

    body = body_with_ids(SurveyPage.objects.get(pk=survey.pk).get_latest_revision_as_object())
    body[1]["value"]["label"] = "How safe do you feel?"
    assert save(client, staff, survey, body).status_code == 302
    assert keys(survey) == ["why", "how_safe_do_you_feel"]


def test_a_derived_key_follows_its_label_until_the_first_response(
    client, staff, home, neighborhoods
):
    body = [
        question(
            "single_choice",
            "stopped",  # as the editor derived it from the label
            "Stopped?",
            choices=[
                {"label": "Yes", "code": "1", "non_substantive": False},
                {"label": "No", "code": "2", "non_substantive": False},
            ],
            widget="radio",
        ),
        question(
            "short_text",
            "reason",
            "Why?",
            max_length=50,
            show_if=when(Rule("stopped", "equals", ("1",))),
        ),
    ]
    survey = make_survey(home, body, slug="follow")  # published, no response yet
    assert keys(survey) == ["stopped", "reason"]

    edited = body_with_ids(survey)
    edited[0]["value"]["label"] = "Were you stopped by police?"
    edited[1]["value"]["label"] = "What reason were you given?"  # its key was typed: stays
    result = save(client, staff, survey, edited)
    assert result.status_code == 302, editor_errors(result)
    assert keys(survey) == ["were_you_stopped_by_police", "reason"]
    live = build_questionnaire(SurveyPage.objects.get(pk=survey.pk))
    assert live.question("reason").condition == Rule("were_you_stopped_by_police", "equals", ("1",))

    survey = SurveyPage.objects.get(pk=survey.pk)
    client.logout()
    sent = client.post(survey.url, post_data({"were_you_stopped_by_police": "2"}, survey=survey))
    assert sent.status_code == 302, sent.content.decode()[-3000:]
    edited = body_with_ids(survey)
    edited[0]["value"]["label"] = "Stopped in the last year?"
    result = save(client, staff, survey, edited)
    assert result.status_code == 302, editor_errors(result)
    assert keys(survey) == ["were_you_stopped_by_police", "reason"]


def test_the_editor_shows_each_key_beside_its_label(client, staff, home, neighborhoods):
    survey = make_survey(home, [question("short_text", "why", "Why?", max_length=50)])
    client.force_login(staff)
    page = client.get(f"/admin/pages/{survey.pk}/edit/").content.decode()
    assert "{label} ({key})" in page
