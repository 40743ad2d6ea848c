"""The only place feedback is written, and where residents find it again by receipt code.

What is stored is decided here: the topic, the neighborhood if given, the language, the
text, whether it may be published and the *day*. Never an IP address, a user agent, an
exact time or anything from a cookie: callers do not even pass the request. Contact
details go to their own table, with the day they will be deleted.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from cms.models import Neighborhood

# The code helpers are plain functions shared with resume codes (no survey models).
from surveys import codes

from .models import ContactDetail, Feedback, Topic

RECEIPT_CODE_LENGTH = 12


class ReceiptError(ValueError):
    """A receipt code that opens nothing; the message is for the resident."""


def contact_days() -> int:
    return settings.FEEDBACK_CONTACT_DAYS


@transaction.atomic
def record_feedback(
    *,
    topic: Topic,
    text: str,
    language: str,
    neighborhood: Neighborhood | None = None,
    may_publish: bool = False,
    contact: str = "",
    submitted_on: datetime.date | None = None,
) -> tuple[Feedback, str]:
    """Store one item of feedback (and its contact details, if any) and return it with
    the receipt code to show the resident once; only the code's digest is kept."""
    today = submitted_on or timezone.localdate()
    code = codes.new_code(RECEIPT_CODE_LENGTH)
    feedback = Feedback.objects.create(
        topic=topic,
        neighborhood=neighborhood,
        language=language,
        text=text,
        may_publish=may_publish,
        submitted_on=today,
        receipt_digest=codes.digest(code),
    )
    if contact.strip():
        ContactDetail.objects.create(
            feedback=feedback,
            contact=contact.strip(),
            delete_on=today + datetime.timedelta(days=contact_days()),
        )
    return feedback, code


def find_by_receipt(typed: str | None) -> Feedback:
    """The feedback whose receipt code is `typed`, or ReceiptError saying why not."""
    code = codes.normalise(typed, RECEIPT_CODE_LENGTH)
    if code is None:
        raise ReceiptError(
            gettext(
                "A receipt code has 12 letters and digits, like 7KQ4-MX2P-9RTA. "
                "Check it and try again."
            )
        )
    found = (
        Feedback.objects.select_related("topic", "neighborhood")
        .filter(receipt_digest=codes.digest(code))
        .first()
    )
    if found is None:
        raise ReceiptError(gettext("We could not find feedback with this receipt code."))
    return found
