"""A resident's way through a multi-page survey, kept in their session until they submit.

Answers in progress are not a response: they live in the session (as the raw form
data of each page) and become a `Response` only when the resident submits, or asks to
continue later. Single-page surveys never open a session. The session holds nothing
about the visit besides these answers and is deleted, row and cookie, when the
response is stored or the answers are dropped; one left behind expires within hours
(cms.sessions) and `manage.py clearsessions` deletes it.

Two things are never kept beside the answers, in the session: the invitation code and
the signed "form shown at" token (it holds the second the resident began). Both travel
in a signed cookie of the resident's own, which ends with the browser session, so no
stored row holds a code or an exact time together with what its holder wrote.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from django.conf import settings
from django.core import signing
from django.http import HttpRequest, HttpResponse
from django.utils.datastructures import MultiValueDict

from .forms import FIELD_PREFIX, other_field_name
from .models import SurveyPage
from .questionnaire import Questionnaire

_COOKIE_SALT = "confianza.progress"
# What travels in the resident's cookie rather than the session (see the docstring).
IN_THE_COOKIE = ("invitation", "started")
# Changes to residents' cookies, made while a view runs, applied to its response.
_PENDING = "_confianza_resident_cookies"


@dataclass
class Progress:
    revision_id: int | None
    page: int = 0
    # Raw form data by field name ("q-key"), as the resident's pages posted it.
    data: dict[str, list[str]] = field(default_factory=dict)
    # The signed "form shown at" token of the first page (also seeds shuffled choices);
    # in the cookie, never the session.
    started: str = ""
    # The invitation code entered, not yet used; in the cookie, never the session.
    invitation: str = ""
    # The partial response being continued (save and resume), by id.
    resuming: str = ""
    # The response being continued was admitted by a code, used when it was saved; the
    # code's neighborhood (its code) is the response's.
    admitted: bool = False
    admitted_neighborhood: str = ""

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

    @property
    def is_empty(self) -> bool:
        """Nothing worth a session: no answers, first page, nothing being continued."""
        return not self.data and not self.page and not self.resuming and not self.admitted


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


def cookie_name(page: SurveyPage) -> str:
    return f"progress-{page.translation_key.hex[:12]}"


def load(request: HttpRequest, page: SurveyPage) -> Progress | None:
    """The resident's progress through `page`, or None if they have not begun."""
    carried = _read_cookie(request, page)
    stored = request.session.get(_session_key(page)) if hasattr(request, "session") else None
    if not isinstance(stored, dict):
        stored = None
    if stored is None and not any(carried.values()):
        return None
    try:
        progress = Progress(**(stored or {"revision_id": None}))
    except TypeError:  # stored by an older version of this code
        progress = Progress(revision_id=None)
    for name in IN_THE_COOKIE:
        setattr(progress, name, carried.get(name, ""))
    return progress


def save(request: HttpRequest, page: SurveyPage, progress: Progress) -> None:
    """Keep `progress`: the answers in the session (opened only when there are any),
    the code and the start in the resident's cookie."""
    _set_cookie(request, page, {name: getattr(progress, name) for name in IN_THE_COOKIE})
    kept = {**asdict(progress), **dict.fromkeys(IN_THE_COOKIE, "")}
    if progress.is_empty:
        _drop(request, page)
        return
    if not request.user.is_authenticated:
        # A resident's session cookie ends with the browser session (and the stored
        # session within hours: cms.sessions).
        request.session.set_expiry(0)
    request.session[_session_key(page)] = kept


def clear(request: HttpRequest, page: SurveyPage) -> None:
    """Forget the answers in progress (stored or abandoned), the code and the start;
    a resident's session with nothing else in it is deleted, row and cookie."""
    _set_cookie(request, page, {})
    _drop(request, page)


def _drop(request: HttpRequest, page: SurveyPage) -> None:
    if not hasattr(request, "session"):
        return
    request.session.pop(_session_key(page), None)
    if request.user.is_authenticated:
        return
    # Keys of Django's own ("_session_expiry") are not the resident's: they alone keep
    # nothing worth a row.
    if not any(not key.startswith("_") for key in request.session.keys()):  # noqa: SIM118
        request.session.flush()


def _read_cookie(request: HttpRequest, page: SurveyPage) -> dict[str, str]:
    pending = getattr(request, _PENDING, {})
    name = cookie_name(page)
    if name in pending:
        return pending[name]
    try:
        value = signing.loads(
            request.COOKIES.get(name, ""),
            salt=f"{_COOKIE_SALT}:{name}",
            max_age=settings.RESIDENT_SESSION_SECONDS,
        )
    except signing.BadSignature:
        return {}
    if not isinstance(value, dict):
        return {}
    return {key: str(value.get(key, "")) for key in IN_THE_COOKIE}


def _set_cookie(request: HttpRequest, page: SurveyPage, values: dict[str, str]) -> None:
    """Set the cookie to `values` (its age starts again, as the session's does), or
    delete it when they are empty and it is there."""
    values = {key: value for key, value in values.items() if value}
    name = cookie_name(page)
    if not values and not any(_read_cookie(request, page).values()):
        return
    pending = getattr(request, _PENDING, None)
    if pending is None:
        pending = {}
        setattr(request, _PENDING, pending)
    pending[name] = values


def apply_cookies(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """Set or delete the residents' cookies that the view changed."""
    for name, values in getattr(request, _PENDING, {}).items():
        if values:
            # No max_age: the cookie ends with the browser session; the signature's
            # age is checked on reading.
            response.set_cookie(
                name,
                signing.dumps(values, salt=f"{_COOKIE_SALT}:{name}", compress=True),
                httponly=True,
                samesite="Lax",
                secure=settings.SESSION_COOKIE_SECURE,
            )
        else:
            response.delete_cookie(name, samesite="Lax")
    return response


def visible_pages(questionnaire: Questionnaire, shown: list[bool]) -> list[int]:
    """Indices of the pages whose page break (if any) is shown."""
    return [
        index
        for index, form_page in enumerate(questionnaire.pages)
        if form_page.break_index is None or shown[form_page.break_index]
    ]
