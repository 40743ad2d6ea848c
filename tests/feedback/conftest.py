import pytest
from django.contrib.auth.models import Group
from wagtail.models import Locale

from feedback.models import Topic
from feedback.pages import CommunityVoicesPage
from tests.factories import make_staff


@pytest.fixture
def topics(db):
    """Two topics in English, the first translated into Spanish."""
    traffic = Topic.objects.create(name="Traffic stops", code="traffic-stops", sort_order=1)
    language = Topic.objects.create(name="Language access", code="language", sort_order=2)
    spanish = Locale.objects.get_or_create(language_code="es")[0]
    traducido = traffic.copy_for_translation(spanish)
    traducido.name = "Paradas de tráfico"
    traducido.save()
    return {"traffic": traffic, "language": language, "traffic_es": traducido}


@pytest.fixture
def voices(home, neighborhoods, topics):
    page = CommunityVoicesPage(title="Community voices", slug="voices", small_cell_threshold=5)
    home.add_child(instance=page)
    page.save_revision().publish()
    page.refresh_from_db()
    return page


@pytest.fixture
def spanish_home(home):
    spanish = Locale.objects.get_or_create(language_code="es")[0]
    copy = home.copy_for_translation(spanish)
    copy.save_revision().publish()
    return copy


def started(page, seconds_ago: int = 60) -> str:
    from cms.protection import started_token

    return started_token(f"feedback:{page.pk}", seconds_ago=seconds_ago)


def form_data(page, **fields) -> dict:
    data = {
        "topic": "traffic-stops",
        "neighborhood": "area-1",
        "text": "The police stopped my cousin near the school.",
        "started": started(page),
    }
    data.update(fields)
    return {k: v for k, v in data.items() if v is not None}


def send(client, page, **fields):
    return client.post(page.url + "send/", form_data(page, **fields))


def role(name: str, username: str):
    user = make_staff(username)
    user.groups.add(Group.objects.get(name=name))
    return user
