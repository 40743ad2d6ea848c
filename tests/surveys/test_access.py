"""Every URL that reveals response data checks role and grant; every view is audited.

The URLs are discovered from the `surveys_admin` namespace: a view added there with a
`survey_id` joins these checks without editing this file. Organizer tools (views built
on `OrganizerViewMixin`, e.g. invitation codes) also need the right to edit the survey,
which Analysts never have.
"""

import json

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from wagtail.models import Locale

from cms.models import AuditEvent, ContentPage
from surveys import admin_urls
from surveys.access import grant
from surveys.export_views import ExporterMixin
from surveys.invitation_views import OrganizerViewMixin
from surveys.models import Response, SurveyAccess, SurveyPage
from tests.factories import (
    body_with_ids,
    edit_form_data,
    every_type_body,
    make_staff,
    make_survey,
    post_data,
    valid_answers,
)

pytestmark = pytest.mark.django_db

BODY = [
    {**block, "value": {**block["value"], "widget": "radio"}}
    if block["type"] == "single_choice"
    else block
    for block in every_type_body()
]


def survey_data_urls(
    survey_id: int, *, organizer_tools: bool | None = None, exports: bool | None = None
) -> list[str]:
    """The survey's admin URLs: all, or only (True) or all but (False) organizer tools,
    or only (True) or all but (False) the views that export responses."""

    def is_a(pattern, mixin) -> bool:
        return issubclass(getattr(pattern.callback, "view_class", object), mixin)

    return [
        reverse(f"surveys_admin:{pattern.name}", kwargs={"survey_id": survey_id})
        for pattern in admin_urls.urlpatterns
        if "survey_id" in pattern.pattern.converters
        and organizer_tools in (None, is_a(pattern, OrganizerViewMixin))
        and exports in (None, is_a(pattern, ExporterMixin))
    ]


@pytest.fixture
def two_surveys(client, home, neighborhoods):
    ours = make_survey(home, every_type_body(), slug="ours")
    theirs = make_survey(home, every_type_body(), slug="theirs")
    for survey in (ours, theirs):
        client.post(survey.url, post_data(valid_answers(), survey=survey))
    return ours, theirs


def role(name: str, username: str):
    user = make_staff(username)
    user.groups.add(Group.objects.get(name=name))
    return user


def test_the_data_urls_are_discovered(two_surveys):
    urls = survey_data_urls(two_surveys[0].pk)
    assert f"/admin/surveys/{two_surveys[0].pk}/responses/" in urls
    assert len(urls) >= 2


def test_anonymous_visitors_see_nothing(client, two_surveys):
    for url in survey_data_urls(two_surveys[0].pk) + ["/admin/surveys/"]:
        result = client.get(url)
        assert result.status_code == 302 and result["Location"].startswith("/accounts/login/")


def test_an_analyst_sees_only_the_granted_survey(client, two_surveys):
    ours, theirs = two_surveys
    analyst = role("Analyst", "ana")
    grant(user=analyst, survey=ours)
    client.force_login(analyst)
    for url in survey_data_urls(ours.pk, organizer_tools=False):
        assert client.get(url).status_code == 200, url
    for url in survey_data_urls(ours.pk, organizer_tools=True) + survey_data_urls(theirs.pk):
        result = client.get(url)
        assert result.status_code in (302, 403), url
        assert "response_table" not in (result.context or {})
    listed = client.get("/admin/surveys/").context["object_list"]
    assert [survey.pk for survey in listed] == [ours.pk]


def test_an_organizer_reaches_every_url_of_the_granted_survey_only(client, two_surveys):
    ours, theirs = two_surveys
    organizer = role("Organizer", "org")
    grant(user=organizer, survey=ours)
    client.force_login(organizer)
    assert survey_data_urls(ours.pk, organizer_tools=True)
    for url in survey_data_urls(ours.pk, exports=False):
        assert client.get(url).status_code == 200, url
    # Organizers see responses but do not take them away: exporting is the Analyst's.
    assert survey_data_urls(ours.pk, exports=True)
    for url in survey_data_urls(ours.pk, exports=True):
        assert client.get(url).status_code in (302, 403), url
    questionnaire = reverse("surveys_admin:xlsform_export", kwargs={"survey_id": theirs.pk})
    for url in survey_data_urls(theirs.pk):
        if url == questionnaire:
            # No answers in it: an organizer who may edit that page may download it.
            continue
        assert client.get(url).status_code in (302, 403), url


def test_a_grant_on_a_translation_covers_the_survey_in_every_language(client, two_surveys):
    ours, theirs = two_surveys
    locale = Locale.objects.create(language_code="es")
    ours.get_parent().copy_for_translation(locale).save_revision().publish()
    spanish = ours.copy_for_translation(locale)
    spanish.save_revision().publish()
    analyst = role("Analyst", "ana")
    access = grant(user=analyst, survey=spanish)
    assert access.survey_id == ours.pk
    client.force_login(analyst)
    assert client.get(f"/admin/surveys/{ours.pk}/responses/").status_code == 200
    assert client.get(f"/admin/surveys/{spanish.pk}/responses/").status_code == 200
    assert client.get(f"/admin/surveys/{theirs.pk}/responses/").status_code in (302, 403)


@pytest.fixture
def sections(two_surveys, home):
    """Two sections of the site, each holding one of the two answered surveys."""
    ours, theirs = two_surveys
    placed = []
    for title, survey in (("Eastside", ours), ("Westside", theirs)):
        section = ContentPage(title=title, slug=title.lower(), body="<p>Our area.</p>")
        home.add_child(instance=section)
        section.save_revision().publish()
        survey.move(section, pos="last-child")
        placed.append(section)
    return placed


def test_an_organizer_cannot_move_another_survey_under_their_own(client, two_surveys, sections):
    """The attack: an Organizer granted one section's survey moves another survey, with
    its responses, under that section, then reads them."""
    ours, theirs = two_surveys
    east, _west = sections
    organizer = role("Organizer", "org")
    grant(user=organizer, survey=ours)
    client.force_login(organizer)
    moved = client.post(f"/admin/pages/{theirs.pk}/move/{east.pk}/confirm/", follow=True)
    assert "Only a superuser may move or copy surveys you are not granted" in moved.content.decode()
    theirs.refresh_from_db()
    assert theirs.get_parent().pk != east.pk
    for url in survey_data_urls(theirs.pk, exports=False):
        if "xlsform" not in url:
            assert client.get(url).status_code in (302, 403), url
    # Nor by the bulk move action, nor by copying.
    bulk = client.post(
        f"/admin/bulk/wagtailcore/page/move/?next=/admin/pages/&id={theirs.pk}",
        {"chooser": east.pk},
        follow=True,
    )
    assert "Only a superuser may move or copy" in bulk.content.decode()
    theirs.refresh_from_db()
    assert theirs.get_parent().pk != east.pk
    copied = client.get(f"/admin/pages/{theirs.pk}/copy/", follow=True)
    assert "Only a superuser may move or copy" in copied.content.decode()
    assert not AuditEvent.objects.filter(action__in=["move", "copy"]).exists()


def test_a_grant_does_not_follow_moves(client, staff, two_surveys, sections):
    """Even a superuser's move of a survey under a granted one's section opens nothing;
    every move of a survey is audited."""
    ours, theirs = two_surveys
    east, _west = sections
    organizer = role("Organizer", "org")
    grant(user=organizer, survey=ours)
    client.force_login(staff)
    assert client.post(f"/admin/pages/{theirs.pk}/move/{east.pk}/confirm/").status_code == 302
    theirs.refresh_from_db()
    assert theirs.get_parent().pk == east.pk
    event = AuditEvent.objects.get(action="move")
    assert (event.user, event.page_id) == (staff, theirs.pk)
    assert event.detail["parent"] == east.pk
    client.force_login(organizer)
    assert client.get(f"/admin/surveys/{theirs.pk}/responses/").status_code in (302, 403)
    listed = client.get("/admin/surveys/").context["object_list"]
    assert [survey.pk for survey in listed] == [ours.pk]


def test_an_organizer_moves_their_own_survey_and_it_is_audited(client, two_surveys, sections):
    ours, _theirs = two_surveys
    _east, west = sections
    organizer = role("Organizer", "org")
    grant(user=organizer, survey=ours)
    client.force_login(organizer)
    assert client.post(f"/admin/pages/{ours.pk}/move/{west.pk}/confirm/").status_code == 302
    ours.refresh_from_db()
    assert ours.get_parent().pk == west.pk
    assert AuditEvent.objects.get(action="move").username == "org"


def test_a_new_survey_is_granted_to_its_creator_and_to_nobody_else(client, home, neighborhoods):
    organizer = role("Organizer", "org")
    client.force_login(organizer)
    created = client.post(
        f"/admin/pages/add/surveys/surveypage/{home.pk}/",
        edit_form_data(SurveyPage(title="Our new survey", slug="our-new-survey"), BODY),
    )
    assert created.status_code == 302, created.context["form"].errors if created.context else ""
    survey = SurveyPage.objects.get(slug="our-new-survey")
    assert SurveyAccess.objects.filter(user=organizer, survey=survey).exists()
    assert SurveyAccess.objects.count() == 1


def test_the_wrong_role_sees_nothing_even_with_a_grant(client, two_surveys):
    moderator = role("Moderator", "mod")
    grant(user=moderator, survey=two_surveys[0])
    client.force_login(moderator)
    for url in survey_data_urls(two_surveys[0].pk):
        assert client.get(url).status_code in (302, 403), url
    assert client.get("/admin/surveys/").context["object_list"].count() == 0


def test_guessed_ids_reveal_nothing(client, two_surveys, home):
    analyst = role("Analyst", "ana")
    grant(user=analyst, survey=two_surveys[0])
    client.force_login(analyst)
    for bad_id in (999999, home.pk):
        for url in survey_data_urls(bad_id):
            assert client.get(url).status_code == 404, url


def test_every_responses_view_is_audited(client, two_surveys):
    ours = two_surveys[0]
    analyst = role("Analyst", "ana")
    grant(user=analyst, survey=ours)
    client.force_login(analyst)
    client.get(f"/admin/surveys/{ours.pk}/responses/?channel=web")
    event = AuditEvent.objects.get()
    assert (event.user, event.username, event.action) == (analyst, "ana", "view_responses")
    assert event.page_id == ours.pk and event.subject == ours.title
    assert event.detail == {"query": "channel=web"}
    client.get(f"/admin/surveys/{two_surveys[1].pk}/responses/")  # refused: not audited
    assert AuditEvent.objects.count() == 1


def test_the_audit_log_is_readable_by_superusers_and_editable_by_nobody(client, staff, two_surveys):
    client.force_login(staff)
    client.get(f"/admin/surveys/{two_surveys[0].pk}/responses/")
    event = AuditEvent.objects.get()
    listing = client.get("/admin/audit_log/")
    assert listing.status_code == 200 and "Viewed responses" in listing.content.decode()
    assert client.get(f"/admin/audit_log/inspect/{event.pk}/").status_code == 200
    for url in (f"/admin/audit_log/edit/{event.pk}/", f"/admin/audit_log/delete/{event.pk}/"):
        result = client.post(url, {"subject": "tampered"})
        assert result.status_code in (302, 403, 404), url
    assert client.get("/admin/audit_log/new/").status_code in (302, 403, 404)
    event.refresh_from_db()
    assert event.subject == two_surveys[0].title and AuditEvent.objects.count() == 1

    analyst = role("Analyst", "ana")
    grant(user=analyst, survey=two_surveys[0])
    client.force_login(analyst)
    assert client.get("/admin/audit_log/").status_code in (302, 403)


def test_only_superusers_grant_access(client, two_surveys):
    organizer = role("Organizer", "org")
    client.force_login(organizer)
    assert client.get("/admin/survey_access/").status_code in (302, 403)
    assert client.get("/admin/survey_access/new/").status_code in (302, 403)


def test_only_those_granted_a_survey_change_its_smallest_publishable_count(client, two_surveys):
    ours, theirs = two_surveys
    organizer = role("Organizer", "org")
    grant(user=organizer, survey=ours)
    client.force_login(organizer)
    for survey, wanted, kept in ((theirs, 5, 10), (ours, 12, 12)):
        data = edit_form_data(survey, body_with_ids(survey), small_cell_threshold=str(wanted))
        result = client.post(f"/admin/pages/{survey.pk}/edit/", data)
        assert result.status_code == 302, result.context["form"].errors
        survey.refresh_from_db()
        assert survey.small_cell_threshold == kept
    [event] = AuditEvent.objects.filter(action="change_threshold")
    assert (event.user, event.page_id, event.detail) == (organizer, ours.pk, {"from": 10, "to": 12})
    form = client.get(f"/admin/pages/{theirs.pk}/edit/").context["form"]
    assert form.fields["small_cell_threshold"].disabled


def test_refusals_tell_nothing_of_a_surveys_responses(client, home, neighborhoods):
    """Delete, move and copy refuse an ungranted survey the same way whether or not a
    resident has just answered it: a message that changed would show each one arrive."""
    survey = make_survey(home, every_type_body(), slug="quiet")
    organizer = role("Organizer", "org")
    client.force_login(organizer)

    def refusals() -> list[str]:
        said = []
        for url in (f"/admin/pages/{survey.pk}/delete/", f"/admin/pages/{survey.pk}/copy/"):
            said.append(client.get(url, follow=True).content.decode())
        return [
            next(line for line in page.splitlines() if "Not deleted" in line or "Only a" in line)
            for page in said
        ]

    before = refusals()
    Client().post(survey.url, post_data(valid_answers(), survey=survey))
    assert Response.objects.count() == 1
    assert refusals() == before
    assert "stored survey responses" not in " ".join(before)


def test_the_admin_api_cannot_move_copy_delete_or_publish_pages(client, two_surveys, sections):
    ours, theirs = two_surveys
    east, _west = sections
    organizer = role("Organizer", "org")
    grant(user=organizer, survey=ours)
    for user in (organizer, make_staff("root", superuser=True)):
        client.force_login(user)
        for action, body in (
            ("move", {"destination_page_id": east.pk, "position": "last-child"}),
            ("copy", {"destination_page_id": east.pk, "slug": "stolen"}),
            ("delete", {}),
            ("publish", {}),
            ("revert_to_page_revision", {"revision_id": theirs.live_revision_id}),
        ):
            result = client.post(
                f"/admin/api/main/pages/{theirs.pk}/action/{action}/",
                data=json.dumps(body),
                content_type="application/json",
            )
            assert result.status_code == 404, (user, action)
    theirs.refresh_from_db()
    assert theirs.get_parent().pk != east.pk
    assert not SurveyPage.objects.filter(slug="stolen").exists()
