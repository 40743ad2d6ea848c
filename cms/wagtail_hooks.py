from django.contrib import messages
from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies.base import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .accounts import invite
from .models import AuditEvent, Neighborhood


class NeighborhoodViewSet(SnippetViewSet):
    model = Neighborhood
    icon = "site"
    menu_label = _("Neighborhoods")
    menu_order = 300
    add_to_admin_menu = True
    list_display = ["name", "code", "population"]
    search_fields = ["name", "code"]


register_snippet(NeighborhoodViewSet)


class ReadOnlyForSuperusers(ModelPermissionPolicy):
    """Superusers may list and inspect; nobody may add, change or delete."""

    def user_has_permission(self, user, action):
        return action in ("view", "inspect") and user.is_active and user.is_superuser

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)


# Registered at import, before any viewset asks for AuditEvent's policy.
register_permission_policy(AuditEvent, ReadOnlyForSuperusers(AuditEvent), exact_class=True)


class AuditLogViewSet(ModelViewSet):
    model = AuditEvent
    icon = "history"
    menu_label = _("Audit log")
    add_to_settings_menu = True
    list_display = ["at", "username", "action", "subject"]
    list_filter = ["action", "at"]
    search_fields = ["username", "subject"]
    inspect_view_enabled = True
    copy_view_enabled = False
    add_to_reference_index = False
    form_fields = ["subject"]  # never shown: nobody may edit


@hooks.register("register_admin_viewset")
def register_audit_log():
    return AuditLogViewSet("audit_log")


@hooks.register("insert_global_admin_js")
def start_widgets_without_inline_script():
    return format_html('<script src="{}"></script>', static("cms/admin-widgets.js"))


@hooks.register("after_create_user")
def invite_new_staff(request, user):
    invite(request, user)
    messages.success(
        request,
        _("An invitation to choose a password was sent to %(email)s.") % {"email": user.email},
    )
