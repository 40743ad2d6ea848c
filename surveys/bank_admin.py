"""Question banks in the Wagtail admin: list, inspect, copy into a new version.

A shipped or used version never changes in place (see banks.py): editing or deleting one
is refused with a message that points to "Copy", and a copy starts as the next version
of the same bank so that the organizer only has to make their change.
"""

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext, gettext_lazy as _
from wagtail.admin.ui.tables import BooleanColumn
from wagtail.snippets.views.snippets import CopyView, SnippetViewSet

from .banks import QuestionBank


class NewVersionView(CopyView):
    """Copying a bank starts its next version, unshipped."""

    def get_initial_form_instance(self):
        original = self.get_object()
        return QuestionBank(
            slug=original.slug,
            version=original.next_version(),
            title=original.title,
            description=original.description,
            body=original.body.raw_data,
            index=original.index.raw_data,
        )


class QuestionBankViewSet(SnippetViewSet):
    model = QuestionBank
    icon = "list-ul"
    menu_label = _("Question banks")
    menu_order = 260
    add_to_admin_menu = True
    inspect_view_enabled = True
    copy_view_class = NewVersionView
    list_display = ["title", "slug", "version", BooleanColumn("shipped", label=_("Shipped"))]
    list_filter = ["slug", "shipped"]
    search_fields = ["title", "slug", "description"]


def refuse_edit(request, bank: QuestionBank):
    """A response refusing to change `bank` in place if it is locked, else None."""
    return _refuse(
        request,
        bank,
        gettext(
            "%(bank)s cannot be changed: %(reason)s Surveys that used it must keep meaning "
            "the same questions. Use “Copy” to make a new version instead."
        ),
    )


def refuse_delete(request, banks):
    """A response refusing to delete `banks` if any of them is locked, else None."""
    for bank in banks:
        response = _refuse(
            request,
            bank,
            gettext(
                "%(bank)s cannot be deleted: %(reason)s Surveys that used it name it as the "
                "source of their questions."
            ),
        )
        if response is not None:
            return response
    return None


def _refuse(request, bank: QuestionBank, message: str):
    reason = bank.locked_reason()
    if reason is None:
        return None
    messages.error(request, message % {"bank": bank, "reason": reason})
    return redirect("wagtailsnippets_surveys_questionbank:list")
