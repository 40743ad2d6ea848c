"""Question keys and choice codes: derived when left blank, unique, valid.

A survey's stream is cleaned here after each block is valid on its own: blank keys are
derived from labels, blank codes numbered, and duplicates refused with a message that
says which question already has the key. (Locking published identifiers against change
is `stability.py`'s job.)
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.text import slugify
from django.utils.translation import gettext
from wagtail.blocks.list_block import ListBlockValidationError
from wagtail.blocks.struct_block import StructBlockValidationError

from .questionnaire import KEY_MAX_LENGTH, RESERVED_KEYS


def derive_key(label: str, taken: set[str]) -> str:
    """A key from a question's label: lower-case words joined by '_', unique in `taken`."""
    words = slugify(label).replace("-", "_").strip("_")
    base = (words or "question")[: KEY_MAX_LENGTH - 4].rstrip("_")
    if not base[0].isalpha():
        base = f"q_{base}"[: KEY_MAX_LENGTH - 4]
    if base in RESERVED_KEYS:
        base = f"q_{base}"
    key, suffix = base, 2
    while key.lower() in taken:
        key, suffix = f"{base}_{suffix}", suffix + 1
    return key


def number_blank_codes(choices) -> None:
    """Give choices without a code the next free whole number."""
    used = {c["code"] for c in choices if c["code"]}
    next_number = max((int(code) for code in used if code.isdigit()), default=0) + 1
    for choice in choices:
        if not choice["code"]:
            while str(next_number) in used:
                next_number += 1
            choice["code"] = str(next_number)
            used.add(choice["code"])


def assign_identifiers(stream, *, is_question) -> dict[int, ValidationError]:
    """Fill blank keys and codes in a survey's cleaned stream; return errors by index."""
    errors: dict[int, ValidationError] = {}
    questions = [(index, child) for index, child in enumerate(stream) if is_question(child)]
    taken: dict[str, int] = {}
    for index, child in questions:
        key = child.value["key"]
        if not key:
            continue
        if key in RESERVED_KEYS:
            errors[index] = _key_error(
                gettext("'%(key)s' is reserved for export columns; choose another key.")
                % {"key": key}
            )
        elif key.lower() in taken:
            errors[index] = _key_error(
                gettext(
                    "The key '%(key)s' is already used by question %(number)d. "
                    "Every question needs its own key."
                )
                % {"key": key, "number": taken[key.lower()] + 1}
            )
        else:
            taken[key.lower()] = index
    for index, child in questions:
        # A draft may hold a block not yet labelled (autosave): its key waits for the
        # label, never `question`.
        if not child.value["key"] and child.value["label"]:
            child.value["key"] = derive_key(child.value["label"], set(taken))
            taken[child.value["key"].lower()] = index
        if "choices" in child.value:
            choice_errors = _clean_choices(child.value["choices"])
            if choice_errors:
                errors[index] = StructBlockValidationError({"choices": choice_errors})
    neighborhood_blocks = [i for i, child in questions if child.block_type == "neighborhood"]
    for index in neighborhood_blocks[1:]:
        errors[index] = StructBlockValidationError(
            non_block_errors=[gettext("A survey can ask for the neighborhood only once.")]
        )
    return errors


def _key_error(message: str) -> StructBlockValidationError:
    return StructBlockValidationError({"key": ValidationError(message)})


def _clean_choices(choices) -> ListBlockValidationError | None:
    """Number blank codes and report duplicate codes within one question."""
    number_blank_codes(choices)
    seen: set[str] = set()
    errors = {}
    for index, choice in enumerate(choices):
        if choice["code"] in seen:
            errors[index] = StructBlockValidationError(
                {
                    "code": ValidationError(
                        gettext("The code '%(code)s' is used twice in this question.")
                        % {"code": choice["code"]}
                    )
                }
            )
        seen.add(choice["code"])
    return ListBlockValidationError(block_errors=errors) if errors else None
