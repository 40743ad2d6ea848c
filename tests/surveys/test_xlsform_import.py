"""An XLSForm from the Kobo/ODK world becomes a draft survey in every language it has,
or, when any row cannot be represented, a list of problems and nothing at all."""

import io

import pytest
from django.http import QueryDict
from wagtail.models import Page, Revision
from wagtail_localize.models import StringTranslation

from surveys.forms import ResponseForm
from surveys.logic import Rule
from surveys.models import SurveyPage
from surveys.questionnaire import Note, PageBreak, Section, build_questionnaire
from surveys.xlsform.importing import read_xlsform
from surveys.xlsform.pages import import_xlsform
from surveys.xlsform.problems import XLSFormError
from tests.data.make_xlsforms import HERE, workbook

pytestmark = pytest.mark.django_db
FIXTURE = HERE / "xlsform_trust.xlsx"
HEADER = ("type", "name", "label", "relevant", "constraint", "appearance", "required")
YES_NO = [("list_name", "name", "label"), ("yes_no", "yes", "Yes"), ("yes_no", "no", "No")]


def xlsx(survey_rows, choices=YES_NO, settings=None) -> io.BytesIO:
    sheets = {"survey": [HEADER, *survey_rows], "choices": choices}
    if settings:
        sheets["settings"] = settings
    buffer = io.BytesIO()
    workbook(sheets).save(buffer)
    buffer.seek(0)
    return buffer


def latest(page) -> SurveyPage:
    return SurveyPage.objects.get(pk=page.pk).get_latest_revision_as_object()


def test_the_fixture_becomes_a_draft_with_sections_pages_logic_and_two_languages(home):
    survey = import_xlsform(FIXTURE, parent=home)
    assert not survey.live and survey.get_parent().pk == home.pk
    assert Revision.objects.filter(object_id=str(survey.pk)).count() == 1
    q = build_questionnaire(latest(survey))
    assert q.language == "en" and survey.title == "Community trust"
    assert [type(item).__name__ for item in q.items[:3]] == ["Note", "Section", "Question"]
    assert q.keys == (
        "age",
        "resident",
        "district",
        "zone",
        "stopped",
        "stopped_on",
        "reasons",
        "trust_police",
        "report_crime",
        "hours_out",
        "comments",
    )
    age = q.question("age")
    assert (age.type, age.integer, age.min_value, age.max_value) == ("number", True, 18, 120)
    assert age.required and age.help_text == "In years"
    assert q.question("district").widget == "dropdown"
    assert q.question("district").condition == Rule("resident", "equals", ("yes",))
    assert q.question("stopped_on").type == "date"
    # selected() on a single choice is `=`; not(selected()) its negation.
    assert q.question("stopped_on").condition == Rule("stopped", "equals", ("yes",))
    assert q.question("report_crime").condition == Rule("resident", "not_equals", ("no",))
    assert q.question("reasons").type == "multiple_choice"
    assert q.question("comments").type == "long_text"
    assert q.question("hours_out").max_value == 24 and not q.question("hours_out").integer
    # The field-list group is a page, with its relevant; what follows it a new page.
    assert [page.title for page in q.pages] == ["", "Police contact", ""]
    police = q.items[q.pages[1].break_index]
    assert isinstance(police, PageBreak) and police.condition == Rule("age", "ge", ("18",))
    assert isinstance(q.items[q.pages[2].positions[0]], Section)
    assert isinstance(q.items[0], Note) and "anonymous" in q.items[0].text

    spanish = SurveyPage.objects.get(
        translation_key=survey.translation_key, locale__language_code="es"
    )
    assert not spanish.live and spanish.title == "Confianza comunitaria"
    q_es = build_questionnaire(latest(spanish))
    assert q_es.language == "es" and q_es.keys == q.keys
    assert q_es.question("age").label == "¿Cuántos años tiene?"
    assert q_es.question("stopped").choice("yes").label == "Sí"
    assert q_es.question("district").condition == q.question("district").condition
    # The Spanish strings live in wagtail-localize's memory, editable in its editor.
    assert StringTranslation.objects.filter(data="¿Qué distrito?").exists()


def test_the_imported_form_validates_residents_answers(home):
    q = build_questionnaire(latest(import_xlsform(FIXTURE, parent=home)))
    answers = {"age": "34", "resident": "yes", "stopped": "yes", "trust_police": "3"}
    good = QueryDict(mutable=True)
    for key, value in {**answers, "stopped_on": "2025-03-01", "reasons": "traffic"}.items():
        good[f"q-{key}"] = value
    assert ResponseForm(q, good).is_valid()
    bad = good.copy()
    bad["q-stopped_on"], bad["q-district"] = "2025-02-30", "east"
    form = ResponseForm(q, bad)
    assert not form.is_valid()
    assert set(form.errors) == {"stopped_on", "district"}
    assert "year-month-day" in form.errors["stopped_on"][0]
    # An age below the constraint is refused, and the page for adults it would open
    # stays closed: its questions are neither required nor checked.
    bad["q-age"] = "12"
    form = ResponseForm(q, bad)
    assert not form.is_valid()
    assert set(form.errors) == {"age", "district"}


def test_warnings_say_what_is_left_out_on_purpose():
    form = read_xlsform(FIXTURE)
    assert not form.problems
    reasons = [(w.sheet, w.row, w.reason) for w in form.warnings]
    assert ("survey", 2, reasons[0][2]) in reasons and "never records" in reasons[0][2]
    assert any(row == 9 and "choice_filter" in reason for _s, row, reason in reasons)


def test_columns_the_import_leaves_out_are_warned_about():
    buffer = io.BytesIO()
    header = ("type", "name", "label", "default", "media::image", "constraint_message")
    workbook({"survey": [header, ("integer", "n", "N?", "3", "n.png", "Too big")]}).save(buffer)
    form = read_xlsform(buffer)
    assert not form.problems
    assert [w.reason for w in form.warnings] == [
        "The column 'default' is not imported.",
        "The column 'media::image' is not imported.",
    ]


def test_a_language_the_site_lacks_is_a_warning_not_an_error():
    buffer = io.BytesIO()
    header = ("type", "name", "label::English (en)", "label::Français (fr)")
    workbook({"survey": [header, ("text", "town", "Town?", "Ville ?")]}).save(buffer)
    form = read_xlsform(buffer)
    assert not form.problems and form.languages == ("en",)
    assert any("'fr'" in w.reason for w in form.warnings)


PROBLEMS = [
    ([("calculate", "x", "X")], 2, "The type 'calculate' is not supported"),
    ([("geopoint", "where", "Where?")], 2, "'geopoint' is not supported"),
    ([("begin_repeat", "kids", "Kids")], 2, "not supported"),
    ([("select_one colours", "c", "Colour?")], 2, "'colours' is not on the choices sheet"),
    ([("select_one_from_file towns.csv", "c", "C?")], 2, "not supported"),
    ([("select_one yes_no extra", "c", "C?")], 2, "not supported"),
    ([("text", "1st", "First?")], 2, "A key starts with a letter"),
    ([("text", "", "No name?")], 2, "needs a name"),
    ([("text", "status", "Status?")], 2, "reserved"),
    ([("text", "a", "A?"), ("text", "a", "Again?")], 3, "already used"),
    ([("text", "a", "")], 2, "needs a label"),
    ([("text", "a", "A?", "count-selected(${b}) > 1")], 2, "'count-selected' is not supported"),
    ([("text", "a", "A?", "${b} = 'x'"), ("text", "b", "B?")], 2, "not a question asked before"),
    ([("select_one yes_no", "a", "A?"), ("text", "b", "B?", "${a} = 'maybe'")], 3, "no answer"),
    ([("integer", "n", "N?", "", "regex(., '[0-9]')")], 2, "constraint: Only number ranges"),
    ([("text", "t", "T?", "", ". != 'x'")], 2, "Only 'string-length(.) <= N'"),
    (
        [("select_one yn", "s", "S?", "", ". = 'yes'")],
        2,
        "Constraints are supported on numbers only",
    ),
    ([("begin_group", "g", "G"), ("text", "t", "T?")], 2, "never closed"),
    ([("end_group", "", "")], 2, "without a begin_group"),
    (
        [
            ("begin_group", "g", "G"),
            ("begin_group", "h", "H", "", "", "field-list"),
            ("end_group", "", ""),
            ("end_group", "", ""),
        ],
        3,
        "too deep",
    ),
    (
        [
            ("text", "a", "A?"),
            ("begin_group", "g", "G", "${a} != ''"),
            ("end_group", "", ""),
            ("text", "b", "B?"),
        ],
        4,
        "would be hidden with it",
    ),
]


@pytest.mark.parametrize(("rows", "row", "reason"), PROBLEMS)
def test_every_unrepresentable_row_is_listed_and_nothing_is_written(home, rows, row, reason):
    pages, revisions = Page.objects.count(), Revision.objects.count()
    with pytest.raises(XLSFormError) as error:
        import_xlsform(xlsx(rows), parent=home)
    found = [(p.sheet, p.row) for p in error.value.problems if reason in p.reason]
    assert found == [("survey", row)], error.value.problems
    assert (Page.objects.count(), Revision.objects.count()) == (pages, revisions)


def test_choice_problems_name_the_choices_sheet(home):
    choices = [*YES_NO, ("yes_no", "no", "Again"), ("yes_no", "a b", "Spaced"), ("yes_no", "", "")]
    with pytest.raises(XLSFormError) as error:
        import_xlsform(xlsx([("select_one yes_no", "a", "A?")], choices=choices), parent=home)
    reasons = " ".join(str(p) for p in error.value.problems)
    assert (
        "choices:6: A choice needs a name" in reasons
        and "choices:6: A choice needs a label" in reasons
    )
    assert "survey:2:" in reasons  # duplicate and spaced codes, found by the editor's checks
    assert not SurveyPage.objects.exists()


def test_all_problems_are_listed_at_once(home):
    rows = [("calculate", "x", "X"), ("text", "1st", "First?"), ("note", "n", "")]
    with pytest.raises(XLSFormError) as error:
        import_xlsform(xlsx(rows), parent=home)
    assert [p.row for p in error.value.problems] == [2, 4, 3]


@pytest.mark.parametrize(
    ("settings", "reason"),
    [
        ([("default_language",), ("Klingon (tlh)",)], "not one of this site's"),
    ],
)
def test_a_form_in_no_site_language_is_refused(home, settings, reason):
    with pytest.raises(XLSFormError) as error:
        import_xlsform(xlsx([("text", "a", "A?")], settings=settings), parent=home)
    assert reason in str(error.value)


def test_a_survey_cannot_go_where_surveys_do_not_belong(home):
    survey = import_xlsform(FIXTURE, parent=home)
    count = Page.objects.count()
    with pytest.raises(XLSFormError, match="cannot be created under"):
        import_xlsform(FIXTURE, parent=survey)
    with pytest.raises(XLSFormError, match="already there"):
        import_xlsform(FIXTURE, parent=home, slug=survey.slug)
    with pytest.raises(XLSFormError, match="not a valid slug"):
        import_xlsform(FIXTURE, parent=home, slug="Not a slug!")
    assert Page.objects.count() == count
    second = import_xlsform(FIXTURE, parent=home)
    assert second.slug != survey.slug


def test_the_default_language_decides_the_original_page(home):
    header = ("type", "name", "label::English (en)", "label::Spanish")
    rows = [header, ("integer", "age", "Age?", "¿Edad?")]
    settings = [
        ("form_title::Spanish", "form_title::English (en)", "default_language"),
        ("Encuesta", "Survey", "Spanish"),
    ]
    buffer = io.BytesIO()
    workbook({"survey": rows, "settings": settings}).save(buffer)
    survey = import_xlsform(buffer, parent=home)
    assert (survey.locale.language_code, survey.title) == ("es", "Encuesta")
    english = SurveyPage.objects.get(
        translation_key=survey.translation_key, locale__language_code="en"
    )
    assert build_questionnaire(latest(english)).question("age").label == "Age?"


def test_what_only_a_translation_breaks_is_a_problem_too(home):
    header = ("type", "name", "label::English (en)", "label::Español (es)")
    buffer = io.BytesIO()
    workbook({"survey": [header, ("text", "a", "A?", "¿" + "a" * 600 + "?")]}).save(buffer)
    problems = read_xlsform(buffer).problems
    assert [(p.sheet, p.row) for p in problems] == [("survey", 2)]
    assert problems[0].reason.startswith("(es) ")


def test_an_empty_survey_sheet_is_a_problem():
    buffer = io.BytesIO()
    workbook({"survey": [HEADER]}).save(buffer)
    assert "The survey sheet has no rows." in [p.reason for p in read_xlsform(buffer).problems]


def test_or_other_adds_a_choice_to_specify_in_each_language(home):
    header = ("type", "name", "label::English (en)", "label::Español (es)")
    choices = [
        ("list_name", "name", "label::English (en)", "label::Español (es)"),
        ("yes_no", "yes", "Yes", "Sí"),
        ("yes_no", "no", "No", "No"),
    ]
    buffer = io.BytesIO()
    rows = [header, ("select_one yes_no or_other", "a", "A?", "¿A?")]
    workbook({"survey": rows, "choices": choices}).save(buffer)
    survey = import_xlsform(buffer, parent=home)
    other = build_questionnaire(latest(survey)).question("a").other_choice
    assert (other.code, other.label) == ("other", "Other")


OURS = ("type", "name", "label", "confianza::type", "confianza::favorable")
SCALE = [
    ("list_name", "name", "label", "confianza::non_substantive"),
    *[("calm", str(n), f"Point {n}", "") for n in range(1, 6)],
    ("calm", "98", "Don't know", "yes"),
]


def ours(survey_rows, choices=SCALE) -> io.BytesIO:
    buffer = io.BytesIO()
    workbook({"survey": [OURS, *survey_rows], "choices": choices}).save(buffer)
    buffer.seek(0)
    return buffer


def test_our_own_columns_come_back_as_scales_and_non_substantive_answers(home):
    """Issue 19, Organizers 6: a Likert scale is not read back as a plain choice."""
    form = read_xlsform(ours([("select_one calm", "calm", "I feel calm.", "likert", "4 5")]))
    assert form.problems == [] and form.warnings == []
    survey = import_xlsform(
        ours([("select_one calm", "calm", "Calm?", "likert", "4 5")]), parent=home
    )
    question = build_questionnaire(latest(survey)).question("calm")
    assert question.type == "likert" and question.favorable == ("4", "5")
    assert [(c.code, c.non_substantive) for c in question.choices][-1] == ("98", True)


@pytest.mark.parametrize(
    ("row", "choices", "reason"),
    [
        (("integer", "n", "N?", "likert", ""), SCALE, "does not fit the type 'integer'"),
        (("select_one calm", "c", "C?", "rating", ""), SCALE, "codes 0 to 10"),
        (("select_one yes_no", "c", "C?", "likert", ""), YES_NO, "codes 1 to 5 or 1 to 7"),
    ],
)
def test_our_columns_that_do_not_fit_are_problems_and_nothing_is_written(
    home, row, choices, reason
):
    pages = Page.objects.count()
    with pytest.raises(XLSFormError) as error:
        import_xlsform(ours([row], choices), parent=home)
    assert [p.row for p in error.value.problems if reason in p.reason] == [2], error.value.problems
    assert Page.objects.count() == pages
