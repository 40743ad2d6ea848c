"""Delete feedback contact details past their day or belonging to closed items.

Run it daily (cron or a scheduler); closing an item in the admin deletes its contact
details at once, this catches the days that run out.
"""

from django.core.management.base import BaseCommand

from feedback.moderation import delete_expired_contacts


class Command(BaseCommand):
    help = "Delete feedback contact details whose days have run out (run daily)."

    def handle(self, *args, **options):
        count = delete_expired_contacts()
        self.stdout.write(f"{count} contact details deleted.")
