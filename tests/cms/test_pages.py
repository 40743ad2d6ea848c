"""Home and content pages, and the site's friendly error pages."""

import datetime
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.utils import timezone

from cms.models import ContentPage, SiteSettings
from tests.factories import every_type_body, make_survey

pytestmark = pytest.mark.django_db


def test_home_lists_only_surveys_open_now(client, home, neighborhoods):
    open_survey = make_survey(home, every_type_body(), slug="open", title="Open one")
    make_survey(
        home,
        every_type_body(),
        slug="closed",
        title="Closed one",
        closes_at=timezone.now() - datetime.timedelta(days=1),
    )
    make_survey(home, every_type_body(), slug="draft", title="Draft one", publish=False)
    html = client.get("/", follow=True).content.decode()
    assert "Surveys open now" in html
    assert f'href="{open_survey.url}"' in html
    assert "Closed one" not in html and "Draft one" not in html


def test_home_links_resources_and_content_pages_render(client, home):
    page = ContentPage(
        title="Know your rights", slug="rights", intro="Summary", body="<h2>Stay calm</h2>"
    )
    home.add_child(instance=page)
    page.save_revision().publish()
    home.resources = [("resource", {"page": page, "description": "At a traffic stop"})]
    home.save_revision().publish()
    html = client.get("/", follow=True).content.decode()
    assert 'href="/en/rights/"' in html and "At a traffic stop" in html
    content = client.get("/en/rights/").content.decode()
    assert "<h1>Know your rights</h1>" in content and "<h2>Stay calm</h2>" in content


def test_site_settings_name_and_privacy_statement(client, survey):
    settings = SiteSettings.for_site(survey.get_site())
    settings.organization_name = "Barrio Unido"
    settings.privacy_statement = "<p>We keep nothing that names you.</p>"
    settings.save()
    html = client.get(survey.url).content.decode()
    assert "Barrio Unido" in html and "We keep nothing that names you." in html


def test_unknown_pages_get_a_plain_404(home):
    result = Client(raise_request_exception=False).get("/en/no-such-page/")
    assert result.status_code == 404
    assert "Page not found" in result.content.decode()


class AssetLinks(HTMLParser):
    """Collects every URL a page makes the browser fetch or offers as a link."""

    def __init__(self):
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("src", "href", "action", "srcset", "poster", "data") and value:
                self.urls.append(value)


def test_public_pages_reference_only_same_origin_urls(client, survey):
    for url in ("/en/", survey.url, survey.url + "thanks/", "/en/no-such-page/"):
        parser = AssetLinks()
        parser.feed(client.get(url).content.decode())
        assert parser.urls, url
        for link in parser.urls:
            parsed = urlsplit(link)
            assert not parsed.netloc and parsed.scheme in ("", "mailto"), (url, link)
