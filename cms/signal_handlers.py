"""Keeping Wagtail's page tree consistent after deferred publishing, and the content
version (cms.routes) moving with every change to what the public site routes to."""

from django.core.signals import request_finished, request_started
from django.db.models.signals import m2m_changed, post_delete, post_save
from wagtail.models import Locale, Page, PageViewRestriction, Site
from wagtail.signals import page_published, page_unpublished, post_page_move

from . import visitor_language
from .routes import content_changed, forget_request_version


def recount_children(sender, instance, **kwargs) -> None:
    """Re-count a published page's children.

    wagtail-localize publishes translations when the transaction commits, from the page
    object as it was when the revision was made; if children were added in the meantime
    (translating a page and the pages below it in one go), that stale object would write
    numchild=0 and hide them. Counting from the paths is cheap and always right.
    """
    count = Page.objects.filter(path__startswith=instance.path, depth=instance.depth + 1).count()
    if count != instance.numchild:
        Page.objects.filter(pk=instance.pk).update(numchild=count)
        instance.numchild = count


def _content_models():
    from .models import Neighborhood, SiteSettings

    return (Page, Site, Locale, PageViewRestriction, Neighborhood, SiteSettings)


def connect_content_version() -> None:
    """Bump the content version on every save or delete of what routing, view
    restrictions, site settings or the neighborhood lists read (pages of every type,
    through one receiver), and on Wagtail's publishing, unpublishing and moves, which
    also update pages with queryset updates that send no save signal."""
    models = _content_models()

    def saved_or_deleted(sender, instance, **kwargs):
        if isinstance(instance, models):
            content_changed()

    post_save.connect(saved_or_deleted, weak=False, dispatch_uid="content-version-save")
    post_delete.connect(saved_or_deleted, weak=False, dispatch_uid="content-version-delete")
    m2m_changed.connect(
        content_changed, sender=PageViewRestriction.groups.through, weak=False,
        dispatch_uid="content-version-restriction-groups",
    )  # fmt: skip
    for signal in (page_published, page_unpublished, post_page_move):
        signal.connect(content_changed, weak=False, dispatch_uid=f"content-version-{id(signal)}")
    request_started.connect(forget_request_version, dispatch_uid="content-version-start")
    request_finished.connect(forget_request_version, dispatch_uid="content-version-finish")
    request_started.connect(visitor_language.forget, dispatch_uid="visitor-language-start")
    request_finished.connect(visitor_language.forget, dispatch_uid="visitor-language-finish")
