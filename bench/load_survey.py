"""The survey the load benchmarks answer: 30 questions on one page, with display logic.

One neighborhood question, a yes/no that decides two follow-ups (a required text when
"yes", a multiple choice when "no"), ten agreement scales, five single and five multiple
choices, five numbers and an optional comment: what a city-wide trust survey asks.
`answers(rng)` gives what one resident validly posts, logic respected.
"""

from __future__ import annotations

import random

SLUG = "trust"
NEIGHBORHOODS = 50
YES_NO = (("1", "Yes"), ("2", "No"))
FOUR = (("1", "Never"), ("2", "Rarely"), ("3", "Sometimes"), ("4", "Often"))
SIX = tuple((c, f"Option {c}") for c in "abcdef")
LIKERT = ("1", "2", "3", "4", "5", "98", "99")
WORDS = ("stopped", "asked", "papers", "car", "work", "school", "bus", "night", "street")


def body() -> list[dict]:
    # Imported here: Django must be set up before the project's modules load.
    from surveys import logic
    from surveys.builders import choices, likert, question
    from surveys.condition_blocks import condition_value

    items = [
        question("neighborhood", "area", "Which neighborhood do you live in?", required=True),
        question(
            "single_choice",
            "stopped",
            "Were you stopped this year?",
            required=True,
            choices=choices(*YES_NO),
            widget="radio",
        ),
        question(
            "short_text",
            "why",
            "What reason were you given?",
            required=True,
            show_if=condition_value(logic.Rule("stopped", "equals", ("1",))),
        ),
        question(
            "multiple_choice",
            "would_call",
            "Whom would you call for help?",
            choices=choices(*SIX),
            show_if=condition_value(logic.Rule("stopped", "equals", ("2",))),
        ),
    ]
    items += [likert(f"t{i:02d}", f"Statement {i}", required=True) for i in range(10)]
    items += [
        question(
            "single_choice",
            f"c{i}",
            f"How often {i}?",
            required=True,
            choices=choices(*FOUR),
            widget="radio",
        )
        for i in range(5)
    ]
    items += [
        question("multiple_choice", f"m{i}", f"Which of these {i}?", choices=choices(*SIX))
        for i in range(5)
    ]
    items += [
        question(
            "number",
            f"n{i}",
            f"How many {i}?",
            required=True,
            min_value=0,
            max_value=100,
            integer=True,
        )
        for i in range(5)
    ]
    items.append(question("long_text", "comment", "Anything else?"))
    assert sum(1 for item in items if item["type"] != "section") == 30
    return items


def answers(rng: random.Random) -> dict[str, str | list[str]]:
    """One resident's valid answers, keyed by question key."""
    result: dict[str, str | list[str]] = {"area": f"a{rng.randrange(NEIGHBORHOODS):02d}"}
    result["stopped"] = rng.choice(YES_NO)[0]
    if result["stopped"] == "1":
        result["why"] = " ".join(rng.choice(WORDS) for _ in range(rng.randint(1, 4)))
    else:
        result["would_call"] = rng.sample([c for c, _ in SIX], rng.randint(1, 3))
    for i in range(10):
        result[f"t{i:02d}"] = rng.choice(LIKERT)
    for i in range(5):
        result[f"c{i}"] = rng.choice(FOUR)[0]
        result[f"m{i}"] = rng.sample([c for c, _ in SIX], rng.randint(1, 3))
        result[f"n{i}"] = str(rng.randint(0, 100))
    if rng.random() < 0.3:
        result["comment"] = " ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 12)))
    return result


def form_fields(answers_by_key: dict) -> list[tuple[str, str]]:
    """The posted form fields for `answers_by_key` (the form prefixes keys with q-)."""
    fields = []
    for key, value in answers_by_key.items():
        for item in value if isinstance(value, list) else [value]:
            fields.append((f"q-{key}", item))
    return fields


def create() -> str:
    """Create the home page, neighborhoods and the survey; return the survey's path."""
    from cms.models import Neighborhood
    from tests.factories import make_home, make_survey

    home = make_home()
    Neighborhood.objects.bulk_create(
        Neighborhood(name=f"Area {i:02d}", code=f"a{i:02d}", population=5000 + 100 * i)
        for i in range(NEIGHBORHOODS)
    )
    survey = make_survey(home, body(), slug=SLUG, title="Trust in our neighborhoods")
    return survey.url
