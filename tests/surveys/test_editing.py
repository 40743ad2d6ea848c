"""Editing a live survey never changes stored answers; keys and codes stay put."""

import json

import pytest
from django.core.management import call_command
from wagtail.models import Revision

from cms.models import Neighborhood
from surveys.builders import choices, likert, question
from surveys.models import Answer, Response, SurveyPage
from surveys.questionnaire import questionnaire_for_revision
from tests.factories import (
    body_with_ids,
    edit_form_data,
    every_type_body,
    make_survey,
    post_data,
    release_everything,
)

pytestmark = pytest.mark.django_db

FIRST_BODY = [
    question(
        "single_choice",
        "fruit",
        "Fruit?",
        choices=choices(("a", "Apple"), ("b", "Banana")),
        widget="radio",
    ),
    question("short_text", "why", "Why?", max_length=50),
    question("number", "count", "How many?", min_value=0, max_value=9, integer=True),
]


@pytest.fixture
def live(home, neighborhoods, client):
    survey = make_survey(home, FIRST_BODY, slug="live")
    client.post(survey.url, post_data({"fruit": "b", "why": "sweet", "count": "3"}, survey=survey))
    return SurveyPage.objects.get(pk=survey.pk)


def edit(client, staff, survey, body, **fields):
    client.force_login(staff)
    return client.post(f"/admin/pages/{survey.pk}/edit/", edit_form_data(survey, body, **fields))


def editor_errors(result) -> str:
    """All messages the page editor shows, including those inside StreamField blocks."""
    messages = []
    for errors in result.context["form"].errors.as_data().values():
        for error in errors:
            data = error.as_json_data() if hasattr(error, "as_json_data") else error.messages
            messages.append(json.dumps(data, ensure_ascii=False))
    return " ".join(messages)


def stored_rows():
    return sorted(Answer.objects.values_list("key", "code", "number", "text"))


def test_relabel_reorder_add_and_remove_keep_stored_answers(client, staff, live):
    before = stored_rows()
    first_revision = live.live_revision_id
    body = body_with_ids(live)
    fruit, why, count = body
    fruit["value"]["label"] = "Which fruit do you like best?"
    fruit["value"]["choices"][1]["value"]["label"] = "Plantain"
    added = question("likert", "", "Fruit is tasty.", points="5")
    result = edit(client, staff, live, [added, fruit, count])  # `why` removed
    assert result.status_code == 302, result.context["form"].errors
    live.refresh_from_db()
    assert live.live_revision_id != first_revision

    assert stored_rows() == before
    response = Response.objects.get()
    assert response.revision_id == first_revision
    old = questionnaire_for_revision(Revision.objects.get(pk=first_revision))
    assert old.question("fruit").choice("b").label == "Banana"
    assert old.question("why").label == "Why?"
    new = questionnaire_for_revision(live.live_revision)
    assert new.keys == ("fruit_is_tasty", "fruit", "count")
    assert new.question("fruit").choice("b").label == "Plantain"

    # The admin shows the removed question's answer, labelled as it was answered.
    release_everything()
    listing = client.get(f"/admin/surveys/{live.pk}/responses/").content.decode()
    assert "Banana" in listing and "Plantain" not in listing
    assert "<code>why</code>" in listing and "removed" in listing and "sweet" in listing


def test_a_key_with_answers_cannot_change(client, staff, live):
    body = body_with_ids(live)
    body[0]["value"]["key"] = "favourite_fruit"
    result = edit(client, staff, live, body)
    assert result.status_code == 200
    assert "The key 'fruit' was published" in editor_errors(result)
    live.refresh_from_db()
    assert questionnaire_for_revision(live.live_revision).keys[0] == "fruit"


def test_a_code_with_answers_cannot_change(client, staff, live):
    body = body_with_ids(live)
    body[0]["value"]["choices"][1]["value"]["code"] = "banana"
    result = edit(client, staff, live, body)
    assert result.status_code == 200
    assert "The code 'b' was published for this choice" in editor_errors(result)


def test_keys_of_never_published_surveys_may_change(client, staff, home, neighborhoods):
    survey = make_survey(home, FIRST_BODY, slug="fresh", publish=False)
    body = body_with_ids(survey)
    body[0]["value"]["key"] = "favourite_fruit"
    first_choice = body[0]["value"]["choices"][0]
    first_choice.get("value", first_choice)["code"] = "apple"
    assert edit(client, staff, survey, body).status_code == 302


def test_a_published_key_is_locked_before_any_answer(client, staff, home, neighborhoods):
    survey = make_survey(home, FIRST_BODY, slug="fresh")
    body = body_with_ids(survey)
    body[0]["value"]["key"] = "favourite_fruit"
    result = edit(client, staff, survey, body)
    assert "The key 'fruit' was published" in editor_errors(result)


def test_a_removed_key_cannot_be_reused(client, staff, live):
    body = body_with_ids(live)
    body = [body[0], body[1]]  # `count` removed...
    assert edit(client, staff, live, body).status_code == 302
    live.refresh_from_db()
    body = body_with_ids(live)
    body.append(question("number", "count", "How many children?", min_value=0, max_value=20))
    result = edit(client, staff, live, body)  # ...and a new question takes its key
    assert "belonged to a published question that was removed" in editor_errors(result)


def test_a_published_question_keeps_its_type(client, staff, live):
    body = body_with_ids(live)
    body[2]["type"] = "short_text"
    body[2]["value"] = {**question("short_text", "count", "How many?")["value"], "max_length": 9}
    result = edit(client, staff, live, body)
    assert "'count' was published as a question of type “Number”" in editor_errors(result)


def test_a_scale_keeps_its_number_of_points(client, staff, home, neighborhoods):
    survey = make_survey(home, [likert("trust", "I trust the police.", points=5)], slug="scale")
    body = body_with_ids(survey)
    body[0]["value"]["points"] = "7"
    result = edit(client, staff, survey, body)
    assert "published with 5 points" in editor_errors(result)
    body[0]["value"]["points"] = "5"
    body[0]["value"]["label"] = "I trust the local police."
    assert edit(client, staff, survey, body).status_code == 302


def test_a_removed_code_cannot_be_given_to_a_new_choice(client, staff, live):
    body = body_with_ids(live)
    choices_ = body[0]["value"]["choices"]
    choices_[1] = {"type": "item", "value": {"label": "Cherry", "code": "b"}, "id": ""}
    result = edit(client, staff, live, body)
    assert "The code 'b' was published for another choice ('Banana')" in editor_errors(result)


def test_duplicate_keys_are_refused_in_the_editor(client, staff, live):
    body = body_with_ids(live)
    body.append(question("short_text", "why", "Why again?", max_length=50))
    result = edit(client, staff, live, body)
    assert result.status_code == 200
    assert "The key 'why' is already used by question 2" in editor_errors(result)


def test_a_form_opened_before_an_edit_is_stored_against_its_own_revision(client, staff, live):
    old_revision = live.live_revision_id
    body = body_with_ids(live)
    body = [body[0], body[2]]  # an organizer removes `why` while a resident is answering
    assert edit(client, staff, live, body).status_code == 302
    client.logout()
    answers = post_data(
        {"fruit": "a", "why": "crunchy", "count": "1"}, revision=old_revision, survey=live
    )
    assert client.post(live.url, answers).status_code == 302
    newest = Response.objects.get(answers__text="crunchy")
    assert newest.revision_id == old_revision


def test_a_survey_with_responses_cannot_be_deleted(client, staff, live):
    client.force_login(staff)
    result = client.post(f"/admin/pages/{live.pk}/delete/", follow=True)
    assert "Not deleted: 1 stored survey responses" in result.content.decode()
    assert SurveyPage.objects.filter(pk=live.pk).exists()
    home = live.get_parent()
    result = client.post(f"/admin/pages/{home.pk}/delete/", follow=True)
    assert "Not deleted: 1 stored survey responses" in result.content.decode()
    result = client.post(
        f"/admin/bulk/wagtailcore/page/delete/?id={live.pk}", {"confirm": "yes"}, follow=True
    )
    assert result.redirect_chain, "the bulk delete view was reached"
    assert "Not deleted: 1 stored survey responses" in result.content.decode()
    assert SurveyPage.objects.filter(pk=live.pk).exists()
    assert Response.objects.count() == 1


def test_purging_revisions_keeps_answered_ones(live, client, staff):
    answered = live.live_revision_id
    for label in ("Edit one", "Edit two"):
        body = body_with_ids(live)
        body[1]["value"]["label"] = label
        assert edit(client, staff, live, body).status_code == 302
        live.refresh_from_db()
    call_command("purge_revisions", days=0, verbosity=0)
    assert Revision.objects.filter(pk=answered).exists()


def test_a_neighborhood_with_responses_cannot_be_deleted(client, staff, live, neighborhoods):
    Response.objects.update(neighborhood=neighborhoods[0])
    client.force_login(staff)
    url = f"/admin/snippets/cms/neighborhood/delete/{neighborhoods[0].pk}/"
    result = client.post(url, follow=True)
    assert "Not deleted: 1 stored survey responses belong" in result.content.decode()
    result = client.post(
        f"/admin/bulk/cms/neighborhood/delete/?id={neighborhoods[0].pk}", follow=True
    )
    assert "Not deleted: 1 stored survey responses belong" in result.content.decode()
    assert Neighborhood.objects.filter(pk=neighborhoods[0].pk).exists()
    # One without responses can go.
    client.post(f"/admin/snippets/cms/neighborhood/delete/{neighborhoods[2].pk}/")
    assert not Neighborhood.objects.filter(pk=neighborhoods[2].pk).exists()


def test_an_organizer_creates_a_survey_of_every_type_in_the_editor(client, staff, home):
    body = every_type_body()
    body[3]["value"]["key"] = ""  # derived from the label
    body[5]["value"]["choices"][2]["code"] = ""  # numbered
    for block in body:
        if block["type"] == "single_choice":
            block["value"].setdefault("widget", "radio")
    client.force_login(staff)
    draft = SurveyPage(title="New survey", slug="new-survey")
    result = client.post(
        f"/admin/pages/add/surveys/surveypage/{home.pk}/",
        edit_form_data(draft, body),
    )
    assert result.status_code == 302, editor_errors(result)
    survey = SurveyPage.objects.get(slug="new-survey")
    assert survey.live
    q = questionnaire_for_revision(survey.live_revision)
    assert q.keys[1] == "favourite_colour"
    assert [c.code for c in q.question("places").choices] == ["a", "b", "1"]
    assert client.get(survey.url).status_code == 200
