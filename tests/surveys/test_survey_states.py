"""Closed, not-yet-open and unpublished surveys say so plainly and accept nothing."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from surveys.builders import question
from surveys.models import Response, SurveyPage
from tests.factories import every_type_body, make_survey, post_data, valid_answers

pytestmark = pytest.mark.django_db


def set_dates(survey, *, opens=None, closes=None):
    survey.opens_at, survey.closes_at = opens, closes
    survey.save_revision().publish()
    survey.refresh_from_db()
    return survey


def test_closed_survey(client, survey):
    set_dates(survey, closes=timezone.now() - datetime.timedelta(minutes=1))
    page = client.get(survey.url)
    assert page.status_code == 200
    assert "This survey is closed" in page.content.decode()
    assert b'name="q-color"' not in page.content
    posted = client.post(survey.url, post_data(valid_answers(), survey=survey))
    assert posted.status_code == 403
    assert "Your answers were not saved." in posted.content.decode()
    assert Response.objects.count() == 0


def test_not_yet_open_survey(client, survey):
    set_dates(survey, opens=timezone.now() + datetime.timedelta(days=2))
    page = client.get(survey.url)
    assert "not open yet" in page.content.decode()
    assert client.post(survey.url, post_data(valid_answers(), survey=survey)).status_code == 403
    assert Response.objects.count() == 0


def test_unpublished_survey_says_so_without_its_title(client, survey):
    survey.unpublish()
    page = client.get(survey.url)
    assert page.status_code == 404
    html = page.content.decode()
    assert "This survey is not available" in html and survey.title not in html
    assert client.post(survey.url, post_data(valid_answers(), survey=survey)).status_code == 404
    assert client.get(survey.url + "thanks/").status_code == 404
    assert Response.objects.count() == 0


def test_open_window(survey):
    now = timezone.now()
    set_dates(
        survey, opens=now - datetime.timedelta(days=1), closes=now + datetime.timedelta(days=1)
    )
    assert survey.state() == SurveyPage.State.OPEN
    assert list(SurveyPage.objects.open_now()) == [survey]
    assert survey.state(now + datetime.timedelta(days=2)) == SurveyPage.State.CLOSED
    assert survey.state(now - datetime.timedelta(days=2)) == SurveyPage.State.NOT_YET_OPEN


def test_closing_before_opening_is_refused(survey):
    survey.opens_at = timezone.now()
    survey.closes_at = survey.opens_at - datetime.timedelta(hours=1)
    with pytest.raises(ValidationError) as caught:
        survey.full_clean()
    assert "must close after it opens" in str(caught.value)


def test_requiring_a_neighborhood_needs_a_neighborhood_question(home, neighborhoods):
    survey = make_survey(home, [question("short_text", "a", "A")], publish=False)
    survey.neighborhood_required = True
    with pytest.raises(ValidationError) as caught:
        survey.full_clean()
    assert "Add a Neighborhood question" in str(caught.value)


def test_a_required_neighborhood_is_enforced_on_the_form(client, home, neighborhoods):
    survey = make_survey(home, every_type_body(), slug="hood", neighborhood_required=True)
    answers = valid_answers()
    del answers["area"]
    result = client.post(survey.url, post_data(answers, survey=survey))
    assert result.status_code == 200
    assert "Answer this question." in result.context["form"].errors["area"]
    assert Response.objects.count() == 0
