"""XLSForm, the spreadsheet format of KoboToolbox and ODK: import and export."""
