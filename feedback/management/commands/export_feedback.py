"""Write feedback to an XLSX file: public text only, unless --include-original."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cms.audit import record_command_access
from cms.models import AuditEvent
from feedback.exports import write_feedback_xlsx


class Command(BaseCommand):
    help = (
        "Export feedback to an XLSX file. By default only published, masked text; "
        "--include-original adds every item's original text (moderators' view)."
    )

    def add_arguments(self, parser):
        parser.add_argument("-o", "--output", required=True, help="The .xlsx file to write.")
        parser.add_argument(
            "--include-original",
            action="store_true",
            help="Include unpublished items and original texts (never contact details).",
        )

    def handle(self, *args, output, include_original=False, **options):
        path = Path(output)
        if path.suffix.lower() != ".xlsx":
            raise CommandError("The output file must end in .xlsx.")
        if not path.parent.is_dir():
            raise CommandError(f"The folder {path.parent} does not exist.")
        try:
            count = write_feedback_xlsx(path, include_original=include_original)
        except OSError as error:
            raise CommandError(f"Could not write {path}: {error.strerror or error}") from error
        record_command_access(
            action=AuditEvent.Action.EXPORT,
            page=None,
            detail={"export": "feedback", "include_original": include_original, "items": count},
        )
        self.stdout.write(f"{count} feedback items written to {path}.")
