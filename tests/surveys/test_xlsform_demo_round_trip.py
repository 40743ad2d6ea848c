"""Issue 19, Organizers 6: the demo survey, exported, imported and exported again, gives
the same workbook, through the export_xlsform and import_xlsform commands."""

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from cms.demo.content import ensure_home_page, ensure_neighborhoods
from cms.demo.spanish import SPANISH, ensure_spanish
from cms.demo.survey import CONTACT_HINT, ensure_survey
from surveys.models import SurveyPage
from surveys.questionnaire import build_questionnaire

pytestmark = pytest.mark.django_db


def cells(path) -> dict[str, list[tuple]]:
    """Every cell of every sheet, by sheet."""
    workbook = load_workbook(path, read_only=True)
    try:
        return {
            name: list(workbook[name].iter_rows(values_only=True)) for name in workbook.sheetnames
        }
    finally:
        workbook.close()


@pytest.fixture
def demo(django_capture_on_commit_callbacks):
    ensure_neighborhoods()
    home = ensure_home_page()
    with django_capture_on_commit_callbacks(execute=True):
        survey, _revisions = ensure_survey(home)
        ensure_spanish([home, survey])
    return SurveyPage.objects.get(pk=survey.pk)


def test_the_demo_survey_comes_back_from_its_own_xlsform_unchanged(demo, tmp_path):
    first, second = tmp_path / "first.xlsx", tmp_path / "second.xlsx"
    call_command("export_xlsform", demo.slug, output=first)
    call_command("import_xlsform", first, parent=demo.get_parent().slug, slug="again")
    again = SurveyPage.objects.get(slug="again")
    call_command("export_xlsform", "again", output=second)

    before, after = cells(first), cells(second)
    # Settings name the page itself (form_id: its slug, version: its revision), not
    # what it asks: those two cells differ, by design; the title and language do not.
    assert before["settings"][0] == ("form_title", "form_id", "version", "default_language")
    before["settings"] = [row[:1] + row[3:] for row in before["settings"]]
    after["settings"] = [row[:1] + row[3:] for row in after["settings"]]
    assert before.keys() == after.keys()
    for sheet in before:
        assert before[sheet][0] == after[sheet][0], sheet
        for number, (old, new) in enumerate(zip(before[sheet], after[sheet], strict=True), 1):
            assert old == new, f"{sheet} row {number}"

    # What the workbook means came back too: scales, "don't know" and favorable answers.
    original = build_questionnaire(demo.live_revision.as_object())
    imported = build_questionnaire(again.get_latest_revision().as_object())
    assert [(q.key, q.type, q.favorable, q.choices) for q in imported.questions] == [
        (q.key, q.type, q.favorable, q.choices) for q in original.questions
    ]
    # The organizer's condition in words, in both languages, went there and back.
    header = before["survey"][0]
    hints = {
        column: {(row + (None,) * len(header))[header.index(column)] for row in before["survey"]}
        - {None, column}
        for column in header
        if column.startswith("confianza::relevant_hint::")
    }
    assert hints == {
        "confianza::relevant_hint::English (en)": {CONTACT_HINT},
        "confianza::relevant_hint::Spanish (es)": {SPANISH[CONTACT_HINT]},
    }
    assert imported.question("contact_fair").condition_hint == CONTACT_HINT
    spanish = build_questionnaire(again.get_translations().get().specific)
    assert spanish.question("contact_fair").condition_hint == SPANISH[CONTACT_HINT]
