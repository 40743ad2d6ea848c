"""A resident with an invitation code: entry, the QR link, one response, no reuse.

The code sets the response's neighborhood (the neighborhood question is not asked),
is redeemed in the transaction that stores the response, survives "continue later"
on another device, and a code used meanwhile stores nothing.
"""

import re
from urllib.parse import urlsplit

import pytest
from django.test import Client

from surveys.invitations import InvitationCode, generate, invitation_url
from surveys.models import Answer, Response, SurveyPage
from surveys.resume import ResumeCode
from tests.factories import make_survey
from tests.surveys.conftest import Resident, paged_body

pytestmark = pytest.mark.django_db

REFUSED = "This invitation code cannot be used."


@pytest.fixture
def door_hangers(home, neighborhoods):
    survey = make_survey(home, paged_body(), slug="coded", admission=SurveyPage.Admission.CODE)
    codes = generate(survey, 5, neighborhoods[1:2])
    return survey, [c.code for c in codes], neighborhoods[1]


def answer_all(resident: Resident):
    """Pages 1-3 without the neighborhood question (the code gave it)."""
    assert resident.post({"stopped": "2"}, action="next", page=0).status_code == 302
    assert resident.post({"years": "2"}, action="next", page=1).status_code == 302
    return resident.post({"newcomer": "4"}, action="submit", page=2)


def test_a_code_only_survey_asks_for_a_code_first(client, door_hangers):
    survey, codes, _ = door_hangers
    page = client.get(survey.url).content.decode()
    assert 'name="invitation"' in page and 'name="q-stopped"' not in page
    wrong = client.post(survey.url, {"action": "code", "invitation": "ABCD-EFGH"})
    assert wrong.status_code == 400
    assert 'name="q-stopped"' not in wrong.content.decode()
    assert Response.objects.count() == 0


def test_the_qr_link_admits_one_response_in_the_codes_neighborhood(client, door_hangers):
    survey, codes, area = door_hangers
    link = invitation_url(survey, codes[0].lower())  # typed case does not matter
    assert "?code=" in link and codes[0].lower() not in link.split("?")[0]
    parts = urlsplit(link)
    followed = client.get(f"{parts.path}?{parts.query}")
    assert followed.status_code == 302
    first = client.get(survey.url).content.decode()
    assert "Your invitation code is recognised" in first
    assert 'name="q-area"' not in first  # the code says where
    done = answer_all(Resident(client, survey))
    assert done.status_code == 302 and done.url.endswith("/thanks/")
    response = Response.objects.get()
    assert response.neighborhood == area
    code = InvitationCode.objects.get(code=codes[0])
    assert code.redeemed_on == response.submitted_on  # the day only, and no link
    # The same code again: taken like any code (following it tells nothing), then
    # refused when the answers are sent, with the message of an unknown code.
    again = Resident(Client(), survey)
    assert again.client.get(f"{survey.url}invite/?code={codes[0]}").status_code == 302
    refused = answer_all(again)
    assert refused.status_code == 409 and REFUSED in refused.content.decode()
    assert Response.objects.count() == 1


def test_an_old_printed_link_with_the_code_in_its_path_still_works(client, door_hangers):
    survey, codes, _ = door_hangers
    assert client.get(f"{survey.url}invite/{codes[3]}/").status_code == 302
    assert answer_all(Resident(client, survey)).status_code == 302
    assert InvitationCode.objects.get(code=codes[3]).redeemed_on is not None


def test_used_and_unknown_codes_get_one_message(client, door_hangers):
    survey, codes, _ = door_hangers
    InvitationCode.objects.filter(code=codes[4]).update(redeemed_on="2026-01-01")
    unknown = client.post(survey.url, {"action": "code", "invitation": "ABCD-EFGH"})
    assert unknown.status_code == 400 and REFUSED in unknown.content.decode()
    # A used code is not told apart at entry: the household's part stays its own.
    used = Client().post(survey.url, {"action": "code", "invitation": codes[4]})
    assert used.status_code == 302


def test_a_code_used_meanwhile_stores_nothing_and_keeps_the_answers(client, door_hangers):
    survey, codes, _ = door_hangers
    client.get(f"{survey.url}invite/?code={codes[1]}")
    resident = Resident(client, survey)
    resident.post({"stopped": "2"}, action="next", page=0)
    InvitationCode.objects.filter(code=codes[1]).update(redeemed_on="2026-01-01")
    refused = resident.post({"years": "30"}, action="submit", page=1)
    assert refused.status_code == 409 and REFUSED in refused.content.decode()
    assert Response.objects.count() == 0 and Answer.objects.count() == 0
    # The answers wait, without the code, for another one.
    client.post(survey.url, {"action": "code", "invitation": codes[2]})
    page = client.get(survey.url).content.decode()
    assert 'value="30"' in page or 'name="q-stopped"' in page
    assert codes[1] not in str(client.session.items())


def test_continue_later_uses_the_code_and_resuming_needs_none(client, door_hangers):
    survey, codes, area = door_hangers
    client.get(f"{survey.url}invite/{codes[2]}/")
    resident = Resident(client, survey)
    resident.post({"stopped": "2"}, action="next", page=0)
    saved = resident.post({"years": "2"}, action="save", page=1)
    resume_code = re.search(r'id="resume-code">([^<]+)<', saved.content.decode()).group(1)
    assert Response.objects.get().neighborhood == area
    # Saving uses the code: no row keeps it beside the answers, and nothing about it
    # changes later for whoever resumes (resuming cannot tell whether it was used).
    assert InvitationCode.objects.get(code=codes[2]).redeemed_on is not None
    assert codes[2] not in str(list(ResumeCode.objects.values()))
    again = Resident(Client(), survey)
    again.client.get(f"{survey.url}invite/?code={codes[2]}")
    again.post({"stopped": "2"}, action="next", page=0)
    refused = again.post({"years": "2"}, action="save", page=1)
    assert refused.status_code == 409 and REFUSED in refused.content.decode()
    assert Response.objects.count() == 1

    phone = Resident(Client(), survey)
    assert phone.client.post(f"{survey.url}resume/", {"code": resume_code}).status_code == 302
    # No second code asked for: it opens where they stopped.
    assert 'name="q-years"' in phone.get().content.decode()
    assert answer_all(phone).status_code == 302
    response = Response.objects.get()
    assert response.status == "complete" and response.neighborhood == area
    assert InvitationCode.objects.get(code=codes[2]).redeemed_on is not None


def test_an_open_survey_takes_an_optional_code(client, home, neighborhoods):
    survey = make_survey(home, paged_body(), slug="both", admission=SurveyPage.Admission.BOTH)
    [code] = generate(survey, 1, neighborhoods[2:3])
    page = client.get(survey.url).content.decode()
    assert "Have an invitation code? (optional)" in page and 'name="q-area"' in page
    client.post(survey.url, {"action": "code", "invitation": code.code})
    assert 'name="q-area"' not in client.get(survey.url).content.decode()
