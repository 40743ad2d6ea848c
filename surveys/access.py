"""Who may see which survey's data. Every view and command that reveals answers asks here.

Two things must both hold: the user's role includes the permission (responses,
results or exports), and a superuser granted them the survey (`SurveyAccess`, held on
the survey's original, so it covers every translation). Superusers see everything.
A grant names the survey itself, never a place in the page tree, so no page move can
widen it; a move or copy of another's survey is refused to non-superusers besides
(`refuse_move_or_copy`).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Q, QuerySet
from django.utils.translation import gettext
from wagtail.models import Page

from .models import Response, SurveyAccess, SurveyPage

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
    return originals.filter(pk__in=SurveyAccess.objects.filter(user=user).values("survey"))


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


def grant(*, user: AbstractBaseUser, survey: SurveyPage) -> SurveyAccess:
    """Let `user` see `survey` in every language (as far as their role allows)."""
    access, _ = SurveyAccess.objects.get_or_create(user=user, survey=survey.responses_survey)
    return access


def grant_to_creator(*, user: AbstractBaseUser, survey: SurveyPage) -> SurveyAccess | None:
    """Let the staff member who created a new survey see what it will collect.

    Only a survey that is its own original (not a translation or alias, whose responses
    pool under another's) and has no responses yet: creating a page never opens
    anyone else's data. Superusers need no grant; roles still decide what is seen.
    """
    survey = survey.specific if not isinstance(survey, SurveyPage) else survey
    if user.is_superuser or survey.alias_of_id or survey.responses_survey.pk != survey.pk:
        return None
    if Response.objects.filter(survey=survey).exists():
        return None
    return grant(user=user, survey=survey)


def can_organize(user: AbstractBaseUser | AnonymousUser, survey: SurveyPage) -> bool:
    """Whether `user` may run `survey` in the field (e.g. hand out invitation codes).

    They must both see its data (role and grant: its codes show how many answered in
    each neighborhood) and be allowed to edit its page, which Analysts never are.
    """
    original = survey.responses_survey
    return can_view_responses(user, original) and original.permissions_for_user(user).can_edit()


def surveys_at_or_below(pages: Iterable[Page]) -> QuerySet[SurveyPage]:
    """The surveys among `pages` and the pages below them."""
    surveys = SurveyPage.objects.none()
    for page in pages:
        surveys |= SurveyPage.objects.filter(path__startswith=page.path)
    return surveys


def _ungranted(user: AbstractBaseUser, pages: Iterable[Page]) -> QuerySet[SurveyPage]:
    """The surveys (originals) among `pages` and below them that `user` is not granted."""
    keys = surveys_at_or_below(pages).values("translation_key")
    return (
        SurveyPage.objects.originals()
        .filter(translation_key__in=keys)
        .exclude(pk__in=surveys_visible_to(user).values("pk"))
        .order_by("title")
    )


def refuse_move_or_copy(user: AbstractBaseUser, pages: Iterable[Page]) -> str:
    """Why `user` may not move or copy `pages`, or "" if they may.

    Superusers may. Anyone else only where they are granted every survey among the
    pages and below them, whatever those surveys hold (so the answer tells nothing of
    their responses): nobody relocates another's survey.
    """
    if user.is_superuser:
        return ""
    titles = [survey.title for survey in _ungranted(user, pages)[:5]]
    if not titles:
        return ""
    return gettext("Only a superuser may move or copy surveys you are not granted: %(titles)s.") % {
        "titles": ", ".join(titles)
    }


def stored_responses_under(pages: Iterable[Page]) -> int:
    """How many responses answered any of `pages` or a page below them."""
    page_ids = set()
    for page in pages:
        page_ids.update(
            str(pk)
            for pk in Page.objects.descendant_of(page, inclusive=True).values_list("pk", flat=True)
        )
    return Response.objects.filter(
        Q(revision__object_id__in=page_ids) | Q(survey_id__in=[int(pk) for pk in page_ids])
    ).count()


def refuse_delete(user: AbstractBaseUser, pages: Iterable[Page]) -> str:
    """Why `user` may not delete `pages`, or "" if they may.

    Nothing residents submitted is thrown away: a page with responses at or below it is
    never deleted. A superuser is told how many; anyone else may delete only surveys
    never published, and is told nothing about responses, released or not (a count
    that changes would show each one arrive).
    """
    pages = list(pages)
    if user.is_superuser:
        count = stored_responses_under(pages)
        if not count:
            return ""
        return gettext(
            "Not deleted: %(count)d stored survey responses answered this page or a page "
            "below it, and nothing residents submitted is ever thrown away. Unpublish the "
            "survey instead to stop new answers."
        ) % {"count": count}
    surveys = surveys_at_or_below(pages)
    if surveys.filter(first_published_at__isnull=False).exists() or stored_responses_under(pages):
        return gettext(
            "Not deleted: only a superuser may delete a survey that has been published, "
            "and never one that holds responses. Unpublish the survey instead to stop new "
            "answers."
        )
    return ""
