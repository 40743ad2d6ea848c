"""Create a draft survey from an XLSForm: `manage.py import_xlsform FORM.xlsx --parent SLUG`.

Prints the admin path where the draft is previewed and published. Problems are
printed one per line as `sheet:row: reason` and nothing is created.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse

from surveys.xlsform.importing import read_xlsform
from surveys.xlsform.pages import create_survey, parent_by_slug
from surveys.xlsform.problems import XLSFormError


class Command(BaseCommand):
    help = "Create a draft survey from an XLSForm (.xlsx) under the page with --parent's slug."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="The XLSForm (.xlsx) file.")
        parser.add_argument("--parent", required=True, help="Slug of the page to add it under.")
        parser.add_argument("--slug", default=None, help="The new survey's slug.")

    def handle(self, *args, file: Path, parent: str, slug: str | None, **options):
        if not file.is_file():
            raise CommandError(f"No file at {file}.")
        try:
            parent_page = parent_by_slug(parent)
            form = read_xlsform(file)
            for warning in form.warnings:
                self.stderr.write(f"warning: {warning}")
            survey = create_survey(form, parent=parent_page, slug=slug)
        except XLSFormError as error:
            raise CommandError(
                "The form was not imported:\n" + "\n".join(str(p) for p in error.problems)
            ) from error
        self.stdout.write(reverse("wagtailadmin_pages:edit", args=[survey.pk]))
