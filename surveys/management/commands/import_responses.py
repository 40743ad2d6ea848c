"""Import a filled paper data-entry template: `manage.py import_responses SLUG FILE.xlsx`.

Every row is checked as the web form checks it; if any row is wrong, each problem is
listed (sheet, row, column, reason) and nothing is imported.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from surveys.exports.paper_import import PaperImportError, import_paper

from .analyze import find_survey


class Command(BaseCommand):
    help = "Import paper responses typed into the survey's data-entry template (all or none)."

    def add_arguments(self, parser):
        parser.add_argument("survey", help="the survey's slug")
        parser.add_argument("file", help="the filled template (.xlsx)")

    def handle(self, *args, **options):
        survey = find_survey(options["survey"])
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No file at {path}.")
        try:
            with path.open("rb") as upload:
                count = import_paper(survey, upload)
        except PaperImportError as error:
            lines = [str(problem) for problem in error.problems]
            raise CommandError(
                "Nothing was imported:\n  "
                + "\n  ".join(lines[:100])
                + (f"\n  … and {len(lines) - 100} more" if len(lines) > 100 else "")
            ) from error
        self.stdout.write(f"Imported {count} paper responses into '{survey.title}'.")
