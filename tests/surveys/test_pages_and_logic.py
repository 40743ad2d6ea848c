"""Multi-page surveys: Back/Next in the session, page and question logic, choice options."""

import re

import pytest

from surveys import logic
from surveys.builders import choices, question
from surveys.forms import ResponseForm, shuffled
from surveys.models import Answer, Response
from surveys.questionnaire import build_questionnaire
from tests.factories import body_with_ids, edit_form_data, make_survey, post_data
from tests.surveys.conftest import YES_NO, when
from tests.surveys.test_editing import editor_errors

pytestmark = pytest.mark.django_db


def progress_label(response) -> str:
    return re.search(r'id="survey-progress-label">([^<]*)<', response.content.decode()).group(1)


def test_a_single_page_survey_opens_no_session(client, survey):
    client.get(survey.url)
    assert "sessionid" not in client.cookies


def test_pages_keep_answers_in_the_session_until_submitted(client, resident, paged):
    first = resident.get()
    assert progress_label(first) == "Page 1 of 3"
    assert 'value="next"' in first.content.decode() and 'value="back"' not in first.content.decode()

    result = resident.post({"area": "area-1", "stopped": "2"}, action="next", page=0)
    assert result.status_code == 302
    assert Response.objects.count() == 0  # answers in progress are not a response
    second = resident.get()
    assert progress_label(second) == "Page 2 of 3"
    assert "Calling for help" in second.content.decode()

    # Back keeps what was typed on this page, and page 1 shows its answers again.
    resident.post({"years": "2"}, action="back", page=1)
    again = resident.get().content.decode()
    assert 'value="area-1" selected' in again
    assert re.search(r'value="2"[^>]*checked', again)
    resident.post({"area": "area-1", "stopped": "2"}, action="next", page=0)
    assert 'value="2"' in resident.get().content.decode()  # years kept

    resident.post({"years": "2", "called": ["police"]}, action="next", page=1)
    third = resident.get()
    assert progress_label(third) == "Page 3 of 3"
    assert 'value="submit"' in third.content.decode()
    done = resident.post({"newcomer": "4"}, action="submit", page=2)
    assert done.status_code == 302 and done.url.endswith("/thanks/")

    response = Response.objects.get()
    assert response.neighborhood.code == "area-1" and response.status == "complete"
    stored = dict(Answer.objects.values_list("key", "code"))
    assert stored == {"stopped": "2", "called": "police", "newcomer": "4", "years": None}
    # The session no longer holds the answers.
    assert not any(key.startswith("survey:") for key in client.session.keys())  # noqa: SIM118 (no __iter__)


def test_a_page_whose_condition_fails_is_skipped(resident):
    resident.post({"area": "area-1", "stopped": "2"}, action="next", page=0)
    second = resident.get()
    # Page 3 depends on an answer on page 2: it counts until that answer rules it out.
    assert progress_label(second) == "Page 2 of 3"
    result = resident.post({"years": "30"}, action="submit", page=1)
    assert result.status_code == 302 and result.url.endswith("/thanks/")
    assert set(Answer.objects.values_list("key", flat=True)) == {"stopped", "years"}


def test_answers_for_a_skipped_page_are_discarded(client, paged):
    # A forged single post answering everything: page 3 does not apply (years >= 5).
    answers = {"area": "area-1", "stopped": "2", "years": "30", "newcomer": "4", "why": "x"}
    form = ResponseForm(
        build_questionnaire(paged, revision_id=paged.live_revision_id), _data(answers)
    )
    assert form.is_valid(), form.errors
    assert form.answers() == {"area": "area-1", "stopped": "2", "years": 30}


def _data(answers):
    from django.utils.datastructures import MultiValueDict

    return MultiValueDict({f"q-{k}": v if isinstance(v, list) else [v] for k, v in answers.items()})


def test_a_hidden_question_is_never_required_and_a_shown_one_is(resident):
    hidden = resident.post(
        {"area": "area-1", "stopped": "2", "why": "stray"}, action="next", page=0
    )
    assert hidden.status_code == 302
    shown = resident.post({"area": "area-1", "stopped": "1"}, action="next", page=0)
    assert shown.status_code == 200
    assert "Answer this question." in shown.content.decode()


def test_same_page_conditions_reach_the_browser_and_readers_without_javascript(resident):
    page = resident.get().content.decode()
    assert 'id="survey-logic" type="application/json"' in page
    assert "surveys/logic.js" in page
    assert "Answer only if you answered “Yes” to “Were you stopped?”." in page


def test_other_text_is_kept_with_its_choice_and_asked_for(resident):
    resident.post({"area": "area-1", "stopped": "2"}, action="next", page=0)
    missing = resident.post({"years": "30", "called": ["other"]}, action="submit", page=1)
    assert "Tell us your answer in the box." in missing.content.decode()
    resident.post(
        {"years": "30", "called": ["police", "other"], "called-other": "My pastor"},
        action="submit",
        page=1,
    )
    rows = set(Answer.objects.filter(key="called").values_list("code", "text"))
    assert rows == {("police", None), ("other", "My pastor")}


def test_other_text_without_its_choice_is_dropped(resident):
    resident.post({"area": "area-1", "stopped": "2"}, action="next", page=0)
    resident.post(
        {"years": "30", "called": ["police"], "called-other": "ignored"}, action="submit", page=1
    )
    assert list(Answer.objects.filter(key="called").values_list("code", "text")) == [
        ("police", None)
    ]


def test_shuffled_choices_keep_anchored_ones_last_and_are_stable_per_resident(home):
    body = [
        question(
            "single_choice",
            "pick",
            "Pick",
            randomize=True,
            choices=[
                *choices(*[(str(i), f"Option {i}") for i in range(1, 9)]),
                {"label": "Other", "code": "other", "non_substantive": False, "other": True},
                {"label": "Don't know", "code": "98", "non_substantive": True},
            ],
        )
    ]
    questionnaire = build_questionnaire(make_survey(home, body))
    question_ = questionnaire.question("pick")
    original = [(c.code, c.label) for c in question_.choices]
    orders = {tuple(c for c, _ in shuffled(original, question_, f"seed{i}")) for i in range(20)}
    assert len(orders) > 1
    assert all(order[-2:] == ("other", "98") for order in orders)
    assert shuffled(original, question_, "same") == shuffled(original, question_, "same")
    page = ResponseForm(questionnaire, seed="s1")
    assert [c for c, _ in page.fields["pick"].choices][-2:] == ["other", "98"]


def test_the_editor_refuses_conditions_on_later_or_removed_questions(client, staff, home):
    survey = make_survey(
        home,
        [
            question("single_choice", "first", "First?", choices=YES_NO),
            question("single_choice", "second", "Second?", choices=YES_NO),
        ],
    )
    client.force_login(staff)
    revisions = survey.revisions.count()
    body = body_with_ids(survey)
    body[0]["value"]["show_if"] = when(logic.Rule("second", "equals", ("1",)))
    result = client.post(f"/admin/pages/{survey.pk}/edit/", edit_form_data(survey, body))
    assert result.status_code == 200
    assert "'second', which is not a question asked before this one" in editor_errors(result)

    body = body_with_ids(survey)
    body[1]["value"]["show_if"] = when(logic.Rule("gone", "answered"))
    result = client.post(f"/admin/pages/{survey.pk}/edit/", edit_form_data(survey, body))
    assert "'gone', which is not a question asked before this one" in editor_errors(result)
    assert survey.revisions.count() == revisions

    body = body_with_ids(survey)
    body[1]["value"]["show_if"] = when(logic.Rule("first", "equals", ("1",)))
    result = client.post(f"/admin/pages/{survey.pk}/edit/", edit_form_data(survey, body))
    assert result.status_code == 302
    survey.refresh_from_db()
    assert build_questionnaire(survey).question("second").condition == logic.Rule(
        "first", "equals", ("1",)
    )


def test_a_single_page_survey_with_logic_discards_hidden_answers(client, home, neighborhoods):
    survey = make_survey(
        home,
        [
            question("single_choice", "stopped", "Stopped?", choices=YES_NO, required=True),
            question(
                "short_text",
                "why",
                "Why?",
                required=True,
                show_if=when(logic.Rule("stopped", "equals", ("1",))),
            ),
        ],
        slug="one-page",
    )
    # Shown again with an error while `why` is hidden: it renders as the question it is.
    again = client.post(survey.url, post_data({"why": "zzz"}, survey=survey))
    assert again.status_code == 200
    assert "Stopped?: Answer this question." in again.content.decode()
    assert "Why?: " not in again.content.decode()
    assert 'name="q-why"' in again.content.decode()
    data = post_data({"stopped": "2", "why": "posted anyway"}, survey=survey)
    assert client.post(survey.url, data).status_code == 302
    assert list(Answer.objects.values_list("key", flat=True)) == ["stopped"]
    assert "sessionid" not in client.cookies


def test_the_preview_shows_every_page_with_its_logic(paged):
    result = paged.make_preview_request()
    page = result.render().content.decode()
    assert "Page 3 of 3" in page and "New here" in page
    assert 'id="survey-logic"' in page


def test_conditions_are_not_offered_for_translation(paged):
    from wagtail_localize.segments.extract import extract_segments

    texts = {getattr(segment, "source", "") for segment in extract_segments(paged)}
    texts |= {
        getattr(segment, "string", None) and segment.string.data
        for segment in extract_segments(paged)
    }
    assert "What reason were you given?" in texts and "New here" in texts
    assert not {"stopped", "years", "1", "5"} & texts


def test_forms_share_fields_but_each_resident_shuffles_a_copy_of_their_own(home):
    body = [
        question("single_choice", "pick", "Pick", randomize=True,
                 choices=choices(*[(str(i), f"Option {i}") for i in range(1, 9)])),
        question("single_choice", "plain", "Plain", choices=choices(("1", "One"), ("2", "Two"))),
    ]  # fmt: skip
    questionnaire = build_questionnaire(make_survey(home, body))
    in_order = [str(i) for i in range(1, 9)]
    forms_ = [ResponseForm(questionnaire, seed=f"resident-{i}") for i in range(6)]
    assert forms_[0].fields["plain"] is forms_[1].fields["plain"]  # built once, shared
    orders = {tuple(c for c, _ in form.fields["pick"].choices) for form in forms_}
    assert len(orders) > 1  # each resident's own order...
    unshuffled = ResponseForm(questionnaire)  # ...and the shared field keeps the original
    assert [c for c, _ in unshuffled.fields["pick"].choices] == in_order
    assert [c for c, _ in unshuffled.fields["pick"].widget.choices] == in_order
