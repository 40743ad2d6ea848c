"""Who may see which survey's data. Every view and command that reveals answers asks here.

Two things must both hold: the user's role includes the permission (responses,
results or exports), and a superuser granted them the survey, directly or through a
page above it (`SurveyAccess`). Superusers see everything.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Q, QuerySet
from wagtail.models import Page

from .models import SurveyAccess, SurveyPage

VIEW_RESPONSES = "surveys.view_responses"
VIEW_RESULTS = "surveys.view_results"
EXPORT_RESPONSES = "surveys.export_responses"


def surveys_visible_to(
    user: AbstractBaseUser | AnonymousUser, permission: str = VIEW_RESPONSES
) -> QuerySet[SurveyPage]:
    """The surveys (originals, not translations) whose data `user` may see."""
    if not user.is_active or not user.has_perm(permission):
        return SurveyPage.objects.none()
    originals = SurveyPage.objects.originals()
    if user.is_superuser:
        return originals
    granted_paths = list(
        SurveyAccess.objects.filter(user=user).values_list("page__path", flat=True)
    )
    if not granted_paths:
        return SurveyPage.objects.none()
    under_a_grant = Q()
    for path in granted_paths:
        under_a_grant |= Q(path__startswith=path)
    # A grant on any language's page (or its parent) covers the survey and all its
    # translations: responses pool under the original.
    granted_keys = SurveyPage.objects.filter(under_a_grant).values("translation_key")
    return originals.filter(translation_key__in=granted_keys)


def can_see(
    user: AbstractBaseUser | AnonymousUser, survey: SurveyPage, permission: str = VIEW_RESPONSES
) -> bool:
    return surveys_visible_to(user, permission).filter(pk=survey.responses_survey.pk).exists()


def can_view_responses(user: AbstractBaseUser | AnonymousUser, survey: SurveyPage) -> bool:
    return can_see(user, survey, VIEW_RESPONSES)


def can_download_questionnaire(user: AbstractBaseUser | AnonymousUser, survey: SurveyPage) -> bool:
    """Whether `user` may download `survey`'s questionnaire (an XLSForm: no answers).

    Those who may edit the page see its questions in the editor; those granted its
    responses see them in every response table and export.
    """
    if not user.is_active:
        return False
    return survey.permissions_for_user(user).can_edit() or can_view_responses(user, survey)


def grant(*, user: AbstractBaseUser, page: Page) -> SurveyAccess:
    """Let `user` see the surveys at or below `page` (as far as their role allows)."""
    access, _ = SurveyAccess.objects.get_or_create(user=user, page=page)
    return access


def can_organize(user: AbstractBaseUser | AnonymousUser, survey: SurveyPage) -> bool:
    """Whether `user` may run `survey` in the field (e.g. hand out invitation codes).

    They must both see its data (role and grant: its codes show how many answered in
    each neighborhood) and be allowed to edit its page, which Analysts never are.
    """
    original = survey.responses_survey
    return can_view_responses(user, original) and original.permissions_for_user(user).can_edit()
