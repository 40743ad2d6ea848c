"""A resident leaves feedback in Spanish on a phone and reads the reply with the code."""

from io import StringIO

import pytest
from django.core.management import call_command
from wagtail.models import Locale

from feedback import moderation
from feedback.models import Feedback
from feedback.pages import CommunityVoicesPage
from tests.factories import make_staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def voices(live_server):
    """The demo site: its Community voices page, topics in English and Spanish."""
    call_command("seed_demo", "--no-responses", stdout=StringIO())
    return CommunityVoicesPage.objects.get(locale__language_code="en")


def test_a_resident_leaves_feedback_in_spanish_on_a_phone(live_server, voices, phone):
    phone.goto(live_server.url + "/es/voices/")
    # The link's label is translated when the lead regenerates the catalogues.
    phone.locator("a[href='/es/voices/send/']").tap()
    phone.wait_for_url("**/es/voices/send/")
    phone.locator("#id_topic").select_option("traffic-stops")
    phone.locator("#id_neighborhood").select_option("riverside")
    phone.locator("#id_text").fill("Me pararon dos veces esta semana. Mi número es 512-555-0199.")
    phone.locator("#id_may_publish").check()
    phone.locator("#feedback-submit").tap()
    code = phone.locator("#receipt-code").inner_text().strip()
    assert len(code.replace("-", "")) == 12
    # The form fits the phone: nothing scrolls sideways.
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    item = Feedback.objects.latest("pk")
    assert item.language == "es" and item.neighborhood.code == "riverside"
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


@pytest.mark.parametrize("language", ["es", "ar"])
def test_the_feedback_steps_have_no_wcag_violations(
    live_server, voices, browser, axe_source, language
):
    """Steps the page-type check cannot reach by GET: errors, receipt, status, reply."""
    from tests.browser.conftest import check

    Locale.objects.get_or_create(language_code="ar")
    context = browser.new_context(bypass_csp=True, viewport={"width": 390, "height": 844})
    page = context.new_page()
    base = f"{live_server.url}/{language}/voices/"
    page.goto(base + "send/")
    page.locator("#feedback-submit").click()
    page.locator("#error-summary").wait_for()
    check(page, axe_source, f"{language} feedback form with errors")
    page.locator("#id_topic").select_option("traffic-stops")
    page.locator("#id_text").fill("Necesitamos intérpretes.")
    page.locator("#feedback-submit").click()
    code = page.locator("#receipt-code").inner_text().strip()
    check(page, axe_source, f"{language} receipt")
    item = Feedback.objects.latest("pk")
    item.reply = "Done."
    item.save()
    page.goto(base + "status/")
    page.locator("#id_code").fill("nope")
    page.locator("#id_code").press("Enter")
    page.locator("#id_code_error").wait_for()
    check(page, axe_source, f"{language} status with an error")
    page.locator("#id_code").fill(code)
    page.locator("#id_code").press("Enter")
    page.locator("#feedback-reply").wait_for()
    check(page, axe_source, f"{language} status with a reply")
    context.close()
