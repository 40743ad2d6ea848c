"""A response's revision does not tell the time of day (surveys/revision_pinning.py).

An organizer who republishes a survey at midday must not be able to split the day's
responses into morning and afternoon by the revision each recorded.
"""

import datetime

import pytest
from django.utils import timezone
from wagtail.models import PageLogEntry

from surveys.builders import choices, question
from surveys.models import Response, SurveyPage
from tests.factories import body_with_ids, edit_form_data, make_survey, post_data, publish_body
from tests.surveys.test_editing import editor_errors

pytestmark = pytest.mark.django_db

YES_NO = choices(("1", "Yes"), ("2", "No"))


def body(label="Do you trust the police?", codes=YES_NO):
    return [question("single_choice", "trust", label, choices=codes, widget="radio")]


@pytest.fixture
def survey(home, neighborhoods):
    return make_survey(home, body(), slug="trust")


def test_a_republish_that_changes_nothing_dates_nobody(client, survey):
    morning = survey.live_revision_id
    client.post(survey.url, post_data({"trust": "1"}, survey=survey))
    publish_body(survey, body())  # the organizer's do-nothing publish at midday
    assert survey.live_revision_id != morning
    client.post(survey.url, post_data({"trust": "2"}, survey=survey))
    assert set(Response.objects.values_list("revision_id", flat=True)) == {morning}


def test_new_wording_is_not_a_new_meaning(client, survey):
    morning = survey.live_revision_id
    publish_body(survey, body(label="Do you trust the local police?"))
    client.post(survey.url, post_data({"trust": "1"}, survey=survey))
    assert Response.objects.get().revision_id == morning


def test_a_change_in_what_answers_mean_is_recorded(client, survey):
    wider = choices(("1", "Yes"), ("2", "No"), ("3", "Sometimes"))
    publish_body(survey, body(codes=wider))
    client.post(survey.url, post_data({"trust": "3"}, survey=survey))
    assert Response.objects.get().revision_id == survey.live_revision_id


def test_the_revision_live_when_the_day_began_is_the_one_recorded(client, survey):
    yesterday = timezone.now() - datetime.timedelta(days=1)
    first = survey.live_revision_id
    PageLogEntry.objects.filter(page=survey, action="wagtail.publish").update(timestamp=yesterday)
    publish_body(survey, body())
    publish_body(survey, body(label="Trust?"))
    client.post(survey.url, post_data({"trust": "1"}, survey=survey))
    assert Response.objects.get().revision_id == first


def test_one_change_in_what_answers_mean_a_day(client, staff, survey):
    """Each such change tells apart the day's answers sent before and after it: a
    second one the same day is refused; wording may change all day."""
    client.force_login(staff)
    # From a survey's second day: on its first, organizers still fix it freely.
    yesterday = timezone.now() - datetime.timedelta(days=1)
    SurveyPage.objects.filter(pk=survey.pk).update(first_published_at=yesterday)
    PageLogEntry.objects.filter(page=survey, action="wagtail.publish").update(timestamp=yesterday)

    def publish(*added: tuple[str, str], label="Do you trust the police?"):
        survey.refresh_from_db()
        body = body_with_ids(survey)
        body[0]["value"]["label"] = label
        for code, text in added:
            choice = {"label": text, "code": code, "non_substantive": False}
            body[0]["value"]["choices"].append({"type": "item", "value": choice, "id": ""})
        return client.post(f"/admin/pages/{survey.pk}/edit/", edit_form_data(survey, body))

    assert publish(label="Trust the police?").status_code == 302  # wording: always
    changed = publish(("3", "Sometimes"))
    assert changed.status_code == 302, editor_errors(changed)  # the day's one change
    refused = publish(("4", "Often"))
    assert refused.status_code == 200
    assert "already changed once today" in refused.content.decode()
    assert publish(label="Do you trust them?").status_code == 302
