"""Save and resume: a partial response, reachable again with a resume code.

"Continue later" stores the answers so far as a response with status *partial* and
uses up the invitation code that admitted the resident, if any (submission.py); it
gives the resident a code (12 characters of `codes.ALPHABET`, about 58 bits) and a
link. The database keeps only the code's SHA-256. Whoever types the code, on any
device, gets the answers back; the partial response is completed in place when they
submit, and deleted when the survey's `partial_days` run out. Partial responses are
left out of analysis by default (analysis counts complete responses).
"""

from __future__ import annotations

import datetime
import uuid
from collections import defaultdict

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy as _

from . import codes

RESUME_CODE_LENGTH = 12


class ResumeCode(models.Model):
    """The key to one partial response. Deleted when the response is completed."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    response = models.OneToOneField(
        "surveys.Response", on_delete=models.CASCADE, related_name="resume_code"
    )
    digest = models.CharField(max_length=64, unique=True)
    expires_on = models.DateField()
    # The response was admitted by an invitation code, which saving it used up: no code
    # is kept with it, and resuming it needs none (nor tells anything of the code).
    admitted = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("resume code")

    def __str__(self) -> str:
        return f"resume code until {self.expires_on}"


class ResumeError(ValueError):
    """A resume code that does not open anything; the message is for the resident."""


def expiry_for(survey, today: datetime.date | None = None) -> datetime.date:
    return (today or timezone.localdate()) + datetime.timedelta(days=survey.partial_days)


def find_partial(survey, typed: str | None) -> ResumeCode:
    """The live resume code `typed` for `survey`, or ResumeError saying why not."""
    code = codes.normalise(typed, RESUME_CODE_LENGTH)
    if code is None:
        raise ResumeError(
            gettext(
                "A resume code has 12 letters and digits, like 7KQ4-MX2P-9RTA. "
                "Check it and try again."
            )
        )
    found = (
        ResumeCode.objects.select_related("response")
        .filter(digest=codes.digest(code), response__survey=survey.responses_survey)
        .first()
    )
    if found is None:
        raise ResumeError(
            gettext("We could not find answers saved with this code for this survey.")
        )
    if found.expires_on < timezone.localdate():
        raise ResumeError(
            gettext("This code has expired: saved answers are kept for %(days)d days.")
            % {"days": survey.partial_days}
        )
    return found


def stored_form_data(questionnaire, response) -> dict[str, list[str]]:
    """The resident form's data (field name -> values) for a stored response's answers."""
    from .forms import FIELD_PREFIX, other_field_name
    from .question_types import AnswerValue, question_type

    rows = defaultdict(list)
    for key, code, number, text in response.answers.values_list("key", "code", "number", "text"):
        rows[key].append(AnswerValue(code=code, number=number, text=text))
    data: dict[str, list[str]] = {}
    for question in questionnaire.questions:
        name = f"{FIELD_PREFIX}-{question.key}"
        if question.type == "neighborhood":
            if response.neighborhood_id:
                data[name] = [response.neighborhood.code]
            continue
        values = rows.get(question.key)
        if not values:
            continue
        value = question_type(question.type).form_value(question, values)
        data[name] = [str(v) for v in value] if isinstance(value, list) else [str(value)]
        other = next((v.text for v in values if v.text and v.code is not None), None)
        if other:
            data[f"{FIELD_PREFIX}-{other_field_name(question.key)}"] = [other]
    return data
