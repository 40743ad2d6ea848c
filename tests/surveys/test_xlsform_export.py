"""The XLSForm export: every block type, groups for sections and pages, logic as
`relevant` expressions, labels in every language. The expected rows are the contract the
importer reads back."""

import io

import pytest
from openpyxl import load_workbook
from wagtail.models import Locale

from surveys.builders import choices, likert, note, question, section
from surveys.condition_blocks import condition_value
from surveys.logic import All, Any_, Not, Rule
from surveys.xlsform.exporting import _expression, _Names, export_xlsform, plain_text
from tests.factories import body_with_ids, every_type_body, make_survey, publish_body

pytestmark = pytest.mark.django_db

EN = "English (en)"
ES = "Spanish (es)"


def read(workbook: bytes, sheet: str) -> list[dict]:
    """The rows of `sheet` as {header: value}, blank cells left out, header row first."""
    rows = list(load_workbook(io.BytesIO(workbook))[sheet].iter_rows(values_only=True))
    header = rows[0]
    return [list(header)] + [
        {column: value for column, value in zip(header, row, strict=True) if value is not None}
        for row in rows[1:]
    ]


def shown_if(block: dict, condition) -> dict:
    block["value"]["show_if"] = condition_value(condition)
    return block


# --- relevant expressions: the contract -------------------------------------------------


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        (Rule("color", "equals", ("r",)), "${color} = 'r'"),
        (Rule("age", "equals", ("3",)), "${age} = 3"),
        (Rule("trust", "equals", ("3",)), "${trust} = '3'"),
        (Rule("color", "not_equals", ("r",)), "${color} != 'r'"),
        (Rule("color", "one_of", ("r", "g")), "(${color} = 'r' or ${color} = 'g')"),
        (Rule("age", "one_of", ("1", "2")), "(${age} = 1 or ${age} = 2)"),
        (Rule("color", "not_one_of", ("r", "g")), "not(${color} = 'r' or ${color} = 'g')"),
        (Rule("places", "selected", ("a",)), "selected(${places}, 'a')"),
        (Rule("places", "not_selected", ("a",)), "not(selected(${places}, 'a'))"),
        (Rule("trust", "lt", ("3",)), "${trust} < 3"),
        (Rule("age", "le", ("18",)), "${age} <= 18"),
        (Rule("hours", "gt", ("2.5",)), "${hours} > 2.5"),
        (Rule("age", "ge", ("65",)), "${age} >= 65"),
        (Rule("story", "answered"), "${story} != ''"),
        (Rule("story", "not_answered"), "${story} = ''"),
        (Rule("nickname", "equals", ("don't",)), '${nickname} = "don\'t"'),
        (
            Rule("nickname", "equals", ("it's\"",)),
            "${nickname} = concat('it', \"'\", 's\"')",
        ),
        (
            All((Rule("color", "equals", ("r",)), Rule("age", "ge", ("18",)))),
            "${color} = 'r' and ${age} >= 18",
        ),
        (
            Any_((Rule("color", "equals", ("r",)), Rule("story", "answered"))),
            "${color} = 'r' or ${story} != ''",
        ),
        (
            Any_(
                (
                    All((Rule("color", "equals", ("r",)), Rule("age", "lt", ("30",)))),
                    Rule("places", "selected", ("b",)),
                )
            ),
            "(${color} = 'r' and ${age} < 30) or selected(${places}, 'b')",
        ),
        (
            Not(All((Rule("color", "equals", ("r",)), Rule("age", "gt", ("1",))))),
            "not(${color} = 'r' and ${age} > 1)",
        ),
        (
            All((Not(Rule("story", "answered")), Any_((Rule("age", "equals", ("1",)),)))),
            "not(${story} != '') and (${age} = 1)",
        ),
    ],
)
def test_conditions_become_relevant_expressions(condition, expected):
    assert _expression(condition, frozenset({"age", "hours"})) == expected


def test_notes_become_plain_text():
    html = "<p>Answer <b>honestly</b> &amp; freely.</p><ul><li>One</li><li>Two</li></ul>"
    assert plain_text(html) == "Answer honestly & freely.\nOne\nTwo"


# --- the survey sheet ---------------------------------------------------------------------


def test_every_question_type_and_its_options(survey):
    rows = read(export_xlsform(survey), "survey")
    assert rows[0] == [
        "type",
        "name",
        f"label::{EN}",
        f"hint::{EN}",
        "required",
        "relevant",
        "constraint",
        "appearance",
        "confianza::type",
        "confianza::randomize",
        "confianza::about_respondent",
        "confianza::favorable",
        f"confianza::min_label::{EN}",
        f"confianza::max_label::{EN}",
        f"confianza::relevant_hint::{EN}",
    ]
    label, kind = f"label::{EN}", "confianza::type"
    assert rows[1:] == [
        {"type": "note", "name": "note", label: "Please answer honestly."},
        {"type": "begin_group", "name": "about_you", label: "About you"},
        {"type": "select_one neighborhood", "name": "area", label: "Which neighborhood?"}
        | {kind: "neighborhood"},
        {"type": "select_one color", "name": "color", label: "Favourite colour?"}
        | {"required": "yes", kind: "single_choice"},
        {"type": "select_one size", "name": "size", label: "Size?"}
        | {"appearance": "minimal", kind: "single_choice"},
        {"type": "select_multiple places", "name": "places", label: "Places avoided?"}
        | {"constraint": "count-selected(.) <= 2", kind: "multiple_choice"},
        {"type": "select_one trust", "name": "trust", label: "I trust the police."}
        | {kind: "likert", "confianza::favorable": "4 5"},
        {"type": "select_one trust7", "name": "trust7", label: "I trust the council."}
        | {kind: "likert", "confianza::favorable": "5 6 7"},
        {"type": "select_one overall", "name": "overall", label: "Overall trust?"}
        | {kind: "rating", "confianza::favorable": "7 8 9 10"}
        | {f"confianza::min_label::{EN}": "None", f"confianza::max_label::{EN}": "Full"},
        {"type": "integer", "name": "age", label: "Age?"}
        | {"constraint": ". >= 18 and . <= 120", kind: "number"},
        {"type": "decimal", "name": "hours", label: "Hours?"}
        | {"constraint": ". >= 0 and . <= 24", kind: "number"},
        {"type": "text", "name": "nickname", label: "A word?"}
        | {"constraint": "string-length(.) <= 20", kind: "short_text"},
        {"type": "text", "name": "story", label: "Tell us more"}
        | {"constraint": "string-length(.) <= 100", "appearance": "multiline", kind: "long_text"},
        {"type": "date", "name": "stopped_on", label: "When?", kind: "date"},
        {"type": "end_group"},
    ]


def paged_body() -> list[dict]:
    """Sections and page breaks, with a condition on every kind of item."""
    other = {"label": "Other", "code": "other", "non_substantive": False, "other": True}
    return [
        question(
            "single_choice",
            "stopped",
            "Were you stopped?",
            help_text="In the last year.",
            choices=[*choices(("1", "Yes"), ("2", "No")), other],
            widget="radio",
            randomize=True,
            about_respondent=True,
            favorable="2",
        ),
        question("number", "times", "How many times?", min_value=1, integer=True),
        {"type": "page_break", "value": {"title": "About the stop"}},
        shown_if(section("Stop details", "Tell us what happened."), Rule("times", "ge", ("2",))),
        shown_if(note("<p>Only if <i>stopped</i>.</p>"), Rule("stopped", "equals", ("1",))),
        shown_if(
            question("long_text", "what", "What happened?", max_length=500),
            Any_((Rule("stopped", "equals", ("1",)), Rule("times", "equals", ("3",)))),
        ),
        section("Stop details"),
        likert("calm", "The officer was calm.", prefer_not=False),
        shown_if(
            {"type": "page_break", "value": {"title": ""}},
            Not(Rule("stopped", "one_of", ("2", "other"))),
        ),
        question("short_text", "stop_details", "Anything else?"),
    ]


def test_sections_and_pages_are_groups_with_their_conditions(home, neighborhoods):
    survey = make_survey(home, paged_body())
    rows = read(export_xlsform(survey), "survey")[1:]
    label, hint = f"label::{EN}", f"hint::{EN}"
    assert [(row["type"], row.get("name"), row.get("relevant")) for row in rows] == [
        ("select_one stopped", "stopped", None),
        ("integer", "times", None),
        ("begin_group", "about_the_stop", None),
        ("begin_group", "stop_details_2", "${times} >= 2"),
        ("note", "note", "${stopped} = '1'"),
        ("text", "what", "${stopped} = '1' or ${times} = 3"),
        ("end_group", None, None),
        ("begin_group", "stop_details_3", None),
        ("select_one calm", "calm", None),
        ("end_group", None, None),
        ("end_group", None, None),
        ("begin_group", "page", "not(${stopped} = '2' or ${stopped} = 'other')"),
        ("text", "stop_details", None),
        ("end_group", None, None),
    ]
    assert rows[0] == {
        "type": "select_one stopped",
        "name": "stopped",
        label: "Were you stopped?",
        hint: "In the last year.",
        "confianza::type": "single_choice",
        "confianza::randomize": "yes",
        "confianza::about_respondent": "yes",
        "confianza::favorable": "2",
    }
    assert rows[1]["constraint"] == ". >= 1"
    assert rows[2] == {
        "type": "begin_group",
        "name": "about_the_stop",
        label: "About the stop",
        "appearance": "field-list",
    }
    assert rows[3] == {
        "type": "begin_group",
        "name": "stop_details_2",
        label: "Stop details",
        hint: "Tell us what happened.",
        "relevant": "${times} >= 2",
    }
    assert rows[4][label] == "Only if stopped."
    assert rows[11]["appearance"] == "field-list" and label not in rows[11]


def test_a_required_neighborhood_is_a_required_question(home, neighborhoods):
    body = [question("neighborhood", "area", "Where?")]
    required = make_survey(home, body, slug="required", neighborhood_required=True)
    optional = make_survey(home, body, slug="optional")
    assert read(export_xlsform(required), "survey")[1]["required"] == "yes"
    assert "required" not in read(export_xlsform(optional), "survey")[1]


# --- choices and settings -------------------------------------------------------------------


def test_choices_with_their_options(home, neighborhoods):
    survey = make_survey(home, paged_body())
    rows = read(export_xlsform(survey), "choices")
    assert rows[0] == [
        "list_name",
        "name",
        f"label::{EN}",
        "confianza::non_substantive",
        "confianza::other",
        "confianza::anchored",
    ]
    label = f"label::{EN}"
    assert rows[1:] == [
        {"list_name": "stopped", "name": "1", label: "Yes"},
        {"list_name": "stopped", "name": "2", label: "No"},
        {"list_name": "stopped", "name": "other", label: "Other", "confianza::other": "yes"},
        {"list_name": "calm", "name": "1", label: "Strongly disagree"},
        {"list_name": "calm", "name": "2", label: "Disagree"},
        {"list_name": "calm", "name": "3", label: "Neither agree nor disagree"},
        {"list_name": "calm", "name": "4", label: "Agree"},
        {"list_name": "calm", "name": "5", label: "Strongly agree"},
        {
            "list_name": "calm",
            "name": "98",
            label: "Don't know",
            "confianza::non_substantive": "yes",
        },
    ]


def test_neighborhood_and_anchored_choices(survey):
    none = {"label": "None", "code": "none", "non_substantive": False, "anchored": True}
    body = [
        question("neighborhood", "area", "Where?"),
        question(
            "multiple_choice",
            "seen",
            "Seen?",
            choices=[*choices(("a", "A"), ("b", "B")), none],
            randomize=True,
        ),
    ]
    rows = read(export_xlsform(publish_body(survey, body)), "choices")[1:]
    assert [(row["list_name"], row["name"], row[f"label::{EN}"]) for row in rows[:3]] == [
        ("neighborhood", "area-1", "Area 1"),
        ("neighborhood", "area-2", "Area 2"),
        ("neighborhood", "area-3", "Area 3"),
    ]
    assert rows[-1] == {
        "list_name": "seen",
        "name": "none",
        f"label::{EN}": "None",
        "confianza::anchored": "yes",
    }


def test_settings_name_the_survey_its_revision_and_language(survey):
    rows = read(export_xlsform(survey), "settings")
    assert rows == [
        ["form_title", "form_id", "version", "default_language"],
        {
            "form_title": "Test survey",
            "form_id": "survey",
            "version": str(survey.live_revision_id),
            "default_language": EN,
        },
    ]


# --- revisions -----------------------------------------------------------------------------


def test_a_given_revision_is_exported_as_it_was(survey):
    first = survey.live_revision
    body = every_type_body()
    body[3]["value"]["label"] = "Favorite color?"
    publish_body(survey, body)
    assert read(export_xlsform(survey), "survey")[4][f"label::{EN}"] == "Favorite color?"
    old = export_xlsform(survey, revision=first)
    assert read(old, "survey")[4][f"label::{EN}"] == "Favourite colour?"
    assert read(old, "settings")[1]["version"] == str(first.pk)


def test_an_unpublished_survey_exports_its_latest_draft(home, neighborhoods):
    draft = make_survey(home, [question("short_text", "word", "A word?")], publish=False)
    assert read(export_xlsform(draft), "survey")[1]["name"] == "word"
    assert read(export_xlsform(draft), "settings")[1]["version"] == str(draft.latest_revision_id)


# --- languages ------------------------------------------------------------------------------


@pytest.fixture
def spanish(home, neighborhoods):
    survey = make_survey(home, paged_body())
    locale = Locale.objects.create(language_code="es")
    home.copy_for_translation(locale).save_revision().publish()
    survey_es = survey.copy_for_translation(locale)
    survey_es.title = "Encuesta"
    body = body_with_ids(survey_es)
    body[0]["value"] |= {"label": "¿Le pararon?", "help_text": "En el último año."}
    body[0]["value"]["choices"][0]["value"]["label"] = "Sí"
    body[3]["value"]["heading"] = "Detalles"
    body[4]["value"]["text"] = "<p>Solo si le pararon.</p>"
    survey_es.body = body
    survey_es.save_revision().publish()
    # A question the translation does not have yet (the rest keeps its block ids, which
    # is how sections and notes are matched across languages).
    survey.body = [*body_with_ids(survey), question("short_text", "late", "Added later")]
    survey.save_revision().publish()
    survey.refresh_from_db()
    return survey


def test_labels_in_every_language(spanish):
    workbook = export_xlsform(spanish)
    survey_rows = read(workbook, "survey")
    assert survey_rows[0][2:6] == [f"label::{EN}", f"label::{ES}", f"hint::{EN}", f"hint::{ES}"]
    by_name = {row.get("name"): row for row in survey_rows[1:]}
    assert by_name["stopped"][f"label::{ES}"] == "¿Le pararon?"
    assert by_name["stopped"][f"hint::{ES}"] == "En el último año."
    assert by_name["stop_details_2"][f"label::{ES}"] == "Detalles"
    assert by_name["note"][f"label::{ES}"] == "Solo si le pararon."
    # Untranslated labels are the copies the translation started from.
    assert by_name["what"][f"label::{ES}"] == "What happened?"
    assert by_name["late"] == {
        "type": "text",
        "name": "late",
        f"label::{EN}": "Added later",
        "constraint": "string-length(.) <= 200",
        "confianza::type": "short_text",
    }
    choice_rows = {(r["list_name"], r["name"]): r for r in read(workbook, "choices")[1:]}
    assert choice_rows["stopped", "1"][f"label::{ES}"] == "Sí"
    assert choice_rows["calm", "1"][f"label::{ES}"] == "Muy en desacuerdo"
    assert choice_rows["calm", "1"][f"label::{EN}"] == "Strongly disagree"
    assert read(workbook, "settings")[1]["default_language"] == EN


def test_a_translation_exports_with_its_own_language_first(spanish):
    translation = spanish.get_translations().get().specific
    workbook = export_xlsform(translation)
    assert read(workbook, "survey")[0][2:4] == [f"label::{ES}", f"label::{EN}"]
    assert read(workbook, "settings")[1]["default_language"] == ES
    assert read(workbook, "settings")[1]["form_title"] == "Encuesta"


def test_group_names_are_identifiers_that_never_repeat_a_key():
    names = _Names(["about_you"])
    assert [
        names.unique("section", "About you"),
        names.unique("section", "2025 wave"),
        names.unique("section", "عن الشرطة"),
        names.unique("section", ""),
        names.unique("page", "Neighborhood"),
        names.unique("note"),
        names.unique("note"),
    ] == [
        "about_you_2",
        "section_2025_wave",
        "section",
        "section_2",
        "neighborhood_2",
        "note",
        "note_2",
    ]


def test_header_rows_are_bold_and_frozen(survey):
    workbook = load_workbook(io.BytesIO(export_xlsform(survey)))
    assert workbook.sheetnames == ["survey", "choices", "settings"]
    for sheet in workbook:
        assert sheet.freeze_panes == "A2"
        assert sheet["A1"].font.bold and not sheet["A2"].font.bold


def test_an_untranslated_hint_is_left_blank_not_filled_with_the_default(home, neighborhoods):
    """Issue 19, Organizers 6: a translation's copy of the English hint is no Spanish hint."""
    body = [
        question("short_text", "why", "Why?", help_text="In your own words.", max_length=50),
        question("short_text", "how", "How?", help_text="Briefly.", max_length=50),
    ]
    survey = make_survey(home, body)
    locale = Locale.objects.create(language_code="es")
    home.copy_for_translation(locale).save_revision().publish()
    survey_es = survey.copy_for_translation(locale)
    translated = body_with_ids(survey_es)
    translated[1]["value"]["help_text"] = "En breve."
    survey_es.body = translated
    survey_es.save_revision().publish()
    by_name = {row.get("name"): row for row in read(export_xlsform(survey), "survey")[1:]}
    assert f"hint::{ES}" not in by_name["why"]
    assert by_name["why"][f"hint::{EN}"] == "In your own words."
    assert by_name["how"][f"hint::{ES}"] == "En breve."
