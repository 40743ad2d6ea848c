"""Inserting a question bank into a survey: the bank block becomes copies of its questions.

A survey owns copies rather than a live link because its keys and codes must never change
once residents answer (stability.py), whatever later versions of the bank say. So when the
survey's stream is cleaned, each "Question bank" block is replaced by a section heading
recording the bank and its version, then the bank's questions with fresh block ids and
optionally prefixed keys. Nothing after cleaning ever sees a bank block: the questionnaire,
forms and analysis read ordinary questions.
"""

from __future__ import annotations

import copy
import uuid
from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.utils.translation import gettext, gettext_lazy as _
from wagtail import blocks
from wagtail.blocks.stream_block import StreamBlockValidationError, StreamValue
from wagtail.blocks.struct_block import StructBlockValidationError
from wagtail.snippets.blocks import SnippetChooserBlock

from .questionnaire import KEY_MAX_LENGTH, KEY_PATTERN

BANK_BLOCK = "question_bank"
PREFIX_MAX_LENGTH = 12


class QuestionBankBlock(blocks.StructBlock):
    """A placeholder the organizer picks a bank with; replaced by its questions on save."""

    bank = SnippetChooserBlock("surveys.QuestionBank", label=_("Question bank"))
    prefix = blocks.RegexBlock(
        regex=KEY_PATTERN.pattern,
        required=False,
        max_length=PREFIX_MAX_LENGTH,
        label=_("Key prefix"),
        help_text=_(
            "Optional, e.g. 'w2': the bank's key 'trust_right' becomes 'w2_trust_right'. "
            "Needed when the survey already uses one of the bank's keys."
        ),
        error_messages={
            "invalid": _("A prefix starts with a letter and holds only letters, digits and '_'.")
        },
    )

    class Meta:
        icon = "list-ul"
        label = _("Question bank")
        help_text = _(
            "When you save, this is replaced by the bank's questions, which you can then edit "
            "like any other."
        )

    def to_item(self, value, block_id: str):
        raise TypeError(
            "A question bank block is expanded when the survey is cleaned; an unexpanded one "
            "cannot be read as a questionnaire item."
        )


class ExpandedStream(StreamValue):
    """A cleaned survey stream whose bank blocks were replaced by their questions.

    It remembers the banks it inserted (their recommended indices are then added to the
    survey) and, for each child, the posted block it came from, so that errors found later
    point at the block the organizer sees in the editor.
    """

    def __init__(self, stream_block, children, origins: list[tuple[int, str | None]], banks):
        super().__init__(stream_block, children)
        self.origins = origins  # (posted index, key copied from a bank or None) per child
        self.inserted_banks = banks  # [(QuestionBank, prefix)]


def as_posted(stream, errors: dict[int, ValidationError]) -> dict[int, ValidationError]:
    """`errors` by index of the stream as posted (before banks were expanded)."""
    if not isinstance(stream, ExpandedStream):
        return errors
    posted: dict[int, ValidationError] = {}
    for index, error in errors.items():
        origin, bank_key = stream.origins[index]
        if bank_key is not None:
            error = StructBlockValidationError(
                non_block_errors=[
                    gettext(
                        "The bank's key '%(key)s' cannot be used in this survey (it is reserved "
                        "or was published for another question). Set a key prefix."
                    )
                    % {"key": bank_key}
                ]
            )
        posted.setdefault(origin, error)
    return posted


def expand_banks(stream, *, is_question: Callable) -> StreamValue:
    """`stream` with every bank block replaced by its questions; refuses key collisions."""
    if not any(child.block_type == BANK_BLOCK for child in stream):
        return stream
    taken = {
        child.value["key"].lower() for child in stream if is_question(child) and child.value["key"]
    }
    children, origins, banks, errors = [], [], [], {}
    for index, child in enumerate(stream):
        if child.block_type != BANK_BLOCK:
            children.append((child.block_type, child.value, child.id))
            origins.append((index, None))
            continue
        bank, prefix = child.value["bank"], child.value["prefix"] or ""
        raw = bank_copies(bank, prefix)
        keys = [block["value"]["key"] for block in raw if block["value"].get("key")]
        problem = _key_problem(keys, taken, prefix)
        if problem:
            errors[index] = StructBlockValidationError(non_block_errors=[problem])
            continue
        taken.update(key.lower() for key in keys)
        for block in raw:
            value = stream.stream_block.child_blocks[block["type"]].to_python(block["value"])
            children.append((block["type"], value, block["id"]))
            origins.append((index, block["value"].get("key")))
        banks.append((bank, prefix))
    if errors:
        raise StreamBlockValidationError(block_errors=errors)
    return ExpandedStream(stream.stream_block, children, origins, banks)


def _key_problem(keys: list[str], taken: set[str], prefix: str) -> str | None:
    too_long = [key for key in keys if len(key) > KEY_MAX_LENGTH]
    if too_long:
        return gettext("With this prefix, these keys would be too long: %(keys)s") % {
            "keys": ", ".join(too_long)
        }
    clashes = [key for key in keys if key.lower() in taken]
    if not clashes:
        return None
    if prefix:
        return gettext(
            "These keys are already used in this survey, even with the prefix: %(keys)s. "
            "Choose another prefix."
        ) % {"keys": ", ".join(clashes)}
    return gettext(
        "The survey already uses these keys of the bank: %(keys)s. Set a key prefix (e.g. "
        "'w2') to insert the bank under new keys."
    ) % {"keys": ", ".join(clashes)}


def bank_copies(bank, prefix: str = "") -> list[dict]:
    """Raw survey blocks for `bank`: a section naming it and its version, then copies of
    its blocks with fresh ids (so that stability.py sees new questions and choices) and
    keys prefixed with `prefix` and '_' when one is given."""
    heading = {
        "type": "section",
        "value": {"heading": bank.title, "text": "", "source": bank.source},
        "id": _new_id(),
    }
    copies = [heading]
    for block in copy.deepcopy(list(bank.body.raw_data)):
        _refresh_ids(block)
        if prefix and block["value"].get("key"):
            block["value"]["key"] = prefixed(prefix, block["value"]["key"])
        copies.append(block)
    return copies


def prefixed(prefix: str, key: str) -> str:
    return f"{prefix}_{key}" if prefix else key


def _refresh_ids(data) -> None:
    """Give every stream child and list item in `data` a new id."""
    if isinstance(data, dict):
        if "type" in data and "value" in data:
            data["id"] = _new_id()
        for item in data.values():
            _refresh_ids(item)
    elif isinstance(data, list):
        for item in data:
            _refresh_ids(item)


def _new_id() -> str:
    return str(uuid.uuid4())
