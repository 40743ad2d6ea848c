"""Every resident can take part in their language: catalogues, URLs, fallbacks, pooling."""

import ast
import re
from pathlib import Path

import polib
import pytest
from django.test import Client
from wagtail.models import Locale
from wagtail_localize.models import Translation, TranslationSource

from cms.models import ContentPage
from surveys.models import Response
from surveys.questionnaire import build_questionnaire
from tests.factories import post_data, release_everything, valid_answers

ROOT = Path(__file__).resolve().parents[2]
CATALOGUES = {lang: ROOT / "locale" / lang / "LC_MESSAGES" / "django.po" for lang in ("es", "ar")}
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]")


@pytest.mark.parametrize("lang", CATALOGUES)
def test_catalogues_are_complete_and_keep_placeholders(lang):
    catalogue = polib.pofile(str(CATALOGUES[lang]))
    assert catalogue.percent_translated() == 100
    assert not catalogue.fuzzy_entries()
    for entry in catalogue:
        translations = [entry.msgstr] if not entry.msgid_plural else entry.msgstr_plural.values()
        source = set(PLACEHOLDER.findall(entry.msgid_plural or entry.msgid))
        for text in translations:
            assert set(PLACEHOLDER.findall(text)) == source, (lang, entry.msgid, text)


def source_strings() -> set[str]:
    """Literal strings our code and templates mark for translation."""
    found = set()
    for path in [
        *ROOT.glob("cms/**/*.py"),
        *ROOT.glob("surveys/**/*.py"),
        *ROOT.glob("feedback/**/*.py"),
    ]:
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if (
                isinstance(node, ast.Call)
                and getattr(node.func, "id", None) in {"_", "gettext", "gettext_lazy"}
                and node.args
                and isinstance(node.args[0], ast.Constant)
            ):
                found.add(node.args[0].value)
    tag = re.compile(r"""{%\s*(?:translate|trans)\s+(["'])(.+?)\1""")
    for path in ROOT.glob("templates/**/*.html"):
        # Django looks template strings up with "%" doubled (Variable.resolve), as
        # makemessages writes them.
        found.update(match[1].replace("%", "%%") for match in tag.findall(path.read_text()))
    return found


@pytest.mark.parametrize("lang", CATALOGUES)
def test_every_marked_string_is_in_the_catalogue(lang):
    msgids = {entry.msgid for entry in polib.pofile(str(CATALOGUES[lang]))}
    missing = sorted(source_strings() - msgids)
    assert not missing, f"run makemessages and translate: {missing[:5]}"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("accept", "expected"), [("es-MX,es;q=0.9", "/es/"), ("ar", "/ar/"), ("fr, de", "/en/")]
)
def test_the_browser_language_is_chosen_by_default(home, accept, expected):
    Locale.objects.get_or_create(language_code="es")
    result = Client(HTTP_ACCEPT_LANGUAGE=accept).get("/")
    assert result.status_code == 302 and result["Location"] == expected


@pytest.fixture
def spanish_survey(survey, django_capture_on_commit_callbacks):
    """The test survey translated into Spanish through wagtail-localize."""
    spanish = Locale.objects.create(language_code="es")
    translations = {"Favourite colour?": "¿Color favorito?", "Red": "Rojo", "Green": "Verde"}
    for page in (survey.get_parent(), survey):
        source, _ = TranslationSource.get_or_create_from_instance(page.specific)
        translation = Translation.objects.create(source=source, target_locale=spanish)
        po = translation.export_po()
        for entry in po:
            entry.msgstr = translations.get(entry.msgid, "")
        translation.import_po(po)
        with django_capture_on_commit_callbacks(execute=True):
            translation.save_target(publish=True)
    return survey.get_translation(spanish).specific


@pytest.mark.django_db
def test_a_translation_keeps_keys_and_codes_and_falls_back_per_segment(
    client, survey, spanish_survey
):
    english = build_questionnaire(survey)
    spanish = build_questionnaire(spanish_survey)
    assert spanish.language == "es" and spanish.keys == english.keys
    for question in english.questions:
        assert [c.code for c in spanish.question(question.key).choices] == [
            c.code for c in question.choices
        ]
    assert spanish.question("color").label == "¿Color favorito?"
    assert spanish.question("color").choice("r").label == "Rojo"
    # Untranslated segments show the original text to residents, silently.
    assert spanish.question("size").label == "Size?"
    page = client.get(spanish_survey.url).content.decode()
    assert "¿Color favorito?" in page and "Size?" in page and "Muy de acuerdo" in page
    assert 'lang="es"' in page


@pytest.mark.django_db
def test_answers_in_both_languages_pool_by_code(client, survey, spanish_survey, staff):
    client.post(survey.url, post_data(valid_answers(), survey=survey))
    client.post(spanish_survey.url, post_data(valid_answers(), survey=spanish_survey))
    rows = Response.objects.filter(survey=survey).values_list("language", "answers__code")
    colours = sorted(code for language, code in rows if code == "g")
    assert colours == ["g", "g"]
    assert sorted(Response.objects.values_list("language", flat=True)) == ["en", "es"]
    release_everything()
    client.force_login(staff)
    listing = client.get(f"/admin/surveys/{survey.pk}/responses/").content.decode()
    assert "Verde" in listing and "Green" in listing  # each labelled as it was answered


@pytest.mark.django_db
def test_the_language_switcher_links_to_translations(client, survey, spanish_survey):
    page = client.get(survey.url).content.decode()
    assert f'href="{spanish_survey.url}" lang="es" hreflang="es">Español</a>' in page
    assert 'href="/ar/" lang="ar" hreflang="ar" dir="rtl">العربية</a>' in page
    assert 'lang="en" hreflang="en" aria-current="true">English</a>' in page


@pytest.mark.django_db
def test_arabic_pages_are_right_to_left(client, survey):
    Locale.objects.get_or_create(language_code="ar")
    page = client.get("/ar/", follow=True).content.decode()
    assert '<html lang="ar" dir="rtl">' in page
    assert "استبيانات مفتوحة الآن" in page


@pytest.mark.django_db
def test_a_page_missing_in_a_language_falls_back_to_the_original(
    client, home, survey, spanish_survey
):
    extra = ContentPage(title="Only in English", slug="only-english", body="<p>Hello</p>")
    home.add_child(instance=extra)
    extra.save_revision().publish()
    result = client.get("/es/only-english/")
    assert result.status_code == 200
    html = result.content.decode()
    assert '<html lang="es"' in html
    # The page's own words carry their language; the interface around them is Spanish.
    assert '<h1 lang="en" dir="ltr">Only in English</h1>' in html
    assert '<div class="rich-text" lang="en" dir="ltr"><p>Hello</p></div>' in html
    assert '<main id="main" class="wrap" tabindex="-1">' in html
    assert "Only in English" in html and "Su privacidad" not in html


@pytest.mark.django_db
def test_a_spanish_resident_meets_no_english_interface_text(client, spanish_survey):
    """Every English interface string has a Spanish one; none shows on Spanish pages."""
    english_ui = [
        entry.msgid
        for entry in polib.pofile(str(CATALOGUES["es"]))
        if entry.msgid != entry.msgstr and len(entry.msgid.split()) >= 2
    ]
    pages = [
        client.get(spanish_survey.url),
        client.post(spanish_survey.url, post_data({"age": "5"}, survey=spanish_survey)),
        client.get(spanish_survey.url + "thanks/"),
        client.get("/es/no-such-page/"),
    ]
    for response in pages:
        text = re.sub(r"<[^>]+>", " ", response.content.decode())
        shown = [msgid for msgid in english_ui if msgid in text]
        assert not shown, shown[:3]
