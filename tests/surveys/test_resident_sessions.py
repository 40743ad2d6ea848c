"""A resident's session: gone when the response is written, short-lived when abandoned,
never holding an invitation code beside answers, with no exact time (cms/sessions/).

Each flow is scanned afterwards: every session row of the database and, with sessions
in Redis, every key of the cache.
"""

import datetime
import json

import pytest
from django.contrib.sessions.models import Session
from django.core import signing
from django.core.management import call_command
from django.test import Client, override_settings
from django.utils import timezone

from surveys.invitations import generate
from surveys.models import SurveyPage
from surveys.progress import cookie_name
from tests.factories import make_survey
from tests.surveys.conftest import Resident, paged_body

pytestmark = pytest.mark.django_db

WORRY = "my brother was detained last week"


@pytest.fixture
def coded(home, neighborhoods):
    survey = make_survey(home, paged_body(), slug="coded", admission=SurveyPage.Admission.CODE)
    return survey, generate(survey, 3, neighborhoods[:1])[0].code


def begin(survey, code: str) -> Resident:
    """A resident who followed the code's link and answered the first page."""
    resident = Resident(Client(), survey)
    assert resident.client.get(f"{survey.url}invite/?code={code}").status_code == 302
    sent = resident.post({"stopped": "1", "why": WORRY}, action="next", page=0)
    assert sent.status_code == 302
    return resident


def finish(resident: Resident):
    resident.post({"years": "2"}, action="next", page=1)
    return resident.post({"newcomer": "4"}, action="submit", page=2)


def stored_sessions() -> list[str]:
    """Every session row, raw and decoded."""
    return [f"{s.session_data} {json.dumps(s.get_decoded())}" for s in Session.objects.all()]


def test_an_abandoned_flow_keeps_the_answers_briefly_and_the_code_apart(coded):
    survey, code = coded
    resident = begin(survey, code)
    [row] = Session.objects.all()
    kept = " ".join(stored_sessions())
    assert WORRY in kept and code not in kept
    # Nor the second the resident began: the signed start token is not kept either.
    assert f"survey:{survey.pk}|" not in kept
    # Both are in a cookie of the resident's own, which ends with the browser session.
    cookie = resident.client.cookies[cookie_name(survey)]
    carried = signing.loads(cookie.value, salt=f"confianza.progress:{cookie_name(survey)}")
    assert carried["invitation"] == code and carried["started"].startswith(f"survey:{survey.pk}|")
    assert cookie["max-age"] == "" and cookie["httponly"]
    assert resident.client.cookies["sessionid"]["max-age"] == ""
    # The stored expiry tells the hour at most, and comes within hours.
    now = timezone.now()
    assert (row.expire_date.minute, row.expire_date.second, row.expire_date.microsecond) == (0,) * 3
    assert now < row.expire_date <= now + datetime.timedelta(hours=3)
    # The hourly clean-up deletes it once expired.
    call_command("clearsessions")
    assert Session.objects.count() == 1
    later = now + datetime.timedelta(hours=3, minutes=1)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(timezone, "now", lambda: later)
        call_command("clearsessions")
    assert not Session.objects.exists()


def test_a_completed_flow_leaves_no_session_and_no_cookie(coded):
    survey, code = coded
    resident = begin(survey, code)
    assert finish(resident).status_code == 302
    assert not Session.objects.exists()
    cookies = resident.client.cookies
    assert cookies["sessionid"].value == "" and cookies[cookie_name(survey)].value == ""


def test_a_resumed_flow_leaves_no_session_and_the_saved_code_with_nobody(coded):
    survey, code = coded
    resident = begin(survey, code)
    saved = resident.post({"years": "2"}, action="save", page=1)
    assert saved.status_code == 200
    resume_code = saved.context["code"]
    assert not Session.objects.exists()  # saving for later ends the session too
    phone = Resident(Client(), survey)
    phone.client.post(f"{survey.url}resume/", {"code": resume_code})
    assert code not in " ".join(stored_sessions())
    phone.post({"stopped": "1", "why": WORRY}, action="next", page=0)
    assert finish(phone).status_code == 302
    assert not Session.objects.exists()


def test_a_staff_session_is_not_cut_short(client, staff):
    client.force_login(staff)
    row = Session.objects.get()
    assert row.expire_date > timezone.now() + datetime.timedelta(days=13)


def test_with_sessions_in_redis_nothing_of_a_visit_outlives_it_there(coded, on_redis):
    survey, code = coded
    with override_settings(SESSION_ENGINE="cms.sessions.cached_db"):
        abandoned = begin(survey, code)
        completed = begin(survey, generate(survey, 1)[0].code)
        assert finish(completed).status_code == 302
        client = on_redis._cache.get_client()
        keys = list(client.scan_iter(match=f"{on_redis.key_prefix}:*"))
        stored = {key: client.get(key) for key in keys}
        sessions = {key: value for key, value in stored.items() if b"session" in key}
        assert len(sessions) == 1  # the abandoned one; the completed one is gone
        everything = b" ".join(stored.values())
        assert code.encode() not in everything
        others = [value for key, value in stored.items() if key not in sessions]
        assert WORRY.encode() not in b" ".join(others)
        for key in sessions:
            assert 0 < client.ttl(key) <= 3 * 60 * 60
        assert abandoned.client.cookies["sessionid"].value
