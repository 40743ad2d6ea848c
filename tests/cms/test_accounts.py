"""Staff sign in through allauth only, by verified email, with a second factor."""

import logging
import re
import socket

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser, Group, Permission
from django.core import mail
from django.test import Client, override_settings

from tests.factories import make_staff, totp_code

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery staple"


def test_wagtails_own_login_is_not_a_back_door(client):
    make_staff("boss", superuser=True)
    result = client.post(
        "/admin/login/", {"username": "boss", "password": PASSWORD, "next": "/admin/"}
    )
    assert result.status_code == 302
    assert result["Location"].startswith("/accounts/login/")
    assert "_auth_user_id" not in client.session
    assert client.get("/admin/").status_code == 302


def test_the_admin_sends_visitors_to_allauth_keeping_next(client):
    result = client.get("/admin/pages/")
    assert result["Location"].startswith("/accounts/login/?next=/admin/pages/")
    assert client.get("/admin/login/?next=https://evil.example/")["Location"] == (
        "/accounts/login/?next=%2Fadmin%2F"
    )


@pytest.mark.parametrize("url", ["/admin/password_reset/", "/admin/password_reset/done/"])
def test_wagtails_password_reset_leads_to_allauths(client, url):
    assert client.get(url)["Location"] == "/accounts/password/reset/"


def test_there_is_no_public_sign_up(client):
    result = client.post(
        "/accounts/signup/",
        {"email": "new@example.org", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert "Sign Up Closed" in result.content.decode() or result.status_code in (403, 404)
    assert not get_user_model().objects.filter(email="new@example.org").exists()


def test_sign_in_by_email_then_totp(client):
    make_staff("boss", superuser=True)
    result = client.post("/accounts/login/", {"login": "boss@example.org", "password": PASSWORD})
    assert result["Location"] == "/accounts/2fa/authenticate/"
    assert "_auth_user_id" not in client.session
    result = client.post("/accounts/2fa/authenticate/", {"code": "000000"})
    assert "_auth_user_id" not in client.session
    result = client.post("/accounts/2fa/authenticate/", {"code": totp_code()})
    assert result.status_code == 302 and "_auth_user_id" in client.session
    assert client.get("/admin/").status_code == 200


def test_an_unverified_email_must_be_verified_first(client):
    user = make_staff("new", superuser=True)
    EmailAddress.objects.filter(user=user).update(verified=False)
    result = client.post("/accounts/login/", {"login": "new@example.org", "password": PASSWORD})
    assert "_auth_user_id" not in client.session
    assert result["Location"] == "/accounts/confirm-email/"
    assert len(mail.outbox) == 1 and "new@example.org" in mail.outbox[0].to


@override_settings(ACCOUNT_RATE_LIMITS={"login_failed": "3/m/ip"})
def test_failed_sign_ins_are_rate_limited(client):
    make_staff("boss", superuser=True)
    for _ in range(3):
        result = client.post("/accounts/login/", {"login": "boss@example.org", "password": "x"})
        assert result.status_code == 200
    result = client.post("/accounts/login/", {"login": "boss@example.org", "password": PASSWORD})
    assert "Too many failed login attempts" in result.content.decode()
    assert "_auth_user_id" not in client.session


@override_settings(REQUIRE_MFA=True)
def test_staff_who_see_resident_data_must_set_up_mfa_before_anything_else(client):
    analyst = make_staff("analyst", mfa=False)
    analyst.groups.add(Group.objects.get(name="Analyst"))
    signed_in = client.post(
        "/accounts/login/", {"login": "analyst@example.org", "password": PASSWORD}
    )
    assert signed_in.status_code == 302 and "_auth_user_id" in client.session
    for url in (
        "/admin/",
        "/admin/surveys/",
        "/admin/api-tokens/",
        "/",
        "/accounts/2fa/totp/activate/",
    ):
        result = client.get(url)
        assert result.status_code == 302 and result["Location"] == "/accounts/2fa/enrol/"
    # The way on is a link sent to the analyst's email.
    page = client.get("/accounts/2fa/enrol/")
    assert "follow the link we sent to analyst@example.org" in page.content.decode()
    link = enrolment_link(analyst)
    assert client.get(link)["Location"] == "/accounts/2fa/totp/activate/"
    # allauth asks for the password again before a second factor is added.
    assert client.get("/accounts/2fa/totp/activate/")["Location"].startswith(
        "/accounts/reauthenticate/"
    )
    client.post("/accounts/reauthenticate/", {"password": PASSWORD})
    page = client.get("/accounts/2fa/totp/activate/")
    assert page.status_code == 200
    secret = page.context["form"].secret
    result = client.post("/accounts/2fa/totp/activate/", {"code": totp_code(secret)})
    assert Authenticator.objects.filter(user=analyst, type="totp").exists()
    assert client.get("/admin/").status_code == 200


def enrolment_link(user) -> str:
    """The path of the last enrolment link emailed to `user`."""
    message = next(m for m in reversed(mail.outbox) if m.to == [user.email])
    return re.search(r"https?://[^/\s]+(/accounts/2fa/enrol/\S+/)", message.body)[1]


@override_settings(REQUIRE_MFA=True)
def test_a_phished_password_cannot_add_a_second_factor(client):
    """Whoever signs in first with a stolen password finds no way to add their own
    authenticator: the link goes to the owner's mailbox, and works for them only."""
    analyst = make_staff("analyst", mfa=False)
    analyst.groups.add(Group.objects.get(name="Analyst"))
    colleague = make_staff("colleague", mfa=False)
    client.post("/accounts/login/", {"login": "analyst@example.org", "password": PASSWORD})
    client.post("/accounts/reauthenticate/", {"password": PASSWORD})
    for url in ("/accounts/2fa/totp/activate/", "/accounts/2fa/webauthn/add/"):
        assert client.get(url)["Location"] == "/accounts/2fa/enrol/"
        assert client.post(url, {"code": "123456"})["Location"] == "/accounts/2fa/enrol/"
    assert client.get("/accounts/2fa/enrol/").status_code == 200
    assert mail.outbox[-1].to == ["analyst@example.org"]  # the owner's mailbox
    # A link of another account, or a forged one, opens nothing.
    client.force_login(colleague)
    forged = enrolment_link(analyst)
    assert client.get(forged).status_code == 400
    assert client.get("/accounts/2fa/enrol/not-a-token/").status_code == 400
    assert not Authenticator.objects.filter(user__in=[analyst, colleague]).exists()
    # A link sent before the password changed is dead after it.
    client.force_login(analyst)
    analyst.set_password("a brand new passphrase here")
    analyst.save()
    client.force_login(analyst)
    assert client.get(forged).status_code == 400


@pytest.mark.parametrize("action", ["action_add", "action_primary"])
def test_a_phished_password_cannot_redirect_the_enrolment_link_to_another_mailbox(client, action):
    analyst = make_staff("analyst", mfa=False)
    analyst.groups.add(Group.objects.get(name="Analyst"))
    client.post("/accounts/login/", {"login": "analyst@example.org", "password": PASSWORD})
    result = client.post("/accounts/email/", {action: "", "email": "evil@example.net"})
    assert result.status_code == 302
    assert not EmailAddress.objects.filter(email="evil@example.net").exists()
    analyst.refresh_from_db()
    assert analyst.email == "analyst@example.org"
    client.get("/accounts/2fa/enrol/")
    assert mail.outbox[-1].to == ["analyst@example.org"]


def test_setting_a_password_from_the_emailed_link_allows_enrolment(client):
    analyst = make_staff("analyst", mfa=False)
    client.post("/accounts/password/reset/", {"email": "analyst@example.org"})
    link = re.search(r"https?://[^/\s]+(/accounts/password/reset/key/\S+)", mail.outbox[-1].body)
    form_url = client.get(link[1])["Location"]
    new = "a long passphrase for the analyst"
    client.post(form_url, {"password1": new, "password2": new})
    client.post("/accounts/login/", {"login": "analyst@example.org", "password": new})
    client.post("/accounts/reauthenticate/", {"password": new})
    assert client.get("/accounts/2fa/totp/activate/").status_code == 200
    assert analyst.pk == client.session["mfa_enrolment"]["user"]


@override_settings(REQUIRE_MFA=True)
def test_staff_without_access_to_resident_data_need_no_second_factor(client):
    editor = make_staff("editor", mfa=False)
    editor.groups.add(Group.objects.get(name="Moderator"))  # feedback only, none yet
    editor.groups.get(name="Moderator").permissions.clear()
    editor.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(editor)
    assert client.get("/admin/").status_code == 200


@override_settings(REQUIRE_MFA=False)
def test_mfa_can_be_made_optional_for_development(client):
    analyst = make_staff("analyst", mfa=False)
    analyst.groups.add(Group.objects.get(name="Analyst"))
    client.force_login(analyst)
    assert client.get("/admin/").status_code == 200


def test_roles_exist_with_their_permissions():
    def perms(name):
        return {
            f"{p.content_type.app_label}.{p.codename}"
            for p in Group.objects.get(name=name).permissions.all()
        }

    assert perms("Analyst") == {
        "wagtailadmin.access_admin",
        "surveys.view_responses",
        "surveys.view_results",
        "surveys.export_responses",
        "surveys.view_questionbank",  # reads the banks' recommended indices
        "surveys.view_intervention",  # reads the interventions its analyses compare
    }
    organizer = perms("Organizer")
    assert {"surveys.view_results", "cms.change_neighborhood"} <= organizer
    assert "surveys.export_responses" not in organizer
    assert perms("Moderator") >= {"wagtailadmin.access_admin"}
    assert not perms("Moderator") & {"surveys.view_responses", "surveys.view_results"}
    page_perms = set(
        Group.objects.get(name="Organizer").page_permissions.values_list(
            "permission__codename", flat=True
        )
    )
    assert page_perms == {"add_page", "change_page", "publish_page", "lock_page", "unlock_page"}
    assert not Group.objects.filter(name__in=["Editors", "Moderators"]).exists()


def test_passkeys_and_recovery_codes_are_offered(client):
    make_staff("boss", superuser=True)
    client.post("/accounts/login/", {"login": "boss@example.org", "password": PASSWORD})
    client.post("/accounts/2fa/authenticate/", {"code": totp_code()})
    index = client.get("/accounts/2fa/").content.decode()
    assert "/accounts/2fa/webauthn/add/" in index
    assert "/accounts/2fa/recovery-codes/" in index


def test_a_mail_server_that_does_not_answer_gets_a_plain_page_and_a_log_line(
    client, settings, caplog
):
    with socket.socket() as probe:  # a port where nothing listens
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "use_tls": False, "timeout": 2},
        }
    }
    make_staff("ana")
    with caplog.at_level(logging.ERROR, logger="cms.accounts"):
        result = Client(raise_request_exception=False).post(
            "/accounts/password/reset/", {"email": "ana@example.org"}
        )
    assert result.status_code == 503 and result["Retry-After"]
    assert "the mail server did not answer" in result.content.decode()
    assert any("Could not send the" in record.getMessage() for record in caplog.records)


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_sign_in_limits_count_each_client_behind_the_proxy_without_keeping_its_address(rf):
    from allauth.core.internal.ratelimit import get_cache_key, parse_rate

    def key(forwarded: str) -> str:
        request = rf.post("/accounts/login/", HTTP_X_FORWARDED_FOR=forwarded)
        request.user = AnonymousUser()
        return get_cache_key(request, app="account", action="login", rate=parse_rate("10/m/ip"))

    one, other = key("198.51.100.7"), key("198.51.100.8")
    assert one != other  # two residents of one proxy are two clients, not one
    assert key("198.51.100.7") == one
    assert "198.51.100" not in one + other  # the address is hashed with the day's key
