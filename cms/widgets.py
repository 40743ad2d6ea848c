"""Form widgets for the public site."""

from __future__ import annotations

from django import forms
from django.utils import translation


class SelectWithLanguages(forms.Select):
    """A select whose options say their language (`lang`) where it is not the page's:
    names written once (neighborhoods) or not yet translated (topics).

    `option_languages` maps an option's value to its language; "*" applies to every
    option with a value."""

    def __init__(self, *args, option_languages: dict[str, str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.option_languages = option_languages or {}

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        code = self.option_languages.get(
            str(value), self.option_languages.get("*") if value else None
        )
        if code and code != translation.get_language():
            option["attrs"]["lang"] = code
        return option
