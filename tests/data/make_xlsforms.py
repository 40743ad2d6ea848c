"""Write `xlsform_trust.xlsx`, the two-language XLSForm the import tests read.

Written for this project in the conventions of the ODK and KoboToolbox XLSForm
documentation: groups (one a field-list page), `relevant` with selected(),
comparisons, and/or/not, a number constraint, a choice_filter, metadata rows, and
labels and hints in English and Spanish. Run: `.venv/bin/python tests/data/make_xlsforms.py`.
"""

from pathlib import Path

from openpyxl import Workbook

HERE = Path(__file__).resolve().parent

SURVEY = [
    (
        "type",
        "name",
        "label::English (en)",
        "label::Español (es)",
        "hint::English (en)",
        "hint::Español (es)",
        "required",
        "relevant",
        "constraint",
        "appearance",
        "choice_filter",
    ),
    ("start", "start", "", "", "", "", "", "", "", "", ""),
    ("deviceid", "deviceid", "", "", "", "", "", "", "", "", ""),
    (
        "note",
        "intro",
        "Your answers are anonymous.",
        "Sus respuestas son anónimas.",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
    ),
    ("begin_group", "about", "About you", "Sobre usted", "", "", "", "", "", "", ""),
    (
        "integer",
        "age",
        "How old are you?",
        "¿Cuántos años tiene?",
        "In years",
        "En años",
        "yes",
        "",
        ". >= 18 and . <= 120",
        "",
        "",
    ),
    (
        "select_one yes_no",
        "resident",
        "Do you live in the city?",
        "¿Vive en la ciudad?",
        "",
        "",
        "true",
        "",
        "",
        "",
        "",
    ),
    (
        "select_one district",
        "district",
        "Which district?",
        "¿Qué distrito?",
        "",
        "",
        "",
        "${resident} = 'yes'",
        "",
        "minimal",
        "",
    ),
    (
        "select_one zone",
        "zone",
        "Which zone?",
        "¿Qué zona?",
        "",
        "",
        "",
        "${resident} = 'yes'",
        "",
        "",
        "district=${district}",
    ),
    ("end_group", "", "", "", "", "", "", "", "", "", ""),
    (
        "begin_group",
        "police",
        "Police contact",
        "Contacto con la policía",
        "",
        "",
        "",
        "${age} >= 18",
        "",
        "field-list",
        "",
    ),
    (
        "select_one yes_no",
        "stopped",
        "Were you stopped by police this year?",
        "¿La policía lo detuvo este año?",
        "",
        "",
        "yes",
        "",
        "",
        "",
        "",
    ),
    (
        "date",
        "stopped_on",
        "When were you last stopped?",
        "¿Cuándo fue la última vez?",
        "",
        "",
        "",
        "selected(${stopped}, 'yes')",
        "",
        "",
        "",
    ),
    (
        "select_multiple reason",
        "reasons",
        "What reasons were given?",
        "¿Qué razones le dieron?",
        "Choose all that apply",
        "Elija todas las que apliquen",
        "",
        "${stopped} = 'yes'",
        "",
        "",
        "",
    ),
    ("end_group", "", "", "", "", "", "", "", "", "", ""),
    ("begin_group", "trust", "Trust", "Confianza", "", "", "", "", "", "", ""),
    (
        "select_one agree",
        "trust_police",
        "I trust the local police.",
        "Confío en la policía local.",
        "",
        "",
        "yes",
        "",
        "",
        "",
        "",
    ),
    (
        "select_one agree",
        "report_crime",
        "I would report a crime.",
        "Denunciaría un delito.",
        "",
        "",
        "",
        "not(selected(${resident}, 'no'))",
        "",
        "",
        "",
    ),
    (
        "decimal",
        "hours_out",
        "Hours a day spent outside?",
        "¿Horas al día afuera?",
        "",
        "",
        "",
        "${age} < 65 or ${resident} != 'no'",
        ". >= 0 and . <= 24",
        "",
        "",
    ),
    (
        "text",
        "comments",
        "Anything else?",
        "¿Algo más?",
        "",
        "",
        "",
        "${stopped} = 'yes' and (${trust_police} = '1' or ${trust_police} = '2')",
        "",
        "multiline",
        "",
    ),
    ("end_group", "", "", "", "", "", "", "", "", "", ""),
]

CHOICES = [
    ("list_name", "name", "label::English (en)", "label::Español (es)", "district"),
    ("yes_no", "yes", "Yes", "Sí", ""),
    ("yes_no", "no", "No", "No", ""),
    ("district", "north", "North", "Norte", ""),
    ("district", "south", "South", "Sur", ""),
    ("zone", "n1", "North 1", "Norte 1", "north"),
    ("zone", "s1", "South 1", "Sur 1", "south"),
    ("reason", "traffic", "Traffic", "Tráfico", ""),
    ("reason", "id_check", "Identity check", "Control de identidad", ""),
    ("reason", "none_given", "None given", "Ninguna", ""),
    ("agree", "1", "Strongly disagree", "Muy en desacuerdo", ""),
    ("agree", "2", "Disagree", "En desacuerdo", ""),
    ("agree", "3", "Agree", "De acuerdo", ""),
    ("agree", "4", "Strongly agree", "Muy de acuerdo", ""),
]

SETTINGS = [
    ("form_title", "form_title::Español (es)", "form_id", "version", "default_language"),
    ("Community trust", "Confianza comunitaria", "trust_2026", "1", "English (en)"),
]


def workbook(sheets: dict[str, list[tuple]]) -> Workbook:
    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append([value if value != "" else None for value in row])
    return book


def trust_form() -> Workbook:
    return workbook({"survey": SURVEY, "choices": CHOICES, "settings": SETTINGS})


if __name__ == "__main__":
    trust_form().save(HERE / "xlsform_trust.xlsx")
