"""Staff see new responses and used codes only in releases (surveys/release.py).

The insider attack these tests try: an organizer who may print invitation codes and read
responses diffs the sheet of unused codes, the codes' counts, the responses list, the
results and the survey index before and after one resident uses a code, to learn which
response that household gave.
"""

import datetime
from io import StringIO

import pytest
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from cms.models import AuditEvent, Neighborhood
from surveys import release
from surveys.access import grant
from surveys.builders import choices, question
from surveys.invitations import InvitationCode, generate
from surveys.models import Answer, Response, SurveyPage
from surveys.questionnaire import build_questionnaire
from surveys.submission import ResponseData, record_response, record_responses, save_partial
from tests.factories import make_staff, make_survey, post_data

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
BODY = [
    question(
        "single_choice",
        "trust",
        "Do you trust the police?",
        choices=choices(("1", "Yes"), ("2", "No")),
        widget="radio",
        required=True,
    )
]


@pytest.fixture
def coded(home, neighborhoods):
    survey = make_survey(home, BODY, slug="coded", admission=SurveyPage.Admission.CODE)
    return survey, [c.code for c in generate(survey, 30, neighborhoods[:1])]


@pytest.fixture
def organizer(client, coded):
    user = make_staff("org")
    user.groups.add(Group.objects.get(name="Organizer"))
    grant(user=user, survey=coded[0])
    client.force_login(user)
    return user


def on_day(monkeypatch, offset: int) -> None:
    """Views from now on look on TODAY + offset (the day a release counts from)."""
    monkeypatch.setattr(release, "_today", lambda: TODAY + datetime.timedelta(days=offset))


def answer_with(survey, code: str, trust: str = "1") -> None:
    resident = Client()
    assert resident.get(f"{survey.url}invite/?code={code}").status_code == 302
    sent = resident.post(survey.url, post_data({"trust": trust}, survey=survey))
    assert sent.status_code == 302 and sent["Location"].endswith("/thanks/"), sent


def what_the_organizer_sees(client, survey) -> dict:
    base = f"/admin/surveys/{survey.pk}"
    sheet = client.get(f"{base}/invitations/print/")
    counts = client.get(f"{base}/invitations/")
    listing = client.get(f"{base}/responses/")
    results = client.get(f"{base}/results/")
    index = client.get("/admin/surveys/")
    return {
        "sheet": sorted(card["code"] for card in sheet.context["cards"]),
        "counts": [(r["generated"], r["redeemed"], r["unused"]) for r in counts.context["rows"]],
        "responses": sorted(str(r.pk) for r in listing.context["object_list"]),
        "total": listing.context["total_responses"],
        "results": results.context["report"].responses,
        "index": [s.response_count for s in index.context["object_list"]],
    }


def test_one_resident_using_a_code_changes_nothing_an_organizer_sees(
    client, coded, organizer, monkeypatch
):
    survey, codes = coded
    before = what_the_organizer_sees(client, survey)
    assert before["sheet"] == sorted(codes) and before["total"] == 0

    answer_with(survey, codes[0])
    assert Response.objects.count() == 1
    assert what_the_organizer_sees(client, survey) == before  # the same day
    on_day(monkeypatch, 1)
    assert what_the_organizer_sees(client, survey) == before  # one is fewer than k

    k = survey.small_cell_threshold
    for code in codes[1:k]:
        answer_with(survey, code, trust="2")
    on_day(monkeypatch, 2)
    after = what_the_organizer_sees(client, survey)
    # All k at once: k codes leave the sheet as k responses arrive, and which code
    # admitted which response is not to be told.
    assert after["sheet"] == sorted(codes[k:])
    assert after["counts"] == [(30, k, 30 - k)]
    assert after["total"] == after["results"] == k == len(after["responses"])
    assert after["index"] == [k]
    used = InvitationCode.objects.filter(code__in=codes[:k])
    assert used.filter(released=True).count() == k
    assert used.values("redeemed_on").distinct().count() == 1  # one day for all


def test_the_invitation_views_are_audited(client, coded, organizer):
    survey, _codes = coded
    client.get(f"/admin/surveys/{survey.pk}/invitations/")
    client.get(f"/admin/surveys/{survey.pk}/invitations/print/?neighborhood=area-1")
    viewed, printed = AuditEvent.objects.order_by("at", "pk")
    assert (viewed.action, viewed.user, viewed.page_id) == (
        "view_invitations",
        organizer,
        survey.pk,
    )
    assert printed.action == "print_invitations"
    assert printed.detail == {"query": "neighborhood=area-1", "codes": 30}


def test_responses_of_each_neighborhood_are_released_on_their_own(home, neighborhoods):
    survey = make_survey(home, BODY, slug="open")
    questionnaire = build_questionnaire(survey, revision_id=survey.live_revision_id)
    for area, count in (("area-1", 10), ("area-2", 4), (None, 10)):
        for _ in range(count):
            _web_response(survey, questionnaire, area)
    result = release.release_due(survey, today=TODAY + datetime.timedelta(days=1))
    assert result.responses == 20
    shown = Response.objects.filter(released=True).values_list("neighborhood__code", flat=True)
    assert set(shown) == {"area-1", None}
    # The answers follow their responses, for the analysis's index-only counts.
    assert not Answer.objects.filter(released=True).exclude(response__released=True).exists()
    assert Answer.objects.filter(released=True).count() == 20


def _web_response(survey, questionnaire, area: str | None) -> Response:
    """A resident's response in `area`, stored as the web form stores it."""
    response = record_response(survey=survey, questionnaire=questionnaire, answers={"trust": "1"})
    if area:
        hood = Neighborhood.objects.get(code=area)
        Response.objects.filter(pk=response.pk).update(neighborhood=hood)
        Answer.objects.filter(response=response).update(neighborhood=hood)
    return response


def test_nothing_sent_today_is_released_and_one_look_a_day_is_enough(home, neighborhoods):
    survey = make_survey(home, BODY, slug="open")
    questionnaire = build_questionnaire(survey, revision_id=survey.live_revision_id)
    for _ in range(12):
        _web_response(survey, questionnaire, None)
    assert release.release_due(survey, today=TODAY).responses == 0
    tomorrow = TODAY + datetime.timedelta(days=1)
    assert release.release_due(survey, today=tomorrow).responses == 12
    _web_response(survey, questionnaire, None)
    Response.objects.filter(released=False).update(submitted_on=TODAY - datetime.timedelta(1))
    assert release.release_due(survey, today=tomorrow).responses == 0  # looked already


def test_a_neighborhood_under_k_is_never_released_not_even_at_close(coded):
    """One code handed to one household in a neighborhood of its own must not name its
    answers when the survey closes (or is closed for a night by an organizer)."""
    survey, codes = coded
    for code in codes[:3]:
        answer_with(survey, code)
    survey.closes_at = timezone.now()
    survey.save()
    result = release.release_due(survey, today=TODAY + datetime.timedelta(days=1))
    assert (result.responses, result.codes) == (0, 0)
    # The server's shell may decide otherwise once the survey is closed: audited.
    with pytest.raises(CommandError, match="--yes"):
        call_command("release_remaining", survey.slug)
    assert release.release_remaining(survey, today=TODAY + datetime.timedelta(days=1)) == 3


def test_release_remaining_refuses_an_open_survey_and_is_audited(coded):
    survey, codes = coded
    answer_with(survey, codes[0])
    with pytest.raises(CommandError, match="closed before today"):
        call_command("release_remaining", survey.slug, "--yes")
    survey.closes_at = timezone.now() - datetime.timedelta(days=2)
    survey.save()
    call_command("release_remaining", survey.slug, "--yes", stdout=StringIO())
    assert Response.objects.get().released
    event = AuditEvent.objects.get()
    assert event.detail == {"command": "release_remaining", "released": 1}


def test_partial_responses_are_never_released(home, neighborhoods):
    """A saved "continue later" that vanished from a list when completed would date its
    completion: partial responses stay the resident's."""
    survey = make_survey(home, BODY, slug="open")
    questionnaire = build_questionnaire(survey, revision_id=survey.live_revision_id)
    for _ in range(12):
        save_partial(survey=survey, questionnaire=questionnaire, answers={"trust": "1"})
    result = release.release_due(survey, today=TODAY + datetime.timedelta(days=1))
    assert result.responses == 0 and not Response.objects.filter(released=True).exists()


def test_paper_responses_are_shown_as_they_are_entered(home, neighborhoods):
    survey = make_survey(home, BODY, slug="paper")
    questionnaire = build_questionnaire(survey, revision_id=survey.live_revision_id)
    record_responses(
        survey=survey,
        questionnaire=questionnaire,
        responses=[ResponseData(answers={"trust": "2"}, submitted_on=TODAY, language="en")],
    )
    assert Response.objects.get().released and Answer.objects.get().released
