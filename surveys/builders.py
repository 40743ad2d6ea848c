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


def keep_block_ids(current_stream, body: list[dict]) -> list[dict]:
    """Give `body`'s questions (and choices) the block ids of the current questions with
    the same key (and code), so that a rewritten body edits questions rather than
    replacing them: published keys and codes are matched by block id."""
    ids_by_key, choice_ids = {}, {}
    for child in current_stream:
        key = child.value.get("key") if hasattr(child.value, "get") else None
        if not key:
            continue
        ids_by_key[key] = child.id
        for choice in getattr(child.value.get("choices"), "bound_blocks", []) or []:
            choice_ids[(key, choice.value["code"])] = choice.id
    result = []
    for block in body:
        block = {**block, "value": dict(block["value"])}
        key = block["value"].get("key")
        if key in ids_by_key:
            block["id"] = ids_by_key[key]
        if "choices" in block["value"]:
            block["value"]["choices"] = [
                {"type": "item", "value": choice, "id": choice_ids[(key, choice["code"])]}
                if (key, choice["code"]) in choice_ids
                else choice
                for choice in block["value"]["choices"]
            ]
        result.append(block)
    return result


def page_break(title: str = "", show_if: dict | None = None) -> dict:
    value = {"title": title}
    if show_if is not None:
        value["show_if"] = show_if
    return {"type": "page_break", "value": value}
