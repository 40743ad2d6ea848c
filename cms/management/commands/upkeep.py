"""Everything the site does by the clock, in one command: run it hourly (cms/upkeep.py)."""

from django.core.management.base import BaseCommand, CommandError

from cms import upkeep


class Command(BaseCommand):
    help = (
        "Release new responses to staff, delete expired sessions, partial responses, "
        "contact details and export files (run hourly, e.g. from cron)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--only", action="append", choices=sorted(upkeep.TASKS), default=[])

    def handle(self, *args, **options):
        failed = []
        for name, task in upkeep.TASKS.items():
            if options["only"] and name not in options["only"]:
                continue
            try:
                self.stdout.write(f"{name}: {task()}")
            except Exception as error:  # noqa: BLE001 (one failing task must not stop the rest)
                failed.append(name)
                self.stderr.write(f"{name}: failed: {error!r}")
        if failed:
            raise CommandError(f"Upkeep tasks failed: {', '.join(failed)}")
