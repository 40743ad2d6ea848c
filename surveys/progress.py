"""A resident's way through a multi-page survey, kept in their session until they submit.

Answers in progress are not a response: they live in the session (as the raw form
data of each page) and become a `Response` only when the resident submits, or asks to
continue later. Single-page surveys never open a session. The session holds nothing
about the visit besides these answers and is cleared when the response is stored.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from django.http import HttpRequest
from django.utils.datastructures import MultiValueDict

from .forms import FIELD_PREFIX, other_field_name
from .models import SurveyPage
from .questionnaire import Questionnaire


@dataclass
class Progress:
    revision_id: int | None
    page: int = 0
    # Raw form data by field name ("q-key"), as the resident's pages posted it.
    data: dict[str, list[str]] = field(default_factory=dict)
    # The signed "form shown at" token of the first page (also seeds shuffled choices).
    started: str = ""
    invitation: str = ""
    # The partial response being continued (save and resume), by id.
    resuming: str = ""

    def form_data(self, keys=None) -> MultiValueDict:
        """The stored data of the questions `keys` (all when None), for a form."""
        if keys is None:
            return MultiValueDict(self.data)
        names = _field_names(keys)
        return MultiValueDict({k: v for k, v in self.data.items() if k in names})

    def keep(self, keys, posted: MultiValueDict) -> None:
        """Replace the stored answers to `keys` with what was just posted."""
        names = _field_names(keys)
        self.data = {k: v for k, v in self.data.items() if k not in names}
        for name in names:
            values = [v for v in posted.getlist(name) if v != ""]
            if values:
                self.data[name] = values


def _field_names(keys) -> set[str]:
    names = set()
    for key in keys:
        names.add(f"{FIELD_PREFIX}-{key}")
        names.add(f"{FIELD_PREFIX}-{other_field_name(key)}")
    return names


def _session_key(page: SurveyPage) -> str:
    # One key for a survey in every language (a switch of language starts the survey
    # again in that language's revision, but within one session).
    return f"survey:{page.translation_key}"


def load(request: HttpRequest, page: SurveyPage) -> Progress | None:
    if not hasattr(request, "session"):
        return None
    stored = request.session.get(_session_key(page))
    if not isinstance(stored, dict):
        return None
    try:
        return Progress(**stored)
    except TypeError:  # stored by an older version of this code
        return None


def save(request: HttpRequest, page: SurveyPage, progress: Progress) -> None:
    if not request.user.is_authenticated:
        # A resident's session cookie ends with the browser session.
        request.session.set_expiry(0)
    request.session[_session_key(page)] = asdict(progress)


def clear(request: HttpRequest, page: SurveyPage) -> None:
    """Forget the answers in progress (stored or abandoned); a resident's empty
    session is deleted with its cookie."""
    if not hasattr(request, "session"):
        return
    request.session.pop(_session_key(page), None)
    if not request.user.is_authenticated and not request.session.keys():
        request.session.flush()


def visible_pages(questionnaire: Questionnaire, shown: list[bool]) -> list[int]:
    """Indices of the pages whose page break (if any) is shown."""
    return [
        index
        for index, form_page in enumerate(questionnaire.pages)
        if form_page.break_index is None or shown[form_page.break_index]
    ]
