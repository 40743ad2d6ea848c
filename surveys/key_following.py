"""Keys made from labels follow the labels' edits until the survey's first response.

A blank key is derived from its question's label (identifiers.py). Organizers often add
blocks first and word them later, and Wagtail's autosave stores each half-filled
state, so a key frozen at its first save would say nothing (`question_2`) or say
yesterday's wording. Here, as a survey is saved, a key that is still the one its
previous label gives is derived again from the new label, and every condition and
index that names it is renamed with it. Once the survey or a translation of it has a
response, keys stay as they are (stability.py then locks them for good); a key an
organizer typed is never touched.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from .identifiers import derive_key

if TYPE_CHECKING:
    from .models import SurveyPage


def follow_labels(page: SurveyPage) -> None:
    """Rename, in `page.body` (and its indices), each derived key whose label changed
    since the page's last saved revision."""
    from .blocks import QuestionBlock  # blocks is imported by the models that import us
    from .stability import published_identifiers

    if not page.pk or page.responses_survey.pk != page.pk:
        return  # a translation copies its original's keys
    if has_responses(page):
        return
    revision = page.get_latest_revision()
    if revision is None:
        return
    before = {
        child.id: (child.value["label"], child.value["key"])
        for child in revision.as_object().body
        if isinstance(child.block, QuestionBlock)
    }
    questions = [child for child in page.body if isinstance(child.block, QuestionBlock)]
    published = published_identifiers(page)
    renamed: dict[str, str] = {}
    for child in questions:
        label, key = child.value["label"], child.value["key"]
        old_label, old_key = before.get(child.id, (label, key))
        if not label or label == old_label or key != old_key or not derived(key, old_label):
            continue
        taken = {c.value["key"].lower() for c in questions if c is not child}
        taken |= {k.lower() for k, q in published.by_key.items() if q.block_id != child.id}
        new_key = derive_key(label, taken)
        if new_key != key:
            child.value["key"] = new_key
            renamed[key] = new_key
    if renamed:
        _rename_in_conditions(page.body, renamed)
        _rename_in_indices(page.indices, renamed)


def has_responses(page: SurveyPage) -> bool:
    """Whether the survey or a translation of it has a response: keys are locked then."""
    from .models import Response  # models import this module

    return Response.objects.filter(survey__translation_key=page.translation_key).exists()


def derived(key: str, label: str) -> bool:
    """Whether `key` is what `label` gives (with a suffix that kept it unique)."""
    base = derive_key(label, set())
    return bool(key) and re.fullmatch(rf"{re.escape(base)}(_\d+)?", key) is not None


def _rename_in_conditions(body, renamed: dict[str, str]) -> None:
    for child in body:
        show_if = child.value.get("show_if") if hasattr(child.value, "get") else None
        for term in (show_if or {}).get("rules") or ():
            rules = term.value["rules"] if term.block_type == "group" else [term.value]
            for rule in rules:
                rule["question"] = renamed.get(rule["question"], rule["question"])


def _rename_in_indices(indices, renamed: dict[str, str]) -> None:
    for child in indices:
        for field in ("items", "reversed_items"):
            keys = (child.value.get(field) or "").split()
            child.value[field] = " ".join(renamed.get(key, key) for key in keys)
