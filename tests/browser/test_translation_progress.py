"""The translation editor's tabs carry their count of segments not translated yet, the
summary above the editor opens a tab, and both follow the translator's saves
(static/cms/translation-progress.js)."""

import pytest
from playwright.sync_api import expect
from wagtail.models import Locale
from wagtail_localize.models import Translation, TranslationSource

from surveys.builders import likert
from tests.browser.conftest import sign_in
from tests.factories import make_home, make_staff, make_survey

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def spanish_draft(live_server):
    survey = make_survey(
        make_home(),
        [likert("safe", "The bus stop feels safe.")],
        seo_title="Trust survey",
        search_description="A survey about trust in the police",
    )
    source, _ = TranslationSource.get_or_create_from_instance(survey)
    spanish = Locale.objects.get_or_create(language_code="es")[0]
    Translation.objects.create(source=source, target_locale=spanish).save_target(publish=False)
    make_staff("root", superuser=True)
    return survey.get_translation(spanish)


def test_tabs_show_what_is_left_and_follow_saves(live_server, spanish_draft, desktop):
    errors = []
    desktop.on("pageerror", lambda error: errors.append(str(error)))
    desktop.on("console", lambda message: message.type == "error" and errors.append(message.text))
    sign_in(desktop, live_server.url, "root@example.org")
    desktop.goto(live_server.url + f"/admin/pages/{spanish_draft.pk}/edit/")

    def left(tab):
        return desktop.locator(f'[data-progress-tab="{tab}"] [data-progress-untranslated]')

    def badge(tab):
        return desktop.locator(f"#tab-label-{tab} [data-untranslated-badge] [data-count]")

    # Rendered after the package's editor, shown above it, where a translator starts.
    desktop.locator(".js-translation-editor .w-tabs").first.wait_for()
    summary_above = desktop.evaluate(
        "document.querySelector('[data-translation-progress]').nextElementSibling"
        " === document.querySelector('.js-translation-editor')"
    )
    assert summary_above
    promote = int(left("promote").inner_text())
    assert promote == 3  # slug, title tag, search description
    expect(badge("promote")).to_have_text("3")
    expect(badge("content")).to_have_text(left("content").inner_text())

    # The summary's tab name opens the tab; a saved translation lowers both counts.
    desktop.locator('[data-progress-tab="promote"] a').click()
    expect(desktop.locator("#tab-label-promote")).to_have_attribute("aria-selected", "true")
    segment = desktop.locator("li", has_text="A survey about trust in the police").last
    segment.get_by_role("button", name="Translate").click()
    segment.locator("textarea").fill("Una encuesta sobre la confianza en la policía")
    segment.get_by_role("button", name="Save").click()
    segment.get_by_role("button", name="Edit").wait_for()
    expect(left("promote")).to_have_text("2")
    expect(badge("promote")).to_have_text("2")
    expect(desktop.locator("[data-progress-total] [data-progress-untranslated]")).to_have_text(
        str(2 + int(left("content").inner_text()))
    )
    assert not errors, errors
