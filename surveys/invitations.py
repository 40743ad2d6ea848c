"""Invitation codes: single-use codes that admit one response, optionally by neighborhood.

For address-based sampling an organizer generates codes for a neighborhood and prints
them on door hangers; a resident who types one (or scans its QR code) answers once,
and the response is counted in that neighborhood.

Codes are `INVITATION_CODE_LENGTH` characters of `codes.ALPHABET` (about 39 bits):
short enough to type from paper, and with the resident view's rate limit far too
many to guess. They are stored plainly so that the organizer can print them again;
an unused code is only a ticket to answer once, never a key to anyone's answers.

Unlinkability (BRIEF invariant 1): redeeming a code only sets its `redeemed_on` day.
No table points from a code to a response or back, and neither keeps a time finer
than a day, so a used code cannot be matched to the response it admitted
(tests/surveys/test_invitations.py checks the models' fields).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from urllib.parse import urlencode
from xml.etree import ElementTree

import qrcode
from django.db import IntegrityError, models, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy as _
from qrcode.image.svg import SvgPathImage

from cms.models import Neighborhood
from cms.public_urls import public_page_url

from . import codes

INVITATION_CODE_LENGTH = 8
MAX_CODES_PER_REQUEST = 5000
_ATTEMPTS = 5


class InvitationCode(models.Model):
    """One printed code; `redeemed_on` is set, to the day, when it admits a response."""

    # Random, so that identifiers reveal neither the order nor the number of codes.
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # Codes are worthless without their survey; a survey with responses cannot be
    # deleted anyway (wagtail_hooks.protect_responses_on_delete).
    survey = models.ForeignKey(
        "surveys.SurveyPage",
        on_delete=models.CASCADE,
        related_name="invitation_codes",
        verbose_name=_("survey"),
    )
    code = models.CharField(_("code"), max_length=16, unique=True)
    neighborhood = models.ForeignKey(
        Neighborhood,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="invitation_codes",
        verbose_name=_("neighborhood"),
    )
    created_on = models.DateField(_("created on"))
    # The day it admitted a response; made the same for every code of its release.
    redeemed_on = models.DateField(_("redeemed on"), null=True, blank=True)
    # Organizers learn that a code was used only in a release of at least k codes of its
    # neighborhood, after the day closed (surveys/release.py); until then it counts as
    # unused in every view.
    released = models.BooleanField(_("use shown"), default=False, editable=False)

    class Meta:
        verbose_name = _("invitation code")
        verbose_name_plural = _("invitation codes")
        indexes = [models.Index(fields=["survey", "neighborhood"], name="invitation_survey_area")]

    def __str__(self) -> str:
        return self.code


class InvitationError(ValueError):
    """A code that admits nothing; `str()` is a plain message for the resident."""


def _refused() -> InvitationError:
    # One message whether the code is unknown or used: a used code must not tell whoever
    # holds a door hanger that the household took part.
    return InvitationError(
        gettext(
            "This invitation code cannot be used. Check that you typed it as printed; "
            "each code admits one response."
        )
    )


# --- generating ----------------------------------------------------------------------


def generate(
    survey, count: int, neighborhoods: Sequence[Neighborhood] | None = None
) -> list[InvitationCode]:
    """`count` new codes for each of `neighborhoods` (or `count` without a neighborhood).

    All are written in one transaction, or none. Raises ValueError, with a message for
    the organizer, if `count` is not positive or the total exceeds MAX_CODES_PER_REQUEST.
    """
    areas: list[Neighborhood | None] = list(dict.fromkeys(neighborhoods or [])) or [None]
    total = count * len(areas)
    if count < 1:
        raise ValueError(gettext("Ask for at least one code."))
    if total > MAX_CODES_PER_REQUEST:
        raise ValueError(
            gettext("At most %(max)d codes at a time; this asks for %(total)d.")
            % {"max": MAX_CODES_PER_REQUEST, "total": total}
        )
    original, today = survey.responses_survey, timezone.localdate()
    for _attempt in range(_ATTEMPTS):
        fresh = iter(_fresh_codes(total))
        rows = [
            InvitationCode(survey=original, code=next(fresh), neighborhood=area, created_on=today)
            for area in areas
            for _ in range(count)
        ]
        try:
            with transaction.atomic():
                return InvitationCode.objects.bulk_create(rows)
        except IntegrityError:  # another request took one of these codes meanwhile
            continue
    raise RuntimeError("Could not draw unique invitation codes.")


def _fresh_codes(total: int) -> list[str]:
    """`total` distinct codes that no stored code already uses."""
    fresh: set[str] = set()
    while len(fresh) < total:
        drawn = {codes.new_code(INVITATION_CODE_LENGTH) for _ in range(total - len(fresh))}
        taken = set(InvitationCode.objects.filter(code__in=drawn).values_list("code", flat=True))
        fresh |= drawn - taken
    return list(fresh)


# --- redeeming -----------------------------------------------------------------------


def check(survey, typed: str | None) -> InvitationCode:
    """The code `typed` for `survey` (any of its translations); writes nothing.

    Raises InvitationError if it is malformed or unknown (a code of another survey is
    told as unknown, so that codes of other surveys are not revealed). Whether the code
    was used is not checked here but when the response is written (`redeem`): typing
    a code, or following its link, tells nobody whether its household answered.
    """
    code = codes.normalise(typed, INVITATION_CODE_LENGTH)
    if code is None:
        raise InvitationError(
            gettext(
                "An invitation code has 8 letters and digits, like 7KQ4-MX2P. "
                "Check it and try again."
            )
        )
    found = (
        InvitationCode.objects.select_related("neighborhood")
        .filter(code=code, survey=survey.responses_survey)
        .first()
    )
    if found is None:
        raise _refused()
    return found


def redeem(survey, typed: str | None) -> Neighborhood | None:
    """Use up the code `typed`; return its neighborhood (None if it has none).

    Call it inside the transaction that writes the response, so that the code is used
    if and only if the response is stored. The conditional UPDATE lets only one of two
    concurrent redemptions of a code succeed; a used code raises InvitationError with
    the message of an unknown one.
    """
    found = check(survey, typed)
    updated = InvitationCode.objects.filter(pk=found.pk, redeemed_on__isnull=True).update(
        redeemed_on=timezone.localdate()
    )
    if not updated:
        raise _refused()
    return found.neighborhood


# --- organizer views' data -----------------------------------------------------------


# Codes whose use organizers may know of: used, and released (surveys/release.py).
SHOWN_AS_USED = models.Q(redeemed_on__isnull=False, released=True)


def summary(survey) -> list[dict]:
    """Per neighborhood (None last): codes generated, used and unused, as released."""
    rows = (
        InvitationCode.objects.filter(survey=survey.responses_survey)
        .values("neighborhood", "neighborhood__name", "neighborhood__code")
        .annotate(generated=Count("pk"), redeemed=Count("pk", filter=SHOWN_AS_USED))
        .order_by(models.F("neighborhood__name").asc(nulls_last=True))
    )
    return [{**row, "unused": row["generated"] - row["redeemed"]} for row in rows]


def unused_codes(survey, neighborhood: Neighborhood | None = None):
    """The survey's codes not shown as used, all or only those of `neighborhood`."""
    found = (
        InvitationCode.objects.filter(survey=survey.responses_survey)
        .exclude(SHOWN_AS_USED)
        .select_related("neighborhood")
    )
    if neighborhood is not None:
        found = found.filter(neighborhood=neighborhood)
    return found.order_by("neighborhood__name", "code")


def invitation_url(survey, code: str, request=None) -> str:
    """The link a code's QR leads to: the survey's `invite/` route at the public address
    (cms.public_urls), the code in the query (access logs keep paths, never queries:
    cms.access_log)."""
    return f"{public_page_url(survey, request)}invite/?{urlencode({'code': code})}"


def qr_svg(url: str, label: str) -> str:
    """An inline SVG QR code for `url`, sized by CSS, described by `label`."""
    image = qrcode.make(url, image_factory=SvgPathImage)
    image.path.attrib.pop("id", None)  # many codes share a page: no duplicate ids
    svg = image.get_image()
    for attribute in ("width", "height"):
        svg.attrib.pop(attribute, None)
    svg.set("role", "img")
    svg.set("aria-label", label)
    return ElementTree.tostring(svg, encoding="unicode")
