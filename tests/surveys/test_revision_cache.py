"""The live questionnaire and the blank form are prepared once per revision, never stale."""

from unittest import mock

import pytest

from cms.models import Neighborhood
from surveys import revision_cache
from surveys.blocks import QuestionBlock
from surveys.builders import question
from surveys.models import Response
from tests.factories import make_survey, numbered_body, post_data, publish_body

pytestmark = pytest.mark.django_db


@pytest.fixture
def survey(home, neighborhoods):
    return make_survey(home, [question("neighborhood", "area", "Where?")] + numbered_body(8))


def parses(client, survey, *, post: dict | None = None) -> int:
    """How many times serving the survey (and the post, if any) parsed the StreamField."""
    with mock.patch.object(
        QuestionBlock, "to_item", autospec=True, side_effect=QuestionBlock.to_item
    ) as build:
        assert client.get(survey.url).status_code == 200
        if post is not None:
            assert client.post(survey.url, post).status_code == 302
    return build.call_count // 9  # nine questions per parse


def test_residents_do_not_reparse_the_live_revision(client, survey):
    client.get(survey.url)
    answers = post_data(
        {"area": "area-1", "l0": "4"}, revision=survey.live_revision_id, survey=survey
    )
    assert parses(client, survey, post=answers) == 0
    assert Response.objects.count() == 1


def test_a_new_revision_is_served_at_once(client, survey):
    client.get(survey.url)
    publish_body(
        survey,
        [
            question("neighborhood", "area", "Where?"),
            *numbered_body(8),
            question("short_text", "added", "A question added today"),
        ],
    )
    assert parses(client, survey) >= 1
    assert b"A question added today" in client.get(survey.url).content


def test_a_new_neighborhood_is_offered_at_once(client, survey):
    client.get(survey.url)
    # bulk_create sends no save signal: the neighborhoods' queryset moves the version itself.
    Neighborhood.objects.bulk_create([Neighborhood(name="Riverside", code="riverside")])
    assert b"Riverside" in client.get(survey.url).content


def test_the_blank_form_is_rendered_once_and_answers_are_never_cached(client, survey):
    first = client.get(survey.url).content
    with mock.patch.object(revision_cache, "mark_safe", wraps=revision_cache.mark_safe) as kept:
        again = client.get(survey.url).content
    assert kept.call_count == 0
    assert again.split(b'name="started"')[0].count(b"question") == first.split(b'name="started"')[
        0
    ].count(b"question")
    # A refused answer comes back with the resident's own answers and the error, not the
    # remembered blank page.
    refused = client.post(
        survey.url,
        post_data(
            {"area": "area-1", "n3": "1000"}, revision=survey.live_revision_id, survey=survey
        ),
    )
    assert refused.status_code == 200
    assert b'value="1000"' in refused.content
    assert b"question--error" in refused.content
