"""The address residents reach the site at, for every link that leaves it on paper or
by email: invitation cards, their QR codes, printed links.

One place decides it: the public address in *Settings → Site settings* (organizers),
else the `PUBLIC_BASE_URL` setting (the environment), else the Wagtail site's own
hostname and port, which a fresh install sets to `localhost`. Pages that print links
warn while the address is unset or points at this machine (`address_problem`).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext
from wagtail.models import Page, Site

from .models import SiteSettings

LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1", "0.0.0.0", ""}  # noqa: S104 (names, not binds)


def configured_base_url(site: Site | None = None) -> str:
    """The public address organizers or operators set, without a trailing slash ("" if
    none)."""
    site = site or Site.objects.filter(is_default_site=True).first()
    chosen = SiteSettings.for_site(site).public_base_url if site else ""
    return (chosen or settings.PUBLIC_BASE_URL or "").rstrip("/")


def address_problem(site: Site | None = None) -> str:
    """Why links printed now would not reach residents, or "" if they would."""
    base = configured_base_url(site)
    if not base:
        return gettext(
            "No public address is set, so printed links and QR codes use this server's "
            "own name, which residents' phones cannot reach. Set the public address in "
            "Settings → Site settings before printing."
        )
    if urlsplit(base).hostname in LOCAL_HOSTS:
        return gettext(
            "The public address is %(base)s, which only this machine can reach. Set the "
            "address residents use in Settings → Site settings before printing."
        ) % {"base": base}
    return ""


def public_page_url(page: Page, request: HttpRequest | None = None) -> str:
    """`page`'s full URL at the public address (its language prefix included)."""
    base = configured_base_url(page.get_site())
    if not base:
        return page.get_full_url(request)
    parts = page.get_url_parts(request)
    return base + (parts[2] if parts else page.url)
