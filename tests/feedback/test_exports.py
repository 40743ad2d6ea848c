"""Feedback in spreadsheets: public rows by default, originals for moderators, no formulas."""

import io

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from cms.models import AuditEvent
from feedback import moderation
from feedback.exports import feedback_rows, neutralise
from feedback.submission import record_feedback
from tests.factories import make_staff

pytestmark = pytest.mark.django_db

FORMULA = "=cmd|' /C calc'!A0"


@pytest.fixture
def items(topics, neighborhoods):
    public, _ = record_feedback(
        topic=topics["traffic"],
        neighborhood=neighborhoods[0],
        language="en",
        text=FORMULA,
        may_publish=True,
        contact="555-0100",
    )
    private, _ = record_feedback(
        topic=topics["language"], language="es", text="ORIGINAL-PRIVATE 512-555-0199"
    )
    moderation.set_status(
        user=make_staff("mod", superuser=True), items=[public], status="published"
    )
    return public, private


@pytest.mark.parametrize("text", ["=1+1", "+1", "-2", "@SUM(A1)", "\tx", "\rx", "|cmd"])
def test_formula_triggers_get_an_apostrophe(text):
    assert neutralise(text) == "'" + text
    assert neutralise("plain text") == "plain text" and neutralise(3) == 3


def test_public_rows_carry_published_text_only(items):
    header, *rows = list(feedback_rows(include_original=False))
    assert "original_text" not in header and len(rows) == 1
    flat = repr(rows)
    assert "ORIGINAL-PRIVATE" not in flat and "555-0100" not in flat
    assert rows[0][header.index("public_text")] == "'" + FORMULA


def test_moderator_rows_add_originals_but_never_contacts(items):
    header, *rows = list(feedback_rows(include_original=True))
    assert "original_text" in header and len(rows) == 2
    assert "ORIGINAL-PRIVATE 512-555-0199" in repr(rows) and "555-0100" not in repr(rows)


def test_the_command_writes_strings_not_formulas_and_is_audited(items, tmp_path):
    path = tmp_path / "feedback.xlsx"
    out = io.StringIO()
    call_command("export_feedback", "-o", str(path), stdout=out)
    assert "1 feedback items" in out.getvalue()
    sheet = load_workbook(path).active
    values = [cell.value for row in sheet.iter_rows() for cell in row]
    assert "'" + FORMULA in values
    assert not any(isinstance(v, str) and v.startswith("=") for v in values)
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    assert "ORIGINAL-PRIVATE" not in repr(values)
    event = AuditEvent.objects.get(action=AuditEvent.Action.EXPORT)
    assert event.detail == {"export": "feedback", "include_original": False, "items": 1}
    call_command("export_feedback", "-o", str(path), "--include-original", stdout=out)
    assert "ORIGINAL-PRIVATE" in repr(
        [c.value for r in load_workbook(path).active.iter_rows() for c in r]
    )


@pytest.mark.parametrize("output", ["out.csv", "missing-folder/out.xlsx"])
def test_bad_output_paths_are_refused(items, tmp_path, output):
    with pytest.raises(CommandError):
        call_command("export_feedback", "-o", str(tmp_path / output), stdout=io.StringIO())
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).exists()


def test_public_rows_take_a_fixed_number_of_queries(items, topics, django_assert_max_num_queries):
    for i in range(5):
        extra, _ = record_feedback(
            topic=topics["traffic"], language="en", text=f"x{i}", may_publish=True
        )
        moderation.set_status(
            user=make_staff(f"m{i}", superuser=True), items=[extra], status="published"
        )
    with django_assert_max_num_queries(2):
        rows = list(feedback_rows(include_original=False))
    assert len(rows) == 7


def test_rows_say_which_language_each_reply_is_in(items, topics):
    public, private = items
    moderator = make_staff("replier", superuser=True)
    reply = "سنطلب من الشرطة نشر أوقات التفتيش."
    moderation.edit(
        user=moderator, feedback=public, public_text="", masked_names="",
        reply=reply, reply_language="ar",
    )  # fmt: skip
    # A reply saved before the language was asked: it was in the site's default language.
    old, _ = record_feedback(topic=topics["traffic"], language="es", text="Antes", may_publish=True)
    moderation.set_status(user=moderator, items=[old], status="published")
    type(old).objects.filter(pk=old.pk).update(reply="We did it.", reply_language="")
    for include_original in (False, True):
        header, *rows = list(feedback_rows(include_original=include_original))
        assert header.index("reply_language") == header.index("reply") + 1
        by_id = {row[header.index("id")]: row for row in rows}
        languages = {key: row[header.index("reply_language")] for key, row in by_id.items()}
        assert languages[str(public.key)] == "ar"
        assert by_id[str(public.key)][header.index("reply")] == reply
        assert languages[str(old.key)] == "en"
        if include_original:
            assert languages[str(private.key)] == ""  # no reply, no reply language
