"""Template tags for the public site: the language switcher."""

from __future__ import annotations

from dataclasses import dataclass

from django import template
from django.conf import settings
from django.utils import translation
from django.utils.translation import get_language_info
from wagtail.models import Page

from cms.routes import remembered

register = template.Library()


@dataclass(frozen=True)
class LanguageLink:
    code: str
    name: str
    url: str
    current: bool
    bidi: bool


def _translation_urls(page: Page | None, request) -> dict[str, str]:
    """URLs of the live translations of `page` (itself included), by language code, kept
    under the content version (they change only when pages do)."""
    if page is None or not page.pk:
        return {}

    def urls():
        translations = page.get_translations(inclusive=True).live().select_related("locale")
        return {p.locale.language_code: p.get_url(request) for p in translations}

    if request is None:
        return urls()
    key = ("translations", page.pk, request._get_raw_host(), request.get_port())
    return remembered(key, urls)


@register.inclusion_tag("includes/language_switcher.html", takes_context=True)
def language_switcher(context) -> dict:
    """Links to the current page in every interface language."""
    page = context.get("page")
    urls = _translation_urls(page if isinstance(page, Page) else None, context.get("request"))
    current = translation.get_language()
    links = [
        LanguageLink(
            code=code,
            name=name,
            # Without a translation, that language's home page.
            url=urls.get(code) or f"/{code}/",
            current=code == current,
            bidi=get_language_info(code)["bidi"],
        )
        for code, name in settings.LANGUAGES
    ]
    return {"links": links}
