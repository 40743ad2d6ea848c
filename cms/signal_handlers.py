"""Keeping Wagtail's page tree consistent after deferred publishing."""

from wagtail.models import Page


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
