"""Issue 19, Organizers 3: the translation editor says how many segments of each tab are
not translated yet, exactly as the editor itself marks them, before and after saves."""

import datetime
import html
import json
import re

import polib
import pytest
from django.conf import settings
from django.urls import reverse
from wagtail.models import Locale
from wagtail.users.models import UserProfile
from wagtail_localize.models import (
    OverridableSegment,
    RelatedObjectSegment,
    StringSegment,
    StringTranslation,
    TranslatableObject,
    Translation,
    TranslationSource,
)

from cms.results_page import ResultsPage
from surveys.builders import choices, likert, question
from tests.factories import make_survey

pytestmark = pytest.mark.django_db

SUMMARY_STRINGS = [
    "Still to translate",
    "Every segment has a translation into %(language)s.",
    "Where a segment is not translated yet, the published translation shows the "
    "%(source)s original.",
    "Segments not translated into %(language)s yet, by tab of the editor",
    "Tab",
    "Not translated yet",
    "Translations with errors",
    "Segments to translate",
    "All tabs",
]


def translate(page, language="es"):
    """A draft translation of `page`, as "Translate this page" makes it."""
    locale = Locale.objects.get_or_create(language_code=language)[0]
    source, _ = TranslationSource.get_or_create_from_instance(page)
    translation = Translation.objects.create(source=source, target_locale=locale)
    translation.save_target(publish=False)
    return translation


def editor(client, translation):
    page = translation.get_target_instance()
    return client.get(f"/admin/pages/{page.pk}/edit/").content.decode()


def summary(text) -> dict[str, tuple[int, int]]:
    """The summary's (not translated, errors) per tab slug, read from the HTML."""
    rows = re.findall(
        r'data-progress-tab="([\w-]+)".*?data-progress-untranslated>(\d+)<'
        r".*?data-progress-errors>(\d+)<",
        text,
        re.S,
    )
    return {slug: (int(untranslated), int(errors)) for slug, untranslated, errors in rows}


def editor_marks(text) -> dict[str, tuple[int, int]]:
    """What the React editor marks, per tab, from the data it is given: a string segment
    with no translation is "incomplete", one whose translation has an error "errored";
    a related object with no translation says "Not translated"."""
    start = text.index('data-props="') + len('data-props="')
    props = json.loads(html.unescape(text[start : text.index('"', start)]))
    translated = {t["segment_id"] for t in props["initialStringTranslations"]}
    errored = {t["segment_id"] for t in props["initialStringTranslations"] if t["error"]}
    marks: dict[str, list[int]] = {}
    for segment in props["segments"]:
        counts = marks.setdefault(segment["location"]["tab"], [0, 0])
        if segment["type"] == "string":
            counts[0] += segment["id"] not in translated
            counts[1] += segment["id"] in errored
        elif segment["type"] == "related_object":
            counts[0] += segment["dest"] is None
    return {tab: tuple(counts) for tab, counts in marks.items()}


def save_translation(client, translation, path, value):
    """Save one segment's translation as the editor does (its PUT request)."""
    segment = StringSegment.objects.get(source=translation.source, context__path=path)
    url = reverse(
        "wagtail_localize:edit_string_translation",
        kwargs={"translation_id": translation.pk, "string_segment_id": segment.pk},
    )
    response = client.put(url, f"value={value}", content_type="application/x-www-form-urlencoded")
    assert response.status_code in (200, 201), response.content


@pytest.fixture
def survey_in_spanish(client, staff, home, neighborhoods):
    survey = make_survey(
        home,
        [
            likert("safe", "The bus stop feels safe."),
            question(
                "single_choice",
                "seen",
                "Did you see the police this week?",
                choices=choices(("y", "Yes"), ("n", "No")),
            ),
        ],
        seo_title="Trust survey",
        search_description="A survey about trust in the police",
        thank_you="<p>Thank you for answering.</p>",
    )
    client.force_login(staff)
    return survey, translate(survey)


def test_each_tab_counts_what_the_editor_marks_untranslated(client, survey_in_spanish):
    survey, translation = survey_in_spanish
    text = editor(client, translation)
    counts = summary(text)
    assert counts == editor_marks(text)
    assert set(counts) == {"content", "promote"}
    assert counts["promote"] == (3, 0)  # its slug, title tag and search description
    # The title, two questions, two answers and the thank-you message.
    assert counts["content"] == (6, 0)
    assert "data-progress-total" in text
    assert "Where a segment is not translated yet" in text


def test_saving_a_translation_lowers_its_tabs_count_only(client, survey_in_spanish):
    survey, translation = survey_in_spanish
    before = summary(editor(client, translation))
    save_translation(client, translation, "search_description", "Una encuesta sobre confianza")
    after = summary(editor(client, translation))
    assert after["promote"] == (before["promote"][0] - 1, 0)
    assert after["content"] == before["content"]
    save_translation(client, translation, "title", "Encuesta de prueba")
    again = summary(text := editor(client, translation))
    assert again["content"] == (before["content"][0] - 1, 0)
    assert again == editor_marks(text)


def test_an_errored_translation_is_an_error_not_untranslated(client, survey_in_spanish):
    survey, translation = survey_in_spanish
    before = summary(editor(client, translation))
    segment = StringSegment.objects.get(source=translation.source, context__path="seo_title")
    StringTranslation.objects.create(
        translation_of_id=segment.string_id, context_id=segment.context_id,
        locale=translation.target_locale, data="x" * 300,
        has_error=True, field_error="Ensure this value has at most 255 characters.",
    )  # fmt: skip
    text = editor(client, translation)
    assert summary(text)["promote"] == (before["promote"][0] - 1, 1)
    assert summary(text) == editor_marks(text)


def test_a_chosen_object_without_a_translation_counts_until_it_has_one(client, staff, survey):
    """A chooser of a translatable object (a related-object segment: the editor says "Not
    translated" until the object has a version in the target language). None of our page
    types has one today (a chosen page is synchronised), so the results page's survey
    chooser is stored as one, as wagtail-localize stores a snippet chooser."""
    results = ResultsPage(
        title="Results", slug="results", survey=survey, published_keys="age",
        until=datetime.date.today() - datetime.timedelta(days=1),
    )  # fmt: skip
    survey.get_parent().add_child(instance=results)
    results.save_revision().publish()
    client.force_login(staff)
    translation = translate(results)
    chooser = OverridableSegment.objects.get(source=translation.source, context__path="survey")
    RelatedObjectSegment.objects.create(
        source=translation.source, context=chooser.context, order=chooser.order,
        object=TranslatableObject.objects.get_or_create_from_instance(survey)[0],
    )  # fmt: skip
    chooser.delete()
    before = summary(text := editor(client, translation))
    assert before == editor_marks(text)
    assert "Not translated yet" in text
    translate(survey)
    after = summary(text := editor(client, translation))
    assert after == editor_marks(text)
    assert after["content"][0] == before["content"][0] - 1


def test_a_fully_translated_page_says_so(client, survey_in_spanish):
    survey, translation = survey_in_spanish
    for segment in StringSegment.objects.filter(source=translation.source).select_related("string"):
        StringTranslation.objects.create(
            translation_of_id=segment.string_id, context_id=segment.context_id,
            locale=translation.target_locale, data=segment.string.data,
        )  # fmt: skip
    text = editor(client, translation)
    assert set(summary(text).values()) == {(0, 0)}
    done = re.search(r"<p data-progress-done(\s+hidden)?>", text)
    todo = re.search(r"<p data-progress-todo(\s+hidden)?>", text)
    assert done.group(1) is None and todo.group(1) is not None


def test_the_summary_needs_no_inline_script(client, survey_in_spanish):
    survey, translation = survey_in_spanish
    text = editor(client, translation)
    assert 'src="/static/cms/translation-progress.js"' in text
    assert not re.search(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")", text)


@pytest.mark.parametrize("language", ["es", "ar"])
def test_the_summary_is_translated(client, staff, survey_in_spanish, language):
    catalogue = polib.pofile(settings.BASE_DIR / f"locale/{language}/LC_MESSAGES/django.po")
    entries = {entry.msgid: entry for entry in catalogue if not entry.obsolete}
    for msgid in SUMMARY_STRINGS:
        assert msgid in entries and entries[msgid].msgstr, msgid
        assert not entries[msgid].fuzzy, msgid
    profile = UserProfile.get_for_user(staff)
    profile.preferred_language = language
    profile.save()
    survey, translation = survey_in_spanish
    text = editor(client, translation)
    assert entries["Still to translate"].msgstr in text
    assert entries["Not translated yet"].msgstr in text
