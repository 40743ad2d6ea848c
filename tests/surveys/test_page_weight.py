"""A survey page is light enough for a cheap phone on a bad connection."""

import gzip
import re
from pathlib import Path

import pytest
from django.test import Client

ROOT = Path(__file__).resolve().parents[2]
LIMIT_BYTES = 60 * 1024
pytestmark = pytest.mark.django_db


def test_a_survey_with_every_question_type_weighs_under_60_kb_over_the_wire(survey):
    response = Client(HTTP_ACCEPT_ENCODING="gzip").get(survey.url)
    assert response["Content-Encoding"] == "gzip"
    html = gzip.decompress(response.content).decode()
    total = len(response.content)
    assets = re.findall(r'<(?:link[^>]+href|script[^>]+src|img[^>]+src)="(/static/[^"]+)"', html)
    for asset in assets:
        # WhiteNoise serves static files pre-compressed in production.
        total += len(gzip.compress((ROOT / "static" / asset.removeprefix("/static/")).read_bytes()))
    assert assets, "the stylesheet is counted"
    assert not re.search(r"<script", html), "no script is needed to answer a survey"
    assert "@font-face" not in (ROOT / "static/css/site.css").read_text(), "no web fonts"
    assert total < LIMIT_BYTES, f"{total} bytes"
    print(f"survey page over the wire: {total} bytes")
