"""Load the demo: a fictional city, its neighborhoods, pages, survey and responses.

Idempotent: running it again changes nothing that is already there.
"""

import datetime

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from wagtail.models import Locale, Revision

from cms.demo.content import (
    ensure_home_page,
    ensure_neighborhoods,
    ensure_resource_pages,
    ensure_results_page,
)
from cms.demo.feedback import ensure_feedback
from cms.demo.spanish import ensure_spanish
from cms.demo.survey import ensure_survey
from cms.demo.synthetic import (
    AGREEMENT_DAY,
    AGREEMENT_NAME,
    ANNOUNCEMENT_DAY,
    COVERED,
    FIRST_DAY,
    REVISION_2_DAY,
    synthetic_responses,
)
from cms.models import ContentPage, Neighborhood
from surveys.access import grant
from surveys.models import Intervention, Response
from surveys.questionnaire import questionnaire_for_revision
from surveys.submission import record_responses

DEMO_USERNAME = "admin"
DEMO_EMAIL = "admin@example.org"
ANALYST_EMAIL = "analyst@example.org"
DEMO_PASSWORD = "confianza-demo"  # noqa: S105 (printed demo account, DEBUG only)


def ensure_intervention(survey) -> Intervention:
    """The fictional agreement the synthetic responses react to, covering some
    neighborhoods (cms/demo/synthetic.py)."""
    intervention, created = Intervention.objects.get_or_create(
        name=AGREEMENT_NAME,
        defaults={
            "description": "Fictional: deputies in the covered neighborhoods may ask about "
            "immigration status.",
            "announced_on": ANNOUNCEMENT_DAY,
            "starts_on": AGREEMENT_DAY,
            "survey": survey,
            "public": True,
        },
    )
    if created:
        intervention.neighborhoods.set(Neighborhood.objects.filter(code__in=COVERED))
    return intervention


class Command(BaseCommand):
    help = "Load the demo city, pages, survey and synthetic responses (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-responses", action="store_true", help="Skip the synthetic responses."
        )

    def handle(self, *args, no_responses=False, **options):
        # Content first, committed: wagtail-localize publishes translations on commit.
        with transaction.atomic():
            neighborhoods = ensure_neighborhoods()
            home = ensure_home_page()
            ensure_resource_pages(home)
            survey, revisions = ensure_survey(home)
            resources = ContentPage.objects.child_of(home).order_by("path")
            ensure_spanish([home, *resources, survey])
            ensure_results_page(home, survey)
            feedback = ensure_feedback(home)
            # Results and community voices in Spanish too: nothing public stays English.
            ensure_spanish(
                [
                    page
                    for page in home.get_children().live().specific()
                    if getattr(page, "linked_after_answering", False)
                ]
            )
            Locale.objects.get_or_create(language_code="ar")
            ensure_intervention(survey)
            self.ensure_demo_users(survey)
        self.stdout.write(
            f"{len(neighborhoods)} neighborhoods, home page, 2 resource pages and the "
            "survey, in English and Spanish."
        )
        if feedback:
            self.stdout.write(f"Community voices page and {feedback} demo feedback items.")
        # Then every response or none, so that a rerun after a failure adds them all.
        if no_responses:
            pass
        elif Response.objects.filter(survey=survey).exists():
            self.stdout.write("Demo responses already present; left as they are.")
        else:
            with transaction.atomic():
                created = self.add_responses(survey, revisions)
            self.stdout.write(f"{created} synthetic responses to '{survey.title}'.")
        self.announce_demo_users()

    def add_responses(self, survey, revisions: list[Revision]) -> int:
        survey_es = survey.get_translation(Locale.objects.get(language_code="es"))
        answered = {"en-1": (survey, revisions[0]), "en-2": (survey, revisions[1])}
        answered["es-2"] = (survey_es, survey_es.live_revision)
        # Date the revisions as if they had been published when the demo data says.
        for name, (_, revision) in answered.items():
            day = FIRST_DAY if name == "en-1" else REVISION_2_DAY
            moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(9)))
            Revision.objects.filter(pk=revision.pk).update(created_at=moment)
        by_questionnaire: dict[str, list] = {name: [] for name in answered}
        for name, data in synthetic_responses():
            by_questionnaire[name].append(data)
        return sum(
            record_responses(
                survey=page, questionnaire=questionnaire_for_revision(revision), responses=items
            )
            for name, (page, revision) in answered.items()
            for items in [by_questionnaire[name]]
        )

    def ensure_demo_users(self, survey):
        """A superuser and an analyst granted the demo survey; only when DEBUG is on."""
        if not settings.DEBUG:
            return
        self.demo_account(DEMO_USERNAME, DEMO_EMAIL, superuser=True)
        analyst = self.demo_account("analyst", ANALYST_EMAIL, superuser=False)
        analyst.groups.add(Group.objects.get(name="Analyst"))
        grant(user=analyst, survey=survey)

    def announce_demo_users(self):
        if not settings.DEBUG:
            self.stdout.write("DEBUG is off: no demo accounts created.")
            return
        self.stdout.write(
            self.style.SUCCESS(
                "\nDemo ready. Site: http://127.0.0.1:8000/   Admin: http://127.0.0.1:8000/admin/\n"
                f"Sign in as {DEMO_EMAIL} (superuser) or {ANALYST_EMAIL} (analyst of the "
                f"demo survey), password '{DEMO_PASSWORD}'. Demo accounts, development only."
            )
        )

    def demo_account(self, username: str, email: str, *, superuser: bool):
        User = get_user_model()
        user = User.objects.filter(username=username).first()
        if user is None:
            create = User.objects.create_superuser if superuser else User.objects.create_user
            user = create(username, email, DEMO_PASSWORD)
        EmailAddress.objects.get_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
        return user
