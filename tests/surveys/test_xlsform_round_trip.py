"""Import a two-language XLSForm, export it, import the export: nothing is lost.

Names (keys), choice codes, labels in every language, groups (sections and pages) and
display logic come back identical; the export is itself a valid XLSForm for us.
"""

import io

import pytest

from surveys.models import SurveyPage
from surveys.questionnaire import build_questionnaire
from surveys.xlsform.exporting import export_xlsform
from surveys.xlsform.importing import read_xlsform
from surveys.xlsform.pages import import_xlsform
from tests.surveys.test_xlsform_import import FIXTURE, latest

pytestmark = pytest.mark.django_db


def described(page: SurveyPage) -> dict[str, list]:
    """Every item of the survey and of each translation, by language."""
    result = {}
    for translation in [page, *page.get_translations()]:
        questionnaire = build_questionnaire(latest(translation))
        result[questionnaire.language] = [
            (
                item.type,
                getattr(item, "key", None),
                getattr(item, "label", None)
                or getattr(item, "heading", None)
                or getattr(item, "title", None),
                tuple((c.code, c.label) for c in getattr(item, "choices", ())),
                item.condition,
            )
            for item in questionnaire.items
        ]
    return result


def test_import_export_import_keeps_keys_codes_labels_and_logic(home):
    first = import_xlsform(FIXTURE, parent=home, slug="first")
    exported = export_xlsform(latest(first))
    form = read_xlsform(io.BytesIO(exported))
    assert form.problems == []
    second = import_xlsform(io.BytesIO(exported), parent=home, slug="second")
    before, after = described(first), described(second)
    assert set(before) == set(after) == {"en", "es"}
    assert before == after
    assert any(condition is not None for *_, condition in after["en"])
