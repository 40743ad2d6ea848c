"""The organizer's invitation-code pages: who may use them, generating, printing."""

import re

import pytest
from django.contrib.auth.models import Group
from wagtail.models import Locale

from cms.models import AuditEvent, Neighborhood, SiteSettings
from surveys.access import grant
from surveys.invitations import InvitationCode, generate, redeem
from tests.factories import make_staff, release_everything

pytestmark = pytest.mark.django_db


def page_url(survey) -> str:
    return f"/admin/surveys/{survey.pk}/invitations/"


def sheet_url(survey) -> str:
    return f"/admin/surveys/{survey.pk}/invitations/print/"


def member(role: str, survey=None):
    user = make_staff(role.lower())
    user.groups.add(Group.objects.get(name=role))
    if survey is not None:
        grant(user=user, survey=survey)
    return user


@pytest.fixture
def organizer(survey):
    return member("Organizer", survey)


def refused(result) -> bool:
    return result.status_code == 403 or (
        result.status_code == 302 and "invitations" not in result["Location"]
    )


# --- who may -------------------------------------------------------------------------


def test_a_superuser_and_a_granted_organizer_generate_codes(client, staff, organizer, survey):
    for user in (staff, organizer):
        client.force_login(user)
        assert client.get(page_url(survey)).status_code == 200
        result = client.post(page_url(survey), {"count": "2"})
        assert result.status_code == 302 and result["Location"] == page_url(survey)
    assert InvitationCode.objects.filter(survey=survey).count() == 4


@pytest.mark.parametrize(
    ("role", "granted"), [("Analyst", True), ("Moderator", True), ("Organizer", False)]
)
def test_analysts_moderators_and_ungranted_organizers_are_refused(client, survey, role, granted):
    generate(survey, 1)
    client.force_login(member(role, survey if granted else None))
    for url in (page_url(survey), sheet_url(survey)):
        result = client.get(url)
        assert refused(result), url
        assert "cards" not in (result.context or {})
    assert refused(client.post(page_url(survey), {"count": "5"}))
    assert InvitationCode.objects.count() == 1


def test_anonymous_visitors_are_sent_to_sign_in(client, survey):
    for url in (page_url(survey), sheet_url(survey)):
        assert client.get(url)["Location"].startswith("/accounts/login/")
    client.post(page_url(survey), {"count": "5"})
    assert not InvitationCode.objects.exists()


def test_the_page_listing_offers_the_button_to_organizers_only(client, home, survey, organizer):
    client.force_login(organizer)
    assert page_url(survey) in client.get(f"/admin/pages/{home.pk}/").content.decode()
    analyst = member("Analyst", survey)
    client.force_login(analyst)
    assert page_url(survey) not in client.get(f"/admin/pages/{home.pk}/").content.decode()


# --- the summary and the form ----------------------------------------------------------


def test_the_summary_counts_codes_per_neighborhood(client, organizer, survey, neighborhoods):
    client.force_login(organizer)
    result = client.post(
        page_url(survey), {"count": "200", "neighborhoods": [n.pk for n in neighborhoods]}
    )
    assert result.status_code == 302
    first = InvitationCode.objects.filter(neighborhood=neighborhoods[0]).first()
    redeem(survey, first.code)
    page = client.get(page_url(survey))
    assert "600 invitation codes generated." in page.content.decode()
    rows = {row["neighborhood__code"]: row for row in page.context["rows"]}
    # A used code counts as used only once released, with k others (test_release.py).
    assert (rows["area-1"]["generated"], rows["area-1"]["redeemed"], rows["area-1"]["unused"]) == (
        200,
        0,
        200,
    )
    release_everything()
    rows = {row["neighborhood__code"]: row for row in client.get(page_url(survey)).context["rows"]}
    assert (rows["area-1"]["redeemed"], rows["area-1"]["unused"]) == (1, 199)
    assert rows["area-2"]["unused"] == rows["area-3"]["unused"] == 200


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "This field is required."),
        ({"count": "0"}, "greater than or equal to 1"),
        ({"count": "many"}, "Enter a whole number."),
        ({"count": "5001"}, "less than or equal to 5000"),
        ({"count": "2000", "neighborhoods": "ALL"}, "At most 5000 codes at a time: 2000 codes"),
        ({"count": "3", "neighborhoods": "999999"}, "Select a valid choice."),
    ],
)
def test_bad_input_is_explained_and_creates_nothing(
    client, organizer, survey, neighborhoods, data, message
):
    if data.get("neighborhoods") == "ALL":
        data["neighborhoods"] = [n.pk for n in neighborhoods]
    client.force_login(organizer)
    result = client.post(page_url(survey), data)
    assert result.status_code == 200
    assert message in result.content.decode()
    assert not InvitationCode.objects.exists()


# --- the printable sheet -------------------------------------------------------------


def test_the_sheet_prints_unused_codes_with_their_qr_codes(client, organizer, survey):
    unused, used = (invitation.code for invitation in generate(survey, 2))
    redeem(survey, used)
    release_everything()
    client.force_login(organizer)
    result = client.get(sheet_url(survey))
    html = result.content.decode()
    assert unused in html and used not in html
    assert html.count("<svg") == 1 and 'role="img"' in html
    # The code travels in the query, never the path (access logs keep paths).
    assert [card["url"] for card in result.context["cards"]] == [
        f"{survey.get_full_url()}invite/?code={unused}"
    ]
    assert survey.title in html and "invitation_sheet.css" in html


def test_the_sheet_uses_no_script_and_no_other_site(client, organizer, survey):
    generate(survey, 3)
    client.force_login(organizer)
    html = client.get(sheet_url(survey)).content.decode()
    assert "<script" not in html
    assert not re.search(r"""(src|href)=["']https?://""", html)
    assert not re.search(r"\son[a-z]+=", html)


def test_the_sheet_can_show_one_neighborhood(client, organizer, survey, neighborhoods):
    generate(survey, 2, neighborhoods[:2])
    client.force_login(organizer)
    result = client.get(sheet_url(survey), {"neighborhood": "area-2"})
    cards = result.context["cards"]
    assert len(cards) == 2 and {card["neighborhood"] for card in cards} == {neighborhoods[1]}


def test_a_long_sheet_is_split_into_pages(client, organizer, survey):
    generate(survey, 201)
    client.force_login(organizer)
    assert len(client.get(sheet_url(survey)).context["cards"]) == 200
    assert len(client.get(sheet_url(survey), {"page": "2"}).context["cards"]) == 1


@pytest.mark.parametrize("query", [{"neighborhood": "atlantis"}, {"page": "first"}])
def test_a_bad_sheet_filter_is_explained(client, organizer, survey, neighborhoods, query):
    generate(survey, 2)
    client.force_login(organizer)
    result = client.get(sheet_url(survey), query)
    assert result.status_code == 200 and not result.context.get("cards")
    assert "error-message" in result.content.decode()


def test_a_neighborhood_with_codes_cannot_be_deleted(client, staff, survey, neighborhoods):
    generate(survey, 1, neighborhoods[:1])
    client.force_login(staff)
    url = f"/admin/snippets/cms/neighborhood/delete/{neighborhoods[0].pk}/"
    result = client.post(url, follow=True)
    assert "Not deleted: 1 invitation codes were handed out" in result.content.decode()
    assert Neighborhood.objects.filter(pk=neighborhoods[0].pk).exists()


def test_printed_links_use_the_public_address_and_warn_without_one(client, organizer, survey):
    [code] = (invitation.code for invitation in generate(survey, 1))
    client.force_login(organizer)
    for url in (page_url(survey), sheet_url(survey)):
        assert "No public address is set" in client.get(url).content.decode()
    settings_row = SiteSettings.for_site(survey.get_site())
    settings_row.public_base_url = "http://localhost:8000"
    settings_row.save()
    assert "which only this machine can reach" in client.get(sheet_url(survey)).content.decode()
    settings_row.public_base_url = "https://survey.example.org/"
    settings_row.save()
    sheet = client.get(sheet_url(survey))
    assert "public address" not in sheet.content.decode().lower().split("<main")[0]
    [card] = sheet.context["cards"]
    assert card["url"] == f"https://survey.example.org/en/survey/invite/?code={code}"
    assert card["url"] in sheet.content.decode()  # the printed link carries the code


def test_cards_speak_every_language_of_the_survey(client, organizer, survey):
    locale = Locale.objects.create(language_code="es")
    survey.get_parent().copy_for_translation(locale).save_revision().publish()
    spanish = survey.copy_for_translation(locale)
    spanish.title = "Encuesta de confianza"
    spanish.save_revision().publish()
    [code] = (invitation.code for invitation in generate(survey, 1))
    client.force_login(organizer)
    sheet = client.get(sheet_url(survey))
    [card] = sheet.context["cards"]
    assert [(v["language"], v["title"]) for v in card["languages"]] == [
        ("en", survey.title),
        ("es", "Encuesta de confianza"),
    ]
    html = sheet.content.decode()
    assert f"/es/{spanish.slug}/invite/?code={code}" in html
    assert 'lang="es"' in html and "Lo invitamos a responder esta encuesta" in html


def test_only_superusers_set_the_public_address_and_every_change_is_audited(
    client, organizer, staff, survey, settings
):
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "survey.example.org"]
    site = survey.get_site()
    url = f"/admin/settings/cms/sitesettings/{site.pk}/"
    client.force_login(organizer)  # Organizers may change Site settings, not this field
    assert "public_base_url" not in client.get(url).context["form"].fields
    client.post(url, {"organization_name": "Us", "public_base_url": "https://evil.example"})
    assert SiteSettings.for_site(site).public_base_url == ""
    client.force_login(staff)
    for bad, message in (
        ("http://survey.example.org", "Give an https:// address."),
        ("https://evil.example", "This site does not answer at evil.example"),
        ("https://survey.example.org/elsewhere", "without a path"),
    ):
        result = client.post(url, {"organization_name": "Us", "public_base_url": bad})
        assert message in result.content.decode(), bad
    client.post(url, {"organization_name": "Us", "public_base_url": "https://survey.example.org"})
    assert SiteSettings.for_site(site).public_base_url == "https://survey.example.org"
    event = AuditEvent.objects.get(action="change_address")
    assert event.detail == {"from": "", "to": "https://survey.example.org"}
    assert "survey.example.org" in client.get(sheet_url(survey)).content.decode()


def test_the_open_to_anyone_warning_links_straight_to_the_setting(client, organizer, survey):
    """Issue 19, Organizers 5: the warning names "Who can answer" and leads to it."""
    survey.admission = "open"
    survey.save()
    client.force_login(organizer)
    page = client.get(page_url(survey)).content.decode()
    link = re.search(r'<a href="([^"]+)"[^>]*>[^<]*Who can answer', page)
    assert link is not None, page
    assert link.group(1) == f"/admin/pages/{survey.pk}/edit/#id_admission"
    editor = client.get(f"/admin/pages/{survey.pk}/edit/").content.decode()
    assert 'id="id_admission"' in editor
