"""Every public page type can be found by following links from `/`, in every language."""

import re
from collections import deque
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from wagtail.models import Page

pytestmark = pytest.mark.django_db


def crawl(client: Client, start: str, limit: int = 200) -> dict[str, set[str]]:
    """Page type names found at each language prefix, following links and GET forms."""
    seen, found = {start}, {}
    queue = deque([start])
    while queue and len(seen) < limit:
        url = queue.popleft()
        response = client.get(url, follow=True)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        page = (response.context or {}).get("page")
        language = response.request["PATH_INFO"].split("/")[1]
        if isinstance(page, Page):
            found.setdefault(language, set()).add(type(page).__name__)
        html = response.content.decode()
        for link in re.findall(r'<a\b[^>]*\bhref="(/[^"#?]*)', html):
            if link.startswith(("/static/", "/admin/", "/accounts/", "/documents/")):
                continue
            if link not in seen:
                seen.add(link)
                queue.append(link)
    return found


def test_every_public_page_type_is_reachable_from_the_front_door(client):
    call_command("seed_demo", "--no-responses", stdout=StringIO())
    types = {type(page).__name__ for page in Page.objects.live().filter(depth__gt=1).specific()}
    assert {"HomePage", "SurveyPage", "ResultsPage", "CommunityVoicesPage"} <= types
    found = crawl(client, "/")
    for code, _name in settings.LANGUAGES:
        missing = types - found.get(code, set())
        assert not missing, f"not reachable by links in /{code}/: {sorted(missing)}"
