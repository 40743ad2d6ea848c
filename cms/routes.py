"""Public pages found without asking the database each time.

Wagtail finds the page for a URL with about six queries (the site, the locale, one per
path segment, the specific page) and two more for its view restrictions; the site
settings and the language switcher's translations add two. On a survey link shared
city-wide that was a third of every request. Here each process keeps what those queries
found, per host, path and language, under a site-wide content version held in the
database (`ContentVersion`): every change to pages, sites, locales, view restrictions,
neighborhoods or site settings bumps it in the same transaction, so every process on every
machine sees the change at its next request. Reading the version is one query by primary
key, made once per request.

What is kept is pickled and each request unpickles its own copy: nothing one request does
to a page object reaches the next. Only pages that were found are kept (a 404 is not),
and at most `MAX_ENTRIES` of them.
"""

from __future__ import annotations

import pickle
import secrets
import threading
from collections import OrderedDict
from collections.abc import Callable
from contextvars import ContextVar

from django.db import connection
from django.http import HttpRequest
from django.utils import translation
from wagtail.contrib.routable_page.models import RoutablePageMixin
from wagtail.views import serve as wagtail_serve

from . import visitor_language

MAX_ENTRIES = 2048


class _Store:
    """What one process keeps for one content version; emptied when the version moves."""

    def __init__(self):
        self.version: int | None = None
        self.entries: OrderedDict = OrderedDict()
        self.lock = threading.Lock()

    def get(self, version: int, key):
        with self.lock:
            if version != self.version:
                self.version = version
                self.entries.clear()
                return None
            return self.entries.get(key)

    def put(self, version: int, key, value) -> None:
        with self.lock:
            if version != self.version:
                return  # the version moved while this was computed: keep nothing
            self.entries[key] = value
            if len(self.entries) > MAX_ENTRIES:
                self.entries.popitem(last=False)


_store = _Store()
_request_version: ContextVar[int | None] = ContextVar("content_version", default=None)


def content_version() -> int | None:
    """The content version now; None when its row is missing (a database just flushed):
    then nothing is kept until the next change creates it."""
    from .models import ContentVersion

    with connection.cursor() as cursor:
        table = connection.ops.quote_name(ContentVersion._meta.db_table)
        cursor.execute(f"SELECT number FROM {table} WHERE id = 1")  # noqa: S608 (no input)
        row = cursor.fetchone()
    return row[0] if row else None


def content_changed(**kwargs) -> None:
    """Signal receiver: a new version, in the current transaction (creating the row if it
    is missing). Versions are random, not counted: a transaction that rolls back its
    bump would otherwise let the next change reuse a number someone saw uncommitted."""
    from .models import ContentVersion

    if not ContentVersion.objects.filter(pk=1).update(number=new_version()):
        ContentVersion.objects.get_or_create(pk=1, defaults={"number": new_version()})


def new_version() -> int:
    return secrets.randbits(62)


def forget_all() -> None:
    """Drop everything this process keeps (tests start clean with this)."""
    with _store.lock:
        _store.version = None
        _store.entries.clear()


def remembered(key: tuple, compute: Callable, *, immutable: bool = False):
    """`compute()`, kept for the next page request that asks, under the content version
    read when the current page request began; outside a page request, `compute()`.

    Each request gets its own copy, unless the value is `immutable` (a tuple of frozen
    values, say): then all share one."""
    version = _request_version.get()
    if version is None:
        return compute()
    kept = _store.get(version, key)
    if kept is not None:
        return kept if immutable else pickle.loads(kept)  # noqa: S301 (pickled here)
    value = compute()
    _store.put(version, key, value if immutable else pickle.dumps(value))
    return value


def serve(request: HttpRequest, path: str):
    """Wagtail's page serving, with the route handed over from the cache when it is there,
    and the content version read once for everything this request remembers (its
    template too, rendered after this returns: the version is forgotten when the request
    finishes)."""
    _request_version.set(content_version())
    visitor_language.begin(translation.get_language())
    _keep_site_root_paths(request)
    if request.method in ("GET", "HEAD", "POST"):
        _route(request, path)
    return wagtail_serve(request, path)


def _keep_site_root_paths(request: HttpRequest) -> None:
    """Wagtail's site root paths (which site serves which tree: every page URL needs
    them), kept here instead of read from the shared cache by each request and again by
    each page object asked for its `url`. Wagtail looks for them on the request, and on
    the page (`_route` puts them there)."""
    from wagtail.models import Site

    request._wagtail_cached_site_root_paths = remembered(
        ("site-root-paths",), lambda: tuple(Site.get_site_root_paths()), immutable=True
    )


def forget_request_version(**kwargs) -> None:
    """Receiver of request_started and request_finished: no version outlives its request."""
    _request_version.set(None)


def _route(request: HttpRequest, path: str) -> None:
    from wagtail.models import Page

    from .models import KnownViewRestrictions, SiteSettings

    version = _request_version.get()
    if version is None:
        return
    key = ("route", request._get_raw_host(), request.get_port(), path, translation.get_language())
    kept = _store.get(version, key)
    settings_attr = SiteSettings.get_cache_attr_name()
    if kept is not None:
        site, route, site_settings = pickle.loads(kept)  # noqa: S301
        request._wagtail_site = site
        request._wagtail_route_for_request = route
        paths = getattr(request, "_wagtail_cached_site_root_paths", None)
        if paths is not None:
            route.page._wagtail_cached_site_root_paths = paths
        if site_settings is not None:
            site_settings._request = request  # as BaseSiteSetting.for_request leaves it
            setattr(request, settings_attr, site_settings)
        return
    route = Page.route_for_request(request, path)  # Wagtail keeps it on the request
    if route is None or not isinstance(route.page, KnownViewRestrictions):
        return
    if _has_parameters(route):
        return  # a resume or invitation code in the path: one entry per code would crowd out
    page = route.page
    page.before_route_kept()
    # Kept with the page, and read by this request's own check too.
    page._known_view_restrictions = list(page.get_view_restrictions())
    site = request._wagtail_site
    site_settings = SiteSettings.for_request(request) if site is not None else None
    # Left out of the copy (deferred: read if asked), kept on this request's page.
    omitted = {name: page.__dict__.pop(name) for name in page.route_omits if name in page.__dict__}
    try:
        _store.put(version, key, pickle.dumps((site, route, site_settings)))
    finally:
        page.__dict__.update(omitted)


def _has_parameters(route) -> bool:
    """True when the route carries values from the URL (a routable page's sub-route with
    arguments, such as /resume/<code>/)."""
    if route.kwargs:
        return True
    if isinstance(route.page, RoutablePageMixin) and len(route.args) == 3:
        _view, args, kwargs = route.args
        return bool(args or kwargs)
    return bool(route.args)
