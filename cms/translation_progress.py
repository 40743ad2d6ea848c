"""What is left to translate, tab by tab, as wagtail-localize's translation editor sees it.

The editor (wagtail_localize/views/edit_translation.py) puts each segment on the tab of
the page's edit handler that holds its field, leaves out segments whose field is on no
tab, and hides tabs with no segments; its tabs are badged with errors only. This module
counts, with the editor's own tab placement, what it marks as not translated: a string
segment with no translation into the target locale (an errored translation is marked
as an error instead), and a related object (a page or snippet chooser) with no version
in the target locale. Synchronised values (slugs, choosers in blocks) are never marked:
they use the source's value unless a translator changes it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Exists, OuterRef
from wagtail_localize.models import StringTranslation, Translation
from wagtail_localize.views.edit_translation import (
    FieldHasNoEditPanelError,
    TabHelper,
    get_segment_location_info,
)


@dataclass
class TabProgress:
    """One tab of the translation editor and its segments' state."""

    label: str
    slug: str
    segments: int = 0  # every segment the editor shows on this tab
    to_translate: int = 0  # strings and related objects: what a translator must do
    untranslated_strings: int = 0
    untranslated_objects: int = 0
    errors: int = 0

    @property
    def untranslated(self) -> int:
        return self.untranslated_strings + self.untranslated_objects


def _tab_of(source_instance, tab_helper: TabHelper, segment) -> str | None:
    """The slug of the editor's tab that shows `segment`, or None where it shows none."""
    try:
        location = get_segment_location_info(
            source_instance,
            tab_helper,
            segment.context.path,
            segment.context.get_field_path(source_instance),
        )
    except FieldHasNoEditPanelError:
        return None
    return location["tab"]


def progress_by_tab(translation: Translation) -> list[TabProgress]:
    """The tabs the translation editor shows for `translation`, in its order, each with
    its counts of segments, segments not translated yet and translations with errors."""
    source = translation.source
    source_instance = source.get_source_instance()
    tab_helper = TabHelper(source_instance)
    tabs = {
        tab["slug"]: TabProgress(label=str(tab["label"]), slug=tab["slug"])
        for tab in tab_helper.tabs_with_slugs
    }

    translations = StringTranslation.objects.filter(
        translation_of_id=OuterRef("string_id"),
        context_id=OuterRef("context_id"),
        locale_id=translation.target_locale_id,
    )
    strings = source.stringsegment_set.select_related("context").annotate(
        translated=Exists(translations), maybe_errored=Exists(translations.filter(has_error=True))
    )
    errored_ids = set()
    if any(segment.maybe_errored for segment in strings):
        # The editor shows an error only where the stored one still applies (get_error).
        errored_ids = {
            (found.translation_of_id, found.context_id)
            for found in StringTranslation.objects.filter(
                translation_of_id__in=[s.string_id for s in strings if s.maybe_errored],
                locale_id=translation.target_locale_id,
                has_error=True,
            ).select_related("translation_of", "context")
            if found.get_error()
        }
    for segment in strings:
        tab = tabs.get(_tab_of(source_instance, tab_helper, segment))
        if tab is None:
            continue
        tab.segments += 1
        tab.to_translate += 1
        if not segment.translated:
            tab.untranslated_strings += 1
        elif (segment.string_id, segment.context_id) in errored_ids:
            tab.errors += 1

    for segment in source.relatedobjectsegment_set.select_related("context", "object"):
        tab = tabs.get(_tab_of(source_instance, tab_helper, segment))
        if tab is None:
            continue
        tab.segments += 1
        tab.to_translate += 1
        if segment.object.get_instance_or_none(translation.target_locale) is None:
            tab.untranslated_objects += 1

    for segment in source.overridablesegment_set.select_related("context"):
        tab = tabs.get(_tab_of(source_instance, tab_helper, segment))
        if tab is not None:
            tab.segments += 1

    return [tab for tab in tabs.values() if tab.segments]
