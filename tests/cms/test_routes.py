"""Public pages are routed from memory, and every change to what they show is seen at once.

cms.routes keeps, per process, what Wagtail's routing, the view restrictions, the site
settings, the neighborhood choices and the language switcher read, under a content
version in the database that every change moves. A kept page must never outlive a change:
each test warms the cache first, changes something, and checks the very next request.
"""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.models import PageViewRestriction, Site

from cms import routes
from cms.models import ContentPage, ContentVersion, Neighborhood, SiteSettings
from surveys.models import Response
from tests.factories import post_data, valid_answers

pytestmark = pytest.mark.django_db


def warm(client, url):
    """Two requests: the first keeps the route, the second is served from it."""
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        page = client.get(url)
    assert page.status_code == 200
    return page, queries


def test_a_kept_survey_page_is_served_with_one_query_and_the_same_html(client, survey):
    first = client.get(survey.url)
    page, queries = warm(client, survey.url)
    assert [q["sql"] for q in queries.captured_queries] == [
        'SELECT number FROM "cms_contentversion" WHERE id = 1'
    ]
    assert page.content.decode().replace("\n", "") != ""
    assert _without_tokens(page) == _without_tokens(first)


def _without_tokens(response) -> str:
    """The page without what differs per request (CSRF token, form-start token, nonce)."""
    import re

    html = response.content.decode()
    html = re.sub(r'name="(csrfmiddlewaretoken|started)" value="[^"]*"', "", html)
    return re.sub(r'nonce="[^"]*"', "", html)


def test_a_published_change_shows_at_once(client, survey):
    warm(client, survey.url)
    survey.title = "Renamed survey"
    survey.save_revision().publish()
    assert "Renamed survey" in client.get(survey.url).content.decode()


def test_closing_a_survey_stops_answers_at_once(client, survey):
    warm(client, survey.url)
    survey.closes_at = timezone.now() - datetime.timedelta(minutes=1)
    survey.save_revision().publish()
    assert "This survey is closed" in client.get(survey.url).content.decode()
    assert client.post(survey.url, post_data(valid_answers(), survey=survey)).status_code == 403
    assert Response.objects.count() == 0


def test_unpublishing_hides_a_survey_and_its_thank_you_page_at_once(client, survey):
    warm(client, survey.url)
    warm(client, survey.url + "thanks/")
    survey.unpublish()
    assert client.get(survey.url).status_code == 404
    assert client.get(survey.url + "thanks/").status_code == 404
    assert client.post(survey.url, post_data(valid_answers(), survey=survey)).status_code == 404


def test_a_view_restriction_applies_at_once_and_its_removal_too(client, survey):
    warm(client, survey.url)
    restriction = PageViewRestriction.objects.create(
        page=survey, restriction_type=PageViewRestriction.LOGIN
    )
    refused = client.get(survey.url)
    assert refused.status_code == 302 and "login" in refused["Location"]
    restriction.delete()
    assert client.get(survey.url).status_code == 200


def test_a_new_neighborhood_is_offered_at_once(client, survey):
    warm(client, survey.url)
    Neighborhood.objects.create(name="Brand New Park", code="brand-new")
    assert "Brand New Park" in client.get(survey.url).content.decode()
    answers = {**valid_answers(), "area": "brand-new"}
    assert client.post(survey.url, post_data(answers, survey=survey)).status_code == 302
    assert Response.objects.get().neighborhood.code == "brand-new"


def test_site_settings_show_at_once(client, survey):
    warm(client, survey.url)
    settings = SiteSettings.for_site(Site.objects.get(is_default_site=True))
    settings.organization_name = "Neighbors United"
    settings.save()
    assert "Neighbors United" in client.get(survey.url).content.decode()


def test_moving_a_survey_changes_its_address_at_once(client, home, survey):
    old_url = survey.url
    warm(client, old_url)
    folder = home.add_child(instance=ContentPage(title="Folder", slug="folder", body="<p>x</p>"))
    folder.save_revision().publish()
    survey.move(folder, pos="last-child")
    survey.refresh_from_db()
    moved = client.get(old_url)  # Wagtail's automatic redirect, not the kept route
    assert moved.status_code == 301 and moved["Location"] == survey.url != old_url
    assert client.get(survey.url).status_code == 200


def test_a_change_made_by_another_process_is_seen_at_the_next_request(client, survey):
    """Another machine's change reaches this process only through the database: the page
    changed there, and the version with it, in one transaction."""
    warm(client, survey.url)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE wagtailcore_page SET title = 'Changed elsewhere' WHERE id = %s", [survey.pk]
        )
        cursor.execute("UPDATE cms_contentversion SET number = number + 1 WHERE id = 1")
    assert "Changed elsewhere" in client.get(survey.url).content.decode()


def test_each_request_gets_a_page_object_of_its_own(rf, survey):
    pages = []
    routes._request_version.set(routes.content_version())
    try:
        for _ in range(3):
            request = rf.get(survey.url, HTTP_HOST="localhost")
            routes._route(request, survey.url.removeprefix("/en/"))
            pages.append(request._wagtail_route_for_request.page)
    finally:
        routes.forget_request_version()
    assert pages[1] is not pages[2] and pages[1].pk == pages[2].pk == survey.pk


def test_routes_with_codes_in_their_path_are_not_kept(client, survey):
    warm(client, survey.url)
    for code in ("AAAA-BBBB", "CCCC-DDDD"):
        client.get(f"{survey.url}resume/{code}/")
    kept = [key for key in routes._store.entries if key[0] == "route"]
    assert kept and not any("resume" in key[3] for key in kept)


def test_without_a_version_row_pages_are_served_and_nothing_is_kept(client, survey):
    warm(client, survey.url)
    ContentVersion.objects.all().delete()
    routes.forget_all()
    assert client.get(survey.url).status_code == 200
    assert client.get(survey.url).status_code == 200
    assert not routes._store.entries
    survey.title = "Edited"
    survey.save_revision().publish()  # the next change creates the row again
    assert ContentVersion.objects.exists()
    assert "Edited" in client.get(survey.url).content.decode()


def test_a_rolled_back_change_never_lends_its_version_to_another(survey):
    """Versions are random: a change rolled back cannot give its number to the next."""
    from django.db import transaction

    before = routes.content_version()
    seen = set()
    for _ in range(3):
        with transaction.atomic():
            routes.content_changed()
            seen.add(routes.content_version())
            transaction.set_rollback(True)
    assert routes.content_version() == before
    assert len(seen) == 3 and before not in seen


def test_site_root_paths_are_read_once_per_version_and_follow_a_site_change(
    client, survey, monkeypatch
):
    """Every page URL needs Wagtail's site root paths; they are kept with the routes,
    not read from the shared cache by every request, and a change to the site is seen
    at the next request."""
    reads = []
    original = Site.get_site_root_paths
    monkeypatch.setattr(Site, "get_site_root_paths", lambda: reads.append(1) or original())
    warm(client, survey.url)
    reads.clear()
    for _ in range(3):  # the page, its answer, the thank-you page
        client.get(survey.url)
        sent = client.post(survey.url, post_data(valid_answers(), survey=survey))
        assert sent.status_code == 302
        assert client.get(sent["Location"]).status_code == 200
    assert reads == []
    site = Site.objects.get(is_default_site=True)
    site.port = 8080
    site.save()
    assert client.get(survey.url).status_code == 200
    assert reads == [1]  # read again at once, under the new content version
