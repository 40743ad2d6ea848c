"""Published keys and codes never change meaning.

Once a revision of a survey is published, residents may be answering it, so the keys and
codes it published are locked, in the survey and in every translation of it:

- a published question keeps its key, its type and (for a scale) its number of points;
- a published key is never given to another question, even after its question is removed;
- a published choice keeps its code, and a published code is never given to another choice.

Labels, order, help texts and new questions stay free. Questions and choices are matched
by their StreamField block ids, which Wagtail keeps across edits and translations.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _
from wagtail.blocks.list_block import ListBlockValidationError
from wagtail.blocks.struct_block import StructBlockValidationError
from wagtail.models import PageLogEntry, Revision

from .blocks import QuestionBlock
from .key_following import derived, has_responses


@dataclass
class PublishedQuestion:
    key: str
    block_id: str
    type: str
    points: str | None
    codes: dict[str, str] = field(default_factory=dict)  # code -> choice block id
    labels: dict[str, str] = field(default_factory=dict)  # code -> label


@dataclass
class PublishedIdentifiers:
    by_key: dict[str, PublishedQuestion] = field(default_factory=dict)
    key_of_block: dict[str, str] = field(default_factory=dict)
    code_of_choice: dict[str, tuple[str, str]] = field(default_factory=dict)
    label_of_block: dict[str, str] = field(default_factory=dict)
    may_follow: bool = False

    def followed(self, child) -> bool:
        """Whether `child`'s key changed only by following its label (key_following.py)."""
        old_key, old_label = self.key_of_block[child.id], self.label_of_block[child.id]
        return (
            self.may_follow
            and derived(old_key, old_label)
            and derived(child.value["key"], child.value["label"])
        )

    def add(self, child) -> None:
        value = child.value
        key = value["key"]
        # The latest: a key may follow its label until the first response (key_following.py).
        self.key_of_block[child.id] = key
        self.label_of_block[child.id] = value["label"]
        question = self.by_key.setdefault(
            key,
            PublishedQuestion(
                key=key, block_id=child.id, type=child.block_type, points=value.get("points")
            ),
        )
        for choice in _choices(value):
            code = choice.value["code"]
            question.codes.setdefault(code, choice.id)
            question.labels.setdefault(code, choice.value["label"])
            self.code_of_choice.setdefault(choice.id, (key, code))


def _choices(value) -> list:
    choices = value.get("choices")
    return list(getattr(choices, "bound_blocks", []) or [])


def published_identifiers(page) -> PublishedIdentifiers:
    """Keys and codes published by `page` or any translation of it, oldest first."""
    from .models import Response, SurveyPage  # models imports this module

    pages = SurveyPage.objects.filter(translation_key=page.translation_key).values("pk")
    published = PageLogEntry.objects.filter(page__in=pages, action="wagtail.publish").values(
        "revision_id"
    )
    answered = Response.objects.filter(survey__translation_key=page.translation_key).values(
        "revision_id"
    )
    identifiers = PublishedIdentifiers()
    revisions = Revision.objects.filter(Q(pk__in=published) | Q(pk__in=answered)).order_by("pk")
    for revision in revisions:
        for child in revision.as_object().body:
            if isinstance(child.block, QuestionBlock):
                identifiers.add(child)
    return identifiers


def changed_identifier_errors(page) -> dict[int, ValidationError]:
    """Errors, by stream index, for every edit that would change a published meaning."""
    if not page.pk:
        return {}
    published = published_identifiers(page)
    # Before the first response, a key made from its label may follow the label.
    published.may_follow = not has_responses(page)
    errors: dict[int, ValidationError] = {}
    for index, child in enumerate(page.body):
        if not isinstance(child.block, QuestionBlock):
            continue
        error = _question_error(child, published, page.body.stream_block)
        if error is not None:
            errors[index] = error
    return errors


def _question_error(child, published: PublishedIdentifiers, stream_block) -> ValidationError | None:
    value, key = child.value, child.value["key"]
    old_key = published.key_of_block.get(child.id)
    if old_key is not None and old_key != key and not published.followed(child):
        return _field_error(
            "key",
            _(
                "The key '%(key)s' was published: residents may have answered under it. Set "
                "it back to '%(key)s', or add a new question with a new key."
            )
            % {"key": old_key},
        )
    question = published.by_key.get(key)
    if question is None:
        return None
    if question.block_id != child.id:
        return _field_error(
            "key",
            _(
                "The key '%(key)s' belonged to a published question that was removed; "
                "answers stored under it mean that question. Choose another key."
            )
            % {"key": key},
        )
    if question.type != child.block_type:
        return StructBlockValidationError(
            non_block_errors=[
                _(
                    "'%(key)s' was published as a question of type “%(type)s” and must stay "
                    "one. Add a new question with a new key instead."
                )
                % {"key": key, "type": stream_block.child_blocks[question.type].label}
            ]
        )
    if question.points is not None and question.points != value.get("points"):
        return _field_error(
            "points",
            _(
                "This scale was published with %(points)s points; more or fewer points "
                "would change what stored answers mean."
            )
            % {"points": question.points},
        )
    return _choice_errors(key, value, question, published)


def _choice_errors(key, value, question: PublishedQuestion, published) -> ValidationError | None:
    errors = {}
    for index, choice in enumerate(_choices(value)):
        code = choice.value["code"]
        old = published.code_of_choice.get(choice.id)
        # The code, not the key: a key may follow its label (key_following.py).
        if old is not None and old[1] != code:
            errors[index] = _field_error(
                "code",
                _("The code '%(code)s' was published for this choice and cannot change.")
                % {"code": old[1]},
            )
        elif code in question.codes and question.codes[code] != choice.id:
            errors[index] = _field_error(
                "code",
                _(
                    "The code '%(code)s' was published for another choice ('%(label)s'); "
                    "give this choice a new code."
                )
                % {"code": code, "label": question.labels[code]},
            )
    if errors:
        return StructBlockValidationError(
            {"choices": ListBlockValidationError(block_errors=errors)}
        )
    return None


def _field_error(name: str, message: str) -> StructBlockValidationError:
    return StructBlockValidationError({name: ValidationError(message)})
