"""One survey in several languages or places is one survey: one lock, one set of settings,
one pool of responses."""

import datetime

import pytest
from django.utils import timezone
from wagtail.models import Locale

from cms.models import ContentPage
from surveys.models import Response, SurveyPage
from tests.factories import body_with_ids, post_data, release_everything, valid_answers
from tests.surveys.test_editing import edit, editor_errors

pytestmark = pytest.mark.django_db


@pytest.fixture
def spanish(survey):
    locale = Locale.objects.create(language_code="es")
    home_es = survey.get_parent().copy_for_translation(locale)
    home_es.save_revision().publish()
    survey_es = survey.copy_for_translation(locale)
    survey_es.title = "Encuesta"
    survey_es.save_revision().publish()
    survey_es.refresh_from_db()
    return survey_es


def test_a_translation_cannot_rename_a_published_key(client, staff, survey, spanish):
    body = body_with_ids(spanish)
    color = next(i for i, b in enumerate(body) if b["value"].get("key") == "color")
    body[color]["value"]["key"] = "colour"
    result = edit(client, staff, spanish, body)
    assert "The key 'color' was published" in editor_errors(result)


def test_the_original_settings_apply_to_translations(survey, spanish):
    survey.closes_at = timezone.now() - datetime.timedelta(minutes=1)
    survey.small_cell_threshold = 15
    survey.save_revision().publish()
    spanish.refresh_from_db()
    assert spanish.state() == SurveyPage.State.CLOSED
    assert spanish.small_cell_threshold == 15
    # A translation's own edit cannot pull it away from the original.
    spanish.closes_at = None
    spanish.save_revision().publish()
    spanish.refresh_from_db()
    assert spanish.closes_at == survey.closes_at


def test_an_original_with_only_translated_responses_is_protected(client, staff, survey, spanish):
    assert client.post(spanish.url, post_data(valid_answers(), survey=spanish)).status_code == 302
    assert Response.objects.get().survey_id == survey.pk
    client.force_login(staff)
    result = client.post(f"/admin/pages/{survey.pk}/delete/", follow=True)
    assert "Not deleted: 1 stored survey responses" in result.content.decode()
    assert SurveyPage.objects.filter(pk=survey.pk).exists()


def test_an_alias_pools_with_its_original_and_can_be_removed(client, staff, survey, home):
    section = ContentPage(title="Elsewhere", slug="elsewhere", body="<p>x</p>")
    home.add_child(instance=section)
    section.save_revision().publish()
    alias = survey.create_alias(parent=section, update_slug="same-survey")
    alias = SurveyPage.objects.get(pk=alias.pk)
    assert alias.responses_survey == survey

    result = client.post(alias.url, post_data(valid_answers(), survey=alias))
    assert result.status_code == 302
    response = Response.objects.get()
    assert (response.survey_id, response.revision_id) == (survey.pk, survey.live_revision_id)

    release_everything()
    client.force_login(staff)
    listing = client.get(f"/admin/surveys/{survey.pk}/responses/")
    assert len(listing.context["response_table"].rows) == 1
    client.post(f"/admin/pages/{alias.pk}/delete/")
    assert not SurveyPage.objects.filter(pk=alias.pk).exists()
    assert Response.objects.count() == 1
