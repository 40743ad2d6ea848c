"""Where a resident can go from any page: the site menu organizers choose ("Show in
menus" on a page's Promote tab) and the pages every resident should be able to find
(community voices, published results), in the visitor's language where translated."""

from __future__ import annotations

from wagtail.models import Page, Site

from .routes import remembered


def _children(request, select) -> list[Page]:
    """`select(children)` of the home page in the default language and of its translation
    in the visitor's language: pages not yet translated are found too (and served under
    the visitor's prefix, cms.visitor_language), each in the visitor's language where it
    has a live translation."""
    site = Site.find_for_request(request) if request is not None else None
    site = site or Site.objects.filter(is_default_site=True).first()
    if site is None:
        return []
    homes = [site.root_page]
    if site.root_page.localized.pk != site.root_page.pk:
        homes.append(site.root_page.localized)
    pages, keys = [], set()
    for home in homes:
        for page in select(home.get_children().live().specific()):
            if page.translation_key not in keys:
                keys.add(page.translation_key)
                pages.append(page.localized)
    return pages


def menu_pages(request) -> list[Page]:
    """The live pages below the home page that organizers put in the menu, in order, in
    the visitor's language where translated (else in the default language)."""

    return remembered(
        ("menu", _home_key(request)), lambda: _children(request, lambda pages: pages.in_menu())
    )


def community_pages(request) -> list[Page]:
    """The live pages below the home page whose type asks to be linked from the home and
    thank-you pages (`linked_after_answering`): community voices, results."""

    def linked(pages):
        return [page for page in pages if getattr(page, "linked_after_answering", False)]

    return remembered(("community-pages", _home_key(request)), lambda: _children(request, linked))


def _home_key(request) -> tuple:
    from django.utils import translation

    if request is None:
        return (translation.get_language(),)
    return (request._get_raw_host(), request.get_port(), translation.get_language())
