"""Paper and offline entry: the template, and importing filled ones all or nothing."""

import io
import zipfile

import openpyxl
import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from surveys.access import grant
from surveys.exports.paper import paper_template
from surveys.exports.paper_import import ImportedFile, PaperImportError, import_paper
from surveys.models import Response
from tests.factories import every_type_body, make_staff, make_survey

pytestmark = pytest.mark.django_db


def template(survey) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(paper_template(survey)))


def filled(survey, rows: list[list]) -> io.BytesIO:
    """The survey's template with `rows` typed under the header."""
    workbook = template(survey)
    sheet = workbook["responses"]
    for row in rows:
        sheet.append(row)
    output = io.BytesIO()
    workbook.save(output)
    output.seek(0)
    return output


def header(survey) -> list[str]:
    return [cell.value for cell in template(survey)["responses"][1]]


def paper_row(survey, area="area-1", day="2026-03-01", language="en", **answers):
    defaults = {"color": "r", "places": "a c", "trust": 4, "age": 40, "stopped_on": "2024-02-03"}
    defaults.update(answers)
    values = {"neighborhood": area, "submitted_on": day, "language": language, **defaults}
    return [values.get(name) for name in header(survey)]


def test_the_template_has_the_header_dropdowns_codebook_and_marks(export_survey):
    workbook = template(export_survey)
    assert workbook.sheetnames[:1] == ["responses"] and "codebook" in workbook.sheetnames
    names = [cell.value for cell in workbook["responses"][1]]
    assert names[:3] == ["neighborhood", "submitted_on", "language"]
    assert names[3:] == [
        "color", "size", "places", "trust", "trust7", "overall", "age", "hours", "nickname",
        "story", "stopped_on", "called", "called/other",
    ]  # fmt: skip
    validations = workbook["responses"].data_validations.dataValidation
    by_column = {str(v.sqref).split(":")[0].rstrip("0123456789"): v for v in validations}
    column = openpyxl.utils.get_column_letter(names.index("color") + 1)
    assert by_column[column].type == "list" and by_column[column].formula1.startswith("lists!")
    age = by_column[openpyxl.utils.get_column_letter(names.index("age") + 1)]
    assert (age.type, age.formula1, age.formula2) == ("whole", "18", "120")
    codebook = [row for row in workbook["codebook"].iter_rows(values_only=True)]
    assert ("color", None, None, "dk", "Don't know", "yes") in codebook


def test_fifty_paper_surveys_import_in_one_go(export_survey):
    rows = [
        paper_row(export_survey, area=f"area-{1 + i % 3}", age=20 + i, trust=1 + i % 5)
        for i in range(50)
    ]
    rows[3] = paper_row(export_survey, called="police other", **{"called/other": "Pastor"})
    assert import_paper(export_survey, filled(export_survey, rows)) == 50
    stored = Response.objects.filter(survey=export_survey)
    assert stored.count() == 50
    assert set(stored.values_list("channel", flat=True)) == {"paper"}
    assert stored.filter(neighborhood__code="area-2").count() == 17
    assert str(stored.first().submitted_on) == "2026-03-01"
    other = export_survey.responses.get(answers__key="called", answers__text="Pastor")
    assert other.answers.filter(key="places").count() == 2


def test_every_bad_row_is_reported_and_nothing_is_imported(export_survey):
    rows = [
        paper_row(export_survey),
        paper_row(export_survey, area="nowhere"),
        paper_row(export_survey, color="purple", age=300),
        paper_row(export_survey, day="yesterday"),
        paper_row(export_survey, language="fr"),
        paper_row(export_survey, color=None),  # a required question left blank
        paper_row(export_survey, places="a b c"),  # more than the two allowed
    ]
    with pytest.raises(PaperImportError) as raised:
        import_paper(export_survey, filled(export_survey, rows))
    found = {(p.sheet, p.row, p.column) for p in raised.value.problems}
    assert ("responses", 3, "neighborhood") in found
    assert {("responses", 4, "color"), ("responses", 4, "age")} <= found
    assert ("responses", 5, "submitted_on") in found
    assert ("responses", 6, "language") in found
    assert ("responses", 7, "color") in found
    assert ("responses", 8, "places") in found
    assert not any(p.row == 2 for p in raised.value.problems)
    assert Response.objects.count() == 0 and not ImportedFile.objects.exists()


def test_the_same_file_is_not_imported_twice(export_survey):
    upload = filled(export_survey, [paper_row(export_survey)])
    assert import_paper(export_survey, upload) == 1
    with pytest.raises(PaperImportError, match="already imported"):
        import_paper(export_survey, upload)
    assert Response.objects.count() == 1


def test_a_template_from_another_survey_is_refused(export_survey, home):
    other = make_survey(home, every_type_body(), slug="other")
    upload = filled(other, [paper_row(other)])
    with pytest.raises(PaperImportError, match="another survey"):
        import_paper(export_survey, upload)
    assert Response.objects.count() == 0


def test_a_spreadsheet_that_is_not_a_template_is_refused(export_survey):
    workbook = openpyxl.Workbook()
    workbook.active.title = "responses"
    workbook.active.append(["neighborhood", "color"])
    output = io.BytesIO()
    workbook.save(output)
    with pytest.raises(PaperImportError, match="not a data-entry template"):
        import_paper(export_survey, output)


def test_a_file_that_is_not_xlsx_is_refused(export_survey):
    with pytest.raises(PaperImportError, match="not an .xlsx"):
        import_paper(export_survey, io.BytesIO(b"neighborhood,color\narea-1,r\n"))


def test_a_zip_bomb_is_refused_before_it_is_inflated(export_survey):
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * 30_000_000)
    with pytest.raises(PaperImportError, match="inflates"):
        import_paper(export_survey, output)


def test_a_sheet_declaring_huge_dimensions_is_read_within_the_cell_cap(export_survey, monkeypatch):
    from surveys.exports import paper_import

    monkeypatch.setattr(paper_import, "MAX_ROWS", 3)
    rows = [paper_row(export_survey) for _ in range(40)]
    with pytest.raises(PaperImportError, match="cells|Too many rows"):
        import_paper(export_survey, filled(export_survey, rows))
    assert Response.objects.count() == 0


def test_the_header_must_match_the_template(export_survey):
    workbook = template(export_survey)
    workbook["responses"]["D1"] = "colour"
    output = io.BytesIO()
    workbook.save(output)
    with pytest.raises(PaperImportError, match="header row") as raised:
        import_paper(export_survey, output)
    assert raised.value.problems[0].row == 1


def test_the_command_imports_and_reports(export_survey, tmp_path):
    path = tmp_path / "filled.xlsx"
    path.write_bytes(filled(export_survey, [paper_row(export_survey)] * 2).getvalue())
    out = io.StringIO()
    call_command("import_responses", "trust", str(path), stdout=out)
    assert "Imported 2 paper responses" in out.getvalue()
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(filled(export_survey, [paper_row(export_survey, area="nowhere")]).getvalue())
    with pytest.raises(CommandError, match="responses, row 2, column neighborhood"):
        call_command("import_responses", "trust", str(bad))
    with pytest.raises(CommandError, match="No survey with the slug"):
        call_command("import_responses", "nosuch", str(path))
    assert Response.objects.count() == 2


def test_the_template_command_writes_the_workbook(export_survey, tmp_path):
    call_command("paper_template", "trust", "-o", str(tmp_path / "t.xlsx"))
    assert openpyxl.load_workbook(tmp_path / "t.xlsx").sheetnames[0] == "responses"


def test_an_organizer_uploads_through_the_admin(client, export_survey):
    organizer = make_staff("org")
    organizer.groups.add(Group.objects.get(name="Organizer"))
    grant(user=organizer, survey=export_survey)
    client.force_login(organizer)
    url = reverse("surveys_admin:paper", args=[export_survey.pk])
    assert client.get(url).status_code == 200
    template_download = client.get(reverse("surveys_admin:paper_template", args=[export_survey.pk]))
    assert template_download.status_code == 200
    assert template_download.content[:2] == b"PK"

    def upload(content, name="filled.xlsx"):
        return client.post(url, {"file": SimpleUploadedFile(name, content)})

    bad = upload(filled(export_survey, [paper_row(export_survey, color="purple")]).getvalue())
    assert bad.status_code == 200
    assert "Nothing was imported" in bad.content.decode()
    assert "color" in bad.content.decode()
    good = upload(filled(export_survey, [paper_row(export_survey)] * 3).getvalue())
    assert good.status_code == 302
    assert Response.objects.filter(channel="paper").count() == 3
    assert upload(b"not a spreadsheet", "x.xlsx").status_code == 200
    assert Response.objects.count() == 3


def with_cached_values(upload: io.BytesIO, values: dict[str, str]) -> io.BytesIO:
    """`upload` with the formulas in `values` given a calculated value, as a spreadsheet
    program saves them (openpyxl writes formulas without one)."""
    source, output = zipfile.ZipFile(upload), io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                for formula, value in values.items():
                    calculated = f"<f>{formula}</f><v>{value}</v>".encode()
                    data = data.replace(f"<f>{formula}</f><v />".encode(), calculated)
            target.writestr(item, data)
    output.seek(0)
    return output


def test_a_formula_never_calculated_is_refused_by_its_cell(export_survey):
    rows = [paper_row(export_survey), paper_row(export_survey, age="=20+20")]
    with pytest.raises(PaperImportError) as raised:
        import_paper(export_survey, filled(export_survey, rows))
    [problem] = raised.value.problems
    column = openpyxl.utils.get_column_letter(header(export_survey).index("age") + 1)
    assert (problem.row, problem.column) == (3, "age")
    assert f"({column}3)" in problem.reason and "never calculated" in problem.reason
    assert Response.objects.count() == 0


def test_a_calculated_formula_is_imported_by_its_value(export_survey):
    rows = [paper_row(export_survey, age="=20+20")]
    upload = with_cached_values(filled(export_survey, rows), {"20+20": "40"})
    assert import_paper(export_survey, upload) == 1
    assert Response.objects.get().answers.get(key="age").number == 40
