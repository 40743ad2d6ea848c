"""Rendering and submitting a 40-question survey does a bounded number of queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from surveys.builders import question
from surveys.models import Answer, Response
from tests.factories import make_survey, numbered_body, post_data

pytestmark = pytest.mark.django_db

# The content version: routing (site, locale, pages, view restrictions), the page's
# locale, neighborhoods, site settings and the language switcher's translations are kept
# under it by each process (cms.routes) once a first request has read them.
GET_BUDGET = 1
# The same, then one transaction: the response, all its answers in one statement, and on
# SQLite its BEGIN and, on both, its COMMIT; and the neighborhood, the first time a
# process is asked for it.
POST_BUDGET = 6


@pytest.fixture
def big_survey(home, neighborhoods):
    body = [question("neighborhood", "area", "Where?")] + numbered_body(39)
    return make_survey(home, body, slug="forty")


def answers_for_forty():
    answers = {"area": "area-1"}
    for i in range(39):
        answers[{0: f"l{i}", 1: f"s{i}", 2: f"m{i}", 3: f"n{i}"}[i % 4]] = {
            0: "4",
            1: "2",
            2: ["a", "c"],
            3: "42",
        }[i % 4]
    return answers


def test_rendering_a_40_question_survey(client, big_survey, django_assert_max_num_queries):
    client.get(big_survey.url)  # keep its route, as any running server has
    with django_assert_max_num_queries(GET_BUDGET):
        page = client.get(big_survey.url)
    assert page.status_code == 200
    assert page.content.count(b'<div class="question">') == 40


def test_submitting_a_40_question_survey(client, big_survey, django_assert_max_num_queries):
    client.get(big_survey.url)
    data = post_data(answers_for_forty(), revision=big_survey.live_revision_id, survey=big_survey)
    with django_assert_max_num_queries(POST_BUDGET):
        result = client.post(big_survey.url, data)
    assert result.status_code == 302
    assert Response.objects.count() == 1
    assert Answer.objects.count() == 39 + 10  # ten multi-choice questions with two codes each


def test_query_counts_do_not_grow_with_the_number_of_questions(client, home, big_survey):
    small = make_survey(home, [question("neighborhood", "area", "Where?")] + numbered_body(3))
    counts = []
    for survey, answers in (
        (small, {"area": "area-1", "l0": "4"}),
        (big_survey, answers_for_forty()),
    ):
        client.get(survey.url)
        with CaptureQueriesContext(connection) as get_queries:
            client.get(survey.url)
        with CaptureQueriesContext(connection) as post_queries:
            client.post(
                survey.url, post_data(answers, revision=survey.live_revision_id, survey=survey)
            )
        counts.append((len(get_queries), len(post_queries)))
    # The larger survey's post may find the neighborhood the smaller one's kept.
    assert counts[1][0] <= counts[0][0] and counts[1][1] <= counts[0][1], counts


# A page of a multi-page survey: the above, plus reading the session; after Next, also
# creating it (a new key checked, then written in a transaction of its own); Next
# redirects instead of rendering.
PAGE_GET_BUDGET = GET_BUDGET + 1
PAGE_NEXT_BUDGET = GET_BUDGET + 4


def test_pages_of_a_long_survey_do_a_bounded_number_of_queries(
    client, home, neighborhoods, django_assert_max_num_queries
):
    from surveys.builders import page_break
    from tests.surveys.conftest import Resident

    counts = []
    for size in (4, 40):
        body = [question("neighborhood", "area", "Where?")] + numbered_body(size - 1)
        body.insert(len(body) // 2, page_break("Second half"))
        survey = make_survey(home, body, slug=f"paged-{size}")
        resident = Resident(client, survey)
        resident.get()
        with CaptureQueriesContext(connection) as next_queries:
            assert resident.post({"area": "area-1"}, action="next", page=0).status_code == 302
        with CaptureQueriesContext(connection) as get_queries:
            assert resident.get().status_code == 200
        counts.append((len(next_queries), len(get_queries)))
    assert counts[0] == counts[1]
    assert counts[1][0] <= PAGE_NEXT_BUDGET and counts[1][1] <= PAGE_GET_BUDGET, counts


def test_the_thank_you_page_does_a_bounded_number_of_queries(
    client, big_survey, django_assert_max_num_queries
):
    thanks = big_survey.url + "thanks/"
    client.get(thanks)
    with django_assert_max_num_queries(GET_BUDGET):
        assert client.get(thanks).status_code == 200
