"""Delete unfinished responses whose "continue later" time has run out. Run it daily."""

from django.core.management.base import BaseCommand

from surveys.submission import delete_expired_partials


class Command(BaseCommand):
    help = "Delete partial responses whose resume code has expired (run daily, e.g. from cron)."

    def handle(self, *args, **options):
        deleted = delete_expired_partials()
        self.stdout.write(f"Deleted {deleted} expired partial response(s).")
