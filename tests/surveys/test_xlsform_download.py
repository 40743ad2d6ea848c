"""Getting a survey's XLSForm: the admin download (who may, who may not) and the command."""

import io

import pytest
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from cms.models import ContentPage
from surveys.access import grant
from surveys.wagtail_hooks import xlsform_button
from surveys.xlsform.exporting import CONTENT_TYPE
from tests.factories import every_type_body, make_staff, make_survey

pytestmark = pytest.mark.django_db


def url(survey) -> str:
    return f"/admin/surveys/{survey.pk}/xlsform/"


def role(name: str, username: str):
    user = make_staff(username)
    user.groups.add(Group.objects.get(name=name))
    return user


def refused(result) -> bool:
    """Wagtail's admin answers a refusal with a redirect and a message (or a 403)."""
    return result.status_code in (302, 403) and result.get("Content-Type") != CONTENT_TYPE


def form_id(workbook: bytes) -> str:
    return load_workbook(io.BytesIO(workbook))["settings"]["B2"].value


# --- the admin download ---------------------------------------------------------------------


def test_a_superuser_downloads_the_workbook(client, staff, survey):
    client.force_login(staff)
    result = client.get(url(survey))
    assert result.status_code == 200
    assert result["Content-Type"] == CONTENT_TYPE
    assert result["Content-Disposition"] == 'attachment; filename="survey.xlsx"'
    assert form_id(result.content) == "survey"


def test_an_organizer_who_may_edit_the_page_downloads_it(client, survey):
    client.force_login(role("Organizer", "org"))
    assert client.get(url(survey)).status_code == 200


def test_an_analyst_downloads_only_granted_surveys(client, survey, home):
    other = make_survey(home, every_type_body(), slug="other")
    analyst = role("Analyst", "ana")
    grant(user=analyst, survey=survey)
    client.force_login(analyst)
    assert client.get(url(survey)).status_code == 200
    assert refused(client.get(url(other)))


@pytest.mark.parametrize("name", ["Moderator", None])
def test_staff_who_may_neither_edit_nor_see_responses_cannot(client, survey, name):
    user = role(name, "mod") if name else make_staff("plain")
    grant(user=user, survey=survey)
    client.force_login(user)
    assert refused(client.get(url(survey)))


def test_anonymous_visitors_are_sent_to_sign_in(client, survey):
    result = client.get(url(survey))
    assert result.status_code == 302 and result["Location"].startswith("/accounts/login/")


def test_only_a_survey_can_be_downloaded_and_only_by_get(client, staff, survey, home):
    client.force_login(staff)
    assert client.get(f"/admin/surveys/{home.pk}/xlsform/").status_code == 404
    assert client.get("/admin/surveys/999999/xlsform/").status_code == 404
    assert client.post(url(survey)).status_code == 405


def test_the_page_listing_offers_the_download_to_those_who_may(client, staff, survey, home):
    client.force_login(staff)
    assert url(survey) in client.get(f"/admin/pages/{home.pk}/").content.decode()
    moderator = role("Moderator", "mod")
    assert list(xlsform_button(survey, moderator)) == []
    assert [button.url for button in xlsform_button(survey, staff)] == [url(survey)]


# --- the command ----------------------------------------------------------------------------


def test_the_command_writes_the_workbook(survey, tmp_path):
    output = tmp_path / "form.xlsx"
    call_command("export_xlsform", "survey", "-o", str(output), stdout=io.StringIO())
    assert form_id(output.read_bytes()) == "survey"


def test_the_command_refuses_an_unknown_slug(survey, tmp_path):
    output = tmp_path / "form.xlsx"
    with pytest.raises(CommandError, match="No survey with the slug 'nope'. Surveys: survey."):
        call_command("export_xlsform", "nope", "-o", str(output))
    assert not output.exists()


def test_the_command_refuses_an_ambiguous_slug(survey, home, tmp_path):
    elsewhere = ContentPage(title="Elsewhere", slug="elsewhere", body="<p>x</p>")
    home.add_child(instance=elsewhere)
    make_survey(elsewhere, every_type_body(), slug="survey")
    output = tmp_path / "form.xlsx"
    with pytest.raises(CommandError, match="Several surveys have the slug 'survey'"):
        call_command("export_xlsform", "survey", "-o", str(output))
    assert not output.exists()


@pytest.mark.parametrize(
    ("name", "message"),
    [("form.csv", "must end in .xlsx, not 'form.csv'"), ("missing/form.xlsx", "does not exist")],
)
def test_the_command_refuses_a_bad_output_path(survey, tmp_path, name, message):
    with pytest.raises(CommandError, match=message):
        call_command("export_xlsform", "survey", "-o", str(tmp_path / name))
    assert list(tmp_path.iterdir()) == []
