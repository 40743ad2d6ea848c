"""Generate invitation codes from the shell, one per line, for mail merges.

`manage.py make_invitations SLUG --count 200 --neighborhood riverside --neighborhood hilltop`
prints each code with its neighborhood's code after a tab when neighborhoods are given.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from cms.models import Neighborhood
from surveys.invitations import generate
from surveys.management.commands.analyze import find_survey


def find_neighborhoods(codes: list[str]) -> list[Neighborhood]:
    """The neighborhoods with these codes, in order; a clear error naming any unknown."""
    found = Neighborhood.objects.in_bulk(codes, field_name="code")
    unknown = [code for code in codes if code not in found]
    if unknown:
        known = ", ".join(Neighborhood.objects.order_by("code").values_list("code", flat=True))
        raise CommandError(
            f"No neighborhood with the code {', '.join(unknown)}. Neighborhoods: {known or 'none'}."
        )
    return [found[code] for code in codes]


class Command(BaseCommand):
    help = "Generate single-use invitation codes for a survey and print them, one per line."

    def add_arguments(self, parser):
        parser.add_argument("slug", help="The survey's slug.")
        parser.add_argument("--count", type=int, required=True, help="Codes per neighborhood.")
        parser.add_argument(
            "--neighborhood",
            action="append",
            default=[],
            metavar="CODE",
            help="A neighborhood's code; repeat for several (count codes for each).",
        )

    def handle(self, *args, slug, count, neighborhood, **options):
        survey = find_survey(slug)
        areas = find_neighborhoods(neighborhood)
        try:
            created = generate(survey, count, areas)
        except ValueError as error:
            raise CommandError(str(error)) from error
        for invitation in created:
            area = invitation.neighborhood
            self.stdout.write(f"{invitation.code}\t{area.code}" if area else invitation.code)
