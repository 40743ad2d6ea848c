"""The admin under our Content Security Policy, and the accounts story end to end:
a superuser creates an analyst and grants one survey; the analyst verifies their email,
sets up an authenticator app, and sees that survey's responses and nothing else."""

import re
from io import StringIO

import pytest
from allauth.mfa.models import Authenticator
from django.core import mail
from django.core.management import call_command

from surveys.models import SurveyPage
from tests.browser.conftest import sign_in
from tests.factories import every_type_body, make_staff, make_survey, totp_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def site(live_server):
    call_command("seed_demo", "--no-responses", stdout=StringIO())
    demo = SurveyPage.objects.get(locale__language_code="en")
    other = make_survey(demo.get_parent(), every_type_body(), slug="other", title="Other survey")
    make_staff("root", superuser=True)
    return demo, other


def csp_errors(page) -> list[str]:
    errors: list[str] = []
    page.on(
        "console",
        lambda m: errors.append(m.text) if "Content Security Policy" in m.text else None,
    )
    return errors


def test_admin_screens_work_under_the_policy(live_server, site, desktop):
    demo, _ = site
    errors = csp_errors(desktop)
    sign_in(desktop, live_server.url, "root@example.org")
    for url in (
        "/admin/",
        "/admin/pages/",
        f"/admin/pages/{demo.pk}/edit/",
        "/admin/surveys/",
        f"/admin/surveys/{demo.pk}/responses/",
        "/admin/survey_access/new/",
        "/admin/api-tokens/",
        "/admin/users/new/",
        "/admin/workflows/add/",
    ):
        desktop.goto(live_server.url + url)
        desktop.wait_for_load_state("networkidle")
    assert errors == []
    # The date-time picker and the page chooser started without inline script.
    desktop.goto(live_server.url + f"/admin/pages/{demo.pk}/edit/")
    desktop.get_by_role("tab", name="Settings").click()
    desktop.locator("#id_opens_at").click()
    pickers = desktop.locator(".xdsoft_datetimepicker")
    assert pickers.count() >= 3  # opens, closes, and the page's own publishing dates
    pickers.filter(visible=True).first.wait_for(state="visible")
    desktop.goto(live_server.url + "/admin/survey_access/new/")
    desktop.get_by_role("button", name="Choose a page").click()
    desktop.get_by_role("heading", name=re.compile("^Choose")).wait_for()


def test_a_superuser_grants_an_analyst_one_survey(live_server, site, desktop, browser):
    demo, other = site
    sign_in(desktop, live_server.url, "root@example.org")
    desktop.goto(live_server.url + "/admin/users/new/")
    desktop.locator("#id_email").fill("nadia@example.org")
    desktop.locator("#id_username").fill("nadia")
    desktop.locator("#id_first_name").fill("Nadia")
    desktop.locator("#id_last_name").fill("Analyst")
    desktop.locator("#tab-label-roles").click()
    desktop.locator("#tab-roles").wait_for(state="visible")
    desktop.get_by_role("checkbox", name="Analyst").check()
    desktop.get_by_role("button", name=re.compile("^(Add user|Create)$")).click()
    desktop.wait_for_url("**/admin/users/")
    assert "An invitation to choose a password was sent" in desktop.content()

    desktop.goto(live_server.url + "/admin/survey_access/new/")
    desktop.locator("#id_user").select_option(label="nadia")
    desktop.get_by_role("button", name="Choose a page").click()
    modal = desktop.locator(".modal")
    modal.get_by_role("link", name="Explore").first.click()
    modal.get_by_role("link", name=demo.title).click()
    desktop.get_by_role("button", name="Create").click()
    desktop.wait_for_url("**/admin/survey_access/")

    # The invitation: a link to choose a password, which also proves the address.
    invitation = mail.outbox[-1]
    assert invitation.to == ["nadia@example.org"]
    link = re.search(r"https?://[^/\s]+(/accounts/password/reset/key/\S+)", invitation.body)
    analyst = browser.new_context().new_page()
    analyst.goto(live_server.url + link.group(1))
    analyst.locator("#id_password1").fill("a long passphrase for nadia")
    analyst.locator("#id_password2").fill("a long passphrase for nadia")
    analyst.get_by_role("button", name=re.compile("Change Password|Set password", re.I)).click()
    analyst.goto(live_server.url + "/admin/")
    analyst.get_by_label("Email").fill("nadia@example.org")
    analyst.get_by_label("Password").fill("a long passphrase for nadia")
    analyst.get_by_role("button", name="Sign in", exact=True).click()
    # Sent to set up a second factor before anything else.
    analyst.goto(live_server.url + "/admin/surveys/")
    if "/accounts/reauthenticate/" in analyst.url:
        analyst.get_by_label("Password").fill("a long passphrase for nadia")
        analyst.get_by_role("button", name="Confirm").click()
    assert "/accounts/2fa/totp/activate/" in analyst.url
    secret = analyst.locator("#authenticator_secret").input_value()
    analyst.get_by_label("Authenticator code").fill(totp_code(secret))
    analyst.get_by_role("button", name="Activate").click()
    analyst.wait_for_url(lambda url: "/totp/activate/" not in url)
    assert Authenticator.objects.filter(user__username="nadia", type="totp").exists()

    analyst.goto(live_server.url + "/admin/surveys/")
    listing = analyst.locator("main").inner_text()
    assert demo.title in listing and other.title not in listing
    analyst.goto(live_server.url + f"/admin/surveys/{demo.pk}/responses/")
    assert "Responses" in analyst.locator("h1").inner_text()
    analyst.goto(live_server.url + f"/admin/surveys/{other.pk}/responses/")
    # Refused: Wagtail sends them back to the dashboard with a message.
    assert analyst.url == live_server.url + "/admin/"
    assert "Sorry, you do not have permission" in analyst.content()
