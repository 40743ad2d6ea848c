"""What moderators do to feedback; every action is written to the audit log.

Publishing needs the resident's permission and a public text, which is always the
scrubbed version: whatever a moderator types is masked again before it is stored.
Closing an item deletes its contact details at once.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from cms.audit import record_access
from cms.models import AuditEvent

from .models import ContactDetail, Feedback, InternalNote
from .scrubbing import names_to_mask, scrub


class ModerationError(ValueError):
    """An action that cannot be taken on this item; the message is for the moderator."""


def masked_text(feedback: Feedback) -> str:
    """The scrubber's version of the original, with the moderator's names masked."""
    return scrub(feedback.text, names_to_mask(feedback.masked_names), language=feedback.language)


def _audit(user, items: list[Feedback], what: str, **detail) -> None:
    record_access(
        user=user,
        action=AuditEvent.Action.MODERATE,
        subject=gettext("Feedback %(ids)s")
        % {"ids": ", ".join(f"#{item.reference}" for item in items)},
        detail={"feedback": [str(item.key) for item in items], "did": what, **detail},
    )


def record_view(*, user: AbstractBaseUser, feedback: Feedback) -> None:
    """Reading an original and its contact details is access to resident data."""
    _audit(user, [feedback], "view")


@transaction.atomic
def edit(
    *,
    user: AbstractBaseUser,
    feedback: Feedback,
    public_text: str,
    masked_names: str,
    reply: str,
    note: str = "",
    reply_language: str = "",
) -> Feedback:
    """Save a moderator's public text (masked again), names to mask, reply (in
    `reply_language`; blank keeps the one it has) and note."""
    feedback.masked_names = masked_names.strip()
    names = names_to_mask(feedback.masked_names)
    source = public_text.strip() or feedback.text
    feedback.public_text = scrub(source, names, language=feedback.language)
    reply = reply.strip()
    if reply != feedback.reply:
        feedback.reply = reply
        feedback.replied_on = timezone.localdate() if reply else None
    if reply_language:
        feedback.reply_language = reply_language
    feedback.save()
    if note.strip():
        add_note(user=user, feedback=feedback, text=note, audit=False)
    _audit(user, [feedback], "edit", note=bool(note.strip()))
    return feedback


def add_note(*, user: AbstractBaseUser, feedback: Feedback, text: str, audit=True) -> None:
    InternalNote.objects.create(
        feedback=feedback, author=user, author_name=user.get_username(), text=text.strip()
    )
    if audit:
        _audit(user, [feedback], "note")


def _check_publishable(feedback: Feedback) -> None:
    if not feedback.may_publish:
        raise ModerationError(
            gettext("Feedback #%(reference)s: the resident did not allow publishing it.")
            % {"reference": feedback.reference}
        )


@transaction.atomic
def set_status(
    *, user: AbstractBaseUser, items: Iterable[Feedback], status: str
) -> tuple[list[uuid.UUID], list[str]]:
    """Move `items` to `status`; returns the keys changed and the refusals, one per item.

    Publishing fills an empty public text with the masked original; closing deletes
    contact details."""
    if status not in Feedback.Status.values:
        raise ModerationError(gettext("Unknown status."))
    changed, refused = [], []
    today = timezone.localdate()
    for feedback in items:
        if status == Feedback.Status.PUBLISHED:
            try:
                _check_publishable(feedback)
            except ModerationError as error:
                refused.append(str(error))
                continue
            # Always masked again, in case the scrubber improved since it was edited.
            feedback.public_text = scrub(
                feedback.public_text or feedback.text,
                names_to_mask(feedback.masked_names),
                language=feedback.language,
            )
            feedback.published_on = feedback.published_on or today
        feedback.status = status
        feedback.save()
        changed.append(feedback)
    if status == Feedback.Status.CLOSED:
        ContactDetail.objects.filter(feedback__in=changed).delete()
    if changed:
        _audit(user, changed, f"status:{status}")
    return [item.key for item in changed], refused


def delete_expired_contacts(today=None) -> int:
    """Delete contact details past their day or belonging to closed items."""
    today = today or timezone.localdate()
    expired = ContactDetail.objects.filter(delete_on__lt=today) | ContactDetail.objects.filter(
        feedback__status=Feedback.Status.CLOSED
    )
    count, _ = ContactDetail.objects.filter(pk__in=expired.values("pk")).delete()
    return count
