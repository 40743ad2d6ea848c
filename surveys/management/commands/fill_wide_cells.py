"""Give responses stored before version 0004 of the surveys app their wide cells.

The export reads a response's answers from its wide cells (surveys/wide.py) when it has
them and from its answer rows otherwise, so the result is the same either way; this
only makes older responses export as fast as new ones. Safe to run while serving.
"""

from django.core.management.base import BaseCommand

from surveys.wide import fill_missing_cells


class Command(BaseCommand):
    help = "Store the wide cells of responses that have none (older responses), for fast exports."

    def handle(self, *args, **options):
        filled = fill_missing_cells()
        self.stdout.write(f"Filled the cells of {filled} response(s).")
