"""Delete export files older than 24 hours and leftovers of interrupted ones. Run hourly."""

from django.core.management.base import BaseCommand

from surveys.exports.jobs import delete_expired_exports


class Command(BaseCommand):
    help = "Delete expired export files (24 hours) and half-written files of stopped exports."

    def handle(self, *args, **options):
        deleted = delete_expired_exports()
        self.stdout.write(f"Deleted {deleted} expired or abandoned export file(s).")
