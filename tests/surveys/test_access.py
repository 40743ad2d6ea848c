"""Every URL that reveals response data checks role and grant; every view is audited.

The URLs are discovered from the `surveys_admin` namespace: a view added there with a
`survey_id` joins these checks without editing this file. Organizer tools (views built
on `OrganizerViewMixin`, e.g. invitation codes) also need the right to edit the survey,
which Analysts never have.
"""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from cms.models import AuditEvent
from surveys import admin_urls
from surveys.access import grant
from surveys.export_views import ExporterMixin
from surveys.invitation_views import OrganizerViewMixin
from tests.factories import every_type_body, make_staff, make_survey, post_data, valid_answers

pytestmark = pytest.mark.django_db


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
    grant(user=analyst, page=ours)
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
    grant(user=organizer, page=ours)
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


def test_a_grant_on_a_parent_page_covers_the_surveys_below_it(client, two_surveys, home):
    analyst = role("Analyst", "ana")
    grant(user=analyst, page=home)
    client.force_login(analyst)
    for survey in two_surveys:
        assert client.get(f"/admin/surveys/{survey.pk}/responses/").status_code == 200


def test_the_wrong_role_sees_nothing_even_with_a_grant(client, two_surveys):
    moderator = role("Moderator", "mod")
    grant(user=moderator, page=two_surveys[0])
    client.force_login(moderator)
    for url in survey_data_urls(two_surveys[0].pk):
        assert client.get(url).status_code in (302, 403), url
    assert client.get("/admin/surveys/").context["object_list"].count() == 0


def test_guessed_ids_reveal_nothing(client, two_surveys, home):
    analyst = role("Analyst", "ana")
    grant(user=analyst, page=two_surveys[0])
    client.force_login(analyst)
    for bad_id in (999999, home.pk):
        for url in survey_data_urls(bad_id):
            assert client.get(url).status_code == 404, url


def test_every_responses_view_is_audited(client, two_surveys):
    ours = two_surveys[0]
    analyst = role("Analyst", "ana")
    grant(user=analyst, page=ours)
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
    grant(user=analyst, page=two_surveys[0])
    client.force_login(analyst)
    assert client.get("/admin/audit_log/").status_code in (302, 403)


def test_only_superusers_grant_access(client, two_surveys):
    organizer = role("Organizer", "org")
    client.force_login(organizer)
    assert client.get("/admin/survey_access/").status_code in (302, 403)
    assert client.get("/admin/survey_access/new/").status_code in (302, 403)
