"""The visitor's language: the language of the address a public page was asked for.

A page not yet translated is served under every language's prefix (cms.models
`FallbackToDefaultLanguage`): /ar/survey/ shows the English survey with the interface in
Arabic. Its links, form actions and redirects keep that prefix, so that a resident who
chose Arabic is never moved into English by following a link or sending a form.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from wagtail.coreutils import get_supported_content_language_variant

_visitor_language: ContextVar[str | None] = ContextVar("visitor_language", default=None)


def begin(language: str | None) -> None:
    """Called as a public page request is routed, with the language of its address."""
    codes = {code for code, _name in settings.LANGUAGES}
    _visitor_language.set(language if language in codes else None)


def forget(**kwargs) -> None:
    """Receiver of request_started and request_finished: no language outlives its request."""
    _visitor_language.set(None)


def current() -> str | None:
    """The language of the public page request being served; None outside one."""
    return _visitor_language.get()


@contextmanager
def own_languages() -> Iterator[None]:
    """Within this block every page's URL is in its own language (the language switcher
    and the list of a page's translations link to each language on purpose)."""
    token = _visitor_language.set(None)
    try:
        yield
    finally:
        _visitor_language.reset(token)


def in_visitor_language(path: str | None) -> str | None:
    """`path`, a page's address under its own language prefix, moved under the visitor's
    language prefix when the page is in the default language and the visitor reads
    another: the fallback routing serves it there. (No query: the prefix says the
    page's language.)"""
    language = current()
    if path is None or language is None:
        return path
    default = get_supported_content_language_variant(settings.LANGUAGE_CODE)
    prefix = f"/{default}/"
    if language == default or not path.startswith(prefix):
        return path
    return f"/{language}/" + path.removeprefix(prefix)


class LinksInVisitorLanguage:
    """A page whose URL, asked for while a visitor reads the site in another language,
    keeps the visitor in that language (see `in_visitor_language`)."""

    def get_url_parts(self, request=None):
        parts = super().get_url_parts(request)
        if parts is None or current() is None:
            return parts
        site_id, root_url, path = parts
        return site_id, root_url, in_visitor_language(path)
