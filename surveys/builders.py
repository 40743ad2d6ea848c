"""Raw StreamField values for survey bodies, for code that creates surveys.

The demo, importers and tests describe questions with these instead of writing block
JSON by hand. Keys and codes must be given: they are what responses will store.
"""

from __future__ import annotations


def choices(*pairs: tuple[str, str], non_substantive: tuple[str, ...] = ()) -> list[dict]:
    """Choice values from (code, label) pairs."""
    return [
        {"label": label, "code": code, "non_substantive": code in non_substantive}
        for code, label in pairs
    ]


def question(type_: str, key: str, label: str, **options) -> dict:
    """A question block value of `type_` (a QuestionStreamBlock child name)."""
    value = {"label": label, "key": key, "help_text": "", "required": False}
    value.update(options)
    return {"type": type_, "value": value}


def likert(key: str, label: str, *, points: int = 5, dont_know=True, prefer_not=True, **options):
    return question(
        "likert",
        key,
        label,
        points=str(points),
        dont_know=dont_know,
        prefer_not_to_say=prefer_not,
        **options,
    )


def section(heading: str, text: str = "") -> dict:
    return {"type": "section", "value": {"heading": heading, "text": text}}


def note(html: str) -> dict:
    return {"type": "note", "value": {"text": html}}
