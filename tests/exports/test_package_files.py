"""SPSS (.sav), Stata (.dta) and the R bundle: read back with pyreadstat (and R where it
is installed), every response, label, missing value and type checked."""

import csv
import datetime
import io
import re
import shutil
import subprocess
import zipfile

import pyreadstat
import pytest
from django.core.management import CommandError, call_command

from cms.models import AuditEvent
from surveys.exports.names import variable_names
from surveys.models import Response

from .conftest import answer, full_answers, read_sheet

pytestmark = pytest.mark.django_db

LONG_STORY = "é" * 2500  # longer than Stata's 2,045-byte str: kept whole as a strL


def _three_responses(survey):
    first = answer(survey, full_answers(nickname="=cmd|x", story="Line one\nline two"))
    second = answer(
        survey,
        full_answers(color="dk", trust="98", places=["b"], age="80", stopped_on="2021-02-03"),
        day=datetime.date(2026, 3, 5),
    )
    third = answer(survey, {"area": "area-1", "color": "r"}, day=datetime.date(2026, 3, 6))
    return first, second, third


def _export(survey, path, *extra):
    call_command("export_responses", survey.slug, "-o", str(path), *extra, stderr=io.StringIO())


def _by_id(frame):
    return {row["response_id"]: row for row in frame.to_dict("records")}


def test_spss_file_has_value_labels_missing_values_and_every_response(export_survey, tmp_path):
    first, second, third = _three_responses(export_survey)
    _export(export_survey, tmp_path / "out.sav")
    frame, meta = pyreadstat.read_sav(str(tmp_path / "out.sav"), user_missing=True)
    rows = _by_id(frame)
    assert set(rows) == {str(r.pk) for r in (first, second, third)}
    labels = dict(zip(meta.column_names, meta.column_labels, strict=True))
    assert labels["trust"] == "I trust the police."
    assert labels["places_a"] == "Places avoided?: Park [places/a]"
    # A scale keeps its codes; "don't know" and "prefer not to say" are user-missing.
    assert meta.variable_value_labels["trust"][98] == "Don't know"
    assert meta.variable_value_labels["trust"][4] == "Agree"
    assert {m["lo"] for m in meta.missing_ranges["trust"]} == {98, 99}
    # Codes that are not numbers are numbered in order; the label says which is which.
    assert meta.variable_value_labels["color"] == {1: "Red", 2: "Green", 3: "Don't know"}
    assert meta.missing_ranges["color"] == [{"lo": 3.0, "hi": 3.0}]
    one, two, three = rows[str(first.pk)], rows[str(second.pk)], rows[str(third.pk)]
    assert (one["color"], two["color"], three["color"]) == (2, 3, 1)
    assert (one["trust"], two["trust"]) == (4, 98)
    assert (one["places_a"], one["places_b"], two["places_b"]) == (1, 0, 1)
    assert str(three["places_a"]) == "nan"  # not answered: blank, not "not chosen"
    assert (one["called"], one["called_other"], one["called_other_text"]) == (
        "police other",
        1,
        "My pastor",
    )
    assert one["age"] == 34 and one["hours"] == 2.5 and str(three["age"]) == "nan"
    assert one["submitted_on"] == datetime.date(2026, 3, 2)
    assert two["stopped_on"] == datetime.date(2021, 2, 3)
    # Texts as typed: no spreadsheet quoting in a statistics file.
    assert one["nickname"] == "=cmd|x" and one["story"] == "Line one\nline two"
    assert meta.readstat_variable_types["story"] == "string"
    assert meta.readstat_variable_types["trust"] == "double"
    assert meta.variable_measure["trust"] == "ordinal"
    assert "places_a = places/a" in meta.notes


def test_stata_file_has_extended_missing_values_and_long_texts(export_survey, tmp_path):
    first, second, _third = _three_responses(export_survey)
    Response.objects.filter(pk=first.pk).update(cells=None)  # read from its answer rows
    first.answers.filter(key="story").update(text=LONG_STORY)
    _export(export_survey, tmp_path / "out.dta")
    frame, meta = pyreadstat.read_dta(str(tmp_path / "out.dta"), user_missing=True)
    rows = _by_id(frame)
    assert len(rows) == 3
    assert meta.missing_user_values["trust"] == ["a"]  # the letters the data uses
    assert meta.variable_value_labels["trust"]["a"] == "Don't know"
    assert meta.variable_value_labels["trust"]["b"] == "Prefer not to say"
    assert rows[str(second.pk)]["trust"] == "a"  # 98, as Stata's .a
    assert rows[str(second.pk)]["color"] == "a"
    assert rows[str(first.pk)]["trust"] == 4
    assert rows[str(first.pk)]["story"] == LONG_STORY
    for name in meta.column_names:
        assert re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]{0,31}", name), name
    without = pyreadstat.read_dta(str(tmp_path / "out.dta"))[0]
    assert str(without.loc[without.response_id == str(second.pk), "trust"].item()) == "nan"


def test_labels_in_another_language_and_unknown_language_refused(export_survey, tmp_path):
    _three_responses(export_survey)
    with pytest.raises(CommandError, match="not in the language 'xx'"):
        _export(export_survey, tmp_path / "x.sav", "--language", "xx")
    assert not list(tmp_path.glob("x.*"))
    _export(export_survey, tmp_path / "en.sav", "--language", "en")
    meta = pyreadstat.read_sav(str(tmp_path / "en.sav"), metadataonly=True)[1]
    assert meta.variable_value_labels["size"] == {1: "Small", 2: "Large"}


def test_choices_as_labels_is_refused_for_package_files(export_survey, tmp_path):
    with pytest.raises(CommandError, match="leave “Choices as labels” unticked"):
        _export(export_survey, tmp_path / "x.dta", "--labels")
    assert not list(tmp_path.glob("x.*"))


def test_r_bundle_holds_codes_codebook_and_a_script(export_survey, tmp_path):
    first, _second, _third = _three_responses(export_survey)
    _export(export_survey, tmp_path / "out.zip")
    with zipfile.ZipFile(tmp_path / "out.zip") as bundle:
        assert sorted(bundle.namelist()) == [
            "README.txt",
            "codebook.csv",
            "read_confianza.R",
            "responses.csv",
        ]
        responses = list(csv.DictReader(io.StringIO(bundle.read("responses.csv").decode())))
        codebook = list(csv.DictReader(io.StringIO(bundle.read("codebook.csv").decode())))
        script = bundle.read("read_confianza.R").decode()
        bundle.extractall(tmp_path / "bundle")
    assert len(responses) == 3
    row = next(r for r in responses if r["response_id"] == str(first.pk))
    assert row["color"] == "g" and row["trust"] == "4"
    assert {"column": "color", "code": "dk", "non_substantive": "yes"}.items() <= next(
        r for r in codebook if r["key"] == "color" and r["code"] == "dk"
    ).items()
    assert 'language <- "en"' in script and "@LANGUAGE@" not in script
    if not shutil.which("Rscript"):
        return  # R is optional here: the files above are what it reads
    probe = (
        'source("read_confianza.R"); cat(levels(responses$color), sep="|"); cat("\\n");'
        "cat(nrow(drop_non_substantive(responses)), sum(is.na(drop_non_substantive("
        'responses)$trust)), class(responses$submitted_on), sep="|")'
    )
    result = subprocess.run(  # noqa: S603
        ["Rscript", "-e", probe],  # noqa: S607
        cwd=tmp_path / "bundle",
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.splitlines() == ["Red|Green|Don't know", "3|2|Date"]


def test_every_format_goes_through_the_audit(export_survey, tmp_path):
    for name in ("a.sav", "a.dta", "a.zip"):
        _export(export_survey, tmp_path / name)
    assert AuditEvent.objects.filter(action="export", username="(shell)").count() == 3


def test_the_file_ending_names_the_format(export_survey, tmp_path):
    with pytest.raises(CommandError, match=r"\.xlsx, \.csv, \.sav, \.dta or \.zip"):
        _export(export_survey, tmp_path / "x.por")


@pytest.mark.parametrize("fmt", ["sav", "dta"])
def test_names_are_valid_unique_and_stable(fmt):
    columns = [
        "age/18_24",
        "age_18_24",
        "2nd_visit",
        "with",
        "año",
        "_hidden",
        "x" * 70,
        "x" * 70 + "y",
        "AGE_18_24",
        "ends_",
    ]
    names = variable_names(columns, fmt)
    assert names == variable_names(columns, fmt)
    assert len({name.upper() for name in names}) == len(names)
    pattern = r"[A-Za-z][A-Za-z0-9_.@#$]{0,63}" if fmt == "sav" else r"[A-Za-z_][A-Za-z0-9_]{0,31}"
    for name in names:
        assert re.fullmatch(pattern, name), name
        assert name.upper() not in ("WITH", "AND", "TO"), name
    assert names[0] == "age_18_24" and names[1] == "age_18_24_2" and names[4] == "ano"
    if fmt == "sav":
        assert not names[-1].endswith("_")


def test_demo_survey_round_trips_through_spss_and_stata(tmp_path):
    """Every cell of the demo's XLSX Responses sheet comes back from .sav and .dta."""
    call_command("seed_demo", stdout=io.StringIO())
    slug = "community-trust-and-safety"
    _export_slug = lambda name: call_command(  # noqa: E731
        "export_responses", slug, "-o", str(tmp_path / name), stderr=io.StringIO()
    )
    for name in ("demo.xlsx", "demo.sav", "demo.dta"):
        _export_slug(name)
    header, *body = read_sheet(tmp_path / "demo.xlsx", "Responses")
    expected = {row[0]: dict(zip(header, row, strict=True)) for row in body}
    assert len(expected) > 1000
    sav, sav_meta = pyreadstat.read_sav(str(tmp_path / "demo.sav"), user_missing=True)
    dta, dta_meta = pyreadstat.read_dta(str(tmp_path / "demo.dta"), user_missing=True)
    # Stata's .a, .b, … stand for the non-substantive codes SPSS keeps, in order.
    letters = {
        name: {"abcdefghijklmnopqrstuvwxyz"[i]: m["lo"] for i, m in enumerate(ranges)}
        for name, ranges in sav_meta.missing_ranges.items()
    }
    # Questions with codes that are not numbers are numbered 1, 2, … in codebook order.
    numbered: dict[str, dict[str, int]] = {}
    for row in read_sheet(tmp_path / "demo.xlsx", "Codebook")[1:]:
        column, key, kind, code = row[:4]
        if kind == "choice" and column == key:
            numbered.setdefault(key, {})[str(code)] = len(numbered.get(key, {})) + 1
    numbered = {
        key: codes for key, codes in numbered.items() if not all(c.isdigit() for c in codes)
    }
    assert numbered, "the demo has a question whose codes are words"
    checked = 0
    for fmt, frame, meta in (("sav", sav, sav_meta), ("dta", dta, dta_meta)):
        column_of = dict(zip(variable_names(header, fmt), header, strict=True))
        assert list(column_of) == meta.column_names
        assert len(frame) == len(expected)
        for record in frame.to_dict("records"):
            want = expected[record["response_id"]]
            for name, value in record.items():
                if fmt == "dta" and isinstance(value, str) and name in letters:
                    value = letters[name][value]
                cell = want[column_of[name]]
                if column_of[name] in numbered and cell is not None:
                    cell = numbered[column_of[name]][str(cell)]
                _assert_same(cell, value, name)
                checked += 1
    assert checked == 2 * len(expected) * len(header)


def _assert_same(cell, value, name):
    """A cell of the XLSX and the value read back from the package file are the same."""
    if cell is None or cell == "":
        assert value in ("", None) or value != value, (name, cell, value)  # NaN
    elif isinstance(cell, datetime.datetime):
        assert value == cell.date(), (name, cell, value)
    elif isinstance(cell, int | float):
        assert float(value) == float(cell), (name, cell, value)
    else:
        assert str(value) == str(cell), (name, cell, value)


@pytest.fixture
def exporting_analyst(export_survey):
    from django.contrib.auth.models import Group

    from surveys.access import grant
    from tests.factories import make_staff

    user = make_staff("ana")
    user.groups.add(Group.objects.get(name="Analyst"))
    grant(user=user, survey=export_survey)
    return user


@pytest.mark.parametrize(
    ("fmt", "content_type", "ending", "magic"),
    [
        ("sav", "application/x-spss-sav", ".sav", b"$FL2"),
        ("dta", "application/x-stata-dta", ".dta", b"<stata_dta>"),
        ("r", "application/zip", ".zip", b"PK"),
    ],
)
def test_admin_exports_package_files_with_labels_in_a_chosen_language(
    client, export_survey, exporting_analyst, monkeypatch, fmt, content_type, ending, magic
):
    from django.db import transaction
    from django.urls import reverse

    from surveys.exports.jobs import ExportJob

    monkeypatch.setattr(transaction, "on_commit", lambda func, **kwargs: func())
    answer(export_survey, full_answers())
    client.force_login(exporting_analyst)
    url = reverse("surveys_admin:export", args=[export_survey.pk])
    form = client.get(url).content.decode()
    assert 'value="sav"' in form and 'name="language"' in form
    refused = client.post(url, {"format": fmt, "labels": "on"})
    assert refused.status_code == 200 and "unticked" in refused.content.decode()
    assert not ExportJob.objects.exists()
    client.post(url, {"format": fmt, "language": "en"})
    job = ExportJob.objects.get()
    assert job.status == "done" and job.file_name.endswith(ending)
    download = client.get(reverse("surveys_admin:export_download", args=[job.pk]))
    assert download["Content-Type"] == content_type
    assert b"".join(download.streaming_content).startswith(magic)
    assert AuditEvent.objects.filter(action="export", username="ana").exists()


def _coded_variables():
    from surveys.exports.packages import CODED, NUMBER, STRING, Variable

    return [
        Variable("trust", "trust", "Trust", CODED, numbers={1: 1.0, 2: 2.0, 98: 98.0}),
        Variable("age", "age", "Age", NUMBER),
        Variable("name", "name", "Name", STRING),
    ]


def test_rows_become_the_same_columns_whatever_the_chunk(monkeypatch):
    from surveys.exports import packages

    rows = [[1, "34", "a"], [98, None, None], ["", 2.5, "c"], [2, "", 7], [None, 0, ""]]
    whole = packages.package_frame("sav", _coded_variables(), rows)
    monkeypatch.setattr(packages, "CHUNK_ROWS", 2)
    chunked = packages.package_frame("sav", _coded_variables(), iter(rows))
    assert whole.equals(chunked)
    assert whole["trust"].fillna(-1).tolist() == [1.0, 98.0, -1, 2.0, -1]  # blank: NaN
    assert whole["age"].fillna(-1).tolist() == [34.0, -1, 2.5, -1, 0.0]
    assert whole["name"].tolist() == ["a", "", "c", "7", ""]


def test_a_code_no_choice_has_refuses_the_file_and_names_it(monkeypatch):
    from surveys.exports import packages

    monkeypatch.setattr(packages, "CHUNK_ROWS", 2)
    rows = [[1, 1, "a"], [2, 2, "b"], [3, 3, "c"]]
    with pytest.raises(packages.PackageFileError, match="'3' to 'trust'"):
        packages.package_frame("sav", _coded_variables(), rows)
    with pytest.raises(ValueError):  # a row that does not match the variables
        packages.package_frame("sav", _coded_variables(), [[1, 1]])
