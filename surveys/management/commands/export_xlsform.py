"""Write a survey's XLSForm: `manage.py export_xlsform SLUG -o FILE.xlsx`.

The workbook holds the questionnaire in every language it is translated into (no
answers), for KoboToolbox / ODK or to import it again elsewhere.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from surveys.management.commands.analyze import find_survey
from surveys.xlsform.exporting import export_xlsform


class Command(BaseCommand):
    help = "Write a survey's questionnaire, in every language, as an XLSForm workbook."

    def add_arguments(self, parser):
        parser.add_argument("slug", help="The survey's slug.")
        parser.add_argument(
            "-o", "--output", required=True, type=Path, help="The .xlsx file to write."
        )

    def handle(self, *args, slug, output, **options):
        if output.suffix.lower() != ".xlsx":
            raise CommandError(f"The output file must end in .xlsx, not '{output.name}'.")
        if not output.parent.is_dir():
            raise CommandError(f"The folder '{output.parent}' does not exist.")
        survey = find_survey(slug)
        workbook = export_xlsform(survey)
        try:
            output.write_bytes(workbook)
        except OSError as error:
            raise CommandError(f"Could not write '{output}': {error.strerror}.") from error
        self.stdout.write(f"Wrote the XLSForm of '{survey.title}' to {output}.")
