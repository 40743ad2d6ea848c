"""Feedback in the Wagtail admin: topics as a translatable snippet, the moderation queue."""

from django.templatetags.static import static
from django.urls import include, path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from . import admin_urls
from .models import MODERATE, Topic


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
