"""XLSForm (the Kobo/ODK spreadsheet format) <-> survey pages.

`importing` reads a workbook (opened by `safety`, which treats every upload as
hostile) into a draft SurveyPage; `exporting` writes one back. Both speak this
mapping, and report what they cannot represent as `problems.Problem`s:

===============================  ==========================================
XLSForm (survey sheet)           our block (QuestionStreamBlock child)
===============================  ==========================================
select_one L                     single_choice (appearance minimal: dropdown)
select_one neighborhood          neighborhood (its choices are the site's)
confianza::type                  our question type: likert, rating, neighborhood,
                                 long_text... (our_columns.py reads every
                                 confianza:: column exporting.py writes)
select_multiple L                multiple_choice
select_... L or_other            + a choice "other" that asks to specify
integer / decimal                number (integer=True / False); constraint
                                 `. >= a and . <= b` -> min_value / max_value
text                             short_text (appearance multiline: long_text)
date                             date
note                             note
begin_group / end_group          section (label -> heading)
begin_group, field-list          page_break (label -> title); questions after
                                 its end_group start a new untitled page
name / label / hint / required   key / label / help_text / required
relevant                         show_if (expressions.py)
label::Lang (xx), hint::...      translations of the page into locale xx
choices sheet: name / label      choice code / label
settings: form_title,            page title, the original page's locale
default_language
===============================  ==========================================

Metadata (start, end, today, deviceid...) is never imported: we do not collect it.
"""
