"""Issue 19, Organizers 3: the translation editor shows every segment, on its tab.

wagtail-localize's editor (wagtail_localize/views/edit_translation.py) silently leaves
out a segment whose field is on no tab of the page's edit handler; and its React editor
hides a tab with no segments and marks tabs only with their errors. These tests make
sure no translatable field of ours is on no tab, that every stored segment of a
translated survey reaches the editor with its tab, and that identifiers (results keys)
are never offered for translation."""

import html
import json

import pytest
from wagtail.models import Locale, Page, get_page_models
from wagtail_localize.fields import SynchronizedField, TranslatableField, get_translatable_fields
from wagtail_localize.models import StringSegment, Translation, TranslationSource
from wagtail_localize.views.edit_translation import TabHelper

from cms.results_page import ResultsPage

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "model", [m for m in get_page_models() if m is not Page], ids=lambda m: m.__name__
)
def test_every_translatable_field_is_on_a_tab_of_the_editor(model):
    mapping = TabHelper(model()).field_tab_mapping
    offered = [f.field_name for f in get_translatable_fields(model) if f.is_translated(None)]
    assert offered and all(name in mapping for name in offered), [
        name for name in offered if name not in mapping
    ]


def test_results_keys_are_kept_not_translated():
    fields = {f.field_name: f for f in get_translatable_fields(ResultsPage)}
    assert isinstance(fields["published_keys"], SynchronizedField)
    # A period's release is shared by every translation (surveys/frozen_releases.py): the
    # periods and published settings are the original's, never a translator's.
    for name in ("published_keys", "weighting", "period_kind", "since", "until", "named_periods"):
        assert isinstance(fields[name], SynchronizedField), name
        assert not fields[name].is_overridable(ResultsPage()), name
    assert isinstance(fields["intro"], TranslatableField)


def test_every_segment_of_a_translated_survey_reaches_the_editor(client, staff, survey):
    survey.thank_you = "<p>Thank you for answering.</p>"
    survey.search_description = "A survey about trust"
    survey.save_revision().publish()
    spanish = Locale.objects.create(language_code="es")
    source, _ = TranslationSource.get_or_create_from_instance(survey)
    Translation.objects.create(source=source, target_locale=spanish).save_target(publish=False)
    client.force_login(staff)
    page = client.get(f"/admin/pages/{survey.get_translation(spanish).pk}/edit/")
    text = page.content.decode()
    start = text.index('data-props="') + len('data-props="')
    props = json.loads(html.unescape(text[start : text.index('"', start)]))
    shown = {segment["contentPath"]: segment["location"]["tab"] for segment in props["segments"]}
    stored = set(
        StringSegment.objects.filter(source=source).values_list("context__path", flat=True)
    )
    assert stored and stored <= set(shown), stored - set(shown)
    tabs = {tab["slug"] for tab in props["tabs"]}
    assert set(shown.values()) <= tabs
    # The Promote tab's segments are there too, not only the Content tab's.
    assert shown["search_description"] == "promote"
    assert {tab for path, tab in shown.items() if path.startswith("body.")} == {"content"}
    assert "thank_you" in shown
