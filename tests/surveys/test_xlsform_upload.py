"""The command and the admin upload: organizers import, others cannot; problems shown,
nothing created."""

import io

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from wagtail.models import Page

from cms.models import ContentPage
from surveys.models import SurveyPage
from surveys.xlsform import safety
from tests.data.make_xlsforms import HERE, workbook
from tests.factories import make_staff

pytestmark = pytest.mark.django_db
FIXTURE = HERE / "xlsform_trust.xlsx"
URL = "/admin/surveys/xlsform/import/"


def bad_form() -> bytes:
    buffer = io.BytesIO()
    rows = [("type", "name", "label"), ("calculate", "x", "X"), ("text", "status", "Status?")]
    workbook({"survey": rows}).save(buffer)
    return buffer.getvalue()


def role(name: str, username: str):
    user = make_staff(username)
    user.groups.add(Group.objects.get(name=name))
    return user


def upload(content: bytes, name: str = "form.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def test_the_command_creates_a_draft_and_prints_where_to_edit_it(home, capsys):
    call_command("import_xlsform", str(FIXTURE), "--parent", home.slug, "--slug", "trust")
    survey = SurveyPage.objects.get(slug="trust")
    out, err = capsys.readouterr()
    assert out.strip() == f"/admin/pages/{survey.pk}/edit/"
    assert "warning: survey:2: 'start' is not imported" in err
    assert not survey.live


def test_the_command_lists_problems_and_creates_nothing(home, tmp_path):
    path = tmp_path / "bad.xlsx"
    path.write_bytes(bad_form())
    count = Page.objects.count()
    with pytest.raises(CommandError) as error:
        call_command("import_xlsform", str(path), "--parent", home.slug)
    lines = str(error.value).splitlines()
    assert lines[1] == "survey:2: The type 'calculate' is not supported."
    assert lines[2].startswith("survey:3: 'status' is reserved")
    assert Page.objects.count() == count


def test_the_command_refuses_a_missing_file_and_an_unknown_or_ambiguous_parent(home, tmp_path):
    with pytest.raises(CommandError, match="No file"):
        call_command("import_xlsform", str(tmp_path / "none.xlsx"), "--parent", home.slug)
    with pytest.raises(CommandError, match="No page has the slug 'nowhere'"):
        call_command("import_xlsform", str(FIXTURE), "--parent", "nowhere")
    first = home.add_child(instance=ContentPage(title="Twin", slug="twin", body="<p>x</p>"))
    first.add_child(instance=ContentPage(title="Twin", slug="twin", body="<p>x</p>"))
    with pytest.raises(CommandError, match="Several pages have the slug 'twin'"):
        call_command("import_xlsform", str(FIXTURE), "--parent", "twin")
    assert not SurveyPage.objects.exists()


def test_an_organizer_uploads_a_form_and_lands_in_the_editor(client, home):
    client.force_login(role("Organizer", "org"))
    page = client.get(URL)
    parents = page.context["form"].fields["parent"].queryset
    assert page.status_code == 200 and list(parents.values_list("pk", flat=True)) == [home.pk]
    assert "xlsform-import" in client.get("/admin/").content.decode()  # in the menu
    result = client.post(URL, {"file": upload(FIXTURE.read_bytes()), "parent": home.pk})
    survey = SurveyPage.objects.get(locale__language_code="en")
    assert result.status_code == 302 and result["Location"] == f"/admin/pages/{survey.pk}/edit/"
    assert not survey.live
    editor = client.get(result["Location"])
    assert editor.status_code == 200 and "imported as a draft" in editor.content.decode()


def test_problems_are_shown_as_a_table_and_nothing_is_created(client, home):
    client.force_login(role("Organizer", "org"))
    count = Page.objects.count()
    result = client.post(URL, {"file": upload(bad_form()), "parent": home.pk})
    html = result.content.decode()
    assert result.status_code == 200 and "Nothing was imported" in html
    assert (
        "<td>survey</td><td>2</td><td>The type &#x27;calculate&#x27; is not supported.</td>" in html
    )
    assert Page.objects.count() == count


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"file": None}, "file"),
        ({"file": "not a file"}, "file"),
        ({"slug": "Not a slug!"}, "slug"),
        ({"parent": "999999"}, "parent"),
        ({"parent": None}, "parent"),
    ],
)
def test_bad_form_input_gets_an_error_and_changes_nothing(client, home, data, error):
    client.force_login(role("Organizer", "org"))
    count = Page.objects.count()
    post = {"file": upload(FIXTURE.read_bytes()), "parent": home.pk, **data}
    result = client.post(URL, {key: value for key, value in post.items() if value is not None})
    assert result.status_code == 200 and error in result.context["form"].errors
    assert Page.objects.count() == count


def test_an_oversized_upload_is_refused(client, home, monkeypatch):
    monkeypatch.setattr("surveys.xlsform_views.MAX_FILE_BYTES", 100)
    client.force_login(role("Organizer", "org"))
    result = client.post(URL, {"file": upload(FIXTURE.read_bytes()), "parent": home.pk})
    assert "larger than" in result.context["form"].errors["file"][0]
    assert not SurveyPage.objects.exists()
    assert safety.MAX_FILE_BYTES == 5 * 2**20


def test_analysts_and_visitors_cannot_import(client, home):
    assert client.get(URL)["Location"].startswith("/accounts/login/")
    client.force_login(role("Analyst", "ana"))
    assert client.get(URL).status_code in (302, 403)
    posted = client.post(URL, {"file": upload(FIXTURE.read_bytes()), "parent": home.pk})
    assert posted.status_code in (302, 403)
    assert "xlsform-import" not in client.get("/admin/").content.decode()
    assert not SurveyPage.objects.exists()
