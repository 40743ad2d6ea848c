"""A resident leaves feedback in Spanish on a phone and reads the reply with the code."""

import pytest
from wagtail.models import Locale

from feedback import moderation
from feedback.models import Feedback, Topic
from feedback.pages import CommunityVoicesPage
from tests.factories import make_home, make_neighborhoods, make_staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def voices(live_server):
    home = make_home()
    make_neighborhoods(3)
    spanish = Locale.objects.get_or_create(language_code="es")[0]
    home.copy_for_translation(spanish).save_revision().publish()
    topic = Topic.objects.create(name="Traffic stops", code="traffic-stops")
    translated = topic.copy_for_translation(spanish)
    translated.name = "Paradas de tráfico"
    translated.save()
    page = CommunityVoicesPage(title="Community voices", slug="voices")
    home.add_child(instance=page)
    page.save_revision().publish()
    return page


def test_a_resident_leaves_feedback_in_spanish_on_a_phone(live_server, voices, phone):
    phone.goto(live_server.url + "/es/voices/")
    # The link's label is translated when the lead regenerates the catalogues.
    phone.locator("a[href='/es/voices/send/']").tap()
    phone.wait_for_url("**/es/voices/send/")
    phone.locator("#id_topic").select_option("traffic-stops")
    phone.locator("#id_neighborhood").select_option("area-2")
    phone.locator("#id_text").fill("Me pararon dos veces esta semana. Mi número es 512-555-0199.")
    phone.locator("#id_may_publish").check()
    phone.locator("#feedback-submit").tap()
    code = phone.locator("#receipt-code").inner_text().strip()
    assert len(code.replace("-", "")) == 12
    # The form fits the phone: nothing scrolls sideways.
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    item = Feedback.objects.get()
    assert item.language == "es" and item.neighborhood.code == "area-2"
    moderation.edit(
        user=make_staff("mod", superuser=True),
        feedback=item,
        public_text="",
        masked_names="",
        reply="Hablamos con el departamento de policía.",
    )
    phone.goto(live_server.url + "/es/voices/status/")
    phone.locator("#id_code").fill(code.lower())
    phone.locator("#id_code").press("Enter")
    phone.locator("#feedback-reply").wait_for()
    assert (
        "Hablamos con el departamento de policía." in phone.locator("#feedback-reply").inner_text()
    )
    assert "512-555-0199" not in phone.content()
