"""Template tags for the public site: the language switcher."""

from __future__ import annotations

from dataclasses import dataclass

from django import template
from django.conf import settings
from django.utils import translation
from django.utils.translation import get_language_info, gettext_lazy as _
from wagtail.models import Page

from cms.routes import remembered
from cms.visitor_language import own_languages

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
        with own_languages():
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


PAGE_NOT_TRANSLATED = _(
    "This page has not been translated into %(language)s yet. It is offered in these languages:"
)


@register.inclusion_tag("includes/missing_translation.html", takes_context=True)
def missing_translation_notice(context) -> dict:
    """On a page served in a language it has no translation in (the default language's
    page, under the visitor's prefix): say so in the visitor's language, and link the
    languages the page has. A page type may word it (`missing_translation_message`)."""
    page = context.get("page")
    current = translation.get_language()
    if not isinstance(page, Page) or not page.pk or page.locale.language_code == current:
        return {"offered": []}
    urls = _translation_urls(page, context.get("request"))
    offered = [
        LanguageLink(
            code=code,
            name=name,
            url=urls[code],
            current=False,
            bidi=get_language_info(code)["bidi"],
        )
        for code, name in settings.LANGUAGES
        if code in urls
    ]
    message = getattr(page, "missing_translation_message", PAGE_NOT_TRANSLATED)
    return {
        "offered": offered,
        "message": message % {"language": get_language_info(current)["name_local"]},
        "language": current,
        "bidi": get_language_info(current)["bidi"],
    }


@register.inclusion_tag("includes/site_menu.html", takes_context=True)
def site_menu(context) -> dict:
    """The site navigation: the home page and the pages organizers show in menus."""
    from cms.navigation import menu_pages

    return {"pages": menu_pages(context.get("request")), "page": context.get("page")}


@register.inclusion_tag("includes/community_links.html", takes_context=True)
def community_links(context) -> dict:
    """Links to community voices and published results (home and thank-you pages)."""
    from cms.navigation import community_pages

    return {"pages": community_pages(context.get("request"))}


@register.filter
def lang_attrs(source) -> str:
    """` lang="…" dir="…"` for content in another language than the interface's: `source`
    is a page (its locale's language) or a language code; "" when they agree."""
    from django.utils.html import format_html

    code = source.locale.language_code if isinstance(source, Page) else source
    if not code or code == translation.get_language():
        return ""
    direction = "rtl" if get_language_info(code)["bidi"] else "ltr"
    return format_html(' lang="{}" dir="{}"', code, direction)


@register.simple_tag
def settings_lang() -> str:
    """`lang_attrs` for text organizers write once in site settings (the default
    language's)."""
    return lang_attrs(settings.LANGUAGE_CODE)


@register.filter
def lang_for(languages: dict | None, key) -> str:
    """`lang_attrs` of `languages[key]` (a mapping of codes to languages)."""
    return lang_attrs((languages or {}).get(key, ""))
