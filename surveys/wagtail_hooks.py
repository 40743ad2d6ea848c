"""Survey responses and invitation codes in the Wagtail admin; protection of stored responses."""

from django.contrib import messages
from django.shortcuts import redirect
from django.templatetags.static import static
from django.urls import include, path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext, gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import Button
from wagtail.models import Page
from wagtail.snippets.models import register_snippet

from cms.audit import record_access
from cms.models import AuditEvent, Neighborhood

from . import admin_urls
from .access import (
    VIEW_RESULTS,
    can_download_questionnaire,
    can_organize,
    can_see,
    can_view_responses,
    grant_to_creator,
    refuse_delete as refuse_page_delete,
    refuse_move_or_copy,
    surveys_at_or_below,
    surveys_visible_to,
)
from .api import admin_urls as api_admin_urls
from .bank_admin import QuestionBankViewSet, refuse_delete, refuse_edit
from .interventions import InterventionViewSet
from .models import InvitationCode, QuestionBank, Response, SurveyAccess, SurveyPage
from .xlsform_views import survey_parents_for

register_snippet(QuestionBankViewSet)
register_snippet(InterventionViewSet)


class SurveyAccessViewSet(ModelViewSet):
    """Superusers grant staff the surveys whose data they may see."""

    model = SurveyAccess
    icon = "lock-open"
    menu_label = _("Survey access")
    add_to_settings_menu = True
    list_display = ["user", "survey", "granted_on"]
    list_filter = ["user"]
    panels = [FieldPanel("user"), FieldPanel("survey")]
    add_to_reference_index = False
    copy_view_enabled = False


@hooks.register("insert_editor_js")
def condition_editor_js():
    """Drop-downs of earlier questions and their answers for "Show only if" rules."""
    return format_html('<script src="{}"></script>', static("surveys/condition-editor.js"))


@hooks.register("register_admin_viewset")
def register_survey_access():
    return SurveyAccessViewSet("survey_access")


@hooks.register("register_admin_urls")
def register_admin_urls():
    return [
        path("surveys/", include(admin_urls, namespace="surveys_admin")),
        path("api-tokens/", include(api_admin_urls, namespace="api_tokens")),
    ]


@hooks.register("insert_global_admin_css")
def responses_table_css():
    return format_html(
        '<link rel="stylesheet" href="{}"><link rel="stylesheet" href="{}">',
        static("surveys/admin.css"),
        static("css/charts.css"),
    )


class SurveysMenuItem(MenuItem):
    def is_shown(self, request):
        return surveys_visible_to(request.user).exists()


@hooks.register("register_admin_menu_item")
def register_surveys_menu_item():
    return SurveysMenuItem(
        _("Survey responses"),
        reverse("surveys_admin:index"),
        name="survey-responses",
        icon_name="form",
        order=250,
    )


@hooks.register("register_admin_menu_item")
def register_api_tokens_menu_item():
    # Shown to those who see some survey's responses: a token reaches nothing else.
    return SurveysMenuItem(
        _("API tokens"),
        reverse("api_tokens:index"),
        name="api-tokens",
        icon_name="key",
        order=270,
    )


class XLSFormImportMenuItem(MenuItem):
    def is_shown(self, request):
        return survey_parents_for(request.user).exists()


@hooks.register("register_admin_menu_item")
def register_xlsform_import_menu_item():
    return XLSFormImportMenuItem(
        _("Import an XLSForm"),
        reverse("surveys_admin:xlsform_import"),
        name="xlsform-import",
        icon_name="upload",
        order=260,
    )


@hooks.register("register_page_listing_more_buttons")
def responses_button(page, user, next_url=None):
    if isinstance(page.specific_deferred, SurveyPage) and can_view_responses(
        user, page.specific_deferred
    ):
        yield Button(
            gettext("Responses"),
            reverse("surveys_admin:responses", args=[page.pk]),
            icon_name="form",
            priority=15,
        )


@hooks.register("register_page_listing_more_buttons")
def results_button(page, user, next_url=None):
    survey = page.specific_deferred
    if isinstance(survey, SurveyPage) and can_see(user, survey, VIEW_RESULTS):
        yield Button(
            gettext("Results"),
            reverse("surveys_admin:results", args=[page.pk]),
            icon_name="table",
            priority=14,
        )


@hooks.register("register_page_header_buttons")
def results_header_button(page, user, view_name=None, next_url=None):
    """The same link in the "More" menu of the page's own header (editing, history)."""
    yield from results_button(page, user, next_url)


@hooks.register("register_page_listing_more_buttons")
def releases_button(page, user, next_url=None):
    from cms.models import ResultsPage

    from .release_views import can_republish

    results_page = page.specific_deferred
    if isinstance(results_page, ResultsPage) and can_republish(user, results_page):
        yield Button(
            gettext("Releases"),
            reverse("surveys_admin:releases", args=[page.pk]),
            icon_name="history",
            priority=16,
        )


@hooks.register("register_page_header_buttons")
def releases_header_button(page, user, view_name=None, next_url=None):
    yield from releases_button(page, user, next_url)


@hooks.register("register_page_listing_more_buttons")
def invitations_button(page, user, next_url=None):
    if isinstance(page.specific_deferred, SurveyPage) and can_organize(
        user, page.specific_deferred
    ):
        yield Button(
            gettext("Invitation codes"),
            reverse("surveys_admin:invitations", args=[page.pk]),
            icon_name="key",
            priority=16,
        )


@hooks.register("register_page_listing_more_buttons")
def xlsform_button(page, user, next_url=None):
    survey = page.specific_deferred
    if isinstance(survey, SurveyPage) and can_download_questionnaire(user, survey):
        yield Button(
            gettext("Download XLSForm"),
            reverse("surveys_admin:xlsform_export", args=[page.pk]),
            icon_name="download",
            priority=17,
        )


def _refuse_delete(request, pages):
    reason = refuse_page_delete(request.user, pages)
    if not reason:
        return None
    messages.error(request, reason)
    return redirect("wagtailadmin_explore", pages[0].get_parent().pk)


@hooks.register("before_delete_page")
def protect_responses_on_delete(request, page):
    return _refuse_delete(request, [page])


def _refuse_neighborhood_delete(request, neighborhoods):
    count = Response.objects.filter(neighborhood__in=neighborhoods).count()
    if count:
        message = gettext(
            "Not deleted: %(count)d stored survey responses belong to this neighborhood, "
            "and its code must stay readable in every export."
        )
    else:
        count = InvitationCode.objects.filter(neighborhood__in=neighborhoods).count()
        message = gettext(
            "Not deleted: %(count)d invitation codes were handed out in this neighborhood, "
            "and a response they admit is counted in it."
        )
    if not count:
        return None
    messages.error(request, message % {"count": count})
    return redirect("wagtailsnippets_cms_neighborhood:list")


@hooks.register("before_delete_snippet")
def protect_responses_on_neighborhood_delete(request, instances):
    if instances and isinstance(instances[0], Neighborhood):
        return _refuse_neighborhood_delete(request, instances)
    if instances and isinstance(instances[0], QuestionBank):
        return refuse_delete(request, instances)
    return None


@hooks.register("before_edit_snippet")
def protect_bank_versions_on_edit(request, instance):
    if isinstance(instance, QuestionBank):
        return refuse_edit(request, instance)
    return None


@hooks.register("before_bulk_action")
def protect_responses_on_bulk_delete(request, action_type, objects, action_class_instance):
    if action_type != "delete" or not objects:
        return None
    if isinstance(objects[0], Page):
        return _refuse_delete(request, list(objects))
    if isinstance(objects[0], Neighborhood):
        return _refuse_neighborhood_delete(request, list(objects))
    if isinstance(objects[0], QuestionBank):
        return refuse_delete(request, list(objects))
    return None


# --- moving and copying surveys ---------------------------------------------------------


def _refuse_move_or_copy(request, pages):
    reason = refuse_move_or_copy(request.user, pages)
    if not reason:
        return None
    messages.error(request, reason)
    return redirect("wagtailadmin_explore", pages[0].get_parent().pk)


@hooks.register("before_move_page")
def protect_surveys_on_move(request, page, destination):
    return _refuse_move_or_copy(request, [page])


@hooks.register("before_copy_page")
def protect_surveys_on_copy(request, page):
    return _refuse_move_or_copy(request, [page])


@hooks.register("before_bulk_action")
def protect_surveys_on_bulk_move(request, action_type, objects, action_class_instance):
    if action_type == "move" and objects and isinstance(objects[0], Page):
        return _refuse_move_or_copy(request, list(objects))
    return None


def _audit_moved(request, pages, action: str, **detail) -> None:
    """One audit event per survey among `pages` or below them, with where it is now."""
    for survey in surveys_at_or_below(pages):
        parent = survey.get_parent()
        record_access(
            user=request.user,
            action=action,
            page=survey,
            detail={"parent": parent.pk, "parent_title": parent.title, **detail},
        )


@hooks.register("after_move_page")
def audit_survey_move(request, page):
    _audit_moved(request, [page], AuditEvent.Action.MOVE)


@hooks.register("after_bulk_action")
def audit_survey_bulk_move(request, action_type, objects, action_class_instance):
    if action_type == "move" and objects and isinstance(objects[0], Page):
        _audit_moved(request, [page.specific_deferred for page in objects], AuditEvent.Action.MOVE)


@hooks.register("after_copy_page")
def audit_survey_copy(request, page, new_page):
    _audit_moved(request, [new_page], AuditEvent.Action.COPY, copied_from=page.pk)
    for survey in surveys_at_or_below([new_page]):
        grant_to_creator(user=request.user, survey=survey)


@hooks.register("after_create_page")
def grant_new_survey_to_its_creator(request, page):
    if isinstance(page.specific_deferred, SurveyPage):
        grant_to_creator(user=request.user, survey=page.specific)
