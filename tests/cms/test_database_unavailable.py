"""A database that is restarting gets residents a page asking them to try again."""

from unittest import mock

import pytest
from django.db import OperationalError

from surveys import views

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(client):
    client.raise_request_exception = False
    return client


def test_a_lost_database_connection_asks_to_send_again(client, survey):
    lost = OperationalError("server closed the connection unexpectedly")
    with mock.patch.object(views.progress_store, "load", side_effect=lost):
        response = client.get(survey.url)
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    html = response.content.decode()
    assert "Please try again in a moment" in html
    assert "Nothing you sent was half-saved" in html
    assert "Traceback" not in html and "OperationalError" not in html
    # Reloading is what a reader should do; only a post is to be sent again.
    assert "send them again" not in html and "Try again" in html


def test_a_post_that_failed_asks_to_send_again(client, survey):
    lost = OperationalError("the database system is shutting down")
    with mock.patch.object(views.progress_store, "load", side_effect=lost):
        response = client.post(survey.url, {"q-area": "area-1"})
    assert response.status_code == 503
    assert "Your answers were not received" in response.content.decode()


def test_other_errors_stay_server_errors(client, survey):
    with mock.patch.object(views.progress_store, "load", side_effect=KeyError("bug")):
        response = client.get(survey.url)
    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()
