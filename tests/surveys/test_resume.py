"""Save and resume: partial responses, resume codes, expiry, completion in place."""

import datetime
import re

import pytest
from django.test import Client
from django.utils import timezone

from surveys import codes
from surveys.invitations import generate
from surveys.models import Answer, Response
from surveys.resume import RESUME_CODE_LENGTH, ResumeCode
from surveys.submission import delete_expired_partials
from tests.factories import make_survey
from tests.surveys.conftest import Resident, paged_body

pytestmark = pytest.mark.django_db


def save_on_page_two(resident) -> str:
    resident.post({"area": "area-2", "stopped": "1", "why": "No reason"}, action="next", page=0)
    saved = resident.post({"years": "3"}, action="save", page=1)
    assert saved.status_code == 200
    assert saved["Cache-Control"] == "no-store"
    return re.search(r'id="resume-code">([^<]+)<', saved.content.decode()).group(1)


def test_continue_later_stores_a_partial_response_and_shows_a_code(resident, client):
    code = save_on_page_two(resident)
    assert re.fullmatch(r"[2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4}", code)
    assert codes.entropy_bits(RESUME_CODE_LENGTH) > 55
    response = Response.objects.get()
    assert response.status == "partial" and response.neighborhood.code == "area-2"
    assert set(Answer.objects.values_list("key", "status")) == {
        ("stopped", "partial"),
        ("why", "partial"),
        ("years", "partial"),
    }
    # Only a digest of the code is stored, never the code.
    stored = ResumeCode.objects.get()
    assert stored.digest == codes.digest(code) and code not in str(vars(stored))
    assert stored.expires_on == timezone.localdate() + datetime.timedelta(days=14)
    assert not any(key.startswith("survey:") for key in client.session.keys())  # noqa: SIM118 (no __iter__)


def test_a_resume_code_restores_answers_on_another_device(resident, paged):
    code = save_on_page_two(resident)
    other_device = Resident(Client(), paged)
    form = other_device.client.get(f"{paged.url}resume/?code={code}")
    assert f'value="{code}"' in form.content.decode()  # the link fills the code in
    older_link = other_device.client.get(f"{paged.url}resume/{code}/")
    assert f'value="{code}"' in older_link.content.decode()
    typed = code.lower().replace("-", " ")  # case and separators do not matter
    restored = other_device.client.post(f"{paged.url}resume/", {"code": typed})
    assert restored.status_code == 302 and restored.url.endswith("?welcome=back")
    # It opens where they stopped (page two, saved there), and says welcome back once.
    back = other_device.client.get(restored.url).content.decode()
    assert "Welcome back" in back and "Page 2 of" in back and 'value="3"' in back
    assert "Welcome back" not in other_device.get().content.decode()

    partial_id = Response.objects.get().pk
    other_device.post({"area": "area-2", "stopped": "1", "why": "No reason"}, action="next", page=0)
    other_device.post({"years": "3"}, action="next", page=1)
    done = other_device.post({"newcomer": "5"}, action="submit", page=2)
    assert done.status_code == 302 and done.url.endswith("/thanks/")

    response = Response.objects.get()  # completed: still one response ...
    assert response.status == "complete"
    assert response.pk != partial_id  # ... under an id nobody saw while it was partial
    assert set(Answer.objects.values_list("status", flat=True)) == {"complete"}
    assert set(Answer.objects.values_list("key", flat=True)) == {
        "stopped",
        "why",
        "years",
        "newcomer",
    }
    assert not ResumeCode.objects.exists()
    # The code is spent.
    again = Client().post(f"{paged.url}resume/", {"code": code})
    assert again.status_code == 400 and "could not find" in again.content.decode()


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "A resume code has 12 letters"),
        ("ABCD", "A resume code has 12 letters"),
        ("0000-OOOO-1111", "A resume code has 12 letters"),
        ("ABCD-EFGH-JKMN", "We could not find answers saved with this code"),
        ("<script>", "A resume code has 12 letters"),
    ],
)
def test_a_wrong_resume_code_gets_a_plain_message(client, paged, resident, typed, message):
    save_on_page_two(resident)
    before = list(Answer.objects.values_list("id", flat=True))
    result = client.post(f"{paged.url}resume/", {"code": typed})
    assert result.status_code == 400
    assert message in result.content.decode()
    assert "&lt;script&gt;" in result.content.decode() or typed != "<script>"
    assert list(Answer.objects.values_list("id", flat=True)) == before


def test_an_expired_code_is_refused_and_its_answers_deleted(client, paged, resident):
    code = save_on_page_two(resident)
    ResumeCode.objects.update(expires_on=timezone.localdate() - datetime.timedelta(days=1))
    result = client.post(f"{paged.url}resume/", {"code": code})
    assert result.status_code == 400 and "expired" in result.content.decode()
    assert delete_expired_partials() == 1
    assert not Response.objects.exists() and not Answer.objects.exists()


def test_saving_again_replaces_the_answers_and_the_code(paged, resident):
    first_code = save_on_page_two(resident)
    Client().post(f"{paged.url}resume/", {"code": first_code})
    other = Resident(Client(), paged)
    other.client.post(f"{paged.url}resume/", {"code": first_code})
    other.post({"area": "area-2", "stopped": "2"}, action="save", page=0)
    assert Response.objects.count() == 1
    assert set(Answer.objects.values_list("key", flat=True)) == {"stopped", "years"}
    assert ResumeCode.objects.count() == 1
    assert ResumeCode.objects.get().digest != codes.digest(first_code)


def test_resuming_tells_nothing_of_whether_the_code_was_used_since(home, neighborhoods):
    """A holder of a code who saved "continue later" with it cannot poll, by resuming,
    whether the household has answered: saving used the code, and resuming looks the
    same however the code fares."""
    survey = make_survey(home, paged_body(), slug="coded", admission="code")
    [invitation] = generate(survey, 1, neighborhoods[:1])
    resident = Resident(Client(), survey)
    resident.client.get(f"{survey.url}invite/?code={invitation.code}")
    resident.post({"stopped": "2"}, action="next", page=0)
    saved = resident.post({"years": "3"}, action="save", page=1)
    resume_code = re.search(r'id="resume-code">([^<]+)<', saved.content.decode())[1]

    def resumed() -> str:
        phone = Resident(Client(), survey)
        phone.client.post(f"{survey.url}resume/", {"code": resume_code})
        return phone.get().templates[0].name

    first = resumed()
    assert first == "surveys/survey_page.html"
    # Someone else sends answers with the code meanwhile: refused (saving used it), and
    # nothing changes for whoever resumes.
    other = Resident(Client(), survey)
    other.client.get(f"{survey.url}invite/?code={invitation.code}")
    other.post({"stopped": "2"}, action="next", page=0)
    assert other.post({"years": "30"}, action="submit", page=1).status_code == 409
    assert resumed() == first
    assert Response.objects.count() == 1


def test_partial_responses_are_left_out_of_analysis(paged, resident):
    from surveys.analysis.counts import Selection
    from surveys.analysis.report import build_report

    save_on_page_two(resident)
    assert build_report(Selection(survey=paged)).responses == 0


def test_the_daily_command_deletes_expired_partials(paged, resident):
    from io import StringIO

    from django.core.management import call_command

    save_on_page_two(resident)
    out = StringIO()
    call_command("expire_partials", stdout=out)
    assert Response.objects.count() == 1 and "Deleted 0" in out.getvalue()
    ResumeCode.objects.update(expires_on=timezone.localdate() - datetime.timedelta(days=1))
    call_command("expire_partials", stdout=out)
    assert not Response.objects.exists() and "Deleted 1" in out.getvalue()
