"""Issue 19, Organizers 3: "Translate this page" never makes a live untranslated page."""

import pytest
from wagtail.models import Locale

from surveys.builders import likert
from surveys.models import SurveyPage
from tests.factories import make_survey

pytestmark = pytest.mark.django_db


def test_a_new_translation_stays_a_draft_until_an_organizer_publishes_it(
    client, staff, home, neighborhoods, django_capture_on_commit_callbacks
):
    survey = make_survey(home, [likert("safe", "The bus stop feels safe.")])
    spanish = Locale.objects.get_or_create(language_code="es")[0]
    client.force_login(staff)
    with django_capture_on_commit_callbacks(execute=True):
        result = client.post(f"/admin/localize/submit/page/{survey.pk}/", {"locales": [spanish.pk]})
    assert result.status_code == 302
    translation = SurveyPage.objects.get(translation_key=survey.translation_key, locale=spanish)
    assert not translation.live
    assert translation.get_latest_revision() is not None  # a draft to translate and publish
