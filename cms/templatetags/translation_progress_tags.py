"""The translation editor's summary of what is left to translate on each tab
(cms/translation_progress.py), for templates/wagtail_localize/admin/edit_translation.html."""

from __future__ import annotations

from django import template
from wagtail_localize.models import Translation

from cms.translation_progress import progress_by_tab

register = template.Library()


@register.inclusion_tag("cms/admin/translation_progress.html")
def translation_progress(translation: Translation) -> dict:
    tabs = progress_by_tab(translation)
    return {
        "tabs": tabs,
        "untranslated": sum(tab.untranslated for tab in tabs),
        "errors": sum(tab.errors for tab in tabs),
        "to_translate": sum(tab.to_translate for tab in tabs),
        "source_language": translation.source.locale.get_display_name(),
        "target_language": translation.target_locale.get_display_name(),
        "target_code": translation.target_locale.language_code,
    }
