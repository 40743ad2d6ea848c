"""XLSForm (the Kobo/ODK spreadsheet format) <-> survey pages.

`importing` reads a workbook (opened by `safety`, which treats every upload as
hostile) into a draft SurveyPage; `exporting` writes one back. Both speak this
mapping, and report what they cannot represent as `problems.Problem`s:

===============================  ===================================