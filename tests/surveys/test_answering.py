"""A resident answers every question type; exactly what they gave is stored."""

import pytest
from django.utils import timezone

from surveys.models import Answer, Response
from tests.factories import post_data, release_everything, valid_answers

pytestmark = pytest.mark.django_db


def stored(response):
    return sorted(
        (a.key, a.code, a.number, a.text) for a in Answer.objects.filter(response=response)
    )


def test_the_form_renders_every_type_accessibly(client, survey):
    page = client.get(survey.url)
    assert page.status_code == 200
    html = page.content.decode()
    # Choice groups are fieldsets with a legend; other inputs have a label tied to them.
    assert html.count("<fieldset") == 5  # radio, checkboxes, two scales, rating
    assert '<legend class="question-label">Favourite colour?' in html
    assert '<label class="question-label" for="id_q-age">' in html
    assert 'name="q-age"' in html and 'inputmode="numeric"' in html
    assert 'inputmode="decimal"' in html
    assert '<select name="q-size"' in html
    assert 'type="checkbox" name="q-places"' in html
    assert 'maxlength="100"' in html
    assert f'name="revision" value="{survey.live_revision_id}"' in html
    assert "Strongly agree" in html and "Don&#x27;t know" in html
    assert "Your privacy" in html


def test_valid_answers_redirect_to_thanks_and_store_every_value(client, survey, neighborhoods):
    result = client.post(
        survey.url, post_data(valid_answers(), revision=survey.live_revision_id, survey=survey)
    )
    assert result.status_code == 302
    assert result["Location"] == survey.url + "thanks/"
    thanks = client.get(result["Location"])
    assert thanks.status_code == 200 and b"Thank you" in thanks.content

    response = Response.objects.get()
    assert response.survey_id == survey.pk
    assert response.revision_id == survey.live_revision_id
    assert response.neighborhood == neighborhoods[1]
    assert (response.language, response.channel, response.status) == ("en", "web", "complete")
    assert response.submitted_on == timezone.localdate()
    assert stored(response) == sorted(
        [
            ("age", None, 34.0, None),
            ("color", "g", None, None),
            ("hours", None, 2.5, None),
            ("nickname", None, None, "hola"),
            ("overall", "7", 7.0, None),
            ("places", "a", None, None),
            ("places", "c", None, None),
            ("size", "l", None, None),
            ("stopped_on", None, None, "2024-05-31"),
            ("story", None, None, "Line one\nline two"),
            ("trust", "4", 4.0, None),
            ("trust7", "6", 6.0, None),
        ]
    )


def test_only_required_answers_store_only_those(client, survey):
    result = client.post(survey.url, post_data({"color": "r"}, survey=survey))
    assert result.status_code == 302
    response = Response.objects.get()
    assert response.neighborhood is None
    assert stored(response) == [("color", "r", None, None)]


def test_non_substantive_scale_answers_have_a_code_but_no_number(client, survey):
    client.post(survey.url, post_data({"color": "dk", "trust": "98"}, survey=survey))
    assert stored(Response.objects.get()) == [
        ("color", "dk", None, None),
        ("trust", "98", None, None),
    ]


def test_text_is_stored_as_typed_and_shown_escaped(client, survey, staff):
    payload = '<script>alert("x")</script> =SUM(A1)'
    client.post(survey.url, post_data({"color": "r", "story": payload}, survey=survey))
    assert Answer.objects.get(key="story").text == payload
    release_everything()
    client.force_login(staff)
    listing = client.get(f"/admin/surveys/{survey.pk}/responses/").content.decode()
    assert "<script>alert" not in listing
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in listing
