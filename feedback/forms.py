"""The resident's feedback form, the receipt-code form and the moderator's edit form."""

from __future__ import annotations

import re

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from cms.widgets import SelectWithLanguages

TEXT_MAX_LENGTH = 3000
CONTACT_MAX_LENGTH = 200
MAX_LINKS = 3
LINK = re.compile(r"(?:https?://|www\.)\S+|\b[\w-]+\.(?:com|net|org|info|biz|ru|xyz|top)/\S*", re.I)


def topic_choices(topics) -> list[tuple[str, str]]:
    return [("", _("Choose a topic"))] + [(topic.code, topic.name) for topic in topics]


def neighborhood_choices(neighborhoods) -> list[tuple[str, str]]:
    return [("", _("I prefer not to say"))] + [(n.code, n.name) for n in neighborhoods]


class FeedbackForm(forms.Form):
    """What a resident sends. Topics and neighborhoods are chosen by their stable codes."""

    topic = forms.ChoiceField(
        label=_("What is it about?"),
        error_messages={
            "required": _("Choose the topic closest to what you want to tell us."),
            "invalid_choice": _("Choose one of the topics in the list."),
        },
    )
    neighborhood = forms.ChoiceField(
        label=_("Neighborhood (optional)"),
        required=False,
        error_messages={"invalid_choice": _("Choose one of the neighborhoods in the list.")},
    )
    text = forms.CharField(
        label=_("Your feedback"),
        help_text=_(
            "Please do not write names, phone numbers or addresses: yours or anyone else's."
        ),
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={
            "required": _("Write your feedback before sending it."),
            "max_length": _(
                "Please keep it under %(limit_value)d characters (it has %(show_value)d)."
            ),
        },
    )
    may_publish = forms.BooleanField(
        label=_("You may publish my feedback, without personal details, on this site."),
        required=False,
    )
    contact = forms.CharField(
        label=_("How can we reach you? (optional)"),
        help_text=_(
            "Only if you want an answer in person. Only moderators see it, and it is "
            "deleted when your feedback is closed or after %(days)d days."
        ),
        required=False,
        max_length=CONTACT_MAX_LENGTH,
        error_messages={
            "max_length": _(
                "Please keep it under %(limit_value)d characters (it has %(show_value)d)."
            ),
        },
    )

    def __init__(self, *args, topics=(), neighborhoods=(), contact_days: int = 0, **kwargs):
        super().__init__(*args, **kwargs)
        # A topic not yet translated, and every neighborhood name, say their language
        # (the widget first: setting choices hands them to it).
        self.fields["topic"].widget = SelectWithLanguages(
            option_languages={t.code: t.locale.language_code for t in topics}
        )
        self.fields["topic"].choices = topic_choices(topics)
        self.fields["neighborhood"].widget = SelectWithLanguages(
            option_languages={"*": settings.LANGUAGE_CODE}
        )
        self.fields["neighborhood"].choices = neighborhood_choices(neighborhoods)
        self.fields["contact"].help_text = self.fields["contact"].help_text % {"days": contact_days}

    def clean_text(self) -> str:
        text = self.cleaned_data["text"].replace("\x00", "").strip()
        if not text:
            raise forms.ValidationError(_("Write your feedback before sending it."))
        if len(LINK.findall(text)) > MAX_LINKS:
            raise forms.ValidationError(
                _("Please include at most %(count)d links.") % {"count": MAX_LINKS}
            )
        return text

    def clean_contact(self) -> str:
        return self.cleaned_data["contact"].replace("\x00", "").strip()


class ReceiptForm(forms.Form):
    code = forms.CharField(label=_("Receipt code"), max_length=40)


class ModerationForm(forms.Form):
    """A moderator's edit of one item: public text, names to mask, reply, status, note."""

    public_text = forms.CharField(
        label=_("Public text"),
        required=False,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Personal details in it are masked again when you save."),
    )
    masked_names = forms.CharField(
        label=_("Names to mask"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One per line or separated by commas; masked in the public text."),
    )
    reply = forms.CharField(
        label=_("Public reply"),
        required=False,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    reply_language = forms.ChoiceField(
        label=_("Language of the reply"),
        choices=settings.LANGUAGES,
        required=False,
        # Each language's name is written in that language.
        widget=SelectWithLanguages(option_languages={code: code for code, _ in settings.LANGUAGES}),
        help_text=_("Readers' browsers and screen readers read the reply in this language."),
    )
    note = forms.CharField(
        label=_("Add an internal note"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
