"""Issue 19, Organizers 4: "Show only if" rules pick earlier questions and their answers
from drop-downs in the page editor; the typed fields underneath are what is posted."""

from io import StringIO

import pytest
from django.core.management import call_command

from cms.models import HomePage
from surveys.builders import choices, question
from surveys.logic import Rule
from surveys.models import SurveyPage
from surveys.questionnaire import build_questionnaire
from tests.browser.conftest import sign_in
from tests.factories import make_staff, make_survey
from tests.surveys.conftest import when

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def survey(live_server):
    call_command("seed_demo", "--no-responses", stdout=StringIO())
    make_staff("root", superuser=True)
    home = HomePage.objects.get(locale__language_code="en")
    body = [
        question(
            "single_choice", "stopped", "Were you stopped?",
            choices=choices(("1", "Yes"), ("2", "No")), widget="radio",
        ),
        question(
            "short_text", "why", "What reason were you given?", max_length=50,
            show_if=when(Rule("stopped", "equals", ("1",))),
        ),
        question("short_text", "later", "Anything else?", max_length=50),
    ]  # fmt: skip
    return make_survey(home, body, slug="stops", title="Stops", publish=False)


def options(page, selector: str) -> list[tuple[str, str, bool]]:
    return page.eval_on_selector(
        selector,
        "s => Array.from(s.options).map(o => [o.value, o.textContent, o.selected])",
    )


def test_rules_pick_earlier_questions_and_their_answers(live_server, survey, desktop):
    sign_in(desktop, live_server.url, "root@example.org")
    desktop.goto(live_server.url + f"/admin/pages/{survey.pk}/edit/")
    rule = "#body-1-value-show_if-rules-0-value"
    desktop.wait_for_selector(f"{rule}-question + select.condition-picker", state="attached")
    # Only what is asked before this question, by its words and key.
    assert options(desktop, f"{rule}-question + select") == [
        ["", "---------", False],
        ["stopped", "Were you stopped? (stopped)", True],
    ]
    assert options(desktop, f"{rule}-value + select") == [
        ["", "---------", False],
        ["1", "Yes (1)", True],
        ["2", "No (2)", False],
    ]
    # Choosing "No" writes its code into the posted field.
    desktop.eval_on_selector(
        f"{rule}-value + select",
        "s => { s.value = '2'; s.dispatchEvent(new Event('change', {bubbles: true})); }",
    )
    assert desktop.input_value(f"{rule}-value") == "2"
    with desktop.expect_navigation():
        desktop.get_by_role("button", name="Save draft").click()
    page = SurveyPage.objects.get(pk=survey.pk).get_latest_revision_as_object()
    assert build_questionnaire(page).question("why").condition == Rule("stopped", "equals", ("2",))
