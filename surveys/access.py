"""Who may see response data. Every view and command that reveals answers asks here."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import QuerySet

from .models import SurveyPage

VIEW_RESPONSES_PERMISSION = "surveys.view_responses"


def surveys_visible_to(user: AbstractBaseUser | AnonymousUser) -> QuerySet[SurveyPage]:
    """The surveys (originals, not translations) whose responses `user` may see."""
    if not user.is_active or not user.has_perm(VIEW_RESPONSES_PERMISSION):
        return SurveyPage.objects.none()
    return SurveyPage.objects.originals()


def can_view_responses(user: AbstractBaseUser | AnonymousUser, survey: SurveyPage) -> bool:
    return surveys_visible_to(user).filter(pk=survey.responses_survey.pk).exists()
