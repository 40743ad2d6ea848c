"""Write a survey's paper data-entry template: `manage.py paper_template SLUG -o FILE.xlsx`."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from surveys.exports.options import ExportError
from surveys.exports.paper import paper_template

from .analyze import find_survey


class Command(BaseCommand):
    help = "Write the spreadsheet template in which paper surveys are typed for import."

    def add_arguments(self, parser):
        parser.add_argument("survey", help="the survey's slug")
        parser.add_argument("-o", "--output", required=True, help="FILE.xlsx")

    def handle(self, *args, **options):
        survey = find_survey(options["survey"])
        try:
            Path(options["output"]).write_bytes(paper_template(survey))
        except ExportError as error:
            raise CommandError(str(error)) from error
        except OSError as error:
            raise CommandError(f"Cannot write {options['output']}: {error.strerror}.") from error
        self.stderr.write(f"Template for '{survey.title}' written to {options['output']}.")
