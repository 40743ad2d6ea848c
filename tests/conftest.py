import pytest

from tests.factories import every_type_body, make_home, make_neighborhoods, make_survey


@pytest.fixture
def home(db):
    return make_home()


@pytest.fixture
def neighborhoods(db):
    return make_neighborhoods(3)


@pytest.fixture
def survey(home, neighborhoods):
    """A published, open survey with one question of every type."""
    return make_survey(home, every_type_body())


@pytest.fixture
def staff(django_user_model):
    """A superuser (sees every survey's responses)."""
    return django_user_model.objects.create_superuser("staff", "staff@example.org", "pw")
