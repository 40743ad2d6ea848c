"""The site menu is what organizers mark "Show in menus"; the home and thank-you pages
link community voices and results."""

import datetime

import pytest
from wagtail.models import Locale

from cms.models import ContentPage, ResultsPage

pytestmark = pytest.mark.django_db


def nav(html: str) -> str:
    return html.split('class="site-nav"')[1].split("</nav>")[0]


def test_the_menu_lists_the_pages_organizers_show_in_menus(client, home):
    Locale.objects.get_or_create(language_code="ar")
    for slug, shown in (("rights", True), ("hidden", False)):
        page = ContentPage(title=slug.title(), slug=slug, body="<p>x</p>", show_in_menus=shown)
        home.add_child(instance=page)
        page.save_revision().publish()
    menu = nav(client.get("/en/").content.decode())
    assert 'href="/en/rights/"' in menu and "Hidden" not in menu
    assert 'href="/ar/rights/"' in nav(client.get("/ar/rights/").content.decode())


def test_home_and_thanks_link_community_voices_and_results(client, survey):
    from feedback.pages import CommunityVoicesPage

    home = survey.get_parent()
    voices = CommunityVoicesPage(title="Community voices", slug="voices")
    results = ResultsPage(
        title="Results",
        slug="results",
        survey=survey,
        published_keys="age",
        until=datetime.date.today() - datetime.timedelta(days=1),
    )
    for page in (voices, results):
        home.add_child(instance=page)
        page.save_revision().publish()
    for url in ("/en/", survey.url + "thanks/"):
        links = client.get(url).content.decode().split('class="community-links"')[1]
        assert 'href="/en/voices/"' in links and 'href="/en/results/"' in links
