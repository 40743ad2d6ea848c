"""Review: two small answers hidden side by side in one neighborhood's row print their
sum. "Stopped by immigration agents?": Ash's 100 residents, 98 "No", one "Yes,
questioned", one "Yes, detained". Both small shares are hidden, no partner is added (a
row's partner is added only beside a lone hidden share), and the row prints
"No" 98 %; whoever knows how many of Ash took part (100: the intruder's side knowledge
in surveys/disclosure/printed.py, "people per row") reads that two residents of Ash were
stopped. (The page prints no n for this table.) The intruder audit
(surveys/disclosure/intruder.py `disclosed`) checks each count alone, and each of the
two can be 0 in some solution, so the sum of 1..k−1 is published."""

import pytest

from surveys.builders import choices, question
from tests.disclosure.attack import table_rows
from tests.disclosure.conftest import K

pytestmark = pytest.mark.django_db

STOPPED = "Stopped by immigration agents?"
BODY = [
    question("neighborhood", "area", "Area"),
    question(
        "single_choice",
        "agents",
        STOPPED,
        choices=choices(("no", "No"), ("asked", "Yes, questioned"), ("held", "Yes, detained")),
        widget="radio",
    ),
]


def test_the_sum_of_a_row_s_hidden_answers_is_zero_or_at_least_k(client, publish_answers):
    answers = [{"area": "ash", "agents": "no"}] * 98
    answers += [{"area": "ash", "agents": "asked"}, {"area": "ash", "agents": "held"}]
    for area in ("birch", "cedar"):
        answers += [{"area": area, "agents": "no"}] * 40
        answers += [{"area": area, "agents": code} for code in ("asked", "held") for _ in range(15)]
    _survey, page = publish_answers(answers, keys="agents", body=BODY, slug="agents")
    html = client.get(page.url).content.decode()
    rows = table_rows(html, f"{STOPPED} — ")
    assert rows, html[:2000]
    ash = rows["Ash"]
    people = 100  # Ash's respondents: side knowledge the intruder model grants
    if not ash[0].rstrip("%").isdigit():
        return  # the "No" share hidden: nothing to subtract
    rest = round(people * (100 - int(ash[0].rstrip("%"))) / 100)
    assert rest == 0 or rest >= K, f"Ash: {ash}: {rest} residents stopped or detained"
