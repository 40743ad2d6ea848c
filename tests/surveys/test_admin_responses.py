"""The admin's survey list with response counts, and each survey's responses."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from wagtail.models import Locale

from surveys.access import grant
from surveys.models import Response
from tests.factories import make_staff, post_data, release_everything, valid_answers

pytestmark = pytest.mark.django_db


@pytest.fixture
def answered(client, survey):
    for colour in ("r", "g", "g"):
        client.post(survey.url, post_data({**valid_answers(), "color": colour}, survey=survey))
    return survey


def test_the_index_lists_surveys_with_their_response_counts(client, staff, answered):
    release_everything()
    client.force_login(staff)
    page = client.get("/admin/surveys/")
    assert page.status_code == 200
    html = page.content.decode()
    assert answered.title in html
    assert f"/admin/surveys/{answered.pk}/responses/" in html
    row = page.context["object_list"][0]
    assert row.response_count == 3


def test_the_responses_list_shows_answers_with_labels(client, staff, answered, neighborhoods):
    release_everything()
    client.force_login(staff)
    page = client.get(f"/admin/surveys/{answered.pk}/responses/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "3 responses in all." in html
    assert len(page.context["response_table"].rows) == 3
    assert "Green" in html and "Red" in html
    assert "Park; School" in html
    assert "Area 2" in html
    assert "2.5" in html


def test_responses_are_paginated(client, staff, survey):
    for _ in range(27):
        client.post(survey.url, post_data(valid_answers(), survey=survey))
    release_everything()
    client.force_login(staff)
    first = client.get(f"/admin/surveys/{survey.pk}/responses/")
    second = client.get(f"/admin/surveys/{survey.pk}/responses/?p=2")
    assert len(first.context["response_table"].rows) == 25
    assert len(second.context["response_table"].rows) == 2


def test_responses_can_be_filtered(client, staff, answered):
    Response.objects.filter(pk=Response.objects.first().pk).update(channel="paper")
    release_everything()
    client.force_login(staff)
    page = client.get(f"/admin/surveys/{answered.pk}/responses/?channel=paper")
    assert len(page.context["response_table"].rows) == 1


def test_the_list_does_a_bounded_number_of_queries(
    client, staff, survey, django_assert_max_num_queries
):
    for _ in range(25):
        client.post(survey.url, post_data(valid_answers(), survey=survey))
    client.force_login(staff)
    client.get(f"/admin/surveys/{survey.pk}/responses/")
    # A constant: none per response (the Export and Paper links cost a check each).
    with django_assert_max_num_queries(32):
        client.get(f"/admin/surveys/{survey.pk}/responses/")


def test_anonymous_visitors_are_sent_to_log_in(client, answered):
    for url in ("/admin/surveys/", f"/admin/surveys/{answered.pk}/responses/"):
        result = client.get(url)
        assert result.status_code == 302 and "/accounts/login/" in result["Location"]


def test_staff_without_the_permission_see_nothing(client, django_user_model, answered):
    # Moderators read feedback, so they have a second factor (cms.accounts).
    editor = make_staff("ed")
    editor.groups.add(Group.objects.get(name="Moderator"))
    client.force_login(editor)
    refused = client.get(f"/admin/surveys/{answered.pk}/responses/")
    # Wagtail turns a refusal into a redirect to the dashboard with a message.
    assert refused.status_code in (302, 403) and "response_table" not in (refused.context or {})
    assert client.get("/admin/surveys/").context["object_list"].count() == 0
    assert b"Survey responses" not in client.get("/admin/").content


def test_guessing_ids_reveals_nothing(client, staff, answered, home):
    client.force_login(staff)
    assert client.get("/admin/surveys/999999/responses/").status_code == 404
    # A page that is not a survey is not a survey.
    assert client.get(f"/admin/surveys/{home.pk}/responses/").status_code == 404


def test_a_granted_user_sees_responses(client, answered):
    analyst = make_staff("an")
    group = Group.objects.create(name="Readers")
    group.permissions.add(
        Permission.objects.get(codename="access_admin"),
        Permission.objects.get(codename="view_responses"),
    )
    analyst.groups.add(group)
    client.force_login(analyst)
    url = f"/admin/surveys/{answered.pk}/responses/"
    assert client.get(url).status_code == 302, "a role alone shows nothing"
    grant(user=analyst, survey=answered)
    assert client.get(url).status_code == 200


def test_translations_pool_into_one_survey(client, staff, survey):
    spanish = Locale.objects.create(language_code="es")
    home_es = survey.get_parent().copy_for_translation(spanish)
    home_es.save_revision().publish()
    survey_es = survey.copy_for_translation(spanish)
    survey_es.title = "Encuesta"
    survey_es.save_revision().publish()
    survey_es.refresh_from_db()
    assert survey_es.responses_survey == survey

    client.post(survey.url, post_data(valid_answers(), survey=survey))
    result = client.post(survey_es.url, post_data(valid_answers(), survey=survey_es))
    assert result.status_code == 302
    assert survey_es.url.startswith("/es/")
    assert result["Location"] == survey_es.url + "thanks/"
    assert sorted(Response.objects.filter(survey=survey).values_list("language", flat=True)) == [
        "en",
        "es",
    ]
    es_response = Response.objects.get(language="es")
    assert es_response.revision_id == survey_es.live_revision_id

    release_everything()
    client.force_login(staff)
    index = client.get("/admin/surveys/")
    assert [s.pk for s in index.context["object_list"]] == [survey.pk]
    assert index.context["object_list"][0].response_count == 2
    # Either page leads to the same pooled list.
    for page in (survey, survey_es):
        listing = client.get(f"/admin/surveys/{page.pk}/responses/")
        assert len(listing.context["response_table"].rows) == 2


def test_the_results_view_is_one_click_from_the_survey_list_responses_and_more_menu(
    client, staff, survey
):
    from wagtail import hooks
    from wagtail.admin.widgets import Button

    client.force_login(staff)
    results = reverse("surveys_admin:results", args=[survey.pk])
    assert f'href="{results}"' in client.get(reverse("surveys_admin:index")).content.decode()
    responses = client.get(reverse("surveys_admin:responses", args=[survey.pk]))
    assert f'href="{results}"' in responses.content.decode()
    more = [
        button.url
        for hook in hooks.get_hooks("register_page_listing_more_buttons")
        for button in hook(survey, staff)
        if isinstance(button, Button)
    ]
    assert results in more
