"""Feedback in the Wagtail admin: topics as a translatable snippet, the moderation queue."""

from django.contrib import messages
from django.shortcuts import redirect
from django.templatetags.static import static
from django.urls import include, path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext, gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from cms.models import Neighborhood

from . import admin_urls
from .models import MODERATE, Feedback, Topic


class TopicViewSet(SnippetViewSet):
    model = Topic
    icon = "tag"
    menu_label = _("Feedback topics")
    list_display = ["name", "code", "sort_order"]
    add_to_admin_menu = False


register_snippet(TopicViewSet)


@hooks.register("register_admin_urls")
def register_admin_urls():
    return [path("feedback/", include(admin_urls, namespace="feedback_admin"))]


@hooks.register("insert_global_admin_css")
def moderation_css():
    return format_html('<link rel="stylesheet" href="{}">', static("feedback/admin.css"))


class ModeratorMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm(MODERATE)


@hooks.register("register_admin_menu_item")
def register_feedback_menu_item():
    return ModeratorMenuItem(
        _("Feedback"),
        reverse("feedback_admin:queue"),
        name="feedback",
        icon_name="comment",
        order=270,
    )


@hooks.register("register_admin_menu_item")
def register_feedback_counts_menu_item():
    return ModeratorMenuItem(
        _("Feedback counts"),
        reverse("feedback_admin:counts"),
        name="feedback-counts",
        icon_name="table",
        order=271,
    )


def _refuse_delete(request, instances):
    """Feedback keeps its topic and neighborhood: deleting them would lose what was said."""
    if not instances or not isinstance(instances[0], Topic | Neighborhood):
        return None
    if isinstance(instances[0], Topic):
        keys = [topic.translation_key for topic in instances]
        count = Feedback.objects.filter(topic__translation_key__in=keys).count()
        listing = "wagtailsnippets_feedback_topic:list"
    else:
        count = Feedback.objects.filter(neighborhood__in=instances).count()
        listing = "wagtailsnippets_cms_neighborhood:list"
    if not count:
        return None
    messages.error(
        request,
        gettext(
            "Not deleted: %(count)d items of community feedback refer to it, and nothing "
            "residents submitted is ever thrown away."
        )
        % {"count": count},
    )
    return redirect(listing)


@hooks.register("before_delete_snippet")
def protect_feedback_on_delete(request, instances):
    return _refuse_delete(request, instances)


@hooks.register("before_bulk_action")
def protect_feedback_on_bulk_delete(request, action_type, objects, action_class_instance):
    if action_type != "delete":
        return None
    return _refuse_delete(request, list(objects))
