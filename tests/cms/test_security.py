"""Security by default: headers, deployment checks, no third parties, no injection."""

import datetime
import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings

from surveys.builders import choices, question
from tests.factories import make_survey, post_data, release_everything, valid_answers

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db

# A <script> that executes: no src, and not a data block (JSON, templates).
INLINE_SCRIPT = re.compile(
    r"<script(?![^>]*\bsrc=)(?![^>]*\btype=\"(?:application/json|text/template)\")[^>]*>",
    re.I,
)


def csp(response) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    return dict(part.strip().split(" ", 1) for part in header.split(";") if part.strip())


def test_public_pages_send_strict_headers(client, survey):
    response = client.get(survey.url)
    policy = csp(response)
    assert "'unsafe-inline'" not in policy["script-src"]
    assert "'unsafe-eval'" not in policy["script-src"]
    assert policy["default-src"] == "'self'" and policy["frame-ancestors"] == "'none'"
    assert policy["object-src"] == "'none'" and policy["form-action"] == "'self'"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_the_admin_policy_still_forbids_inline_script(client, staff):
    client.force_login(staff)
    policy = csp(client.get("/admin/"))
    assert "'unsafe-inline'" not in policy["script-src"]
    assert policy["frame-ancestors"] == "'self'"


ADMIN_PAGES = [
    "/admin/",
    "/admin/pages/",
    "/admin/pages/{survey}/",
    "/admin/pages/{survey}/edit/",
    "/admin/pages/add/surveys/surveypage/{home}/",
    "/admin/pages/{home}/edit/",
    "/admin/surveys/",
    "/admin/surveys/{survey}/responses/",
    "/admin/snippets/cms/neighborhood/",
    "/admin/snippets/cms/neighborhood/add/",
    "/admin/survey_access/",
    "/admin/survey_access/new/",
    "/admin/audit_log/",
    "/admin/api-tokens/",
    "/admin/users/",
    "/admin/users/new/",
    "/admin/groups/",
    "/admin/groups/new/",
    "/admin/sites/",
    "/admin/sites/new/",
    "/admin/settings/cms/sitesettings/",
    "/admin/workflows/add/",
    "/admin/reports/site-history/",
    "/admin/feedback/",
    "/admin/feedback/{feedback}/",
    "/admin/feedback/counts/",
    "/admin/snippets/feedback/topic/",
    "/admin/snippets/feedback/topic/add/",
]


def a_feedback_item():
    from feedback.models import Topic
    from feedback.submission import record_feedback

    topic = Topic.objects.create(name="Traffic stops", code="traffic-stops")
    return record_feedback(topic=topic, language="en", text="Hello", contact="x")[0]


def test_admin_pages_contain_no_inline_script(client, staff, survey, home):
    client.force_login(staff)
    feedback = a_feedback_item()
    for template in ADMIN_PAGES:
        url = template.format(survey=survey.pk, home=home.pk, feedback=feedback.key)
        response = client.get(url, follow=True)
        assert response.status_code == 200, url
        found = INLINE_SCRIPT.findall(response.content.decode())
        assert not found, f"{url}: {found[:2]}"


def test_production_settings_pass_the_deployment_checks(tmp_path):
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DJANGO_SETTINGS_MODULE": "cms.settings.production",
        "SECRET_KEY": "k" * 20 + "7f3d9a1c5e8b2046dcba9876543210fedcba" + "Q!@#xyz",
        "ALLOWED_HOSTS": "survey.example.org",
        "DEBUG": "false",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'deploy.sqlite3'}",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.urls: list[tuple[str, str]] = []
        self.styles: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag, attrs):
        self._in_style = tag == "style"
        for name, value in attrs:
            if name in ("src", "href", "srcset", "poster", "data", "action") and value:
                self.urls.append((tag, value))
            if name == "style" and value:
                self.styles.append(value)

    def handle_data(self, data):
        if self._in_style:
            self.styles.append(data)


def assert_same_origin(html: str, where: str) -> None:
    parser = Links()
    parser.feed(html)
    assert parser.urls, where
    for tag, url in parser.urls:
        parts = urlsplit(url.strip())
        assert not parts.netloc and parts.scheme in ("", "mailto", "data"), (where, tag, url)
    for css in parser.styles:
        assert not re.search(r"url\(\s*['\"]?(https?:)?//", css), (where, css)


def public_pages(home, survey):
    """Every public page type there is, found from the site rather than listed by hand."""
    from wagtail.models import Page

    urls = ["/en/", "/accounts/login/", "/accounts/password/reset/", "/en/no-such-page/"]
    for page in Page.objects.live().descendant_of(home, inclusive=True).specific():
        urls.append(page.url)
        for route in getattr(page, "get_subpage_urls", lambda: [])():
            if route.name and not route.pattern.converters:
                urls.append(page.url + page.reverse_subpage(route.name))
    return urls


def test_public_pages_reference_only_this_site(client, home, survey):
    from wagtail.models import Page, get_page_models

    from cms.models import ContentPage, ResultsPage
    from feedback.pages import CommunityVoicesPage

    client.post(survey.url, post_data(valid_answers(), survey=survey))
    a_feedback_item()
    for page in (
        ContentPage(title="Know your rights", slug="rights", body="<p>Stay calm.</p>"),
        CommunityVoicesPage(title="Community voices", slug="voices"),
        ResultsPage(
            title="Results",
            slug="results",
            survey=survey,
            published_keys="trust",
            until=datetime.date(2026, 1, 1),
        ),
    ):
        home.add_child(instance=page)
        page.save_revision().publish()
    # Every page type is here: one added later fails this test until it is covered.
    present = {
        type(page) for page in Page.objects.live().descendant_of(home, inclusive=True).specific()
    }
    assert set(get_page_models()) - {Page} <= present
    for url in public_pages(home, survey):
        assert_same_origin(client.get(url, follow=True).content.decode(), url)


def test_the_stylesheet_fetches_nothing_from_elsewhere():
    for css in (ROOT / "static").rglob("*.css"):
        text = css.read_text()
        assert "@import" not in text and not re.search(r"url\(\s*['\"]?(https?:)?//", text), css


PAYLOAD = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def test_markup_in_questions_and_answers_is_shown_as_text(client, staff, home, neighborhoods):
    survey = make_survey(
        home,
        [
            question(
                "single_choice",
                "pick",
                f"Question {PAYLOAD}",
                help_text=f"Help {PAYLOAD}",
                choices=choices(("a", f"Choice {PAYLOAD}"), ("b", "B")),
                widget="radio",
            ),
            question("short_text", "say", "Say", max_length=200),
        ],
        slug="xss",
    )
    public = client.get(survey.url).content.decode()
    assert "<script>alert" not in public and "<img src=x" not in public
    assert public.count("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;") == 3
    client.post(survey.url, post_data({"pick": "a", "say": PAYLOAD}, survey=survey))
    # Shown again after an invalid post, the answer is still text.
    again = client.post(survey.url, post_data({"pick": "zzz", "say": PAYLOAD}, survey=survey))
    assert "<script>alert" not in again.content.decode()
    release_everything()
    client.force_login(staff)
    admin = client.get(f"/admin/surveys/{survey.pk}/responses/").content.decode()
    assert "<script>alert" not in admin and "<img src=x" not in admin
    assert "&lt;img src=x onerror=alert(1)&gt;" in admin


def test_settings_keep_cookies_and_tokens_tight():
    assert settings.SESSION_COOKIE_HTTPONLY and settings.CSRF_COOKIE_AGE is None
    assert settings.SECURE_REFERRER_POLICY == "same-origin"
    assert settings.WAGTAIL_ENABLE_UPDATE_CHECK is False and settings.WAGTAILEMBEDS_FINDERS == []


def test_the_steps_of_a_multi_page_survey_reference_only_this_site(client, home, neighborhoods):
    """Pages, continue later, resume and invitation entry: every step a resident sees."""
    from surveys.models import SurveyPage
    from tests.surveys.conftest import Resident, paged_body

    survey = make_survey(home, paged_body(), slug="paged", admission=SurveyPage.Admission.BOTH)
    resident = Resident(client, survey)
    steps = {"first page": resident.get()}
    resident.post({"area": "area-1", "stopped": "1", "why": "x"}, action="next", page=0)
    steps["second page"] = resident.get()
    steps["saved"] = resident.post({"years": "2"}, action="save", page=1)
    steps["resume"] = client.get(f"{survey.url}resume/")
    steps["resume error"] = client.post(f"{survey.url}resume/", {"code": "nope"})
    steps["code error"] = client.post(survey.url, {"action": "code", "invitation": "nope"})
    survey.admission = SurveyPage.Admission.CODE
    survey.save_revision().publish()
    steps["code entry"] = client.get(survey.url)
    for what, response in steps.items():
        assert response.status_code in (200, 400), what
        assert_same_origin(response.content.decode(), what)


def test_the_steps_of_leaving_feedback_reference_only_this_site(client, home, neighborhoods):
    """Form errors, the receipt, the status check and its errors: every step a resident sees."""
    from feedback.pages import CommunityVoicesPage
    from tests.feedback.conftest import form_data

    item = a_feedback_item()
    item.reply, item.status = "We did something.", "published"
    item.save()
    voices = CommunityVoicesPage(title="Community voices", slug="voices")
    home.add_child(instance=voices)
    voices.save_revision().publish()
    receipt = client.post(voices.url + "send/", form_data(voices))
    code = re.search(r'id="receipt-code">([^<]+)<', receipt.content.decode())[1]
    steps = {
        "form errors": client.post(voices.url + "send/", form_data(voices, text="")),
        "receipt": receipt,
        "status": client.post(voices.url + "status/", {"code": code}),
        "status error": client.post(voices.url + "status/", {"code": "nope"}),
        "bad filter": client.get(voices.url + "?topic=nope"),
    }
    for what, response in steps.items():
        assert response.status_code in (200, 400), what
        assert_same_origin(response.content.decode(), what)
