"""Show staff the last few responses of a closed survey (surveys/release.py).

A neighborhood whose responses never reached k in a release stays hidden from staff,
because a neighborhood of a few households would name them. Whoever runs the server,
and holds the database anyway, may decide otherwise once the survey is closed; the
decision is recorded in the audit log.
"""

from django.core.management.base import BaseCommand, CommandError

from cms.audit import record_command_access
from cms.models import AuditEvent
from surveys.release import release_remaining

from .analyze import find_survey


class Command(BaseCommand):
    help = "Release the last responses of a closed survey, whatever their number (audited)."

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument(
            "--yes",
            action="store_true",
            help="confirm: small neighborhoods' responses become visible to staff",
        )

    def handle(self, *args, **options):
        survey = find_survey(options["slug"])
        if not options["yes"]:
            raise CommandError(
                "This shows staff responses of neighborhoods with fewer than k of them, "
                "which may name the households. Run again with --yes to do it."
            )
        try:
            count = release_remaining(survey)
        except ValueError as error:
            raise CommandError(str(error)) from error
        record_command_access(
            action=AuditEvent.Action.VIEW_RESPONSES,
            page=survey,
            detail={"command": "release_remaining", "released": count},
        )
        self.stdout.write(f"Released {count} remaining responses of '{survey.title}'.")
