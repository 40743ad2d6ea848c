"""A resident stays in the language they chose: links, form actions, redirects, errors,
thanks and resume links keep the address's language, even on a page not yet translated."""

import re

import pytest
from wagtail.models import Locale

from surveys.models import Response
from tests.factories import form_started_token, make_survey, post_data, valid_answers

pytestmark = pytest.mark.django_db


def local_links(html: str) -> set[str]:
    """Addresses of links and form actions on the site, except the language switcher's
    (which says where it goes with hreflang) and static files."""
    found = set()
    for tag in re.findall(r"<(?:a|form)\b[^>]*>", html):
        if "hreflang=" in tag:
            continue
        match = re.search(r'(?:href|action)="(/[^"#]*)', tag)
        if match and not match.group(1).startswith("/static/"):
            found.add(match.group(1))
    return found


@pytest.fixture
def arabic(db):
    return Locale.objects.get_or_create(language_code="ar")[0]


def test_links_on_an_untranslated_home_stay_in_the_visitors_language(client, survey, arabic):
    html = client.get("/ar/").content.decode()
    links = local_links(html)
    assert "/ar/survey/" in links
    assert all(link.startswith("/ar/") for link in links), links


def test_the_survey_form_posts_back_in_the_same_language(client, survey, arabic):
    html = client.get("/ar/survey/").content.decode()
    assert 'action="/ar/survey/"' in html
    assert all(link.startswith("/ar/") for link in local_links(html)), local_links(html)


def test_errors_and_thanks_come_back_in_the_residents_language(client, survey, arabic):
    errors = client.post("/ar/survey/", {"started": "x"})
    assert errors.status_code == 200
    assert re.search("[\u0600-\u06ff]", errors.content.decode().split('id="error-summary"')[1])
    sent = client.post("/ar/survey/", post_data(valid_answers(), survey=survey))
    assert sent.status_code == 302 and sent["Location"] == "/ar/survey/thanks/"
    thanks = client.get(sent["Location"]).content.decode()
    assert 'href="/ar/"' in thanks and 'href="/"' not in thanks


def test_a_translated_survey_stores_the_language_it_was_answered_in(
    client, survey, arabic, settings, django_capture_on_commit_callbacks
):
    from wagtail_localize.models import Translation, TranslationSource

    settings.MINIMUM_FILL_SECONDS = 0
    for page in (survey.get_parent(), survey):
        source, _ = TranslationSource.get_or_create_from_instance(page.specific)
        translation = Translation.objects.create(source=source, target_locale=arabic)
        # wagtail-localize publishes when the transaction commits.
        with django_capture_on_commit_callbacks(execute=True):
            translation.save_target(publish=True)
    arabic_survey = survey.get_translation(arabic)
    assert arabic_survey.url == "/ar/survey/"
    html = client.get("/ar/survey/").content.decode()
    revision = re.search(r'name="revision" value="(\d+)"', html).group(1)
    data = post_data(valid_answers(), survey=arabic_survey, revision=revision)
    data["started"] = re.search(r'name="started" value="([^"]+)"', html).group(1)
    sent = client.post("/ar/survey/", data)
    assert sent["Location"] == "/ar/survey/thanks/"
    assert Response.objects.get().language == "ar"


def test_an_untranslated_survey_says_so_and_offers_its_languages(client, survey, arabic):
    html = client.get("/ar/survey/").content.decode()
    notice = html.split('class="notice translation-missing"')[1].split("</div>")[0]
    assert "لم يُترجَم هذا الاستبيان إلى العربيّة بعد" in notice
    assert 'href="/en/survey/"' in notice and 'hreflang="en"' in notice
    # In its own language there is nothing to say.
    assert "translation-missing" not in client.get("/en/survey/").content.decode()


def test_a_multi_page_survey_keeps_the_language_through_its_pages_and_resume(
    client, home, neighborhoods, arabic
):
    from surveys.builders import page_break, question

    body = [
        question("short_text", "first", "First?"),
        page_break("Two"),
        question("short_text", "second", "Second?"),
    ]
    survey = make_survey(home, body, slug="pages")
    first = client.get("/ar/pages/").content.decode()
    assert 'href="/ar/pages/resume/"' in first
    sent = {"started": form_started_token(survey, 60), "revision": survey.live_revision_id}
    moved = client.post("/ar/pages/", {"q-first": "a", "page": "0", "action": "next", **sent})
    assert moved["Location"] == "/ar/pages/"
    saved = client.post("/ar/pages/", {"q-second": "b", "page": "1", "action": "save", **sent})
    assert "/ar/pages/resume/?code=" in saved.content.decode()
