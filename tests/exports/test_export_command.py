"""`manage.py export_responses`: the same export from the shell, with clear errors."""

import csv
import datetime
import io

import pytest
from django.core.management import CommandError, call_command

from cms.models import AuditEvent

from .conftest import answer, full_answers, read_sheet

pytestmark = pytest.mark.django_db


def test_exports_xlsx_and_csv_with_filters(export_survey, tmp_path):
    answer(export_survey, full_answers(area="area-1"), day=datetime.date(2026, 1, 2))
    answer(export_survey, full_answers(area="area-2"), day=datetime.date(2026, 2, 2))
    err = io.StringIO()
    call_command("export_responses", "trust", "-o", str(tmp_path / "all.xlsx"), stderr=err)
    assert "2 responses written" in err.getvalue()
    assert len(read_sheet(tmp_path / "all.xlsx", "Responses")) == 3
    call_command(
        "export_responses", "trust", "-o", str(tmp_path / "one.csv"),
        "--neighborhood", "area-2", "--since", "2026-02-01", "--labels", stderr=io.StringIO(),
    )  # fmt: skip
    with (tmp_path / "one.csv").open(encoding="utf-8", newline="") as file:
        rows = list(csv.reader(file))
    assert len(rows) == 2 and rows[1][rows[0].index("color")] == "Green"
    assert AuditEvent.objects.filter(action="export", username="(shell)").count() == 2


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["nosuch", "-o", "{tmp}/x.xlsx"], "No survey with the slug 'nosuch'"),
        (["trust", "-o", "{tmp}/x.pdf"], "must end in .xlsx, .csv, .sav, .dta or .zip"),
        (["trust", "-o", "{tmp}/x.xlsx", "--neighborhood", "atlantis"], "atlantis"),
        (["trust", "-o", "{tmp}/x.xlsx", "--channel", "fax"], "Unknown channel 'fax'"),
        (["trust", "-o", "{tmp}/x.xlsx", "--since", "2026-13-01"], "is not a date"),
        (["trust", "-o", "{tmp}/missing/x.xlsx"], "does not exist"),
        (
            ["trust", "-o", "{tmp}/x.xlsx", "--since", "2026-05-01", "--until", "2026-04-01"],
            "start date is after the end date",
        ),
    ],
)
def test_bad_arguments_get_clear_errors_and_write_nothing(
    export_survey, tmp_path, arguments, message
):
    with pytest.raises(CommandError, match=message):
        call_command(
            "export_responses", *[a.format(tmp=tmp_path) for a in arguments], stderr=io.StringIO()
        )
    assert not list(tmp_path.glob("x.*"))


def test_expire_exports_runs(db):
    out = io.StringIO()
    call_command("expire_exports", stdout=out)
    assert "Deleted 0" in out.getvalue()
