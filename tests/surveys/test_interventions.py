"""Interventions in the admin: organizers record them with dates in order and the
neighborhoods covered; analysts read them; the database refuses dates out of order."""

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from cms.models import Neighborhood
from surveys.models import Intervention
from tests.factories import make_staff

pytestmark = pytest.mark.django_db
ADD = reverse("wagtailsnippets_surveys_intervention:add")
LIST = reverse("wagtailsnippets_surveys_intervention:list")


def _data(**changes):
    data = {
        "name": "Task force",
        "description": "",
        "announced_on": "2026-04-20",
        "starts_on": "2026-06-01",
        "ends_on": "",
        "survey": "",
        "neighborhoods": [str(Neighborhood.objects.get(code="east").pk)],
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


@pytest.fixture
def hoods():
    return [Neighborhood.objects.create(name=c.title(), code=c) for c in ("east", "west")]


def test_an_organizer_records_an_intervention(client, hoods):
    client.force_login(make_staff("olga", groups=("Organizer",)))
    result = client.post(ADD, _data())
    assert result.status_code == 302
    saved = Intervention.objects.get()
    assert saved.covered_codes() == {"east"} and saved.ends_on is None


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"starts_on": "2026-04-01"}, "starts_on", "cannot be before the announcement"),
        ({"ends_on": "2026-06-01"}, "ends_on", "must be after the start"),
        ({"neighborhoods": None}, "neighborhoods", "Choose the neighborhoods"),
        ({"covers_all": "on"}, "neighborhoods", "leave the list empty"),
        ({"starts_on": "June"}, "starts_on", "Enter a valid date"),
    ],
)
def test_bad_interventions_are_refused_with_a_clear_error(client, hoods, changes, field, message):
    client.force_login(make_staff("olga", groups=("Organizer",)))
    result = client.post(ADD, _data(**changes))
    assert result.status_code == 200
    assert message in str(result.context["form"].errors[field])
    assert not Intervention.objects.exists()


def test_analysts_read_but_do_not_edit(client, hoods):
    Intervention.objects.create(
        name="Everywhere",
        announced_on=datetime.date(2026, 1, 1),
        starts_on=datetime.date(2026, 1, 1),
        covers_all=True,
    )
    analyst = make_staff("ana", groups=("Analyst",))
    assert analyst.has_perm("surveys.view_intervention")
    assert not analyst.has_perm("surveys.add_intervention")
    client.force_login(analyst)
    assert "Everywhere" in client.get(LIST).content.decode()
    assert client.get(ADD).status_code in (302, 403)
    moderator = make_staff("mo", groups=("Moderator",))
    client.force_login(moderator)
    assert client.get(LIST).status_code in (302, 403)


def test_the_database_refuses_dates_out_of_order():
    with pytest.raises(IntegrityError), transaction.atomic():
        Intervention.objects.create(
            name="Backwards",
            announced_on=datetime.date(2026, 6, 1),
            starts_on=datetime.date(2026, 5, 1),
        )
