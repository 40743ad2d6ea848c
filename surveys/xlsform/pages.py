"""An imported XLSForm written as a draft survey page and its translations.

Nothing is written unless the whole form can be represented: `import_xlsform` raises
`XLSFormError` with every problem first. The survey is created unpublished, with a
revision, so an organizer previews it before anyone can answer; each other language
of the form becomes a wagtail-localize translation (strings in its translation
memory, so they show and can be corrected in its editor), also as a draft.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext
from wagtail.coreutils import find_available_slug
from wagtail.log_actions import log
from wagtail.models import Locale, Page
from wagtail_localize.models import StringSegment, StringTranslation, Translation, TranslationSource

from ..models import SurveyPage
from .importing import ImportedForm, read_xlsform
from .problems import Problem, XLSFormError


def import_xlsform(file, *, parent: Page, slug: str | None = None, user=None) -> SurveyPage:
    """Create a draft survey under `parent` from the XLSForm in `file`; raises XLSFormError."""
    return create_survey(read_xlsform(file), parent=parent, slug=slug, user=user)


def create_survey(
    form: ImportedForm, *, parent: Page, slug: str | None = None, user=None
) -> SurveyPage:
    """Write the survey `read_xlsform` read (when it has no problems); raises XLSFormError."""
    problems = form.problems + _placement_problems(parent, slug)
    if problems:
        raise XLSFormError(problems)
    with transaction.atomic():
        survey = _create_original(form, parent, slug, user)
        survey = SurveyPage.objects.get(pk=survey.pk)  # with the block ids as stored
        for language in form.languages[1:]:
            _translate(survey, form, language, user)
    return survey


def parent_by_slug(slug: str) -> Page:
    """The one page with `slug`; raises XLSFormError when there is none or several."""
    pages = list(Page.objects.filter(slug=slug)[:2])
    if len(pages) != 1:
        reason = (
            gettext("No page has the slug '%(slug)s'.")
            if not pages
            else gettext("Several pages have the slug '%(slug)s'; choose the parent in the admin.")
        )
        raise XLSFormError([Problem("", None, reason % {"slug": slug})])
    return pages[0].specific


def _placement_problems(parent: Page, slug: str | None) -> list[Problem]:
    problems = []
    if not SurveyPage.can_create_at(parent.specific):
        problems.append(
            Problem(
                "",
                None,
                gettext("A survey cannot be created under '%(title)s'.") % {"title": parent.title},
            )
        )
    if slug is not None and (slug != slugify(slug) or not slug):
        problems.append(
            Problem("", None, gettext("'%(slug)s' is not a valid slug.") % {"slug": slug})
        )
    elif slug and parent.get_children().filter(slug=slug).exists():
        problems.append(
            Problem(
                "",
                None,
                gettext("A page with the slug '%(slug)s' is already there.") % {"slug": slug},
            )
        )
    return problems


def _create_original(form: ImportedForm, parent: Page, slug: str | None, user) -> SurveyPage:
    title = form.titles[form.default_language]
    locale, _created = Locale.objects.get_or_create(language_code=form.default_language)
    survey = SurveyPage(
        title=title,
        slug=slug or find_available_slug(parent, slugify(title) or "survey"),
        body=form.bodies[form.default_language],
        live=False,
        locale=locale,
        owner=user,
    )
    parent.add_child(instance=survey)
    log(instance=survey, action="wagtail.create", user=user)
    survey.save_revision(user=user, log_action=True)
    return survey


def _translate(survey: SurveyPage, form: ImportedForm, language: str, user) -> None:
    locale, _created = Locale.objects.get_or_create(language_code=language)
    source, _created = TranslationSource.get_or_create_from_instance(survey)
    strings = translated_strings(survey, form.bodies[language])
    strings["title"] = form.titles[language]
    strings["slug"] = slugify(form.titles[language]) or survey.slug
    segments = StringSegment.objects.filter(source=source).select_related("string", "context")
    for segment in segments:
        text = strings.get(segment.context.path)
        if text and text != segment.string.data:
            StringTranslation.objects.update_or_create(
                translation_of=segment.string,
                locale=locale,
                context=segment.context,
                defaults={"data": text},
            )
    translation, _created = Translation.objects.get_or_create(source=source, target_locale=locale)
    translation.save_target(user=user, publish=False)


def translated_strings(survey: SurveyPage, body: list[dict]) -> dict[str, str]:
    """wagtail-localize context paths (`body.<block id>.label`...) -> text in `body`,
    which has the same blocks as the saved `survey.body`, in another language."""
    strings = {}
    for child, block in zip(survey.body, body, strict=True):
        path = f"body.{child.id}"
        value = block["value"]
        for name in ("label", "help_text", "heading", "text", "title", "min_label", "max_label"):
            if value.get(name):
                strings[f"{path}.{name}"] = value[name]
        hint = (value.get("show_if") or {}).get("hint")
        if hint:
            strings[f"{path}.show_if.hint"] = hint
        if block["type"] == "note":
            strings[f"{path}.text"] = _note_text(value["text"])
        stored = getattr(child.value.get("choices"), "bound_blocks", ())
        for item, choice in zip(stored, value.get("choices", ()), strict=True):
            strings[f"{path}.choices.{item.id}.label"] = choice["value"]["label"]
    return strings


def _note_text(html: str) -> str:
    """The paragraph's text as wagtail-localize segments it (without the <p>)."""
    return html.removeprefix("<p>").removesuffix("</p>")
